"""``review --jobs N``: the same entries in the same order as ``--jobs 1``, every file accounted
for, a file that kills its worker or trips a bug coming back with its own error; and the output
written as it comes."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import perfscore
from conftest import ROOT, YUEYANGLOU
from perfscore.cli import main
from perfscore.reviewing import batch

FORK = pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the worker inherits the patch only when forked"
)


def _folder(tmp: Path) -> Path:
    """Reviewed (one table, several tables), skipped (lock file, other format, hard link), failed."""
    for example in sorted(YUEYANGLOU.glob("*.toml")):
        (tmp / example.name).write_bytes(example.read_bytes())
    forms = tmp / "forms"
    forms.mkdir()
    (forms / "seed003.ods").write_bytes((ROOT / "tests" / "data" / "forms" / "seed003.ods").read_bytes())
    (tmp / "bad.toml").write_text("[evaluation\n", encoding="utf-8")
    (tmp / "~$form.xlsx").write_bytes(b"lock")
    (tmp / "notes.txt").write_text("x", encoding="utf-8")
    os.link(tmp / "project-2023-transfer.toml", tmp / "z-same.toml")
    return tmp


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["review", *args, "--no-progress"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("options", [(), ("--json",), ("--verbose", "--lang", "en")])
def test_jobs_2_prints_what_jobs_1_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: tuple[str, ...]
) -> None:
    folder = str(_folder(tmp_path))
    one = _run(capsys, folder, "--jobs", "1", *options)
    two = _run(capsys, folder, "--jobs", "2", *options)
    assert two == one
    assert one[0] == 1  # bad.toml could not be reviewed


def test_every_file_is_accounted_for_in_input_order_with_jobs_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path)
    code, out, _ = _run(capsys, str(folder), "--jobs", "2", "--json")
    entries = json.loads(out)["results"]
    seen = [(Path(e["file"]).name, e["table"], e["status"], e["skipped"]) for e in entries]
    assert seen == [
        ("bad.toml", None, "failed", ""),
        ("base-data-2023.toml", None, "reviewed", ""),
        ("department-2023.toml", None, "reviewed", ""),
        ("seed003.ods", 1, "reviewed", ""),
        ("seed003.ods", 2, "reviewed", ""),
        ("seed003.ods", 3, "reviewed", ""),
        ("notes.txt", None, "skipped", "unsupported-format"),
        ("project-2023-district-fund.toml", None, "reviewed", ""),
        ("project-2023-transfer.toml", None, "reviewed", ""),
        ("z-same.toml", None, "skipped", "duplicate"),
        ("~$form.xlsx", None, "skipped", "lock-file"),
    ]
    assert code == 1


def test_review_files_with_jobs_gives_the_same_entries(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    one = list(perfscore.review_files(folder))
    two = list(perfscore.review_files(folder, jobs=2))
    assert [(r.path, r.status, r.skipped, r.error) for r in two] == [
        (r.path, r.status, r.skipped, r.error) for r in one
    ]
    assert [r.review.to_dict() for r in two if r.review] == [r.review.to_dict() for r in one if r.review]


def _patched(monkeypatch: pytest.MonkeyPatch, name: str, action: Any) -> None:
    real = perfscore.read_evaluations

    def read(path: Any, **kwargs: Any) -> Any:
        if Path(path).name == name:
            action()
        return real(path, **kwargs)

    monkeypatch.setattr(batch, "read_evaluations", read)


def _entries(tmp_path: Path, count: int) -> list[Path]:
    files = []
    for n in range(count):
        path = tmp_path / f"{n:02d}.toml"
        path.write_bytes((YUEYANGLOU / "project-2023-transfer.toml").read_bytes())
        files.append(path)
    return files


@FORK
def test_a_file_that_kills_its_worker_comes_back_with_its_own_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool dies with every file in flight: those are run again one by one, and only the
    file that kills its process again is reported as such; the batch goes on after it."""
    files = _entries(tmp_path, 20)
    _patched(monkeypatch, "05.toml", lambda: os._exit(3))
    results = list(perfscore.review_files(tmp_path, jobs=2))
    assert [Path(r.path).name for r in results] == [f.name for f in files]
    assert [r.status for r in results] == ["reviewed"] * 5 + ["failed"] + ["reviewed"] * 14
    assert "进程意外终止" in results[5].error and "the process reviewing this file died" in results[5].error


@FORK
def test_an_unexpected_error_in_a_worker_is_that_file_s_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _entries(tmp_path, 6)

    def bug() -> None:
        raise ZeroDivisionError("a bug")

    _patched(monkeypatch, "02.toml", bug)
    code, out, _ = _run(capsys, str(tmp_path), "--jobs", "2", "--fail-on", "never")
    assert "02.toml: 无法复核 / cannot review: 内部错误 / internal error: ZeroDivisionError: a bug" in out
    assert out.splitlines()[-1].startswith("6 file(s): 5 reviewed, 0 skipped, 1 could not be reviewed;")
    assert code == 0


def test_an_unexpected_error_without_workers_is_that_file_s_error_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _entries(tmp_path, 3)

    def bug() -> None:
        raise ZeroDivisionError("a bug")

    _patched(monkeypatch, "02.toml", bug)
    code, out, _ = _run(capsys, str(tmp_path), "--jobs", "1", "--fail-on", "never")
    assert "02.toml: 无法复核 / cannot review: 内部错误 / internal error: ZeroDivisionError: a bug" in out
    assert out.splitlines()[-1].startswith("3 file(s): 2 reviewed, 0 skipped, 1 could not be reviewed;")
    assert code == 0  # --fail-on never: the file that could not be reviewed is said, not failed
    monkeypatch.setenv("PERFSCORE_DEBUG", "1")  # a developer wants the traceback
    with pytest.raises(ZeroDivisionError):
        _run(capsys, str(tmp_path), "--jobs", "1", "--fail-on", "never")


def test_a_warning_said_in_a_worker_is_said_once_by_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "rulesets"
    broken.mkdir()
    (broken / "broken.toml").write_text("[ruleset\n", encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    _entries(folder, 3)
    base = ["--rulesets", str(broken), "review", str(folder), "--no-progress"]
    main([*base, "--jobs", "1"])
    one = capsys.readouterr()
    main([*base, "--jobs", "2"])
    assert capsys.readouterr() == one
    assert one.err.count("broken.toml: ruleset file skipped") == 1


def test_jobs_must_be_a_number_of_processes(capsys: pytest.CaptureFixture[str]) -> None:
    for bad in ("-1", "two"):
        with pytest.raises(SystemExit) as stopped:
            main(["review", "x", "--jobs", bad])
        assert stopped.value.code == 2
        assert "a number of processes, 0 (one per processor) or more" in capsys.readouterr().err


def test_jobs_0_is_one_per_processor() -> None:
    from perfscore.cli.reviewing import jobs_wanted

    assert jobs_wanted(3) == 3
    assert jobs_wanted(0) >= 1
    assert jobs_wanted(0) == len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else True


def test_text_output_is_written_as_it_comes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file's findings are printed before the next file is read; the summary table last."""
    _entries(tmp_path, 3)
    printed: list[str] = []
    real = perfscore.read_evaluations

    def spy(path: Any, **kwargs: Any) -> Any:
        printed.append(capsys.readouterr().out)
        return real(path, **kwargs)

    monkeypatch.setattr(batch, "read_evaluations", spy)
    main(["review", str(tmp_path), "--no-progress"])
    rest = capsys.readouterr().out
    assert printed[0] == ""
    assert printed[1].startswith(f"{tmp_path / '00.toml'}: ") and "01.toml" not in printed[1]
    assert printed[2].startswith(f"{tmp_path / '01.toml'}: ")
    assert rest.startswith(f"{tmp_path / '02.toml'}: ")
    assert rest.splitlines()[-1].startswith("3 file(s): 3 reviewed")
    table = rest[
        rest.index("文件  ") :
    ].splitlines()  # the header in Chinese, in English, 3 tables, the counts in Chinese, in English
    assert table[1].startswith("file  ") and table[0].split() == [
        "文件",
        "错误",
        "警告",
        "计算得分",
        "自评得分",
        "等级",
        "计算/自评",
    ]
    assert len(table) == 7 and all(" 优 / —" in line for line in table[2:5])


def test_the_summary_workbook_is_the_same_with_jobs_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    (tmp_path / "in").mkdir()
    folder = str(_folder(tmp_path / "in"))
    sheets = []
    for jobs in ("1", "2"):
        out = tmp_path / f"summary-{jobs}.xlsx"
        _run(capsys, folder, "--jobs", jobs, "--summary", str(out))
        book = openpyxl.load_workbook(out)
        sheets.append(
            {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book.worksheets}
        )
    assert sheets[0] == sheets[1]
    assert len(sheets[0]["汇总 Summary"]) > 5


def test_workers_that_start_afresh_pickle_reports_too(tmp_path: Path) -> None:
    """Where workers are spawned (Windows, macOS) they import what registered the parent's pickle
    reducers, so full reviews come back, not a pickling error."""
    _entries(tmp_path, 3)
    code = (
        "import multiprocessing, sys\n"
        "multiprocessing.set_start_method('spawn')\n"
        "import perfscore\n"
        f"found = list(perfscore.review_files({str(tmp_path)!r}, jobs=2))\n"
        "print([r.status for r in found], found[0].review.report.total)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "['reviewed', 'reviewed', 'reviewed'] 100", done.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_json_is_one_entry_per_line_between_the_first_and_the_last(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    """Valid JSON as a whole, and JSON Lines inside: each entry can be read as it comes."""
    _, out, _ = _run(capsys, str(_folder(tmp_path)), "--json", "--jobs", jobs)
    lines = out.splitlines()
    assert (lines[0], lines[-1]) == ('{"results": [', "]}")
    entries = [json.loads(line.removesuffix(",")) for line in lines[1:-1]]
    assert entries == json.loads(out)["results"]
    assert len(entries) == 11 and all(line.endswith(",") for line in lines[1:-2])


def test_a_bug_in_a_single_command_is_one_line_and_exit_70(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import perfscore.cli.handlers as handlers

    def bug(*_: object) -> int:
        raise KeyError("found")

    monkeypatch.setattr(handlers, "handler_for", lambda _command: bug)
    assert main(["score", str(tmp_path / "x.toml")]) == 70
    err = capsys.readouterr().err
    assert "内部错误 / internal error: KeyError: 'found'" in err and "Traceback" not in err
