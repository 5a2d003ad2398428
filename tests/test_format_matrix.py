"""Every regional form of the tests, in the formats a finance bureau receives, reads back to its
source and reviews as its source does.

tests/data/formats was saved once by LibreOffice (scripts/build_format_fixtures.py) from the
.xlsx/.docx forms the other tests write (北京, 江西, 四川, 云南, 年初预算数 0, two-row headers,
sub-columns, 折算得分, the score below the rows, 广东's scoring-standard table, budgets after the
rows, 重庆's flat list, the layout forms): each workbook as .xls, .ods and (some) printed to PDF,
each document as PDF and (some) as .doc. The sources are built afresh here, so each converted
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
    """``sweep-beijing.docx.pdf`` → ``sweep-beijing.docx``; ``chongqing.xls`` → ``chongqing.xlsx``."""
    stem, _, kind = name.partition(".")
    return {"xls": f"{stem}.xlsx", "ods": f"{stem}.xlsx", "doc": f"{stem}.docx"}.get(
        kind, f"{stem}.{kind[:-4]}"
    )


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
