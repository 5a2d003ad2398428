"""The reasons a row or the budget row gives, in Chinese and English: why it scored what it did
(rendered when first read, see :class:`~perfscore.report.Deferred`), or why it was not scored."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Optional

from ..decimals import quantize
from ..report import Explanation
from ..rules import BudgetRule, Case, Level
from ..rules.plan import Choice, MethodPlan
from .shown import fmt
from .values import formula_env

__all__ = [
    "REASONS",
    "Source",
    "budget_inputs",
    "explain_budget",
    "explain_formula",
    "explain_level",
    "no_method_en",
    "provenance",
    "reason",
]

_HUNDRED = Decimal(100)
_UNREAD = "target or actual cannot be read"

REASONS: Mapping[str, tuple[str, str]] = {
    "not-applicable": ("不适用，不计分值", "not applicable: carries no weight"),
    "unknown-block": ("一级指标 {block!r} 不在规则集中", "block {block!r} is not in the ruleset"),
    "unknown-indicator": ("三级指标不在框架中", "indicator not in the framework"),
    "weight-unreadable": ("分值无法识别，无法计分", "the weight cell cannot be read"),
    "missing-weight": ("分值为空，无法计分", "no weight: cannot score"),
    "implausible-weight": (
        "分值 {weight} 超出一级指标分值，无法计分",
        "weight {weight} exceeds the block's points: cannot score",
    ),
    # A method not found: the English names the Chinese reason unless the target is a number.
    "unknown-method": ("计分方法 {method!r} 不存在", "{no_method}"),
    "unparseable-target": ("年度指标值 {target!r} 无法识别", "{no_method}"),
    "no-method": ("规则集未为 {key} 指定计分方法", "{no_method}"),
    "level-unknown": ("无法确定达成等级，请注明等级", "level unknown: state the level"),
    "self-stated": (
        "按表中自评得分 {reported} 计（未能从完成情况判断等级，无法复算）",
        "taken at the table's own score {reported} (the level cannot be told from the actual: not recomputable)",
    ),
    "self-stated-weight": (
        "按表中自评得分 {reported} 计（本一级指标的指标行不列分值，无法复算）",
        "taken at the table's own score {reported} (the block's rows carry no weight: not recomputable)",
    ),
    "self-stated-standard": (
        "按表中自评得分 {reported} 计（本表只列评分标准，不列指标值与完成值，无法复算）",
        "taken at the table's own score {reported} (the table prints a scoring rule, no target or actual:"
        " not recomputable)",
    ),
    "self-stated-blank": (
        "本表只列评分标准，本行未填自评得分，无法计分",
        "the table prints a scoring rule, no target or actual, and the row has no score: cannot score",
    ),
    "self-stated-budget": (
        "按表中自评得分 {reported} 计（本表不列预算数与执行数，无法复算）",
        "taken at the table's own score {reported} (the table prints no amounts: not recomputable)",
    ),
    "self-stated-group": (
        "本行无单独得分，组得分计在同组的一行上（合并单元格），按 0 计",
        "no score of its own: the group's score is counted on one row of the group (a merged cell); 0 here",
    ),
    "no-budget": ("{role}引用预算数，但表中没有预算数", _UNREAD),
    "garbled": ("{role} {text!r} 无法识别", _UNREAD),
    "blank": ("{role}为空", _UNREAD),
    "not-a-number": ("{role} {text!r} 不是数值", _UNREAD),
    "unit-mismatch": ("单位不一致（{target} / {actual}）", "units differ ({target} / {actual})"),
    "out-of-range": (
        "无法计分：target or actual out of range (beyond ±{bound})",
        "not scorable: target or actual out of range (beyond ±{bound})",
    ),
    "missing-input": ("缺少输入 {missing}", "missing input {missing}"),
    "formula-failed": ("无法计分：{reason}", "not scorable: {reason}"),
    "budget-out-of-range": (
        "预算执行率超出可计算范围",
        "the execution rate is out of range (beyond ±{bound})",
    ),
    "budget-not-computable": ("预算执行率无法计算", "execution rate cannot be computed"),
}
"""Why a row or the budget row was not scored (or carries no weight), by id: templates over
named values, as :func:`reason` fills them."""


def reason(id: str, values: Mapping[str, Any]) -> tuple[str, str]:
    """The Chinese and English reason ``id`` with ``values`` filled in."""
    zh, en = REASONS[id]
    return zh.format_map(values), en.format_map(values)


Source = tuple[str, str, str, Choice]
"""Where a scored row's rule and weight came from: the evaluation's source (its file, or
``evaluation``), the row's location in it, where the ruleset set its weight ("" when the weight
is the row's own), and the choice of its method."""


def provenance(source: Source) -> dict[str, str]:
    """A scored row's provenance: where its weight, its method and the selection came from."""
    evaluation, where, weight, choice = source
    out = {"weight": weight or f"{evaluation}: {where}.weight", "method": choice.plan.provenance}
    if choice.provenance:
        out["selection"] = choice.provenance
    return out


def explain_formula(
    plan: MethodPlan,
    case: Case,
    inputs: Mapping[str, Decimal],
    derived: Mapping[str, Decimal],
    weight: Decimal,
    target: Optional[Decimal],
    actual: Optional[Decimal],
    unit: str,
    raw: Decimal,
    capped: Decimal,
    points: Decimal,
    *source: Any,
) -> Explanation:
    """A row scored by formula: its W, T, A and unit, its raw, capped and rounded points, and
    the parts of its :data:`Source`, given flat (the deferred call keeps one tuple per row). The
    inputs are rebuilt here rather than kept, so a report does not hold a dict per row that only
    its prose reads (``inputs`` is the row's own, copied when scored)."""
    env = formula_env(plan, derived, inputs, weight, target, actual)
    shown = {name: fmt(env[name]) for name in plan.shown if name in env}
    detail = "，".join(f"{k}={v}{unit if k in ('T', 'A') else ''}" for k, v in shown.items())
    steps = f"{case.score.source} = {fmt(raw)}" + ("" if capped == raw else f" → {fmt(capped)}")
    got = fmt(points)
    evaluation, where = source[0], source[1]
    return Explanation(
        shown,
        f"{plan.name_zh}：{case.reason.zh}（{detail}；{steps}），得 {got} 分",
        f"{plan.name_en}: {case.reason.en or case.reason.zh} ({steps}); {got} points",
        {
            **provenance(source),
            **plan.named,
            **{f"inputs.{n}": f"{evaluation}: {where}.inputs.{n}" for n in plan.method.inputs},
        },
    )


def explain_level(
    plan: MethodPlan, level: Level, how: str, weight: Decimal, points: Decimal, *source: Any
) -> Explanation:
    """A row scored by level: ``how`` says how the level was known; ``source`` the parts of
    its :data:`Source`, given flat."""
    band = f"[{fmt(level.low * weight)}, {fmt(level.high * weight)}{']' if level.high_inclusive else ')'}"
    got = fmt(points)
    return Explanation(
        {"W": fmt(weight), "level": level.label.zh},
        f"{plan.name_zh}：{how}，等级“{level.label.zh}”（分值区间 {band}），得 {got} 分",
        f"{plan.name_en}: level '{level.label.en or level.key}' ({how}); band {band}; {got} points",
        provenance(source),
    )


def budget_inputs(env: Mapping[str, Decimal]) -> dict[str, str]:
    """The budget row's inputs as shown."""
    return {name: fmt(env[name]) for name in ("W", "base", "executed", "rate")}


def explain_budget(
    rule: BudgetRule,
    env: Mapping[str, Decimal],
    scores: tuple[Decimal, Decimal, Decimal],
    where: Mapping[str, str],
) -> Explanation:
    """The budget row, scored: ``scores`` are its raw, capped and rounded points."""
    raw, capped, points = scores
    percent = f"{fmt(quantize(env['rate'] * _HUNDRED, 2))}%"
    printed = not env.get("base")  # no amounts, or a base of 0: the rate as the table prints it
    shown = (
        f"{percent}（表中所列）" if printed else f"{fmt(env['executed'])} / {fmt(env['base'])} = {percent}"
    )
    steps = f"{rule.formula.source} = {fmt(raw)}" + ("" if capped == raw else f" → {fmt(capped)}")
    got = fmt(points)
    return Explanation(
        budget_inputs(env),
        f"执行率 = {shown}；{steps}，{rule.rounding.zh}得 {got} 分",
        f"rate = {percent + ' (as printed)' if printed else shown}; {steps}; rounded ({rule.rounding}) to {got}",
        where,
    )


def no_method_en(reason_zh: str, target_is_number: bool) -> str:
    """The English reason of a row without a method: it names the Chinese reason, unless the
    target is a number."""
    return "no method for this target" if target_is_number else f"no method: {reason_zh}"
