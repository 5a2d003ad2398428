"""What an evaluation file (TOML or JSON, or a dict in that layout) may hold, declared as
field specs, and reading it through the one validating reader
(:class:`perfscore.rules.reader.Reader`): every problem collected, each with its key path (and
line and column, from a TOML document).

The result is the checked values by field name, ready for the model's constructors
(:mod:`.model` builds the :class:`~.model.Evaluation`; this module does not know it).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Optional

from ..codes import messages
from ..decimals import MAX_AMOUNT, MAX_POINTS, NumberRefused, gate, shown
from ..errors import EvaluationError, Problem
from ..rules import Getter, Reader, Spec, TomlDocument, document_locator, key_path

__all__ = ["EVALUATION", "FORMS", "ROW", "read_fields"]

FORMS = ("project", "department", "special_fund")

_POINT_KEYS = {"weight", "reported_score", "points", "reported_total"}
"""Number keys that hold scores or weights (within ``MAX_POINTS``); the others are amounts."""


def _type_name(value: Any) -> str:
    return type(value).__name__


# -- the kinds of value an evaluation holds -------------------------------------------------


def text(required: bool = False) -> Getter:
    """A cell's text: a string, or a number written as one (kept as written)."""

    def get(r: Reader, table: Mapping[str, Any], key: str, path: str) -> str:
        value = table.get(key)
        if value is None:
            if required:
                r.problem("missing-key", key_path(path, key))
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            r.problem("wrong-type", key_path(path, key), "text", found=shown(value))
            return ""
        if isinstance(value, int) and value.bit_length() > 200:  # str() of it may even raise
            r.problem("bad-number", key_path(path, key), "text", found=shown(value))
            return ""
        return str(value) if not isinstance(value, float) else repr(value)

    return get


def number(r: Reader, table: Mapping[str, Any], key: str, path: str) -> Optional[Decimal]:
    """A number cell, through the one gate (:func:`perfscore.decimals.gate`): scores and
    weights within ``MAX_POINTS``, amounts and inputs within ``MAX_AMOUNT``."""
    value = table.get(key)
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        r.problem("not-a-number", key_path(path, key), found=shown(value))
        return None
    named_value = path == "base" or path.endswith(".inputs")  # a base figure or an input
    limit = MAX_POINTS if key in _POINT_KEYS and not named_value else MAX_AMOUNT
    try:
        return gate(value, limit)
    except NumberRefused as exc:
        code = "not-a-number" if isinstance(value, str) and "ASCII" in exc.reason else "bad-number"
        r.problem(code, key_path(path, key), found=exc.found, expected=exc.expected, reason=exc.reason)
        return None


def numbers(r: Reader, table: Mapping[str, Any], key: str, path: str) -> dict[str, Decimal]:
    """A table of names to numbers (``base``, a row's ``inputs``); a bad number is left out."""
    where = key_path(path, key)
    values = r.table(table.get(key, {}), where)
    out = {}
    for name in values:
        value = number(r, values, name, where)
        if value is not None:
            out[name] = value
    return out


def texts(r: Reader, table: Mapping[str, Any], key: str, path: str) -> dict[str, str]:
    """A table of names to texts (a row's ``extra`` columns)."""
    where = key_path(path, key)
    values = r.table(table.get(key, {}), where)
    return {name: text()(r, values, name, where) for name in values}


def flag(r: Reader, table: Mapping[str, Any], key: str, path: str) -> bool:
    """``true``/``false``, or 是/否 as a form writes it."""
    value = table.get(key, False)
    if isinstance(value, str) and value.strip() in ("是", "否", ""):
        return value.strip() == "是"
    if not isinstance(value, bool):
        r.problem("wrong-type", key_path(path, key), "flag", found=shown(value))
        return False
    return value


def year(r: Reader, table: Mapping[str, Any], key: str, path: str) -> int:
    """The evaluation's year (1990–2100)."""
    value = table.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and 1990 <= value <= 2100:
        return value
    expected = "an integer such as 2023"
    r.problem("bad-year", key_path(path, key), expected=expected, found=shown(value))
    return 0


def form(r: Reader, table: Mapping[str, Any], key: str, path: str) -> str:
    """The form: project, department or special_fund."""
    value = str(text(required=True)(r, table, key, path))
    if value and value not in FORMS:
        expected = "project, department or special_fund"
        r.problem("bad-form", key_path(path, key), found=shown(value), expected=expected)
    return value


# -- the layout -------------------------------------------------------------------------------

UNREADABLE = Spec({"column": text(required=True), "text": text(), "address": text()})
LINE = Spec({"name": text(required=True), "initial": number, "full_year": number, "executed": number})
BUDGET = Spec(
    {
        "lines": LINE.array(),
        **dict.fromkeys(("initial", "full_year", "executed", "adjustment", "points"), number),
        "rate": text(),
        "reported_score": number,
        "note": text(),
        "unreadable": UNREADABLE.array(),
    }
)
ROW = Spec(
    {
        "inputs": numbers,
        **{key: text(required=key == "block") for key in ("block", "category", "name", "target", "actual")},
        "weight": number,
        "reported_score": number,
        **{key: text() for key in ("note", "level", "method", "sign", "unit", "group", "shared_score")},
        "core": flag,
        "extra": texts,
        "unreadable": UNREADABLE.array(),
    }
)
EVALUATION = Spec(
    {
        "year": year,
        "form": form,
        "region": text(required=True),
        **{key: text() for key in ("title", "unit", "department", "project", "ruleset")},
        "reported_total": number,
        "reported_grade": text(),
        "unreadable": UNREADABLE.array(),
    }
)
TOP_KEYS = frozenset({"evaluation", "budget", "rows", "base", "case", "expect"})
"""A worked case is an evaluation file with [case] and [expect]: it reads as its evaluation."""


def read_fields(data: Any, file: str = "", doc: Optional[TomlDocument] = None) -> dict[str, Any]:
    """The checked values of an evaluation in the file layout, by the model's field names
    (``budget`` and each of ``rows`` a dict of its own). Raises :class:`EvaluationError`
    listing every problem, located in ``doc`` when given."""
    if not isinstance(data, Mapping):  # a JSON file or a caller's value that is no object
        message = messages("wrong-type", variant="object")[1]
        problem = Problem("wrong-type", message, file=file or None, found=_type_name(data))
        raise EvaluationError([problem])
    r = Reader(document_locator(doc, file), shown=_type_name)
    r.keys(data, TOP_KEYS, "")
    meta, fields = _meta(r, data)
    fields["budget"] = BUDGET.read(r, data["budget"], "budget") if "budget" in data else None
    fields["rows"] = [
        {**ROW.read(r, row, where), "where": where} for where, row in r.tables(data, "rows", "")
    ]
    fields["base"] = numbers(r, data, "base", "")
    if meta is not None:
        fields.update(EVALUATION.read(r, meta, "evaluation", only=_META_LATER))
    if r.problems:
        raise EvaluationError(r.problems, f"{file or 'evaluation'}: {len(r.problems)} problem(s)")
    return {**fields, "source": file}


_META_LATER = tuple(key for key in EVALUATION.fields if key not in ("year", "form"))


def _meta(r: Reader, data: Mapping[str, Any]) -> tuple[Optional[Mapping[str, Any]], dict[str, Any]]:
    """``[evaluation]`` (None without it), with its keys checked and its year and form read (the
    rest is read after the rows, as it always was, so problems keep their order)."""
    scratch = Reader(lambda path: (None, None, None))
    empty = {**EVALUATION.read(scratch, {}, "evaluation"), "year": 0, "form": ""}
    if "evaluation" not in data:
        r.problem("missing-key", "evaluation", "evaluation")
        return None, empty
    meta = r.table(data["evaluation"], "evaluation")
    r.keys(meta, EVALUATION.keys, "evaluation")
    return meta, {
        **empty,
        "year": year(r, meta, "year", "evaluation"),
        "form": form(r, meta, "form", "evaluation"),
    }
