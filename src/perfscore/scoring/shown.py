"""How a number is shown in a reason, an input or a finding."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from ..decimals import plain

__all__ = ["fmt"]

_SHOWN = Decimal("0.0001")
_FORMATTED: dict[Decimal, str] = {}
"""fmt's memo: a batch shows the same few hundred numbers over and over (a dict lookup is a
tenth of the formatting's cost). Equal Decimals format alike, so the value is the key."""
_FORMATTED_MAX = 1 << 16


def fmt(value: Optional[Decimal]) -> str:
    """A number for a reason sentence: without trailing zeros, or ≈ to 4 places when longer
    (the exact value stays in ``raw``)."""
    if value is None:
        return "—"
    text = _FORMATTED.get(value)
    if text is None:
        text = _format(value)
        if len(_FORMATTED) >= _FORMATTED_MAX:
            _FORMATTED.clear()
        _FORMATTED[value] = text
    return text


def _format(value: Decimal) -> str:
    if not value:
        return "0"  # also -0, which equals 0 and so shares its memo entry
    if not value.is_finite() or not -40 <= value.adjusted() <= 20 or len(value.as_tuple().digits) > 40:
        return plain(value)  # total and short, whatever the value (never expanded, never raises)
    text = format(value, "f")
    if "." not in text:
        return text
    text = text.rstrip("0").rstrip(".")
    if "." in text and len(text) - text.index(".") > 5:
        return "≈" + format(value.quantize(_SHOWN), "f").rstrip("0").rstrip(".")
    return text
