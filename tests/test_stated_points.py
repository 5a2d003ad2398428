"""A table that prints its own split of the blocks' points (产出指标(60分), 效益指标(30分) and no
满意度 block: 四川 青神) under a framework whose points hold only in principle (the national one)
is scored on its own points, with an info finding — not called wrong on every row and block."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

import perfscore

SPLIT: dict[str, Any] = {
    "evaluation": {"region": "440100", "form": "project", "year": 2022, "reported_total": 96},
    "budget": {"full_year": 100, "executed": 100, "reported_score": 10},
    "rows": [
        {"block": "产出指标(60分)", "category": "数量指标", "name": "培训人次", "target": "≥500人次",
         "actual": "500人次", "weight": 30, "reported_score": 30},
        {"block": "产出指标(60分)", "category": "质量指标", "name": "合格率", "target": "≥95%",
         "actual": "95%", "weight": 30, "reported_score": 30},
        {"block": "效益指标（30 分）", "category": "社会效益指标", "name": "覆盖率", "target": "≥90%",
         "actual": "72%", "weight": 30, "reported_score": 24, "note": "偏远村组未覆盖"},
    ],
}  # fmt: skip


def _table(*labels: str) -> dict[str, Any]:
    table = copy.deepcopy(SPLIT)
    for row, label in zip(table["rows"], labels):
        row["block"] = label
    return table


def _serious(reviewed: perfscore.Review) -> list[str]:
    return sorted(f.code for f in reviewed.findings if f.severity in ("error", "warning"))


def test_a_stated_split_that_adds_up_is_scored_on_the_tables_own_points() -> None:
    reviewed = perfscore.review(SPLIT, "cn-project")
    report = reviewed.report
    assert report.total == Decimal(94) and report.complete and report.grade == "优"
    assert [(b.key, b.max_points, b.points) for b in report.blocks] == [
        ("output", Decimal(60), Decimal(60)),
        ("benefit", Decimal(30), Decimal(24)),
    ]
    stated = [f for f in reviewed.findings if f.code == "block-points-stated"]
    assert [(f.severity, f.found) for f in stated] == [("info", "产出指标 60、效益指标 30")]
    assert _serious(reviewed) == ["reported-total-mismatch"]  # 96 printed for 94: the table's own error
    assert all(b.provenance["points"].startswith("表中一级指标所列分值") for b in report.blocks)


@pytest.mark.parametrize(
    "labels",
    [
        ("产出指标", "产出指标", "效益指标"),  # no points stated
        ("产出指标(60分)", "产出指标(50分)", "效益指标(30分)"),  # two figures for one block
        ("产出指标(70分)", "产出指标(70分)", "效益指标(30分)"),  # 70 + 30 + 10 is not 100
    ],
)
def test_anything_less_consistent_is_scored_on_the_rulesets_points_and_said(labels: tuple[str, ...]) -> None:
    reviewed = perfscore.review(_table(*labels), "cn-project")
    assert not [f for f in reviewed.findings if f.code == "block-points-stated"]
    assert [b.max_points for b in reviewed.report.blocks] == [Decimal(50), Decimal(30), Decimal(10)]
    assert {"weights-sum", "empty-block"} <= set(_serious(reviewed))


def test_a_ruleset_whose_split_is_binding_keeps_its_own_points() -> None:
    table = copy.deepcopy(SPLIT)
    table["evaluation"]["region"] = "340000"
    reviewed = perfscore.review(table, "340000-project")  # 安徽: 统一设置 (stated_points = false)
    assert not [f for f in reviewed.findings if f.code == "block-points-stated"]
    assert "empty-block" in _serious(reviewed)


def test_scoring_the_same_split_twice_gives_the_same_report() -> None:
    assert perfscore.score(SPLIT, "cn-project") == perfscore.score(copy.deepcopy(SPLIT), "cn-project")
