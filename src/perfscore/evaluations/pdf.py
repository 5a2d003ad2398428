"""A PDF with a text layer as one :data:`~.grid.Grid`, read through pdfplumber.

Tables are found from their ruling lines (the borders a form prints); each table row becomes a
row of cells addressed ``页2 表1 R3C4`` (page 2, the page's first table, row 3, column 4,
1-based), and every line of text outside a table a one-cell row addressed ``页1 行2`` — in
reading order, as :mod:`.docx` lays out a document. A cell spanning several rows or columns is
expanded as :mod:`.grid` documents (the value repeated down its leftmost column, ``anchor`` the
top-left cell). The lines of text wrapped inside one cell are joined (without a space between
two Chinese characters).

A table that runs on over a page break is read as one (:class:`_Continued`): the rows it
repeats at the top of each page (Word's "重复标题行") are dropped, and a row broken across the
break is joined again. The first row on the new page continues the last one on the page before
when the indicator header (found in the table's first part) says its name and level cells, and
every cell left of the name, are empty while another cell has text (the tail of a long 偏差原因);
its texts are added to that row's cells in reading order. A first row whose name cell has text is
a row of its own, never joined. A page number between the two parts is no obstacle.

A PDF without a text layer (a scanned image) is refused with "扫描件，需要 OCR", one with text
but no ruled table with "未找到带边框线的表格" (where words stand does not tell which cell they
are in: a wrapped line and a new row look alike); pages and
characters per page are bounded by :mod:`.limits`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any, NamedTuple, Optional

from .grid import Cell, Grid
from .layout import NATIONAL
from .limits import MAX_CELL_CHARS, MAX_CELLS, MAX_PDF_PAGE_CHARS, MAX_PDF_PAGES, MAX_ROWS
from .problems import too_large, unreadable

__all__ = ["read_pdf"]

_LATIN_END = re.compile(r"[A-Za-z,;:]$")
_LATIN_START = re.compile(r"\s*[A-Za-z]")
_PAGE_NUMBER = re.compile(
    r"[-—–\s]*(?:第\s*)?[0-9]{1,4}\s*页?(?:\s*[/／]\s*[0-9]{1,4}|\s*共\s*[0-9]{1,4}\s*页)?[-—–\s]*"
)
"""A page number printed in a header or footer ("- 3 -", "第 3 页", "3/12"): it does not stop a
table from continuing on the next page. Matched only against a line of at most 20 characters."""
_SAME_COLUMN = 1.0
"""Points two column starts may differ by and still be the same column on the next page."""


class _Block(NamedTuple):
    """A page's table or line of text, where it stands."""

    top: float
    table: bool
    rows: list[list[Cell]]
    columns: tuple[float, ...] = ()
    """A table's column starts (its x positions), to tell the same table on the next page."""


def read_pdf(data: bytes, name: str) -> list[Grid]:
    """The document's text lines and ruled tables, page by page, as one grid."""
    import pdfplumber

    rows: list[list[Cell]] = []
    continued = _Continued(name)
    text_found = ruled = False
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
            blocks = _page(page, number, name)
            ruled = ruled or any(block.table for block in blocks)
            rows.extend(continued.page(blocks))
            page.close()
            if len(rows) > MAX_ROWS:
                too_large(
                    name,
                    f"页{number}",
                    "rows in the document",
                    f"more than {MAX_ROWS:,}",
                    f"at most {MAX_ROWS:,} (MAX_ROWS)",
                )
    if text_found and not ruled:
        _unruled(name)
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


def _unruled(name: str) -> None:
    """A PDF with text and no ruled table: its tables (if any) print no ruling lines, so which
    text stands in which cell cannot be told; said so, never guessed from where words stand."""
    unreadable(
        name,
        "a PDF with no ruled table: 未找到带边框线的表格，表格无框线时无法确定每个单元格"
        "（请提供 Word/Excel 原件，或给表格加上框线后再导出 PDF）; "
        "its tables print no ruling lines, so their cells cannot be told apart",
    )


def _page(page: Any, number: int, name: str) -> list[_Block]:
    """The page's lines outside tables and its tables, top to bottom."""
    tables = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
    items: list[_Block] = []
    boxes = [table.bbox for table in tables]
    for index, table in enumerate(tables, 1):
        rows, columns = _table(table, f"页{number} 表{index} R", name)
        items.append(_Block(table.bbox[1], True, rows, columns))
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
            items.append(_Block(line["top"], False, [[Cell(text, f"页{number} 行{line_number}")]]))
    items.sort(key=lambda item: (item.top, item.table))
    return items


class _Continued:
    """Tables read across page breaks: the first table of a page continues the last table of the
    page before when nothing but a page number stands between them and their columns start at
    the same places."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.first: list[list[Cell]] = []
        """The rows of the open table read so far, from its first part on ([] for none)."""
        self.columns: tuple[float, ...] = ()
        self.last: Optional[list[Cell]] = None
        """The table's last row read so far: a row broken over the page break is joined to it."""

    def page(self, blocks: Sequence[_Block]) -> list[list[Cell]]:
        """The page's rows, the first table's repeated header dropped and its first row joined
        to the last row of the page before when it is that row's tail."""
        rows: list[list[Cell]] = []
        for position, block in enumerate(blocks):
            part = block.rows
            if block.table:
                if self.first and _furniture(blocks[:position]) and self.continues(block):
                    part = _relaid(part, block.columns, self.columns)
                    part = self.joined(self.without_header(part))
                    self.first.extend(part)
                else:
                    self.first = list(block.rows)
                    self.columns = block.columns
                self.last = part[-1] if part else self.last
            elif not _furniture((block,)):
                self.first = []
            rows.extend(part)
        return rows

    def continues(self, block: _Block) -> bool:
        """The new part's column starts are the table's, or some of them: a Word table whose
        meta or budget rows split the columns differently has more starts in its first part
        than the indicator rows carried over to the next page."""
        return bool(block.columns) and _positions(block.columns, self.columns) is not None

    def without_header(self, part: list[list[Cell]]) -> list[list[Cell]]:
        """``part`` without the rows that repeat the table's first rows (its header)."""
        repeated = 0
        for row, first in zip(part, self.first):
            texts = [cell.text for cell in row]
            if texts != [cell.text for cell in first] or sum(1 for text in texts if text.strip()) < 2:
                break
            repeated += 1
        return part[repeated:]

    def joined(self, part: list[list[Cell]]) -> list[list[Cell]]:
        """``part`` without its first row when that row is the tail of :attr:`last` (whose
        cells then hold its texts, and merged cells below it are anchored to them). The
        indicator header is looked for in the table read so far (none found: nothing joined)."""
        header, columns = _header(self.first)
        last = self.last
        if (
            not part
            or last is None
            or "name" not in columns
            or any(last is row for row in self.first[: header + 1])
        ):
            return part  # no indicator header, or the break falls right under it
        tail = part[0]
        name = columns["name"]
        empty = [
            *range(name + 1),
            *(columns[field] for field in ("block", "category", "group") if field in columns),
        ]
        if (
            len(tail) != len(last)
            or any(tail[c].text.strip() for c in empty if c < len(tail))
            or not any(cell.text.strip() for cell in tail)
        ):
            return part  # a row of its own: its name (or what stands left of it) has text
        moved: dict[str, str] = {}
        for c, (cell, above) in enumerate(zip(tail, last)):
            moved[cell.address] = above.anchor or above.address
            if cell.text.strip() and not cell.anchor:
                text = _join(f"{above.text}\n{cell.text}")
                _check_text(self.name, above.address, text)
                last[c] = Cell(text, above.address, above.anchor)
        rest = part[1:]
        for row in rest:
            for c, cell in enumerate(row):
                if cell.anchor in moved:
                    row[c] = Cell(cell.text, cell.address, moved[cell.anchor])
        return rest


def _positions(columns: Sequence[float], grid: Sequence[float]) -> Optional[list[int]]:
    """The index in ``grid`` of each of ``columns`` (None when one is not there): the first
    column starts where the table does."""
    positions: list[int] = []
    for x in columns:
        found = [i for i, start in enumerate(grid) if abs(start - x) <= _SAME_COLUMN]
        if not found or (positions and found[0] <= positions[-1]):
            return None
        positions.append(found[0])
    return positions if positions and positions[0] == 0 else None


def _relaid(part: list[list[Cell]], columns: Sequence[float], grid: Sequence[float]) -> list[list[Cell]]:
    """``part`` (read on its own ``columns``) laid on the finer ``grid`` of the table it
    continues: a cell covering several of the grid's columns spans them as a merged cell does
    (blank, anchored to it), and addresses are renumbered on the grid."""
    positions = _positions(columns, grid)
    if positions is None or len(positions) == len(grid):
        return part
    ends = [*positions[1:], len(grid)]
    renamed: dict[str, str] = {}
    for row in part:
        for c, cell in enumerate(row[: len(positions)]):
            renamed[cell.address] = f"{cell.address.rsplit('C', 1)[0]}C{positions[c] + 1}"
    laid: list[list[Cell]] = []
    for row in part:
        out: list[Cell] = []
        for c, cell in enumerate(row[: len(positions)]):
            address = renamed[cell.address]
            anchor = renamed.get(cell.anchor, cell.anchor)
            out.append(Cell(cell.text, address, anchor))
            prefix = address.rsplit("C", 1)[0]
            out.extend(
                Cell("", f"{prefix}C{k + 1}", anchor or address) for k in range(positions[c] + 1, ends[c])
            )
        laid.append(out)
    return laid


def _furniture(blocks: Sequence[_Block]) -> bool:
    """True when ``blocks`` are nothing but page numbers."""
    return all(not block.table and _page_number(block.rows[0][0].text) for block in blocks)


def _page_number(text: str) -> bool:
    return len(text) <= 20 and _PAGE_NUMBER.fullmatch(text) is not None


def _header(rows: Sequence[Sequence[Cell]]) -> tuple[int, dict[str, int]]:
    """The indicator header among ``rows``: its index and its columns by role ((0, {}) for none)."""
    for index, row in enumerate(rows):
        found = NATIONAL.indicator_header(row)
        if found:
            return index, found
    return 0, {}


def _table(table: Any, prefix: str, name: str) -> tuple[list[list[Cell]], tuple[float, ...]]:
    """A table's rows on its grid of distinct column starts and row tops, and those starts."""
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
    rows = [
        [cell or Cell("", f"{prefix}{r + 1}C{c + 1}") for c, cell in enumerate(row)]
        for r, row in enumerate(grid)
    ]
    return rows, tuple(xs)


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
