"""The scored workbook, in the form's own layout.

The 自评表 sheet has the 项目资金 block, then the indicator grid with 一级 and 二级 merged down
their rows and the computed score and the difference beside each self-reported one; 发现 lists
the findings and 规则 where each value came from. Every cell is written through
:class:`~perfscore.report.sheet.Sheet`, which stores every text as text.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from ..decimals import plain
from .model import Report
from .sheet import (
    FMT_AMOUNT,
    FMT_RATE,
    GREY,
    HEADER,
    ORANGE,
    RED,
    SECTION,
    YELLOW,
    Sheet,
    diff_format,
    page_setup,
    score_format,
    xl_number,
)
from .status import NOT_APPLICABLE, NOT_SCORABLE
from .view import (
    BUDGET_HEADERS,
    FINDING_HEADERS,
    GRID_HEADERS,
    LEGEND,
    BlockView,
    BudgetView,
    ReportView,
    RowView,
    severity_label,
)

__all__ = ["workbook"]

_NCOLS = len(GRID_HEADERS)
#: Widest a column may grow (in Excel character units) before its text wraps.
_MAX_WIDTH = (20, 16, 40, 16, 16, 10, 10, 10, 10, 48, 44)
_FINDINGS_WIDTH = (10, 26, 24, 44, 50, 30, 30)
_RULES_WIDTH = (18, 44, 24, 56, 36, 10, 10, 8)


def workbook(view: ReportView) -> Any:
    """The scored workbook (an openpyxl ``Workbook``): 自评表, 发现 and 规则."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "自评表"
    _write_form(Sheet(ws, _MAX_WIDTH), view)
    _write_findings(Sheet(wb.create_sheet("发现"), _FINDINGS_WIDTH), view)
    _write_rules(Sheet(wb.create_sheet("规则"), _RULES_WIDTH), view.report)
    return wb


def _write_form(sheet: Sheet, view: ReportView) -> None:
    report = view.report
    sheet.title(1, view.title, _NCOLS)
    facts = [f"{label}：{value}" for label, value in view.facts if value]
    sheet.note(2, "　".join([*facts, f"规则集：{report.ruleset}（{report.edition}）"]), _NCOLS)
    r = 4
    if view.budget is not None:
        r = _write_budget(sheet, r, view.budget) + 1
    grid_header = r
    end = _write_grid(sheet, grid_header, view)
    sheet.note(end + 1, "说明：" + LEGEND, _NCOLS)
    sheet.heights(sheet.fit(), range(4, end))
    sheet.ws.row_dimensions[grid_header].height = 30
    sheet.ws.freeze_panes = f"A{grid_header + 1}"
    page_setup(sheet.ws, f"{grid_header}:{grid_header}")


def _write_budget(sheet: Sheet, row: int, budget: BudgetView) -> int:
    """The 项目资金 block from ``row`` (its header); returns the next free row."""
    b = budget.result
    sheet.header(row, BUDGET_HEADERS)
    first = r = row + 1
    sheet.put(r, 1, "年度资金总额", bold=True)
    for col, value in ((2, budget.initial), (3, budget.full_year), (4, budget.executed)):
        sheet.put(r, col, xl_number(value), fmt=FMT_AMOUNT)
    sheet.put(r, 5, xl_number(b.weight), fmt=score_format(b.weight))
    if budget.printed_rate is not None:
        sheet.put(r, 6, float(budget.printed_rate), fmt=FMT_RATE, fill=RED if budget.rate_differs else "")
    else:
        sheet.put(r, 6, b.printed_rate or None)
    sheet.put(r, 7, None if b.rate is None else float(b.rate), fmt=FMT_RATE)
    sheet.put(r, 8, xl_number(b.reported), fmt=score_format(b.reported))
    if budget.scorable:
        sheet.put(r, 9, xl_number(b.points), fmt=score_format(b.points))
    else:
        sheet.put(r, 9, "无法计分", fill=ORANGE, center=True)
    _put_diff(sheet, r, 10, budget.difference, reported_col=8)
    sheet.put(r, 11, b.reason_zh, fill="" if budget.scorable else ORANGE)
    for line in budget.lines:
        r += 1
        sheet.put(r, 1, f"其中：{line.name}")
        for col, value in ((2, line.initial), (3, line.full_year), (4, line.executed)):
            sheet.put(r, col, xl_number(value), fmt=FMT_AMOUNT)
        for col in range(5, _NCOLS + 1):
            sheet.put(r, col, None)
    if budget.lines:
        # 分值, 执行率 and 得分 belong to the whole block, as on the form.
        for col in range(5, _NCOLS + 1):
            sheet.merge(first, col, r, col)
    return r + 1


def _put_diff(sheet: Sheet, r: int, col: int, diff: Optional[Decimal], *, reported_col: int) -> None:
    """A difference, red when reported is above computed and yellow below, with the reported
    score's cell filled alike."""
    fill = RED if diff is not None and diff > 0 else YELLOW if diff is not None and diff < 0 else ""
    sheet.put(r, col, xl_number(diff), fmt=diff_format(diff), fill=fill)
    if fill:
        sheet.ws.cell(row=r, column=reported_col).fill = sheet.fill(fill)


def _write_grid(sheet: Sheet, row: int, view: ReportView) -> int:
    """The indicator grid, block subtotals, 总分 and 等级 from ``row`` (its header); returns the
    next free row."""
    sheet.header(row, GRID_HEADERS)
    r = row + 1
    for block in view.blocks:
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
        _write_subtotal(sheet, r, block)
        r += 1
    _write_total(sheet, r, view)
    _write_grade(sheet, r + 1, view.report)
    return r + 2


def _write_row(sheet: Sheet, r: int, block: BlockView, category: str, row: RowView) -> None:
    res = row.result
    sheet.put(r, 1, block.label, bold=True, center=True)
    sheet.put(r, 2, category, center=True)
    sheet.put(r, 3, row.name)
    sheet.put(r, 4, res.target_text or None)
    sheet.put(r, 5, res.actual_text or None)
    sheet.put(r, 6, xl_number(res.weight), fmt=score_format(res.weight))
    sheet.put(r, 7, xl_number(res.reported), fmt=score_format(res.reported))
    if res.status == NOT_APPLICABLE:
        cell = sheet.put(r, 8, row.computed, fill=GREY, center=True)
        cell.font = sheet.grey_font
        sheet.put(r, 9, None)
        sheet.put(r, 10, row.reason or None)
    elif res.status == NOT_SCORABLE:
        sheet.put(r, 8, row.computed, fill=ORANGE, center=True, bold=True)
        sheet.put(r, 9, None)
        sheet.put(r, 10, row.reason, fill=ORANGE)
    else:
        sheet.put(r, 8, xl_number(res.points), fmt=score_format(res.points))
        _put_diff(sheet, r, 9, res.difference, reported_col=7)
        sheet.put(r, 10, row.reason)
    sheet.put(r, 11, res.note or None)


def _label_row(sheet: Sheet, r: int, label: str, fill: str, *, center: bool = False) -> None:
    """A summary row's label, merged over the first five columns."""
    sheet.put(r, 1, label, bold=True, fill=fill, center=center)
    for col in range(2, 6):
        sheet.put(r, col, None, fill=fill)
    sheet.merge(r, 1, r, 5)


def _write_subtotal(sheet: Sheet, r: int, block: BlockView) -> None:
    """小计: the block's points against its maximum, reported beside computed."""
    b = block.result
    _label_row(sheet, r, f"{b.name_zh} 小计", SECTION)
    sheet.put(r, 6, xl_number(b.max_points), fmt=score_format(b.max_points), bold=True, fill=SECTION)
    sheet.put(r, 7, xl_number(b.reported), fmt=score_format(b.reported), bold=True, fill=SECTION)
    partial = ORANGE if block.partial else SECTION
    sheet.put(r, 8, xl_number(b.points), fmt=score_format(b.points), bold=True, fill=partial)
    diff = block.difference
    sheet.put(r, 9, xl_number(diff), fmt=diff_format(diff), bold=True, fill=SECTION)
    sheet.put(r, 10, b.name_en, fill=SECTION)
    sheet.put(r, 11, None, fill=SECTION)


def _write_total(sheet: Sheet, r: int, view: ReportView) -> None:
    report = view.report
    _label_row(sheet, r, "总分", HEADER, center=True)
    sheet.put(r, 6, xl_number(report.max_total), fmt=score_format(report.max_total), bold=True, fill=HEADER)
    sheet.put(r, 7, xl_number(report.reported_total), fmt=score_format(report.reported_total), bold=True)
    partial = "" if report.complete else ORANGE
    sheet.put(r, 8, xl_number(report.total), fmt=score_format(report.total), bold=True, fill=partial)
    _put_diff(sheet, r, 9, view.difference, reported_col=7)
    state = "" if report.complete else "有指标无法计分：总分只计可计分部分，不评定等级"
    sheet.put(r, 10, state or None, fill=ORANGE if state else "")
    sheet.put(r, 11, None)
    sheet.ws.cell(row=r, column=9).font = sheet.bold


def _write_grade(sheet: Sheet, r: int, report: Report) -> None:
    _label_row(sheet, r, "等级", HEADER, center=True)
    sheet.put(r, 6, None, fill=HEADER)
    sheet.put(r, 7, report.reported_grade or "—", bold=True, center=True)
    sheet.put(r, 8, report.grade or "—", bold=True, center=True)
    differs = bool(report.reported_grade) and bool(report.grade) and report.reported_grade != report.grade
    sheet.put(r, 9, "不符" if differs else None, fill=RED if differs else "", center=True)
    sheet.put(r, 10, report.grade_en or None)
    sheet.put(r, 11, None)


def _write_findings(sheet: Sheet, view: ReportView) -> None:
    sheet.header(1, FINDING_HEADERS)
    for r, finding in enumerate(view.findings, start=2):
        fill = {"error": RED, "warning": YELLOW}.get(finding.severity, "")
        sheet.put(r, 1, severity_label(finding.severity), fill=fill, center=True)
        sheet.put(r, 2, finding.code)
        sheet.put(r, 3, finding.location)
        sheet.put(r, 4, finding.message_zh)
        sheet.put(r, 5, finding.message_en)
        sheet.put(r, 6, finding.expected_in(True))
        sheet.put(r, 7, finding.found_in(True))
    last = len(view.findings) + 1
    sheet.ws.freeze_panes = "A2"
    sheet.ws.auto_filter.ref = f"A1:G{last}"
    page_setup(sheet.ws, "1:1")
    sheet.heights(sheet.fit(), range(2, last + 1))


def _write_rules(sheet: Sheet, report: Report) -> None:
    """规则: the ruleset's facts, where each value came from, derived values, and how each row
    was scored."""
    sheet.title(1, "规则与值来源", 8)
    r = _write_facts(sheet, 3, report) + 1
    sheet.put(r, 1, "值来源 provenance", bold=True, border=False)
    prov_header = r + 1
    r = _write_provenance(sheet, prov_header, report)
    if report.derived:
        sheet.put(r + 1, 1, "派生值 derived", bold=True, border=False)
        sheet.header(r + 2, ("名称", "值"))
        r += 3
        for name, value in report.derived.items():
            sheet.put(r, 1, name)
            sheet.put(r, 2, value)
            r += 1
    sheet.put(r + 1, 1, "计分明细 scoring", bold=True, border=False)
    r = _write_scoring(sheet, r + 2, report)
    sheet.ws.freeze_panes = "A2"
    page_setup(sheet.ws, f"{prov_header}:{prov_header}")
    sheet.heights(sheet.fit(), range(3, r))


def _write_facts(sheet: Sheet, r: int, report: Report) -> int:
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
        sheet.put(r, 1, key, bold=True, fill=SECTION)
        sheet.put(r, 2, value)
        r += 1
    return r


def _write_provenance(sheet: Sheet, r: int, report: Report) -> int:
    """The provenance table from ``r`` (its header): the ruleset's, each block's, the budget's
    and each row's; returns the next free row."""
    sheet.header(r, ("对象", "名称", "值", "来源（文件: 键）"))
    entries: list[tuple[str, str, str, str]] = [
        ("全表", report.ruleset, k, v) for k, v in report.provenance.items()
    ]
    for block in report.blocks:
        entries += [(block.key, block.name_zh, k, v) for k, v in block.provenance.items()]
    if report.budget is not None:
        entries += [("budget", report.budget.name_zh, k, v) for k, v in report.budget.provenance.items()]
    for res in report.rows:
        entries += [(res.where, res.name, k, v) for k, v in res.provenance.items()]
    r += 1
    for who, name, key, where in entries:
        sheet.put(r, 1, who)
        sheet.put(r, 2, name or "—")
        sheet.put(r, 3, key)
        sheet.put(r, 4, where)
        r += 1
    return r


def _write_scoring(sheet: Sheet, r: int, report: Report) -> int:
    """How each row and the budget were scored, from ``r`` (its header); returns the next free
    row."""
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
            sheet.put(r, col, number, fmt="0.0000" if col < 8 else score_format(amount))
        r += 1
    b = report.budget
    if b is None:
        return r
    sheet.put(r, 1, "budget")
    sheet.put(r, 2, b.name_zh)
    sheet.put(r, 3, f"执行率 = 执行数 / {b.base}")
    sheet.put(r, 4, b.formula)
    sheet.put(r, 5, f"base={plain(b.base_amount)}，executed={plain(b.executed)}，rate={plain(b.rate)}")
    sheet.put(r, 6, None if b.raw is None else float(b.raw), fmt="0.0000")
    sheet.put(r, 7, None)
    sheet.put(r, 8, xl_number(b.points), fmt=score_format(b.points))
    return r + 1
