"""The scored breakdown of one evaluation: 一级 → 二级 → 三级, subtotals, total, grade, findings.

Every row carries the rule that scored it, its parsed inputs, the formula, the raw, capped and
rounded points, a reason in Chinese with English beside it, where its rule and weight came
from, and the self-reported score beside the computed one.
"""

from __future__ import annotations

import decimal
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Callable, Optional

import attrs

from .decimals import CONTEXT

__all__ = ["BlockResult", "BudgetResult", "CategoryResult", "Explanation", "Finding", "Report", "RowResult"]

#: Row statuses.
SCORED = "scored"
NOT_APPLICABLE = "not_applicable"
NOT_SCORABLE = "not_scorable"


@attrs.frozen
class Finding:
    """Something a reader of the table should look at, with a stable code."""

    code: str
    severity: str
    """``error``, ``warning`` or ``info``"""
    location: str
    """Where: a block, a row (``rows[3]``), a column of a row (``rows[3].weight``) or a budget cell"""
    message_zh: str
    message_en: str
    expected: Optional[str] = None
    found: Optional[str] = None

    def __str__(self) -> str:
        extra = ""
        if self.expected is not None:
            extra += f"; expected {self.expected}"
        if self.found is not None:
            extra += f"; found {self.found}"
        return (
            f"[{self.severity}] {self.code} @ {self.location}: {self.message_zh} / {self.message_en}{extra}"
        )


class Explanation:
    """Why a row scored what it did: the inputs its rule saw (W, T, A, params… as shown in a
    table), the reason in Chinese and English, and where its rule and weight came from.

    The scorer builds it deferred: the sentences are rendered the first time any part is read,
    so a batch that only wants totals and findings does not pay for prose it never shows. A
    deferred and a rendered explanation read, compare and serialise alike.
    """

    __slots__ = ("_args", "_inputs", "_provenance", "_reason_en", "_reason_zh", "_render")

    #: The parts, by name and type, as they appear (flattened) in a row's dict.
    FIELDS: Mapping[str, Any] = {
        "inputs": Mapping[str, str],
        "reason_zh": str,
        "reason_en": str,
        "provenance": Mapping[str, str],
    }

    def __init__(
        self,
        inputs: Optional[Mapping[str, str]] = None,
        reason_zh: str = "",
        reason_en: str = "",
        provenance: Optional[Mapping[str, str]] = None,
    ) -> None:
        self._render: Optional[Callable[..., Explanation]] = None
        self._args: tuple[Any, ...] = ()
        self._inputs: Mapping[str, str] = inputs if inputs is not None else {}
        self._reason_zh = reason_zh
        self._reason_en = reason_en
        self._provenance: Mapping[str, str] = provenance if provenance is not None else {}

    @classmethod
    def deferred(cls, render: Callable[..., Explanation], *args: Any) -> Explanation:
        """An explanation that ``render(*args)`` produces when first read. ``render`` must be pure."""
        return Deferred(render, args)

    def _resolve(self) -> None:
        render = self._render
        if render is not None:
            with decimal.localcontext(CONTEXT):  # as the scorer that deferred it
                done = render(*self._args)
            self._inputs, self._reason_zh = done._inputs, done._reason_zh
            self._reason_en, self._provenance = done._reason_en, done._provenance
            self._render, self._args = None, ()

    @property
    def inputs(self) -> Mapping[str, str]:
        self._resolve()
        return self._inputs

    @property
    def reason_zh(self) -> str:
        self._resolve()
        return self._reason_zh

    @property
    def reason_en(self) -> str:
        self._resolve()
        return self._reason_en

    @property
    def provenance(self) -> Mapping[str, str]:
        self._resolve()
        return self._provenance

    def _parts(self) -> tuple[Mapping[str, str], str, str, Mapping[str, str]]:
        self._resolve()
        return self._inputs, self._reason_zh, self._reason_en, self._provenance

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Explanation):
            return NotImplemented
        return self._parts() == other._parts()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        inputs, zh, en, provenance = self._parts()
        return (
            f"Explanation(inputs={dict(inputs)!r}, reason_zh={zh!r}, reason_en={en!r},"
            f" provenance={dict(provenance)!r})"
        )


class Deferred(Explanation):
    """Internal: ``Explanation.deferred(render, *args)`` with ``args`` given as a tuple. The
    scorer makes one per row, and a plain ``__init__`` costs a third less than the classmethod
    (about 4% of scoring time)."""

    __slots__ = ()

    def __init__(self, render: Callable[..., Explanation], args: tuple[Any, ...]) -> None:
        self._render, self._args = render, args


class _Explained:
    """A scored line's explanation, read as attributes of the line itself."""

    __slots__ = ()
    explanation: Explanation

    @property
    def inputs(self) -> Mapping[str, str]:
        """The values the formula saw (W, T, A, params…; the budget's base, executed and rate),
        as shown in a table"""
        return self.explanation.inputs

    @property
    def reason_zh(self) -> str:
        return self.explanation.reason_zh

    @property
    def reason_en(self) -> str:
        return self.explanation.reason_en

    @property
    def provenance(self) -> Mapping[str, str]:
        """What set the rule and the weight: ``method`` → ``file: key.path``, ``weight`` → ..."""
        return self.explanation.provenance


# The report classes are not frozen. A frozen attrs class cannot set its fields with plain
# attribute stores (it writes through __dict__, or through object.__setattr__ when slotted), and
# a report is built once per evaluation, with one row per indicator: frozen, building rows took
# about an eighth of all scoring time, and the other report objects another twentieth. They are
# read-only by convention; attrs.evolve(obj, ...) gives a changed copy.
@attrs.define
class RowResult(_Explained):
    """One 三级 indicator, scored. Read-only by convention, not enforced (see above)."""

    where: str
    block: str
    category: str
    name: str
    target_text: str
    actual_text: str
    weight: Optional[Decimal]
    status: str
    """``scored``, ``not_applicable`` or ``not_scorable``"""
    method: str = ""
    method_name: str = ""
    formula: str = ""
    explanation: Explanation = attrs.field(factory=Explanation, metadata={"flatten": True})
    """The inputs, reasons and provenance (read them through the properties below)"""
    raw: Optional[Decimal] = None
    capped: Optional[Decimal] = None
    points: Optional[Decimal] = None
    """The rounded score"""
    reported: Optional[Decimal] = None
    core: bool = False
    """是否核心指标, as the table states (重庆)"""
    note: str = ""
    """偏差原因分析及改进措施, as the table states"""

    @property
    def difference(self) -> Optional[Decimal]:
        """Self-reported minus computed, when both exist."""
        if self.reported is None or self.points is None:
            return None
        return self.reported - self.points


@attrs.define
class CategoryResult:
    name: str
    rows: tuple[RowResult, ...]
    points: Decimal
    reported: Optional[Decimal]


@attrs.define
class BlockResult:
    key: str
    name_zh: str
    name_en: str
    max_points: Decimal
    categories: tuple[CategoryResult, ...]
    points: Decimal
    """Σ of the scored rows (under the row rounding), capped at ``max_points``"""
    reported: Optional[Decimal]
    weight_sum: Decimal
    """Σ of the applicable rows' weights"""
    provenance: Mapping[str, str] = attrs.field(factory=dict)
    """``points`` → the file and key that set the block's points"""

    @property
    def rows(self) -> tuple[RowResult, ...]:
        return tuple(row for cat in self.categories for row in cat.rows)


@attrs.define
class BudgetResult(_Explained):
    """The 预算执行率 row, scored: the base and executed amounts, the rate, the points."""

    name_zh: str
    base: str
    base_amount: Optional[Decimal]
    executed: Optional[Decimal]
    rate: Optional[Decimal]
    """executed / base, unrounded"""
    printed_rate: str
    weight: Decimal
    status: str
    formula: str
    raw: Optional[Decimal] = None
    capped: Optional[Decimal] = None
    """``raw`` clipped to [0, ``weight``]"""
    points: Optional[Decimal] = None
    explanation: Explanation = attrs.field(factory=Explanation, metadata={"flatten": True})
    """The inputs, reasons and provenance (read them through the properties below)"""
    reported: Optional[Decimal] = None


@attrs.define
class Report:
    """The whole breakdown. ``complete`` is false when a row or the budget could not be scored:
    then ``total`` counts only what could be, and ``grade`` is left empty rather than guessed."""

    ruleset: str
    ruleset_name: str
    edition: str
    region: str
    form: str
    year: int
    title: str
    unit: str
    project: str
    blocks: tuple[BlockResult, ...]
    budget: Optional[BudgetResult]
    total: Decimal
    max_total: Decimal
    complete: bool
    grade: str
    grade_en: str
    reported_total: Optional[Decimal]
    reported_grade: str
    findings: tuple[Finding, ...]
    source: str = ""
    derived: Mapping[str, str] = attrs.field(factory=dict)
    """Values computed from the evaluation's base data or rows (``[derived]``), by name"""
    provenance: Mapping[str, str] = attrs.field(factory=dict)
    """Where the ruleset-wide values came from: ``grades``, ``rounding.row``, ``rounding.total``,
    ``not_applicable``"""

    @property
    def rows(self) -> tuple[RowResult, ...]:
        return tuple(row for block in self.blocks for row in block.rows)

    @property
    def reported_sum(self) -> Optional[Decimal]:
        """Σ of the self-reported row scores and the budget score, when every one is present."""
        parts: list[Optional[Decimal]] = [row.reported for row in self.rows if row.status != NOT_APPLICABLE]
        if self.budget is not None:
            parts.append(self.budget.reported)
        if not parts or any(p is None for p in parts):
            return None
        return sum((p for p in parts if p is not None), Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (Decimals as strings) that :meth:`from_dict` reads back exactly."""
        from .serialize import dump

        data = dump(self)
        assert isinstance(data, dict)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        from .serialize import load

        report = load(cls, data)
        assert isinstance(report, Report)
        return report

    def to_json(self, *, indent: Optional[int] = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_text(self) -> str:
        from .render import render_text

        return render_text(self)
