"""The columnar path: score the evaluations it can prove identical to the engine on columns.

Each column is dictionary-encoded, so each distinct cell is read once; each distinct ruleset
context (region, form, year, ruleset) is resolved once, each distinct budget table and each
distinct row (its ruleset and cells) is scored once, in Decimal, by :mod:`.outcomes`; the rows'
points, weights and counts are then gathered and summed per block and per evaluation as int64
in units of 10⁻⁶, the blocks capped and checked as the engine does, and each distinct raw total
rounded and graded once. An evaluation any of whose parts :mod:`.outcomes` cannot vouch for is
left to the engine (``covered`` False): the caller scores it with :func:`perfscore.score`.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any, Optional, Union

import attrs
import numpy as np

from ..codes import CODES
from ..decimals import CONTEXT, in_context, quantize
from ..errors import PerfscoreError
from ..evaluations import Evaluation
from ..rules import Ruleset
from ..scoring import resolve
from .build import FORMS, POINT_KEYS, Numbers, gated
from .columns import pyarrow, year_value
from .exact import budget_kernel, plain_decimals, ratio_points
from .outcomes import SCALE, budget_outcome, simple
from .rows import RowColumns, row_columns
from .vector import Encoded, combine, encode, first_rows, positions, text_array

__all__ = ["Columnar", "as_engine_types", "score_columns"]

_TEXTS = ("title", "unit", "department", "project", "reported_grade", "budget_rate", "budget_note")
_NUMBERS = {"reported_total": "reported_total", "budget_reported_score": "reported_score"}
_AMOUNTS = {
    "budget_initial": "initial", "budget_full_year": "full_year", "budget_executed": "executed",
    "budget_adjustment": "adjustment", "budget_points": "points",
}  # fmt: skip
_ERROR = {
    name: int(CODES[name].severity == "error")
    for name in (
        "empty-block",
        "weights-sum",
        "block-capped",
        "incomplete",
        "weight-on-not-applicable",
        "budget-points-differ",
    )
}
_ONE = Decimal(1)
_POW = np.array([10**k for k in range(19)], np.int64)
_WARNING = {name: int(CODES[name].severity == "warning") for name in _ERROR}


@attrs.frozen
class Columnar:
    """What the columnar path scored: ``covered`` per evaluation, and the records of those
    covered as two Arrow tables, each with ``_i`` (the evaluation's position) and, for rows,
    ``_k`` (the record's position among its evaluation's)."""

    covered: Any
    evaluations: Any
    rows: Any
    ids: Any
    """The evaluations' ids, as an Arrow array"""
    owner: Any
    """Each input row's evaluation position (-1: no evaluation has its id)"""


def score_columns(evaluations: Any, rows: Any, ruleset: Optional[Ruleset]) -> Optional[Columnar]:
    """The columnar part of a batch, or None when the tables' keys rule it out altogether
    (duplicate or null ids, ids the rows cannot be matched to by value)."""
    pa = pyarrow()
    import pyarrow.compute as pc

    count = evaluations.num_rows
    if "id" in evaluations.column_names:
        ids = as_engine_types(evaluations.column("id").combine_chunks())
        if ids.null_count or pc.count_distinct(ids).as_py() != count:
            return None
    else:
        ids = pa.array(np.arange(count, dtype=np.int64))
    named = rows.column("evaluation_id")
    if pa.types.is_dictionary(named.type):
        named = named.cast(named.type.value_type)
    try:
        found = pc.index_in(named, value_set=ids)
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    owner = pc.fill_null(found.cast(pa.int64()), -1).to_numpy(zero_copy_only=False)
    numbers = Numbers()
    amounts = {name: encode(evaluations, name) for name in _AMOUNTS}  # each encoded once
    plain = {name: plain_decimals(amounts[name].values, amounts[name].arrow) for name in _AMOUNTS}
    context, rulesets = _contexts(evaluations, ruleset, numbers, amounts, plain)
    budget, budget_found = _budgets(evaluations, context, rulesets, numbers, amounts, plain)
    context[budget < 0] = -1
    per_row = np.where(owner >= 0, context[np.maximum(owner, 0)], -1)
    cells = row_columns(rows, per_row, rulesets, numbers)
    covered = context >= 0
    covered[owner[~cells.ok & (owner >= 0)]] = False
    return _assemble(ids, owner, covered, context, rulesets, (budget, budget_found), cells)


def as_engine_types(ids: Any) -> Any:
    """The ids with the Arrow type the engine's records get (inferred from Python values)."""
    pa = pyarrow()
    if pa.types.is_dictionary(ids.type):
        ids = ids.cast(ids.type.value_type)
    if pa.types.is_integer(ids.type):
        return ids.cast(pa.int64())
    if pa.types.is_string(ids.type) or pa.types.is_large_string(ids.type):
        return ids.cast(pa.string())
    return pa.array(ids.to_pylist())


def _assemble(
    ids: Any,
    owner: Any,
    covered: Any,
    context: Any,
    rulesets: list[Ruleset],
    budget: tuple[Any, Any],
    cells: RowColumns,
) -> Columnar:
    mine = (owner >= 0) & covered[np.maximum(owner, 0)]
    heads = _heads(owner[mine], covered, context, rulesets, budget, cells, mine)
    covered &= heads.pop("_ok")
    mine = (owner >= 0) & covered[np.maximum(owner, 0)]
    taken = np.nonzero(covered)[0]
    evaluation_table = _evaluation_table(ids, taken, heads, rulesets, context)
    return Columnar(covered, evaluation_table, _row_table(ids, owner, mine, cells), ids, owner)


def _valid(encoded: Encoded, check: Any, plain: Any = None) -> Any:
    """Per row: whether its value passes ``check`` (a null always does); a value ``plain`` marks
    (an amount written as a plain decimal: the number gate takes it as it is) does unchecked."""
    ok = np.ones(len(encoded.values) + 1, bool)
    if plain is None:
        plain = np.zeros(len(encoded.values) + 1, bool)
    for code in np.nonzero(~plain[:-1])[0].tolist():
        ok[code + 1] = check(encoded.values[code])
    return ok[encoded.codes + 1]


def _contexts(
    table: Any,
    ruleset: Optional[Ruleset],
    numbers: Numbers,
    amounts: dict[str, Encoded],
    plain: dict[str, Any],
) -> tuple[Any, list[Ruleset]]:
    """Each evaluation's ruleset (a position in the list returned; -1: the engine's to score)."""
    columns = [encode(table, name) for name in ("region", "form", "year", "ruleset")]
    inverse, first = combine([(c.codes, len(c.values)) for c in columns], table.num_rows)
    rulesets: list[Ruleset] = []
    place: dict[int, int] = {}
    chosen = np.full(len(first), -1, np.int64)
    for unique, row in enumerate(first):
        region, form, year, named = (c.value(c.codes[row]) for c in columns)
        found = _resolved(region, form, year_value(year), named, ruleset)
        if found is not None:
            chosen[unique] = place.setdefault(id(found), len(place))
            if chosen[unique] == len(rulesets):
                rulesets.append(found)
    context = chosen[inverse]
    ok = np.ones(table.num_rows, bool)
    for name in _TEXTS:
        if name in table.column_names:
            ok &= _valid(encode(table, name), lambda v: type(v) is str)
    for name, key in {**_NUMBERS, **_AMOUNTS}.items():
        if name in table.column_names:
            column = amounts.get(name) or encode(table, name)
            taken = plain[name][0] if name in plain and key not in POINT_KEYS else None
            ok &= _valid(column, lambda v, key=key: gated(numbers, v, key)[0], taken)
    context[~ok] = -1
    return context, rulesets


def _resolved(region: Any, form: Any, year: Any, named: Any, ruleset: Optional[Ruleset]) -> Optional[Ruleset]:
    """The ruleset the engine scores such an evaluation under, when it does so without a
    finding of its own and the columnar path models it."""
    if type(region) is not str or not region or form not in FORMS or type(year) is not int:
        return None
    if not 1990 <= year <= 2100 or (named is not None and type(named) is not str):
        return None
    try:
        probe = Evaluation(region=region, form=form, year=year, ruleset=named or "")
        resolution = resolve(probe, ruleset)
    except PerfscoreError:
        return None
    found = resolution.ruleset
    if resolution.findings or found.region != region or resolution.evaluation.region != region:
        return None
    return found if simple(found) else None


def _budgets(
    table: Any,
    context: Any,
    rulesets: list[Ruleset],
    numbers: Numbers,
    amounts: dict[str, Encoded],
    plain: dict[str, Any],
) -> tuple[Any, Any]:
    """Each evaluation's budget points in units of 10⁻⁶ (-1: the engine's to score), and
    whether scoring it found its printed points differ from the ruleset's."""
    columns = [amounts[name] for name in _AMOUNTS]
    parts = [(context, len(rulesets)), *((c.codes, len(c.values)) for c in columns)]
    inverse, first = combine(parts, table.num_rows)
    units, differ = np.full(len(first), -1, np.int64), np.zeros(len(first), np.int64)
    with localcontext(CONTEXT):
        numbered = [plain[name][1] for name in _AMOUNTS]
        done = _budget_kernels(columns, numbered, context, rulesets, first, units)
        _budget_loop(columns, context, rulesets, numbers, first, units, differ, np.nonzero(~done)[0])
    return units[inverse], differ[inverse]


def _budget_kernels(
    columns: list[Encoded], numbered: list[Any], context: Any, rulesets: list[Ruleset], first: Any, units: Any
) -> Any:
    """The distinct budget tables the positive kernel scores (their ``units`` filled in):
    those of a ruleset whose rule is ``W × min(executed / full_year, 1)`` (see
    :func:`.exact.budget_kernel`), plain amounts, a full-year budget of at least 1, no printed
    points. Whether each one was."""
    table = np.zeros((len(rulesets) + 1, 5), np.int64)
    for at, ruleset in enumerate(rulesets):
        full = budget_outcome(ruleset, None, _ONE, _ONE, None, None)
        found = budget_kernel(ruleset, full.units if full is not None and not full.findings else None)
        if found is not None:
            table[at] = (1, *found)
    kernel = table[context[first]]
    base = numbered[1][columns[1].codes[first]]
    spent = numbered[2][columns[2].codes[first]]
    wanted = (kernel[:, 0] == 1) & (columns[4].codes[first] < 0) & (spent[:, 0] >= 0)
    wanted &= (base[:, 0] > 0) & (base[:, 1] >= 0) & (base[:, 0] >= _POW[np.maximum(base[:, 1], 0)])
    index = np.nonzero(wanted)[0]
    k, b, e = kernel[index], base[index], spent[index]
    ok, full, points = ratio_points(
        np.ones(len(index), bool), k[:, 1], k[:, 2], b[:, 0], b[:, 1], e[:, 0], e[:, 1], k[:, 3]
    )
    weight = k[:, 1] * _POW[6 - k[:, 2]]
    scored = np.where(points < 0, weight, points * _POW[np.clip(6 - k[:, 3], 0, 6)])
    units[index[ok]] = np.where(full, k[:, 4], scored)[ok]
    done = np.zeros(len(first), bool)
    done[index[ok]] = True
    return done


def _budget_loop(
    columns: list[Encoded],
    context: Any,
    rulesets: list[Ruleset],
    numbers: Numbers,
    first: Any,
    units: Any,
    differ: Any,
    todo: Any,
) -> None:
    """The distinct budget tables ``todo`` scored once each (``units``, ``differ`` filled in)."""
    for unique in todo.tolist():
        row = first[unique]
        if context[row] < 0:
            continue
        amounts = [gated(numbers, c.value(c.codes[row]), key) for c, key in zip(columns, _AMOUNTS.values())]
        if all(ok for ok, _ in amounts):
            outcome = budget_outcome(rulesets[context[row]], *(value for _, value in amounts))
            units[unique] = -1 if outcome is None else outcome.units
            differ[unique] = 0 if outcome is None else len(outcome.findings)


def _heads(
    owner: Any,
    covered: Any,
    context: Any,
    rulesets: list[Ruleset],
    budget: tuple[Any, Any],
    cells: RowColumns,
    mine: Any,
) -> dict[str, Any]:
    """Per evaluation: blocks summed and capped, findings counted, the raw total."""
    count, width = len(covered), max((len(r.blocks) for r in rulesets), default=1)
    block = cells.block[mine]
    shape = (count, width)
    sums = {name: np.zeros(shape, np.int64) for name in ("points", "weight", "idle", "rows")}
    for name, values in (("points", cells.units), ("weight", cells.weight), ("idle", cells.idle)):
        np.add.at(sums[name], (owner, block), values[mine])
    np.add.at(sums["rows"], (owner, block), 1)
    limits, valid, rescale, totals, budget_weight = _ruleset_arrays(rulesets, width)
    where = np.maximum(context, 0)
    limit, real = limits[where], valid[where] & covered[:, None]
    empty = real & (sums["rows"] == 0)
    capped = real & (limit > 0) & (sums["points"] > limit)
    points = np.where(capped, limit, sums["points"])
    declared = sums["weight"] + np.where(rescale[where][:, None], sums["idle"], 0)
    drift = real & (sums["rows"] > 0) & (declared != limit)
    complete = ~empty.any(axis=1)
    warned = np.zeros(count, np.int64)
    np.add.at(warned, owner, cells.warnings[mine])
    found = {"empty-block": empty.sum(axis=1), "weights-sum": drift.sum(axis=1)}
    found.update({"block-capped": capped.sum(axis=1), "incomplete": (~complete).astype(np.int64)})
    errors = sum(_ERROR[name] * n for name, n in found.items()) + _ERROR["weight-on-not-applicable"] * warned
    warnings = sum(_WARNING[name] * n for name, n in found.items())
    warnings = warnings + _WARNING["weight-on-not-applicable"] * warned
    errors = errors + _ERROR["budget-points-differ"] * budget[1]
    warnings = warnings + _WARNING["budget-points-differ"] * budget[1]
    raw = (points * real).sum(axis=1) + np.maximum(budget[0], 0)
    applicable = sums["weight"].sum(axis=1) + budget_weight[where]
    ok = ~(rescale[where] & (applicable > 0) & (applicable != totals[where]))
    return {"_ok": ok, "raw": raw, "complete": complete, "errors": errors, "warnings": warnings}


def _ruleset_arrays(rulesets: list[Ruleset], width: int) -> tuple[Any, Any, Any, Any, Any]:
    """Per ruleset: each block's points and whether it exists, the rescale policy, the total,
    the budget row's weight (all points in units of 10⁻⁶)."""
    size = max(len(rulesets), 1)
    limits, valid = np.zeros((size, width), np.int64), np.zeros((size, width), bool)
    rescale, totals, budget = np.zeros(size, bool), np.zeros(size, np.int64), np.zeros(size, np.int64)
    unit = Decimal(1).scaleb(SCALE)
    for i, ruleset in enumerate(rulesets):
        for j, block in enumerate(ruleset.blocks):
            limits[i, j], valid[i, j] = int(block.points * unit), True
        rescale[i] = ruleset.not_applicable == "rescale"
        totals[i] = int(ruleset.total * unit)
        budget[i] = int(ruleset.budget.points * unit) if ruleset.budget is not None else 0
    return limits, valid, rescale, totals, budget


@in_context
def _total(ruleset: Ruleset, units: int, complete: bool) -> tuple[str, str]:
    """A raw total's text as the engine rounds it, and its grade."""
    raw = Decimal(units).scaleb(-SCALE)
    rounding = ruleset.total_rounding
    points = quantize(min(raw, ruleset.total), rounding.places, rounding.mode)
    band = ruleset.grade_for(points) if complete else None
    return str(points), band.label if band else ""


def _evaluation_table(
    ids: Any, taken: Any, heads: dict[str, Any], rulesets: list[Ruleset], context: Any
) -> Any:
    pa = pyarrow()
    where = context[taken]
    raw, complete = heads["raw"][taken], heads["complete"][taken]
    if raw.max(initial=0) < (1 << 40) and len(rulesets) < (1 << 20):
        key = (raw << 21) | (where << 1) | complete.astype(np.int64)
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
    else:
        inverse, first = _by_value(where, raw, complete)
    shown = [_total(rulesets[where[i]], int(raw[i]), bool(complete[i])) for i in first]
    names = [r.id for r in rulesets]
    return pa.table(
        {
            "id": ids.take(pa.array(taken)),
            "ruleset": text_array(where, names),
            "total": text_array(inverse, [s[0] for s in shown]),
            "grade": text_array(inverse, [s[1] for s in shown]),
            "complete": pa.array(complete),
            "errors": pa.array(heads["errors"][taken]),
            "warnings": pa.array(heads["warnings"][taken]),
            "error": pa.nulls(len(taken), pa.string()),
            "_i": pa.array(taken.astype(np.int64)),
        }
    )


def _by_value(where: Any, raw: Any, complete: Any) -> tuple[Any, Any]:
    stacked = np.stack([where, raw, complete.astype(np.int64)], axis=1)
    _, first, inverse = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
    return inverse.reshape(-1), first


def _row_table(ids: Any, owner: Any, mine: Any, cells: RowColumns) -> Any:
    """The covered rows' records, in the engine's order: by evaluation, by block in the
    ruleset's order, by category in order of first appearance, by position."""
    pa = pyarrow()
    index = np.nonzero(mine)[0]
    evaluation, block, category = owner[index], cells.block[index], cells.category[index]
    position = positions(owner)[index]
    width = int(block.max(initial=0)) + 1
    group = (evaluation * width + block) * (int(category.max(initial=0)) + 1) + category
    first = first_rows(group)
    key = (evaluation * width + block) * max(len(index), 1) + first
    if len(key) > 1 and bool((key[1:] >= key[:-1]).all()):  # rows already in the engine's order
        order = np.arange(len(key))
    else:
        order = np.argsort(key, kind="stable")
    index, evaluation, position = index[order], evaluation[order], position[order]
    rank = positions(evaluation)
    union: Union[list[str], Any] = [f"rows[{i}]" for i in range(int(position.max(initial=-1)) + 1)]
    return pa.table(
        {
            "evaluation_id": ids.take(pa.array(evaluation)),
            "row": pa.array(position),
            "where": text_array(position, union),
            "points": text_array(cells.points[index], cells.texts),
            "status": text_array(cells.status[index], cells.statuses),
            "method": text_array(cells.method[index], cells.methods),
            "error": pa.nulls(len(index), pa.string()),
            "_i": pa.array(evaluation),
            "_k": pa.array(rank),
        }
    )
