"""A workbook (.xlsx, .xlsm, .xls, .et, .ods) as grids, read through python-calamine.

One :data:`~.grid.Grid` per worksheet, addressed ``Sheet1!D14`` as Excel names cells, over the
rows and columns that hold values. What each format gives:

- **.xlsx/.xlsm**: values (a formula's cached value), merged ranges, and the percent number
  formats (0.96 formatted ``0%`` reads as ``96%``), taken from ``styles.xml`` and the ``s``
  attribute of each cell: calamine does not report number formats.
- **.xls/.et** (Excel 97–2003, WPS 表格): values and merged ranges, and the percent number
  formats read from the workbook's BIFF8 records (:mod:`.compound`); a workbook under 4 KiB
  (its records in the compound file's mini stream) reads a percentage as the number stored.
- **.ods**: values read by calamine; merged ranges and percentages (``office:value-type``) read
  from ``content.xml``, which calamine does not report.

A merged range is clipped to the cells that hold values, its value repeated down its leftmost
column (:mod:`.grid`). Before calamine builds a sheet, an .xlsx sheet's XML is scanned for the
cells that hold a value, so that a value far away (``XFD1048576``) is refused by the limits of
:mod:`.limits` rather than allocated; an .xls or .ods sheet is checked on its size before its
cells are taken.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal
from itertools import chain, cycle, repeat
from operator import add
from typing import Any, NoReturn, Optional

from ..decimals import CONTEXT
from .grid import Grid, cells
from .limits import MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_ROWS
from .problems import too_large
from .sheetscan import Parts, Scan, column_letters, ods_scans, xls_scans, xlsx_scans

__all__ = ["read_sheets", "sheet_part"]


def read_sheets(
    data: bytes,
    name: str,
    kind: str,
    parts: Optional[dict[str, bytes]] = None,
    archive: Optional[zipfile.ZipFile] = None,
) -> list[Grid]:
    """The workbook's worksheets as grids; ``kind`` is "xlsx", "xls" or "ods"; ``parts`` the
    members already read whole (by the package check), by name; ``archive`` the package already
    open (:func:`~.package.open_zip`)."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    if kind == "xlsx":
        scans = xlsx_scans(Parts(data, parts or {}, archive), name)
    else:
        scans = xls_scans(data, name) if kind == "xls" else ods_scans(Parts(data, {}, archive), name)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        grids: list[Grid] = []
        for meta in workbook.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            scan = scans.get(meta.name)
            sheet = workbook.get_sheet_by_name(meta.name)
            grids.append(_Sheet(name, meta.name, scan).grid(sheet))
        return grids
    finally:
        workbook.close()


def sheet_part(member: str) -> bool:
    """A worksheet part, which :func:`read_sheets` scans whole: the package check reads it once."""
    return "/worksheets/" in "/" + member.lower()


class _Sheet:
    """One worksheet's values laid out as a grid, within the limits."""

    def __init__(self, file: str, title: str, scan: Optional[Scan]) -> None:
        self.file = file
        self.title = title
        self.ref = (
            title if all(ch.isalnum() or ch == "_" for ch in title) else "'" + title.replace("'", "''") + "'"
        )
        self.percent = scan.percent if scan is not None else set()
        self.merges = scan.merges if scan is not None else None
        self.prefixes: list[str] = [""]
        """Each column's address prefix (``Sheet1!D``), by its 1-based number"""

    def address(self, r: int, c: int) -> str:
        prefixes = self.prefixes
        return f"{prefixes[c]}{r}" if c < len(prefixes) else f"{self.ref}!{column_letters(c)}{r}"

    def too_large(self, where: str, what: str, found: str, limit: str) -> NoReturn:
        too_large(self.file, where, what, found, limit)

    def grid(self, sheet: Any) -> Grid:
        """The sheet's values (1-based rows and columns) and merged ranges as a grid."""
        if sheet.height == 0 or sheet.width == 0:
            return []
        (top, left), (bottom, right) = sheet.start, sheet.end
        self.bounds(bottom + 1, right + 1)
        if sheet.height * sheet.width > MAX_CELLS:
            self.too_large(
                self.title,
                "cells in a worksheet's used area",
                f"{sheet.height:,} rows × {sheet.width:,} columns",
                f"at most {MAX_CELLS:,} (MAX_CELLS)",
            )
        texts, last_row, last_column = self.texts(sheet.to_python(skip_empty_area=True), top, left)
        self.prefixes = ["", *(f"{self.ref}!{column_letters(c)}" for c in range(1, last_column + 1))]
        ranges = self.merges if self.merges is not None else sheet.merged_cell_ranges or ()
        if not last_row:
            return []  # values, but every one blank
        anchors = self.merged(ranges, texts, last_row, last_column)
        blank, numbers = [""] * last_column, range(1, last_row + 1)
        made = cells(
            chain.from_iterable([texts.get(r, blank) for r in numbers]),
            list(
                map(
                    add,
                    cycle(self.prefixes[1:]),
                    chain.from_iterable([repeat(str(r), last_column) for r in numbers]),
                )
            ),
            chain.from_iterable([anchors.get(r, blank) for r in numbers]),
        )
        return [made[at : at + last_column] for at in range(0, len(made), last_column)]

    def texts(self, rows: Any, top: int, left: int) -> tuple[dict[int, list[str]], int, int]:
        """Each row that holds a value, by its number, as the texts of its columns from A (every
        row as long as the widest); the last row and column that hold a value (a text of spaces
        included). ``rows`` are the values from calamine's ``start`` (0-based ``top``, ``left``)."""
        texts: dict[int, list[str]] = {}
        last_row = last_column = 0
        percent = self.percent
        floats: dict[float, str] = {}  # 10.0 → "10", read once (0.0 and -0.0 are both "0")
        for r, values in enumerate(rows, top + 1):
            row = None
            for c, value in enumerate(values, left + 1):
                kind = type(value)
                if kind is str:
                    if not value:
                        continue
                    text = value.strip()
                elif value is None:
                    continue
                elif kind is float and (not percent or (r, c) not in percent):
                    text = floats.get(value) or floats.setdefault(value, _float_text(value))
                else:
                    text = _text(value, (r, c) in percent)
                if len(text) > MAX_CELL_CHARS:
                    self.text(text, r, c)  # refused, naming the cell
                if row is None:
                    row = texts[r] = [""] * (left + len(values))
                row[c - 1] = text
                last_row = r
                if c > last_column:
                    last_column = c
        for r, row in texts.items():
            texts[r] = (row + [""] * last_column)[:last_column]
        return texts, last_row, last_column

    def bounds(self, rows: int, columns: int) -> None:
        if rows > MAX_ROWS or columns > MAX_COLUMNS:
            limit = f"rows 1–{MAX_ROWS:,} (MAX_ROWS), columns A–{column_letters(MAX_COLUMNS)} (MAX_COLUMNS)"
            found = f"row {rows:,}, column {columns:,}"
            self.too_large(self.title, "a value beyond the area a form may use", found, limit)

    def text(self, value: Any, r: int, c: int) -> str:
        text = value.strip() if type(value) is str else _text(value, (r, c) in self.percent)
        if len(text) > MAX_CELL_CHARS:
            self.too_large(
                self.address(r, c),
                "the text of one cell",
                f"{len(text):,} characters",
                f"at most {MAX_CELL_CHARS:,} (MAX_CELL_CHARS)",
            )
        return text

    def merged(
        self, ranges: Any, texts: dict[int, list[str]], last_row: int, last_column: int
    ) -> dict[int, list[str]]:
        """The merged ranges written into ``texts``: every cell of a range but its top-left one
        shows the range's value down its leftmost column, blank elsewhere; returned, each row's
        anchors (the top-left cell's address; blank outside the ranges). A cell two ranges
        cover is the later range's; each range's value is its top-left cell's own."""
        kept = []
        covered = 0
        for (top, left), (bottom, right) in ranges:
            top, left, bottom, right = top + 1, left + 1, bottom + 1, right + 1
            if top > last_row or left > last_column:
                continue  # wholly outside the cells that hold values
            bottom, right = min(bottom, last_row), min(right, last_column)
            covered += (bottom - top + 1) * (right - left + 1)
            if covered > MAX_CELLS:
                self.too_large(
                    self.title,
                    "cells covered by merged ranges",
                    f"more than {MAX_CELLS:,}",
                    f"at most {MAX_CELLS:,} (MAX_CELLS)",
                )
            text = texts[top][left - 1] if top in texts else ""
            kept.append((top, left, bottom, right, text, self.address(top, left)))
        anchors: dict[int, list[str]] = {}
        for top, left, bottom, right, text, anchor in kept:
            at, blanks, marked = left - 1, [""] * (right - left), [anchor] * (right - left)
            for r in range(top, bottom + 1):
                row, marks = texts.get(r), anchors.get(r)
                if row is None:
                    row = texts[r] = [""] * last_column
                if marks is None:
                    marks = anchors[r] = [""] * last_column
                if r != top:
                    row[at] = text
                    marks[at] = anchor
                if blanks:
                    row[left:right] = blanks
                    marks[left:right] = marked
        return anchors


def _text(value: Any, percent: bool) -> str:
    """A value as the table shows it: 5 not 5.0, 0.96 formatted "0%" as 96%; in
    :data:`~perfscore.decimals.CONTEXT`, whatever the caller's decimal context."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if percent:
            return _plain(CONTEXT.multiply(number, Decimal(100))) + "%"
        return _plain(number)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    return str(value).strip()


def _float_text(value: float) -> str:
    """:func:`_text` of a float not shown as a percentage: its shortest repr (what
    ``Decimal(repr(value))`` holds, within :data:`~perfscore.decimals.CONTEXT`'s 28 digits), less
    a trailing ``.0``, which is all that normalizing it removes; an exponent, inf or nan is
    left to :func:`_text`."""
    text = repr(value)
    if "e" in text or "n" in text:
        return _text(value, False)
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _plain(number: Decimal) -> str:
    text = format(number.normalize(CONTEXT), "f") if number.is_finite() else str(number)
    return "0" if text in ("-0", "") else text
