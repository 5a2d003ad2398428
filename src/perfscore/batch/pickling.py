"""Rulesets and reports pickle, so that a process pool, Dask or Spark can ship them to workers.

They hold their mappings as read-only ``MappingProxyType`` views, which the standard library does
not pickle, formulas hold generated code, and a report's explanations may still be deferred (a
renderer and its arguments). Reducers registered once, on import of perfscore, pickle a view as its
contents (back as a new read-only view over a dict only it holds), a formula as its source (compiled
again on unpickling) and an explanation rendered. A ruleset's plan is not pickled: it is a slot,
rebuilt on first use.
"""

from __future__ import annotations

import copyreg
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..formulas import Formula
from ..report import Explanation

__all__ = ["read_only"]


def read_only(items: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """A read-only view over a copy of ``items`` (how a pickled view comes back)."""
    return MappingProxyType(dict(items))


def _reduce(view: Mapping[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return read_only, (dict(view),)


copyreg.pickle(MappingProxyType, _reduce)


def _formula(formula: Formula) -> tuple[Any, tuple[str, tuple[str, ...], str]]:
    """A formula pickles as its source: unpickling compiles it again (its code is generated)."""
    return Formula, (formula.source, formula.names, formula.backend)


def _explanation(explanation: Explanation) -> tuple[Any, tuple[Any, ...]]:
    """An explanation pickles rendered (a deferred one holds the scorer's generated code)."""
    parts = (explanation.inputs, explanation.provenance)
    return Explanation, (dict(parts[0]), explanation.reason_zh, explanation.reason_en, dict(parts[1]))


copyreg.pickle(Formula, _formula)
_KINDS: list[type[Any]] = [Explanation, *Explanation.__subclasses__()]
for _kind in _KINDS:
    copyreg.pickle(_kind, _explanation)
