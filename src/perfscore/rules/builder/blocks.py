"""The table's blocks (一级指标) with their categories (二级) and indicators (三级), and what a
child's ``remove = true`` left to report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ..model import WEIGHT_RULES, Block, Category, Indicator, Method
from ..reader import key_path, show
from .context import Context
from .framework_tables import BLOCK, CATEGORY, INDICATOR
from .methods import selection

__all__ = ["blocks"]


def blocks(ctx: Context, value: Any, methods: Mapping[str, Method], derived: set[str]) -> tuple[Block, ...]:
    """``[[blocks]]``: each key unique, each with its points, categories and indicators."""
    out = []
    keys: set[str] = set()
    specs = ctx.array(value, "blocks")
    for i, raw in enumerate(specs):
        path = f"blocks[{i}]"
        spec = ctx.table(raw, path)
        ctx.keys(spec, BLOCK.keys, path)
        if _left_to_remove(ctx, spec, path, specs):
            continue
        key = ctx.string(spec, "key", path, required=True)
        if key in keys:
            ctx.problem("duplicate-key", key_path(path, "key"), "block", found=key)
        keys.add(key)
        points = ctx.number(spec, "points", path, required=True, positive=True) or Decimal(0)
        categories = _categories(ctx, spec, path, methods)
        indicators = _indicators(ctx, spec, path, methods, derived)
        out.append(
            Block(
                key,
                ctx.text(spec.get("name"), key_path(path, "name")),
                points,
                ctx.strings(spec, "aliases", path),
                categories,
                indicators,
                ctx.source_ref(spec, path),
                MappingProxyType(
                    selection(ctx, spec.get("selection", {}), methods, key_path(path, "selection"))
                ),
                ctx.boolean(spec, "default", path, False),
                ctx.strings(spec, "prefixes", path),
                _weight_rule(ctx, spec, path),
            )
        )
    if sum(1 for b in out if b.default) > 1:
        found = ", ".join(b.key for b in out if b.default)
        ctx.problem("several-default-blocks", "blocks", found=found)
    return tuple(out)


def _weight_rule(ctx: Context, spec: Mapping[str, Any], path: str) -> str:
    """A block's ``weights``: how its rows carry their weights."""
    rule = ctx.string(spec, "weights", path, default="stated")
    if rule not in WEIGHT_RULES:
        ctx.problem(
            "bad-weight-rule", key_path(path, "weights"), found=rule, expected=", ".join(WEIGHT_RULES)
        )
        return "stated"
    return rule


def _categories(
    ctx: Context, spec: Mapping[str, Any], path: str, methods: Mapping[str, Method]
) -> tuple[Category, ...]:
    out = []
    for j, raw in enumerate(ctx.array(spec.get("categories", []), key_path(path, "categories"))):
        where = f"{path}.categories[{j}]"
        cat = ctx.table(raw, where)
        ctx.keys(cat, CATEGORY.keys, where)
        chosen = selection(ctx, cat.get("selection", {}), methods, key_path(where, "selection"))
        out.append(
            Category(ctx.label(cat, where), ctx.strings(cat, "aliases", where), MappingProxyType(chosen))
        )
    return tuple(out)


def _indicators(
    ctx: Context, spec: Mapping[str, Any], path: str, methods: Mapping[str, Method], derived: set[str]
) -> tuple[Indicator, ...]:
    out = []
    keys: set[str] = set()
    specs = ctx.array(spec.get("indicators", []), key_path(path, "indicators"))
    for j, raw in enumerate(specs):
        where = f"{path}.indicators[{j}]"
        ind = ctx.table(raw, where)
        ctx.keys(ind, INDICATOR.keys, where)
        if _left_to_remove(ctx, ind, where, specs):
            continue
        key = ctx.string(ind, "key", where, required=True)
        if key in keys:
            ctx.problem("duplicate-key", key_path(where, "key"), "indicator", found=key)
        keys.add(key)
        out.append(_indicator(ctx, ind, where, key, methods, derived))
    return tuple(out)


def _indicator(
    ctx: Context,
    ind: Mapping[str, Any],
    where: str,
    key: str,
    methods: Mapping[str, Method],
    derived: set[str],
) -> Indicator:
    actual_from = ctx.string(ind, "actual_from", where)
    if actual_from and actual_from not in derived:
        suggestions = ctx.suggest(actual_from, derived)
        ctx.problem(
            "unknown-derived",
            key_path(where, "actual_from"),
            found=actual_from,
            suggestions=suggestions,
        )
    method = ctx.string(ind, "method", where, required=True)
    if method and method not in methods:
        suggestions = ctx.suggest(method, methods)
        ctx.relay(  # "unknown-method" is also a finding code: its words stay here until one entry holds both
            "unknown-method",
            key_path(where, "method"),
            "no method with this name",
            found=method,
            suggestions=suggestions,
        )
    return Indicator(
        key,
        ctx.text(ind.get("name"), key_path(where, "name")),
        ctx.number(ind, "weight", where, required=True, positive=True) or Decimal(0),
        method,
        ctx.string(ind, "category", where),
        ctx.strings(ind, "aliases", where),
        ctx.source_ref(ind, where),
        ctx.string(ind, "target", where),
        actual_from,
    )


def _left_to_remove(ctx: Context, spec: Mapping[str, Any], path: str, siblings: Sequence[Any]) -> bool:
    """Whether ``spec`` is a ``remove = true`` that the merge did not carry out, so that it
    names no entry of a parent (a problem, and the entry is not built). ``remove = false``
    is allowed and does nothing."""
    value = spec.get("remove", False)
    if value is False:
        return False
    if value is not True:
        ctx.problem("wrong-type", key_path(path, "remove"), "boolean", found=show(value))
        return False
    key = spec.get("key")
    others = [s.get("key") for s in siblings if isinstance(s, Mapping) and s.get("key") != key]
    variant = "" if ctx.parents else "no-parent"
    suggestions = ctx.suggest(str(key), [k for k in others if isinstance(k, str)])
    ctx.problem(
        "nothing-to-remove", key_path(path, "remove"), variant, found=show(key), suggestions=suggestions
    )
    return True
