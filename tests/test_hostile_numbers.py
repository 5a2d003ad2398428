"""Hostile numbers (issue 11, classes 4, 5 and 10): every spelling of an absurd number, in every
place a number enters perfscore, comes back as a located perfscore error or a row that is not
scorable with its reason — never a raw InvalidOperation, Overflow, MemoryError, ValueError or
RecursionError, never a hang. Each payload runs in a forked child under a time and memory bound
(tests/bounds.py); the text and JSON of every result are produced too."""

from __future__ import annotations

import copy
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import pytest

import perfscore
import perfscore.cli
from bounds import Outcome, assert_clean, expect_error, run_bounded
from conftest import EXAMPLE, MINIMAL_TEXT
from perfscore.decimals import MAX_AMOUNT, MAX_POINTS, NumberRefused, gate, plain, shown
from perfscore.errors import EvaluationError, EvaluationTypeError, FormulaError, FormulaEvaluationError
from perfscore.evaluations import BudgetTable, Evaluation, IndicatorRow
from perfscore.formulas import BACKENDS, compile_formula
from perfscore.rules import MAX_FILE_BYTES, MAX_NESTING

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BASE: dict[str, Any] = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))

HUGE_INT = 10**10000
LONG_DIGITS = "9" * 10000

#: Numbers no table holds, each spelled as a caller, a JSON file or a form might.
REFUSED: list[Any] = [
    "1e40",
    "-1e40",
    "1e-40",
    "1e999999999",
    "-1e-999999999",
    "1e-400",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "sNaN",
    "١٢٣",  # Arabic-Indic digits: Decimal() would read 123
    "1" + "\u0663",
    LONG_DIGITS,
    "0." + "0" * 50 + "1",
    "1_000",
    float("inf"),
    float("-inf"),
    float("nan"),
    1e300,
    HUGE_INT,
    -HUGE_INT,
    Decimal("1e999999999"),
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("-Infinity"),
    Decimal("1" * 40),
]

#: Unusual but fine: each reads as the number it is.
ACCEPTED: list[tuple[Any, Decimal]] = [
    ("-0", Decimal(0)),
    (-0.0, Decimal(0)),
    (Decimal("-0.00"), Decimal(0)),
    ("0e-50", Decimal(0)),
    ("１２３", Decimal(123)),  # fullwidth digits, as Chinese input methods type them
    ("1,234.5", Decimal("1234.5")),
    (" 12 ", Decimal(12)),
    ("1e-20", Decimal("1e-20")),
    ("1e6", Decimal("1e6")),
]


def _id(value: Any) -> str:
    return shown(value)[:24]


def _review(data: dict[str, Any], backend: str = "compiled") -> tuple[list[str], list[str]]:
    """Read, score and review ``data``; render every output; return row statuses and finding codes."""
    evaluation = Evaluation.from_dict(data)
    ruleset = perfscore.ruleset_for(evaluation)
    if backend != "compiled":
        ruleset = perfscore.load_ruleset(ruleset.file, backend=backend)
    report = perfscore.score(evaluation, ruleset)
    reviewed = perfscore.review(evaluation, ruleset)
    for text in (report.to_text(), report.to_json(), reviewed.to_text(), reviewed.to_json()):
        assert len(text) < 1_000_000
    json.loads(report.to_json())
    statuses: list[str] = [row.status for block in report.blocks for row in block.rows]
    return statuses, [f.code for f in reviewed.findings]


def _with(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    node = data
    *parents, key = path.split(".")
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    node[key] = value
    return data


def _refused(outcome: Outcome, path: str) -> str:
    message = expect_error(outcome, path, what=path)
    assert "[bad-number]" in message or "[not-a-number]" in message, message[:500]
    assert "Error: [<class 'decimal" not in message
    assert outcome.elapsed < 5, outcome
    return message


# -- the gate itself ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", REFUSED, ids=_id)
def test_the_gate_refuses_every_absurd_spelling_quickly(value: Any) -> None:
    def refused() -> str:
        try:
            gate(value)
        except NumberRefused as exc:
            return str(exc)
        return "accepted"

    outcome = run_bounded(refused, seconds=5, mib=256)
    assert outcome.kind == "ok" and outcome.value != "accepted", outcome
    assert len(outcome.value) < 300


@pytest.mark.parametrize(("value", "number"), ACCEPTED, ids=_id)
def test_the_gate_reads_unusual_but_plain_numbers(value: Any, number: Decimal) -> None:
    read = gate(value)
    assert read == number and type(read) is Decimal and not read.is_signed()


def test_the_gate_has_two_bounds() -> None:
    assert gate(MAX_AMOUNT) == MAX_AMOUNT
    assert gate(MAX_POINTS, MAX_POINTS) == MAX_POINTS
    with pytest.raises(NumberRefused, match="out of range"):
        gate(MAX_POINTS + 1, MAX_POINTS)
    with pytest.raises(NumberRefused, match="out of range"):
        gate(MAX_AMOUNT + 1)


@pytest.mark.parametrize(
    "value",
    [
        Decimal("1e999999999"),
        Decimal("-1e-999999999"),
        Decimal("9" * 5000),
        Decimal("NaN"),
        Decimal("-Infinity"),
    ],
    ids=repr,
)
def test_plain_is_total_and_quick(value: Decimal) -> None:
    outcome = run_bounded(plain, value, seconds=2, mib=64)
    assert outcome.kind == "ok" and len(outcome.value) < 40, outcome


# -- numbers in an evaluation given as a dict (score, review, from_dict) --------------------------

PLACES = [
    "rows.0.weight",
    "rows.0.reported_score",
    "budget.executed",
    "budget.full_year",
    "budget.initial",
    "budget.points",
    "budget.reported_score",
    "evaluation.reported_total",
    "base.staff_actual",
    "rows.1.inputs.events",
]


@pytest.mark.parametrize("path", PLACES)
@pytest.mark.parametrize("value", REFUSED[:22], ids=_id)
def test_a_hostile_number_in_a_dict_is_a_located_error(path: str, value: Any) -> None:
    shown_path = path.replace("rows.0", "rows[0]").replace("rows.1", "rows[1]")
    _refused(run_bounded(_review, _with(path, value), seconds=10, mib=512), shown_path)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "changes",
    [
        {"budget.full_year": "1e-20", "budget.executed": "1e15"},  # a rate of 1e35
        {"budget.full_year": "1e-20", "budget.executed": "-1e15"},
        {"rows.0.weight": "1e6", "rows.0.reported_score": "1e6", "evaluation.reported_total": "-1e6"},
        {"rows.1.target": "1e-20元", "rows.1.actual": "1e15元"},
        {"rows.1.target": "9" * 60 + "亿元", "rows.1.actual": "1" + "0" * 59},
        {"rows.1.target": "0." + "0" * 40 + "1", "rows.1.actual": "9" * 30},
        {"rows.0.weight": "-0", "rows.0.reported_score": "-0.0"},
    ],
    ids=lambda c: ",".join(f"{k}={str(v)[:10]}" for k, v in c.items()) if isinstance(c, dict) else c,
)
def test_extreme_numbers_within_the_gate_score_or_are_not_scorable(
    changes: dict[str, str], backend: str
) -> None:
    data = copy.deepcopy(BASE)
    for path, value in changes.items():
        data = _with_into(data, path, value)
    outcome = run_bounded(_review, data, backend, seconds=10, mib=512)
    assert outcome.kind == "ok", outcome
    statuses, _codes = outcome.value
    assert set(statuses) <= {"scored", "not_scorable", "not_applicable"}


def _with_into(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    node: Any = data
    *parents, key = path.split(".")
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    node[key] = value
    return data


def test_a_cell_beyond_the_gate_is_a_row_not_scorable_with_its_reason() -> None:
    # 28 digits: read by the cell parser (its own limit), then refused by the gate (±1e15).
    data = _with_into(_with("rows.1.target", "9" * 28 + "亿元"), "rows.1.actual", "9" * 28 + "亿元")
    evaluation = Evaluation.from_dict(data)
    report = perfscore.score(evaluation, perfscore.ruleset_for(evaluation))
    row = report.blocks[0].rows[1]
    assert row.status == "not_scorable"
    assert "out of range" in row.explanation.reason_en
    assert len(report.to_text()) < 100_000


def test_a_rate_beyond_the_gate_leaves_the_budget_not_scorable() -> None:
    data = _with_into(_with("budget.full_year", "1e-20"), "budget.executed", "1e15")
    evaluation = Evaluation.from_dict(data)
    reviewed = perfscore.review(evaluation)
    assert reviewed.report.budget is not None
    assert reviewed.report.budget.status == "not_scorable" and reviewed.report.budget.rate is None
    assert any(f.code == "budget-not-scorable" and "out of range" in f.message_en for f in reviewed.findings)
    reviewed.to_text()


# -- numbers in evaluation files (TOML, JSON) -----------------------------------------------------


def _read_review(path: Path) -> Any:
    evaluation = perfscore.read_evaluation(path)
    return perfscore.review(evaluation).to_text()


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("NaN", "not-a-number"),  # not JSON: read as text, which is no number
        ("Infinity", "not-a-number"),
        ("-Infinity", "not-a-number"),
        ("1e400", "bad-number"),
        ("1e40", "bad-number"),
        ("1e-40", "bad-number"),
        ('"1e999999999"', "bad-number"),
        ('"١٢٣"', "not-a-number"),
        ("9" * 5000, "json-syntax"),  # beyond Python's 4,300-digit limit on 3.11+
        ("9" * 4000, "bad-number"),
    ],
    ids=lambda v: v[:20],
)
def test_a_hostile_number_in_a_json_file_is_located(tmp_path: Path, spelling: str, code: str) -> None:
    data = json.dumps({**BASE, "rows": BASE["rows"][:1]}, ensure_ascii=False, indent=1)
    text = data.replace('"weight": 5', f'"weight": {spelling}', 1)
    assert text != data
    file = tmp_path / "hostile.json"
    file.write_text(text, encoding="utf-8")
    message = expect_error(run_bounded(_read_review, file, seconds=10, mib=512), f"[{code}]")
    assert str(file) in message


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("inf", "bad-number"),
        ("-inf", "bad-number"),
        ("nan", "bad-number"),
        ("1e400", "bad-number"),
        ("1e40", "bad-number"),
        ('"1e999999999"', "bad-number"),
        ("9" * 5000, "toml-syntax"),
        ("[" * 3000 + "]" * 3000, "too-deep"),
        ("{a = " * 3000 + "1" + "}" * 3000, "too-deep"),
    ],
    ids=lambda v: v[:20],
)
def test_a_hostile_number_in_a_toml_file_is_located(tmp_path: Path, spelling: str, code: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("weight = 5\n", f"weight = {spelling}\n", 1)
    file = tmp_path / "hostile.toml"
    file.write_text(text, encoding="utf-8")
    message = expect_error(run_bounded(_read_review, file, seconds=10, mib=512), f"[{code}]")
    assert f"{file}:" in message  # with its line
    assert "RecursionError" not in message and "ValueError" not in message


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_a_deeply_nested_evaluation_file_is_refused_before_parsing(tmp_path: Path, suffix: str) -> None:
    file = tmp_path / f"deep{suffix}"
    deep = "[" * 100_000 + "]" * 100_000
    file.write_text(f"x = {deep}\n" if suffix == ".toml" else '{"x": ' + deep + "}", encoding="utf-8")
    message = expect_error(run_bounded(perfscore.read_evaluation, file, seconds=5, mib=256), "[too-deep]")
    assert f"at most {MAX_NESTING} levels" in message


def test_an_oversized_or_special_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    expect_error(run_bounded(perfscore.read_evaluation, big, seconds=5, mib=128), "[file-too-large]")
    expect_error(
        run_bounded(perfscore.read_evaluation, "/dev/zero", seconds=5, mib=128), "not a regular file"
    )
    expect_error(run_bounded(perfscore.read_evaluation, tmp_path, seconds=5, mib=128), "[file-unreadable]")


# -- numbers in constructors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: Evaluation(region="CN", form="project", year=2023, rows=({"block": "x"},)),  # type: ignore[arg-type]
        lambda: Evaluation(region="CN", form="project", year="2023"),  # type: ignore[arg-type]
        lambda: Evaluation(region="CN", form="project", year=2023, budget={}),  # type: ignore[arg-type]
        lambda: Evaluation(region="CN", form="project", year=2023, base={"x": 1.5}),  # type: ignore[dict-item]
        lambda: IndicatorRow(block="b", category="c", name="n", weight=1.5),  # type: ignore[arg-type]
        lambda: IndicatorRow(block="b", category="c", name="n", weight="5"),  # type: ignore[arg-type]
        lambda: IndicatorRow(block=None, category="c", name="n"),  # type: ignore[arg-type]
        lambda: BudgetTable(executed="100"),  # type: ignore[arg-type]
        lambda: BudgetTable(lines=("a",)),  # type: ignore[arg-type]
    ],
)
def test_a_constructor_refuses_a_wrong_type_at_once(build: Any) -> None:
    with pytest.raises(EvaluationTypeError) as info:
        build()
    assert isinstance(info.value, (TypeError, perfscore.PerfscoreError, EvaluationError))
    assert info.value.problems[0].code == "wrong-type"


@pytest.mark.parametrize(
    "build",
    [
        lambda: IndicatorRow(block="b", category="c", name="n", weight=Decimal("1e999999999")),
        lambda: IndicatorRow(block="b", category="c", name="n", reported_score=Decimal("NaN")),
        lambda: IndicatorRow(block="b", category="c", name="n", inputs={"events": Decimal("1e40")}),
        lambda: BudgetTable(executed=Decimal("-1e-400")),
        lambda: BudgetTable(full_year=HUGE_INT),  # type: ignore[arg-type]
        lambda: Evaluation(region="CN", form="project", year=2023, reported_total=Decimal("1e7")),
    ],
)
def test_a_constructor_refuses_a_number_the_gate_refuses(build: Any) -> None:
    outcome = run_bounded(build, seconds=5, mib=256)
    message = expect_error(outcome, "[bad-number]")
    assert "EvaluationError" in message.splitlines()[-1] or "bad-number" in message


def test_a_constructor_reads_ints_as_decimals_and_copies_mappings() -> None:
    inputs = {"events": Decimal(2)}
    row = IndicatorRow(block="b", category="c", name="n", weight=5, inputs=inputs)  # type: ignore[arg-type]
    assert type(row.weight) is Decimal and row.weight == 5
    inputs["events"] = Decimal(99)
    assert row.inputs["events"] == 2
    evaluation = Evaluation(region="CN", form="project", year=2023, rows=[row])  # type: ignore[arg-type]
    assert evaluation.rows == (row,)


# -- numbers in rulesets --------------------------------------------------------------------------


def _ruleset_file(tmp_path: Path, old: str, new: str, name: str = "hostile.toml") -> Path:
    assert old in MINIMAL_TEXT, old
    file = tmp_path / name
    file.write_text(MINIMAL_TEXT.replace(old, new, 1), encoding="utf-8")
    return file


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("total = 100", "total = 1e40", "ruleset.total"),
        ("total = 100", "total = inf", "ruleset.total"),
        ("total = 100", "total = 1e400", "ruleset.total"),
        ("k = 0.5", "k = nan", "params.k"),
        ("k = 0.5", "k = 1e16", "params.k"),
        ("k = 0.5", "k = 1e-40", "params.k"),
        ("points = 20", "points = 1e7", "budget.points"),
        ("weight = 10", "weight = 1e300", "weight"),
        ("\nmin = 90\n", "\nmin = 1e40\n", "grades[0].min"),
        ("{ min = 90, points = 10 }", "{ min = 1e400, points = 10 }", "tiers[0].min"),
        ("{ min = 90, points = 10 }", "{ min = 90, points = 1e20 }", "tiers[0].points"),
    ],
)
def test_a_hostile_number_in_a_ruleset_is_a_located_problem(
    tmp_path: Path, old: str, new: str, fragment: str
) -> None:
    file = _ruleset_file(tmp_path, old, new)
    message = expect_error(run_bounded(perfscore.load_ruleset, file, seconds=10, mib=512), "[bad-number]")
    assert fragment in message and f"{file}:" in message


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("k = 0.5", "k = " + "9" * 5000, "toml-syntax"),
        ("k = 0.5", "k = " + "[" * 3000 + "]" * 3000, "too-deep"),
        ("k = 0.5", "k = " + "{a = " * 3000 + "1" + "}" * 3000, "too-deep"),
        ('formula = "W * min(rate, 1)"', 'formula = "9e999999999"', "formula-literal"),
        ('formula = "W * min(rate, 1)"', 'formula = "W * ((rate > 1) < 2)"', "formula-compare"),
    ],
    ids=["long-int", "deep-array", "deep-table", "huge-literal", "condition-compared"],
)
def test_a_hostile_ruleset_file_is_a_ruleset_error(tmp_path: Path, old: str, new: str, code: str) -> None:
    file = _ruleset_file(tmp_path, old, new)
    for backend in BACKENDS:
        outcome = run_bounded(perfscore.load_ruleset, file, backend=backend, seconds=10, mib=512)
        message = expect_error(outcome, f"[{code}]")
        assert str(file) in message
    cli = run_bounded(perfscore.cli.main, ["validate", str(file)], seconds=10, mib=512)
    assert cli.kind == "ok" and cli.value != 0, cli


def _budget_outcome(file: Path, backend: str) -> tuple[str, str]:
    ruleset = perfscore.load_ruleset(file, backend=backend)
    evaluation = Evaluation.from_dict(
        {
            "evaluation": {"region": "CN", "form": "department", "year": 2021},
            "budget": {"full_year": 100, "executed": 90},
            "rows": [],
        }
    )
    reviewed = perfscore.review(evaluation, ruleset)
    reviewed.to_text()
    reviewed.report.to_json()
    budget = reviewed.report.budget
    assert budget is not None
    return budget.status, budget.explanation.reason_en


@pytest.mark.parametrize(
    "formula",
    [
        "W * rate * 1e15 * 1e15",  # beyond the gate: 9e31
        "((((((W ** 9) ** 9) ** 9) ** 9) ** 9) ** 9)",  # overflow
        "W / (rate - rate)",  # division by zero
        "round(1e15 * 1e15, 2)",  # invalid operation
        "W * (rate < 1 or rate)",  # a condition used as a number
    ],
)
def test_a_formula_result_beyond_the_gate_is_not_scorable_on_both_backends(
    tmp_path: Path, formula: str
) -> None:
    file = _ruleset_file(tmp_path, 'formula = "W * min(rate, 1)"', f'formula = "{formula}"')
    outcomes = []
    for backend in BACKENDS:
        outcome = run_bounded(_budget_outcome, file, backend, seconds=10, mib=512)
        assert_clean(outcome, backend)
        assert outcome.kind == "ok", outcome
        outcomes.append(outcome.value)
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == "not_scorable" and "not scorable" in outcomes[0][1]


# -- the formula language: comparisons compare numbers --------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "source",
    [
        "(A > 1) < 2",
        "2 > (A > 1)",
        "(A > 1) == 1",
        "1 != (not A)",
        "0 < (A > T) <= 1",
        "(A or (A > T)) == (T or (A > T))",
    ],
)
def test_a_condition_is_never_compared_with_a_number(source: str, backend: str) -> None:
    with pytest.raises(FormulaError) as info:
        compile_formula(source, ("A", "T"), backend=backend)
    assert info.value.code == "formula-compare"


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_conditions_may_be_equal_and_a_mixed_side_is_checked_when_it_runs(backend: str) -> None:
    same = compile_formula("(A > T) == (T > A)", ("A", "T"), backend=backend)
    assert same.truth({"A": Decimal(1), "T": Decimal(1)}) is True
    mixed = compile_formula("(A if A > T else A > T) < 5", ("A", "T"), backend=backend)
    assert mixed.truth({"A": Decimal(9), "T": Decimal(1)}) is False
    with pytest.raises(FormulaEvaluationError, match="compared with a number"):
        mixed.truth({"A": Decimal(0), "T": Decimal(1)})


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("literal", ["9e999999999", "1e16", "1e-21", "0.000000000000000000001"])
def test_a_literal_beyond_the_gate_is_refused(literal: str, backend: str) -> None:
    with pytest.raises(FormulaError) as info:
        compile_formula(f"A * {literal}", ("A",), backend=backend)
    assert info.value.code == "formula-literal"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_result_beyond_the_gate_is_an_evaluation_error(backend: str) -> None:
    formula = compile_formula("A * A", ("A",), backend=backend)
    env: dict[str, Optional[Decimal]] = {"A": Decimal("1e8")}
    with pytest.raises(FormulaEvaluationError, match="out of range"):
        formula.number(env)  # type: ignore[arg-type]
    assert formula.number({"A": Decimal("1e7")}) == Decimal("1e14")
