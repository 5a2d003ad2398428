"""The budget-execution row: rate = executed / base, scored by the ruleset's budget formula."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Optional

import attrs

from ..cells import ValueKind
from ..codes import words
from ..decimals import quantize
from ..errors import FormulaEvaluationError
from ..evaluations import BudgetTable, Evaluation, IndicatorRow
from ..report import NOT_SCORABLE, SCORED, BudgetResult, Deferred, Explanation, Status
from ..rules import BudgetRule
from ..rules.plan import Plan, normalize_label
from .explain import budget_inputs, explain_budget, reason
from .findings import Findings, NotScorable, finding
from .shown import fmt
from .values import HIGH, LOW, ZERO, budget_base, parse

__all__ = ["budget_row", "score_budget"]

_BASES = {
    "initial": "年初预算数",
    "full_year": "全年预算数",
    "initial_plus_adjustment": "年初预算数 + 调整数",
}


def budget_row(
    plan: Plan, rule: Optional[BudgetRule], evaluation: Evaluation
) -> tuple[Optional[BudgetTable], tuple[IndicatorRow, ...]]:
    """The budget table and the rows left to score. A table that prints the budget row as an
    indicator row (银川: 预算执行率 inside 项目管理; a flat list) gives it here, scored from the
    budget table (or from its own printed rate and score when there is none), never twice."""
    table, rows = evaluation.budget, evaluation.rows
    if rule is None or not plan.budget_row_names:
        return table, rows
    home = plan.blocks.get(normalize_label(rule.block)) if rule.block else None
    for i, row in enumerate(rows):
        if normalize_label(row.name) not in plan.budget_row_names:
            continue
        flat = parse(row.block).kind is ValueKind.BLANK  # a flat list: no 一级 cell
        if flat or (home is not None and plan.blocks.get(normalize_label(row.block)) is home):
            return _merged(table, row), rows[:i] + rows[i + 1 :]
    return table, rows


def _merged(table: Optional[BudgetTable], row: IndicatorRow) -> BudgetTable:
    """The budget table with what the budget's indicator row states filled in where it is blank."""
    if table is None:
        return BudgetTable(
            points=row.weight, rate=row.actual, reported_score=row.reported_score, note=row.note
        )
    return attrs.evolve(
        table,
        points=table.points if table.points is not None else row.weight,
        rate=table.rate or row.actual,
        reported_score=table.reported_score if table.reported_score is not None else row.reported_score,
        note=table.note or row.note,
    )


def score_budget(
    rule: BudgetRule,
    table: Optional[BudgetTable],
    where: Mapping[str, str],
    findings: Findings,
    stated_only: bool = False,
) -> BudgetResult:
    """The budget row under ``rule`` (``where`` says where its formula and points were set);
    ``stated_only``: the table prints a scoring rule, no target or actual (a budget row there
    with no amounts and no rate is taken at its own score)."""
    if table is not None and table.points is not None and table.points != rule.points:
        at = "budget.points"
        findings.add("budget-points-differ", at, expected=fmt(rule.points), found=fmt(table.points))
    if stated_only and table is not None and _only_a_score(table):
        return _stated_budget(rule, table, where, findings, table.reported_score)
    base = budget_base(rule, table)
    executed = table.executed if table is not None else None
    rate = executed / base if base is not None and executed is not None and base != 0 else None
    if rate is None and base is None and executed is None and table is not None:
        rate = _printed_rate(table, findings)
    elif rate is None and base == 0 and table is not None:  # 年初预算数 0, 执行率 100% printed
        rate = _printed_rate(table, findings, rule.base)
    env = {**rule.params, "W": rule.points, "base": base, "executed": executed, "rate": rate}
    try:
        raw = _raw(rule, env)
    except NotScorable as exc:
        findings.not_scorable(exc)
        zh, en = reason(exc.reason, exc.values)
        why = Explanation(exc.inputs or {}, zh, en, where)
        shown_rate = None if exc.reason == "budget-out-of-range" else rate
        return _result(rule, table, env, shown_rate, NOT_SCORABLE, why, (None, None, None))
    capped = min(max(raw, ZERO), rule.points)
    points = min(quantize(capped, rule.rounding.places, rule.rounding.mode), rule.points)
    explanation = Deferred((explain_budget, rule, env, (raw, capped, points), where))
    return _result(rule, table, env, rate, SCORED, explanation, (raw, capped, points))


def _only_a_score(table: BudgetTable) -> bool:
    """True for a budget row with a score and nothing to recompute it from."""
    amounts = (table.initial, table.full_year, table.executed)
    return table.reported_score is not None and all(a is None for a in amounts) and not table.rate.strip()


def _stated_budget(
    rule: BudgetRule,
    table: BudgetTable,
    where: Mapping[str, str],
    findings: Findings,
    reported: Optional[Decimal],
) -> BudgetResult:
    """The budget row of a scoring-standard table, at its own score (capped at the rule's points:
    review reports a score above them): an info finding says it was not recomputed."""
    found = fmt(reported)
    findings.add("self-stated", "budget.reported_score", variant="budget", found=found)
    points = min(max(reported or ZERO, ZERO), rule.points)
    zh, en = reason("self-stated-budget", {"reported": found})
    env: dict[str, Optional[Decimal]] = {"base": None, "executed": None}
    return _result(rule, table, env, None, SCORED, Explanation({}, zh, en, where), (points, points, points))


def _printed_rate(table: BudgetTable, findings: Findings, zero: str = "") -> Optional[Decimal]:
    """The 执行率 as printed, when the table gives no amounts (a budget row printed among the
    indicators), or when the amount it divides by (``zero``: which) is 0: an info finding says
    the rate could not be recomputed."""
    cell = parse(table.rate)
    if cell.kind is not ValueKind.NUMBER or cell.number is None or cell.unit != "%" or cell.comparator:
        return None
    variant = "zero-base" if zero else ""
    findings.add(
        "budget-rate-as-printed",
        "budget.rate",
        variant=variant,
        found=repr(table.rate),
        base=_BASES.get(zero, zero),
    )
    return cell.number / 100


def _raw(rule: BudgetRule, env: Mapping[str, Optional[Decimal]]) -> Decimal:
    """The budget formula's value for ``env``, or NotScorable."""
    base, executed, rate = env["base"], env["executed"], env["rate"]
    if rate is not None and not LOW <= rate <= HIGH:  # 1e15 / 1e-20: past the number gate
        found = words("budget-found", base=fmt(base), executed=fmt(executed))
        beyond = finding("budget-not-scorable", "budget", variant="range", found=found, bound=fmt(HIGH))
        raise NotScorable("budget-out-of-range", beyond, bound=fmt(HIGH))
    if rate is None:
        missing = finding(
            "budget-not-scorable", "budget", expected=words("budget-amounts"),
            found=words("budget-found", base=fmt(base), executed=fmt(executed)),
        )  # fmt: skip
        raise NotScorable("budget-not-computable", missing)
    try:
        given = {name: value for name, value in env.items() if value is not None}
        return rule.formula.number(given)  # a formula needing an amount not given fails: not scorable
    except FormulaEvaluationError as exc:
        failed = finding("budget-not-scorable", "budget", variant="formula", reason=exc.reason)
        inputs = budget_inputs(env)  # type: ignore[arg-type]
        raise NotScorable("formula-failed", failed, inputs=inputs, reason=exc.reason) from None


def _result(
    rule: BudgetRule,
    table: Optional[BudgetTable],
    env: Mapping[str, Optional[Decimal]],
    rate: Optional[Decimal],
    status: Status,
    explanation: Explanation,
    scores: tuple[Optional[Decimal], Optional[Decimal], Optional[Decimal]],
) -> BudgetResult:
    return BudgetResult(
        name_zh=rule.name.zh,
        base=rule.base,
        base_amount=env["base"],
        executed=env["executed"],
        rate=rate,
        printed_rate=table.rate if table is not None else "",
        weight=rule.points,
        status=status,
        formula=rule.formula.source,
        raw=scores[0],
        capped=scores[1],
        points=scores[2],
        explanation=explanation,
        reported=table.reported_score if table is not None else None,
    )
