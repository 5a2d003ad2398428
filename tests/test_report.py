"""The report's row explanations: rendered lazily, yet read, compared and serialised as if eager."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import perfscore
from conftest import EXAMPLE, MINIMAL
from perfscore.evaluations import BudgetTable, Evaluation, IndicatorRow
from perfscore.report import Explanation, Report, RowResult

D = Decimal


def _evaluation() -> Evaluation:
    rows = (
        IndicatorRow(block="产出指标", category="数量指标", name="培训场次", target="≥10次", actual="8次", weight=D(50), where="rows[0]"),
        IndicatorRow(block="效益指标", category="社会效益指标", name="办结率", target="100%", actual="98%", weight=D(30), where="rows[1]"),
        IndicatorRow(block="满意度指标", category="服务对象满意度指标", name="满意度", target="按时完成", actual="按时完成", weight=D(10), where="rows[2]"),
    )  # fmt: skip
    budget = BudgetTable(full_year=D(100), executed=D(95), points=D(10))
    return Evaluation(region="CN", form="project", year=2023, rows=rows, budget=budget, source="t.toml")


#: A row's fields by name: the scorer builds rows by keyword, and a report read back from JSON
#: (serialize.load) names them too.
ROW_FIELDS = (
    "where", "block", "category", "name", "target_text", "actual_text", "weight", "status",
    "method", "method_name", "formula", "explanation", "raw", "capped", "points",
    "reported", "core", "note", "extra",
)  # fmt: skip


def test_results_are_frozen_values_with_their_field_names_kept() -> None:
    assert tuple(f.name for f in attrs.fields(RowResult)) == ROW_FIELDS
    report = perfscore.score(_evaluation())
    block = report.blocks[0]
    for value in (report, block, block.categories[0], report.rows[0], report.budget):
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            value.points = D(0)  # type: ignore[misc, union-attr]
    changed = attrs.evolve(report.rows[0], points=D(1))
    assert (changed.points, report.rows[0].points) == (D(1), D(40))


def test_a_deferred_explanation_renders_once_when_first_read() -> None:
    calls: list[int] = []

    def render(n: int) -> Explanation:
        calls.append(n)
        return Explanation({"W": str(n)}, f"得 {n} 分", f"{n} points", {"weight": "x"})

    lazy = Explanation.deferred(render, 5)
    assert calls == []
    assert lazy.reason_zh == "得 5 分"
    assert (lazy.reason_en, dict(lazy.inputs), dict(lazy.provenance)) == (
        "5 points",
        {"W": "5"},
        {"weight": "x"},
    )
    assert calls == [5]
    assert lazy == Explanation({"W": "5"}, "得 5 分", "5 points", {"weight": "x"})
    assert lazy != Explanation({"W": "5"}, "得 6 分", "5 points", {"weight": "x"})
    assert "得 5 分" in repr(lazy)


def test_scored_rows_explain_themselves_and_serialise_flat() -> None:
    report = perfscore.score(_evaluation())
    count, rate, level = report.rows
    assert count.points == D(40) and count.inputs == {"W": "50", "T": "10", "A": "8"}
    assert count.reason_zh.endswith("得 40 分") and "40 points" in count.reason_en
    assert count.provenance["weight"] == "t.toml: rows[0].weight"
    assert count.provenance["method"].endswith("methods.positive") and "selection" in count.provenance
    assert rate.points == D("29.40")
    assert level.inputs["level"] and "实际完成值与年度指标值一致" in level.reason_zh

    data = json.loads(report.to_json())
    row = data["blocks"][0]["categories"][0]["rows"][0]
    assert "explanation" not in row
    assert row["reason_zh"] == count.reason_zh and row["inputs"] == dict(count.inputs)
    again = Report.from_dict(data)
    assert again == report and again.rows[0].reason_en == count.reason_en


@pytest.mark.parametrize("part", ["inputs", "reason_zh", "reason_en", "provenance"])
def test_reports_differing_only_in_an_explanation_are_not_equal(part: str) -> None:
    report = perfscore.score(_evaluation())
    data = report.to_dict()
    row = data["blocks"][0]["categories"][0]["rows"][0]
    row[part] = {"W": "1"} if part in ("inputs", "provenance") else "changed"
    assert Report.from_dict(data) != report


def test_parameters_and_inputs_a_row_used_say_where_they_were_set(tmp_path: Path) -> None:
    # Found by audit: a row showed k = 2 from a child ruleset, but only its method's provenance.
    shutil.copy(MINIMAL, tmp_path / "parent.toml")
    (tmp_path / "child.toml").write_text(
        '[ruleset]\nid = "kid"\nextends = "test-minimal"\nregion = "CN"\nform = "department"\n'
        'edition = "2"\nin_force = { from = 2021 }\nname = { zh = "子" }\n\n[params]\nk = 2\n',
        encoding="utf-8",
    )
    ruleset = perfscore.load_ruleset("kid", paths=[tmp_path])
    row = {"block": "投入", "category": "预算配置", "weight": 10}
    report = perfscore.score(
        {
            "evaluation": {"region": "CN", "form": "department", "year": 2021},
            "budget": {"full_year": 10, "executed": 10},
            "rows": [
                {**row, "name": "重点支出安排率", "target": "≥90%", "actual": "95%"},
                {**row, "name": "财政供养人员控制率", "target": "≤5%", "actual": "7%"},
                {**row, "name": "资金使用合规性", "target": "0", "actual": "2", "inputs": {"events": 2}},
                {
                    "block": "产出",
                    "category": "数量指标",
                    "name": "x",
                    "target": "1",
                    "actual": "1",
                    "weight": 50,
                },
            ],
        },
        ruleset,
    )
    staff, compliance = report.rows[1], report.rows[2]
    assert staff.inputs["k"] == "2" and staff.points == Decimal(6)
    assert staff.provenance["params.k"] == ruleset.where("params.k")
    assert ruleset.where("params.k").endswith("child.toml: params.k")
    assert compliance.provenance["inputs.events"] == "evaluation: rows[2].inputs.events"
    assert "params.k" not in compliance.provenance  # only what the row's formula used


def test_the_text_report_gives_each_reason_in_chinese_with_english_beneath() -> None:
    report = perfscore.score_file(EXAMPLE)
    lines = report.to_text().splitlines()
    explained = [r for r in report.rows if r.status != "not_applicable"]
    assert report.budget is not None and explained
    for item in [*explained, report.budget]:
        at = lines.index(f"      ↳ {item.reason_zh}")
        assert lines[at + 1] == f"        {item.reason_en}"


def test_the_budget_row_shows_raw_capped_and_rounded(tmp_path: Path) -> None:
    file = tmp_path / "uncapped.toml"
    file.write_text(
        MINIMAL.read_text(encoding="utf-8").replace(
            'formula = "W * min(rate, 1)"', 'formula = "W * rate"', 1
        ),
        encoding="utf-8",
    )
    over = attrs.evolve(_evaluation(), budget=BudgetTable(full_year=Decimal(10), executed=Decimal(12)))
    report = perfscore.score(over, perfscore.load_ruleset(file))  # only its budget row matters here
    budget = report.budget
    assert budget is not None
    assert (budget.raw, budget.capped, budget.points) == (Decimal(24), Decimal(20), Decimal(20))
    assert "W * rate = 24 → 20" in budget.reason_zh and "W * rate = 24 → 20" in budget.reason_en
    assert perfscore.Report.from_dict(report.to_dict()).budget == budget


def test_the_report_carries_the_evaluation_and_ruleset_it_came_from() -> None:
    # The scorer builds the Report positionally (as rows): each field must hold its own value.
    evaluation = attrs.evolve(
        _evaluation(), title="标题", unit="单位", project="项目", reported_total=D(91), reported_grade="优"
    )
    ruleset = perfscore.load_ruleset("cn-project")
    report = perfscore.score(evaluation, ruleset)
    got = {k: getattr(report, k) for k in ("ruleset", "ruleset_name", "edition", "max_total", "source")}
    assert got == {
        "ruleset": ruleset.id,
        "ruleset_name": ruleset.name.zh,
        "edition": ruleset.edition,
        "max_total": ruleset.total,
        "source": "t.toml",
    }
    meta = ("region", "form", "year", "title", "unit", "project", "reported_total", "reported_grade")
    assert [getattr(report, k) for k in meta] == [getattr(evaluation, k) for k in meta]
    assert (report.grade, report.grade_en, report.complete) == ("良", "Good", True)
    assert report.provenance["grades"].endswith("rulesets/CN/base.toml: grades")


def test_a_rule_the_table_prints_on_a_row_is_kept_and_shown_beside_the_reason() -> None:
    from perfscore.report.export import to_html, to_markdown
    from perfscore.reviewing import review

    evaluation = perfscore.read_evaluation(EXAMPLE)
    rule = "完成值达到指标值，记满分；未达到指标值，按完成比例乘该指标分值记分"
    first = attrs.evolve(evaluation.rows[0], extra={"得分计算方法": rule, "复核分": ""})
    evaluation = attrs.evolve(evaluation, rows=(first, *evaluation.rows[1:]))
    report = perfscore.score(evaluation)
    row = report.rows[0]
    assert row.printed_rule == rule and dict(row.extra) == {"得分计算方法": rule, "复核分": ""}
    with pytest.raises(TypeError):
        row.extra["得分计算方法"] = "x"  # type: ignore[index]
    assert all(r.printed_rule == "" for r in report.rows[1:])
    reviewed = review(evaluation)
    shown = (to_markdown(reviewed, evaluation=evaluation), to_html(reviewed, evaluation=evaluation))
    for text in (report.to_text(), *shown):
        assert rule in text
    assert perfscore.Report.from_dict(report.to_dict()).rows[0].printed_rule == rule
