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
        if self.level is None and self.low != self.high:  # a group with rows scored by level
            return f"[{plain(self.low)}, {plain(self.high)}]"
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
    assert result.reported is not None
    return _verdict(result.reported, result.points, span, digits, tolerance)


def _verdict(
    reported: Decimal, points: Optional[Decimal], span: Span, digits: int, tolerance: Decimal
) -> str:
    if span.low - tolerance <= reported <= span.high + tolerance or reported == points:
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
    groups = _groups(evaluation, report)
    notes = not evaluation.columns or "note" in evaluation.columns  # a form may have no 偏差原因 column
    unnoted = 0
    for result in report.rows:
        if result.status == NOT_APPLICABLE:
            continue
        group = groups.get(result.where)
        if group is None:
            yield from _row_score(result, ruleset, column)
        elif group[0] is result:  # the row that carries the merged cell's score
            yield from _group_score(group, ruleset, column)
        source = sources.get(result.where)
        if source is not None and not source.note.strip():
            for variant, values in _note_reasons(result, source, ruleset, grouped=group is not None):
                if notes:
                    yield finding("missing-deviation-note", f"{result.where}.note", variant=variant, **values)
                else:
                    unnoted += 1
                break  # one note is missing, whatever the number of reasons it is needed
    if unnoted:
        yield not_run(
            "rows.note",
            f"表中没有偏差原因分析列，{unnoted} 行按规则需说明偏差，未予核对",
            f"the table has no deviation-note column: {unnoted} row(s) the rules want explained were not checked",
            str(unnoted),
        )


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


def _groups(evaluation: Evaluation, report: Report) -> dict[str, tuple[RowResult, ...]]:
    """Rows scored together on one merged 得分 cell (a row's ``shared_score``), by each row's
    location: the group's results, the one carrying the score first. Only groups of two or more
    scored rows; a merged cell over a single row is that row's own score."""
    anchors: dict[str, list[str]] = {}
    for row in evaluation.rows:
        if row.shared_score:
            anchors.setdefault(row.shared_score, []).append(row.where)
    results = {result.where: result for result in report.rows}
    out: dict[str, tuple[RowResult, ...]] = {}
    for wheres in anchors.values():
        members = [results[w] for w in wheres if w in results and results[w].status != NOT_APPLICABLE]
        carriers = [m for m in members if m.reported is not None]
        if len(members) < 2 or len(carriers) != 1:
            continue  # no group, or a score on more than one row: each row stands for itself
        group = (carriers[0], *(m for m in members if m is not carriers[0]))
        out.update((m.where, group) for m in group)
    return out


def _group_score(group: tuple[RowResult, ...], ruleset: Ruleset, column: ScoreColumn) -> Iterator[Finding]:
    """A group's score, printed once on a merged cell, against the sum of its rows' weights and
    of what their rules allow (the scores computed, or the bands of their levels)."""
    carrier = group[0]
    reported = carrier.reported
    assert reported is not None
    where = f"{carrier.where}.reported_score"
    weights = [m.weight for m in group]
    if all(w is not None for w in weights):
        weight = sum((w for w in weights if w is not None), Decimal(0))
        if reported > weight:
            yield finding("score-above-weight", where, f"≤ {plain(weight)}", plain(reported), variant="group")
            return
    spans = [span_of(m, ruleset) for m in group]
    if any(span is None for span in spans):
        why_zh = "同组（合并单元格）有指标行未能计分，组得分无法按规则核对"
        why_en = "a row of the group (one score on a merged cell) could not be scored, so the group's score cannot be checked"
        yield not_run(where, why_zh, why_en, plain(reported))
        return
    low = sum((s.low for s in spans if s is not None), Decimal(0))
    high = sum((s.high for s in spans if s is not None), Decimal(0))
    points = sum((m.points or Decimal(0) for m in group), Decimal(0))
    span = Span(low, high, points=points)
    found = _verdict(reported, points, span, column.digits, ruleset.review.score_tolerance)
    words = precision_words(column.digits)
    if found == ABOVE:
        yield finding(
            "reported-above-computed", where, span.expected(), plain(reported), variant="group", **words
        )
    elif found == BELOW or (found == TRUNCATED and column.rounds_up):
        yield finding("self-deduction", where, span.expected(), plain(reported), variant="group", **words)


def _note_reasons(
    result: RowResult, source: IndicatorRow, ruleset: Ruleset, *, grouped: bool = False
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
    # A row of a group has no score of its own (the merged cell's is the group's): its computed one.
    score = result.reported if result.reported is not None and not grouped else result.points
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
