"""The frameworks of DOMAIN §7 as ruleset data: each class of table that scored wrongly (or not at
all) before the engine could express it, one test each, scored the way the table's own region
scores it. Each test fails without its feature: a flat list was all `unknown-block`, a row with
no target by design was `unparseable-target`, a cost row was a floor, a goal block without
weights was `missing-weight`, a budget row printed among the indicators counted twice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import perfscore
from conftest import DATA
from perfscore.evaluations import Evaluation
from perfscore.report import SCORED, Report, RowResult
from perfscore.rules import Ruleset

D = Decimal
FRAMEWORKS = DATA / "frameworks"


def _score(ruleset: Ruleset, rows: list[dict[str, Any]], **extra: Any) -> Report:
    data: dict[str, Any] = {
        "evaluation": {"region": ruleset.region, "form": ruleset.form, "year": ruleset.year_from},
        "rows": rows,
        **extra,
    }
    return perfscore.score(Evaluation.from_dict(data), ruleset)


def _codes(report: Report, *severities: str) -> list[str]:
    return [f.code for f in report.findings if not severities or f.severity in severities]


def _rows(report: Report) -> dict[str, RowResult]:
    return {row.name: row for block in report.blocks for cat in block.categories for row in cat.rows}


# -- flat lists: no 一级 column -------------------------------------------------------------------


def test_a_flat_list_is_scored_under_a_single_block_framework() -> None:
    """重庆 部门整体: 指标名称 … 得分系数 · 指标权重 · 指标得分, no 一级 column; score = 系数 × 权重
    (one decimal), 执行率 76% → 7.6; 97.6 = 7.6 + 90 as printed."""
    ruleset = perfscore.load_ruleset("500000-department", year=2021)
    rows = [
        {"block": "", "category": "", "name": "财政供养人员控制率", "target": "≤100%", "actual": "98%",
         "weight": 45, "reported_score": 45, "inputs": {"coef": 100}},
        {"block": "", "category": "", "name": "管理制度健全性", "target": "健全", "actual": "健全",
         "weight": 45, "reported_score": 45, "inputs": {"coef": 100}},
    ]  # fmt: skip
    report = _score(ruleset, rows, budget={"full_year": 100, "executed": 76, "reported_score": 7.6})
    assert _codes(report) == []
    assert report.budget is not None and report.budget.points == D("7.6")
    assert report.total == D("97.6") and report.complete


def test_a_flat_list_finds_each_row_its_block_by_category_or_the_default() -> None:
    ruleset = perfscore.load_ruleset(FRAMEWORKS / "cost-ceiling.toml")
    rows = [
        {"block": "", "category": "数量指标", "name": "培训场次", "target": "≥10次", "actual": "10次", "weight": 50},
        {"block": "", "category": "社会效益指标", "name": "受益人数", "target": "≥100人", "actual": "100人", "weight": 30},
        {"block": "", "category": "", "name": "满意度", "target": "≥90%", "actual": "95%", "weight": 10},
    ]  # fmt: skip
    report = _score(ruleset, rows, budget={"full_year": 10, "executed": 10})
    assert _codes(report, "error", "warning") == []
    assert [(b.key, b.points) for b in report.blocks] == [
        ("output", D(50)),
        ("benefit", D(30)),
        ("satisfaction", D(10)),
    ]
    assert report.total == 100


def test_a_block_cell_naming_no_block_is_still_an_error() -> None:
    report = _score(
        perfscore.load_ruleset("cn-project"),
        [
            {
                "block": "其他",
                "category": "数量指标",
                "name": "x",
                "target": "1次",
                "actual": "1次",
                "weight": 50,
            }
        ],
    )
    assert "unknown-block" in _codes(report, "error")


# -- rows with no numeric target by design --------------------------------------------------------


@pytest.mark.parametrize("target", ["—", "-", ""])
def test_a_row_with_no_target_is_judged_on_its_description(target: str) -> None:
    """银川 决策/管理 rows: "—", "-" or blank, judged on the achievement; the blocks are qualitative."""
    ruleset = perfscore.load_ruleset("640100-project", year=2021)
    rows = [
        {"block": "项目决策", "category": "项目立项", "name": "立项依据充分性", "target": target,
         "actual": "达成预期指标", "weight": 10},
        {"block": "项目管理", "category": "资金管理", "name": "资金使用合规性", "target": target,
         "actual": "部分达成", "weight": 15},
    ]  # fmt: skip
    found = _rows(_score(ruleset, rows))
    assert found["立项依据充分性"].points == 10
    assert found["资金使用合规性"].points == 11  # 0.7 × 15 = 10.5, whole points half-up


def test_a_description_without_a_level_is_self_stated_not_an_error() -> None:
    ruleset = perfscore.load_ruleset("640100-project", year=2021)
    row = {"block": "项目决策", "category": "项目立项", "name": "立项依据充分性", "target": "—",
           "actual": "立项依据充分，符合政策", "weight": 10, "reported_score": 9}  # fmt: skip
    report = _score(ruleset, [row])
    scored = _rows(report)["立项依据充分性"]
    assert scored.status == SCORED and scored.points == 9
    stated = [f for f in report.findings if f.code == "self-stated"]
    assert [(f.severity, f.location) for f in stated] == [("info", "rows[0]")]
    assert "level-unknown" not in _codes(report)


def test_a_description_with_no_score_at_all_cannot_be_scored() -> None:
    ruleset = perfscore.load_ruleset("640100-project", year=2021)
    row = {"block": "项目决策", "category": "项目立项", "name": "立项依据充分性", "target": "—",
           "actual": "立项依据充分", "weight": 10}  # fmt: skip
    assert "level-unknown" in _codes(_score(ruleset, [row]), "error")


def test_a_blank_target_in_a_quantitative_block_is_still_a_missing_value() -> None:
    row = {
        "block": "产出指标",
        "category": "数量指标",
        "name": "x",
        "target": "—",
        "actual": "9次",
        "weight": 50,
    }
    assert "unparseable-target" in _codes(_score(perfscore.load_ruleset("cn-project"), [row]), "error")


# -- cost rows are ceilings ------------------------------------------------------------------------


@pytest.mark.parametrize(("actual", "points"), [("45万元", 50), ("50万元", 50), ("55万元", D("45.45"))])
def test_a_bare_amount_under_cost_is_a_ceiling(actual: str, points: Decimal) -> None:
    ruleset = perfscore.load_ruleset(FRAMEWORKS / "cost-ceiling.toml")
    row = {
        "block": "产出指标",
        "category": "成本指标",
        "name": "项目总成本",
        "target": "50万元",
        "actual": actual,
        "weight": 50,
    }
    scored = _rows(_score(ruleset, [row]))["项目总成本"]
    assert (scored.method, scored.points) == ("reverse", points)


def _shipped_with_cost() -> list[str]:
    out = []
    for info in perfscore.available_rulesets():
        ruleset = perfscore.load_ruleset(info.file)
        for block in ruleset.blocks:
            if any(c.name.zh == "成本指标" for c in block.categories):
                out.append(f"{info.id}@{info.edition}:{block.name.zh}")
    return out


@pytest.mark.parametrize("where", _shipped_with_cost())
def test_every_shipped_cost_category_reads_a_bare_amount_as_a_ceiling(where: str) -> None:
    rid, rest = where.split("@")
    edition, block = rest.split(":")
    ruleset = next(
        perfscore.load_ruleset(i.file)
        for i in perfscore.available_rulesets()
        if (i.id, i.edition) == (rid, edition)
    )
    weight = min(D(10), next(b.points for b in ruleset.blocks if b.name.zh == block))
    rows = [
        {
            "block": block,
            "category": "成本指标",
            "name": name,
            "target": "50万元",
            "actual": actual,
            "weight": weight,
        }
        for name, actual in (("少花", "45万元"), ("多花", "100万元"))
    ]
    scored = _rows(_score(ruleset, rows))
    assert scored["少花"].points == weight  # spending less than a ceiling is no miss
    assert scored["多花"].points is not None and scored["多花"].points < weight


def test_other_categories_keep_the_blocks_selection() -> None:
    ruleset = perfscore.load_ruleset(FRAMEWORKS / "cost-ceiling.toml")
    row = {
        "block": "产出指标",
        "category": "数量指标",
        "name": "培训人次",
        "target": "50人",
        "actual": "45人",
        "weight": 50,
    }
    assert _rows(_score(ruleset, [row]))["培训人次"].points == 45


# -- 湖北 goal blocks: no per-row weights, group scores on merged cells ---------------------------


def test_goal_blocks_without_row_weights_take_the_tables_scores_as_stated() -> None:
    ruleset = perfscore.load_ruleset(FRAMEWORKS / "goal-blocks.toml")
    goal1, goal2 = "年度绩效目标1（40分）", "年度绩效目标2（40分）"
    rows: list[dict[str, Any]] = [
        {"block": goal1, "category": "数量指标", "name": "新建道路", "target": "≥5公里", "actual": "5公里", "reported_score": 20},
        {"block": goal1, "category": "质量指标", "name": "验收合格率", "target": "100%", "actual": "100%", "reported_score": 20},
        {"block": goal2, "category": "社会效益指标", "name": "通行时间缩短", "target": "≥10分钟", "actual": "12分钟", "reported_score": 38},
        {"block": goal2, "category": "社会效益指标", "name": "沿线受益人口", "target": "≥2万人", "actual": "2万人"},
    ]  # fmt: skip
    report = _score(ruleset, rows, budget={"full_year": 100, "executed": 100})
    assert _codes(report, "error", "warning") == []
    variants = [f.message_en for f in report.findings if f.code == "self-stated"]
    assert len(variants) == 4 and sum("merged cell" in v for v in variants) == 1
    assert report.total == 20 + 20 + 20 + 38 and report.complete


# -- the budget row printed among the indicators ---------------------------------------------------


def _yinchuan_rows(**budget_row: Any) -> list[dict[str, Any]]:
    return [
        {"block": "项目决策", "category": "项目立项", "name": "立项依据充分性", "target": "—", "actual": "达成", "weight": 10},
        {"block": "项目管理", "category": "资金管理", "name": "资金使用合规性", "target": "-", "actual": "达成", "weight": 15},
        {"block": "项目管理", "category": "资金管理", "name": "预算执行率", "target": "100%", **budget_row},
        {"block": "项目产出", "category": "数量指标", "name": "培训场次", "target": "≥10次", "actual": "10次", "weight": 30},
        {"block": "项目效益", "category": "社会效益指标", "name": "群众受益", "target": "明显", "actual": "明显", "weight": 35},
    ]  # fmt: skip


def test_a_budget_row_among_the_indicators_is_scored_once_from_the_budget_table() -> None:
    ruleset = perfscore.load_ruleset("640100-project", year=2021)
    rows = _yinchuan_rows(actual="86%", weight=10, reported_score=9)
    report = _score(ruleset, rows, budget={"full_year": 200, "executed": 172})
    assert _codes(report, "error", "warning") == []
    assert "预算执行率" not in _rows(report)
    assert report.budget is not None and (report.budget.points, report.budget.reported) == (D(9), D(9))
    assert report.total == 99


def test_a_budget_row_without_amounts_is_scored_on_its_printed_rate() -> None:
    ruleset = perfscore.load_ruleset("640100-project", year=2021)
    report = _score(ruleset, _yinchuan_rows(actual="95%", weight=10, reported_score=10))
    assert _codes(report, "error", "warning") == []
    assert "budget-rate-as-printed" in _codes(report, "info")
    assert report.budget is not None and report.budget.points == 10  # 9.5, whole points half-up


# -- weights = block ÷ rows, rounded, and the drift -------------------------------------------------


def _divided_rows(decision_weights: list[int]) -> list[dict[str, Any]]:
    rows = [
        {
            "block": "项目决策",
            "category": "项目立项",
            "name": f"决策{i}",
            "target": "—",
            "actual": "达成",
            "weight": w,
        }
        for i, w in enumerate(decision_weights)
    ]
    rows += [
        {
            "block": "项目管理",
            "category": "管理",
            "name": f"管理{i}",
            "target": "—",
            "actual": "达成",
            "weight": 4,
        }
        for i in range(3)
    ]  # 13 ÷ 3 = 4.33 → 4: Σ 12
    rows.append(
        {
            "block": "项目绩效",
            "category": "数量指标",
            "name": "产出",
            "target": "≥1次",
            "actual": "1次",
            "weight": 85,
        }
    )
    return rows


def test_weights_divided_and_rounded_drift_without_an_alarm() -> None:
    ruleset = perfscore.load_ruleset(FRAMEWORKS / "divided.toml")
    report = _score(ruleset, _divided_rows([1, 1, 1]))  # 2 ÷ 3 = 0.67 → 1: Σ 3
    assert _codes(report, "error", "warning") == []
    assert _codes(report, "info") == ["weights-drift", "weights-drift"]
    decision = next(b for b in report.blocks if b.key == "decision")
    assert decision.points == 3  # the block gives what its rows weigh, not capped at 2
    assert report.total == 100  # 3 + 12 + 85


def test_weights_that_are_not_the_rounded_share_are_still_reported() -> None:
    ruleset = perfscore.load_ruleset(FRAMEWORKS / "divided.toml")
    report = _score(ruleset, _divided_rows([1, 1, 2]))
    assert _codes(report, "error").count("weights-sum") == 1


# -- budget precision: floored integers, 1 dp, 2 dp ----------------------------------------------


@pytest.mark.parametrize(
    ("places", "mode", "points"),
    [(0, "floor", 9), (0, "half_up", 10), (1, "half_up", D("9.9")), (2, "half_up", D("9.93"))],
)
def test_budget_precision_as_the_ruleset_says(places: int, mode: str, points: Decimal, tmp_path: Any) -> None:
    text = (FRAMEWORKS / "cost-ceiling.toml").read_text(encoding="utf-8")
    text += f'\n[budget]\nrounding = {{ places = {places}, mode = "{mode}" }}\n'
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    report = _score(perfscore.load_ruleset(path), [], budget={"full_year": 1000, "executed": 993})
    assert report.budget is not None and report.budget.points == points


# -- the new keys are checked when a ruleset loads ---------------------------------------------------


def _variant(tmp_path: Any, old: str, new: str) -> Any:
    text = (FRAMEWORKS / "divided.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "r.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ('weights = "divided"', 'weights = "evenly"', "bad-weight-rule"),
        ('weights = "divided"', 'weights = "divided"\ndefault = true', ""),
        ("points = 85\n", "points = 85\ndefault = true\n", ""),
    ],
)
def test_weights_and_default_are_checked(tmp_path: Any, old: str, new: str, code: str) -> None:
    path = _variant(tmp_path, old, new)
    if code:
        with pytest.raises(perfscore.RulesetError) as caught:
            perfscore.load_ruleset(path)
        assert code in str(caught.value)
    else:
        assert perfscore.load_ruleset(path).plan.default_block is not None


def test_two_default_blocks_are_refused(tmp_path: Any) -> None:
    text = (
        (FRAMEWORKS / "divided.toml")
        .read_text(encoding="utf-8")
        .replace('weights = "divided"', 'weights = "divided"\ndefault = true')
    )  # both 项目决策 and 项目管理
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(perfscore.RulesetError) as caught:
        perfscore.load_ruleset(path)
    assert "several-default-blocks" in str(caught.value)


def test_a_method_may_refuse_self_stated_scores(tmp_path: Any) -> None:
    text = (FRAMEWORKS / "divided.toml").read_text(encoding="utf-8")
    text += "\n[methods.qualitative]\nself_stated = false\n"
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    ruleset = perfscore.load_ruleset(path)
    row = {"block": "项目决策", "category": "立项", "name": "x", "target": "—", "actual": "依据充分",
           "weight": 1, "reported_score": 1}  # fmt: skip
    assert "level-unknown" in _codes(_score(ruleset, [row]), "error")
