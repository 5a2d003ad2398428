"""Review mode: every inconsistency a careful reviewer finds in the seed tables, and nothing more."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

import perfscore
from conftest import EXAMPLE, EXAMPLES, ROOT, VALID
from perfscore.cli import main
from perfscore.report import Finding


def _codes(findings: tuple[Finding, ...], severity: str = "") -> set[tuple[str, str]]:
    return {(f.code, f.location) for f in findings if not severity or f.severity == severity}


def test_district_fund_table() -> None:
    review = perfscore.review(
        perfscore.read_evaluation(EXAMPLES / "430602" / "project-2023-district-fund.toml")
    )
    assert _codes(review.findings, "error") == {
        # 年度资金总额 prints 全年预算数 4, yet its sub-rows add to 4 + 12.55 = 16.55 ...
        ("budget-lines-sum", "budget.full_year"),
        # ... so the printed 99.75% (= 3.99 / 4) cannot be 16.54 / 4.
        ("rate-mismatch", "budget.rate"),
        # The cost row claims full marks against "不超过区级专项投入" = 4 with 16.54 spent.
        ("full-marks-unmet", "rows[6].reported_score"),
    }
    rate = next(f for f in review.findings if f.code == "rate-mismatch")
    assert rate.found == "99.75%" and rate.expected == "16.54 / 4 = 413.5%"
    lines = next(f for f in review.findings if f.code == "budget-lines-sum")
    assert (lines.expected, lines.found) == ("4", "16.55 = 4 + 12.55")
    # Self-deductions, each with its deviation note (so no missing-note finding).
    assert _codes(review.findings, "warning") == {
        ("self-deduction", "rows[8].reported_score"),
        ("self-deduction", "rows[9].reported_score"),
        ("self-deduction", "rows[12].reported_score"),
    }


def test_department_table() -> None:
    review = perfscore.review(perfscore.read_evaluation(EXAMPLES / "430602" / "department-2023.toml"))
    errors = _codes(review.findings, "error")
    assert errors == {
        ("implausible-weight", "rows[11].weight"),  # "153.67" where the block holds 30
        ("implausible-weight", "rows[12].weight"),
        ("weights-sum", "benefit"),  # found once, at the block: no second whole-table weights-total
        ("garbled-cell", "rows[9].actual"),  # "153.673.67万元", quoted as it is
    }
    garbled = next(f for f in review.findings if f.code == "garbled-cell")
    assert garbled.found == "'153.673.67万元'"
    # The reported total still adds up (50 + 13 + 13 + 9 + 10 = 95): no total finding.
    assert not [f for f in review.findings if f.code == "reported-total-mismatch"]


def test_consistent_table_raises_only_the_self_deductions() -> None:
    review = perfscore.review(perfscore.read_evaluation(EXAMPLE))
    assert review.errors == 0
    assert {f.code for f in review.findings} == {"self-deduction"}


def _transfer(**changes: Any) -> dict[str, Any]:
    data = perfscore.read_evaluation(EXAMPLE).to_dict()
    for key, value in changes.items():
        table, _, field = key.partition("__")
        if table == "rows":
            index, _, column = field.partition("__")
            data["rows"][int(index)][column] = value
        else:
            data[table][field] = value
    return data


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"rows__11__note": ""}, ("missing-deviation-note", "rows[11].note")),
        ({"rows__0__reported_score": "6"}, ("score-above-weight", "rows[0].reported_score")),
        (
            {"rows__11__actual": "80%", "rows__11__reported_score": "15"},
            ("full-marks-unmet", "rows[11].reported_score"),
        ),
        ({"evaluation__reported_total": "96"}, ("reported-total-mismatch", "evaluation.reported_total")),
        ({"evaluation__reported_grade": "良好"}, ("grade-mismatch", "evaluation.reported_grade")),
        ({"evaluation__reported_grade": "A"}, ("unknown-grade", "evaluation.reported_grade")),
        ({"budget__rate": "98%"}, ("rate-mismatch", "budget.rate")),
        ({"budget__rate": "1OO%"}, ("rate-unreadable", "budget.rate")),
        ({"budget__reported_score": "9"}, ("budget-score-mismatch", "budget.reported_score")),
        ({"budget__executed": "50"}, ("budget-lines-sum", "budget.executed")),
    ],
)
def test_each_check(changes: dict[str, str], expected: tuple[str, str]) -> None:
    review = perfscore.review(_transfer(**changes))
    assert expected in _codes(review.findings)


def test_grade_aliases_are_understood() -> None:
    review = perfscore.review(_transfer(evaluation__reported_grade="优秀"))
    assert not [f for f in review.findings if "grade" in f.code]


def test_over_achievement_needs_a_note_where_the_region_says_so(tmp_path: Path) -> None:
    features = perfscore.load_ruleset(VALID / "features.toml")
    evaluation = {
        "evaluation": {"region": "CN", "form": "department", "year": 2021},
        "base": {"staff_authorized": 8, "staff_actual": 6},
        "budget": {"full_year": 100, "executed": 80},
        "rows": [
            {
                "block": "产出",
                "category": "数量指标",
                "name": "a",
                "target": "10次",
                "actual": "13次",
                "weight": 70,
            },
            {"block": "项目管理", "name": "目标实现", "note": "—"},
        ],
    }
    codes = _codes(perfscore.review(evaluation, features).findings)
    assert ("missing-deviation-note", "rows[0].note") in codes  # 13 ≥ 1.3 × 10 (广西-style rule)
    assert ("missing-deviation-note", "budget.note") in codes  # 80% < 90% (四川-style rule)


def test_batch_of_a_thousand_files_loses_none(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    rng = random.Random(7)
    broken = {}
    for n in range(1000):
        kind = rng.choice(["ok", "ok", "ok", "bad-number", "missing-cell", "broken-toml", "garbled"])
        body = text
        if kind == "bad-number":
            body = body.replace("weight = 8", 'weight = "eight"', 1).replace("weight = 5", 'weight = "五"', 1)
        elif kind == "missing-cell":
            body = body.replace('target = "9次"\n', "", 1)
        elif kind == "broken-toml":
            body = body.replace("[budget]", "[budget", 1)
        elif kind == "garbled":
            body = body.replace('actual = "77起"', 'actual = "7.7.7起"', 1)
        (tmp_path / f"{n:04d}.toml").write_text(body, encoding="utf-8")
        broken[f"{n:04d}.toml"] = kind
    results = list(perfscore.review_files(sorted(tmp_path.glob("*.toml"))))
    assert len(results) == 1000
    for result in results:
        kind = broken[Path(result.path).name]
        if kind in ("bad-number", "broken-toml"):
            assert result.review is None and result.error, result.path
        else:
            assert result.review is not None and not result.error
            assert (kind == "garbled") == any(f.code == "garbled-cell" for f in result.review.findings)


def test_cli_review_summary_exit_codes_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.toml").write_text("[evaluation\n", encoding="utf-8")
    assert main(["review", str(EXAMPLE)]) == 0  # warnings only
    assert main(["review", str(EXAMPLE), "--fail-on", "warning"]) == 1
    capsys.readouterr()
    assert main(["review", str(EXAMPLES / "430602"), str(tmp_path / "bad.toml")]) == 1
    out = capsys.readouterr().out
    assert "project-2023-district-fund.toml" in out and "cannot review" in out
    assert "could not be reviewed" in out.splitlines()[-1]
    assert main(["review", str(tmp_path / "bad.toml"), "--fail-on", "never", "--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)["results"]
    assert entry["report"] is None and entry["status"] == "failed" and "toml-syntax" in entry["error"]


def test_huaihua_listed_projects_do_not_add_up_to_the_stated_total() -> None:
    review = perfscore.review(perfscore.read_evaluation(EXAMPLES / "431200" / "special-fund-2022.toml"))
    sums = {f.location: (f.expected, f.found) for f in review.findings if f.code == "budget-lines-sum"}
    assert sums == {
        "budget.full_year": ("205.33", "207.55 = 126 + 24 + 33 + 6 + 9.75 + 2 + 5 + 1.8"),
        "budget.executed": ("205.33", "206.32 = 124.78 + 23.99 + 33 + 6 + 9.75 + 2 + 5 + 1.8"),
    }


def test_a_table_with_no_rows_is_not_silently_graded() -> None:
    review = perfscore.review(
        perfscore.read_evaluation(EXAMPLES / "431225" / "project-2021-info-system.toml")
    )
    assert not review.report.complete and review.report.grade == ""
    assert {f.location for f in review.findings if f.code == "empty-block"} == {
        "output",
        "benefit",
        "satisfaction",
    }


def test_progress_bar_on_a_terminal_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in range(12):
        (tmp_path / f"{n}.toml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert main(["review", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "12/12" in err and "[" + "#" * 30 + "]" in err
    assert main(["review", str(tmp_path), "--no-progress"]) == 0
    assert capsys.readouterr().err == ""


def test_the_checks_are_pure_functions_run_in_the_order_listed() -> None:
    from perfscore.reviewing import CHECKS

    assert [check.__name__ for check in CHECKS] == [
        "rows",
        "missed_targets",
        "weights_total",
        "budget_lines",
        "budget_rate",
        "budget_score",
        "budget_note",
        "reported_total",
        "grade",
    ]
    evaluation = perfscore.read_evaluation(EXAMPLES / "430602" / "project-2023-district-fund.toml")
    ruleset = perfscore.ruleset_for(evaluation)
    report = perfscore.score(evaluation, ruleset)
    found = [f for check in CHECKS for f in check(evaluation, report, ruleset)]
    assert found == [f for check in CHECKS for f in check(evaluation, report, ruleset)]  # same again
    review = perfscore.review(evaluation, ruleset)
    assert review.report == report
    rank = {"error": 0, "warning": 1, "info": 2}
    expected = sorted([*report.findings, *found], key=lambda f: rank[f.severity])  # stable: in order
    assert list(review.findings) == expected


def test_a_check_added_to_the_list_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    from perfscore.reviewing import CHECKS, finding, run

    def stamp(evaluation: Any, report: Any, ruleset: Any) -> Any:
        yield finding("unknown-grade", "evaluation.reported_grade", "优, 良", "stamp")

    monkeypatch.setattr(run, "CHECKS", (*CHECKS, stamp))
    review = perfscore.review(perfscore.read_evaluation(EXAMPLE))
    (added,) = [f for f in review.findings if f.found == "stamp"]
    assert (added.severity, added.message_zh, added.message_en) == (
        "error",
        "等级名称不在规则集的等级中",
        "the grade label is not one of the ruleset's",
    )
    assert review.findings[0] is added  # errors first


def test_review_findings_take_their_severity_from_the_code_table() -> None:
    from perfscore.codes import CODES
    from perfscore.reviewing import review_files

    seen = set()
    for result in review_files(EXAMPLES):
        assert result.review is not None
        scoring = set(result.review.report.findings)
        for f in result.review.findings:
            if f not in scoring:
                assert CODES[f.code].kind == "finding" and CODES[f.code].severity == f.severity
                seen.add(f.code)
    assert len(seen) >= 6


def test_a_budget_below_the_threshold_needs_a_note_in_both_languages() -> None:
    features = perfscore.load_ruleset(ROOT / "tests" / "data" / "valid" / "features.toml")
    evaluation = {
        "evaluation": {"region": "CN", "form": "department", "year": 2021},
        "budget": {"full_year": 100, "executed": 80},
        "rows": [{"block": "项目管理", "name": "目标实现", "note": "—"}],
    }
    (note,) = [f for f in perfscore.review(evaluation, features).findings if f.location == "budget.note"]
    assert (note.code, note.severity) == ("missing-deviation-note", "warning")
    assert (note.message_zh, note.message_en) == (
        "预算执行率低于 90%，需说明原因",
        "execution below 90% needs an explanation",
    )
