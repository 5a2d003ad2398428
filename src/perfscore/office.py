"""Self-evaluation tables read from the Word (.docx) and Excel (.xlsx) files units fill in.

Each adapter turns a file into :data:`~perfscore.grid.Grid` s — one per document (its paragraphs
and tables, in order) or one per worksheet — with merged cells expanded as
:mod:`perfscore.grid` documents; :func:`read_evaluations` reads every table in them.

Cell addresses: ``Sheet1!D14`` (worksheet and cell) for .xlsx; ``表1 R14C4`` (the document's
first table, row 14, grid column 4, 1-based) for .docx, and ``段3`` for its third paragraph.

python-docx and openpyxl (the ``office`` extra) are imported only when a file is read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from .errors import EvaluationError, Problem
from .evaluation import Evaluation
from .grid import Cell, Grid, collect_evaluations, not_a_table

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["docx_grids", "read_evaluations", "xlsx_grids"]

_WORD = (".docx", ".docm")
_EXCEL = (".xlsx", ".xlsm")


def read_evaluations(
    path: Union[str, Path], *, region: str = "", form: str = "", year: int = 0
) -> list[Evaluation]:
    """Every self-evaluation table in a .docx or .xlsx file, in order (附件4 holds one table per
    一级项目, so a document may hold several).

    ``region``, ``form`` and ``year`` are used when given; otherwise form and year are inferred
    from each table's title ("2023 年度项目支出绩效自评表" → project, 2023) and region is "".
    Raises :class:`EvaluationError` listing every problem, each naming the file and cell: the
    file cannot be opened, holds no self-evaluation table, or has number cells (分值, 自评得分,
    budget amounts) that cannot be read as numbers.
    """
    file = Path(path)
    name = str(path)
    suffix = file.suffix.lower()
    if suffix not in _WORD + _EXCEL:
        hint = " (save it as .docx or .xlsx)" if suffix in (".doc", ".xls", ".wps", ".et") else ""
        raise EvaluationError(
            [
                Problem(
                    "unknown-format",
                    "unknown self-evaluation table format" + hint,
                    file=name,
                    found=suffix or "(none)",
                    expected=".docx or .xlsx",
                )
            ]
        )
    try:
        grids = docx_grids(file) if suffix in _WORD else xlsx_grids(file)
    except ImportError as exc:
        message = f"reading {suffix} needs python-docx and openpyxl (pip install 'perfscore[office]'): {exc}"
        raise EvaluationError([Problem("file-unreadable", message, file=name)]) from None
    except Exception as exc:  # a broken file: zipfile, lxml, KeyError, openpyxl's and docx's own errors
        kind = "Word" if suffix in _WORD else "Excel"
        problem = Problem(
            "file-unreadable", f"cannot open as a {kind} file: {type(exc).__name__}: {exc}", file=name
        )
        raise EvaluationError([problem]) from None
    evaluations = [
        evaluation
        for grid in grids
        for evaluation in collect_evaluations(grid, source=name, region=region, form=form, year=year)
    ]
    if not evaluations:
        raise EvaluationError([not_a_table(name)], f"{name}: not a self-evaluation table")
    return evaluations


# -- Word -----------------------------------------------------------------------------------


def docx_grids(path: Path) -> list[Grid]:
    """One grid for the whole document: each non-empty paragraph a one-cell row, each table's
    rows as they are, in document order. Raises what python-docx raises for a broken file."""
    import docx
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    rows: list[list[Cell]] = []
    paragraphs = tables = 0
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraphs += 1
            text = Paragraph(child, document).text.strip()
            if text:
                rows.append([Cell(text, f"段{paragraphs}")])
        elif child.tag == qn("w:tbl"):
            tables += 1
            rows.extend(_docx_table(child, tables, document))
    return [rows]


def _docx_table(table: Any, number: int, document: Any) -> Iterator[list[Cell]]:
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    above: dict[int, Cell] = {}  # grid column → the cell there in the row above
    for r, tr in enumerate(table.findall(qn("w:tr")), 1):
        row: list[Cell] = []

        def address(column: int, r: int = r) -> str:
            return f"表{number} R{r}C{column + 1}"

        for _ in range(_int_attr(tr, ("w:trPr", "w:gridBefore"))):
            row.append(Cell("", address(len(row))))
        for tc in tr.findall(qn("w:tc")):
            column = len(row)
            span = max(1, _int_attr(tc, ("w:tcPr", "w:gridSpan")))
            vmerge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            continues = vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue"
            if continues and column in above:
                prev = above[column]
                cell = Cell(prev.text, address(column), prev.anchor or prev.address)
            else:
                text = "\n".join(Paragraph(p, document).text for p in tc.findall(qn("w:p")))
                cell = Cell(text.strip(), address(column))
            row.append(cell)
            for _ in range(1, span):
                row.append(Cell("", address(len(row)), cell.anchor or cell.address))
        above = dict(enumerate(row))
        yield row


def _int_attr(element: Any, path: tuple[str, ...]) -> int:
    from docx.oxml.ns import qn

    node = element.find("/".join(qn(tag) for tag in path))
    if node is None:
        return 0
    try:
        return int(node.get(qn("w:val"), "0"))
    except ValueError:
        return 0


# -- Excel ----------------------------------------------------------------------------------


def xlsx_grids(path: Path) -> list[Grid]:
    """One grid per worksheet (cached values of formulas). Raises what openpyxl raises for a
    broken file."""
    import openpyxl

    workbook = openpyxl.load_workbook(str(path), data_only=True)
    try:
        return [_sheet_grid(sheet) for sheet in workbook.worksheets]
    finally:
        workbook.close()


def _sheet_grid(sheet: Worksheet) -> Grid:
    from openpyxl.utils import get_column_letter

    title = sheet.title
    ref = title if all(ch.isalnum() or ch == "_" for ch in title) else "'" + title.replace("'", "''") + "'"

    def address(r: int, c: int) -> str:
        return f"{ref}!{get_column_letter(c)}{r}"

    merged: dict[tuple[int, int], Cell] = {}
    for cells in sheet.merged_cells.ranges:
        top, left = cells.min_row, cells.min_col
        anchor = address(top, left)
        text = _text(sheet.cell(top, left))
        for r in range(top, cells.max_row + 1):
            for c in range(left, cells.max_col + 1):
                if (r, c) != (top, left):
                    merged[(r, c)] = Cell(text if c == left else "", address(r, c), anchor)
    grid: list[list[Cell]] = []
    for r, row in enumerate(sheet.iter_rows(max_col=sheet.max_column), 1):
        grid.append([merged.get((r, c)) or Cell(_text(cell), address(r, c)) for c, cell in enumerate(row, 1)])
    return grid


def _text(cell: Any) -> str:
    """A cell's value as the table shows it: 5 not 5.0, 0.96 formatted "0%" as 96%."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if "%" in str(cell.number_format or ""):
            number *= 100
            return _plain(number) + "%"
        return _plain(number)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value).strip()


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f") if number.is_finite() else str(number)
    return "0" if text in ("-0", "") else text
