"""The JSON Schema for ruleset files (schema/ruleset.schema.json) agrees with the loader.

The schema is for editors (Taplo / Even Better TOML): it checks structure, types, enums and
patterns as the file is typed. It is generated (scripts/schema.py) from the tables the builder
reads its keys from (perfscore.rules.builder.tables); the loader stays the authority. These
tests keep the file current and the two from drifting apart: same keys, same enums, same
patterns, and the shipped files, the fixtures and the docs' examples all pass both.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Set as AbstractSet
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from perfscore.decimals import ROUNDING_MODES
from perfscore.errors import RulesetError
from perfscore.rules import EVIDENCE_LEVELS, FORMS, SELECTION_KEYS, load_ruleset
from perfscore.rules.builder import framework_tables as framework
from perfscore.rules.builder import schema_text, tables
from perfscore.rules.builder.fields import Table
from perfscore.rules.registry import REGION

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

from conftest import DATA, MINIMAL, ROOT, RULESETS_DIR

SCHEMA_FILE = ROOT / "schema" / "ruleset.schema.json"

SCHEMA: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
DEFS: dict[str, Any] = SCHEMA["$defs"]
VALIDATOR = Draft202012Validator(SCHEMA)

SHIPPED = sorted(f for f in RULESETS_DIR.rglob("*.toml") if "cases" not in f.parts)
VALID = sorted((DATA / "valid").glob("*.toml"))

# Invalid fixtures whose defect the schema sees too: a key, an enum value.
STRUCTURAL = {"unknown-key", "bad-evidence", "bad-rounding"}
# Invalid fixtures only the loader can reject. The schema cannot add up weights or points,
# compare grade bands with each other, parse formulas, resolve a method or source name, find
# duplicate labels or see that a case without `when` is not the last one.
LOADER_ONLY = {
    "weights-sum",
    "points-sum",
    "grade-gap",
    "duplicate-grade",
    "formula-attribute",
    "formula-name",
    "formula-power",
    "hostile-formula",
    "unknown-method",
    "unreachable-case",
}
NOT_TOML = {"toml-syntax"}  # tomllib rejects it before any schema could look
INVALID = sorted((DATA / "invalid").glob("*.toml"))


def _read(file: Path) -> dict[str, Any]:
    return tomllib.loads(file.read_text(encoding="utf-8"))


def _errors(data: dict[str, Any]) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in VALIDATOR.iter_errors(data)]


def _ruleset_snippets() -> list[str]:
    text = (ROOT / "docs" / "ruleset-format.md").read_text(encoding="utf-8")
    return [b for b in re.findall(r"```toml\n(.*?)```", text, flags=re.S) if "[ruleset]" in b]


def _keys(definition: dict[str, Any]) -> set[str]:
    assert definition.get("additionalProperties") is False, "every table must forbid unknown keys"
    return set(definition["properties"])


def _enum(definition: dict[str, Any]) -> set[str]:
    return set(definition["enum"])


# --------------------------------------------------------------------------- the schema itself


def test_the_schema_file_is_what_the_tables_give() -> None:
    """Regenerating gives the same bytes: run ``python scripts/schema.py`` after changing a table."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text()


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


def _properties(node: Any, where: str = "") -> list[tuple[str, Any]]:
    """Every (path, subschema) found under a ``properties`` keyword."""
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                found += [(f"{where}.{name}", sub) for name, sub in value.items()]
            found += _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _properties(value, f"{where}[{i}]")
    return found


def test_every_property_has_an_english_description() -> None:
    """Editors show these on hover; the conditional `then` parts only add `required`."""
    missing = [
        path
        for path, sub in _properties(SCHEMA)
        if "/then" not in path and "/if" not in path and not sub.get("description")
    ]
    assert missing == []


# --------------------------------------------------------------------------- no drift from the loader


# Each closed table of the schema, and the keys the builder checks that table against.
KEY_SETS: list[tuple[str, dict[str, Any], AbstractSet[str]]] = [
    ("top", SCHEMA, tables.FILE.keys),
    ("ruleset", DEFS["ruleset"], tables.IDENTITY.keys),
    ("source", DEFS["source"], tables.SOURCE.keys),
    ("text", DEFS["text"], framework.TEXT.keys),
    ("rounding", DEFS["rounding"], tables.ROUNDING.keys),
    ("budget", DEFS["budget"], tables.BUDGET.keys),
    ("block", DEFS["block"], framework.BLOCK.keys),
    ("category", DEFS["category"], framework.CATEGORY.keys),
    ("indicator", DEFS["indicator"], framework.INDICATOR.keys),
    ("method", DEFS["method"], framework.METHOD.keys),
    ("case", DEFS["case"], framework.CASE.keys),
    ("tier", DEFS["tier"], framework.TIER.keys),
    ("level", DEFS["level"], framework.LEVEL.keys),
    ("grade", DEFS["grade"], tables.GRADE.keys),
    ("grading", SCHEMA["properties"]["grading"], tables.GRADING.keys),
    ("derived", DEFS["derived"], tables.DERIVED.keys),
    ("review", DEFS["review"], tables.REVIEW.keys),
    # The builder reads a selection table by the model's comparator keys.
    ("selection", DEFS["selection"], set(SELECTION_KEYS)),
    ("in_force", DEFS["ruleset"]["properties"]["in_force"], tables.IN_FORCE.keys),
    ("rounding-table", SCHEMA["properties"]["rounding"], tables.ROUNDINGS.keys),
    ("not_applicable", SCHEMA["properties"]["not_applicable"], tables.NOT_APPLICABLE.keys),
    ("actuals", SCHEMA["properties"]["actuals"], tables.ACTUALS.keys),
    ("framework", SCHEMA["properties"]["framework"], tables.FRAMEWORK.keys),
]


@pytest.mark.parametrize(("definition", "keys"), [k[1:] for k in KEY_SETS], ids=[k[0] for k in KEY_SETS])
def test_each_table_allows_exactly_the_loaders_keys(
    definition: dict[str, Any], keys: AbstractSet[str]
) -> None:
    assert _keys(definition) == keys


def test_the_enums_are_the_loaders() -> None:
    ruleset = DEFS["ruleset"]["properties"]
    assert _enum(ruleset["form"]) == set(FORMS)
    assert _enum(DEFS["source"]["properties"]["evidence"]) == set(EVIDENCE_LEVELS)
    assert _enum(DEFS["rounding"]["properties"]["mode"]) == set(ROUNDING_MODES)
    assert _enum(DEFS["budget"]["properties"]["base"]) == set(tables.BUDGET_BASES)
    assert _enum(SCHEMA["properties"]["not_applicable"]["properties"]["policy"]) == set(
        tables.NOT_APPLICABLE_POLICIES
    )
    assert _enum(DEFS["method"]["properties"]["kind"]) == set(framework.METHOD_KINDS)
    places = DEFS["rounding"]["properties"]["places"]
    assert (places["minimum"], places["maximum"]) == (0, 6)


def test_the_patterns_are_the_loaders() -> None:
    ruleset = DEFS["ruleset"]["properties"]
    assert ruleset["id"]["pattern"] == framework.ID.pattern
    assert ruleset["extends"]["pattern"] == framework.ID.pattern
    assert ruleset["region"]["pattern"] == REGION.pattern
    assert DEFS["name"]["pattern"] == framework.NAME.pattern
    assert DEFS["params"]["propertyNames"]["pattern"] == framework.NAME.pattern
    reserved = set(DEFS["params"]["propertyNames"]["not"]["enum"])
    assert reserved == {*framework.ROW_NAMES, *framework.BUDGET_NAMES}
    for table in ("base", "derived"):
        names = SCHEMA["properties"][table]["propertyNames"]
        assert names["pattern"] == framework.NAME.pattern
        assert set(names["not"]["enum"]) == set(framework.ROW_NAMES)


# --------------------------------------------------------------------------- what passes


def test_there_are_files_to_check() -> None:
    assert SHIPPED and VALID and len(_ruleset_snippets()) >= 2


@pytest.mark.parametrize("file", SHIPPED, ids=[f.relative_to(ROOT).as_posix() for f in SHIPPED])
def test_every_shipped_ruleset_validates(file: Path) -> None:
    assert _errors(_read(file)) == []


@pytest.mark.parametrize("file", VALID, ids=[f.stem for f in VALID])
def test_every_valid_fixture_validates(file: Path) -> None:
    assert _errors(_read(file)) == []


@pytest.mark.parametrize("snippet", _ruleset_snippets())
def test_every_ruleset_example_in_the_docs_validates(snippet: str) -> None:
    assert _errors(tomllib.loads(snippet)) == []


# --------------------------------------------------------------------------- what fails


def test_every_invalid_fixture_is_classified() -> None:
    assert {f.stem for f in INVALID} == STRUCTURAL | LOADER_ONLY | NOT_TOML


@pytest.mark.parametrize("name", sorted(STRUCTURAL))
def test_structural_defects_are_rejected_by_the_schema_too(name: str) -> None:
    errors = _errors(_read(DATA / "invalid" / f"{name}.toml"))
    assert len(errors) == 1, errors


@pytest.mark.parametrize("name", sorted(LOADER_ONLY))
def test_semantic_defects_are_left_to_the_loader(name: str) -> None:
    # Sums, band boundaries, formulas and cross-references are beyond a JSON Schema:
    # the file is well-formed, and only load_ruleset (perfscore check) rejects it.
    assert _errors(_read(DATA / "invalid" / f"{name}.toml")) == []


def _edit(old: str, new: str) -> str:
    text = MINIMAL.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


# Each edit of minimal.toml breaks one rule that both the schema and the loader enforce;
# the loader's code for it is given so that both sides are seen to reject the same thing.
BOTH_REJECT: dict[str, tuple[str, str]] = {
    "bad-id": ("bad-id", _edit('id = "test-minimal"', 'id = "Test Minimal"')),
    "bad-region": ("bad-region", _edit('region = "CN"', 'region = "4306"')),
    "bad-form": ("bad-form", _edit('form = "department"', 'form = "dept"')),
    "bad-year": ("bad-year", _edit("in_force = { from = 2021, to = 2022 }", 'in_force = { from = "2021" }')),
    "no-name": ("missing-key", _edit('name = { zh = "测试规则集", en = "Test ruleset" }\n', "")),
    "no-sources": (
        "missing-key",
        _edit('[[sources]]\nid = "test"\ntitle = "Test fixture"\nevidence = "R"\n', ""),
    ),
    "source-no-title": ("missing-key", _edit('title = "Test fixture"\n', "")),
    "places": ("bad-rounding", _edit("[params]", "[rounding]\nrow = { places = 7 }\n\n[params]")),
    "policy": ("bad-policy", _edit("[params]", '[not_applicable]\npolicy = "drop"\n\n[params]')),
    "param-name": ("bad-param", _edit("k = 0.5", "k = 0.5\nrate = 1")),
    "param-type": ("wrong-type", _edit("k = 0.5", 'k = "0.5"')),
    "budget-base": ("bad-base", _edit("points = 20\n", 'points = 20\nbase = "yearly"\n')),
    "zero-points": ("bad-number", _edit("points = 30", "points = 0")),
    "no-weight": ("missing-key", _edit("weight = 10\n", "")),
    "kind": ("bad-kind", _edit('kind = "tiers"', 'kind = "steps"')),
    "tiers-missing": (
        "missing-key",
        _edit(
            "tiers = [\n  { min = 90, points = 10 },\n  { min = 80, max = 90, points = 8 },\n"
            "  { min = 60, max = 80, points = 4 },\n  { max = 60, points = 0 },\n]\n",
            "",
        ),
    ),
    "formula-and-cases": (
        "conflicting-keys",
        _edit("[methods.reverse]\n", '[methods.reverse]\ncases = [{ score = "W", zh = "满分" }]\n'),
    ),
    "case-no-zh": (
        "missing-key",
        _edit('{ score = "W * A / T", zh = "按比例", en = "pro rata" }', '{ score = "W * A / T" }'),
    ),
    "selection-key": ("unknown-key", _edit('LE = "reverse"', 'LE = "reverse"\nNE = "reverse"')),
    "no-grades": ("missing-key", MINIMAL.read_text(encoding="utf-8").split("[[grades]]")[0]),
    "grade-no-label": ("missing-key", _edit('label = "合格"\n', "")),
    "base-name": ("bad-input", _edit("[params]", '[base]\nW = { zh = "分值" }\n\n[params]')),
    "derived-both": (
        "conflicting-keys",
        _edit("[params]", '[derived]\nx = { formula = "1", count = "数量指标", zh = "x" }\n\n[params]'),
    ),
    "review-ratio": ("bad-number", _edit("[params]", "[review]\nexplain_over_ratio = 0\n\n[params]")),
    "clamp-type": ("wrong-type", _edit("[params]", '[actuals]\nclamp_negative = "yes"\n\n[params]')),
}


@pytest.mark.parametrize("name", sorted(BOTH_REJECT))
def test_the_schema_and_the_loader_reject_the_same_structural_edits(name: str, tmp_path: Path) -> None:
    code, text = BOTH_REJECT[name]
    errors = _errors(tomllib.loads(text))
    assert len(errors) == 1, errors
    file = tmp_path / f"{name}.toml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        load_ruleset(file)
    assert code in {p.code for p in caught.value.problems}


def test_grades_may_be_left_out_when_grading_is_optional(tmp_path: Path) -> None:
    text = BOTH_REJECT["no-grades"][1] + "\n[grading]\noptional = true\n"
    assert _errors(tomllib.loads(text)) == []
    file = tmp_path / "ungraded.toml"
    file.write_text(text, encoding="utf-8")
    assert load_ruleset(file).grades == ()


def test_a_child_may_leave_to_its_parent_what_a_standalone_file_must_state(tmp_path: Path) -> None:
    """A file with `extends` merges over its parent: partial blocks, no grades, no sources."""
    child = """\
schema = 1

[ruleset]
id = "schema-child"
region = "430621"
form = "project"
edition = "2021"
in_force = { from = 2021 }
extends = "cn-project"
name = { zh = "示例县 项目支出" }

[budget]
points = 10

[[blocks]]
key = "output"
name = { en = "Outputs (county)" }

[methods.positive]
name = { en = "Positive, county wording" }
"""
    data = tomllib.loads(child)
    assert _errors(data) == []
    file = tmp_path / "child.toml"
    file.write_text(child, encoding="utf-8")
    ruleset = load_ruleset(file)
    assert ruleset.grades and ruleset.sources
    del data["ruleset"]["extends"]  # the same file standing alone is incomplete
    assert _errors(data)


def _closed_tables(node: Any, where: str = "#") -> set[str]:
    """Paths of every subschema that forbids unknown keys."""
    found: set[str] = set()
    if isinstance(node, dict):
        if node.get("additionalProperties") is False:
            found.add(where)
        for key, value in node.items():
            found |= _closed_tables(value, f"{where}/{key}")
    return found


def _resolve(pointer: str) -> Any:
    node: Any = SCHEMA
    for part in pointer.split("/")[1:]:
        node = node[part]
    return node


def test_every_closed_table_is_compared_with_the_loader() -> None:
    compared = {id(definition) for _, definition, _ in KEY_SETS}
    unchecked = [path for path in _closed_tables(SCHEMA) if id(_resolve(path)) not in compared]
    assert unchecked == []


def _default(definition: dict[str, Any], key: str) -> Any:
    return definition["properties"][key]["default"]


def test_the_defaults_an_editor_shows_are_the_loaders(tmp_path: Path) -> None:
    """A file that leaves out every key with a default loads with the schema's defaults."""
    text = _edit("total = 100\n", "").replace('formula = "W * min(rate, 1)"\n', "", 1)
    file = tmp_path / "defaults.toml"
    file.write_text(text, encoding="utf-8")
    loaded = load_ruleset(file)
    top = SCHEMA["properties"]
    assert loaded.total == _default(DEFS["ruleset"], "total")
    rounding = (_default(DEFS["rounding"], "places"), _default(DEFS["rounding"], "mode"))
    for kept in (loaded.row_rounding, loaded.total_rounding):
        assert (kept.places, kept.mode) == rounding
    assert loaded.not_applicable == _default(top["not_applicable"], "policy")
    assert loaded.clamp_negative_actual == _default(top["actuals"], "clamp_negative")
    assert loaded.grading_optional == _default(top["grading"], "optional")
    assert loaded.budget is not None
    assert loaded.budget.base == _default(DEFS["budget"], "base")
    assert loaded.budget.formula.source == _default(DEFS["budget"], "formula")
    assert loaded.methods["positive"].kind == _default(DEFS["method"], "kind")
    review = DEFS["review"]
    for key in ("rate_tolerance", "score_tolerance"):
        assert getattr(loaded.review, key) == Decimal(str(_default(review, key))), key
    assert loaded.review.explain_below_weight == _default(review, "explain_below_weight")


# --------------------------------------------------------------------------- required keys


def _toml_value(value: Any) -> str:
    """``value`` as an inline TOML value (enough for the fixtures' data)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return "{ " + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"


def _required_paths(
    table: Table, node: dict[str, Any], path: tuple[Any, ...], seen: set[tuple[str, str]]
) -> list[tuple[Any, ...]]:
    """The path of the first occurrence in ``node`` of each key a file without `extends` must give."""
    found = []
    for field in table.fields:
        if field.name not in node:
            continue
        if (field.required or field.required_alone) and (table.name, field.name) not in seen:
            seen.add((table.name, field.name))
            found.append((*path, field.name))
        where, inner = field.nested()
        value = node[field.name]
        if inner is None:
            continue
        entries: list[tuple[Any, Any]]
        if where == "items":
            entries = list(enumerate(value))
        elif where == "additionalProperties":
            entries = list(value.items())
        else:
            entries = [(None, value)]
        for key, entry in entries:
            if isinstance(entry, dict):
                inside = (*path, field.name) if key is None else (*path, field.name, key)
                found += _required_paths(inner, entry, inside, seen)
    return found


def _shown(path: tuple[Any, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(path))


MINIMAL_DATA = _read(MINIMAL)
REQUIRED = _required_paths(tables.FILE, MINIMAL_DATA, (), set())


def test_the_fixture_has_most_required_keys() -> None:
    assert len(REQUIRED) >= 20


@pytest.mark.parametrize("path", REQUIRED, ids=_shown)
def test_the_loader_requires_what_the_declarations_require(path: tuple[Any, ...], tmp_path: Path) -> None:
    """Leaving out a key the schema requires is a problem the loader locates at that key."""
    data = json.loads(json.dumps(MINIMAL_DATA))
    node = data
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    file = tmp_path / "without.toml"
    file.write_text(
        "".join(f"{json.dumps(k)} = {_toml_value(v)}\n" for k, v in data.items()), encoding="utf-8"
    )
    assert _errors(data), "the schema accepts it"
    with pytest.raises(RulesetError) as caught:
        load_ruleset(file)
    where = _shown(path)
    assert any(
        p.path == where or p.path.startswith((f"{where}.", f"{where}[")) for p in caught.value.problems
    )
