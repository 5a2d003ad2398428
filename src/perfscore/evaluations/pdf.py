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
a row of its own, never joined. A page number between the two parts is no obstacle. A part whose
column starts are only some of the first part's (meta or budget rows split the columns finer) is
laid on the first part's grid (:func:`.pdfcells.relaid`).

A sheet too wide for its page prints over several (Excel's "down, then over"): the first table
of a page whose rows stand at the very heights of a table of the page before holds that table's
columns to the right, and is added to its rows (:func:`_beside`). Text printed off the page is
not read, and rules running past the last vertical line (a cell merged across the printed edge)
are closed there (:mod:`.pdfcells`).

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

from ..codes import Words
from .grid import Cell, Grid
from .layout import NATIONAL
from .limits import MAX_CELL_CHARS, MAX_CELLS, MAX_PDF_PAGE_CHARS, MAX_PDF_PAGES, MAX_ROWS
from .pdfcells import SAME_COLUMN, off_page, open_edge, positions, relaid
from .problems import too_large, unreadable

__all__ = ["read_pdf"]

_LATIN_END = re.compile(r"[A-Za-z,;:]$")
_LATIN_START = re.compile(r"\s*[A-Za-z]")
_PAGE_NUMBER = re.compile(
    r"[-—–\s]*(?:第\s*)?[0-9]{1,4}\s*页?(?:\s*[/／]\s*[0-9]{1,4}|\s*共\s*[0-9]{1,4}\s*页)?[-—–\s]*"
)
"""A page number printed in a header or footer ("- 3 -", "第 3 页", "3/12"): it does not stop a
table from continuing on the next page. Matched only against a line of at most 20 characters."""
_SAME_COLUMN = SAME_COLUMN


class _Block(NamedTuple):
    """A page's table or line of text, where it stands."""

    top: float
    table: bool
    rows: list[list[Cell]]
    columns: tuple[float, ...] = ()
    """A table's column starts (its x positions), to tell the same table on the next page."""
    tops: tuple[float, ...] = ()
    """A table's row tops: the next page's part of a sheet printed over by columns has the same."""
    bottom: float = 0.0


_PROTECTED = Words("设有密码的 PDF：需要先去除密码", "a password-protected PDF: save it without a password")
_SCANNED = Words(
    "PDF 没有文字层：扫描件，需要 OCR（先用 OCR 软件识别为文字，或提供 Word/Excel 原件）",
    "a scanned PDF without a text layer: scanned image, needs OCR",
)


def read_pdf(data: bytes, name: str) -> list[Grid]:
    """The document's text lines and ruled tables, page by page, as one grid."""
    import pdfplumber

    rows: list[list[Cell]] = []
    continued = _Continued(name, rows)
    text_found = ruled = False
    try:
        document = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer's own errors: a password, a damaged file
        if "password" in type(exc).__name__.lower() or "Encrypt" in type(exc).__name__:
            unreadable(name, _PROTECTED)
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
        unreadable(name, _SCANNED)
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
    tables = page.find_tables(
        {
            "vertical_strategy": "lines",
            "horizontal_strategy": "lines",
            "explicit_vertical_lines": open_edge(page),
        }
    )
    items: list[_Block] = []
    boxes = [table.bbox for table in tables]
    for index, table in enumerate(tables, 1):
        rows, columns = _table(table, f"页{number} 表{index} R", name)
        tops = tuple(float(row.bbox[1]) for row in table.rows)
        tops = tops if len(tops) == len(rows) else ()
        items.append(_Block(table.bbox[1], True, rows, columns, tops, float(table.bbox[3])))
    line_number = 0
    for line in page.extract_text_lines(return_chars=False):
        middle_x = (line["x0"] + line["x1"]) / 2
        middle_y = (line["top"] + line["bottom"]) / 2
        if any(x0 <= middle_x <= x1 and top <= middle_y <= bottom for x0, top, x1, bottom in boxes):
            continue
        if off_page(line, page):
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

    def __init__(self, name: str, rows: Optional[list[list[Cell]]] = None) -> None:
        self.name = name
        self.first: list[list[Cell]] = []
        """The rows of the open table read so far, from its first part on ([] for none)."""
        self.columns: tuple[float, ...] = ()
        self.rows: list[list[Cell]] = [] if rows is None else rows
        """Every row read so far (the reader's list: a row merged down is inserted into it)."""
        self.printed: list[_Block] = []
        """The tables of the page read last, in order (a table whose columns went on over the
        next page has them added to its rows)."""
        self.last: Optional[list[Cell]] = None
        """The table's last row read so far: a row broken over the page break is joined to it."""

    def page(self, blocks: Sequence[_Block]) -> list[list[Cell]]:
        """The page's rows, the first table's repeated header dropped and its first row joined
        to the last row of the page before when it is that row's tail; tables holding the
        columns to the right of the page before's tables added to their rows (:func:`_beside`),
        in :attr:`rows`."""
        rows: list[list[Cell]] = []
        before, self.printed = self.printed, []
        over = 0  # the page's first blocks: page numbers, or the columns of before's tables
        for position, block in enumerate(blocks):
            part = block.rows
            if block.table:
                found = _beside_any(before, block) if over == position else None
                if found is not None:
                    index, heights = found
                    self.printed.append(self.side_by_side(before[index], block, heights))
                    del before[: index + 1]  # the next table's columns continue a later table
                    over += 1
                    continue
                if self.first and _furniture(blocks[:position]) and self.continues(block):
                    part = relaid(part, block.columns, self.columns)
                    part = self.joined(self.without_header(part))
                    self.first.extend(part)
                else:
                    self.first = list(block.rows)
                    self.columns = block.columns
                self.printed.append(block)
                self.last = part[-1] if part else self.last
            elif not _furniture((block,)):
                self.first = []
            elif over == position:
                over += 1
            rows.extend(part)
        return rows

    def side_by_side(self, left: _Block, right: _Block, heights: Sequence[Optional[int]]) -> _Block:
        """``left``'s rows (already read) extended by the cells of ``right`` at their height,
        renumbered as the columns after its own; a row of ``right`` standing within a taller
        row of ``left`` (cells merged down on the page before) gets a row of its own, the cells
        of ``left`` merged down over it. The table as now read (the page after may hold more
        columns)."""
        width = max(len(row) for row in left.rows)
        laid: list[list[Cell]] = []
        tops: list[float] = []
        for extra, at, top in zip(right.rows, heights, right.tops):
            if at is None and not any(_texts(extra)):
                continue  # an empty row below the table on the page before
            if at is None:  # left's cells merged down over it
                above = laid[-1]
                prefix = extra[0].address.rsplit("C", 1)[0]
                row = [
                    Cell(c.text, f"{prefix}C{k + 1}", c.anchor or c.address)
                    for k, c in enumerate(above[:width])
                ]
                index = next((i for i, r in enumerate(self.rows) if r is above), len(self.rows) - 1)
                self.rows.insert(index + 1, row)
            else:
                row = left.rows[at]
                row.extend(
                    Cell("", f"{row[0].address.rsplit('C', 1)[0]}C{k + 1}") for k in range(len(row), width)
                )
            laid.append(row)
            tops.append(top)
        kept = [extra for extra, at in zip(right.rows, heights) if at is not None or any(_texts(extra))]
        renamed = {
            cell.address: f"{row[0].address.rsplit('C', 1)[0]}C{width + c + 1}"
            for row, extra in zip(laid, kept)
            for c, cell in enumerate(extra)
        }
        for row, extra in zip(laid, kept):
            row.extend(Cell(c.text, renamed[c.address], renamed.get(c.anchor, c.anchor)) for c in extra)
        return left._replace(rows=laid, tops=tuple(tops))

    def continues(self, block: _Block) -> bool:
        """The new part's column starts are the table's, or some of them: a Word table whose
        meta or budget rows split the columns differently has more starts in its first part
        than the indicator rows carried over to the next page."""
        return bool(block.columns) and positions(block.columns, self.columns) is not None

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


def _beside_any(tables: Sequence[_Block], right: _Block) -> Optional[tuple[int, list[Optional[int]]]]:
    """The first of ``tables`` (the page before's, not yet continued) whose columns ``right``
    continues, and the rows at its heights (:func:`_beside`); None for none."""
    for index, left in enumerate(tables):
        heights = _beside(left, right)
        if heights is not None:
            return index, heights
    return None


def _beside(left: _Block, right: _Block) -> Optional[list[Optional[int]]]:
    """Whether ``right`` holds the columns to the right of ``left``, as Excel prints a sheet
    too wide for its page (down, then over): for each of its rows, the row of ``left`` at the
    same height (None: within a taller row of ``left``, or an empty row below it); None when it
    does not. Each of ``left``'s rows from ``right``'s first on has its row in ``right``; both
    start at the same height, or, when the first rows of ``left`` print no lines on the next
    page (cells merged on to the right), end at the same height; ``right`` repeats no row of
    ``left``. (Lines of text after ``left``, printed from the sheet's
    first columns, are no obstacle.)"""
    if not left.tops or not right.tops or len(right.tops) != len(right.rows):
        return None
    heights: list[Optional[int]] = []
    for top in right.tops:
        found = [i for i, t in enumerate(left.tops) if abs(t - top) <= _SAME_COLUMN]
        heights.append(found[0] if found else None)
    matched = [at for at in heights if at is not None]
    if (
        heights[0] is None
        or matched != list(range(matched[0], len(left.rows)))
        or not (heights[0] == 0 or abs(right.bottom - left.bottom) <= _SAME_COLUMN)
    ):
        return None  # rows above left's last ones may print no lines on the next page (merged on)
    for extra, at, top in zip(right.rows, heights, right.tops):
        if at is None and any(_texts(extra)) and top >= left.bottom - _SAME_COLUMN:
            return None  # a row of text below the table on the page before
    if any(_texts(a) == _texts(b) and any(_texts(a)) for a, b in zip(left.rows, right.rows)):
        return None
    return heights


def _texts(row: Sequence[Cell]) -> list[str]:
    return [cell.text for cell in row]


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
