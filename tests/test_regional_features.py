"""Engine features the regional rulesets need, each on a fixture ruleset."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import perfscore
from conftest import VALID

RULESET = perfscore.load_ruleset(VALID / "features.toml")


def _evaluation(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "evaluation": {"region": "CN", "form": "department", "year": 2021},
        "base": {"staff_authorized": 8, "staff_actual": 6},
        "budget": {"full_year": 100, "executed": 95, "reported_score": 9.5},
        "rows": [
            {
                "block": "产出",
                "category": "数量指标",
                "name": "a",
                "sign": "≥",
                "target": "10",
                "unit": "次",
                "actual": "12",
                "weight": 20,
                "core": "是",
            },
            {
                "block": "产出",
                "category": "数量指标",
                "name": "b",
                "sign": "≥",
                "target": "10",
                "unit": "次",
                "actual": "14",
                "weight": 20,
            },
            {
                "block": "产出",
                "category": "数量指标",
                "name": "c",
                "sign": "≥",
                "target": "10",
                "unit": "次",
                "actual": "8",
                "weight": 10,
            },
            {
                "block": "产出",
                "category": "质量指标",
                "name": "d",
                "sign": "定性",
                "target": "优良中低差",
                "actual": "达成",
                "weight": 20,
            },
            {"block": "项目管理", "name": "目标实现"},
        ],
    }
    data.update(extra)
    return data


def test_derived_value_from_base_data_feeds_a_fixed_indicator() -> None:
    report = perfscore.score(_evaluation(), RULESET)
    assert report.derived == {"staff_control_rate": "75", "quantity_total": "3", "quantity_achieved": "1"}
    staff = next(r for r in report.rows if r.name == "财政供养人员控制率")
    # No row in the table: it comes from 附件2's base data, 6 / 8 = 75% ≤ 100%.
    assert staff.where == "derived.staff_control_rate"
    assert (staff.target_text, staff.actual_text, staff.points) == ("≤100%", "75%", Decimal("10.00"))


def test_ratio_count_counts_rows_within_130_percent() -> None:
    report = perfscore.score(_evaluation(), RULESET)
    achievement = next(r for r in report.rows if r.name == "目标实现")
    # a: 12 of 10 counts; b: 14 of 10 is over 130% and does not; c: 8 of 10 does not.
    assert achievement.points == Decimal("3.33")


def test_sign_and_unit_columns_join_the_value() -> None:
    report = perfscore.score(_evaluation(), RULESET)
    a, b, c, d = (next(r for r in report.rows if r.name == n) for n in "abcd")
    assert (a.target_text, a.actual_text, a.points) == ("≥10次", "12次", Decimal("20.00"))
    assert c.points == Decimal("8.00")
    assert d.method == "qualitative" and d.points == Decimal("20.00")
    assert a.core and not b.core


def test_budget_row_counts_inside_its_block() -> None:
    report = perfscore.score(_evaluation(), RULESET)
    management = report.blocks[0]
    assert management.points == Decimal("10.00") + Decimal("3.33") + Decimal("9.50")
    assert report.total == Decimal("22.83") + Decimal("20") + Decimal("20") + Decimal("8") + Decimal("20")
    assert not [f for f in report.findings if f.code == "weights-sum"]


def test_missing_base_data_is_a_finding_not_a_zero() -> None:
    report = perfscore.score(_evaluation(base={"staff_authorized": 8}), RULESET)
    assert "staff_control_rate" not in report.derived
    assert any(f.code == "missing-base" for f in report.findings)
    staff = next(r for r in report.rows if r.name == "财政供养人员控制率")
    assert staff.status == "not_scorable" and not report.complete


def test_zero_authorized_posts_cannot_be_computed() -> None:
    report = perfscore.score(_evaluation(base={"staff_authorized": 0, "staff_actual": 6}), RULESET)
    assert any(f.code == "derived-not-computable" for f in report.findings)


def test_review_settings_load() -> None:
    assert RULESET.review.explain_over_ratio == Decimal("1.3")
    assert RULESET.review.explain_budget_below == Decimal("0.9")
    assert RULESET.review.rate_tolerance == Decimal("0.001")
    assert RULESET.budget is not None and RULESET.budget.block == "management"


def test_a_block_method_scores_every_row_of_the_block_one_way() -> None:
    """银川: 决策 and 管理 rows are qualitative whatever their target (`method = "qualitative"` on the
    block); the same target in 产出 is scored by the ruleset's [selection]."""
    yinchuan = perfscore.load_ruleset("640100-project")
    row = {"category": "数量指标", "target": "≥90%", "actual": "95%", "weight": 10}
    report = perfscore.score(
        {
            "evaluation": {"region": "640100", "form": "project", "year": 2021},
            "budget": {"full_year": 100, "executed": 100},
            "rows": [
                {**row, "block": "项目决策", "category": "资金投入", "name": "资金到位率"},
                {**row, "block": "项目产出", "name": "培训覆盖率"},
            ],
        },
        yinchuan,
    )
    decision, output = report.rows
    assert (decision.method, output.method) == ("qualitative", "positive")
    assert decision.explanation.provenance is not None
    assert decision.explanation.provenance["selection"].endswith("blocks[0].selection.GE")
