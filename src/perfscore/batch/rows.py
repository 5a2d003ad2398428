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

from ..cells import CellValue, ValueKind
from ..decimals import CONTEXT
from ..rules import Ruleset
from .build import Numbers, gated
from .exact import digits, kernel, plain_numbers, ratio_points, text
from .outcomes import RowOutcome, Template, finish, parse, plain_cell, template, unit_probe
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
        values = columns[name].values
        if set(map(type, values)) <= {str}:  # the common case: every value a text
            continue
        checked = np.array([True] + [type(v) is str for v in values], bool)
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
    with localcontext(CONTEXT):
        fast = _fast(templates, actual, shapes[first], actual.codes[first], parsed)
        slow = np.nonzero(~fast.done)[0]
        outcomes: list[Optional[RowOutcome]] = []
        for row in first[slow]:
            shape = templates[shapes[row]]
            if shape is None:
                outcomes.append(None)
                continue
            code = int(actual.codes[row])
            outcomes.append(finish(shape, actual.value(code) or "", _parsed(actual, code, parsed)))
    return _gathered(len(first), slow, outcomes, fast, pairs, ok)


def _parsed(actual: Encoded, code: int, parsed: dict[int, CellValue]) -> CellValue:
    """The distinct actual ``code`` parsed (once)."""
    cell = parsed.get(code)
    if cell is None:
        text = actual.value(code) or ""
        cell = parsed[code] = plain_cell(text) or parse(text)
    return cell


@attrs.frozen
class _Fast:
    """The distinct rows the exact kernels scored: ``done`` per distinct row; for those, their
    template, whether the target is met, and the points as integers of the row places (-1: W)."""

    done: Any
    template: Any
    full: Any
    points: Any
    places: Any
    outcomes: dict[int, tuple[RowOutcome, str]]
    """A template's outcome when the target is met, and its weight as the engine prints it"""


def _kernels(templates: list[Optional[Template]]) -> tuple[dict[int, tuple[RowOutcome, str]], Any]:
    """Per template: its outcome when met and its weight's text, and its exact kernel's numbers
    (up, w, ew, t, et, places, unit) as an int64 table (a row of zeros for none)."""
    table = np.zeros((len(templates) + 1, 7), np.int64)
    outcomes: dict[int, tuple[RowOutcome, str]] = {}
    units: dict[str, int] = {"": 0}
    for at, row in enumerate(templates):
        if row is None or row.name_kind is _NOT_APPLICABLE or row.t_cell.kind is not _NUMBER:
            continue
        if row.weight_units is None or row.t_cell.problem is not None:
            continue
        found = kernel(row.plan, row.ruleset, row.weight, row.t_cell.number)
        full = finish(row, row.target, row.t_cell) if found is not None else None
        if found is None or full is None or full.status != "scored":
            continue
        outcomes[at] = (full, str(row.weight))
        unit = units.setdefault(row.t_cell.unit or "", len(units))
        table[at] = (found.up, found.w, found.ew, found.t, found.et, found.places, unit)
    return outcomes, (table, units)


def _fast(
    templates: list[Optional[Template]],
    actual: Encoded,
    shapes: Any,
    codes: Any,
    parsed: dict[int, CellValue],
) -> _Fast:
    """The distinct rows (their templates ``shapes`` and actuals ``codes``) the exact kernels
    can score, scored."""
    outcomes, (table, units) = _kernels(templates)
    eligible = np.zeros(len(templates) + 1, bool)
    eligible[list(outcomes)] = True
    wanted = eligible[shapes] & (codes >= 0)

    def unit_of(after: str) -> int:
        probe = unit_probe(after)
        return -1 if probe is None else units.setdefault(probe.unit or "", len(units))

    numbers = plain_numbers(actual.values, unit_of, actual.arrow)  # a, ea, unit (-1: not read on columns)
    for code in np.unique(codes[wanted & (numbers[codes, 0] < 0)]).tolist():
        cell = _parsed(actual, code, parsed)
        if cell.problem is None and cell.kind is _NUMBER:
            found = digits(cell.number)
            if found is not None:
                numbers[code] = (*found, units.setdefault(cell.unit or "", len(units)))
    kernels, values = table[np.where(wanted, shapes, -1)], numbers[codes]
    a_unit, t_unit = values[:, 2], kernels[:, 6]
    wanted &= (values[:, 0] >= 0) & ((a_unit == t_unit) | (a_unit == 0) | (t_unit == 0))
    index = np.nonzero(wanted)[0]
    k, v = kernels[index], values[index]
    ok, full, points = ratio_points(
        k[:, 0].astype(bool), k[:, 1], k[:, 2], k[:, 3], k[:, 4], v[:, 0], v[:, 1], k[:, 5]
    )
    done = np.zeros(len(shapes), bool)
    done[index[ok]] = True
    index = index[ok]
    return _Fast(done, shapes[index], full[ok], points[ok], k[ok, 5], outcomes)


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
_POW6 = np.array([10**6, 10**5, 10**4, 10**3, 10**2, 10, 1], np.int64)
_NUMBER, _NOT_APPLICABLE = ValueKind.NUMBER, ValueKind.NOT_APPLICABLE
_FIELDS = ("block", "category", "status", "method", "points", "units", "weight", "idle", "warnings")
_CODED = (1, 2, 3, 4)
"""The fields held as codes into lists of their distinct values"""


def _gathered(
    count: int, slow: Any, outcomes: list[Optional[RowOutcome]], fast: _Fast, inverse: Any, ok: Any
) -> RowColumns:
    """Per-distinct outcomes (``outcomes`` for the distinct rows ``slow``, and ``fast``) as
    columns, gathered back per row."""
    good = np.zeros(count, bool)
    good[slow] = np.array([outcome is not None for outcome in outcomes], bool)
    good[fast.done] = True
    fields = {name: np.zeros(count, np.int64) for name in _FIELDS}
    words: dict[int, dict[Any, int]] = {at: {} for at in _CODED}
    found = _coded([_NONE if outcome is None else outcome for outcome in outcomes], words)
    for name, values in found.items():
        fields[name][slow] = values
    _put_fast(fast, words, fields)
    gathered = {name: values[inverse] for name, values in fields.items()}
    texts, statuses, methods = list(words[4]), list(words[2]), list(words[3])
    if None in words[4]:  # a null points text is a null cell
        gathered["points"] = np.where(gathered["points"] == words[4][None], -1, gathered["points"])
    return RowColumns(ok=ok & good[inverse], texts=texts, statuses=statuses, methods=methods, **gathered)


def _coded(outcomes: list[RowOutcome], words: dict[int, dict[Any, int]]) -> dict[str, Any]:
    """Outcomes as int64 columns, their texts as codes into ``words`` (each text once)."""
    columns: list[Any] = list(zip(*outcomes)) or [()] * 9
    for at in _CODED:  # a few distinct texts each
        distinct = words[at]
        columns[at] = tuple(distinct.setdefault(value, len(distinct)) for value in columns[at])
    return {name: np.array(values, np.int64) for name, values in zip(_FIELDS, columns)}


def _put_fast(fast: _Fast, words: dict[int, dict[Any, int]], fields: dict[str, Any]) -> None:
    """The kernels' distinct rows into ``fields``: the template's outcome when met, then their own
    points where the target is missed (the weight itself where the rounded quotient exceeds it)."""
    index = np.nonzero(fast.done)[0]
    if not len(index):
        return
    used = sorted(fast.outcomes)
    at = np.zeros(max(used) + 1, np.int64)
    at[used] = np.arange(len(used))
    by_template = _coded([fast.outcomes[t][0] for t in used], words)
    mine = at[fast.template]
    for name, values in by_template.items():
        fields[name][index] = values[mine]
    texts = words[4]
    weight = np.array([texts.setdefault(fast.outcomes[t][1], len(texts)) for t in used], np.int64)
    own = ~fast.full
    points, places = fast.points[own], fast.places[own]
    distinct, back = np.unique(points * 8 + places, return_inverse=True)
    shown = [text(int(k) >> 3, int(k) & 7) if k >= 0 else "" for k in distinct]
    codes = np.array(
        [texts.setdefault(t, len(texts)) if k >= 0 else -1 for k, t in zip(distinct, shown)], np.int64
    )
    over = points < 0
    target = index[own]
    fields["points"][target] = np.where(over, weight[mine[own]], codes[back.reshape(-1)])
    fields["units"][target] = np.where(over, fields["units"][target], points * _POW6[places])
