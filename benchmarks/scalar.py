"""The scalar engine measured as callers run it: garbage collector ON, every result kept.

    python benchmarks/scalar.py            # 10,000 generated evaluations × 20 rows
    python benchmarks/scalar.py --quick    # 500 evaluations

``python benchmarks/bench.py`` runs this script too (in a process of its own, with the same
count of the same generated evaluations) and lists its goals in its summary. Every goal is a
ratio of two figures from this same run:

S1. loading and compiling every shipped ruleset cold against parsing the same TOML files with
    tomllib alone: goal ≤ 4×;
S2. the engine (``perfscore.score``, reports kept) against plain Python (bench.py's scorer (b),
    its results kept): goal ≤ 3×; and against what a user would pick instead: a hand-made
    simpleeval scorer (goal: the engine ≥ 1.3× faster) and GoRules ZEN, ``zen-engine`` (goal: the
    engine at least as fast; skipped, never failed, when zen-engine is not installed);
S3. the memory a kept report holds (tracemalloc, snapshot diff): goal ≤ 500 bytes per row;
S4. ``Report.to_json()`` against scoring the same evaluations: goal ≤ 3×.

Each timed task runs the whole set in one go with the collector on, keeps what it returns until
it ends, and takes turns with the others (rotating who goes first); a figure is the best of the
repeats. The totals and grades of every baseline must agree with the engine's, or the run fails.
"""

from __future__ import annotations

import argparse
import ast
import gc
import importlib
import json
import sys
import time
import tracemalloc
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, NamedTuple, Optional

from simpleeval import SimpleEval

import perfscore
import perfscore.rules
from perfscore.cells import Comparator, ValueKind, convert
from perfscore.evaluations import Evaluation
from perfscore.rules import Ruleset
from perfscore.rules.registry import bundled_dirs
from perfscore.scoring import normalize_label

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import (
    _BLOCK_POINTS,
    _CENTS,
    _COST,
    _GRADES,
    _LEVELS,
    _TOTAL,
    _ZERO,
    ROWS_PER_EVALUATION,
    RULESET_ID,
    SEED,
    Unsupported,
    _parse_b,
    generate,
    load_everything,
    plain_score,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python < 3.11
    import tomli as tomllib


def _optional(name: str) -> Optional[ModuleType]:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


zen = _optional("zen")
ZEN_MISSING = "zen-engine not installed"
"""GoRules ZEN (``zen-engine``, the bench extra); without it the ZEN comparison says it is skipped."""

GOAL_KEPT_VS_PLAIN = 3.0
"""engine ≤ 3× plain Python, both keeping what they return"""
GOAL_REPORT_BYTES = 500.0
"""bytes a kept report holds per row"""
GOAL_JSON_VS_SCORE = 3.0
"""Report.to_json() ≤ 3× scoring the same evaluation"""
GOAL_VS_SIMPLEEVAL = 1.3
"""engine ≥ 1.3× faster than a hand-made simpleeval scorer"""
GOAL_VS_ZEN = 1.0
"""engine at least as fast as the same expressions evaluated by GoRules ZEN"""
GOAL_LOAD_VS_TOML = 4.0
"""loading and compiling every ruleset ≤ 4× parsing the same files with tomllib (README: why 4)"""

LOAD_REPEATS = 10
"""At least this many turns for the load figures: a turn is short, and the ratio is noisy below it"""

Score = Callable[[Evaluation], tuple[Decimal, str]]


class Goal(NamedTuple):
    """One goal's line in a summary. ``ok`` is None when it could not be measured (``why``)."""

    text: str
    value: str
    ok: Optional[bool]
    why: str = ""


def goal_line(goal: Goal) -> str:
    verdict = f"skipped: {goal.why}" if goal.ok is None else "PASS" if goal.ok else "MISS"
    return f"   {goal.text:<52} {goal.value:>10}   {verdict}"


# --------------------------------------------------------------------------- timing


class Timing(NamedTuple):
    """A task's best run: its seconds, and the seconds the collector took during that run."""

    seconds: float
    gc_seconds: float
    collections: int


class _GcClock:
    """Sums the time of every collection while installed in ``gc.callbacks``."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = 0
        self._start = 0.0

    def __call__(self, phase: str, info: Mapping[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start
            self.collections += 1


def interleaved(tasks: Mapping[str, Callable[[], object]], repeats: int) -> dict[str, Timing]:
    """Each task's best run over ``repeats`` turns, as callers run code: the collector on, and
    what a task returns kept until it ends (freed after its time is taken). The tasks take
    turns, rotating who goes first, so a burst of load from elsewhere spoils one try, not a task."""
    if not gc.isenabled():
        raise RuntimeError("the collector must be on: these figures are taken as callers run the code")
    names = list(tasks)
    best = dict.fromkeys(names, Timing(float("inf"), 0.0, 0))
    for turn in range(repeats):
        for name in names[turn % len(names) :] + names[: turn % len(names)]:
            gc.collect()
            clock = _GcClock()
            gc.callbacks.append(clock)
            try:
                start = time.perf_counter()
                kept = tasks[name]()
                elapsed = time.perf_counter() - start
            finally:
                gc.callbacks.remove(clock)
            del kept
            if elapsed < best[name].seconds:
                best[name] = Timing(elapsed, clock.seconds, clock.collections)
    return best


def gc_part(timing: Timing) -> str:
    """The collector's share of a run, for the reader (what keeping results costs)."""
    return f"GC {timing.gc_seconds / timing.seconds:4.0%} ({timing.collections:,} collections)"


def each(fn: Callable[[Any], object], items: Sequence[Any]) -> Callable[[], list[object]]:
    """A task that applies ``fn`` to every item and keeps every result."""
    return lambda: [fn(item) for item in items]


def heading(text: str) -> None:
    print()
    print(f"== {text}")


# --------------------------------------------------------------------------- hand-made scorers

RowPoints = Callable[[str, Decimal, Decimal, Decimal], Decimal]
"""(method, W, T, A) → the row's points, clamped to [0, W] and rounded to cents"""
BudgetPoints = Callable[[Decimal, Decimal], Decimal]
"""(executed, full-year budget) → the budget row's points, clamped and rounded"""

# What a user maps each comparator to: cn-base's [selection] (a bare amount under 成本指标 is a ceiling).
_METHOD_OF = {
    None: "positive",
    Comparator.GE: "positive",
    Comparator.GT: "positive",
    Comparator.LE: "reverse",
    Comparator.LT: "reverse",
    Comparator.EQ: "equality",
}


def formula_score(
    evaluation: Evaluation, row_points: RowPoints, budget_points: BudgetPoints
) -> tuple[Decimal, str]:
    """The skeleton a user writes around a formula evaluator: the same cells through parse_cell
    (cached like (b)'s), the levels table, unit conversion, block sums, budget, total and grade.
    Only each row's number comes from ``row_points``; (total, grade) as bench.py's (b) returns."""
    sums = dict.fromkeys(_BLOCK_POINTS, _ZERO)
    for row in evaluation.rows:
        block = normalize_label(row.block)
        w = row.weight
        if block not in sums or w is None or not _ZERO < w <= _BLOCK_POINTS[block]:
            raise Unsupported(row.where)
        target, actual = _parse_b(row.target), _parse_b(row.actual)
        if target.kind is ValueKind.QUALITATIVE:
            said = normalize_label(row.actual)
            fraction = _LEVELS.get(said)
            if fraction is None:
                if said != normalize_label(row.target):
                    raise Unsupported(row.where)
                fraction = Decimal(1)
            got = (fraction * w).quantize(_CENTS, ROUND_HALF_UP)
        else:
            t, a = target.number, actual.number
            if target.kind is not ValueKind.NUMBER or t is None or a is None:
                raise Unsupported(row.where)
            if actual.unit and target.unit and actual.unit != target.unit:
                a = convert(a, actual.unit, target.unit)
            if a < 0:
                a = _ZERO
            comparator = target.comparator
            if comparator is None and normalize_label(row.category) == _COST:
                comparator = Comparator.LE
            got = row_points(_METHOD_OF[comparator], w, t, a)
        sums[block] += got
    total = sum((min(s, _BLOCK_POINTS[b]) for b, s in sums.items()), _ZERO)
    table = evaluation.budget
    if table is None or not table.full_year or table.executed is None:
        raise Unsupported("budget")
    total += budget_points(table.executed, table.full_year)
    total = min(total, _TOTAL).quantize(_CENTS, ROUND_HALF_UP)
    return total, next(label for low, label in _GRADES if total >= low)


class SimpleevalScorer:
    """What a competent user writes with simpleeval: the ruleset's formula texts parsed ONCE
    (``SimpleEval.parse``), each row's cases evaluated in turn on the parsed nodes with Decimal
    names, points clamped and rounded in Decimal."""

    def __init__(self, ruleset: Ruleset) -> None:
        self._eval = SimpleEval(functions={"min": min, "max": max})
        parse = SimpleEval.parse
        self._cases: dict[str, list[tuple[Optional[tuple[str, Any]], tuple[str, Any]]]] = {}
        for key, method in ruleset.methods.items():
            self._cases[key] = [
                (
                    None if case.when is None else (case.when.source, parse(case.when.source)),
                    (case.score.source, parse(case.score.source)),
                )
                for case in method.cases
            ]
        assert ruleset.budget is not None
        self._budget = (ruleset.budget.formula.source, parse(ruleset.budget.formula.source))
        self._budget_names = {**ruleset.params, **ruleset.budget.params, "W": ruleset.budget.points}
        self._budget_w = ruleset.budget.points

    def row_points(self, method: str, w: Decimal, t: Decimal, a: Decimal) -> Decimal:
        evaluator = self._eval
        evaluator.names = {"W": w, "T": t, "A": a}
        for when, (text, node) in self._cases[method]:
            if when is None or evaluator.eval(when[0], previously_parsed=when[1]):
                raw = evaluator.eval(text, previously_parsed=node)
                got: Decimal = min(max(_ZERO, raw), w).quantize(_CENTS, ROUND_HALF_UP)
                return got
        raise Unsupported(f"no case of {method} applies")

    def budget_points(self, executed: Decimal, base: Decimal) -> Decimal:
        self._eval.names = {**self._budget_names, "rate": executed / base}
        raw = self._eval.eval(self._budget[0], previously_parsed=self._budget[1])
        got: Decimal = min(max(_ZERO, raw), self._budget_w).quantize(_CENTS, ROUND_HALF_UP)
        return got

    def score(self, evaluation: Evaluation) -> tuple[Decimal, str]:
        return formula_score(evaluation, self.row_points, self.budget_points)


_ZEN_OPERATORS: dict[type, str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Mod: "%",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.And: "and",
    ast.Or: "or",
}


def zen_source(source: str, names: Optional[Mapping[str, str]] = None) -> str:
    """A formula of the ruleset language written in ZEN's expression language: the same
    operations in the same order (``min(a, b)`` becomes ``min([a, b])``); ``names`` replaces a
    name by an expression."""

    def text(node: ast.AST) -> str:
        if isinstance(node, ast.BinOp) and type(node.op) in _ZEN_OPERATORS:
            return f"({text(node.left)} {_ZEN_OPERATORS[type(node.op)]} {text(node.right)})"
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _ZEN_OPERATORS:
            return f"({text(node.left)} {_ZEN_OPERATORS[type(node.ops[0])]} {text(node.comparators[0])})"
        if isinstance(node, ast.BoolOp):
            return "(" + f" {_ZEN_OPERATORS[type(node.op)]} ".join(text(v) for v in node.values) + ")"
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return f"(-{text(node.operand)})"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("min", "max"):
            return f"{node.func.id}([{', '.join(text(arg) for arg in node.args)}])"
        if isinstance(node, ast.Name):
            return (names or {}).get(node.id, node.id)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return repr(node.value)
        raise ValueError(f"no ZEN translation for {ast.dump(node)} in {source!r}")

    return text(ast.parse(source, mode="eval").body)


def zen_points(score: str, weight: str = "W") -> str:
    """A score expression clamped to [0, weight] and rounded to cents, in ZEN (its ``round`` is
    half away from zero: half up on the non-negative values it is given)."""
    return f"round(max([min([{score}, {weight}]), 0]), 2)"


def zen_chain(ruleset: Ruleset, method: str) -> str:
    """A method's cases as one ZEN expression (``when ? points : next``; null when none applies)."""
    chain = "null"
    for case in reversed(ruleset.methods[method].cases):
        points = zen_points(zen_source(case.score.source))
        chain = points if case.when is None else f"({zen_source(case.when.source)} ? {points} : {chain})"
    return chain


class ZenScorer:
    """The same expressions evaluated by GoRules ZEN (``zen-engine``): each method's cases, the
    clamp and the rounding compiled ONCE into one expression (``zen.compile_expression``),
    evaluated per row on floats (ZEN computes in decimal; a Decimal of a few digits converts
    exactly), its 2-place result read back as Decimal. With ``by_formula``, each case's
    condition and (clamped, rounded) score are compiled apart and evaluated in turn, as the
    simpleeval scorer does: for context, the goal takes the faster one-expression form."""

    def __init__(self, ruleset: Ruleset, *, by_formula: bool = False) -> None:
        if zen is None:
            raise RuntimeError("zen-engine is not installed")
        compile_expression = zen.compile_expression
        self._methods = {
            key: compile_expression(zen_chain(ruleset, key))
            for key, method in ruleset.methods.items()
            if method.cases
        }
        self._cases = {
            key: [
                (
                    None if case.when is None else compile_expression(zen_source(case.when.source)),
                    compile_expression(zen_points(zen_source(case.score.source))),
                )
                for case in method.cases
            ]
            for key, method in ruleset.methods.items()
        }
        if by_formula:
            self.row_points = self._row_points_by_formula  # type: ignore[method-assign]
        budget = ruleset.budget
        assert budget is not None
        formula = zen_source(budget.formula.source, {"rate": "(executed / base)"})
        self._budget = zen.compile_expression(zen_points(formula))
        self._budget_context = {
            **{k: float(v) for k, v in {**ruleset.params, **budget.params}.items()},
            "W": float(budget.points),
        }

    def row_points(self, method: str, w: Decimal, t: Decimal, a: Decimal) -> Decimal:
        got = self._methods[method].evaluate({"W": float(w), "T": float(t), "A": float(a)})
        if got is None:
            raise Unsupported(f"no case of {method} applies")
        return Decimal(str(got))

    def _row_points_by_formula(self, method: str, w: Decimal, t: Decimal, a: Decimal) -> Decimal:
        context = {"W": float(w), "T": float(t), "A": float(a)}
        for when, score in self._cases[method]:
            if when is None or when.evaluate(context):
                return Decimal(str(score.evaluate(context)))
        raise Unsupported(f"no case of {method} applies")

    def budget_points(self, executed: Decimal, base: Decimal) -> Decimal:
        context = {**self._budget_context, "executed": float(executed), "base": float(base)}
        return Decimal(str(self._budget.evaluate(context)))

    def score(self, evaluation: Evaluation) -> tuple[Decimal, str]:
        return formula_score(evaluation, self.row_points, self.budget_points)


def engine_of(ruleset: Ruleset) -> Callable[[Evaluation], perfscore.Report]:
    """The engine as callers call it: the public ``perfscore.score`` with a loaded ruleset."""
    return lambda evaluation: perfscore.score(evaluation, ruleset)


def disagreement(evaluations: Sequence[Evaluation], ruleset: Ruleset, other: Score) -> Optional[str]:
    """The first evaluation whose (total, grade) ``other`` gives differently from the engine."""
    engine = engine_of(ruleset)
    for i, evaluation in enumerate(evaluations):
        report = engine(evaluation)
        try:
            got = other(evaluation)
        except Unsupported as exc:
            return f"evaluation {i}: cannot score {exc} (engine: {report.total} {report.grade})"
        if got != (report.total, report.grade):
            return f"evaluation {i}: engine {report.total} {report.grade}, other {got[0]} {got[1]}"
    return None


# --------------------------------------------------------------------------- measurements


def bench_kept(
    evaluations: Sequence[Evaluation], ruleset: Ruleset, repeats: int, failures: list[str]
) -> list[Goal]:
    """S2: the engine, GC on and reports kept, against plain Python, simpleeval and ZEN."""
    rows = sum(len(e.rows) for e in evaluations)
    heading(
        f"S2. engine vs plain Python, simpleeval and ZEN: GC on, every result kept "
        f"({len(evaluations):,} evaluations, {rows:,} rows)"
    )
    tasks: dict[str, Callable[[], object]] = {
        "engine": each(engine_of(ruleset), evaluations),
        "plain": each(plain_score, evaluations),
    }
    checks: dict[str, Score] = {"plain": plain_score}
    simple = SimpleevalScorer(ruleset)
    tasks["simpleeval"], checks["simpleeval"] = each(simple.score, evaluations), simple.score
    if zen is not None:
        zen_scorer = ZenScorer(ruleset)
        tasks["zen"], checks["zen"] = each(zen_scorer.score, evaluations), zen_scorer.score
        by_formula = ZenScorer(ruleset, by_formula=True).score
        tasks["zen_formulas"], checks["zen_formulas"] = each(by_formula, evaluations), by_formula
    for name, check in checks.items():
        diff = disagreement(evaluations, ruleset, check)
        print(f"   totals and grades, engine vs {name}: {'identical' if diff is None else 'DIFFERENT'}")
        if diff:
            failures.append(f"{name} disagrees with the engine: {diff}")
    timings = interleaved(tasks, repeats)
    times = {name: timing.seconds for name, timing in timings.items()}
    t_engine = times["engine"]
    what = {
        "engine": "perfscore.score, reports kept",
        "plain": "bench.py's (b), (total, grade) kept",
        "simpleeval": "hand-made, formulas parsed once",
        "zen": "zen-engine, one expression a method, compiled once",
        "zen_formulas": "zen-engine, formula by formula, compiled once; context",
    }
    for name, seconds in times.items():
        ratio = "" if name == "engine" else f" → engine/{name} = {t_engine / seconds:.2f}×"
        print(
            f"   {name:<12} {seconds * 1e6 / rows:7.2f} µs per row, {gc_part(timings[name])}  ({what[name]}){ratio}"
        )
    if zen is None:
        print(f"   zen: skipped: {ZEN_MISSING} (pip install -e '.[bench]')")
    vs_plain = t_engine / times["plain"]
    vs_simple = times["simpleeval"] / t_engine
    tables = f"{len(evaluations):,} tables"  # the collector's share, so the ratios, grow with it
    goals = [
        Goal(
            f"engine ≤ {GOAL_KEPT_VS_PLAIN:.0f}× plain Python, GC on, kept, {tables}",
            f"{vs_plain:.2f}×",
            vs_plain <= GOAL_KEPT_VS_PLAIN,
        ),
        Goal(
            f"engine ≥ {GOAL_VS_SIMPLEEVAL}× faster than hand-made simpleeval, {tables}",
            f"{vs_simple:.2f}×",
            vs_simple >= GOAL_VS_SIMPLEEVAL,
        ),
    ]
    if zen is None:
        goals.append(Goal(f"engine at least as fast as GoRules ZEN, {tables}", "—", None, ZEN_MISSING))
    else:
        vs_zen = times["zen"] / t_engine
        goals.append(
            Goal(f"engine at least as fast as GoRules ZEN, {tables}", f"{vs_zen:.2f}×", vs_zen >= GOAL_VS_ZEN)
        )
    return goals


def retained(
    fn: Callable[[Evaluation], object], evaluations: Sequence[Evaluation]
) -> tuple[int, int, list[Any]]:
    """(bytes, GC-tracked objects) that the results of ``fn`` over ``evaluations`` hold once kept:
    a tracemalloc snapshot diff and a count of gc.get_objects() around the scoring, after a first
    pass that fills every cache (so only what the kept results hold is counted); and the top
    three files by bytes."""
    for evaluation in evaluations:
        fn(evaluation)
    gc.collect()
    tracemalloc.start()
    try:
        objects_before = len(gc.get_objects())
        before = tracemalloc.take_snapshot()
        kept = [fn(evaluation) for evaluation in evaluations]
        gc.collect()
        objects_after = len(gc.get_objects())
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    stats = after.compare_to(before, "filename")
    del kept
    top = sorted(stats, key=lambda s: -s.size_diff)[:3]
    return sum(s.size_diff for s in stats), objects_after - objects_before, top


def bench_memory(evaluations: Sequence[Evaluation], ruleset: Ruleset) -> list[Goal]:
    """S3: what a kept report costs in memory, per row."""
    rows = sum(len(e.rows) for e in evaluations)
    heading(f"S3. memory held by kept reports ({len(evaluations):,} evaluations, {rows:,} rows; tracemalloc)")
    size, objects, top = retained(engine_of(ruleset), evaluations)
    plain_size, plain_objects, _ = retained(plain_score, evaluations)
    per_row = size / rows
    print(f"   engine reports: {per_row:7.1f} bytes and {objects / rows:.2f} GC-tracked objects per row")
    for stat in top:
        where = stat.traceback[0].filename if stat.traceback else "?"
        print(f"      {stat.size_diff / rows:7.1f} B/row  {Path(where).name}")
    print(
        f"   for context, plain (b)'s (total, grade): {plain_size / rows:.1f} bytes and "
        f"{plain_objects / rows:.2f} objects per row"
    )
    return [
        Goal(
            f"kept report ≤ {GOAL_REPORT_BYTES:.0f} B per row",
            f"{per_row:.0f} B",
            per_row <= GOAL_REPORT_BYTES,
        )
    ]


def bench_json(evaluations: Sequence[Evaluation], ruleset: Ruleset, repeats: int) -> list[Goal]:
    """S4: Report.to_json() against scoring the same evaluations."""
    rows = sum(len(e.rows) for e in evaluations)
    heading(f"S4. Report.to_json() vs scoring, GC on, kept ({len(evaluations):,} evaluations, {rows:,} rows)")
    engine = engine_of(ruleset)
    reports = [engine(e) for e in evaluations]
    timings = interleaved(
        {
            "score": each(engine, evaluations),
            "to_json": each(lambda r: r.to_json(), reports),
            "to_dict": each(lambda r: r.to_dict(), reports),
        },
        repeats,
    )
    times = {name: timing.seconds for name, timing in timings.items()}
    ratio = times["to_json"] / times["score"]
    size = sum(len(r.to_json().encode("utf-8")) for r in reports) / rows
    print(f"   score     {times['score'] * 1e6 / rows:8.2f} µs per row, {gc_part(timings['score'])}")
    print(
        f"   to_json() {times['to_json'] * 1e6 / rows:8.2f} µs per row, {gc_part(timings['to_json'])}"
        f" → to_json/score = {ratio:.2f}×"
    )
    print(
        f"   to_dict() {times['to_dict'] * 1e6 / rows:8.2f} µs per row (its part of to_json: "
        f"{times['to_dict'] / times['to_json']:.0%}); the JSON text is {size:,.0f} bytes per row"
    )
    return [
        Goal(
            f"Report.to_json() ≤ {GOAL_JSON_VS_SCORE:.0f}× scoring",
            f"{ratio:.2f}×",
            ratio <= GOAL_JSON_VS_SCORE,
        )
    ]


def ruleset_files() -> list[Path]:
    """The TOML files a cold load reads: every ruleset file under the shipped directories."""
    return sorted(
        file
        for directory in bundled_dirs()
        for file in directory.rglob("*.toml")
        if "cases" not in file.relative_to(directory).parts[:-1]
    )


def bench_load(repeats: int) -> list[Goal]:
    """S1: loading and compiling every ruleset cold, against parsing the same files with tomllib."""
    files = ruleset_files()
    size = sum(f.stat().st_size for f in files)
    heading(
        f"S1. load every shipped ruleset cold, GC on, vs tomllib parsing the same {len(files)} files ({size:,} bytes)"
    )

    def parse() -> list[dict[str, Any]]:
        return [tomllib.loads(f.read_bytes().decode("utf-8")) for f in files]

    timings = interleaved({"load": load_everything, "tomllib": parse}, max(repeats, LOAD_REPEATS))
    times = {name: timing.seconds for name, timing in timings.items()}
    perfscore.rules.clear_caches()
    ratio = times["load"] / times["tomllib"]
    print(f"   tomllib.loads alone        {times['tomllib'] * 1e3:8.2f} ms, {gc_part(timings['tomllib'])}")
    print(
        f"   load and compile (cold)    {times['load'] * 1e3:8.2f} ms, {gc_part(timings['load'])}; "
        f"{len(perfscore.available_rulesets())} rulesets, caches cleared first → load/tomllib = {ratio:.2f}×"
    )
    return [
        Goal(
            f"load all rulesets ≤ {GOAL_LOAD_VS_TOML:.0f}× tomllib parsing them",
            f"{ratio:.2f}×",
            ratio <= GOAL_LOAD_VS_TOML,
        )
    ]


def run(evaluations: Sequence[Evaluation], repeats: int) -> tuple[list[Goal], list[str]]:
    """S2 to S4 on ``evaluations`` (cn-project); (goals, failures)."""
    ruleset = perfscore.load_ruleset(RULESET_ID)
    failures: list[str] = []
    goals = bench_kept(evaluations, ruleset, repeats, failures)
    goals += bench_memory(evaluations[:1000], ruleset)
    goals += bench_json(evaluations[: max(20, min(len(evaluations) // 5, 1000))], ruleset, repeats)
    return goals, failures


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="500 evaluations instead of 10,000")
    parser.add_argument("--count", type=int, help="number of generated evaluations (overrides --quick)")
    parser.add_argument("--repeats", type=int, default=5, help="repeats per measurement (best is kept)")
    parser.add_argument("--goals", type=Path, help="write the summary lines and failures to this JSON file")
    args = parser.parse_args(argv)
    count = args.count or (500 if args.quick else 10_000)
    print(
        f"perfscore {perfscore.__version__} scalar goals — Python {sys.version.split()[0]}, "
        f"{count:,} generated '{RULESET_ID}' evaluations × {ROWS_PER_EVALUATION} rows (seed {SEED}), "
        f"best of {args.repeats}, GC on, results kept"
    )
    load_goals = bench_load(args.repeats)  # first, on a small heap: callers load at startup
    goals, failures = run(generate(count), args.repeats)
    goals += load_goals
    lines = [goal_line(goal) for goal in goals]
    if args.goals:  # bench.py prints them in its own summary
        args.goals.write_text(json.dumps({"lines": lines, "failures": failures}), encoding="utf-8")
        return 1 if failures else 0
    heading("summary")
    print("\n".join(lines))
    for failure in failures:
        print(f"   FAILURE: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
