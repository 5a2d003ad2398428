"""Hostile ruleset folders, evaluation files, folder reviews and command lines (issue 11,
classes 5, 6, 8 and the CLI). Every payload runs under tests/bounds.py's time and memory bound.

The point of each test: one bad file is that file's own problem. It never takes the shipped
rulesets or the rest of a batch down with it, and it is never silently ignored.
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import perfscore
from bounds import assert_clean, expect_error, run_bounded
from conftest import NATIONAL, NATIONAL_CASES
from perfscore import cli
from perfscore.rules import (
    MAX_EXTENDS_DEPTH,
    MAX_PROBLEMS,
    MAX_RULESET_BYTES,
    RulesetWarning,
    available_rulesets,
    load_ruleset,
)

MET = NATIONAL_CASES / "project-all-met.toml"
MISSED = NATIONAL_CASES / "project-missed-and-na.toml"


# --------------------------------------------------------------------------- the payloads


def _big_int(d: Path, name: str) -> Path:
    path = d / name
    path.write_text('[ruleset]\nid = "big-int"\nweight = ' + "7" * 5000 + "\n", encoding="utf-8")
    return path


def _deep(d: Path, name: str) -> Path:
    path = d / name
    path.write_text("[ruleset]\nid = 'deep'\nx = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    return path


def _bad_utf8(d: Path, name: str) -> Path:
    path = d / name
    path.write_bytes(b'[ruleset]\nid = "\xff\xfe\xc3"\n')
    return path


def _directory(d: Path, name: str) -> Path:
    path = d / name
    path.mkdir()
    return path


def _fifo(d: Path, name: str) -> Path:
    path = d / name
    os.mkfifo(path)
    return path


def _dangling(d: Path, name: str) -> Path:
    path = d / name
    path.symlink_to(d / "nowhere-at-all")
    return path


def _unreadable(d: Path, name: str) -> Path:
    path = d / name
    path.write_text("[ruleset\n", encoding="utf-8")  # also broken, for when we run as root
    path.chmod(0)
    return path


def _dev_zero(d: Path, name: str) -> Path:
    path = d / name
    path.symlink_to("/dev/zero")
    return path


def _huge(d: Path, name: str) -> Path:
    path = d / name
    with open(path, "wb") as f:
        f.truncate(1 << 30)  # 1 GiB, sparse: costs no disk, but reading it costs a gibibyte
    return path


PAYLOADS: dict[str, Callable[[Path, str], Path]] = {
    "5000-digit-int": _big_int,
    "3000-deep": _deep,
    "invalid-utf8": _bad_utf8,
    "directory": _directory,
    "fifo": _fifo,
    "dangling-symlink": _dangling,
    "unreadable": _unreadable,
    "dev-zero-link": _dev_zero,
    "1-gib": _huge,
}


@pytest.fixture(params=sorted(PAYLOADS))
def bad_folder(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Path]:
    """A vendor rulesets folder holding one hostile ``vendor.toml``."""
    folder = tmp_path / "vendor"
    folder.mkdir()
    return folder, PAYLOADS[request.param](folder, "vendor.toml")


# --------------------------------------------------------------------------- rulesets folders


def _load_id(name: str, paths: Sequence[Path]) -> tuple[str, str, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ruleset = load_ruleset(name, paths=paths)
    return ruleset.id, ruleset.file, [str(w.message) for w in caught if w.category is RulesetWarning]


def test_a_bad_file_in_a_folder_never_hides_the_shipped_rulesets(bad_folder: tuple[Path, Path]) -> None:
    folder, bad = bad_folder
    outcome = run_bounded(_load_id, "cn-project", [folder])
    assert outcome.kind == "ok", outcome
    rid, file, warned = outcome.value
    assert (rid, file) == ("cn-project", "rulesets/CN/project.toml")
    # ... and it does not pass unnoticed: the lookup could have meant it.
    assert any(str(bad) in message for message in warned), warned


def _listing(paths: Sequence[Path]) -> list[tuple[str, str, str]]:
    return [(info.id, info.file, info.error) for info in available_rulesets(paths)]


def test_available_rulesets_lists_a_bad_file_with_its_error(bad_folder: tuple[Path, Path]) -> None:
    folder, bad = bad_folder
    outcome = run_bounded(_listing, [folder])
    assert outcome.kind == "ok", outcome
    errors = {file: error for rid, file, error in outcome.value if error}
    assert list(errors) == [str(bad)], outcome.value
    assert "cn-project" in {rid for rid, _, error in outcome.value if not error}


def test_a_failed_lookup_names_the_files_that_could_not_be_read(bad_folder: tuple[Path, Path]) -> None:
    folder, bad = bad_folder
    message = expect_error(run_bounded(load_ruleset, "vendor-only", paths=[folder]), "could not be read")
    assert str(bad) in message


def test_loading_a_bad_file_by_path_is_a_ruleset_error(bad_folder: tuple[Path, Path]) -> None:
    _, bad = bad_folder
    outcome = run_bounded(load_ruleset, bad)
    assert_clean(outcome, "load by path")
    assert outcome.kind == "raised"


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "padded.toml"
    path.write_text(NATIONAL.read_text(encoding="utf-8") + "#" * MAX_RULESET_BYTES, encoding="utf-8")
    expect_error(run_bounded(load_ruleset, path), "too large")


def _chain(folder: Path, length: int) -> Path:
    text = NATIONAL.read_text(encoding="utf-8")
    base = text.replace('id = "cn-project"', 'id = "link-0"').replace(
        'aliases = ["national-project", "全国项目支出绩效自评"]', ""
    )
    (folder / "link-0.toml").write_text(base, encoding="utf-8")
    for n in range(1, length):
        (folder / f"link-{n}.toml").write_text(
            f'[ruleset]\nid = "link-{n}"\nextends = "link-{n - 1}"\nregion = "CN"\nform = "project"\n'
            f'edition = "2020"\nin_force = {{ from = 2020 }}\nname = {{ zh = "链{n}" }}\n',
            encoding="utf-8",
        )
    return folder / f"link-{length - 1}.toml"


def test_an_extends_chain_is_capped(tmp_path: Path) -> None:
    last = _chain(tmp_path, 1500)  # recursion would blow Python's stack long before this
    message = expect_error(run_bounded(load_ruleset, last, paths=[tmp_path], seconds=30), "extends-too-deep")
    assert str(MAX_EXTENDS_DEPTH) in message


def test_an_extends_chain_within_the_cap_loads(tmp_path: Path) -> None:
    last = _chain(tmp_path, MAX_EXTENDS_DEPTH)
    outcome = run_bounded(lambda: load_ruleset(last, paths=[tmp_path]).extends)
    assert outcome.kind == "ok", outcome
    # link-15's ancestors: link-14 … link-0 (a copy of cn-project) and cn-base, which it extends
    assert len(outcome.value) == MAX_EXTENDS_DEPTH


def test_an_extends_cycle_is_reported_with_its_chain(tmp_path: Path) -> None:
    for me, parent in (("a", "b"), ("b", "c"), ("c", "a")):
        (tmp_path / f"{me}.toml").write_text(
            f'[ruleset]\nid = "{me}"\nextends = "{parent}"\nedition = "1"\n', encoding="utf-8"
        )
    message = expect_error(run_bounded(load_ruleset, tmp_path / "a.toml", paths=[tmp_path]), "extends-cycle")
    assert "a.toml → b.toml → c.toml → a.toml" in message


# --------------------------------------------------------------------------- aliases (class 8)


def _impostor(folder: Path, rid: str, aliases: str) -> Path:
    """A complete vendor ruleset, newer than the national one, that scores every row full."""
    text = NATIONAL.read_text(encoding="utf-8")
    text = text.replace('id = "cn-project"', f'id = "{rid}"')
    text = text.replace('aliases = ["national-project", "全国项目支出绩效自评"]', f"aliases = {aliases}")
    text = text.replace("in_force = { from = 2020 }", "in_force = { from = 2021 }")
    path = folder / f"{rid}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_alias_never_takes_a_shipped_id(tmp_path: Path) -> None:
    _impostor(tmp_path, "vendor-x", '["cn-project"]')
    outcome = run_bounded(_load_id, "cn-project", [tmp_path])
    assert outcome.kind == "ok", outcome
    assert outcome.value[:2] == ("cn-project", "rulesets/CN/project.toml")
    message = expect_error(run_bounded(load_ruleset, "vendor-x", paths=[tmp_path]), "alias-collision")
    assert "ruleset.aliases[0]" in message and "cn-project" in message


def test_an_alias_claimed_twice_is_a_load_error(tmp_path: Path) -> None:
    _impostor(tmp_path, "vendor-x", '["national-project"]')
    message = expect_error(run_bounded(load_ruleset, "vendor-x", paths=[tmp_path]), "alias-collision")
    assert "also claimed" in message


def _generated(params: int, methods: int, unknown: bool) -> str:
    lines = [
        'schema = 1\n[ruleset]\nid = "gen"\nregion = "CN"\nform = "project"\nedition = "1"',
        'in_force = { from = 2020 }\nname = { zh = "生成" }\n[[sources]]\nid = "s"\ntitle = "t"\nevidence = "R"',
        '[[grades]]\nlabel = "优"\nmin = 0\n[params]',
        *(f"p{i} = {i}" for i in range(params)),
        *(f'[methods.m{m}]\nformula = "W * {"q" if unknown else "p"}{m}"' for m in range(methods)),
        '[[blocks]]\nkey = "b"\nname = { zh = "b" }\npoints = 100',
        '[[blocks.indicators]]\nkey = "i"\nname = { zh = "i" }\nweight = 100\nmethod = "m0"',
    ]
    return "\n".join(lines) + "\n"


def test_thousands_of_unknown_names_are_capped_and_fast(tmp_path: Path) -> None:
    path = tmp_path / "gen.toml"
    path.write_text(_generated(5000, 5000, unknown=True), encoding="utf-8")
    message = expect_error(run_bounded(load_ruleset, path, seconds=15), "more problem(s)")
    listed = message.split("Traceback")[0]
    assert listed.count("[formula-name]") <= MAX_PROBLEMS


def test_loading_grows_with_params_plus_methods_not_their_product(tmp_path: Path) -> None:
    path = tmp_path / "gen.toml"
    path.write_text(_generated(10_000, 1000, unknown=False), encoding="utf-8")
    outcome = run_bounded(lambda: len(load_ruleset(path).methods), seconds=6)
    assert outcome.kind == "ok" and outcome.value == 1000, outcome


# --------------------------------------------------------------------------- evaluation files (class 6)


def _evaluation_naming(tmp_path: Path, ruleset: str) -> Path:
    text = MISSED.read_text(encoding="utf-8")
    text = text.replace("[evaluation]\n", f"[evaluation]\nruleset = {ruleset!r}\n", 1)
    path = tmp_path / "unit.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "name", ["evil/rules.toml", "rules.toml", "..\\rules", "/etc/passwd", "rules.JSON", "C:rules", ".hidden"]
)
def test_an_evaluation_cannot_choose_its_rules_by_file(tmp_path: Path, name: str) -> None:
    evil = tmp_path / "evil"
    evil.mkdir()
    _impostor(evil, "cn-project", "[]")
    (evil / "rules.toml").write_bytes((evil / "cn-project.toml").read_bytes())
    (tmp_path / "rules.toml").write_bytes((evil / "cn-project.toml").read_bytes())
    unit = _evaluation_naming(tmp_path, name)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        message = expect_error(run_bounded(perfscore.score_file, unit), "evaluation.ruleset")
    finally:
        os.chdir(cwd)
    assert "ruleset-not-an-id" in message


def test_an_evaluation_may_name_a_ruleset_by_id_or_alias(tmp_path: Path) -> None:
    for name in ("cn-project", "national-project", "全国项目支出绩效自评"):
        unit = _evaluation_naming(tmp_path, name)
        outcome = run_bounded(lambda path: perfscore.score_file(path).total, unit)
        assert outcome.kind == "ok", (name, outcome)


def test_the_caller_may_still_load_a_file(tmp_path: Path) -> None:
    outcome = run_bounded(lambda: perfscore.score_file(MISSED, NATIONAL).total)
    assert outcome.kind == "ok", outcome


# --------------------------------------------------------------------------- folder review


def _review_all(files: Any) -> list[tuple[str, bool, str]]:
    return [(Path(r.path).name, r.review is not None, r.error) for r in perfscore.review_files(files)]


def _hostile_batch(tmp_path: Path) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a-good.toml").write_bytes(MET.read_bytes())
    for name, make in PAYLOADS.items():
        make(folder, f"{name}.toml")
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (folder / "big.json").write_text('{"evaluation": {"year": ' + "9" * 5000 + "}}", encoding="utf-8")
    (folder / "z-good.toml").write_bytes(MET.read_bytes())
    return folder


def test_a_folder_review_loses_no_file(tmp_path: Path) -> None:
    folder = _hostile_batch(tmp_path)
    outcome = run_bounded(_review_all, str(folder), seconds=30)
    assert outcome.kind == "ok", outcome
    got = {name: (reviewed, error) for name, reviewed, error in outcome.value}
    expected = {"a-good.toml", "z-good.toml", "deep.json", "big.json", *(f"{n}.toml" for n in PAYLOADS)}
    assert set(got) == expected
    assert got["a-good.toml"][0] and got["z-good.toml"][0]
    for name in expected - {"a-good.toml", "z-good.toml"}:
        reviewed, error = got[name]
        assert not reviewed and error, (name, got[name])


def test_review_files_takes_one_path_or_a_list(tmp_path: Path) -> None:
    good = tmp_path / "one.toml"
    good.write_bytes(MET.read_bytes())
    for given in (str(tmp_path), tmp_path, str(good), good, [good, str(good)]):
        outcome = run_bounded(_review_all, given)
        assert outcome.kind == "ok", outcome
        # the same file named twice is read once; the second naming comes back skipped
        assert outcome.value[0] == ("one.toml", True, ""), given
        assert outcome.value[1:] == ([("one.toml", False, "")] if isinstance(given, list) else []), given


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_read_evaluations_refuses_a_hostile_file(tmp_path: Path, name: str) -> None:
    path = PAYLOADS[name](tmp_path, "unit.toml")
    assert_clean(run_bounded(perfscore.read_evaluations, path), name)


# --------------------------------------------------------------------------- the command line


def _cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # argparse's own usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def _run_cli(argv: list[str], seconds: float = 20) -> tuple[int, str, str]:
    outcome = run_bounded(_cli, argv, seconds=seconds)
    assert outcome.kind == "ok", f"{argv}: {outcome}"
    code, out, err = outcome.value
    assert "Traceback" not in out + err, (argv, err)
    return code, out, err


def test_the_cli_survives_a_hostile_rulesets_folder(bad_folder: tuple[Path, Path]) -> None:
    folder, bad = bad_folder
    for argv in (
        ["--rulesets", str(folder), "rulesets"],
        ["--rulesets", str(folder), "show", "cn-project"],
        ["--rulesets", str(folder), "score", str(MET)],
        ["--rulesets", str(folder), "review", str(MET)],
        ["--rulesets", str(folder), "validate", str(bad)],
        ["--rulesets", str(folder), "show", "vendor-only"],
    ):
        code, out, err = _run_cli(argv)
        assert str(bad) in out + err, (argv, out, err)  # seen, one way or another
        assert code in (0, 1, 3, 5), (argv, code, err)
    code, _, err = _run_cli(["--rulesets", str(folder), "test", "cn-project"])
    assert code == 0, err


def test_the_cli_reviews_a_hostile_folder_to_the_end(tmp_path: Path) -> None:
    folder = _hostile_batch(tmp_path)
    code, out, _ = _run_cli(["review", str(folder)], seconds=40)
    assert code == 1
    assert out.count("cannot review") >= len(PAYLOADS) + 2
    assert "13 file(s)" in out


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_the_cli_scores_and_exports_a_hostile_file_without_a_traceback(tmp_path: Path, name: str) -> None:
    path = PAYLOADS[name](tmp_path, "unit.toml")
    for argv in (
        ["score", str(path)],
        ["export", str(path), "--to", "md"],
        ["validate", str(path)],
        ["show", str(path)],
        ["diff", str(path), "cn-project"],
    ):
        code, _, err = _run_cli(argv)
        assert code in (3, 4, 5), (argv, code, err)
        assert err.startswith("perfscore:") or code in (3, 5), (argv, err)


def test_the_cli_refuses_a_ruleset_path_inside_an_evaluation(tmp_path: Path) -> None:
    unit = _evaluation_naming(tmp_path, "evil/rules.toml")
    code, _, err = _run_cli(["score", str(unit)])
    assert code == 4 and "ruleset-not-an-id" in err


@pytest.mark.parametrize("key", ["[1, 'a']", "{ zh = 1 }", "[]"])
def test_a_child_entry_keyed_by_an_array_or_a_table_is_a_located_problem(tmp_path: Path, key: str) -> None:
    # Found by a mutation run: the merge used the key as a dict key, and a TypeError escaped.
    child = tmp_path / "child.toml"
    child.write_text(
        '[ruleset]\nid = "x-child"\nregion = "CN"\nform = "project"\nedition = "2024"\n'
        'in_force = { from = 2024 }\nname = { zh = "子" }\nextends = "cn-project"\n\n'
        f"[[blocks]]\nkey = {key}\npoints = 5\n",
        encoding="utf-8",
    )
    with pytest.raises(perfscore.RulesetError) as caught:
        load_ruleset(child)
    found = [(p.code, p.path, p.line) for p in caught.value.problems if p.path.endswith(".key")]
    assert found and found[0][0] == "wrong-type" and found[0][2] == 11
