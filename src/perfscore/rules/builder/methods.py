"""Scoring methods (``[methods.*]``): a formula or cases, tiers, or qualitative levels, and the
``selection`` that picks a method by comparator."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Optional

from ..model import SELECTION_KEYS, Case, Level, Method, Text
from ..reader import key_path, show
from .context import Context, Scope
from .framework_tables import CASE, LEVEL, METHOD, METHOD_KINDS, NAME, ROW_NAMES, TIER

__all__ = ["methods", "selection"]


def methods(
    ctx: Context, value: Any, params: Mapping[str, Decimal], derived: tuple[str, ...]
) -> dict[str, Method]:
    """Every method, by name; each sees the row's names, the params and the derived values."""
    table = ctx.table(value, "methods")
    out = {}
    shared = frozenset((*ROW_NAMES, *params, *derived))
    shared_params = MappingProxyType(dict(params))
    for key, raw in table.items():
        path = f"methods.{key}"
        spec = ctx.table(raw, path)
        ctx.keys(spec, METHOD.keys, path)
        kind = ctx.string(spec, "kind", path, default="formula")
        if kind not in METHOD_KINDS:
            expected = "formula, tiers or qualitative"
            ctx.problem("bad-kind", key_path(path, "kind"), found=kind, expected=expected)
            continue
        own = ctx.params(spec.get("params"), key_path(path, "params"))
        inputs = _inputs(ctx, spec, path)
        names = Scope(shared, frozenset((*own, *inputs)))
        cases: tuple[Case, ...] = ()
        levels: tuple[Level, ...] = ()
        if kind == "formula":
            cases = _cases(ctx, spec, names, path)
        elif kind == "tiers":
            cases = _tiers(ctx, spec, names, path)
        else:
            levels = _levels(ctx, spec.get("levels"), key_path(path, "levels"))
        out[key] = Method(
            key,
            ctx.text(spec.get("name"), key_path(path, "name"), fallback=key),
            "qualitative" if kind == "qualitative" else "formula",
            cases,
            levels,
            inputs,
            MappingProxyType({**params, **own}) if own else shared_params,
            ctx.source_ref(spec, path),
            ctx.boolean(spec, "self_stated", path, True),
            *_columns(ctx, spec, inputs, path),
        )
    return out


def _columns(
    ctx: Context, spec: Mapping[str, Any], inputs: tuple[str, ...], path: str
) -> tuple[Mapping[str, tuple[str, ...]], tuple[str, ...]]:
    """``columns``: input → the headers of the form column it is read from; ``percent``: the
    inputs in per cent. Each names a declared input."""
    where = key_path(path, "columns")
    columns = {}
    for name, _ in ctx.table(spec.get("columns", {}), where).items():
        if name not in inputs:
            ctx.problem("bad-input", key_path(where, name), found=name)
            continue
        headers = ctx.strings(spec["columns"], name, where)
        if headers:
            columns[name] = headers
    percent = ctx.strings(spec, "percent", path)
    for i, name in enumerate(percent):
        if name not in inputs:
            ctx.problem("bad-input", f"{key_path(path, 'percent')}[{i}]", found=name)
    return MappingProxyType(columns), tuple(n for n in percent if n in inputs)


def _inputs(ctx: Context, spec: Mapping[str, Any], path: str) -> tuple[str, ...]:
    inputs = ctx.strings(spec, "inputs", path)
    for i, name in enumerate(inputs):
        if not NAME.fullmatch(name) or name in ROW_NAMES:
            ctx.problem("bad-input", f"{path}.inputs[{i}]", found=name)
    return inputs


def _cases(ctx: Context, spec: Mapping[str, Any], names: Collection[str], path: str) -> tuple[Case, ...]:
    """``formula = "…"`` (one case), or ``[[cases]]`` tried in order, the last without ``when``."""
    if "formula" in spec and "cases" in spec:
        ctx.problem("conflicting-keys", path)
    if "formula" in spec:
        reason = ctx.text(spec.get("reason"), key_path(path, "reason"), fallback="按公式计分")
        formula = ctx.numeric(spec["formula"], names, key_path(path, "formula"))
        return (Case(formula, reason),) if formula else ()
    raw_cases = ctx.array(spec.get("cases"), key_path(path, "cases"))
    if not raw_cases:
        ctx.problem("missing-key", key_path(path, "cases"), "cases")
    out = []
    for i, raw in enumerate(raw_cases):
        where = f"{path}.cases[{i}]"
        case = ctx.table(raw, where)
        ctx.keys(case, CASE.keys, where)
        when = ctx.formula(case["when"], names, key_path(where, "when")) if "when" in case else None
        if "when" not in case and i != len(raw_cases) - 1:
            ctx.problem("unreachable-case", where)
        if "score" not in case:
            ctx.problem("missing-key", key_path(where, "score"))
            continue
        score = ctx.numeric(case["score"], names, key_path(where, "score"))
        reason = ctx.label(case, where)
        if score is not None:
            out.append(Case(score, reason, when))
    return tuple(out)


def _tiers(ctx: Context, spec: Mapping[str, Any], names: Collection[str], path: str) -> tuple[Case, ...]:
    """``[[tiers]]`` of ``on`` (A by default): each an interval and its points."""
    on = spec.get("on", "A")
    if ctx.formula(on, names, key_path(path, "on")) is None:
        return ()
    out = []
    for i, raw in enumerate(ctx.array(spec.get("tiers"), key_path(path, "tiers"))):
        case = _tier(ctx, raw, f"{path}.tiers[{i}]", on, names)
        if case is not None:
            out.append(case)
    if not out:
        ctx.problem("missing-key", key_path(path, "tiers"), "tiers")
    return tuple(out)


def _tier(ctx: Context, raw: Any, where: str, on: Any, names: Collection[str]) -> Optional[Case]:
    tier = ctx.table(raw, where)
    ctx.keys(tier, TIER.keys, where)
    points = ctx.number(tier, "points", where, required=True)
    if points is None:
        return None
    low_open = ctx.boolean(tier, "min_open", where, False)
    high_closed = ctx.boolean(tier, "max_closed", where, False)
    parts, shown = [], ["(" if low_open else "[", "", ", ", "", "]" if high_closed else ")"]
    lo_d, hi_d = Decimal("-Infinity"), Decimal("Infinity")  # a bound left out is open-ended
    for key, op, slot in (("min", ">" if low_open else ">=", 1), ("max", "<=" if high_closed else "<", 3)):
        bound = None if tier.get(key) is None else ctx.real(tier[key], key_path(where, key))
        if bound is None:
            shown[slot] = "−∞" if slot == 1 else "+∞"
            continue
        parts.append(f"({on}) {op} {bound}")
        shown[slot] = str(bound)
        if slot == 1:
            lo_d = bound
        else:
            hi_d = bound
    if lo_d > hi_d:
        ctx.problem("bad-tier", where, found=f"{lo_d} > {hi_d}")
    interval = "".join(shown)
    when = ctx.formula(" and ".join(parts), names, where) if parts else None
    score = ctx.formula(str(points), names, key_path(where, "points"))
    if score is None:
        return None
    reason = Text(f"{on} 落在 {interval} 档，得 {points} 分", f"{on} in {interval}: {points} points")
    return Case(score, reason, when)


def _levels(ctx: Context, value: Any, path: str) -> tuple[Level, ...]:
    """Qualitative levels, best first, as fractions of the weight covering 0 to 1."""
    out = []
    for i, raw in enumerate(ctx.array(value, path)):
        where = f"{path}[{i}]"
        spec = ctx.table(raw, where)
        ctx.keys(spec, LEVEL.keys, where)
        low = ctx.number(spec, "low", where, required=True, default=Decimal(0)) or Decimal(0)
        high = ctx.number(spec, "high", where, required=True, default=Decimal(1)) or Decimal(0)
        score = ctx.number(spec, "score", where, required=True, default=high) or Decimal(0)
        if not (low <= score <= high <= 1):
            ctx.problem("bad-level", where, found=f"low={low} score={score} high={high}")
        label = ctx.label(spec, where)
        key = ctx.string(spec, "key", where, required=True)
        out.append(Level(key, label, ctx.strings(spec, "aliases", where), low, high, i == 0, score))
    if not out:
        ctx.problem("missing-key", path, "levels")
    _level_bands(ctx, out, path)
    return tuple(out)


def _level_bands(ctx: Context, levels: list[Level], path: str) -> None:
    """Levels run from the best down; each band must begin where the next one ends."""
    for upper, lower in zip(levels, levels[1:]):
        if lower.high != upper.low:
            found = f"{upper.key} starts at {upper.low}, {lower.key} ends at {lower.high}"
            ctx.problem("level-gap", path, found=found)
    if levels and (levels[0].high != 1 or levels[-1].low != 0):
        found = f"{levels[-1].low}–{levels[0].high}"
        ctx.problem("level-gap", path, "cover", found=found)


def selection(
    ctx: Context, value: Any, known: Mapping[str, Method], where: str = "selection"
) -> dict[str, str]:
    """``comparator kind = method name``: which method scores a row by its comparator."""
    table = ctx.table(value, where)
    out = {}
    for key, method in table.items():
        path = f"{where}.{key}"
        if key not in SELECTION_KEYS:
            suggestions = ctx.suggest(key, SELECTION_KEYS)
            ctx.problem("unknown-key", path, "comparator", suggestions=suggestions)
        elif not isinstance(method, str) or method not in known:
            suggestions = ctx.suggest(str(method), known)
            ctx.relay(  # "unknown-method" is also a finding code: its words stay here until one entry holds both
                "unknown-method",
                path,
                "no method with this name",
                found=show(method),
                suggestions=suggestions,
            )
        else:
            out[key] = method
    return out
