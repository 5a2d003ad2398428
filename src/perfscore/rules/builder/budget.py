"""The budget rule (``[budget]``, 预算执行率): its points, base, formula over the execution rate,
rounding, and the block it sits in, if any."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Optional

from ...formulas import compile_formula
from ..model import BudgetRule, Rounding
from .context import Context
from .framework_tables import BUDGET_NAMES
from .tables import BUDGET, BUDGET_BASES

__all__ = ["BUDGET_BASES", "budget"]


def budget(
    ctx: Context, value: Any, params: Mapping[str, Decimal], row_rounding: Rounding, blocks: set[str]
) -> Optional[BudgetRule]:
    """The budget row's rule (None when the ruleset has no budget row)."""
    if value is None:
        return None
    spec = ctx.table(value, "budget")
    ctx.keys(spec, BUDGET.keys, "budget")
    points = ctx.number(spec, "points", "budget", required=True, positive=True) or Decimal(0)
    base = ctx.string(spec, "base", "budget", default="full_year")
    if base not in BUDGET_BASES:
        suggestions = ctx.suggest(base, BUDGET_BASES)
        ctx.problem("bad-base", "budget.base", found=base, suggestions=suggestions)
    own = ctx.params(spec.get("params"), "budget.params")
    names = (*BUDGET_NAMES, *params, *own)
    formula = ctx.numeric(spec.get("formula", "W * min(rate, 1)"), names, "budget.formula")
    return BudgetRule(
        ctx.text(spec.get("name"), "budget.name", fallback="预算执行率"),
        points,
        base,
        formula or compile_formula("0", ()),
        ctx.rounding(spec.get("rounding"), "budget.rounding", row_rounding),
        MappingProxyType({**params, **own}),
        ctx.source_ref(spec, "budget"),
        _block_ref(ctx, spec, blocks),
        ctx.strings(spec, "aliases", "budget"),
    )


def _block_ref(ctx: Context, spec: Mapping[str, Any], blocks: set[str]) -> str:
    """``block = "…"``: the block the budget row sits in, which must exist."""
    block = ctx.string(spec, "block", "budget")
    if block and block not in blocks:
        suggestions = ctx.suggest(block, blocks)
        ctx.relay(  # "unknown-block" is also a finding code: its words stay here until one entry holds both
            "unknown-block", "budget.block", "no block with this key", found=block, suggestions=suggestions
        )
    return block
