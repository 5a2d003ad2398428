"""What a formula has at run time: its limits, the functions it may call, the operators that check
their operands, and the translation of any failure into :class:`FormulaEvaluationError`.

Both backends run the same functions here, so they give the same results and the same errors.
Every one accepts ``Decimal`` numbers only: a condition (``bool``) used as a number is an error,
never silently 0 or 1.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from decimal import Decimal
from typing import Callable, Optional, Union

from perfscore.codes import code
from perfscore.decimals import MAX_AMOUNT, quantize
from perfscore.errors import FormulaEvaluationError

#: The functions a formula may call, by bare name.
FUNCTIONS: frozenset[str] = frozenset({"abs", "ceil", "clamp", "floor", "max", "min", "round"})

MAX_SOURCE_LENGTH = 500
"""Longest formula source accepted, in characters."""
MAX_DEPTH = 32
"""Deepest nesting accepted: brackets in the source, and expression nodes in the tree."""
MAX_LITERAL_DIGITS = 20
"""Most digits a numeric literal may have (exponent digits included)."""
MAX_EXPONENT = 9
"""Largest integer literal allowed on the right of ``**``."""
MAX_ROUND_PLACES = 6
"""Most decimal places ``round(x, n)`` may keep."""

#: The backends a formula may run on: the compiled function, or the simpleeval reference.
BACKENDS = ("compiled", "simpleeval")

Value = Union[Decimal, bool]
"""What a formula computes: a number, or a condition."""
Impl = Callable[[Mapping[str, Decimal]], Value]
"""A backend's function: inputs by name → value."""
CaseChain = Callable[..., "tuple[int, Decimal]"]
"""A compiled list of cases: ``(env, *values)`` → (index of the first case that applies, its
score), with one value for each name :func:`~perfscore.formulas.compile_cases` was given as
``args``."""

AS_NUMBER = "a condition was used as a number"
COMPARED = code("formula-compare").en
"""The same words as the compile-time refusal, for a comparison found wrong only at run time."""

LOW, HIGH = -MAX_AMOUNT, MAX_AMOUNT
"""A result must lie within these, as every number entering the model does
(:func:`perfscore.decimals.gate`): beyond them it is not scorable, never rounded or formatted."""


# -- checking values -------------------------------------------------------------------------


def not_a_number(value: object) -> FormulaEvaluationError:
    """The error for a value that is not an acceptable number."""
    if isinstance(value, bool):
        return FormulaEvaluationError(AS_NUMBER)
    if isinstance(value, Decimal) and value.is_finite():
        return FormulaEvaluationError(
            f"the result is out of range (beyond ±{MAX_AMOUNT:E})".replace("E+", "e")
        )
    if isinstance(value, Decimal):
        return FormulaEvaluationError("the result is not a finite number")
    return FormulaEvaluationError(f"expected a number, got {type(value).__name__}")


def num(value: object) -> Decimal:
    """``value`` if it is a plain ``Decimal``."""
    if type(value) is Decimal:
        return value
    raise not_a_number(value)


def truth(value: object) -> bool:
    """A non-boolean condition's value: a finite number is true when non-zero."""
    if type(value) is Decimal and value.is_finite() and LOW <= value <= HIGH:
        return bool(value)
    raise not_a_number(value)


def cmp_num(value: object) -> Decimal:
    """A compared value that must be a number."""
    if type(value) is bool:
        raise FormulaEvaluationError(COMPARED)
    return num(value)


def cmp_cond(value: object) -> bool:
    """A compared value that must be a condition (the other side of ``==`` is one)."""
    if type(value) is not bool:
        raise FormulaEvaluationError(COMPARED)
    return value


def cmp_eq(a: object, b: object) -> bool:
    """``==`` as the reference backend runs it: two numbers, or two conditions."""
    if (type(a) is bool) != (type(b) is bool):
        raise FormulaEvaluationError(COMPARED)
    return a == b


def coerce_input(name: str, value: object) -> Decimal:
    """Accept an input that is not a plain ``Decimal`` when that is exact (an ``int`` or a
    ``Decimal`` subclass); refuse booleans, floats and everything else."""
    if isinstance(value, bool):
        raise FormulaEvaluationError(f"input {name!r} is a condition, not a number")
    if isinstance(value, (Decimal, int)):
        return Decimal(value)
    raise FormulaEvaluationError(f"input {name!r} is not a Decimal (got {type(value).__name__})")


# -- the functions a formula may call ----------------------------------------------------------


def fn_min(*args: object) -> Decimal:
    values = [num(a) for a in args]
    if not values:
        raise FormulaEvaluationError("min() needs at least one argument")
    return min(values)


def fn_max(*args: object) -> Decimal:
    values = [num(a) for a in args]
    if not values:
        raise FormulaEvaluationError("max() needs at least one argument")
    return max(values)


def fn_abs(x: object) -> Decimal:
    return abs(num(x))


def fn_round(x: object, places: object = None) -> Decimal:
    value = num(x)
    if places is None:
        return quantize(value, 0)
    count = num(places)
    if count != count.to_integral_value() or not 0 <= count <= MAX_ROUND_PLACES:
        raise FormulaEvaluationError(f"round() places must be an integer from 0 to {MAX_ROUND_PLACES}")
    return quantize(value, int(count))


def fn_clamp(x: object, lo: object, hi: object) -> Decimal:
    value, low, high = num(x), num(lo), num(hi)
    if low > high:
        raise FormulaEvaluationError("clamp() lower bound is above its upper bound")
    if value < low:
        return low
    if value > high:
        return high
    return value


def fn_floor(x: object) -> Decimal:
    # to_integral_value keeps the value a Decimal: no int of unbounded size is built.
    return num(x).to_integral_value(rounding=decimal.ROUND_FLOOR)


def fn_ceil(x: object) -> Decimal:
    return num(x).to_integral_value(rounding=decimal.ROUND_CEILING)


#: Each function a formula may call, by its name in the formula.
HELPERS: dict[str, Callable[..., Decimal]] = {
    "min": fn_min,
    "max": fn_max,
    "abs": fn_abs,
    "round": fn_round,
    "clamp": fn_clamp,
    "floor": fn_floor,
    "ceil": fn_ceil,
}
assert frozenset(HELPERS) == FUNCTIONS

#: (smallest, largest) number of arguments; ``None`` means no upper bound.
ARITY: dict[str, tuple[int, Optional[int]]] = {
    "min": (2, None),
    "max": (2, None),
    "abs": (1, 1),
    "round": (1, 2),
    "clamp": (3, 3),
    "floor": (1, 1),
    "ceil": (1, 1),
}


# -- operators that check their operands -------------------------------------------------------


def op_add(a: object, b: object) -> Decimal:
    return num(a) + num(b)


def op_sub(a: object, b: object) -> Decimal:
    return num(a) - num(b)


def op_mul(a: object, b: object) -> Decimal:
    return num(a) * num(b)


def op_div(a: object, b: object) -> Decimal:
    return num(a) / num(b)


def op_pow(a: object, b: object) -> Decimal:
    base, exponent = num(a), num(b)
    if exponent != exponent.to_integral_value() or not 0 <= exponent <= MAX_EXPONENT:
        raise FormulaEvaluationError("exponent out of range")
    return base**exponent


def op_neg(a: object) -> Decimal:
    return -num(a)


def op_pos(a: object) -> Decimal:
    return +num(a)


#: Operators with checked operands, by name, used by the compiled backend when an operand may be
#: a condition (and always by the reference backend).
OPERATORS: dict[str, Callable[..., Decimal]] = {
    "add": op_add,
    "sub": op_sub,
    "mul": op_mul,
    "div": op_div,
    "pow": op_pow,
    "neg": op_neg,
    "pos": op_pos,
}


# -- whatever an evaluation raised, as FormulaEvaluationError --------------------------------------


def evaluation_error(exc: BaseException) -> FormulaEvaluationError:
    """``exc``, raised while evaluating a formula, as the error a caller catches."""
    if isinstance(exc, FormulaEvaluationError):
        return exc
    if isinstance(exc, KeyError):
        key = exc.args[0] if exc.args else "?"
        return FormulaEvaluationError(f"missing input {key!r}")
    if isinstance(exc, ZeroDivisionError) or (
        isinstance(exc, decimal.InvalidOperation)
        and any(s is decimal.DivisionUndefined for s in (exc.args[0] if exc.args else ()))
    ):
        return FormulaEvaluationError("division by zero")
    if isinstance(exc, decimal.Overflow):
        return FormulaEvaluationError("number too large")
    if isinstance(exc, decimal.Underflow):
        return FormulaEvaluationError("number too small")
    if isinstance(exc, decimal.InvalidOperation):
        return FormulaEvaluationError("invalid operation")
    if isinstance(exc, ArithmeticError):
        return FormulaEvaluationError(f"arithmetic error ({type(exc).__name__})")
    if isinstance(exc, (RecursionError, MemoryError)):
        return FormulaEvaluationError("formula too complex to evaluate")
    return FormulaEvaluationError(f"could not evaluate ({type(exc).__name__})")
