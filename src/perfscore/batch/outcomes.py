"""What the columnar path computes once per distinct input, in Decimal, as the engine does.

A row's outcome is a function of its ruleset and its cells when the ruleset and the row stay
on the common path (see :func:`simple`): the block its 一级 cell names, the method its block
selects for its target, the method's compiled cases over W, T and A, the cap at the weight and
the row rounding. :func:`row_outcome` computes it for one distinct combination of cells, with
the very objects the engine uses (the plan, the parse cache's parser, the compiled cases, the
decimal context); anything off that path, or anything that would make a finding other than the
ones the columnar path counts itself, returns None, and the evaluations holding such a row are
scored by the engine. :func:`budget_outcome` does the same for a budget table.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from typing import NamedTuple, Optional

import attrs

from ..cells import CellValue, ValueKind, convert, parse_cell, units_compatible
from ..decimals import MAX_AMOUNT, in_context, quantize
from ..errors import FormulaEvaluationError
from ..rules import Ruleset
from ..rules.plan import BlockPlan, MethodPlan, normalize_label, selector

__all__ = [
    "SCALE", "BudgetOutcome", "RowOutcome", "Template", "budget_outcome", "finish", "plain_cell", "row_outcome",
    "scaled", "simple", "template", "unit_probe",
]  # fmt: skip

SCALE = 6
"""Points are summed as integers in units of 10⁻⁶ (an outcome whose points do not fit is None)"""
_UNIT = Decimal(1).scaleb(-SCALE)
_LIMIT = Decimal(2**62)
_ZERO = Decimal(0)
_NUMBER, _NOT_APPLICABLE, _BLANK = ValueKind.NUMBER, ValueKind.NOT_APPLICABLE, ValueKind.BLANK

parse = functools.lru_cache(maxsize=16384)(parse_cell)


def scaled(value: Decimal) -> Optional[int]:
    """``value`` in units of 10⁻⁶, or None when it is not a whole number of them (or too large)."""
    units = value.scaleb(SCALE)
    if units != units.to_integral_value() or abs(units) >= _LIMIT:
        return None
    return int(units)


def simple(ruleset: Ruleset) -> bool:
    """Whether the columnar path models ``ruleset``: no derived values, no framework indicators,
    rows that state their own weights, a budget row outside the blocks, points and weights it can
    sum exactly."""
    if ruleset.derived or any(block.indicators or block.weights != "stated" for block in ruleset.blocks):
        return False
    rule = ruleset.budget
    if rule is not None and (rule.block or scaled(rule.points) is None):
        return False
    return scaled(ruleset.total) is not None and all(scaled(b.points) is not None for b in ruleset.blocks)


class RowOutcome(NamedTuple):
    """One distinct row's result: what its record shows and what its block sums."""

    block: int
    """The block's position in the ruleset's order"""
    category: str
    """Its normalised category (rows are shown grouped by it within their block)"""
    status: str
    method: str
    points: Optional[str]
    """The points as the engine's Decimal prints them"""
    units: int
    """The points in units of 10⁻⁶ (0 when not scored)"""
    weight: int
    """Its applicable weight in units of 10⁻⁶ (0 for a not-applicable row)"""
    idle_weight: int
    """A not-applicable row's own weight (the ``rescale`` policy counts it as declared)"""
    warnings: int
    """Warnings its row makes (a not-applicable row with a weight)"""


@attrs.frozen
class Template:
    """What a row's cells but its actual decide: its block, its target, its weight, its method
    (computed once for every row written alike but for the actual)."""

    ruleset: Ruleset
    name_kind: ValueKind
    target: str
    t_cell: CellValue
    level: str
    weight: Optional[Decimal]
    weight_units: Optional[int]
    """The weight in units of 10⁻⁶ when it is a plausible weight (else None: not scorable)"""
    plan: Optional[MethodPlan]
    """The method its block selects or it names (None: none, not scorable)"""
    not_applicable: RowOutcome
    """Its outcome should it be not applicable"""


def template(
    ruleset: Ruleset, block: str, category: str, name: str, target: str, weight: Optional[Decimal],
    method: str, level: str,
) -> Optional[Template]:  # fmt: skip
    """A row's template, or None when the engine must score every row written so."""
    plan = ruleset.plan
    if plan.budget_row_names and normalize_label(name) in plan.budget_row_names:
        return None  # possibly the budget row printed among the indicators
    found = _block(ruleset, block, category)
    t_cell = parse(target)
    idle = scaled(weight) if weight else 0
    if found is None or t_cell.problem is not None or idle is None:
        return None  # an unknown block, a questionable target: findings the engine words
    index, in_block = found
    group = normalize_label(category)
    warned = 1 if weight and plan.not_applicable == "no_weight" else 0
    idle_outcome = RowOutcome(index, group, "not_applicable", "", None, 0, 0, idle, warned)
    units, choice = None, None
    if weight is not None and _ZERO < weight <= in_block.block.points:
        units = scaled(weight)
        if method:
            choice = plan.named_choices.get(method)
        else:
            choice = in_block.choices_for(category).get(selector(t_cell))
    row_plan = choice.plan if choice is not None else None
    kind = parse(name).kind
    return Template(ruleset, kind, target, t_cell, level, weight, units, row_plan, idle_outcome)


def finish(row: Template, actual: str, a_cell: CellValue) -> Optional[RowOutcome]:
    """The outcome of a row of ``row``'s template with this actual, or None when the engine
    must score it. Run in the engine's decimal context (:data:`perfscore.decimals.CONTEXT`)."""
    if a_cell.problem is not None:
        return None  # a questionable or garbled actual: a finding the engine words
    kinds = (row.name_kind, row.t_cell.kind, a_cell.kind)
    if _NOT_APPLICABLE in kinds or kinds == (_BLANK, _BLANK, _BLANK):
        return row.not_applicable
    plan, weight = row.plan, row.weight
    if plan is None or weight is None or row.weight_units is None:
        return None  # missing or implausible weight, no method: errors the engine words
    if plan.kind == "qualitative":
        points = _by_level(plan, row.level, actual, row.target, a_cell.kind, weight, row.ruleset)
    else:
        points = _by_formula(plan, row.t_cell, a_cell, weight, row.ruleset)
    units = None if points is None else scaled(points)
    if units is None:
        return None
    block, group = row.not_applicable.block, row.not_applicable.category
    return RowOutcome(block, group, "scored", plan.key, str(points), units, row.weight_units, 0, 0)


@in_context
def row_outcome(
    ruleset: Ruleset, block: str, category: str, name: str, target: str, actual: str, weight: Optional[Decimal],
    method: str, level: str,
) -> Optional[RowOutcome]:  # fmt: skip
    """The outcome of one row of cells, or None when the engine must score it."""
    found = template(ruleset, block, category, name, target, weight, method, level)
    return None if found is None else finish(found, actual, parse(actual))


def _block(ruleset: Ruleset, block: str, category: str) -> Optional[tuple[int, BlockPlan]]:
    """The block a row's cells name, as the engine matches it (None: not on the common path)."""
    plan = ruleset.plan
    label = normalize_label(block)
    found = plan.blocks.get(label)
    if found is None and label and plan.prefixes:
        found = next((b for prefix, b in plan.prefixes if label.startswith(prefix)), None)
    if found is None and parse(block).kind is _BLANK:
        found = plan.by_category.get(normalize_label(category)) or plan.default_block
    if found is None:
        return None
    return plan.in_order.index(found), found


def _by_level(
    plan: MethodPlan, level: str, actual: str, target: str, kind: ValueKind, weight: Decimal, ruleset: Ruleset
) -> Optional[Decimal]:
    wanted = normalize_label(level) if level else ""
    said = normalize_label(actual)
    chosen = None
    for candidate, names in zip(plan.method.levels, plan.level_names):
        if (wanted and wanted in names) or (not wanted and said in names):
            chosen = candidate
            break
    if chosen is None and not wanted and kind is not _BLANK and said == normalize_label(target):
        chosen = plan.method.levels[0]
    if chosen is None:
        return None  # self-stated or unknown: findings the engine words
    return ruleset.plan.round_row(chosen.score * weight, weight)


def _by_formula(
    plan: MethodPlan, t_cell: CellValue, a_cell: CellValue, weight: Decimal, ruleset: Ruleset
) -> Optional[Decimal]:
    if plan.method.inputs:
        return None  # rows of the batch carry no inputs: missing, an error the engine words
    t_value = a_value = None
    if plan.needs_values:
        t_value, a_value = t_cell.number, a_cell.number
        if t_value is None or a_value is None or t_cell.kind is not _NUMBER or a_cell.kind is not _NUMBER:
            return None  # a budget reference, a cell that is no number: the engine's
        t_unit, a_unit = t_cell.unit, a_cell.unit
        if a_unit != t_unit and a_unit and t_unit:  # as the engine converts: A into T's unit
            if not units_compatible(t_unit, a_unit):
                return None
            a_value = convert(a_value, a_unit, t_unit)
        if not (-MAX_AMOUNT <= t_value <= MAX_AMOUNT and -MAX_AMOUNT <= a_value <= MAX_AMOUNT):
            return None
        if a_value < _ZERO and ruleset.clamp_negative_actual:
            a_value = _ZERO
    try:
        _, raw = plan.cases(plan.params, weight, t_value, a_value)
    except FormulaEvaluationError:
        return None
    return ruleset.plan.round_row(ruleset.plan.clip_row(raw, weight), weight)


@attrs.frozen
class BudgetOutcome:
    """A budget table's points under a ruleset's budget rule."""

    units: int
    text: str
    findings: tuple[str, ...] = ()
    """The codes of the findings scoring it makes"""


def budget_outcome(
    ruleset: Ruleset,
    initial: Optional[Decimal],
    full_year: Optional[Decimal],
    executed: Optional[Decimal],
    adjustment: Optional[Decimal],
    points: Optional[Decimal],
) -> Optional[BudgetOutcome]:
    """The budget row's points when it is scored without a finding (or only the one that its
    printed points differ), else None. Run in the engine's decimal context."""
    rule = ruleset.budget
    if rule is None:
        return BudgetOutcome(0, "")
    differ = ("budget-points-differ",) if points is not None and points != rule.points else ()
    if rule.base == "initial":
        base = initial
    elif rule.base == "initial_plus_adjustment":
        base = None if initial is None else initial + (adjustment or _ZERO)
    else:
        base = full_year
    if base is None or executed is None or base == 0:
        return None
    rate = executed / base
    if not -MAX_AMOUNT <= rate <= MAX_AMOUNT:
        return None
    env = {**rule.params, "W": rule.points, "base": base, "executed": executed, "rate": rate}
    try:
        raw = rule.formula.number(env)
    except FormulaEvaluationError:
        return None
    capped = min(max(raw, _ZERO), rule.points)
    got = min(quantize(capped, rule.rounding.places, rule.rounding.mode), rule.points)
    units = scaled(got)
    return None if units is None else BudgetOutcome(units, str(got), differ)


_PLAIN = re.compile(r"(?P<num>(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,10})?)(?P<unit>[^0-9.]{0,10})")
"""A plain number and what follows it: "93.50%", "12次", "450人", "95" (no sign, comparator, label,
thousands separator or leading zero; at most 25 digits and 10 characters after)"""
_UNITS: dict[str, Optional[CellValue]] = {}


def unit_probe(after: str) -> Optional[CellValue]:
    """What :func:`parse_cell` makes of a plain number followed by ``after``, when that is a
    number with nothing else to say (no comparator, label, reference or problem) whatever its
    digits: probed on two numbers of different shapes. None otherwise."""
    if after in _UNITS:
        return _UNITS[after]
    probes = [parse_cell(f"{digits}{after}") for digits in ("1", "12.5")]
    same = all(
        p.kind is _NUMBER and p.comparator is None and p.label is None and p.reference is None
        and p.problem is None and p.unit == probes[0].unit
        for p in probes
    )  # fmt: skip
    good = same and probes[0].number == 1 and probes[1].number == Decimal("12.5")
    found = _UNITS[after] = probes[0] if good else None
    return found


def plain_cell(text: str) -> Optional[CellValue]:
    """``parse_cell(text)`` for a plain number cell (see :data:`_PLAIN`), built without the
    parser's patterns: the part after the number is probed once (:func:`unit_probe`). None for
    any other cell (the caller parses it)."""
    match = _PLAIN.fullmatch(text)
    if match is None:
        return None
    probe = unit_probe(match["unit"])
    if probe is None:
        return None
    return CellValue(text, _NUMBER, number=Decimal(match["num"]), unit=probe.unit)
