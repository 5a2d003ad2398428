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

Regional layouts (DOMAIN §7.2), told from the grid, not declared:

- the header's columns are named from the vocabulary (:mod:`.vocabulary`): a flat list has no
  一级/二级 columns, a table with points only in its block labels no weight column; columns the
  vocabulary keeps (评分标准, 复核分 …) go to each row's ``extra``;
- a header over two rows is read from both (:func:`stacked`);
- a goal row (年度绩效目标1(40分)) sets the ``group`` of the rows after it, and the header it
  repeats starts no new table;
- a name merged across the level columns is the name; a 得分 merged down is one score for the
  rows it spans (``shared_score``);
- a self score, grade or year printed in the header area, and a year or form line under the
  title, are read; a line merged across the whole table below the rows is not an indicator.

Rows whose cells from 三级指标 on are all blank, "……" filler, or repeats of a merged cell from
the row above are skipped; 不适用 rows are kept as written (name "不适用", no weight). What
follows the 总分 row (signatures, dates, notes) is ignored until the next table's title.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, localcontext
from typing import Literal, Optional

import attrs

from ..codes import Words
from ..decimals import CONTEXT
from ..errors import EvaluationError, Problem
from .budget import BudgetBlock, unit_line
from .grid import Cell, Grid
from .layout import (
    EXPECTED_COLUMNS,
    NATIONAL,
    Layout,
    blank,
    goal_label,
    infer_form,
    infer_year,
    lines_joined,
    only_text,
    row_keys,
    title_line,
)
from .model import Evaluation, IndicatorRow, Unreadable, replaced
from .problems import problem
from .values import POINTS, CellValues, cell_at

__all__ = ["TableReader", "collect_evaluations", "evaluations_from_grid", "not_a_table"]

_DATA_FIELDS = ("name", "target", "actual", "weight", "score", "note", "sign", "unit")
"""The indicator columns a row must write something new in to be a row (not filler)."""


def evaluations_from_grid(
    grid: Grid,
    *,
    source: str = "",
    region: str = "",
    form: str = "",
    year: int = 0,
    vocabulary: Optional[Mapping[str, Sequence[str]]] = None,
) -> list[Evaluation]:
    """Every self-evaluation table in ``grid``, top to bottom.

    ``region``, ``form`` and ``year`` are used when given; otherwise form and year are inferred
    from the title (region is left empty). A number cell that cannot be read stays with its row as
    an :class:`Unreadable` (the scorer reports it at its cell). Raises :class:`EvaluationError`
    when the grid holds no table.

    ``vocabulary`` adds header texts to the known ones (:mod:`.vocabulary`), by role:
    ``{"score": ["考核得分"], "budget.executed": ["实付数"], "meta.unit": ["填报单位"],
    "extra": ["佐证材料"]}`` (:meth:`~.layout.Layout.extended`; an unknown role is a ValueError).
    """
    layout = NATIONAL.extended(vocabulary) if vocabulary else NATIONAL
    evaluations = collect_evaluations(grid, source=source, region=region, form=form, year=year, layout=layout)
    if not evaluations:
        raise EvaluationError([not_a_table(source)], f"{source or 'grid'}: not a self-evaluation table")
    return evaluations


def not_a_table(source: str, where: str = "") -> Problem:
    """The ``unknown-format`` problem of a file or grid that holds no self-evaluation table."""
    reason = Words(
        "未找到指标表头行，不是绩效自评表", "not a self-evaluation table (no indicator header row found)"
    )
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
    extras: dict[str, int] = attrs.field(factory=dict)
    header: Sequence[Cell] = ()
    rows: list[IndicatorRow] = attrs.field(factory=list)
    group: str = ""
    block: str = ""
    category: str = ""
    total: Optional[Decimal] = None
    total_read: bool = False
    scale: int = 0
    """-4 after a line of its own says the amounts are in 元 ("金额单位：元")."""
    printed: Optional[Decimal] = None
    """The self score printed in the header area ("自评总分：92")."""
    grade: str = ""
    year: int = 0
    """The year printed in the header area ("评价年度：2021"), 0 for none."""
    score_cells: dict[str, int] = attrs.field(factory=dict)
    """Each row's 得分 cell address → the row's index (to mark a merged score's first row)."""
    unreadable: list[Unreadable] = attrs.field(factory=list)

    def close_budget(self) -> None:
        """The 项目资金 block, if any, takes no more rows."""
        if self.budget is not None:
            self.budget.open = False


def stacked(upper: Sequence[Cell], lower: Sequence[Cell]) -> list[Cell]:
    """A two-row header read as one row: each column's lower text (a sub-column), or its upper
    text where the lower is blank."""
    out: list[Cell] = []
    for index in range(max(len(upper), len(lower))):
        low = lower[index] if index < len(lower) else None
        up = upper[index] if index < len(upper) else None
        if low is not None and low.text.strip():
            out.append(Cell(low.text, low.address))
        elif up is not None:
            out.append(Cell(up.text, low.address if low is not None else up.address))
    return out


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
        self.previous: Sequence[Cell] = ()
        self.titling = False
        """True right after the title: a year or form line continues it."""
        self.goal = False
        """True right after a goal row: the header that follows repeats, it starts no table."""

    def feed(self, row: Sequence[Cell]) -> None:
        """Read the next row of the grid."""
        previous, self.previous = self.previous, row
        titling, self.titling = self.titling, False
        goal, self.goal = self.goal, False
        if self.subheader(row, previous):
            return
        layout = self.layout
        text = only_text(row)
        title = layout.title(row, text)
        if titling and self.state == "preamble" and (title or title_line(text)):
            self.table.title = f"{self.table.title} {' '.join(text.split())}"
            self.titling = True
            return
        scale = unit_line(text) if text else None
        if scale is not None:
            self.table.scale = scale
            return
        if goal_label(text) and self.state != "after":
            self.table.group, self.table.block, self.table.category = " ".join(text.split()), "", ""
            self.table.close_budget()
            self.goal = True
            return
        keys = row_keys(row)  # the row's labels, found once for every test below
        header = layout.indicator_header(row, keys) if not title else {}
        if not (title or header) and self.state == "preamble" and previous and layout.only_headers(row):
            header = layout.indicator_header(stacked(previous, row))
            row = stacked(previous, row) if header else row
        if header and self.state == "rows" and goal:
            self.set_header(row, header)
            return
        meta = layout.meta_values(row, keys) if not (title or header) else {}
        budget = layout.budget_header(row, keys) if not (title or header) else {}
        if budget and self.state != "preamble" and self.table.budget is None:
            self.table.budget = BudgetBlock.start(row, budget, False, trailing=True, scale=self.table.scale)
            return  # the block printed after the indicator rows (or as a second Word table)
        if self.state != "preamble" and (title or meta or budget or header):
            self.finish()
        self.dispatch(row, keys, title, header, budget, meta)

    def dispatch(
        self,
        row: Sequence[Cell],
        keys: Sequence[str],
        title: str,
        header: dict[str, int],
        budget: dict[str, int],
        meta: dict[str, str],
    ) -> None:
        """Read a row known to be a title, a header, a meta row, or other (``keys``: its
        :func:`~.layout.row_keys`)."""
        table = self.table
        if title:
            table.title = title
            table.close_budget()
            self.titling = True
        elif header:
            self.set_header(row, header)
            table.close_budget()
            self.state = "rows"
        elif budget:
            total = table.budget.total if table.budget is not None else False
            table.budget = BudgetBlock.start(row, budget, total, scale=table.scale)
        elif meta:
            for key, value in meta.items():
                table.meta.setdefault(key, value)
            table.close_budget()
        elif self.state != "preamble" and table.budget is not None and table.budget.open:
            table.budget.row(row, self.values, self.layout)
            if not table.budget.open and self.state == "rows":
                self.indicator_row(row, keys)  # past the block: the rest of the table (总分)
        elif self.state == "rows":
            self.indicator_row(row, keys)
        elif (
            not self.marks(row, keys)
            and self.state == "preamble"
            and table.budget is not None
            and table.budget.open
        ):
            table.budget.row(row, self.values, self.layout)

    def set_header(self, row: Sequence[Cell], header: dict[str, int]) -> None:
        self.table.columns = header
        self.table.extras = self.layout.extras(row, header)
        self.table.header = row

    def subheader(self, row: Sequence[Cell], previous: Sequence[Cell]) -> bool:
        """True when ``row`` is the second line of the header just read (a header merged over
        two rows, or sub-columns under it), the header then read from both lines."""
        table = self.table
        if self.state != "rows" or table.rows or previous is not table.header:
            return False
        if not self.layout.only_headers(row):
            return False
        header = self.layout.indicator_header(stacked(previous, row))
        alone = self.layout.indicator_header(row)
        if not header or (alone and not cell_at(row, alone["name"]).anchor):  # type: ignore[union-attr]
            return False
        self.set_header(stacked(previous, row), header)
        self.previous = table.header
        return True

    def marks(self, row: Sequence[Cell], keys: Sequence[str]) -> bool:
        """True when ``row`` prints the self score or the grade in the header area."""
        found = self.layout.header_marks(row, keys)
        table = self.table
        for key, (text, cell) in found.items():
            if key == "grade":
                table.grade = table.grade or text
            elif key == "year":
                table.year = table.year or infer_year(text if "年" in text else f"{text}年")
            elif any(ch.isdigit() for ch in text) and table.printed is None:
                table.printed = self.values.number(Cell(text, cell.address), "reported_total", POINTS)
                table.unreadable.extend(self.values.take())
        return bool(found)

    def finish(self) -> None:
        """Close the current table (if it has its header row) and start a new one."""
        table = self.table
        if table.columns:
            form, year = infer_form(table.title), infer_year(table.title) or table.year  # as the title says
            given = (("form", self.form, form), ("year", self.year, year))
            self.evaluations.append(
                Evaluation(
                    region=self.region,
                    form=self.form or form,
                    year=self.year or year,
                    overridden=replaced(*given),
                    title=table.title,
                    unit=table.meta.get("unit", ""),
                    department=table.meta.get("department", ""),
                    project=table.meta.get("project", ""),
                    budget=table.budget.table if table.budget is not None else None,
                    rows=tuple(table.rows),
                    reported_total=table.total if table.total_read else table.printed,
                    reported_grade=table.grade,
                    unreadable=tuple(table.unreadable),
                    source=self.source,
                    columns=tuple(table.columns),
                )
            )
        self.table = _Table()
        self.state = "preamble"
        self.previous = ()

    # -- indicator rows -----------------------------------------------------------------------

    def total_row(self, row: Sequence[Cell], keys: Sequence[str]) -> bool:
        """True, the table's reported total read, when ``row`` is its 总分 row."""
        columns = self.table.columns
        score_column = columns.get("score", columns.get("weight", 0))
        for cell, key in zip(row[: max(columns.get("weight", 0), score_column)], keys):
            if key in self.layout.total_row and not cell.anchor:
                self.table.total = self.values.number_at(row, score_column, "reported_total", POINTS)
                self.table.total_read = True
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

    def levels(self, row: Sequence[Cell]) -> tuple[str, str, str]:
        """The row's 一级, 二级 and 三级: carried down when blank; a name merged across the level
        columns (its cell blank, anchored to the 一级 or 二级 cell of the same row) is the name,
        and the levels it covers are empty."""
        table, values, columns = self.table, self.values, self.table.columns
        name = values.text(row, columns["name"])
        name_cell = cell_at(row, columns["name"])
        covered = ""
        if name_cell is not None and not name and name_cell.anchor:
            for field in ("block", "category"):
                cell = cell_at(row, columns.get(field))
                if cell is not None and cell.address == name_cell.anchor:
                    name, covered = lines_joined(cell.text), field
                    break
        if covered == "block":
            table.block = table.category = ""
            return "", "", name
        block = lines_joined(values.text(row, columns.get("block")))
        if block:
            if block != table.block:
                table.category = ""
            table.block = block
        category = "" if covered else lines_joined(values.text(row, columns.get("category")))
        if category or covered:
            table.category = category
        return table.block, table.category, name

    def row_extra(self, row: Sequence[Cell]) -> tuple[bool, dict[str, str]]:
        """The row's 是否核心指标 and its columns kept as written."""
        values, table = self.values, self.table
        extra = {label: values.text(row, index) for label, index in table.extras.items()}
        core_text = values.text(row, table.columns.get("core"))
        core = core_text in ("是", "√", "✓", "Y", "y")
        if core_text and not core and core_text not in ("否", "×", "N", "n"):
            extra["是否核心指标"] = core_text
        return core, {label: text for label, text in extra.items() if text}

    def score(self, row: Sequence[Cell]) -> tuple[Optional[Decimal], str]:
        """The row's 自评得分, and the merged 得分 cell it shares with other rows (or "")."""
        table = self.table
        cell = cell_at(row, table.columns.get("score"))
        if cell is None:
            return None, ""
        if cell.anchor:
            first = table.score_cells.get(cell.anchor)
            if first is not None and not table.rows[first].shared_score:
                table.rows[first] = attrs.evolve(table.rows[first], shared_score=cell.anchor)
            return None, cell.anchor
        table.score_cells[cell.address] = len(table.rows)
        return self.values.number(cell, "reported_score", POINTS), ""

    def indicator_row(self, row: Sequence[Cell], keys: Sequence[str]) -> None:
        """Read a row below the header: the 总分 row, an indicator, or filler to skip."""
        if self.total_row(row, keys):
            return
        table, values = self.table, self.values
        columns = table.columns
        if len(row) == 1 or all(cell.anchor == row[0].address for cell in row[1:]):
            self.marks(row, keys)
            return  # a line across the table (填表人, a note, the grade), not an indicator
        if only_text(row) and self.marks(row, keys):
            return  # "自评得分：92" alone below the rows of a table with no 总分 row
        if not any(self.new_in(row, field) for field in _DATA_FIELDS if field in columns):
            return  # empty, "……", or the rest of a merged row above
        group = lines_joined(values.text(row, columns.get("group")))
        if group and group != table.group:
            table.group, table.block, table.category = group, "", ""
        block, category, name = self.levels(row)
        name_cell = cell_at(row, columns["name"])
        core, extra = self.row_extra(row)
        weight = values.number_at(row, columns.get("weight"), "weight", POINTS)
        score, shared = self.score(row)
        table.rows.append(
            IndicatorRow(
                block=block,
                category=category,
                name=name,
                target=values.text(row, columns.get("target")),
                actual=values.text(row, columns.get("actual")),
                weight=weight,
                reported_score=score,
                note=values.text(row, columns.get("note")),
                sign=values.text(row, columns.get("sign")),
                unit=values.text(row, columns.get("unit")),
                core=core,
                group=table.group,
                shared_score=shared,
                extra=extra,
                unreadable=values.take(),
                where=name_cell.address if name_cell is not None else "",
            )
        )
