"""The precision a table prints, read from its own cells, and comparisons made at it.

A table that prints whole percents and whole points is consistent when its numbers agree at
that precision: a printed 91% for a computed 90.6%, a reported 9 for a computed 9.4. Review
compares a printed value with the interval of values it could stand for:

- under rounding (half up, the national practice), a value printed ``v`` with ``p`` places
  stands for ``[v − ½·10⁻ᵖ, v + ½·10⁻ᵖ]``;
- under truncation (floored integer scores, §7.3 of the domain notes), for ``[v, v + 10⁻ᵖ)``.

The precision of a column is the most places any of its cells prints: "9" among "8.5" and
"14.7" is 9.0 printed short, while a table whose every score is whole prints whole points. A
single cell (the printed rate, the budget's score, the total) has its own places."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Optional

from ..decimals import places, quantize

__all__ = [
    "DIFFERS",
    "ROUNDED",
    "TRUNCATED",
    "agreement",
    "column_places",
    "half_unit",
    "places",
    "rounds_to",
    "unit",
]

ROUNDED = "rounded"
"""The printed value is one the true value rounds to at the printed precision."""
TRUNCATED = "truncated"
"""The printed value is the true value cut off (floored) at the printed precision, not rounded."""
DIFFERS = "differs"
"""No value in the interval rounds or truncates to the printed value."""


def column_places(values: Iterable[Optional[Decimal]]) -> int:
    """The precision of a column: the most places any of its printed cells has (0 if none)."""
    return max((places(v) for v in values if v is not None), default=0)


def unit(digits: int) -> Decimal:
    """One unit in the last printed place: 1 at 0 places, 0.01 at 2."""
    return Decimal(1).scaleb(-digits)


def half_unit(digits: int) -> Decimal:
    return unit(digits) / 2


def agreement(printed: Decimal, digits: int, low: Decimal, high: Optional[Decimal] = None) -> str:
    """How ``printed`` (with ``digits`` places) agrees with a true value in ``[low, high]``:
    :data:`ROUNDED`, :data:`TRUNCATED` or :data:`DIFFERS`. ``high`` defaults to ``low``."""
    if high is None:
        high = low
    if low > high:
        low, high = high, low
    half = half_unit(digits)
    if low <= printed + half and printed - half <= high:
        return ROUNDED
    if printed >= 0 and low < printed + unit(digits) and printed <= high:
        return TRUNCATED
    return DIFFERS


def rounds_to(value: Decimal, digits: int) -> Decimal:
    """``value`` rounded half up to ``digits`` places (how a table prints it)."""
    return quantize(value, digits, "half_up")
