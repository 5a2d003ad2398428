"""Every shipped worked case and example reviews with no error other than the inconsistencies it
seeds, listed here one by one: a review that cries wolf on a consistent table is worse than none.

Before issue 13, 10 worked cases that ``perfscore test`` passes (银川, 湖南 专项资金, 怀化, 四川
department 2021–2022, 岳阳县) got a ``weights-total`` error because the budget's points, counted
inside a block by their ruleset, were left out of the sum."""

from __future__ import annotations

from pathlib import Path

import pytest

import perfscore
from conftest import ROOT
from perfscore.cases import CaseResult, find_cases
from perfscore.codes import review as review_codes

REVIEW_CODES = frozenset(c.id for c in review_codes.CODES)

#: The errors review itself finds, per file: each one a real inconsistency of the table.
SEEDED_BY_REVIEW: dict[str, set[tuple[str, str]]] = {
    # 年度资金总额 prints 4 where its sub-rows add to 16.55; the printed 99.75% is 3.99 / 4, not
    # 16.54 / 4; the cost row claims full marks on "不超过区级专项投入" with 16.54 spent
    "examples/430602/project-2023-district-fund.toml": {
        ("budget-lines-sum", "budget.full_year"),
        ("rate-mismatch", "budget.rate"),
        ("full-marks-unmet", "rows[6].reported_score"),
    },
    # the listed projects add up to 207.55 / 206.32, not the stated 205.33
    "examples/431200/special-fund-2022.toml": {
        ("budget-lines-sum", "budget.full_year"),
        ("budget-lines-sum", "budget.executed"),
    },
    "cases/430602/project-district-fund-2023.toml": {
        ("budget-lines-sum", "budget.full_year"),
        ("rate-mismatch", "budget.rate"),
        ("full-marks-unmet", "rows[6].reported_score"),
    },
    "cases/431200/seed-004-2022.toml": {
        ("budget-lines-sum", "budget.full_year"),
        ("budget-lines-sum", "budget.executed"),
    },
    # scored on the line sums: 206.32 / 207.55 = 99.41%, printed 100% (neither rounded nor truncated)
    "cases/431200/seed-004-line-sums.toml": {("rate-mismatch", "budget.rate")},
    # blocks printed 70/20/10 + 10 = 110 under a printed total of 100
    "cases/510623/project-printed-110.toml": {("reported-total-mismatch", "evaluation.reported_total")},
}

#: What scoring reports on them (a garbled cell, rows missing from a partial seed, base data
#: missing): review adds nothing to these. Scoring may come to say less, never more.
SCORING_AT_MOST: dict[str, set[str]] = {
    "cases/430000/special-fund-missing-base.toml": {"missing-value"},
    "cases/430600/department-not-computable.toml": {"derived-not-computable", "missing-value"},
    "cases/430602/department-2023.toml": {"garbled-cell", "implausible-weight", "weights-sum"},
    "cases/431200/seed-004-2022.toml": {"empty-block", "missing-indicator", "missing-value"},
    "cases/431200/seed-004-line-sums.toml": {"empty-block", "missing-indicator", "missing-value"},
    "cases/431225/seed-002-info-system.toml": {"empty-block"},
    "examples/430602/base-data-2023.toml": {"missing-indicator"},
    "examples/430602/department-2023.toml": {"garbled-cell", "implausible-weight", "weights-sum"},
    "examples/430621/department-2021.toml": {"level-unknown", "missing-indicator", "unknown-indicator"},
    "examples/431200/special-fund-2022.toml": {"empty-block", "missing-indicator", "missing-value"},
    "cases/510623/project-printed-110.toml": {"weights-sum"},  # 产出 printed 70, 效益 20 (50, 30 due)
    "examples/431225/project-2021-info-system.toml": {"empty-block"},
}


def _tables() -> list[tuple[str, perfscore.Evaluation, perfscore.Ruleset]]:
    out = []
    for case in find_cases():
        assert not isinstance(case, CaseResult), case.differences
        name = f"cases/{Path(case.file).parent.parent.name}/{Path(case.file).name}"
        out.append(
            (name, case.evaluation, perfscore.load_ruleset(case.ruleset, year=case.evaluation.year or None))
        )
    for file in sorted((ROOT / "examples").rglob("*.toml")):
        evaluation = perfscore.read_evaluation(file)
        out.append(
            (
                f"examples/{file.relative_to(ROOT / 'examples').as_posix()}",
                evaluation,
                perfscore.ruleset_for(evaluation),
            )
        )
    return out


TABLES = _tables()


@pytest.mark.parametrize(("name", "evaluation", "ruleset"), TABLES, ids=[t[0] for t in TABLES])
def test_no_error_but_the_seeded_ones(
    name: str, evaluation: perfscore.Evaluation, ruleset: perfscore.Ruleset
) -> None:
    findings = perfscore.review(evaluation, ruleset).findings
    errors = [f for f in findings if f.severity == "error"]
    by_review = {(f.code, f.location) for f in errors if f.code in REVIEW_CODES}
    assert by_review == SEEDED_BY_REVIEW.get(name, set())
    by_scoring = {f.code for f in errors if f.code not in REVIEW_CODES}
    assert by_scoring <= SCORING_AT_MOST.get(name, set())


def test_every_listed_table_exists() -> None:
    names = {t[0] for t in TABLES}
    assert set(SEEDED_BY_REVIEW) <= names and set(SCORING_AT_MOST) <= names
    assert len(names) >= 50
