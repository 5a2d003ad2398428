"""Building a :class:`~perfscore.rules.model.Ruleset` from a merged ruleset table: every part
checked (each in its own module), every problem collected, and the sums checked across parts.

:func:`finish` is the one place the finished Ruleset is produced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Callable, Optional

import attrs

from ...codes import messages
from ...errors import Problem, RulesetError
from ..inherit import Origins
from ..model import Block, BudgetRule, Ruleset
from ..reader import show
from ..registry import RulesetInfo
from ..toml import TomlDocument
from .blocks import blocks
from .budget import budget
from .context import Context
from .derived import base, derived
from .grades import grades, grading_optional
from .meta import identity, review, settings, sources
from .methods import methods, selection
from .tables import FILE

__all__ = ["build_ruleset"]


def build_ruleset(
    file: str,
    data: Mapping[str, Any],
    origins: Origins,
    docs: Mapping[str, TomlDocument],
    parents: tuple[str, ...],
    display: Callable[[str], str],
    backend: str = "compiled",
    others: Sequence[RulesetInfo] = (),
) -> Ruleset:
    """The ruleset ``file`` holds, merged into ``data``; raises :class:`RulesetError` listing every
    problem (the first :data:`~perfscore.rules.reader.MAX_PROBLEMS`, and how many more)."""
    ctx = Context(file, origins, docs, parents, display, backend, others)
    ctx.keys(data, FILE.keys, "")
    schema = data.get("schema", 1)
    if schema != 1:
        ctx.problem("bad-schema", "schema", found=show(schema), expected="1")
    named = identity(ctx, ctx.table(data.get("ruleset"), "ruleset"))
    cited = sources(ctx, data.get("sources", []))
    params = ctx.params(data.get("params"), "params")
    table_wide = settings(ctx, data)
    base_data = base(ctx, data.get("base", {}))
    values = derived(ctx, data.get("derived", {}), base_data, params)
    checks = review(ctx, data.get("review", {}))
    known = methods(ctx, data.get("methods", {}), params, tuple(d.name for d in values))
    chosen = selection(ctx, data.get("selection", {}), known)
    table = blocks(ctx, data.get("blocks", []), known, {d.name for d in values})
    rule = budget(ctx, data.get("budget"), params, table_wide.row_rounding, {b.key for b in table})
    optional = grading_optional(ctx, data)
    bands = grades(ctx, data.get("grades", []), named.total, optional)
    _check_sums(ctx, table, rule, named.total)
    _raise_problems(ctx)
    return finish(
        ctx,
        {
            **attrs.asdict(named, recurse=False),
            **attrs.asdict(table_wide, recurse=False),
            "sources": cited,
            "blocks": table,
            "methods": MappingProxyType(known),
            "selection": MappingProxyType(chosen),
            "budget": rule,
            "grades": bands,
            "grading_optional": optional,
            "base": MappingProxyType(base_data),
            "derived": values,
            "review": checks,
            "params": MappingProxyType(params),
        },
    )


def finish(ctx: Context, parts: Mapping[str, Any]) -> Ruleset:
    """THE ONE PLACE the finished :class:`Ruleset` is produced, from its checked ``parts`` (the
    Ruleset's fields by name) and where each value came from. A lookup scoring needs, built once
    at load, is added here."""
    provenance = {path: ctx.display(file) for path, (file, _) in ctx.origins.items() if path}
    return Ruleset(
        **parts,
        file=ctx.display(ctx.file),
        extends=ctx.parents,
        provenance=MappingProxyType(provenance),
    )


def _check_sums(ctx: Context, table: tuple[Block, ...], rule: Optional[BudgetRule], total: Decimal) -> None:
    """Indicator weights add up to their block's points (with the budget row, in its block);
    block points and the budget row add up to the total."""
    inside = rule is not None and rule.block != ""
    allotted = sum((b.points for b in table), Decimal(0)) + (
        rule.points if rule and not inside else Decimal(0)
    )
    for i, block in enumerate(table):
        if not block.indicators:
            continue
        budget_here = rule.points if rule is not None and rule.block == block.key else Decimal(0)
        weights = sum((ind.weight for ind in block.indicators), Decimal(0)) + budget_here
        if weights != block.points:
            variant = "budget" if budget_here else ""
            path = f"blocks[{i}].indicators"
            ctx.problem("weights-sum", path, variant, expected=str(block.points), found=str(weights))
    if table and allotted != total:
        ctx.problem("points-sum", "blocks", expected=str(total), found=str(allotted))


def _raise_problems(ctx: Context) -> None:
    """A :class:`RulesetError` listing the problems found, if any."""
    if not ctx.problems:
        return
    listed = list(ctx.problems)
    if ctx.dropped:
        message = messages("too-many-problems", count=ctx.dropped)[1]
        listed.append(Problem("too-many-problems", message, file=ctx.file))
    count = len(ctx.problems) + ctx.dropped
    raise RulesetError(listed, f"{ctx.file}: {count} problem(s)")
