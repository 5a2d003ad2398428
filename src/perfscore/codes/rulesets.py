"""Codes: rulesets (rules/)."""

from __future__ import annotations

from .code import Code, problem

CODES: tuple[Code, ...] = (
    problem("bad-schema", "不支持的 schema 版本", "unsupported schema version"),
    problem("bad-id", "只能含小写字母、数字、'-' 或 '_'", "must be lower-case letters, digits, '-' or '_'"),
    problem("bad-region", "应为 GB/T 2260 六位代码或 CN", "must be a GB/T 2260 code (6 digits) or CN"),
    problem("bad-evidence", "未知的证据等级", "unknown evidence level"),
    problem(
        "bad-rounding",
        "应为 0 到 6 的整数",
        "must be an integer from 0 to 6",
        {"mode": ("未知的舍入方式", "unknown rounding mode")},
    ),
    problem("bad-policy", "未知的不适用处理方式", "unknown 不适用 policy"),
    problem(
        "bad-param",
        "参数名须为标识符，且不能是 W、T、A、rate、base 或 executed",
        "parameter names are identifiers, not W, T, A, rate, base or executed",
    ),
    problem("bad-kind", "未知的方法类型", "unknown method kind"),
    problem(
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
    problem("bad-tier", "下限不能超过上限", "min must not exceed max"),
    problem(
        "bad-level",
        "须满足 0 ≤ low ≤ score ≤ high ≤ 1（占分值的比例）",
        "need 0 ≤ low ≤ score ≤ high ≤ 1 (fractions of the weight)",
    ),
    problem(
        "level-gap",
        "等级区间须从高到低首尾相接",
        "level bands must be contiguous, best first",
        {"cover": ("等级区间须覆盖分值的 0 到 1", "level bands must cover 0 to 1 of the weight")},
    ),
    problem("bad-base", "未知的预算基数", "unknown budget base"),
    problem(
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
    problem(
        "abstract-ruleset",
        "{ruleset} 是抽象基础规则集（abstract = true）：供其他框架继承，不能直接计分；请加载继承它的规则集",
        "{ruleset} is an abstract base (abstract = true): frameworks extend it, nothing scores with it; "
        "load a ruleset that extends it",
    ),
    problem("unreachable-case", "没有 when 的情形必须放在最后", "a case without 'when' must be the last one"),
    problem(
        "duplicate-key",
        "来源 id 不能重复",
        "source ids must be unique",
        {
            "block": ("一级指标的 key 不能重复", "block keys must be unique"),
            "indicator": ("同一一级指标内的指标 key 不能重复", "indicator keys must be unique in a block"),
            "grade": ("等级名称与别名不能重复", "grade labels and aliases must be unique"),
        },
    ),
    problem("unknown-source", "没有这个 id 的来源", "no source with this id"),
    problem("unknown-derived", "没有这个名字的派生值", "no derived value with this name"),
    problem(
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
    problem(
        "formula-condition",
        "须得出数值，但此公式是条件（真或假）",
        "must give a number, but this formula is a condition (true or false)",
    ),
    problem(
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
    problem(
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
    problem(
        "points-sum",
        "各一级指标分值与预算执行率分值之和须等于总分",
        "block points and the budget row must add up to the total",
    ),
    problem("grade-order", "等级须从高到低列出", "list grade bands from the highest down"),
    problem(
        "grade-gap",
        "等级区间须相接：{label!r} 与上一档之间有空隙",
        "grade bands must meet: gap between {label!r} and the band above",
        {
            "top": ("最高一档须达到总分", "the top band must reach the total"),
            "bottom": ("最低一档须从 0 开始", "the lowest band must start at 0"),
        },
    ),
    problem(
        "grade-overlap",
        "等级区间须相接：{label!r} 与上一档重叠",
        "grade bands must meet: overlap between {label!r} and the band above",
    ),
    problem("grade-empty", "区间为空", "band is empty"),
    problem("unknown-parent", "没有这个 id 的规则集可继承", "no ruleset with this id to extend"),
    problem("parent-edition", "父规则集在该年度没有有效版本：{reason}", "{reason}"),
    problem(
        "extends-too-deep", "继承链超过 {limit} 层：{chain}", "extends chain longer than {limit}: {chain}"
    ),
    problem("extends-cycle", "继承成环：{chain}", "extends cycle: {chain}"),
    problem("too-many-problems", "另有 {count} 个问题未列出", "and {count} more problem(s), not listed"),
)
