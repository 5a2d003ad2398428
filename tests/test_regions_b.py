"""The second half of issue 13's regions: 安徽, 云南, a 四川 county (中江县), 湖北's goal-block form
and the national 决策/过程/产出/效益 framework. Their worked cases run in test_ruleset_cases; here
is what a case file cannot say: which ruleset a region's table is routed to, what each framework
differs in, and that review of the shipped tables is clean where they are consistent and finds
each seeded inconsistency once."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

import perfscore
from conftest import RULESETS_DIR
from perfscore.cases import WorkedCase, read_case
from perfscore.rules import find_ruleset


def _case(path: str) -> WorkedCase:
    return read_case(RULESETS_DIR / path)


def _codes(case: WorkedCase) -> Counter[str]:
    ruleset = perfscore.load_ruleset(case.ruleset, year=case.evaluation.year)
    reviewed = perfscore.review(case.evaluation, ruleset)
    return Counter(f"{f.code}@{f.location}" for f in reviewed.findings if f.severity in ("error", "warning"))


def _budget(ruleset_id: str, year: int) -> tuple[str, Decimal]:
    budget = perfscore.load_ruleset(ruleset_id, year=year).budget
    assert budget is not None
    return budget.block, budget.points


def _points(ruleset_id: str, year: int) -> dict[str, Decimal]:
    ruleset = perfscore.load_ruleset(ruleset_id, year=year)
    return {block.key: block.points for block in ruleset.blocks}


# -- routing: a table from the region finds its ruleset, and no existing route moves ------------
@pytest.mark.parametrize(
    ("region", "form", "year", "expected"),
    [
        ("340100", "project", 2022, ("340000-project", "2020")),  # 合肥 → 安徽
        ("530700", "project", 2020, ("530000-project", "2020")),  # 丽江 2020 → the 50/30/10 edition
        ("530100", "project", 2022, ("530000-project", "2021")),  # 昆明 2022 → 40/30/20
        ("510623", "project", 2022, ("510623-project", "2022")),  # 中江县 → its own note
        ("510600", "project", 2022, ("510000-project", "2020")),  # 德阳市 still → the province
        ("420100", "project", 2020, ("420000-project", "2020")),  # 湖北 2020 unchanged
        ("420100", "project", 2022, ("420000-project-goals", "2021")),  # goal-block form from 2021
        ("440000", "special_fund", 2022, ("cn-evaluation", "2020")),  # a 专项资金 with no region rules
        ("CN", "project", 2022, ("cn-project", "2020")),  # the framework does not displace cn-project
    ],
)
def test_a_regions_table_is_routed_to_its_ruleset(
    region: str, form: str, year: int, expected: tuple[str, str]
) -> None:
    ruleset = find_ruleset(region, form, year)
    assert (ruleset.id, ruleset.edition) == expected


# -- what each framework differs in ----------------------------------------------------------------
def test_yunnan_editions_split_50_30_10_then_40_30_20() -> None:
    assert _points("530000-project", 2020) == {"output": 50, "benefit": 30, "satisfaction": 10}
    assert _points("530000-project", 2023) == {"output": 40, "benefit": 30, "satisfaction": 20}
    assert _budget("530000-project", 2023) == ("", Decimal(10))


def test_anhui_is_the_national_form_under_its_own_sources() -> None:
    anhui = perfscore.load_ruleset("340000-project", year=2022)
    national = perfscore.load_ruleset("cn-project", year=2022)
    assert _points("340000-project", 2022) == _points("cn-project", 2022)
    assert (anhui.row_rounding, anhui.total_rounding) == (national.row_rounding, national.total_rounding)
    assert anhui.methods == national.methods and anhui.grades == national.grades
    assert {s.id for s in anhui.sources} - {s.id for s in national.sources} == {
        "ah-chizhou-2022",
        "ah-tianchang-2022",
        "ah-system-template",
    }


def test_zhongjiang_follows_its_note_not_the_provincial_form() -> None:
    county = perfscore.load_ruleset("510623-project", year=2022)
    province = perfscore.load_ruleset("510000-project", year=2022)
    assert _points("510623-project", 2022) == {"output": 50, "benefit": 30, "satisfaction": 10}
    assert _points("510000-project", 2022) == {"performance": 90}
    bands = [(lv.low, lv.high) for lv in county.methods["qualitative"].levels]
    assert bands == [(Decimal("0.8"), 1), (Decimal("0.6"), Decimal("0.8")), (0, Decimal("0.6"))]
    assert len(province.methods["qualitative"].levels) == 5  # 优良中低差, the province's scale
    assert county.review.explain_budget_below == province.review.explain_budget_below == Decimal("0.9")


def test_hubei_goal_form_puts_every_goal_in_one_80_point_block() -> None:
    goals = perfscore.load_ruleset("420000-project-goals", year=2022)
    assert _points("420000-project-goals", 2022) == {"goals": 80}
    assert _budget("420000-project-goals", 2022) == ("", Decimal(20))
    assert [lv.low for lv in goals.methods["qualitative"].levels] == [Decimal("0.8"), Decimal("0.5"), 0]
    assert goals.grades == ()  # 湖北: 可以不评级


def test_national_framework_counts_the_budget_inside_process() -> None:
    framework = perfscore.load_ruleset("cn-evaluation", year=2022)
    assert _points("cn-evaluation", 2022) == {"decision": 20, "process": 20, "output": 30, "benefit": 30}
    assert _budget("cn-evaluation", 2022) == ("process", Decimal(5))
    assert [g.label for g in framework.grades] == ["优", "良", "中", "差"]


# -- review: consistent tables clean, seeded inconsistencies found once -------------------------
CONSISTENT = [
    "340000/cases/project-all-met-2022.toml",
    "340000/cases/project-grade-boundary.toml",
    "530000/cases/project-all-met-2022.toml",
    "530000/cases/project-grade-boundary-2023.toml",
    "510623/cases/project-all-met-2022.toml",
    "510623/cases/project-grade-boundary.toml",
    "420000/cases/project-goals-two-goals-all-met.toml",
    "420000/cases/project-goals-one-goal-actual-percent.toml",
    "420000/cases/project-goals-capped-budget-60.toml",
]


@pytest.mark.parametrize(
    "path", CONSISTENT, ids=[Path(p).parent.parent.name + "/" + Path(p).stem for p in CONSISTENT]
)
def test_a_consistent_table_reviews_clean(path: str) -> None:
    assert _codes(_case(path)) == Counter()


@pytest.mark.parametrize(
    "path",
    [
        "CN/cases/evaluation-all-met.toml",
        "CN/cases/evaluation-grade-boundary.toml",
        "CN/cases/evaluation-input-effect-wording.toml",
    ],
)
def test_the_framework_tables_review_clean(path: str) -> None:
    # 预算执行率 sits inside 过程: review's whole-table weight check counts its points there, once.
    assert _codes(_case(path)) == Counter()


def test_the_printed_110_table_gets_each_true_finding_once() -> None:
    codes = _codes(_case("510623/cases/project-printed-110.toml"))
    assert codes == Counter(
        {
            "weights-sum@output": 1,  # 产出 printed 70 against the note's 50
            "weights-sum@benefit": 1,  # 效益 printed 20 against 30
            # 70 + 20 + 10 + 10 = 110: the whole-table weight check does not repeat the block sums
            "reported-total-mismatch@evaluation.reported_total": 1,  # parts 110, printed 100
            "block-capped@output": 1,  # 产出 scored 70 of a 50-point block
        }
    )


@pytest.mark.parametrize(
    ("path", "rows"),
    [
        ("340000/cases/project-self-deduction.toml", (0,)),  # rows[3]: 28 of 30 is inside 达成's band
        ("530000/cases/project-2020-self-deduction.toml", (0, 1, 3)),
    ],
)
def test_self_deductions_on_met_rows_are_warnings_never_corrections(path: str, rows: tuple[int, ...]) -> None:
    case = _case(path)
    codes = _codes(case)
    assert codes == Counter({f"self-deduction@rows[{i}].reported_score": 1 for i in rows})
    ruleset = perfscore.load_ruleset(case.ruleset, year=case.evaluation.year)
    assert perfscore.score(case.evaluation, ruleset).total == 100  # scored by the rules, not the unit
