"""Review of the whole table: the weights against the total, the printed total against the
reported scores, the printed grade against the bands.

The budget row's points count once, where the ruleset puts them: beside the blocks (national
10), or inside a block (银川 预算执行率 inside 项目管理 25, 湖南 专项资金 inside 过程, 四川
department 2020+), whose weight sum the scorer already gives with the budget in it."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Optional

from ..decimals import plain
from ..evaluations import Evaluation
from ..report import NOT_APPLICABLE, BlockResult, Finding, Report
from ..rules import Ruleset
from .findings import finding, not_run, precision_words
from .precision import DIFFERS, agreement, places, rounds_to
from .rows import OK, score_columns, span_of, verdict

__all__ = ["grade", "reported_total", "weights_total"]

_ZERO = Decimal(0)
_SAID_ALREADY = frozenset({"weights-sum", "empty-block", "missing-indicator"})
"""Scoring's findings on a block that already say its weights are off (or missing); so does any
finding on the block whose code names its weights (a drift the scorer explains, say)"""


def _block_weight(block: BlockResult, ruleset: Ruleset, said: set[str]) -> Decimal:
    """What a block contributes to the table's weight sum: the table's own weights (with the
    budget when it sits in the block), or the block's points where the weights are the
    framework's (fixed indicators) or scoring has already reported the block's sum."""
    rule = next((b for b in ruleset.blocks if b.key == block.key), None)
    if rule is None or rule.fixed or block.key in said:
        return block.max_points if rule is not None else _ZERO
    return block.weight_sum


def weights_total(evaluation: Evaluation, report: Report, ruleset: Ruleset) -> Iterator[Finding]:
    """The weights and the budget row's points against the total (policy ``no_weight``): what
    the per-block sums have not already said."""
    if ruleset.not_applicable != "no_weight" or not report.blocks:
        return
    missing = [r.where for r in report.rows if r.status != NOT_APPLICABLE and r.weight is None]
    if missing:
        yield not_run(
            "rows.weight",
            "有指标分值缺失，无法核对分值合计",
            "some weights are missing, so their sum cannot be checked",
            ", ".join(missing[:5]) + (" …" if len(missing) > 5 else ""),
        )
        return
    said = {f.location for f in report.findings if f.code in _SAID_ALREADY or "weight" in f.code}
    total = sum((_block_weight(b, ruleset, said) for b in report.blocks), _ZERO)
    budget, rule = report.budget, ruleset.budget
    if budget is not None and rule is not None and not rule.block:
        total += budget.weight
    if total != ruleset.total:
        yield finding("weights-total", "rows.weight", plain(ruleset.total), plain(total))


def _exact_sum(report: Report, ruleset: Ruleset) -> Decimal:
    """Σ of the unrounded scores behind the printed ones, where a printed score agrees with its
    rule at the table's precision (else the printed score itself)."""
    column = score_columns(report, ruleset)
    added = _ZERO
    for result in report.rows:
        if result.status == NOT_APPLICABLE or result.reported is None:
            continue
        span = span_of(result, ruleset)
        exact = result.reported
        if (
            span is not None
            and span.level is None
            and verdict(result, span, column.digits, ruleset.review.score_tolerance) == OK
        ):
            exact = span.low
        added += exact
    budget = report.budget
    if budget is not None and budget.reported is not None:
        capped = budget.capped
        agrees = capped is not None and agreement(budget.reported, places(budget.reported), capped) != DIFFERS
        added += capped if agrees and capped is not None else budget.reported
    return added


def _in_a_group(evaluation: Evaluation) -> set[str]:
    """Rows with no score of their own because their group's score, on a merged cell, is counted
    on another row of the group: they add 0 to the reported sum, and are not missing."""
    return {row.where for row in evaluation.rows if row.shared_score and row.reported_score is None}


def _reported_parts(evaluation: Evaluation, report: Report) -> list[tuple[str, Optional[Decimal]]]:
    grouped = _in_a_group(evaluation)
    parts = [
        (f"{r.where}.reported_score", r.reported)
        for r in report.rows
        if r.status != NOT_APPLICABLE and r.where not in grouped
    ]
    if report.budget is not None:
        parts.append(("budget.reported_score", report.budget.reported))
    return parts


def _reported_sum(evaluation: Evaluation, report: Report) -> Optional[Decimal]:
    """Σ of the reported row scores and the budget score, when every one is present."""
    parts = _reported_parts(evaluation, report)
    if not parts or any(value is None for _, value in parts):
        return None
    return sum((value for _, value in parts if value is not None), Decimal(0))


def _missing_scores(evaluation: Evaluation, report: Report) -> list[str]:
    return [where for where, value in _reported_parts(evaluation, report) if value is None]


def reported_total(evaluation: Evaluation, report: Report, ruleset: Ruleset) -> Iterator[Finding]:
    """The reported total against the sum of the reported scores, at the total's printed places."""
    stated = report.reported_total
    if stated is None:
        return
    added = _reported_sum(evaluation, report)
    where = "evaluation.reported_total"
    if added is None:
        missing = _missing_scores(evaluation, report)
        if not missing:
            return
        yield not_run(
            where,
            "部分指标（或预算执行率）没有自评得分，无法核对总分",
            "some rows (or the budget row) have no reported score, so the total cannot be checked",
            ", ".join(missing[:5]) + (" …" if len(missing) > 5 else ""),
        )
        return
    digits = places(stated)
    words = precision_words(digits)
    if abs(stated - added) <= ruleset.review.score_tolerance or stated == rounds_to(added, digits):
        return
    if agreement(stated, digits, added) != DIFFERS:
        how = ("总分为各项得分之和截尾", "the total is the sum of the scores, truncated")
    elif agreement(stated, digits, _exact_sum(report, ruleset)) != DIFFERS:
        how = ("总分为未取整得分之和取整", "the total is the sum of the unrounded scores, rounded")
    elif _rescaled(report, ruleset, added, stated, digits):
        how = (
            "总分为适用指标得分按百分制折算",
            "the total is the applicable scores rescaled to the full total",
        )
    else:
        yield finding("reported-total-mismatch", where, plain(added), plain(stated), **words)
        return
    yield finding(
        "agrees-at-precision", where, plain(added), plain(stated), how=how[0], how_en=how[1], **words
    )


def _rescaled(report: Report, ruleset: Ruleset, added: Decimal, stated: Decimal, digits: int) -> bool:
    """Under the ``rescale`` policy, whether the total is the reported sum rescaled from the
    applicable weights to the full total (用适用指标得分汇总后按百分制折算)."""
    if ruleset.not_applicable != "rescale":
        return False
    applicable = sum((b.weight_sum for b in report.blocks), _ZERO)
    rule = ruleset.budget
    if report.budget is not None and rule is not None and not rule.block:
        applicable += report.budget.weight
    if applicable <= 0:
        return False
    return agreement(stated, digits, added / applicable * ruleset.total) != DIFFERS


def _graded_total(evaluation: Evaluation, report: Report) -> Optional[Decimal]:
    """The total a printed grade follows: the printed total, else the sum of the printed scores,
    else the computed total when every row could be scored."""
    if report.reported_total is not None:
        return report.reported_total
    added = _reported_sum(evaluation, report)
    if added is not None:
        return added
    if report.complete:
        return report.total
    return None


def grade(evaluation: Evaluation, report: Report, ruleset: Ruleset) -> Iterator[Finding]:
    """The printed grade word against the ruleset's labels and the band of the total."""
    label = evaluation.reported_grade.strip()
    where = "evaluation.reported_grade"
    if not label:
        return
    if not ruleset.grades:
        yield not_run(
            where,
            "规则集未规定等级档次，表中等级无法核对",
            "the ruleset has no grade bands, so the printed grade cannot be checked",
            label,
        )
        return
    named = next((g for g in ruleset.grades if g.answers_to(label)), None)
    if named is None:
        yield finding("unknown-grade", where, ", ".join(g.label for g in ruleset.grades), label)
        return
    total = _graded_total(evaluation, report)
    if total is None:
        yield not_run(
            where,
            "表中无总分且有指标未能计分，等级无法按总分核对",
            "no printed total and some rows could not be scored, so the grade cannot be checked",
            label,
        )
        return
    band = ruleset.grade_for(total)
    if band is not None and named is not band:
        yield finding("grade-mismatch", where, f"{band.label} ({plain(total)})", label)
