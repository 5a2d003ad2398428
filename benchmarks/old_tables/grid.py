"""A grid of cells: what a Word or Excel reader makes of a form, and what the table reader reads.

A :data:`Grid` is a list of rows of :class:`Cell`; :mod:`.docx` builds one per document and
:mod:`.xlsx` one per worksheet, and :mod:`.tables` finds the self-evaluation tables in it.

Merged cells, as the readers expand them:

- a merged value is **repeated down** the rows its range covers, in the range's leftmost column;
  the other columns of the range are **blank**. Every cell of the range but the top-left one has
  ``anchor`` set to the top-left cell's address, so a repeated value can be told from a typed one.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

__all__ = ["Cell", "Grid"]


@attrs.frozen
class Cell:
    """One cell of a grid: its text and where it is (``Sheet1!D14``, ``表1 R14C4``)."""

    text: str
    address: str
    anchor: str = ""
    """For a cell inside a merged range other than its top-left cell: the top-left cell's address.
    Down the range's leftmost column ``text`` repeats the merged value; elsewhere it is blank."""


Grid = Sequence[Sequence[Cell]]
"""Rows of cells, top to bottom; rows may differ in length (a document holds several tables)."""
