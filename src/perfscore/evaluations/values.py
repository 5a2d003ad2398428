"""The values of a table's cells: text as written, numbers read leniently, unreadable ones kept.

A number cell (分值, 自评得分, a budget amount) that cannot be read is not an error of the
file: it is kept aside as an :class:`~.model.Unreadable` with its cell, so its row stays in the
table and the scorer reports the cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Optional

from ..cells import ValueKind
from .grid import Cell
from .layout import SPACES, cell_kind
from .model import Unreadable

__all__ = ["MONEY", "POINTS", "CellValues", "cell_at"]

POINTS = ("分",)
"""Units a weight or score may be written with (5分)."""
MONEY = ("万元", "元")
"""Units a budget amount may be written with (120万元)."""


def cell_at(row: Sequence[Cell], column: Optional[int]) -> Optional[Cell]:
    """The cell at ``column`` of ``row``; None for no column or one beyond the row."""
    if column is None or column >= len(row):
        return None
    return row[column]


class CellValues:
    """Reads cells, keeping aside those that should be numbers and are not."""

    def __init__(self) -> None:
        self.pending: list[Unreadable] = []

    def take(self) -> tuple[Unreadable, ...]:
        """The cells :meth:`number` could not read since the last call."""
        taken, self.pending = tuple(self.pending), []
        return taken

    def text(self, row: Sequence[Cell], column: Optional[int]) -> str:
        """The text at ``column`` of ``row``, stripped ("" for none)."""
        cell = cell_at(row, column)
        return cell.text.strip() if cell is not None else ""

    def number(
        self, cell: Optional[Cell], column: str, units: tuple[str, ...], scale: int = 0
    ) -> Optional[Decimal]:
        """The cell's number, written bare or with one of ``units``; None for a blank or
        不适用 cell. One that cannot be read is kept aside (:meth:`take`) under ``column``.

        An amount is in 万元: one written "NN元" is divided by 10⁴ exactly; a bare one is
        multiplied by 10^``scale`` (-4 in a block whose header says its amounts are in 元)."""
        if cell is None:
            return None
        text = cell.text.strip()
        kind = cell_kind(text)
        if kind in (ValueKind.BLANK, ValueKind.NOT_APPLICABLE):
            return None
        bare = SPACES.sub("", text).replace(",", "").replace("，", "")
        for unit in units:
            if bare.endswith(unit):
                bare = bare[: -len(unit)]
                scale = -4 if unit == "元" else 0
                break
        try:
            value = Decimal(bare)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.pending.append(Unreadable(column, cell.text, cell.address))
            return None
        return value.scaleb(scale) if scale else value

    def number_at(
        self, row: Sequence[Cell], column: Optional[int], field: str, units: tuple[str, ...], scale: int = 0
    ) -> Optional[Decimal]:
        """:meth:`number` of the cell at ``column`` of ``row``."""
        return self.number(cell_at(row, column), field, units, scale)
