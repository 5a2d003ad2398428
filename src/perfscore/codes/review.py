"""Codes: review (reviewing/)."""

from __future__ import annotations

from .code import Code, finding

CODES: tuple[Code, ...] = (
    finding(
        "score-above-weight",
        "error",
        "自评得分超过分值",
        "the self-reported score is above the weight",
        {
            "group": (
                "合并单元格上的组得分超过本组各指标分值之和",
                "the group's score on a merged cell is above the sum of the group's weights",
            )
        },
    ),
    finding(
        "full-marks-unmet",
        "error",
        "未完成目标却自评满分",
        "full marks reported on a target that was not met",
        {
            "band": (
                "未达成最高等级却自评满分",
                "full marks reported on a qualitative row below the top level",
            )
        },
    ),
    finding(
        "reported-above-computed",
        "error",
        "自评得分高于按规则计算的得分",
        "the self-reported score is above the rule-computed score",
        {
            "group": (
                "合并单元格上的组得分高于本组各指标按规则计算的得分之和（按表内精度 {precision}）",
                "the group's score on a merged cell is above the sum of the rule-computed scores of"
                " its rows (at the table's precision, {precision_en})",
            ),
            "band": (
                "自评得分高于所注等级的分值区间（按表内精度 {precision}）",
                "the self-reported score is above the band of the row's level"
                " (at the table's precision, {precision_en})",
            ),
        },
    ),
    finding(
        "self-deduction",
        "warning",
        "自评得分低于按规则计算的得分",
        "the self-reported score is below the rule-computed score",
        {
            "group": (
                "合并单元格上的组得分低于本组各指标按规则计算的得分之和（如实列示，不予更正）",
                "the group's score on a merged cell is below the sum of the rule-computed scores of"
                " its rows: shown as reported, not corrected",
            ),
            "met": (
                "已完成目标仍自行扣分（如实列示，不予更正）",
                "points deducted on a met target: allowed, worth seeing; shown as reported, not corrected",
            ),
            "band": (
                "自评得分低于所注等级的分值区间（如实列示，不予更正）",
                "the self-reported score is below the band of the row's level: shown as reported,"
                " not corrected",
            ),
        },
    ),
    finding(
        "missed-target-full-score",
        "warning",
        "数值指标明显未完成（{achieved}），自评却接近满分",
        "a numeric target clearly missed ({achieved}) yet scored at or near full marks",
        {
            "level": (
                "数值指标明显未完成（{achieved}），却按“{level}”等级接近满分",
                "a numeric target clearly missed ({achieved}) yet given the level '{level}'"
                " at or near full marks",
            ),
            "coefficient": (
                "数值指标明显未完成（{achieved}），得分系数却接近 100%",
                "a numeric target clearly missed ({achieved}) yet given a coefficient at or near 100%",
            ),
        },
    ),
    finding(
        "agrees-at-precision",
        "info",
        "按表内精度（{precision}）一致：{how}",
        "consistent at the table's precision ({precision_en}): {how_en}",
    ),
    finding(
        "check-not-run",
        "info",
        "未能核对：{why}",
        "not checked: {why_en}",
    ),
    finding(
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
    finding(
        "weights-total",
        "error",
        "各指标分值与预算执行率分值之和不等于总分（预算执行率按规则集所在位置计入一次）",
        "the weights and the budget row's points (counted once, where the ruleset puts it) do not"
        " add up to the total",
    ),
    finding(
        "budget-lines-sum",
        "error",
        "{column_zh}各分项之和与合计不符",
        "the sub-rows' {column_en} amounts do not add up to the stated total",
    ),
    finding("rate-unreadable", "error", "执行率无法识别", "the printed rate cannot be read"),
    finding(
        "rate-mismatch",
        "error",
        "表中执行率与 执行数/预算数 不符",
        "the printed execution rate does not equal executed / budget",
    ),
    finding(
        "budget-score-mismatch",
        "error",
        "预算执行率得分与规则不符",
        "the budget row's score does not follow the ruleset's rule",
    ),
    finding(
        "reported-total-mismatch",
        "error",
        "总分与各项自评得分之和不符",
        "the reported total is not the sum of the reported scores",
    ),
    finding(
        "unknown-grade", "error", "等级名称不在规则集的等级中", "the grade label is not one of the ruleset's"
    ),
    finding("grade-mismatch", "error", "等级与总分所在档次不符", "the grade does not match the total's band"),
)
