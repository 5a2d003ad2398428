"""What a workbook's own XML says that python-calamine does not report, read before calamine
builds a sheet: the cells shown as a percentage (.xlsx ``styles.xml`` and each cell's ``s``; .xls
from its BIFF8 records, :mod:`.compound`; .ods ``office:value-type``), .ods merged ranges, and the
cells that hold a value, counted and checked against :mod:`.limits` (a value far away,
``XFD1048576``, is refused rather than allocated). Used by :mod:`.sheets`."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from typing import Any, NoReturn, Optional

from .limits import MAX_COLUMNS, MAX_ROWS, MAX_SHEET_ELEMENTS
from .problems import too_large

__all__ = ["Parts", "Scan", "column_letters", "ods_scans", "xls_scans", "xlsx_scans"]

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


class Scan:
    """What a sheet says that calamine does not report: its cells shown as a percentage, and
    (for .ods) its merged ranges, 0-based as calamine gives them."""

    def __init__(self) -> None:
        self.percent: set[tuple[int, int]] = set()
        self.merges: Optional[list[tuple[tuple[int, int], tuple[int, int]]]] = None


class Parts:
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


def xlsx_scans(parts: Parts, name: str) -> dict[str, Scan]:
    """Each worksheet's scan, by sheet name: its elements counted, its cells with a value
    checked against the limits, and those with a percent style noted."""
    from lxml import etree  # type: ignore[import-untyped]

    scans: dict[str, Scan] = {}
    names = parts.names()
    workbook_part = _main_part(names)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    rels = _rels(parts, names, workbook_part, parser)
    percent_styles = _percent_styles(parts, names, rels, parser)
    for title, part in _sheet_parts(parts, names, workbook_part, rels, parser):
        scans[title] = _scan_sheet(parts.read(part), name, title, percent_styles)
    return scans


def xls_scans(data: bytes, name: str) -> dict[str, Scan]:
    """Each worksheet's percent-formatted cells, from the workbook's BIFF8 records."""
    from .compound import xls_percent_cells

    scans: dict[str, Scan] = {}
    for title, percent in xls_percent_cells(data).items():
        scans[title] = Scan()
        scans[title].percent = percent
    return scans


_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def ods_scans(parts: Parts, name: str) -> dict[str, Scan]:
    """Each sheet's percentage cells and merged ranges, from ``content.xml``: rows and cells
    counted through their ``number-*-repeated`` attributes, never materialised."""
    from lxml import etree

    table, office = f"{{{_ODS_TABLE}}}", f"{{{_ODS_OFFICE}}}"
    scans: dict[str, Scan] = {}
    with parts.zip().open("content.xml") as source:
        scan, row, column, elements, repeated = Scan(), -1, 0, 0, 1
        events = etree.iterparse(
            source, events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False
        )
        for event, element in events:
            tag = element.tag
            if event == "start":
                if tag == table + "table":
                    scan, row = Scan(), -1
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


def _ods_cell(element: Any, scan: Scan, row: int, column: int, table: str, office: str) -> None:
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


def _rels(parts: Parts, names: set[str], part: str, parser: Any) -> dict[str, str]:
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
    parts: Parts, names: set[str], workbook: str, rels: dict[str, str], parser: Any
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


def _percent_styles(parts: Parts, names: set[str], rels: dict[str, str], parser: Any) -> set[int]:
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


def _scan_sheet(xml: bytes, name: str, title: str, percent_styles: set[int]) -> Scan:
    """The sheet's elements counted, its values beyond the limits refused, its percent cells
    found: a few regular-expression passes over the XML, a Python step only for a match that
    may be out of bounds or is percent-styled."""
    scan = Scan()
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
    limit = f"rows 1–{MAX_ROWS:,} (MAX_ROWS), columns A–{column_letters(MAX_COLUMNS)} (MAX_COLUMNS)"
    found = f"{ref}!{column_letters(c)}{r}" if c <= 18_278 else f"row {r}, column {c}"
    too_large(name, found if c <= 18_278 else title, "a value beyond the area a form may use", found, limit)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
