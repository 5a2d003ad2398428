"""Any grid a reader may hand over — a table laid out in ways nobody planned, cells shuffled,
merged at random, numbers broken — is read, scored and reviewed without an exception other than
perfscore's own located errors. Grids are built from the pieces real forms are made of (the
header vocabulary, block labels with points, cells as units write them, titles, the budget
block, header-area scores), so the reader gets far enough to find tables in most of them."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfscore
from conftest import SLOW
from perfscore.errors import PerfscoreError
from perfscore.evaluations import Cell, evaluations_from_grid
from perfscore.evaluations.vocabulary import BUDGET_COLUMNS, EXTRA_COLUMNS, INDICATOR_COLUMNS

HEADERS = sorted(
    {t for ts in INDICATOR_COLUMNS.values() for t in ts}
    | {t for ts in BUDGET_COLUMNS.values() for t in ts}
    | set(EXTRA_COLUMNS)
)
PIECES = (
    "产出指标(50分)", "效益指标（30分）", "满意度指标", "年度绩效目标1(40分)", "成本指标", "数量指标",
    "质量指标", "时效指标", "社会效益指标", "服务对象满意度指标", "培训人次", "合格率", "≥95%", "100%",
    "≤10万元", "=0", "按时完成", "达成年度指标", "不适用", "不适应", "无", "", " ", "10", "9.5", "20",
    "0", "-3", "abc", "1,234.5", "95%", "90.6%", "1e400", "9" * 40, "≥", "%", "人次", "个", "定性",
    "2021年度项目支出绩效自评表", "（2022年度）", "部门整体支出绩效自评表", "主管部门：某某局",
    "实施单位：某某县农业农村局", "项目名称：高标准农田建设", "自评得分 95", "自评总分：88.5", "总分",
    "合计", "年度资金总额", "其中：财政拨款", "上年结转资金", "其他资金", "优", "良", "—", "/", "是", "否",
    "偏差原因分析及改进措施", "得分系数", "0.95", "合并",
)  # fmt: skip
TEXT = st.one_of(st.sampled_from(HEADERS), st.sampled_from(PIECES), st.text(max_size=8))


ROLES = {  # a column role → what its cells hold in a row as units write it (and break it)
    "block": (
        "产出指标(50分)",
        "效益指标（30分）",
        "满意度指标(10分)",
        "年度绩效目标1(40分)",
        "",
        "绩效指标",
    ),
    "category": ("数量指标", "质量指标", "时效指标", "成本指标", "社会效益指标", "服务对象满意度指标", ""),
    "name": ("培训人次", "合格率", "按时完成率", "总成本", "满意度", "不适用", "", "预算执行率"),
    "target": ("≥95%", "100%", "≤10万元", "=0", "按时完成", "≥500人次", "", "不适用", "≥"),
    "actual": ("96%", "100%", "9.8万元", "0", "按时完成", "达成年度指标", "470人次", "", "abc", "1e400"),
    "weight": ("10", "20", "15", "", "abc", "0", "-3", "9.5", "1,234.5", "9" * 40),
    "score": ("10", "9.5", "", "18.8", "abc", "30", "0", "100"),
    "note": ("", "部分学员未能参训", "无"),
}


@st.composite
def grids(draw: Any) -> list[list[Cell]]:
    """A title area, a header row naming the columns (their roles shuffled, some left out, some
    columns extra), rows that mostly fill those roles with cells as units write them, a few rows
    of anything; some cells merged (down or across) with the cell above or to their left."""
    roles = draw(st.permutations(list(ROLES)))
    roles = [r for r in roles if r in ("name", "target", "actual") or draw(st.booleans())]
    roles += ["extra"] * draw(st.integers(0, 2))
    header = [draw(st.sampled_from(INDICATOR_COLUMNS.get(r, EXTRA_COLUMNS))) for r in roles]
    rows: list[list[str]] = [
        draw(st.lists(st.sampled_from(PIECES), max_size=3)) for _ in range(draw(st.integers(0, 3)))
    ]
    rows.append(header)
    for _ in range(draw(st.integers(0, 12))):
        if draw(st.integers(0, 4)):
            rows.append([draw(st.sampled_from(ROLES.get(r, PIECES))) for r in roles])
        else:
            rows.append(draw(st.lists(TEXT, max_size=len(roles) + 1)))
    width = len(roles)
    merged = draw(st.sets(st.tuples(st.integers(0, len(rows) - 1), st.integers(0, width)), max_size=8))
    grid: list[list[Cell]] = []
    for r, texts in enumerate(rows):
        line = []
        for c, text in enumerate(texts):
            anchor = ""
            if (r, c) in merged and r > 0 and c < len(rows[r - 1]):
                anchor, text = f"S!R{r}C{c + 1}", rows[r - 1][c]  # down a column: the text repeats
            elif (r, c) in merged and c > 0:
                anchor, text = f"S!R{r + 1}C{c}", ""
            line.append(Cell(text, f"S!R{r + 1}C{c + 1}", anchor))
        grid.append(line)
    return grid


@settings(SLOW, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(grids(), st.sampled_from(["", "430000", "500000", "420100", "CN", "110000"]))
def test_any_grid_reads_scores_and_reviews_or_says_why(grid: list[list[Cell]], region: str) -> None:
    form = "department" if region == "500000" else "project"
    try:  # no region: inferred from the grid, or a located error saying to pass one
        found = evaluations_from_grid(grid, source="fuzz.xlsx", region=region, form=form, year=2021)
    except PerfscoreError:
        return
    for evaluation in found:
        try:
            reviewed = perfscore.review(evaluation)
        except PerfscoreError:
            continue
        assert reviewed.to_text()
        # no row is lost: each comes back scored, not applicable or not scorable — but one, the
        # budget row a table prints among its indicators, which is scored as the budget
        lost = {row.where for row in evaluation.rows} - {row.where for row in reviewed.report.rows}
        assert len(lost) <= 1 and (not lost or reviewed.report.budget is not None), lost
