"""Review of the budget block: its sub-rows against its totals, the printed 执行率 against the
amounts, the reported score against the rule, and the deviation note.

The rate and the score are compared at the precision the table prints them: a rate printed as a
whole percent (91% for 90.6%), amounts printed to so many places (the true amounts lie within
half a unit of them), a score printed whole, to one or to two places, and floored integer scores
(a rate just under 100% giving 9 of 10, §7.3). A score computed from the printed rate agrees too:
a unit multiplies the rate it prints."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Optional

from ..cells import ValueKind, parse_cell
from ..decimals import plain
from ..errors import PerfscoreError
from ..evaluations import BudgetTable, Evaluation
from ..report import BudgetResult, Finding, Report
from ..rules import Ruleset
from .findings import finding, not_run, precision_words
from .precision import DIFFERS, ROUNDED, agreement, column_places, half_unit, places, rounds_to

__all__ = ["budget_lines", "budget_note", "budget_rate", "budget_score"]

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_BUDGET_COLUMNS = (("initial", "年初预算数"), ("full_year", "全年预算数"), ("executed", "全年执行数"))


def budget_lines(evaluation: Evaluation, report: Report, ruleset: Ruleset) -> Iterator[Finding]:
    """The budget's sub-rows against its stated totals, column by column."""
    table = evaluation.budget
    if table is None:
        return
    for column, column_zh in _BUDGET_COLUMNS:
        total = getattr(table, column)
        given = [p for p in (getattr(line, column) for line in table.lines) if p is not None]
        if total is None or not given:
            continue
        added = sum(given, _ZERO)
        if abs(added - total) > ruleset.review.score_tolerance:
            yield finding(
                "budget-lines-sum",
                f"budget.{column}",
                plain(total),
                f"{plain(added)} = " + " + ".join(plain(p) for p in given),
                column_zh=column_zh,
                column_en=column.replace("_", " "),
            )


def _amount_places(table: BudgetTable) -> int:
    """Places the table prints its amounts with (the amount columns, sub-rows included)."""
    cells = [table.initial, table.full_year, table.executed, table.adjustment]
    for line in table.lines:
        cells += [line.initial, line.full_year, line.executed]
    return column_places(cells)


def _rate_bounds(table: BudgetTable, result: BudgetResult) -> Optional[tuple[Decimal, Decimal]]:
    """The rates the printed amounts allow: each true amount within half a unit of the printed."""
    base, executed = result.base_amount, result.executed
    if base is None or executed is None or result.rate is None:
        return None
    digits = _amount_places(table)
    if digits == 0:  # whole amounts (万元 appropriations) are taken as exact, not as ±0.5
        return result.rate, result.rate
    half = half_unit(digits)
    if base - half <= 0:
        return result.rate, result.rate
    low = max(executed - half, _ZERO) / (base + half)
    return min(low, result.rate), max((executed + half) / (base - half), result.rate)


def _printed_rate(text: str) -> Optional[tuple[Decimal, int, bool]]:
    """(the printed rate as a fraction, its places as printed, whether printed in percent)."""
    printed = parse_cell(text)
    number = printed.number
    if printed.kind is not ValueKind.NUMBER or number is None:
        return None
    percent = printed.unit == "%" or (printed.unit is None and number > 2)
    return (number / _HUNDRED if percent else number), places(number), percent


def budget_rate(evaluation: Evaluation, report: Report, ruleset: Ruleset) -> Iterator[Finding]:
    """The printed 执行率 against 执行数 / 预算数, at the places the rate and the amounts print."""
    table, result = evaluation.budget, report.budget
    if table is None or result is None or not table.rate.strip():
        return
    read = _printed_rate(table.rate)
    if read is None:
        yield finding("rate-unreadable", "budget.rate", "a percentage", repr(table.rate))
        return
    bounds = _rate_bounds(table, result)
    if bounds is None or result.rate is None:
        yield not_run(
            "budget.rate",
            "预算数或执行数缺失（或为 0），无法核对表中执行率",
            "the budget or executed amount is missing (or 0): the printed rate cannot be checked",
            table.rate,
        )
        return
    value, digits, percent = read
    scale = _HUNDRED if percent else Decimal(1)
    shown = value * scale
    words = precision_words(digits, percent=percent)
    if abs(value - result.rate) <= ruleset.review.rate_tolerance or shown == rounds_to(
        result.rate * scale, digits
    ):
        return
    found = agreement(shown, digits, bounds[0] * scale, bounds[1] * scale)
    if found == DIFFERS:
        computed = (
            f"{plain(result.executed)} / {plain(result.base_amount)} = {plain(round(result.rate * 100, 2))}%"
        )
        yield finding("rate-mismatch", "budget.rate", computed, table.rate, **words)
        return
    how = (
        ("执行率按金额的印刷精度可得", "the rate follows from the amounts within their printed places")
        if found == ROUNDED
        else ("执行率为计算值截尾", "the rate is the computed one truncated")
    )
    yield finding(
        "agrees-at-precision",
        "budget.rate",
        f"{plain(round(result.rate * 100, 2))}%",
        table.rate,
        how=how[0],
        how_en=how[1],
        **words,
    )


def _score_at(ruleset: Ruleset, result: BudgetResult, rate: Decimal) -> Optional[Decimal]:
    rule = ruleset.budget
    if rule is None:
        return None
    env = {
        **rule.params,
        "W": rule.points,
        "rate": rate,
        "base": result.base_amount or _ZERO,
        "executed": result.executed or _ZERO,
    }
    try:
        raw = rule.formula.number(env)
    except (PerfscoreError, ArithmeticError):
        return None
    return min(max(raw, _ZERO), result.weight)


def _score_span(evaluation: Evaluation, result: BudgetResult, ruleset: Ruleset) -> tuple[Decimal, Decimal]:
    """The scores the rule gives for every rate the table allows: the exact rate, the rates the
    printed amounts allow, and the printed rate itself when it agrees with them."""
    exact = result.capped if result.capped is not None else result.points
    assert exact is not None
    scores = [exact]
    table = evaluation.budget
    rates: list[Decimal] = []
    if table is not None:
        bounds = _rate_bounds(table, result)
        if bounds is not None:
            rates += bounds
            read = _printed_rate(table.rate) if table.rate.strip() else None
            if read is not None:
                value, digits, percent = read
                scale = _HUNDRED if percent else Decimal(1)
                if agreement(value * scale, digits, bounds[0] * scale, bounds[1] * scale) != DIFFERS:
                    rates.append(value)
    for rate in rates:
        score = _score_at(ruleset, result, rate)
        if score is not None:
            scores.append(score)
    return min(scores), max(scores)


def budget_score(evaluation: Evaluation, report: Report, ruleset: Ruleset) -> Iterator[Finding]:
    """The budget row's reported score against the rule, at the places the score is printed."""
    result = report.budget
    if evaluation.budget is None or result is None or result.reported is None:
        return
    reported = result.reported
    if result.points is None:
        yield not_run(
            "budget.reported_score",
            "预算执行率未能计分，其自评得分无法核对",
            "the budget row could not be scored, so its reported score cannot be checked",
            plain(reported),
        )
        return
    digits = places(reported)
    words = precision_words(digits)
    exact = result.capped if result.capped is not None else result.points
    if (
        reported == result.points
        or abs(reported - result.points) <= ruleset.review.score_tolerance
        or reported == rounds_to(exact, digits)
    ):
        return
    low, high = _score_span(evaluation, result, ruleset)
    found = agreement(reported, digits, low, high)
    if found == DIFFERS:
        yield finding(
            "budget-score-mismatch", "budget.reported_score", plain(result.points), plain(reported), **words
        )
        return
    how = (
        ("得分按表中执行率或金额的印刷精度可得", "the score follows from the printed rate or amounts")
        if found == ROUNDED
        else ("得分为计算值截尾取整（向下取整）", "the score is the computed one truncated (floored)")
    )
    yield finding(
        "agrees-at-precision",
        "budget.reported_score",
        plain(result.points),
        plain(reported),
        how=how[0],
        how_en=how[1],
        **words,
    )


def budget_note(evaluation: Evaluation, report: Report, ruleset: Ruleset) -> Iterator[Finding]:
    """A deviation note where execution is below the ruleset's ``explain_budget_below``; a
    form's budget block with no column for one is not told it is missing (one info)."""
    table, result, below = evaluation.budget, report.budget, ruleset.review.explain_budget_below
    if table is None or result is None or result.rate is None or below is None:
        return
    if result.rate < below and not table.note.strip():
        percent = plain(below * 100)
        if table.cells and "note" not in table.cells:  # a form whose budget block has no 原因 column
            yield not_run(
                "budget.note",
                f"预算执行情况没有原因说明栏（执行率低于 {percent}% 应说明偏差）",
                f"the budget block has no note column (execution below {percent}% wants a note)",
            )
            return
        yield finding("missing-deviation-note", "budget.note", variant="budget-below", percent=percent)
