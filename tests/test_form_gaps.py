"""Real regional forms perfscore did not read, or reviewed with a false alarm (issue 14).

The forms are built here (tests/gap_forms.py) from invented units and figures in the layouts
DOMAIN §7 describes: a budget block printed after the indicator table (same grid, or a second
Word table), and scoring-standard tables with no target or actual column (广东 专项资金,
湖北 county forms).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import perfscore
from gap_forms import Part, Table, write_docx, write_xlsx
from perfscore import Evaluation

WRITERS = {".xlsx": write_xlsx, ".docx": write_docx}


def _plain(evaluation: Evaluation) -> Evaluation:
    """The evaluation with where each value was printed left out."""
    rows = tuple(attrs.evolve(row, where="") for row in evaluation.rows)
    return attrs.evolve(evaluation, source="", rows=rows)


def _read(path: Path) -> Evaluation:
    (evaluation,) = perfscore.read_evaluations(path)
    return evaluation


def _alarms(evaluation: Evaluation) -> list[tuple[str, str]]:
    review = perfscore.review(evaluation)
    return [(f.code, f.location) for f in review.findings if f.severity in ("error", "warning")]


# -- 1. the budget block after the indicator table ---------------------------------------------

TITLE = "2023年度项目支出绩效自评表"
META = Table(
    (
        ("项目名称", "农村公路养护", "", "主管部门", "湘潭县交通运输局"),
        ("实施单位", "湘潭县公路养护中心", "", "", ""),
    )
)
BUDGET = Table(
    (
        ("项目资金(万元)", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
        ("", "年度资金总额", "500", "520", "494", "10", "95%", "9.5"),
        ("", "其中：财政拨款", "500", "520", "494", "", "", ""),
        ("", "其他资金", "0", "0", "0", "", "", ""),
    ),
    merges=((0, 0, 3, 0),),
)
HEADER = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)
ROWS = (
    ("产出指标", "数量指标", "养护道路里程", "≥120公里", "125公里", "25", "25", ""),
    ("产出指标", "质量指标", "养护合格率", "≥95%", "96%", "15", "15", ""),
    ("产出指标", "时效指标", "完成及时率", "100%", "100%", "10", "10", ""),
    ("效益指标", "社会效益指标", "通行条件改善", "明显改善", "明显改善", "30", "30", ""),
    ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "92%", "10", "10", ""),
)
TOTAL = ("总分", "", "", "", "", "100", "99.5", "")
INDICATORS = Table((HEADER, *ROWS, TOTAL), merges=((1, 0, 3, 0),))
BEFORE: list[Part] = [TITLE, META, BUDGET, INDICATORS]
AFTER: list[Part] = [TITLE, META, INDICATORS, BUDGET]


def _budget_between() -> list[Part]:
    """The budget block between the indicator rows and the 总分 row, one grid."""
    rows: list[tuple[str, ...]] = [HEADER, *ROWS]
    top = len(rows)
    rows += [tuple(row) + ("",) * (len(HEADER) - len(row)) for row in BUDGET.rows]
    rows.append(TOTAL)
    return [TITLE, META, Table(tuple(rows), merges=((1, 0, 3, 0), (top, 0, top + 3, 0)))]


@pytest.mark.parametrize("suffix", sorted(WRITERS))
@pytest.mark.parametrize("order", ["after", "between"])
def test_a_budget_printed_after_the_indicators_reads_as_one_printed_before(
    tmp_path: Path, suffix: str, order: str
) -> None:
    write = WRITERS[suffix]
    before = _read(write(tmp_path / f"before{suffix}", BEFORE))
    parts = AFTER if order == "after" else _budget_between()
    after = _read(write(tmp_path / f"{order}{suffix}", parts))
    assert before.budget is not None and before.budget.executed == Decimal(494)
    assert [line.name for line in before.budget.lines] == ["财政拨款", "其他资金"]
    assert _plain(after) == _plain(before)
    assert after.reported_total == Decimal("99.5")
    for evaluation in (before, after):
        assert evaluation.region == "" and _alarms(evaluation) == []  # 湘潭县 → 430321, 湖南
        report = perfscore.score(evaluation)
        assert report.budget is not None and report.budget.points == Decimal("9.5")
        assert report.total == Decimal("99.5")


def test_each_budget_value_keeps_its_cell(tmp_path: Path) -> None:
    after = _read(write_xlsx(tmp_path / "after.xlsx", AFTER))
    assert after.budget is not None
    # title row 1, meta rows 2–3, header row 4, five rows and 总分 (5–10), budget header row 11
    assert dict(after.budget.cells) == {
        "initial": "自评表!C12",
        "full_year": "自评表!D12",
        "executed": "自评表!E12",
        "points": "自评表!F12",
        "rate": "自评表!G12",
        "reported_score": "自评表!H12",
    }
    word = _read(write_docx(tmp_path / "after.docx", AFTER))
    assert word.budget is not None and word.budget.cells["executed"] == "表3 R2C5"
    assert "cells" not in word.to_dict()["budget"]  # where it was printed is not part of the file


def test_a_trailing_budget_in_yuan_with_points_in_its_label(tmp_path: Path) -> None:
    """湖北: 预算执行情况(元)(20分) below the goal blocks; amounts in 元 with separators."""
    budget = Table(
        (
            ("预算执行情况(元)(20分)", "年初预算数(A)", "调整后预算数", "全年执行数(B)", "执行率", "得分"),
            ("", "2,000,000", "2,000,000", "1,900,000", "95%", "19"),
        ),
        merges=((0, 0, 1, 0),),
    )
    parts: list[Part] = [TITLE, META, INDICATORS, budget]
    evaluation = _read(write_xlsx(tmp_path / "hubei.xlsx", parts))
    assert evaluation.budget is not None
    got = evaluation.budget
    assert (got.initial, got.full_year, got.executed, got.points, got.rate, got.reported_score) == (
        Decimal(200),
        Decimal(200),
        Decimal(190),
        Decimal(20),
        "95%",
        Decimal(19),
    )
    assert len(evaluation.rows) == len(ROWS) and evaluation.reported_total == Decimal("99.5")


def test_a_second_table_with_its_own_budget_is_still_a_table_of_its_own(tmp_path: Path) -> None:
    """A budget block after a table that already has one starts the next table (as before)."""
    second = Table(((*HEADER,), *ROWS, TOTAL))
    parts: list[Part] = [TITLE, META, BUDGET, INDICATORS, BUDGET, second]
    evaluations = perfscore.read_evaluations(write_xlsx(tmp_path / "two.xlsx", parts))
    assert len(evaluations) == 2
    assert all(e.budget is not None and e.budget.executed == Decimal(494) for e in evaluations)


# -- 2. scoring-standard tables: no target, no actual ------------------------------------------

GD_TITLE = "2023年度省级财政专项资金绩效自评表"
GD_META = Table(
    (
        ("专项资金名称", "乡村振兴产业发展专项资金"),
        ("主管部门", "韶关市农业农村局"),
        ("实施单位", "韶关市农业农村局"),
    )
)
GD_HEADER = ("一级指标", "二级指标", "三级指标", "分值", "评分标准", "自评得分")
GD_ROWS = (
    ("投入", "项目立项", "立项依据充分性", "5", "依据充分得5分，否则酌情扣分", "5"),
    ("投入", "项目立项", "立项程序规范性", "5", "程序规范得5分", "5"),
    ("投入", "绩效目标", "绩效目标合理性", "5", "目标明确合理得5分", "4"),
    ("投入", "资金落实", "资金到位率", "5", "到位率×5", "5"),
    ("过程", "资金管理", "资金使用合规性", "5", "无违规得5分，每发现一处扣1分", "5"),
    ("过程", "资金管理", "预算执行率", "5", "执行率×5", "4.8"),
    ("过程", "组织实施", "管理制度健全性", "5", "制度健全得5分", "5"),
    ("过程", "组织实施", "制度执行有效性", "5", "执行有效得5分", "4"),
    ("产出", "产出数量", "扶持经营主体数量", "15", "完成目标得15分，按比例扣分", "15"),
    ("产出", "产出质量", "项目验收合格率", "15", "合格率×15", "14"),
    ("效益", "经济效益", "带动农户增收", "15", "达到目标得15分", "13"),
    ("效益", "服务对象满意度", "受益农户满意度", "15", "满意度≥90%得15分，每低5%扣1分", "15"),
)
GD_TOTAL = ("合计", "", "", "100", "", "94.8")


def _gd_form(rows: tuple[tuple[str, ...], ...] = GD_ROWS, total: tuple[str, ...] = GD_TOTAL) -> list[Part]:
    merges = ((1, 0, 4, 0), (5, 0, 8, 0), (9, 0, 10, 0), (11, 0, 12, 0))
    return [GD_TITLE, GD_META, Table((GD_HEADER, *rows, total), merges=merges)]


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_a_scoring_standard_table_is_read_with_its_rules(tmp_path: Path, suffix: str) -> None:
    evaluation = _read(WRITERS[suffix](tmp_path / f"gd{suffix}", _gd_form()))
    assert (evaluation.form, evaluation.year, evaluation.project) == (
        "special_fund",
        2023,
        "乡村振兴产业发展专项资金",
    )
    assert "target" not in evaluation.columns and "actual" not in evaluation.columns
    first = evaluation.rows[0]
    assert (first.block, first.category, first.name, first.target, first.actual) == (
        "投入", "项目立项", "立项依据充分性", "", "",
    )  # fmt: skip
    assert (first.weight, first.reported_score) == (Decimal(5), Decimal(5))
    assert first.extra == {"评分标准": "依据充分得5分，否则酌情扣分"}
    assert evaluation.reported_total == Decimal("94.8")


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_a_consistent_scoring_standard_table_is_taken_at_its_own_scores(tmp_path: Path, suffix: str) -> None:
    evaluation = _read(WRITERS[suffix](tmp_path / f"gd{suffix}", _gd_form()))
    review = perfscore.review(evaluation)
    report = review.report
    assert (report.region, report.ruleset) == (
        "440200",
        "cn-evaluation",
    )  # 韶关市, 专项资金: the national framework
    assert [(f.code, f.location) for f in review.findings if f.severity in ("error", "warning")] == []
    assert report.complete and report.total == Decimal("94.8")
    stated = [f for f in review.findings if f.code == "self-stated"]
    # the 11 rows said once for the table (not one info per row), the budget row (预算执行率) apart
    assert [(f.location, f.found, f.severity) for f in stated] == [
        ("rows", str(len(GD_ROWS) - 1), "info"),
        ("budget.reported_score", "4.8", "info"),
    ]
    assert stated[0].message_zh.startswith(f"本表只列评分标准，不列指标值与完成值：{len(GD_ROWS) - 1} 行")
    assert report.budget is not None and report.budget.points == Decimal("4.8")


def test_a_score_above_its_weight_is_still_reported(tmp_path: Path) -> None:
    rows = list(GD_ROWS)
    rows[1] = (
        "投入",
        "项目立项",
        "立项程序规范性",
        "5",
        "程序规范得5分",
        "50",
    )  # a rate typed into a 5-point cell
    total = ("合计", "", "", "100", "", "139.8")
    evaluation = _read(write_xlsx(tmp_path / "gd.xlsx", _gd_form(tuple(rows), total)))
    alarms = _alarms(evaluation)
    assert ("score-above-weight", "自评表!C7") in [(code, where.split(".")[0]) for code, where in alarms]


def test_a_row_with_no_score_is_not_scorable_never_zero(tmp_path: Path) -> None:
    rows = list(GD_ROWS)
    rows[2] = ("投入", "绩效目标", "绩效目标合理性", "5", "目标明确合理得5分", "")
    total = ("合计", "", "", "100", "", "90.8")
    evaluation = _read(write_xlsx(tmp_path / "gd.xlsx", _gd_form(tuple(rows), total)))
    review = perfscore.review(evaluation)
    assert not review.report.complete
    assert ("missing-value", "自评表!C8.reported_score") in [(f.code, f.location) for f in review.findings]


HB_HEADER = ("一级指标", "二级指标", "三级指标", "指标解释", "评分标准", "分值", "得分")
HB_ROWS = (
    ("项目决策(2分)", "项目立项", "立项规范性", "项目按规定程序申请设立", "规范得2分", "2", "2"),
    ("项目管理(13分)", "资金管理", "资金到位率", "实际到位/计划到位", "到位率×3", "3", "3"),
    ("项目管理(13分)", "资金管理", "资金使用合规性", "资金使用符合规定", "合规得4分", "4", "4"),
    ("项目管理(13分)", "组织实施", "管理制度健全性", "制度健全", "健全得3分", "3", "3"),
    ("项目管理(13分)", "组织实施", "制度执行有效性", "按制度执行", "有效得3分", "3", "2"),
    ("项目绩效(85分)", "产出指标", "新建供水管网长度", "当年完成长度", "完成得30分", "30", "30"),
    ("项目绩效(85分)", "产出指标", "水质达标率", "达标比例", "达标率×25", "25", "25"),
    ("项目绩效(85分)", "效益指标", "受益人口", "受益人数", "达到目标得20分", "20", "18"),
    ("项目绩效(85分)", "满意度指标", "群众满意度", "问卷调查", "≥90%得10分", "10", "10"),
)


def test_a_framework_no_ruleset_has_is_read_and_said_once(tmp_path: Path) -> None:
    """湖北 county: 项目决策 2 / 项目管理 13 / 项目绩效 85, scored against a rule in the same row."""
    meta = Table((("项目名称", "农村饮水安全巩固提升工程"), ("实施单位", "通山县水利和湖泊局")))
    table = Table(
        (HB_HEADER, *HB_ROWS, ("合计", "", "", "", "", "100", "97")), merges=((2, 0, 5, 0), (6, 0, 9, 0))
    )
    evaluation = _read(write_xlsx(tmp_path / "hb.xlsx", ["2022年度项目支出绩效自评表", meta, table]))
    assert len(evaluation.rows) == len(HB_ROWS) and evaluation.rows[0].extra == {
        "指标解释": "项目按规定程序申请设立",
        "评分标准": "规范得2分",
    }
    review = perfscore.review(evaluation)
    (said,) = [f for f in review.findings if f.code == "framework-mismatch"]
    assert (
        said.location == "rows.block" and "项目决策(2分)、项目管理(13分)、项目绩效(85分)" in said.message_zh
    )
    assert "--ruleset" in said.message_zh and "docs/ruleset-format.md" in said.message_en


def test_a_framework_another_ruleset_has_is_named(tmp_path: Path) -> None:
    """The 广东 table titled as a 项目支出 form of a 湖北 unit: its 投入 / 过程 / 产出 / 效益 are
    not 湖北's framework; the rulesets that have it are named."""
    meta = Table((("项目名称", "乡村振兴产业发展"), ("实施单位", "通山县农业农村局")))
    parts = _gd_form()
    parts[:2] = ["2023年度项目支出绩效自评表", meta]
    review = perfscore.review(_read(write_xlsx(tmp_path / "gd.xlsx", parts)))
    (said,) = [f for f in review.findings if f.code == "framework-mismatch"]
    assert "--ruleset cn-evaluation, 430000-special-fund" in said.message_en, said.message_en


def test_a_table_on_its_rulesets_framework_gets_no_such_finding(tmp_path: Path) -> None:
    review = perfscore.review(_read(write_xlsx(tmp_path / "a.xlsx", AFTER)))
    assert "framework-mismatch" not in [f.code for f in review.findings]


GD_SPLIT = (
    ("投入(15分)", "项目立项", "立项依据充分性", "5", "依据充分得5分", "5"),
    ("投入(15分)", "绩效目标", "绩效目标合理性", "5", "目标明确合理得5分", "4"),
    ("投入(15分)", "资金落实", "资金到位率", "5", "到位率×5", "5"),
    ("过程(25分)", "资金管理", "资金使用合规性", "10", "无违规得10分", "10"),
    ("过程(25分)", "资金管理", "预算执行率", "5", "执行率×5", "4.8"),
    ("过程(25分)", "组织实施", "管理制度健全性", "10", "制度健全得10分", "9"),
    ("产出(35分)", "产出数量", "扶持经营主体数量", "20", "完成目标得20分", "20"),
    ("产出(35分)", "产出质量", "项目验收合格率", "15", "合格率×15", "14"),
    ("效益(25分)", "经济效益", "带动农户增收", "15", "达到目标得15分", "13"),
    ("效益(25分)", "服务对象满意度", "受益农户满意度", "10", "满意度≥90%得10分", "10"),
)


def _split_form(rows: tuple[tuple[str, ...], ...]) -> list[Part]:
    return [GD_TITLE, GD_META, Table((GD_HEADER, *rows, ("合计", "", "", "100", "", "94.8")))]


def test_a_special_fund_table_stating_its_own_split_is_scored_on_it(tmp_path: Path) -> None:
    """广东 prints its own 投入 / 过程 / 产出 / 效益 split; cn-evaluation's 20/20/30/30 is only its
    choice: a consistent table stating 15/25/35/25 (预算执行率 inside 过程) is not told that
    every block is wrong."""
    review = perfscore.review(_read(write_xlsx(tmp_path / "gd.xlsx", _split_form(GD_SPLIT))))
    assert [(f.code, f.location) for f in review.findings if f.severity in ("error", "warning")] == []
    assert "block-points-stated" in [f.code for f in review.findings]
    assert review.report.total == Decimal("94.8")


def test_a_split_that_does_not_add_up_is_scored_on_the_rulesets_points(tmp_path: Path) -> None:
    rows = tuple((r[0].replace("过程(25分)", "过程(30分)"), *r[1:]) for r in GD_SPLIT)  # 105 in all
    review = perfscore.review(_read(write_xlsx(tmp_path / "gd.xlsx", _split_form(rows))))
    codes = [f.code for f in review.findings]
    assert "block-points-stated" not in codes and "weights-sum" in codes


def test_the_indicator_total_after_a_trailing_block_ends_the_block() -> None:
    """Both totals labelled 合计: the block's (its first) and the table's (after it)."""
    from perfscore.evaluations import Cell, evaluations_from_grid

    texts = (
        (TITLE,),
        ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"),
        *(row[:7] for row in ROWS),
        ("资金", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
        ("合计", "500", "520", "494", "10", "95%", "9.5"),
        ("合计", "", "", "", "", "100", "99.5"),
    )
    grid = [
        [Cell(text, f"S!{'ABCDEFG'[c]}{r + 1}") for c, text in enumerate(row)] for r, row in enumerate(texts)
    ]
    (evaluation,) = evaluations_from_grid(grid)
    assert evaluation.budget is not None
    assert (evaluation.budget.executed, evaluation.budget.reported_score) == (Decimal(494), Decimal("9.5"))
    assert evaluation.reported_total == Decimal("99.5") and len(evaluation.rows) == len(ROWS)


def test_a_header_naming_a_target_the_vocabulary_lacks_is_no_scoring_standard_table() -> None:
    from perfscore.evaluations import Cell
    from perfscore.evaluations.layout import NATIONAL

    def header(*texts: str) -> list[Cell]:
        return [Cell(text, f"S!{'ABCDEFGH'[c]}1") for c, text in enumerate(texts)]

    assert NATIONAL.indicator_header(header("一级指标", "三级指标", "分值", "评分标准", "得分"))
    assert not NATIONAL.indicator_header(header("三级指标", "绩效指标值", "分值", "评分标准", "得分"))
    assert not NATIONAL.indicator_header(header("三级指标", "分值", "得分"))  # no rule: a budget-like row


def test_a_scoring_standard_total_that_does_not_add_up_is_reported(tmp_path: Path) -> None:
    total = ("合计", "", "", "100", "", "95.8")  # the rows add up to 94.8
    evaluation = _read(write_xlsx(tmp_path / "gd.xlsx", _gd_form(GD_ROWS, total)))
    assert ("reported-total-mismatch", "evaluation.reported_total") in _alarms(evaluation)


def _grouped(score: str) -> list[Part]:
    """湖北 county practice: one score on a merged 得分 cell for the two 项目立项 rows (5 + 5)."""
    rows = list(GD_ROWS)
    rows[0], rows[1] = (*rows[0][:5], score), (*rows[1][:5], "")
    total = ("合计", "", "", "100", "", str(Decimal("84.8") + Decimal(score)))
    return [GD_TITLE, GD_META, Table((GD_HEADER, *rows, total), merges=((1, 5, 2, 5),))]


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_a_group_score_on_a_merged_cell_is_bounded_by_the_groups_weights(tmp_path: Path, suffix: str) -> None:
    evaluation = _read(WRITERS[suffix](tmp_path / f"g{suffix}", _grouped("10")))
    review = perfscore.review(evaluation)
    assert [(f.code, f.location) for f in review.findings if f.severity in ("error", "warning")] == []
    assert review.report.total == Decimal("94.8")
    over = _read(WRITERS[suffix](tmp_path / f"over{suffix}", _grouped("11")))
    assert "score-above-weight" in [code for code, _ in _alarms(over)]
