"""Review a reviewer can trust (issue 13, item 3): small realistic tables written from the
descriptions of how tables vary (the domain notes, §7), each consistent one reviewed with zero
errors and zero warnings, and each seeded inconsistency found exactly once, with the right code
on the right cell.

- 银川: budget execution scored inside 项目管理 (the weight sum counts it once, there);
- a national table printed in whole percents and whole points (91% for 90.6%, 9 for 9.06);
- 重庆: 得分系数 × 权重, where only the numbers show a missed target;
- silent skips: a check that cannot run says which and why.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfscore
from conftest import SLOW, VALID
from perfscore.decimals import quantize
from perfscore.report import Finding
from perfscore.reviewing import review

Table = dict[str, Any]


def _found(table: Table, ruleset: str) -> list[Finding]:
    return list(review(table, ruleset).findings)


def _serious(findings: list[Finding]) -> list[tuple[str, str]]:
    return sorted((f.code, f.location) for f in findings if f.severity in ("error", "warning"))


def _seed(table: Table, *changes: tuple[str, Any]) -> Table:
    """A copy of ``table`` with cells changed: ("rows.3.reported_score", 10), ("budget.rate", "93%")."""
    out = copy.deepcopy(table)
    for path, value in changes:
        *parents, last = path.split(".")
        node: Any = out
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return out


# -- 银川: 项目决策 10 / 项目管理 25 (预算执行率 10 inside) / 项目产出 30 / 项目效益 35 ---------------
def _row(
    block: str, category: str, name: str, target: str, actual: str, weight: int, score: Any, **extra: Any
) -> Table:
    return {
        "block": block,
        "category": category,
        "name": name,
        "target": target,
        "actual": actual,
        "weight": weight,
        "reported_score": score,
        **extra,
    }


YINCHUAN: Table = {
    "evaluation": {"region": "640100", "form": "project", "year": 2021, "reported_total": 98},
    # 调整预算数 200, 执行 188: 94% → 10 × 0.94 = 9.4 → 9 (whole points)
    "budget": {"full_year": 200, "executed": 188, "rate": "94%", "reported_score": 9},
    "rows": [
        _row("项目决策", "项目立项", "立项依据充分性", "立项依据充分", "达成", 5, 5),
        _row("项目决策", "绩效目标", "绩效目标合理性", "绩效目标明确合理", "达成", 5, 5),
        _row("项目管理", "资金管理", "资金使用合规性", "资金使用合规", "达成", 8, 8),
        # 达成 allows 80–100% of 7: a unit's 6 is inside the band, with its note
        _row("项目管理", "组织实施", "制度执行有效性", "制度执行有效", "达成", 7, 6, note="个别台账记录不全"),
        _row("项目产出", "数量指标", "培训人次", "≥500人次", "520人次", 15, 15),
        _row("项目产出", "质量指标", "培训合格率", "≥95%", "97%", 15, 15),
        _row("项目效益", "社会效益指标", "政策知晓率", "≥90%", "92%", 25, 25),
        _row("项目效益", "服务对象满意度指标", "服务对象满意度", "≥90%", "93%", 10, 10),
    ],
}
# 5 + 5 + 8 + 6 + 9 (budget) + 15 + 15 + 25 + 10 = 98


def test_yinchuan_consistent_table_is_clean() -> None:
    found = _found(YINCHUAN, "640100-project")
    assert _serious(found) == []
    assert "weights-total" not in {f.code for f in found}  # 90 in rows + 10 budget inside 项目管理


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # a block's weights off by one: found once, at the block, not again for the whole table
        (
            (("rows.4.weight", 14), ("rows.4.reported_score", 14), ("evaluation.reported_total", 97)),
            ("weights-sum", "output"),
        ),
        ((("evaluation.reported_total", 97),), ("reported-total-mismatch", "evaluation.reported_total")),
        # 部分达成 (60–80% of 8) reported as full marks
        (
            (("rows.2.actual", "部分达成"), ("rows.2.note", "一笔支出凭证不全")),
            ("full-marks-unmet", "rows[2].reported_score"),
        ),
        # a numeric 管理 row scored by level: 70% of a 100% target called 达成, full marks
        (
            (
                ("rows.2.name", "资金到位率"),
                ("rows.2.target", "100%"),
                ("rows.2.actual", "70%"),
                ("rows.2.level", "达成"),
            ),
            ("missed-target-full-score", "rows[2].reported_score"),
        ),
    ],
)
def test_yinchuan_each_seeded_inconsistency_is_found_once(
    changes: tuple[tuple[str, Any], ...], expected: tuple[str, str]
) -> None:
    assert _serious(_found(_seed(YINCHUAN, *changes), "640100-project")) == [expected]


# -- a national table printed in whole percents and whole points ----------------------------------
NATIONAL: Table = {
    "evaluation": {
        "region": "CN",
        "form": "project",
        "year": 2022,
        "reported_total": 95,
        "reported_grade": "优",
    },
    # 290.37 / 320.50 = 90.599…%: printed 91%; 10 × 0.90599 = 9.06: printed 9
    "budget": {"full_year": "320.50", "executed": "290.37", "rate": "91%", "reported_score": 9},
    "rows": [
        # 20 × 470 / 500 = 18.8: printed 19
        _row(
            "产出指标", "数量指标", "培训人次", "≥500人次", "470人次", 20, 19, note="部分学员因疫情未能参训"
        ),
        _row("产出指标", "质量指标", "培训合格率", "≥95%", "95%", 15, 15),
        _row("产出指标", "时效指标", "按时完成率", "100%", "100%", 15, 15),
        # 30 × 84.6 / 90 = 28.2: printed 28
        _row("效益指标", "社会效益指标", "政策覆盖率", "≥90%", "84.6%", 30, 28, note="偏远村组宣传不到位"),
        # 10 × 90 / 95 = 9.47: printed 9
        _row("满意度指标", "服务对象满意度指标", "培训对象满意度", "≥95%", "90%", 10, 9, note="场地条件一般"),
    ],
}
# 9 + 19 + 15 + 15 + 28 + 9 = 95 (the unrounded scores add up to 95.53)


def test_national_table_consistent_at_its_own_precision_is_clean() -> None:
    assert _serious(_found(NATIONAL, "cn-project")) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ((("budget.rate", "93%"),), ("rate-mismatch", "budget.rate")),
        (
            (("budget.reported_score", 8), ("evaluation.reported_total", 94)),
            ("budget-score-mismatch", "budget.reported_score"),
        ),
        # 9.47 printed as full marks: beyond whole-point rounding
        (
            (("rows.4.reported_score", 10), ("evaluation.reported_total", 96)),
            ("full-marks-unmet", "rows[4].reported_score"),
        ),
        (
            (("rows.3.reported_score", 29), ("evaluation.reported_total", 96)),
            ("reported-above-computed", "rows[3].reported_score"),
        ),
        ((("evaluation.reported_total", 94),), ("reported-total-mismatch", "evaluation.reported_total")),
        ((("evaluation.reported_grade", "良"),), ("grade-mismatch", "evaluation.reported_grade")),
        ((("evaluation.reported_grade", "甲等"),), ("unknown-grade", "evaluation.reported_grade")),
        # a met target with points taken off (and its note): a warning, never corrected
        (
            (("rows.1.reported_score", 13), ("rows.1.note", "自评从严"), ("evaluation.reported_total", 93)),
            ("self-deduction", "rows[1].reported_score"),
        ),
    ],
)
def test_national_each_seeded_inconsistency_is_found_once(
    changes: tuple[tuple[str, Any], ...], expected: tuple[str, str]
) -> None:
    assert _serious(_found(_seed(NATIONAL, *changes), "cn-project")) == [expected]


def test_a_self_deduction_on_a_met_target_says_so_and_is_not_corrected() -> None:
    table = _seed(
        NATIONAL,
        ("rows.1.reported_score", 13),
        ("rows.1.note", "自评从严"),
        ("evaluation.reported_total", 93),
    )
    checked = review(table, "cn-project")
    (found,) = [f for f in checked.findings if f.code == "self-deduction"]
    assert (found.severity, found.expected, found.found) == ("warning", "15", "13")
    assert "已完成目标" in found.message_zh and "不予更正" in found.message_zh
    assert "not corrected" in found.message_en
    row = checked.report.rows[1]
    assert (row.points, row.reported) == (Decimal(15), Decimal(13))  # both kept, neither replaced


def test_a_truncated_budget_score_is_at_most_an_info() -> None:
    # 99.6% → 9.96, printed 9 (floored integer scores): agrees at the table's convention
    table = _seed(
        NATIONAL,
        ("budget.executed", "319.22"),
        ("budget.rate", "99.6%"),
        ("rows.0.reported_score", "18.8"),  # the score column now prints one decimal
        ("rows.3.reported_score", "28.2"),
        ("rows.4.reported_score", "9.5"),
        ("evaluation.reported_total", "95.5"),
    )
    found = _found(table, "cn-project")
    assert _serious(found) == []
    (info,) = [f for f in found if f.location == "budget.reported_score"]
    assert (info.code, info.severity) == ("agrees-at-precision", "info")


# -- 重庆: 得分系数 × 指标权重, one flat list worth 90 -------------------------------------------
CHONGQING: Table = {
    "evaluation": {"region": "500000", "form": "department", "year": 2021, "reported_total": "97.4"},
    "budget": {"full_year": 100, "executed": 98, "rate": "98%", "reported_score": "9.8"},
    "rows": [
        _row("绩效指标", "", "预算完成率", "≥95%", "96%", 20, 20, inputs={"coef": 100}),
        _row(
            "绩效指标",
            "",
            "重点工作办结率",
            "100%",
            "92%",
            30,
            "27.6",
            inputs={"coef": 92},
            note="两项工作跨年",
        ),
        _row("绩效指标", "成本指标", "培训成本", "80万元", "76万元", 10, 10, inputs={"coef": 100}),
        _row("绩效指标", "", "管理制度健全性", "健全", "健全", 30, 30, inputs={"coef": 100}),
    ],
}
# 20 + 27.6 + 10 + 30 + 9.8 = 97.4


def test_chongqing_coefficient_table_is_clean() -> None:
    # spending 76 of a bare 80万元 under 成本指标 is no miss: a cost row is a ceiling
    assert _serious(_found(CHONGQING, "500000-department")) == []


@pytest.mark.parametrize("coef", [100, 95])
def test_chongqing_full_coefficient_on_a_missed_target_is_found(coef: int) -> None:
    score = 30 * coef // 100 if coef == 100 else "28.5"
    table = _seed(
        CHONGQING,
        ("rows.1.actual", "70%"),
        ("rows.1.inputs", {"coef": coef}),
        ("rows.1.reported_score", score),
        ("evaluation.reported_total", "100" if coef == 100 else "98.3"),
    )
    (found,) = [f for f in review(table, "500000-department").findings if f.severity != "info"]
    assert (found.code, found.location, found.severity) == (
        "missed-target-full-score",
        "rows[1].reported_score",
        "warning",
    )
    assert found.expected == "≈ 30 × 70% = 21" and "70% / 100%" in found.message_zh


def test_a_cost_row_overspent_under_a_full_coefficient_is_found() -> None:
    table = _seed(CHONGQING, ("rows.2.actual", "95万元"))  # 80 / 95 = 84% of the ceiling
    assert _serious(_found(table, "500000-department")) == [
        ("missed-target-full-score", "rows[2].reported_score")
    ]


# -- silent skips -----------------------------------------------------------------------------
def test_the_printed_total_check_says_why_it_cannot_run() -> None:
    table = _seed(YINCHUAN, ("rows.5.reported_score", None))
    found = _found(table, "640100-project")
    assert _serious(found) == []
    (skip,) = [f for f in found if f.location == "evaluation.reported_total"]
    assert (skip.code, skip.severity, skip.found) == ("check-not-run", "info", "rows[5].reported_score")


def test_a_printed_grade_without_bands_says_it_cannot_be_checked() -> None:
    table = _seed(YINCHUAN, ("evaluation.reported_grade", "优"))
    (skip,) = [f for f in _found(table, "640100-project") if f.location == "evaluation.reported_grade"]
    assert (skip.code, skip.severity, skip.found) == ("check-not-run", "info", "优")


def test_a_reported_score_on_a_row_that_cannot_be_scored_says_so() -> None:
    table = _seed(NATIONAL, ("rows.0.actual", "约四百余人"))
    found = _found(table, "cn-project")
    assert ("check-not-run", "rows[0].reported_score") in {(f.code, f.location) for f in found}


def test_the_rate_check_without_amounts_says_so() -> None:
    table = _seed(NATIONAL, ("budget.executed", None))
    found = _found(table, "cn-project")
    assert ("check-not-run", "budget.rate") in {(f.code, f.location) for f in found}
    assert ("check-not-run", "budget.reported_score") in {(f.code, f.location) for f in found}


def test_every_review_code_is_a_finding_of_the_review_table() -> None:
    from perfscore.codes import review as codes

    ids = {c.id for c in codes.CODES}
    assert {"missed-target-full-score", "agrees-at-precision", "check-not-run"} <= ids


def test_a_total_rescaled_over_the_applicable_weights_agrees_under_rescale() -> None:
    # 按百分制折算: 时效 (15) 不适用; 80 of the applicable 75 + 10 → 80 / 85 × 100 = 94.1 → 94
    table = _seed(
        NATIONAL,
        ("rows.2.actual", "不适用"),
        ("rows.2.reported_score", None),
        ("evaluation.reported_total", 94),
    )
    rescale = perfscore.load_ruleset(VALID / "rescale.toml")
    found = list(review(table, rescale).findings)
    assert _serious(found) == []
    (info,) = [f for f in found if f.location == "evaluation.reported_total"]
    assert info.code == "agrees-at-precision"


def test_the_weight_sum_counts_the_budget_once_where_the_ruleset_puts_it() -> None:
    import attrs

    from perfscore.reviewing.totals import weights_total
    from perfscore.scoring import resolve

    resolved = resolve(YINCHUAN, "640100-project")
    evaluation, ruleset = resolved.evaluation, resolved.ruleset
    report = review(evaluation, ruleset).report
    assert list(weights_total(evaluation, report, ruleset)) == []
    # a block whose weights are off and that scoring did not report: the whole-table check says so,
    # with the budget's 10 counted inside 项目管理 (90 in rows + 10 = 100 → 101)
    blocks = tuple(
        attrs.evolve(b, weight_sum=b.weight_sum + 1) if b.key == "output" else b for b in report.blocks
    )
    off = attrs.evolve(report, blocks=blocks, findings=())
    (found,) = weights_total(evaluation, off, ruleset)
    assert (found.code, found.expected, found.found) == ("weights-total", "100", "101")


def test_an_actual_written_without_its_unit_is_not_a_hundredfold_miss() -> None:
    # "0.95" against "100%": the unit left off, not 0.95% achieved
    table = _seed(CHONGQING, ("rows.0.target", "100%"), ("rows.0.actual", "0.95"))
    assert _serious(_found(table, "500000-department")) == []


@pytest.mark.parametrize(
    ("printed", "code"),
    [
        ("91%", None),  # 90.599…% at whole percents
        ("90.6%", None),
        ("90.60%", None),
        ("0.906", None),  # a fraction, three places
        ("90.5%", "agrees-at-precision"),  # the last digit cut off, not rounded: at most an info
        ("90%", "agrees-at-precision"),
        ("89%", "rate-mismatch"),
        ("90.62%", "rate-mismatch"),  # beyond what the amounts, to the cent, allow
    ],
)
def test_a_printed_rate_is_read_at_its_own_places(printed: str, code: Any) -> None:
    found = [
        f
        for f in _found(_seed(NATIONAL, ("budget.rate", printed)), "cn-project")
        if f.location == "budget.rate"
    ]
    assert [f.code for f in found] == ([code] if code else [])


@SLOW
@given(
    actual=st.integers(min_value=1, max_value=600),
    executed=st.integers(min_value=1000, max_value=32050),
    digits=st.sampled_from([0, 1, 2]),
)
def test_a_table_printed_at_any_precision_from_its_own_numbers_is_never_flagged(
    actual: int, executed: int, digits: int
) -> None:
    """Whatever the actual and the spending, a table that prints the rule's scores and rate at
    whole, 1 or 2 places (rounded half up) gets no error and no warning."""
    amount = Decimal(executed) / 100  # 10.00 … 320.50 of 320.50, to the cent
    rate = amount / Decimal("320.50")
    budget = min(rate, Decimal(1)) * 10
    row = min(Decimal(actual), Decimal(500)) / 500 * 20
    others = Decimal(15 + 15 + 30 + 10)

    def shown(value: Decimal) -> Decimal:
        return quantize(value, digits, "half_up")

    total = shown(budget) + shown(row) + others
    table = _seed(
        NATIONAL,
        ("budget.executed", str(amount)),
        ("budget.rate", f"{quantize(rate * 100, digits, 'half_up')}%"),
        ("budget.reported_score", str(shown(budget))),
        ("rows.0.actual", f"{actual}人次"),
        ("rows.0.reported_score", str(shown(row))),
        ("rows.3.actual", "90%"),
        ("rows.3.reported_score", 30),
        ("rows.4.actual", "95%"),
        ("rows.4.reported_score", 10),
        ("evaluation.reported_total", str(total)),
        ("evaluation.reported_grade", None),
    )
    assert _serious(_found(table, "cn-project")) == []


# -- 湖北 goal blocks read from a form: no weight column, a group score on a merged cell ---------


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_a_goal_block_form_with_a_merged_group_score_reviews_clean(suffix: str) -> None:
    import attrs

    from conftest import DATA

    (evaluation,) = perfscore.read_evaluations(DATA / "layouts" / f"goal-blocks{suffix}", region="420100")
    reviewed = review(evaluation)
    assert [f.code for f in reviewed.findings if f.severity != "info"] == []
    # the row whose group score sits on another row adds 0 and is not "missing": the total is checked
    assert not any(
        f.code == "check-not-run" and f.location == "evaluation.reported_total" for f in reviewed.findings
    )
    off = review(attrs.evolve(evaluation, reported_total=Decimal(93)))
    assert [(f.code, f.expected, f.found) for f in off.findings if f.severity == "error"] == [
        ("reported-total-mismatch", "95", "93")
    ]


# -- a group score on a merged 得分 cell, in a block whose rows state their weights ---------------
# Rows 0 and 1 (20 + 15 points) share one merged score cell: 18.8 + 15 = 33.8, printed 34 on the
# first row; the second row has no score of its own.
GROUPED = _seed(
    NATIONAL,
    ("rows.0.reported_score", 34),
    ("rows.0.shared_score", "附件1!H6"),
    ("rows.1.reported_score", None),
    ("rows.1.shared_score", "附件1!H6"),
)


def test_a_group_score_on_a_merged_cell_is_checked_against_the_group_not_its_first_row() -> None:
    assert _serious(_found(GROUPED, "cn-project")) == []  # not "34 above the first row's weight 20"


@pytest.mark.parametrize(
    ("score", "total", "expected"),
    [
        (36, 97, ("score-above-weight", "group", "≤ 35")),
        (35, 96, ("reported-above-computed", "group", "33.8")),
        (32, 93, ("self-deduction", "group", "33.8")),
    ],
)
def test_a_group_score_off_its_rows_sum_is_found_once_on_the_merged_cell(
    score: int, total: int, expected: tuple[str, str, str]
) -> None:
    table = _seed(GROUPED, ("rows.0.reported_score", score), ("evaluation.reported_total", total))
    found = [f for f in _found(table, "cn-project") if f.severity in ("error", "warning")]
    assert [(f.code, f.location) for f in found] == [(expected[0], "rows[0].reported_score")]
    assert found[0].expected == expected[2]
    assert found[0].message_zh.startswith("合并单元格上的组得分")


def test_a_zero_budget_with_a_printed_rate_is_scored_on_that_rate_and_said() -> None:
    # 北京 divides by 年初预算数; a table printing it 0 with a 100% rate (funds allotted in the year)
    table = _seed(NATIONAL, ("evaluation.region", "110000"), ("evaluation.reported_total", 96))
    table["budget"] = {"initial": 0, "executed": "290.37", "rate": "100%", "reported_score": 10}
    reviewed = review(table, "110000-project")
    budget = reviewed.report.budget
    assert (
        budget is not None
        and budget.points == 10
        and budget.reason_zh.startswith("执行率 = 100%（表中所列）")
    )
    said = [f for f in reviewed.findings if f.code == "budget-rate-as-printed"]
    assert [(f.severity, f.message_zh.split("，")[0]) for f in said] == [("info", "预算数为 0（年初预算数）")]
    assert _serious(list(reviewed.findings)) == []
    table["budget"].pop("rate")  # nothing printed to go by: not scorable, said
    assert "budget-not-scorable" in {f.code for f in review(table, "110000-project").findings}
