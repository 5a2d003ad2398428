"""Property-based tests for scoring, grading, reports, formula backends and ruleset loading.

Strategies live in :mod:`strategies`. Every property is checked against the bundled national
ruleset (cn-project, 2 dp half-up) and the 岳阳楼区 one that extends it (430602-project,
whole numbers). Two test rulesets reach what the shipped ones cannot: tests/data/valid/
unclipped.toml, whose formulas go below 0 and above the weight and whose rows round finer than
the total, and tests/data/valid/rescale.toml, cn-project with 不适用 rows rescaled.
"""

from __future__ import annotations

import copy
import json
import random
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any, Optional, Union

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import perfscore
import perfscore.rules.load
from conftest import SLOW, VALID
from perfscore import BudgetTable, Evaluation, IndicatorRow, Report, Ruleset
from perfscore.decimals import CONTEXT, quantize
from perfscore.errors import FormulaEvaluationError
from perfscore.formulas import Formula, compile_formula
from perfscore.report import NOT_APPLICABLE, NOT_SCORABLE, SCORED, render_ruleset
from perfscore.rules import GradeBand
from strategies import (
    broken_evaluations,
    budget_tables,
    decimals,
    evaluations,
    fmt,
    indicator_rows,
    weights,
    wide_cells,
)

CN = perfscore.load_ruleset("cn-project")
YYL = perfscore.load_ruleset("430602-project")
RULESETS = (CN, YYL)
UNCLIPPED = perfscore.load_ruleset(VALID / "unclipped.toml")
RESCALE = perfscore.load_ruleset(VALID / "rescale.toml")
_ZERO = Decimal(0)


def ruleset_and_evaluation() -> st.SearchStrategy[tuple[Ruleset, Evaluation]]:
    return st.sampled_from(RULESETS).flatmap(lambda r: st.tuples(st.just(r), evaluations(r)))


def ruleset_and_broken() -> st.SearchStrategy[tuple[Ruleset, Evaluation]]:
    return st.sampled_from(RULESETS).flatmap(lambda r: st.tuples(st.just(r), broken_evaluations(r)))


def ruleset_and_overweight() -> st.SearchStrategy[tuple[Ruleset, Evaluation]]:
    return st.sampled_from(RULESETS).flatmap(lambda r: st.tuples(st.just(r), evaluations(r, overweight=True)))


def q_row(ruleset: Ruleset, value: Decimal) -> Decimal:
    return quantize(value, ruleset.row_rounding.places, ruleset.row_rounding.mode)


def row_score(ruleset: Ruleset, raw: Decimal, weight: Decimal) -> Decimal:
    """The row rule: clip to [0, W], round, and never let rounding exceed W."""
    return min(q_row(ruleset, min(max(raw, _ZERO), weight)), weight)


def q_total(ruleset: Ruleset, value: Decimal) -> Decimal:
    return quantize(value, ruleset.total_rounding.places, ruleset.total_rounding.mode)


def one_row(
    ruleset: Ruleset, target: str, actual: str, weight: Decimal, block: str = "产出指标"
) -> Evaluation:
    """An evaluation with a single row (the rest of the table does not matter for the row)."""
    row = IndicatorRow(block=block, category="数量指标", name="指标", target=target, actual=actual, weight=weight,
                       where="rows[0]")  # fmt: skip
    return Evaluation(region=ruleset.region, form=ruleset.form, year=ruleset.year_from, rows=(row,))


def only_row(report: Report) -> perfscore.RowResult:
    (row,) = report.rows
    return row


def rank(ruleset: Ruleset, band: Optional[GradeBand]) -> int:
    """0 for the best band; grades are listed from the highest down."""
    assert band is not None
    return ruleset.grades.index(band)


# -- 1. bounds ----------------------------------------------------------------------------------


@given(ruleset_and_evaluation())
def test_points_are_within_their_bounds(case: tuple[Ruleset, Evaluation]) -> None:
    ruleset, evaluation = case
    report = perfscore.score(evaluation, ruleset)
    assert report.complete, [str(f) for f in report.findings]
    for row in report.rows:
        assert row.status in (SCORED, NOT_APPLICABLE)
        if row.status == SCORED:
            assert row.points is not None and row.weight is not None
            assert _ZERO <= row.points <= row.weight, (row.where, row.points, row.weight)
    for block in report.blocks:
        assert _ZERO <= block.points <= block.max_points
    assert report.budget is not None and report.budget.points is not None
    assert _ZERO <= report.budget.points <= report.budget.weight
    assert _ZERO <= report.total <= ruleset.total
    assert report.max_total == ruleset.total


@given(ruleset_and_broken())
def test_points_are_within_their_bounds_even_for_broken_tables(case: tuple[Ruleset, Evaluation]) -> None:
    ruleset, evaluation = case
    report = perfscore.score(evaluation, ruleset)
    for row in report.rows:
        if row.status == SCORED:
            assert row.points is not None and row.weight is not None
            assert _ZERO <= row.points <= row.weight, (row.where, row.points, row.weight)
    for block in report.blocks:
        assert block.points >= _ZERO
        if block.key != "unmatched":
            assert block.points <= block.max_points
    assert _ZERO <= report.total <= ruleset.total


@given(
    ruleset=st.sampled_from(RULESETS),
    weight=st.one_of(decimals("0.1", "49.9", places=1), decimals("0.001", "49.999", places=3)),
)
@example(ruleset=YYL, weight=Decimal("2.5"))
@example(ruleset=CN, weight=Decimal("3.335"))
def test_a_full_marks_row_never_scores_above_its_weight(ruleset: Ruleset, weight: Decimal) -> None:
    """Rounding happens after capping at the weight, so it must not lift a score above it
    (regression: a weight of 2.5 under whole-point rounding used to score 3)."""
    report = perfscore.score(one_row(ruleset, "≥95%", "100%", weight), ruleset)
    row = only_row(report)
    assert row.status == SCORED and row.points is not None
    assert row.points <= weight, f"weight {weight} scored {row.points}"


def percent(cell: str) -> Decimal:
    """The number in a wide_cells() cell: "≥80.00%" → 80.00, "-35.50%" → -35.50."""
    return Decimal(cell.lstrip("≥").rstrip("%"))


def unclipped_raw(method: str, weight: Decimal, target: Decimal, actual: Decimal) -> Decimal:
    """What the formulas of tests/data/valid/unclipped.toml return, before any clipping."""
    with localcontext(CONTEXT):
        if method == "proportional":  # W * A / T
            return weight * actual / target
        return weight - UNCLIPPED.params["k"] * (target - actual)  # W - k * (T - A)


def budget_of(full_year: int, executed: int) -> BudgetTable:
    return BudgetTable(full_year=Decimal(full_year), executed=Decimal(executed))


@given(
    method=st.sampled_from(["proportional", "deduction"]),
    weight=st.one_of(weights(places=3), decimals("0.0001", 50, places=4)),
    cells=wide_cells(),
    budget=budget_tables(low="-1", high="3"),
)
@example(method="proportional", weight=Decimal(10), cells=("≥80%", "120%"), budget=budget_of(10, 25))
@example(method="proportional", weight=Decimal(10), cells=("≥80%", "-40%"), budget=budget_of(10, -5))
@example(method="deduction", weight=Decimal(10), cells=("≥80%", "85%"), budget=budget_of(10, 10))
@example(method="deduction", weight=Decimal(10), cells=("≥80%", "70%"), budget=budget_of(10, 0))
@example(method="deduction", weight=Decimal("2.0005"), cells=("≥80%", "80%"), budget=budget_of(3, 1))
def test_a_row_is_clipped_to_zero_and_its_weight_whatever_its_formula_returns(
    method: str, weight: Decimal, cells: tuple[str, str], budget: BudgetTable
) -> None:
    """The shipped formulas all cap themselves, so only a ruleset whose formulas do not shows the
    engine clipping: raw (what the formula returned) → capped = min(max(raw, 0), W) → points,
    rounded, never above W. The examples: 15 and 20 for a weight of 10 (capped at 10), -5 and -10
    (floored at 0), and 2.0005 rounding to 2.001 (kept at 2.0005). The budget row likewise."""
    target, actual = cells
    evaluation = attrs.evolve(one_row(UNCLIPPED, target, actual, weight), budget=budget)
    evaluation = attrs.evolve(evaluation, rows=(attrs.evolve(evaluation.rows[0], method=method),))
    report = perfscore.score(evaluation, UNCLIPPED)
    row = only_row(report)
    assert row.status == SCORED and row.method == method, row.reason_en
    raw = unclipped_raw(method, weight, percent(target), percent(actual))
    assert row.raw == raw  # the formula's own result, which may lie outside [0, W]
    assert row.capped == min(max(raw, _ZERO), weight)
    assert row.points == min(q_row(UNCLIPPED, row.capped), weight)
    assert _ZERO <= row.points <= weight

    rule, result = UNCLIPPED.budget, report.budget
    assert rule is not None and result is not None and result.status == SCORED
    assert budget.executed is not None and budget.full_year is not None
    with localcontext(CONTEXT):
        budget_raw = rule.points * (budget.executed / budget.full_year)  # W * rate, uncapped
    assert result.raw == budget_raw
    clipped = min(max(budget_raw, _ZERO), rule.points)
    assert result.points == min(quantize(clipped, rule.rounding.places, rule.rounding.mode), rule.points)
    assert _ZERO <= result.points <= rule.points


@given(ruleset_and_overweight())
def test_a_block_whose_rows_weigh_more_than_its_points_scores_at_most_its_points(
    case: tuple[Ruleset, Evaluation],
) -> None:
    """Rows weighing more than their block is an error the report names (weights-sum), but every
    row is still scored, and the block is capped at its points (block-capped), the total at the
    ruleset's maximum."""
    ruleset, evaluation = case
    report = perfscore.score(evaluation, ruleset)
    for row in report.rows:
        assert row.status in (SCORED, NOT_APPLICABLE), row.reason_en
        if row.status == SCORED:
            assert row.points is not None and row.weight is not None
            assert _ZERO <= row.points <= row.weight
    codes = {(f.code, f.location) for f in report.findings}
    for block in report.blocks:
        assert _ZERO <= block.points <= block.max_points, (block.key, block.points)
        assert (("weights-sum", block.key) in codes) == (block.weight_sum != block.max_points)
    assert _ZERO <= report.total <= ruleset.total
    check_sums(ruleset, report)


def test_rows_weighing_80_and_60_in_blocks_of_50_and_30_score_50_and_30() -> None:
    """Every target met in a table whose 产出 rows weigh 80 and 效益 rows 60: the rows score
    80 and 60, the blocks their points (50 and 30), and the total exactly 100."""
    rows = (
        IndicatorRow("产出指标", "数量指标", "培训场次", "≥12次", "12次", Decimal(40), where="rows[0]"),
        IndicatorRow("产出指标", "质量指标", "合格率", "≥95%", "98%", Decimal(40), where="rows[1]"),
        IndicatorRow("效益指标", "社会效益指标", "受益人数", "≥500人", "520人", Decimal(30), where="rows[2]"),
        IndicatorRow("效益指标", "可持续影响指标", "事故数", "=0", "0起", Decimal(30), where="rows[3]"),
        IndicatorRow("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "96%", Decimal(10), where="rows[4]"),
    )  # fmt: skip
    evaluation = Evaluation(region="CN", form="project", year=2022, budget=budget_of(100, 100), rows=rows)
    report = perfscore.score(evaluation, CN)
    assert all(row.status == SCORED and row.points == row.weight for row in report.rows)
    blocks = {block.key: block for block in report.blocks}
    assert sum((c.points for c in blocks["output"].categories), _ZERO) == 80
    assert sum((c.points for c in blocks["benefit"].categories), _ZERO) == 60
    points = [blocks[key].points for key in ("output", "benefit", "satisfaction")]
    assert points == [Decimal(50), Decimal(30), Decimal(10)]
    assert [blocks["output"].weight_sum, blocks["benefit"].weight_sum] == [Decimal(80), Decimal(60)]
    assert report.total == Decimal("100.00") and report.grade == "优"
    found = {(f.code, f.location) for f in report.findings}
    for key in ("output", "benefit"):
        assert ("block-capped", key) in found and ("weights-sum", key) in found
    assert ("block-capped", "satisfaction") not in found


@st.composite
def rescaled_with_impossible_weights(draw: st.DrawFn) -> Evaluation:
    """A valid table for test-rescale plus one to three rows, in its blocks, whose weight
    cannot be a weight (negative): they are not scored, yet the rescaled total must stay
    within the maximum."""
    evaluation = draw(evaluations(RESCALE))
    extra = []
    for _ in range(draw(st.integers(1, 3))):
        block = draw(st.sampled_from(RESCALE.blocks))
        weight = draw(decimals(-60, "-0.01"))
        categories = tuple(c.name.zh for c in block.categories)
        extra.append(draw(indicator_rows(block.name.zh, categories, weight)))
    rows = (*evaluation.rows, *extra)
    return attrs.evolve(
        evaluation, rows=tuple(attrs.evolve(r, where=f"rows[{i}]") for i, r in enumerate(rows))
    )


_ALL_MET_ROWS = (
    IndicatorRow("产出指标", "数量指标", "培训场次", "≥12次", "12次", Decimal(50), where="rows[0]"),
    IndicatorRow("产出指标", "数量指标", "座谈次数", "≥2次", "2次", Decimal(-5), where="rows[1]"),
    IndicatorRow("效益指标", "社会效益指标", "受益人数", "≥500人", "520人", Decimal(30), where="rows[2]"),
    IndicatorRow("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "96%", Decimal(10), where="rows[3]"),
)  # fmt: skip
ALL_MET_PLUS_A_NEGATIVE_WEIGHT = Evaluation(
    region="CN", form="project", year=2022, budget=budget_of(10, 10), rows=_ALL_MET_ROWS
)


@given(rescaled_with_impossible_weights())
@example(ALL_MET_PLUS_A_NEGATIVE_WEIGHT)  # 100 points over 95 applicable: 105.26 before the cap
def test_a_rescaled_total_never_exceeds_the_maximum(evaluation: Evaluation) -> None:
    report = perfscore.score(evaluation, RESCALE)
    impossible = {row.where for row in evaluation.rows if row.weight is not None and row.weight < 0}
    assert impossible
    for row in report.rows:
        assert (row.status == NOT_SCORABLE) == (row.where in impossible), row.where
    assert not report.complete and report.grade == ""
    for block in report.blocks:
        assert _ZERO <= block.points <= block.max_points
    assert _ZERO <= report.total <= RESCALE.total


# -- 2. parent = Σ children ---------------------------------------------------------------------


def check_sums(ruleset: Ruleset, report: Report) -> None:
    for block in report.blocks:
        for category in block.categories:
            assert category.points == sum((r.points or _ZERO for r in category.rows), _ZERO)
        raw = sum((c.points for c in block.categories), _ZERO)
        capped = block.key != "unmatched" and raw > block.max_points
        assert block.points == (block.max_points if capped else raw)
        codes = {(f.code, f.location) for f in report.findings}
        assert (("block-capped", block.key) in codes) == capped
    budget = report.budget.points if report.budget is not None and report.budget.points is not None else _ZERO
    assert ruleset.not_applicable == "no_weight"
    raw_total = sum((b.points for b in report.blocks), _ZERO) + budget
    assert report.total == q_total(ruleset, min(raw_total, ruleset.total))


@given(ruleset_and_evaluation())
def test_every_subtotal_is_the_sum_of_its_parts(case: tuple[Ruleset, Evaluation]) -> None:
    ruleset, evaluation = case
    report = perfscore.score(evaluation, ruleset)
    check_sums(ruleset, report)
    # In a valid table nothing is capped: each block is exactly Σ of its rows' rounded points.
    for block in report.blocks:
        assert block.points == sum((r.points or _ZERO for r in block.rows), _ZERO)
        assert block.weight_sum == block.max_points
    # ... and every row is exactly the rounded row rule, so the total can be recomputed by hand.
    for row in report.rows:
        if row.status == SCORED:
            assert row.weight is not None
            assert row.points == row_score(ruleset, row.capped or _ZERO, row.weight)
    assert report.budget is not None and evaluation.budget is not None
    table = evaluation.budget
    assert table.executed is not None and table.full_year is not None
    rule = ruleset.budget
    assert rule is not None
    rate = min(table.executed / table.full_year, Decimal(1))
    assert report.budget.points == min(
        quantize(rule.points * rate, rule.rounding.places, rule.rounding.mode), rule.points
    )


@given(ruleset_and_broken())
def test_every_subtotal_is_the_sum_of_its_parts_even_for_broken_tables(
    case: tuple[Ruleset, Evaluation],
) -> None:
    ruleset, evaluation = case
    check_sums(ruleset, perfscore.score(evaluation, ruleset))


# -- 3. monotonicity in the actual --------------------------------------------------------------


@given(
    ruleset=st.sampled_from(RULESETS),
    weight=decimals(1, 50),
    target=decimals("0.01", 100),
    actuals=st.lists(decimals(-10, 150), min_size=2, max_size=2),
    word=st.sampled_from(["≥", "不低于", "", "达到"]),
)
def test_positive_rows_are_monotone_in_the_actual(
    ruleset: Ruleset, weight: Decimal, target: Decimal, actuals: list[Decimal], word: str
) -> None:
    low, high = sorted(actuals)
    points = []
    for actual in (low, high):
        row = only_row(
            perfscore.score(one_row(ruleset, f"{word}{fmt(target)}%", f"{fmt(actual)}%", weight), ruleset)
        )
        assert row.status == SCORED and row.method == "positive" and row.points is not None
        a = max(actual, _ZERO)  # negative actuals count as 0
        assert row.points == row_score(ruleset, weight if a >= target else weight * a / target, weight)
        points.append(row.points)
    assert points[0] <= points[1]


@given(
    ruleset=st.sampled_from(RULESETS),
    weight=decimals(1, 30),
    target=decimals("0.01", 1000),
    actuals=st.lists(st.tuples(decimals(-10, 3000), st.booleans()), min_size=2, max_size=2),
    method=st.sampled_from(["", "reverse", "reverse_linear"]),
)
def test_reverse_rows_are_antitone_in_the_actual(
    ruleset: Ruleset, weight: Decimal, target: Decimal, actuals: list[tuple[Decimal, bool]], method: str
) -> None:
    """ "≤X万元" targets: the more was spent, the fewer points; the actual may be written in 元."""
    actuals = sorted(actuals)
    points = []
    for actual, in_yuan in actuals:
        text = f"{fmt(actual * 10000)}元" if in_yuan else f"{fmt(actual)}万元"
        evaluation = one_row(ruleset, f"≤{fmt(target)}万元", text, weight, block="效益指标")
        evaluation = attrs.evolve(evaluation, rows=(attrs.evolve(evaluation.rows[0], method=method),))
        row = only_row(perfscore.score(evaluation, ruleset))
        assert row.status == SCORED and row.points is not None, row.reason_en
        assert row.method == (method or "reverse")
        if row.method == "reverse":
            a = max(actual, _ZERO)
            assert row.points == row_score(ruleset, weight if a <= target else weight * target / a, weight)
        points.append(row.points)
    assert points[0] >= points[1]


@given(
    ruleset=st.sampled_from(RULESETS),
    weight=decimals(1, 50),
    target=st.integers(1, 100),
    actuals=st.lists(st.integers(0, 150), min_size=2, max_size=2),
)
def test_bare_count_targets_are_monotone_in_the_actual(
    ruleset: Ruleset, weight: Decimal, target: int, actuals: list[int]
) -> None:
    low, high = sorted(actuals)
    scored = [
        only_row(perfscore.score(one_row(ruleset, f"{target}次", f"{a}次", weight), ruleset))
        for a in (low, high)
    ]
    assert all(r.status == SCORED and r.points is not None for r in scored)
    assert (scored[0].points or _ZERO) <= (scored[1].points or _ZERO)


# -- 4. grades ------------------------------------------------------------------------------------


def totals(ruleset: Ruleset) -> st.SearchStrategy[Decimal]:
    return st.one_of(
        decimals(0, ruleset.total, places=ruleset.total_rounding.places),
        decimals(0, ruleset.total, places=4).map(lambda t: q_total(ruleset, t)),
        st.sampled_from([g.low for g in ruleset.grades] + [ruleset.total]),
    )


@given(st.sampled_from(RULESETS).flatmap(lambda r: st.tuples(st.just(r), totals(r))))
def test_each_total_is_in_exactly_one_grade_band(case: tuple[Ruleset, Decimal]) -> None:
    ruleset, total = case
    containing = [band for band in ruleset.grades if band.contains(total)]
    assert len(containing) == 1, (total, containing)
    assert ruleset.grade_for(total) is containing[0]


@given(st.sampled_from(RULESETS).flatmap(lambda r: st.tuples(st.just(r), totals(r), totals(r))))
def test_grades_are_monotone_in_the_total(case: tuple[Ruleset, Decimal, Decimal]) -> None:
    ruleset, a, b = case
    low, high = sorted((a, b))
    assert rank(ruleset, ruleset.grade_for(low)) >= rank(ruleset, ruleset.grade_for(high))


@pytest.mark.parametrize(
    ("raw", "grade"),
    [
        ("89.995", "优"),
        ("89.994", "良"),
        ("89.9949", "良"),
        ("79.995", "良"),
        ("59.995", "中"),
        ("59.994", "差"),
    ],
)
def test_a_total_that_rounds_up_to_a_boundary_gets_the_band_above(raw: str, grade: str) -> None:
    band = CN.grade_for(quantize(Decimal(raw), 2))
    assert band is not None and band.label == grade


def boundary_evaluation(ruleset: Ruleset, output_actual: Decimal) -> Evaluation:
    """Full marks everywhere except one 产出 row of weight 50 with target 100%: the total is
    round(output_actual / 2) + 50, so output_actual = 79.99 gives 39.995 → 40.00 → 90.00."""
    rows = (
        IndicatorRow(
            "产出指标", "数量指标", "完成率", "≥100%", f"{fmt(output_actual)}%", Decimal(50), where="rows[0]"
        ),
        IndicatorRow("效益指标", "社会效益指标", "培训次数", "9次", "9次", Decimal(30), where="rows[1]"),
        IndicatorRow(
            "满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", Decimal(10), where="rows[2]"
        ),
    )
    budget = BudgetTable(full_year=Decimal(53), executed=Decimal(53))
    return Evaluation(
        region=ruleset.region, form=ruleset.form, year=ruleset.year_from, budget=budget, rows=rows
    )


@given(ruleset=st.sampled_from(RULESETS), output_actual=decimals(78, 82))
@example(ruleset=CN, output_actual=Decimal("79.99"))  # 89.995 → 90.00 → 优
@example(ruleset=CN, output_actual=Decimal("79.98"))  # 89.99 → 良
@example(ruleset=YYL, output_actual=Decimal("79.00"))  # 89.5 → 90 → 优
@example(ruleset=YYL, output_actual=Decimal("78.98"))  # 89.49 → 89 → 良
def test_a_scored_total_near_the_top_boundary_gets_the_right_grade(
    ruleset: Ruleset, output_actual: Decimal
) -> None:
    report = perfscore.score(boundary_evaluation(ruleset, output_actual), ruleset)
    assert report.complete
    expected = q_total(ruleset, q_row(ruleset, Decimal(50) * output_actual / 100) + 50)
    assert report.total == expected
    assert report.grade == ("优" if expected >= 90 else "良")
    if ruleset is CN and output_actual == Decimal("79.99"):
        assert report.total == Decimal("90.00") and report.grade == "优"


def unclipped_boundary(output_actual: Decimal) -> Evaluation:
    """Full marks everywhere but one 产出 row of weight 50 and target 100%, under test-unclipped
    (rows to 3 places, the total to 2, both half-up): that row scores output_actual / 2 rounded
    to 3 places, and the raw total, 50 more, keeps its third decimal until the total is rounded."""
    rows = (
        IndicatorRow("产出指标", "数量指标", "完成率", "≥100%", f"{fmt(output_actual)}%", Decimal(50), where="rows[0]"),
        IndicatorRow("效益指标", "社会效益指标", "培训次数", "≥9次", "9次", Decimal(30), where="rows[1]"),
        IndicatorRow("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "90%", Decimal(10), where="rows[2]"),
    )  # fmt: skip
    return Evaluation(region="CN", form="project", year=2022, budget=budget_of(53, 53), rows=rows)


@pytest.mark.parametrize(
    ("output_actual", "row_points", "total", "grade"),
    [
        ("79.99", "39.995", "90.00", "优"),  # raw total 89.995 → 90.00
        ("79.989", "39.995", "90.00", "优"),  # the row: 39.9945 → 39.995 (half-up), then as above
        ("79.988", "39.994", "89.99", "良"),  # raw total 89.994 → 89.99
        ("80", "40.000", "90.00", "优"),
    ],
)
def test_a_scored_total_of_89_995_is_90_00_and_graded_优(
    output_actual: str, row_points: str, total: str, grade: str
) -> None:
    """The report grades the total it prints (rounded), not the raw sum of its rows."""
    report = perfscore.score(unclipped_boundary(Decimal(output_actual)), UNCLIPPED)
    assert report.complete, [str(f) for f in report.findings]
    assert report.rows[0].points == Decimal(row_points)
    assert str(report.total) == total
    assert (report.grade, report.grade_en) == (grade, "Excellent" if grade == "优" else "Good")


@given(output_actual=decimals(78, 82, places=3))
@example(output_actual=Decimal("79.990"))
@example(output_actual=Decimal("79.988"))
def test_a_total_rounded_from_finer_rows_gets_the_grade_of_the_rounded_total(output_actual: Decimal) -> None:
    report = perfscore.score(unclipped_boundary(output_actual), UNCLIPPED)
    row = q_row(UNCLIPPED, Decimal(50) * output_actual / 100)
    assert report.rows[0].points == row
    assert report.total == q_total(UNCLIPPED, row + 50)
    assert report.grade == ("优" if report.total >= 90 else "良")


@given(ruleset_and_evaluation())
def test_a_complete_report_has_the_grade_of_its_total(case: tuple[Ruleset, Evaluation]) -> None:
    ruleset, evaluation = case
    report = perfscore.score(evaluation, ruleset)
    band = ruleset.grade_for(report.total)
    assert report.complete and band is not None
    assert (report.grade, report.grade_en) == (band.label, band.en)


# -- 5. row order ---------------------------------------------------------------------------------


def by_where(report: Report) -> dict[str, tuple[str, Optional[Decimal]]]:
    return {row.where: (row.status, row.points) for row in report.rows}


@given(ruleset_and_evaluation(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(case: tuple[Ruleset, Evaluation], rnd: random.Random) -> None:
    ruleset, evaluation = case
    rows = list(evaluation.rows)
    rnd.shuffle(rows)
    shuffled = attrs.evolve(evaluation, rows=tuple(rows))
    a, b = perfscore.score(evaluation, ruleset), perfscore.score(shuffled, ruleset)
    assert (a.total, a.grade, a.complete) == (b.total, b.grade, b.complete)
    assert by_where(a) == by_where(b)
    assert {blk.key: blk.points for blk in a.blocks} == {blk.key: blk.points for blk in b.blocks}


@given(ruleset_and_broken(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter_for_broken_tables(
    case: tuple[Ruleset, Evaluation], rnd: random.Random
) -> None:
    ruleset, evaluation = case
    rows = list(evaluation.rows)
    rnd.shuffle(rows)
    a, b = (
        perfscore.score(evaluation, ruleset),
        perfscore.score(attrs.evolve(evaluation, rows=tuple(rows)), ruleset),
    )
    assert (a.total, a.grade, a.complete) == (b.total, b.grade, b.complete)
    assert by_where(a) == by_where(b)
    assert Counter(f.code for f in a.findings) == Counter(f.code for f in b.findings)


# -- 6. purity ------------------------------------------------------------------------------------


def ruleset_state(ruleset: Ruleset) -> tuple[str, str, dict[str, str]]:
    return repr(ruleset), render_ruleset(ruleset), dict(ruleset.provenance)


@given(st.one_of(ruleset_and_evaluation(), ruleset_and_broken()))
def test_scoring_is_pure_and_deterministic(case: tuple[Ruleset, Evaluation]) -> None:
    ruleset, evaluation = case
    before_eval, before_rules = evaluation.to_dict(), ruleset_state(ruleset)
    first = perfscore.score(evaluation, ruleset)
    second = perfscore.score(evaluation, ruleset)
    assert evaluation.to_dict() == before_eval
    assert ruleset_state(ruleset) == before_rules
    assert first.to_dict() == second.to_dict()
    assert first == second


@given(st.one_of(ruleset_and_evaluation(), ruleset_and_broken()), st.sampled_from(["object", "id", "none"]))
def test_scoring_a_dict_never_mutates_it(case: tuple[Ruleset, Evaluation], how: str) -> None:
    """perfscore.score also takes an evaluation as a dict (the file layout): the caller's dict,
    and every table and list in it, is left as it was, whichever way the ruleset is named, and
    whether the dict is read or refused."""
    ruleset, evaluation = case
    data = evaluation.to_dict()
    before = copy.deepcopy(data)
    named: Union[Ruleset, str, None] = ruleset if how == "object" else ruleset.id if how == "id" else None
    report = perfscore.score(data, named)
    assert data == before
    assert report == perfscore.score(evaluation, ruleset)


# -- 7. formula backends --------------------------------------------------------------------------


def formulas() -> Iterator[tuple[str, Formula]]:
    for ruleset in RULESETS:
        for key, method in ruleset.methods.items():
            for i, case in enumerate(method.cases):
                yield f"{ruleset.id}:{key}.cases[{i}].score", case.score
                if case.when is not None:
                    yield f"{ruleset.id}:{key}.cases[{i}].when", case.when
        if ruleset.budget is not None:
            yield f"{ruleset.id}:budget", ruleset.budget.formula


FORMULAS = [
    (where, loaded, compile_formula(loaded.source, loaded.names, backend="simpleeval"))
    for where, loaded in formulas()
]
ENV_NAMES = sorted({name for _, loaded, _ in FORMULAS for name in loaded.names})


def outcome(run: Any, env: dict[str, Decimal]) -> tuple[str, Union[Decimal, bool, None]]:
    try:
        value = run(env)
    except FormulaEvaluationError:
        return "error", None
    assert isinstance(value, (Decimal, bool))
    return "value", value


def interesting_numbers() -> st.SearchStrategy[Decimal]:
    return st.one_of(
        st.sampled_from(
            [Decimal(0), Decimal("-0"), Decimal(1), Decimal("0.00"), Decimal(-1), Decimal("1E+20")]
        ),
        decimals(-1000, 1000),
        decimals(-1, 2, places=6),
    )


def test_the_ruleset_formulas_are_all_compiled_by_default() -> None:
    assert FORMULAS and all(loaded.backend == "compiled" for _, loaded, _ in FORMULAS)
    assert {"W", "T", "A", "rate"} <= set(ENV_NAMES)


@given(st.fixed_dictionaries({name: interesting_numbers() for name in ENV_NAMES}))
def test_compiled_and_simpleeval_backends_agree(env: dict[str, Decimal]) -> None:
    for where, loaded, reference in FORMULAS:
        for how in ("number", "truth", "evaluate"):
            got = outcome(getattr(loaded, how), env)
            want = outcome(getattr(reference, how), env)
            assert got == want, (where, how, env)
            assert type(got[1]) is type(want[1]), (where, how, env)


@given(
    st.sampled_from([(r, key) for r in RULESETS for key, m in r.methods.items() if m.kind == "formula"]),
    st.fixed_dictionaries(
        {"W": interesting_numbers(), "T": interesting_numbers(), "A": interesting_numbers()}
    ),
)
def test_backends_agree_on_whole_methods(pick: tuple[Ruleset, str], env: dict[str, Decimal]) -> None:
    """The first case that applies, and its score, are the same under either backend."""
    ruleset, key = pick
    method = ruleset.methods[key]
    full = {**method.params, **env}

    def run(backend: str) -> tuple[str, Union[Decimal, bool, None]]:
        for case in method.cases:
            when = case.when
            if when is not None and backend == "simpleeval":
                when = compile_formula(when.source, when.names, backend=backend)
            score = case.score if backend == "compiled" else compile_formula(case.score.source, case.score.names,
                                                                                 backend=backend)  # fmt: skip
            hit = outcome(when.truth, full) if when is not None else ("value", True)
            if hit[0] == "error":
                return hit
            if hit[1]:
                return outcome(score.number, full)
        return "no case", None

    assert run("compiled") == run("simpleeval")


# -- 8. loading a child never changes its parent -----------------------------------------------


def parent_snapshot(ruleset: Ruleset) -> tuple[Any, ...]:
    return (
        render_ruleset(ruleset),
        dict(ruleset.provenance),
        ruleset.total,
        tuple((b.key, b.points, b.name) for b in ruleset.blocks),
        ruleset.row_rounding,
        ruleset.total_rounding,
        ruleset.budget.rounding if ruleset.budget else None,
        ruleset.file,
        ruleset.extends,
    )


PARENTS = ("cn-project", "430000-project", "430602-project")
"""Every ruleset that a shipped ruleset in the chain 430602-department → 430602-project →
430000-project → cn-project extends."""
SNAPSHOTS = {name: parent_snapshot(perfscore.load_ruleset(name)) for name in PARENTS}
CHAIN = {
    "cn-project": ("cn-base@2013",),
    "430000-project": ("cn-project@2020", "cn-base@2013"),
    "430602-project": ("430000-project@2020", "cn-project@2020", "cn-base@2013"),
    "430602-department": ("430602-project@2023", "430000-project@2020", "cn-project@2020", "cn-base@2013"),
}


def build_uncached(name: str) -> Ruleset:
    """Build a ruleset from its file again, bypassing (and leaving alone) the loader's cache."""
    dirs = perfscore.rules.search_dirs()
    (info,) = [info for info in perfscore.available_rulesets() if info.id == name]
    built, _ = perfscore.rules.load._build_uncached(str(Path(info.file).resolve()), dirs, "compiled")
    assert isinstance(built, Ruleset)
    return built


@SLOW  # each example loads the chain of rulesets several times
@given(st.permutations(list(CHAIN)), st.booleans())
def test_loading_a_child_never_changes_its_parent(order: list[str], fresh: bool) -> None:
    """Load the whole chain in any order, from the cache or built afresh (which reads and merges
    each parent's file again): every parent, the national ruleset and the intermediate ones
    alike, is the same before and after, and built afresh once more; whole-number rounding
    stays with the 岳阳楼区 rulesets."""
    load = build_uncached if fresh else perfscore.load_ruleset
    before = {name: perfscore.load_ruleset(name) for name in PARENTS}
    for name, ruleset in before.items():
        assert parent_snapshot(ruleset) == SNAPSHOTS[name], name
    loaded = {name: load(name) for name in order}
    for name in PARENTS:
        again = (before[name], loaded[name], perfscore.load_ruleset(name), build_uncached(name))
        for ruleset in again:
            assert parent_snapshot(ruleset) == SNAPSHOTS[name], name
    for name, ruleset in loaded.items():
        assert ruleset.extends == CHAIN[name]
        places = 0 if name.startswith("430602-") else 2
        assert ruleset.row_rounding.places == places and ruleset.total_rounding.places == places
        assert ruleset.budget is not None and ruleset.budget.rounding.places == places
        assert ruleset.total == CN.total
        assert [(b.key, b.points) for b in ruleset.blocks] == [(b.key, b.points) for b in CN.blocks]
    if fresh:
        assert loaded["cn-project"] is not before["cn-project"]  # really rebuilt, yet equal


# -- 9. a batch never loses a row ---------------------------------------------------------------


@given(ruleset_and_broken())
def test_no_row_is_lost_or_silently_zero(case: tuple[Ruleset, Evaluation]) -> None:
    ruleset, evaluation = case
    report = perfscore.score(evaluation, ruleset)
    wheres = Counter(row.where for row in report.rows)
    assert wheres == Counter(row.where for row in evaluation.rows)
    assert all(count == 1 for count in wheres.values())
    by = {row.where: row for row in report.rows}
    for source in evaluation.rows:
        row = by[source.where]
        assert (row.target_text, row.actual_text, row.name) == (source.target, source.actual, source.name)
        assert row.status in (SCORED, NOT_APPLICABLE, NOT_SCORABLE)
        if row.status == NOT_SCORABLE:
            assert row.points is None
            assert row.reason_zh.strip() and row.reason_en.strip()
            assert any(f.severity == "error" and f.location.startswith(row.where) for f in report.findings), (
                row.where
            )
        if row.status == SCORED:
            assert row.points is not None and row.reason_zh.strip() and row.method
        if row.points is not None and row.points == 0:
            assert row.status == SCORED and row.reason_zh.strip()
    budget_broken = report.budget is not None and report.budget.status == NOT_SCORABLE
    any_unscorable = any(row.status == NOT_SCORABLE for row in report.rows)
    # A block with no rows, or a framework indicator with none, would otherwise be a silent 0.
    nothing_to_score = any(f.code in ("empty-block", "missing-indicator") for f in report.findings)
    if any_unscorable or budget_broken or nothing_to_score:
        assert report.complete is False
        assert report.grade == ""
        assert any(f.code == "incomplete" for f in report.findings)
    else:
        assert report.complete is True


# -- 10. report round trip -----------------------------------------------------------------------


@given(st.one_of(ruleset_and_evaluation(), ruleset_and_broken()))
def test_report_round_trips_through_a_dict(case: tuple[Ruleset, Evaluation]) -> None:
    ruleset, evaluation = case
    report = perfscore.score(evaluation, ruleset)
    data = report.to_dict()
    again = Report.from_dict(data)
    assert again.to_dict() == data
    assert again == report
    via_json = Report.from_dict(json.loads(json.dumps(data, ensure_ascii=False)))
    assert via_json.to_dict() == data


# -- 11. evaluation round trip (Evaluation.to_dict promises it) -----------------------------------


@given(st.one_of(ruleset_and_evaluation(), ruleset_and_broken()))
def test_evaluation_round_trips_through_a_dict(case: tuple[Ruleset, Evaluation]) -> None:
    _, evaluation = case
    data = evaluation.to_dict()
    assert Evaluation.from_dict(data) == evaluation
    assert Evaluation.from_dict(json.loads(json.dumps(data, ensure_ascii=False))) == evaluation
