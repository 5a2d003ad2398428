"""Regional layouts (DOMAIN §7.2): each fixture form in tests/data/layouts reads back, as .xlsx and
.docx, to exactly the evaluation its TOML source states; and each layout class is checked on its
own, on a small grid, so a failure names what broke.

The forms are built by scripts/layout_forms.py from the TOML sources and committed; a test here also
rebuilds them into a temporary directory, so the committed files and the script cannot drift.
"""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import attrs
import pytest

from conftest import ROOT
from perfscore import Evaluation, EvaluationError
from perfscore.evaluations import Cell, evaluations_from_grid, read_evaluations
from perfscore.evaluations.layout import NATIONAL, goal_label, title_line

LAYOUTS = ROOT / "tests" / "data" / "layouts"
NAMES = sorted(path.stem for path in LAYOUTS.glob("*.toml"))


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("layout_forms", ROOT / "scripts" / "layout_forms.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("layout_forms", module)
    spec.loader.exec_module(module)
    return module


FORMS_SCRIPT = _script()


def _groups(values: list[str]) -> list[str]:
    """Shared-score addresses as the order each first appears ("" stays "")."""
    seen: dict[str, str] = {}
    return [seen.setdefault(v, str(len(seen) + 1)) if v else "" for v in values]


def _plain(evaluation: Evaluation) -> Evaluation:
    groups = _groups([row.shared_score for row in evaluation.rows])
    rows = tuple(attrs.evolve(row, where="", shared_score=g) for row, g in zip(evaluation.rows, groups))
    return attrs.evolve(evaluation, source="", rows=rows)


def _expected(name: str) -> Evaluation:
    evaluation, _ = FORMS_SCRIPT.source(LAYOUTS / f"{name}.toml")
    return _plain(evaluation)


def _read(path: Path, region: str) -> Evaluation:
    (evaluation,) = read_evaluations(path, region=region)
    return evaluation


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@pytest.mark.parametrize("name", NAMES)
def test_each_form_reads_back_to_its_source(name: str, suffix: str) -> None:
    expected = _expected(name)
    got = _plain(_read(LAYOUTS / f"{name}{suffix}", expected.region))
    for field in attrs.fields(Evaluation):
        if field.name != "rows" and field.eq:  # not columns: how the form laid it out
            assert getattr(got, field.name) == getattr(expected, field.name), field.name
    assert len(got.rows) == len(expected.rows)
    for got_row, expected_row in zip(got.rows, expected.rows):
        assert got_row == expected_row
    assert got == expected


def test_the_committed_forms_are_what_the_script_builds(tmp_path: Path) -> None:
    for name in NAMES:
        for suffix, path in FORMS_SCRIPT.build(name, tmp_path).items():
            expected = _read(LAYOUTS / f"{name}{suffix}", "x")
            assert _plain(_read(path, "x")) == _plain(expected), (name, suffix)


def test_values_keep_their_cells() -> None:
    flat = _read(LAYOUTS / "flat-list.xlsx", "500000")
    assert [row.where for row in flat.rows] == [f"自评表!A{r}" for r in (5, 6, 7, 8)]
    goal = _read(LAYOUTS / "goal-blocks.xlsx", "420000")
    shared = [row.shared_score for row in goal.rows]
    assert shared[2] == shared[3] == "自评表!F12" and shared[2] == goal.rows[2].where.replace("C", "F")
    docx = _read(LAYOUTS / "goal-blocks.docx", "420000")
    assert docx.rows[0].where == "表1 R8C3"


# -- each layout class on a small grid -----------------------------------------------------


def _grid(*rows: tuple[str, ...]) -> list[list[Cell]]:
    return [
        [Cell(text, f"S!{'ABCDEFGHIJKLMN'[c]}{r + 1}") for c, text in enumerate(row)]
        for r, row in enumerate(rows)
    ]


def _merge(grid: list[list[Cell]], r: int, left: int, right: int, bottom: int = -1) -> None:
    """Merge grid[r][left..right] (down to ``bottom``) as the Excel reader expands it."""
    top = grid[r][left]
    for row in range(r, (bottom if bottom >= 0 else r) + 1):
        for c in range(left, right + 1):
            if (row, c) != (r, left):
                grid[row][c] = Cell(top.text if c == left else "", grid[row][c].address, top.address)


TITLE = ("2023年度项目支出绩效自评表",)


def test_score_synonyms_name_the_score_column() -> None:
    for score in ("得分", "自评得分", "自评分", "指标得分", "折算得分"):
        grid = _grid(
            TITLE, ("三级指标", "指标值", "完成值", "分值", score), ("培训", "10次", "10次", "5", "4")
        )
        (evaluation,) = evaluations_from_grid(grid)
        assert evaluation.rows[0].reported_score == Decimal(4), score


def test_a_preferred_synonym_wins_and_the_other_is_kept() -> None:
    grid = _grid(
        TITLE,
        ("三级指标", "指标值", "完成值", "权重占比(%)", "单项指标得分", "单项指标折算得分"),
        ("培训", "10次", "9次", "20", "90", "18"),
    )
    (evaluation,) = evaluations_from_grid(grid)
    row = evaluation.rows[0]
    assert (row.weight, row.reported_score, dict(row.extra)) == (
        Decimal(20),
        Decimal(18),
        {"单项指标得分": "90"},
    )


def test_a_caller_extends_the_vocabulary() -> None:
    grid = _grid(
        TITLE, ("三级指标", "绩效指标值", "完成值", "分值", "考核得分"), ("培训", "10次", "10次", "5", "5")
    )
    with pytest.raises(EvaluationError, match="not a self-evaluation table"):
        evaluations_from_grid(grid)
    (evaluation,) = evaluations_from_grid(grid, vocabulary={"target": ["绩效指标值"], "score": ("考核得分",)})
    assert (evaluation.rows[0].target, evaluation.rows[0].reported_score) == ("10次", Decimal(5))
    with pytest.raises(ValueError, match="unknown column role"):
        NATIONAL.extended({"colour": ("颜色",)})


def test_points_only_in_block_labels_leave_the_weight_empty() -> None:
    grid = _grid(
        TITLE,
        ("一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "得分"),
        ("产出指标(20分)", "数量指标", "培训", "10次", "10次", "20"),
    )
    (evaluation,) = evaluations_from_grid(grid)
    row = evaluation.rows[0]
    assert (row.block, row.weight, row.reported_score) == ("产出指标(20分)", None, Decimal(20))


def test_goal_rows_group_the_rows_and_a_repeated_header_starts_no_table() -> None:
    header = ("一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "得分")
    grid = _grid(
        TITLE,
        ("年度绩效目标1(40分)", "", "", "", "", ""),
        header,
        ("产出指标", "数量指标", "a", "1次", "1次", "40"),
        ("年度绩效目标2（40 分）", "", "", "", "", ""),
        header,
        ("产出指标", "数量指标", "b", "1次", "1次", "40"),
        ("总分", "", "", "", "", "80"),
    )
    _merge(grid, 1, 0, 5)
    _merge(grid, 4, 0, 5)
    (evaluation,) = evaluations_from_grid(grid)
    assert [(r.group, r.name) for r in evaluation.rows] == [
        ("年度绩效目标1(40分)", "a"),
        ("年度绩效目标2（40 分）", "b"),
    ]
    assert evaluation.reported_total == Decimal(80)
    assert goal_label("目标1(40分)") and not goal_label("目标1：完成道路养护")


def test_a_score_merged_over_rows_is_the_groups() -> None:
    grid = _grid(
        TITLE,
        ("三级指标", "指标值", "完成值", "得分"),
        ("a", "1次", "1次", "10"),
        ("b", "1次", "1次", ""),
        ("c", "1次", "1次", "5"),
    )
    _merge(grid, 2, 3, 3, bottom=3)
    (evaluation,) = evaluations_from_grid(grid)
    assert [(r.reported_score, r.shared_score) for r in evaluation.rows] == [
        (Decimal(10), "S!D3"),
        (None, "S!D3"),
        (Decimal(5), ""),
    ]


def test_a_name_merged_across_the_level_columns_is_the_name() -> None:
    grid = _grid(
        TITLE,
        ("一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值"),
        ("产出指标", "数量指标", "a", "1次", "1次", "10"),
        ("产出指标", "立项规范性", "", "规范", "规范", "5"),
        ("预算执行率", "", "", "100%", "98%", "10"),
    )
    _merge(grid, 3, 1, 2)
    _merge(grid, 4, 0, 2)
    (evaluation,) = evaluations_from_grid(grid)
    assert [(r.block, r.category, r.name) for r in evaluation.rows] == [
        ("产出指标", "数量指标", "a"),
        ("产出指标", "", "立项规范性"),
        ("", "", "预算执行率"),
    ]


def test_a_two_row_header_reads_its_sub_columns() -> None:
    grid = _grid(
        TITLE,
        ("三级指标", "指标值", "", "分值", "得分"),
        ("", "年度指标值", "实际完成值", "", "自评分"),
        ("a", "1次", "1次", "10", "9"),
    )
    _merge(grid, 1, 1, 2)
    (evaluation,) = evaluations_from_grid(grid)
    row = evaluation.rows[0]
    assert (row.target, row.actual, row.weight, row.reported_score) == ("1次", "1次", Decimal(10), Decimal(9))


def test_a_budget_block_in_yuan_with_points_in_its_label() -> None:
    grid = _grid(
        TITLE,
        ("预算执行情况(元)(20分)", "年初预算数(A)", "调整后预算数", "全年执行数(B)", "执行率", "得分"),
        ("", "215,457.6", "", "200,000", "92.83%", "18.57"),
        ("三级指标", "指标值", "完成值", "分值", "得分"),
        ("a", "1次", "1次", "10", "9"),
    )
    _merge(grid, 1, 0, 0, bottom=2)
    (evaluation,) = evaluations_from_grid(grid)
    budget = evaluation.budget
    assert budget is not None
    assert (budget.initial, budget.full_year, budget.executed, budget.points) == (
        Decimal("21.54576"),
        None,
        Decimal(20),
        Decimal(20),
    )


def test_an_amount_written_in_yuan_is_read_in_wan_yuan() -> None:
    grid = _grid(
        TITLE,
        ("项目资金", "", "年初预算数", "全年预算数", "全年执行数"),
        ("", "年度资金总额", "1,000元", "20万元", "abc"),
        ("三级指标", "指标值", "完成值", "分值"),
        ("a", "1次", "1次", "10"),
    )
    (evaluation,) = evaluations_from_grid(grid)
    budget = evaluation.budget
    assert budget is not None
    assert (budget.initial, budget.full_year, budget.executed) == (Decimal("0.1"), Decimal(20), None)
    assert [(u.column, u.address) for u in budget.unreadable] == [("executed", "S!E3")]


@pytest.mark.parametrize(
    ("lines", "total", "grade"),
    [
        (("自评得分 92",), Decimal(92), ""),
        (("自评总分：92分", "自评等级：优"), Decimal(92), "优"),
    ],
)
def test_the_self_score_and_grade_printed_in_the_header_area(
    lines: tuple[str, ...], total: Decimal, grade: str
) -> None:
    grid = _grid(
        TITLE, *((line,) for line in lines), ("三级指标", "指标值", "完成值", "分值"), ("a", "1", "1", "1")
    )
    (evaluation,) = evaluations_from_grid(grid)
    assert (evaluation.reported_total, evaluation.reported_grade) == (total, grade)


def test_an_unreadable_header_score_is_kept_at_its_cell() -> None:
    grid = _grid(TITLE, ("自评得分", "9O分"), ("三级指标", "指标值", "完成值", "分值"), ("a", "1", "1", "1"))
    (evaluation,) = evaluations_from_grid(grid)
    assert evaluation.reported_total is None
    assert [(u.column, u.text, u.address) for u in evaluation.unreadable] == [
        ("reported_total", "9O分", "S!B2")
    ]


def test_the_year_on_its_own_line_and_a_second_title_line() -> None:
    grid = _grid(
        ("项目支出绩效自评表",),
        ("（2021年度）",),
        ("三级指标", "指标值", "完成值", "分值"),
        ("a", "1", "1", "1"),
    )
    (evaluation,) = evaluations_from_grid(grid)
    assert (evaluation.title, evaluation.form, evaluation.year) == (
        "项目支出绩效自评表 （2021年度）",
        "project",
        2021,
    )
    assert title_line("（2021年度）") and not title_line("单位：万元")


def test_meta_in_one_cell_after_a_colon() -> None:
    grid = _grid(
        TITLE, ("项目名称：农村道路养护",), ("三级指标", "指标值", "完成值", "分值"), ("a", "1", "1", "1")
    )
    (evaluation,) = evaluations_from_grid(grid)
    assert evaluation.project == "农村道路养护"


def test_a_row_with_extra_columns_round_trips_through_its_dict() -> None:
    evaluation = _expected("split-sign-unit")
    assert _plain(Evaluation.from_dict(evaluation.to_dict())) == evaluation


def test_a_year_printed_in_the_header_area() -> None:
    grid = _grid(
        ("项目支出绩效自评表",),
        ("评价年度：2022",),
        ("三级指标", "指标值", "完成值", "分值"),
        ("a", "1", "1", "1"),
    )
    (evaluation,) = evaluations_from_grid(grid)
    assert (evaluation.form, evaluation.year) == ("project", 2022)


def test_sub_columns_under_a_header_that_reads_alone() -> None:
    grid = _grid(
        TITLE,
        ("三级指标", "年度指标值", "实际完成值", "分值", "得分", ""),
        ("三级指标", "年度指标值", "实际完成值", "分值", "自评分", "复核分"),
        ("a", "1次", "1次", "10", "9", "8"),
    )
    _merge(grid, 1, 4, 5)
    for column in range(4):
        _merge(grid, 1, column, column, bottom=2)
    (evaluation,) = evaluations_from_grid(grid)
    row = evaluation.rows[0]
    assert (row.weight, row.reported_score, dict(row.extra)) == (Decimal(10), Decimal(9), {"复核分": "8"})


def test_a_goal_column_merged_down_its_rows() -> None:
    grid = _grid(
        TITLE,
        ("年度绩效目标", "一级指标", "三级指标", "指标值", "完成值", "得分"),
        ("目标1(40分)", "产出指标", "a", "1次", "1次", "40"),
        ("目标1(40分)", "", "b", "1次", "1次", "0"),
        ("目标2(60分)", "产出指标", "c", "1次", "1次", "60"),
    )
    _merge(grid, 2, 0, 0, bottom=3)
    (evaluation,) = evaluations_from_grid(grid)
    assert [(r.group, r.block, r.name) for r in evaluation.rows] == [
        ("目标1(40分)", "产出指标", "a"),
        ("目标1(40分)", "产出指标", "b"),
        ("目标2(60分)", "产出指标", "c"),
    ]
