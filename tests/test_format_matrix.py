"""Every regional form of the tests, in the formats a finance bureau receives, reads back to its
source and reviews as its source does.

tests/data/formats was saved once by LibreOffice (scripts/build_format_fixtures.py) from the
.xlsx/.docx forms the other tests write (北京, 江西, 四川, 云南, 年初预算数 0, two-row headers,
sub-columns, 折算得分, the score below the rows, 广东's scoring-standard table, budgets after the
rows, 重庆's flat list, the layout forms): each workbook as .xls, .ods and (some) printed to PDF
one page wide (NAME.xlsx.pdf) or as it stands, over several pages (NAME.wide.pdf), each document
as PDF and (some) as .doc. The sources are built afresh here, so each converted
file must read to exactly the evaluation of its source (addresses aside), and its review must
give the same errors and warnings (none, for these consistent forms).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path
from types import ModuleType
from typing import Union

import attrs
import pytest

import perfscore
from conftest import ROOT
from perfscore import Evaluation, EvaluationError
from perfscore.evaluations import pdf, pdfcells
from perfscore.evaluations.grid import Cell

FORMATS = ROOT / "tests" / "data" / "formats"
LAYOUTS = ROOT / "tests" / "data" / "layouts"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_office = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_format_fixtures", ROOT / "scripts" / "build_format_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()
FILES = sorted(path.name for path in FORMATS.iterdir() if path.name != "unruled.pdf")
READ_HERE = [name for name in FILES if not name.endswith(".doc")]
WORD_97 = [name for name in FILES if name.endswith(".doc")]


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    written: dict[str, Path] = SCRIPT.sources(tmp_path_factory.mktemp("sources"))
    return written


def _source_of(name: str) -> str:
    """``sweep-beijing.docx.pdf`` → ``sweep-beijing.docx``; ``chongqing.xls`` or
    ``chongqing.wide.pdf`` → ``chongqing.xlsx``."""
    stem, _, kind = name.partition(".")
    workbook = kind in ("xls", "ods", "xlsx.pdf", "wide.pdf")
    return f"{stem}.xlsx" if workbook else f"{stem}.docx"


def _region(name: str) -> str:
    """The layout forms are read with the region their TOML source states (they name no place)."""
    if not name.startswith("layout-"):
        return ""
    toml = (LAYOUTS / f"{name.partition('.')[0][len('layout-') :]}.toml").read_text(encoding="utf-8")
    found = re.search(r'^region = "(\d+)"', toml, re.M)
    assert found is not None
    return found.group(1)


def _plain(evaluation: Evaluation) -> Evaluation:
    """The evaluation without where its values were printed (shared scores numbered in order)."""
    seen: dict[str, str] = {}
    shared = [
        seen.setdefault(r.shared_score, str(len(seen) + 1)) if r.shared_score else "" for r in evaluation.rows
    ]
    rows = tuple(attrs.evolve(row, where="", shared_score=s) for row, s in zip(evaluation.rows, shared))
    return attrs.evolve(evaluation, source="", rows=rows)


def _alarms(evaluation: Evaluation) -> Union[list[tuple[str, str]], list[str]]:
    """The review's errors and warnings, by code and field (a cell's address left out)."""
    try:
        review = perfscore.review(evaluation)
    except EvaluationError as error:
        return [problem.code for problem in error.problems]
    return sorted(
        (f.code, f.location.rsplit(".", 1)[-1]) for f in review.findings if f.severity in ("error", "warning")
    )


def _check(path: Path, source: Path) -> None:
    region = _region(path.name)
    expected = perfscore.read_evaluations(source, region=region)
    got = perfscore.read_evaluations(path, region=region)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        plain_g, plain_e = _plain(g), _plain(e)
        for field in attrs.fields(Evaluation):
            if field.name != "rows" and field.eq:
                assert getattr(plain_g, field.name) == getattr(plain_e, field.name), field.name
        assert len(plain_g.rows) == len(plain_e.rows)
        for got_row, expected_row in zip(plain_g.rows, plain_e.rows):
            assert got_row == expected_row
        assert plain_g == plain_e
        assert _alarms(g) == _alarms(e)


@pytest.mark.parametrize("name", READ_HERE)
def test_each_format_reads_and_reviews_as_its_source(sources: dict[str, Path], name: str) -> None:
    _check(FORMATS / name, sources[_source_of(name)])


@needs_office
@pytest.mark.parametrize("name", WORD_97)
def test_word_97_forms_read_and_review_as_their_source(sources: dict[str, Path], name: str) -> None:
    _check(FORMATS / name, sources[_source_of(name)])


def test_a_pdf_whose_tables_print_no_ruling_lines_says_so() -> None:
    """Without ruling lines, where words stand does not tell which cell they are in (a wrapped
    line and a new row look alike): the file is refused saying why and what to send instead,
    never read as a table of guesses, nor as "not a self-evaluation table"."""
    with pytest.raises(EvaluationError) as caught:
        perfscore.read_evaluations(FORMATS / "unruled.pdf")
    (problem,) = caught.value.problems
    assert problem.code == "file-unreadable"
    assert "未找到带边框线的表格" in problem.message and "Word/Excel 原件" in problem.message
    assert "no ruling lines" in problem.message


def test_every_source_is_there_in_each_format() -> None:
    """Each workbook as .xls and .ods, each document as PDF; the fixtures stay small."""
    stems: dict[str, set[str]] = {}
    for name in FILES:
        stem, _, kind = name.partition(".")
        stems.setdefault(stem, set()).add(kind)
    for stem, kinds in stems.items():
        assert {"xls", "ods"} <= kinds or "docx.pdf" in kinds, stem
    assert len(FILES) >= 60
    assert sum((FORMATS / name).stat().st_size for name in FILES) < 1_600_000


def test_the_consistent_forms_review_clean_in_every_format() -> None:
    """The regional forms are consistent: none reviews with an error or a warning, in any format
    (the layout forms are reading fixtures: their review is only compared with their source's)."""
    for name in READ_HERE:
        if not name.startswith("layout-"):
            for evaluation in perfscore.read_evaluations(FORMATS / name):
                assert _alarms(evaluation) == [], name


# -- a sheet printed over several pages (Excel's "down, then over") ----------------------------

WIDE = [name for name in FILES if name.endswith(".wide.pdf")]


@pytest.mark.parametrize("name", WIDE)
def test_the_wide_sheets_do_print_over_pages(name: str) -> None:
    """The fixtures test what they claim: each sheet's columns go on over a second page."""
    import pdfplumber

    with pdfplumber.open(FORMATS / name) as document:
        assert len(document.pages) >= 2, name
        texts = [page.extract_text() or "" for page in document.pages[1:]]
    assert any("得分" in text for text in texts), name  # the score column is on a later page


def _block(top: float, *rows: tuple[str, ...], tops: tuple[float, ...] = (), page: int = 1) -> pdf._Block:
    cells = [
        [Cell(t, f"页{page} 表1 R{r}C{c + 1}") for c, t in enumerate(row)] for r, row in enumerate(rows, 1)
    ]
    heights = tops or tuple(top + 15 * r for r in range(len(rows)))
    return pdf._Block(top, True, cells, (54.0,), heights, heights[-1] + 15)


def test_columns_at_the_same_heights_join_the_rows_of_the_page_before() -> None:
    continued = pdf._Continued("x.pdf")
    first = continued.page([_block(100, ("三级指标", "指标值"), ("培训", "10次"))])
    second = continued.page([_block(100, ("分值", "得分"), ("5", "4"), page=2)])
    assert second == [] and [[c.text for c in row] for row in first] == [
        ["三级指标", "指标值", "分值", "得分"],
        ["培训", "10次", "5", "4"],
    ]
    assert first[1][3].address == "页1 表1 R2C4"  # renumbered as the columns after the row's own


def test_a_table_going_on_down_the_next_page_is_not_put_beside_it() -> None:
    """Rows at other heights (a table continued down from the page's top), or repeating a row
    of the page before (a repeated header), are never joined side by side."""
    for second in (
        _block(55, ("培训", "10次"), ("会议", "2次"), page=2),
        _block(100, ("三级指标", "指标值"), ("会议", "2次"), page=2),
    ):
        continued = pdf._Continued("x.pdf")
        first = continued.page([_block(100, ("三级指标", "指标值"), ("培训", "10次"))])
        assert len(continued.page([second])) >= 1 and all(len(row) == 2 for row in first)


def test_a_row_split_on_the_next_page_gets_the_cells_merged_down_over_it() -> None:
    """A two-row header whose first columns are merged down on the page before: the next page
    rules a row the first page did not, and the first page's cells are merged down over it."""
    rows: list[list[Cell]] = []
    continued = pdf._Continued("x.pdf", rows)
    rows.extend(continued.page([_block(100, ("三级指标",), ("培训",), tops=(100.0, 130.0))]))
    rows.extend(
        continued.page([_block(100, ("自评情况",), ("分值",), ("5",), tops=(100.0, 115.0, 130.0), page=2)])
    )
    assert [[c.text for c in row] for row in rows] == [
        ["三级指标", "自评情况"],
        ["三级指标", "分值"],
        ["培训", "5"],
    ]
    assert rows[1][0].anchor == "页1 表1 R1C1"


def test_a_line_off_the_page_is_not_read() -> None:
    page = type("Page", (), {"bbox": (0.0, 0.0, 612.0, 792.0)})()
    assert pdfcells.off_page({"x0": -267.0, "x1": -190.0}, page)
    assert not pdfcells.off_page({"x0": 55.0, "x1": 200.0}, page)
