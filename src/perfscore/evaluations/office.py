"""Self-evaluation tables read from the Word (.docx) and Excel (.xlsx) files units fill in.

Each adapter turns a file into :data:`~perfscore.evaluations.grid.Grid` s — one per document (its paragraphs
and tables, in order) or one per worksheet — with merged cells expanded as
:mod:`perfscore.evaluations.grid` documents; :func:`read_evaluations` reads every table in them.

Cell addresses: ``Sheet1!D14`` (worksheet and cell) for .xlsx; ``表1 R14C4`` (the document's
first table, row 14, grid column 4, 1-based) for .docx, and ``段3`` for its third paragraph.

A form comes from outside (a unit, a vendor's template), so reading one is bounded. Before any
XML is parsed, the file's zip package is checked against the ``MAX_*`` limits below (size on
disk, number of members, each member's declared size and compression ratio, the total) and
for odd members (absolute or ``..`` names, duplicates, encryption, unknown compression, an XML
part with a document type declaration). A worksheet is read element by element and only its
stored cells are kept; a merged range or a Word ``gridSpan`` is clipped to the area that holds
values. Anything beyond a limit is an :class:`EvaluationError` with code ``too-large`` that
names the file, the sheet or table, the cell and the limit: nothing is silently cut off.

python-docx and openpyxl (the ``office`` extra) are imported only when a file is read.
"""

from __future__ import annotations

import datetime
import io
import re
import struct
import zipfile
from collections.abc import Iterator
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any, NoReturn, Optional, Union

from ..decimals import CONTEXT
from ..errors import EvaluationError, Problem
from ..files import MAX_FORM_BYTES, FileRefused, read_bytes
from .grid import Cell, Grid, collect_evaluations, not_a_table
from .model import Evaluation

__all__ = [
    "MAX_CELLS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_COMPRESSION_RATIO",
    "MAX_FILE_BYTES",
    "MAX_MEMBERS",
    "MAX_MEMBER_BYTES",
    "MAX_ROWS",
    "MAX_SHEET_ELEMENTS",
    "MAX_TOTAL_BYTES",
    "MAX_XML_BYTES",
    "RATIO_CHECKED_FROM",
    "docx_grids",
    "read_evaluations",
    "xlsx_grids",
]

_WORD = (".docx", ".docm")
_EXCEL = (".xlsx", ".xlsm")

# -- limits -----------------------------------------------------------------------------------
# A filled-in 绩效自评表 is a few tens of KB: a document.xml or sheet XML of 50–300 KB, under
# 100 zip members, tables of about 40 rows by 8–12 columns. Each limit is one to three orders of
# magnitude above that, and low enough that the worst file within all of them reads in about a
# second and well under 512 MiB.

MAX_FILE_BYTES = MAX_FORM_BYTES
"""The file on disk (32 MiB). Read into memory once, so the checks and the parse see the same
bytes; a form with scanned attachments pasted in stays well under it."""

MAX_MEMBERS = 2_000
"""Members of the zip package. A document has 10–30, a workbook 10 plus 2–3 per sheet; a
central directory of millions of entries would cost seconds and hundreds of MiB to list."""

MAX_MEMBER_BYTES = 32 * 1024 * 1024
"""One member uncompressed, as its zip entry declares it (32 MiB): an embedded image or object.
Python's zipfile never yields more than the declared size (a lie fails its CRC check)."""

MAX_XML_BYTES = 8 * 1024 * 1024
"""One XML part uncompressed (8 MiB): python-docx parses document.xml into one tree (about 10
times its size in memory) and openpyxl reads sharedStrings.xml whole. 30 times a large form."""

MAX_TOTAL_BYTES = 64 * 1024 * 1024
"""All members uncompressed together (64 MiB): python-docx holds every part in memory."""

MAX_COMPRESSION_RATIO = 100
"""Uncompressed / compressed size of one member larger than :data:`RATIO_CHECKED_FROM`. Office
XML deflates 5–20 times, an image hardly at all; a zip bomb deflates a thousand times and more."""

RATIO_CHECKED_FROM = 1024 * 1024
"""Members smaller than this (1 MiB) are not checked for their ratio: a small run of blank
cells can deflate very well and costs nothing to read."""

MAX_ROWS = 10_000
"""Rows of a worksheet's used area, or of a document (paragraphs and table rows together). A
document with one table per 一级项目 for a whole department has a few thousand."""

MAX_COLUMNS = 256
"""Columns of a worksheet's used area or of a Word table (Excel's own limit before 2007, column
IV). Self-evaluation tables have 7 to 12."""

MAX_CELLS = 500_000
"""Cells of one grid (rows × columns of a sheet's used area, all table cells of a document),
and cells covered by a sheet's merged ranges together: the grid is built cell by cell."""

MAX_SHEET_ELEMENTS = 200_000
"""``<row>``, ``<c>`` and ``<mergeCell>`` elements of one worksheet, stored cells without a
value (formatting only) included: each costs time to parse even when it holds nothing (about
5 µs each: a second at the limit)."""

MAX_CELL_CHARS = 32_767
"""Characters of one cell's text (Excel's own limit for a cell). A 偏差原因 note or 年度总体目标
runs to a few hundred."""

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: .doc/.xls, or an encrypted .docx/.xlsx
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_NOT_PARSED = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".wdp", ".bin")
"""Members python-docx and openpyxl keep as bytes and never parse (media, OLE objects): not
scanned for a document type declaration. An SVG in a media folder is not scanned either (an
SVG may carry a DOCTYPE, and neither library parses one)."""
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_DECLARED_ENCODING = re.compile(rb"""encoding\s{0,20}=\s{0,20}["']([A-Za-z0-9._-]{1,40})["']""")
_REF = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?")


def read_evaluations(
    path: Union[str, Path], *, region: str = "", form: str = "", year: int = 0
) -> list[Evaluation]:
    """Every self-evaluation table in a .docx or .xlsx file, in order (附件4 holds one table per
    一级项目, so a document may hold several).

    ``region``, ``form`` and ``year`` are used when given; otherwise form and year are inferred
    from each table's title ("2023 年度项目支出绩效自评表" → project, 2023) and region is "".
    Raises :class:`EvaluationError` listing every problem, each naming the file and cell: the
    file cannot be opened, is larger than a ``MAX_*`` limit of this module (code
    ``too-large``), holds no self-evaluation table, or has number cells (分值, 自评得分,
    budget amounts) that cannot be read as numbers. Amounts are read in
    :data:`perfscore.decimals.CONTEXT`, whatever the caller's decimal context.
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
    kind = "Word" if suffix in _WORD else "Excel"
    with localcontext(CONTEXT):
        try:
            grids = _docx_grids(file, name) if suffix in _WORD else _xlsx_grids(file, name)
        except EvaluationError:
            raise
        except ImportError as exc:
            message = (
                f"reading {suffix} needs python-docx and openpyxl (pip install 'perfscore[office]'): {exc}"
            )
            raise EvaluationError([Problem("file-unreadable", message, file=name)]) from None
        except Exception as exc:  # a broken file: zipfile, lxml, KeyError, openpyxl's and docx's own errors
            problem = Problem(
                "file-unreadable",
                f"cannot open as a {kind} file: {type(exc).__name__}: {exc}"[:2000],
                file=name,
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


# -- errors -----------------------------------------------------------------------------------


def _too_large(file: str, where: str, what: str, found: str, limit: str) -> NoReturn:
    problem = Problem("too-large", f"too large: {what}", file=file, path=where, found=found, expected=limit)
    raise EvaluationError([problem], f"{file}: too large to read")


def _unreadable(file: str, message: str, where: str = "") -> NoReturn:
    raise EvaluationError([Problem("file-unreadable", message, file=file, path=where)], f"{file}: {message}")


# -- the zip package ---------------------------------------------------------------------------


def _package(path: Path, name: str, kind: str) -> bytes:
    """The file's bytes, once they are known to be a zip package of sane size that holds a
    ``kind`` ("Word" or "Excel") document; else an :class:`EvaluationError`."""
    suffixes = ".docx" if kind == "Word" else ".xlsx"
    try:
        data = read_bytes(path, MAX_FILE_BYTES)
    except FileRefused as exc:
        if exc.code == "file-too-large":
            _too_large(name, "", "the file", str(exc), f"at most {MAX_FILE_BYTES:,} bytes (MAX_FILE_BYTES)")
        _unreadable(name, str(exc))
    if not data:
        _unreadable(name, f"empty file: not a {kind} file")
    if data.startswith(_OLE):
        _unreadable(
            name,
            f"not a {suffixes} package: an old-format (.doc/.xls) or password-protected Office file; "
            f"save it unprotected as {suffixes}",
        )
    entries = _declared_entries(data)
    if entries is None:
        _unreadable(
            name,
            f"not a {kind} file: not a zip package, or a truncated one ({suffixes} files are zip packages)",
        )
    if entries > MAX_MEMBERS:
        _too_large(name, "", "zip members", f"{entries:,}", f"at most {MAX_MEMBERS:,} (MAX_MEMBERS)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        _unreadable(name, f"not a {kind} file: a corrupt zip package ({exc})")
    with archive:
        _check_members(archive, name)
        _check_kind(archive.namelist(), name, kind)
        _check_xml(archive, name)
    return data


def _declared_entries(data: bytes) -> Optional[int]:
    """The member count a zip's end-of-central-directory record declares (None: no record),
    read before :mod:`zipfile` builds an entry per member."""
    at = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if at < 0 or len(data) < at + 22:
        return None
    (entries,) = struct.unpack_from("<H", data, at + 10)
    if entries == 0xFFFF and at >= 20 and data[at - 20 : at - 16] == _ZIP64_LOCATOR:
        (offset,) = struct.unpack_from("<Q", data, at - 12)
        if offset + 56 > len(data) or data[offset : offset + 4] != _ZIP64_EOCD:
            return None
        (entries,) = struct.unpack_from("<Q", data, offset + 32)
    return int(entries)


def _check_members(archive: zipfile.ZipFile, name: str) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        _too_large(name, "", "zip members", f"{len(infos):,}", f"at most {MAX_MEMBERS:,} (MAX_MEMBERS)")
    seen: set[str] = set()
    total = 0
    for info in infos:
        member = info.filename
        odd = _odd_member(info)
        if odd:
            _unreadable(name, f"refused: a zip member that no Office file has ({odd})", member[:200])
        if member.lower() in seen:
            _unreadable(name, "refused: a zip member stored twice", member[:200])
        seen.add(member.lower())
        size, packed = info.file_size, info.compress_size
        xml = _parsed(member)
        limit, limit_name = (
            (MAX_XML_BYTES, "MAX_XML_BYTES") if xml else (MAX_MEMBER_BYTES, "MAX_MEMBER_BYTES")
        )
        if size > limit:
            _too_large(
                name,
                member,
                "a zip member, uncompressed",
                f"{size:,} bytes",
                f"at most {limit:,} bytes ({limit_name})",
            )
        if size >= RATIO_CHECKED_FROM and size > MAX_COMPRESSION_RATIO * max(packed, 1):
            _too_large(
                name,
                member,
                "a zip member's compression ratio (a zip bomb?)",
                f"{size:,} bytes from {packed:,}",
                f"at most {MAX_COMPRESSION_RATIO}:1 (MAX_COMPRESSION_RATIO)",
            )
        total += size
        if total > MAX_TOTAL_BYTES:
            _too_large(
                name,
                member,
                "the zip members together, uncompressed",
                f"more than {total:,} bytes",
                f"at most {MAX_TOTAL_BYTES:,} bytes (MAX_TOTAL_BYTES)",
            )


def _odd_member(info: zipfile.ZipInfo) -> str:
    member = info.filename
    if not member or len(member) > 1024:
        return "an empty or overlong name"
    if member.startswith(("/", "\\")) or "\\" in member or ":" in member:
        return "an absolute name or one with a drive or backslash"
    if any(part in ("..", ".") for part in member.split("/")):
        return "a name with a '..' or '.' segment (directory traversal)"
    if any(ord(ch) < 32 for ch in member):
        return "a name with a control character"
    if info.flag_bits & 0x1:
        return "an encrypted member"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"compression method {info.compress_type}"
    return ""


def _parsed(member: str) -> bool:
    """True for a member a reader may parse as XML (all but media and embedded objects)."""
    lower = member.lower()
    if lower.endswith("/"):
        return False
    if lower.endswith(".svg") and "/media/" in "/" + lower:
        return False
    return not lower.endswith(_NOT_PARSED) and "/embeddings/" not in "/" + lower


def _check_kind(names: list[str], name: str, kind: str) -> None:
    """A Word document named .xlsx (or the reverse) is refused with what it is."""
    tops = {member.split("/", 1)[0] for member in names if "/" in member}
    expected, other = ("word", "xl") if kind == "Word" else ("xl", "word")
    if expected in tops:
        return
    if other in tops:
        actual = "an Excel workbook (.xlsx)" if other == "xl" else "a Word document (.docx)"
        _unreadable(name, f"not a {kind} file: it is {actual} with the wrong file extension; rename it")
    if "ppt" in tops:
        _unreadable(name, f"not a {kind} file: it is a PowerPoint presentation")
    if "mimetype" in names or "content.xml" in names:
        _unreadable(name, f"not a {kind} file: an OpenDocument file (.odt/.ods); save it as .docx or .xlsx")
    _unreadable(
        name, f"not a {kind} file: a zip package without a {'word/' if kind == 'Word' else 'xl/'} part"
    )


def _check_xml(archive: zipfile.ZipFile, name: str) -> None:
    """Every part a reader may parse is UTF-8 or UTF-16 XML without a document type declaration.

    Office never writes a DTD; refusing one closes entity expansion ("billion laughs") and
    external entities (XXE) whatever the XML parser underneath (openpyxl reads some parts with
    the standard library's expat, python-docx with lxml). Reading each part also checks its CRC.
    """
    for info in archive.infolist():
        if not _parsed(info.filename):
            continue
        with archive.open(info) as member:
            data = member.read(MAX_XML_BYTES + 1)
        head = data[:200]
        if head.startswith((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")) or head[:4].count(0) >= 3:
            _unreadable(name, "refused: an XML part in UTF-32 (Office writes UTF-8 or UTF-16)", info.filename)
        declared = _DECLARED_ENCODING.search(head.replace(b"\x00", b""))
        if declared and declared.group(1).lower().replace(b"_", b"-") not in (
            b"utf-8",
            b"utf8",
            b"utf-16",
            b"utf16",
        ):
            _unreadable(name, "refused: an XML part in an encoding other than UTF-8 or UTF-16", info.filename)
        if any(marker in data for marker in _DTD_MARKERS):
            _unreadable(
                name,
                "refused: an XML part with a document type declaration (Office never writes one; "
                "it can expand entities or read other files)",
                info.filename,
            )


# -- Word -----------------------------------------------------------------------------------


def docx_grids(path: Path) -> list[Grid]:
    """One grid for the whole document: each non-empty paragraph a one-cell row, each table's
    rows as they are, in document order. Raises :class:`EvaluationError` for a file beyond the
    limits, and what python-docx raises for a broken file."""
    return _docx_grids(Path(path), str(path))


def _docx_grids(path: Path, name: str) -> list[Grid]:
    import docx
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(_package(path, name, "Word")))
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
            for row in _docx_table(child, tables, document, budget):
                rows.append(row)
    return [rows]


class _Budget:
    """What one grid has used of :data:`MAX_ROWS` and :data:`MAX_CELLS`."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.rows = 0
        self.cells = 0

    def row(self, where: str, width: int) -> None:
        self.rows += 1
        self.cells += width
        if self.rows > MAX_ROWS:
            _too_large(
                self.file,
                where,
                "rows in the document",
                f"more than {MAX_ROWS:,}",
                f"at most {MAX_ROWS:,} (MAX_ROWS)",
            )
        if self.cells > MAX_CELLS:
            _too_large(
                self.file,
                where,
                "cells in the document",
                f"more than {MAX_CELLS:,}",
                f"at most {MAX_CELLS:,} (MAX_CELLS)",
            )

    def text(self, where: str, text: str) -> None:
        if len(text) > MAX_CELL_CHARS:
            _too_large(
                self.file,
                where,
                "the text of one cell",
                f"{len(text):,} characters",
                f"at most {MAX_CELL_CHARS:,} (MAX_CELL_CHARS)",
            )


def _docx_table(table: Any, number: int, document: Any, budget: _Budget) -> Iterator[list[Cell]]:
    """The table's rows on its grid. A ``gridSpan`` or ``gridBefore`` is clipped to the table's
    width (its ``tblGrid``, or its widest row of cells), keeping every cell where it stands."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    tc_tag, tr_tag = qn("w:tc"), qn("w:tr")
    grid = table.find(qn("w:tblGrid"))
    width = 0 if grid is None else sum(1 for _ in grid.iterchildren(qn("w:gridCol")))
    if width > MAX_COLUMNS:
        _too_large(
            budget.file,
            f"表{number}",
            "columns in a table",
            f"{width:,}",
            f"at most {MAX_COLUMNS:,} (MAX_COLUMNS)",
        )
    trs = []
    for tr in table.iterchildren(tr_tag):
        trs.append(tr)
        if budget.rows + len(trs) > MAX_ROWS:
            where = f"表{number} R{len(trs)}"
            _too_large(
                budget.file,
                where,
                "rows in the document",
                f"more than {MAX_ROWS:,}",
                f"at most {MAX_ROWS:,} (MAX_ROWS)",
            )
        cells = sum(1 for _ in tr.iterchildren(tc_tag))
        if cells > MAX_COLUMNS:
            where = f"表{number} R{len(trs)}"
            _too_large(
                budget.file,
                where,
                "cells in a table row",
                f"{cells:,}",
                f"at most {MAX_COLUMNS:,} (MAX_COLUMNS)",
            )
        width = max(width, cells)
    above: dict[int, Cell] = {}  # grid column → the cell there in the row above
    for r, tr in enumerate(trs, 1):
        row: list[Cell] = []

        def address(column: int, r: int = r) -> str:
            return f"表{number} R{r}C{column + 1}"

        tcs = list(tr.iterchildren(tc_tag))
        before = min(_int_attr(tr, ("w:trPr", "w:gridBefore")), width - len(tcs))
        for _ in range(max(0, before)):
            row.append(Cell("", address(len(row))))
        for index, tc in enumerate(tcs):
            column = len(row)
            room = width - column - (len(tcs) - index - 1)  # what the cells after this one still need
            span = max(1, min(_int_attr(tc, ("w:tcPr", "w:gridSpan")), room))
            vmerge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            continues = vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue"
            if continues and column in above:
                prev = above[column]
                cell = Cell(prev.text, address(column), prev.anchor or prev.address)
            else:
                text = "\n".join(Paragraph(p, document).text for p in tc.iterchildren(qn("w:p")))
                budget.text(address(column), text)
                cell = Cell(text.strip(), address(column))
            row.append(cell)
            for _ in range(1, span):
                row.append(Cell("", address(len(row)), cell.anchor or cell.address))
        budget.row(address(0), len(row))
        above = dict(enumerate(row))
        yield row


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


# -- Excel ----------------------------------------------------------------------------------


def xlsx_grids(path: Path) -> list[Grid]:
    """One grid per worksheet (cached values of formulas), over the area that holds values.
    Raises :class:`EvaluationError` for a file beyond the limits, and what openpyxl raises for
    a broken file."""
    return _xlsx_grids(Path(path), str(path))


def _xlsx_grids(path: Path, name: str) -> list[Grid]:
    """The workbook's parts read as openpyxl's read-only mode reads them (shared strings, the
    workbook, its styles), but not its per-sheet size probe, which parses a sheet without a
    ``<dimension>`` whole; each worksheet is then walked once, by :func:`_sheet_grid`."""
    from types import SimpleNamespace

    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(io.BytesIO(_package(path, name, "Excel")), read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        grids: list[Grid] = []
        for sheet, rel in reader.parser.find_sheets():
            if rel.target not in reader.valid_files or "chartsheet" in rel.Type:
                continue
            worksheet = SimpleNamespace(parent=reader.wb, title=sheet.name)
            grids.append(_sheet_grid(reader, worksheet, rel.target, name))
        return grids
    finally:
        reader.archive.close()


def _sheet_grid(reader: Any, sheet: Any, part: str, file: str) -> Grid:
    """The worksheet's stored cells, read element by element (never its ``<dimension>``, which
    may lie), laid out over the rows and columns that hold values; merged ranges clipped to
    them."""
    from lxml import etree  # type: ignore[import-untyped]
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS

    title = sheet.title
    ref = title if all(ch.isalnum() or ch == "_" for ch in title) else "'" + title.replace("'", "''") + "'"

    def address(r: int, c: int) -> str:
        return f"{ref}!{get_column_letter(c)}{r}"

    def too_large(where: str, what: str, found: str, limit: str) -> NoReturn:
        _too_large(file, where, what, found, limit)

    # openpyxl's own cell reader converts each value, as load_workbook does (dates, numbers,
    # shared strings, booleans); the XML is walked here so nothing but stored cells is made.
    parser = WorkSheetParser(
        b"",  # never parsed: only its parse_cell is used
        reader.shared_strings,
        data_only=True,
        epoch=reader.wb.epoch,
        date_formats=reader.wb._date_formats,
        timedelta_formats=reader.wb._timedelta_formats,
    )
    row_tag, cell_tag, merge_tag = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("row", "c", "mergeCell"))
    texts: dict[tuple[int, int], str] = {}
    merges: list[str] = []
    last_row = last_column = 0
    elements = 0
    row_element = None
    with reader.archive.open(part) as source:
        events = etree.iterparse(
            source,
            events=("end",),
            tag=(row_tag, cell_tag, merge_tag),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        for _, element in events:
            elements += 1
            if elements > MAX_SHEET_ELEMENTS:
                too_large(
                    title,
                    "rows, cells and merged ranges stored in a worksheet",
                    f"more than {MAX_SHEET_ELEMENTS:,}",
                    f"at most {MAX_SHEET_ELEMENTS:,} (MAX_SHEET_ELEMENTS)",
                )
            tag = element.tag
            if tag == cell_tag:
                parent = element.getparent()
                if parent is not row_element:  # the first cell of a row: its number, as openpyxl counts
                    row_element = parent
                    parser.row_counter = _row_number(parent.get("r"), parser.row_counter)
                    parser.col_counter = 0
                if len(element) == 0:  # no <v>, no <is>: formatting only, no value
                    reference = element.get("r")
                    parser.col_counter = (
                        parser.col_counter + 1 if reference is None else _column_of(reference)
                    )
                    element.clear()
                    continue
                cell = parser.parse_cell(element)
                element.clear()
                if cell["value"] is None:
                    continue
                r, c = cell["row"], cell["column"]
                if r > MAX_ROWS or c > MAX_COLUMNS:
                    limit = f"rows 1–{MAX_ROWS:,} (MAX_ROWS), columns A–{get_column_letter(MAX_COLUMNS)} (MAX_COLUMNS)"
                    too_large(
                        address(r, c) if c <= 18_278 else title,
                        "a value beyond the area a form may use",
                        address(r, c) if c <= 18_278 else f"row {r}, column {c}",
                        limit,
                    )
                text = _text(ReadOnlyCell(sheet, r, c, cell["value"], cell["data_type"], cell["style_id"]))
                if len(text) > MAX_CELL_CHARS:
                    too_large(
                        address(r, c),
                        "the text of one cell",
                        f"{len(text):,} characters",
                        f"at most {MAX_CELL_CHARS:,} (MAX_CELL_CHARS)",
                    )
                texts[(r, c)] = text
                last_row, last_column = max(last_row, r), max(last_column, c)
            elif tag == row_tag:
                if element is not row_element:  # a row without cells still counts
                    parser.row_counter = _row_number(element.get("r"), parser.row_counter)
                row_element = None
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
            else:
                merges.append(str(element.get("ref", ""))[:40])
                element.clear()
    if last_row * last_column > MAX_CELLS:
        too_large(
            title,
            "cells in a worksheet's used area",
            f"{last_row:,} rows × {last_column:,} columns (to {address(last_row, last_column)})",
            f"at most {MAX_CELLS:,} (MAX_CELLS)",
        )
    merged: dict[tuple[int, int], Cell] = {}
    covered = 0
    for text_ref in merges:
        bounds = _range(text_ref)
        if bounds is None:
            continue
        top, left, bottom, right = bounds
        if top > last_row or left > last_column:
            continue  # wholly outside the cells that hold values
        bottom, right = min(bottom, last_row), min(right, last_column)
        covered += (bottom - top + 1) * (right - left + 1)
        if covered > MAX_CELLS:
            too_large(
                f"{title}!{text_ref}",
                "cells covered by merged ranges",
                f"more than {MAX_CELLS:,}",
                f"at most {MAX_CELLS:,} (MAX_CELLS)",
            )
        anchor = address(top, left)
        text = texts.get((top, left), "")
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                if (r, c) != (top, left):
                    merged[(r, c)] = Cell(text if c == left else "", address(r, c), anchor)
    grid: list[list[Cell]] = []
    for r in range(1, last_row + 1):
        grid.append(
            [
                merged.get((r, c)) or Cell(texts.get((r, c), ""), address(r, c))
                for c in range(1, last_column + 1)
            ]
        )
    return grid


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
