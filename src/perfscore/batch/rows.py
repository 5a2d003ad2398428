"""The rows' side of the columnar path: every row's outcome, each distinct row scored once.

A row's outcome depends on its evaluation's ruleset and its cells (block, category, name,
target, actual, weight, method, level) and on nothing else in the evaluation when the ruleset
is one :func:`.outcomes.simple` accepts; so the rows are keyed by those codes, each distinct key
is scored once (:func:`.outcomes.row_outcome`), and the outcomes are gathered back per row.
"""

from __future__ import annotations

from decimal import localcontext
from typing import Any, Optional

import attrs
import numpy as np

from ..cells import CellValue
from ..decimals import CONTEXT
from ..rules import Ruleset
from .build import Numbers, gated
from .outcomes import RowOutcome, Template, finish, parse, plain_cell, template
from .vector import Encoded, combine, encode

__all__ = ["RowColumns", "row_columns"]

_TEMPLATE = ("block", "category", "name", "target", "weight", "method", "level")
_TEXTS = ("block", "category", "name", "target", "actual", "method", "level", "note")
_ABSENT = ("sign", "unit", "group")
"""Row columns the columnar path does not model: a row with one of them goes to the engine"""


@attrs.frozen
class RowColumns:
    """Per row: whether the columnar path vouches for it, and its outcome's parts (codes into
    ``texts``, ``statuses``, ``methods``; points, weights in units of 10⁻⁶)."""

    ok: Any
    block: Any
    category: Any
    status: Any
    method: Any
    points: Any
    units: Any
    weight: Any
    idle: Any
    warnings: Any
    texts: list[Optional[str]]
    statuses: list[str]
    methods: list[str]


def _clean(rows: Any, columns: dict[str, Encoded], numbers: Numbers) -> Any:
    """Per row: whether the reader would take its cells as they are (texts as text, numbers
    through the gate, no column the columnar path does not model)."""
    ok = np.ones(rows.num_rows, bool)
    for name in _TEXTS:
        checked = np.array([True] + [type(v) is str for v in columns[name].values], bool)
        ok &= checked[columns[name].codes + 1]
    ok &= columns["block"].codes >= 0  # a row must have a block cell, even an empty one
    for name in ("weight", "reported_score"):
        checked = np.array([True] + [gated(numbers, v, name)[0] for v in columns[name].values], bool)
        ok &= checked[columns[name].codes + 1]
    for name in _ABSENT:
        ok &= encode(rows, name).codes < 0
    core = encode(rows, "core")
    checked = np.array([True] + [v is False for v in core.values], bool)
    return ok & checked[core.codes + 1]


def row_columns(rows: Any, context: Any, rulesets: list[Ruleset], numbers: Numbers) -> RowColumns:
    """The outcome of every row (``context``: its evaluation's ruleset, -1 for none): each
    distinct template (the cells but the actual) prepared once, each distinct actual parsed
    once, each distinct (template, actual) scored once."""
    columns = {name: encode(rows, name) for name in (*_TEXTS, "weight", "reported_score")}
    ok = _clean(rows, columns, numbers) & (context >= 0)
    parts = [(np.where(ok, context, -1), len(rulesets))]
    parts += [(columns[name].codes, len(columns[name].values)) for name in _TEMPLATE]
    shapes, first = combine(parts, rows.num_rows)
    templates = [_template(columns, rulesets, context, numbers, row) if ok[row] else None for row in first]
    actual = columns["actual"]
    pairs, first = combine([(shapes, len(first)), (actual.codes, len(actual.values))], rows.num_rows)
    parsed: dict[int, CellValue] = {}
    outcomes: list[Optional[RowOutcome]] = []
    with localcontext(CONTEXT):
        for row in first:
            shape = templates[shapes[row]]
            if shape is None:
                outcomes.append(None)
                continue
            code = int(actual.codes[row])
            cell = parsed.get(code)
            if cell is None:
                text = actual.value(code) or ""
                cell = parsed[code] = plain_cell(text) or parse(text)
            outcomes.append(finish(shape, actual.value(code) or "", cell))
    return _gathered(outcomes, pairs, ok)


def _template(
    columns: dict[str, Encoded], rulesets: list[Ruleset], context: Any, numbers: Numbers, row: int
) -> Optional[Template]:
    block, category, name, target, _, method, level = (
        columns[name].value(columns[name].codes[row]) or "" for name in _TEMPLATE
    )
    weight = gated(numbers, columns["weight"].value(columns["weight"].codes[row]), "weight")[1]
    with localcontext(CONTEXT):
        return template(rulesets[context[row]], block, category, name, target, weight, method, level)


_NONE = RowOutcome(0, "", "", "", None, 0, 0, 0, 0)
"""Stands for a row the engine scores (its evaluation goes to the engine)"""
_FIELDS = ("block", "category", "status", "method", "points", "units", "weight", "idle", "warnings")
_CODED = (1, 2, 3, 4)
"""The fields held as codes into lists of their distinct values"""


def _gathered(outcomes: list[Optional[RowOutcome]], inverse: Any, ok: Any) -> RowColumns:
    """Per-distinct outcomes as columns, gathered back per row."""
    good = np.array([outcome is not None for outcome in outcomes], bool)
    columns = list(zip(*(_NONE if outcome is None else outcome for outcome in outcomes))) or [()] * 9
    words: dict[int, list[Any]] = {}
    for at in _CODED:  # a few distinct texts each: codes, and the texts once
        distinct: dict[Any, int] = {}
        columns[at] = tuple(distinct.setdefault(value, len(distinct)) for value in columns[at])
        words[at] = list(distinct)
    gathered = {name: np.array(values, np.int64)[inverse] for name, values in zip(_FIELDS, columns)}
    if None in words[4]:  # a null points text is a null cell
        gathered["points"] = np.where(gathered["points"] == words[4].index(None), -1, gathered["points"])
    return RowColumns(ok=ok & good[inverse], texts=words[4], statuses=words[2], methods=words[3], **gathered)
