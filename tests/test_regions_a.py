"""The 北京, 上海, 江西, 河北 and 山西 rulesets: what each changes from the national form, and the
seeded inconsistency each is there to catch (found exactly once, on the right cell)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import perfscore

NEW = ("110000", "310000", "360000", "130000", "140000")


def _table(region: str, rows: list[dict[str, Any]], **budget: Any) -> perfscore.Evaluation:
    """A project table: the given rows, padded with met rows so every block's weights add up."""
    used: dict[str, Decimal] = {}
    for row in rows:
        used[row["block"]] = used.get(row["block"], Decimal(0)) + Decimal(str(row.get("weight", 0)))
    padded = list(rows)
    for block, points in (("产出指标", 50), ("效益指标", 30), ("满意度指标", 10)):
        left = Decimal(points) - used.get(block, Decimal(0))
        if left:
            padded.append(
                {
                    "block": block,
                    "name": f"{block}补足",
                    "target": "≥1次",
                    "actual": "1次",
                    "weight": float(left),
                }
            )
    data = {
        "evaluation": {"region": region, "form": "project", "year": 2022},
        "budget": budget or {"initial": 10, "full_year": 10, "executed": 10},
        "rows": padded,
    }
    return perfscore.Evaluation.from_dict(data)


def _row(report: perfscore.Report, name: str) -> perfscore.RowResult:
    return next(r for r in report.rows if r.name == name)


def _errors(review: perfscore.Review) -> list[tuple[str, str]]:
    return [(f.code, f.location) for f in review.findings if f.severity in ("error", "warning")]


@pytest.mark.parametrize("code", NEW)
def test_a_table_from_each_region_is_scored_under_that_regions_ruleset(code: str) -> None:
    ruleset = perfscore.ruleset_for(_table(code, []))
    assert (ruleset.id, ruleset.region) == (f"{code}-project", code)


@pytest.mark.parametrize("code", NEW)
def test_every_unconfirmed_source_says_so(code: str) -> None:
    ruleset = perfscore.load_ruleset(f"{code}-project")
    unconfirmed = [s for s in ruleset.sources if s.evidence == "R"]
    assert unconfirmed
    assert all("UNCONFIRMED" in (s.note or "") for s in unconfirmed), [s.id for s in unconfirmed]
    assert "UNCONFIRMED" in Path(str(ruleset.file)).read_text(encoding="utf-8")


def test_beijing_scores_execution_on_the_initial_budget() -> None:
    # 年初 100, raised to 125 in the year, 110 spent: 110% of the initial budget, capped at 10.
    table = _table("110000", [], initial=100, full_year=125, executed=110)
    beijing = perfscore.score(table, perfscore.load_ruleset("110000-project"))
    national = perfscore.score(table, perfscore.load_ruleset("cn-project"))
    assert beijing.budget is not None and national.budget is not None
    assert (beijing.budget.base, beijing.budget.points) == ("initial", Decimal("10.00"))
    assert national.budget.points == Decimal("8.80")


def test_beijing_table_without_a_full_year_column_is_scored() -> None:
    report = perfscore.score(
        _table("110000", [], initial=300, executed=285), perfscore.load_ruleset("110000-project")
    )
    assert report.budget is not None and report.budget.points == Decimal("9.50")
    assert report.complete


def test_beijing_budget_score_taken_on_the_full_year_budget_is_found_once() -> None:
    # The unit divided by 全年预算数 (110 / 125 → 8.8) where the Beijing form divides by 年初预算数.
    table = _table("110000", [], initial=100, full_year=125, executed=110, reported_score=8.8)
    review = perfscore.review(table, perfscore.load_ruleset("110000-project"))
    assert _errors(review) == [("budget-score-mismatch", "budget.reported_score")]


def test_shanghai_budget_score_has_two_decimals() -> None:
    table = _table(
        "310000", [], initial=250000, full_year=250000, executed=215457.6, rate="86.19%", reported_score=8.62
    )
    ruleset = perfscore.load_ruleset("310000-project")
    report = perfscore.score(table, ruleset)
    assert report.budget is not None and report.budget.points == Decimal("8.62")
    assert _errors(perfscore.review(table, ruleset)) == []


def test_jiangxi_partly_achieved_row_scores_in_the_80_50_band() -> None:
    rows = [{"block": "效益指标", "name": "q", "target": "明显提升", "actual": "部分达成", "weight": 30}]
    table = _table("360000", rows)
    jiangxi = _row(perfscore.score(table, perfscore.load_ruleset("360000-project")), "q")
    national = _row(perfscore.score(table, perfscore.load_ruleset("cn-project")), "q")
    assert (jiangxi.points, national.points) == (Decimal("19.50"), Decimal("21.00"))


@pytest.mark.parametrize(
    ("actual", "points"),
    [
        ("100%", "5"),
        ("90%", "5"),
        ("110%", "5"),
        ("110.5%", "3"),
        ("85%", "3"),
        ("115%", "3"),
        ("120%", "1"),
        ("121%", "0"),
    ],
)
def test_jiangxi_cost_control_bands(actual: str, points: str) -> None:
    rows = [{"block": "产出指标", "name": "成本控制率", "target": "100%", "actual": actual, "weight": 5}]
    rows[0]["method"] = "cost_control_band"
    report = perfscore.score(_table("360000", rows), perfscore.load_ruleset("360000-project"))
    assert _row(report, "成本控制率").points == Decimal(points)


@pytest.mark.parametrize(
    ("actual", "points"),
    [("90%", "10"), ("95%", "10"), ("89.9%", "9"), ("85%", "9"), ("84%", "8"), ("30%", "0")],
)
def test_jiangxi_satisfaction_loses_a_point_per_5_percent(actual: str, points: str) -> None:
    rows = [{"block": "满意度指标", "name": "满意率", "target": "≥90%", "actual": actual, "weight": 10}]
    rows[0]["method"] = "satisfaction_steps"
    report = perfscore.score(_table("360000", rows), perfscore.load_ruleset("360000-project"))
    assert _row(report, "满意率").points == Decimal(points)


def _export_row(single: int, reported: float) -> dict[str, Any]:
    return {
        "block": "产出指标",
        "name": "按时完成率",
        "sign": "≥",
        "target": "100",
        "unit": "%",
        "actual": "60",
        "weight": 15,
        "method": "converted",
        "inputs": {"single_score": single},
        "reported_score": reported,
        "note": "设备到货延迟",
    }


def test_hebei_converted_score_is_single_score_times_weight_share() -> None:
    table = _table("130000", [_export_row(60, 9)])
    ruleset = perfscore.load_ruleset("130000-project")
    assert _row(perfscore.score(table, ruleset), "按时完成率").points == Decimal("9.00")
    assert _errors(perfscore.review(table, ruleset)) == []


def test_hebei_weight_applied_twice_is_found_once() -> None:
    # The export's 单项指标得分 already carried the weight (9 of 15), and the unit printed it as the
    # converted score again: 9 × 15% = 1.35, not 9.
    table = _table("130000", [_export_row(9, 9)])
    review = perfscore.review(table, perfscore.load_ruleset("130000-project"))
    assert _row(review.report, "按时完成率").points == Decimal("1.35")
    assert _errors(review) == [("reported-above-computed", "rows[0].reported_score")]


def test_shanxi_ruleset_is_the_national_form_and_says_it_is_unconfirmed() -> None:
    shanxi = perfscore.load_ruleset("140000-project")
    national = perfscore.load_ruleset("cn-project")
    assert [(b.key, b.points) for b in shanxi.blocks] == [(b.key, b.points) for b in national.blocks]
    assert "UNCONFIRMED" in shanxi.name.zh
    assert [s.id for s in shanxi.sources if s.evidence == "R"][-1] == "sx-national-assumed"
