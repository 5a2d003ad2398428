"""An evaluation: one filled-in self-evaluation table (自评表), as data.

Cells keep their text (``target``, ``actual``): parsing them is the scorer's job, so a
reviewer always sees what the unit wrote. Numeric cells that must be numbers (weights,
reported scores, budget amounts) are Decimals; a cell that cannot be read as one is an
:class:`~perfscore.errors.EvaluationError` naming the file, line and key path — or, for a
weight that is a number but cannot be a weight (such as ``153.67`` where the block holds 30),
a finding at scoring time.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Optional, Union

import attrs

from ..decimals import MAX_AMOUNT, MAX_POINTS, NumberRefused, gate, shown
from ..errors import EvaluationError, EvaluationTypeError, Problem
from .read import EVALUATION, read_fields

__all__ = [
    "BudgetLine",
    "BudgetTable",
    "Evaluation",
    "IndicatorRow",
    "Unreadable",
    "from_fields",
    "replaced",
]


# -- constructor checks: every number entering the model passes the one gate ----------------


def _refuse_type(owner: str, name: str, expected: str, value: object) -> EvaluationTypeError:
    return EvaluationTypeError(
        [Problem("wrong-type", f"{owner}.{name} must be {expected}", path=name, found=shown(value))],
        f"{owner}: wrong type",
    )


def _gated(owner: str, name: str, limit: Decimal, value: Any) -> Optional[Decimal]:
    """``value`` (None, an int or a Decimal) through :func:`gate`, or the error naming the field."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise _refuse_type(owner, name, "a Decimal (or None)", value)
    try:
        return gate(value, limit)
    except NumberRefused as exc:
        raise EvaluationError(
            [Problem("bad-number", exc.reason, path=name, found=exc.found, expected=exc.expected)],
            f"{owner}: bad number",
        ) from None


def _checked_numbers(owner: str, name: str, value: Any) -> dict[str, Decimal]:
    """A mapping of names to Decimals, each through the gate (a copy: the caller's dict may change)."""
    if not isinstance(value, Mapping):
        raise _refuse_type(owner, name, "a mapping of names to Decimals", value)
    out = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise _refuse_type(owner, name, "a mapping with str keys", key)
        number = _gated(owner, name, MAX_AMOUNT, item)
        if number is None:
            raise _refuse_type(owner, f"{name}[{key!r}]", "a Decimal", item)
        out[key] = number
    return out


def _texts(owner: str, name: str, value: Any) -> dict[str, str]:
    """A mapping of names to texts, checked (a copy: the caller's dict may change)."""
    if not isinstance(value, Mapping) or not all(
        isinstance(key, str) and isinstance(item, str) for key, item in value.items()
    ):
        raise _refuse_type(owner, name, "a mapping of str to str", value)
    return dict(value)


def _checked_items(owner: str, name: str, kind: type, value: Any) -> tuple[Any, ...]:
    """Any list or tuple of ``kind``, as a tuple."""
    if not isinstance(value, (list, tuple)):
        raise _refuse_type(owner, name, f"a tuple of {kind.__name__}", value)
    for index, item in enumerate(value):
        if not isinstance(item, kind):
            raise _refuse_type(owner, f"{name}[{index}]", f"a {kind.__name__}", item)
    return tuple(value)


@functools.lru_cache(maxsize=64)
def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The values of the fields ``names`` of an object, in one call (always a tuple)."""
    get = operator.attrgetter(*names)
    return get if len(names) > 1 else lambda obj: (get(obj),)


def _settle(
    obj: Any,
    texts: tuple[str, ...] = (),
    points: tuple[str, ...] = (),
    amounts: tuple[str, ...] = (),
    mappings: tuple[str, ...] = (),
    items: tuple[tuple[str, type], ...] = (),
) -> None:
    """Check (and normalise) a new instance's fields: called by ``__attrs_post_init__``, so a
    wrong type or a number the gate refuses is an error at construction, not deep in scoring."""
    owner = type(obj).__name__
    if texts and not all(type(value) is str for value in _getter(texts)(obj)):
        for name in texts:  # one is not a str (nor a subclass): which
            value = getattr(obj, name)
            if not isinstance(value, str):
                raise _refuse_type(owner, name, "a str", value)
    for names, limit in ((points, MAX_POINTS), (amounts, MAX_AMOUNT)):
        for name in names:
            value = getattr(obj, name)
            if value is not None:
                object.__setattr__(obj, name, _gated(owner, name, limit, value))
    for name in mappings:
        object.__setattr__(obj, name, _checked_numbers(owner, name, getattr(obj, name)))
    for name, kind in items:
        value = getattr(obj, name)
        if value or type(value) is not tuple:  # () is already what it would become
            object.__setattr__(obj, name, _checked_items(owner, name, kind, value))


@attrs.frozen
class Unreadable:
    """A cell that should hold a number but could not be read as one (a form's "abc" in 分值).

    A Word or Excel form keeps the rest of its table: the scorer reports each such cell as a
    finding at its address, and a row whose weight is unreadable is not scored (never 0).
    """

    column: str
    """The field the cell would fill: ``weight``, ``reported_score``, ``executed``, ..."""
    text: str
    """The cell exactly as written"""
    address: str = ""
    """Where it is: ``附件3!G14`` or ``表1 R12C7``"""

    def __attrs_post_init__(self) -> None:
        _settle(self, texts=("column", "text", "address"))


@attrs.frozen
class BudgetLine:
    """A sub-row of the budget block (其中：当年财政拨款 / 上年结转资金 / 其他资金)."""

    name: str
    initial: Optional[Decimal] = None
    full_year: Optional[Decimal] = None
    executed: Optional[Decimal] = None

    def __attrs_post_init__(self) -> None:
        _settle(self, texts=("name",), amounts=("initial", "full_year", "executed"))


@attrs.frozen
class BudgetTable:
    """The 项目资金 block: 年初预算数 · 全年预算数 · 全年执行数 · 分值 · 执行率 · 得分."""

    initial: Optional[Decimal] = None
    """年初预算数"""
    full_year: Optional[Decimal] = None
    """全年预算数 (调整后预算数 in some layouts)"""
    executed: Optional[Decimal] = None
    """全年执行数"""
    adjustment: Optional[Decimal] = None
    """预算调整数, where the layout prints one"""
    points: Optional[Decimal] = None
    """分值 as printed"""
    rate: str = ""
    """执行率 exactly as printed, e.g. ``"99.75%"``"""
    reported_score: Optional[Decimal] = None
    lines: tuple[BudgetLine, ...] = ()
    note: str = ""
    """原因 / 偏差说明 for the budget row, where the layout has one (四川)"""
    unreadable: tuple[Unreadable, ...] = ()
    """Cells of the budget block that could not be read as numbers"""
    cells: Mapping[str, str] = attrs.field(factory=dict, eq=False)
    """Where each value of the total row was read, by field (``executed`` → ``附件3!E6``), for a
    block read from a form; empty for one written by hand. Not compared, not written to files:
    where a form printed the block (above or below its indicator rows) is no part of it."""

    def __attrs_post_init__(self) -> None:
        _settle(
            self,
            texts=("rate", "note"),
            points=("points", "reported_score"),
            amounts=("initial", "full_year", "executed", "adjustment"),
            items=(("lines", BudgetLine), ("unreadable", Unreadable)),
        )


@attrs.frozen
class IndicatorRow:
    """One 三级 indicator row of the grid."""

    block: str
    """一级指标 as written, e.g. ``"产出指标(50 分)"``"""
    category: str
    """二级指标, e.g. ``"数量指标"``"""
    name: str
    """三级指标"""
    target: str = ""
    """年度指标值, as written"""
    actual: str = ""
    """实际完成值, as written"""
    weight: Optional[Decimal] = None
    """分值"""
    reported_score: Optional[Decimal] = None
    """自评得分"""
    note: str = ""
    """偏差原因分析及改进措施"""
    level: str = ""
    """Qualitative level, when the table states one (达成年度指标, ...)"""
    method: str = ""
    """A method named for this row, overriding the ruleset's choice by comparator"""
    inputs: Mapping[str, Decimal] = attrs.field(factory=dict)
    """Extra inputs a method declares (e.g. ``events`` for deduction per event)"""
    sign: str = ""
    """指标性质, where the layout gives it its own column (四川: =, ≥, ≤, 定性)"""
    unit: str = ""
    """度量单位, where the layout gives it its own column"""
    core: bool = False
    """是否核心指标 (重庆)"""
    group: str = ""
    """The goal block the row is in, as written (湖北: ``"年度绩效目标1(40分)"``), or """ ""
    shared_score: str = ""
    """The address of a 得分 cell merged over this row and others (one score for the group):
    every row it spans names it, and only the first carries :attr:`reported_score`"""
    extra: Mapping[str, str] = attrs.field(factory=dict)
    """Columns kept as written, by their header's name in the vocabulary (评分标准, 指标说明,
    复核分 …): nothing in them is scored"""
    unreadable: tuple[Unreadable, ...] = ()
    """Cells of this row that could not be read as numbers"""
    where: str = ""
    """Where the row came from (``rows[3]``, or a cell address)"""

    def __attrs_post_init__(self) -> None:
        _settle(
            self,
            texts=(
                "block",
                "category",
                "name",
                "target",
                "actual",
                "note",
                "level",
                "method",
                "sign",
                "unit",
                "group",
                "shared_score",
                "where",
            ),
            points=("weight", "reported_score"),
            mappings=("inputs",),
            items=(("unreadable", Unreadable),),
        )
        if not isinstance(self.core, bool):
            raise _refuse_type("IndicatorRow", "core", "a bool", self.core)
        object.__setattr__(self, "extra", _texts("IndicatorRow", "extra", self.extra))


@attrs.frozen
class Evaluation:
    """A whole self-evaluation table with its metadata."""

    region: str
    """GB/T 2260 code (``430602``) or ``CN``"""
    form: str
    """``project``, ``department`` or ``special_fund``"""
    year: int
    title: str = ""
    unit: str = ""
    """预算单位 / 实施单位"""
    department: str = ""
    """主管部门"""
    project: str = ""
    """项目支出名称, for project forms"""
    ruleset: str = ""
    """A ruleset id, when the evaluation names one explicitly"""
    budget: Optional[BudgetTable] = None
    rows: tuple[IndicatorRow, ...] = ()
    base: Mapping[str, Decimal] = attrs.field(factory=dict)
    """Base data (附件2 基础数据表) by the names the ruleset declares, e.g. ``staff_authorized``"""
    reported_total: Optional[Decimal] = None
    reported_grade: str = ""
    unreadable: tuple[Unreadable, ...] = ()
    """Cells outside rows and budget that could not be read as numbers (the 总分 cell)"""
    source: str = ""
    """The file it was read from, if any"""
    overridden: tuple[tuple[str, str], ...] = attrs.field(default=(), eq=False)
    """(field, the value the file states) for each of ``region``, ``form``, ``year`` that the
    caller's value replaced (``read_evaluations(..., region=)``, ``--region``, the page's field):
    scoring says so in a warning (``given-over-stated``). Not compared, not written."""
    columns: tuple[str, ...] = attrs.field(default=(), eq=False)
    """The roles of the columns a form's indicator table has (``name``, ``target``, ``note``…), as
    its header row names them; empty for an evaluation written by hand, whose every column counts
    as present. Review checks a column's contents only where the table has the column (a form
    without 偏差原因 is not told, row by row, that its notes are missing)."""

    def __attrs_post_init__(self) -> None:
        _settle(
            self,
            texts=(
                "region",
                "form",
                "title",
                "unit",
                "department",
                "project",
                "ruleset",
                "reported_grade",
                "source",
            ),
            points=("reported_total",),
            mappings=("base",),
            items=(("rows", IndicatorRow), ("unreadable", Unreadable)),
        )
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise _refuse_type("Evaluation", "year", "an int", self.year)
        if self.budget is not None and not isinstance(self.budget, BudgetTable):
            raise _refuse_type("Evaluation", "budget", "a BudgetTable (or None)", self.budget)

    def to_dict(self) -> dict[str, Any]:
        """The evaluation in the file layout (``evaluation``, ``budget``, ``rows``), JSON-ready
        (numbers as strings), which :meth:`from_dict` reads back to an equal evaluation."""
        from ..serialize import dump

        meta = {key: dump(getattr(self, key)) for key in sorted(EVALUATION.keys)}
        data: dict[str, Any] = {"evaluation": {k: v for k, v in meta.items() if v not in ("", None, [])}}
        if self.budget is not None:
            data["budget"] = _compact({k: v for k, v in dump(self.budget).items() if k != "cells"})
        if self.base:
            data["base"] = dump(self.base)
        data["rows"] = [
            {"block": row.block, **_compact({k: v for k, v in dump(row).items() if k != "where"})}
            for row in self.rows  # block is required, even when its cell is empty
        ]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "") -> Evaluation:
        """Build an evaluation from a dict (as in the TOML/JSON file format).

        Raises :class:`EvaluationError` listing every problem, each with its key path.
        """
        return from_fields(read_fields(data, source))


def replaced(*fields: tuple[str, Union[str, int], Union[str, int]]) -> tuple[tuple[str, str], ...]:
    """:attr:`Evaluation.overridden` from (field, the value given, the value the table states):
    each field whose given value replaces a different one the table states."""
    return tuple(
        (name, str(stated)) for name, given, stated in fields if given and stated and given != stated
    )


def from_fields(fields: Mapping[str, Any]) -> Evaluation:
    """An evaluation from the checked values :func:`.read.read_fields` gives."""
    budget = fields["budget"]
    if budget is not None:
        budget = BudgetTable(
            **{
                **budget,
                "lines": tuple(BudgetLine(**line) for line in budget["lines"]),
                "unreadable": _unreadable(budget["unreadable"]),
            }
        )
    rows = tuple(
        IndicatorRow(**{**row, "unreadable": _unreadable(row["unreadable"])}) for row in fields["rows"]
    )
    return Evaluation(
        **{**fields, "budget": budget, "rows": rows, "unreadable": _unreadable(fields["unreadable"])}
    )


def _unreadable(items: Sequence[Mapping[str, str]]) -> tuple[Unreadable, ...]:
    return tuple(Unreadable(**item) for item in items)


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Drop empty cells, so a dumped evaluation reads like a hand-written file."""
    out = {}
    for key, value in data.items():
        if isinstance(value, list):
            value = [_compact(v) if isinstance(v, dict) else v for v in value]
        if value is not False and value not in (None, "", {}, []):
            out[key] = value
    return out
