"""The command line: each command, its output and its exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import INVALID, ROOT, YUEYANGLOU
from perfscore.cli import main

EXAMPLE = YUEYANGLOU / "project-2023-district-fund.toml"


def test_rulesets_lists_the_shipped_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rulesets"]) == 0
    out = capsys.readouterr().out
    assert "cn-project" in out and "430602-department" in out and "岳阳楼区" in out


def test_show_prints_the_framework_tree(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "430602-project", "--year", "2023"]) == 0
    out = capsys.readouterr().out
    assert "extends " in out and "cn-project@2020" in out.split("extends ", 1)[1].splitlines()[0]
    assert "├─ 产出指标 (Outputs)  50" in out
    assert "if A >= T: W" in out
    assert "优/优秀 ≥ 90" in out
    assert "(unconfirmed)" in out


def test_score_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(EXAMPLE)]) == 0
    text = capsys.readouterr().out
    assert "总分 total: 92 / 100" in text and "自评 reported: 95" in text
    assert main(["score", str(EXAMPLE), "--json"]) == 0
    (data,) = json.loads(capsys.readouterr().out)["tables"]
    assert data["total"] == "92" and data["ruleset"] == "430602-project"


def test_score_with_an_explicit_ruleset(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(EXAMPLE), "--ruleset", "cn-project"]) == 0
    assert "规则集 ruleset: cn-project" in capsys.readouterr().out


def test_validate_reports_every_problem_and_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    good = ROOT / "rulesets" / "CN" / "project.toml"
    bad = INVALID / "unknown-key.toml"
    assert main(["validate", str(good), str(bad)]) == 3
    out = capsys.readouterr().out
    assert f"{good}: ok" in out
    assert ":12:1: ruleset.totl: unknown key; did you mean 'total'? [unknown-key]" in out


def test_validate_checks_every_file_even_after_one_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, missing = ROOT / "rulesets" / "CN" / "project.toml", tmp_path / "missing.toml"
    assert main(["validate", str(missing), str(good)]) == 5
    out = capsys.readouterr().out
    assert f"{missing}: no ruleset named" in out and f"{good}: ok" in out
    # An invalid file outranks a missing one, whichever comes first.
    assert main(["validate", str(INVALID / "unknown-key.toml"), str(missing)]) == 3


@pytest.mark.parametrize("fmt", ["xlsx", "md"])
def test_export_to_a_folder_that_does_not_exist_fails_cleanly(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "no-such-folder" / f"scored.{fmt}"
    assert main(["export", str(EXAMPLE), "--to", fmt, "-o", str(out)]) == 1
    assert capsys.readouterr().err == f"perfscore: 无法写入 / cannot write {out}: No such file or directory\n"


def test_exit_codes_for_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[evaluation]\nregion = 1\n", encoding="utf-8")
    assert main(["score", str(broken)]) == 4
    assert "invalid evaluation" in capsys.readouterr().err
    assert main(["show", "no-such-ruleset"]) == 5
    assert main(["score", str(EXAMPLE), "--ruleset", str(INVALID / "weights-sum.toml")]) == 3
    old = tmp_path / "old.toml"
    old.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("year = 2023", "year = 2019"), encoding="utf-8"
    )
    assert main(["score", str(old), "--ruleset", "430602-project", "--strict"]) == 5
    assert "no edition in force in 2019" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["frobnicate"])
    assert caught.value.code == 2


def test_rulesets_option_adds_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "tests" / "data" / "valid" / "minimal.toml").read_text(encoding="utf-8")
    (tmp_path / "mine.toml").write_text(text, encoding="utf-8")
    assert main(["--rulesets", str(tmp_path), "show", "test-minimal"]) == 0
    assert "重点支出安排率" in capsys.readouterr().out


def test_python_dash_m_runs_the_same_program() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "perfscore", "score", str(EXAMPLE), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["tables"][0]["reported_total"] == "95"


def test_export_writes_xlsx_and_prints_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "scored.xlsx"
    assert main(["export", str(EXAMPLE), "--to", "xlsx", "-o", str(out)]) == 0
    assert out.stat().st_size > 0 and f"wrote {out}" in capsys.readouterr().out
    assert main(["export", str(EXAMPLE), "--to", "md"]) == 0
    text = capsys.readouterr().out
    assert "| 总成本控制 |" in text and "full-marks-unmet" in text


def test_diff_names_what_differs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "cn-project", "640100-project"]) == 0
    out = capsys.readouterr().out
    assert "~ budget block: (beside the blocks) → management" in out
    assert "~ rounding row: 2 dp half_up → 0 dp half_up" in out
    assert main(["diff", "cn-project", "450000-project"]) == 0
    out = capsys.readouterr().out
    assert "~ review explain_over_ratio: None → 1.3" in out


def test_test_runs_the_cases_of_the_rulesets_folders_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--rulesets DIR test [RULESET...]``: the folder is searched, named rulesets or not (the
    positional RULESET once overwrote --rulesets, so DIR's cases were never run)."""
    case = (ROOT / "rulesets" / "CN" / "cases" / "project-all-met.toml").read_text(encoding="utf-8")
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "mine.toml").write_text(
        case.replace('name = "all targets met, budget spent"', 'name = "my own case"'), encoding="utf-8"
    )
    assert main(["--rulesets", str(tmp_path), "test", "cn-project"]) == 0
    out = capsys.readouterr().out
    assert "PASS cn-project: my own case" in out and "PASS cn-project: all targets met" in out
    assert out.endswith("4 passed, 0 failed\n")
    assert main(["--rulesets", str(tmp_path), "test"]) == 0
    assert "PASS cn-project: my own case" in capsys.readouterr().out


def test_export_takes_the_table_to_choose(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import perfscore
    from perfscore.cli import handlers

    table = perfscore.read_evaluation(EXAMPLE)
    monkeypatch.setattr(handlers, "read_evaluations", lambda *args, **kwargs: [table, table])
    assert main(["export", str(EXAMPLE), "--to", "md", "--table", "3"]) == 4
    err = capsys.readouterr().err
    assert f"{EXAMPLE}: --table 3: the file holds 2 table(s) [no-such-table]\n" in err
    assert main(["export", str(EXAMPLE), "--to", "md", "--table", "2"]) == 0


def test_rulesets_option_is_honoured_after_the_subcommand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``perfscore test --rulesets DIR`` once ignored DIR (or was refused): now the option is
    the same before or after the subcommand, and both places add up."""
    case = (ROOT / "rulesets" / "CN" / "cases" / "project-all-met.toml").read_text(encoding="utf-8")
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "mine.toml").write_text(
        case.replace('name = "all targets met, budget spent"', 'name = "my own case"'), encoding="utf-8"
    )
    assert main(["test", "--rulesets", str(tmp_path), "cn-project"]) == 0
    assert "PASS cn-project: my own case" in capsys.readouterr().out
    assert main(["test", "cn-project", "--rulesets", str(tmp_path)]) == 0
    assert "PASS cn-project: my own case" in capsys.readouterr().out
    text = (ROOT / "tests" / "data" / "valid" / "minimal.toml").read_text(encoding="utf-8")
    other = tmp_path / "other"
    other.mkdir()
    (other / "mine.toml").write_text(text, encoding="utf-8")
    assert main(["--rulesets", str(tmp_path), "show", "test-minimal", "--rulesets", str(other)]) == 0


def test_test_fails_when_a_named_ruleset_matched_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    """``test nosuch`` once printed "0 passed, 0 failed" and exited 0."""
    assert main(["test", "nosuch"]) == 5
    captured = capsys.readouterr()
    assert "test nosuch: no ruleset named 'nosuch'" in captured.err
    assert captured.out.endswith("0 passed, 0 failed\n")
    assert main(["test", "cn-project", "nosuch"]) == 5  # the cases that match still run
    assert "PASS cn-project" in capsys.readouterr().out


def test_show_and_diff_display_params(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "510000-department"]) == 0
    assert "params: achieved_ceiling = 1.3, q_max = 0.1, k_event = 1" in capsys.readouterr().out
    assert main(["diff", "510000-department@2017", "510000-department@2020"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("510000-department@2017 → 510000-department@2020:")
    assert "+ params achieved_ceiling: 1.3" in out and "+ block budget_management" in out


def test_an_edition_is_named_id_at_edition(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "510000-department@2017"]) == 0
    assert capsys.readouterr().out.startswith("510000-department (2017, 2017–2019)")
    assert main(["diff", "510000-department@2016", "cn-project"]) == 5
    err = capsys.readouterr().err
    assert "no such edition" in err and "'510000-department@2017' or '510000-department@2020'" in err


def test_review_writes_the_summary_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``review DIR --summary out.xlsx``: one row per table, the totals, a sheet per finding
    code; a file that could not be reviewed has its row too, a skipped one none."""
    openpyxl = pytest.importorskip("openpyxl")
    folder = tmp_path / "forms"
    folder.mkdir()
    for name in ("project-2023-district-fund.toml", "project-2023-transfer.toml"):
        (folder / name).write_bytes((YUEYANGLOU / name).read_bytes())
    (folder / "broken.toml").write_text("[evaluation]\nregion = 1\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a form", encoding="utf-8")
    out = tmp_path / "summary.xlsx"
    assert main(["review", str(folder), "--summary", str(out), "--no-progress"]) == 1
    captured = capsys.readouterr()
    assert f"wrote {out} (3 table(s))" in captured.err
    wb = openpyxl.load_workbook(out)
    rows = list(wb["汇总 Summary"].iter_rows(values_only=True))
    assert rows[0][:2] == ("文件 File", "表 Table")
    files = [Path(str(r[0])).name for r in rows[1:-1]]
    assert sorted(files) == ["broken.toml", "project-2023-district-fund.toml", "project-2023-transfer.toml"]
    fund = next(r for r in rows[1:-1] if str(r[0]).endswith("district-fund.toml"))
    assert fund[5] == "430602-project@2023" and fund[6] == 95 and fund[7] == 92 and fund[10] == 3
    broken = next(r for r in rows[1:-1] if str(r[0]).endswith("broken.toml"))
    assert broken[13]  # its own error
    assert str(rows[-1][0]).startswith("合计 Total: 3") and rows[-1][13] == 1
    assert "full-marks-unmet" in wb.sheetnames and "合计 Totals" in wb.sheetnames
    sheet = list(wb["full-marks-unmet"].iter_rows(values_only=True))
    assert len(sheet) >= 2 and str(sheet[1][0]).endswith("district-fund.toml")


def test_review_summary_that_cannot_be_written_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("openpyxl")
    out = tmp_path / "no-such-folder" / "summary.xlsx"
    assert main(["review", str(EXAMPLE), "--summary", str(out)]) == 1
    assert f"perfscore: 无法写入 / cannot write {out}: No such file or directory" in capsys.readouterr().err


def test_the_parser_spells_the_report_languages_and_export_formats_as_they_are() -> None:
    """The parser has its own copy (building it imports neither module): the same values."""
    from perfscore.cli import parser
    from perfscore.report import LANGS
    from perfscore.report.export import FORMATS

    assert (parser.LANGS, parser.FORMATS) == (LANGS, FORMATS)
