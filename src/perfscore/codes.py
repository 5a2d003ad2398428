"""Every problem and finding code perfscore emits, as data: its id, severity and its message
in Chinese and English (``str.format`` templates over named values).

A call site names the code and gives the values; the words live here, once. ``docs/errors.md``
is checked against this table by the tests, so a code cannot be added without its entry there.

Problems (``kind="problem"``) are what makes a file unusable: they are raised inside a
:class:`~perfscore.errors.RulesetError` or :class:`~perfscore.errors.EvaluationError` and are
always errors. Findings (``kind="finding"``) are what a report or a review says about a table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs

__all__ = ["CODES", "Code", "Kind", "Severity", "code", "messages"]

Severity = Literal["error", "warning", "info"]
Kind = Literal["problem", "finding"]


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

    def messages(self, values: Mapping[str, Any]) -> tuple[str, str]:
        """The Chinese and English messages with ``values`` filled in."""
        return self.zh.format_map(values), self.en.format_map(values)


def _codes(*entries: Code) -> dict[str, Code]:
    table: dict[str, Code] = {}
    for entry in entries:
        assert entry.id not in table, f"code {entry.id} listed twice"
        table[entry.id] = entry
    return table


def _p(id: str, zh: str, en: str) -> Code:
    return Code(id, "problem", "error", zh, en)


def _f(id: str, severity: Severity, zh: str, en: str) -> Code:
    return Code(id, "finding", severity, zh, en)


# Each section is filled by the code that emits its codes; keep each code in one section.
CODES: Mapping[str, Code] = _codes(
    # -- files (rules/toml, evaluations/read, files) -----------------------------------------
    # -- rulesets (rules/) --------------------------------------------------------------------
    # -- evaluations and forms (evaluations/) -------------------------------------------------
    # -- scoring (scoring/) -------------------------------------------------------------------
    # An id ``code/variant`` is another wording of ``code``: the finding it makes is ``code``.
    _f("weight-on-not-applicable", "warning", "不适用行不应有分值", "a not-applicable row carries a weight"),
    _f("weight-differs", "warning", "分值与规则集不一致", "the weight differs from the ruleset's"),
    _f("missing-weight", "error", "分值为空", "the weight cell is empty"),
    _f(
        "implausible-weight",
        "error",
        "分值 {weight} 不可能是本一级指标（{points} 分）下的分值",
        "{weight} cannot be a weight in a block of {points} points",
    ),
    _f("questionable-cell", "warning", "{notes}", "the {column} cell: {problem}"),
    _f(
        "unreadable-cell", "error", "单元格应为数值，无法识别", "the {column} cell cannot be read as a number"
    ),
    _f("missing-base", "warning", "缺少基础数据：{missing}", "base data missing: {missing}"),
    _f("derived-not-computable", "error", "“{label}”无法计算", "'{name}' cannot be computed: {reason}"),
    _f("unknown-block", "error", "一级指标不在规则集中", "the first-level block is not in the ruleset"),
    _f(
        "unknown-indicator",
        "error",
        "三级指标不在规则集的框架中",
        "the indicator is not in the ruleset's framework",
    ),
    _f("unknown-method", "error", "规则集中没有该计分方法", "no such method in the ruleset"),
    _f("unparseable-target", "error", "年度指标值无法识别", "the target cell cannot be read ({problem})"),
    _f(
        "no-method",
        "error",
        "规则集没有为此类指标值指定计分方法",
        "the ruleset names no method for this kind of target",
    ),
    _f("level-unknown", "error", "无法确定定性指标的达成等级", "the qualitative level cannot be determined"),
    _f("missing-value", "error", "{role}为空", "the {column} cell is empty"),
    _f(
        "missing-value/budget",
        "error",
        "{role}引用预算数，但表中没有预算数",
        "the cell refers to the budget, but the table gives no budget amount",
    ),
    _f("garbled-cell", "error", "{role}无法识别（{note}）", "the {column} cell is garbled ({problem})"),
    _f(
        "not-a-number",
        "error",
        "{role}不是数值，无法按定量方法计分",
        "the {column} is not a number for a quantitative method",
    ),
    _f(
        "unit-mismatch",
        "error",
        "实际完成值与年度指标值单位不一致",
        "the actual's unit does not match the target's",
    ),
    _f("missing-input", "error", "缺少计分方法所需的输入", "an input the method needs is missing"),
    _f("not-scorable", "error", "该行无法按规则计分", "the row cannot be scored: {reason}"),
    _f(
        "not-scorable/range",
        "error",
        "年度指标值或实际完成值超出可计算范围",
        "the row cannot be scored: target or actual out of range (beyond ±{bound})",
    ),
    _f(
        "budget-points-differ",
        "warning",
        "预算执行率分值与规则集不一致",
        "the budget row's points differ from the ruleset's",
    ),
    _f(
        "budget-not-scorable",
        "error",
        "预算执行率无法计算（预算数或执行数缺失或为 0）",
        "the execution rate cannot be computed (amount missing or zero)",
    ),
    _f(
        "budget-not-scorable/range",
        "error",
        "预算执行率超出可计算范围",
        "the execution rate is out of range (beyond ±{bound})",
    ),
    _f("budget-not-scorable/formula", "error", "预算执行率得分无法计算", "{reason}"),
    _f(
        "ruleset-of-another-region",
        "info",
        "本表地区为 {region}，按 {ruleset_region} 的规则集 {ruleset} 计分",
        "scored under {ruleset}, a ruleset for region {ruleset_region}; the table is for {region}",
    ),
    _f(
        "missing-indicator",
        "error",
        "缺少框架指标“{name}”",
        "the framework's indicator '{name_en}' has no row",
    ),
    _f("empty-block", "error", "“{name}”没有任何指标行", "'{name_en}' has no indicator rows"),
    _f(
        "weights-sum",
        "error",
        "“{name}”各行分值之和与一级指标分值不符",
        "the rows' weights in '{name_en}' do not add up to the block's points",
    ),
    _f(
        "block-capped",
        "warning",
        "“{name}”得分超过一级指标分值，按分值封顶",
        "'{name_en}' scored above its points and was capped",
    ),
    _f(
        "incomplete",
        "warning",
        "有指标无法计分，总分只计可计分部分，不评定等级",
        "some rows could not be scored: the total counts only what could be, and no grade is given",
    ),
    # -- review (reviewing/) ------------------------------------------------------------------
    # -- exports (report/) --------------------------------------------------------------------
)


def code(id: str) -> Code:
    """The code named ``id``; a KeyError names a code that is not in the table (a bug)."""
    return CODES[id]


def messages(id: str, **values: Any) -> tuple[str, str]:
    """Chinese and English messages of code ``id`` with ``values`` filled in."""
    return CODES[id].messages(values)
