"""The one number type: ``Decimal``, with the rounding modes a ruleset may name.

Scores and money are Decimals end to end so that grade boundaries compare exactly
(89.995 rounded to 2 places half-up is 90.00, which is 优).
"""

from __future__ import annotations

import decimal
import functools
import re
import unicodedata
from decimal import Decimal
from typing import Any, Callable, Optional, TypeVar, Union, cast

__all__ = [
    "CONTEXT",
    "MAX_AMOUNT",
    "MAX_DIGITS",
    "MAX_NUMBER_TEXT",
    "MAX_PLACES",
    "MAX_POINTS",
    "ROUNDING_MODES",
    "Number",
    "NumberRefused",
    "gate",
    "in_context",
    "places",
    "plain",
    "quantize",
    "shown",
    "to_decimal",
]

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


_PRINTED_PLACES = 6  # a cell printing more places than this is read at 6 (no table prints more)


def places(value: Decimal) -> int:
    """Decimal places ``value`` is written with: 9 → 0, 9.5 → 1, 9.50 → 2 (as read; at most 6)."""
    if not value.is_finite():
        return 0
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return min(max(0, -exponent), _PRINTED_PLACES)


def quantize(value: Decimal, places: int, mode: str = "half_up") -> Decimal:
    """Round ``value`` to ``places`` decimal places with the named ``mode``."""
    exponent = _EXPONENTS.get(places)
    if exponent is None:
        exponent = Decimal(1).scaleb(-places)
    return value.quantize(exponent, ROUNDING_MODES[mode])  # positional: half the cost of rounding=


def plain(value: Optional[Decimal]) -> str:
    """A number as people write it in a table: ``10`` not ``10.00`` or ``1E+1``, ``14.7`` not
    ``14.70``; ``—`` for a missing value.

    Total and quick whatever it is given: a number the gate would refuse (``1E+999999999``,
    ``NaN``) is shown in scientific notation instead of being expanded digit by digit, and
    nothing here depends on (or signals in) the caller's context."""
    if value is None:
        return "—"
    if not isinstance(value, Decimal):
        return shown(value)
    if not value.is_finite():
        return str(value)
    if value.is_zero():
        return "0"
    digits = value.as_tuple().digits
    exponent = value.adjusted()
    if exponent > _PLAIN_EXPONENT or exponent < -_PLAIN_EXPONENT or len(digits) > _PLAIN_EXPONENT:
        return f"{value:.6E}"  # an absurd value stays short: 1.000000E+999999999
    with decimal.localcontext(_PLAIN_CONTEXT):
        if value == value.to_integral_value():
            return format(value.quantize(Decimal(1)), "f")
        return format(value.normalize(), "f")


_PLAIN_EXPONENT = 60
"""Beyond 10^±60 (or 60 digits), :func:`plain` writes scientific notation."""
_PLAIN_CONTEXT = decimal.Context(prec=_PLAIN_EXPONENT * 2 + 2, Emin=-999999, Emax=999999, traps=[])


# --------------------------------------------------------------------------------------
# The number gate: every number that enters the model passes here.
# --------------------------------------------------------------------------------------

MAX_AMOUNT = Decimal("1e15")
"""Largest magnitude of a value: an amount (元 or 万元), a count, a base-data figure, a row
input, a ruleset parameter or tolerance, a formula's result. 10^15 is a thousand times the
largest national budget in 元."""
MAX_POINTS = Decimal("1e6")
"""Largest magnitude of a score, a weight, a block's points, a ruleset's total and a grade
bound: tables are scored out of 100 (a few out of 1,000)."""
MAX_DIGITS = 28
"""Most significant digits a number may have: the precision perfscore computes with
(:data:`CONTEXT`), so a number is never rounded on the way in."""
MAX_PLACES = 20
"""Most decimal places a number may have (``1e-21`` is refused; a zero is read as 0)."""
MAX_NUMBER_TEXT = 64
"""Longest number written as text (a string cell), in characters, before it is even parsed."""

_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INT_BITS = 64  # an int beyond 2**64 is out of range whatever the limit: refused before converting


class NumberRefused(ValueError):
    """Raised by :func:`gate`: ``reason`` says why, ``expected`` what would do, ``found`` a short
    rendering of the value (never the whole of a 10,000-digit one). Callers turn it into a
    located :class:`~perfscore.errors.Problem`; it never leaves the public API."""

    def __init__(self, reason: str, found: str, expected: str) -> None:
        self.reason = reason
        self.found = found
        self.expected = expected
        super().__init__(f"{reason} (got {found}); expected {expected}")


def shown(value: object) -> str:
    """A short rendering of any value, safe for a 10,000-digit int or string."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    if isinstance(value, Decimal) and value.is_finite() and len(value.as_tuple().digits) > 40:
        return f"a number of {len(value.as_tuple().digits)} digits"
    if isinstance(value, Decimal) and value.is_finite() and abs(value.adjusted()) > 40:
        return format(value, ".3E")
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@functools.lru_cache(maxsize=16)
def _expected(limit: Decimal) -> str:
    """What :func:`gate` accepts, as its refusals say: built only for a refusal (once per limit),
    never for a number it lets through."""
    return f"a finite number within ±{limit:E}".replace("E+", "e")


def gate(value: object, limit: Decimal = MAX_AMOUNT) -> Decimal:
    """The number ``value`` stands for, as a plain ``Decimal`` — or :class:`NumberRefused`.

    Accepted: an ``int`` or ``Decimal``, a finite ``float`` (through its shortest repr), or a
    string of at most :data:`MAX_NUMBER_TEXT` characters written with ASCII digits (fullwidth
    digits are read as ASCII; a thousands comma is dropped). The number must be finite, with at
    most :data:`MAX_DIGITS` significant digits and :data:`MAX_PLACES` decimal places, and its
    magnitude at most ``limit`` (:data:`MAX_AMOUNT` for values, :data:`MAX_POINTS` for scores
    and weights). A negative zero is read as 0. Quick for any input: nothing is expanded."""
    if type(value) is Decimal:  # the common case first: a number a reader or the model holds
        number = value
    elif isinstance(value, bool):
        raise NumberRefused("a condition (true/false) is not a number", repr(value), _expected(limit))
    elif isinstance(value, int):
        if value.bit_length() > _INT_BITS:
            raise NumberRefused("number out of range", shown(value), _expected(limit))
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NumberRefused("must be a finite number", repr(value), _expected(limit))
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_NUMBER_TEXT:
            raise NumberRefused(
                f"a number written with more than {MAX_NUMBER_TEXT} characters",
                shown(value),
                _expected(limit),
            )
        text = unicodedata.normalize("NFKC", text).replace(",", "")
        if not _NUMBER_TEXT.fullmatch(text):
            raise NumberRefused("not a number written with ASCII digits", shown(value), _expected(limit))
        number = Decimal(text)
    elif isinstance(value, Decimal):
        number = value
    else:
        raise NumberRefused("not a number", type(value).__name__, _expected(limit))
    if not number.is_finite():
        raise NumberRefused("must be a finite number", str(number), _expected(limit))
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # a finite number's
    if number.is_zero():
        return number.copy_abs() if exponent >= -MAX_PLACES else Decimal(0)
    if number.adjusted() > limit.adjusted() or number.copy_abs() > limit:
        raise NumberRefused("number out of range", shown(value), _expected(limit))
    if exponent < -MAX_PLACES:
        raise NumberRefused(f"more than {MAX_PLACES} decimal places", shown(value), _expected(limit))
    if len(digits) > MAX_DIGITS:
        raise NumberRefused(f"more than {MAX_DIGITS} significant digits", shown(value), _expected(limit))
    return number if type(number) is Decimal else Decimal(number)
