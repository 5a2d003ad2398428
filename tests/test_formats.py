"""The formats units really send: .xls, .ods, .doc and PDF read back to their .xlsx/.docx source.

The committed fixtures in tests/data/forms were saved once by LibreOffice from the .xlsx/.docx
fixtures (scripts/build_legacy_fixtures.py); the sources are built afresh here
(scripts/build_form_fixtures.py), so each legacy file must read to exactly the same evaluation.
A file's kind comes from its content: renamed files read as what they are, and a format that
cannot be read says what it is and how to convert it.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import attrs
import pytest

from bounds import SECONDS, expect_error, run_bounded
from conftest import ROOT
from perfscore import Evaluation, EvaluationError
from perfscore.evaluations import read_evaluations as read_any
from perfscore.evaluations.office import read_evaluations
from perfscore.evaluations.sniff import sniff

FORMS = ROOT / "tests" / "data" / "forms"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_office = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

SOURCES = {
    "seed003.xls": "seed003.xlsx",
    "seed003.ods": "seed003.xlsx",
    "sichuan-project.xls": "sichuan-project.xlsx",
    "sichuan-project.ods": "sichuan-project.xlsx",
    "merged-blocks.xls": "merged-blocks.xlsx",
    "merged-blocks.ods": "merged-blocks.xlsx",
    "sichuan-project.pdf": "sichuan-project.docx",
    "merged-blocks.pdf": "merged-blocks.docx",
    "seed003-department.pdf": "seed003-department.docx",
    "seed003-projects.pdf": "seed003-projects.docx",
    "split-row.pdf": "split-row.docx",  # a row broken across a page break, the header repeated
}
CONVERTED = {
    "seed003-department.doc": "seed003-department.docx",
    "seed003-projects.doc": "seed003-projects.docx",
}


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = importlib.util.spec_from_file_location(
        "build_form_fixtures", ROOT / "scripts" / "build_form_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder = tmp_path_factory.mktemp("sources")
    cast(Callable[[Path], dict[str, Path]], module.build_all)(folder)
    return folder


def _plain(evaluation: Evaluation) -> Evaluation:
    rows = tuple(attrs.evolve(row, where="") for row in evaluation.rows)
    return attrs.evolve(evaluation, source="", rows=rows)


def _squeezed(evaluation: Evaluation) -> Evaluation:
    """Every text without its whitespace: a PDF does not always keep the space where a cell's
    line wrapped ("效益指标（30 分）" printed as "效益指标（30" / "分）")."""

    def squeeze(value: Any) -> Any:
        return re.sub(r"\s+", "", value) if isinstance(value, str) else value

    rows = tuple(
        attrs.evolve(row, **{f.name: squeeze(getattr(row, f.name)) for f in attrs.fields(type(row))})
        for row in evaluation.rows
    )
    return attrs.evolve(evaluation, rows=rows)


def _compare(got: list[Evaluation], expected: list[Evaluation], name: str) -> None:
    assert len(got) == len(expected), name
    for g, e in zip(got, expected):
        for field in attrs.fields(Evaluation):
            if field.name != "rows" and field.eq:  # not columns: how the form laid it out
                assert getattr(g, field.name) == getattr(e, field.name), (name, field.name)
        for got_row, expected_row in zip(g.rows, e.rows):
            assert got_row == expected_row, name
        assert g == e, name


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_each_format_reads_back_to_its_source(sources: Path, name: str) -> None:
    expected = [_plain(e) for e in read_evaluations(sources / SOURCES[name])]
    got = [_plain(e) for e in read_evaluations(FORMS / name)]
    if name.startswith("seed003") and name.endswith(".pdf"):  # printed over pages: spaces at wraps
        got, expected = [_squeezed(e) for e in got], [_squeezed(e) for e in expected]
    _compare(got, expected, name)


@needs_office
@pytest.mark.parametrize("name", sorted(CONVERTED))
def test_word_97_documents_convert_through_libreoffice(sources: Path, name: str) -> None:
    expected = [_plain(e) for e in read_evaluations(sources / CONVERTED[name])]
    _compare([_plain(e) for e in read_evaluations(FORMS / name)], expected, name)


def test_addresses_name_the_cell_in_each_format() -> None:
    (xls,) = read_evaluations(FORMS / "sichuan-project.xls")
    assert xls.rows[0].where.startswith("Sheet1!")
    (pdf,) = read_evaluations(FORMS / "sichuan-project.pdf")
    assert re.fullmatch(r"页1 表1 R\d+C\d+.*", pdf.rows[0].where), pdf.rows[0].where
    assert xls.budget is not None and xls.budget.rate == "96%"  # a percent format read from BIFF8


def test_the_kind_comes_from_the_content() -> None:
    kinds = {path.name: sniff(path.read_bytes()) for path in sorted(FORMS.iterdir())}
    for name, kind in kinds.items():
        assert kind == {".xls": "xls", ".ods": "ods", ".doc": "doc", ".pdf": "pdf"}[Path(name).suffix], name


@pytest.mark.parametrize("name", ["sichuan-project.xls", "sichuan-project.ods", "sichuan-project.pdf"])
def test_a_wrong_extension_still_reads(tmp_path: Path, name: str) -> None:
    renamed = tmp_path / "form.xlsx"
    renamed.write_bytes((FORMS / name).read_bytes())
    assert [_plain(e) for e in read_evaluations(renamed)] == [
        _plain(e) for e in read_evaluations(FORMS / name)
    ]
    named_toml = tmp_path / "form.toml"  # the one entry point too: a form named .toml is a form
    named_toml.write_bytes((FORMS / name).read_bytes())
    assert [_plain(e) for e in read_any(named_toml)] == [_plain(e) for e in read_evaluations(FORMS / name)]


def test_without_libreoffice_a_doc_says_how_to_convert(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda *_args, **_kw: None)
    with pytest.raises(EvaluationError) as caught:
        read_evaluations(FORMS / "seed003-department.doc")
    (problem,) = caught.value.problems
    assert problem.code == "unknown-format"
    assert "Word 97–2003" in problem.message and "save it as .docx in Word or WPS 文字" in problem.message


@needs_office
def test_a_conversion_is_bounded_in_time_and_leaves_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from perfscore.evaluations import convert

    monkeypatch.setattr(convert, "MAX_CONVERT_SECONDS", 0.05)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(EvaluationError) as caught:
        read_evaluations(FORMS / "seed003-department.doc")
    assert caught.value.problems[0].code == "too-large"
    assert "MAX_CONVERT_SECONDS" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_a_scanned_pdf_needs_ocr(tmp_path: Path) -> None:
    from PIL import Image

    scan = tmp_path / "scan.pdf"
    Image.new("RGB", (400, 300), "white").save(scan)
    with pytest.raises(EvaluationError) as caught:
        read_evaluations(scan)
    (problem,) = caught.value.problems
    assert "扫描件，需要 OCR" in problem.message and "scanned image, needs OCR" in problem.message


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"%PDF-1.4\n%broken", "cannot open as a PDF document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000, "password-protected"),
        (b"PK\x05\x06" + b"\0" * 18, "not an Excel 97–2003 file: it is a zip archive"),
        (b"<html><body><table></table></body></html>", "web page (HTML)"),
    ],
)
def test_broken_and_foreign_files_say_what_they_are(tmp_path: Path, content: bytes, fragment: str) -> None:
    path = tmp_path / "form.xls"
    path.write_bytes(content)
    outcome = run_bounded(read_evaluations, path, seconds=SECONDS, mib=512)
    message = expect_error(outcome)
    assert fragment in message, message


def test_a_truncated_xls_and_pdf_are_errors(tmp_path: Path) -> None:
    for name in ("seed003.xls", "sichuan-project.pdf", "seed003.ods"):
        data = (FORMS / name).read_bytes()
        for cut in (0.3, 0.7):
            path = tmp_path / f"cut-{cut}-{name}"
            path.write_bytes(data[: int(len(data) * cut)])
            outcome = run_bounded(read_evaluations, path, seconds=SECONDS, mib=512)
            assert outcome.kind == "raised" and outcome.perfscore_error, (name, cut, outcome)


def _ods(content: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def test_an_ods_repeating_a_value_far_away_is_too_large(tmp_path: Path) -> None:
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="S"><table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell office:value-type="string" table:number-columns-repeated="1000">'
        "<text:p>x</text:p></table:table-cell></table:table-row></table:table>"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "far.ods"
    path.write_bytes(_ods(content))
    outcome = run_bounded(read_evaluations, path, seconds=SECONDS, mib=512)
    expect_error(outcome, "MAX_ROWS")


def test_pdf_pages_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from perfscore.evaluations import pdf

    monkeypatch.setattr(pdf, "MAX_PDF_PAGES", 0)
    with pytest.raises(EvaluationError) as caught:
        read_evaluations(FORMS / "sichuan-project.pdf")
    assert "MAX_PDF_PAGES" in str(caught.value)


def test_the_fixtures_are_small() -> None:
    sizes = {path.name: os.path.getsize(path) for path in FORMS.iterdir()}
    assert set(sizes) == set(SOURCES) | set(CONVERTED)
    assert all(size < 128 * 1024 for size in sizes.values()), sizes


@pytest.mark.parametrize("name", ["seed003-department.docx", "seed003-projects.docx", "sichuan-project.docx"])
def test_the_lxml_word_reader_gives_python_docx_grid(sources: Path, name: str) -> None:
    from perfscore.evaluations.docx import docx_from_bytes

    data = (sources / name).read_bytes()
    assert docx_from_bytes(data, name) == docx_from_bytes(data, name, legacy=True)
