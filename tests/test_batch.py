"""Folder review: every file accounted for (reviewed, skipped with its reason, or failed), none
read twice, results streamed; and export of a document with several tables."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import perfscore
from conftest import YUEYANGLOU
from perfscore.cli import main
from perfscore.report.export import to_xlsx
from perfscore.report.view import ReportView
from perfscore.report.xlsx import workbook
from perfscore.reviewing import batch

PROJECT = YUEYANGLOU / "project-2023-district-fund.toml"
TRANSFER = YUEYANGLOU / "project-2023-transfer.toml"


def _statuses(files: Any) -> dict[str, tuple[str, str]]:
    return {Path(r.path).name: (r.status, r.skipped) for r in perfscore.review_files(files)}


def _good(folder: Path, name: str = "a.toml") -> Path:
    path = folder / name
    path.write_bytes(PROJECT.read_bytes())
    return path


@pytest.mark.parametrize(
    "name",
    [
        "~$form.xlsx",
        ".~lock.form.xlsx#",
        ".DS_Store",
        "Thumbs.db",
        "~$表.docx",
        "._form.xlsx",
        "~WRL0001.tmp",
    ],
)
def test_a_lock_or_temporary_file_is_skipped_with_its_reason(tmp_path: Path, name: str) -> None:
    _good(tmp_path)
    (tmp_path / name).write_bytes(b"\x00owner lock\x00")
    results = list(perfscore.review_files(tmp_path))
    (skipped,) = [r for r in results if Path(r.path).name == name]
    assert (skipped.status, skipped.skipped, skipped.error) == ("skipped", "lock-file", "")
    assert "锁定文件" in skipped.reason_zh and "lock" in skipped.reason_en
    assert [r.status for r in results if r is not skipped] == ["reviewed"]


def test_a_scored_workbook_is_perfscore_output_whatever_its_name(tmp_path: Path) -> None:
    reviewed = perfscore.review(perfscore.read_evaluation(PROJECT))
    to_xlsx(reviewed, tmp_path / "岳阳楼区 项目自评表.xlsx")  # named like a form
    # one written before the marker: told by the three sheets it always has
    workbook(ReportView.of(reviewed)).save(tmp_path / "older.xlsx")
    got = _statuses(tmp_path)
    assert got == {
        "岳阳楼区 项目自评表.xlsx": ("skipped", "perfscore-output"),
        "older.xlsx": ("skipped", "perfscore-output"),
    }
    (first, _) = perfscore.review_files(tmp_path)
    assert "评分工作簿" in first.reason_zh and "scored workbook" in first.reason_en


def test_a_json_report_or_review_is_perfscore_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", str(PROJECT), "--json"]) == 0
    (tmp_path / "report.json").write_text(capsys.readouterr().out, encoding="utf-8")
    main(["review", str(PROJECT), "--json"])
    (tmp_path / "review.json").write_text(capsys.readouterr().out, encoding="utf-8")
    _good(tmp_path, "unit.toml")
    assert _statuses(tmp_path) == {
        "report.json": ("skipped", "perfscore-output"),
        "review.json": ("skipped", "perfscore-output"),
        "unit.toml": ("reviewed", ""),
    }


def test_a_form_with_perfscore_like_sheets_is_still_read(tmp_path: Path) -> None:
    """Only the scored workbook's exact sheets (or its marker) make a file perfscore's own."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "自评表"
    book.create_sheet("发现")
    book.save(tmp_path / "form.xlsx")
    ((status, skipped),) = _statuses(tmp_path).values()
    assert (status, skipped) == ("failed", "")


def test_every_other_file_is_listed_as_unsupported(tmp_path: Path) -> None:
    _good(tmp_path)
    (tmp_path / "notes.txt").write_text("备注", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "scan.png").write_bytes(b"\x89PNG")
    (tmp_path / "README").write_text("x", encoding="utf-8")
    results = {Path(r.path).name: r for r in perfscore.review_files(tmp_path)}
    assert {n: r.skipped for n, r in results.items()} == {
        "a.toml": "",
        "notes.txt": "unsupported-format",
        "scan.png": "unsupported-format",
        "README": "unsupported-format",
    }
    assert results["scan.png"].reason_zh == "不是可读取的自评表格式（.png）"
    assert results["scan.png"].reason_en == "not a format perfscore reads (.png)"


@pytest.mark.parametrize("suffix", [".xls", ".ods", ".doc", ".wps", ".et", ".pdf", ".docm", ".xlsm"])
def test_every_form_format_is_a_candidate_never_dropped(tmp_path: Path, suffix: str) -> None:
    """Read when its reader exists; until then (or when broken) it fails with its own error."""
    (tmp_path / f"form{suffix}").write_bytes(b"not really a form")
    ((result),) = perfscore.review_files(tmp_path)
    assert result.status == "failed" and result.error and not result.skipped


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_a_file_reached_twice_is_read_once(tmp_path: Path) -> None:
    first = _good(tmp_path)
    (tmp_path / "b-link.toml").symlink_to(first)
    (tmp_path / "c-copy.toml").write_bytes(first.read_bytes())  # another file, same text: read
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    results = list(perfscore.review_files([tmp_path, first]))
    got = [(Path(r.path).name, r.status, r.skipped) for r in results]
    assert got == [
        ("a.toml", "reviewed", ""),
        ("b-link.toml", "skipped", "duplicate"),
        ("c-copy.toml", "reviewed", ""),
        ("loop", "skipped", "folder-link"),
        ("a.toml", "skipped", "duplicate"),
    ]
    assert results[1].reason_zh == f"与 {first} 是同一文件，只读取一次"


def test_review_files_streams(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file is read only when the previous one's results have been taken."""
    for n in range(5):
        _good(tmp_path, f"{n}.toml")
    reads: list[str] = []
    real = perfscore.read_evaluations

    def counted(path: Any, **kwargs: Any) -> Any:
        reads.append(Path(path).name)
        return real(path, **kwargs)

    monkeypatch.setattr(batch, "read_evaluations", counted)
    found = perfscore.review_files(tmp_path)
    next(found)
    assert reads == ["0.toml"]
    next(found)
    assert reads == ["0.toml", "1.toml"]


def test_cli_json_is_written_as_it_goes_and_stays_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _good(tmp_path, "a.toml")
    _good(tmp_path, "b.toml")
    (tmp_path / "bad.toml").write_text("[evaluation\n", encoding="utf-8")
    (tmp_path / "~$a.xlsx").write_bytes(b"lock")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    written_before_b: list[str] = []
    real = perfscore.read_evaluations

    def spy(path: Any, **kwargs: Any) -> Any:
        if Path(path).name == "b.toml":
            written_before_b.append(capsys.readouterr().out)
        return real(path, **kwargs)

    monkeypatch.setattr(batch, "read_evaluations", spy)
    assert main(["review", str(tmp_path), "--json"]) == 1
    out = written_before_b[0] + capsys.readouterr().out
    assert '"file": "' + str(tmp_path / "a.toml") in written_before_b[0]
    data = json.loads(out)["results"]
    assert [(Path(d["file"]).name, d["status"], d["skipped"]) for d in data] == [
        ("a.toml", "reviewed", ""),
        ("b.toml", "reviewed", ""),
        ("bad.toml", "failed", ""),
        ("notes.txt", "skipped", "unsupported-format"),
        ("~$a.xlsx", "skipped", "lock-file"),
    ]
    assert data[0]["report"]["total"] and data[4]["reason_en"].startswith("a lock")


def test_cli_json_of_an_empty_folder_has_no_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", str(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"results": []}


def test_cli_summary_counts_reviewed_skipped_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _good(tmp_path)
    (tmp_path / "bad.toml").write_text("[evaluation\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    main(["review", str(tmp_path), str(first), "--fail-on", "never"])
    out = capsys.readouterr().out
    assert "notes.txt" not in out and ".DS_Store" not in out
    assert (
        f"{first}: 跳过 skipped: 与 {first} 是同一文件，只读取一次 / the same file as {first}: read once"
        in out
    )
    assert out.splitlines()[-1].startswith(
        "5 file(s): 1 reviewed, 3 skipped (2 not listed: --verbose lists them), 1 could not be reviewed;"
    )
    main(["review", str(tmp_path), "--verbose", "--fail-on", "never"])
    out = capsys.readouterr().out
    assert "notes.txt: 跳过 skipped: 不是可读取的自评表格式（.txt）" in out and ".DS_Store: 跳过" in out
    # --verbose listed them: the last line must not say they were not listed
    assert out.splitlines()[-1].startswith("4 file(s): 1 reviewed, 2 skipped, 1 could not be reviewed;")


def test_cli_summary_lines_speak_the_language_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reviewer reading --lang zh sees the summary table in Chinese: no 'cannot review' or
    'skipped' left in English; --lang en has no Chinese label there."""
    _good(tmp_path)
    (tmp_path / "bad.toml").write_text("[evaluation\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # short names: the summary's file column is 48 wide
    main(["review", ".", "--verbose", "--lang", "zh", "--fail-on", "never"])
    table = capsys.readouterr().out.split("\n文件")[1]
    bad = next(line for line in table.splitlines() if "bad.toml" in line)
    assert bad.endswith("无法复核") and "cannot review" not in table
    assert "跳过：不是可读取的自评表格式（.txt）" in table and "skipped" not in table
    main(["review", ".", "--verbose", "--lang", "en", "--fail-on", "never"])
    table = capsys.readouterr().out.split("\nfile ")[1]
    bad = next(line for line in table.splitlines() if "bad.toml" in line)
    assert bad.endswith("cannot review") and "skipped: not a format perfscore reads (.txt)" in table
    assert "跳过" not in table and "无法复核" not in table


def _two_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    from perfscore.cli import handlers

    tables = [perfscore.read_evaluation(PROJECT), perfscore.read_evaluation(TRANSFER)]
    monkeypatch.setattr(handlers, "read_evaluations", lambda *args, **kwargs: tables)


def test_export_of_several_tables_writes_a_workbook_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    _two_tables(monkeypatch)
    out = tmp_path / "form.scored.xlsx"
    assert main(["export", str(PROJECT), "--to", "xlsx", "-o", str(out)]) == 0
    one, two = tmp_path / "form.scored.table1.xlsx", tmp_path / "form.scored.table2.xlsx"
    assert capsys.readouterr().out == f"已写入 / wrote {one}\n已写入 / wrote {two}\n"
    assert not out.exists()
    titles = [openpyxl.load_workbook(p)["自评表"]["A2"].value for p in (one, two)]
    assert titles[0] != titles[1]
    assert main(["export", str(PROJECT), "--to", "xlsx", "-o", str(out), "--table", "2"]) == 0
    assert openpyxl.load_workbook(out)["自评表"]["A2"].value == titles[1]


def test_export_of_several_tables_as_one_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _two_tables(monkeypatch)
    singles = []
    for source in (PROJECT, TRANSFER):
        reviewed = perfscore.review(perfscore.read_evaluation(source))
        singles.append(reviewed.report.title)
    assert main(["export", str(PROJECT), "--to", "md"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# 表 1/2 · table 1 of 2\n\n## ")
    assert "\n# 表 2/2 · table 2 of 2\n" in md
    assert all(md.count(title) >= 1 for title in singles)
    html_path = tmp_path / "out.html"
    assert main(["export", str(PROJECT), "--to", "html", "-o", str(html_path)]) == 0
    page = html_path.read_text(encoding="utf-8")
    assert page.count("<html") == 1 and page.count("<body>") == 1 and page.count("</html>") == 1
    assert page.count('<section id="table') == 2 and all(title in page for title in singles)
