"""What every export shows, computed once: the presentation model the writers share.

A :class:`ReportView` holds a reviewed report as the exports lay it out: the title and facts, the
项目资金 block with its amounts, each 一级 block's rows with their labels and differences, the
totals and the findings. Markdown, HTML and the workbook read it and differ only in markup;
numbers stay Decimals here and each writer formats them (:func:`plain`, :func:`signed` and
:func:`percent` for text, the workbook's own number formats for cells).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

import attrs

from ..cells import ValueKind, parse_cell
from ..decimals import plain
from ..evaluations import Evaluation
from ..reviewing import Review
from .model import BlockResult, BudgetResult, CategoryResult, Finding, Report, RowResult
from .status import NOT_APPLICABLE, NOT_SCORABLE

__all__ = [
    "BUDGET_HEADERS",
    "FINDING_HEADERS",
    "GRID_HEADERS",
    "LEGEND",
    "BlockView",
    "BudgetLine",
    "BudgetView",
    "CategoryView",
    "ReportView",
    "RowView",
    "percent",
    "plain",
    "severity_label",
    "signed",
]

GRID_HEADERS = (
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
BUDGET_HEADERS = (
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
FINDING_HEADERS = ("严重程度", "代码", "位置", "说明", "English", "应为", "实为")

#: What the colours and marks of the indicator grid mean.
LEGEND = "差异 = 自评得分 − 计算得分；红色：自评高于计算，黄色：自评低于计算，橙色：无法计分，灰色：不适用；★ 核心指标。"

_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
_STATUS_ZH = {NOT_APPLICABLE: "不适用", NOT_SCORABLE: "无法计分"}
#: How far the printed 执行率 may differ from the computed one before it is marked.
_RATE_TOLERANCE = Decimal("0.0001")


def signed(value: Optional[Decimal]) -> str:
    """A difference as text: ``+2``, ``-1.5``, and nothing for none or zero."""
    if value is None or value == 0:
        return ""
    return ("+" if value > 0 else "") + plain(value)


def percent(rate: Optional[Decimal]) -> str:
    """A rate as a percentage to two places, ``—`` for none."""
    if rate is None:
        return "—"
    return plain(round(rate * 100, 2)) + "%"


def severity_label(severity: str) -> str:
    """A finding's severity as the exports name it: 错误, 警告, 提示."""
    return _SEVERITY_ZH.get(severity, severity)


def _printed_rate(text: str) -> Optional[Decimal]:
    """The printed 执行率 as a fraction, when it reads as a number."""
    cell = parse_cell(text)
    if cell.kind is not ValueKind.NUMBER or cell.number is None:
        return None
    return cell.number / 100 if cell.unit == "%" else cell.number


def _difference(reported: Optional[Decimal], computed: Optional[Decimal]) -> Optional[Decimal]:
    if reported is None or computed is None:
        return None
    return reported - computed


@attrs.frozen
class BudgetLine:
    """A sub-row of the 项目资金 block (其中：…), as the evaluation states it."""

    name: str
    initial: Optional[Decimal]
    full_year: Optional[Decimal]
    executed: Optional[Decimal]


@attrs.frozen
class BudgetView:
    """The 项目资金 block: amounts from the evaluation when given, else what the report kept."""

    result: BudgetResult
    initial: Optional[Decimal]
    full_year: Optional[Decimal]
    executed: Optional[Decimal]
    lines: tuple[BudgetLine, ...]
    printed_rate: Optional[Decimal]
    """The printed 执行率 as a fraction, when it reads as a number"""
    rate_differs: bool
    """The printed 执行率 and the computed one differ"""
    difference: Optional[Decimal]
    """Reported minus computed points"""

    @property
    def scorable(self) -> bool:
        return self.result.status != NOT_SCORABLE

    @classmethod
    def of(cls, budget: BudgetResult, evaluation: Optional[Evaluation]) -> BudgetView:
        table = evaluation.budget if evaluation is not None else None
        if table is not None:
            initial, full_year, executed = table.initial, table.full_year, table.executed
            lines = tuple(
                BudgetLine(name=x.name, initial=x.initial, full_year=x.full_year, executed=x.executed)
                for x in table.lines
            )
        else:
            base_initial = budget.base == "initial"
            initial = budget.base_amount if base_initial else None
            full_year = None if base_initial else budget.base_amount
            executed, lines = budget.executed, ()
        printed = _printed_rate(budget.printed_rate)
        rate = budget.rate
        return cls(
            result=budget,
            initial=initial,
            full_year=full_year,
            executed=executed,
            lines=lines,
            printed_rate=printed,
            rate_differs=printed is not None and rate is not None and abs(printed - rate) > _RATE_TOLERANCE,
            difference=_difference(budget.reported, budget.points),
        )


@attrs.frozen
class RowView:
    """One 三级 row as every export shows it."""

    result: RowResult
    name: str
    """The indicator's name, ★ before a core one, ``—`` for none"""
    computed: str
    """The computed score as text, or the status's label (不适用, 无法计分)"""

    @property
    def reason(self) -> str:
        """The reason in Chinese, with the rule the table prints on the row beside it."""
        rule = self.result.printed_rule
        return f"{self.result.reason_zh}（表中规则：{rule}）" if rule else self.result.reason_zh

    @classmethod
    def of(cls, row: RowResult) -> RowView:
        return cls(
            result=row,
            name=("★" if row.core else "") + (row.name or "—"),
            computed=_STATUS_ZH.get(row.status) or plain(row.points),
        )


@attrs.frozen
class CategoryView:
    """A 二级 category and its rows."""

    result: CategoryResult
    name: str
    """The category's name, ``—`` for none"""
    rows: tuple[RowView, ...]


@attrs.frozen
class BlockView:
    """A 一级 block: its label, categories and subtotal."""

    result: BlockResult
    label: str
    """``产出指标（50分）``"""
    categories: tuple[CategoryView, ...]
    partial: bool
    """A row of the block could not be scored"""
    difference: Optional[Decimal]
    """Reported minus computed subtotal; none when the subtotal is partial"""

    @property
    def rows(self) -> tuple[RowView, ...]:
        return tuple(row for cat in self.categories for row in cat.rows)

    @classmethod
    def of(cls, block: BlockResult) -> BlockView:
        categories = tuple(
            CategoryView(result=cat, name=cat.name or "—", rows=tuple(RowView.of(row) for row in cat.rows))
            for cat in block.categories
        )
        partial = any(row.status == NOT_SCORABLE for row in block.rows)
        return cls(
            result=block,
            label=f"{block.name_zh}（{plain(block.max_points)}分）",
            categories=categories,
            partial=partial,
            difference=None if partial else _difference(block.reported, block.points),
        )


@attrs.frozen
class ReportView:
    """A reviewed report as the exports lay it out."""

    report: Report
    findings: tuple[Finding, ...]
    title: str
    facts: tuple[tuple[str, str], ...]
    """项目名称, 单位 and 年度, each with its value (empty when the table gives none)"""
    budget: Optional[BudgetView]
    blocks: tuple[BlockView, ...]
    difference: Optional[Decimal]
    """Reported minus computed total; none when the computed total is partial"""
    grade: str
    """The computed grade in Chinese and English, ``—`` for none"""

    @classmethod
    def of(cls, review: Review, evaluation: Optional[Evaluation] = None) -> ReportView:
        report = review.report
        return cls(
            report=report,
            findings=tuple(review.findings),
            title=report.title or report.project or "绩效自评表",
            facts=(("项目名称", report.project), ("单位", report.unit), ("年度", str(report.year or ""))),
            budget=None if report.budget is None else BudgetView.of(report.budget, evaluation),
            blocks=tuple(BlockView.of(block) for block in report.blocks),
            difference=_difference(report.reported_total, report.total) if report.complete else None,
            grade=f"{report.grade} {report.grade_en}".strip() or "—",
        )
