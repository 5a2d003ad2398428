"""Rows to the ruleset: a row's block, its framework indicator, and the method that scores it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Optional

from ..cells import CellValue, ValueKind
from ..codes import words
from ..evaluations import IndicatorRow
from ..report import Finding
from ..rules.plan import BlockPlan, Choice, IndicatorPlan, Plan, normalize_label, selection_key, selector
from .explain import REASONS, no_method_en
from .findings import NotScorable, finding
from .values import parse

__all__ = ["choose_method", "derived_rows", "match_block", "match_indicator"]

_UNNAMED = (ValueKind.NOT_APPLICABLE, ValueKind.BLANK)


def match_block(plan: Plan, row: IndicatorRow) -> BlockPlan:
    """The block a row's 一级指标 names; one whose name starts with a block's ``prefixes``
    (湖北 年度绩效目标N); for a row with no 一级 cell (a flat list), the one block that declares
    its 二级 category, else the default block (the one marked ``default``, or the only one)."""
    label = normalize_label(row.block)
    found = plan.blocks.get(label)
    if found is None and label and plan.prefixes:
        found = next((block for prefix, block in plan.prefixes if label.startswith(prefix)), None)
    if found is None and parse(row.block).kind is ValueKind.BLANK:
        found = plan.by_category.get(normalize_label(row.category)) or plan.default_block
    if found is None:
        names = ", ".join(b.block.name.zh for b in plan.in_order)
        unknown = finding("unknown-block", f"{row.where}.block", expected=names, found=repr(row.block))
        raise NotScorable("unknown-block", unknown, block=row.block)
    return found


def match_indicator(plan: Plan, block: BlockPlan, row: IndicatorRow) -> Optional[IndicatorPlan]:
    """The framework indicator a row's 三级指标 names, in a block that fixes its indicators (None
    in a block that does not, and for a row with no name or a 不适用 one)."""
    indicators = block.block.indicators
    if not indicators or parse(row.name).kind in _UNNAMED:
        return None
    found = plan.indicators.get((block.block.key, normalize_label(row.name)))
    if found is None:
        names = ", ".join(i.name.zh for i in indicators)
        unknown = finding("unknown-indicator", f"{row.where}.name", expected=names, found=repr(row.name))
        raise NotScorable("unknown-indicator", unknown)
    return found


def derived_rows(
    plan: Plan, block: BlockPlan, matched: set[str]
) -> Iterator[tuple[IndicatorRow, IndicatorPlan]]:
    """A row for each indicator of ``block`` whose actual is derived from base data and that no
    row of the table named (its keys in ``matched``): such an indicator needs no row of its own."""
    for indicator in block.block.indicators:
        if indicator.actual_from and indicator.key not in matched:
            row = IndicatorRow(
                block=block.block.name.zh,
                category=indicator.category,
                name=indicator.name.zh,
                where=f"derived.{indicator.actual_from}",
            )
            yield row, plan.indicators[(block.block.key, normalize_label(indicator.key))]


def choose_method(
    plan: Plan, block: BlockPlan, row: IndicatorRow, indicator: Optional[IndicatorPlan], target: CellValue
) -> Choice:
    """The method the row names, or its framework indicator's, or the one its block selects for
    its kind of target; with where the selection that chose it was set."""
    methods = plan.named_choices
    if row.method:
        found = methods.get(row.method)
        if found is not None:
            return found
        unknown = finding(
            "unknown-method", f"{row.where}.method", expected=", ".join(methods), found=row.method
        )
        raise _no_method("unknown-method", unknown, target, method=row.method)
    if indicator is not None:
        return methods[indicator.indicator.method]
    choice = block.choices_for(row.category).get(selector(target))
    if choice is not None:
        return choice
    key = selection_key(target)
    if key is None or key == "blank":  # an empty target no selection takes: a missing value
        unparsed = finding(
            "unparseable-target", f"{row.where}.target", expected=words("target-value"),
            found=repr(row.target), problem=target.problem or "empty",
        )  # fmt: skip
        raise _no_method("unparseable-target", unparsed, target, target=row.target)
    none = finding("no-method", f"{row.where}.target", expected=key, found=repr(row.target))
    raise _no_method("no-method", none, target, key=key)


def _no_method(id: str, found: Finding, cell: CellValue, /, **values: Any) -> NotScorable:
    zh = REASONS[id][0].format_map(values)
    en = no_method_en(zh, cell.kind is ValueKind.NUMBER)
    return NotScorable(id, found, no_method=en, **values)
