"""The sheet helper of the scored workbook: the one place any value enters a cell.

Every text is stored as text, whatever it starts with, so nothing from a table becomes a live
formula; the helper also styles cells, merges ranges, fits column widths and row heights, and
sets up printing. openpyxl is imported only when a sheet is written.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional, Union

from .text import visible, width

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "FMT_AMOUNT",
    "FMT_RATE",
    "GREY",
    "HEADER",
    "ORANGE",
    "RED",
    "SECTION",
    "YELLOW",
    "Sheet",
    "diff_format",
    "page_setup",
    "score_format",
    "xl_number",
]

RED = "FFC7CE"
YELLOW = "FFEB9C"
ORANGE = "F8CBAD"
GREY = "EDEDED"
HEADER = "DDEBF7"
SECTION = "F2F2F2"

FMT_AMOUNT = "#,##0.00"
FMT_RATE = "0.00%"


def xl_number(value: Optional[Decimal]) -> Union[int, float, None]:
    """A Decimal as a cell's number: an int when whole, else a float."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def score_format(value: Optional[Decimal]) -> str:
    return "0" if value is None or value == value.to_integral_value() else "0.00"


def diff_format(value: Optional[Decimal]) -> str:
    if value is None or value == value.to_integral_value():
        return "+0;-0;0"
    return "+0.00;-0.00;0"


#: Excel holds at most this many characters (UTF-16 code units) in a cell.
_CELL_LIMIT = 32767
#: OOXML's own escape, ``_x0041_`` for "A", which Excel decodes in any string it reads.
_OOXML_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
#: What a spreadsheet reads as the start of a formula when the cell is typed or edited.
_FORMULA_START = ("=", "+", "-", "@")


def _cell_text(text: str) -> str:
    """``text`` as a workbook cell shows it: hidden characters made visible (the XML a workbook
    is made of cannot hold control characters or lone surrogates), line breaks as a cell writes
    them, a literal ``_x0041_`` kept literal, and a text too long for a cell cut with a visible
    note of its full length (the Markdown and HTML exports keep all of it)."""
    text = visible(text).replace("\r\n", "\n").replace("\r", "\n")  # a cell breaks lines with \n
    text = _OOXML_ESCAPE.sub(r"_x005F_\1", text)
    units = len(text.encode("utf-16-le")) // 2
    if units > _CELL_LIMIT:
        note = f"…（超出单元格上限，已截断；全文 {len(text):,} 字）"
        keep = _CELL_LIMIT - len(note) * 2
        # Cut by code unit; half a surrogate pair at the cut is dropped, not shown.
        text = text.encode("utf-16-le")[: keep * 2].decode("utf-16-le", "ignore") + note
    return text


def _store(cell: Any, value: Any) -> Any:
    """The one way a value enters a cell of the workbook; returns the cell.

    A number (int or float) is stored as a number; anything else as text, whatever it starts
    with: the cell's type is set to string after the value, so ``=WEBSERVICE(...)``, ``+cmd|``,
    ``@SUM(...)`` or ``#N/A`` from a table is shown as written and never evaluated. A text that
    a spreadsheet would read as a formula when the cell is edited is also marked quote-prefixed,
    so editing it keeps it text. perfscore writes no formulas: none is built from table text.
    """
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        cell.value = value
        return cell
    text = _cell_text(str(value))
    cell.value = text
    cell.data_type = "s"
    if text.lstrip()[:1] in _FORMULA_START:
        cell.quotePrefix = True
    return cell


class Sheet:
    """Writes cells with the styles of this export, and remembers what width each column needs."""

    def __init__(self, ws: Worksheet, max_widths: Sequence[int]) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.ws = ws
        self.max_widths = max_widths
        self.needed: dict[int, int] = {}
        thin = Side(style="thin", color="808080")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.bold = Font(bold=True)
        self.grey_font = Font(color="808080", italic=True)
        self._pattern = PatternFill
        self.wrap = Alignment(wrap_text=True, vertical="center")
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.right = Alignment(horizontal="right", vertical="center")

    def fill(self, rgb: str) -> Any:
        return self._pattern("solid", start_color=rgb, end_color=rgb)

    def put(
        self,
        row: int,
        col: int,
        value: Any,
        *,
        fmt: str = "",
        bold: bool = False,
        fill: str = "",
        center: bool = False,
        border: bool = True,
        fit: bool = True,
    ) -> Any:
        cell = _store(self.ws.cell(row=row, column=col), value)
        value = cell.value
        if border:
            cell.border = self.border
        if isinstance(value, (int, float)):
            cell.alignment = self.right
            if fmt:
                cell.number_format = fmt
        else:
            cell.alignment = self.center if center else self.wrap
        if bold:
            cell.font = self.bold
        if fill:
            cell.fill = self.fill(fill)
        if fit and value is not None:
            text = value if isinstance(value, str) else f"{value:,.2f}"
            longest = max((width(part) for part in text.split("\n")), default=0)
            self.needed[col] = max(self.needed.get(col, 0), longest)
        return cell

    def header(self, row: int, titles: Iterable[str]) -> None:
        for col, title in enumerate(titles, start=1):
            self.put(row, col, title, bold=True, fill=HEADER, center=True)

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        if (first_row, first_col) != (last_row, last_col):
            self.ws.merge_cells(
                start_row=first_row, start_column=first_col, end_row=last_row, end_column=last_col
            )
            # A merged range keeps its top-left cell's style; border the rest so it prints boxed.
            for r in range(first_row, last_row + 1):
                for c in range(first_col, last_col + 1):
                    self.ws.cell(row=r, column=c).border = self.border

    def title(self, row: int, text: str, last_col: int, *, size: int = 14) -> None:
        from openpyxl.styles import Alignment, Font

        cell = _store(self.ws.cell(row=row, column=1), text)
        cell.font = Font(bold=True, size=size)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
        self.ws.row_dimensions[row].height = 24 if size >= 14 else 18

    def note(self, row: int, text: str, last_col: int) -> None:
        from openpyxl.styles import Alignment

        cell = _store(self.ws.cell(row=row, column=1), text)
        cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)

    def fit(self) -> dict[int, float]:
        """Set each column's width to its widest text (CJK counted 2), within its limit."""
        from openpyxl.utils import get_column_letter

        widths: dict[int, float] = {}
        for col, need in self.needed.items():
            limit = self.max_widths[col - 1] if col - 1 < len(self.max_widths) else 40
            widths[col] = float(min(max(need + 2, 6), limit))
            self.ws.column_dimensions[get_column_letter(col)].width = widths[col]
        return widths

    def heights(self, widths: dict[int, float], rows: Iterable[int]) -> None:
        """Give wrapped rows room for their lines (Excel does not grow rows written by openpyxl
        with merged cells)."""
        merged_tops = {
            (rng.min_row, rng.min_col): rng
            for rng in self.ws.merged_cells.ranges
            if rng.max_row > rng.min_row
        }
        for r in rows:
            lines = 1
            for c, column_width in widths.items():
                if (r, c) in merged_tops:
                    continue
                value = self.ws.cell(row=r, column=c).value
                if isinstance(value, str) and value:
                    need = sum(
                        max(1, math.ceil(width(p) / max(column_width - 1, 1))) for p in value.split("\n")
                    )
                    lines = max(lines, need)
            if lines > 1:
                self.ws.row_dimensions[r].height = min(15.0 * lines + 2, 400.0)


def page_setup(ws: Worksheet, title_rows: str = "") -> None:
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    footer = ws.oddFooter
    if footer is not None and footer.center is not None:
        footer.center.text = "第 &P 页，共 &N 页"
    if title_rows:
        ws.print_title_rows = title_rows
