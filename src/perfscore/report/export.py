"""Export a reviewed table: a scored workbook (.xlsx), Markdown, or one self-contained HTML page.

The workbook follows the form's own layout (the 项目资金 block, then the 自评表 grid with
一级 and 二级 merged down their rows), with the computed score and the difference beside each
self-reported one; a second sheet lists the findings and a third where each value came from.
Markdown and HTML carry the same content as :func:`perfscore.report.text.render_text`.

openpyxl is needed for .xlsx only and is imported when a workbook is written.
"""

from __future__ import annotations

import contextlib
import html
import math
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union

from ..cells import ValueKind, parse_cell
from ..decimals import in_context, plain
from ..errors import PerfscoreError
from ..evaluations import Evaluation
from ..reviewing import Review
from .model import BlockResult, BudgetResult, Finding, Report, RowResult
from .status import NOT_APPLICABLE, NOT_SCORABLE, SCORED
from .text import visible, width

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["FORMATS", "ExportError", "ExportFormatError", "export", "to_html", "to_markdown", "to_xlsx"]

#: The formats :func:`export` writes.
FORMATS = ("xlsx", "md", "html")
_ALIASES = {"markdown": "md", "htm": "html", "excel": "xlsx"}

_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}

PathLike = Union[str, Path]


class ExportError(PerfscoreError, RuntimeError):
    """An export cannot be written (openpyxl is missing for .xlsx, or the file cannot be written)."""


class ExportFormatError(PerfscoreError, ValueError):
    """An unknown export format, or a format asked for without what it needs."""


# -- shared ------------------------------------------------------------------------------


def _signed(value: Optional[Decimal]) -> str:
    if value is None or value == 0:
        return ""
    return ("+" if value > 0 else "") + plain(value)


def _computed_text(row: RowResult) -> str:
    if row.status == NOT_APPLICABLE:
        return "不适用"
    if row.status == NOT_SCORABLE:
        return "无法计分"
    return plain(row.points)


def _block_label(block: BlockResult) -> str:
    return f"{block.name_zh}（{plain(block.max_points)}分）"


def _printed_rate(text: str) -> Optional[Decimal]:
    """The printed 执行率 as a fraction, when it reads as a number."""
    cell = parse_cell(text)
    if cell.kind is not ValueKind.NUMBER or cell.number is None:
        return None
    return cell.number / 100 if cell.unit == "%" else cell.number


def _percent(rate: Optional[Decimal]) -> str:
    if rate is None:
        return "—"
    return plain(round(rate * 100, 2)) + "%"


class _Amounts:
    """The 项目资金 amounts: from the evaluation when given, else what the report kept."""

    def __init__(self, budget: BudgetResult, evaluation: Optional[Evaluation]) -> None:
        table = evaluation.budget if evaluation is not None else None
        self.lines: list[tuple[str, Optional[Decimal], Optional[Decimal], Optional[Decimal]]] = []
        if table is not None:
            self.initial, self.full_year, self.executed = table.initial, table.full_year, table.executed
            self.lines = [(line.name, line.initial, line.full_year, line.executed) for line in table.lines]
        else:
            base_initial = budget.base == "initial"
            self.initial = budget.base_amount if base_initial else None
            self.full_year = None if base_initial else budget.base_amount
            self.executed = budget.executed


def _budget_diff(budget: BudgetResult) -> Optional[Decimal]:
    if budget.reported is None or budget.points is None:
        return None
    return budget.reported - budget.points


def _total_diff(report: Report) -> Optional[Decimal]:
    """Reported minus computed total; none when the computed total is partial."""
    if report.reported_total is None or not report.complete:
        return None
    return report.reported_total - report.total


def _partial(block: BlockResult) -> bool:
    return any(row.status == NOT_SCORABLE for row in block.rows)


def _block_diff(block: BlockResult) -> Optional[Decimal]:
    """Reported minus computed subtotal; none when a row of the block could not be scored."""
    if block.reported is None or _partial(block):
        return None
    return block.reported - block.points


def _grade_text(report: Report) -> str:
    return f"{report.grade} {report.grade_en}".strip() or "—"


def _title(report: Report) -> str:
    return report.title or report.project or "绩效自评表"


# -- xlsx --------------------------------------------------------------------------------
_GRID_HEADERS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "自评得分",
    "计算得分",
    "差异",
    "计分说明",
    "偏差原因分析及改进措施",
)
_BUDGET_HEADERS = (
    "项目资金（万元）",
    "年初预算数",
    "全年预算数",
    "全年执行数",
    "分值",
    "执行率（表中）",
    "执行率（计算）",
    "自评得分",
    "计算得分",
    "差异",
    "计分说明",
)
_FINDING_HEADERS = ("严重程度", "代码", "位置", "说明", "English", "应为", "实为")
_NCOLS = len(_GRID_HEADERS)
#: Widest a column may grow (in Excel character units) before its text wraps.
_MAX_WIDTH = (20, 16, 40, 16, 16, 10, 10, 10, 10, 48, 44)

_RED = "FFC7CE"
_YELLOW = "FFEB9C"
_ORANGE = "F8CBAD"
_GREY = "EDEDED"
_HEADER = "DDEBF7"
_SECTION = "F2F2F2"

_FMT_AMOUNT = "#,##0.00"
_FMT_RATE = "0.00%"


def _xl_number(value: Optional[Decimal]) -> Union[int, float, None]:
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _score_format(value: Optional[Decimal]) -> str:
    return "0" if value is None or value == value.to_integral_value() else "0.00"


def _diff_format(value: Optional[Decimal]) -> str:
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


class _Sheet:
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
            self.put(row, col, title, bold=True, fill=_HEADER, center=True)

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


def _page_setup(ws: Worksheet, title_rows: str = "") -> None:
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


def _write_budget(
    sheet: _Sheet, row: int, budget: BudgetResult, evaluation: Optional[Evaluation]
) -> tuple[int, int]:
    """The 项目资金 block from ``row``; returns (its first data row, the next free row)."""
    amounts = _Amounts(budget, evaluation)
    sheet.header(row, _BUDGET_HEADERS)
    first = row + 1
    r = first
    sheet.put(r, 1, "年度资金总额", bold=True)
    for col, value in ((2, amounts.initial), (3, amounts.full_year), (4, amounts.executed)):
        sheet.put(r, col, _xl_number(value), fmt=_FMT_AMOUNT)
    sheet.put(r, 5, _xl_number(budget.weight), fmt=_score_format(budget.weight))
    printed = _printed_rate(budget.printed_rate)
    computed_rate = budget.rate
    mismatch = (
        printed is not None and computed_rate is not None and abs(printed - computed_rate) > Decimal("0.0001")
    )
    if printed is not None:
        sheet.put(r, 6, float(printed), fmt=_FMT_RATE, fill=_RED if mismatch else "")
    else:
        sheet.put(r, 6, budget.printed_rate or None)
    sheet.put(r, 7, None if computed_rate is None else float(computed_rate), fmt=_FMT_RATE)
    sheet.put(r, 8, _xl_number(budget.reported), fmt=_score_format(budget.reported))
    if budget.status == NOT_SCORABLE:
        sheet.put(r, 9, "无法计分", fill=_ORANGE, center=True)
    else:
        sheet.put(r, 9, _xl_number(budget.points), fmt=_score_format(budget.points))
    diff = _budget_diff(budget)
    _put_diff(sheet, r, 10, diff, reported_col=8)
    sheet.put(r, 11, budget.reason_zh, fill=_ORANGE if budget.status == NOT_SCORABLE else "")
    for name, initial, full_year, executed in amounts.lines:
        r += 1
        sheet.put(r, 1, f"其中：{name}")
        for col, value in ((2, initial), (3, full_year), (4, executed)):
            sheet.put(r, col, _xl_number(value), fmt=_FMT_AMOUNT)
        for col in range(5, _NCOLS + 1):
            sheet.put(r, col, None)
    if amounts.lines:
        # 分值, 执行率 and 得分 belong to the whole block, as on the form.
        for col in range(5, _NCOLS + 1):
            sheet.merge(first, col, r, col)
    return first, r + 1


def _put_diff(sheet: _Sheet, r: int, col: int, diff: Optional[Decimal], *, reported_col: int) -> None:
    fill = _RED if diff is not None and diff > 0 else _YELLOW if diff is not None and diff < 0 else ""
    sheet.put(r, col, _xl_number(diff), fmt=_diff_format(diff), fill=fill)
    if fill:
        sheet.ws.cell(row=r, column=reported_col).fill = sheet.fill(fill)


def _write_grid(sheet: _Sheet, row: int, report: Report) -> int:
    """The indicator grid, block subtotals, 总分 and 等级 from ``row`` (its header); returns the
    next free row."""
    sheet.header(row, _GRID_HEADERS)
    r = row + 1
    for block in report.blocks:
        block_first = r
        for cat in block.categories:
            cat_first = r
            for res in cat.rows:
                _write_row(sheet, r, block, cat.name, res)
                r += 1
            if cat.rows:
                sheet.merge(cat_first, 2, r - 1, 2)
        if r == block_first:
            continue
        sheet.merge(block_first, 1, r - 1, 1)
        # 小计: the block's points against its maximum, reported beside computed.
        sheet.put(r, 1, f"{block.name_zh} 小计", bold=True, fill=_SECTION)
        for col in range(2, 6):
            sheet.put(r, col, None, fill=_SECTION)
        sheet.merge(r, 1, r, 5)
        sheet.put(
            r, 6, _xl_number(block.max_points), fmt=_score_format(block.max_points), bold=True, fill=_SECTION
        )
        sheet.put(
            r, 7, _xl_number(block.reported), fmt=_score_format(block.reported), bold=True, fill=_SECTION
        )
        partial = _ORANGE if _partial(block) else _SECTION
        sheet.put(r, 8, _xl_number(block.points), fmt=_score_format(block.points), bold=True, fill=partial)
        diff = _block_diff(block)
        sheet.put(r, 9, _xl_number(diff), fmt=_diff_format(diff), bold=True, fill=_SECTION)
        sheet.put(r, 10, block.name_en, fill=_SECTION)
        sheet.put(r, 11, None, fill=_SECTION)
        r += 1
    # 总分
    sheet.put(r, 1, "总分", bold=True, fill=_HEADER, center=True)
    for col in range(2, 6):
        sheet.put(r, col, None, fill=_HEADER)
    sheet.merge(r, 1, r, 5)
    sheet.put(
        r, 6, _xl_number(report.max_total), fmt=_score_format(report.max_total), bold=True, fill=_HEADER
    )
    sheet.put(r, 7, _xl_number(report.reported_total), fmt=_score_format(report.reported_total), bold=True)
    partial = "" if report.complete else _ORANGE
    sheet.put(r, 8, _xl_number(report.total), fmt=_score_format(report.total), bold=True, fill=partial)
    _put_diff(sheet, r, 9, _total_diff(report), reported_col=7)
    state = "" if report.complete else "有指标无法计分：总分只计可计分部分，不评定等级"
    sheet.put(r, 10, state or None, fill=_ORANGE if state else "")
    sheet.put(r, 11, None)
    sheet.ws.cell(row=r, column=9).font = sheet.bold
    r += 1
    # 等级
    sheet.put(r, 1, "等级", bold=True, fill=_HEADER, center=True)
    for col in range(2, 6):
        sheet.put(r, col, None, fill=_HEADER)
    sheet.merge(r, 1, r, 5)
    sheet.put(r, 6, None, fill=_HEADER)
    sheet.put(r, 7, report.reported_grade or "—", bold=True, center=True)
    sheet.put(r, 8, report.grade or "—", bold=True, center=True)
    differs = bool(report.reported_grade) and bool(report.grade) and report.reported_grade != report.grade
    sheet.put(r, 9, "不符" if differs else None, fill=_RED if differs else "", center=True)
    sheet.put(r, 10, report.grade_en or None)
    sheet.put(r, 11, None)
    return r + 1


def _write_row(sheet: _Sheet, r: int, block: BlockResult, category: str, res: RowResult) -> None:
    sheet.put(r, 1, _block_label(block), bold=True, center=True)
    sheet.put(r, 2, category or "—", center=True)
    sheet.put(r, 3, ("★" if res.core else "") + (res.name or "—"))
    sheet.put(r, 4, res.target_text or None)
    sheet.put(r, 5, res.actual_text or None)
    sheet.put(r, 6, _xl_number(res.weight), fmt=_score_format(res.weight))
    sheet.put(r, 7, _xl_number(res.reported), fmt=_score_format(res.reported))
    if res.status == NOT_APPLICABLE:
        cell = sheet.put(r, 8, "不适用", fill=_GREY, center=True)
        cell.font = sheet.grey_font
        sheet.put(r, 9, None)
        sheet.put(r, 10, res.reason_zh or None)
    elif res.status == NOT_SCORABLE:
        sheet.put(r, 8, "无法计分", fill=_ORANGE, center=True, bold=True)
        sheet.put(r, 9, None)
        sheet.put(r, 10, res.reason_zh, fill=_ORANGE)
    else:
        sheet.put(r, 8, _xl_number(res.points), fmt=_score_format(res.points))
        _put_diff(sheet, r, 9, res.difference, reported_col=7)
        sheet.put(r, 10, res.reason_zh)
    sheet.put(r, 11, res.note or None)


def _write_findings(sheet: _Sheet, findings: Sequence[Finding]) -> None:
    ws = sheet.ws
    sheet.header(1, _FINDING_HEADERS)
    for r, finding in enumerate(findings, start=2):
        fill = {"error": _RED, "warning": _YELLOW}.get(finding.severity, "")
        sheet.put(r, 1, _SEVERITY_ZH.get(finding.severity, finding.severity), fill=fill, center=True)
        sheet.put(r, 2, finding.code)
        sheet.put(r, 3, finding.location)
        sheet.put(r, 4, finding.message_zh)
        sheet.put(r, 5, finding.message_en)
        sheet.put(r, 6, finding.expected)
        sheet.put(r, 7, finding.found)
    last = len(findings) + 1
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:G{last}"
    _page_setup(ws, "1:1")
    sheet.heights(sheet.fit(), range(2, last + 1))


def _write_rules(sheet: _Sheet, report: Report) -> None:
    ws = sheet.ws
    sheet.title(1, "规则与值来源", 8)
    r = 3
    facts = (
        ("规则集 ruleset", report.ruleset),
        ("名称 name", report.ruleset_name),
        ("版本 edition", report.edition),
        ("地区 region", report.region),
        ("表式 form", report.form),
        ("年度 year", report.year),
        ("来源文件 source", report.source or "—"),
        ("完整 complete", "是" if report.complete else "否：有指标无法计分"),
    )
    for key, value in facts:
        sheet.put(r, 1, key, bold=True, fill=_SECTION)
        sheet.put(r, 2, value)
        r += 1
    r += 1
    sheet.put(r, 1, "值来源 provenance", bold=True, border=False)
    r += 1
    sheet.header(r, ("对象", "名称", "值", "来源（文件: 键）"))
    prov_header = r
    r += 1
    entries: list[tuple[str, str, str, str]] = [
        ("全表", report.ruleset, k, v) for k, v in report.provenance.items()
    ]
    for block in report.blocks:
        entries += [(block.key, block.name_zh, k, v) for k, v in block.provenance.items()]
    if report.budget is not None:
        entries += [("budget", report.budget.name_zh, k, v) for k, v in report.budget.provenance.items()]
    for res in report.rows:
        entries += [(res.where, res.name, k, v) for k, v in res.provenance.items()]
    for who, name, key, where in entries:
        sheet.put(r, 1, who)
        sheet.put(r, 2, name or "—")
        sheet.put(r, 3, key)
        sheet.put(r, 4, where)
        r += 1
    if report.derived:
        r += 1
        sheet.put(r, 1, "派生值 derived", bold=True, border=False)
        r += 1
        sheet.header(r, ("名称", "值"))
        r += 1
        for name, value in report.derived.items():
            sheet.put(r, 1, name)
            sheet.put(r, 2, value)
            r += 1
    r += 1
    sheet.put(r, 1, "计分明细 scoring", bold=True, border=False)
    r += 1
    sheet.header(r, ("位置", "三级指标", "计分方法", "公式", "输入", "原始得分", "封顶后", "得分"))
    r += 1
    for res in report.rows:
        sheet.put(r, 1, res.where)
        sheet.put(r, 2, res.name or "—")
        sheet.put(r, 3, res.method_name or res.method or ("不适用" if res.status == NOT_APPLICABLE else None))
        sheet.put(r, 4, res.formula or None)
        sheet.put(r, 5, "，".join(f"{k}={v}" for k, v in res.inputs.items()) or None)
        for col, amount in ((6, res.raw), (7, res.capped), (8, res.points)):
            number = None if amount is None else float(amount)
            sheet.put(r, col, number, fmt="0.0000" if col < 8 else _score_format(amount))
        r += 1
    if report.budget is not None:
        b = report.budget
        sheet.put(r, 1, "budget")
        sheet.put(r, 2, b.name_zh)
        sheet.put(r, 3, f"执行率 = 执行数 / {b.base}")
        sheet.put(r, 4, b.formula)
        sheet.put(r, 5, f"base={plain(b.base_amount)}，executed={plain(b.executed)}，rate={plain(b.rate)}")
        sheet.put(r, 6, None if b.raw is None else float(b.raw), fmt="0.0000")
        sheet.put(r, 7, None)
        sheet.put(r, 8, _xl_number(b.points), fmt=_score_format(b.points))
        r += 1
    ws.freeze_panes = "A2"
    _page_setup(ws, f"{prov_header}:{prov_header}")
    sheet.heights(sheet.fit(), range(3, r))


@in_context
def to_xlsx(review: Review, path: PathLike, *, evaluation: Optional[Evaluation] = None) -> None:
    """Write the scored workbook to ``path``: the 自评表 sheet in the form's layout, 发现 and 规则.

    ``evaluation``, when given, supplies the budget block's 年初预算数 / 全年预算数 and its
    sub-rows, which the report keeps only as the rate's base amount.

    Raises :class:`ExportError` when openpyxl is not installed or the file cannot be written.
    """
    try:
        from openpyxl import Workbook
    except ImportError as exc:
        raise ExportError("export to xlsx needs openpyxl: pip install 'perfscore[office]'") from exc

    with _writing(path):
        _build_workbook(Workbook, review, evaluation).save(Path(path))


def _build_workbook(workbook: Any, review: Review, evaluation: Optional[Evaluation]) -> Any:
    report = review.report
    wb = workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "自评表"
    sheet = _Sheet(ws, _MAX_WIDTH)
    sheet.title(1, _title(report), _NCOLS)
    info = "　".join(
        part
        for part in (
            f"项目名称：{report.project}" if report.project else "",
            f"单位：{report.unit}" if report.unit else "",
            f"年度：{report.year}" if report.year else "",
            f"规则集：{report.ruleset}（{report.edition}）",
        )
        if part
    )
    sheet.note(2, info, _NCOLS)
    r = 4
    if report.budget is not None:
        _, r = _write_budget(sheet, r, report.budget, evaluation)
        r += 1
    grid_header = r
    end = _write_grid(sheet, grid_header, report)
    sheet.note(
        end + 1,
        "说明：差异 = 自评得分 − 计算得分；红色：自评高于计算，黄色：自评低于计算，橙色：无法计分，"
        "灰色：不适用；★ 核心指标。",
        _NCOLS,
    )
    widths = sheet.fit()
    sheet.heights(widths, range(4, end))
    ws.row_dimensions[grid_header].height = 30
    ws.freeze_panes = f"A{grid_header + 1}"
    _page_setup(ws, f"{grid_header}:{grid_header}")

    findings = wb.create_sheet("发现")
    _write_findings(_Sheet(findings, (10, 26, 24, 44, 50, 30, 30)), review.findings)
    rules = wb.create_sheet("规则")
    _write_rules(_Sheet(rules, (18, 44, 24, 56, 36, 10, 10, 8)), report)
    return wb


@contextlib.contextmanager
def _writing(path: PathLike) -> Iterator[None]:
    """Turn any failure to build or write ``path`` (no such folder, no permission, disk full, a
    path openpyxl or the file system refuses) into an :class:`ExportError` that names the file.
    perfscore's own errors pass through as they are."""
    try:
        yield
    except PerfscoreError:
        raise
    except OSError as exc:
        raise ExportError(f"cannot write {_shown_path(path)}: {exc.strerror or exc}") from None
    except Exception as exc:
        raise ExportError(f"cannot write {_shown_path(path)}: {type(exc).__name__}: {exc}") from exc


def _shown_path(path: PathLike) -> str:
    try:
        return visible(os.fspath(path), breaks=True)
    except Exception:  # not a path at all
        return repr(path)


# -- markdown ----------------------------------------------------------------------------
#: Markdown's inline syntax, written as a backslash escape wherever a value holds it: code spans,
#: emphasis, links and images, headings' closing #, tables' |, GFM strikethrough and math.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]()!#|~{}$])")


def _md(text: object) -> str:
    """The one escape for every value the Markdown report interpolates (title, list items,
    headings, table cells): it reads back as exactly the text, on one line, and starts nothing.

    Hidden characters are made visible; ``&``, ``<`` and ``>`` become entities (no HTML, no
    autolink, no entity from the data); every other character of Markdown's inline syntax is
    backslash-escaped (no link, image, code span, emphasis or table cell break); line breaks
    become ``<br>``, so no value starts a line of its own (a heading, list, quote or table row).
    """
    s = html.escape(visible(str(text)), quote=False)
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return "<br>".join(part.strip() for part in s.splitlines()) if s.strip() else ""


#: A finding's code or location as perfscore writes them: ``full-marks-unmet``, ``rows[12].weight``.
_MD_IDENTIFIER = re.compile(r"[A-Za-z0-9_.\[\]-]{1,200}")


def _md_code(text: str) -> object:
    """A code span for an identifier that can hold nothing else; any other text is a value
    like any other, for :func:`_md` (a code span cannot escape a backtick inside it)."""
    return _MdRaw(f"`{text}`") if _MD_IDENTIFIER.fullmatch(text) else text


class _MdRaw(str):
    """Markdown perfscore wrote, from nothing but a checked identifier: a table cell as is."""


def _md_table(headers: Sequence[str], rows: Iterable[Sequence[object]], align: str = "") -> list[str]:
    out = ["| " + " | ".join(_md(h) for h in headers) + " |"]
    out.append(
        "|"
        + "|".join(
            ":---:" if a == "c" else "---:" if a == "r" else "---" for a in align.ljust(len(headers), "l")
        )
        + "|"
    )
    out += [
        "| " + " | ".join(cell if isinstance(cell, _MdRaw) else _md(cell) for cell in row) + " |"
        for row in rows
    ]
    return out


@in_context
def to_markdown(review: Review, *, evaluation: Optional[Evaluation] = None) -> str:
    """The report as Markdown: the breakdown 一级 → 二级 → 三级, the budget row, total and grade
    (computed beside reported), and the findings."""
    report = review.report
    lines = ["# " + _md(_title(report)), ""]
    for label, value in (
        ("项目名称", report.project),
        ("单位", report.unit),
        ("年度", str(report.year or "")),
    ):
        if value:
            lines.append(f"- {label}：{_md(value)}")
    lines.append("- 规则集 ruleset：" + _md(f"{report.ruleset}（{report.edition}）{report.ruleset_name}"))
    lines.append("")
    if report.budget is not None:
        b = report.budget
        amounts = _Amounts(b, evaluation)
        lines += ["## 项目资金 · " + _md(b.name_zh), ""]
        rows: list[Sequence[object]] = [
            (
                "年度资金总额",
                plain(amounts.initial),
                plain(amounts.full_year),
                plain(amounts.executed),
                plain(b.weight),
                b.printed_rate or "—",
                _percent(b.rate),
                plain(b.reported),
                "无法计分" if b.status == NOT_SCORABLE else plain(b.points),
                _signed(_budget_diff(b)),
                b.reason_zh,
            )
        ]
        rows += [
            (f"其中：{name}", plain(i), plain(f), plain(e), "", "", "", "", "", "", "")
            for name, i, f, e in amounts.lines
        ]
        lines += _md_table(_BUDGET_HEADERS, rows, "lrrrrrrrrrl")
        lines.append("")
    lines += ["## 指标 · 自评得分与计算得分", ""]
    for block in report.blocks:
        lines.append(
            "### "
            + _md(
                f"{block.name_zh} {block.name_en}：{plain(block.points)} / {plain(block.max_points)}"
                f"（自评 {plain(block.reported)}）"
            )
        )
        lines.append("")
        for cat in block.categories:
            lines.append(
                "#### " + _md(f"{cat.name or '—'}：{plain(cat.points)}（自评 {plain(cat.reported)}）")
            )
            lines.append("")
            table = [
                (
                    ("★" if row.core else "") + (row.name or "—"),
                    row.target_text,
                    row.actual_text,
                    plain(row.weight),
                    plain(row.reported),
                    _computed_text(row),
                    _signed(row.difference),
                    row.reason_zh,
                    row.note,
                )
                for row in cat.rows
            ]
            lines += _md_table(_GRID_HEADERS[2:], table, "lllrrrrll")
            lines.append("")
    lines += ["## 总分与等级", ""]
    state = "" if report.complete else "（不完整：有指标无法计分，不评定等级）"
    lines.append(
        "**"
        + _md(
            f"总分 total：计算 {plain(report.total)} / {plain(report.max_total)}{state}，"
            f"自评 {plain(report.reported_total)}，差异 {_signed(_total_diff(report)) or ('0' if report.complete else '—')}"
        )
        + "**"
    )
    lines.append("")
    lines += _md_table(
        ("", "计算 computed", "自评 reported"),
        [
            (
                "总分",
                f"{plain(report.total)} / {plain(report.max_total)}{state}",
                plain(report.reported_total),
            ),
            ("等级", _grade_text(report), report.reported_grade or "—"),
        ],
        "lrr",
    )
    lines += ["", f"## 发现 findings（{len(review.findings)}）", ""]
    if review.findings:
        lines += _md_table(
            _FINDING_HEADERS,
            [
                (
                    _SEVERITY_ZH.get(f.severity, f.severity),
                    _md_code(f.code),
                    _md_code(f.location),
                    f.message_zh,
                    f.message_en,
                    f.expected or "",
                    f.found or "",
                )
                for f in review.findings
            ],
        )
    else:
        lines.append("无 none.")
    return "\n".join(lines) + "\n"


# -- html --------------------------------------------------------------------------------
_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; text-align: center; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #888; padding: 0.25em 0.5em; vertical-align: middle; }
thead th { background: #ddebf7; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.over { background: #ffc7ce; }
td.under { background: #ffeb9c; }
td.unscorable { background: #f8cbad; font-weight: bold; }
td.na { background: #ededed; color: #808080; font-style: italic; }
tr.subtotal td, tr.total td { background: #f2f2f2; font-weight: bold; }
tr.error td.sev { background: #ffc7ce; }
tr.warning td.sev { background: #ffeb9c; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; }
.legend { font-size: 0.85em; color: #555; }
@media print {
  @page { size: A4 landscape; margin: 1cm; }
  body { margin: 0; font-size: 10pt; }
  table { page-break-inside: auto; }
  tr { page-break-inside: avoid; }
  thead { display: table-header-group; }
  h2 { page-break-after: avoid; }
}
"""


def _e(text: object) -> str:
    """The one escape for every value the HTML page interpolates, in text and in attributes:
    hidden characters made visible, then ``& < > " '`` as entities."""
    return html.escape(visible(str(text)), quote=True)


def _td(text: object = "", cls: str = "", *, rowspan: int = 1, colspan: int = 1) -> str:
    attrs = f' class="{cls}"' if cls else ""
    if rowspan > 1:
        attrs += f' rowspan="{rowspan}"'
    if colspan > 1:
        attrs += f' colspan="{colspan}"'
    return f"<td{attrs}>{_e(text)}</td>"


def _thead(headers: Sequence[str]) -> str:
    return "<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in headers) + "</tr></thead>"


def _diff_class(diff: Optional[Decimal]) -> str:
    if diff is None or diff == 0:
        return "num"
    return "num over" if diff > 0 else "num under"


@in_context
def to_html(review: Review, *, evaluation: Optional[Evaluation] = None) -> str:
    """The report as one self-contained, printable HTML page (inline CSS, every text escaped)."""
    report = review.report
    title = _title(report)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
        '<dl class="meta">',
    ]
    for label, value in (
        ("项目名称", report.project),
        ("单位", report.unit),
        ("年度", str(report.year or "")),
        ("规则集", f"{report.ruleset}（{report.edition}）{report.ruleset_name}"),
        ("来源文件", report.source),
    ):
        if value:
            out.append(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>")
    out.append("</dl>")

    if report.budget is not None:
        b = report.budget
        amounts = _Amounts(b, evaluation)
        diff = _budget_diff(b)
        span = 1 + len(amounts.lines)
        printed = _printed_rate(b.printed_rate)
        mismatch = printed is not None and b.rate is not None and abs(printed - b.rate) > Decimal("0.0001")
        out += [f"<h2>项目资金 · {_e(b.name_zh)}</h2>", "<table>", _thead(_BUDGET_HEADERS), "<tbody>"]
        out.append(
            "<tr>"
            + _td("年度资金总额")
            + "".join(_td(plain(v), "num") for v in (amounts.initial, amounts.full_year, amounts.executed))
            + _td(plain(b.weight), "num", rowspan=span)
            + _td(b.printed_rate or "—", "num over" if mismatch else "num", rowspan=span)
            + _td(_percent(b.rate), "num", rowspan=span)
            + _td(plain(b.reported), _diff_class(diff), rowspan=span)
            + (
                _td("无法计分", "unscorable", rowspan=span)
                if b.status == NOT_SCORABLE
                else _td(plain(b.points), "num", rowspan=span)
            )
            + _td(_signed(diff), _diff_class(diff), rowspan=span)
            + _td(b.reason_zh, rowspan=span)
            + "</tr>"
        )
        for name, initial, full_year, executed in amounts.lines:
            out.append(
                "<tr>"
                + _td(f"其中：{name}")
                + "".join(_td(plain(v), "num") for v in (initial, full_year, executed))
                + "</tr>"
            )
        out += ["</tbody>", "</table>"]

    out += ["<h2>指标 · 自评得分与计算得分</h2>", "<table>", _thead(_GRID_HEADERS), "<tbody>"]
    for block in report.blocks:
        rows = block.rows
        if not rows:
            continue
        first_in_block = True
        for cat in block.categories:
            for i, row in enumerate(cat.rows):
                cells = []
                if first_in_block:
                    cells.append(f'<th rowspan="{len(rows)}" scope="rowgroup">{_e(_block_label(block))}</th>')
                    first_in_block = False
                if i == 0:
                    cells.append(_td(cat.name or "—", rowspan=len(cat.rows)))
                diff = row.difference
                computed_cls = {NOT_APPLICABLE: "na", NOT_SCORABLE: "unscorable", SCORED: "num"}[row.status]
                cells += [
                    _td(("★" if row.core else "") + (row.name or "—")),
                    _td(row.target_text),
                    _td(row.actual_text),
                    _td(plain(row.weight), "num"),
                    _td(plain(row.reported), _diff_class(diff)),
                    _td(_computed_text(row), computed_cls),
                    _td(_signed(diff), _diff_class(diff)),
                    _td(row.reason_zh),
                    _td(row.note),
                ]
                out.append("<tr>" + "".join(cells) + "</tr>")
        block_diff = _block_diff(block)
        out.append(
            '<tr class="subtotal">'
            + _td(f"{block.name_zh} 小计 {block.name_en}", colspan=5)
            + _td(plain(block.max_points), "num")
            + _td(plain(block.reported), "num")
            + _td(plain(block.points), "num unscorable" if _partial(block) else "num")
            + _td(_signed(block_diff), _diff_class(block_diff))
            + _td(colspan=2)
            + "</tr>"
        )
    total_diff = _total_diff(report)
    state = "" if report.complete else "不完整：有指标无法计分，总分只计可计分部分，不评定等级"
    out.append(
        '<tr class="total">'
        + _td("总分 total", colspan=5)
        + _td(plain(report.max_total), "num")
        + _td(plain(report.reported_total), _diff_class(total_diff))
        + _td(plain(report.total), "num" if report.complete else "num unscorable")
        + _td(_signed(total_diff), _diff_class(total_diff))
        + _td(state, "unscorable" if state else "", colspan=2)
        + "</tr>"
    )
    out.append(
        '<tr class="total">'
        + _td("等级 grade", colspan=5)
        + _td()
        + _td(report.reported_grade or "—")
        + _td(_grade_text(report))
        + _td(colspan=3)
        + "</tr>"
    )
    out += ["</tbody>", "</table>"]
    out.append(
        '<p class="legend">差异 = 自评得分 − 计算得分；红色：自评高于计算，黄色：自评低于计算，'
        "橙色：无法计分，灰色：不适用；★ 核心指标。</p>"
    )

    out += [f"<h2>发现 findings（{len(review.findings)}）</h2>"]
    if review.findings:
        out += ["<table>", _thead(_FINDING_HEADERS), "<tbody>"]
        for f in review.findings:
            out.append(
                f'<tr class="{_e(f.severity)}">'
                + _td(_SEVERITY_ZH.get(f.severity, f.severity), "sev")
                + f"<td><code>{_e(f.code)}</code></td>"
                + f"<td><code>{_e(f.location)}</code></td>"
                + _td(f.message_zh)
                + _td(f.message_en)
                + _td(f.expected or "")
                + _td(f.found or "")
                + "</tr>"
            )
        out += ["</tbody>", "</table>"]
    else:
        out.append("<p>无 none.</p>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


# -- dispatch ----------------------------------------------------------------------------
def export(
    review: Review,
    fmt: str,
    path: Optional[PathLike] = None,
    *,
    evaluation: Optional[Evaluation] = None,
) -> Optional[str]:
    """Export ``review`` as ``fmt`` (``xlsx``, ``md`` or ``html``).

    Markdown and HTML are returned as text, and also written (UTF-8) to ``path`` when one is
    given; a workbook is written to ``path``, which it needs, and ``None`` is returned.

    Raises :class:`ExportFormatError` for an unknown format or an xlsx without a path, and
    :class:`ExportError` when openpyxl is missing for xlsx or ``path`` cannot be written.
    """
    key = fmt.strip().lower().lstrip(".")
    key = _ALIASES.get(key, key)
    if key not in FORMATS:
        raise ExportFormatError(f"unknown export format {fmt!r}; formats: {', '.join(FORMATS)}")
    if key == "xlsx":
        if path is None:
            raise ExportFormatError("export to xlsx writes a file: give a path")
        to_xlsx(review, path, evaluation=evaluation)
        return None
    with _writing(path if path is not None else f"the {key} export"):
        text = (
            to_markdown(review, evaluation=evaluation)
            if key == "md"
            else to_html(review, evaluation=evaluation)
        )
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
    return text
