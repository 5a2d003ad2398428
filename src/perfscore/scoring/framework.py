"""Whether a table's 一级指标 are the framework of the ruleset chosen for it, and if none of them
is, which shipped ruleset's they are (a table on 项目决策 / 项目管理 / 项目绩效 routed to a
ruleset on 产出 / 效益 / 满意度 is told which ruleset to pass, or that none has its framework),
said once as a finding instead of only row by row (``unknown-block``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Optional, Union

from ..cells import ValueKind, parse_cell
from ..errors import PerfscoreError
from ..evaluations import Evaluation
from ..report import Finding
from ..rules import Ruleset, available_rulesets, load_ruleset
from ..rules.plan import Plan, normalize_label

__all__ = ["framework_finding"]

_MOST_NAMED = 5
"""The most rulesets a finding names."""
_MOST_LABELS = 20
"""A table naming more distinct blocks than this is not a framework to look for."""


def framework_finding(
    evaluation: Evaluation, chosen: Ruleset, paths: Sequence[Union[str, Path]] = ()
) -> Optional[Finding]:
    """``framework-mismatch`` when no 一级指标 of the table is a block of ``chosen``, the ruleset
    of its region and form (None when one is, or the table names none): the shipped rulesets whose blocks take all of them are
    named, or the finding says none does."""
    labels = _labels(evaluation)
    if not labels or len(labels) > _MOST_LABELS or any(_fits(chosen.plan, label) for label in labels):
        return None
    fitting: list[str] = []
    known = sorted(
        available_rulesets(paths), key=lambda i: (i.form != evaluation.form, i.region != "CN", i.id)
    )
    for info in known:  # the table's form first, then the national rulesets
        if info.error or info.abstract or info.id == chosen.id or info.id in fitting:
            continue
        try:
            ruleset = load_ruleset(info.file, paths=paths)
        except PerfscoreError:
            continue  # a broken file is listed by `perfscore rulesets`, not here
        if all(_fits(ruleset.plan, label) for label in labels):
            fitting.append(info.id)
    blocks = "、".join(labels)
    framework = "、".join(block.block.name.zh for block in chosen.plan.in_order)
    return Finding.coded(
        "framework-mismatch",
        "rows.block",
        expected=framework,
        found=blocks,
        variant="" if fitting else "none",
        blocks=blocks,
        framework=framework,
        ruleset=chosen.id,
        candidates=", ".join(fitting[:_MOST_NAMED]),
    )


def _labels(evaluation: Evaluation) -> list[str]:
    """The table's distinct 一级指标, as written (a blank or 不适用 one aside), in order."""
    seen: dict[str, str] = {}
    for row in evaluation.rows:
        if parse_cell(row.block).kind in (ValueKind.BLANK, ValueKind.NOT_APPLICABLE):
            continue
        seen.setdefault(normalize_label(row.block), row.block.strip())
    return list(seen.values())


def _fits(plan: Plan, label: str) -> bool:
    """True when ``label`` names a block of ``plan`` (by name, alias or prefix)."""
    key = normalize_label(label)
    return key in plan.blocks or any(key.startswith(prefix) for prefix, _ in plan.prefixes)
