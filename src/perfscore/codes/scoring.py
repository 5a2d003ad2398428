"""Codes: scoring (scoring/)."""

from __future__ import annotations

from .code import Code, finding, problem

CODES: tuple[Code, ...] = (
    # (not-a-number and weights-sum are listed with the rulesets' problems, with scoring's variants)
    problem(
        "ruleset-not-an-id",
        "自评表只能以编号或别名指定规则集，不能指定文件路径；规则集文件由调用方选择（--ruleset FILE, load_ruleset(path)）",
        "an evaluation names its ruleset by id or alias, not by file path; the caller chooses a"
        " ruleset file (--ruleset FILE, load_ruleset(path))",
    ),
    problem(
        "bad-weight-rule",
        "一级指标的 weights 只能是 stated、divided 或 unstated",
        "a block's weights is one of stated, divided, unstated",
    ),
    problem(
        "several-default-blocks",
        "只能有一个一级指标设 default = true（无一级指标列的行归入它）",
        "at most one block may be the default (default = true) for rows with no block cell",
    ),
    finding(
        "self-stated",
        "info",
        "按表中自评得分计，无法复算：未能从完成情况判断达成等级",
        "taken at the table's own score, not recomputable: the level cannot be told from the actual",
        {
            "weight": (
                "按表中自评得分计，无法复算：该一级指标的指标行不列分值",
                "taken at the table's own score, not recomputable: the block's rows carry no weight",
            ),
            "group": (
                "本行无单独得分（合并单元格的组得分计在同组的一行上），按 0 计入，无法复算",
                "no score of its own (a group score on a merged cell is counted on one row of the"
                " group): counted as 0, not recomputable",
            ),
            "standard": (
                "本表只列评分标准，不列指标值与完成值：{count} 行按表中自评得分计，无法复算",
                "the table prints a scoring rule, no target and no actual: {count} row(s) taken at"
                " the table's own scores, not recomputable",
            ),
            "budget": (
                "预算执行率按表中自评得分计，无法复算：本表只列评分标准，不列预算数与执行数",
                "the budget row is taken at the table's own score, not recomputable: the table prints"
                " a scoring rule, no amounts",
            ),
        },
    ),
    finding(
        "budget-rate-as-printed",
        "info",
        "表中未列预算数与执行数，执行率按表中所列计，无法复算",
        "the table gives no budget amounts: the execution rate is taken as printed, not recomputed",
        {
            "zero-base": (
                "预算数为 0（{base}），执行率按表中所列计，无法由金额复算",
                "the budget amount the rate divides by is 0 ({base}): the execution rate is taken as"
                " printed, not recomputed",
            )
        },
    ),
    finding(
        "weights-drift",
        "info",
        "三级指标分值按 {points} ÷ {rows} 四舍五入取整，合计 {sum}，与一级指标分值 {points} 的差异由取整造成",
        "row weights are {points} ÷ {rows} rounded to whole points: they sum to {sum}, not"
        " {points}, by rounding",
    ),
    finding(
        "weight-on-not-applicable", "warning", "不适用行不应有分值", "a not-applicable row carries a weight"
    ),
    finding("weight-differs", "warning", "分值与规则集不一致", "the weight differs from the ruleset's"),
    finding("missing-weight", "error", "分值为空", "the weight cell is empty"),
    finding(
        "implausible-weight",
        "error",
        "分值 {weight} 不可能是本一级指标（{points} 分）下的分值",
        "{weight} cannot be a weight in a block of {points} points",
    ),
    finding("questionable-cell", "warning", "{notes}", "the {column} cell: {problem}"),
    finding(
        "unreadable-cell", "error", "单元格应为数值，无法识别", "the {column} cell cannot be read as a number"
    ),
    finding(
        "missing-base",
        "info",
        "缺少基础数据：{missing}（需要它的行另有错误提示）",
        "base data missing: {missing} (a row that needs it says so in its own error)",
    ),
    finding("derived-not-computable", "error", "“{label}”无法计算", "'{name}' cannot be computed: {reason}"),
    finding("unknown-block", "error", "一级指标不在规则集中", "the first-level block is not in the ruleset"),
    finding(
        "unknown-indicator",
        "error",
        "三级指标不在规则集的框架中",
        "the indicator is not in the ruleset's framework",
    ),
    finding("unknown-method", "error", "规则集中没有该计分方法", "no such method in the ruleset"),
    finding(
        "unparseable-target", "error", "年度指标值无法识别", "the target cell cannot be read ({problem})"
    ),
    finding(
        "no-method",
        "error",
        "规则集没有为此类指标值指定计分方法",
        "the ruleset names no method for this kind of target",
    ),
    finding(
        "level-unknown", "error", "无法确定定性指标的达成等级", "the qualitative level cannot be determined"
    ),
    finding(
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
    finding("garbled-cell", "error", "{role}无法识别（{note}）", "the {column} cell is garbled ({problem})"),
    finding(
        "unit-mismatch",
        "error",
        "实际完成值与年度指标值单位不一致",
        "the actual's unit does not match the target's",
    ),
    finding("missing-input", "error", "缺少计分方法所需的输入", "an input the method needs is missing"),
    finding(
        "block-points-stated",
        "info",
        "按表中所列一级指标分值计分：{stated}（规则集原则上为 {usual}）",
        "scored on the blocks' points the table states: {stated} (the ruleset's, in principle: {usual})",
    ),
    finding(
        "input-ambiguous",
        "error",
        "{column} 列的数值 {text} 无法判断是百分数还是小数（请写作百分数，如 95%）",
        "the {column} cell {text} may be a fraction or a percentage, and the table's scores do not"
        " tell (write it as a percentage, e.g. 95%)",
    ),
    finding(
        "input-unreadable",
        "error",
        "{column} 列的内容 {text} 不是可用的数值",
        "the {column} cell {text} is not a number the method can use",
        {
            "negative": (
                "{column} 列的数值 {text} 为负数（按百分数计，应不小于 0）",
                "the {column} cell {text} is negative (a percentage here is 0 or more)",
            )
        },
    ),
    finding(
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
    finding(
        "budget-points-differ",
        "warning",
        "预算执行率分值与规则集不一致",
        "the budget row's points differ from the ruleset's",
    ),
    finding(
        "budget-not-scorable",
        "error",
        "预算执行率无法计算（预算数或执行数缺失或为 0）",
        "the execution rate cannot be computed (amount missing or zero)",
        {
            "range": ("预算执行率超出可计算范围", "the execution rate is out of range (beyond ±{bound})"),
            "formula": ("预算执行率得分无法计算", "{reason}"),
        },
    ),
    finding(
        "framework-mismatch",
        "error",
        "表中的一级指标（{blocks}）都不在规则集 {ruleset} 的框架（{framework}）中：本表采用另一框架，请用"
        " --ruleset 指定 {candidates}",
        "none of the table's blocks ({blocks}) is in the framework of {ruleset} ({framework}): the table"
        " uses another framework; pass --ruleset {candidates}",
        {
            "none": (
                "表中的一级指标（{blocks}）都不在规则集 {ruleset} 的框架（{framework}）中，已发布的规则集也"
                "没有采用此框架的：请按本表的框架编写规则集（见 docs/ruleset-format.md），用 --ruleset 指定",
                "none of the table's blocks ({blocks}) is in the framework of {ruleset} ({framework}), and no"
                " shipped ruleset has this framework: write one for it (docs/ruleset-format.md) and pass"
                " --ruleset FILE",
            )
        },
    ),
    finding(
        "ruleset-of-another-region",
        "info",
        "本表地区为 {region}，按 {ruleset_region} 的规则集 {ruleset} 计分",
        "scored under {ruleset}, a ruleset for region {ruleset_region}; the table is for {region}",
    ),
    finding(
        "missing-indicator",
        "error",
        "缺少框架指标“{name}”",
        "the framework's indicator '{name_en}' has no row",
    ),
    finding("empty-block", "error", "“{name}”没有任何指标行", "'{name_en}' has no indicator rows"),
    finding(
        "block-capped",
        "warning",
        "“{name}”得分超过一级指标分值，按分值封顶",
        "'{name_en}' scored above its points and was capped",
    ),
    finding(
        "incomplete",
        "warning",
        "有指标无法计分，总分只计可计分部分，不评定等级",
        "some rows could not be scored: the total counts only what could be, and no grade is given",
    ),
)
