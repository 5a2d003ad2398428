"""The common ratio methods scored on whole columns, in exact int64 arithmetic.

A method whose compiled cases are, formula for formula, one of :data:`KERNELS` (the national
正向 ``A >= T → W; T > 0 → W * A / T``, 等于 and 反向 ``A <= T → W; W * T / A``) is, for a
target T > 0 and an actual A ≥ 0, "W when met, else W × A / T (or W × T / A)". The engine
computes the quotient in Decimal (28 digits, half-even), caps it to [0, W], quantizes it half-up
at the row places and takes W when that exceeds W. Here each value is an integer of its own
places (W = w / 10^ew, …), so the quotient at the row places is ``num / den`` with both integers,
and ``(2 num + den) // (2 den)`` is its half-up rounding. The two agree: the product is exact in
Decimal (< 10^17 < 10^28), and a quotient that is not exactly a tie lies at least ``1 / (2 den)``
from one, while Decimal's rounding moves it by at most ``num / den × 10^-27``, less than that
since ``num < 10^17``. Every product is bounded in float64 first (relative error 10^-15, bound
10^17 against int64's 9.2 × 10^18); a value that would not fit is left to the Decimal path.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple, Optional

import numpy as np

from ..rules import Ruleset
from ..rules.plan import MethodPlan

__all__ = ["KERNELS", "Exact", "digits", "kernel", "ratio_points", "text"]

KERNELS: dict[tuple[tuple[Optional[str], str], ...], bool] = {
    (("A >= T", "W"), ("T > 0", "W * A / T")): True,
    (("T == 0 and A <= 0", "W"), ("T == 0", "0"), ("A >= T", "W"), (None, "W * A / T")): True,
    (("A <= T", "W"), (None, "W * T / A")): False,
}
"""A method's cases (condition and score sources) → True for W × A / T below T, False for
W × T / A above T. Anything else is scored by its compiled cases."""

_VALUE = 10**15
"""An integer of its own places must be below this (and so is every value: ≤ MAX_AMOUNT)"""
_WEIGHT = 10**12
_PLACES = 10
_FIT = 1e17
_POW = np.array([10**k for k in range(19)], np.int64)


class Exact(NamedTuple):
    """A template the kernels can score: W and T as integers of their places, the row places."""

    up: bool
    w: int
    ew: int
    t: int
    et: int
    places: int


def digits(value: Optional[Decimal], bound: int = _VALUE) -> Optional[tuple[int, int]]:
    """``value`` as (an integer, its places) when it is ≥ 0 with at most 10 places and the integer
    is below ``bound``; else None."""
    if value is None or not value.is_finite():
        return None
    sign, figures, exponent = value.as_tuple()
    if sign:
        return None
    assert isinstance(exponent, int)
    number = int("".join(map(str, figures)) or "0")
    if exponent > 0:
        number, exponent = number * 10**exponent, 0
    if -exponent > _PLACES or number >= bound:
        return None
    return number, -exponent


def kernel(
    plan: Optional[MethodPlan], ruleset: Ruleset, weight: Optional[Decimal], target: Optional[Decimal]
) -> Optional[Exact]:
    """What the kernels need to score rows of a template, or None when they cannot."""
    if plan is None or plan.kind != "formula" or plan.method.inputs or not plan.needs_values:
        return None
    shape = tuple((c.when.source if c.when is not None else None, c.score.source) for c in plan.method.cases)
    up = KERNELS.get(shape)
    rows = ruleset.plan
    places = -int(rows.row_exponent.as_tuple().exponent)
    if (
        up is None
        or rows.row_mode != ROUND_HALF_UP
        or not 0 <= places <= 6
        or rows.row_exponent != Decimal(1).scaleb(-places)
    ):
        return None
    w, t = digits(weight, _WEIGHT), digits(target)
    if w is None or t is None or w[0] == 0 or t[0] == 0 or w[1] > 6:
        return None
    return Exact(up, w[0], w[1], t[0], t[1], places)


def _fits(*factors: Any) -> Any:
    product = np.ones(len(factors[0]), np.float64)
    for factor in factors:
        product = product * factor.astype(np.float64)
    return product < _FIT


def ratio_points(
    up: Any, w: Any, ew: Any, t: Any, et: Any, a: Any, ea: Any, places: Any
) -> tuple[Any, Any, Any]:
    """Per row (int64 arrays; A ≥ 0, T > 0, W > 0): whether the kernels could score it (``ok``),
    whether the target is met (the full weight), and otherwise the points as an integer of the
    row places, or -1 where the rounded quotient exceeds W (the engine then gives W itself)."""
    a_side, t_side = _POW[et], _POW[ea]
    ok = _fits(a, a_side) & _fits(t, t_side)
    a_cmp, t_cmp = np.where(ok, a, 0) * a_side, np.where(ok, t, 0) * t_side
    full = np.where(up, a_cmp >= t_cmp, a_cmp <= t_cmp)
    left, right = np.where(up, a, t), np.where(up, t, a)
    exponent = places + np.where(up, et - ea, ea - et) - ew
    scale_num, scale_den = _POW[np.clip(exponent, 0, 18)], _POW[np.clip(-exponent, 0, 18)]
    ok &= full | (_fits(w, left, scale_num) & _fits(right, scale_den) & (np.abs(exponent) <= 18))
    quotient = ok & ~full
    num = w * np.where(quotient, left, 0) * np.where(quotient, scale_num, 0)
    den = np.where(quotient, right, 1) * np.where(quotient, scale_den, 1)
    points = (2 * num + den) // (2 * den)
    over = quotient & (points * _POW[ew] > w * _POW[places])
    return ok, full, np.where(over, -1, points)


def text(points: int, places: int) -> str:
    """``str()`` of the Decimal ``points`` × 10^-places quantized at ``places`` (≥ 0, places ≤ 6)."""
    if places == 0:
        return str(points)
    whole, part = divmod(points, 10**places)
    return f"{whole}.{part:0{places}d}"


_SPLIT = r"^(?P<i>0|[1-9][0-9]{0,14})(?:\.(?P<f>[0-9]{1,10}))?(?P<u>[^0-9.]*)$"
"""A plain number's integer part, fraction and what follows, on Arrow's regex kernel; what follows
is then held to :data:`.outcomes._PLAIN` in Python, once per distinct text"""
_DIGITS = frozenset("0123456789.")


def _texts(values: list[Any], arrow: Any) -> Any:
    """``values`` as an Arrow string array, null where a value is not a text (``arrow``: the
    same values as an Arrow array, or None)."""
    import pyarrow as pa

    if arrow is not None and arrow.type == pa.string():
        return arrow
    if set(map(type, values)) <= {str}:
        return pa.array(values, pa.string())
    return pa.array([v if type(v) is str else None for v in values], pa.string())


def plain_numbers(values: list[Any], unit_of: Any, arrow: Any = None) -> Any:
    """For each of ``values`` (texts): (a, ea, unit code) when it is a plain number cell
    (:func:`.outcomes.plain_cell`) whose digits the kernels take, else (-1, -1, -1); one more
    row of -1 at the end (for a null). ``unit_of(after)`` gives the code of the unit that
    :func:`.outcomes.plain_cell` reads from the text after the number, or -1 when it reads none."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = np.full((len(values) + 1, 3), -1, np.int64)
    texts = _texts(values, arrow)
    if not len(texts):
        return out
    found = pc.extract_regex(texts, _SPLIT)
    whole, part, after = (found.field(name) for name in ("i", "f", "u"))
    joined = pc.binary_join_element_wise(whole, part, "")
    good = pc.and_kleene(found.is_valid(), pc.less_equal(pc.utf8_length(joined), 15))
    good = pc.fill_null(good, False)
    number = pc.cast(pc.if_else(good, joined, "0"), pa.int64()).to_numpy(zero_copy_only=False)
    places = pc.fill_null(pc.utf8_length(part), 0).cast(pa.int64()).to_numpy(zero_copy_only=False)
    encoded = pc.dictionary_encode(pc.if_else(good, after, pa.scalar(None, pa.string())))
    codes = np.array(
        [-1]
        + [
            -1 if len(u) > 10 or _DIGITS.intersection(u) else unit_of(u)
            for u in encoded.dictionary.to_pylist()
        ],
        np.int64,
    )
    unit = codes[pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64) + 1]
    keep = np.asarray(good.to_numpy(zero_copy_only=False), bool) & (unit >= 0)
    out[:-1][keep] = np.stack([number, places, unit], axis=1)[keep]
    return out


_DECIMAL = r"^(?P<i>0|[1-9][0-9]{0,14})(?:\.(?P<f>[0-9]{1,10}))?$"
"""A plain decimal text: the number gate reads it as ``Decimal(text)`` within MAX_AMOUNT"""


def plain_decimals(values: list[Any], arrow: Any = None) -> tuple[Any, Any]:
    """For each of ``values``: whether it is a text :data:`_DECIMAL` matches (so the number
    gate takes it, for an amount), and (its digits as an integer, its places) when they fit the
    kernels ((-1, -1) otherwise); one more row at the end, for a null (not plain)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    numbers = np.full((len(values) + 1, 2), -1, np.int64)
    plain = np.zeros(len(values) + 1, bool)
    texts = _texts(values, arrow)
    if not len(texts):
        return plain, numbers
    found = pc.extract_regex(texts, _DECIMAL)
    whole, part = found.field("i"), found.field("f")
    joined = pc.binary_join_element_wise(whole, part, "")
    matched = pc.fill_null(found.is_valid(), False)
    fits = pc.fill_null(pc.and_(matched, pc.less_equal(pc.utf8_length(joined), 15)), False)
    number = pc.cast(pc.if_else(fits, joined, "0"), pa.int64()).to_numpy(zero_copy_only=False)
    places = pc.fill_null(pc.utf8_length(part), 0).cast(pa.int64()).to_numpy(zero_copy_only=False)
    plain[:-1] = np.asarray(matched.to_numpy(zero_copy_only=False), bool)
    keep = np.asarray(fits.to_numpy(zero_copy_only=False), bool)
    numbers[:-1][keep] = np.stack([number, places], axis=1)[keep]
    return plain, numbers


class BudgetKernel(NamedTuple):
    """A budget rule the positive kernel scores: ``W × min(executed / full_year, 1)``."""

    w: int
    ew: int
    places: int
    full: int
    """Its points at a rate of 1 or more, in units of 10⁻⁶"""


def budget_kernel(ruleset: Ruleset, full: Optional[int]) -> Optional[BudgetKernel]:
    """The kernel for ``ruleset``'s budget rule (``full``: its outcome at a rate of 1, as the
    Decimal path scores it), or None when it is not exactly that rule."""
    rule = ruleset.budget
    if rule is None or full is None or rule.base != "full_year" or rule.rounding.mode != "half_up":
        return None
    if rule.formula.source != "W * min(rate, cap_rate)" or rule.params.get("cap_rate") != 1:
        return None
    w = digits(rule.points, _WEIGHT)
    if w is None or w[0] == 0 or w[1] > 6 or not 0 <= rule.rounding.places <= 6:
        return None
    return BudgetKernel(w[0], w[1], rule.rounding.places, full)
