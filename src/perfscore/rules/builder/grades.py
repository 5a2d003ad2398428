"""Grade bands (``[[grades]]``, 优/良/中/差): listed from the highest down, meeting without gap
or overlap from 0 to the total; and ``[grading]``."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Optional

import attrs

from ..model import GradeBand
from .context import Context
from .tables import GRADE, GRADING

__all__ = ["grades", "grading_optional"]


def grading_optional(ctx: Context, data: Mapping[str, Any]) -> bool:
    """``[grading] optional``: whether a ruleset may have no grade bands."""
    grading = ctx.table(data.get("grading", {}), "grading")
    ctx.keys(grading, GRADING.keys, "grading")
    return ctx.boolean(grading, "optional", "grading", False)


@attrs.frozen
class _Band:
    """A grade band as written (``max`` may be left out)."""

    label: str
    low: Decimal
    high: Optional[Decimal]
    en: str
    aliases: tuple[str, ...]


def grades(ctx: Context, value: Any, total: Decimal, optional: bool) -> tuple[GradeBand, ...]:
    """The grade bands, highest first."""
    raw = [_band(ctx, item, f"grades[{i}]") for i, item in enumerate(ctx.array(value, "grades"))]
    if not raw:
        if not optional:
            ctx.problem("missing-key", "grades", "grades")
        return ()
    order = sorted(range(len(raw)), key=lambda k: raw[k].low, reverse=True)
    if order != list(range(len(raw))):
        ctx.problem("grade-order", "grades")
    bands = _meet(ctx, raw, order, total)
    top, bottom = raw[order[0]], raw[order[-1]]
    if top.high not in (None, total):
        path = f"grades[{order[0]}].max"
        ctx.problem("grade-gap", path, "top", expected=str(total), found=str(top.high))
    if bottom.low != 0:
        ctx.problem("grade-gap", f"grades[{order[-1]}].min", "bottom", found=str(bottom.low))
    return tuple(bands)


def _band(ctx: Context, item: Any, path: str) -> _Band:
    spec = ctx.table(item, path)
    ctx.keys(spec, GRADE.keys, path)
    low = ctx.number(spec, "min", path, required=True, default=Decimal(0)) or Decimal(0)
    high = ctx.number(spec, "max", path)
    label = ctx.string(spec, "label", path, required=True)
    return _Band(label, low, high, ctx.string(spec, "en", path), ctx.strings(spec, "aliases", path))


def _meet(ctx: Context, raw: list[_Band], order: list[int], total: Decimal) -> list[GradeBand]:
    """Each band, highest first, reaching the one above it; labels and aliases unique."""
    bands = []
    names: dict[str, int] = {}
    for rank, k in enumerate(order):
        band = raw[k]
        implied = total if rank == 0 else raw[order[rank - 1]].low
        high = band.high
        if high is None:
            high = implied
        elif high != implied:
            code = "grade-gap" if high < implied else "grade-overlap"
            ctx.problem(code, f"grades[{k}].max", expected=str(implied), found=str(high), label=band.label)
        if band.low >= high and not (rank == 0 and band.low == high):
            ctx.problem("grade-empty", f"grades[{k}]", found=f"{band.low}–{high}")
        for name in (band.label, *band.aliases):
            if name in names:
                ctx.problem("duplicate-key", f"grades[{k}]", "grade", found=name)
            names[name] = k
        bands.append(GradeBand(band.label, band.low, high, rank == 0, band.en, band.aliases))
    return bands
