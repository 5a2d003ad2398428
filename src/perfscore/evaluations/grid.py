"""A grid of cells: what a Word or Excel reader makes of a form, and what the table reader reads.

A :data:`Grid` is a list of rows of :class:`Cell`; :mod:`.docx` builds one per document and
:mod:`.xlsx` one per worksheet, and :mod:`.tables` finds the self-evaluation tables in it.

Merged cells, as the readers expand them:

- a merged value is **repeated down** the rows its range covers, in the range's leftmost column;
  the other columns of the range are **blank**. Every cell of the range but the top-left one has
  ``anchor`` set to the top-left cell's address, so a repeated value can be told from a typed one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Any, Union

import attrs

__all__ = ["Cell", "Grid", "cells"]


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

_NEW: Any = object.__new__
_SET_TEXT: Any = Cell.__dict__["text"].__set__
_SET_ADDRESS: Any = Cell.__dict__["address"].__set__
_SET_ANCHOR: Any = Cell.__dict__["anchor"].__set__


def cells(
    texts: Iterable[str], addresses: Sequence[str], anchors: Union[str, Iterable[str]] = ""
) -> list[Cell]:
    """``[Cell(text, address, anchor) …]`` for the texts, addresses and anchors taken in step
    (``anchors`` one for all when a string): the same cells, built without a Python call per
    cell (a reader builds thousands per form). ``texts`` and ``anchors`` must hold as many as
    ``addresses``. Each slot is set as :class:`Cell`'s own ``__init__`` sets it; the class has
    no validator or converter to skip (tests/test_grid_readers.py compares the two)."""
    made = list(map(_NEW, repeat(Cell, len(addresses))))
    any(map(_SET_TEXT, made, texts))
    any(map(_SET_ADDRESS, made, addresses))
    any(map(_SET_ANCHOR, made, repeat(anchors) if isinstance(anchors, str) else anchors))
    return made
