"""Each scoring stage on its own: the plan a ruleset compiles, matching, derived values, cell
values, one row's points, the budget row, totals, the reasons and the findings."""

from __future__ import annotations

import threading
from decimal import Decimal

import attrs
import pytest

import perfscore
from conftest import DATA
from perfscore.evaluations import BudgetTable, Evaluation, IndicatorRow, Unreadable
from perfscore.report import NOT_APPLICABLE, NOT_SCORABLE, SCORED, RowResult
from perfscore.rules import Ruleset
from perfscore.rules.plan import build_plan, normalize_label
from perfscore.scoring.budget import score_budget
from perfscore.scoring.derive import derive
from perfscore.scoring.explain import REASONS, provenance, reason
from perfscore.scoring.findings import Findings, NotScorable, finding
from perfscore.scoring.match import choose_method, derived_rows, match_block, match_indicator
from perfscore.scoring.rows import Run, score_row
from perfscore.scoring.shown import fmt
from perfscore.scoring.totals import block_result, grade, total
from perfscore.scoring.values import complete_texts, parse, target_and_actual

D = Decimal


@pytest.fixture(scope="module")
def national() -> Ruleset:
    return perfscore.load_ruleset("cn-project")


@pytest.fixture(scope="module")
def department() -> Ruleset:
    """A framework with fixed indicators, base data and indicators whose actual is derived."""
    return perfscore.load_ruleset("430600-department", year=2023)


def _row(**fields: object) -> IndicatorRow:
    values: dict[str, object] = {
        "block": "产出指标",
        "category": "数量指标",
        "name": "培训场次",
        "target": "≥10次",
        "actual": "8次",
        "weight": D(10),
        "where": "rows[0]",
    }
    values.update(fields)
    return IndicatorRow(**values)  # type: ignore[arg-type]


def _run(ruleset: Ruleset, *, derived: dict[str, Decimal] | None = None, base: Decimal | None = None) -> Run:
    plan = ruleset.plan
    return Run(
        plan=plan,
        findings=Findings(),
        derived=derived or {},
        source="t.toml",
        budget_base=base,
        clamp=ruleset.clamp_negative_actual,
        matched={b.block.key: set() for b in plan.in_order},
    )


def _codes(findings: Findings) -> list[str]:
    return [f.code for f in findings.items]


# -- the plan (compiled once, at load) -------------------------------------------------------


def test_loading_compiles_the_plan_once(national: Ruleset) -> None:
    assert getattr(national, "_plan", None) is not None  # built by loading, not on first use
    assert national.plan is national.plan


def test_a_ruleset_built_directly_builds_its_plan_on_first_use_once(national: Ruleset) -> None:
    copy = attrs.evolve(national, selection={**national.selection, "LE": "reverse_linear"})
    assert getattr(copy, "_plan", None) is None  # an evolved copy never keeps the original's lookups
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(copy.plan)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(p) for p in seen}) == 1
    target = parse("≤5")
    block = copy.plan.blocks[normalize_label("产出指标")]
    assert block.choices[target.comparator].plan.key == "reverse_linear"
    assert national.plan.blocks[normalize_label("产出指标")].choices[target.comparator].plan.key == "reverse"


def test_a_rounded_row_score_is_one_shared_object_per_value(national: Ruleset) -> None:
    plan = build_plan(national)  # a plan of its own: nothing remembered yet
    ten = D(10)
    first, again = plan.round_row(D("2.715"), ten), plan.round_row(D("2.7150"), ten)
    assert first == D("2.72") and str(first) == "2.72" and again is first
    assert str(plan.round_row(D("2.7"), ten)) == "2.70"  # the row exponent, whatever the value's own
    assert str(plan.round_row(D("0"), ten)) == "0.00"
    assert plan.round_row(D("2.996"), D(3)) == D(3) and str(plan.round_row(D("2.996"), D("2.99"))) == "2.99"


def test_a_formulas_raw_score_is_clipped_to_the_weight_and_never_minus_zero(national: Ruleset) -> None:
    plan = national.plan
    assert plan.clip_row(D("12.5"), D(10)) == D(10) and plan.clip_row(D("-3"), D(10)) == 0
    assert str(plan.round_row(plan.clip_row(D("-0"), D(10)), D(10))) == "0.00"
    assert plan.clip_row(D("7.25"), D(10)) == D("7.25")


def test_the_plan_knows_every_name_a_block_answers_to(national: Ruleset) -> None:
    plan = build_plan(national)
    satisfaction = plan.blocks[normalize_label("服务对象满意度指标")]  # an alias
    assert satisfaction is plan.blocks[normalize_label(" 满意度指标（10分）")]  # spaces, points suffix
    assert satisfaction.block.key == "satisfaction" and plan.blocks["satisfaction"] is satisfaction
    assert [b.block.key for b in plan.in_order] == ["output", "benefit", "satisfaction"]
    assert satisfaction.provenance["points"].endswith(".toml: blocks[2].points")


def test_a_method_plan_shows_w_t_a_first_and_knows_where_it_was_set(national: Ruleset) -> None:
    positive = national.plan.methods["positive"]
    assert positive.shown == ("W", "T", "A")
    assert positive.needs_values and positive.kind == "formula"
    assert positive.provenance.endswith(".toml: methods.positive")
    index, raw = positive.cases(positive.params, D(10), D(10), D(8))
    assert (index, raw) == (1, D(8))
    qualitative = national.plan.methods["qualitative"]
    assert qualitative.kind == "qualitative" and qualitative.level_names
    assert national.plan.named_choices["positive"].plan is positive
    assert national.plan.named_choices["positive"].provenance == ""


def test_the_plan_knows_framework_indicators_and_where_their_weights_were_set(department: Ruleset) -> None:
    found = department.plan.indicators[("input", normalize_label("财政供养人员控制率"))]
    assert found.indicator.key == "staff_control"
    assert found.weight_where.endswith("indicators[0].weight")
    assert department.plan.derived_units["staff_control_rate"] == "%"


# -- match -----------------------------------------------------------------------------------


def test_match_block_by_any_name_or_not_scorable(national: Ruleset) -> None:
    assert match_block(national.plan, _row(block="效益 指标")).block.key == "benefit"
    with pytest.raises(NotScorable) as caught:
        match_block(national.plan, _row(block="其他指标"))
    assert caught.value.reason == "unknown-block" and caught.value.finding is not None
    assert caught.value.finding.code == "unknown-block"
    assert caught.value.finding.location == "rows[0].block"
    assert caught.value.finding.found == "'其他指标'"
    assert reason(caught.value.reason, caught.value.values)[0] == "一级指标 '其他指标' 不在规则集中"


def test_match_block_for_a_flat_list_by_category_then_the_default() -> None:
    ruleset = perfscore.load_ruleset(DATA / "frameworks" / "cost-ceiling.toml")
    plan = ruleset.plan
    assert match_block(plan, _row(block="", category="社会效益指标")).block.key == "benefit"
    assert match_block(plan, _row(block="—", category="数量指标")).block.key == "output"
    assert plan.default_block is not None and plan.default_block.block.key == "satisfaction"
    assert match_block(plan, _row(block="", category="其他")).block.key == "satisfaction"
    single = perfscore.load_ruleset("500000-department", year=2021).plan
    assert single.default_block is not None  # the only block of a single-block framework
    assert match_block(single, _row(block="", category="")).block.key == "indicators"


def test_match_block_by_prefix_and_no_default_among_several_blocks(national: Ruleset) -> None:
    goals = perfscore.load_ruleset(DATA / "frameworks" / "goal-blocks.toml").plan
    assert match_block(goals, _row(block="年度绩效目标2（40分）")).block.key == "goals"
    assert national.plan.default_block is None
    with pytest.raises(NotScorable) as caught:
        match_block(national.plan, _row(block="", category="其他"))
    assert caught.value.reason == "unknown-block"


def test_a_category_selection_wins_over_its_blocks() -> None:
    plan = perfscore.load_ruleset(DATA / "frameworks" / "cost-ceiling.toml").plan
    block = plan.blocks["output"]
    cost = choose_method(plan, block, _row(category="成本指标", target="50万元"), None, parse("50万元"))
    assert cost.plan.key == "reverse"
    assert cost.provenance.endswith("blocks[0].categories[3].selection.implicit")
    other = choose_method(plan, block, _row(category="数量指标", target="50人"), None, parse("50人"))
    assert other.plan.key == "positive"


def test_a_blank_target_is_selected_by_blank() -> None:
    plan = perfscore.load_ruleset("640100-project", year=2021).plan
    chosen = choose_method(plan, plan.blocks["decision"], _row(target="—"), None, parse("—"))
    assert chosen.plan.key == "qualitative" and chosen.provenance.endswith("selection.blank")


def test_match_indicator(department: Ruleset) -> None:
    plan = department.plan
    block = plan.blocks["input"]
    row = _row(block="投入", name="财政供养人员控制率")
    found = match_indicator(plan, block, row)
    assert found is not None and found.indicator.key == "staff_control"
    assert match_indicator(plan, block, _row(block="投入", name="不适用")) is None
    with pytest.raises(NotScorable) as caught:
        match_indicator(plan, block, _row(block="投入", name="别的指标"))
    assert caught.value.finding is not None and caught.value.finding.code == "unknown-indicator"


def test_choose_method_by_the_row_the_indicator_or_the_selection(national: Ruleset) -> None:
    plan = national.plan
    block = plan.blocks["output"]
    chosen = choose_method(plan, block, _row(target="≤5"), None, parse("≤5"))
    assert chosen.plan.key == "reverse" and chosen.provenance.endswith(".toml: selection.LE")
    named = choose_method(plan, block, _row(method="equality"), None, parse("≥10次"))
    assert named.plan.key == "equality" and named.provenance == ""
    with pytest.raises(NotScorable) as caught:
        choose_method(plan, block, _row(method="nosuch"), None, parse("≥10次"))
    assert caught.value.finding is not None and caught.value.finding.code == "unknown-method"
    assert reason(caught.value.reason, caught.value.values) == (
        "计分方法 'nosuch' 不存在",
        "no method for this target",  # the target is a number
    )
    with pytest.raises(NotScorable) as caught:
        choose_method(plan, block, _row(target=""), None, parse(""))
    assert caught.value.finding is not None and caught.value.finding.code == "unparseable-target"
    assert caught.value.finding.message_en == "the target cell cannot be read (empty)"
    assert reason(caught.value.reason, caught.value.values) == (
        "年度指标值 '' 无法识别",
        "no method: 年度指标值 '' 无法识别",
    )


def test_derived_rows_stand_for_unnamed_indicators_with_derived_actuals(department: Ruleset) -> None:
    plan = department.plan
    rows = list(derived_rows(plan, plan.blocks["input"], set()))
    assert [(r.name, r.where) for r, _ in rows] == [
        ("财政供养人员控制率", "derived.staff_control_rate"),
        ("“三公经费”变动率", "derived.sanggong_change_rate"),
    ]
    assert list(derived_rows(plan, plan.blocks["input"], {"staff_control", "sanggong_change"})) == []


# -- derive ----------------------------------------------------------------------------------


def test_derive_computes_from_base_data_and_leaves_out_what_it_cannot(department: Ruleset) -> None:
    evaluation = Evaluation(
        region="430600",
        form="department",
        year=2023,
        base={"staff_authorized": D(40), "staff_actual": D(38)},
    )
    findings = Findings()
    values = derive(department, evaluation, findings)
    assert values["staff_control_rate"] == D(95)
    assert "sanggong_control_rate" not in values
    missing = [f for f in findings.items if f.location == "derived.sanggong_control_rate"]
    assert [f.code for f in missing] == ["missing-base"]
    assert missing[0].message_zh == "缺少基础数据：sanggong_budget, sanggong_final（需要它的行另有错误提示）"
    assert missing[0].severity == "info"


def test_derive_counts_rows_meeting_a_condition() -> None:
    ruleset = perfscore.load_ruleset("510000-department", year=2023)
    rows = (
        _row(block="部门预算管理", category="数量指标", target="10", actual="12", where="rows[0]"),
        _row(block="部门预算管理", category="数量指标", target="10", actual="8", where="rows[1]"),
        _row(block="部门预算管理", category="质量指标", target="10", actual="10", where="rows[2]"),
    )
    evaluation = Evaluation(region="510000", form="department", year=2023, rows=rows)
    values = derive(ruleset, evaluation, Findings())
    assert values["quantity_total"] == 2
    assert values["quantity_achieved"] == 1
    assert values["achievement_rate"] == 50


# -- values ----------------------------------------------------------------------------------


def test_complete_texts_joins_sign_and_unit_and_fills_a_derived_actual(department: Ruleset) -> None:
    joined = complete_texts(_row(sign="≥", target="90", actual="95", unit="%"))
    assert (joined.target, joined.actual) == ("≥90%", "95%")
    untouched = _row()
    assert complete_texts(untouched) is untouched
    indicator = department.plan.indicators[("input", normalize_label("财政供养人员控制率"))].indicator
    filled = complete_texts(
        _row(target="", actual=""), indicator, {"staff_control_rate": D("95.50")}, {"staff_control_rate": "%"}
    )
    assert (filled.target, filled.actual) == ("≤100%", "95.5%")


def test_target_and_actual_converts_units_and_clamps() -> None:
    row = _row(target="≥2万元", actual="15000元")
    assert target_and_actual(row, parse(row.target), parse(row.actual), None, False) == (
        D(2),
        D("1.5"),
        "万元",
    )
    row = _row(target="≥10", actual="-3")
    assert target_and_actual(row, parse(row.target), parse(row.actual), None, True)[1] == 0
    assert target_and_actual(row, parse(row.target), parse(row.actual), None, False)[1] == -3


@pytest.mark.parametrize(
    ("target", "actual", "base", "code", "reason_zh"),
    [
        ("≥10次", "8个月", None, "unit-mismatch", "单位不一致（次 / 月）"),
        ("不超过预算投入", "5万元", None, "missing-value", "年度指标值引用预算数，但表中没有预算数"),
        ("≥10次", "", None, "missing-value", "实际完成值为空"),
        ("≥10次", "按时完成", None, "not-a-number", "实际完成值 '按时完成' 不是数值"),
        ("≥10次", "1" + "0" * 20 + "次", None, "not-scorable", None),
        ("≥10次", "9" * 60, None, "garbled-cell", "实际完成值 '" + "9" * 60 + "' 无法识别"),
    ],
)
def test_target_and_actual_not_scorable(
    target: str, actual: str, base: Decimal | None, code: str, reason_zh: str | None
) -> None:
    row = _row(target=target, actual=actual)
    with pytest.raises(NotScorable) as caught:
        target_and_actual(row, parse(target), parse(actual), base, False)
    assert caught.value.finding is not None and caught.value.finding.code == code
    assert caught.value.finding.severity == "error"
    if reason_zh is not None:
        assert reason(caught.value.reason, caught.value.values)[0] == reason_zh


def test_a_budget_reference_is_the_budget_base() -> None:
    row = _row(target="不超过预算投入", actual="90万元")
    assert target_and_actual(row, parse(row.target), parse(row.actual), D(100), False) == (
        D(100),
        D(90),
        "万元",
    )


# -- rows ------------------------------------------------------------------------------------


def test_a_row_scored_by_formula(national: Ruleset) -> None:
    run = _run(national)
    result = score_row(run, _row())
    assert isinstance(result, RowResult)
    assert (result.status, result.block, result.method) == (SCORED, "output", "positive")
    assert (result.raw, result.capped, result.points) == (D(8), D(8), D(8))
    assert result.formula == "W * A / T"
    assert (
        result.reason_zh
        == "正向指标：未达到年度指标值，按 实际/指标 比例计分（W=10，T=10次，A=8次；W * A / T = 8），得 8 分"
    )
    assert result.provenance["weight"] == "t.toml: rows[0].weight"
    assert result.provenance["selection"].endswith("selection.GE")
    assert run.findings.items == [] and run.findings.complete


def test_a_row_scored_by_level(national: Ruleset) -> None:
    result = score_row(_run(national), _row(target="按时完成", actual="部分完成", level="基本达成"))
    assert result.status == SCORED and result.method == "qualitative"
    assert result.points is not None and D(0) < result.points < D(10)
    assert "表中注明的等级" in result.reason_zh and "部分达成年度指标并具有一定效果" in result.reason_zh
    said = score_row(_run(national), _row(target="按时完成", actual="按时完成"))
    assert said.points == D(10) and "实际完成值与年度指标值一致" in said.reason_zh
    run = _run(national)
    unknown = score_row(run, _row(target="按时完成", actual="看情况"))
    assert unknown.status == NOT_SCORABLE and _codes(run.findings) == ["level-unknown"]
    assert unknown.method == "qualitative" and unknown.provenance["method"].endswith("methods.qualitative")


def test_a_not_applicable_row_with_a_weight(national: Ruleset) -> None:
    run = _run(national)
    result = score_row(run, _row(target="不适用", actual="不适用"))
    assert result.status == NOT_APPLICABLE and result.reason_zh == "不适用，不计分值"
    assert _codes(run.findings) == ["weight-on-not-applicable"] and run.findings.complete


@pytest.mark.parametrize(
    ("fields", "code", "weight"),
    [
        ({"weight": None}, "missing-weight", None),
        ({"weight": D(60)}, "implausible-weight", D(60)),
        ({"block": "其他指标"}, "unknown-block", D(10)),
        ({"actual": "很多"}, "not-a-number", D(10)),
        ({"target": "≤-1", "actual": "0"}, "not-scorable", D(10)),
    ],
)
def test_a_row_not_scorable(
    national: Ruleset, fields: dict[str, object], code: str, weight: Decimal | None
) -> None:
    run = _run(national)
    result = score_row(run, _row(**fields))
    assert result.status == NOT_SCORABLE and result.points is None and result.weight == weight
    assert _codes(run.findings) == [code] and not run.findings.complete
    assert result.reason_zh and result.reason_en


def test_an_unreadable_weight_is_not_scorable_without_a_second_finding(national: Ruleset) -> None:
    run = _run(national)
    row = _row(weight=None, unreadable=(Unreadable(column="weight", text="十分", address="D3"),))
    result = score_row(run, row)
    assert result.status == NOT_SCORABLE and result.reason_en == "the weight cell cannot be read"
    assert run.findings.items == [] and not run.findings.complete


def test_a_failed_formula_shows_its_inputs(national: Ruleset) -> None:
    result = score_row(_run(national), _row(target="≤-1", actual="0", method="reverse"))
    assert result.status == NOT_SCORABLE
    assert dict(result.inputs) == {"W": "10", "T": "-1", "A": "0"}
    assert result.method == "reverse" and result.provenance["method"].endswith("methods.reverse")


def test_a_framework_row_takes_the_indicator_weight(department: Ruleset) -> None:
    run = _run(department)
    row = _row(
        block="投入", category="", name="财政供养人员控制率", target="≤100%", actual="98%", weight=D(4)
    )
    result = score_row(run, row)
    assert result.weight == D(5) and result.status == SCORED
    assert _codes(run.findings) == ["weight-differs"]
    assert run.matched["input"] == {"staff_control"}


# -- budget ----------------------------------------------------------------------------------


def test_budget_scored_and_capped(national: Ruleset) -> None:
    assert national.budget is not None
    findings = Findings()
    table = BudgetTable(full_year=D(100), executed=D(120), points=D(10))
    result = score_budget(national.budget, table, national.plan.budget_provenance, findings)
    assert (result.status, result.rate, result.points) == (SCORED, D("1.2"), D(10))
    assert findings.items == [] and findings.complete
    assert result.reason_zh.startswith("执行率 = 120 / 100 = 120%")


def test_budget_not_scorable_and_points_differ(national: Ruleset) -> None:
    assert national.budget is not None
    findings = Findings()
    table = BudgetTable(full_year=D(0), executed=D(5), points=D(8))
    result = score_budget(national.budget, table, national.plan.budget_provenance, findings)
    assert result.status == NOT_SCORABLE and result.points is None and result.rate is None
    assert _codes(findings) == ["budget-points-differ", "budget-not-scorable"] and not findings.complete
    assert (result.reason_zh, result.reason_en) == ("预算执行率无法计算", "execution rate cannot be computed")


def test_budget_out_of_range(national: Ruleset) -> None:
    assert national.budget is not None
    findings = Findings()
    table = BudgetTable(full_year=D("1e-20"), executed=D("1e15"))
    result = score_budget(national.budget, table, national.plan.budget_provenance, findings)
    assert result.status == NOT_SCORABLE and result.rate is None
    assert findings.items[0].code == "budget-not-scorable"
    assert findings.items[0].message_zh == "预算执行率超出可计算范围"


# -- totals ----------------------------------------------------------------------------------


def _scored(national: Ruleset, *rows: IndicatorRow) -> list[RowResult]:
    run = _run(national)
    return [score_row(run, row) for row in rows]


def test_block_subtotals_by_category_and_weights_check(national: Ruleset) -> None:
    rows = _scored(
        national,
        _row(weight=D(30), reported_score=D(24), where="rows[0]"),
        _row(
            category="质量指标",
            target="100%",
            actual="100%",
            weight=D(10),
            reported_score=D(10),
            where="rows[1]",
        ),
    )
    findings = Findings()
    result = block_result(national, national.plan.blocks["output"], rows, set(), None, findings)
    assert [c.name for c in result.categories] == ["数量指标", "质量指标"]
    assert (result.points, result.weight_sum, result.reported) == (D(34), D(40), D(34))
    assert _codes(findings) == ["weights-sum"] and findings.items[0].found == "40"
    assert findings.complete  # weights that do not add up still give a grade


def test_a_reported_sum_is_none_when_a_row_has_none(national: Ruleset) -> None:
    rows = _scored(national, _row(weight=D(50), reported_score=D(40)), _row(weight=D(0.5), where="rows[1]"))
    result = block_result(national, national.plan.blocks["output"], rows, set(), None, Findings())
    assert result.reported is None


def test_an_empty_block_is_an_error_and_withholds_the_grade(national: Ruleset) -> None:
    findings = Findings()
    block_result(national, national.plan.blocks["benefit"], [], set(), None, findings)
    assert _codes(findings) == ["empty-block"] and not findings.complete
    assert grade(national, D(95), findings) is None
    assert _codes(findings) == ["empty-block", "incomplete"]


def test_total_grade_and_rescale(national: Ruleset) -> None:
    rows = _scored(national, _row(weight=D(50)))
    blocks = [block_result(national, national.plan.blocks["output"], rows, set(), None, Findings())]
    assert total(national, blocks, None, False) == D(40)
    rescaled = attrs.evolve(national, not_applicable="rescale")
    assert total(rescaled, blocks, None, False) == D(80)  # 40 of 50 applicable points, out of 100
    band = grade(national, D(85), Findings())
    assert band is not None and band.label == "良"


# -- explain and findings --------------------------------------------------------------------


def test_reasons_and_provenance(national: Ruleset) -> None:
    assert reason("implausible-weight", {"weight": "60"}) == (
        "分值 60 超出一级指标分值，无法计分",
        "weight 60 exceeds the block's points: cannot score",
    )
    choice = national.plan.blocks["output"].choices[None]
    where = provenance(("e.toml", "rows[2]", "", choice))
    assert where["weight"] == "e.toml: rows[2].weight" and where["selection"].endswith("selection.implicit")
    assert set(REASONS) >= {"not-applicable", "missing-weight", "formula-failed"}


def test_a_finding_variant_shows_as_its_code() -> None:
    made = finding("missing-value", "rows[1].target", variant="budget", found="'x'", role="年度指标值")
    assert (made.code, made.severity, made.location) == ("missing-value", "error", "rows[1].target")
    assert made.message_zh == "年度指标值引用预算数，但表中没有预算数"
    findings = Findings()
    findings.not_scorable(NotScorable("missing-weight"))
    assert findings.items == [] and not findings.complete


def test_fmt() -> None:
    assert [fmt(D("8.50")), fmt(D("1E+2")), fmt(D(0)), fmt(None), fmt(D("0.123456"))] == [
        "8.5",
        "100",
        "0",
        "—",
        "≈0.1235",
    ]
