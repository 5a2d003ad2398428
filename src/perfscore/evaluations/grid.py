"""Self-evaluation tables (绩效自评表) read from a grid of cells, whatever file the grid came from.

A :data:`Grid` is a list of rows of :class:`Cell`; the Word and Excel adapters in
:mod:`perfscore.evaluations.office` build one per document or worksheet. The reader here knows the layouts,
not the file formats: it finds each table by its indicator header row (三级指标 · 年度指标值 ·
实际完成值 · 分值 …), reads the title, the 项目支出名称 / 主管部门 / 实施单位 cells and the
项目资金 block above it, the indicator rows below it and the 总分 row that ends it.

Merged cells, as the adapters expand them:

- a merged value is **repeated down** the rows its range covers, in the range's leftmost column;
  the other columns of the range are **blank**. Every cell of the range but the top-left one has
  ``anchor`` set to the top-left cell's address, so a repeated value can be told from a typed one;
- 一级 / 二级 cells are read as they look: a merged 一级 or 二级 applies to every row it covers,
  also when the merge crosses into the next block (a 二级 merged across a block boundary gives
  the first row of the next block that 二级; a 一级 merged over two blocks' worth of rows puts
  them all in that one block). The importer transcribes; the scorer and reviewer judge.
- a 一级 / 二级 cell that is blank *and not merged* takes the value from the row above (tables
  often leave continuation cells empty instead of merging them); a new 一级 stops the 二级 from
  carrying over into it.

Rows whose cells from 三级指标 on are all blank, "……" filler, or repeats of a merged cell from
the row above are skipped; 不适用 rows are kept as written (name "不适用", no weight). What
follows the 总分 row (signatures, dates, notes) is ignored until the next table's title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation, localcontext
from typing import Optional

import attrs

from ..cells import ValueKind, parse_cell
from ..decimals import CONTEXT
from ..errors import EvaluationError, Problem
from .model import BudgetLine, BudgetTable, Evaluation, IndicatorRow, Unreadable

__all__ = ["Cell", "Grid", "collect_evaluations", "evaluations_from_grid", "infer_form", "infer_year"]


@attrs.frozen
class Cell:
    """One cell of a grid: its text and where it is (``Sheet1!D14``, ``表1 R14C4``)."""

    text: str
    address: str
    anchor: str = ""
    """For a cell inside a merged range other than its top-left cell: the top-left cell's address.
    Down the range's leftmost column ``text`` repeats the merged value; elsewhere it is blank."""


Grid = Sequence[Sequence[Cell]]
"""Rows of cells, top to bottom; rows may differ in length (a document holds several tables)."""

EXPECTED_COLUMNS = (
    "a table with the columns 一级指标 / 二级指标 / 三级指标 / 年度指标值 / 实际完成值 / 分值 / 自评得分"
)

# Header texts, compared without spaces or a trailing "(分)"/"（%）".
_INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {
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
}
_REQUIRED = ("name", "target", "actual", "weight")
_DATA_FIELDS = ("name", "target", "actual", "weight", "score", "note", "sign", "unit")

_BUDGET_COLUMNS: dict[str, tuple[str, ...]] = {
    "initial": ("年初预算数", "年初预算"),
    "full_year": ("全年预算数", "调整后预算数", "全年预算", "调整后预算"),
    "executed": ("全年执行数", "预算执行数", "执行数", "全年执行", "实际执行数"),
    "adjustment": ("预算调整数",),
    "points": ("分值", "权重"),
    "rate": ("执行率", "预算执行率"),
    "score": ("自评得分", "得分"),
    "note": ("原因", "偏差原因", "偏差说明", "原因说明", "偏差原因分析"),
}
_AMOUNTS = ("initial", "full_year", "executed", "adjustment")
_BUDGET_TOTAL = ("年度资金总额", "资金总额", "年度资金合计", "合计", "总计")
_FUND_ENDINGS = ("资金", "拨款", "结转", "收入", "经费")

_META: dict[str, tuple[str, ...]] = {
    "project": ("项目支出名称", "项目名称"),
    "department": ("主管部门", "主管部门及代码", "主管单位"),
    "unit": ("实施单位", "预算单位名称", "预算单位", "单位名称", "部门名称", "部门(单位)名称"),
}
_META_LABELS = {label: key for key, labels in _META.items() for label in labels}
_TOTAL_ROW = ("总分", "合计", "总计", "总得分", "合计得分")

# Every pattern here runs in time linear in its text: no two quantifiers can match the same
# characters (a run of spaces is taken by one \s+ or \s*), and a label is looked at only when
# it is short enough to be one (_LABEL_CHARS).
_SPACES = re.compile(r"\s+")
_TRAILING_UNIT = re.compile(r"[（(][^（()）]*[)）]$")
_LINE_PREFIX = re.compile(r"^其中\s*(?:[:：]\s*)?")
_YEAR = re.compile(r"((?:19|20)[0-9]{2})\s*年")

_LABEL_CHARS = 200
"""A cell longer than this (spaces at either end aside) is not a label: the longest header, title
or total label of any layout is under 40 characters, with a unit or a note in brackets under 100."""
_TITLE_CHARS = 80
"""A title is at most this long ("2023 年度项目支出绩效自评表" and its variants are about 20)."""


def _key(text: str) -> str:
    """A label as compared: no spaces, no trailing colon or "(分)"; "" for a text too long to be a
    label (:data:`_LABEL_CHARS`)."""
    text = text.strip()
    if len(text) > _LABEL_CHARS:
        return ""
    return _TRAILING_UNIT.sub("", _SPACES.sub("", text).rstrip(":：")).replace("（", "(").replace("）", ")")


def _lines_joined(text: str) -> str:
    """A cell's lines joined (Word wraps 一级 / 二级 cells: "产出指标\\n(50 分)")."""
    return "".join(line.strip() for line in text.splitlines()).strip()


def _blank(text: str) -> bool:
    return parse_cell(text).kind is ValueKind.BLANK


def infer_form(title: str) -> str:
    """The form a title names: 整体支出 → department, 专项资金 → special_fund, 项目支出 → project."""
    compact = _SPACES.sub("", title[: _LABEL_CHARS * 10])
    if "整体支出" in compact:
        return "department"
    if "专项资金" in compact:
        return "special_fund"
    if "项目支出" in compact:
        return "project"
    return ""


def infer_year(title: str) -> int:
    """The year a title names ("2023 年度…" → 2023), or 0."""
    match = _YEAR.search(title[: _LABEL_CHARS * 10])
    return int(match.group(1)) if match else 0


def evaluations_from_grid(
    grid: Grid, *, source: str = "", region: str = "", form: str = "", year: int = 0
) -> list[Evaluation]:
    """Every self-evaluation table in ``grid``, top to bottom.

    ``region``, ``form`` and ``year`` are used when given; otherwise form and year are inferred
    from the title (region is left empty). A number cell that cannot be read stays with its row as
    an :class:`Unreadable` (the scorer reports it at its cell). Raises :class:`EvaluationError`
    when the grid holds no table.
    """
    evaluations = collect_evaluations(grid, source=source, region=region, form=form, year=year)
    if not evaluations:
        raise EvaluationError([not_a_table(source)], f"{source or 'grid'}: not a self-evaluation table")
    return evaluations


def not_a_table(source: str, where: str = "") -> Problem:
    return Problem(
        "unknown-format",
        "not a self-evaluation table (no indicator header row found)",
        file=source or None,
        path=where,
        expected=EXPECTED_COLUMNS,
    )


def collect_evaluations(
    grid: Grid, *, source: str = "", region: str = "", form: str = "", year: int = 0
) -> list[Evaluation]:
    """Like :func:`evaluations_from_grid`, but no table found is an empty list, not an error."""
    with localcontext(CONTEXT):  # the caller's context (prec=2, no traps) changes no amount
        reader = _GridReader(source, region, form, year)
        for row in grid:
            reader.feed(list(row))
        reader.finish()
    return reader.evaluations


@attrs.define
class _Table:
    """What has been read of one table so far."""

    title: str = ""
    meta: dict[str, str] = attrs.field(factory=dict)
    budget_columns: dict[str, int] = attrs.field(factory=dict)
    budget_side: str = ""
    budget: Optional[BudgetTable] = None
    budget_open: bool = False
    budget_total: bool = False
    columns: dict[str, int] = attrs.field(factory=dict)
    rows: list[IndicatorRow] = attrs.field(factory=list)
    block: str = ""
    category: str = ""
    total: Optional[Decimal] = None
    unreadable: list[Unreadable] = attrs.field(factory=list)


class _GridReader:
    """A row-by-row state machine: preamble → indicator rows → after the 总分 row."""

    def __init__(self, source: str, region: str, form: str, year: int) -> None:
        self.source = source
        self.region = region
        self.form = form
        self.year = year
        self.evaluations: list[Evaluation] = []
        self.table = _Table()
        self.state = "preamble"  # or "rows", "after"
        self.pending: list[Unreadable] = []

    # -- cells ----------------------------------------------------------------------------

    def take(self) -> tuple[Unreadable, ...]:
        """The cells :meth:`number` could not read since the last call."""
        taken, self.pending = tuple(self.pending), []
        return taken

    def number(self, cell: Optional[Cell], column: str, units: tuple[str, ...]) -> Optional[Decimal]:
        """The cell's number; one that cannot be read is kept aside (:meth:`take`), so its row
        stays in the table and the scorer reports the cell, never a whole-file error."""
        if cell is None:
            return None
        text = cell.text.strip()
        kind = parse_cell(text).kind
        if kind in (ValueKind.BLANK, ValueKind.NOT_APPLICABLE):
            return None
        bare = _SPACES.sub("", text).replace(",", "").replace("，", "")
        for unit in units:
            if bare.endswith(unit):
                bare = bare[: -len(unit)]
                break
        try:
            value = Decimal(bare)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.pending.append(Unreadable(column, cell.text, cell.address))
            return None
        return value

    @staticmethod
    def at(row: list[Cell], column: Optional[int]) -> Optional[Cell]:
        if column is None or column >= len(row):
            return None
        return row[column]

    def text(self, row: list[Cell], column: Optional[int]) -> str:
        cell = self.at(row, column)
        return cell.text.strip() if cell is not None else ""

    # -- row kinds ------------------------------------------------------------------------

    @staticmethod
    def header_columns(row: list[Cell], names: dict[str, tuple[str, ...]]) -> dict[str, int]:
        found: dict[str, int] = {}
        for index, cell in enumerate(row):
            if cell.anchor and not cell.text.strip():
                continue
            key = _key(cell.text)
            for field, variants in names.items():
                if field not in found and key in variants:
                    found[field] = index
                    break
        if "note" in names and "note" not in found:
            for index, cell in enumerate(row):
                key = _key(cell.text)
                if key.startswith(("偏差原因", "未完成原因")):
                    found["note"] = index
                    break
        return found

    def indicator_header(self, row: list[Cell]) -> dict[str, int]:
        found = self.header_columns(row, _INDICATOR_COLUMNS)
        return found if all(field in found for field in _REQUIRED) else {}

    def budget_header(self, row: list[Cell]) -> dict[str, int]:
        found = self.header_columns(row, _BUDGET_COLUMNS)
        amounts = [field for field in _AMOUNTS if field in found]
        return found if "initial" in found or len(amounts) >= 2 else {}

    @staticmethod
    def only_text(row: list[Cell]) -> str:
        """The row's one non-blank text (repeated or not), or "" when it has none or several."""
        found = ""
        for cell in row:
            text = cell.text.strip()
            if text and text != found:
                if found:
                    return ""
                found = text
        return found

    def title(self, row: list[Cell]) -> str:
        text = self.only_text(row)
        if text and len(text) <= _TITLE_CHARS and "自评表" in _SPACES.sub("", text):
            return " ".join(text.split())
        return ""

    @staticmethod
    def meta(row: list[Cell]) -> dict[str, str]:
        found: dict[str, str] = {}
        for index, cell in enumerate(row):
            key = _META_LABELS.get(_key(cell.text))
            if key is None or key in found or cell.anchor:
                continue
            for position in range(index + 1, len(row)):
                other = row[position]
                value = other.text.strip()
                if other.anchor == cell.address or not value:
                    continue
                if _key(value) not in _META_LABELS:
                    found[key] = " ".join(value.split())
                break
        return found

    # -- the state machine ----------------------------------------------------------------

    def feed(self, row: list[Cell]) -> None:
        title = self.title(row)
        meta = self.meta(row) if not title else {}
        header = self.indicator_header(row) if not title else {}
        budget = self.budget_header(row) if not (title or header) else {}
        starts_preamble = bool(title or meta or budget)
        if self.state == "rows" and header and row[header["name"]].anchor:
            return  # the header's second line (a header merged over two rows)
        if self.state != "preamble" and (starts_preamble or header):
            self.finish()
        if title:
            self.table.title = title
            self.table.budget_open = False
        elif header:
            self.table.columns = header
            self.table.budget_open = False
            self.state = "rows"
        elif budget:
            self.table.budget_columns = budget
            self.table.budget_side = (row[0].address if row[0].text.strip() else "") if row else ""
            self.table.budget = BudgetTable()
            self.table.budget_open = True
        elif meta:
            for key, value in meta.items():
                self.table.meta.setdefault(key, value)
            self.table.budget_open = False
        elif self.state == "rows":
            self.indicator_row(row)
        elif self.state == "preamble" and self.table.budget_open:
            self.budget_row(row)

    def finish(self) -> None:
        """Close the current table (if it has its header row) and start a new one."""
        table = self.table
        if table.columns:
            self.evaluations.append(
                Evaluation(
                    region=self.region,
                    form=self.form or infer_form(table.title),
                    year=self.year or infer_year(table.title),
                    title=table.title,
                    unit=table.meta.get("unit", ""),
                    department=table.meta.get("department", ""),
                    project=table.meta.get("project", ""),
                    budget=table.budget,
                    rows=tuple(table.rows),
                    reported_total=table.total,
                    unreadable=tuple(table.unreadable),
                    source=self.source,
                )
            )
        self.table = _Table()
        self.state = "preamble"

    # -- the 项目资金 block ----------------------------------------------------------------

    def budget_row(self, row: list[Cell]) -> None:
        table = self.table
        assert table.budget is not None
        columns = table.budget_columns
        first = min(columns[field] for field in _AMOUNTS if field in columns)
        side = table.budget_side
        in_side = bool(side) and bool(row) and row[0].anchor == side
        label = ""
        for cell in reversed(row[:first]):
            if cell.text.strip() and not (side and cell.anchor == side):
                label = _lines_joined(cell.text)
                break
        name = _LINE_PREFIX.sub("", label)
        if ":" in name or "：" in name:
            return  # 按收入性质分：153.67 and the like (整体支出 layout): a breakdown in words
        amounts = [self.text(row, columns.get(field)) for field in _AMOUNTS]
        if not label:
            if table.budget_total or all(_blank(text) for text in amounts):
                table.budget_open = in_side
                return
        elif _key(label) not in _BUDGET_TOTAL:
            if in_side or (not side and table.budget_total and name.endswith(_FUND_ENDINGS)):
                table.budget = attrs.evolve(
                    table.budget,
                    lines=(
                        *table.budget.lines,
                        BudgetLine(
                            name=name,
                            initial=self.amount(row, "initial"),
                            full_year=self.amount(row, "full_year"),
                            executed=self.amount(row, "executed"),
                        ),
                    ),
                    unreadable=(*table.budget.unreadable, *self.take()),
                )
            else:
                table.budget_open = False  # past the block (年度总体目标 …)
            return
        table.budget_total = True
        table.budget = attrs.evolve(
            table.budget,
            initial=self.amount(row, "initial"),
            full_year=self.amount(row, "full_year"),
            executed=self.amount(row, "executed"),
            adjustment=self.amount(row, "adjustment"),
            points=self.number(self.at(row, columns.get("points")), "points", ("分",)),
            rate=self.text(row, columns.get("rate")),
            reported_score=self.number(self.at(row, columns.get("score")), "reported_score", ("分",)),
            note=self.text(row, columns.get("note")),
            unreadable=(*table.budget.unreadable, *self.take()),
        )

    def amount(self, row: list[Cell], field: str) -> Optional[Decimal]:
        return self.number(self.at(row, self.table.budget_columns.get(field)), field, ("万元", "元"))

    # -- indicator rows -------------------------------------------------------------------

    def indicator_row(self, row: list[Cell]) -> None:
        table = self.table
        columns = table.columns
        score_column = columns.get("score", columns["weight"])
        for cell in row[: max(columns["weight"], score_column)]:
            if _key(cell.text) in _TOTAL_ROW and not cell.anchor:
                table.total = self.number(self.at(row, score_column), "reported_total", ("分",))
                table.unreadable.extend(self.take())
                self.state = "after"
                return

        def new(field: str) -> bool:
            cell = self.at(row, columns.get(field))
            if cell is None or _blank(cell.text):
                return False
            return not (cell.anchor and cell.text.strip())

        if not any(new(field) for field in _DATA_FIELDS if field in columns):
            return  # empty, "……", or the rest of a merged row above
        block = _lines_joined(self.text(row, columns.get("block")))
        if block:
            if block != table.block:
                table.category = ""
            table.block = block
        category = _lines_joined(self.text(row, columns.get("category")))
        if category:
            table.category = category
        name_cell = row[columns["name"]] if columns["name"] < len(row) else None
        table.rows.append(
            IndicatorRow(
                block=table.block,
                category=table.category,
                name=self.text(row, columns["name"]),
                target=self.text(row, columns["target"]),
                actual=self.text(row, columns["actual"]),
                weight=self.number(self.at(row, columns["weight"]), "weight", ("分",)),
                reported_score=self.number(self.at(row, columns.get("score")), "reported_score", ("分",)),
                note=self.text(row, columns.get("note")),
                sign=self.text(row, columns.get("sign")),
                unit=self.text(row, columns.get("unit")),
                unreadable=self.take(),
                where=name_cell.address if name_cell is not None else "",
            )
        )
