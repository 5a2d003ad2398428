"""Golden cases: the three 岳阳楼区 2023 tables (seed 003) as shipped in examples/430602/.

For each table: the reported total is reproduced exactly from the reported row scores and the
reported budget score; the rule-based scores are computed from the values; every difference
between the two is pinned here, so a rule change shows up as a diff.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import perfscore
from conftest import YUEYANGLOU
from perfscore.report import NOT_APPLICABLE, NOT_SCORABLE, Report

D = Decimal


def _report(name: str) -> Report:
    return perfscore.score_file(YUEYANGLOU / name)


def _differences(report: Report) -> dict[str, tuple[Decimal, Decimal]]:
    return {
        row.name[:12]: (row.reported, row.points)
        for row in report.rows
        if row.reported is not None and row.points is not None and row.reported != row.points
    }


@pytest.mark.parametrize(
    "name", ["department-2023.toml", "project-2023-district-fund.toml", "project-2023-transfer.toml"]
)
def test_reported_total_is_reproduced_from_reported_scores(name: str) -> None:
    report = _report(name)
    assert report.reported_total == D(95)
    assert report.reported_sum == D(95)


def test_transfer_table_computed_scores_and_self_deductions() -> None:
    report = _report("project-2023-transfer.toml")
    assert report.ruleset == "430602-project"  # found from region 430602, form project, year 2023
    assert report.complete
    assert [(b.key, b.points, b.reported) for b in report.blocks] == [
        ("output", D(50), D(50)),
        ("benefit", D(30), D(26)),
        ("satisfaction", D(10), D(9)),
    ]
    assert report.budget is not None and report.budget.points == D(10) and report.budget.rate == D(1)
    assert report.total == D(100) and report.grade == "优"
    # Met (or nearly met) targets self-scored below the weight: 13 of 15, 13 of 15, 9 of 10.
    assert _differences(report) == {
        "增强用人单位和职工知法遵": (D(13), D(15)),  # "100%" → "98%": 15 × 0.98 = 14.7 → 15 (whole points)
        "督促用工单位参加工伤保险": (D(13), D(15)),  # "100%" → "100%"
        "群众满意度": (D(9), D(10)),  # "≧95%" → "≧95%"
    }
    social = next(r for r in report.rows if r.name.startswith("增强"))
    assert social.raw == D("14.7") and social.method == "positive" and social.inputs["A"] == "98"
    not_applicable = [r.category for r in report.rows if r.status == NOT_APPLICABLE]
    assert not_applicable == ["经济效益指标", "生态效益指标", "可持续影响指标"]
    assert report.findings == ()


def test_district_fund_table_exposes_the_stale_budget_total() -> None:
    report = _report("project-2023-district-fund.toml")
    assert report.complete
    # 年度资金总额 prints 全年预算数 4 against 全年执行数 16.54: the rate is 413.5%, capped at 10 points;
    # the printed 99.75% is 3.99 / 4, the 当年财政拨款 row alone.
    assert report.budget is not None
    assert report.budget.rate == D("4.135") and report.budget.points == D(10)
    assert report.budget.printed_rate == "99.75%"
    cost = next(r for r in report.rows if r.name == "总成本控制")
    # "不超过区级专项投入" is ≤ the budget's 全年预算数 (4 as printed); 16.54 spent → 10 × 4 / 16.54.
    assert (cost.method, cost.inputs["T"], cost.inputs["A"]) == ("reverse", "4", "16.54")
    assert cost.points == D(2) and cost.reported == D(10)
    assert report.total == D(92) and report.grade == "优"
    assert _differences(report) == {
        "总成本控制": (D(10), D(2)),  # full marks self-reported on a cost over the printed budget
        "增强用人单位和职工知法遵": (D(13), D(15)),
        "督促用工单位参加工伤保险": (D(13), D(15)),
        "群众满意度": (D(9), D(10)),
    }


def test_department_table_refuses_impossible_weights_and_garbled_cells() -> None:
    report = _report("department-2023.toml")
    assert report.ruleset == "430602-department"
    assert not report.complete and report.grade == ""
    by_code = {(f.code, f.location) for f in report.findings}
    assert ("implausible-weight", "rows[11].weight") in by_code  # "153.67" where 效益 holds 30
    assert ("implausible-weight", "rows[12].weight") in by_code
    assert ("garbled-cell", "rows[9].actual") in by_code  # "153.673.67万元"
    assert ("weights-sum", "benefit") in by_code
    unscorable = [r.name for r in report.rows if r.status == NOT_SCORABLE]
    assert unscorable == [
        "总成本控制",
        "增强用人单位和职工知法遵法守法意识，依法维护职工工伤保险权益。",
        "督促用工单位参加工伤保险，维护劳动用工者合法权益,促使楼区全范围浓厚的参保氛围，促进了健康楼区、平安楼区建设。",
    ]
    garbled = next(f for f in report.findings if f.code == "garbled-cell")
    assert garbled.found == "'153.673.67万元'"  # quoted as it is, never guessed
    # What could be scored: 40 of 产出 (cost row out), 0 of 效益, 10 + 10.
    assert report.total == D(60)
    # Of the rows that could be scored, only 群众满意度 differs: self-scored 9 of 10 on a met target.
    assert _differences(report) == {"群众满意度": (D(9), D(10))}
    # The 不适应 typo rows are read as 不适用.
    assert [r.name for r in report.rows if r.status == NOT_APPLICABLE] == ["不适用", "不适应", "不适应"]


def test_qualitative_rows_score_as_achieved_when_actual_repeats_target() -> None:
    report = _report("project-2023-transfer.toml")
    timely = [r for r in report.rows if r.category == "时效指标"]
    assert [(r.method, r.points) for r in timely] == [("qualitative", D(5))] * 3
    assert all("达成年度指标" in r.reason_zh for r in timely)


def test_every_value_in_the_report_names_its_source() -> None:
    report = _report("project-2023-transfer.toml")
    assert report.provenance["rounding.row"] == "rulesets/430602/project-2023.toml: rounding.row"
    assert report.provenance["grades"] == "rulesets/CN/base.toml: grades"
    assert report.blocks[0].provenance["points"] == "rulesets/CN/project.toml: blocks[0].points"
    row = report.rows[0]
    assert row.provenance == {
        "weight": f"{report.source}: rows[0].weight",
        "method": "rulesets/CN/base.toml: methods.positive",
        "selection": "rulesets/CN/base.toml: selection.implicit",
    }
    assert report.budget is not None
    assert report.budget.provenance["points"] == "rulesets/CN/project.toml: budget.points"
