"""The header vocabulary of self-evaluation forms, as data: each column role → the header texts
that name it, in order of preference.

Headers are compared as :func:`~.layout.label_key` gives them: no spaces, no trailing colon, no
final bracket ("分值（分）" → 分值, "年初预算数(A)" → 年初预算数, "权重占比(%)" → 权重占比), and
"（" / "）" written "(" / ")". When a header row names a role twice (河北's 单项指标得分 and
单项指标折算得分 are both scores), the column whose header comes first in the role's tuple takes
the role and the other is kept among the row's ``extra`` columns under its own header.

A caller extends the vocabulary without touching this file: ``Layout.extended({"score":
("考核得分",)})`` (or ``vocabulary=`` of :func:`~.tables.evaluations_from_grid`) adds synonyms
after the ones here. Sources of the synonyms: DOMAIN §7.2 (published forms of 12 provinces).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "BUDGET_COLUMNS",
    "BUDGET_TOTALS",
    "EXTRA_COLUMNS",
    "FUND_ENDINGS",
    "GRADE_LABELS",
    "INDICATOR_COLUMNS",
    "META_LABELS",
    "NOTE_PREFIXES",
    "SCORE_LABELS",
    "STANDARD_COLUMNS",
    "TITLE_MARKS",
    "TOTAL_ROW",
    "YEAR_LABELS",
]

INDICATOR_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "group": ("年度绩效目标", "绩效目标", "分目标"),
    "block": ("一级指标",),
    "category": ("二级指标",),
    "name": ("三级指标", "指标名称", "三级指标名称", "绩效指标名称", "指标内容"),
    "target": ("年度指标值", "指标值", "年度目标值", "目标值", "年初指标值", "调整指标值", "预期指标值"),
    "actual": (
        "实际完成值",
        "全年实际值",
        "完成值",
        "实际值",
        "全年实际完成值",
        "全年完成值",
        "实际完成指标值",
    ),
    "weight": ("分值", "权重", "指标分值", "指标权重", "权重占比", "权重(分)"),
    "score": (
        "自评得分",
        "得分",
        "自评分",
        "指标得分",
        "单项指标折算得分",
        "折算得分",
        "评价得分",
    ),
    "note": ("偏差原因分析及改进措施", "未完成原因分析", "偏差原因分析", "偏差原因"),
    "sign": ("指标性质",),
    "unit": ("度量单位", "计量单位"),
    "core": ("是否核心指标", "核心指标"),
}
"""The indicator header row. ``name``, ``target``, ``actual`` and one of ``weight`` / ``score``
make a row the header (a table with points only in its block labels has no weight column).
``group`` is a goal column (湖北: 年度绩效目标1(40分) merged down the rows of its goal)."""

STANDARD_COLUMNS: tuple[str, ...] = (
    "评分标准",
    "评分细则",
    "评分办法",
    "评分要点",
    "评价标准",
    "计分方法",
    "得分计算方法",
)
"""The scoring rule printed beside each row. A header with a 三级指标, a 分值, a 得分 and one of
these, and no 指标值 / 完成值 at all, is a scoring-standard table (广东 专项资金 on 投入 / 过程 /
产出 / 效益; 湖北 county 项目决策 / 项目管理 / 项目绩效): each row judged against the rule, its
score the table's own."""

EXTRA_COLUMNS: tuple[str, ...] = (
    *STANDARD_COLUMNS,
    "指标说明",
    "指标解释",
    "复核分",
    "复核得分",
    "财政审核评分",
    "财政复核评分",
    "得分系数",
    "单项指标得分",
    "指标方向",
    "备注",
)
"""Columns kept as written in a row's ``extra`` (nothing in them is scored), with every column
whose header is a synonym that lost its role to a preferred one."""

NOTE_PREFIXES = ("偏差原因", "未完成原因")
"""A header starting with one of these is the note column when no header names it exactly."""

BUDGET_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "initial": ("年初预算数", "年初预算", "年初预算金额"),
    "full_year": ("全年预算数", "调整后预算数", "全年预算", "调整后预算", "调整预算数", "全年预算金额"),
    "executed": ("全年执行数", "预算执行数", "执行数", "全年执行", "实际执行数", "实际支出数", "全年支出数"),
    "adjustment": ("预算调整数",),
    "points": ("分值", "权重"),
    "rate": ("执行率", "预算执行率", "执行率(B/A)"),
    "score": ("自评得分", "得分", "自评分"),
    "note": ("原因", "偏差原因", "偏差说明", "原因说明", "偏差原因分析"),
}
"""The 项目资金 / 预算执行情况 block's header row. 调整预算数 is the budget after adjustment (四川,
湖北, 银川 print it where the national form prints 全年预算数); 预算调整数 is the change."""

BUDGET_TOTALS = ("年度资金总额", "资金总额", "年度资金合计", "合计", "总计", "资金合计")
"""Labels of the budget block's total row."""

FUND_ENDINGS = ("资金", "拨款", "结转", "收入", "经费")
"""Endings of a fund line's name (财政拨款, 上年结转资金), for a block without a side label."""

META_LABELS: Mapping[str, tuple[str, ...]] = {
    "project": ("项目支出名称", "项目名称", "专项资金名称"),
    "department": ("主管部门", "主管部门及代码", "主管单位"),
    "unit": ("实施单位", "预算单位名称", "预算单位", "单位名称", "部门名称", "部门(单位)名称", "填报单位"),
}
"""The header-area cells naming the project, department and unit: a label and the value after
it (in the next cell, or in the same cell after a colon)."""

SCORE_LABELS = ("自评得分", "自评总分", "自评分", "总得分", "综合得分", "自评总得分")
"""A self score printed in the header area ("自评得分 92", "自评总分：92分")."""

GRADE_LABELS = ("自评等级", "评价等级", "绩效等级", "自评结果", "等级")
"""A grade printed in the header area ("自评等级：优")."""

YEAR_LABELS = ("年度", "评价年度", "所属年度", "预算年度", "项目年度")
"""A year printed in the header area ("评价年度：2021"), for a title that names none."""

TOTAL_ROW = ("总分", "合计", "总计", "总得分", "合计得分", "自评总分")
"""Labels of the row that ends the indicator rows."""

TITLE_MARKS = ("自评表", "自评情况表", "自评结果表", "评价表")
"""What a title holds (spaces aside); one of them."""
