"""Subtotals, the total and the grade: rows by category within their block, each block's points
(capped at its points), the budget row where the ruleset counts it, and the grade when every
row could be scored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Optional

from ..codes import words
from ..decimals import quantize
from ..report import NOT_APPLICABLE, BlockResult, BudgetResult, CategoryResult, RowResult
from ..rules import GradeBand, Ruleset
from ..rules.plan import BlockPlan, normalize_label
from .findings import Findings
from .shown import fmt
from .values import ZERO

__all__ = ["block_result", "grade", "total", "unmatched_block"]


def block_result(
    ruleset: Ruleset,
    block: BlockPlan,
    rows: Sequence[RowResult],
    matched: set[str],
    budget: Optional[BudgetResult],
    findings: Findings,
) -> BlockResult:
    """A block's result, with a finding for each framework indicator without a row, for a block
    with no rows, and for rows whose weights do not add up to its points."""
    spec = block.block
    name_en = spec.name.en or spec.key
    for indicator in spec.indicators:
        if indicator.key not in matched:
            findings.complete = False
            ind_en = indicator.name.en or indicator.key
            findings.add("missing-indicator", spec.key, name=indicator.name.zh, name_en=ind_en)
    if not spec.indicators and not rows:  # its points would otherwise be a silent 0: say so, no grade
        findings.complete = False
        worth = words("rows-worth", points=fmt(spec.points))
        findings.add(
            "empty-block", spec.key, expected=worth, found=words("none"), name=spec.name.zh, name_en=name_en
        )
    expected, each = _expected_weights(block, rows, budget)
    cap = max(spec.points, expected)  # weights divided and rounded may drift above the points
    result = _block(
        spec.key, spec.name.zh, spec.name.en, spec.points, rows, findings, block.provenance, budget, cap
    )
    declared = result.weight_sum
    if ruleset.not_applicable == "rescale":  # N/A rows keep their weight in the table; rescaling drops it
        declared += sum((r.weight or ZERO for r in rows if r.status == NOT_APPLICABLE), ZERO)
    if spec.weights == "unstated" and any(r.weight is None and r.status != NOT_APPLICABLE for r in rows):
        return result  # rows without weights: each is self-stated (its own finding), no sum to check
    if each is not None and declared == expected != spec.points:
        shown = {"points": fmt(spec.points), "rows": str(len(_applicable(rows))), "sum": fmt(declared)}
        findings.add("weights-drift", spec.key, expected=fmt(spec.points), found=fmt(declared), **shown)
        return result
    if not spec.indicators and declared != spec.points and rows:
        findings.add(
            "weights-sum",
            spec.key,
            variant="rows",
            expected=fmt(spec.points),
            found=fmt(declared),
            name=spec.name.zh,
            name_en=name_en,
        )
    return result


def _applicable(rows: Sequence[RowResult]) -> list[RowResult]:
    return [r for r in rows if r.status != NOT_APPLICABLE]


def _expected_weights(
    block: BlockPlan, rows: Sequence[RowResult], budget: Optional[BudgetResult]
) -> tuple[Decimal, Optional[Decimal]]:
    """What the block's weights add up to, and each row's weight when the block's ``weights``
    are ``divided``: its points (less a budget row inside it) ÷ the applicable rows, rounded
    half-up to whole points (湖北 county: 四舍五入保留整数), so the sum may drift from the points."""
    spec = block.block
    count = len(_applicable(rows))
    if spec.weights != "divided" or not count:
        return spec.points, None
    inside = budget.weight if budget is not None else ZERO
    each = quantize((spec.points - inside) / count, 0, "half_up")
    return each * count + inside, each


def unmatched_block(rows: Sequence[RowResult], findings: Findings) -> BlockResult:
    """The rows whose block is not in the ruleset, as a block of their own (worth nothing)."""
    return _block("unmatched", "未归类", "Unmatched", ZERO, rows, findings)


def _block(
    key: str,
    zh: str,
    en: str,
    max_points: Decimal,
    rows: Sequence[RowResult],
    findings: Findings,
    provenance: Optional[Mapping[str, str]] = None,
    budget: Optional[BudgetResult] = None,
    cap: Optional[Decimal] = None,
) -> BlockResult:
    """A block's rows by category, its subtotals, and (银川) the budget row when the ruleset counts
    execution inside this block."""
    categories, points, weights, reported = _subtotals(rows)
    if budget is not None:  # 银川: 预算执行率 is an indicator of this block; its points count here
        points += budget.points or ZERO
        weights += budget.weight
        reported = None if reported is None or budget.reported is None else reported + budget.reported
    limit = max_points if cap is None else cap
    if limit and points > limit:
        at, name_en = key, en or key
        findings.add("block-capped", at, expected=fmt(limit), found=fmt(points), name=zh, name_en=name_en)
        points = limit
    return BlockResult(
        key=key,
        name_zh=zh,
        name_en=en,
        max_points=max_points,
        categories=tuple(categories),
        points=points,
        reported=reported,
        weight_sum=weights,
        provenance=provenance or {},
    )


def _subtotals(
    rows: Sequence[RowResult],
) -> tuple[list[CategoryResult], Decimal, Decimal, Optional[Decimal]]:
    """A block's rows by category with their subtotals, and the block's points, applicable
    weights and self-reported sum, in one pass. A self-reported sum is None as soon as an
    applicable row has none (a partial sum would mislead), and None when no row is applicable."""
    by_name: dict[str, list[RowResult]] = {}
    for row in rows:
        name = normalize_label(row.category)
        found = by_name.get(name)
        if found is None:
            by_name[name] = [row]
        else:
            found.append(row)
    categories = []
    points = weights = ZERO
    reported: Optional[Decimal] = ZERO
    applicable = False
    for name, items in by_name.items():
        c_points = ZERO
        c_reported: Optional[Decimal] = ZERO
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
        categories.append(CategoryResult(name=name, rows=tuple(items), points=c_points, reported=c_reported))
        points += c_points
    return categories, points, weights, reported if applicable else None


def total(
    ruleset: Ruleset, blocks: Sequence[BlockResult], budget: Optional[BudgetResult], budget_inside: bool
) -> Decimal:
    """The total: the blocks' points and the budget row's (unless a block counts it), rescaled to
    the applicable weights under the ``rescale`` policy, capped and rounded."""
    outside = (budget.points or ZERO) if budget is not None and not budget_inside else ZERO
    raw_total = sum((b.points for b in blocks), ZERO) + outside
    if ruleset.not_applicable == "rescale":
        budget_weight = budget.weight if budget and not budget_inside else ZERO
        applicable = sum((b.weight_sum for b in blocks), ZERO) + budget_weight
        if applicable > 0 and applicable != ruleset.total:
            raw_total = raw_total / applicable * ruleset.total
    rounding = ruleset.total_rounding
    return quantize(min(raw_total, ruleset.total), rounding.places, rounding.mode)


def grade(ruleset: Ruleset, total: Decimal, findings: Findings) -> Optional[GradeBand]:
    """The grade band of ``total``; none, with a finding, when some row could not be scored."""
    if findings.complete:
        return ruleset.grade_for(total)
    findings.add("incomplete", "total")
    return None
