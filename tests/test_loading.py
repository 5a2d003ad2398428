"""Loading and validation: every check at load, every problem at once, with its place."""

from __future__ import annotations

import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import perfscore
from conftest import DATA, MINIMAL, YUEYANGLOU
from perfscore.cases import read_case
from perfscore.errors import EditionNotFoundError, RulesetError, RulesetNotFoundError
from perfscore.rules import available_rulesets, find_ruleset, load_ruleset, parent_regions

INVALID = sorted((DATA / "invalid").glob("*.toml"))


def _expectation(file: Path) -> tuple[str, str, str, str]:
    header = file.read_text(encoding="utf-8").splitlines()[0]
    match = re.match(r"# expect: (\S+) (\S+) (\S+) \| (.+)$", header)
    assert match, f"{file.name}: malformed expect header"
    code, position, path, fragment = match.groups()
    return code, position, path, fragment


@pytest.mark.parametrize("file", INVALID, ids=[f.stem for f in INVALID])
def test_each_invalid_ruleset_names_its_defect(file: Path) -> None:
    code, position, path, fragment = _expectation(file)
    with pytest.raises(RulesetError) as caught:
        load_ruleset(file)
    problems = [p for p in caught.value.problems if p.code == code]
    assert problems, f"no {code} among {[str(p) for p in caught.value.problems]}"
    problem = problems[0]
    line, column = (int(n) for n in position.split(":"))
    assert (problem.line, problem.column) == (line, column)
    assert problem.path == ("" if path == "-" else path)
    assert problem.file == str(file.resolve())
    assert fragment in str(problem)
    assert f"[{code}]" in str(caught.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    text = text.replace("total = 100", "totl = 100").replace('evidence = "R"', 'evidence = "X"')
    text = text.replace('score = "W * A / T"', 'score = "W * A / T0"')
    bad = tmp_path / "three.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        load_ruleset(bad)
    codes = sorted(p.code for p in caught.value.problems)
    assert codes == ["bad-evidence", "formula-name", "unknown-key"]


def test_errors_subclass_the_builtins() -> None:
    assert issubclass(RulesetError, ValueError)
    assert issubclass(RulesetNotFoundError, LookupError)
    assert issubclass(EditionNotFoundError, LookupError)
    assert issubclass(RulesetError, perfscore.PerfscoreError)


def test_unknown_ruleset_suggests_near_matches() -> None:
    with pytest.raises(RulesetNotFoundError) as caught:
        load_ruleset("cn-projct")
    assert "cn-project" in caught.value.suggestions
    assert "did you mean 'cn-project'" in str(caught.value)


def test_aliases_find_the_ruleset() -> None:
    assert load_ruleset("全国项目支出绩效自评").id == "cn-project"
    assert load_ruleset("岳阳楼区项目支出").id == "430602-project"


def test_edition_not_in_force_names_the_editions() -> None:
    with pytest.raises(EditionNotFoundError) as caught:
        load_ruleset("430602-project", year=2019)
    assert caught.value.editions == ("2023 (2023–2023)",)
    assert "2019" in str(caught.value)


def test_editions_are_chosen_by_the_year_never_today(tmp_path: Path) -> None:
    old = MINIMAL.read_text(encoding="utf-8")
    new = old.replace('edition = "2021"', 'edition = "2023"').replace(
        "{ from = 2021, to = 2022 }", "{ from = 2023 }"
    )
    new = new.replace("points = 20\n", "points = 10\n").replace("points = 50\n", "points = 60\n")
    (tmp_path / "a.toml").write_text(old, encoding="utf-8")
    (tmp_path / "b.toml").write_text(new, encoding="utf-8")
    assert load_ruleset("test-minimal", year=2022, paths=[tmp_path]).edition == "2021"
    assert load_ruleset("test-minimal", year=2030, paths=[tmp_path]).edition == "2023"
    assert load_ruleset("test-minimal", paths=[tmp_path]).edition == "2023"  # newest, not by date
    with pytest.raises(EditionNotFoundError, match=r"2021 .2021–2022., 2023 .2023–."):
        load_ruleset("test-minimal", year=2020, paths=[tmp_path])


def test_region_falls_back_up_the_hierarchy() -> None:
    assert parent_regions("430621") == ["430621", "430600", "430000", "CN"]
    assert find_ruleset("430602", "project", 2023).id == "430602-project"
    # No 岳阳县 project ruleset ships: the province's answers (岳阳市 has none either).
    assert find_ruleset("430621", "project", 2021).id == "430000-project"
    assert find_ruleset("430621", "department", 2021).id == "430621-department"
    assert find_ruleset("110105", "project", 2021).id == "110000-project"  # 北京 朝阳区: the city's
    assert find_ruleset("330106", "project", 2021).id == "cn-project"  # 杭州 西湖区: only the national one
    # A 专项资金 table with no rules of its region: the national 决策/过程/产出/效益 framework.
    assert find_ruleset("110105", "special_fund", 2021).id == "cn-evaluation"
    with pytest.raises(RulesetNotFoundError):
        find_ruleset("110105", "department", 2021)


def test_extends_merges_and_records_provenance() -> None:
    child = load_ruleset("430602-department")
    assert child.extends == ("430602-project@2023", "430000-project@2020", "cn-project@2020", "cn-base@2013")
    assert child.row_rounding.places == 0  # set by 430602-project
    assert [b.points for b in child.blocks] == [Decimal(50), Decimal(30), Decimal(10)]  # from cn-project
    assert child.where("blocks[0].points") == "rulesets/CN/project.toml: blocks[0].points"
    assert child.where("rounding.row.places") == "rulesets/430602/project-2023.toml: rounding.row.places"
    assert child.where("budget.source") == "rulesets/430602/department-2023.toml: budget.source"
    assert child.file == "rulesets/430602/department-2023.toml"
    ids = [s.id for s in child.sources]
    assert ids[:2] == ["mof-2020-10", "template-notes"] and ids[-2:] == ["yyl-2023-annex4", "yyl-2023-annex3"]


def test_extends_cycle_is_an_error(tmp_path: Path) -> None:
    base = MINIMAL.read_text(encoding="utf-8")
    a = base.replace('id = "test-minimal"', 'id = "cyc-a"\nextends = "cyc-b"')
    b = base.replace('id = "test-minimal"', 'id = "cyc-b"\nextends = "cyc-a"')
    (tmp_path / "a.toml").write_text(a, encoding="utf-8")
    (tmp_path / "b.toml").write_text(b, encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        load_ruleset("cyc-a", paths=[tmp_path])
    assert caught.value.problems[0].code == "extends-cycle"


def test_child_can_remove_and_add_blocks(tmp_path: Path) -> None:
    child = """
[ruleset]
id = "child"
region = "430000"
form = "project"
edition = "2021"
in_force = { from = 2021 }
extends = "cn-project"
name = { zh = "子", en = "child" }

[[sources]]
id = "child-src"
title = "fixture"
evidence = "R"

[[blocks]]
key = "satisfaction"
remove = true

[[blocks]]
key = "output"
points = 60
"""
    (tmp_path / "child.toml").write_text(child, encoding="utf-8")
    ruleset = load_ruleset("child", paths=[tmp_path])
    assert [(b.key, b.points) for b in ruleset.blocks] == [("output", Decimal(60)), ("benefit", Decimal(30))]
    assert ruleset.blocks[0].name.zh == "产出指标"  # merged over the parent's block
    parent = load_ruleset("cn-project")
    assert [b.points for b in parent.blocks] == [Decimal(50), Decimal(30), Decimal(10)]


def test_a_loaded_ruleset_is_immutable() -> None:
    ruleset = load_ruleset("cn-project")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ruleset.total = Decimal(1)  # type: ignore[misc]
    with pytest.raises(TypeError):
        ruleset.methods["x"] = ruleset.methods["positive"]  # type: ignore[index]
    assert isinstance(ruleset.blocks, tuple)


def test_every_shipped_ruleset_loads_and_cites_sources() -> None:
    infos = available_rulesets()
    assert {i.id for i in infos} >= {"cn-project", "430602-project", "430602-department"}
    for info in infos:
        ruleset = load_ruleset(info.file)
        assert ruleset.sources, info.id
        assert all(s.evidence in ("S", "SEED", "SYS", "R") for s in ruleset.sources)
        allotted = sum((b.points for b in ruleset.blocks), Decimal(0))
        outside = ruleset.budget.points if ruleset.budget and not ruleset.budget.block else 0
        assert allotted + outside == ruleset.total


def test_fixed_indicator_methods_score_as_declared() -> None:
    ruleset = load_ruleset(MINIMAL)
    evaluation = perfscore.Evaluation.from_dict(
        {
            "evaluation": {"region": "CN", "form": "department", "year": 2021},
            "budget": {"full_year": 100, "executed": 95},
            "rows": [
                {"block": "投入", "name": "重点支出安排率", "target": "≥90%", "actual": "85%"},
                {"block": "投入", "name": "在职人员控制率", "target": "≤100%", "actual": "103.2%"},
                {
                    "block": "投入",
                    "name": "资金使用合规性",
                    "target": "0",
                    "actual": "2",
                    "inputs": {"events": 2},
                },
                {
                    "block": "产出",
                    "category": "数量指标",
                    "name": "x",
                    "target": "10次",
                    "actual": "8次",
                    "weight": 50,
                },
            ],
        }
    )
    report = perfscore.score(evaluation, ruleset)
    points = {row.name: row.points for row in report.rows}
    assert points["重点支出安排率"] == Decimal("8.00")  # tier [80, 90)
    assert points["在职人员控制率"] == Decimal("8.00")  # 10 − 0.5 × ceil(3.2)
    assert points["资金使用合规性"] == Decimal("8.00")  # 10 − 1 × 2 events
    assert points["x"] == Decimal("40.00")
    assert report.budget is not None and report.budget.points == Decimal("19.00")
    assert report.total == Decimal("83.00") and report.grade == "良好"
    tier_row = next(r for r in report.rows if r.name == "重点支出安排率")
    assert "[80, 90)" in tier_row.reason_zh
    assert tier_row.provenance["weight"].endswith("blocks[0].indicators[0].weight")


def test_missing_fixed_indicator_is_reported_not_zeroed() -> None:
    ruleset = load_ruleset(MINIMAL)
    evaluation = perfscore.Evaluation.from_dict(
        {
            "evaluation": {"region": "CN", "form": "department", "year": 2021},
            "budget": {"full_year": 1, "executed": 1},
        }
    )
    report = perfscore.score(evaluation, ruleset)
    assert not report.complete and report.grade == ""
    assert [f.code for f in report.findings].count("missing-indicator") == 3


def _rewrite(file: Path, text: str) -> None:
    """Write ``text`` and make sure the file's stamp changes even on a coarse-clock filesystem."""
    before = file.stat().st_mtime_ns if file.exists() else 0
    file.write_text(text, encoding="utf-8")
    os.utime(file, ns=(before + 10**9, before + 10**9))


def test_a_ruleset_edited_in_place_is_loaded_again(tmp_path: Path) -> None:
    text = (DATA / "valid" / "minimal.toml").read_text(encoding="utf-8")
    parent = tmp_path / "parent.toml"
    _rewrite(parent, text)
    first = load_ruleset(parent)
    assert load_ruleset(parent) is first  # unchanged: built once

    _rewrite(parent, text.replace('zh = "测试规则集"', 'zh = "改过的规则集"', 1))
    edited = load_ruleset(parent)
    assert edited is not first and edited.name.zh == "改过的规则集"

    # A child is rebuilt when the file it extends changes.
    child = tmp_path / "child.toml"
    _rewrite(
        child,
        f'[ruleset]\nid = "child"\nextends = "{first.id}"\nregion = "CN"\nform = "department"\n'
        'edition = "2"\nin_force = { from = 2021 }\nname = { zh = "子规则集" }\n',
    )
    kid = load_ruleset(child)
    assert kid.name.zh == "子规则集"
    _rewrite(parent, text.replace("[ruleset]", '[ruleset]\naliases = ["renamed"]', 1))
    assert load_ruleset(child) is not kid


@pytest.mark.parametrize("key", ["id", "region", "form"])
def test_a_required_key_left_empty_is_missing(tmp_path: Path, key: str) -> None:
    # Found by the mangled-ruleset fuzz test: `id = ""` used to load as a ruleset with no id.
    text = (DATA / "valid" / "minimal.toml").read_text(encoding="utf-8")
    file = tmp_path / "empty.toml"
    file.write_text(re.sub(rf'(?m)^{key} = "[^"]*"', f'{key} = "  "', text, count=1), encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        load_ruleset(file)
    assert [(p.code, p.path) for p in caught.value.problems] == [("missing-key", f"ruleset.{key}")]


def test_a_broken_sibling_does_not_hide_the_other_rulesets(tmp_path: Path) -> None:
    # Found by audit: `aliases = 5` in one file made the directory scan raise TypeError.
    shutil.copy(MINIMAL, tmp_path / "good.toml")
    (tmp_path / "broken.toml").write_text(
        '[ruleset]\nid = "broken"\naliases = 5\nin_force = { from = "2021" }\nname = 5\n', encoding="utf-8"
    )
    (tmp_path / "orphan.toml").write_text('[ruleset]\nid = "orphan"\nextends = ["x"]\n', encoding="utf-8")
    assert {"broken", "orphan", "test-minimal"} <= {info.id for info in available_rulesets([tmp_path])}
    assert load_ruleset("test-minimal", paths=[tmp_path]).id == "test-minimal"
    for name, wanted in (
        ("broken", {"ruleset.aliases", "ruleset.in_force.from"}),
        ("orphan", {"ruleset.extends"}),
    ):
        with pytest.raises(RulesetError) as caught:
            load_ruleset(name, paths=[tmp_path])
        assert wanted <= {p.path for p in caught.value.problems}


# One value mangled in the minimal ruleset: exactly its one problem, found by audits.
_ONE_BAD_VALUE = [
    # inf and nan are not numbers here (a nan tier bound let decimal.InvalidOperation out)
    ("bad-number", "k = 0.5", "k = nan", "params.k"),
    ("bad-number", "k = 0.5", "k = -inf", "params.k"),
    ("bad-number", "{ min = 90, points = 10 }", "{ min = nan, points = 10 }", "methods.key_spending_tiers.tiers[0].min"),
    ("bad-number", "{ max = 60, points = 0 }", "{ max = inf, points = 0 }", "methods.key_spending_tiers.tiers[3].max"),
    # a score that can only be a condition (score = "A <= T" loaded; its rows were not scorable)
    ("formula-condition", 'score = "W * A / T"', 'score = "A >= T"', "methods.positive.cases[1].score"),
    ("formula-condition", 'formula = "W * min(rate, 1)"', 'formula = "rate >= 1"', "budget.formula"),
    ("formula-condition", 'formula = "W if A <= T else W * T / A"', 'formula = "not A"', "methods.reverse.formula"),
]  # fmt: skip


@pytest.mark.parametrize(("code", "old", "new", "path"), _ONE_BAD_VALUE)
def test_one_bad_value_is_its_one_problem(code: str, old: str, new: str, path: str, tmp_path: Path) -> None:
    file = tmp_path / "x.toml"
    file.write_text(MINIMAL.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        load_ruleset(file)
    assert [(p.code, p.path) for p in caught.value.problems] == [(code, path)]


def test_a_remove_that_removes_nothing_is_an_error(tmp_path: Path) -> None:
    # Found by audit: a misspelt key appended an empty block, and `remove` without a parent passed.
    shutil.copy(MINIMAL, tmp_path / "parent.toml")
    child = tmp_path / "child.toml"
    child.write_text(
        '[ruleset]\nid = "kid"\nextends = "test-minimal"\nregion = "CN"\nform = "department"\n'
        'edition = "2"\nin_force = { from = 2021 }\nname = { zh = "子" }\n\n'
        '[[blocks]]\nkey = "outptu"\nremove = true\n\n'
        '[[blocks]]\nkey = "input"\nremove = "yes"\n\n'
        '[[blocks]]\nkey = "output"\n[[blocks.indicators]]\nkey = "nope"\nremove = true\n',
        encoding="utf-8",
    )
    with pytest.raises(RulesetError) as caught:
        load_ruleset(child, paths=[tmp_path])
    assert [(p.code, p.path, p.line, p.suggestions) for p in caught.value.problems] == [
        ("wrong-type", "blocks[0].remove", 16, ()),
        ("nothing-to-remove", "blocks[1].indicators[0].remove", 22, ()),
        ("nothing-to-remove", "blocks[2].remove", 12, ("output",)),
    ]
    alone = tmp_path / "alone.toml"
    alone.write_text(
        MINIMAL.read_text(encoding="utf-8").replace('key = "output"', 'key = "output"\nremove = true', 1),
        encoding="utf-8",
    )
    with pytest.raises(RulesetError, match=r"needs a parent ruleset \(extends\)"):
        load_ruleset(alone)


def test_a_missing_parent_does_not_hide_the_files_own_problems(tmp_path: Path) -> None:
    # Found by audit: an unknown parent stopped loading before any other key was checked.
    child = tmp_path / "child.toml"
    child.write_text(
        '[ruleset]\nid = "kid"\nextends = "test-minimall"\nregion = "CN"\nform = "department"\n'
        'edition = "2"\nin_force = { from = 2021 }\nname = { zh = "子" }\ncolour = "red"\n\n'
        '[methods.positive]\nformula = "W *"\n',
        encoding="utf-8",
    )
    shutil.copy(MINIMAL, tmp_path / "parent.toml")
    with pytest.raises(RulesetError) as caught:
        load_ruleset(child, paths=[tmp_path])
    problems = [(p.code, p.path, p.line) for p in caught.value.problems]
    assert problems == [
        ("unknown-parent", "ruleset.extends", 3),
        ("unknown-key", "ruleset.colour", 9),
        ("formula-syntax", "methods.positive.formula", 12),
    ]
    assert caught.value.problems[0].suggestions == ("test-minimal",)


def test_a_ruleset_loads_on_the_reference_backend_and_scores_alike() -> None:
    reference = load_ruleset("430602-project", backend="simpleeval")
    formulas = [c.score for m in reference.methods.values() for c in m.cases]
    assert reference.budget is not None and formulas
    assert {f.backend for f in [*formulas, reference.budget.formula]} == {"simpleeval"}
    assert load_ruleset("430602-project") is not reference  # each backend is built and kept apart
    examples = YUEYANGLOU
    for name in ("project-2023-district-fund.toml", "project-2023-transfer.toml"):
        evaluation = perfscore.read_evaluation(examples / name)
        assert perfscore.score(evaluation, reference) == perfscore.score(evaluation)
    with pytest.raises(ValueError, match="unknown backend 'fast'"):
        load_ruleset("cn-project", backend="fast")


# -- the one validating reader, shared by rulesets, evaluations and worked cases ---------------


def test_a_declared_table_reports_unknown_keys_and_reads_its_fields() -> None:
    from perfscore.rules import Reader, Spec

    def number(reader: Reader, table: object, key: str, path: str) -> object:
        return table.get(key) if isinstance(table, dict) else None

    inner = Spec({"a": number})
    outer = Spec({"items": inner.array(), "one": inner.nested()})
    reader = Reader(lambda path: ("f.toml", 3, 1))
    values = outer.read(reader, {"items": [{"a": 1}, {"b": 2}], "one": {"a": 3}, "itemz": 0}, "top")
    assert values == {"items": [{"a": 1}, {"a": None}], "one": {"a": 3}}
    assert [(p.code, p.path, p.suggestions) for p in reader.problems] == [
        ("unknown-key", "top.itemz", ("items",)),
        ("unknown-key", "top.items[1].b", ()),
    ]
    assert (
        str(reader.problems[0]) == "f.toml:3:1: top.itemz: unknown key; did you mean 'items'? [unknown-key]"
    )


def test_a_capped_reader_counts_the_problems_it_does_not_list() -> None:
    from perfscore.rules import Reader

    reader = Reader(lambda path: (None, None, None), limit=2)
    reader.keys({"a": 1, "b": 2, "c": 3}, {"x"}, "")
    assert [p.path for p in reader.problems] == ["a", "b"]
    assert reader.dropped == 1


def test_every_problem_code_a_reader_names_is_in_the_code_table() -> None:
    from perfscore.codes import CODES

    source = Path(perfscore.__file__).parent
    files = [*(source / "rules").rglob("*.py"), source / "evaluations" / "read.py", source / "cases.py"]
    named = set()
    for file in files:
        named |= set(re.findall(r'\bproblem\(\s*"([a-z]+(?:-[a-z]+)+)"', file.read_text(encoding="utf-8")))
    assert named
    assert sorted(named - set(CODES)) == []
    for code in named:
        assert CODES[code].kind == "problem" and CODES[code].zh and CODES[code].en


def test_a_worked_case_whose_expected_numbers_are_not_numbers_is_refused(tmp_path: Path) -> None:
    original = (
        Path(perfscore.__file__).resolve().parents[2] / "rulesets" / "CN" / "cases" / "project-all-met.toml"
    )
    text = original.read_text(encoding="utf-8")
    assert "\nbudget = 10\n" in text
    file = tmp_path / "case.toml"
    file.write_text(text.replace("\nbudget = 10\n", '\nbudget = "ten"\n', 1), encoding="utf-8")
    with pytest.raises(perfscore.EvaluationError) as caught:  # it was read as "no budget expected"
        read_case(file)
    assert [(p.code, p.path) for p in caught.value.problems] == [("not-a-number", "expect.budget")]
