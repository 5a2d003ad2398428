"""Hostile Word and Excel files: each read in a forked child under a time and memory bound.

Every file is written by hand with :mod:`zipfile` (a few KB on disk, however large it claims to
be), or is a realistic form from scripts/build_form_fixtures.py with one hostile part patched in.
Each must come back read, or refused with perfscore's own error, within the bounds: never a hang,
a blown memory, a raw exception, or a silently cut table.
"""

from __future__ import annotations

import decimal
import importlib.util
import io
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import attrs
import pytest

from bounds import SECONDS, Outcome, assert_clean, expect_error, run_bounded
from conftest import ROOT
from perfscore.evaluations import Cell, evaluations_from_grid, limits
from perfscore.evaluations.docx import docx_grids
from perfscore.evaluations.office import read_evaluations

MIB = 512  # half the default bound: no office file needs more

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

XLSX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
XLSX_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
DOCX_RELS = XLSX_RELS.replace("xl/workbook.xml", "word/document.xml")

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1 if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _zip(path: Path, members: dict[str, Any], *, stored: bool = False) -> Path:
    """Write ``members`` (name → str, bytes, or a callable writing chunks to a stream); ``stored``
    (not deflated) to reach a limit other than the compression ratio."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if callable(content):
                with archive.open(name, "w", force_zip64=True) as stream:
                    content(stream)
            else:
                archive.writestr(name, content)
    return path


def _sheet(data: str, *, before: str = "", after: str = "") -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">{before}<sheetData>{data}</sheetData>{after}</worksheet>'


def _strings(items: list[str], prologue: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    body = "".join(f"<si><t>{item}</t></si>" for item in items)
    return f'{prologue}<sst xmlns="{_MAIN}" count="{len(items)}" uniqueCount="{len(items)}">{body}</sst>'


def xlsx(path: Path, sheet: Any, strings: Any = None, *, stored: bool = False) -> Path:
    return _zip(
        path,
        {
            "[Content_Types].xml": XLSX_TYPES,
            "_rels/.rels": XLSX_RELS,
            "xl/workbook.xml": WORKBOOK,
            "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
            "xl/worksheets/sheet1.xml": sheet,
            "xl/sharedStrings.xml": _strings([]) if strings is None else strings,
        },
        stored=stored,
    )


def _document(body: Any) -> Any:
    if callable(body):

        def write(stream: Any) -> None:
            stream.write(
                f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'.encode()
            )
            body(stream)
            stream.write(b"</w:body></w:document>")

        return write
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>{body}</w:body></w:document>'


def docx(path: Path, body: Any, *, stored: bool = False) -> Path:
    return _zip(
        path,
        {"[Content_Types].xml": DOCX_TYPES, "_rels/.rels": DOCX_RELS, "word/document.xml": _document(body)},
        stored=stored,
    )


def _tc(text: str, props: str = "") -> str:
    return f"<w:tc>{props and f'<w:tcPr>{props}</w:tcPr>'}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def _read(path: Path) -> Outcome:
    return run_bounded(read_evaluations, path, seconds=SECONDS, mib=MIB)


def _too_large(outcome: Outcome, limit: str, what: str = "") -> None:
    message = expect_error(outcome, "[too-large]", what)
    assert limit in message, message[:2000]
    assert "too large" in message


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    spec = importlib.util.spec_from_file_location(
        "build_form_fixtures", ROOT / "scripts" / "build_form_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    build_all = cast(Callable[[Path], dict[str, Path]], module.build_all)
    return build_all(tmp_path_factory.mktemp("forms"))


def _patched(source: Path, target: Path, member: str, change: Callable[[str], str]) -> Path:
    """``source`` with one member rewritten, every other member as it was."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == member:
                data = change(data.decode("utf-8")).encode("utf-8")
            new.writestr(info.filename, data)
    return target


def _insert_before(tag: str, text: str) -> Callable[[str], str]:
    return lambda xml: xml.replace(tag, text + tag, 1)


# -- Excel: the used area ------------------------------------------------------------------


def test_one_value_at_the_last_cell_of_the_sheet(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "far.xlsx", _sheet('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))
    assert path.stat().st_size < 2048
    outcome = _read(path)
    _too_large(outcome, "MAX_ROWS")
    assert "Sheet1!XFD1048576" in outcome.message


def test_a_far_value_next_to_a_realistic_form_is_too_large_not_dropped(
    forms: dict[str, Path], tmp_path: Path
) -> None:
    path = _patched(
        forms["sichuan.xlsx"],
        tmp_path / "far.xlsx",
        "xl/worksheets/sheet1.xml",
        _insert_before(
            "</sheetData>", '<row r="60000"><c r="B60000" t="inlineStr"><is><t>x</t></is></c></row>'
        ),
    )
    _too_large(_read(path), "Sheet1!B60000")


@pytest.mark.parametrize("ref", ["A1:XFD1048576", "A1:XFD1", "B3:B1048576", "A1:ZZZ9999999"])
def test_merges_over_the_whole_sheet_are_clipped_to_the_values(
    forms: dict[str, Path], tmp_path: Path, ref: str
) -> None:
    path = _patched(
        forms["sichuan.xlsx"],
        tmp_path / "merge.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda xml: (
            xml.replace("<mergeCells", f'<mergeCells><mergeCell ref="{ref}"/></mergeCells><mergeCells', 1)
            if "<mergeCells" in xml
            else xml.replace("</sheetData>", f'</sheetData><mergeCells><mergeCell ref="{ref}"/></mergeCells>')
        ),
    )
    outcome = _read(path)
    assert_clean(outcome, ref)


def test_a_title_merged_across_every_column_reads_as_before(forms: dict[str, Path], tmp_path: Path) -> None:
    expected = _read(forms["sichuan.xlsx"])
    assert expected.kind == "ok", str(expected)

    def widen(xml: str) -> str:
        assert 'ref="A1:J1"' in xml
        return xml.replace('ref="A1:J1"', 'ref="A1:XFD1"', 1)

    got = _read(_patched(forms["sichuan.xlsx"], tmp_path / "title.xlsx", "xl/worksheets/sheet1.xml", widen))
    assert got.kind == "ok", str(got)
    assert [e.rows for e in got.value] == [e.rows for e in expected.value]


def test_many_overlapping_merges_are_too_large(tmp_path: Path) -> None:
    merges = "".join('<mergeCell ref="A1:CV1000"/>' for _ in range(20_000))
    sheet = _sheet(
        '<row r="1000"><c r="CV1000"><v>1</v></c></row>', after=f"<mergeCells>{merges}</mergeCells>"
    )
    _too_large(_read(xlsx(tmp_path / "overlap.xlsx", sheet)), "MAX_CELLS")


def test_a_million_rows_in_a_small_file(tmp_path: Path) -> None:
    def rows(stream: Any) -> None:
        stream.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'.encode())
        chunk = b"<row><c><v>1</v></c></row>" * 10_000
        for _ in range(100):
            stream.write(chunk)
        stream.write(b"</sheetData></worksheet>")

    path = xlsx(tmp_path / "rows.xlsx", rows)
    assert path.stat().st_size < 200_000
    _too_large(_read(path), "xl/worksheets/sheet1.xml")
    stored = xlsx(tmp_path / "stored.xlsx", rows, stored=True)  # 26 MB on disk: the size alone
    _too_large(_read(stored), "MAX_XML_BYTES")


def test_rows_beyond_the_limit_within_the_xml_limit(tmp_path: Path) -> None:
    data = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(1, limits.MAX_ROWS + 2))
    _too_large(_read(xlsx(tmp_path / "rows.xlsx", _sheet(data))), "MAX_ROWS")


def test_ten_thousand_columns(tmp_path: Path) -> None:
    from openpyxl.utils import get_column_letter

    data = (
        '<row r="1">'
        + "".join(f'<c r="{get_column_letter(c)}1"><v>{c}</v></c>' for c in range(1, 10_001))
        + "</row>"
    )
    _too_large(_read(xlsx(tmp_path / "wide.xlsx", _sheet(data))), "MAX_COLUMNS")


def test_many_empty_styled_cells_are_bounded(tmp_path: Path) -> None:
    data = '<row><c s="0"/><c s="0"/><c s="0"/><c s="0"/><c s="0"/></row>' * 110_000  # 5.8 MB
    _too_large(_read(xlsx(tmp_path / "styled.xlsx", _sheet(data), stored=True)), "MAX_SHEET_ELEMENTS")


def test_a_lying_dimension_is_ignored(forms: dict[str, Path], tmp_path: Path) -> None:
    expected = _read(forms["sichuan.xlsx"])
    for ref in ("A1:XFD1048576", "A1"):
        path = _patched(
            forms["sichuan.xlsx"],
            tmp_path / f"dim{len(ref)}.xlsx",
            "xl/worksheets/sheet1.xml",
            _dimension(ref),
        )
        got = _read(path)
        assert got.kind == "ok", f"{ref}: {got}"
        assert got.value == [attrs_evolve_source(e, str(path)) for e in expected.value]


def _dimension(ref: str) -> Callable[[str], str]:
    def change(xml: str) -> str:
        return re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>', xml, count=1)

    return change


def attrs_evolve_source(evaluation: Any, source: str) -> Any:
    import attrs

    return attrs.evolve(evaluation, source=source)


def test_a_huge_cell_text(tmp_path: Path) -> None:
    sheet = _sheet(f'<row r="1"><c r="A1" t="inlineStr"><is><t>{"预算" * 100_000}</t></is></c></row>')
    outcome = _read(xlsx(tmp_path / "text.xlsx", sheet))
    _too_large(outcome, "MAX_CELL_CHARS")
    assert "Sheet1!A1" in outcome.message


def test_a_shared_strings_bomb(tmp_path: Path) -> None:
    def strings(stream: Any) -> None:
        stream.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}">'.encode())
        chunk = b"<si><t>x</t></si>" * 100_000
        for _ in range(300):  # 510 MB of strings, deflated to well under a MB
            stream.write(chunk)
        stream.write(b"</sst>")

    path = xlsx(tmp_path / "sst.xlsx", _sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), strings)
    assert path.stat().st_size < 3_000_000
    outcome = _read(path)
    _too_large(outcome, "xl/sharedStrings.xml")


def test_a_zip_bomb_member(tmp_path: Path) -> None:
    def spaces(stream: Any) -> None:
        stream.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'.encode())
        chunk = b" " * (1 << 20)
        for _ in range(1600):  # 1.6 GB
            stream.write(chunk)
        stream.write(b"</sheetData></worksheet>")

    path = xlsx(tmp_path / "bomb.xlsx", spaces)
    assert path.stat().st_size < 2_000_000
    _too_large(_read(path), "MAX_XML_BYTES")


def test_a_member_with_an_extreme_ratio_under_the_size_limits(tmp_path: Path) -> None:
    image = b"\0" * (4 * 1024 * 1024)
    path = _zip(
        tmp_path / "ratio.docx",
        {
            "[Content_Types].xml": DOCX_TYPES,
            "_rels/.rels": DOCX_RELS,
            "word/document.xml": _document(""),
            "word/media/a.png": image,
        },
    )
    _too_large(_read(path), "MAX_COMPRESSION_RATIO")


def test_too_many_members(tmp_path: Path) -> None:
    members: dict[str, Any] = {f"word/media/{i}.png": b"" for i in range(limits.MAX_MEMBERS + 1)}
    members.update(
        {"[Content_Types].xml": DOCX_TYPES, "_rels/.rels": DOCX_RELS, "word/document.xml": _document("")}
    )
    _too_large(_read(_zip(tmp_path / "members.docx", members)), "MAX_MEMBERS")


def test_a_declared_size_that_lies(tmp_path: Path) -> None:
    """The central directory says 10 bytes: zipfile yields at most that, and its CRC fails."""
    path = xlsx(tmp_path / "lie.xlsx", _sheet('<row r="1"><c r="A1"><v>1</v></c></row>' * 200))
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    at = data.find(b"PK\x01\x02")
    while at >= 0:  # central directory entries: uncompressed size at +24, name length at +28
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + length] == name:
            data[at + 24 : at + 28] = (10).to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    expect_error(_read(path), "[file-unreadable]")


# -- Word -----------------------------------------------------------------------------------


def test_a_grid_span_of_a_hundred_million(tmp_path: Path) -> None:
    span = _tc("a", '<w:gridSpan w:val="100000000"/>')
    body = f"<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>{span}{_tc('b')}</w:tr></w:tbl>"
    path = docx(tmp_path / "span.docx", body)
    assert path.stat().st_size < 1024
    assert_clean(_read(path))
    grids = run_bounded(docx_grids, path, seconds=SECONDS, mib=MIB)
    assert grids.kind == "ok", str(grids)
    assert [[cell.text for cell in row] for row in grids.value[0]] == [["a", "b"]]  # both cells kept


def test_grid_before_and_spans_are_clipped_but_keep_every_cell(tmp_path: Path) -> None:
    before = '<w:trPr><w:gridBefore w:val="99999999999999999999"/></w:trPr>'
    span = _tc("a", '<w:gridSpan w:val="7"/>')
    row = f"<w:tr>{before}{span}{_tc('b')}{_tc('c')}</w:tr>"
    body = f"<w:tbl><w:tblGrid>{'<w:gridCol/>' * 4}</w:tblGrid>{row}</w:tbl>"
    grids = run_bounded(docx_grids, docx(tmp_path / "before.docx", body), seconds=SECONDS, mib=MIB)
    assert grids.kind == "ok", str(grids)
    assert [cell.text for cell in grids.value[0][0]] == ["", "a", "b", "c"]


def test_a_hundred_thousand_rows(tmp_path: Path) -> None:
    def rows(stream: Any) -> None:
        stream.write(b"<w:tbl>")
        stream.write(b"<w:tr><w:tc><w:p/></w:tc></w:tr>" * 100_000)
        stream.write(b"</w:tbl>")

    _too_large(_read(docx(tmp_path / "rows.docx", rows, stored=True)), "MAX_ROWS")


def test_a_table_with_ten_thousand_columns(tmp_path: Path) -> None:
    wide = "<w:tbl><w:tr>" + "<w:tc><w:p/></w:tc>" * 10_000 + "</w:tr></w:tbl>"
    _too_large(_read(docx(tmp_path / "wide.docx", wide)), "MAX_COLUMNS")
    grid = (
        "<w:tbl><w:tblGrid>"
        + "<w:gridCol/>" * 10_000
        + "</w:tblGrid><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>"
    )
    _too_large(_read(docx(tmp_path / "grid.docx", grid)), "MAX_COLUMNS")


def test_many_paragraphs(tmp_path: Path) -> None:
    body = "<w:p><w:r><w:t>x</w:t></w:r></w:p>" * (limits.MAX_ROWS + 1)
    _too_large(_read(docx(tmp_path / "paragraphs.docx", body)), "MAX_ROWS")


def test_deeply_nested_tables(tmp_path: Path) -> None:
    depth = 3_000
    body = "<w:tbl><w:tr><w:tc>" * depth + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * depth
    assert_clean(_read(docx(tmp_path / "nested.docx", body)))


def test_a_long_vmerge_chain_of_a_long_text(tmp_path: Path) -> None:
    restart = _tc("说明" * 15_000, '<w:vMerge w:val="restart"/>')
    first = f"<w:tr>{restart}{_tc('x')}</w:tr>"
    rest = f"<w:tr>{_tc('', '<w:vMerge/>')}{_tc('y')}</w:tr>" * 9_000
    body = f"<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>{first}{rest}</w:tbl>"
    outcome = _read(docx(tmp_path / "vmerge.docx", body))
    assert_clean(outcome)
    assert outcome.elapsed < SECONDS


def test_a_huge_word_cell(tmp_path: Path) -> None:
    body = f"<w:tbl><w:tr>{_tc('预' * 40_000)}</w:tr></w:tbl>"
    outcome = _read(docx(tmp_path / "cell.docx", body))
    _too_large(outcome, "MAX_CELL_CHARS")
    assert "表1 R1C1" in outcome.message


# -- the package: not what its name says, corrupt, odd -----------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("random.xlsx", bytes(range(256)) * 8, "not a zip package"),
        ("empty.xlsx", b"", "empty file"),
        ("empty.docx", b"", "empty file"),
        ("ole.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "password-protected"),
        ("text.docx", "项目支出绩效自评表".encode() * 50, "not a zip package"),
    ],
)
def test_files_that_are_not_office_packages(tmp_path: Path, name: str, content: bytes, fragment: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    message = expect_error(_read(path), fragment)
    assert "[file-unreadable]" in message


def test_a_docx_named_xlsx_and_the_reverse_read_as_what_they_are(
    forms: dict[str, Path], tmp_path: Path
) -> None:
    """The kind comes from the content (issue 14): a renamed form reads exactly as its original."""
    word = tmp_path / "word.xlsx"
    word.write_bytes(forms["sichuan.docx"].read_bytes())
    excel = tmp_path / "excel.docx"
    excel.write_bytes(forms["sichuan.xlsx"].read_bytes())
    for renamed, original in ((word, "sichuan.docx"), (excel, "sichuan.xlsx")):
        outcome = _read(renamed)
        assert outcome.kind == "ok", outcome
        expected = read_evaluations(forms[original])
        assert [attrs.evolve(e, source="") for e in outcome.value] == [
            attrs.evolve(e, source="") for e in expected
        ]


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.99])
def test_a_truncated_zip(forms: dict[str, Path], tmp_path: Path, cut: float) -> None:
    data = forms["seed.xlsx"].read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: int(len(data) * cut)])
    expect_error(_read(path), "[file-unreadable]")


@pytest.mark.parametrize(
    "member", ["../../evil.xml", "/etc/evil.xml", "xl/../../evil.xml", "C:/evil.xml", "xl\\..\\evil.xml"]
)
def test_odd_member_names(tmp_path: Path, member: str) -> None:
    path = xlsx(tmp_path / "odd.xlsx", _sheet(""))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(member, "<x/>")
    expect_error(_read(path), "refused: a zip member")


def test_a_member_stored_twice(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "twice.xlsx", _sheet(""))
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", _sheet('<row r="1"><c r="A1"><v>1</v></c></row>'))
    expect_error(_read(path), "stored twice")


# -- XML entities --------------------------------------------------------------------------


@pytest.mark.parametrize("doctype", [BILLION_LAUGHS, XXE])
def test_entity_declarations_are_refused(tmp_path: Path, doctype: str) -> None:
    entity = "&lol9;" if "lol" in doctype else "&xxe;"
    strings = _strings([entity], prologue=doctype)
    path = xlsx(tmp_path / "sst.xlsx", _sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), strings)
    expect_error(_read(path), "document type declaration")
    body = (
        doctype
        + f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>{entity}</w:t></w:r></w:p></w:body></w:document>'
    )
    path = _zip(
        tmp_path / "doc.docx",
        {"[Content_Types].xml": DOCX_TYPES, "_rels/.rels": DOCX_RELS, "word/document.xml": body},
    )
    expect_error(_read(path), "document type declaration")
    utf16 = _zip(
        tmp_path / "doc16.docx",
        {
            "[Content_Types].xml": DOCX_TYPES,
            "_rels/.rels": DOCX_RELS,
            "word/document.xml": body.replace(
                'version="1.0"?>', 'version="1.0" encoding="UTF-16"?>', 1
            ).encode("utf-16"),
        },
    )
    expect_error(_read(utf16), "document type declaration")


def _lxml_as_python_docx(xml: str) -> str:
    from docx.oxml.parser import parse_xml

    return "".join(parse_xml(xml.encode()).itertext())


def _expat_as_openpyxl(xml: str) -> str:
    from openpyxl.xml.functions import iterparse

    return "".join(element.text or "" for _, element in iterparse(io.BytesIO(xml.encode())))


@pytest.mark.parametrize("parse", [_lxml_as_python_docx, _expat_as_openpyxl])
def test_the_xml_parsers_underneath_refuse_entities_too(parse: Callable[[str], str]) -> None:
    """The libraries' own parsers, without perfscore's DTD check: no expansion, no file read."""
    laughs = run_bounded(parse, BILLION_LAUGHS + "<r>&lol9;</r>", seconds=SECONDS, mib=MIB)
    assert laughs.kind in ("ok", "raised"), str(laughs)
    if laughs.kind == "ok":
        assert len(laughs.value) < 1000, len(laughs.value)
    xxe = run_bounded(parse, XXE + "<r>&xxe;</r>", seconds=SECONDS, mib=MIB)
    assert xxe.kind in ("ok", "raised"), str(xxe)
    assert "root:" not in str(xxe.value)


# -- the decimal context and the realistic forms --------------------------------------------


def _read_in_hostile_context(path: Path) -> list[Any]:
    hostile = decimal.Context(prec=2, rounding=decimal.ROUND_DOWN, traps=[], Emax=4, Emin=-4)
    with decimal.localcontext(hostile):
        return read_evaluations(path)


def test_amounts_do_not_depend_on_the_callers_decimal_context(forms: dict[str, Path], tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(forms["seed.xlsx"])
    workbook["附件4-1"]["F7"] = 89.974  # 全年执行数
    workbook["附件4-1"]["G14"] = 12.3456  # a 分值
    path = tmp_path / "amounts.xlsx"
    workbook.save(str(path))
    plain = run_bounded(read_evaluations, path, seconds=SECONDS, mib=MIB)
    hostile = run_bounded(_read_in_hostile_context, path, seconds=SECONDS, mib=MIB)
    assert plain.kind == hostile.kind == "ok", (str(plain), str(hostile))
    assert hostile.value == plain.value
    fund = plain.value[1]
    assert fund.budget.lines[0].executed == Decimal("89.974")
    for kind in ("sichuan.xlsx", "seed.xlsx", "seed-projects.docx"):
        assert run_bounded(_read_in_hostile_context, forms[kind]).value == _read(forms[kind]).value


def test_the_realistic_forms_read_within_the_bounds(forms: dict[str, Path]) -> None:
    for name, path in forms.items():
        outcome = run_bounded(read_evaluations, path, seconds=SECONDS, mib=256)
        assert outcome.kind == "ok", f"{name}: {outcome}"


def test_a_grid_row_of_many_distinct_cells_is_read_in_linear_time() -> None:
    row = [Cell(f"t{c}", f"S!{c}") for c in range(50_000)]
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "自评得分"]
    grid = [
        row,
        [Cell(text, f"S!H{c}") for c, text in enumerate(header)],
        [Cell("  " * 50_000 + "总分", "S!A9")] * 50,
    ]
    outcome = run_bounded(evaluations_from_grid, grid, seconds=SECONDS, mib=MIB)
    assert outcome.kind == "ok", str(outcome)
    assert outcome.elapsed < 5
