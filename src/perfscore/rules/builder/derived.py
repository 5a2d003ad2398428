"""Base data (``[base]``, 附件2 figures a table brings) and derived values (``[derived]``:
a formula over them, or a count of rows), which indicators may take as their actual."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..model import Derived, Text
from ..reader import key_path
from .context import BUDGET_AMOUNTS, Context, Scope
from .framework_tables import NAME, ROW_NAMES
from .tables import DERIVED

__all__ = ["base", "derived"]


def base(ctx: Context, value: Any) -> dict[str, Text]:
    """``name = { zh, en }``: the base figures a table may bring, by name."""
    table = ctx.table(value, "base")
    out = {}
    for name, label in table.items():
        path = f"base.{name}"
        if not NAME.fullmatch(name) or name in ROW_NAMES:
            ctx.problem("bad-input", path, "base", found=name)
            continue
        out[name] = ctx.text(label, path)
    return out


def derived(
    ctx: Context, value: Any, base: Mapping[str, Text], params: Mapping[str, Decimal]
) -> tuple[Derived, ...]:
    """Derived values in order; each formula may name the base data, params, budget amounts and
    the derived values before it."""
    table = ctx.table(value, "derived")
    out: list[Derived] = []
    known = {*base, *params, *BUDGET_AMOUNTS}
    for name, raw in table.items():
        path = f"derived.{name}"
        spec = ctx.table(raw, path)
        ctx.keys(spec, DERIVED.keys, path)
        if not NAME.fullmatch(name) or name in ROW_NAMES or name in base or name in params:
            ctx.problem("bad-input", path, "derived", found=name)
            continue
        label = ctx.label(spec, path)
        unit = ctx.string(spec, "unit", path)
        if ("formula" in spec) == ("count" in spec):
            ctx.problem("conflicting-keys", path, "derived")
            continue
        if "formula" in spec:
            formula = ctx.numeric(spec["formula"], Scope(known), key_path(path, "formula"))
            out.append(Derived(name, label, unit, formula=formula))
        else:
            when_path = key_path(path, "when")
            when = ctx.formula(spec["when"], (*ROW_NAMES, *params), when_path) if "when" in spec else None
            out.append(Derived(name, label, unit, count=ctx.string(spec, "count", path), when=when))
        known.add(name)
    return tuple(out)
