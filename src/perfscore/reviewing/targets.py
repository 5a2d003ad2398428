"""How far a row's actual falls short of its numeric target, read from the cells alone: the
yardstick review holds a score against whatever method gave it.

The direction comes from the comparator (≥ and a bare value: a floor; ≤: a ceiling; =: reached
from below), and a cost row written as a bare amount ("80万元" under 成本指标) is a ceiling:
spending less is not a miss."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from ..cells import CellValue, Comparator, ValueKind, convert, parse_cell, units_compatible
from ..evaluations import IndicatorRow
from ..report import RowResult

__all__ = ["achievement"]

_ZERO = Decimal(0)
_MONEY = ("元", "万元", "千元", "亿元")
_FLOORS = (Comparator.GE, Comparator.GT, None)
_CEILINGS = (Comparator.LE, Comparator.LT)
_SCALE_SLIP = Decimal("0.05")
"""With a unit on one side only, a ratio this small is read as a scale slip, not a miss"""


def _target(result: RowResult, source: Optional[IndicatorRow]) -> CellValue:
    target = parse_cell(result.target_text)
    sign = source.sign.strip() if source is not None else ""
    if target.comparator is None and sign and sign != "定性":
        signed = parse_cell(sign + result.target_text.strip())
        if signed.kind is ValueKind.NUMBER:
            return signed
    return target


def achievement(result: RowResult, source: Optional[IndicatorRow]) -> Optional[tuple[Decimal, str]]:
    """(actual as a fraction of the target, in the comparator's direction; the cells as said) for
    a numeric target that was missed, or None when it was met or the cells are not both numbers
    in comparable units."""
    target, actual = _target(result, source), parse_cell(result.actual_text)
    t, a = target.number, actual.number
    if target.kind is not ValueKind.NUMBER or actual.kind is not ValueKind.NUMBER or t is None or a is None:
        return None
    column_unit = (source.unit.strip() or None) if source is not None else None
    t_unit, a_unit = target.unit or column_unit, actual.unit or column_unit
    if not units_compatible(t_unit, a_unit):
        return None
    if t_unit and a_unit and t_unit != a_unit:
        a = convert(a, a_unit, t_unit)
    a = max(a, _ZERO)
    comparator = target.comparator
    if comparator is None and "成本" in result.category and t_unit in _MONEY:
        comparator = Comparator.LE  # a bare amount under 成本指标 is a ceiling
    said = f"{result.actual_text.strip()} / {result.target_text.strip()}"
    ratio: Optional[Decimal] = None
    if comparator in _FLOORS or comparator is Comparator.EQ:
        if t > 0 and a < t:
            ratio = a / t
    elif comparator in _CEILINGS and t >= 0 and a > t:
        ratio = t / a if t > 0 else _ZERO
    if ratio is None:
        return None
    if (t_unit is None) != (a_unit is None) and ratio < _SCALE_SLIP:
        return None  # "0.95" against "100%": a unit left off, not a miss by a factor of 100
    return ratio, said
