"""Blocks' points as the table states them, where the ruleset's hold only in principle.

The national framework sets 产出 50 / 效益 30 / 满意度 10 / 预算执行率 10 原则上 (in principle):
a province may print its own split (产出指标(60分), 效益指标(30分), no 满意度 block). A ruleset
with ``[framework] stated_points = true`` scores such a table on the points its block labels
print — when every block with rows states one figure, and those figures with the budget row add
up to the total (a budget row inside a block, 过程 of the 决策 / 过程 / 产出 / 效益 framework, counts
in that block's stated points) — instead of calling each of its rows and blocks wrong. An info
finding says so.
Anything less consistent is scored on the ruleset's points, and its findings say what differs."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from decimal import Decimal
from types import MappingProxyType
from typing import Optional

import attrs

from ..evaluations import Evaluation
from ..rules import Block, Ruleset
from ..rules.plan import normalize_label
from .findings import Findings
from .shown import fmt

__all__ = ["stated_points"]

_STATED = re.compile(r"[（(]\s*(\d{1,3}(?:\.\d{1,2})?)\s*分\s*[)）]\s*$")
_KEPT = 32
"""Rulesets kept per table shape: a batch of one province's tables shares a handful"""
_CACHE: OrderedDict[tuple[int, tuple[tuple[str, Decimal], ...]], tuple[Ruleset, Ruleset]] = OrderedDict()
_LOCK = threading.Lock()


def stated_points(ruleset: Ruleset, evaluation: Evaluation, findings: Findings) -> Ruleset:
    """``ruleset``, or a copy whose blocks carry the points the table's block labels state
    (blocks the table does not have dropped), with an info finding."""
    if not ruleset.stated_points:
        return ruleset
    stated = _stated(ruleset, evaluation)
    if stated is None:
        return ruleset
    shown = "、".join(f"{b.name.zh} {fmt(stated[b.key])}" for b in ruleset.blocks if b.key in stated)
    usual = "、".join(f"{b.name.zh} {fmt(b.points)}" for b in ruleset.blocks)
    findings.add("block-points-stated", "blocks", expected=usual, found=shown, stated=shown, usual=usual)
    return _copy(ruleset, tuple(sorted(stated.items())))


def _stated(ruleset: Ruleset, evaluation: Evaluation) -> Optional[dict[str, Decimal]]:
    """Block key → the points the table states, when they are one figure per block with rows,
    differ from the ruleset's, and add up with the budget row to the total; else None."""
    budget, plan = ruleset.budget, ruleset.plan
    if plan.fixed:
        return None  # fixed frameworks: their points are the framework's
    stated: dict[str, Decimal] = {}
    for label in dict.fromkeys(row.block for row in evaluation.rows):  # each label once
        found = plan.blocks.get(normalize_label(label))
        match = _STATED.search(label)
        if found is None or match is None:
            return None  # a row outside the ruleset's blocks, or a block label without points
        points = Decimal(match.group(1))  # the pattern admits digits and one point only
        if stated.setdefault(found.block.key, points) != points or points <= 0:
            return None
    if not stated or all(stated.get(b.key) == b.points for b in ruleset.blocks):
        return None
    home = budget.block if budget is not None else ""
    if budget is not None and home and stated.get(home, Decimal(0)) <= budget.points:
        return None  # the budget row inside a block (过程): the block's stated points hold it
    outside = budget.points if budget is not None and not home else Decimal(0)
    if sum(stated.values(), Decimal(0)) + outside != ruleset.total:
        return None
    return stated


def _moved(ruleset: Ruleset, kept: list[tuple[int, Block]]) -> dict[str, str]:
    """The ruleset's provenance with each kept block's entries at its new place, and its points
    said to come from the table."""
    out = {path: where for path, where in ruleset.provenance.items() if not path.startswith("blocks[")}
    for j, (i, _) in enumerate(kept):
        old, new = f"blocks[{i}]", f"blocks[{j}]"
        for path, where in ruleset.provenance.items():
            if path == old or path.startswith((f"{old}.", f"{old}[")):
                out[new + path[len(old) :]] = where
        out[f"{new}.points"] = "表中一级指标所列分值 (the table's block label)"
    return out


def _copy(ruleset: Ruleset, stated: tuple[tuple[str, Decimal], ...]) -> Ruleset:
    """The ruleset with the stated blocks' points, built once per (ruleset, stated points)."""
    key = (id(ruleset), stated)
    with _LOCK:
        kept = _CACHE.get(key)
        if kept is not None and kept[0] is ruleset:
            _CACHE.move_to_end(key)
            return kept[1]
    points = dict(stated)
    present = [(i, b) for i, b in enumerate(ruleset.blocks) if b.key in points]
    blocks = tuple(attrs.evolve(b, points=points[b.key]) for _, b in present)
    copy = attrs.evolve(ruleset, blocks=blocks, provenance=MappingProxyType(_moved(ruleset, present)))
    with _LOCK:
        _CACHE[key] = (ruleset, copy)  # the original kept too: its id is not reused while cached
        while len(_CACHE) > _KEPT:
            _CACHE.popitem(last=False)
    return copy
