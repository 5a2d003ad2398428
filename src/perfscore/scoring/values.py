"""Cell values into formula inputs: the texts as scored, the target T and actual A (in T's unit),
the row's own inputs, and the env a method's cases see.

Every function here either returns what a formula needs or raises :class:`NotScorable` with the
finding that says why not.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Optional

import attrs

from ..cells import CellValue, ValueKind, convert, parse_cell, units_compatible
from ..codes import words
from ..decimals import MAX_AMOUNT
from ..evaluations import BudgetTable, IndicatorRow
from ..rules import BudgetRule, Indicator
from ..rules.plan import MethodPlan
from .findings import NotScorable, cell_note_zh, finding
from .shown import fmt

__all__ = [
    "HIGH",
    "LOW",
    "ZERO",
    "budget_base",
    "check_inputs",
    "complete_texts",
    "formula_env",
    "formula_inputs",
    "parse",
    "snapshot",
    "target_and_actual",
]

ZERO = Decimal(0)
LOW, HIGH = -MAX_AMOUNT, MAX_AMOUNT
"""The number gate's bound, for values computed or parsed while scoring (a cell's T and A, the
execution rate): beyond it a row or the budget is not scorable, never an overflow later."""

# Cell texts repeat a great deal across a batch ("100%", "≥95%", "不适用"); CellValue is frozen.
parse = functools.lru_cache(maxsize=16384)(parse_cell)

_NUMBER, _BUDGET_REF = ValueKind.NUMBER, ValueKind.BUDGET_REF
_TARGET, _ACTUAL = "年度指标值", "实际完成值"


def complete_texts(
    row: IndicatorRow,
    indicator: Optional[Indicator] = None,
    derived: Mapping[str, Decimal] = MappingProxyType({}),
    units: Mapping[str, str] = MappingProxyType({}),
) -> IndicatorRow:
    """The target and actual as scored: the sign and unit columns joined to the value (四川
    layout), the framework's fixed target, and an actual derived from base data (``derived``
    values, with their ``units``) filled in."""
    target, actual = row.target, row.actual
    if row.sign and row.sign.strip() not in ("定性", "") and target.strip():
        target = row.sign.strip() + target.strip()
    if row.unit:
        unit = row.unit.strip()
        if _unitless_number(target):
            target += unit
        if _unitless_number(actual):
            actual += unit
    if indicator is not None:
        if not target.strip() and indicator.target:
            target = indicator.target
        if not actual.strip() and indicator.actual_from in derived:
            actual = f"{fmt(derived[indicator.actual_from])}{units[indicator.actual_from]}"
    if (target, actual) == (row.target, row.actual):
        return row
    return attrs.evolve(row, target=target, actual=actual)


def _unitless_number(text: str) -> bool:
    parsed = parse(text)
    return parsed.kind is _NUMBER and parsed.unit is None


def budget_base(rule: Optional[BudgetRule], table: Optional[BudgetTable]) -> Optional[Decimal]:
    """The amount the execution rate divides by, and a 预算数 cell stands for."""
    if table is None:
        return None
    base = rule.base if rule is not None else "full_year"
    if base == "initial":
        return table.initial
    if base == "initial_plus_adjustment":
        if table.initial is None:
            return None
        return table.initial + (table.adjustment or ZERO)
    return table.full_year


def target_and_actual(
    row: IndicatorRow, target: CellValue, actual: CellValue, base: Optional[Decimal], clamp: bool
) -> tuple[Decimal, Decimal, str]:
    """T, A (in T's unit, 0 for a negative A when ``clamp``) and the unit; ``base`` is what a
    预算数 cell stands for."""
    t_value, a_value = target.number, actual.number
    if (
        t_value is not None
        and a_value is not None
        and target.kind is _NUMBER
        and actual.kind is _NUMBER
        and actual.unit == target.unit
    ):  # two numbers in one unit: the common case
        unit = target.unit or ""
    else:
        t_value, a_value, unit = _converted(row, target, actual, base)
    if not (LOW <= t_value <= HIGH and LOW <= a_value <= HIGH):
        # A cell such as "9…9亿元" (60 digits) passes the number gate's bound no better than a
        # typed number would: not scorable, never an overflow further on.
        found = f"T={fmt(t_value)}, A={fmt(a_value)}"
        raise NotScorable(
            "out-of-range",
            finding("not-scorable", row.where, variant="range", found=found, bound=fmt(HIGH)),
            bound=fmt(HIGH),
        )
    if a_value < ZERO and clamp:
        a_value = ZERO
    return t_value, a_value, unit


def _converted(
    row: IndicatorRow, target: CellValue, actual: CellValue, base: Optional[Decimal]
) -> tuple[Decimal, Decimal, str]:
    """T, A and the unit for cells that are not two numbers in one unit: a budget reference, a
    unit to convert, or a cell that is no number at all (not scorable)."""
    t_value = target.number if target.kind is _NUMBER else None
    if t_value is None:
        t_value = _amount(target, "target", row, base)
    a_value = actual.number if actual.kind is _NUMBER else None
    if a_value is None:
        a_value = _amount(actual, "actual", row, base)
    t_unit = "万元" if target.kind is _BUDGET_REF else target.unit
    a_unit = actual.unit
    if a_unit != t_unit and a_unit and t_unit:
        if not units_compatible(t_unit, a_unit):
            mismatch = finding("unit-mismatch", f"{row.where}.actual", expected=t_unit, found=a_unit)
            raise NotScorable("unit-mismatch", mismatch, target=t_unit, actual=a_unit)
        a_value = convert(a_value, a_unit, t_unit)
    return t_value, a_value, t_unit or ""


def _amount(cell: CellValue, column: str, row: IndicatorRow, base: Optional[Decimal]) -> Decimal:
    """The number a cell stands for (a number, or the budget for 预算数)."""
    if cell.kind is _NUMBER and cell.number is not None:
        return cell.number
    role = _TARGET if column == "target" else _ACTUAL
    text = row.target if column == "target" else row.actual
    location = f"{row.where}.{column}"
    if cell.kind is _BUDGET_REF:
        if base is None:
            missing = finding(
                "missing-value", location, variant="budget", expected=words("budget-with-base"),
                found=repr(text), role=role,
            )  # fmt: skip
            raise NotScorable("no-budget", missing, role=role)
        return base
    if cell.kind is ValueKind.GARBLED:
        note = cell_note_zh(cell.problem or "", "疑似录入错误")
        garbled = finding(
            "garbled-cell", location, expected=words("one-number"), found=repr(text),
            role=role, column=column, note=note, problem=cell.problem,
        )  # fmt: skip
        raise NotScorable("garbled", garbled, role=role, text=text)
    if cell.kind is ValueKind.BLANK:
        raise NotScorable("blank", finding("missing-value", location, role=role, column=column), role=role)
    other = finding(
        "not-a-number",
        location,
        variant="quantitative",
        expected=words("a-number"),
        found=repr(text),
        role=role,
        column=column,
    )
    raise NotScorable("not-a-number", other, role=role, text=text)


def check_inputs(plan: MethodPlan, row: IndicatorRow) -> None:
    """Every input the method needs is in the row."""
    needed = plan.method.inputs
    missing = [name for name in needed if name not in row.inputs]
    if missing:
        at = f"{row.where}.inputs"
        missed = finding("missing-input", at, expected=", ".join(needed), found=", ".join(row.inputs))
        raise NotScorable("missing-input", missed, missing=", ".join(missing))


def formula_inputs(
    plan: MethodPlan, derived: Mapping[str, Decimal], inputs: Mapping[str, Decimal]
) -> Mapping[str, Decimal]:
    """The env a row's cases see besides W, T and A: the method's parameters, the derived values,
    then the row's own inputs. Without derived values or inputs it is the parameters themselves
    (no dict per row); the cases never write to it."""
    if not derived and not inputs:
        return plan.params
    return {**plan.params, **derived, **inputs}


def formula_env(
    plan: MethodPlan,
    derived: Mapping[str, Decimal],
    inputs: Mapping[str, Decimal],
    weight: Decimal,
    target: Optional[Decimal],
    actual: Optional[Decimal],
) -> dict[str, Decimal]:
    """Every input a row's formulas saw, by name, as its explanation shows them."""
    env = {**formula_inputs(plan, derived, inputs), "W": weight}
    if target is not None and actual is not None:
        env["T"], env["A"] = target, actual
    return env


_NO_INPUTS: Mapping[str, Decimal] = MappingProxyType({})


def snapshot(inputs: Mapping[str, Decimal]) -> Mapping[str, Decimal]:
    """A row's inputs as scored, for its deferred explanation: a private copy, since the mapping
    is the caller's (an IndicatorRow's ``inputs`` is whatever dict it was given) and a report
    must not change when the caller changes it. Most rows have none: no copy then."""
    return dict(inputs) if inputs else _NO_INPUTS
