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
    _p("file-too-large", "文件过大：{reason}", "{reason}"),
    _p("toml-syntax", "TOML 语法错误：{reason}", "invalid TOML: {reason}"),
    _p("json-syntax", "JSON 语法错误：{reason}", "invalid JSON: {reason}"),
    _p("too-deep", "数组或表嵌套过深", "arrays or tables nested too deeply"),
    _p(
        "unknown-key",
        "未知的键",
        "unknown key",
        {"comparator": ("未知的比较方式", "unknown comparator kind")},
    ),
    _p(
        "missing-key",
        "缺少必填的键",
        "required key is missing",
        {
            "empty": ("必填的键为空", "required key is empty"),
            "text": ("缺少必填的文字", "required text is missing"),
            "evaluation": ("缺少必填的表 [evaluation]", "required table [evaluation] is missing"),
            "case": (
                "案例文件需要含 name 与 ruleset 的 [case] 表",
                "a case file needs a [case] table with name and ruleset",
            ),
            "expect": ("案例文件需要 [expect] 表", "a case file needs an [expect] table"),
            "sources": ("规则集至少要引用一个来源", "a ruleset must cite at least one source"),
            "cases": ("公式类方法需要 formula 或 cases", "a formula method needs formula or cases"),
            "tiers": ("分档方法至少需要一档", "a tiers method needs at least one tier"),
            "levels": ("定性方法需要等级", "a qualitative method needs levels"),
            "grades": (
                "未设 grading.optional = true 时必须给出等级",
                "grade bands are required unless grading.optional = true",
            ),
        },
    ),
    _p(
        "wrong-type",
        "应为表",
        "must be a table",
        {
            "array": ("应为数组", "must be an array"),
            "method": ("应为方法名", "must be a method name"),
            "tables": ("应为由表组成的数组", "must be an array of tables"),
            "string": ("应为字符串", "must be a string"),
            "number": ("应为数字", "must be a number"),
            "boolean": ("应为 true 或 false", "must be true or false"),
            "formula": ("应为公式字符串", "must be a formula string"),
            "ruleset-id": ("应为规则集 id", "must be a ruleset id"),
            "text": ("应为文字", "must be text"),
            "flag": ("应为 true/false（或 是/否）", "must be true/false (or 是/否)"),
            "object": ("应为对象", "must be an object"),
            "row-points": ("应为 行 → 分数 的表", "must be a table of row → points"),
            "codes": ("应为代码列表（或 代码@位置）", "must be a list of codes (or code@location)"),
        },
    ),
    _p(
        "bad-number",
        "数字不可用：{reason}",
        "{reason}",
        {
            "positive": ("应大于 0", "must be > 0"),
            "non-negative": ("应大于或等于 0", "must be ≥ 0"),
            "text": ("数字太长，不能作为文字", "number too long to be text"),
        },
    ),
    _p(
        "not-a-number",
        "不是数字",
        "must be a number",
        {  # scoring: a quantitative method given a cell that is no number
            "quantitative": (
                "{role}不是数值，无法按定量方法计分",
                "the {column} is not a number for a quantitative method",
            )
        },
    ),
    _p(
        "bad-year",
        "应为年份",
        "must be a year",
        {"from": ("应为不早于 {year} 的年份", "must be a year ≥ {year}")},
    ),
    _p("bad-form", "未知的表格类型", "unknown form"),
    # -- rulesets (rules/) --------------------------------------------------------------------
    _p("bad-schema", "不支持的 schema 版本", "unsupported schema version"),
    _p("bad-id", "只能含小写字母、数字、'-' 或 '_'", "must be lower-case letters, digits, '-' or '_'"),
    _p("bad-region", "应为 GB/T 2260 六位代码或 CN", "must be a GB/T 2260 code (6 digits) or CN"),
    _p("bad-evidence", "未知的证据等级", "unknown evidence level"),
    _p(
        "bad-rounding",
        "应为 0 到 6 的整数",
        "must be an integer from 0 to 6",
        {"mode": ("未知的舍入方式", "unknown rounding mode")},
    ),
    _p("bad-policy", "未知的不适用处理方式", "unknown 不适用 policy"),
    _p(
        "bad-param",
        "参数名须为标识符，且不能是 W、T、A、rate、base 或 executed",
        "parameter names are identifiers, not W, T, A, rate, base or executed",
    ),
    _p("bad-kind", "未知的方法类型", "unknown method kind"),
    _p(
        "bad-input",
        "输入名须为 W、T、A 以外的标识符",
        "input names are identifiers other than W, T, A",
        {
            "base": (
                "基础数据名须为 W、T、A 以外的标识符",
                "base-data names are identifiers other than W, T, A",
            ),
            "derived": (
                "派生值名须为标识符，且不能与 W、T、A、基础数据或参数重名",
                "derived names are identifiers not used by W, T, A, base data or params",
            ),
        },
    ),
    _p("bad-tier", "下限不能超过上限", "min must not exceed max"),
    _p(
        "bad-level",
        "须满足 0 ≤ low ≤ score ≤ high ≤ 1（占分值的比例）",
        "need 0 ≤ low ≤ score ≤ high ≤ 1 (fractions of the weight)",
    ),
    _p(
        "level-gap",
        "等级区间须从高到低首尾相接",
        "level bands must be contiguous, best first",
        {"cover": ("等级区间须覆盖分值的 0 到 1", "level bands must cover 0 to 1 of the weight")},
    ),
    _p("bad-base", "未知的预算基数", "unknown budget base"),
    _p(
        "conflicting-keys",
        "formula 与 cases 只能给一个",
        "give either formula or cases, not both",
        {
            "derived": ("formula 与 count 须且只能给一个", "give exactly one of formula or count"),
            "block-method": (
                '块的 method = "{method}"（整块同一方法）与 selection 表（按目标类型选方法）只能给一个',
                'write either method = "{method}" (every row of the block) or a selection table '
                "(a method for each kind of target), not both",
            ),
            "param": (
                "{name} 已在 {where} 设为 {value}：一个名称只能有一个值。请在 [params] 中为每个常数各写一次，"
                "名称说明其含义（如 {suggested}）",
                "{name} is also set, to {value}, at {where}: a name has one value. Write every constant "
                "once in [params], with a name that says what it is (e.g. {suggested})",
            ),
        },
    ),
    _p(
        "abstract-ruleset",
        "{ruleset} 是抽象基础规则集（abstract = true）：供其他框架继承，不能直接计分；请加载继承它的规则集",
        "{ruleset} is an abstract base (abstract = true): frameworks extend it, nothing scores with it; "
        "load a ruleset that extends it",
    ),
    _p("unreachable-case", "没有 when 的情形必须放在最后", "a case without 'when' must be the last one"),
    _p(
        "duplicate-key",
        "来源 id 不能重复",
        "source ids must be unique",
        {
            "block": ("一级指标的 key 不能重复", "block keys must be unique"),
            "indicator": ("同一一级指标内的指标 key 不能重复", "indicator keys must be unique in a block"),
            "grade": ("等级名称与别名不能重复", "grade labels and aliases must be unique"),
        },
    ),
    _p("unknown-source", "没有这个 id 的来源", "no source with this id"),
    _p("unknown-derived", "没有这个名字的派生值", "no derived value with this name"),
    _p(
        "nothing-to-remove",
        "remove = true，但父规则集没有这个 key 的条目",
        "remove = true, but the parent ruleset has no entry with this key",
        {
            "no-parent": (
                "remove = true 需要父规则集（extends）",
                "remove = true needs a parent ruleset (extends) to remove from",
            )
        },
    ),
    _p(
        "formula-condition",
        "须得出数值，但此公式是条件（真或假）",
        "must give a number, but this formula is a condition (true or false)",
    ),
    _p(
        "alias-collision",
        "别名是另一规则集的 id（{other}，{file}）",
        "alias is the id of another ruleset ({other}, {file})",
        {
            "claimed": (
                "别名已被另一规则集使用（{other}，{file}）",
                "alias is also claimed by another ruleset ({other}, {file})",
            )
        },
    ),
    _p(
        "weights-sum",
        "各指标分值之和须等于一级指标的分值",
        "indicator weights must add up to the block's points",
        {
            "budget": (
                "各指标分值与预算执行率分值之和须等于一级指标的分值",
                "indicator weights and the budget row must add up to the block's points",
            ),
            "rows": (  # scoring: a table's rows under a block whose rows are its own
                "“{name}”各行分值之和与一级指标分值不符",
                "the rows' weights in '{name_en}' do not add up to the block's points",
            ),
        },
    ),
    _p(
        "points-sum",
        "各一级指标分值与预算执行率分值之和须等于总分",
        "block points and the budget row must add up to the total",
    ),
    _p("grade-order", "等级须从高到低列出", "list grade bands from the highest down"),
    _p(
        "grade-gap",
        "等级区间须相接：{label!r} 与上一档之间有空隙",
        "grade bands must meet: gap between {label!r} and the band above",
        {
            "top": ("最高一档须达到总分", "the top band must reach the total"),
            "bottom": ("最低一档须从 0 开始", "the lowest band must start at 0"),
        },
    ),
    _p(
        "grade-overlap",
        "等级区间须相接：{label!r} 与上一档重叠",
        "grade bands must meet: overlap between {label!r} and the band above",
    ),
    _p("grade-empty", "区间为空", "band is empty"),
    _p("unknown-parent", "没有这个 id 的规则集可继承", "no ruleset with this id to extend"),
    _p("parent-edition", "父规则集在该年度没有有效版本：{reason}", "{reason}"),
    _p("extends-too-deep", "继承链超过 {limit} 层：{chain}", "extends chain longer than {limit}: {chain}"),
    _p("extends-cycle", "继承成环：{chain}", "extends cycle: {chain}"),
    _p("too-many-problems", "另有 {count} 个问题未列出", "and {count} more problem(s), not listed"),
    # -- evaluations and forms (evaluations/) -------------------------------------------------
    _p("unknown-format", "不是可读取的自评表：{reason}", "{reason}"),
    _p("too-large", "超出读取上限：{what}", "too large: {what}"),
    # -- scoring (scoring/) -------------------------------------------------------------------
    # (not-a-number and weights-sum are listed with the rulesets' problems, with scoring's variants)
    _p(
        "ruleset-not-an-id",
        "自评表只能以编号或别名指定规则集，不能指定文件路径；规则集文件由调用方选择（--ruleset FILE, load_ruleset(path)）",
        "an evaluation names its ruleset by id or alias, not by file path; the caller chooses a"
        " ruleset file (--ruleset FILE, load_ruleset(path))",
    ),
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
    _f(
        "missing-value",
        "error",
        "{role}为空",
        "the {column} cell is empty",
        {
            "budget": (
                "{role}引用预算数，但表中没有预算数",
                "the cell refers to the budget, but the table gives no budget amount",
            )
        },
    ),
    _f("garbled-cell", "error", "{role}无法识别（{note}）", "the {column} cell is garbled ({problem})"),
    _f(
        "unit-mismatch",
        "error",
        "实际完成值与年度指标值单位不一致",
        "the actual's unit does not match the target's",
    ),
    _f("missing-input", "error", "缺少计分方法所需的输入", "an input the method needs is missing"),
    _f(
        "not-scorable",
        "error",
        "该行无法按规则计分",
        "the row cannot be scored: {reason}",
        {
            "range": (
                "年度指标值或实际完成值超出可计算范围",
                "the row cannot be scored: target or actual out of range (beyond ±{bound})",
            )
        },
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
        {
            "range": ("预算执行率超出可计算范围", "the execution rate is out of range (beyond ±{bound})"),
            "formula": ("预算执行率得分无法计算", "{reason}"),
        },
    ),
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
