"""The public API: its names, its round trips, its errors, and the import direction."""

from __future__ import annotations

import decimal
import json
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import attrs
import pytest

import perfscore
import perfscore.rules
from conftest import EXAMPLE, YUEYANGLOU
from perfscore.errors import EvaluationError


def test_all_is_pinned() -> None:
    assert perfscore.__all__ == [
        "BatchResult",
        "BlockResult",
        "BudgetLine",
        "BudgetResult",
        "BudgetTable",
        "CategoryResult",
        "EditionNotFoundError",
        "Evaluation",
        "EvaluationError",
        "Explanation",
        "FileReview",
        "Finding",
        "FormulaError",
        "IndicatorRow",
        "PerfscoreError",
        "Problem",
        "Report",
        "Review",
        "RowResult",
        "Ruleset",
        "RulesetError",
        "RulesetInfo",
        "RulesetNotFoundError",
        "__version__",
        "available_rulesets",
        "find_ruleset",
        "load_ruleset",
        "read_evaluation",
        "read_evaluations",
        "review",
        "review_files",
        "ruleset_for",
        "score",
        "score_batch",
        "score_file",
    ]
    for name in perfscore.__all__:
        assert hasattr(perfscore, name)


def test_the_package_offers_its_all_and_its_submodules_only() -> None:
    """What is public: the names in ``perfscore.__all__``; a submodule's names only where the docs
    name them (limits, ``perfscore.codes``, the formula compiler)."""
    offered = {name for name in dir(perfscore) if not name.startswith("_")}
    modules = {name for name in offered if isinstance(getattr(perfscore, name), ModuleType)}
    assert offered - modules == set(perfscore.__all__) - {"__version__"}


def test_package_is_typed() -> None:
    assert (Path(perfscore.__file__).parent / "py.typed").is_file()


def test_report_round_trips_through_dict_and_json() -> None:
    report = perfscore.score_file(EXAMPLE)
    data = report.to_dict()
    again = perfscore.Report.from_dict(json.loads(report.to_json()))
    assert again == report
    assert again.to_dict() == data
    assert data["total"] == "100" and data["blocks"][1]["categories"][1]["rows"][0]["reported"] == "13"


def test_evaluation_round_trips_through_dict_and_json() -> None:
    evaluation = perfscore.read_evaluation(EXAMPLE)
    data = json.loads(json.dumps(evaluation.to_dict(), ensure_ascii=False))
    assert perfscore.Evaluation.from_dict(data, source=evaluation.source) == evaluation
    assert data["rows"][0] == {
        "block": "产出指标(50 分)",
        "category": "数量指标",
        "name": "负责办理楼区用人单位参加工伤保险业务",
        "target": "100%",
        "actual": "100%",
        "weight": "5",
        "reported_score": "5",
    }


def test_text_rendering_shows_the_tree_and_the_differences() -> None:
    text = perfscore.score_file(EXAMPLE).to_text()
    assert "产出指标 Outputs  50 / 50" in text
    assert "总分 total: 100 / 100" in text
    assert "正向指标：未达到年度指标值" in text
    assert "等级 grade: 优 Excellent" in text


def test_bad_evaluation_lists_every_problem_with_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[evaluation]\nregion = "430602"\nform = "projects"\nyear = 23\n\n'
        '[[rows]]\nblock = "产出指标"\nweight = "五"\ncolour = 1\n',
        encoding="utf-8",
    )
    with pytest.raises(EvaluationError) as caught:
        perfscore.read_evaluation(bad)
    found = {(p.code, p.path, p.line) for p in caught.value.problems}
    assert found == {
        ("bad-form", "evaluation.form", 3),
        ("bad-year", "evaluation.year", 4),
        ("not-a-number", "rows[0].weight", 8),
        ("unknown-key", "rows[0].colour", 9),
    }
    assert str(bad) in str(caught.value)


def test_broken_toml_and_json_are_evaluation_errors(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text("[evaluation\n", encoding="utf-8")
    (tmp_path / "b.json").write_text("{", encoding="utf-8")
    (tmp_path / "c.csv").write_text("", encoding="utf-8")
    for name, code in (("a.toml", "toml-syntax"), ("b.json", "json-syntax"), ("c.csv", "unknown-format")):
        with pytest.raises(EvaluationError) as caught:
            perfscore.read_evaluation(tmp_path / name)
        assert caught.value.problems[0].code == code


@pytest.mark.parametrize("value", [None, [], "rows", 5])
def test_an_evaluation_that_is_no_object_is_an_evaluation_error(value: object, tmp_path: Path) -> None:
    # Found by audit: these raised TypeError or AttributeError from inside the reader.
    file = tmp_path / "e.json"
    file.write_text(json.dumps(value), encoding="utf-8")
    for attempt in (
        lambda: perfscore.score(value),  # type: ignore[arg-type]
        lambda: perfscore.Evaluation.from_dict(value),  # type: ignore[arg-type]
        lambda: perfscore.read_evaluation(file),
    ):
        with pytest.raises(EvaluationError) as caught:
            attempt()
        assert [(p.code, p.found) for p in caught.value.problems] == [("wrong-type", type(value).__name__)]


def test_a_json_evaluation_scores_as_its_toml(tmp_path: Path) -> None:
    file = tmp_path / "transfer.json"
    file.write_text(
        json.dumps(perfscore.read_evaluation(EXAMPLE).to_dict(), ensure_ascii=False), encoding="utf-8"
    )
    from_json, from_toml = perfscore.score_file(file), perfscore.score_file(EXAMPLE)
    assert from_json.source == str(file)
    # The same report, but for the file it names as each row's source
    assert json.loads(from_json.to_json().replace(str(file), str(EXAMPLE))) == from_toml.to_dict()


def test_score_accepts_a_dict_and_a_ruleset_id() -> None:
    report = perfscore.score(
        {
            "evaluation": {"region": "CN", "form": "project", "year": 2022},
            "budget": {"full_year": 10, "executed": 9.5},
            "rows": [
                {
                    "block": "产出指标",
                    "category": "数量指标",
                    "name": "a",
                    "target": "≥10次",
                    "actual": "8次",
                    "weight": 50,
                },
                {
                    "block": "效益指标",
                    "category": "社会效益指标",
                    "name": "b",
                    "target": "≤5天",
                    "actual": "4天",
                    "weight": 30,
                },
                {
                    "block": "满意度指标",
                    "category": "服务对象满意度指标",
                    "name": "c",
                    "target": "≥90%",
                    "actual": "95%",
                    "weight": 10,
                },
            ],
        },
        "cn-project",
    )
    assert [r.points for r in report.rows] == [Decimal("40.00"), Decimal("30.00"), Decimal("10.00")]
    assert report.budget is not None and report.budget.points == Decimal("9.50")
    assert report.total == Decimal("89.50") and report.grade == "良"


_DIVIDES_BY_ZERO = {
    "evaluation": {"region": "CN", "form": "project", "year": 2022},
    "budget": {"full_year": 10, "executed": 10},
    "rows": [{"block": "产出指标", "name": "a", "target": "≤-5万元", "actual": "0万元", "weight": 50}],
}


def test_division_by_zero_makes_the_row_not_scorable() -> None:
    report = perfscore.score(_DIVIDES_BY_ZERO)
    row = report.rows[0]
    assert row.status == "not_scorable" and row.points is None
    assert "division" in row.reason_en
    assert not report.complete


def test_the_callers_decimal_context_changes_nothing() -> None:
    """A host application's context with few digits and no traps must neither round scores nor
    turn a division by zero into Infinity (a full score)."""
    district = YUEYANGLOU / "project-2023-district-fund.toml"

    def everything() -> tuple[object, ...]:
        reviewed = perfscore.review(perfscore.read_evaluation(district))
        report = reviewed.report
        return (
            report.to_dict(),
            report.to_text(),
            reviewed.findings,
            perfscore.score(_DIVIDES_BY_ZERO).to_dict(),
        )

    expected = everything()
    careless = decimal.Context(prec=3, rounding=decimal.ROUND_DOWN, traps=[])
    with decimal.localcontext(careless):
        perfscore.rules.clear_caches()  # rulesets too are built under the caller's context
        assert everything() == expected
        assert decimal.getcontext().prec == 3  # and the caller's context is left as it was


def test_a_ruleset_of_another_region_is_named_in_a_finding() -> None:
    own = perfscore.read_evaluation(YUEYANGLOU / "department-2023.toml")
    neighbour = attrs.evolve(own, region="430603")  # 君山区 has no ruleset: 岳阳市's applies
    assert "ruleset-of-another-region" not in {f.code for f in perfscore.score(own).findings}
    report = perfscore.score(neighbour)
    assert report.ruleset == "430600-department"
    (finding,) = [f for f in report.findings if f.code == "ruleset-of-another-region"]
    assert (finding.severity, finding.expected, finding.found) == ("info", "430600", "430603")


def test_score_file_refuses_a_form_of_several_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    import perfscore.api

    table = perfscore.read_evaluation(EXAMPLE)
    monkeypatch.setattr(perfscore.api, "read_evaluations", lambda path: [table, table])
    with pytest.raises(EvaluationError) as caught:
        perfscore.score_file(EXAMPLE)
    (problem,) = caught.value.problems
    assert (problem.code, problem.message) == (
        "several-tables",
        "the file holds 2 tables; read them with read_evaluations",
    )
