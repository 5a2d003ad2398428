"""An evaluation: one filled-in self-evaluation table (自评表), as data.

Cells keep their text (``target``, ``actual``): parsing them is the scorer's job, so a
reviewer always sees what the unit wrote. Numeric cells that must be numbers (weights,
reported scores, budget amounts) are Decimals; a cell that cannot be read as one is an
:class:`~perfscore.errors.EvaluationError` naming the file, line and key path — or, for a
weight that is a number but cannot be a weight (such as ``153.67`` where the block holds 30),
a finding at scoring time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional, Union

import attrs

from ..decimals import MAX_AMOUNT, MAX_POINTS, NumberRefused, gate, shown
from ..errors import EvaluationError, EvaluationTypeError, Problem
from ..rules import TomlDocument, TomlSyntax, check_nesting, parse_failure, parse_toml, read_text
from ..suggest import close_matches

__all__ = [
    "BudgetLine",
    "BudgetTable",
    "Evaluation",
    "IndicatorRow",
    "Unreadable",
    "evaluation_from_document",
    "read_evaluation",
]


# -- constructor checks: every number entering the model passes the one gate ----------------


def _refuse_type(owner: str, name: str, expected: str, value: object) -> EvaluationTypeError:
    return EvaluationTypeError(
        [Problem("wrong-type", f"{owner}.{name} must be {expected}", path=name, found=shown(value))],
        f"{owner}: wrong type",
    )


def _number(owner: str, name: str, limit: Decimal = MAX_AMOUNT) -> Any:
    """A converter for an optional Decimal field: an int or Decimal through :func:`gate`."""

    def convert(value: Any) -> Optional[Decimal]:
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

    return convert


def _numbers(owner: str, name: str) -> Any:
    """A converter for a mapping of names to Decimals (a copy: the caller's dict may change)."""
    one = _number(owner, name)

    def convert(value: Any) -> dict[str, Decimal]:
        if not isinstance(value, Mapping):
            raise _refuse_type(owner, name, "a mapping of names to Decimals", value)
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise _refuse_type(owner, name, "a mapping with str keys", key)
            number = one(item)
            if number is None:
                raise _refuse_type(owner, f"{name}[{key!r}]", "a Decimal", item)
            out[key] = number
        return out

    return convert


def _items(owner: str, name: str, kind: type) -> Any:
    """A converter for a tuple field: any list or tuple of ``kind``, as a tuple."""

    def convert(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, (list, tuple)):
            raise _refuse_type(owner, name, f"a tuple of {kind.__name__}", value)
        for index, item in enumerate(value):
            if not isinstance(item, kind):
                raise _refuse_type(owner, f"{name}[{index}]", f"a {kind.__name__}", item)
        return tuple(value)

    return convert


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
    for name in texts:
        value = getattr(obj, name)
        if not isinstance(value, str):
            raise _refuse_type(owner, name, "a str", value)
    for names, limit in ((points, MAX_POINTS), (amounts, MAX_AMOUNT)):
        for name in names:
            value = getattr(obj, name)
            if value is not None:
                object.__setattr__(obj, name, _number(owner, name, limit)(value))
    for name in mappings:
        object.__setattr__(obj, name, _numbers(owner, name)(getattr(obj, name)))
    for name, kind in items:
        object.__setattr__(obj, name, _items(owner, name, kind)(getattr(obj, name)))


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
                "where",
            ),
            points=("weight", "reported_score"),
            mappings=("inputs",),
            items=(("unreadable", Unreadable),),
        )
        if not isinstance(self.core, bool):
            raise _refuse_type("IndicatorRow", "core", "a bool", self.core)


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

        meta = {key: dump(getattr(self, key)) for key in sorted(_EVALUATION_KEYS)}
        data: dict[str, Any] = {"evaluation": {k: v for k, v in meta.items() if v not in ("", None, [])}}
        if self.budget is not None:
            data["budget"] = _compact(dump(self.budget))
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
        return _Reader(source, None).evaluation(data)


def read_evaluation(path: Union[str, Path]) -> Evaluation:
    """Read an evaluation from a ``.toml`` or ``.json`` file.

    Raises :class:`EvaluationError` with file, line and key path for every problem.
    """
    file = Path(path)
    name = str(path)
    try:
        text = read_text(file)  # a regular file of at most MAX_FILE_BYTES, UTF-8
    except TomlSyntax as exc:
        raise EvaluationError([exc.problem]) from None
    suffix = file.suffix.lower()
    if suffix == ".toml":
        try:
            doc = parse_toml(text, name)
        except TomlSyntax as exc:
            raise EvaluationError([exc.problem]) from None
        return evaluation_from_document(doc, doc.data)
    if suffix == ".json":
        try:
            check_nesting(text, name, toml=False)
            data = json.loads(text, parse_constant=_json_constant)
        except TomlSyntax as exc:
            raise EvaluationError([exc.problem]) from None
        except json.JSONDecodeError as exc:
            problem = Problem(
                "json-syntax", f"invalid JSON: {exc.msg}", file=name, line=exc.lineno, column=exc.colno
            )
            raise EvaluationError([problem]) from None
        except (ValueError, RecursionError, MemoryError) as exc:  # an int beyond Python's digit limit
            raise EvaluationError([parse_failure(text, name, "json-syntax", "invalid JSON", exc)]) from None
        return _Reader(name, None).evaluation(data)
    raise EvaluationError(
        [
            Problem(
                "unknown-format",
                "unknown evaluation format",
                file=name,
                found=suffix or "(none)",
                expected=".toml or .json",
            )
        ]
    )


def _json_constant(name: str) -> str:
    """``NaN``, ``Infinity`` and ``-Infinity`` are not JSON: kept as text, so the number gate
    refuses them with the key's path instead of reading a float that is not finite."""
    return name


def evaluation_from_document(doc: TomlDocument, data: Mapping[str, Any]) -> Evaluation:
    """Build an evaluation from (part of) a parsed TOML document, with its positions."""
    return _Reader(doc.file, doc).evaluation(data)


_EVALUATION_KEYS = {
    "region",
    "form",
    "year",
    "title",
    "unit",
    "department",
    "project",
    "ruleset",
    "reported_total",
    "reported_grade",
    "unreadable",
}
_BUDGET_KEYS = {
    "initial",
    "full_year",
    "executed",
    "adjustment",
    "points",
    "rate",
    "reported_score",
    "lines",
    "note",
    "unreadable",
}
_POINT_KEYS = {"weight", "reported_score", "points", "reported_total"}
"""Number keys that hold scores or weights (within ``MAX_POINTS``); the others are amounts."""
_LINE_KEYS = {"name", "initial", "full_year", "executed"}
_ROW_KEYS = {
    "unreadable",
    "sign",
    "unit",
    "core",
    "block",
    "category",
    "name",
    "target",
    "actual",
    "weight",
    "reported_score",
    "note",
    "level",
    "method",
    "inputs",
}


class _Reader:
    """Collects every problem instead of stopping at the first."""

    def __init__(self, file: str, doc: Optional[TomlDocument]) -> None:
        self.file = file
        self.doc = doc
        self.problems: list[Problem] = []

    def problem(self, code: str, path: str, message: str, **extra: Any) -> None:
        if self.doc is not None:
            self.problems.append(self.doc.problem(code, path, message, **extra))
        else:
            self.problems.append(Problem(code, message, file=self.file or None, path=path, **extra))

    def keys(self, table: Mapping[str, Any], allowed: set[str], path: str) -> None:
        for key in table:
            if key not in allowed:
                where = f"{path}.{key}" if path else key
                self.problem("unknown-key", where, "unknown key", suggestions=close_matches(key, allowed))

    def text(self, table: Mapping[str, Any], key: str, path: str, required: bool = False) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.problem("missing-key", path_join(path, key), "required key is missing")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem("wrong-type", path_join(path, key), "must be text", found=shown(value))
            return ""
        if isinstance(value, int) and value.bit_length() > 200:  # str() of it may even raise
            self.problem("bad-number", path_join(path, key), "number too long to be text", found=shown(value))
            return ""
        return str(value) if not isinstance(value, float) else repr(value)

    def number(self, table: Mapping[str, Any], key: str, path: str) -> Optional[Decimal]:
        """A number cell, through the one gate (:func:`perfscore.decimals.gate`): scores and
        weights within ``MAX_POINTS``, amounts and inputs within ``MAX_AMOUNT``."""
        value = table.get(key)
        if value is None or (isinstance(value, str) and value.strip() == ""):
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
            self.problem("not-a-number", path_join(path, key), "must be a number", found=shown(value))
            return None
        named_value = path == "base" or path.endswith(".inputs")  # a base figure or an input
        limit = MAX_POINTS if key in _POINT_KEYS and not named_value else MAX_AMOUNT
        try:
            return gate(value, limit)
        except NumberRefused as exc:
            code = "not-a-number" if isinstance(value, str) and "ASCII" in exc.reason else "bad-number"
            message = "must be a number" if code == "not-a-number" else exc.reason
            self.problem(code, path_join(path, key), message, found=exc.found, expected=exc.expected)
            return None

    def unreadable(self, table: Mapping[str, Any], path: str) -> tuple[Unreadable, ...]:
        """``unreadable = [{ column, text, address }]``: cells a form reader could not read."""
        out = []
        for where, item in self.tables(table, "unreadable", path):
            self.keys(item, {"column", "text", "address"}, where)
            out.append(
                Unreadable(
                    self.text(item, "column", where, required=True),
                    self.text(item, "text", where),
                    self.text(item, "address", where),
                )
            )
        return tuple(out)

    def flag(self, table: Mapping[str, Any], key: str, path: str) -> bool:
        value = table.get(key, False)
        if isinstance(value, str) and value.strip() in ("是", "否", ""):
            return value.strip() == "是"
        if not isinstance(value, bool):
            self.problem(
                "wrong-type", path_join(path, key), "must be true/false (or 是/否)", found=shown(value)
            )
            return False
        return value

    def table(self, value: Any, path: str) -> Mapping[str, Any]:
        if isinstance(value, Mapping):
            return value
        self.problem("wrong-type", path, "must be a table", found=type(value).__name__)
        return {}

    def tables(self, data: Mapping[str, Any], key: str, path: str) -> list[tuple[str, Mapping[str, Any]]]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.problem(
                "wrong-type", path_join(path, key), "must be an array of tables", found=type(value).__name__
            )
            return []
        out = []
        for index, item in enumerate(value):
            where = f"{path_join(path, key)}[{index}]"
            out.append((where, self.table(item, where)))
        return out

    def evaluation(self, data: Mapping[str, Any]) -> Evaluation:
        if not isinstance(data, Mapping):  # a JSON file or a caller's value that is no object
            raise EvaluationError(
                [
                    Problem(
                        "wrong-type", "must be an object", file=self.file or None, found=type(data).__name__
                    )
                ]
            )
        # A worked case is an evaluation file with [case] and [expect]: it reads as its evaluation.
        self.keys(data, {"evaluation", "budget", "rows", "base", "case", "expect"}, "")
        meta = self.table(data.get("evaluation", {}), "evaluation")
        if "evaluation" not in data:
            self.problem("missing-key", "evaluation", "required table [evaluation] is missing")
        self.keys(meta, _EVALUATION_KEYS, "evaluation")
        year_value = meta.get("year")
        year = 0
        if isinstance(year_value, int) and not isinstance(year_value, bool) and 1990 <= year_value <= 2100:
            year = year_value
        elif "evaluation" in data:
            self.problem(
                "bad-year",
                "evaluation.year",
                "must be a year",
                expected="an integer such as 2023",
                found=shown(year_value),
            )
        form = self.text(meta, "form", "evaluation", required="evaluation" in data)
        if form and form not in ("project", "department", "special_fund"):
            self.problem(
                "bad-form",
                "evaluation.form",
                "unknown form",
                found=shown(form),
                expected="project, department or special_fund",
            )
        budget = self.budget(data["budget"]) if "budget" in data else None
        rows = tuple(self.row(where, row) for where, row in self.tables(data, "rows", ""))
        base: dict[str, Decimal] = {}
        raw_base = self.table(data.get("base", {}), "base")
        for key in raw_base:
            number = self.number(raw_base, key, "base")
            if number is not None:
                base[key] = number
        evaluation = Evaluation(
            region=self.text(meta, "region", "evaluation", required="evaluation" in data),
            form=form,
            year=year,
            title=self.text(meta, "title", "evaluation"),
            unit=self.text(meta, "unit", "evaluation"),
            department=self.text(meta, "department", "evaluation"),
            project=self.text(meta, "project", "evaluation"),
            ruleset=self.text(meta, "ruleset", "evaluation"),
            budget=budget,
            rows=rows,
            base=base,
            reported_total=self.number(meta, "reported_total", "evaluation"),
            reported_grade=self.text(meta, "reported_grade", "evaluation"),
            unreadable=self.unreadable(meta, "evaluation"),
            source=self.file,
        )
        if self.problems:
            raise EvaluationError(
                self.problems, f"{self.file or 'evaluation'}: {len(self.problems)} problem(s)"
            )
        return evaluation

    def budget(self, value: Any) -> BudgetTable:
        table = self.table(value, "budget")
        self.keys(table, _BUDGET_KEYS, "budget")
        lines = []
        for where, line in self.tables(table, "lines", "budget"):
            self.keys(line, _LINE_KEYS, where)
            lines.append(
                BudgetLine(
                    name=self.text(line, "name", where, required=True),
                    initial=self.number(line, "initial", where),
                    full_year=self.number(line, "full_year", where),
                    executed=self.number(line, "executed", where),
                )
            )
        return BudgetTable(
            initial=self.number(table, "initial", "budget"),
            full_year=self.number(table, "full_year", "budget"),
            executed=self.number(table, "executed", "budget"),
            adjustment=self.number(table, "adjustment", "budget"),
            points=self.number(table, "points", "budget"),
            rate=self.text(table, "rate", "budget"),
            reported_score=self.number(table, "reported_score", "budget"),
            lines=tuple(lines),
            note=self.text(table, "note", "budget"),
            unreadable=self.unreadable(table, "budget"),
        )

    def row(self, where: str, row: Mapping[str, Any]) -> IndicatorRow:
        self.keys(row, _ROW_KEYS, where)
        inputs: dict[str, Decimal] = {}
        raw_inputs = self.table(row.get("inputs", {}), f"{where}.inputs")
        for key in raw_inputs:
            number = self.number(raw_inputs, key, f"{where}.inputs")
            if number is not None:
                inputs[key] = number
        return IndicatorRow(
            block=self.text(row, "block", where, required=True),
            category=self.text(row, "category", where),
            name=self.text(row, "name", where),
            target=self.text(row, "target", where),
            actual=self.text(row, "actual", where),
            weight=self.number(row, "weight", where),
            reported_score=self.number(row, "reported_score", where),
            note=self.text(row, "note", where),
            level=self.text(row, "level", where),
            method=self.text(row, "method", where),
            inputs=inputs,
            sign=self.text(row, "sign", where),
            unit=self.text(row, "unit", where),
            core=self.flag(row, "core", where),
            unreadable=self.unreadable(row, where),
            where=where,
        )


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Drop empty cells, so a dumped evaluation reads like a hand-written file."""
    out = {}
    for key, value in data.items():
        if isinstance(value, list):
            value = [_compact(v) if isinstance(v, dict) else v for v in value]
        if value is not False and value not in (None, "", {}, []):
            out[key] = value
    return out


def path_join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
