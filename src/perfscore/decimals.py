"""The one number type: ``Decimal``, with the rounding modes a ruleset may name.

Scores and money are Decimals end to end so that grade boundaries compare exactly
(89.995 rounded to 2 places half-up is 90.00, which is 优).
"""

from __future__ import annotations

import decimal
import functools
from decimal import Decimal
from typing import Any, Callable, Optional, TypeVar, Union, cast

__all__ = ["CONTEXT", "ROUNDING_MODES", "Number", "in_context", "plain", "quantize", "to_decimal"]

Number = Union[int, float, str, Decimal]

CONTEXT = decimal.Context(
    prec=28,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999999,
    Emax=999999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
"""The context perfscore computes in, whatever the caller's: Python's default one, spelled out.
A host application's context with fewer digits would round scores, and one without traps would
turn a division by zero into Infinity (a full score) instead of a row that is not scorable."""

_F = TypeVar("_F", bound=Callable[..., Any])


def in_context(fn: _F) -> _F:
    """``fn``, run in :data:`CONTEXT` (the caller's context is restored afterwards)."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        with decimal.localcontext(CONTEXT):
            return fn(*args, **kwargs)

    return cast(_F, run)


#: Rounding modes a ruleset may name, mapped to ``decimal`` constants.
#: ``half_up`` is the default: it is how tables are rounded by hand (and 四舍五入).
ROUNDING_MODES: dict[str, str] = {
    "half_up": decimal.ROUND_HALF_UP,
    "half_even": decimal.ROUND_HALF_EVEN,
    "down": decimal.ROUND_DOWN,
    "up": decimal.ROUND_UP,
    "floor": decimal.ROUND_FLOOR,
    "ceiling": decimal.ROUND_CEILING,
}

_EXPONENTS = {places: Decimal(1).scaleb(-places) for places in range(0, 7)}


def to_decimal(value: Number) -> Decimal:
    """Convert an int, str or Decimal exactly; a float through its shortest repr
    (``0.1`` becomes ``Decimal('0.1')``, not the binary expansion)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number here")
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def quantize(value: Decimal, places: int, mode: str = "half_up") -> Decimal:
    """Round ``value`` to ``places`` decimal places with the named ``mode``."""
    exponent = _EXPONENTS.get(places)
    if exponent is None:
        exponent = Decimal(1).scaleb(-places)
    return value.quantize(exponent, ROUNDING_MODES[mode])  # positional: half the cost of rounding=


def plain(value: Optional[Decimal]) -> str:
    """A number as people write it in a table: ``10`` not ``10.00`` or ``1E+1``, ``14.7`` not
    ``14.70``; ``—`` for a missing value."""
    if value is None:
        return "—"
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f")
    return format(value.normalize(), "f")
