"""Word and Excel import: the seed-003 forms read back to exactly the hand-written examples.

The fixtures are built into a temporary directory by scripts/build_form_fixtures.py, which takes
its values from the examples, so the two cannot drift.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import cast

import attrs
import docx
import openpyxl
import pytest

import perfscore
from conftest import EXAMPLES, ROOT
from perfscore import Evaluation, EvaluationError
from perfscore.evaluations import Cell, evaluations_from_grid
from perfscore.evaluations.office import read_evaluations

SEED = (
    "430602/department-2023.toml",
    "430602/project-2023-district-fund.toml",
    "430602/project-2023-transfer.toml",
)


@pytest.fixture(scope="session")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    spec = importlib.util.spec_from_file_location(
        "build_form_fixtures", ROOT / "scripts" / "build_form_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    build_all = cast(Callable[[Path], dict[str, Path]], module.build_all)
    return build_all(tmp_path_factory.mktemp("forms"))


def _plain(evaluation: Evaluation) -> Evaluation:
    """The evaluation without where it came from (source, each row's where)."""
    rows = tuple(attrs.evolve(row, where="") for row in evaluation.rows)
    return attrs.evolve(evaluation, source="", rows=rows)


def _example(path: str) -> Evaluation:
    return _plain(perfscore.read_evaluation(EXAMPLES / path))


def _seed_import(fixtures: dict[str, Path], kind: str) -> list[Evaluation]:
    if kind == "docx":
        return read_evaluations(fixtures["seed-department.docx"], region="430602") + read_evaluations(
            fixtures["seed-projects.docx"], region="430602"
        )
    return read_evaluations(fixtures["seed.xlsx"], region="430602")


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_seed_forms_read_as_the_hand_written_examples(fixtures: dict[str, Path], kind: str) -> None:
    imported = _seed_import(fixtures, kind)
    assert len(imported) == 3
    for evaluation, path in zip(imported, SEED):
        expected = _example(path)
        got = _plain(evaluation)
        # field by field first, for a readable failure
        for field in attrs.fields(Evaluation):
            if field.name != "rows" and field.eq:  # not columns: how the form laid it out
                assert getattr(got, field.name) == getattr(expected, field.name), (path, field.name)
        for got_row, expected_row in zip(got.rows, expected.rows):
            assert got_row == expected_row, path
        assert got == expected
        assert evaluation.source.endswith(f".{kind}")
    department = imported[0]
    # form and year come from the title; the leaked budget figure and the garbled cell survive
    assert (department.form, department.year) == ("department", 2023)
    assert [row.weight for row in department.rows if row.category == "社会效益指标"] == [
        Decimal("153.67")
    ] * 2
    assert any(row.actual == "153.673.67万元" for row in department.rows)
    assert [row.name for row in department.rows if row.weight is None] == ["不适用", "不适应", "不适应"]


def test_the_project_document_holds_two_tables(fixtures: dict[str, Path]) -> None:
    tables = read_evaluations(fixtures["seed-projects.docx"])
    assert [(t.project, t.form, t.year, t.region) for t in tables] == [
        ("区级专项资金", "project", 2023, ""),
        ("上级转移支付", "project", 2023, ""),
    ]
    assert {row.where.split()[0] for row in tables[1].rows} == {"表2"}


def test_given_metadata_wins_over_the_title(fixtures: dict[str, Path]) -> None:
    (table, *_) = read_evaluations(
        fixtures["seed-department.docx"], region="430602", form="department", year=2024
    )
    assert (table.region, table.form, table.year) == ("430602", "department", 2024)


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_sichuan_layout_has_sign_and_unit_columns(fixtures: dict[str, Path], kind: str) -> None:
    (evaluation,) = read_evaluations(fixtures[f"sichuan.{kind}"], region="510000")
    expected = _example("510000/project-2021.toml")
    assert _plain(evaluation) == expected
    assert [(row.sign, row.target, row.unit) for row in evaluation.rows][:2] == [
        ("≥", "120", "公里"),
        ("≥", "80", "%"),
    ]
    assert evaluation.budget is not None and evaluation.budget.rate == "96%"  # Excel: 0.96 formatted 0%


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_merged_cells_across_block_boundaries_read_as_they_look(fixtures: dict[str, Path], kind: str) -> None:
    (evaluation,) = read_evaluations(fixtures[f"merged.{kind}"])
    assert [(row.block, row.category, row.name[0]) for row in evaluation.rows] == [
        ("产出指标", "数量指标", "A"),
        ("产出指标", "数量指标", "B"),
        ("产出指标", "成本指标", "C"),
        ("效益指标", "成本指标", "D"),  # the 二级 merge runs into the 效益指标 block: read as merged
        ("效益指标", "社会效益指标", "E"),
        ("效益指标", "服务对象满意度指标", "F"),  # the 一级 merge covers the 满意度 rows too
        ("效益指标", "服务对象满意度指标", "G"),  # a blank, unmerged 二级 carries down
        ("满意度指标", "", "H"),  # ... but not into a new 一级
    ]
    assert evaluation.reported_total == Decimal(40)


def test_where_names_the_three_level_cell(fixtures: dict[str, Path]) -> None:
    imported = read_evaluations(fixtures["seed.xlsx"])
    assert imported[0].rows[0].where == "附件3!D14"
    assert imported[2].rows[-1].where == "'附件4-2'!D36"
    workbook = openpyxl.load_workbook(fixtures["seed.xlsx"])
    for evaluation in imported:
        for row in evaluation.rows:
            sheet, cell = row.where.rsplit("!", 1)
            assert workbook[sheet.strip("'")][cell].value == row.name

    tables = read_evaluations(fixtures["seed-projects.docx"])
    assert tables[0].rows[0].where == "表1 R11C4"
    document = docx.Document(str(fixtures["seed-projects.docx"]))
    for evaluation in tables:
        for row in evaluation.rows:
            match = re.fullmatch(r"表(\d+) R(\d+)C(\d+)", row.where)
            assert match is not None
            number, r, c = (int(group) for group in match.groups())
            assert document.tables[number - 1].cell(r - 1, c - 1).text == row.name


def test_a_table_of_something_else_says_what_was_expected(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("会议纪要")
    table = document.add_table(rows=2, cols=3)
    for index, text in enumerate(("姓名", "职务", "电话")):
        table.cell(0, index).text = text
    document.save(str(tmp_path / "other.docx"))
    workbook = openpyxl.Workbook()
    workbook.active.append(["项目", "金额"])  # type: ignore[union-attr]
    workbook.save(str(tmp_path / "other.xlsx"))
    for name in ("other.docx", "other.xlsx"):
        with pytest.raises(EvaluationError) as caught:
            read_evaluations(tmp_path / name)
        (problem,) = caught.value.problems
        assert problem.file == str(tmp_path / name)
        assert "三级指标 / 年度指标值 / 实际完成值 / 分值" in str(caught.value)


@pytest.mark.parametrize("name", ["broken.xlsx", "broken.docx", "empty.xlsx", "missing.docx", "table.doc"])
def test_files_that_cannot_be_opened_are_evaluation_errors(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.startswith("broken"):
        path.write_bytes(os.urandom(2048))
    elif name.startswith("empty"):
        path.write_bytes(b"")
    elif name.endswith(".doc"):
        path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(EvaluationError) as caught:
        read_evaluations(path)
    (problem,) = caught.value.problems
    assert problem.file == str(path)
    assert problem.code == "file-unreadable"  # a .doc is read now: a truncated one says what it is not
    if name.endswith(".doc"):
        assert "not a Word 97–2003 file" in problem.message


def test_unreadable_cells_become_findings_at_their_cells(fixtures: dict[str, Path], tmp_path: Path) -> None:
    workbook = openpyxl.load_workbook(fixtures["seed.xlsx"])
    workbook["附件3"]["G14"] = "abc"  # 分值
    workbook["附件3"]["H15"] = "五"  # 自评得分
    workbook["附件4-1"]["F7"] = "约16万"  # 全年执行数
    workbook["附件4-2"]["G12"] = "5分"  # a unit after the number is fine
    path = tmp_path / "bad.xlsx"
    workbook.save(str(path))
    department, fund, transfer = read_evaluations(path, region="430602")  # the file still imports
    assert [(u.column, u.text, u.address) for r in department.rows for u in r.unreadable] == [
        ("weight", "abc", "附件3!G14"),
        ("reported_score", "五", "附件3!H15"),
    ]
    assert fund.budget is not None
    assert [(u.column, u.text, u.address) for u in fund.budget.unreadable] == [
        ("executed", "约16万", "'附件4-1'!F7")
    ]
    assert not any(r.unreadable for r in transfer.rows) and transfer.budget is not None
    assert not transfer.budget.unreadable

    report = perfscore.score(department)
    found = {(f.code, f.location, f.found) for f in report.findings if f.code == "unreadable-cell"}
    assert found == {("unreadable-cell", "附件3!G14", "'abc'"), ("unreadable-cell", "附件3!H15", "'五'")}
    row = next(
        r
        for r in report.rows
        if r.where == department.rows[[bool(r.unreadable) for r in department.rows].index(True)].where
    )
    assert row.status == "not_scorable" and row.points is None and "分值无法识别" in row.reason_zh
    assert not report.complete and report.grade == ""
    assert len(report.rows) == len(department.rows)  # no row lost
    fund_report = perfscore.score(fund)
    assert ("unreadable-cell", "'附件4-1'!F7") in {(f.code, f.location) for f in fund_report.findings}
    # F7 is the 当年财政拨款 sub-row's 全年执行数: that line loses its amount, the total row is intact.
    assert (fund.budget.lines[0].name, fund.budget.lines[0].executed) == ("当年财政拨款", None)
    assert fund_report.budget is not None and fund_report.budget.executed is not None

    document = docx.Document(str(fixtures["seed-department.docx"]))
    document.tables[0].cell(11, 6).text = "abc"
    document.save(str(tmp_path / "bad.docx"))
    (evaluation,) = read_evaluations(tmp_path / "bad.docx", region="430602")
    assert [u.address for r in evaluation.rows for u in r.unreadable] == ["表1 R12C7"]


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_scoring_an_imported_table_gives_the_example_totals(fixtures: dict[str, Path], kind: str) -> None:
    for evaluation, path in zip(_seed_import(fixtures, kind), SEED):
        got = perfscore.score(evaluation)
        expected = perfscore.score_file(EXAMPLES / path)
        assert (got.ruleset, got.total, got.max_total, got.grade, got.complete, got.reported_total) == (
            expected.ruleset,
            expected.total,
            expected.max_total,
            expected.grade,
            expected.complete,
            expected.reported_total,
        )
        assert [(b.key, b.points, b.reported) for b in got.blocks] == [
            (b.key, b.points, b.reported) for b in expected.blocks
        ]
        assert [f.code for f in got.findings] == [f.code for f in expected.findings]


def _grid(rows: list[list[str]], sheet: str = "S") -> list[list[Cell]]:
    columns = "ABCDEFGHIJ"
    return [
        [Cell(text, f"{sheet}!{columns[c]}{r}") for c, text in enumerate(row)]
        for r, row in enumerate(rows, 1)
    ]


def test_grid_header_variants_and_blank_continuations() -> None:
    grid = _grid(
        [
            ["2022 年度专项资金绩效自评表", "", "", "", "", "", "", ""],
            ["一级指标", "二级指标", "三级指标", "指标值", "全年实际值", "权重", "得分", "偏差原因分析"],
            ["产出指标", "数量指标", "培训人次", "≥100人次", "120人次", "20", "20", ""],
            ["", "", "培训天数", "5天", "4天", "10", "8", "天气"],
            ["", "", "……", "", "", "", "", ""],
            ["", "", "", "", "", "", "", ""],
            ["效益指标", "", "不适用", "", "", "", "", ""],
            ["合计", "", "", "", "", "30", "28", ""],
            ["填表人：某某", "", "", "", "", "", "", ""],
        ]
    )
    (evaluation,) = evaluations_from_grid(grid, source="x", region="431200")
    assert (evaluation.form, evaluation.year, evaluation.region) == ("special_fund", 2022, "431200")
    assert [(r.block, r.category, r.name, r.actual, r.weight, r.note, r.where) for r in evaluation.rows] == [
        ("产出指标", "数量指标", "培训人次", "120人次", Decimal(20), "", "S!C3"),
        ("产出指标", "数量指标", "培训天数", "4天", Decimal(10), "天气", "S!C4"),
        ("效益指标", "", "不适用", "", None, "", "S!C7"),
    ]
    assert evaluation.reported_total == Decimal(28)
    assert evaluation.budget is None


def test_grid_without_a_header_row_is_not_a_table() -> None:
    with pytest.raises(EvaluationError, match="三级指标 / 年度指标值 / 实际完成值 / 分值"):
        evaluations_from_grid(_grid([["姓名", "电话"], ["张三", "123"]]), source="x.xlsx")


def test_cli_scores_reviews_and_exports_forms(
    fixtures: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from perfscore.cli import main

    projects = str(fixtures["seed-projects.docx"])
    assert main(["score", projects, "--region", "430602"]) == 0
    text = capsys.readouterr().out
    assert (
        text.count("总分 total:") == 2 and "总分 total: 92 / 100" in text and "总分 total: 100 / 100" in text
    )
    assert main(["review", str(fixtures["seed.xlsx"]), "--region", "430602"]) == 1
    out = capsys.readouterr().out
    assert "[3/3]" in out and "rate-mismatch" in out
    # findings point at the cell a person should look at
    assert "implausible-weight @" in out and "!" in out.split("implausible-weight @", 1)[1].split(":", 1)[0]
    assert main(["export", projects, "--region", "430602", "--to", "md"]) == 0  # two tables: both, in order
    md = capsys.readouterr().out
    assert md.index("# 表 1/2 · table 1 of 2") < md.index("# 表 2/2 · table 2 of 2")
    every = tmp_path / "all.xlsx"
    assert main(["export", projects, "--region", "430602", "--to", "xlsx", "-o", str(every)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.table1.xlsx", "all.table2.xlsx"]
    out_file = tmp_path / "second.xlsx"
    assert (
        main(["export", projects, "--region", "430602", "--to", "xlsx", "--table", "2", "-o", str(out_file)])
        == 0
    )
    assert out_file.stat().st_size > 0
