"""What each row of a form is, told from its labels: a title, a 项目支出名称 / 主管部门 / 实施单位
row, the 项目资金 block's header, the indicator header row, a 总分 row.

A :class:`Layout` holds the labels one family of forms writes, each column's synonyms among
them; :data:`NATIONAL` is the one the reader knows (the Ministry of Finance's 2020 templates
and the variants seen in provinces). Where to add:

- **a header synonym** (a region writes 绩效指标值 for 年度指标值): add it to its column's tuple
  in :data:`NATIONAL`. Labels are compared as :func:`label_key` gives them (no spaces, no
  trailing colon or "(分)"), so write them that way.
- **a layout** whose rows are told apart by other labels: a new :class:`Layout` value here,
  given to :func:`~.tables.collect_evaluations` (``layout=``), which reads with :data:`NATIONAL`
  unless told otherwise.

Every pattern here runs in time linear in its text: no two quantifiers can match the same
characters (a run of spaces is taken by one \\s+ or \\s*), and a label is looked at only when
it is short enough to be one (:data:`LABEL_CHARS`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import attrs

from perfscore.cells import ValueKind, parse_cell
from perfscore.evaluations.grid import Cell

__all__ = [
    "BUDGET_AMOUNTS",
    "EXPECTED_COLUMNS",
    "LABEL_CHARS",
    "NATIONAL",
    "TITLE_CHARS",
    "Layout",
    "blank",
    "infer_form",
    "infer_year",
    "label_key",
    "lines_joined",
    "only_text",
]

EXPECTED_COLUMNS = (
    "a table with the columns 一级指标 / 二级指标 / 三级指标 / 年度指标值 / 实际完成值 / 分值 / 自评得分"
)

BUDGET_AMOUNTS = ("initial", "full_year", "executed", "adjustment")
"""The amount columns of the 项目资金 block, by role."""

LABEL_CHARS = 200
"""A cell longer than this (spaces at either end aside) is not a label: the longest header, title
or total label of any layout is under 40 characters, with a unit or a note in brackets under 100."""
TITLE_CHARS = 80
"""A title is at most this long ("2023 年度项目支出绩效自评表" and its variants are about 20)."""

SPACES = re.compile(r"\s+")
_TRAILING_UNIT = re.compile(r"[（(][^（()）]*[)）]$")
_YEAR = re.compile(r"((?:19|20)[0-9]{2})\s*年")


def label_key(text: str) -> str:
    """A label as compared: no spaces, no trailing colon or "(分)"; "" for a text too long to be a
    label (:data:`LABEL_CHARS`)."""
    text = text.strip()
    if len(text) > LABEL_CHARS:
        return ""
    return _TRAILING_UNIT.sub("", SPACES.sub("", text).rstrip(":：")).replace("（", "(").replace("）", ")")


def lines_joined(text: str) -> str:
    """A cell's lines joined (Word wraps 一级 / 二级 cells: "产出指标\\n(50 分)")."""
    return "".join(line.strip() for line in text.splitlines()).strip()


def blank(text: str) -> bool:
    """True for a cell that holds nothing (spaces, "……" filler and the like)."""
    return parse_cell(text).kind is ValueKind.BLANK


def only_text(row: Sequence[Cell]) -> str:
    """The row's one non-blank text (repeated or not), or "" when it has none or several."""
    found = ""
    for cell in row:
        text = cell.text.strip()
        if text and text != found:
            if found:
                return ""
            found = text
    return found


def infer_form(title: str) -> str:
    """The form a title names: 整体支出 → department, 专项资金 → special_fund, 项目支出 → project."""
    compact = SPACES.sub("", title[: LABEL_CHARS * 10])
    if "整体支出" in compact:
        return "department"
    if "专项资金" in compact:
        return "special_fund"
    if "项目支出" in compact:
        return "project"
    return ""


def infer_year(title: str) -> int:
    """The year a title names ("2023 年度…" → 2023), or 0."""
    match = _YEAR.search(title[: LABEL_CHARS * 10])
    return int(match.group(1)) if match else 0


@attrs.frozen
class Layout:
    """The labels of one family of forms, and how a row is recognised by them."""

    indicator_columns: Mapping[str, tuple[str, ...]]
    """The indicator header row: each column's role → its header texts."""
    required: tuple[str, ...]
    """Roles the indicator header row must have for a row to be one."""
    note_prefixes: tuple[str, ...]
    """A header starting with one of these is the note column when no header names it exactly."""
    budget_columns: Mapping[str, tuple[str, ...]]
    """The 项目资金 block's header row: each column's role → its header texts."""
    budget_totals: tuple[str, ...]
    """Labels of the block's total row (年度资金总额)."""
    fund_endings: tuple[str, ...]
    """Endings of a fund line's name (财政拨款, 上年结转资金), for a block without a side label."""
    meta: Mapping[str, tuple[str, ...]]
    """The cells naming the project, department and unit: each field → its labels."""
    total_row: tuple[str, ...]
    """Labels of the row that ends the indicator rows (总分)."""
    title_mark: str = "自评表"
    """What every title holds (spaces aside)."""
    meta_labels: Mapping[str, str] = attrs.field(init=False)
    """Every label of :attr:`meta` → its field."""

    @meta_labels.default
    def _meta_labels(self) -> Mapping[str, str]:
        return {label: key for key, labels in self.meta.items() for label in labels}

    def header_columns(self, row: Sequence[Cell], names: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
        """Each role of ``names`` whose header is in ``row`` → its column, the first one found."""
        found: dict[str, int] = {}
        for index, cell in enumerate(row):
            if cell.anchor and not cell.text.strip():
                continue
            key = label_key(cell.text)
            for field, variants in names.items():
                if field not in found and key in variants:
                    found[field] = index
                    break
        if "note" in names and "note" not in found:
            for index, cell in enumerate(row):
                key = label_key(cell.text)
                if key.startswith(self.note_prefixes):
                    found["note"] = index
                    break
        return found

    def indicator_header(self, row: Sequence[Cell]) -> dict[str, int]:
        """The indicator header's columns by role, or {} when ``row`` is not one."""
        found = self.header_columns(row, self.indicator_columns)
        return found if all(field in found for field in self.required) else {}

    def budget_header(self, row: Sequence[Cell]) -> dict[str, int]:
        """The 项目资金 header's columns by role, or {} when ``row`` is not one: it names the
        年初预算 column, or two of the :data:`BUDGET_AMOUNTS` columns."""
        found = self.header_columns(row, self.budget_columns)
        amounts = [field for field in BUDGET_AMOUNTS if field in found]
        return found if "initial" in found or len(amounts) >= 2 else {}

    def title(self, row: Sequence[Cell]) -> str:
        """The table's title when ``row`` is one (its one text, spaces collapsed), else ""."""
        text = only_text(row)
        if text and len(text) <= TITLE_CHARS and self.title_mark in SPACES.sub("", text):
            return " ".join(text.split())
        return ""

    def meta_values(self, row: Sequence[Cell]) -> dict[str, str]:
        """Each 项目支出名称 / 主管部门 / 实施单位 field labelled in ``row`` → the value after it."""
        found: dict[str, str] = {}
        for index, cell in enumerate(row):
            key = self.meta_labels.get(label_key(cell.text))
            if key is None or key in found or cell.anchor:
                continue
            for position in range(index + 1, len(row)):
                other = row[position]
                value = other.text.strip()
                if other.anchor == cell.address or not value:
                    continue
                if label_key(value) not in self.meta_labels:
                    found[key] = " ".join(value.split())
                break
        return found


# Header texts, compared as label_key gives them: without spaces or a trailing "(分)"/"（%）".
NATIONAL = Layout(
    indicator_columns={
        "block": ("一级指标",),
        "category": ("二级指标",),
        "name": ("三级指标",),
        "target": ("年度指标值", "指标值", "年度目标值", "目标值"),
        "actual": ("实际完成值", "全年实际值", "完成值", "实际值", "全年实际完成值"),
        "weight": ("分值", "权重"),
        "score": ("自评得分", "得分"),
        "note": ("偏差原因分析及改进措施", "未完成原因分析", "偏差原因分析", "偏差原因"),
        "sign": ("指标性质",),
        "unit": ("度量单位", "计量单位"),
    },
    required=("name", "target", "actual", "weight"),
    note_prefixes=("偏差原因", "未完成原因"),
    budget_columns={
        "initial": ("年初预算数", "年初预算"),
        "full_year": ("全年预算数", "调整后预算数", "全年预算", "调整后预算"),
        "executed": ("全年执行数", "预算执行数", "执行数", "全年执行", "实际执行数"),
        "adjustment": ("预算调整数",),
        "points": ("分值", "权重"),
        "rate": ("执行率", "预算执行率"),
        "score": ("自评得分", "得分"),
        "note": ("原因", "偏差原因", "偏差说明", "原因说明", "偏差原因分析"),
    },
    budget_totals=("年度资金总额", "资金总额", "年度资金合计", "合计", "总计"),
    fund_endings=("资金", "拨款", "结转", "收入", "经费"),
    meta={
        "project": ("项目支出名称", "项目名称"),
        "department": ("主管部门", "主管部门及代码", "主管单位"),
        "unit": ("实施单位", "预算单位名称", "预算单位", "单位名称", "部门名称", "部门(单位)名称"),
    },
    total_row=("总分", "合计", "总计", "总得分", "合计得分"),
)
"""The national templates (财预〔2020〕10号 附件3/4) and the variants provinces use."""
