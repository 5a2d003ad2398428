"""Start-up imports only what a command needs: ``import perfscore`` and ``perfscore --help``
import none of the engine, and no command imports an optional reader it does not use. Checked
in a fresh interpreter through ``sys.modules`` (a behaviour, not a timing: the times are
benchmarks/cli.py's)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

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
    assert (
        not {"perfscore.cases", "perfscore.compare", "perfscore.report.export", "perfscore.cli.reviewing"}
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
