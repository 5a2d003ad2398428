"""The JSON Schemas of an evaluation, a report, a review and ``score --json`` (schema/*.schema.json)
are what ``scripts/json_schemas.py`` generates from the code, and real output validates against
them: every example and worked case, ``score --json`` and ``review --json`` on a folder (a form of
several tables, a skipped file, a failed one), and the HTTP API's answers. A wrong document is
rejected, so the schemas say something."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from jsonschema import Draft202012Validator

import perfscore
from conftest import EXAMPLES, ROOT, YUEYANGLOU
from perfscore.cli import main

SCHEMA = ROOT / "schema"
GOLDEN = ROOT / "tests" / "golden"
FORMS = ROOT / "tests" / "data" / "forms"
SEVERAL = FORMS / "seed003.ods"
"""A form holding three tables (附件3 and two 附件4)."""
PROJECT = YUEYANGLOU / "project-2023-district-fund.toml"
EXAMPLE_FILES = sorted(EXAMPLES.rglob("*.toml"))
CASE_FILES = sorted((ROOT / "rulesets").glob("*/cases/*.toml"))


def _script() -> Any:
    spec = importlib.util.spec_from_file_location("json_schemas", ROOT / "scripts" / "json_schemas.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((SCHEMA / f"{name}.schema.json").read_text(encoding="utf-8")))


def _valid(name: str, data: Any) -> None:
    errors = [f"{e.json_path}: {e.message}" for e in _validator(name).iter_errors(data)]
    assert not errors, "\n".join(errors[:10])


def _invalid(name: str, data: Any) -> list[str]:
    return [e.json_path for e in _validator(name).iter_errors(data)]


# -- the files are generated ----------------------------------------------------------------------


def test_the_schema_files_are_what_the_code_declares() -> None:
    """After changing a model, the entry or the evaluation reader: python scripts/json_schemas.py."""
    for path, text in _script().schema_texts().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run scripts/json_schemas.py"


@pytest.mark.parametrize("name", ["evaluation", "report", "review", "score"])
def test_each_is_a_valid_draft_2020_12_schema(name: str) -> None:
    schema = json.loads((SCHEMA / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_a_rows_explanation_is_described_beside_its_fields() -> None:
    schema = json.loads((SCHEMA / "report.schema.json").read_text(encoding="utf-8"))
    row = perfscore.score_file(PROJECT).to_dict()["blocks"][0]["categories"][0]["rows"][0]
    assert list(schema["$defs"]["RowResult"]["properties"]) == list(row)
    assert {"inputs", "reason_zh", "reason_en", "provenance"} <= set(row)


# -- evaluations ----------------------------------------------------------------------------------


@pytest.mark.parametrize("file", EXAMPLE_FILES + CASE_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_example_and_worked_case_file_is_a_valid_evaluation(file: Path) -> None:
    data = tomllib.loads(file.read_text(encoding="utf-8"))
    _valid("evaluation", data)
    _valid("evaluation", perfscore.Evaluation.from_dict(data).to_dict())


def test_the_forms_tables_are_valid_evaluations() -> None:
    for evaluation in perfscore.read_evaluations(SEVERAL, region="430602"):
        _valid("evaluation", evaluation.to_dict())


def test_a_wrong_evaluation_is_rejected() -> None:
    data = tomllib.loads(PROJECT.read_text(encoding="utf-8"))
    wrong = copy.deepcopy(data)
    wrong["evaluation"]["year"] = "2023"
    wrong["evaluation"]["form"] = "projects"
    wrong["rows"][0]["wieght"] = 5
    wrong["rows"][1]["core"] = "yes"
    del wrong["evaluation"]["region"]
    assert sorted(_invalid("evaluation", wrong)) == [
        "$.evaluation",
        "$.evaluation.form",
        "$.evaluation.year",
        "$.rows[0]",
        "$.rows[1].core",
    ]
    assert _invalid("evaluation", {"rows": []}) == ["$"]


# -- reports --------------------------------------------------------------------------------------


def test_there_are_golden_reports() -> None:
    assert len(list(GOLDEN.glob("cases/*/*.json"))) >= len(CASE_FILES) > 20
    assert len(list(GOLDEN.glob("examples/*/*.json"))) == len(EXAMPLE_FILES)


@pytest.mark.parametrize(
    "file",
    sorted([*GOLDEN.glob("cases/*/*.json"), *GOLDEN.glob("examples/*/*.json")]),
    ids=lambda p: p.relative_to(GOLDEN).as_posix(),
)
def test_every_worked_case_and_example_report_is_valid(file: Path) -> None:
    """The golden snapshots are each worked case's and example's Report.to_dict() and review
    findings (tests/test_golden.py keeps them equal to what scoring gives)."""
    snapshot = json.loads(file.read_text(encoding="utf-8"))
    _valid("report", snapshot["report"])
    schema = json.loads((SCHEMA / "review.schema.json").read_text(encoding="utf-8"))
    finding = Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/Finding"})
    for found in snapshot["findings"]:
        assert finding.is_valid(found), found
    assert not finding.is_valid({**snapshot["report"]})


@pytest.mark.parametrize("file", EXAMPLE_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_example_report_is_valid_as_scored_now(file: Path) -> None:
    _valid("report", perfscore.score_file(file).to_dict())


def test_a_wrong_report_is_rejected() -> None:
    good = perfscore.score_file(PROJECT).to_dict()
    wrong = copy.deepcopy(good)
    wrong["total"] = 95.5  # a float, where every number is an exact decimal string
    wrong["blocks"][0]["categories"][0]["rows"][0]["status"] = "done"
    wrong["blocks"][0]["categories"][0]["rows"][0]["points"] = "1,5"
    del wrong["findings"]
    wrong["extra"] = 1
    rows = "$.blocks[0].categories[0].rows[0]"
    assert sorted(_invalid("report", wrong)) == ["$", "$", f"{rows}.points", f"{rows}.status", "$.total"]


# -- the CLI's --json -----------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of a one-table evaluation, a form of three tables, a file that cannot be
    reviewed, and two files skipped (a text file, a lock file)."""
    (tmp_path / "a.toml").write_bytes(PROJECT.read_bytes())
    (tmp_path / "b.ods").write_bytes(SEVERAL.read_bytes())
    (tmp_path / "bad.toml").write_text("[evaluation\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "~$b.xlsx").write_bytes(b"lock")
    return tmp_path


def test_review_json_of_a_folder_is_valid(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", str(folder), "--json", "--region", "430602"]) == 1
    data = json.loads(capsys.readouterr().out)
    _valid("review", data)
    got = [(Path(e["file"]).name, e["table"], e["status"], e["skipped"]) for e in data["results"]]
    assert got == [
        ("a.toml", None, "reviewed", ""),
        ("b.ods", 1, "reviewed", ""),
        ("b.ods", 2, "reviewed", ""),
        ("b.ods", 3, "reviewed", ""),
        ("bad.toml", None, "failed", ""),
        ("notes.txt", None, "skipped", "unsupported-format"),
        ("~$b.xlsx", None, "skipped", "lock-file"),
    ]
    first, failed = data["results"][0], data["results"][4]
    assert first["report"]["total"] == first["totals"]["computed"] and first["counts"]["error"] >= 0
    assert failed["error"] and failed["report"] is None and failed["findings"] == []


def test_review_json_of_an_empty_folder_is_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", str(tmp_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == {"results": []}
    _valid("review", data)


@pytest.mark.parametrize(("file", "tables"), [(PROJECT, 1), (SEVERAL, 3)])
def test_score_json_is_always_a_file_and_its_tables(
    file: Path, tables: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", str(file), "--json", "--region", "430602"]) == 0
    data = json.loads(capsys.readouterr().out)
    _valid("score", data)
    assert data["file"] == str(file) and len(data["tables"]) == tables
    for report in data["tables"]:
        _valid("report", report)


def test_a_wrong_review_is_rejected(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["review", str(folder / "a.toml"), "--json"])
    data = json.loads(capsys.readouterr().out)
    wrong = copy.deepcopy(data)
    wrong["results"][0]["status"] = "ok"
    wrong["results"][0]["skipped"] = "because"
    del wrong["results"][0]["counts"]
    wrong["results"][0]["report"]["year"] = "2023"
    assert sorted(_invalid("review", wrong)) == [
        "$.results[0]",
        "$.results[0].report",  # anyOf: the report (its year a string) or null
        "$.results[0].skipped",
        "$.results[0].status",
    ]
    assert _invalid("review", data["results"]) == ["$"]  # the array of earlier releases
    assert _invalid("score", data) == ["$", "$", "$"]  # no file, no tables, results unknown


# -- the HTTP API ---------------------------------------------------------------------------------


def test_the_api_answers_in_the_same_shapes() -> None:
    pytest.importorskip("starlette", reason="the workbench needs the web extra: pip install -e '.[web]'")
    pytest.importorskip("multipart", reason="the workbench needs python-multipart (the web extra)")
    from starlette.testclient import TestClient

    from perfscore.web import Settings, create_app

    files = [
        ("files", ("a.toml", PROJECT.read_bytes())),
        ("files", ("b.ods", SEVERAL.read_bytes())),
        ("files", ("bad.toml", b"[evaluation\n")),
        ("files", ("notes.txt", b"x")),
    ]
    with TestClient(create_app(Settings(), workers=1)) as client:
        answer = client.post("/api/review", files=files, data={"region": "430602"})
        assert answer.status_code == 200
        data = answer.json()
        _valid("review", data)
        got = [(e["file"], e["table"], e["status"]) for e in data["results"]]
        assert got == [
            ("a.toml", None, "reviewed"),
            ("b.ods", 1, "reviewed"),
            ("b.ods", 2, "reviewed"),
            ("b.ods", 3, "reviewed"),
            ("bad.toml", None, "failed"),
            ("notes.txt", None, "failed"),
        ]
        evaluation = perfscore.read_evaluation(PROJECT).to_dict()
        _valid("evaluation", evaluation)
        scored = client.post("/api/score", json=evaluation)
        assert scored.status_code == 200
        _valid("report", scored.json())


def test_every_json_perfscore_writes_is_told_as_its_own_output(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder holding what perfscore wrote, now or in earlier releases, skips it."""
    from perfscore.reviewing import own_output

    main(["score", str(PROJECT), "--json"])
    score_out = capsys.readouterr().out
    main(["review", str(PROJECT), "--json"])
    review_out = capsys.readouterr().out
    report = json.loads(score_out)["tables"][0]
    outputs = {
        "score.json": score_out,
        "review.json": review_out,
        "report.json": json.dumps(report, ensure_ascii=False),
        "old-review.json": json.dumps([{"path": "a.toml", "status": "failed", "review": None}]),
    }
    for name, text in outputs.items():
        (folder / name).write_text(text, encoding="utf-8")
        assert own_output(folder / name) is not None, name
    (folder / "other.json").write_text('{"results": [1]}', encoding="utf-8")
    assert own_output(folder / "other.json") is None
