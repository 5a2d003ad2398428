"""The scored breakdown of one evaluation: 一级 → 二级 → 三级, subtotals, total, grade, findings.

Every row carries the rule that scored it, its parsed inputs, the formula, the raw, capped and
rounded points, a reason in Chinese with English beside it, where its rule and weight came
from, and the self-reported score beside the computed one.
"""

from __future__ import annotations

import copyreg
import decimal
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Callable, NamedTuple, Optional, Union

import attrs

from ..codes import Words, code
from ..decimals import CONTEXT
from ..serialize import dump, load
from .status import NOT_APPLICABLE, Status
from .text import render_text

__all__ = ["BlockResult", "BudgetResult", "CategoryResult", "Explanation", "Finding", "Report", "RowResult"]


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
    """What the table should hold: a value (``15``, ``'9次'``, key paths), or, when it is words,
    the English of them (Chinese in ``expected_zh``)"""
    found: Optional[str] = None
    """What the table holds, as ``expected``"""
    expected_zh: Optional[str] = attrs.field(default=None, metadata={"omit_none": True})
    """The Chinese of ``expected`` when it is words; absent (None) when it reads the same"""
    found_zh: Optional[str] = attrs.field(default=None, metadata={"omit_none": True})
    """The Chinese of ``found`` when it is words, as ``expected_zh``"""

    @classmethod
    def coded(
        cls,
        id: str,
        location: str,
        *,
        expected: Union[str, Words, None] = None,
        found: Union[str, Words, None] = None,
        variant: str = "",
        **values: Any,
    ) -> Finding:
        """The finding of code ``id`` at ``location``: its severity and both messages (of
        ``variant``, if named, filled in with ``values``) from :mod:`perfscore.codes`; an
        ``expected`` or ``found`` said in :class:`~perfscore.codes.Words` is kept in both languages."""
        entry = code(id)
        zh, en = entry.messages(values, variant)
        if type(expected) is Words or type(found) is Words:
            ex, ex_zh = _split(expected)
            fo, fo_zh = _split(found)
            return cls(id, entry.severity, location, zh, en, ex, fo, ex_zh, fo_zh)
        return cls(id, entry.severity, location, zh, en, expected, found)  # type: ignore[arg-type]

    def expected_in(self, zh: bool) -> Optional[str]:
        """``expected`` in Chinese (``zh``) or as it is."""
        return self.expected_zh if zh and self.expected_zh is not None else self.expected

    def found_in(self, zh: bool) -> Optional[str]:
        """``found`` in Chinese (``zh``) or as it is."""
        return self.found_zh if zh and self.found_zh is not None else self.found

    def __str__(self) -> str:
        extra = ""
        if self.expected is not None:
            extra += f"; expected {self.expected}"
        if self.found is not None:
            extra += f"; found {self.found}"
        return (
            f"[{self.severity}] {self.code} @ {self.location}: {self.message_zh} / {self.message_en}{extra}"
        )


def _split(value: Union[str, Words, None]) -> tuple[Optional[str], Optional[str]]:
    """A finding's ``expected`` or ``found`` as its value (English, when words) and its Chinese
    (None when it reads the same)."""
    if isinstance(value, Words):
        return value.en, value.zh
    return value, None


_NOTHING: Mapping[str, str] = MappingProxyType({})

#: The columns in which a table prints a row's own scoring rule (北京 得分计算方法, 江西 评分标准).
PRINTED_RULE_COLUMNS = ("评分标准", "得分计算方法", "计分方法", "评分规则")


def frozen_mapping(mapping: Optional[Mapping[str, str]]) -> Mapping[str, str]:
    """``mapping`` as a read-only mapping nothing else can change: a read-only copy, so that
    what the caller still holds can change and the copy cannot.

    A ``MappingProxyType`` is taken as it is: it is read-only already, and the scorer passes
    every report and block its ruleset's provenance as one, over a dict only the scorer holds
    (copying those cost 2–3% of all scoring time). Only whoever made a proxy holds the dict
    under it; a report never hands one out."""
    if type(mapping) is MappingProxyType:
        return mapping
    if not mapping:
        return _NOTHING
    return MappingProxyType(dict(mapping))


class _Parts(NamedTuple):
    """An explanation's parts, complete and immutable: published with one attribute store."""

    inputs: Mapping[str, str]
    reason_zh: str
    reason_en: str
    provenance: Mapping[str, str]


_Pending = tuple[Any, ...]
"""A deferred explanation not rendered yet: ``render`` followed by its arguments."""


class Explanation:
    """Why a row scored what it did: the inputs its rule saw (W, T, A, params… as shown in a
    table), the reason in Chinese and English, and where its rule and weight came from.

    The scorer builds it deferred: the sentences are rendered the first time any part is read,
    so a batch that only wants totals and findings does not pay for prose it never shows. A
    deferred and a rendered explanation read, compare and serialise alike.

    It is a value, safe to share between threads: its mappings are read-only copies, and its
    whole state is one attribute, holding either the finished parts or what renders them. The
    first read renders into a local and publishes the finished parts with one store; a thread
    reading meanwhile sees the pending state and renders an equal copy of its own (``render`` is
    pure), never a half-written explanation.
    """

    __slots__ = ("_state",)

    #: The parts, by name and type, as they appear (flattened) in a row's dict.
    FIELDS: Mapping[str, Any] = {
        "inputs": Mapping[str, str],
        "reason_zh": str,
        "reason_en": str,
        "provenance": Mapping[str, str],
    }

    _state: Union[_Parts, _Pending]

    def __init__(
        self,
        inputs: Optional[Mapping[str, str]] = None,
        reason_zh: str = "",
        reason_en: str = "",
        provenance: Optional[Mapping[str, str]] = None,
    ) -> None:
        self._state = _Parts(frozen_mapping(inputs), reason_zh, reason_en, frozen_mapping(provenance))

    @classmethod
    def deferred(cls, render: Callable[..., Explanation], *args: Any) -> Explanation:
        """An explanation that ``render(*args)`` produces when first read. ``render`` must be pure:
        two threads reading a fresh explanation at once may each call it."""
        return Deferred((render, *args))

    def _parts(self) -> _Parts:
        state = self._state  # read once: the finished parts, or (render, *args)
        if isinstance(state, _Parts):
            return state
        with decimal.localcontext(CONTEXT):  # as the scorer that deferred it
            rendered: Explanation = state[0](*state[1:])
            done = rendered._parts()
        self._state = done  # one store of a complete, immutable object
        return done

    @property
    def inputs(self) -> Mapping[str, str]:
        return self._parts().inputs

    @property
    def reason_zh(self) -> str:
        return self._parts().reason_zh

    @property
    def reason_en(self) -> str:
        return self._parts().reason_en

    @property
    def provenance(self) -> Mapping[str, str]:
        return self._parts().provenance

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
    """Internal: ``Explanation.deferred(render, *args)``, given the one tuple ``(render, *args)``
    it keeps until rendered. The scorer makes one per row, and a plain ``__init__`` costs a third
    less than the classmethod (about 4% of scoring time). The scorer passes only values it will
    not change and no object of the caller's, so rendering later gives what rendering at once
    would have."""

    __slots__ = ()

    def __init__(self, call: tuple[Any, ...]) -> None:
        self._state = call


def _explanation_reduced(explanation: Explanation) -> tuple[Any, tuple[Any, ...]]:
    """An explanation pickles rendered (a deferred one holds the scorer's generated code)."""
    inputs, zh, en, provenance = explanation._parts()
    return Explanation, (dict(inputs), zh, en, dict(provenance))


copyreg.pickle(Explanation, _explanation_reduced)
copyreg.pickle(Deferred, _explanation_reduced)


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


# The results are frozen values, built by keyword: every mapping in them is a read-only copy
# (frozen_mapping), every sequence a tuple, and nothing in them refers to an object the caller
# passed in, so nothing the caller changes after scoring changes a report. attrs.evolve(obj, ...)
# gives a changed copy.
@attrs.frozen
class RowResult(_Explained):
    """One 三级 indicator, scored."""

    where: str
    block: str
    category: str
    name: str
    target_text: str
    actual_text: str
    weight: Optional[Decimal]
    status: Status
    """``scored``, ``not_applicable`` or ``not_scorable``"""
    method: str = ""
    method_name: str = ""
    formula: str = ""
    explanation: Explanation = attrs.field(factory=Explanation, metadata={"flatten": Explanation})
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
    extra: Mapping[str, str] = attrs.field(factory=dict, converter=frozen_mapping)
    """The table's other columns on this row, by header, as written (评分标准, 得分计算方法, 复核分…)"""

    @property
    def printed_rule(self) -> str:
        """The row's own scoring rule as the table prints it (评分标准, 得分计算方法…), or ``""``."""
        return "；".join(self.extra[k] for k in PRINTED_RULE_COLUMNS if self.extra.get(k))

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
    provenance: Mapping[str, str] = attrs.field(factory=dict, converter=frozen_mapping)
    """``points`` → the file and key that set the block's points (a read-only copy)"""

    @property
    def rows(self) -> tuple[RowResult, ...]:
        return tuple(row for cat in self.categories for row in cat.rows)


@attrs.frozen
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
    status: Status
    formula: str
    raw: Optional[Decimal] = None
    capped: Optional[Decimal] = None
    """``raw`` clipped to [0, ``weight``]"""
    points: Optional[Decimal] = None
    explanation: Explanation = attrs.field(factory=Explanation, metadata={"flatten": Explanation})
    """The inputs, reasons and provenance (read them through the properties below)"""
    reported: Optional[Decimal] = None


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
    derived: Mapping[str, str] = attrs.field(factory=dict, converter=frozen_mapping)
    """Values computed from the evaluation's base data or rows (``[derived]``), by name (a
    read-only copy)"""
    provenance: Mapping[str, str] = attrs.field(factory=dict, converter=frozen_mapping)
    """Where the ruleset-wide values came from: ``grades``, ``rounding.row``, ``rounding.total``,
    ``not_applicable`` (a read-only copy)"""

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
        data = dump(self)
        assert isinstance(data, dict)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        report = load(cls, data)
        assert isinstance(report, Report)
        return report

    def to_json(self, *, indent: Optional[int] = None) -> str:
        """The report as JSON text: compact by default (CPython's C encoder, about twice as
        fast); ``indent=2`` for a person to read."""
        import json  # only when asked for

        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_text(self) -> str:
        return render_text(self)
