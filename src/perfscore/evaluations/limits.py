"""Every limit on what a Word or Excel form may hold, in one place.

A form comes from outside (a unit, a vendor's template), so reading one is bounded: the zip
package is checked against these limits before any XML is parsed (:mod:`.package`), and the
Word and Excel readers (:mod:`.docx`, :mod:`.xlsx`) count rows, columns, cells and elements
as they go. Anything beyond a limit is an :class:`~perfscore.errors.EvaluationError` with
code ``too-large`` that names the file, the part, the cell and the limit by its name here:
nothing is silently cut off. ``docs/security.md`` lists them (tests/test_security_doc.py).
"""

from __future__ import annotations

from ..files import MAX_FORM_BYTES
from ..rules import MAX_FILE_BYTES as MAX_TEXT_FILE_BYTES

__all__ = [
    "MAX_CELLS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_COMPRESSION_RATIO",
    "MAX_CONVERT_SECONDS",
    "MAX_EVALUATION_BYTES",
    "MAX_FILE_BYTES",
    "MAX_MEMBERS",
    "MAX_MEMBER_BYTES",
    "MAX_PDF_PAGES",
    "MAX_PDF_PAGE_CHARS",
    "MAX_ROWS",
    "MAX_SHEET_ELEMENTS",
    "MAX_TOTAL_BYTES",
    "MAX_XML_BYTES",
    "RATIO_CHECKED_FROM",
]

MAX_EVALUATION_BYTES = MAX_TEXT_FILE_BYTES
"""The largest evaluation file (.toml, .json) read, in bytes: the TOML/JSON readers' own limit
(8 MiB), shared with ruleset files."""

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

MAX_CONVERT_SECONDS = 60
"""Wall-clock seconds one LibreOffice conversion (.doc, .wps, .et, .odt) may take before it is
killed: a two-page form converts in one to three seconds, a first run with a fresh profile in
about five."""

MAX_PDF_PAGES = 100
"""Pages of a PDF read. A self-evaluation table runs to one to three pages; a department's
whole report with every 一级项目's table to a few dozen."""

MAX_PDF_PAGE_CHARS = 50_000
"""Characters on one PDF page (a dense A4 page of small print holds about 5,000): each is an
object the table finder places, so a page of millions would stall it."""
