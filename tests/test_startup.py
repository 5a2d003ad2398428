"""Start-up imports only what a command needs: ``import perfscore`` and ``perfscore --help``
import none of the engine, and no command imports an optional reader it does not use. Checked
in a fresh interpreter through ``sys.modules`` (a behaviour, not a timing: the times are
benchmarks/cli.py's)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

import perfscore
from conftest import ROOT

HEAVY = (
    "attr",
    "attrs",
    "openpyxl",
    "pyarrow",
    "pandas",
    "dask",
    "docx",
    "pdfplumber",
    "python_calamine",
    "simpleeval",
    "hypothesis",
    "uvicorn",
    "starlette",
    "decimal",
    "tomllib",
    "json",
)
"""Modules ``import perfscore`` and ``--help`` must not import."""

READERS = (
    "openpyxl",
    "pyarrow",
    "pandas",
    "dask",
    "docx",
    "pdfplumber",
    "python_calamine",
    "hypothesis",
    "uvicorn",
)
"""Optional dependencies ``score FILE.toml`` has no use for."""

UNUSED_BY_SCORE = ("json", "zipfile", "difflib", "simpleeval")
"""What ``score FILE.toml`` has no use for either: JSON (``--json``, JSON files, ``to_json``), the
zip files of workbooks, did-you-mean suggestions and the ``reference`` formula backend."""


def _imported(code: str) -> set[str]:
    """The modules imported by ``code`` in a fresh interpreter of this checkout."""
    probe = f"{code}\nimport sys as _s\n_m = sorted(_s.modules)\nimport json as _j\n_s.stderr.write('\\n' + _j.dumps(_m))"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False, cwd=ROOT
    )
    names: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return set(names)


def _heavy(modules: set[str], listed: tuple[str, ...]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in listed}


def test_import_perfscore_imports_nothing_else() -> None:
    modules = _imported("import perfscore")
    assert {m for m in modules if m.startswith("perfscore")} == {"perfscore"}
    assert not _heavy(modules, HEAVY)


HELP = "from perfscore.cli import main\ntry:\n    main({argv!r})\nexcept SystemExit:\n    pass"


@pytest.mark.parametrize("argv", [["--help"], ["review", "--help"], ["--version"], ["nosuch"]])
def test_help_and_a_bad_command_line_import_only_the_parser(argv: list[str]) -> None:
    modules = _imported(HELP.format(argv=argv))
    ours = {m for m in modules if m.startswith("perfscore")}
    assert ours <= {
        "perfscore",
        "perfscore.cli",
        "perfscore.cli.batch",
        "perfscore.cli.exits",
        "perfscore.cli.parser",
        "perfscore.cli.serve",
        "perfscore.cli.terminal",
    }
    assert not _heavy(modules, HEAVY)


def test_score_imports_no_reader_it_does_not_use_nor_other_commands() -> None:
    example = ROOT / "examples" / "510000" / "project-2021.toml"
    modules = _imported(
        f"import io, contextlib\nfrom perfscore.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()):\n    assert main(['score', {str(example)!r}]) == 0"
    )
    assert "perfscore.scoring" in modules  # it did score
    assert not _heavy(modules, READERS)
    assert not _heavy(modules, UNUSED_BY_SCORE)
    assert (
        not {
            "perfscore.cases",
            "perfscore.compare",
            "perfscore.report.export",
            "perfscore.cli.reviewing",
            "perfscore.reviewing.batch",
            "perfscore.reviewing.sniff",
        }
        & modules
    )


def test_the_public_names_resolve_on_first_use() -> None:
    """``perfscore.X`` and ``from perfscore import X`` give the object of X's module."""
    from perfscore import Report, review_files
    from perfscore.report import Report as home
    from perfscore.reviewing import review_files as there

    assert Report is home and review_files is there
    assert set(perfscore.__all__) <= set(dir(perfscore))
    with pytest.raises(AttributeError, match="no attribute 'nosuch'"):
        perfscore.nosuch  # noqa: B018


def test_rulesets_and_reports_pickle_however_they_were_imported() -> None:
    modules = _imported(
        "import pickle\nfrom perfscore.rules import load_ruleset\nfrom perfscore.scoring import score\n"
        "from perfscore.evaluations import Evaluation\nr = load_ruleset('cn-project')\n"
        "assert pickle.loads(pickle.dumps(r)).id == 'cn-project'\n"
        "report = score(Evaluation(region='CN', form='project', year=2022), r)\n"
        "assert pickle.loads(pickle.dumps(report)) == report"
    )
    assert not any(m.startswith("perfscore.batch") for m in modules)  # nothing of the batch path


# --------------------------------------------------------------------------- the registry's peek

HEADER_CASES = {
    "plain": '[ruleset]\nid = "a"\nedition = "2024"\n[in_force]\nx = 1\n',
    "later subtable": '[ruleset]\nid = "a"\n[blocks]\nx = 1\n[ruleset.in_force]\nfrom = 2021\n',
    "quoted later": '[ruleset]\nid = "a"\n[blocks]\n["ruleset".name]\nzh = "乙"\n',
    "escaped later": '[ruleset]\nid = "a"\n[blocks]\n["\\u0072uleset".in_force]\nfrom = 2020\n',
    "dotted root": 'ruleset.region = "CN"\n[ruleset]\nid = "a"\n[x]\ny = 1\n',
    "inline": 'ruleset = { id = "a", region = "CN" }\n[x]\ny = 1\n',
    "string opened": '[ruleset]\nid = "a"\nnote = """\n[x]\n"""\n[y]\nz = 1\n',
    "array opened": '[ruleset]\nid = "a"\naliases = [\n["b"]\n]\n[y]\nz = 1\n',
    "header in string": 'x = """\n[ruleset]\n"""\n[ruleset]\nid = "a"\n[y]\n',
    "abstract": '[ruleset]\nid = "a"\nabstract = true\n[y]\nz = 1\n',
    "abstract wrong": '[ruleset]\nid = "a"\nabstract = 1\n[y]\nz = 1\n',
    "not a ruleset": '[case]\nid = "a"\n[y]\n',
    "broken header": '[ruleset]\nid = "a\n[y]\nz = 1\n',
    "crlf": '[ruleset]  # the header\r\nid = "a"\r\nregion = "CN"\r\n[y]\r\nz = 1\r\n',
}


@pytest.mark.parametrize("name", sorted(HEADER_CASES))
def test_the_registry_reads_a_header_as_the_whole_file_would(tmp_path: Path, name: str) -> None:
    """The registry parses a shipped file only up to the end of its ``[ruleset]`` table, and
    says of it exactly what a parse of the whole file says (for a file valid as a whole)."""
    from perfscore.rules import registry as r

    (tmp_path / "file.toml").write_bytes(
        HEADER_CASES[name].encode("utf-8")
    )  # as written: \r\n kept (3.9: no newline=)
    r.clear_registry_caches()
    with mock.patch.object(r, "bundled_dirs", return_value=(tmp_path,)):
        fast = r.registry((tmp_path,))
    key = r._identity(tmp_path / "file.toml")
    header = r._header_cached(*key)
    r.clear_registry_caches()
    slow = r.registry((tmp_path,))  # not shipped: parsed whole
    whole = r._read_cached(*key) if slow and not slow[0].error else None
    r.clear_registry_caches()
    assert fast == slow
    if whole is not None and header is not None:  # the short read was used
        assert whole.data["ruleset"] == header.data["ruleset"]


def test_the_shipped_rulesets_are_read_by_their_headers() -> None:
    from perfscore.rules import registry as r

    infos = r.readable(r.registry(r.bundled_dirs()))
    assert len(infos) > 20
    assert all(r._header_cached(*r._identity(Path(info.file))) is not None for info in infos)


BROKEN_PAST_HEADER = '[ruleset]\nid = "vendor-x"\nregion = "CN"\n[budget]\nx = \n'


def test_a_file_broken_past_its_header_in_a_folder_given_is_listed_as_broken(tmp_path: Path) -> None:
    """A folder the caller names is parsed whole: a file broken anywhere never hides a ruleset."""
    from perfscore.rules import available_rulesets

    file = tmp_path / "vendor.toml"
    file.write_text(BROKEN_PAST_HEADER, encoding="utf-8")
    listed = [(info.id, info.error) for info in available_rulesets([tmp_path]) if info.file == str(file)]
    assert len(listed) == 1 and listed[0][0] == "" and "invalid TOML" in listed[0][1]


def test_a_shipped_file_broken_past_its_header_is_refused_when_loaded(tmp_path: Path) -> None:
    """A shipped file is listed from its header: an error past the ``[ruleset]`` table is
    reported, located, when the file is loaded (by its id, as by its path)."""
    from perfscore.errors import RulesetError
    from perfscore.rules import available_rulesets, load_ruleset
    from perfscore.rules import registry as r

    file = tmp_path / "vendor.toml"
    file.write_text(BROKEN_PAST_HEADER, encoding="utf-8")
    r.clear_registry_caches()
    try:
        with mock.patch.object(r, "bundled_dirs", return_value=(tmp_path,)):
            assert [info.id for info in available_rulesets()] == ["vendor-x"]
            for name in ("vendor-x", file):
                with pytest.raises(RulesetError, match="invalid TOML") as caught:
                    load_ruleset(name)
                assert caught.value.problems[0].line == 5
    finally:
        r.clear_registry_caches()
