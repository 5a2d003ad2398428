"""One row's points: match it, read its cells, choose its method, score it by level or formula.

A stage that cannot go on raises :class:`NotScorable`; :func:`score_row` catches it, once, and
the row comes back not scorable with its reason (never scored 0 in silence).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Optional

import attrs

from ..cells import CellValue, ValueKind
from ..codes import words
from ..errors import FormulaEvaluationError
from ..evaluations import IndicatorRow
from ..report import NOT_APPLICABLE, NOT_SCORABLE, SCORED, Deferred, Explanation, RowResult, Status
from ..rules import Level, Method
from ..rules.plan import BlockPlan, IndicatorPlan, MethodPlan, Plan, normalize_label
from .explain import Source, explain_formula, explain_level, provenance, reason
from .findings import Findings, NotScorable, cell_note_zh, finding
from .match import choose_method, match_block, match_indicator
from .shown import fmt
from .values import ZERO, check_inputs, complete_texts, formula_env, formula_inputs, parse, snapshot
from .values import target_and_actual as read_values

__all__ = ["Run", "score_row"]

_NUMBER, _NOT_APPLICABLE, _BLANK, _GARBLED = (
    ValueKind.NUMBER,
    ValueKind.NOT_APPLICABLE,
    ValueKind.BLANK,
    ValueKind.GARBLED,
)


@attrs.frozen
class Run:
    """What scoring a row needs from the run it is part of."""

    plan: Plan
    findings: Findings
    derived: Mapping[str, Decimal]
    """The evaluation's derived values"""
    source: str
    """The evaluation's source, as provenance names it"""
    budget_base: Optional[Decimal]
    """What a 预算数 cell stands for"""
    clamp: bool
    """Whether a negative actual counts as 0"""
    matched: dict[str, set[str]]
    """Block key → the keys of the framework indicators a row has named so far"""
    stated_only: bool = False
    """The table has no target and no actual column (a scoring-standard table, 评分标准 beside
    each row): every row is taken at its own score"""
    group_weights: Mapping[str, Decimal] = attrs.field(factory=dict)
    """In such a table, a merged 得分 cell's address → the weights of the rows it spans (the
    bound of the group's score, which its first row carries)"""
    stated_rows: list[str] = attrs.field(factory=list)
    """In such a table, the rows taken at their own scores (one info finding says so for the
    table, not one per row)"""


def score_row(
    run: Run, row: IndicatorRow, fixed: Optional[tuple[BlockPlan, IndicatorPlan]] = None
) -> RowResult:
    """Score one row of the table, or the row of an indicator ``fixed`` in its block (an
    indicator whose actual is derived: no row of the table names it).

    What is known of the row so far (its block, weight, method) is what its result shows if a
    stage raises :class:`NotScorable`."""
    block, weight, choice, weight_where = "", row.weight, None, ""
    try:
        if fixed is None:
            in_block = match_block(run.plan, row)
            block = in_block.block.key
            indicator = match_indicator(run.plan, in_block, row) if in_block.block.indicators else None
        else:
            in_block, indicator = fixed
            block = in_block.block.key
        if indicator is not None:
            run.matched[block].add(indicator.indicator.key)
            weight_where = indicator.weight_where
            row = complete_texts(row, indicator.indicator, run.derived, run.plan.derived_units)
        elif row.sign or row.unit:
            row = complete_texts(row)
        target, actual = parse(row.target), parse(row.actual)
        if target.problem is not None or actual.problem is not None:
            _questionable(run.findings, row, target, actual)
        if _not_applicable(row, target, actual):
            return _not_applicable_row(run, row, block)
        if row.weight is None and indicator is None and in_block.block.weights == "unstated":
            return _self_stated(run, row, block, None, None)  # 湖北 goal blocks: no per-row weight
        weight = _weight(run.findings, row, indicator)
        if weight <= ZERO or weight > in_block.block.points:
            raise _implausible(row, weight, in_block.block.points)
        if run.stated_only:  # nothing to recompute from: the table's own score, said so
            return _self_stated(run, row, block, weight, None, standard=True)
        # The common case first: the block's selection, by the target's comparator or kind.
        chosen_by = target.comparator if target.kind is _NUMBER else target.kind  # see plan.selector
        choice = None if row.method or indicator else in_block.choices_for(row.category).get(chosen_by)
        if choice is None:  # the row or its indicator names the method, or none is selected
            choice = choose_method(run.plan, in_block, row, indicator, target)
        source = (run.source, row.where, weight_where, choice)
        if choice.plan.kind == "qualitative":
            return _by_level(run, row, block, choice.plan, weight, actual, source)
        return _by_formula(run, row, block, choice.plan, weight, target, actual, source)
    except NotScorable as exc:
        run.findings.not_scorable(exc)
        zh, en = reason(exc.reason, exc.values)
        method = choice.plan.method if choice is not None else None
        where = provenance((run.source, row.where, weight_where, choice)) if choice is not None else None
        return _unscored(row, block, weight, NOT_SCORABLE, zh, en, method, exc.inputs, where)


def _not_applicable_row(run: Run, row: IndicatorRow, block: str) -> RowResult:
    """A 不适用 row: it carries no weight (a finding when it has one and the policy says so)."""
    if row.weight and run.plan.not_applicable == "no_weight":
        at = f"{row.where}.weight"
        run.findings.add("weight-on-not-applicable", at, expected=words("no-weight"), found=fmt(row.weight))
    zh, en = reason("not-applicable", {})
    return _unscored(row, block, row.weight, NOT_APPLICABLE, zh, en)


def _not_applicable(row: IndicatorRow, target: CellValue, actual: CellValue) -> bool:
    name, t_kind, a_kind = parse(row.name).kind, target.kind, actual.kind
    return (
        name is _NOT_APPLICABLE
        or t_kind is _NOT_APPLICABLE
        or a_kind is _NOT_APPLICABLE
        or (name is _BLANK and t_kind is _BLANK and a_kind is _BLANK)
    )


def _questionable(findings: Findings, row: IndicatorRow, target: CellValue, actual: CellValue) -> None:
    """A warning for a cell that was read, but with a note worth a look (an approximate value,
    contradicting comparators, the 不适应 typo, a ± tolerance, a bare 无, a cell too long or a
    number too large to read)."""
    for cell, column in ((target, "target"), (actual, "actual")):
        if cell.problem is not None and cell.kind is not _GARBLED:
            notes = "；".join(cell_note_zh(note, "表述存疑") for note in cell.problem.split("; "))
            at = f"{row.where}.{column}"
            findings.add(
                "questionable-cell",
                at,
                found=repr(cell.text),
                notes=notes,
                column=column,
                problem=cell.problem,
            )


def _weight(findings: Findings, row: IndicatorRow, indicator: Optional[IndicatorPlan]) -> Decimal:
    """The row's weight: its framework indicator's, else its own."""
    if indicator is not None:
        weight = indicator.indicator.weight
        if row.weight is not None and row.weight != weight:
            at = f"{row.where}.weight"
            findings.add("weight-differs", at, expected=fmt(weight), found=fmt(row.weight))
        return weight
    if row.weight is not None:
        return row.weight
    if any(u.column == "weight" for u in row.unreadable):
        raise NotScorable("weight-unreadable")
    raise NotScorable("missing-weight", finding("missing-weight", f"{row.where}.weight"))


def _implausible(row: IndicatorRow, weight: Decimal, points: Decimal) -> NotScorable:
    """A weight not above 0, or above its block's points."""
    implausible = finding(
        "implausible-weight", f"{row.where}.weight", expected=words("weight-range", points=fmt(points)),
        found=fmt(weight), weight=fmt(weight), points=fmt(points),
    )  # fmt: skip
    return NotScorable("implausible-weight", implausible, weight=fmt(weight))


def _level(plan: MethodPlan, row: IndicatorRow, actual: CellValue) -> tuple[Level, str]:
    """The level a qualitative row reached, and how that is known."""
    levels = plan.method.levels
    wanted = normalize_label(row.level) if row.level else ""
    said = normalize_label(row.actual)
    for candidate, names in zip(levels, plan.level_names):
        if wanted:
            if wanted in names:
                return candidate, "表中注明的等级"
        elif said in names:
            return candidate, "实际完成值表述"
    if not wanted and actual.kind is not _BLANK and said == normalize_label(row.target):
        return levels[0], "实际完成值与年度指标值一致"
    unknown = finding(
        "level-unknown", f"{row.where}.actual",
        expected=words("actual-words"), found=repr(row.actual),
    )  # fmt: skip
    raise NotScorable("level-unknown", unknown)


def _self_stated(
    run: Run,
    row: IndicatorRow,
    block: str,
    weight: Optional[Decimal],
    plan: Optional[MethodPlan],
    standard: bool = False,
) -> RowResult:
    """A row taken at the table's own score, which cannot be recomputed: a qualitative row whose
    level cannot be told (``weight`` and ``plan`` given), a row of a scoring-standard table
    (``standard``: no target or actual to score from; one without a score of its own and not in
    a merged group score is not scorable), or a row of a block whose rows carry no weight (湖北
    goal blocks; a row without a score of its own is one of a group scored on a merged cell). An
    info finding says so; never an error, never a guess."""
    reported = row.reported_score
    if standard and reported is None and not row.shared_score:
        blank = finding(
            "missing-value", f"{row.where}.reported_score", role="自评得分", column="reported_score"
        )
        raise NotScorable("self-stated-blank", blank)
    if standard and reported is not None:
        variant, why = "standard", "self-stated-standard"
    elif weight is not None and not standard:
        variant, why = "", "self-stated"
    else:
        variant, why = (
            ("weight", "self-stated-weight") if reported is not None else ("group", "self-stated-group")
        )
    found = fmt(reported) if reported is not None else None
    if variant == "standard":
        run.stated_rows.append(row.where)  # said once for the table (pipeline)
    else:
        run.findings.add("self-stated", row.where, variant=variant, found=found)
    points = ZERO if reported is None else max(reported, ZERO)
    bound = run.group_weights.get(row.shared_score, weight) if standard and row.shared_score else weight
    if bound is not None and points > bound:  # review reports a score above its weight
        points = bound
    zh, en = reason(why, {"reported": found or ""})
    inputs = {"W": fmt(weight)} if weight is not None else {}
    explanation = Explanation(inputs, zh, en, None)
    return _scored(row, block, weight, plan, "自评得分", explanation, (points, points, points))


def _by_level(
    run: Run,
    row: IndicatorRow,
    block: str,
    plan: MethodPlan,
    weight: Decimal,
    actual: CellValue,
    source: Source,
) -> RowResult:
    try:
        level, how = _level(plan, row, actual)
    except NotScorable:
        if plan.method.self_stated and row.reported_score is not None:
            return _self_stated(run, row, block, weight, plan)
        raise
    raw = level.score * weight
    points = run.plan.round_row(raw, weight)
    explanation = Deferred((explain_level, plan, level, how, weight, points, *source))
    formula = f"{fmt(level.score)} × W"
    return _scored(row, block, weight, plan, formula, explanation, (raw, raw, points))


def _by_formula(
    run: Run,
    row: IndicatorRow,
    block: str,
    plan: MethodPlan,
    weight: Decimal,
    target: CellValue,
    actual: CellValue,
    source: Source,
) -> RowResult:
    t_value: Optional[Decimal] = None
    a_value: Optional[Decimal] = None
    unit = ""
    if plan.needs_values:  # a method over W and inputs alone needs no target or actual
        t_value, a_value, unit = read_values(row, target, actual, run.budget_base, run.clamp)
    if plan.method.inputs:
        check_inputs(plan, row)
    try:
        env = (
            plan.params
            if not run.derived and not row.inputs
            else formula_inputs(plan, run.derived, row.inputs)
        )
        index, raw = plan.cases(env, weight, t_value, a_value)
    except FormulaEvaluationError as exc:
        env = formula_env(plan, run.derived, row.inputs, weight, t_value, a_value)
        shown = {name: fmt(env[name]) for name in plan.shown if name in env}
        found = ", ".join(f"{k}={v}" for k, v in shown.items())
        failed = finding("not-scorable", row.where, found=found, reason=exc.reason)
        raise NotScorable("formula-failed", failed, inputs=shown, reason=exc.reason) from None
    capped = run.plan.clip_row(raw, weight)
    points = run.plan.round_row(capped, weight)
    case = plan.method.cases[index]
    inputs = snapshot(row.inputs)
    scores = (raw, capped, points)
    # One flat tuple is all a kept report holds for the prose until it is read (no nested
    # tuples per row: fewer objects for the garbage collector, ~120 bytes less per row).
    explanation = Deferred(
        (explain_formula, plan, case, inputs, run.derived, weight, t_value, a_value, unit, *scores, *source)
    )
    return _scored(row, block, weight, plan, case.score.source, explanation, scores)


def _scored(
    row: IndicatorRow,
    block: str,
    weight: Optional[Decimal],
    plan: Optional[MethodPlan],
    formula: str,
    explanation: Explanation,
    scores: tuple[Decimal, Decimal, Decimal],
) -> RowResult:
    """A scored row: by its method's ``plan``, or (None) taken at the table's own score."""
    return RowResult(
        where=row.where,
        block=block,
        category=row.category,
        name=row.name,
        target_text=row.target,
        actual_text=row.actual,
        weight=weight,
        status=SCORED,
        method=plan.key if plan is not None else "",
        method_name=plan.name_zh if plan is not None else "",
        formula=formula,
        explanation=explanation,
        raw=scores[0],
        capped=scores[1],
        points=scores[2],
        reported=row.reported_score,
        core=row.core,
        note=row.note,
        extra=row.extra,
    )


def _unscored(
    row: IndicatorRow,
    block: str,
    weight: Optional[Decimal],
    status: Status,
    reason_zh: str,
    reason_en: str,
    method: Optional[Method] = None,
    inputs: Optional[Mapping[str, str]] = None,
    where: Optional[Mapping[str, str]] = None,
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
        explanation=Explanation(inputs, reason_zh, reason_en, where),
        reported=row.reported_score,
        core=row.core,
        note=row.note,
        extra=row.extra,
    )
