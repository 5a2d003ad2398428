"""Self-evaluation tables (绩效自评表) read from a :data:`~.grid.Grid`, whatever file it came from.

The reader here knows the layouts, not the file formats: it finds each table by its indicator
header row (三级指标 · 年度指标值 · 实际完成值 · 分值 …), reads the title, the 项目支出名称 /
主管部门 / 实施单位 cells and the 项目资金 block (:mod:`.budget`) above it, the indicator rows
below it and the 总分 row that ends it. Which row is which is told by the labels of a
:class:`~.layout.Layout`.

Merged cells are expanded as :mod:`.grid` documents, and read as they look:

- a merged 一级 or 二级 applies to every row it covers, also when the merge crosses into the
  next block (a 二级 merged across a block boundary gives the first row of the next block that
  二级; a 一级 merged over two blocks' worth of rows puts them all in that one block). The
  importer transcribes; the scorer and reviewer judge.
- a 一级 / 二级 cell that is blank *and not merged* takes the value from the row above (tables
  often leave continuation cells empty instead of merging them); a new 一级 stops the 二级 from
  carrying over into it.

Rows whose cells from 三级指标 on are all blank, "……" filler, or repeats of a merged cell from
the row above are skipped; 不适用 rows are kept as written (name "不适用", no weight). What
follows the 总分 row (signatures, dates, notes) is ignored until the next table's title.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, localcontext
from typing import Literal, Optional

import attrs

from perfscore.decimals import CONTEXT
from perfscore.errors import EvaluationError, Problem
from perfscore.evaluations.grid import Cell, Grid
from perfscore.evaluations.model import Evaluation, IndicatorRow, Unreadable
from perfscore.evaluations.problems import problem

from .budget import BudgetBlock
from .layout import EXPECTED_COLUMNS, NATIONAL, Layout, blank, infer_form, infer_year, label_key, lines_joined
from .values import POINTS, CellValues, cell_at

__all__ = ["TableReader", "collect_evaluations", "evaluations_from_grid", "not_a_table"]

_DATA_FIELDS = ("name", "target", "actual", "weight", "score", "note", "sign", "unit")
"""The indicator columns a row must write something new in to be a row (not filler)."""


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
    """The ``unknown-format`` problem of a file or grid that holds no self-evaluation table."""
    reason = "not a self-evaluation table (no indicator header row found)"
    return problem(
        "unknown-format", file=source or None, path=where, expected=EXPECTED_COLUMNS, reason=reason
    )


def collect_evaluations(
    grid: Grid,
    *,
    source: str = "",
    region: str = "",
    form: str = "",
    year: int = 0,
    layout: Layout = NATIONAL,
) -> list[Evaluation]:
    """Like :func:`evaluations_from_grid`, but no table found is an empty list, not an error."""
    with localcontext(CONTEXT):  # the caller's context (prec=2, no traps) changes no amount
        reader = TableReader(source, region, form, year, layout)
        for row in grid:
            reader.feed(list(row))
        reader.finish()
    return reader.evaluations


@attrs.define
class _Table:
    """What has been read of one table so far."""

    title: str = ""
    meta: dict[str, str] = attrs.field(factory=dict)
    budget: Optional[BudgetBlock] = None
    columns: dict[str, int] = attrs.field(factory=dict)
    rows: list[IndicatorRow] = attrs.field(factory=list)
    block: str = ""
    category: str = ""
    total: Optional[Decimal] = None
    unreadable: list[Unreadable] = attrs.field(factory=list)

    def close_budget(self) -> None:
        """The 项目资金 block, if any, takes no more rows."""
        if self.budget is not None:
            self.budget.open = False


class TableReader:
    """A row-by-row state machine: preamble → indicator rows → after the 总分 row. Each table
    read, once its header row has been seen, is appended to :attr:`evaluations`."""

    def __init__(self, source: str, region: str, form: str, year: int, layout: Layout = NATIONAL) -> None:
        self.source = source
        self.region = region
        self.form = form
        self.year = year
        self.layout = layout
        self.evaluations: list[Evaluation] = []
        self.table = _Table()
        self.state: Literal["preamble", "rows", "after"] = "preamble"
        self.values = CellValues()

    def feed(self, row: Sequence[Cell]) -> None:
        """Read the next row of the grid."""
        layout = self.layout
        title = layout.title(row)
        meta = layout.meta_values(row) if not title else {}
        header = layout.indicator_header(row) if not title else {}
        budget = layout.budget_header(row) if not (title or header) else {}
        if self.state == "rows" and header and row[header["name"]].anchor:
            return  # the header's second line (a header merged over two rows)
        if self.state != "preamble" and (title or meta or budget or header):
            self.finish()
        table = self.table
        if title:
            table.title = title
            table.close_budget()
        elif header:
            table.columns = header
            table.close_budget()
            self.state = "rows"
        elif budget:
            side = (row[0].address if row[0].text.strip() else "") if row else ""
            total = table.budget.total if table.budget is not None else False
            table.budget = BudgetBlock(budget, side, total=total)
        elif meta:
            for key, value in meta.items():
                table.meta.setdefault(key, value)
            table.close_budget()
        elif self.state == "rows":
            self.indicator_row(row)
        elif self.state == "preamble" and table.budget is not None and table.budget.open:
            table.budget.row(row, self.values, layout)

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
                    budget=table.budget.table if table.budget is not None else None,
                    rows=tuple(table.rows),
                    reported_total=table.total,
                    unreadable=tuple(table.unreadable),
                    source=self.source,
                )
            )
        self.table = _Table()
        self.state = "preamble"

    # -- indicator rows -----------------------------------------------------------------------

    def total_row(self, row: Sequence[Cell]) -> bool:
        """True, the table's reported total read, when ``row`` is its 总分 row."""
        columns = self.table.columns
        score_column = columns.get("score", columns["weight"])
        for cell in row[: max(columns["weight"], score_column)]:
            if label_key(cell.text) in self.layout.total_row and not cell.anchor:
                self.table.total = self.values.number_at(row, score_column, "reported_total", POINTS)
                self.table.unreadable.extend(self.values.take())
                self.state = "after"
                return True
        return False

    def new_in(self, row: Sequence[Cell], field: str) -> bool:
        """True when the ``field`` column of ``row`` holds a value of its own (not a blank,
        filler, or the repeat of a merged cell above)."""
        cell = cell_at(row, self.table.columns.get(field))
        if cell is None or blank(cell.text):
            return False
        return not (cell.anchor and cell.text.strip())

    def indicator_row(self, row: Sequence[Cell]) -> None:
        """Read a row below the header: the 总分 row, an indicator, or filler to skip."""
        if self.total_row(row):
            return
        table, values = self.table, self.values
        columns = table.columns
        if not any(self.new_in(row, field) for field in _DATA_FIELDS if field in columns):
            return  # empty, "……", or the rest of a merged row above
        block = lines_joined(values.text(row, columns.get("block")))
        if block:
            if block != table.block:
                table.category = ""
            table.block = block
        category = lines_joined(values.text(row, columns.get("category")))
        if category:
            table.category = category
        name_cell = cell_at(row, columns["name"])
        table.rows.append(
            IndicatorRow(
                block=table.block,
                category=table.category,
                name=values.text(row, columns["name"]),
                target=values.text(row, columns["target"]),
                actual=values.text(row, columns["actual"]),
                weight=values.number_at(row, columns["weight"], "weight", POINTS),
                reported_score=values.number_at(row, columns.get("score"), "reported_score", POINTS),
                note=values.text(row, columns.get("note")),
                sign=values.text(row, columns.get("sign")),
                unit=values.text(row, columns.get("unit")),
                unreadable=values.take(),
                where=name_cell.address if name_cell is not None else "",
            )
        )
