"""The loaded, checked, immutable form of a ruleset.

A :class:`Ruleset` is produced only by :func:`perfscore.rules.builder.ruleset.finish`, after
every check has passed; nothing here reads files. All collections are tuples or read-only mappings.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from decimal import Decimal
from typing import Optional

import attrs

from ..formulas import Formula
from ..serialize import read_only  # noqa: F401  (registers the reducer: its read-only views pickle)
from .plan import Plan, build_plan

__all__ = [
    "Block",
    "BudgetRule",
    "Case",
    "Category",
    "Derived",
    "GradeBand",
    "Indicator",
    "Level",
    "Method",
    "ReviewRules",
    "Rounding",
    "Ruleset",
    "Source",
    "Text",
]

#: Evidence grades, as defined in the project's domain notes.
EVIDENCE_LEVELS: Mapping[str, str] = {
    "S": "seen in a published source",
    "SEED": "read in a real self-evaluation report",
    "SYS": "seen in a deployed provincial system's code (vendor practice, not regulation)",
    "R": "widely reported wording, not checked against the official text (unconfirmed)",
}

FORMS: Mapping[str, str] = {
    "project": "项目支出",
    "department": "部门整体支出",
    "special_fund": "专项资金",
}

#: How a row's method is chosen from its parsed target when the row names none.
SELECTION_KEYS = ("GE", "GT", "EQ", "LE", "LT", "implicit", "budget_ref", "qualitative", "blank")
"""``blank``: a row with no target by design ("—", "-", an empty cell), judged on its actual"""

#: How a block's rows carry their weights (``weights`` of a block).
WEIGHT_RULES = ("stated", "divided", "unstated")


@attrs.frozen
class Text:
    """A label in Chinese with its English beside it."""

    zh: str
    en: str = ""

    def __str__(self) -> str:
        return f"{self.zh} ({self.en})" if self.en else self.zh


@attrs.frozen
class Source:
    """A document a ruleset's facts come from, with its evidence grade."""

    id: str
    title: str
    evidence: str
    url: str = ""
    note: str = ""

    @property
    def confirmed(self) -> bool:
        return self.evidence != "R"


@attrs.frozen
class Rounding:
    places: int = 2
    mode: str = "half_up"

    def __str__(self) -> str:
        return f"{self.places} dp {self.mode}"

    @property
    def zh(self) -> str:
        """The rounding in Chinese: 四舍五入保留 2 位小数, 向下取整."""
        whole, kept = _MODES_ZH.get(self.mode, (self.mode, self.mode))
        return f"{whole}取整" if self.places == 0 else f"{kept}保留 {self.places} 位小数"


#: Each rounding mode in Chinese, as a reason says it before 取整 and before 保留 n 位小数.
_MODES_ZH = {
    "half_up": ("四舍五入", "四舍五入"),
    "half_even": ("四舍六入五成双", "四舍六入五成双"),
    "down": ("截尾", "截尾"),
    "up": ("进一", "进一"),
    "floor": ("向下", "向下舍入"),
    "ceiling": ("向上", "向上舍入"),
}


@attrs.frozen
class Case:
    """One branch of a method: where ``when`` holds (or always, if None), the score is ``score``."""

    score: Formula
    reason: Text
    when: Optional[Formula] = None


@attrs.frozen
class Level:
    """A qualitative level: its score band as fractions of the weight, and its auto-score."""

    key: str
    label: Text
    aliases: tuple[str, ...]
    low: Decimal
    """Inclusive lower bound of the band, as a fraction of the weight."""
    high: Decimal
    """Upper bound, as a fraction of the weight; inclusive only for the top level."""
    high_inclusive: bool
    score: Decimal
    """The fraction of the weight given when the level is known but no score is reported."""


@attrs.frozen
class Method:
    """A named scoring rule.

    ``kind`` is ``formula`` (ordered cases over W, T, A, params and declared inputs) or
    ``qualitative`` (levels with score bands). Tier tables are compiled to cases at load.
    """

    key: str
    name: Text
    kind: str
    cases: tuple[Case, ...] = ()
    levels: tuple[Level, ...] = ()
    inputs: tuple[str, ...] = ()
    """Extra per-row inputs the formulas use (e.g. ``events`` for a deduction per event)."""
    params: Mapping[str, Decimal] = attrs.field(factory=dict)
    source: str = ""
    self_stated: bool = True
    """Qualitative: a row whose level cannot be told is taken at its reported score (an info
    finding, "not recomputable"); False makes it not scorable"""
    columns: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    """Input → the headers of the form column a row without that input takes it from
    (重庆: ``coef`` from 得分系数)"""
    percent: tuple[str, ...] = ()
    """Inputs in per cent: 95% and 95 read 95; a column whose every cell is 0–1 is read as
    fractions (0.95 → 95) where the table's own scores show it"""


@attrs.frozen
class Category:
    """A 二级 category within a block (数量指标, 质量指标, ...)."""

    name: Text
    aliases: tuple[str, ...] = ()
    selection: Mapping[str, str] = attrs.field(factory=dict)
    """Method choice for this category's rows, over its block's (成本指标: a bare amount is a
    ceiling, ``implicit = "reverse"``)"""


@attrs.frozen
class Indicator:
    """A 三级 indicator fixed by the ruleset (department frameworks)."""

    key: str
    name: Text
    weight: Decimal
    method: str
    category: str = ""
    aliases: tuple[str, ...] = ()
    source: str = ""
    target: str = ""
    """The target text when the framework fixes it (e.g. ``≤100%``); a row's own target wins"""
    actual_from: str = ""
    """A derived value that is this indicator's actual (computed from the evaluation's base data)"""


@attrs.frozen
class Block:
    """A 一级 block (产出指标 50, ...). Rows come from the evaluation unless ``indicators`` fixes them."""

    key: str
    name: Text
    points: Decimal
    aliases: tuple[str, ...] = ()
    categories: tuple[Category, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    source: str = ""
    selection: Mapping[str, str] = attrs.field(factory=dict)
    """Method choice for this block's rows, over the ruleset's ``[selection]`` (银川 决策/管理 rows are
    qualitative whatever their target looks like)"""
    default: bool = False
    """Rows with no 一级 cell (a flat list) whose category names no block go here"""
    prefixes: tuple[str, ...] = ()
    """A block cell starting with one of these is this block (湖北 "年度绩效目标2（40分）")"""
    weights: str = "stated"
    """How rows carry weights: ``stated`` (each row's own, Σ = points), ``divided`` (points ÷
    rows, rounded to whole points: Σ may drift from the points), ``unstated`` (no per-row
    weights: the table's scores are taken as stated, not recomputed)"""

    @property
    def fixed(self) -> bool:
        return bool(self.indicators)


@attrs.frozen
class BudgetRule:
    """The budget-execution row: rate = executed / base, score by ``formula``."""

    name: Text
    points: Decimal
    base: str
    formula: Formula
    rounding: Rounding
    params: Mapping[str, Decimal] = attrs.field(factory=dict)
    source: str = ""
    block: str = ""
    """The block whose points include the budget row (银川: 预算执行率 inside 项目管理); empty when
    the budget row stands beside the blocks"""
    aliases: tuple[str, ...] = ()
    """Other names of the budget row when a table prints it as an indicator row (in ``block``,
    or in a flat list): such a row is the budget row, scored from the budget table, never twice"""


@attrs.frozen
class Derived:
    """A value computed once per evaluation, usable in every formula by its name.

    Either a ``formula`` over the evaluation's base data (附件2 基础数据表: 在职 / 编制), or a count
    of the rows of a category (``count``) for which ``when`` holds (四川 目标实现).
    """

    name: str
    label: Text
    unit: str = ""
    formula: Optional[Formula] = None
    count: str = ""
    when: Optional[Formula] = None


@attrs.frozen
class ReviewRules:
    """Region settings for review (复核): tolerances and when a deviation note is required."""

    rate_tolerance: Decimal = Decimal("0.0001")
    """Allowed gap between a printed 执行率 and 执行数 / 预算数 (as a fraction)"""
    score_tolerance: Decimal = Decimal(0)
    """Allowed gap between a reported and a recomputed sum of scores"""
    explain_below_weight: bool = True
    """A row scored below its weight needs a deviation note (national)"""
    explain_over_ratio: Optional[Decimal] = None
    """Actual ≥ ratio × target needs a note (广西 1.3)"""
    explain_budget_below: Optional[Decimal] = None
    """Execution rate below this needs a note (四川 0.9)"""
    explain_over_when_zero: Optional[Decimal] = None
    """With a target of 0, an actual ≥ this needs a note (广西 30)"""


@attrs.frozen
class GradeBand:
    """A grade: ``low`` inclusive, ``high`` exclusive except for the top band."""

    label: str
    low: Decimal
    high: Decimal
    high_inclusive: bool
    en: str = ""
    aliases: tuple[str, ...] = ()

    def contains(self, total: Decimal) -> bool:
        return self.low <= total and (total < self.high or (self.high_inclusive and total == self.high))

    def answers_to(self, label: str) -> bool:
        return label.strip() in (self.label, *self.aliases)


_PLAN_LOCK = threading.Lock()


class _Compiled:
    """Where a :class:`Ruleset` keeps its plan: a slot, not an attrs field, so the plan is never
    compared, shown, copied by ``attrs.evolve`` (a copy may differ) or listed with the fields."""

    __slots__ = ("_plan",)


@attrs.frozen(eq=False)
class Ruleset(_Compiled):
    """A region's scoring framework for one form, in one edition. Immutable.

    Compared and hashed by identity: the loader builds each file's ruleset once and caches it.
    """

    id: str
    region: str
    form: str
    edition: str
    year_from: int
    year_to: Optional[int]
    name: Text
    aliases: tuple[str, ...]
    sources: tuple[Source, ...]
    total: Decimal
    blocks: tuple[Block, ...]
    methods: Mapping[str, Method]
    selection: Mapping[str, str]
    budget: Optional[BudgetRule]
    grades: tuple[GradeBand, ...]
    grading_optional: bool
    row_rounding: Rounding
    total_rounding: Rounding
    not_applicable: str
    """``no_weight`` (N/A rows carry no weight) or ``rescale`` (total rescaled to the applicable weights)."""
    clamp_negative_actual: bool
    file: str
    stated_points: bool = False
    """A table that prints its blocks' own points in their labels (产出指标(60分)), adding up with
    the budget row to the total, is scored on them (``[framework] stated_points``): for a
    framework whose block points hold only in principle (原则上)"""
    extends: tuple[str, ...] = ()
    """The chain of parents, nearest first (ids with editions)."""
    base: Mapping[str, Text] = attrs.field(factory=dict)
    """Base-data names an evaluation may give (``[base]``), with their labels"""
    derived: tuple[Derived, ...] = ()
    review: ReviewRules = ReviewRules()
    params: Mapping[str, Decimal] = attrs.field(factory=dict)
    """The ruleset's ``[params]``: named constants every formula may use"""
    provenance: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    """Key path → the file that set it, for every leaf value after ``extends`` merging."""

    @property
    def plan(self) -> Plan:
        """The lookups scoring needs (:mod:`perfscore.rules.plan`). Loading builds them; a ruleset
        built directly (or copied with ``attrs.evolve``) builds its own on first use, once."""
        plan: Optional[Plan] = getattr(self, "_plan", None)
        if plan is None:
            with _PLAN_LOCK:
                plan = getattr(self, "_plan", None)
                if plan is None:
                    plan = build_plan(self)
                    object.__setattr__(self, "_plan", plan)  # set once; read-only thereafter
        return plan

    def compiled(self) -> Ruleset:
        """This ruleset, its plan built (loading calls it: compiling builds every lookup)."""
        _ = self.plan
        return self

    def in_force(self, year: int) -> bool:
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)

    @property
    def years(self) -> str:
        return f"{self.year_from}–{self.year_to if self.year_to is not None else ''}"

    def where(self, path: str) -> str:
        """``file: key.path`` for the value at ``path`` (or its nearest recorded parent)."""
        probe = path
        while probe:
            found = self.provenance.get(probe)
            if found is not None:
                return f"{found}: {path}"
            probe = probe.rpartition(".")[0]
        return f"{self.file}: {path}"

    def grade_for(self, total: Decimal) -> Optional[GradeBand]:
        for band in self.grades:
            if band.contains(total):
                return band
        return None
