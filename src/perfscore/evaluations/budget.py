"""The 项目资金 block above a table's indicator rows: its fund lines and its total row.

The block starts at its header row (年初预算数 · 全年预算数 · 全年执行数 …, recognised by
:meth:`~.layout.Layout.budget_header`) and holds, in any order a template uses, the total row
(年度资金总额, or the first row with amounts and no label) and fund lines (其中：财政拨款,
上年结转资金 …). A fund line is one under the block's side label (the merged 项目资金 cell to
the left) or, when there is none, a line named like a fund after the total. The block ends at
a row that is neither (年度总体目标 …), or at the next title, meta or header row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Optional

import attrs

from .grid import Cell
from .layout import BUDGET_AMOUNTS, Layout, blank, label_key, lines_joined
from .model import BudgetLine, BudgetTable
from .values import MONEY, POINTS, CellValues

__all__ = ["BudgetBlock", "unit_line"]

_LINE_PREFIX = re.compile(r"^其中\s*(?:[:：]\s*)?")
_POINTS = re.compile(r"[（(]\s*([0-9]{1,3}(?:\.[0-9]{1,2})?)\s*分\s*[)）]")
_IN_YUAN = re.compile(r"[（(]\s*(?:单位\s*[:：]\s*)?元\s*[)）]|单位\s*[:：]\s*元")
_IN_WAN = re.compile(r"万元")
_FIELDS = {"score": "reported_score"}
"""A header role → the BudgetTable field it fills, where the two names differ."""
_UNIT_LINE = re.compile(r"[（(]?(?:金额|资金)?单位[:：]?(万元|元)[)）]?")


def unit_line(text: str) -> Optional[int]:
    """The scale a line of its own gives the form's amounts ("金额单位：元" → -4, "单位：万元"
    → 0), or None for any other text."""
    if len(text) > 20:
        return None
    match = _UNIT_LINE.fullmatch("".join(text.split()))
    return None if match is None else (-4 if match.group(1) == "元" else 0)


@attrs.define
class BudgetBlock:
    """What has been read of one 项目资金 block."""

    columns: dict[str, int]
    """Each role of the block's header → its column."""
    side: str
    """The address of the block's side label (the merged 项目资金 cell), or ""."""
    total: bool = False
    """True once the total row has been read."""
    open: bool = True
    """True while the rows that follow may still belong to the block."""
    table: BudgetTable = attrs.field(factory=BudgetTable)
    scale: int = 0
    """-4 when the block's header says its amounts are in 元 (they are read in 万元)."""
    label_points: Optional[Decimal] = None
    """The points printed in the side label ("预算执行情况(万元)(20分)"), for a block with no
    分值 column."""
    trailing: bool = False
    """True for a block printed after the indicator rows (its table's header already read): a
    second total row (the indicator table's 合计 below it) ends it instead of replacing its
    total."""

    @classmethod
    def start(
        cls,
        row: Sequence[Cell],
        columns: dict[str, int],
        total: bool,
        trailing: bool = False,
        scale: int = 0,
    ) -> BudgetBlock:
        """The block whose header is ``row``: its side label's address, points and unit
        (``trailing``: printed after its table's indicator rows; ``scale``: the form's unit line
        said its amounts are in 元, -4, for a header that names no unit)."""
        side = row[0] if row and row[0].text.strip() else None
        head = " ".join(cell.text for cell in row)
        if _IN_WAN.search(head):
            scale = 0
        elif _IN_YUAN.search(head):
            scale = -4
        points = _POINTS.search(side.text) if side is not None else None
        return cls(
            columns,
            side.address if side is not None else "",
            total=total,
            scale=scale,
            label_points=Decimal(points.group(1)) if points else None,
            trailing=trailing,
        )

    def row(self, row: Sequence[Cell], values: CellValues, layout: Layout) -> None:
        """Read one row below the header: a fund line, the total row, or the block's end."""
        first = min(self.columns[field] for field in BUDGET_AMOUNTS if field in self.columns)
        side = self.side
        in_side = bool(side) and bool(row) and row[0].anchor == side
        label = ""
        for cell in reversed(row[:first]):
            if cell.text.strip() and not (side and cell.anchor == side):
                label = lines_joined(cell.text)
                break
        name = _LINE_PREFIX.sub("", label)
        if ":" in name or "：" in name:
            return  # 按收入性质分：153.67 and the like (整体支出 layout): a breakdown in words
        key = label_key(label)
        if self.trailing and self.total and not in_side and key in layout.budget_totals:
            self.open = False  # the indicator table's 合计 row, below a block printed after it
            return
        if not label:
            amounts = [values.text(row, self.columns.get(field)) for field in BUDGET_AMOUNTS]
            if self.total or all(blank(text) for text in amounts):
                self.open = in_side
                return
        elif key not in layout.budget_totals:
            if in_side or (not side and self.total and name.endswith(layout.fund_endings)):
                self.line(row, name, values)
            else:
                self.open = False  # past the block (年度总体目标 …)
            return
        self.total_row(row, values)

    def line(self, row: Sequence[Cell], name: str, values: CellValues) -> None:
        """A fund line (其中：财政拨款 …) with its amounts."""
        columns, scale = self.columns, self.scale
        line = BudgetLine(
            name=name,
            initial=values.number_at(row, columns.get("initial"), "initial", MONEY, scale),
            full_year=values.number_at(row, columns.get("full_year"), "full_year", MONEY, scale),
            executed=values.number_at(row, columns.get("executed"), "executed", MONEY, scale),
        )
        self.table = attrs.evolve(
            self.table, lines=(*self.table.lines, line), unreadable=(*self.table.unreadable, *values.take())
        )

    def total_row(self, row: Sequence[Cell], values: CellValues) -> None:
        """The block's total row (年度资金总额): the amounts, points, rate, score and note."""
        columns, scale = self.columns, self.scale
        self.total = True
        points = values.number_at(row, columns.get("points"), "points", POINTS)
        cells = {
            _FIELDS.get(role, role): row[column].address
            for role, column in columns.items()
            if column < len(row)
        }
        self.table = attrs.evolve(
            self.table,
            cells=cells,
            initial=values.number_at(row, columns.get("initial"), "initial", MONEY, scale),
            full_year=values.number_at(row, columns.get("full_year"), "full_year", MONEY, scale),
            executed=values.number_at(row, columns.get("executed"), "executed", MONEY, scale),
            adjustment=values.number_at(row, columns.get("adjustment"), "adjustment", MONEY, scale),
            points=points if "points" in columns else self.label_points,
            rate=values.text(row, columns.get("rate")),
            reported_score=values.number_at(row, columns.get("score"), "reported_score", POINTS),
            note=values.text(row, columns.get("note")),
            unreadable=(*self.table.unreadable, *values.take()),
        )
