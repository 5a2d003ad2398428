"""The Word reader before issue 14, verbatim (git show 5dcd77c:src/perfscore/evaluations/docx.py),
kept as the benchmark's baseline (benchmarks/forms.py); only its imports are absolute.

A Word form (.docx) as one :data:`~.grid.Grid`: its paragraphs and tables, in document order.

Each non-empty paragraph is a one-cell row addressed ``段3`` (the document's third paragraph);
each table row is a row of cells on the table's grid, addressed ``表1 R14C4`` (the first table,
row 14, grid column 4, 1-based). A ``gridSpan`` repeats nothing: the cells it covers are blank
with ``anchor`` set; a ``vMerge`` continuation repeats the cell above. Rows, cells and the text
of one cell are counted against :mod:`.limits` as they are read.

python-docx (the ``office`` extra) is imported only when a file is read; the package is checked
first by :func:`~.package.read_package`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

from perfscore.evaluations.grid import Cell, Grid
from perfscore.evaluations.limits import MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_ROWS
from perfscore.evaluations.package import read_package
from perfscore.evaluations.problems import too_large

__all__ = ["docx_grids", "read_docx"]


def docx_grids(path: Path) -> list[Grid]:
    """One grid for the whole document: each non-empty paragraph a one-cell row, each table's
    rows as they are, in document order. Raises :class:`EvaluationError` for a file beyond the
    limits, and what python-docx raises for a broken file."""
    return read_docx(Path(path), str(path))


def read_docx(path: Path, name: str) -> list[Grid]:
    """:func:`docx_grids` of ``path``, its problems naming the file ``name``."""
    import docx
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(read_package(path, name, "Word")))
    budget = _Budget(name)
    rows: list[list[Cell]] = []
    paragraphs = tables = 0
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraphs += 1
            text = Paragraph(child, document).text.strip()
            if text:
                where = f"段{paragraphs}"
                budget.text(where, text)
                budget.row(where, 1)
                rows.append([Cell(text, where)])
        elif child.tag == qn("w:tbl"):
            tables += 1
            for row in _table(child, tables, document, budget):
                rows.append(row)
    return [rows]


class _Budget:
    """What one grid has used of :data:`~.limits.MAX_ROWS` and :data:`~.limits.MAX_CELLS`."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.rows = 0
        self.cells = 0

    def row(self, where: str, width: int) -> None:
        self.rows += 1
        self.cells += width
        if self.rows > MAX_ROWS:
            self.rows_exceeded(where)
        if self.cells > MAX_CELLS:
            too_large(
                self.file,
                where,
                "cells in the document",
                f"more than {MAX_CELLS:,}",
                f"at most {MAX_CELLS:,} (MAX_CELLS)",
            )

    def rows_exceeded(self, where: str) -> NoReturn:
        too_large(
            self.file,
            where,
            "rows in the document",
            f"more than {MAX_ROWS:,}",
            f"at most {MAX_ROWS:,} (MAX_ROWS)",
        )

    def columns_exceeded(self, where: str, what: str, count: int) -> NoReturn:
        too_large(self.file, where, what, f"{count:,}", f"at most {MAX_COLUMNS:,} (MAX_COLUMNS)")

    def text(self, where: str, text: str) -> None:
        if len(text) > MAX_CELL_CHARS:
            too_large(
                self.file,
                where,
                "the text of one cell",
                f"{len(text):,} characters",
                f"at most {MAX_CELL_CHARS:,} (MAX_CELL_CHARS)",
            )


def _table(table: Any, number: int, document: Any, budget: _Budget) -> Iterator[list[Cell]]:
    """The table's rows on its grid. A ``gridSpan`` or ``gridBefore`` is clipped to the table's
    width (its ``tblGrid``, or its widest row of cells), keeping every cell where it stands."""
    trs, width = _rows_and_width(table, number, budget)
    above: dict[int, Cell] = {}  # grid column → the cell there in the row above
    for r, tr in enumerate(trs, 1):
        prefix = f"表{number} R{r}C"
        row = _row(tr, prefix, width, above, document, budget)
        budget.row(f"{prefix}1", len(row))
        above = dict(enumerate(row))
        yield row


def _rows_and_width(table: Any, number: int, budget: _Budget) -> tuple[list[Any], int]:
    """The table's ``<w:tr>`` elements and its width in grid columns, both within the limits."""
    from docx.oxml.ns import qn

    tc_tag = qn("w:tc")
    grid = table.find(qn("w:tblGrid"))
    width = 0 if grid is None else sum(1 for _ in grid.iterchildren(qn("w:gridCol")))
    if width > MAX_COLUMNS:
        budget.columns_exceeded(f"表{number}", "columns in a table", width)
    trs = []
    for tr in table.iterchildren(qn("w:tr")):
        trs.append(tr)
        if budget.rows + len(trs) > MAX_ROWS:
            budget.rows_exceeded(f"表{number} R{len(trs)}")
        cells = sum(1 for _ in tr.iterchildren(tc_tag))
        if cells > MAX_COLUMNS:
            budget.columns_exceeded(f"表{number} R{len(trs)}", "cells in a table row", cells)
        width = max(width, cells)
    return trs, width


def _row(
    tr: Any, prefix: str, width: int, above: dict[int, Cell], document: Any, budget: _Budget
) -> list[Cell]:
    """One ``<w:tr>`` as ``width`` cells at most, addressed ``prefix`` + grid column (1-based)."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    row: list[Cell] = []
    tcs = list(tr.iterchildren(qn("w:tc")))
    before = min(_int_attr(tr, ("w:trPr", "w:gridBefore")), width - len(tcs))
    for _ in range(max(0, before)):
        row.append(Cell("", f"{prefix}{len(row) + 1}"))
    for index, tc in enumerate(tcs):
        column = len(row)
        room = width - column - (len(tcs) - index - 1)  # what the cells after this one still need
        span = max(1, min(_int_attr(tc, ("w:tcPr", "w:gridSpan")), room))
        vmerge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
        continues = vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue"
        if continues and column in above:
            prev = above[column]
            cell = Cell(prev.text, f"{prefix}{column + 1}", prev.anchor or prev.address)
        else:
            text = "\n".join(Paragraph(p, document).text for p in tc.iterchildren(qn("w:p")))
            budget.text(f"{prefix}{column + 1}", text)
            cell = Cell(text.strip(), f"{prefix}{column + 1}")
        row.append(cell)
        for _ in range(1, span):
            row.append(Cell("", f"{prefix}{len(row) + 1}", cell.anchor or cell.address))
    return row


def _int_attr(element: Any, path: tuple[str, ...]) -> int:
    from docx.oxml.ns import qn

    node = element.find("/".join(qn(tag) for tag in path))
    if node is None:
        return 0
    value = str(node.get(qn("w:val"), "0")).strip()
    if len(value) > 9:  # clipped to the table's width anyway: never convert a long digit run
        return 10**9 if value.isdigit() else 0
    try:
        return int(value)
    except ValueError:
        return 0
