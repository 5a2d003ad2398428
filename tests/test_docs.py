"""Docs tested against the code: every TOML example loads, every code used is documented."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

import perfscore
from conftest import DOCS, ROOT
from perfscore.codes import CODES
from perfscore.rules import load_ruleset


def _toml_blocks(text: str) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", text, flags=re.S)


def _ruleset_snippets() -> list[str]:
    return [
        b for b in _toml_blocks((DOCS / "ruleset-format.md").read_text(encoding="utf-8")) if "[ruleset]" in b
    ]


@pytest.mark.parametrize("snippet", _ruleset_snippets())
def test_every_ruleset_example_in_the_docs_loads(snippet: str, tmp_path: Path) -> None:
    file = tmp_path / "snippet.toml"
    file.write_text(snippet, encoding="utf-8")
    ruleset = load_ruleset(file)
    outside = ruleset.budget.points if ruleset.budget and not ruleset.budget.block else 0
    assert ruleset.total == sum(b.points for b in ruleset.blocks) + outside


def test_the_docs_have_ruleset_examples() -> None:
    assert len(_ruleset_snippets()) >= 2


def test_the_evaluation_example_in_the_docs_scores(tmp_path: Path) -> None:
    (snippet,) = _toml_blocks((DOCS / "evaluation-format.md").read_text(encoding="utf-8"))
    file = tmp_path / "evaluation.toml"
    file.write_text(snippet, encoding="utf-8")
    report = perfscore.score_file(file)
    assert report.ruleset == "430602-project"
    assert [r.status for r in report.rows] == ["scored", "not_applicable"]


def test_every_error_and_finding_code_is_documented() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "perfscore").glob("*.py"))
    codes = set(re.findall(r'(?:problem|Problem|finding)\(\s*"([a-z]+(?:-[a-z]+)+)"', source))
    codes |= set(re.findall(r'"(formula-[a-z-]+)"', source))
    codes |= {"grade-overlap", "grade-gap"}  # built as f"grade-{kind}"
    documented = set(re.findall(r"`([a-z]+(?:-[a-z]+)+)`", (DOCS / "errors.md").read_text(encoding="utf-8")))
    assert codes, "no codes found in the source"
    assert sorted(codes - documented) == []


def _errors_doc_table(title: str) -> list[list[str]]:
    """The rows of the table under ``## title`` in docs/errors.md, as lists of cells."""
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    section = text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("| `")
    ]


def _documented_codes() -> dict[tuple[str, str], str]:
    """(kind, id) → severity of every code docs/errors.md lists; every problem is an error."""
    documented = {}
    for row in _errors_doc_table("Problem codes (rulesets and evaluations)"):
        for id in re.findall(r"`([a-z]+(?:-[a-z]+)*)`", row[0]):
            documented["problem", id] = "error"
    for row in _errors_doc_table("Finding codes (reports)"):
        (id,) = re.findall(r"^`([a-z]+(?:-[a-z]+)*)`$", row[0])
        documented["finding", id] = row[1]
    return documented


def test_every_code_in_the_table_is_documented_with_its_severity() -> None:
    documented = _documented_codes()
    assert CODES, "the code table is empty"
    for entry in CODES.values():
        assert (entry.kind, entry.id) in documented, f"{entry.id} ({entry.kind}) is not in docs/errors.md"
        assert documented[entry.kind, entry.id] == entry.severity, entry.id


def test_every_documented_code_is_in_the_table() -> None:
    assert sorted({id for _, id in _documented_codes()} - set(CODES)) == []


def test_cli_exit_codes_match_the_docs() -> None:
    table = dict(
        re.findall(r"^\| (\d) \| (.+?) \|$", (DOCS / "cli.md").read_text(encoding="utf-8"), flags=re.M)
    )
    from perfscore import cli

    codes = (
        cli.EXIT_OK,
        cli.EXIT_FAILED,
        cli.EXIT_USAGE,
        cli.EXIT_RULESET,
        cli.EXIT_EVALUATION,
        cli.EXIT_NOT_FOUND,
    )
    assert set(table) == {str(c) for c in codes}


def test_readme_api_example_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert len([line for line in example.strip().splitlines() if not line.startswith("# prints")]) <= 10
    result = subprocess.run(
        [sys.executable, "-c", example], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == re.findall(r"^# prints: (.*)$", example, flags=re.M)


def _regions_rows() -> list[list[str]]:
    text = (DOCS / "regions.md").read_text(encoding="utf-8")
    table = text.split("| id |", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in table]


def test_regions_doc_lists_every_shipped_ruleset_edition() -> None:
    from perfscore.rules import available_rulesets

    documented = {}
    for row in _regions_rows():
        documented[(row[0].strip("`"), row[1])] = row
    shipped = {(info.id, info.edition): info for info in available_rulesets()}
    assert sorted(documented) == sorted(shipped)
    for key, info in shipped.items():
        ruleset = load_ruleset(info.file)
        row = documented[key]
        assert row[2].split()[0] == ruleset.region
        assert row[3].split()[0] == ruleset.form
        assert row[4] == f"{ruleset.year_from}–{ruleset.year_to or ''}"
        assert row[5] == (ruleset.extends[0] if ruleset.extends else "—")
        counts: dict[str, int] = {}
        for source in ruleset.sources:
            counts[source.evidence] = counts.get(source.evidence, 0) + 1
        order = ["S", "SEED", "SYS", "R"]
        assert row[6] == ", ".join(f"{k} ×{counts[k]}" for k in order if k in counts)
        unconfirmed = [s.id for s in ruleset.sources if s.evidence == "R"]
        assert row[7] == ("; ".join(unconfirmed) or "—")


def test_the_python_examples_in_the_formulas_doc_give_what_they_say() -> None:
    """Each expression statement followed by ``# result`` must evaluate to that repr."""
    text = (DOCS / "formulas.md").read_text(encoding="utf-8")
    namespace: dict[str, object] = {}
    checked = 0
    for block in re.findall(r"```python\n(.*?)```", text, flags=re.S):
        lines = block.splitlines()
        for statement in ast.parse(block).body:
            code = ast.get_source_segment(block, statement)
            assert code is not None
            said = lines[(statement.end_lineno or statement.lineno) - 1].partition("#")[2].strip()
            if isinstance(statement, ast.Expr) and said:
                assert repr(eval(code, namespace)) == said, code
                checked += 1
            else:
                exec(code, namespace)
    assert checked >= 2


def _report_section(name: str) -> str:
    text = (DOCS / "report.md").read_text(encoding="utf-8")
    return text.split(f"## `{name}`\n", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize(
    "cls",
    [
        perfscore.Report,
        perfscore.BlockResult,
        perfscore.CategoryResult,
        perfscore.RowResult,
        perfscore.BudgetResult,
        perfscore.Finding,
    ],
    ids=lambda cls: cls.__name__,
)
def test_the_report_doc_describes_each_attribute(cls: type) -> None:
    first_column = re.findall(r"^\| (`.+?) \|", _report_section(cls.__name__), flags=re.M)
    documented = {name for cell in first_column for name in re.findall(r"`(\w+)`", cell)}
    fields = {field.name for field in attrs.fields(cls)}
    if "explanation" in fields:  # its parts read as the class's own attributes
        fields |= set(perfscore.Explanation.FIELDS)
    assert sorted(documented) == sorted(fields)


def test_the_json_row_in_the_report_doc_is_what_scoring_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (DOCS / "report.md").read_text(encoding="utf-8")
    (snippet,) = re.findall(r"```json\n(.*?)```", text, flags=re.S)
    shown = json.loads(snippet)
    monkeypatch.chdir(ROOT)  # the row's provenance names the file as it was given
    report = perfscore.score_file("examples/430602/project-2023-district-fund.toml")
    rows = [row for block in report.to_dict()["blocks"] for cat in block["categories"] for row in cat["rows"]]
    assert [row for row in rows if row["where"] == shown["where"]] == [shown]


def test_the_province_map_in_the_regions_doc_is_what_the_registry_gives() -> None:
    spec = importlib.util.spec_from_file_location("regions_map", ROOT / "scripts" / "regions_map.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = (DOCS / "regions.md").read_text(encoding="utf-8")
    shown = text.split(module.BEGIN)[1].split(module.END)[0].strip()
    assert shown == module.province_map(), "run: python scripts/regions_map.py --write"
