"""The scored breakdown of one evaluation: 一级 → 二级 → 三级, subtotals, total, grade, findings.

Every row carries the rule that scored it, its parsed inputs, the formula, the raw, capped and
rounded points, a reason in Chinese with English beside it, where its rule and weight came
from, and the self-reported score beside the computed one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Optional

import attrs

__all__ = ["BlockResult", "BudgetResult", "CategoryResult", "Finding", "Report", "RowResult"]

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


@attrs.frozen
class RowResult:
    """One 三级 indicator, scored."""

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
    inputs: Mapping[str, str] = attrs.field(factory=dict)
    """The parsed inputs the formula saw (W, T, A, params...), as strings"""
    raw: Optional[Decimal] = None
    capped: Optional[Decimal] = None
    points: Optional[Decimal] = None
    """The rounded score"""
    reason_zh: str = ""
    reason_en: str = ""
    reported: Optional[Decimal] = None
    provenance: Mapping[str, str] = attrs.field(factory=dict)
    """What set the rule and the weight: ``method`` → ``file: key.path``, ``weight`` → ..."""
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


@attrs.frozen
class CategoryResult:
    name: str
    rows: tuple[RowResult, ...]
    points: Decimal
    reported: Optional[Decimal]


@attrs.frozen
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


@attrs.frozen
class BudgetResult:
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
    points: Optional[Decimal] = None
    reason_zh: str = ""
    reason_en: str = ""
    reported: Optional[Decimal] = None
    provenance: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen
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
