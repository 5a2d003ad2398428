"""Every problem and finding code perfscore emits, as data: its id, severity and its message
in Chinese and English (``str.format`` templates over named values).

A call site names the code and gives the values; the words live here, once. ``docs/errors.md``
is checked against this table by the tests, so a code cannot be added without its entry there.

Problems (``kind="problem"``) are what makes a file unusable: they are raised inside a
:class:`~perfscore.errors.RulesetError` or :class:`~perfscore.errors.EvaluationError` and are
always errors. Findings (``kind="finding"``) are what a report or a review says about a table.

A code whose words depend on the case (a self-deduction on a met target, each reason a deviation
note is required) has named *variants*: each one a full Chinese and English template, chosen by
the call site (``messages(id, variant="met", **values)``); the code's own templates are the
general case.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal, Optional

import attrs

__all__ = ["CODES", "Code", "Kind", "Severity", "code", "messages"]

Severity = Literal["error", "warning", "info"]
Kind = Literal["problem", "finding"]


def _read_only(variants: Mapping[str, tuple[str, str]]) -> Mapping[str, tuple[str, str]]:
    return MappingProxyType(dict(variants))


@attrs.frozen
class Code:
    """One code: what it is called, how serious it is, and what it says."""

    id: str
    kind: Kind
    severity: Severity
    zh: str
    """Chinese message template (what a reviewer reads first)."""
    en: str
    """English message template."""
    variants: Mapping[str, tuple[str, str]] = attrs.field(factory=dict, converter=_read_only, hash=False)
    """Named (Chinese, English) templates used instead of ``zh`` and ``en`` in a named case."""

    def messages(self, values: Mapping[str, Any], variant: str = "") -> tuple[str, str]:
        """The Chinese and English messages with ``values`` filled in (of ``variant``, if named;
        a KeyError names a variant the code does not have)."""
        zh, en = self.variants[variant] if variant else (self.zh, self.en)
        return zh.format_map(values), en.format_map(values)


def _codes(*entries: Code) -> dict[str, Code]:
    table: dict[str, Code] = {}
    for entry in entries:
        assert entry.id not in table, f"code {entry.id} listed twice"
        table[entry.id] = entry
    return table


def _p(id: str, zh: str, en: str, variants: Optional[Mapping[str, tuple[str, str]]] = None) -> Code:
    return Code(id, "problem", "error", zh, en, variants or {})


def _f(
    id: str, severity: Severity, zh: str, en: str, variants: Optional[Mapping[str, tuple[str, str]]] = None
) -> Code:
    return Code(id, "finding", severity, zh, en, variants or {})


# Each section is filled by the code that emits its codes; keep each code in one section.
CODES: Mapping[str, Code] = _codes(
    # -- files (rules/toml, evaluations/read, files) -----------------------------------------
    _p("file-unreadable", "无法读取文件：{reason}", "{reason}"),
    # -- rulesets (rules/) --------------------------------------------------------------------
    # -- evaluations and forms (evaluations/) -------------------------------------------------
    _p("unknown-format", "不是可读取的自评表：{reason}", "{reason}"),
    _p("too-large", "超出读取上限：{what}", "too large: {what}"),
    # -- scoring (scoring/) -------------------------------------------------------------------
    # -- review (reviewing/) ------------------------------------------------------------------
    _f("score-above-weight", "error", "自评得分超过分值", "the self-reported score is above the weight"),
    _f(
        "full-marks-unmet",
        "error",
        "未完成目标却自评满分",
        "full marks reported on a target that was not met",
    ),
    _f(
        "reported-above-computed",
        "error",
        "自评得分高于按规则计算的得分",
        "the self-reported score is above the rule-computed score",
    ),
    _f(
        "self-deduction",
        "warning",
        "自评得分低于按规则计算的得分",
        "the self-reported score is below the rule-computed score",
        {"met": ("已完成目标仍自行扣分", "points deducted on a met target (allowed, worth seeing)")},
    ),
    _f(
        "missing-deviation-note",
        "warning",
        "缺少偏差原因分析",
        "no deviation note where one is required",
        {
            "below-weight": (
                "缺少偏差原因分析：得分低于分值",
                "no deviation note where one is required: scored below the weight",
            ),
            "qualitative-not-met": (
                "缺少偏差原因分析：定性指标未达成",
                "no deviation note where one is required: a qualitative row not achieved",
            ),
            "over-ratio": (
                "缺少偏差原因分析：实际完成值超出指标值 {percent}% 以上",
                "no deviation note where one is required: the actual is at least {ratio} × the target",
            ),
            "over-zero-target": (
                "缺少偏差原因分析：指标值为 0，实际完成值达到 {actual}",
                "no deviation note where one is required: the target is 0 and the actual is at least {actual}",
            ),
            "budget-below": (
                "预算执行率低于 {percent}%，需说明原因",
                "execution below {percent}% needs an explanation",
            ),
        },
    ),
    _f(
        "weights-total",
        "error",
        "各指标分值与预算执行率分值之和不等于总分",
        "the weights and the budget row's points do not add up to the total",
    ),
    _f(
        "budget-lines-sum",
        "error",
        "{column_zh}各分项之和与合计不符",
        "the sub-rows' {column_en} amounts do not add up to the stated total",
    ),
    _f("rate-unreadable", "error", "执行率无法识别", "the printed rate cannot be read"),
    _f(
        "rate-mismatch",
        "error",
        "表中执行率与 执行数/预算数 不符",
        "the printed execution rate does not equal executed / budget",
    ),
    _f(
        "budget-score-mismatch",
        "error",
        "预算执行率得分与规则不符",
        "the budget row's score does not follow the ruleset's rule",
    ),
    _f(
        "reported-total-mismatch",
        "error",
        "总分与各项自评得分之和不符",
        "the reported total is not the sum of the reported scores",
    ),
    _f("unknown-grade", "error", "等级名称不在规则集的等级中", "the grade label is not one of the ruleset's"),
    _f("grade-mismatch", "error", "等级与总分所在档次不符", "the grade does not match the total's band"),
    # -- command line and API (api, cli) -------------------------------------------------------
    _p(
        "several-tables",
        "文件包含 {count} 张表，请用 read_evaluations 逐张读取",
        "the file holds {count} tables; read them with read_evaluations",
        {
            "cli": (
                "文件包含 {count} 张表，请用 --table N 选择其一",
                "the file holds {count} tables; choose one with --table N",
            )
        },
    ),
    _p(
        "no-such-table",
        "--table {table}：文件只有 {count} 张表",
        "--table {table}: the file holds {count} table(s)",
    ),
    # -- exports (report/) --------------------------------------------------------------------
)


def code(id: str) -> Code:
    """The code named ``id``; a KeyError names a code that is not in the table (a bug)."""
    return CODES[id]


def messages(id: str, *, variant: str = "", **values: Any) -> tuple[str, str]:
    """Chinese and English messages of code ``id`` (its ``variant``, if named) with ``values``
    filled in."""
    return CODES[id].messages(values, variant)
