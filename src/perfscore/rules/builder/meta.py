"""A ruleset's identity and edition (``[ruleset]``), its sources, and its table-wide settings
(rounding, 不适用 policy, actuals, review tolerances)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Optional

import attrs

from ..model import EVIDENCE_LEVELS, FORMS, ReviewRules, Rounding, Source, Text
from ..reader import key_path, show
from ..registry import REGION
from .context import Context
from .framework_tables import ID
from .tables import (
    ACTUALS,
    FRAMEWORK,
    IDENTITY,
    IN_FORCE,
    NOT_APPLICABLE,
    NOT_APPLICABLE_POLICIES,
    REVIEW,
    ROUNDINGS,
    SOURCE,
)

__all__ = ["Identity", "Settings", "identity", "review", "settings", "sources"]


@attrs.frozen
class Identity:
    """What ``[ruleset]`` says the ruleset is."""

    id: str
    region: str
    form: str
    edition: str
    year_from: int
    year_to: Optional[int]
    name: Text
    aliases: tuple[str, ...]
    total: Decimal


def identity(ctx: Context, meta: Mapping[str, Any]) -> Identity:
    """``[ruleset]``: id, region, form, edition, the years in force, name, aliases and total."""
    ctx.keys(meta, IDENTITY.keys, "ruleset")
    rid = ctx.string(meta, "id", "ruleset", required=True)
    if rid and not ID.fullmatch(rid):
        ctx.problem("bad-id", "ruleset.id", found=rid)
    region = ctx.string(meta, "region", "ruleset", required=True)
    if region and not REGION.fullmatch(region):
        ctx.problem("bad-region", "ruleset.region", found=region)
    form = ctx.string(meta, "form", "ruleset", required=True)
    if form and form not in FORMS:
        ctx.problem("bad-form", "ruleset.form", found=form, suggestions=ctx.suggest(form, FORMS))
    edition = ctx.string(meta, "edition", "ruleset", required=True)
    year_from, year_to = _years(ctx, meta)
    name = ctx.text(meta.get("name"), "ruleset.name")
    aliases = ctx.strings(meta, "aliases", "ruleset")
    if ctx.origins.get("ruleset.aliases", (ctx.file, ""))[0] == ctx.file:
        _alias_collisions(ctx, rid, aliases)
    total = ctx.number(meta, "total", "ruleset", default=Decimal(100), positive=True) or Decimal(100)
    return Identity(rid, region, form, edition, year_from, year_to, name, aliases, total)


def _years(ctx: Context, meta: Mapping[str, Any]) -> tuple[int, Optional[int]]:
    in_force = ctx.table(meta.get("in_force", {}), "ruleset.in_force")
    ctx.keys(in_force, IN_FORCE.keys, "ruleset.in_force")
    year_from = in_force.get("from")
    year_to = in_force.get("to")
    if not isinstance(year_from, int) or isinstance(year_from, bool):
        ctx.problem("bad-year", "ruleset.in_force.from", found=show(year_from))
        year_from = 0
    if year_to is not None and (
        not isinstance(year_to, int) or isinstance(year_to, bool) or year_to < year_from
    ):
        ctx.problem("bad-year", "ruleset.in_force.to", f"must be a year ≥ {year_from}", found=show(year_to))
        year_to = None
    return year_from, year_to


def _alias_collisions(ctx: Context, rid: str, aliases: Sequence[str]) -> None:
    """An alias must name this ruleset only: not another ruleset's id (ids win, so it would
    never be used; a file claiming ``cn-project`` must not look like the national
    ruleset), nor another ruleset's alias (which one is meant would depend on the order)."""
    ids = {info.id: info for info in ctx.others if info.id != rid}
    claimed = {a: info for info in ctx.others if info.id != rid for a in info.aliases}
    for i, alias in enumerate(aliases):
        path = f"ruleset.aliases[{i}]"
        if alias in ids:
            other, variant = ids[alias], ""
        elif alias in claimed:
            other, variant = claimed[alias], "claimed"
        else:
            continue
        shown = ctx.display(other.file)
        ctx.problem("alias-collision", path, variant, found=alias, other=other.label, file=shown)


def sources(ctx: Context, value: Any) -> tuple[Source, ...]:
    """``[[sources]]``: at least one, each id unique (recorded in ``ctx.source_ids``)."""
    out = []
    for i, item in enumerate(ctx.array(value, "sources")):
        path = f"sources[{i}]"
        table = ctx.table(item, path)
        ctx.keys(table, SOURCE.keys, path)
        sid = ctx.string(table, "id", path, required=True)
        if sid in ctx.source_ids:
            ctx.problem("duplicate-key", key_path(path, "id"), found=sid)
        ctx.source_ids.add(sid)
        evidence = ctx.string(table, "evidence", path, required=True)
        if evidence and evidence not in EVIDENCE_LEVELS:
            expected = ", ".join(EVIDENCE_LEVELS)
            ctx.problem(
                "bad-evidence",
                key_path(path, "evidence"),
                found=evidence,
                expected=expected,
            )
        title = ctx.string(table, "title", path, required=True)
        out.append(
            Source(sid, title, evidence, ctx.string(table, "url", path), ctx.string(table, "note", path))
        )
    if not out:
        ctx.problem("missing-key", "sources", "sources")
    return tuple(out)


@attrs.frozen
class Settings:
    """The table-wide settings: rounding, the 不适用 policy, negative actuals."""

    row_rounding: Rounding
    total_rounding: Rounding
    not_applicable: str
    clamp_negative_actual: bool
    stated_points: bool


def settings(ctx: Context, data: Mapping[str, Any]) -> Settings:
    """``[rounding]``, ``[not_applicable]``, ``[actuals]`` and ``[framework]``."""
    rounding = ctx.table(data.get("rounding", {}), "rounding")
    ctx.keys(rounding, ROUNDINGS.keys, "rounding")
    row_rounding = ctx.rounding(rounding.get("row"), "rounding.row", Rounding())
    total_rounding = ctx.rounding(rounding.get("total"), "rounding.total", Rounding())
    na = ctx.table(data.get("not_applicable", {}), "not_applicable")
    ctx.keys(na, NOT_APPLICABLE.keys, "not_applicable")
    policy = ctx.string(na, "policy", "not_applicable", default="no_weight")
    if policy not in NOT_APPLICABLE_POLICIES:
        expected = " or ".join(NOT_APPLICABLE_POLICIES)
        ctx.problem("bad-policy", "not_applicable.policy", found=policy, expected=expected)
    actuals = ctx.table(data.get("actuals", {}), "actuals")
    ctx.keys(actuals, ACTUALS.keys, "actuals")
    clamp = ctx.boolean(actuals, "clamp_negative", "actuals", True)
    framework = ctx.table(data.get("framework", {}), "framework")
    ctx.keys(framework, FRAMEWORK.keys, "framework")
    stated = ctx.boolean(framework, "stated_points", "framework", False)
    return Settings(row_rounding, total_rounding, policy, clamp, stated)


def review(ctx: Context, value: Any) -> ReviewRules:
    """``[review]``: the tolerances and thresholds of the review checks."""
    spec = ctx.table(value, "review")
    ctx.keys(spec, REVIEW.keys, "review")
    defaults = ReviewRules()

    def number(key: str, default: Optional[Decimal] = None, positive: bool = False) -> Optional[Decimal]:
        return ctx.number(spec, key, "review", default=default, positive=positive)

    return ReviewRules(
        rate_tolerance=number("rate_tolerance", defaults.rate_tolerance) or Decimal(0),
        score_tolerance=number("score_tolerance", defaults.score_tolerance) or Decimal(0),
        explain_below_weight=ctx.boolean(
            spec, "explain_below_weight", "review", defaults.explain_below_weight
        ),
        explain_over_ratio=number("explain_over_ratio", positive=True),
        explain_budget_below=number("explain_budget_below", positive=True),
        explain_over_when_zero=number("explain_over_when_zero", positive=True),
    )
