"""Every formula family of the domain notes (§5) is expressible in TOML and scores as stated."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import perfscore
from conftest import VALID

RULESET = perfscore.load_ruleset(VALID / "families.toml")

# (method, weight, target, actual, inputs, level, expected points)
CASES: list[tuple[str, int, str, str, dict[str, Any], str, str]] = [
    ("positive", 10, "≥90%", "99%", {}, "", "10.00"),
    ("positive", 10, "≥90%", "45%", {}, "", "5.00"),
    ("over_zero", 10, "100次", "131次", {}, "", "0.00"),
    ("over_zero", 10, "100次", "130次", {}, "", "10.00"),
    ("over_reduce", 10, "100次", "150次", {}, "", "9.00"),  # 10 × (1 − 0.5 × (1.5 − 1.3))
    ("reverse_ratio", 10, "≤80万元", "100万元", {}, "", "8.00"),
    ("reverse_ratio", 10, "≤80万元", "800000元", {}, "", "10.00"),  # 元 converted to 万元
    ("reverse_linear", 10, "≤100%", "125%", {}, "", "7.50"),
    ("reverse_linear", 10, "≤100%", "200%", {}, "", "0.00"),
    ("reverse_step", 10, "≤100%", "103.2%", {}, "", "8.00"),  # 10 − 0.5 × ceil(3.2)
    ("reverse_strict", 10, "<5天", "5天", {}, "", "0.00"),
    ("equality", 10, "=0", "0", {}, "", "10.00"),
    ("equality", 10, "=0", "2", {}, "", "0.00"),
    ("equality", 10, "＝20", "15", {}, "", "7.50"),
    ("equality_tol", 10, "=20", "20.4", {}, "", "10.00"),
    ("qualitative", 10, "效果明显", "", {}, "部分达成年度指标并具有一定效果", "6.50"),
    ("qualitative", 10, "按月完成", "按月完成", {}, "", "10.00"),
    ("coefficient", 10, "100%", "100%", {"coef": 95}, "", "9.50"),
    ("tiers", 3, "0", "0", {}, "", "3.00"),
    ("tiers", 3, "0", "10", {}, "", "2.00"),
    ("tiers", 3, "0", "10.5", {}, "", "1.00"),
    ("tiers", 3, "0", "31", {}, "", "0.00"),
    ("per_event", 3, "0", "0", {"events": 3}, "", "1.50"),
    ("ratio_count", 10, "100%", "100%", {"achieved": 3, "count": 4}, "", "7.50"),
    ("budget_accuracy", 10, "0", "0", {"q": "0.02"}, "", "8.00"),
    ("budget_accuracy", 10, "0", "0", {"q": "0.11"}, "", "0.00"),
]


@pytest.mark.parametrize(("method", "weight", "target", "actual", "inputs", "level", "expected"), CASES)
def test_family(
    method: str, weight: int, target: str, actual: str, inputs: dict[str, Any], level: str, expected: str
) -> None:
    row = {
        "block": "全部",
        "name": method,
        "target": target,
        "actual": actual,
        "weight": weight,
        "method": method,
    }
    if inputs:
        row["inputs"] = inputs
    if level:
        row["level"] = level
    report = perfscore.score(
        {
            "evaluation": {"region": "CN", "form": "project", "year": 2022},
            "budget": {"full_year": 1, "executed": 1},
            "rows": [row],
        },
        RULESET,
    )
    (result,) = report.rows
    assert result.status == "scored", result.reason_en
    assert result.points == Decimal(expected)
    assert result.method == method and result.reason_zh


@pytest.mark.parametrize(("executed", "points"), [("0.95", "10.00"), ("0.85", "8.00"), ("0.5", "0.00")])
def test_budget_tiers(executed: str, points: str) -> None:
    report = perfscore.score(
        {
            "evaluation": {"region": "CN", "form": "project", "year": 2022},
            "budget": {"full_year": 1, "executed": executed},
        },
        RULESET,
    )
    assert report.budget is not None and report.budget.points == Decimal(points)


def test_negative_actual_counts_as_zero() -> None:
    row = {"block": "全部", "name": "x", "target": "10次", "actual": "-5次", "weight": 10}
    report = perfscore.score(
        {"evaluation": {"region": "CN", "form": "project", "year": 2022}, "rows": [row]}, RULESET
    )
    assert report.rows[0].points == Decimal("0.00") and report.rows[0].inputs["A"] == "0"
