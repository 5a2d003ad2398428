"""The .xlsx reader before issue 14 (openpyxl), kept only as the benchmark's baseline (benchmarks/forms.py).

An Excel form (.xlsx) as grids: one :data:`~.grid.Grid` per worksheet, addressed ``Sheet1!D14``.

Each worksheet is read element by element and only its stored cells with a value are kept
(never its ``<dimension>``, which may lie); the grid spans the rows and columns that hold
values, and a merged range is clipped to them, its value repeated down its leftmost column
(:mod:`.grid`). A formula gives its cached value. Rows, columns, cells, XML elements and the
text of one cell are counted against :mod:`.limits` as they are read.

openpyxl (the ``office`` extra) is imported only when a file is read; the package is checked
first by :func:`~.package.read_package`.
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, NoReturn, Optional

from perfscore.decimals import CONTEXT
from perfscore.evaluations.grid import Cell, Grid
from perfscore.evaluations.limits import MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_ROWS, MAX_SHEET_ELEMENTS
from perfscore.evaluations.package import read_package
from perfscore.evaluations.problems import too_large

__all__ = ["read_xlsx", "xlsx_grids"]

_REF = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?")
_LAST_COLUMN = 18_278
"""Column ZZZ, the last a cell reference can name: a cell beyond it is named by number."""


def xlsx_grids(path: Path) -> list[Grid]:
    """One grid per worksheet (cached values of formulas), over the area that holds values.
    Raises :class:`EvaluationError` for a file beyond the limits, and what openpyxl raises for
    a broken file."""
    return read_xlsx(Path(path), str(path))


def read_xlsx(path: Path, name: str) -> list[Grid]:
    """The workbook's parts read as openpyxl's read-only mode reads them (shared strings, the
    workbook, its styles), but not its per-sheet size probe, which parses a sheet without a
    ``<dimension>`` whole; each worksheet is then walked once, by :class:`_Sheet`."""
    from types import SimpleNamespace

    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(io.BytesIO(read_package(path, name, "Excel")), read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        grids: list[Grid] = []
        for sheet, rel in reader.parser.find_sheets():
            if rel.target not in reader.valid_files or "chartsheet" in rel.Type:
                continue
            worksheet = _Sheet(reader, SimpleNamespace(parent=reader.wb, title=sheet.name), name)
            with reader.archive.open(rel.target) as source:
                worksheet.walk(source)
            grids.append(worksheet.grid())
        return grids
    finally:
        reader.archive.close()


class _Sheet:
    """One worksheet's stored cells, read element by element, then laid out as a grid."""

    def __init__(self, reader: Any, sheet: Any, file: str) -> None:
        from openpyxl.cell.read_only import ReadOnlyCell
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet._reader import WorkSheetParser
        from openpyxl.xml.constants import SHEET_MAIN_NS

        self.sheet = sheet
        self.file = file
        self.title: str = sheet.title
        self.ref = (
            self.title
            if all(ch.isalnum() or ch == "_" for ch in self.title)
            else "'" + self.title.replace("'", "''") + "'"
        )
        # openpyxl's own cell reader converts each value, as load_workbook does (dates, numbers,
        # shared strings, booleans); the XML is walked here so nothing but stored cells is made.
        self.parser = WorkSheetParser(
            b"",  # never parsed: only its parse_cell is used
            reader.shared_strings,
            data_only=True,
            epoch=reader.wb.epoch,
            date_formats=reader.wb._date_formats,
            timedelta_formats=reader.wb._timedelta_formats,
        )
        self.row_tag, self.cell_tag, self.merge_tag = (
            f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("row", "c", "mergeCell")
        )
        self.texts: dict[tuple[int, int], str] = {}
        self.merges: list[str] = []
        self.last_row = self.last_column = 0
        self.elements = 0
        self.row_element: Any = None
        self.letter = get_column_letter
        self.read_only_cell = ReadOnlyCell

    def address(self, r: int, c: int) -> str:
        return f"{self.ref}!{self.letter(c)}{r}"

    def too_large(self, where: str, what: str, found: str, limit: str) -> NoReturn:
        too_large(self.file, where, what, found, limit)

    # -- reading -----------------------------------------------------------------------------

    def walk(self, source: IO[bytes]) -> None:
        """Read the worksheet's ``<row>``, ``<c>`` and ``<mergeCell>`` elements, in order."""
        from lxml import etree  # type: ignore[import-untyped]

        events = etree.iterparse(
            source,
            events=("end",),
            tag=(self.row_tag, self.cell_tag, self.merge_tag),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        for _, element in events:
            self.elements += 1
            if self.elements > MAX_SHEET_ELEMENTS:
                self.too_large(
                    self.title,
                    "rows, cells and merged ranges stored in a worksheet",
                    f"more than {MAX_SHEET_ELEMENTS:,}",
                    f"at most {MAX_SHEET_ELEMENTS:,} (MAX_SHEET_ELEMENTS)",
                )
            tag = element.tag
            if tag == self.cell_tag:
                self.cell(element)
            elif tag == self.row_tag:
                self.end_row(element)
            else:
                self.merges.append(str(element.get("ref", ""))[:40])
                element.clear()

    def cell(self, element: Any) -> None:
        """A ``<c>`` element: its value kept, by row and column, when it has one."""
        parser = self.parser
        parent = element.getparent()
        if parent is not self.row_element:  # the first cell of a row: its number, as openpyxl counts
            self.row_element = parent
            parser.row_counter = _row_number(parent.get("r"), parser.row_counter)
            parser.col_counter = 0
        if len(element) == 0:  # no <v>, no <is>: formatting only, no value
            reference = element.get("r")
            parser.col_counter = parser.col_counter + 1 if reference is None else _column_of(reference)
            element.clear()
            return
        cell = parser.parse_cell(element)
        element.clear()
        if cell["value"] is not None:
            self.value(cell)

    def value(self, cell: dict[str, Any]) -> None:
        """A cell with a value, parsed by openpyxl: within the limits, kept as its text."""
        r, c = cell["row"], cell["column"]
        if r > MAX_ROWS or c > MAX_COLUMNS:
            limit = f"rows 1–{MAX_ROWS:,} (MAX_ROWS), columns A–{self.letter(MAX_COLUMNS)} (MAX_COLUMNS)"
            self.too_large(
                self.address(r, c) if c <= _LAST_COLUMN else self.title,
                "a value beyond the area a form may use",
                self.address(r, c) if c <= _LAST_COLUMN else f"row {r}, column {c}",
                limit,
            )
        text = _text(
            self.read_only_cell(self.sheet, r, c, cell["value"], cell["data_type"], cell["style_id"])
        )
        if len(text) > MAX_CELL_CHARS:
            self.too_large(
                self.address(r, c),
                "the text of one cell",
                f"{len(text):,} characters",
                f"at most {MAX_CELL_CHARS:,} (MAX_CELL_CHARS)",
            )
        self.texts[(r, c)] = text
        self.last_row, self.last_column = max(self.last_row, r), max(self.last_column, c)

    def end_row(self, element: Any) -> None:
        """A ``</row>``: a row without cells still counts; the rows read so far are let go."""
        if element is not self.row_element:
            self.parser.row_counter = _row_number(element.get("r"), self.parser.row_counter)
        self.row_element = None
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]

    # -- the grid ----------------------------------------------------------------------------

    def grid(self) -> Grid:
        """The stored values laid out over the rows and columns that hold values; merged
        ranges clipped to them."""
        last_row, last_column = self.last_row, self.last_column
        if last_row * last_column > MAX_CELLS:
            self.too_large(
                self.title,
                "cells in a worksheet's used area",
                f"{last_row:,} rows × {last_column:,} columns (to {self.address(last_row, last_column)})",
                f"at most {MAX_CELLS:,} (MAX_CELLS)",
            )
        merged = self.merged()
        texts, address = self.texts, self.address
        grid: list[list[Cell]] = []
        for r in range(1, last_row + 1):
            grid.append(
                [
                    merged.get((r, c)) or Cell(texts.get((r, c), ""), address(r, c))
                    for c in range(1, last_column + 1)
                ]
            )
        return grid

    def merged(self) -> dict[tuple[int, int], Cell]:
        """Every cell of a merged range but its top-left one: the value repeated down the
        range's leftmost column, blank elsewhere, ``anchor`` the top-left cell."""
        merged: dict[tuple[int, int], Cell] = {}
        covered = 0
        for text_ref in self.merges:
            bounds = _range(text_ref)
            if bounds is None:
                continue
            top, left, bottom, right = bounds
            if top > self.last_row or left > self.last_column:
                continue  # wholly outside the cells that hold values
            bottom, right = min(bottom, self.last_row), min(right, self.last_column)
            covered += (bottom - top + 1) * (right - left + 1)
            if covered > MAX_CELLS:
                self.too_large(
                    f"{self.title}!{text_ref}",
                    "cells covered by merged ranges",
                    f"more than {MAX_CELLS:,}",
                    f"at most {MAX_CELLS:,} (MAX_CELLS)",
                )
            anchor = self.address(top, left)
            text = self.texts.get((top, left), "")
            for r in range(top, bottom + 1):
                for c in range(left, right + 1):
                    if (r, c) != (top, left):
                        merged[(r, c)] = Cell(text if c == left else "", self.address(r, c), anchor)
        return merged


def _row_number(value: Optional[str], previous: int) -> int:
    """A ``<row r="…">`` number, as openpyxl reads it (a missing one follows the previous row)."""
    if value is None:
        return previous + 1
    text = value.strip()
    if len(text) > 9:
        return MAX_ROWS + 1 if text.isdigit() else _bad_row(value)
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            _bad_row(value)
        return int(number)


def _bad_row(value: str) -> NoReturn:
    raise ValueError(f"{value[:40]!r} is not a valid row number")


def _range(text: str) -> Optional[tuple[int, int, int, int]]:
    """``B2:D5`` as (top, left, bottom, right), 1-based; None for what is not a cell range."""
    match = _REF.fullmatch(text.upper())
    if match is None:
        return None
    first, top, last, bottom = match.groups()
    left = _column_number(first)
    right = _column_number(last) if last else left
    top_row = int(top)
    bottom_row = int(bottom) if bottom else top_row
    if top_row < 1 or left < 1:
        return None
    return min(top_row, bottom_row), min(left, right), max(top_row, bottom_row), max(left, right)


def _column_of(reference: str) -> int:
    """The column of a cell reference (``AB12`` → 28), as the next cell without one counts on."""
    letters = reference[:8].lstrip("$").upper()
    count = 0
    while count < len(letters) and "A" <= letters[count] <= "Z":
        count += 1
    return _column_number(letters[:count])


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _text(cell: Any) -> str:
    """A cell's value as the table shows it: 5 not 5.0, 0.96 formatted "0%" as 96%. Computed
    in :data:`~perfscore.decimals.CONTEXT`, whatever the caller's decimal context."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if "%" in str(cell.number_format or ""):
            number = CONTEXT.multiply(number, Decimal(100))
            return _plain(number) + "%"
        return _plain(number)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value).strip()


def _plain(number: Decimal) -> str:
    text = format(number.normalize(CONTEXT), "f") if number.is_finite() else str(number)
    return "0" if text in ("-0", "") else text
