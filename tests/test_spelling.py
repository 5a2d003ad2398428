"""The ruleset spelling (rules/spelling.py): each older spelling loads to the same ruleset as the
new one, each conflict between two spellings is an error located where it was written, and an
abstract base is extended, never listed or scored with."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from conftest import MINIMAL_TEXT as MINIMAL
from conftest import ROOT
from perfscore.errors import RulesetError
from perfscore.rules import SELECTION_KEYS, Ruleset, available_rulesets, find_ruleset, load_ruleset
from perfscore.rules.spelling import SpelledDocument, normalise
from perfscore.rules.toml import parse_toml

YINCHUAN = ROOT / "rulesets" / "640100" / "project-2021.toml"
NATIONAL = ROOT / "rulesets" / "CN" / "project.toml"

OLD_BLOCK_SELECTION = (
    'selection = { GE = "qualitative", GT = "qualitative", implicit = "qualitative", '
    'LE = "qualitative", LT = "qualitative", EQ = "qualitative", budget_ref = "qualitative", '
    'qualitative = "qualitative", blank = "qualitative" }'
)
NEW_BLOCK_METHOD = 'method = "qualitative"  # every row of the block, whatever its target'


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / name
    file.write_text(text, encoding="utf-8")
    return file


def _assert_same(new: Ruleset, old: Ruleset) -> None:
    """The same ruleset, read from two files: every field but the file names."""
    for field in attrs.fields(Ruleset):
        if field.name not in ("file", "provenance"):
            assert getattr(new, field.name) == getattr(old, field.name), field.name
    assert set(new.provenance) == set(old.provenance)


def _problem(exc: pytest.ExceptionInfo[RulesetError], code: str) -> tuple[str, int, int]:
    (problem,) = [p for p in exc.value.problems if p.code == code]
    assert problem.line is not None and problem.column is not None
    return problem.path, problem.line, problem.column


def _line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


# --------------------------------------------------------------------------- older spellings load


def test_a_block_selection_naming_one_method_is_a_block_method(tmp_path: Path) -> None:
    new_text = YINCHUAN.read_text(encoding="utf-8")
    assert new_text.count(NEW_BLOCK_METHOD) == 2
    old = _write(tmp_path / "old", "r.toml", new_text.replace(NEW_BLOCK_METHOD, OLD_BLOCK_SELECTION))
    new = _write(tmp_path / "new", "r.toml", new_text)
    _assert_same(load_ruleset(new), load_ruleset(old))
    decision = load_ruleset(new).blocks[0]
    # 银川's file writes no [selection] of its own (cn-base's is inherited): the block's method
    # covers every kind of target.
    assert dict(decision.selection) == dict.fromkeys(SELECTION_KEYS, "qualitative")


def test_a_block_method_covers_every_kind_the_ruleset_gives_elsewhere(tmp_path: Path) -> None:
    text = MINIMAL.replace("points = 50\n", 'points = 50\nmethod = "reverse"\n')
    ruleset = load_ruleset(_write(tmp_path, "r.toml", text))
    assert set(ruleset.blocks[1].selection) == {
        "GE",
        "GT",
        "EQ",
        "LT",
        "implicit",
        "budget_ref",
        "qualitative",
        "blank",
    }
    assert set(ruleset.blocks[1].selection.values()) == {"reverse"}


def test_budget_params_are_ruleset_params(tmp_path: Path) -> None:
    new_text = NATIONAL.read_text(encoding="utf-8")
    assert "cap_rate = 1  #" in new_text
    old_text = new_text.replace("cap_rate = 1  #", "# cap_rate = 1  #").replace(
        'formula = "W * min(rate, cap_rate)"\n',
        'formula = "W * min(rate, cap_rate)"\nparams = { cap_rate = 1 }\n',
    )
    old = _write(tmp_path / "old", "r.toml", old_text)
    new = _write(tmp_path / "new", "r.toml", new_text)
    _assert_same(load_ruleset(new), load_ruleset(old))


def test_method_params_are_ruleset_params(tmp_path: Path) -> None:
    step = "[methods.step_over]\n"
    old = _write(
        tmp_path / "old",
        "r.toml",
        MINIMAL.replace("[params]\nk = 0.5\n", "").replace(step, step + "params = { k = 0.5 }\n"),
    )
    new = _write(tmp_path / "new", "r.toml", MINIMAL)
    _assert_same(load_ruleset(new), load_ruleset(old))


def test_the_same_value_given_twice_loads(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        'formula = "W * min(rate, 1)"', 'formula = "W * min(rate, 1)"\nparams = { k = 0.50 }'
    )
    _assert_same(
        load_ruleset(_write(tmp_path / "a", "r.toml", text)),
        load_ruleset(_write(tmp_path / "b", "r.toml", MINIMAL)),
    )


def test_normalising_is_pure_and_leaves_a_clean_file_alone() -> None:
    clean = parse_toml(MINIMAL, "minimal.toml")
    assert normalise(clean) is clean
    old = parse_toml(MINIMAL.replace("points = 50\n", 'points = 50\nmethod = "reverse"\n'), "m.toml")
    before = repr(old.data)
    spelled = normalise(old)
    assert repr(old.data) == before
    assert isinstance(spelled, SpelledDocument)
    assert "method" not in spelled.data["blocks"][1]
    assert spelled.written_path("blocks[1].selection.GE") == "blocks[1].method.GE"
    assert spelled.position("blocks[1].selection.GE") == old.position("blocks[1].method")


# --------------------------------------------------------------------------- conflicts are located


def test_a_block_with_both_method_and_selection_is_an_error(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "points = 50\n", 'points = 50\nmethod = "reverse"\nselection = { GE = "positive" }\n'
    )
    with pytest.raises(RulesetError) as caught:
        load_ruleset(_write(tmp_path, "r.toml", text))
    path, line, column = _problem(caught, "conflicting-keys")
    assert (path, line, column) == ("blocks[1].method", _line_of(text, 'method = "reverse"'), 1)
    assert 'write either method = "reverse"' in caught.value.problems[0].message
    assert str(caught.value.problems[0]).startswith(f"{tmp_path / 'r.toml'}:{line}:1: blocks[1].method: ")


def test_a_param_given_two_values_is_an_error_saying_what_to_write(tmp_path: Path) -> None:
    text = MINIMAL.replace('formula = "W * min(rate, 1)"', 'formula = "W * min(rate, k)"\nparams = { k = 1 }')
    with pytest.raises(RulesetError) as caught:
        load_ruleset(_write(tmp_path, "r.toml", text))
    path, line, _ = _problem(caught, "conflicting-keys")
    assert (path, line) == ("budget.params.k", _line_of(text, "params = { k = 1 }"))
    message = caught.value.problems[0].message
    assert "params.k" in message and "[params]" in message and "k_budget" in message


def test_two_methods_giving_one_param_two_values_is_an_error(tmp_path: Path) -> None:
    text = (
        MINIMAL.replace("[params]\nk = 0.5\n", "")
        .replace("[methods.step_over]\n", "[methods.step_over]\nparams = { k = 0.5 }\n")
        .replace("[methods.per_event]\n", "[methods.per_event]\nparams = { k = 2 }\n")
    )
    with pytest.raises(RulesetError) as caught:
        load_ruleset(_write(tmp_path, "r.toml", text))
    path, line, _ = _problem(caught, "conflicting-keys")
    assert (path, line) == ("methods.per_event.params.k", _line_of(text, "params = { k = 2 }"))
    assert "methods.step_over.params.k" in caught.value.problems[0].message


def test_a_problem_in_a_moved_value_points_where_it_was_written(tmp_path: Path) -> None:
    text = MINIMAL.replace("points = 50\n", 'points = 50\nmethod = "revrse"\n')
    with pytest.raises(RulesetError) as caught:
        load_ruleset(_write(tmp_path, "r.toml", text))
    lines = {(p.line, p.column) for p in caught.value.problems if p.code == "unknown-method"}
    assert lines == {(_line_of(text, 'method = "revrse"'), 1)}
    assert all("reverse" in p.suggestions for p in caught.value.problems)


def test_a_conflicting_file_is_listed_with_its_error(tmp_path: Path) -> None:
    text = MINIMAL.replace("points = 50\n", "points = 50\nmethod = 1\n")
    _write(tmp_path, "r.toml", text)
    (info,) = [i for i in available_rulesets([tmp_path]) if i.file.startswith(str(tmp_path))]
    assert info.error and "must be a method name" in info.error


# --------------------------------------------------------------------------- abstract bases

BASE = MINIMAL.replace('id = "test-minimal"', 'id = "test-base"\nabstract = true')
CHILD = """schema = 1

[ruleset]
id = "test-child"
region = "CN"
form = "department"
edition = "2021"
in_force = { from = 2021 }
extends = "test-base"
name = { zh = "子规则集", en = "Child" }
"""


def test_an_abstract_base_is_extended_not_listed(tmp_path: Path) -> None:
    _write(tmp_path, "base.toml", BASE)
    _write(tmp_path, "child.toml", CHILD)
    assert {i.id for i in available_rulesets([tmp_path])} >= {"test-child"}
    assert "test-base" not in {i.id for i in available_rulesets([tmp_path])}
    child = load_ruleset("test-child", paths=[tmp_path])
    assert child.extends and child.blocks and child.grades
    assert find_ruleset("CN", "department", 2021, paths=[tmp_path]).id == "test-child"


@pytest.mark.parametrize("by", ["id", "path"])
def test_an_abstract_base_cannot_score(tmp_path: Path, by: str) -> None:
    base = _write(tmp_path, "base.toml", BASE)
    with pytest.raises(RulesetError) as caught:
        load_ruleset("test-base" if by == "id" else base, paths=[tmp_path])
    path, line, _ = _problem(caught, "abstract-ruleset")
    assert (path, line) == ("ruleset.abstract", _line_of(BASE, "abstract = true"))
    assert "load a ruleset that extends it" in str(caught.value)


def test_abstract_is_not_inherited_and_must_be_a_boolean(tmp_path: Path) -> None:
    _write(tmp_path / "a", "base.toml", BASE)
    _write(tmp_path / "a", "child.toml", CHILD)
    assert load_ruleset("test-child", paths=[tmp_path / "a"]).id == "test-child"
    text = BASE.replace("abstract = true", 'abstract = "yes"')
    with pytest.raises(RulesetError) as caught:
        load_ruleset(_write(tmp_path / "b", "base.toml", text))
    assert _problem(caught, "wrong-type")[:2] == ("ruleset.abstract", _line_of(text, "abstract ="))
