"""Every shipped ruleset is tested through its worked cases; a new ruleset needs no new test code."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import NATIONAL_CASES, RULESETS_DIR
from perfscore.cases import CaseResult, WorkedCase, find_cases, read_case, run_case
from perfscore.errors import EvaluationError
from perfscore.rules import available_rulesets, load_ruleset

CASES = find_cases()
RULESETS = sorted({info.id for info in available_rulesets()})


@pytest.mark.parametrize(
    "case",
    CASES,
    ids=[
        f"{Path(c.file).parent.parent.name}/{Path(c.file).stem}"
        for c in (x.case if isinstance(x, CaseResult) else x for x in CASES)
    ],
)
def test_worked_case(case: WorkedCase | CaseResult) -> None:
    result = case if isinstance(case, CaseResult) else run_case(case)
    assert result.passed, "\n".join(result.differences)


@pytest.mark.parametrize("ruleset_id", RULESETS)
def test_every_ruleset_has_three_cases_one_on_a_grade_boundary(ruleset_id: str) -> None:
    cases = [c for c in CASES if isinstance(c, WorkedCase) and c.ruleset == ruleset_id]
    assert len(cases) >= 3, f"{ruleset_id} has {len(cases)} worked case(s)"
    ruleset = load_ruleset(ruleset_id, year=cases[0].evaluation.year)
    bounds = {band.low for band in ruleset.grades if band.low > 0}
    if ruleset.grades:
        assert any(c.total in bounds and c.grade for c in cases), (
            f"{ruleset_id}: no case on a grade boundary {bounds}"
        )


def test_a_wrong_expectation_is_reported(tmp_path: Path) -> None:
    source = NATIONAL_CASES / "project-all-met.toml"
    text = (
        source.read_text(encoding="utf-8")
        .replace("total = 100", "total = 99")
        .replace('grade = "优"', 'grade = "良"')
    )
    (tmp_path / "wrong.toml").write_text(text, encoding="utf-8")
    result = run_case(read_case(tmp_path / "wrong.toml"))
    assert result.differences == ("total: expected 99, got 100.00", "grade: expected 良, got 优")


def test_a_broken_case_file_is_an_error_with_its_place(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text('[case]\nname = "x"\n\n[expect]\ntotl = 1\n', encoding="utf-8")
    with pytest.raises(EvaluationError) as caught:
        read_case(tmp_path / "broken.toml")
    found = {(p.code, p.path, p.line) for p in caught.value.problems}
    assert ("unknown-key", "expect.totl", 5) in found and ("missing-key", "case.ruleset", 1) in found


def test_case_tolerance_applies_to_totals_and_rows(tmp_path: Path) -> None:
    source = NATIONAL_CASES / "project-missed-and-na.toml"
    text = (
        source.read_text(encoding="utf-8")
        .replace("tolerance = 0", "tolerance = 0.05")
        .replace("81.64", "81.6")
    )
    (tmp_path / "tol.toml").write_text(text, encoding="utf-8")
    assert run_case(read_case(tmp_path / "tol.toml")).passed
    assert read_case(tmp_path / "tol.toml").tolerance == Decimal("0.05")


def test_expected_findings_are_checked(tmp_path: Path) -> None:
    source = RULESETS_DIR / "450000" / "cases" / "project-over-target-all-met.toml"
    text = source.read_text(encoding="utf-8")
    assert 'findings = ["missing-deviation-note@rows[1].note"]' in text
    (tmp_path / "wrong.toml").write_text(
        text.replace("@rows[1].note", "@rows[0].note"), encoding="utf-8"
    )  # row 0 carries its note: no finding there
    (difference,) = run_case(read_case(tmp_path / "wrong.toml")).differences
    assert difference.startswith("findings: expected missing-deviation-note@rows[0].note; found ")
    assert "missing-deviation-note@rows[1].note" in difference
