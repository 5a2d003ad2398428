"""The evaluation of a batch record, built straight from its values when they are clean.

Reading a dict in the file layout (:meth:`Evaluation.from_dict`) checks every key and type for a
precise error; it is two thirds of the scalar path's time on small tables. A batch record's keys
are known, so when every value has the type the reader would accept and every number passes the
gate, the model is built directly — equal to what ``from_dict`` builds (the differential test
checks that too). Anything else returns None and goes through ``from_dict``, which then says
exactly what is wrong. Each distinct number text goes through the gate once.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Optional

from ..decimals import MAX_AMOUNT, MAX_POINTS, NumberRefused, gate
from ..evaluations import BudgetTable, Evaluation, IndicatorRow

__all__ = ["FORMS", "POINT_KEYS", "build", "gated"]

#: As the reader's (``evaluations.read``): the forms, and the number keys that hold points.
FORMS = frozenset({"project", "department", "special_fund"})
POINT_KEYS = frozenset({"weight", "reported_score", "points", "reported_total"})

_ROW_NUMBERS = ("weight", "reported_score")
_ROW_TEXTS = (
    "block",
    "category",
    "name",
    "target",
    "actual",
    "sign",
    "unit",
    "level",
    "method",
    "note",
    "group",
)
_BUDGET_NUMBERS = ("initial", "full_year", "executed", "adjustment", "points", "reported_score")
_META_TEXTS = ("region", "title", "unit", "department", "project", "ruleset", "reported_grade")


class _Unclean(Exception):
    """A value the reader must see (to word its error, or to convert it its own way)."""


_REFUSED = object()


def _exact(value: Any) -> Any:
    """A key that tells apart what compares equal but is not the same cell: Decimal 1.0 and 1
    (kept as written), and, with the type beside it, 1, 1.0 and True."""
    return str(value) if type(value) is Decimal else value


class Numbers:
    """Number cells through the gate, each distinct (value, limit) once."""

    def __init__(self) -> None:
        self.seen: dict[tuple[Any, Any, Decimal], Any] = {}
        self.rows: dict[tuple[Any, ...], Any] = {}
        """Rows and budget tables already built, by their cells and place: each is an immutable
        value, so a standard indicator written alike in many tables is built once (bounded:
        cleared when full)"""

    def __call__(self, value: Any, key: str) -> Optional[Decimal]:
        if value is None:
            return None
        kind = type(value)
        if kind is not str and kind is not int and kind is not Decimal:
            raise _Unclean
        limit = MAX_POINTS if key in POINT_KEYS else MAX_AMOUNT
        seen = (kind, _exact(value), limit)
        found = self.seen.get(seen)
        if found is None:
            if kind is str and value.strip() == "":
                found = _REFUSED  # a blank number cell: the reader's None, left to it
            else:
                try:
                    found = gate(value, limit)
                except NumberRefused:
                    found = _REFUSED
            self.seen[seen] = found
        if found is _REFUSED:
            raise _Unclean
        return found if isinstance(found, Decimal) else None


def gated(numbers: Numbers, value: Any, key: str) -> tuple[bool, Optional[Decimal]]:
    """(True, the number) for a cell the reader takes as it is (None: blank), (False, None) for
    one it must read itself (to refuse it, or to convert it its own way)."""
    try:
        return True, numbers(value, key)
    except _Unclean:
        return False, None


def _texts(values: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for name in names:
        value = values.get(name)
        if value is not None:
            if type(value) is not str:
                raise _Unclean
            out[name] = value
    return out


_MAX_ROWS_KEPT = 1 << 16


def _kept(values: Mapping[str, Any], where: str, numbers: Numbers, make: Any) -> Any:
    """``make(values, where, numbers)``, or the equal value built before from the same cells."""
    key = (where, *((k, type(v), _exact(v)) for k, v in values.items()))
    try:
        return numbers.rows[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable value: the builder refuses it
        return make(values, where, numbers)
    if len(numbers.rows) >= _MAX_ROWS_KEPT:
        numbers.rows.clear()
    built = numbers.rows[key] = make(values, where, numbers)
    return built


def _row(values: Mapping[str, Any], where: str, numbers: Numbers) -> IndicatorRow:
    row: IndicatorRow = _kept(values, where, numbers, _new_row)
    return row


def _new_row(values: Mapping[str, Any], where: str, numbers: Numbers) -> IndicatorRow:
    if type(values.get("block")) is not str:
        raise _Unclean
    core = values.get("core", False)
    if type(core) is not bool:
        raise _Unclean
    fields: dict[str, Any] = {"category": "", "name": "", **_texts(values, _ROW_TEXTS)}
    fields.update({k: numbers(values.get(k), k) for k in _ROW_NUMBERS})
    return IndicatorRow(**fields, core=core, where=where)


def _budget(values: Mapping[str, Any], numbers: Numbers) -> BudgetTable:
    budget: BudgetTable = _kept(values, "budget", numbers, _new_budget)
    return budget


def _new_budget(values: Mapping[str, Any], where: str, numbers: Numbers) -> BudgetTable:
    fields: dict[str, Any] = {k: numbers(values.get(k), k) for k in _BUDGET_NUMBERS}
    fields.update(_texts(values, ("rate", "note")))
    return BudgetTable(**fields)


def build(data: Mapping[str, Any], numbers: Numbers) -> Optional[Evaluation]:
    """The evaluation of ``data`` (evaluation, budget, rows in the file layout, as the batch
    makes it), or None when the reader must read it."""
    meta = data["evaluation"]
    try:
        year, form = meta.get("year"), meta.get("form")
        if type(year) is not int or not 1990 <= year <= 2100 or form not in FORMS:
            raise _Unclean
        texts: dict[str, Any] = _texts(meta, _META_TEXTS)
        if "region" not in texts:
            raise _Unclean
        rows = tuple(_row(row, f"rows[{i}]", numbers) for i, row in enumerate(data["rows"]))
        budget = _budget(data["budget"], numbers) if "budget" in data else None
        return Evaluation(
            **texts,
            form=form,
            year=year,
            budget=budget,
            rows=rows,
            reported_total=numbers(meta.get("reported_total"), "reported_total"),
        )
    except _Unclean:
        return None
