"""Scoring: a ruleset and an evaluation in, a report out. Pure: no I/O, inputs never mutated.

A row that cannot be scored (a garbled cell, a weight that cannot be a weight, a division by
zero) is reported as ``not_scorable`` with its reason and a finding; it is never scored 0 in
silence, and the report is then marked incomplete.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Optional

import attrs

from ..cells import CellValue, Comparator, ValueKind, convert, parse_cell, units_compatible
from ..decimals import MAX_AMOUNT, ROUNDING_MODES, in_context, plain, quantize
from ..errors import FormulaEvaluationError
from ..evaluations import Evaluation, IndicatorRow, Unreadable
from ..formulas import CaseChain, compile_cases
from ..report import (
    NOT_APPLICABLE,
    NOT_SCORABLE,
    SCORED,
    BlockResult,
    BudgetResult,
    CategoryResult,
    Deferred,
    Explanation,
    Finding,
    Report,
    RowResult,
    Status,
)
from ..rules import Block, BudgetRule, Case, Derived, Indicator, Level, Method, Rounding, Ruleset

__all__ = ["normalize_label", "score"]

_ZERO = Decimal(0)
_LOW, _HIGH = -MAX_AMOUNT, MAX_AMOUNT
"""The number gate's bound, for values computed or parsed while scoring (a cell's T and A, the
execution rate): beyond it a row or the budget is not scorable, never an overflow later."""
# Cell texts repeat a great deal across a batch ("100%", "≥95%", "不适用"); CellValue is frozen.
_parse = functools.lru_cache(maxsize=16384)(parse_cell)
_HUNDRED = Decimal(100)
_POINTS_SUFFIX = re.compile(r"[（(]\s*[\d.]+\s*分?\s*[)）]$")
_SPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=16384)
def normalize_label(text: str) -> str:
    """A table label as a lookup key: no whitespace or line breaks, no trailing "(50 分)"."""
    return _POINTS_SUFFIX.sub("", _SPACE.sub("", text))


@attrs.frozen
class _MethodPlan:
    """A method with what scoring a row by it needs, looked up once per ruleset."""

    method: Method
    key: str
    name_zh: str
    name_en: str
    shown: tuple[str, ...]
    """The names its formulas use (and W), shown as a row's inputs"""
    needs_values: bool
    """Whether its formulas read the target T or the actual A"""
    qualitative: bool
    """Whether it scores by levels rather than by formula"""
    provenance: str
    """Where ``methods.<key>`` was set"""
    level_names: tuple[frozenset[str], ...]
    """For each of its levels, the normalised names that level answers to"""
    cases: CaseChain
    """Its cases as one function: (env, W, T, A) → (the case that applies, its score)"""
    params: dict[str, Decimal]
    """Its parameters: the env its cases see when a row has no derived values or inputs"""
    named: Mapping[str, str]
    """Where the ruleset set each parameter and derived value its formulas use:
    ``params.k`` → ``file: methods.m.params.k``, ``derived.x`` → ``file: derived.x``"""


@attrs.frozen
class _Choice:
    """A method a selection key leads to, and the selection that chose it."""

    plan: _MethodPlan
    path: str
    """``selection.GE`` or ``blocks[0].selection.GE``"""
    provenance: str


@attrs.frozen
class _BlockPlan:
    index: int
    block: Block
    choices: Mapping[object, _Choice]
    """What selects a method (see :func:`_selector`) → the method: the block's own selection
    over the ruleset's"""
    provenance: Mapping[str, str]


@attrs.frozen
class _Plan:
    """A ruleset's lookups for scoring, built once per ruleset and kept while it lives."""

    blocks: Mapping[str, _BlockPlan]
    """Every name a block answers to (normalised) → the block"""
    in_order: tuple[_BlockPlan, ...]
    indicators: Mapping[tuple[str, str], tuple[int, Indicator, str]]
    """(block key, normalised name) → (index, indicator, where its weight was set)"""
    methods: Mapping[str, _MethodPlan]
    row_exponent: Decimal
    row_mode: str
    budget_provenance: Mapping[str, str]
    report_provenance: Mapping[str, str]


_PLANS: weakref.WeakKeyDictionary[Ruleset, _Plan] = weakref.WeakKeyDictionary()


def _plan(ruleset: Ruleset) -> _Plan:
    found = _PLANS.get(ruleset)
    if found is None:
        found = _PLANS[ruleset] = _make_plan(ruleset)
    return found


def _make_plan(ruleset: Ruleset) -> _Plan:
    methods = {key: _method_plan(ruleset, method) for key, method in ruleset.methods.items()}
    general = {
        _SELECTORS[key]: _Choice(methods[method], f"selection.{key}", ruleset.where(f"selection.{key}"))
        for key, method in ruleset.selection.items()
    }
    blocks: dict[str, _BlockPlan] = {}
    in_order = []
    indicators: dict[tuple[str, str], tuple[int, Indicator, str]] = {}
    for i, block in enumerate(ruleset.blocks):
        own = {
            _SELECTORS[key]: _Choice(
                methods[method],
                f"blocks[{i}].selection.{key}",
                ruleset.where(f"blocks[{i}].selection.{key}"),
            )
            for key, method in block.selection.items()
        }
        plan = _BlockPlan(
            i,
            block,
            MappingProxyType({**general, **own}),
            MappingProxyType({"points": ruleset.where(f"blocks[{i}].points")}),
        )
        in_order.append(plan)
        for name in (block.key, block.name.zh, block.name.en, *block.aliases):
            if name:
                blocks.setdefault(normalize_label(name), plan)
        for j, ind in enumerate(block.indicators):
            weight_where = ruleset.where(f"blocks[{i}].indicators[{j}].weight")
            for name in (ind.key, ind.name.zh, ind.name.en, *ind.aliases):
                if name:
                    indicators.setdefault((block.key, normalize_label(name)), (j, ind, weight_where))
    rounding = ruleset.row_rounding
    return _Plan(
        blocks=MappingProxyType(blocks),
        in_order=tuple(in_order),
        indicators=MappingProxyType(indicators),
        methods=MappingProxyType(methods),
        row_exponent=Decimal(1).scaleb(-rounding.places),
        row_mode=ROUNDING_MODES[rounding.mode],
        budget_provenance=MappingProxyType(
            {key: ruleset.where(f"budget.{key}") for key in ("formula", "points")}
        ),
        report_provenance=MappingProxyType(
            {
                key: ruleset.where(key)
                for key in ("grades", "rounding.row", "rounding.total", "not_applicable.policy")
            }
        ),
    )


def _method_plan(ruleset: Ruleset, method: Method) -> _MethodPlan:
    """The names a method's formulas use, W, T and A first: the inputs a row shows."""
    used = {n for case in method.cases for f in (case.score, case.when) if f is not None for n in f.names}
    shown = ("W", *(n for n in ("T", "A") if n in used), *sorted(used - {"W", "T", "A"}))
    derived = {d.name for d in ruleset.derived}
    named = {}
    for name in shown:  # a row's own input wins over a derived value, which wins over a parameter
        if name in method.inputs or name in _ROW_ARGS:
            continue
        if name in derived:
            named[f"derived.{name}"] = ruleset.where(f"derived.{name}")
        elif name in method.params:
            own = f"methods.{method.key}.params.{name}"
            named[f"params.{name}"] = ruleset.where(own if own in ruleset.provenance else f"params.{name}")
    return _MethodPlan(
        method=method,
        key=method.key,
        name_zh=method.name.zh,
        name_en=method.name.en or method.key,
        shown=shown,
        needs_values="T" in used or "A" in used,
        qualitative=method.kind == "qualitative",
        provenance=ruleset.where(f"methods.{method.key}"),
        level_names=tuple(
            frozenset(
                normalize_label(n) for n in (level.key, level.label.zh, level.label.en, *level.aliases) if n
            )
            for level in method.levels
        ),
        cases=compile_cases([(case.when, case.score) for case in method.cases], _ROW_ARGS),
        params=dict(method.params),
        named=MappingProxyType(named),
    )


_ROW_FIELDS = (
    "where", "block", "category", "name", "target_text", "actual_text", "weight", "status",
    "method", "method_name", "formula", "explanation", "raw", "capped", "points",
    "reported", "core", "note",
)  # fmt: skip
"""RowResult's fields in order: the hot path builds rows positionally."""

_SHOWN = Decimal("0.0001")
_FORMATTED: dict[Decimal, str] = {}
"""_fmt's memo: a batch shows the same few hundred numbers over and over (a dict lookup is a
tenth of the formatting's cost). Equal Decimals format alike, so the value is the key."""
_FORMATTED_MAX = 1 << 16


def _fmt(value: Optional[Decimal]) -> str:
    """A number for a reason sentence: without trailing zeros, or ≈ to 4 places when longer
    (the exact value stays in ``raw``)."""
    if value is None:
        return "—"
    text = _FORMATTED.get(value)
    if text is None:
        text = _format(value)
        if len(_FORMATTED) >= _FORMATTED_MAX:
            _FORMATTED.clear()
        _FORMATTED[value] = text
    return text


def _format(value: Decimal) -> str:
    if not value:
        return "0"  # also -0, which equals 0 and so shares its memo entry
    if not value.is_finite() or not -40 <= value.adjusted() <= 20 or len(value.as_tuple().digits) > 40:
        return plain(value)  # total and short, whatever the value (never expanded, never raises)
    text = format(value, "f")
    if "." not in text:
        return text
    text = text.rstrip("0").rstrip(".")
    if "." in text and len(text) - text.index(".") > 5:
        return "≈" + format(value.quantize(_SHOWN), "f").rstrip("0").rstrip(".")
    return text


def _result(
    row: IndicatorRow,
    block: str,
    weight: Optional[Decimal],
    status: Status,
    reason_zh: str,
    reason_en: str,
    method: Optional[Method] = None,
    *,
    inputs: Optional[Mapping[str, str]] = None,
    provenance: Optional[Mapping[str, str]] = None,
) -> RowResult:
    """A row that was not scored (not applicable or not scorable), with its reason."""
    return RowResult(
        where=row.where,
        block=block,
        category=row.category,
        name=row.name,
        target_text=row.target,
        actual_text=row.actual,
        weight=weight,
        status=status,
        method=method.key if method else "",
        method_name=method.name.zh if method else "",
        explanation=Explanation(inputs, reason_zh, reason_en, provenance),
        reported=row.reported_score,
        core=row.core,
        note=row.note,
    )


_Source = tuple[str, str, str, str, str]
"""Where a row's rule and weight came from, as :func:`_provenance` takes it."""


def _provenance(evaluation: str, where: str, weight: str, method: str, selection: str) -> dict[str, str]:
    """A scored row's provenance from: the evaluation's source, the row's location, where the
    ruleset set the weight ("" when the weight is the row's own), where the method was set, and
    the selection that chose it ("" when none did)."""
    out = {"weight": weight or f"{evaluation}: {where}.weight", "method": method}
    if selection:
        out["selection"] = selection
    return out


_NO_INPUTS: Mapping[str, Decimal] = MappingProxyType({})


def _snapshot(inputs: Mapping[str, Decimal]) -> Mapping[str, Decimal]:
    """A row's inputs as scored, for its deferred explanation: a private copy, since the mapping
    is the caller's (an IndicatorRow's ``inputs`` is whatever dict it was given) and a report
    must not change when the caller changes it. Most rows have none: no copy then."""
    return dict(inputs) if inputs else _NO_INPUTS


_ROW_ARGS = ("W", "T", "A")
"""The inputs a method's cases take as arguments rather than in their env (see compile_cases):
each row has its own, and an argument wins over a parameter, derived value or input of the
same name."""


def _formula_inputs(
    plan: _MethodPlan, derived: Mapping[str, Decimal], inputs: Mapping[str, Decimal]
) -> Mapping[str, Decimal]:
    """The env a row's cases see besides W, T and A: the method's parameters, the derived values,
    then the row's own inputs. Without derived values or inputs it is the parameters themselves
    (no dict per row); the cases never write to it."""
    if not derived and not inputs:
        return plan.params
    return {**plan.params, **derived, **inputs}


def _formula_env(
    plan: _MethodPlan,
    derived: Mapping[str, Decimal],
    inputs: Mapping[str, Decimal],
    weight: Decimal,
    target: Optional[Decimal],
    actual: Optional[Decimal],
) -> dict[str, Decimal]:
    """Every input a row's formulas saw, by name, as its explanation shows them."""
    env = {**_formula_inputs(plan, derived, inputs), "W": weight}
    if target is not None and actual is not None:
        env["T"], env["A"] = target, actual
    return env


def _explain_formula(
    plan: _MethodPlan,
    case: Case,
    inputs: Mapping[str, Decimal],
    derived: Mapping[str, Decimal],
    weight: Decimal,
    target: Optional[Decimal],
    actual: Optional[Decimal],
    unit: str,
    raw: Decimal,
    capped: Decimal,
    points: Decimal,
    source: _Source,
) -> Explanation:
    # The inputs as the formula saw them: rebuilt here rather than kept, so a report does not
    # hold a dict per row that only its prose reads. ``inputs`` is the row's own, copied when
    # it was scored (see _snapshot).
    env = _formula_env(plan, derived, inputs, weight, target, actual)
    shown = {name: _fmt(env[name]) for name in plan.shown if name in env}
    detail = "，".join(f"{k}={v}{unit if k in ('T', 'A') else ''}" for k, v in shown.items())
    steps = f"{case.score.source} = {_fmt(raw)}" + ("" if capped == raw else f" → {_fmt(capped)}")
    got = _fmt(points)
    evaluation, where = source[0], source[1]
    return Explanation(
        shown,
        f"{plan.name_zh}：{case.reason.zh}（{detail}；{steps}），得 {got} 分",
        f"{plan.name_en}: {case.reason.en or case.reason.zh} ({steps}); {got} points",
        {
            **_provenance(*source),
            **plan.named,
            **{f"inputs.{n}": f"{evaluation}: {where}.inputs.{n}" for n in plan.method.inputs},
        },
    )


def _explain_level(
    plan: _MethodPlan, level: Level, how: str, weight: Decimal, points: Decimal, source: _Source
) -> Explanation:
    band = f"[{_fmt(level.low * weight)}, {_fmt(level.high * weight)}{']' if level.high_inclusive else ')'}"
    got = _fmt(points)
    return Explanation(
        {"W": _fmt(weight), "level": level.label.zh},
        f"{plan.name_zh}：{how}，等级“{level.label.zh}”（分值区间 {band}），得 {got} 分",
        f"{plan.name_en}: level '{level.label.en or level.key}' ({how}); band {band}; {got} points",
        _provenance(*source),
    )


def _budget_inputs(env: Mapping[str, Decimal]) -> dict[str, str]:
    return {name: _fmt(env[name]) for name in ("W", "base", "executed", "rate")}


def _explain_budget(
    rule: BudgetRule,
    env: Mapping[str, Decimal],
    raw: Decimal,
    capped: Decimal,
    points: Decimal,
    provenance: Mapping[str, str],
) -> Explanation:
    base, executed = env["base"], env["executed"]
    shown = f"{_fmt(executed)} / {_fmt(base)} = {_fmt(quantize(env['rate'] * _HUNDRED, 2))}%"
    steps = f"{rule.formula.source} = {_fmt(raw)}" + ("" if capped == raw else f" → {_fmt(capped)}")
    got = _fmt(points)
    return Explanation(
        _budget_inputs(env),
        f"执行率 = {shown}；{steps}，按 {rule.rounding} 取 {got} 分",
        f"rate = {shown}; {steps}; rounded ({rule.rounding}) to {got}",
        provenance,
    )


class _Scorer:
    def __init__(self, ruleset: Ruleset, evaluation: Evaluation) -> None:
        self.ruleset = ruleset
        self.evaluation = evaluation
        self.findings: list[Finding] = []
        self.complete = True
        self.source = evaluation.source or "evaluation"
        self.plan = plan = _plan(ruleset)
        self.row_exponent, self.row_mode = plan.row_exponent, plan.row_mode
        self.derived_values: dict[str, Decimal] = {}

    def finding(
        self,
        code: str,
        severity: str,
        location: str,
        zh: str,
        en: str,
        expected: Optional[str] = None,
        found: Optional[str] = None,
    ) -> None:
        self.findings.append(Finding(code, severity, location, zh, en, expected, found))

    # -- rows ----------------------------------------------------------------------------
    def unscorable(
        self,
        row: IndicatorRow,
        block: str,
        weight: Optional[Decimal],
        zh: str,
        en: str,
        method: Optional[Method] = None,
        source: Optional[_Source] = None,
        inputs: Optional[Mapping[str, str]] = None,
    ) -> RowResult:
        self.complete = False
        provenance = _provenance(*source) if source is not None else None
        return _result(row, block, weight, NOT_SCORABLE, zh, en, method, inputs=inputs, provenance=provenance)

    def row(
        self, row: IndicatorRow, bp: _BlockPlan, indicator: Optional[Indicator], weight_where: str
    ) -> RowResult:
        """Score one row of ``bp``'s block; ``indicator`` is its framework indicator, if any, and
        ``weight_where`` where the ruleset set that indicator's weight."""
        block = bp.block
        if row.sign or row.unit or indicator is not None:
            row = self.complete_texts(row, indicator)
        where = row.where
        target = _parse(row.target)
        actual = _parse(row.actual)
        name, t_kind, a_kind = _parse(row.name).kind, target.kind, actual.kind
        if target.problem is not None and t_kind is not _GARBLED:
            self.questionable(target, f"{where}.target")
        if actual.problem is not None and a_kind is not _GARBLED:
            self.questionable(actual, f"{where}.actual")
        if (
            name is _NOT_APPLICABLE
            or t_kind is _NOT_APPLICABLE
            or a_kind is _NOT_APPLICABLE
            or (name is _BLANK and t_kind is _BLANK and a_kind is _BLANK)
        ):
            if row.weight and self.ruleset.not_applicable == "no_weight":
                self.finding(
                    "weight-on-not-applicable",
                    "warning",
                    f"{where}.weight",
                    "不适用行不应有分值",
                    "a not-applicable row carries a weight",
                    "no weight",
                    _fmt(row.weight),
                )
            return _result(
                row,
                block.key,
                row.weight,
                NOT_APPLICABLE,
                "不适用，不计分值",
                "not applicable: carries no weight",
            )

        if indicator is not None:
            weight: Optional[Decimal] = indicator.weight
            if row.weight is not None and row.weight != indicator.weight:
                self.finding(
                    "weight-differs",
                    "warning",
                    f"{where}.weight",
                    "分值与规则集不一致",
                    "the weight differs from the ruleset's",
                    _fmt(indicator.weight),
                    _fmt(row.weight),
                )
        else:
            weight = row.weight
        if weight is None:
            if any(u.column == "weight" for u in row.unreadable):
                return self.unscorable(
                    row, block.key, None, "分值无法识别，无法计分", "the weight cell cannot be read"
                )
            self.finding("missing-weight", "error", f"{where}.weight", "分值为空", "the weight cell is empty")
            return self.unscorable(row, block.key, None, "分值为空，无法计分", "no weight: cannot score")
        if weight <= _ZERO or weight > block.points:
            self.finding(
                "implausible-weight",
                "error",
                f"{where}.weight",
                f"分值 {_fmt(weight)} 不可能是本一级指标（{_fmt(block.points)} 分）下的分值",
                f"{_fmt(weight)} cannot be a weight in a block of {_fmt(block.points)} points",
                f"0 < weight ≤ {_fmt(block.points)}",
                _fmt(weight),
            )
            return self.unscorable(
                row,
                block.key,
                weight,
                f"分值 {_fmt(weight)} 超出一级指标分值，无法计分",
                f"weight {_fmt(weight)} exceeds the block's points: cannot score",
            )

        found = (
            None
            if row.method or indicator is not None
            else bp.choices.get(target.comparator if t_kind is _NUMBER else t_kind)  # _selector, inline
        )
        if found is not None:
            plan, selection = found.plan, found.provenance
        else:
            choice = self.choose(row, bp, indicator, target)
            if isinstance(choice, str):
                return self.unscorable(row, block.key, weight, choice, chosen_by_en(choice, target))
            plan, selection = choice
        source = (self.source, where, weight_where, plan.provenance, selection)
        if plan.qualitative:
            return self.qualitative(row, block, plan, weight, actual, source)
        return self.formula(row, block, plan, weight, target, actual, source)

    def questionable(self, cell: CellValue, location: str) -> None:
        """A warning for a cell that was read, but with a note worth a look (an approximate
        value, contradicting comparators, the 不适应 typo, a ± tolerance, a bare 无, a cell too long
        or a number too large to read)."""
        notes = (cell.problem or "").split("; ")
        self.finding(
            "questionable-cell",
            "warning",
            location,
            "；".join(_CELL_NOTES_ZH.get(note.split(" ", 1)[0], "表述存疑") for note in notes),
            f"the {location.rpartition('.')[2]} cell: {cell.problem}",
            found=repr(cell.text),
        )

    def unreadable(self, cells: tuple[Unreadable, ...], where: str) -> None:
        """A finding for each cell a form reader could not read as a number, at its address."""
        for cell in cells:
            self.finding(
                "unreadable-cell",
                "error",
                cell.address or f"{where}.{cell.column}",
                "单元格应为数值，无法识别",
                f"the {cell.column.replace('_', ' ')} cell cannot be read as a number",
                "a number",
                repr(cell.text),
            )

    def complete_texts(self, row: IndicatorRow, indicator: Optional[Indicator]) -> IndicatorRow:
        """The target and actual as scored: the sign and unit columns joined to the value
        (四川 layout), the framework's fixed target, and a derived actual filled in."""
        target, actual = row.target, row.actual
        if row.sign and row.sign.strip() not in ("定性", "") and target.strip():
            target = row.sign.strip() + target.strip()
        if row.unit:
            unit = row.unit.strip()
            parsed = _parse(target)
            if parsed.kind is ValueKind.NUMBER and parsed.unit is None:
                target += unit
            parsed = _parse(actual)
            if parsed.kind is ValueKind.NUMBER and parsed.unit is None:
                actual += unit
        if indicator is not None:
            if not target.strip() and indicator.target:
                target = indicator.target
            if not actual.strip() and indicator.actual_from in self.derived_values:
                unit = next(d.unit for d in self.ruleset.derived if d.name == indicator.actual_from)
                actual = f"{_fmt(self.derived_values[indicator.actual_from])}{unit}"
        if (target, actual) == (row.target, row.actual):
            return row
        return attrs.evolve(row, target=target, actual=actual)

    def compute_derived(self) -> dict[str, Decimal]:
        """The ruleset's ``[derived]`` values for this evaluation. One that cannot be computed is
        left out, with a finding, so a formula that needs it is not scorable, never scored 0."""
        values: dict[str, Decimal] = {}
        base = self.evaluation.base
        for derived in self.ruleset.derived:
            where = f"derived.{derived.name}"
            if derived.formula is not None:
                env = {**self.ruleset.params, **self.budget_names(), **base, **values}
                missing = [n for n in derived.formula.names if n not in env]
                if missing:
                    self.finding(  # what needs the value is then unscorable, with its own error
                        "missing-base",
                        "warning",
                        where,
                        f"缺少基础数据：{', '.join(missing)}",
                        f"base data missing: {', '.join(missing)}",
                        ", ".join(derived.formula.names),
                    )
                    continue
                try:
                    values[derived.name] = derived.formula.number(env)
                except FormulaEvaluationError as exc:
                    self.finding(
                        "derived-not-computable",
                        "error",
                        where,
                        f"“{derived.label.zh}”无法计算",
                        f"'{derived.label.en or derived.name}' cannot be computed: {exc.reason}",
                    )
                continue
            values[derived.name] = Decimal(
                sum(1 for row in self.evaluation.rows if self.counts(derived, row))
            )
        return values

    def budget_names(self) -> dict[str, Decimal]:
        """The budget table's amounts, by the names derived formulas may use."""
        table = self.evaluation.budget
        if table is None:
            return {}
        named = {
            "budget_initial": table.initial,
            "budget_full_year": table.full_year,
            "budget_executed": table.executed,
        }
        return {name: value for name, value in named.items() if value is not None}

    def counts(self, derived: Derived, row: IndicatorRow) -> bool:
        """Whether ``row`` is in the category ``derived`` counts and meets its condition."""
        if normalize_label(row.category) != normalize_label(derived.count):
            return False
        if derived.when is None:
            return True
        row = self.complete_texts(row, None)  # the 四川 layout's sign and unit columns count too
        target, actual = _parse(row.target), _parse(row.actual)
        if target.number is None or actual.number is None or not units_compatible(target.unit, actual.unit):
            return False
        a_value = actual.number
        if actual.unit and target.unit and actual.unit != target.unit:
            a_value = convert(a_value, actual.unit, target.unit)
        env = {**self.ruleset.params, "W": row.weight or _ZERO, "T": target.number, "A": a_value}
        try:
            return derived.when.truth(env)
        except FormulaEvaluationError:
            return False

    def choose(
        self, row: IndicatorRow, bp: _BlockPlan, indicator: Optional[Indicator], target: CellValue
    ) -> tuple[_MethodPlan, str] | str:
        """The row's method and where the selection that chose it was set ("" when the row or its
        framework indicator names the method), or why there is none."""
        methods = self.plan.methods
        if row.method:
            found = methods.get(row.method)
            if found is not None:
                return found, ""
            self.finding(
                "unknown-method",
                "error",
                f"{row.where}.method",
                "规则集中没有该计分方法",
                "no such method in the ruleset",
                ", ".join(methods),
                row.method,
            )
            return f"计分方法 {row.method!r} 不存在"
        if indicator is not None:
            return methods[indicator.method], ""
        key = _selection_key(target)
        if key is None:
            self.finding(
                "unparseable-target",
                "error",
                f"{row.where}.target",
                "年度指标值无法识别",
                f"the target cell cannot be read ({target.problem or 'empty'})",
                "a value such as ≥95%, 9次 or a description",
                repr(row.target),
            )
            return f"年度指标值 {row.target!r} 无法识别"
        choice = bp.choices.get(_selector(target))
        if choice is None:
            self.finding(
                "no-method",
                "error",
                f"{row.where}.target",
                "规则集没有为此类指标值指定计分方法",
                "the ruleset names no method for this kind of target",
                key,
                repr(row.target),
            )
            return f"规则集未为 {key} 指定计分方法"
        return choice.plan, choice.provenance

    def qualitative(
        self,
        row: IndicatorRow,
        block: Block,
        plan: _MethodPlan,
        weight: Decimal,
        actual: CellValue,
        source: _Source,
    ) -> RowResult:
        method = plan.method
        level = None
        how = ""
        wanted = normalize_label(row.level) if row.level else ""
        said = normalize_label(row.actual)
        for candidate, names in zip(method.levels, plan.level_names):
            if wanted:
                if wanted in names:
                    level, how = candidate, "表中注明的等级"
                    break
            elif said in names:
                level, how = candidate, "实际完成值表述"
                break
        if (
            level is None
            and not wanted
            and actual.kind is not ValueKind.BLANK
            and said == normalize_label(row.target)
        ):
            level, how = method.levels[0], "实际完成值与年度指标值一致"
        if level is None:
            self.finding(
                "level-unknown",
                "error",
                f"{row.where}.actual",
                "无法确定定性指标的达成等级",
                "the qualitative level cannot be determined",
                "the target's own words, a level label, or a level column",
                repr(row.actual),
            )
            return self.unscorable(
                row,
                block.key,
                weight,
                "无法确定达成等级，请注明等级",
                "level unknown: state the level",
                method,
                source,
            )
        raw = level.score * weight
        points = raw.quantize(self.row_exponent, self.row_mode)
        if points > weight:  # rounding never lifts a score above its weight (2.5, not 3)
            points = weight
        explanation = Deferred((_explain_level, plan, level, how, weight, points, source))
        return RowResult(  # positionally, in _ROW_FIELDS order: keywords cost a third more here
            row.where, block.key, row.category, row.name, row.target, row.actual, weight, SCORED,
            plan.key, plan.name_zh, f"{_fmt(level.score)} × W", explanation, raw, raw, points,
            row.reported_score, row.core, row.note,
        )  # fmt: skip

    def amount(self, cell: CellValue, role: str, row: IndicatorRow) -> tuple[Optional[Decimal], str]:
        """The number a cell stands for, or None and why not."""
        if cell.kind is ValueKind.NUMBER and cell.number is not None:
            return cell.number, ""
        if cell.kind is ValueKind.BUDGET_REF:
            base = self.budget_base()
            if base is None:
                self.finding(
                    "missing-value",
                    "error",
                    f"{row.where}.{'target' if role == '年度指标值' else 'actual'}",
                    f"{role}引用预算数，但表中没有预算数",
                    "the cell refers to the budget, but the table gives no budget amount",
                    "a budget table with the base amount",
                    repr(row.target if role == "年度指标值" else row.actual),
                )
                return None, f"{role}引用预算数，但表中没有预算数"
            return base, ""
        text = row.target if role == "年度指标值" else row.actual
        column = "target" if role == "年度指标值" else "actual"
        if cell.kind is ValueKind.GARBLED:
            self.finding(
                "garbled-cell",
                "error",
                f"{row.where}.{column}",
                f"{role}无法识别（{_CELL_NOTES_ZH.get((cell.problem or '').split(' ', 1)[0], '疑似录入错误')}）",
                f"the {column} cell is garbled ({cell.problem})",
                "one number",
                repr(text),
            )
            return None, f"{role} {text!r} 无法识别"
        if cell.kind is ValueKind.BLANK:
            self.finding(
                "missing-value",
                "error",
                f"{row.where}.{column}",
                f"{role}为空",
                f"the {column} cell is empty",
            )
            return None, f"{role}为空"
        self.finding(
            "not-a-number",
            "error",
            f"{row.where}.{column}",
            f"{role}不是数值，无法按定量方法计分",
            f"the {column} is not a number for a quantitative method",
            "a number",
            repr(text),
        )
        return None, f"{role} {text!r} 不是数值"

    def values(
        self, row: IndicatorRow, target: CellValue, actual: CellValue
    ) -> tuple[Decimal, Decimal, str] | tuple[str, str]:
        """T, A (in T's unit) and the unit, for a row whose cells are not two numbers in one unit:
        a budget reference, a unit to convert, or a cell that is no number at all. Or the reason
        in Chinese and English why there are none, with its finding."""
        t_value = target.number if target.kind is _NUMBER else None
        why = ""
        if t_value is None:
            t_value, why = self.amount(target, "年度指标值", row)
        a_value = actual.number if actual.kind is _NUMBER else None
        if a_value is None and t_value is not None:
            a_value, why = self.amount(actual, "实际完成值", row)
        if t_value is None or a_value is None:
            return why, "target or actual cannot be read"
        t_unit = "万元" if target.kind is _BUDGET_REF else target.unit
        a_unit = actual.unit
        if a_unit != t_unit and a_unit and t_unit:
            if not units_compatible(t_unit, a_unit):
                self.finding(
                    "unit-mismatch",
                    "error",
                    f"{row.where}.actual",
                    "实际完成值与年度指标值单位不一致",
                    "the actual's unit does not match the target's",
                    t_unit,
                    a_unit,
                )
                return f"单位不一致（{t_unit} / {a_unit}）", f"units differ ({t_unit} / {a_unit})"
            a_value = convert(a_value, a_unit, t_unit)
        return t_value, a_value, t_unit or ""

    def formula(
        self,
        row: IndicatorRow,
        block: Block,
        plan: _MethodPlan,
        weight: Decimal,
        target: CellValue,
        actual: CellValue,
        source: _Source,
    ) -> RowResult:
        method = plan.method
        unit = ""
        t_value = a_value = None
        if plan.needs_values:  # a method over W and inputs alone needs no target or actual
            t_value, a_value = target.number, actual.number
            if (
                t_value is not None
                and a_value is not None
                and target.kind is _NUMBER
                and actual.kind is _NUMBER
                and actual.unit == target.unit
            ):  # two numbers in one unit: the common case
                unit = target.unit or ""
            else:
                got = self.values(row, target, actual)
                if len(got) == 2:
                    return self.unscorable(row, block.key, weight, *got, method, source)
                t_value, a_value, unit = got
            if not (_LOW <= t_value <= _HIGH and _LOW <= a_value <= _HIGH):
                # A cell such as "9…9亿元" (60 digits) passes the number gate's bound no better
                # than a typed number would: not scorable, never an overflow further on.
                reason = f"target or actual out of range (beyond ±{_fmt(_HIGH)})"
                self.finding(
                    "not-scorable", "error", row.where, "年度指标值或实际完成值超出可计算范围",
                    f"the row cannot be scored: {reason}", found=f"T={_fmt(t_value)}, A={_fmt(a_value)}",
                )  # fmt: skip
                return self.unscorable(
                    row, block.key, weight, f"无法计分：{reason}", f"not scorable: {reason}", method, source
                )
            if a_value < _ZERO and self.ruleset.clamp_negative_actual:
                a_value = _ZERO
        if method.inputs:
            missing = [name for name in method.inputs if name not in row.inputs]
            if missing:
                self.finding(
                    "missing-input",
                    "error",
                    f"{row.where}.inputs",
                    "缺少计分方法所需的输入",
                    "an input the method needs is missing",
                    ", ".join(method.inputs),
                    ", ".join(row.inputs),
                )
                return self.unscorable(
                    row,
                    block.key,
                    weight,
                    f"缺少输入 {', '.join(missing)}",
                    f"missing input {', '.join(missing)}",
                    method,
                    source,
                )
        try:
            index, raw = plan.cases(
                _formula_inputs(plan, self.derived_values, row.inputs), weight, t_value, a_value
            )
        except FormulaEvaluationError as exc:
            env = _formula_env(plan, self.derived_values, row.inputs, weight, t_value, a_value)
            shown = {name: _fmt(env[name]) for name in plan.shown if name in env}
            self.finding(
                "not-scorable",
                "error",
                row.where,
                "该行无法按规则计分",
                f"the row cannot be scored: {exc.reason}",
                found=", ".join(f"{k}={v}" for k, v in shown.items()),
            )
            return self.unscorable(
                row,
                block.key,
                weight,
                f"无法计分：{exc.reason}",
                f"not scorable: {exc.reason}",
                method,
                source,
                shown,
            )
        capped = raw if raw <= weight else weight
        if capped < _ZERO:
            capped = _ZERO
        points = capped.quantize(self.row_exponent, self.row_mode)
        if points > weight:  # rounding never lifts a score above its weight (2.5, not 3)
            points = weight
        case = method.cases[index]
        explanation = Deferred((
            _explain_formula, plan, case, _snapshot(row.inputs), self.derived_values, weight,
            t_value, a_value, unit, raw, capped, points, source,
        ))  # fmt: skip
        return RowResult(  # positionally, in _ROW_FIELDS order: keywords cost a third more here
            row.where, block.key, row.category, row.name, row.target, row.actual, weight, SCORED,
            plan.key, plan.name_zh, case.score.source, explanation, raw, capped, points,
            row.reported_score, row.core, row.note,
        )  # fmt: skip

    # -- budget ----------------------------------------------------------------------------
    def budget_base(self) -> Optional[Decimal]:
        table = self.evaluation.budget
        rule = self.ruleset.budget
        if table is None:
            return None
        base = rule.base if rule is not None else "full_year"
        if base == "initial":
            return table.initial
        if base == "initial_plus_adjustment":
            if table.initial is None:
                return None
            return table.initial + (table.adjustment or _ZERO)
        return table.full_year

    def budget(self) -> Optional[BudgetResult]:
        rule = self.ruleset.budget
        if rule is None:
            return None
        table = self.evaluation.budget
        base = self.budget_base()
        executed = table.executed if table is not None else None
        printed, reported = (table.rate, table.reported_score) if table is not None else ("", None)
        provenance = self.plan.budget_provenance
        if table is not None and table.points is not None and table.points != rule.points:
            self.finding(
                "budget-points-differ",
                "warning",
                "budget.points",
                "预算执行率分值与规则集不一致",
                "the budget row's points differ from the ruleset's",
                _fmt(rule.points),
                _fmt(table.points),
            )
        rate = executed / base if base is not None and executed is not None and base != 0 else None
        if rate is not None and not _LOW <= rate <= _HIGH:  # 1e15 / 1e-20: past the number gate
            self.complete = False
            reason = f"the execution rate is out of range (beyond ±{_fmt(_HIGH)})"
            self.finding("budget-not-scorable", "error", "budget", "预算执行率超出可计算范围", reason,
                         found=f"base={_fmt(base)}, executed={_fmt(executed)}")  # fmt: skip
            why = Explanation({}, "预算执行率超出可计算范围", reason, provenance)
            return BudgetResult(
                rule.name.zh, rule.base, base, executed, None, printed, rule.points, NOT_SCORABLE,
                rule.formula.source, None, None, None, why, reported,
            )  # fmt: skip
        if base is None or executed is None or rate is None:
            self.complete = False
            self.finding(
                "budget-not-scorable",
                "error",
                "budget",
                "预算执行率无法计算（预算数或执行数缺失或为 0）",
                "the execution rate cannot be computed (amount missing or zero)",
                "a base amount > 0 and an executed amount",
                f"base={_fmt(base)}, executed={_fmt(executed)}",
            )
            why = Explanation({}, "预算执行率无法计算", "execution rate cannot be computed", provenance)
            return BudgetResult(
                rule.name.zh, rule.base, base, executed, None, printed, rule.points, NOT_SCORABLE,
                rule.formula.source, None, None, None, why, reported,
            )  # fmt: skip
        env = {**rule.params, "W": rule.points, "rate": rate, "base": base, "executed": executed}
        try:
            raw = rule.formula.number(env)
        except FormulaEvaluationError as exc:
            self.complete = False
            self.finding("budget-not-scorable", "error", "budget", "预算执行率得分无法计算", exc.reason)
            why = Explanation(
                _budget_inputs(env), f"无法计分：{exc.reason}", f"not scorable: {exc.reason}", provenance
            )
            return BudgetResult(
                rule.name.zh, rule.base, base, executed, rate, printed, rule.points, NOT_SCORABLE,
                rule.formula.source, None, None, None, why, reported,
            )  # fmt: skip
        capped = min(max(raw, _ZERO), rule.points)
        points = _round_within(capped, rule.points, rule.rounding)
        why = Deferred((_explain_budget, rule, env, raw, capped, points, provenance))
        return BudgetResult(
            rule.name.zh, rule.base, base, executed, rate, printed, rule.points, SCORED,
            rule.formula.source, raw, capped, points, why, reported,
        )  # fmt: skip

    # -- the whole -----------------------------------------------------------------------------
    def run(self) -> Report:
        ruleset, evaluation, plan = self.ruleset, self.evaluation, self.plan
        if ruleset.derived:
            self.derived_values = self.compute_derived()
        if evaluation.region and evaluation.region != ruleset.region:
            self.finding(
                "ruleset-of-another-region",
                "info",
                "evaluation.region",
                f"本表地区为 {evaluation.region}，按 {ruleset.region} 的规则集 {ruleset.id} 计分",
                f"scored under {ruleset.id}, a ruleset for region {ruleset.region}; "
                f"the table is for {evaluation.region}",
                ruleset.region,
                evaluation.region,
            )
        if evaluation.unreadable:
            self.unreadable(evaluation.unreadable, "evaluation")
        if evaluation.budget is not None and evaluation.budget.unreadable:
            self.unreadable(evaluation.budget.unreadable, "budget")
        grouped: dict[str, list[RowResult]] = {bp.block.key: [] for bp in plan.in_order}
        matched: dict[str, set[str]] = {bp.block.key: set() for bp in plan.in_order}
        unmatched: list[RowResult] = []
        for row in evaluation.rows:
            if row.unreadable:
                self.unreadable(row.unreadable, row.where)
            bp = plan.blocks.get(normalize_label(row.block))
            if bp is None:
                self.finding(
                    "unknown-block",
                    "error",
                    f"{row.where}.block",
                    "一级指标不在规则集中",
                    "the first-level block is not in the ruleset",
                    ", ".join(b.name.zh for b in ruleset.blocks),
                    repr(row.block),
                )
                unmatched.append(
                    self.unscorable(
                        row,
                        "",
                        row.weight,
                        f"一级指标 {row.block!r} 不在规则集中",
                        f"block {row.block!r} is not in the ruleset",
                    )
                )
                continue
            block = bp.block
            indicator, weight_where = None, ""
            if block.indicators and _parse(row.name).kind not in (ValueKind.NOT_APPLICABLE, ValueKind.BLANK):
                hit = plan.indicators.get((block.key, normalize_label(row.name)))
                if hit is None:
                    self.finding(
                        "unknown-indicator",
                        "error",
                        f"{row.where}.name",
                        "三级指标不在规则集的框架中",
                        "the indicator is not in the ruleset's framework",
                        ", ".join(i.name.zh for i in block.indicators),
                        repr(row.name),
                    )
                    grouped[block.key].append(
                        self.unscorable(
                            row, block.key, row.weight, "三级指标不在框架中", "indicator not in the framework"
                        )
                    )
                    continue
                _, indicator, weight_where = hit
                matched[block.key].add(indicator.key)
            grouped[block.key].append(self.row(row, bp, indicator, weight_where))
        # Indicators whose actual is derived from base data need no row of their own.
        for bp in plan.in_order:
            block = bp.block
            for indicator in block.indicators:
                if indicator.actual_from and indicator.key not in matched[block.key]:
                    matched[block.key].add(indicator.key)
                    synthetic = IndicatorRow(
                        block=block.name.zh,
                        category=indicator.category,
                        name=indicator.name.zh,
                        where=f"derived.{indicator.actual_from}",
                    )
                    hit = plan.indicators[(block.key, normalize_label(indicator.key))]
                    grouped[block.key].append(self.row(synthetic, bp, indicator, hit[2]))

        budget = self.budget()
        inside = budget is not None and ruleset.budget is not None and ruleset.budget.block != ""
        home = ruleset.budget.block if inside and ruleset.budget is not None else None
        blocks = [
            self.block(
                bp,
                grouped[bp.block.key],
                matched[bp.block.key],
                budget if bp.block.key == home else None,
            )
            for bp in plan.in_order
        ]
        if unmatched:
            blocks.append(self.block_of("unmatched", "未归类", "Unmatched", _ZERO, unmatched))
        outside = (budget.points or _ZERO) if budget is not None and not inside else _ZERO
        raw_total = sum((b.points for b in blocks), _ZERO) + outside
        if ruleset.not_applicable == "rescale":
            applicable = sum((b.weight_sum for b in blocks), _ZERO) + (
                budget.weight if budget and not inside else _ZERO
            )
            if applicable > 0 and applicable != ruleset.total:
                raw_total = raw_total / applicable * ruleset.total
        total = quantize(
            min(raw_total, ruleset.total), ruleset.total_rounding.places, ruleset.total_rounding.mode
        )
        band = ruleset.grade_for(total) if self.complete else None
        if not self.complete:
            self.finding(
                "incomplete",
                "warning",
                "total",
                "有指标无法计分，总分只计可计分部分，不评定等级",
                "some rows could not be scored: the total counts only what could be, and no grade is given",
            )
        return Report(  # positionally, in field order, as rows are
            ruleset.id, ruleset.name.zh, ruleset.edition, evaluation.region, evaluation.form,
            evaluation.year, evaluation.title, evaluation.unit, evaluation.project, tuple(blocks),
            budget, total, ruleset.total, self.complete, band.label if band else "",
            band.en if band else "", evaluation.reported_total, evaluation.reported_grade,
            tuple(self.findings), evaluation.source,
            {name: _fmt(value) for name, value in self.derived_values.items()},
            plan.report_provenance,
        )  # fmt: skip

    def block(
        self, bp: _BlockPlan, rows: list[RowResult], matched: set[str], budget: Optional[BudgetResult]
    ) -> BlockResult:
        block = bp.block
        for indicator in block.indicators:
            if indicator.key not in matched:
                self.complete = False
                self.finding(
                    "missing-indicator",
                    "error",
                    block.key,
                    f"缺少框架指标“{indicator.name.zh}”",
                    f"the framework's indicator '{indicator.name.en or indicator.key}' has no row",
                )
        if not block.indicators and not rows:
            # Its points would otherwise be a silent 0: say so, and give no grade.
            self.complete = False
            self.finding(
                "empty-block",
                "error",
                block.key,
                f"“{block.name.zh}”没有任何指标行",
                f"'{block.name.en or block.key}' has no indicator rows",
                f"rows worth {_fmt(block.points)} points",
                "none",
            )
        result = self.block_of(
            block.key, block.name.zh, block.name.en, block.points, rows, bp.provenance, budget
        )
        declared = result.weight_sum
        if self.ruleset.not_applicable == "rescale":
            # N/A rows keep their weight in the table; it is dropped when rescaling
            declared += sum((r.weight or _ZERO for r in rows if r.status == NOT_APPLICABLE), _ZERO)
        if not block.indicators and declared != block.points and rows:
            self.finding(
                "weights-sum",
                "error",
                block.key,
                f"“{block.name.zh}”各行分值之和与一级指标分值不符",
                f"the rows' weights in '{block.name.en or block.key}' do not add up to the block's points",
                _fmt(block.points),
                _fmt(declared),
            )
        return result

    def block_of(
        self,
        key: str,
        zh: str,
        en: str,
        max_points: Decimal,
        rows: list[RowResult],
        provenance: Optional[Mapping[str, str]] = None,
        budget: Optional[BudgetResult] = None,
    ) -> BlockResult:
        """A block's result: its rows by category, subtotals, and (银川) the budget row when the
        ruleset counts execution inside this block."""
        categories: dict[str, list[RowResult]] = {}
        for row in rows:
            name = normalize_label(row.category)
            found = categories.get(name)
            if found is None:
                categories[name] = [row]
            else:
                found.append(row)
        # One pass for every sum: points, applicable weights, and the self-reported scores
        # (None as soon as an applicable row has none: a partial sum would mislead).
        cats = []
        points = weights = _ZERO
        reported: Optional[Decimal] = _ZERO
        applicable = False
        for name, items in categories.items():
            c_points = _ZERO
            c_reported: Optional[Decimal] = _ZERO
            c_applicable = False
            for row in items:
                if row.points is not None:
                    c_points += row.points
                if row.status != NOT_APPLICABLE:
                    c_applicable = True
                    if row.weight:
                        weights += row.weight
                    if c_reported is not None:
                        c_reported = None if row.reported is None else c_reported + row.reported
            if not c_applicable:
                c_reported = None
            else:
                applicable = True
                reported = None if reported is None or c_reported is None else reported + c_reported
            cats.append(CategoryResult(name, tuple(items), c_points, c_reported))
            points += c_points
        if not applicable:
            reported = None
        if budget is not None:  # 银川: 预算执行率 is an indicator of this block; its points count here
            points += budget.points or _ZERO
            weights += budget.weight
            reported = None if reported is None or budget.reported is None else reported + budget.reported
        if max_points and points > max_points:
            self.finding(
                "block-capped",
                "warning",
                key,
                f"“{zh}”得分超过一级指标分值，按分值封顶",
                f"'{en or key}' scored above its points and was capped",
                _fmt(max_points),
                _fmt(points),
            )
            points = max_points
        return BlockResult(key, zh, en, max_points, tuple(cats), points, reported, weights, provenance or {})


def _round_within(value: Decimal, weight: Decimal, rounding: Rounding) -> Decimal:
    """Round a score already clipped to [0, weight]; rounding never lifts it above the weight."""
    return min(quantize(value, rounding.places, rounding.mode), weight)


_NUMBER, _BUDGET_REF, _NOT_APPLICABLE, _BLANK, _GARBLED = (
    ValueKind.NUMBER,
    ValueKind.BUDGET_REF,
    ValueKind.NOT_APPLICABLE,
    ValueKind.BLANK,
    ValueKind.GARBLED,
)
_CELL_NOTES_ZH = {
    "approximate": "近似值（约、左右），按所写数值计分",
    "conflicting": "比较符相互矛盾，按符号计分",
    "typo": "“不适应”疑为“不适用”之误，按不适用处理",
    "'无'": "“无”可能指未发生（0）或不适用，请写明",
    "±": "± 容差既非下限也非上限，不能按数值计分",
    "too": "单元格过长，不按数值读取",
    "oversized": "数字位数过多，不按数值读取",
}
"""A parsed cell's notes in Chinese, by the first word of each English note (targets.py)."""
_SELECTION_KEYS: Mapping[object, str] = {
    **{comparator: comparator.name for comparator in Comparator},
    None: "implicit",
    ValueKind.BUDGET_REF: "budget_ref",
    ValueKind.QUALITATIVE: "qualitative",
}


_SELECTORS = {key: selector for selector, key in _SELECTION_KEYS.items()}


def _selector(target: CellValue) -> object:
    """What selects a parsed target's method: its comparator (None when implicit) for a number,
    otherwise its kind. A plan's ``choices`` are keyed by it, which spares a row the key's name."""
    return target.comparator if target.kind is _NUMBER else target.kind


def _selection_key(target: CellValue) -> Optional[str]:
    """The ``[selection]`` key a parsed target falls under (``GE``, ``implicit``, ``budget_ref``…),
    or None for a target no method can take (blank, garbled)."""
    return _SELECTION_KEYS.get(_selector(target))


def chosen_by_en(reason: str, target: CellValue) -> str:
    return f"no method: {reason}" if target.kind is not ValueKind.NUMBER else "no method for this target"


@in_context
def score(evaluation: Evaluation, ruleset: Ruleset) -> Report:
    """Score ``evaluation`` under ``ruleset`` and return the full breakdown.

    Never raises for a bad row: each comes back scored, not applicable, or not scorable with its
    reason and a finding.
    """
    return _Scorer(ruleset, evaluation).run()
