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
import posixpath
import re
import zipfile
from decimal import Decimal
from itertools import chain, cycle, repeat
from operator import add
from typing import Any, NoReturn, Optional

from ..decimals import CONTEXT
from .grid import Grid, cells
from .limits import MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_ROWS, MAX_SHEET_ELEMENTS
from .problems import too_large

__all__ = ["read_sheets", "sheet_part"]

_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,20}:)?(?:c|row|mergeCell)\b")
_FAR_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]{0,20}:)?c\b([^>]{0,2000}?\br\s{0,5}=\s{0,5}[\"']\$?"
    rb"(?:[A-Za-z]{2,4}\$?[0-9]{1,9}|[A-Za-z]\$?[0-9]{5,9})[\"'][^>]{0,2000}?)(/?)>"
)
_FAR_ROW = re.compile(
    rb"<(?:[A-Za-z_][\w.-]{0,20}:)?row\b[^>]{0,2000}?\br\s{0,5}=\s{0,5}[\"']([0-9]{5,9})[\"'][^>]{0,2000}?(?<!/)>"
    rb"(.*?)</(?:[A-Za-z_][\w.-]{0,20}:)?row>",
    re.DOTALL,
)
_FAR = re.compile(rb"""r\s{0,5}=\s{0,5}["']\$?(?:[A-Za-z]{2}|[A-Za-z]?\$?[0-9]{5})""")
"""What every match of :data:`_FAR_CELL` and of :data:`_FAR_ROW` holds (a reference of two
letters or five digits): a sheet without it is scanned by neither."""
_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,20}:)?(?:v|is)\b")
_R = re.compile(rb"""\br\s{0,5}=\s{0,5}["']\$?([A-Za-z]{1,4})\$?([0-9]{1,9})["']""")
_S = re.compile(rb"""\bs\s{0,5}=\s{0,5}["']([0-9]{1,9})["']""")
_PERCENT_IDS = {9, 10}
"""Excel's built-in percent formats: ``0%`` and ``0.00%``."""


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
        scans = _xlsx_scans(_Parts(data, parts or {}, archive), name)
    else:
        scans = _xls_scans(data, name) if kind == "xls" else _ods_scans(_Parts(data, {}, archive), name)
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


class _Scan:
    """What a sheet says that calamine does not report: its cells shown as a percentage, and
    (for .ods) its merged ranges, 0-based as calamine gives them."""

    def __init__(self) -> None:
        self.percent: set[tuple[int, int]] = set()
        self.merges: Optional[list[tuple[tuple[int, int], tuple[int, int]]]] = None


class _Sheet:
    """One worksheet's values laid out as a grid, within the limits."""

    def __init__(self, file: str, title: str, scan: Optional[_Scan]) -> None:
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
        return f"{prefixes[c]}{r}" if c < len(prefixes) else f"{self.ref}!{_letters(c)}{r}"

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
        self.prefixes = ["", *(f"{self.ref}!{_letters(c)}" for c in range(1, last_column + 1))]
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
            limit = f"rows 1–{MAX_ROWS:,} (MAX_ROWS), columns A–{_letters(MAX_COLUMNS)} (MAX_COLUMNS)"
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


class _Parts:
    """A package's members by name: those already read, else read from the zip (opened once)."""

    def __init__(
        self, data: bytes, kept: dict[str, bytes], archive: Optional[zipfile.ZipFile] = None
    ) -> None:
        self.data, self.kept = data, kept
        self.archive = archive

    def zip(self) -> zipfile.ZipFile:
        if self.archive is None:
            self.archive = zipfile.ZipFile(io.BytesIO(self.data))
        return self.archive

    def names(self) -> set[str]:
        return set(self.zip().namelist())

    def read(self, member: str) -> bytes:
        kept = self.kept.get(member)
        return kept if kept is not None else self.zip().read(member)


def _xlsx_scans(parts: _Parts, name: str) -> dict[str, _Scan]:
    """Each worksheet's scan, by sheet name: its elements counted, its cells with a value
    checked against the limits, and those with a percent style noted."""
    from lxml import etree  # type: ignore[import-untyped]

    scans: dict[str, _Scan] = {}
    names = parts.names()
    workbook_part = _main_part(names)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    rels = _rels(parts, names, workbook_part, parser)
    percent_styles = _percent_styles(parts, names, rels, parser)
    for title, part in _sheet_parts(parts, names, workbook_part, rels, parser):
        scans[title] = _scan_sheet(parts.read(part), name, title, percent_styles)
    return scans


def _xls_scans(data: bytes, name: str) -> dict[str, _Scan]:
    """Each worksheet's percent-formatted cells, from the workbook's BIFF8 records."""
    from .compound import xls_percent_cells

    scans: dict[str, _Scan] = {}
    for title, percent in xls_percent_cells(data).items():
        scans[title] = _Scan()
        scans[title].percent = percent
    return scans


_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _ods_scans(parts: _Parts, name: str) -> dict[str, _Scan]:
    """Each sheet's percentage cells and merged ranges, from ``content.xml``: rows and cells
    counted through their ``number-*-repeated`` attributes, never materialised."""
    from lxml import etree

    table, office = f"{{{_ODS_TABLE}}}", f"{{{_ODS_OFFICE}}}"
    scans: dict[str, _Scan] = {}
    with parts.zip().open("content.xml") as source:
        scan, row, column, elements, repeated = _Scan(), -1, 0, 0, 1
        events = etree.iterparse(
            source, events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False
        )
        for event, element in events:
            tag = element.tag
            if event == "start":
                if tag == table + "table":
                    scan, row = _Scan(), -1
                    scan.merges = []
                    scans[str(element.get(table + "name", ""))] = scan
                elif tag == table + "table-row":
                    row, column = row + 1, 0
                    repeated = _repeat(element.get(table + "number-rows-repeated"))
                elif tag in (table + "table-cell", table + "covered-table-cell"):
                    elements += 1
                    if elements > MAX_SHEET_ELEMENTS:
                        too_large(
                            name,
                            "content.xml",
                            "cells stored in a spreadsheet",
                            f"more than {MAX_SHEET_ELEMENTS:,}",
                            f"at most {MAX_SHEET_ELEMENTS:,} (MAX_SHEET_ELEMENTS)",
                        )
                    _ods_cell(element, scan, row, column, table, office)
                    if element.get(office + "value-type") and (
                        row + repeated > MAX_ROWS
                        or column + _repeat(element.get(table + "number-columns-repeated")) > MAX_COLUMNS
                    ):
                        _beyond(name, str(next(reversed(scans), "")), row + repeated, column + 1)
                continue
            if tag == table + "table-row":
                row += _repeat(element.get(table + "number-rows-repeated")) - 1
                element.clear()
            elif tag in (table + "table-cell", table + "covered-table-cell"):
                column += _repeat(element.get(table + "number-columns-repeated"))
                element.clear(keep_tail=True)
    return scans


def _ods_cell(element: Any, scan: _Scan, row: int, column: int, table: str, office: str) -> None:
    if element.get(office + "value-type") == "percentage" and row < MAX_ROWS and column < MAX_COLUMNS:
        scan.percent.add((row + 1, column + 1))
    rows = _repeat(element.get(table + "number-rows-spanned"))
    columns = _repeat(element.get(table + "number-columns-spanned"))
    if (rows > 1 or columns > 1) and scan.merges is not None:
        scan.merges.append(((row, column), (row + rows - 1, column + columns - 1)))


def _repeat(value: Optional[str]) -> int:
    """A ``number-*-repeated`` or ``-spanned`` count (1 when absent or not a number)."""
    text = (value or "1").strip()
    return int(text) if text.isdigit() and len(text) <= 9 and int(text) > 0 else 1


def _main_part(names: set[str]) -> str:
    """The workbook part, as ``_rels/.rels`` names it (``xl/workbook.xml`` in every real file)."""
    return (
        "xl/workbook.xml"
        if "xl/workbook.xml" in names
        else next((n for n in names if n.lower().endswith("workbook.xml")), "xl/workbook.xml")
    )


def _rels(parts: _Parts, names: set[str], part: str, parser: Any) -> dict[str, str]:
    from lxml import etree

    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in names:
        return {}
    root = etree.fromstring(parts.read(rels), parser)
    targets = {}
    for rel in root:
        target = str(rel.get("Target", ""))
        full = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        targets[str(rel.get("Id", ""))] = full
    return targets


def _sheet_parts(
    parts: _Parts, names: set[str], workbook: str, rels: dict[str, str], parser: Any
) -> list[tuple[str, str]]:
    from lxml import etree

    if workbook not in names:
        return []
    root = etree.fromstring(parts.read(workbook), parser)
    found = []
    for element in root.iter("{*}sheet"):
        rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), "")
        part = rels.get(str(rid), "")
        if part in names:
            found.append((str(element.get("name", "")), part))
    return found


def _percent_styles(parts: _Parts, names: set[str], rels: dict[str, str], parser: Any) -> set[int]:
    """The cell style indices (``cellXfs``) whose number format shows a percentage."""
    from lxml import etree

    part = next((p for p in rels.values() if p.endswith("styles.xml")), "")
    if part not in names:
        return set()
    root = etree.fromstring(parts.read(part), parser)
    percent_ids = set(_PERCENT_IDS)
    for numfmt in root.iter("{*}numFmt"):
        code = str(numfmt.get("formatCode", ""))
        if "%" in code and str(numfmt.get("numFmtId", "")).isdigit():
            percent_ids.add(int(str(numfmt.get("numFmtId"))))
    styles: set[int] = set()
    for xfs in root.iter("{*}cellXfs"):
        for index, xf in enumerate(xfs.iterchildren("{*}xf")):
            if str(xf.get("numFmtId", "0")).isdigit() and int(str(xf.get("numFmtId", "0"))) in percent_ids:
                styles.add(index)
    return styles


def _scan_sheet(xml: bytes, name: str, title: str, percent_styles: set[int]) -> _Scan:
    """The sheet's elements counted, its values beyond the limits refused, its percent cells
    found: a few regular-expression passes over the XML, a Python step only for a match that
    may be out of bounds or is percent-styled."""
    scan = _Scan()
    # every element counted starts with "<": a sheet with fewer "<" than the limit is not counted
    elements = len(_ELEMENT.findall(xml)) if xml.count(b"<") > MAX_SHEET_ELEMENTS else 0
    if elements > MAX_SHEET_ELEMENTS:
        too_large(
            name,
            title,
            "rows, cells and merged ranges stored in a worksheet",
            f"{elements:,}",
            f"at most {MAX_SHEET_ELEMENTS:,} (MAX_SHEET_ELEMENTS)",
        )
    if _FAR.search(xml):  # else neither pattern below can match
        for match in _FAR_CELL.finditer(xml):  # two or more column letters, or five or more row digits
            if not match.group(2):  # <c …/>: formatting only, no value
                _check_reference(match.group(1), name, title)
        for match in _FAR_ROW.finditer(xml):
            row = int(match.group(1))
            if row > MAX_ROWS and _VALUE.search(match.group(2)):
                _beyond(name, title, row, 1)
    if percent_styles:
        styles = b"|".join(str(style).encode() for style in sorted(percent_styles))
        if not re.search(rb"s\s{0,5}=\s{0,5}[\"'](?:" + styles + rb")[\"']", xml):
            return scan  # what every match below holds: no cell has a percent style
        percent = re.compile(
            rb"<(?:[A-Za-z_][\w.-]{0,20}:)?c\b[^>]{0,2000}?\bs\s{0,5}=\s{0,5}[\"'](?:"
            + styles
            + rb")[\"'][^>]{0,2000}>"
        )
        for match in percent.finditer(xml):
            where = _R.search(match.group(0))
            if where is not None:
                scan.percent.add(
                    (int(where.group(2)), _column_number(where.group(1).decode("ascii").upper()))
                )
    return scan


def _check_reference(attributes: bytes, name: str, title: str) -> None:
    where = _R.search(attributes)
    if where is not None:
        r, c = int(where.group(2)), _column_number(where.group(1).decode("ascii").upper())
        if r > MAX_ROWS or c > MAX_COLUMNS:
            _beyond(name, title, r, c)


def _beyond(name: str, title: str, r: int, c: int) -> NoReturn:
    ref = title if all(ch.isalnum() or ch == "_" for ch in title) else "'" + title.replace("'", "''") + "'"
    limit = f"rows 1–{MAX_ROWS:,} (MAX_ROWS), columns A–{_letters(MAX_COLUMNS)} (MAX_COLUMNS)"
    found = f"{ref}!{_letters(c)}{r}" if c <= 18_278 else f"row {r}, column {c}"
    too_large(name, found if c <= 18_278 else title, "a value beyond the area a form may use", found, limit)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _letters(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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
