"""Speed benchmark for perfscore: loading, scoring, and two baselines, all in one process.

Run ``python benchmarks/bench.py`` (10,000 generated evaluations of 20 rows) or
``python benchmarks/bench.py --quick`` (500 evaluations; a few seconds).

Machines are noisy, so every figure is the best of several repeats (``time.perf_counter``, the
garbage collector paused while timing) and every comparison is a ratio of two figures measured
in this same run. Goals are reported as PASS / MISS; the exit code is 0 whatever they say, and
non-zero only when a baseline scorer and the engine disagree on a total (a bug in one of them).
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Callable, Optional, TypeVar

import perfscore
import perfscore.rules.load
import perfscore.rules.registry
from perfscore.cells import MAX_NUMBER_CELL_CHARS, Comparator, ValueKind, convert, parse_cell
from perfscore.evaluations import BudgetTable, Evaluation, IndicatorRow
from perfscore.formulas import CaseChain, Formula, compile_cases
from perfscore.report import Report
from perfscore.rules import Ruleset
from perfscore.scoring import normalize_label
from perfscore.scoring import score as engine_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from forms import GOAL_READ_SPEEDUP, bench_forms, forms_goal

# (b) parses cells with the same cache the engine uses (a dict of frozen CellValues keyed by the
# text), so the ratio compares scoring, not whether one side remembers "100%".
_parse_b = functools.lru_cache(maxsize=16384)(parse_cell)

ROOT = Path(__file__).resolve().parent.parent
RULESET_ID = "cn-project"
SEED = 20240509
ROWS_PER_EVALUATION = 20
CHUNK = 100
"""Evaluations per timed chunk (see :func:`race`)."""

LOAD_MS = 200.0
"""The old absolute load goal, now shown as information: the goal is a ratio (scalar.py)."""
GOAL_VS_SIMPLEEVAL = 5.0
GOAL_HOSTILE_CELL_MS = 50.0
HOSTILE_CHARS = 10_000

T = TypeVar("T")


# --------------------------------------------------------------------------- timing


def best_of(repeats: int, fn: Callable[[], object], *, collect: bool = True) -> float:
    """The fastest of ``repeats`` runs of ``fn``, in seconds, with the collector paused (and a
    collection before each run unless ``collect`` is false: a full collection of a large heap
    takes longer than timing a short ``fn``)."""
    best = float("inf")
    was_enabled = gc.isenabled()
    for _ in range(repeats):
        if collect:
            gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            fn()
            elapsed = time.perf_counter() - start
        finally:
            if was_enabled:
                gc.enable()
        best = min(best, elapsed)
    return best


def race(
    tasks: Mapping[str, Callable[[int, int], object]], size: int, chunk: int, repeats: int
) -> dict[str, float]:
    """Seconds each task takes over items ``0..size``, robust to a noisy machine.

    The items are cut into chunks; on each chunk the tasks run in turn (rotating who goes first),
    ``repeats`` times, and each task's best time on the chunk is kept. A task's figure is the sum
    of its best chunk times, so a burst of load from elsewhere spoils one chunk's try, not a task.
    """
    totals = dict.fromkeys(tasks, 0.0)
    names = list(tasks)
    was_enabled = gc.isenabled()
    try:
        for k, lo in enumerate(range(0, size, chunk)):
            hi = min(lo + chunk, size)
            order = names[k % len(names) :] + names[: k % len(names)]
            best = dict.fromkeys(names, float("inf"))
            for _ in range(repeats):
                for name in order:
                    gc.collect()
                    gc.disable()
                    begin = time.perf_counter()
                    tasks[name](lo, hi)
                    best[name] = min(best[name], time.perf_counter() - begin)
                    if was_enabled:
                        gc.enable()
            for name in names:
                totals[name] += best[name]
    finally:
        if was_enabled:
            gc.enable()
    return totals


def heading(text: str) -> None:
    print()
    print(f"== {text}")


# --------------------------------------------------------------------------- 1. loading


def clear_loader_caches() -> None:
    """Empty every loader cache (parsed files, compiled formulas, built rulesets, the registry)."""
    perfscore.rules.clear_caches()


def load_everything() -> list[Ruleset]:
    """Scan for rulesets and build every one from scratch (parents are re-read, not cached)."""
    clear_loader_caches()
    return [perfscore.load_ruleset(info.file) for info in perfscore.available_rulesets()]


def bench_loading(repeats: int) -> float:
    heading("1. load and compile every shipped ruleset (loader caches cleared)")
    infos = perfscore.available_rulesets()
    total = best_of(repeats, load_everything)

    def scan() -> None:
        perfscore.rules.registry.registry.cache_clear()
        perfscore.available_rulesets()

    print(f"   registry scan (available_rulesets)   {best_of(repeats, scan) * 1e3:8.2f} ms")
    perfscore.available_rulesets()  # leave the registry warm: the rows below time the build alone
    for info in infos:

        def build(file: str = info.file) -> None:
            perfscore.rules.load._BUILT.clear()
            perfscore.load_ruleset(file)

        chain = f" (extends {info.extends})" if info.extends else ""
        print(f"   {info.label:<28} build {best_of(repeats, build) * 1e3:8.2f} ms{chain}")
    print(
        f"   all {len(infos)} rulesets from scratch        {total * 1e3:8.2f} ms total, "
        f"{total * 1e3 / len(infos):.2f} ms per ruleset"
    )
    clear_loader_caches()
    return total * 1e3


# --------------------------------------------------------------------------- 2. examples


def bench_examples(repeats: int, loops: int) -> None:
    heading("2. score the shipped examples (perfscore.read_evaluation + perfscore.score)")
    files = sorted((ROOT / "examples").glob("**/*.toml"))
    evaluations = [perfscore.read_evaluation(f) for f in files]
    rows = sum(len(e.rows) for e in evaluations)
    for e in evaluations:
        perfscore.score(e)  # warm the ruleset cache: the API looks rulesets up by region and year

    def read() -> None:
        for f in files:
            perfscore.read_evaluation(f)

    def score_all() -> None:
        for _ in range(loops):
            for e in evaluations:
                perfscore.score(e)

    for f, e in zip(files, evaluations):
        report = perfscore.score(e)
        print(
            f"   {f.relative_to(ROOT)}: {len(e.rows)} rows, ruleset {report.ruleset}, total {report.total}"
            f" {report.grade or '(no grade: incomplete)'}"
        )
    t_read = best_of(repeats, read)
    t_score = best_of(repeats, score_all) / loops
    per_row = t_read * 1e6 / rows
    print(f"   read_evaluation: {t_read * 1e3:.2f} ms for {len(files)} files ({per_row:.1f} µs per row)")
    print(
        f"   score:           {t_score * 1e6 / rows:.1f} µs per row ({rows} rows, {len(files)} tables,"
        f" best of {repeats} × {loops} passes)"
    )


# --------------------------------------------------------------------------- 3. generated evaluations

_BLOCKS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("产出指标", 50, ("数量指标", "质量指标", "时效指标", "成本指标")),
    ("效益指标", 30, ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")),
    ("满意度指标", 10, ("服务对象满意度指标",)),
)
_NAMES = (
    "开展工伤预防宣传培训",
    "事故勘察工作完成率",
    "项目资金支出",
    "群众满意度",
    "参保登记办结率",
    "按时发放补助",
    "网上经办业务指导",
    "设备采购成本",
    "服务对象满意度",
    "安全生产事故",
)
_QUALITATIVE_TARGETS = ("按月完成", "按时完成", "群众满意度明显提升", "及时发放到位", "档案管理规范")
_KINDS = ("ge_pct", "count", "le_money", "eq_zero", "pct100", "qualitative")
_KIND_WEIGHTS = (25, 20, 15, 10, 15, 15)


def _split(rng: random.Random, points: int, parts: int) -> list[Decimal]:
    """``parts`` positive weights adding up to ``points``; sometimes in half points."""
    step = Decimal("0.5") if rng.random() < 0.2 else Decimal(1)
    units = int(points / step)
    cuts = sorted(rng.sample(range(1, units), parts - 1))
    bounds = [0, *cuts, units]
    return [step * (b - a) for a, b in zip(bounds, bounds[1:])]


def _cells(rng: random.Random, kind: str) -> tuple[str, str]:
    """(target, actual) cell text of one kind."""
    if kind == "ge_pct":
        target = rng.choice((80, 85, 90, 95, 98))
        actual = min(Decimal(1000), Decimal(rng.randint(target * 10 - 150, target * 10 + 50))) / 10
        return f"≥{target}%", f"{actual}%"
    if kind == "count":
        n = rng.randint(1, 30)
        return f"{n}次", f"{max(0, n + rng.choice((-3, -1, 0, 0, 0, 1, 2)))}次"
    if kind == "le_money":
        limit = rng.randint(20, 500)
        spent = (Decimal(limit) * Decimal(rng.randint(800, 1200)) / 1000).quantize(Decimal("0.01"))
        if rng.random() < 0.15:  # the actual written in 元: converted to 万元 before scoring
            yuan = int(spent * 10000)
            return f"≤{limit}万元", f"{yuan:,}元" if rng.random() < 0.5 else f"{yuan}元"
        return f"≤{limit}万元", f"{spent}万元"
    if kind == "eq_zero":
        return "=0", rng.choice(("0", "0", "0", "0起", "1起", "2"))
    if kind == "pct100":
        return "100%", rng.choice(("100%", "100%", "99%", "97.5%", "92%"))
    text = rng.choice(_QUALITATIVE_TARGETS)
    return text, rng.choices((text, "部分达成", "未完成"), (8, 1, 1))[0]


def generate(count: int, seed: int = SEED) -> list[Evaluation]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        n_satisfaction = rng.randint(2, 3)
        n_benefit = rng.randint(4, 7)
        counts = (ROWS_PER_EVALUATION - n_benefit - n_satisfaction, n_benefit, n_satisfaction)
        rows: list[IndicatorRow] = []
        for (block, points, categories), n in zip(_BLOCKS, counts):
            label = rng.choice((block, f"{block}({points} 分)", f"{block}（{points}分）"))
            for weight in _split(rng, points, n):
                kind = (
                    rng.choices(_KINDS, _KIND_WEIGHTS)[0]
                    if block != "满意度指标"
                    else rng.choice(("ge_pct", "pct100"))
                )
                target, actual = _cells(rng, kind)
                rows.append(
                    IndicatorRow(
                        block=label,
                        category=rng.choice(categories),
                        name=rng.choice(_NAMES),
                        target=target,
                        actual=actual,
                        weight=weight,
                        where=f"rows[{len(rows)}]",
                    )
                )
        full_year = Decimal(rng.randint(2_000, 50_000)) / 100
        executed = full_year if rng.random() < 0.3 else (full_year * Decimal(rng.randint(700, 1050)) / 1000)
        executed = executed.quantize(Decimal("0.01"))
        budget = BudgetTable(
            initial=full_year,
            full_year=full_year,
            executed=executed,
            points=Decimal(10),
            rate=f"{(executed / full_year * 100).quantize(Decimal('0.01'))}%",
        )
        out.append(
            Evaluation(
                region="CN",
                form="project",
                year=2023,
                title=f"generated {i}",
                unit="benchmark",
                project=f"project {i}",
                budget=budget,
                rows=tuple(rows),
                source=f"generated[{i}]",
            )
        )
    return out


# --------------------------------------------------------------------------- 4. baseline (a): simpleeval


Calls = list[tuple[Formula, dict[str, Decimal]]]
Rows = list[tuple[str, dict[str, Decimal], tuple[Decimal, Decimal, Decimal]]]
"""Each row's case list as the engine calls it: (method key, env besides W/T/A, (W, T, A))"""


def formula_calls(
    evaluations: Sequence[Evaluation], engine: Ruleset, other: Ruleset
) -> tuple[Calls, Calls, Calls, Calls, Rows]:
    """Every formula evaluation the engine performs on ``evaluations``, as (formula, env) pairs:
    (truth calls, number calls) under ``engine``'s formulas, then the same under ``other``'s;
    and every row's (method, env, (W, T, A)), the case list the engine runs as one call."""
    rows: Rows = []
    truths: Calls = []
    numbers: Calls = []
    truths_o: Calls = []
    numbers_o: Calls = []
    for evaluation in evaluations:
        for row in evaluation.rows:
            target, actual = parse_cell(row.target), parse_cell(row.actual)
            if target.kind is not ValueKind.NUMBER or actual.number is None or target.number is None:
                continue
            key = engine.selection["implicit" if target.comparator is None else target.comparator.name]
            method, method_o = engine.methods[key], other.methods[key]
            a = actual.number
            if actual.unit and target.unit and actual.unit != target.unit:
                a = convert(a, actual.unit, target.unit)
            assert row.weight is not None
            env = {**method.params, **row.inputs, "W": row.weight, "T": target.number, "A": max(a, _ZERO)}
            rows.append((key, {**method.params, **row.inputs}, (env["W"], env["T"], env["A"])))
            for case, case_o in zip(method.cases, method_o.cases):
                if case.when is not None and case_o.when is not None:
                    truths.append((case.when, env))
                    truths_o.append((case_o.when, env))
                    if not case.when.truth(env):
                        continue
                numbers.append((case.score, env))
                numbers_o.append((case_o.score, env))
                break
        rule, rule_o, table = engine.budget, other.budget, evaluation.budget
        if (
            rule is not None
            and rule_o is not None
            and table is not None
            and table.full_year
            and table.executed
        ):
            env = {
                **rule.params,
                "W": rule.points,
                "rate": table.executed / table.full_year,
                "base": table.full_year,
                "executed": table.executed,
            }
            numbers.append((rule.formula, env))
            numbers_o.append((rule_o.formula, env))
    return truths, numbers, truths_o, numbers_o, rows


def case_lists(ruleset: Ruleset) -> dict[str, CaseChain]:
    """Each method's cases as the engine runs them: compiled into one function, or (when the
    formulas use simpleeval) run formula by formula."""
    return {
        key: compile_cases([(c.when, c.score) for c in m.cases], ("W", "T", "A"))
        for key, m in ruleset.methods.items()
    }


def evaluate_all(truths: Calls, numbers: Calls) -> list[object]:
    out: list[object] = [f.truth(env) for f, env in truths]
    out += [f.number(env) for f, env in numbers]
    return out


# --------------------------------------------------------------------------- 5. baseline (b): plain Python

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_CENTS = Decimal("0.01")
_BLOCK_POINTS = {"产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}
_BUDGET_POINTS = Decimal(10)
_TOTAL = Decimal(100)
# cn-project's qualitative levels: every label and alias → fraction of the weight.
_LEVELS: dict[str, Decimal] = {
    **dict.fromkeys(
        (
            "achieved",
            "达成年度指标",
            "达成预期指标",
            "达成",
            "已达成",
            "全部达成",
            "已完成",
            "完成",
            "效果明显",
            "效益明显",
            "成效明显",
            "良好",
        ),
        Decimal(1),
    ),
    **dict.fromkeys(
        (
            "partial",
            "部分达成年度指标并具有一定效果",
            "部分达成预期指标并具有一定效果",
            "部分达成",
            "基本达成",
            "基本完成",
        ),
        Decimal("0.7"),
    ),
    **dict.fromkeys(
        ("missed", "未达成年度指标且效果较差", "未达成预期指标且效果较差", "未达成", "未完成", "效果较差"),
        Decimal("0.3"),
    ),
}
_GRADES = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (_ZERO, "差"))
_FLOOR = (None, Comparator.GE, Comparator.GT)
_CEILING = (Comparator.LE, Comparator.LT)
_COST = normalize_label("成本指标")


class Unsupported(Exception):
    """A row outside what the plain scorer handles (the engine would mark it not scorable)."""


def plain_score(evaluation: Evaluation) -> tuple[Decimal, str]:
    """cn-project's rules, hard-coded: (total, grade). No reasons, no provenance, no findings."""
    total, grade, _, _ = plain_breakdown(evaluation, None)
    return total, grade


def plain_with_rows(evaluation: Evaluation) -> tuple[Decimal, str]:
    """:func:`plain_score` that also keeps what a breakdown needs: each row's points and the block
    subtotals (still no reasons, provenance or findings). For context; not the goal's baseline."""
    total, grade, _, _ = plain_breakdown(evaluation, [])
    return total, grade


def plain_breakdown(
    evaluation: Evaluation, points: Optional[list[tuple[str, Decimal]]]
) -> tuple[Decimal, str, dict[str, Decimal], Optional[list[tuple[str, Decimal]]]]:
    """(total, grade, block subtotals, each row's (block, points) when ``points`` is a list)."""
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
            raw = fraction * w
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
                comparator = Comparator.LE  # a bare amount under 成本指标 is a ceiling
            if comparator in _FLOOR:
                if a >= t:
                    raw = w
                elif t > 0:
                    raw = w * a / t
                else:
                    raise Unsupported(row.where)
            elif comparator in _CEILING:
                raw = w if a <= t else w * t / a
            elif t == 0:
                raw = w if a <= 0 else _ZERO
            else:
                raw = w if a >= t else w * a / t
            raw = min(max(raw, _ZERO), w)
        got = raw.quantize(_CENTS, ROUND_HALF_UP)
        sums[block] += got
        if points is not None:
            points.append((block, got))
    total = sum((min(s, _BLOCK_POINTS[b]) for b, s in sums.items()), _ZERO)
    table = evaluation.budget
    if table is None or not table.full_year or table.executed is None:
        raise Unsupported("budget")
    rate = table.executed / table.full_year
    budget = _BUDGET_POINTS * min(rate, Decimal(1))
    total += min(max(budget, _ZERO), _BUDGET_POINTS).quantize(_CENTS, ROUND_HALF_UP)
    total = min(total, _TOTAL).quantize(_CENTS, ROUND_HALF_UP)
    grade = next(label for low, label in _GRADES if total >= low)
    return total, grade, sums, points


# --------------------------------------------------------------------------- 6. hostile cells

#: The pieces parse_cell's patterns are made of, and what breaks them (tests/test_hostile_cells.py).
_HOSTILE_PIECES = (
    *(" ", "  ", "\t", "\n", "\u3000", "0", "1", "95", "1,000", "，", ",", ".", "。", ":", "：", "%"),
    *("万元", "次", "个工作日", "m2", "/", "≥", "≤", ">", "=", "＞", "+", "-", "±", "+/-", "预算", "投入"),
    *("在", "不超过", "不得低于", "未达到", "控制在", "非", "约", "大约", "节约", "以上", "范围内", "满意度"),
    *("a", "e", "…", "—", "(", "（", "!"),
)


def hostile_cells(chars: int, seed: int = SEED) -> list[str]:
    """Worst-case cells of ``chars`` characters: a run of each piece (bare, after a letter, and
    with a tail that makes the whole cell fail a pattern), then seeded mixes of a few pieces."""
    rng = random.Random(seed)
    cells = []
    for piece in _HOSTILE_PIECES:
        run = piece * (chars // len(piece) + 1)
        cells += [run[:chars], "a" + run[: chars - 2] + "b", run[: chars - 1] + "!", run[: chars - 3] + "95%"]
    for _ in range(4 * len(_HOSTILE_PIECES)):
        pieces = rng.sample(_HOSTILE_PIECES, rng.choice((2, 3, 5, 20)))
        parts: list[str] = []
        while sum(map(len, parts)) < chars:
            parts.append(rng.choice(pieces) * (rng.randint(1, 50) if rng.random() < 0.3 else 1))
        cells.append("".join(parts)[:chars])
    return cells


def bench_hostile_cells(repeats: int, realistic: Sequence[str]) -> tuple[float, float]:
    """ms per cell, (max, median), of parse_cell on worst-case cells of HOSTILE_CHARS characters;
    against the µs per cell of the realistic cells given (uncached: each cell is parsed afresh)."""
    heading(f"6. parse_cell on worst-case cells of {HOSTILE_CHARS:,} characters (uncached)")
    t_real = best_of(repeats, lambda: [parse_cell(c) for c in realistic]) / len(realistic)
    print(f"   realistic cells ({len(realistic):,}, generated + examples): {t_real * 1e6:.2f} µs per cell")
    figures: dict[str, tuple[float, float]] = {}
    for chars in (HOSTILE_CHARS, MAX_NUMBER_CELL_CHARS):
        cells = hostile_cells(chars)
        gc.collect()  # once: a collection per cell would take far longer than parsing it
        times = sorted(best_of(repeats, functools.partial(parse_cell, c), collect=False) for c in cells)
        worst, median = times[-1], times[len(times) // 2]
        figures[str(chars)] = (worst * 1e3, median * 1e3)
        what = " (MAX_NUMBER_CELL_CHARS: the most a pattern sees)" if chars != HOSTILE_CHARS else ""
        print(
            f"   {len(cells)} cells of {chars:,} characters{what}: max {worst * 1e3:.3f} ms, "
            f"median {median * 1e3:.3f} ms per cell → max/realistic = {worst / t_real:,.0f}×, "
            f"median/realistic = {median / t_real:,.0f}×"
        )
    return figures[str(HOSTILE_CHARS)]


# --------------------------------------------------------------------------- checks


def first_difference(
    evaluations: Sequence[Evaluation], ruleset: Ruleset, other: Callable[[Evaluation], tuple[Decimal, str]]
) -> Optional[str]:
    for i, evaluation in enumerate(evaluations):
        report = engine_score(evaluation, ruleset)
        try:
            total, grade = other(evaluation)
        except Unsupported as exc:
            return (
                f"evaluation {i}: the plain scorer cannot score {exc} (engine: {report.total} {report.grade})"
            )
        if (total, grade) != (report.total, report.grade):
            return f"evaluation {i}: engine {report.total} {report.grade!r}, other {total} {grade!r}" + _rows(
                report
            )
    return None


def _rows(report: Report) -> str:
    return "".join(
        f"\n      {r.where} {r.target_text!r}/{r.actual_text!r} W={r.weight}: {r.points} ({r.status})"
        for b in report.blocks
        for c in b.categories
        for r in c.rows
    )


def report_of(ruleset: Ruleset) -> Callable[[Evaluation], tuple[Decimal, str]]:
    def run(evaluation: Evaluation) -> tuple[Decimal, str]:
        report = engine_score(evaluation, ruleset)
        return report.total, report.grade

    return run


# --------------------------------------------------------------------------- 7. scalar goals


def scalar_goals(count: int, repeats: int) -> tuple[list[str], list[str]]:
    """Run benchmarks/scalar.py on the same generated evaluations, in a process of its own: its
    figures are taken with the collector on, and the collector's cost depends on everything on
    the heap, so they must not depend on what this benchmark happens to hold. Its output goes
    to ours; (its summary lines, its failures) come back for our summary."""
    heading("7. scalar goals, as callers run the engine (benchmarks/scalar.py, a fresh process)")
    sys.stdout.flush()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "goals.json"
        script = Path(__file__).resolve().parent / "scalar.py"
        argv = ["--count", str(count), "--repeats", str(repeats), "--goals", str(out)]
        done = subprocess.run([sys.executable, str(script), *argv], check=False)
        if not out.exists():
            return [], [f"benchmarks/scalar.py failed (exit {done.returncode})"]
        data = json.loads(out.read_text(encoding="utf-8"))
    return list(data["lines"]), list(data["failures"])


# --------------------------------------------------------------------------- main


def goal(text: str, value: str, ok: bool) -> None:
    print(f"   {text:<52} {value:>10}   {'PASS' if ok else 'MISS'}")


def info(text: str, value: str) -> None:
    """A figure the summary shows without a goal (the goal is measured another way)."""
    print(f"   {text:<52} {value:>10}   info")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="500 evaluations instead of 10,000")
    parser.add_argument("--count", type=int, help="number of generated evaluations (overrides --quick)")
    parser.add_argument("--repeats", type=int, help="repeats per measurement (best is kept)")
    parser.add_argument("--only", choices=["forms"], help="run one section alone (forms: reading forms)")
    args = parser.parse_args(argv)
    count = args.count or (500 if args.quick else 10_000)
    repeats = args.repeats or 5
    if args.only == "forms":
        bench_forms(repeats)
        return 0

    print(
        f"perfscore {perfscore.__version__} benchmark — Python {sys.version.split()[0]}, "
        f"{count:,} evaluations × {ROWS_PER_EVALUATION} rows, best of {repeats} (time.perf_counter)"
    )
    print(
        f"   generated evaluations are timed in chunks of {CHUNK}, the scorers interleaved chunk by chunk;"
        " a figure is the sum of each chunk's best time"
    )

    load_ms = bench_loading(max(repeats, 5))
    bench_examples(repeats, 20 if args.quick else 100)

    heading(f"3. engine: perfscore.scoring.scorer.score on {count:,} generated '{RULESET_ID}' evaluations")
    start = time.perf_counter()
    evaluations = generate(count)
    rows = sum(len(e.rows) for e in evaluations)
    took = time.perf_counter() - start
    print(f"   generated {count:,} evaluations, {rows:,} rows in {took:.2f} s (seed {SEED})")
    ruleset = perfscore.load_ruleset(RULESET_ID)
    slow = perfscore.load_ruleset(RULESET_ID, backend="simpleeval")
    truths, numbers, truths_s, numbers_s, case_rows = formula_calls(evaluations, ruleset, slow)
    chains, chains_s = case_lists(ruleset), case_lists(slow)
    gc.collect()
    gc.freeze()  # the inputs live for the whole run: keep them out of the collections below

    # Correctness first (these passes also warm every scorer up).
    failures: list[str] = []
    incomplete = sum(not engine_score(e, ruleset).complete for e in evaluations)
    if incomplete:
        failures.append(f"{incomplete} generated evaluations were not completely scored")
    diff_a = first_difference(evaluations, ruleset, report_of(slow))
    if diff_a:
        failures.append(f"(a) simpleeval-backed engine differs: {diff_a}")
    diff_b = first_difference(evaluations, ruleset, plain_score)
    if diff_b:
        failures.append(f"(b) differs from the engine: {diff_b}")
    if evaluate_all(truths, numbers) != evaluate_all(truths_s, numbers_s):
        failures.append("the compiled and simpleeval backends give different formula results")
    if [chains[k](env, *wta) for k, env, wta in case_rows] != [
        chains_s[k](env, *wta) for k, env, wta in case_rows
    ]:
        failures.append("the compiled and simpleeval case lists give different results")

    def scorer(fn: Callable[[Evaluation], object]) -> Callable[[int, int], object]:
        return lambda lo, hi: [fn(e) for e in evaluations[lo:hi]]

    times = race(
        {
            "engine": scorer(lambda e: engine_score(e, ruleset)),
            "a": scorer(lambda e: engine_score(e, slow)),
            "b": scorer(plain_score),
            "b_rows": scorer(plain_with_rows),
            "parse": scorer(lambda e: [(parse_cell(r.target), parse_cell(r.actual)) for r in e.rows]),
        },
        len(evaluations),
        CHUNK,
        repeats,
    )
    t_engine, t_a, t_b, t_parse = times["engine"], times["a"], times["b"], times["parse"]
    print(f"   reports not complete: {incomplete} (expected 0: every generated row is scorable)")
    print(f"   engine:              {t_engine * 1e6 / rows:8.2f} µs per row  ({t_engine:.2f} s in all)")

    heading("4. baseline (a): the same ruleset's formulas evaluated by simpleeval (parsed once)")
    ratio_a = t_a / t_engine
    print(f"   engine + simpleeval: {t_a * 1e6 / rows:8.2f} µs per row  → (a)/engine = {ratio_a:.2f}×")
    print(f"   totals and grades, engine vs (a): {'identical' if diff_a is None else 'DIFFERENT'}")
    calls = len(truths) + len(numbers)
    step = max(1, len(truths) * CHUNK // max(1, len(evaluations)))
    t_truth = race(
        {
            "compiled": lambda lo, hi: [f.truth(env) for f, env in truths[lo:hi]],
            "simpleeval": lambda lo, hi: [f.truth(env) for f, env in truths_s[lo:hi]],
        },
        len(truths),
        step,
        repeats,
    )
    t_number = race(
        {
            "compiled": lambda lo, hi: [f.number(env) for f, env in numbers[lo:hi]],
            "simpleeval": lambda lo, hi: [f.number(env) for f, env in numbers_s[lo:hi]],
        },
        len(numbers),
        step,
        repeats,
    )
    t_fc = t_truth["compiled"] + t_number["compiled"]
    t_fs = t_truth["simpleeval"] + t_number["simpleeval"]
    ratio_f = t_fs / t_fc
    print(f"   formulas alone, the same {calls:,} (formula, env) pairs the engine evaluates")
    print(f"   ({len(truths):,} Formula.truth + {len(numbers):,} Formula.number), per backend:")
    print(f"     compiled   {t_fc * 1e6 / calls:6.2f} µs per call")
    print(f"     simpleeval {t_fs * 1e6 / calls:6.2f} µs per call  → simpleeval/compiled = {ratio_f:.2f}×")
    t_cases = race(
        {
            "compiled": lambda lo, hi: [chains[k](env, *wta) for k, env, wta in case_rows[lo:hi]],
            "simpleeval": lambda lo, hi: [chains_s[k](env, *wta) for k, env, wta in case_rows[lo:hi]],
        },
        len(case_rows),
        CHUNK * ROWS_PER_EVALUATION,
        repeats,
    )
    ratio_c = t_cases["simpleeval"] / t_cases["compiled"]
    print(f"   each row's case list as the engine runs it ({len(case_rows):,} rows, one call each):")
    print(f"     compiled   {t_cases['compiled'] * 1e6 / len(case_rows):6.2f} µs per row (one function)")
    print(
        f"     simpleeval {t_cases['simpleeval'] * 1e6 / len(case_rows):6.2f} µs per row (formula by formula)"
        f"  → simpleeval/compiled = {ratio_c:.2f}×"
    )
    print(
        f"   case lists are {t_cases['compiled'] / t_engine:.1%} of the engine's time (compiled), "
        f"{t_cases['simpleeval'] / t_a:.1%} of (a)'s (simpleeval)"
    )

    heading(
        "5. baseline (b): hand-written plain Python, same rules, Decimal, parse_cell (cached as in the engine)"
    )
    print(
        f"   totals and grades, engine vs (b), on all {count:,} evaluations: "
        f"{'identical' if diff_b is None else 'DIFFERENT'}"
    )
    if diff_b:
        print(f"   first difference: {diff_b}")
    ratio_b = t_engine / t_b
    print(f"   plain Python:        {t_b * 1e6 / rows:8.2f} µs per row  → engine/(b) = {ratio_b:.2f}×")
    t_rows = times["b_rows"]
    print(
        f"   for context, (b) keeping each row's points and the block subtotals: {t_rows * 1e6 / rows:.2f} µs"
        f" per row → engine/that = {t_engine / t_rows:.2f}×"
    )
    print(
        f"   parse_cell alone, uncached (target + actual): {t_parse * 1e6 / rows:.2f} µs per row "
        f"= {t_parse / t_b:.0%} of (b), {t_parse / t_engine:.0%} of the engine"
    )

    gc.unfreeze()

    realistic = [c for e in evaluations[:500] for r in e.rows for c in (r.target, r.actual)]
    realistic += [
        c
        for f in sorted((ROOT / "examples").glob("**/*.toml"))
        for r in perfscore.read_evaluation(f).rows
        for c in (r.target, r.actual)
        if c
    ]
    hostile_max, _ = bench_hostile_cells(repeats, realistic)
    forms = bench_forms(repeats, 2 if count <= 500 else 10)
    kept_goals, kept_failures = scalar_goals(count, repeats)
    failures += kept_failures

    heading("summary")
    vs_a_ok, vs_f_ok = ratio_a >= GOAL_VS_SIMPLEEVAL, ratio_f >= GOAL_VS_SIMPLEEVAL
    vs_c_ok = ratio_c >= GOAL_VS_SIMPLEEVAL
    for kept_goal in kept_goals:
        print(kept_goal)
    goal(f"engine ≥ {GOAL_VS_SIMPLEEVAL:.0f}× faster than (a), whole scoring", f"{ratio_a:.2f}×", vs_a_ok)
    goal(f"engine ≥ {GOAL_VS_SIMPLEEVAL:.0f}× faster than (a), formulas alone", f"{ratio_f:.2f}×", vs_f_ok)
    goal(f"engine ≥ {GOAL_VS_SIMPLEEVAL:.0f}× faster than (a), case lists", f"{ratio_c:.2f}×", vs_c_ok)
    goal(
        f"any cell ≤ {HOSTILE_CHARS:,} chars parses < {GOAL_HOSTILE_CELL_MS:.0f} ms",
        f"{hostile_max:.2f} ms",
        hostile_max < GOAL_HOSTILE_CELL_MS,
    )
    goal(
        f"forms read whole ≥ {GOAL_READ_SPEEDUP:.0f}× faster per table, worst form",
        f"{forms.worst:.1f}×",
        forms.ok,
    )
    print(f"   reading forms: {forms_goal(forms)}")
    info(f"load and compile all rulesets, cold (was a goal: < {LOAD_MS:.0f} ms)", f"{load_ms:.2f} ms")
    info("engine/(b), GC paused, results dropped (section 5)", f"{ratio_b:.2f}×")
    met = ", ".join(
        name
        for name, ok in (("formulas alone", vs_f_ok), ("case lists", vs_c_ok), ("whole scoring", vs_a_ok))
        if ok
    )
    print(
        f"   the ≥ {GOAL_VS_SIMPLEEVAL:.0f}× goal over simpleeval is met by: {met or 'neither measurement'}"
    )
    same_a = "same" if diff_a is None else "DIFFERENT"
    same_b = "same" if diff_b is None else "DIFFERENT"
    print(f"   correctness: engine vs (a) totals {same_a}; engine vs (b) totals {same_b}")
    for failure in failures:
        print(f"   FAILURE: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
