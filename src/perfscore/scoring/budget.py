"""The budget-execution row: rate = executed / base, scored by the ruleset's budget formula."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Optional

from ..decimals import quantize
from ..errors import FormulaEvaluationError
from ..evaluations import BudgetTable
from ..report import NOT_SCORABLE, SCORED, BudgetResult, Deferred, Explanation, Status
from ..rules import BudgetRule
from .explain import budget_inputs, explain_budget, reason
from .findings import Findings, NotScorable, finding
from .shown import fmt
from .values import HIGH, LOW, ZERO, budget_base

__all__ = ["score_budget"]


def score_budget(
    rule: BudgetRule, table: Optional[BudgetTable], where: Mapping[str, str], findings: Findings
) -> BudgetResult:
    """The budget row under ``rule`` (``where`` says where its formula and points were set)."""
    if table is not None and table.points is not None and table.points != rule.points:
        at = "budget.points"
        findings.add("budget-points-differ", at, expected=fmt(rule.points), found=fmt(table.points))
    base = budget_base(rule, table)
    executed = table.executed if table is not None else None
    rate = executed / base if base is not None and executed is not None and base != 0 else None
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


def _raw(rule: BudgetRule, env: Mapping[str, Optional[Decimal]]) -> Decimal:
    """The budget formula's value for ``env``, or NotScorable."""
    base, executed, rate = env["base"], env["executed"], env["rate"]
    if rate is not None and not LOW <= rate <= HIGH:  # 1e15 / 1e-20: past the number gate
        found = f"base={fmt(base)}, executed={fmt(executed)}"
        beyond = finding("budget-not-scorable", "budget", variant="range", found=found, bound=fmt(HIGH))
        raise NotScorable("budget-out-of-range", beyond, bound=fmt(HIGH))
    if base is None or executed is None or rate is None:
        missing = finding(
            "budget-not-scorable", "budget", expected="a base amount > 0 and an executed amount",
            found=f"base={fmt(base)}, executed={fmt(executed)}",
        )  # fmt: skip
        raise NotScorable("budget-not-computable", missing)
    try:
        return rule.formula.number(env)  # type: ignore[arg-type]  # every value is set by now
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
