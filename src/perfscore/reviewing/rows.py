"""Review of the rows: each reported score against its weight and the rule, compared at the
precision the table prints, and the deviation notes the ruleset requires.

What a row's rule allows is an interval of exact scores: the one computed score for a formula,
the level's band for a qualitative row (达成 80–100% of the weight: a reported 9 of 10 is as
consistent as the auto-score 10). A reported score agrees when it is that interval printed at the
table's precision; above it is an error, below it a self-deduction — a warning, shown as
reported and never corrected."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Optional

import attrs

from ..cells import convert, parse_cell, units_compatible
from ..decimals import plain
from ..evaluations import Evaluation, IndicatorRow
from ..report import NOT_APPLICABLE, SCORED, Finding, Report, RowResult
from ..rules import Level, Method, Ruleset
from .findings import finding, not_run, precision_words
from .precision import ROUNDED, TRUNCATED, agreement, column_places, rounds_to
from .targets import achievement

__all__ = [
    "ABOVE",
    "BELOW",
    "OK",
    "ScoreColumn",
    "Span",
    "missed_targets",
    "rows",
    "score_columns",
    "span_of",
    "verdict",
]

OK, ABOVE, BELOW = "ok", "above", "below"


@attrs.frozen
class Span:
    """The exact scores a row's rule allows: ``[low, high]``, and the level when it is a band."""

    low: Decimal
    high: Decimal
    level: Optional[Level] = None
    top: bool = False
    """The level is the method's first (达成): the target is met"""
    points: Optional[Decimal] = None
    """The score the rule computed, rounded as the ruleset says (what a finding shows)"""

    def expected(self) -> str:
        if self.level is None:
            return plain(self.points if self.points is not None else self.low)
        return f"“{self.level.label.zh}” [{plain(self.low)}, {plain(self.high)}]"


@attrs.frozen
class ScoreColumn:
    """What the table's score column shows about its own printing."""

    digits: int
    """Places the reported scores are printed with (the most any of them has)"""
    rounds_up: bool
    """Some score is printed rounded up from its exact value: the table rounds, not truncates"""


def score_columns(report: Report, ruleset: Ruleset) -> ScoreColumn:
    applicable = [r for r in report.rows if r.status != NOT_APPLICABLE]
    digits = column_places(r.reported for r in applicable)
    rounds_up = False
    for result in applicable:
        span = span_of(result, ruleset)
        reported = result.reported
        if span is None or span.level is not None or reported is None:
            continue
        if reported > span.low and reported == rounds_to(span.low, digits):
            rounds_up = True
            break
    return ScoreColumn(digits, rounds_up)


def _method(result: RowResult, ruleset: Ruleset) -> Optional[Method]:
    return ruleset.methods.get(result.method)


def span_of(result: RowResult, ruleset: Ruleset) -> Optional[Span]:
    """The exact scores the row's rule allows, or None when the row was not scored."""
    weight = result.weight
    if result.status != SCORED or weight is None:
        return None
    method = _method(result, ruleset)
    if method is not None and method.kind == "qualitative" and method.levels:
        label = result.inputs.get("level", "")
        for n, level in enumerate(method.levels):
            if level.label.zh == label:
                return Span(level.low * weight, level.high * weight, level, n == 0)
    exact = result.capped if result.capped is not None else result.points
    if exact is None:
        return None
    return Span(exact, exact, points=result.points)


def verdict(result: RowResult, span: Span, digits: int, tolerance: Decimal) -> str:
    """How the reported score stands to the span at ``digits`` places: OK, ABOVE, BELOW or
    TRUNCATED (below, but what the exact score cut off at the printed places gives)."""
    reported = result.reported
    assert reported is not None
    if span.low - tolerance <= reported <= span.high + tolerance or reported == result.points:
        return OK
    found = agreement(reported, digits, span.low, span.high)
    if found == ROUNDED:
        return OK
    if reported > span.high:
        return ABOVE
    return TRUNCATED if found == TRUNCATED else BELOW


def rows(evaluation: Evaluation, report: Report, ruleset: Ruleset) -> Iterator[Finding]:
    """Each row's reported score against its weight and the rule, then its deviation note."""
    sources = {row.where: row for row in evaluation.rows}
    column = score_columns(report, ruleset)
    for result in report.rows:
        if result.status == NOT_APPLICABLE:
            continue
        yield from _row_score(result, ruleset, column)
        source = sources.get(result.where)
        if source is not None and not source.note.strip():
            for variant, values in _note_reasons(result, source, ruleset):
                yield finding("missing-deviation-note", f"{result.where}.note", variant=variant, **values)
                break  # one note is missing, whatever the number of reasons it is needed


def _row_score(result: RowResult, ruleset: Ruleset, column: ScoreColumn) -> Iterator[Finding]:
    where = f"{result.where}.reported_score"
    weight, reported = result.weight, result.reported
    if reported is None:
        return
    if weight is not None and reported > weight:
        yield finding("score-above-weight", where, f"≤ {plain(weight)}", plain(reported))
        return
    span = span_of(result, ruleset)
    if span is None:
        yield not_run(
            where,
            "本行未能计分，自评得分无法按规则核对",
            "the row could not be scored, so its reported score cannot be checked against the rule",
            plain(reported),
        )
        return
    found = verdict(result, span, column.digits, ruleset.review.score_tolerance)
    words = precision_words(column.digits)
    band = "band" if span.level is not None else ""
    if found == ABOVE:
        code = "full-marks-unmet" if reported == weight and not span.top else "reported-above-computed"
        yield finding(code, where, span.expected(), plain(reported), variant=band, **words)
    elif found == BELOW or (found == TRUNCATED and column.rounds_up):
        met = span.top if span.level is not None else result.raw is not None and result.raw >= (weight or 0)
        variant = "met" if met else band
        yield finding("self-deduction", where, span.expected(), plain(reported), variant=variant, **words)
    elif found == TRUNCATED:
        yield finding(
            "agrees-at-precision",
            where,
            span.expected(),
            plain(reported),
            how=f"自评得分为计算得分截尾取{words['precision']}",
            how_en=f"the reported score is the computed one truncated to {words['precision_en']}",
            **words,
        )


def _note_reasons(
    result: RowResult, source: IndicatorRow, ruleset: Ruleset
) -> Iterator[tuple[str, dict[str, str]]]:
    """Why this row needs a deviation note, most specific first: (variant, its values)."""
    rules = ruleset.review
    method = _method(result, ruleset)
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
    score = result.reported if result.reported is not None else result.points
    if (
        rules.explain_below_weight
        and score is not None
        and result.weight is not None
        and score < result.weight
    ):
        yield "below-weight", {}


def _over_achieved(
    source: IndicatorRow, ratio: Optional[Decimal], zero: Optional[Decimal]
) -> Iterator[tuple[str, dict[str, str]]]:
    if ratio is None and zero is None:
        return
    target, actual = parse_cell(source.target), parse_cell(source.actual)
    t, a = target.number, actual.number
    if t is None or a is None or not units_compatible(target.unit, actual.unit):
        return
    if actual.unit and target.unit and actual.unit != target.unit:
        a = convert(a, actual.unit, target.unit)
    if ratio is not None and t > 0 and a >= ratio * t:
        yield "over-ratio", {"percent": plain((ratio - 1) * 100), "ratio": plain(ratio)}
    elif zero is not None and t == 0 and a >= zero:
        yield "over-zero-target", {"actual": plain(zero)}


# -- a full score on a clearly missed numeric target, whatever the method ----------------------
MISSED_BELOW = Decimal("0.9")
"""A numeric target is clearly missed below 90% of it (in the direction its comparator says)"""
NEAR_FULL = Decimal("0.9")
"""A score at or above 90% of the weight is near full"""
MARGIN = Decimal("0.1")
"""... and it must exceed the proportional score (weight × achievement) by over 10% of the weight"""


def _reads_actual(method: Optional[Method]) -> bool:
    """Whether the row's rule computes its score from the actual (then the rule checks apply)."""
    if method is None or method.kind != "formula":
        return False
    names = {n for case in method.cases for f in (case.score, case.when) if f is not None for n in f.names}
    return "A" in names


def missed_targets(evaluation: Evaluation, report: Report, ruleset: Ruleset) -> Iterator[Finding]:
    """A full (or near-full) score on a numeric target clearly missed, where the row's method does
    not score from the numbers (a coefficient, a level, a self-stated score): the method cannot see
    the miss, the numbers can."""
    sources: Mapping[str, IndicatorRow] = {row.where: row for row in evaluation.rows}
    column = score_columns(report, ruleset)
    for result in report.rows:
        weight = result.weight
        method = _method(result, ruleset)
        if result.status != SCORED or weight is None or weight <= 0 or _reads_actual(method):
            continue
        score = result.reported if result.reported is not None else result.points
        span = span_of(result, ruleset)
        if score is None or span is None:
            continue
        if result.reported is not None and (
            score > weight or verdict(result, span, column.digits, ruleset.review.score_tolerance) == ABOVE
        ):
            continue  # already an error on this row (score-above-weight, reported-above-computed)
        missed = achievement(result, sources.get(result.where))
        if missed is None:
            continue
        ratio, said = missed
        if ratio >= MISSED_BELOW or score < NEAR_FULL * weight or score - ratio * weight <= MARGIN * weight:
            continue
        variant, values = "", {"achieved": said}
        if method is not None and method.kind == "qualitative":
            variant, values["level"] = "level", result.inputs.get("level", "")
        elif method is not None and any("coef" in name for name in method.inputs):
            variant = "coefficient"
        where = f"{result.where}.reported_score" if result.reported is not None else result.where
        proportional = rounds_to(ratio * weight, max(column.digits, 1))
        expected = f"≈ {plain(weight)} × {plain(rounds_to(ratio * 100, 1))}% = {plain(proportional)}"
        yield finding("missed-target-full-score", where, expected, plain(score), variant=variant, **values)
