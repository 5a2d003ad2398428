"""A PDF with a text layer as one :data:`~.grid.Grid`, read through pdfplumber.

Tables are found from their ruling lines (the borders a form prints); each table row becomes a
row of cells addressed ``页2 表1 R3C4`` (page 2, the page's first table, row 3, column 4,
1-based), and every line of text outside a table a one-cell row addressed ``页1 行2`` — in
reading order, as :mod:`.docx` lays out a document. A cell spanning several rows or columns is
expanded as :mod:`.grid` documents (the value repeated down its leftmost column, ``anchor`` the
top-left cell). The lines of text wrapped inside one cell are joined (without a space between
two Chinese characters).

A PDF without a text layer (a scanned image) is refused with "扫描件，需要 OCR"; pages and
characters per page are bounded by :mod:`.limits`.
"""

from __future__ import annotations

import io
import re
from typing import Any, Optional

from .grid import Cell, Grid
from .limits import MAX_CELL_CHARS, MAX_CELLS, MAX_PDF_PAGE_CHARS, MAX_PDF_PAGES, MAX_ROWS
from .problems import too_large, unreadable

__all__ = ["read_pdf"]

_LATIN_END = re.compile(r"[A-Za-z,;:]$")
_LATIN_START = re.compile(r"\s*[A-Za-z]")


def read_pdf(data: bytes, name: str) -> list[Grid]:
    """The document's text lines and ruled tables, page by page, as one grid."""
    import pdfplumber

    rows: list[list[Cell]] = []
    text_found = False
    try:
        document = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer's own errors: a password, a damaged file
        if "password" in type(exc).__name__.lower() or "Encrypt" in type(exc).__name__:
            unreadable(name, "a password-protected PDF: 需要先去除密码 (save it without a password)")
        raise
    with document:
        pages = document.pages
        if len(pages) > MAX_PDF_PAGES:
            too_large(
                name, "", "pages of a PDF", f"{len(pages):,}", f"at most {MAX_PDF_PAGES} (MAX_PDF_PAGES)"
            )
        for number, page in enumerate(pages, 1):
            chars = len(page.chars)
            if chars > MAX_PDF_PAGE_CHARS:
                too_large(
                    name,
                    f"页{number}",
                    "characters on one PDF page",
                    f"{chars:,}",
                    f"at most {MAX_PDF_PAGE_CHARS:,} (MAX_PDF_PAGE_CHARS)",
                )
            text_found = text_found or chars > 0
            rows.extend(_page(page, number, name))
            page.close()
            if len(rows) > MAX_ROWS:
                too_large(
                    name,
                    f"页{number}",
                    "rows in the document",
                    f"more than {MAX_ROWS:,}",
                    f"at most {MAX_ROWS:,} (MAX_ROWS)",
                )
    if not text_found:
        unreadable(
            name,
            "a scanned PDF without a text layer: 扫描件，需要 OCR（先用 OCR 软件识别为文字，或提供 Word/Excel 原件）; "
            "scanned image, needs OCR",
        )
    if sum(len(row) for row in rows) > MAX_CELLS:
        too_large(
            name,
            "",
            "cells in the document",
            f"more than {MAX_CELLS:,}",
            f"at most {MAX_CELLS:,} (MAX_CELLS)",
        )
    return [rows]


def _page(page: Any, number: int, name: str) -> list[list[Cell]]:
    """The page's lines outside tables and its tables' rows, top to bottom."""
    tables = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
    items: list[tuple[float, int, list[list[Cell]]]] = []
    boxes = [table.bbox for table in tables]
    for index, table in enumerate(tables, 1):
        items.append((table.bbox[1], 1, _table(table, f"页{number} 表{index} R", name)))
    line_number = 0
    for line in page.extract_text_lines(return_chars=False):
        middle_x = (line["x0"] + line["x1"]) / 2
        middle_y = (line["top"] + line["bottom"]) / 2
        if any(x0 <= middle_x <= x1 and top <= middle_y <= bottom for x0, top, x1, bottom in boxes):
            continue
        text = str(line["text"]).strip()
        if text:
            line_number += 1
            _check_text(name, f"页{number} 行{line_number}", text)
            items.append((line["top"], 0, [[Cell(text, f"页{number} 行{line_number}")]]))
    items.sort(key=lambda item: (item[0], item[1]))
    return [row for _, _, block in items for row in block]


def _table(table: Any, prefix: str, name: str) -> list[list[Cell]]:
    """A table's rows on its grid of distinct column starts and row tops."""
    texts = table.extract(keep_blank_chars=True)
    bboxes = [row.cells for row in table.rows]
    xs = sorted({cell[0] for row in bboxes for cell in row if cell is not None})
    tops = sorted({cell[1] for row in bboxes for cell in row if cell is not None})
    width, height = len(xs), len(texts)
    grid: list[list[Optional[Cell]]] = [[None] * width for _ in range(height)]
    for r, (row_texts, row_boxes) in enumerate(zip(texts, bboxes)):
        for c, (text, box) in enumerate(zip(row_texts, row_boxes)):
            if box is None or grid[r][c] is not None:
                continue
            value = _join(text or "")
            address = f"{prefix}{r + 1}C{c + 1}"
            _check_text(name, address, value)
            grid[r][c] = Cell(value, address)
            right = c + sum(1 for x in xs[c + 1 :] if x < box[2] - 0.5)
            bottom = r + sum(1 for top in tops if box[1] + 0.5 < top < box[3] - 0.5)
            for rr in range(r, min(bottom, height - 1) + 1):
                for cc in range(c, min(right, width - 1) + 1):
                    if (rr, cc) != (r, c) and grid[rr][cc] is None:
                        grid[rr][cc] = Cell(value if cc == c else "", f"{prefix}{rr + 1}C{cc + 1}", address)
    return [
        [cell or Cell("", f"{prefix}{r + 1}C{c + 1}") for c, cell in enumerate(row)]
        for r, row in enumerate(grid)
    ]


def _join(text: str) -> str:
    """A cell's wrapped lines joined: with a space where the line broke at one, or between two
    Latin words; without one inside Chinese text."""
    joined = ""
    for line in text.split("\n"):
        if not line.strip():
            continue
        if joined and (joined[-1].isspace() or (_LATIN_END.search(joined) and _LATIN_START.match(line))):
            joined = joined.rstrip() + " "
        joined += line.lstrip() if joined.endswith(" ") or not joined else line
    return joined.strip()


def _check_text(name: str, where: str, text: str) -> None:
    if len(text) > MAX_CELL_CHARS:
        too_large(
            name,
            where,
            "the text of one cell",
            f"{len(text):,} characters",
            f"at most {MAX_CELL_CHARS:,} (MAX_CELL_CHARS)",
        )
