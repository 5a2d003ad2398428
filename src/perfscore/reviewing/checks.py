"""The review's checks: what a finance bureau's reviewer checks by hand, each a pure function.

Each check takes the evaluation as read, the report scoring made of it and the ruleset, and
returns its findings; :data:`CHECKS` lists them in the order a review runs them (and lists its
findings, before sorting them worst first). Adding a check is adding a function to the list.

The ruleset decides tolerances and which checks apply (``[review]``); the national defaults
apply otherwise. The words of every finding live in :mod:`perfscore.codes`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, Optional

from ..cells import ValueKind, convert, parse_cell, units_compatible
from ..codes import code
from ..decimals import plain
from ..evaluations import Evaluation, IndicatorRow
from ..report import NOT_APPLICABLE, SCORED, Finding, Report, RowResult
from ..rules import Ruleset

__all__ = ["CHECKS", "Check", "finding"]

Check = Callable[[Evaluation, Report, Ruleset], Iterator[Finding]]
"""A check: (evaluation, report, ruleset) → its findings."""

_ZERO = Decimal(0)


def finding(
    id: str,
    location: str,
    expected: Optional[str] = None,
    found: Optional[str] = None,
    *,
    variant: str = "",
    **values: Any,
) -> Finding:
    """A finding of code ``id`` at ``location``: its severity and words from the code table."""
    entry = code(id)
    zh, en = entry.messages(values, variant)
    return Finding(
        code=id,
        severity=entry.severity,
        location=location,
        message_zh=zh,
        message_en=en,
        expected=expected,
        found=found,
    )


# -- rows --------------------------------------------------------------------------------------
def rows(evaluation: Evaluation, report: Report, ruleset: Ruleset) -> Iterator[Finding]:
    """Each scored row's reported score against its weight and the rule, then its deviation note."""
    sources = {row.where: row for row in evaluation.rows}
    for result in report.rows:
        source = sources.get(result.where)
        if source is None or result.status == NOT_APPLICABLE:
            continue
        yield from _row_score(result, ruleset.review.score_tolerance)
        if not source.note.strip():
            for variant, values in _note_reasons(result, source, ruleset):
                yield finding("missing-deviation-note", f"{result.where}.note", variant=variant, **values)


def _row_score(result: RowResult, tolerance: Decimal) -> Iterator[Finding]:
    where = f"{result.where}.reported_score"
    weight, reported, computed = result.weight, result.reported, result.points
    if reported is not None and weight is not None and reported > weight:
        yield finding("score-above-weight", where, f"≤ {plain(weight)}", plain(reported))
    if result.status != SCORED or reported is None or computed is None or weight is None:
        return
    if reported == weight and computed < weight:
        yield finding("full-marks-unmet", where, plain(computed), plain(reported))
    elif reported > computed + tolerance:
        yield finding("reported-above-computed", where, plain(computed), plain(reported))
    elif reported < computed - tolerance:
        met = result.raw is not None and result.raw >= weight  # before rounding: 14.7 of 15 is not met
        yield finding("self-deduction", where, plain(computed), plain(reported), variant="met" if met else "")


def _note_reasons(
    result: RowResult, source: IndicatorRow, ruleset: Ruleset
) -> Iterator[tuple[str, dict[str, str]]]:
    """Why this row needs a deviation note: (variant of missing-deviation-note, its values)."""
    rules = ruleset.review
    score = result.reported if result.reported is not None else result.points
    if (
        rules.explain_below_weight
        and score is not None
        and result.weight is not None
        and score < result.weight
    ):
        yield "below-weight", {}
    method = ruleset.methods.get(result.method)
    qualitative = method is not None and method.kind == "qualitative"
    if (
        method is not None
        and qualitative
        and result.status == SCORED
        and result.inputs.get("level") != method.levels[0].label.zh
    ):
        yield "qualitative-not-met", {}
    if not qualitative:
        yield from _over_achieved(source, rules.explain_over_ratio, rules.explain_over_when_zero)


def _over_achieved(
    source: IndicatorRow, ratio: Optional[Decimal], zero: Optional[Decimal]
) -> Iterator[tuple[str, dict[str, str]]]:
    if ratio is None and zero is None:
        return
    target, actual = parse_cell(source.target), parse_cell(source.actual)
    if target.kind is not ValueKind.NUMBER or actual.kind is not ValueKind.NUMBER:
        return
    t, a = target.number, actual.number
    if t is None or a is None or not units_compatible(target.unit, actual.unit):
        return
    if actual.unit and target.unit and actual.unit != target.unit:
        a = convert(a, actual.unit, target.unit)
    if ratio is not None and t > 0 and a >= ratio * t:
        yield "over-ratio", {"percent": plain((ratio - 1) * 100), "ratio": plain(ratio)}
    elif zero is not None and t == 0 and a >= zero:
        yield "over-zero-target", {"actual": plain(zero)}


# -- sums --------------------------------------------------------------------------------------
def weights_total(evaluation: Evaluation, report: Report, ruleset: Ruleset) -> Iterator[Finding]:
    """The rows' weights and the budget row's points against the total (policy ``no_weight``)."""
    weights = [r.weight for r in report.rows if r.status != NOT_APPLICABLE]
    if not weights or any(w is None for w in weights):
        return
    budget = report.budget
    inside = ruleset.budget is not None and ruleset.budget.block != ""
    total = sum((w for w in weights if w is not None), _ZERO) + (
        budget.weight if budget and not inside else _ZERO
    )
    if ruleset.not_applicable == "no_weight" and total != ruleset.total:
        yield finding("weights-total", "rows.weight", plain(ruleset.total), plain(total))


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


def budget_rate(evaluation: Evaluation, report: Report, ruleset: Ruleset) -> Iterator[Finding]:
    """The printed 执行率 against 执行数 / 预算数."""
    table, result = evaluation.budget, report.budget
    if table is None or result is None or result.rate is None or not table.rate.strip():
        return
    printed = parse_cell(table.rate)
    if printed.kind is not ValueKind.NUMBER or printed.number is None:
        yield finding("rate-unreadable", "budget.rate", "a percentage", repr(table.rate))
        return
    value = printed.number / 100 if printed.unit == "%" else printed.number
    if abs(value - result.rate) > ruleset.review.rate_tolerance:
        computed = (
            f"{plain(result.executed)} / {plain(result.base_amount)} = {plain(round(result.rate * 100, 2))}%"
        )
        yield finding("rate-mismatch", "budget.rate", computed, table.rate)


def budget_score(evaluation: Evaluation, report: Report, ruleset: Ruleset) -> Iterator[Finding]:
    """The budget row's reported score against the ruleset's rule."""
    result = report.budget
    if evaluation.budget is None or result is None or result.points is None or result.reported is None:
        return
    if abs(result.points - result.reported) > ruleset.review.score_tolerance:
        yield finding(
            "budget-score-mismatch", "budget.reported_score", plain(result.points), plain(result.reported)
        )


def budget_note(evaluation: Evaluation, report: Report, ruleset: Ruleset) -> Iterator[Finding]:
    """A deviation note where execution is below the ruleset's ``explain_budget_below``."""
    table, result, below = evaluation.budget, report.budget, ruleset.review.explain_budget_below
    if table is None or result is None or result.rate is None or below is None:
        return
    if result.rate < below and not table.note.strip():
        yield finding(
            "missing-deviation-note", "budget.note", variant="budget-below", percent=plain(below * 100)
        )


def reported_total(evaluation: Evaluation, report: Report, ruleset: Ruleset) -> Iterator[Finding]:
    """The reported total against the sum of the reported scores."""
    stated, added = report.reported_total, report.reported_sum
    if stated is not None and added is not None and abs(stated - added) > ruleset.review.score_tolerance:
        yield finding("reported-total-mismatch", "evaluation.reported_total", plain(added), plain(stated))


def grade(evaluation: Evaluation, report: Report, ruleset: Ruleset) -> Iterator[Finding]:
    """The reported grade label against the ruleset's labels and the total's band."""
    label = evaluation.reported_grade.strip()
    if not label or not ruleset.grades:
        return
    total = report.reported_total if report.reported_total is not None else report.total
    band = ruleset.grade_for(total)
    named = next((g for g in ruleset.grades if g.answers_to(label)), None)
    where = "evaluation.reported_grade"
    if named is None:
        yield finding("unknown-grade", where, ", ".join(g.label for g in ruleset.grades), label)
    elif band is not None and named is not band:
        yield finding("grade-mismatch", where, f"{band.label} ({plain(total)})", label)


CHECKS: tuple[Check, ...] = (
    rows,
    weights_total,
    budget_lines,
    budget_rate,
    budget_score,
    budget_note,
    reported_total,
    grade,
)
"""Every check, in the order a review runs them."""
