"""The lookups scoring needs, built once from a finished ruleset: the compile side of the seam.

Loading builds a :class:`Plan` for every ruleset it returns and stores it on the immutable
:class:`~perfscore.rules.Ruleset` (``ruleset.plan``); scoring only reads it. Every name a block,
an indicator or a level answers to, every method's compiled cases, which selection key leads to
which method in each block, and where in the ruleset's files each of these was set.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, Optional

import attrs

from ..cells import CellValue, Comparator, ValueKind
from ..decimals import ROUNDING_MODES
from ..formulas import CaseChain, compile_cases

if TYPE_CHECKING:  # the model imports this module to build a plan on first use
    from .model import Block, Indicator, Method, Ruleset

__all__ = [
    "ROW_ARGS",
    "BlockPlan",
    "Choice",
    "IndicatorPlan",
    "MethodKind",
    "MethodPlan",
    "NotApplicablePolicy",
    "Plan",
    "build_plan",
    "normalize_label",
    "selection_key",
    "selector",
]

MethodKind = Literal["formula", "qualitative"]
NotApplicablePolicy = Literal["no_weight", "rescale"]
"""``no_weight``: a not-applicable row carries no weight; ``rescale``: the total is rescaled to
the applicable weights."""

ROW_ARGS = ("W", "T", "A")
"""The inputs a method's cases take as arguments rather than in their env (see compile_cases):
each row has its own, and an argument wins over a parameter, derived value or input of the
same name."""

_POINTS_SUFFIX = re.compile(r"[（(]\s*[\d.]+\s*分?\s*[)）]$")
_SPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=16384)
def normalize_label(text: str) -> str:
    """A table label as a lookup key: no whitespace or line breaks, no trailing "(50 分)"."""
    return _POINTS_SUFFIX.sub("", _SPACE.sub("", text))


_SELECTION_KEYS: Mapping[object, str] = {
    **{comparator: comparator.name for comparator in Comparator},
    None: "implicit",
    ValueKind.BUDGET_REF: "budget_ref",
    ValueKind.QUALITATIVE: "qualitative",
    ValueKind.BLANK: "blank",
}
_SELECTORS = {key: chosen_by for chosen_by, key in _SELECTION_KEYS.items()}


def selector(target: CellValue) -> object:
    """What selects a parsed target's method: its comparator (None when implicit) for a number,
    otherwise its kind. A block's ``choices`` are keyed by it."""
    return target.comparator if target.kind is ValueKind.NUMBER else target.kind


def selection_key(target: CellValue) -> Optional[str]:
    """The ``[selection]`` key a parsed target falls under (``GE``, ``implicit``, ``budget_ref``…),
    or None for a target no method can take (blank, garbled)."""
    return _SELECTION_KEYS.get(selector(target))


@attrs.frozen
class MethodPlan:
    """A method with what scoring a row by it needs."""

    method: Method
    key: str
    name_zh: str
    name_en: str
    kind: MethodKind
    shown: tuple[str, ...]
    """The names its formulas use (and W), shown as a row's inputs"""
    needs_values: bool
    """Whether its formulas read the target T or the actual A"""
    provenance: str
    """Where ``methods.<key>`` was set"""
    level_names: tuple[frozenset[str], ...]
    """For each of its levels, the normalised names that level answers to"""
    cases: CaseChain
    """Its cases as one function: (env, W, T, A) → (the case that applies, its score)"""
    params: Mapping[str, Decimal]
    """Its parameters: the env its cases see when a row has no derived values or inputs"""
    named: Mapping[str, str]
    """Where the ruleset set each parameter and derived value its formulas use:
    ``params.k`` → ``file: methods.m.params.k``, ``derived.x`` → ``file: derived.x``"""


@attrs.frozen
class Choice:
    """A method a selection key leads to, and where that selection was set (both "" for a
    method a row or its framework indicator names)."""

    plan: MethodPlan
    provenance: str
    """Where the selection was set: ``file: selection.GE``, ``file: blocks[0].selection.GE``"""


@attrs.frozen
class BlockPlan:
    """A block, how its rows' methods are chosen, and where its points were set."""

    block: Block
    choices: Mapping[object, Choice]
    """What selects a method (see :func:`selector`) → the method: the block's own selection
    over the ruleset's"""
    provenance: Mapping[str, str]
    by_category: Mapping[str, Mapping[object, Choice]] = MappingProxyType({})
    """A category's normalised name → its choices, where the category has its own selection
    (成本指标: a bare amount is a ceiling), over the block's"""

    def choices_for(self, category: str) -> Mapping[object, Choice]:
        """The choices for a row of ``category`` (as written) in this block."""
        if self.by_category:
            own = self.by_category.get(normalize_label(category))
            if own is not None:
                return own
        return self.choices


@attrs.frozen
class IndicatorPlan:
    """A framework indicator and where its weight was set."""

    indicator: Indicator
    weight_where: str


@attrs.frozen
class Plan:
    """A ruleset's lookups for scoring."""

    blocks: Mapping[str, BlockPlan]
    """Every name a block answers to (normalised) → the block"""
    prefixes: tuple[tuple[str, BlockPlan], ...]
    """A normalised prefix of a block cell → the block (湖北 年度绩效目标N)"""
    by_category: Mapping[str, BlockPlan]
    """For a row with no block cell (a flat list): its category's normalised name → the one
    block that declares that category"""
    default_block: Optional[BlockPlan]
    """For a row with no block cell whose category names no block: the block marked
    ``default``, or the only block"""
    in_order: tuple[BlockPlan, ...]
    fixed: tuple[BlockPlan, ...]
    """The blocks whose indicators the ruleset fixes, in order"""
    indicators: Mapping[tuple[str, str], IndicatorPlan]
    """(block key, normalised name) → the indicator"""
    methods: Mapping[str, MethodPlan]
    named_choices: Mapping[str, Choice]
    """Each method as the choice of a row or framework indicator that names it (no selection)"""
    derived_units: Mapping[str, str]
    """Each derived value's unit, by name"""
    not_applicable: NotApplicablePolicy
    row_exponent: Decimal
    row_mode: str
    budget_provenance: Mapping[str, str]
    report_provenance: Mapping[str, str]
    budget_row_names: frozenset[str] = frozenset()
    """The budget row's names (normalised) when a ruleset says a table may print it as an
    indicator row (``budget.aliases``, or ``budget.block``)"""
    input_columns: Mapping[str, tuple[tuple[str, ...], bool]] = MappingProxyType({})
    """A method input read from a form column → (the column's headers, whether it is in per
    cent), over every method that declares ``columns``"""
    _rounded: dict[Decimal, Decimal] = attrs.field(factory=dict, eq=False, repr=False, alias="_rounded")
    """Each row score rounded so far, once: see :meth:`round_row`"""

    def clip_row(self, raw: Decimal, weight: Decimal) -> Decimal:
        """A formula's ``raw`` score clipped to [0, ``weight``] (−0 as 0: a score never prints −0)."""
        capped = raw if raw <= weight else weight
        return _ZERO if capped <= _ZERO else capped

    def round_row(self, value: Decimal, weight: Decimal) -> Decimal:
        """``value`` (not negative) under the row rounding, never above ``weight`` (2.5, not 3),
        as one shared object per score: a kept report holds the same few hundred scores (5, 4.5,
        3.75…) over and over, and a Decimal costs 104 bytes. Every rounded score has the row
        exponent, so equal ones print alike; at most :data:`_ROUNDED_KEPT` are remembered. The
        engine and the batch path both score a row's points through here."""
        points = value.quantize(self.row_exponent, self.row_mode)
        if points > weight:
            return weight
        rounded = self._rounded
        found = rounded.get(points)
        if found is not None:
            return found
        if len(rounded) < _ROUNDED_KEPT:
            rounded[points] = points
        return points


_ROUNDED_KEPT = 4096
_ZERO = Decimal(0)


def build_plan(ruleset: Ruleset) -> Plan:
    """Every lookup scoring ``ruleset`` needs."""
    methods = {key: _method_plan(ruleset, method) for key, method in ruleset.methods.items()}
    general = _choices(ruleset, methods, ruleset.selection, "selection")
    blocks: dict[str, BlockPlan] = {}
    in_order = []
    indicators: dict[tuple[str, str], IndicatorPlan] = {}
    categories: dict[str, list[BlockPlan]] = {}
    for i, block in enumerate(ruleset.blocks):
        plan = _block_plan(ruleset, methods, general, i, block)
        in_order.append(plan)
        for name in (block.key, block.name.zh, block.name.en, *block.aliases):
            if name:
                blocks.setdefault(normalize_label(name), plan)
        for category in block.categories:
            for name in {
                normalize_label(n) for n in (category.name.zh, category.name.en, *category.aliases) if n
            }:
                categories.setdefault(name, []).append(plan)
        for j, ind in enumerate(block.indicators):
            found = IndicatorPlan(
                indicator=ind, weight_where=ruleset.where(f"blocks[{i}].indicators[{j}].weight")
            )
            for name in (ind.key, ind.name.zh, ind.name.en, *ind.aliases):
                if name:
                    indicators.setdefault((block.key, normalize_label(name)), found)
    rounding = ruleset.row_rounding
    defaults = [b for b in in_order if b.block.default] or (in_order if len(in_order) == 1 else [])
    return Plan(
        blocks=MappingProxyType(blocks),
        prefixes=tuple((normalize_label(p), b) for b in in_order for p in b.block.prefixes if p),
        by_category=MappingProxyType(
            {name: found[0] for name, found in categories.items() if len(found) == 1}
        ),
        default_block=defaults[0] if defaults else None,
        in_order=tuple(in_order),
        fixed=tuple(b for b in in_order if b.block.indicators),
        indicators=MappingProxyType(indicators),
        methods=MappingProxyType(methods),
        named_choices=MappingProxyType({key: Choice(plan=m, provenance="") for key, m in methods.items()}),
        derived_units=MappingProxyType({d.name: d.unit for d in ruleset.derived}),
        not_applicable="rescale" if ruleset.not_applicable == "rescale" else "no_weight",
        row_exponent=Decimal(1).scaleb(-rounding.places),
        row_mode=ROUNDING_MODES[rounding.mode],
        budget_provenance=_where(ruleset, "budget.formula", "budget.points", prefix="budget."),
        report_provenance=_where(
            ruleset, "grades", "rounding.row", "rounding.total", "not_applicable.policy"
        ),
        budget_row_names=_budget_row_names(ruleset),
        input_columns=MappingProxyType(
            {
                name: (headers, name in method.percent)
                for method in ruleset.methods.values()
                for name, headers in method.columns.items()
            }
        ),
    )


def _budget_row_names(ruleset: Ruleset) -> frozenset[str]:
    rule = ruleset.budget
    if rule is None or not (rule.block or rule.aliases):
        return frozenset()
    return frozenset(normalize_label(n) for n in (rule.name.zh, rule.name.en, *rule.aliases) if n)


def _block_plan(
    ruleset: Ruleset,
    methods: Mapping[str, MethodPlan],
    general: Mapping[object, Choice],
    i: int,
    block: Block,
) -> BlockPlan:
    """A block's plan: its choices over the ruleset's, and each category's over the block's."""
    own = _choices(ruleset, methods, block.selection, f"blocks[{i}].selection")
    choices = MappingProxyType({**general, **own})
    by_category: dict[str, Mapping[object, Choice]] = {}
    for j, category in enumerate(block.categories):
        if category.selection:
            mine = _choices(ruleset, methods, category.selection, f"blocks[{i}].categories[{j}].selection")
            merged = MappingProxyType({**choices, **mine})
            for name in (category.name.zh, category.name.en, *category.aliases):
                if name:
                    by_category.setdefault(normalize_label(name), merged)
    points = MappingProxyType({"points": ruleset.where(f"blocks[{i}].points")})
    return BlockPlan(
        block=block, choices=choices, provenance=points, by_category=MappingProxyType(by_category)
    )


def _where(ruleset: Ruleset, *paths: str, prefix: str = "") -> Mapping[str, str]:
    """Where each of ``paths`` was set, keyed by the path without ``prefix``."""
    return MappingProxyType({path[len(prefix) :]: ruleset.where(path) for path in paths})


def _choices(
    ruleset: Ruleset, methods: Mapping[str, MethodPlan], selection: Mapping[str, str], at: str
) -> dict[object, Choice]:
    """A selection table as selector → the method it chooses."""
    return {
        _SELECTORS[key]: Choice(plan=methods[method], provenance=ruleset.where(f"{at}.{key}"))
        for key, method in selection.items()
    }


def _method_plan(ruleset: Ruleset, method: Method) -> MethodPlan:
    """A method's plan; the names its formulas use, W, T and A first, are the inputs a row shows."""
    used = {n for case in method.cases for f in (case.score, case.when) if f is not None for n in f.names}
    shown = ("W", *(n for n in ("T", "A") if n in used), *sorted(used - {"W", "T", "A"}))
    return MethodPlan(
        method=method,
        key=method.key,
        name_zh=method.name.zh,
        name_en=method.name.en or method.key,
        kind="qualitative" if method.kind == "qualitative" else "formula",
        shown=shown,
        needs_values="T" in used or "A" in used,
        provenance=ruleset.where(f"methods.{method.key}"),
        level_names=tuple(
            frozenset(
                normalize_label(n) for n in (level.key, level.label.zh, level.label.en, *level.aliases) if n
            )
            for level in method.levels
        ),
        cases=compile_cases([(case.when, case.score) for case in method.cases], ROW_ARGS),
        params=dict(method.params),
        named=MappingProxyType(_named(ruleset, method, shown)),
    )


def _named(ruleset: Ruleset, method: Method, shown: tuple[str, ...]) -> dict[str, str]:
    """Where the parameters and derived values a method's formulas use were set. A row's own
    input wins over a derived value, which wins over a parameter."""
    derived = {d.name for d in ruleset.derived}
    named = {}
    for name in shown:
        if name in method.inputs or name in ROW_ARGS:
            continue
        if name in derived:
            named[f"derived.{name}"] = ruleset.where(f"derived.{name}")
        elif name in method.params:
            own = f"methods.{method.key}.params.{name}"
            named[f"params.{name}"] = ruleset.where(own if own in ruleset.provenance else f"params.{name}")
    return named
