"""The fast paths of the Word and Excel readers give exactly what the plain ones give.

Each fast path (issue 14, reading speed) is compared with the straightforward code it replaced,
on documents, sheets and zip packages Hypothesis draws to hit every branch: nested tables, runs
inside other elements, several ``w:tcPr``, spans and merges past the edges, overlapping merged
ranges, every kind of value calamine gives, corrupt zip members. Limits are lowered so that the
same error, naming the same cell, must come first.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from typing import Any, Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfscore.errors import EvaluationError
from perfscore.evaluations import docx, limits, package, sheets, sheetscan
from perfscore.evaluations.grid import Cell, cells
from perfscore.evaluations.problems import too_large

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# -- Word -------------------------------------------------------------------------------------

_TEXT = st.text(alphabet=" a中\t", max_size=4)
_ITEM = st.one_of(
    _TEXT.map(lambda t: f'<w:t xml:space="preserve">{t}</w:t>'),
    st.just("<w:t>a<!--note-->b</w:t>"),
    st.just("<w:t/>"),
    st.sampled_from(["<w:tab/>", "<w:ptab/>", "<w:cr/>", "<w:noBreakHyphen/>", "<w:rPr><w:b/></w:rPr>"]),
    st.sampled_from(["<w:br/>", '<w:br w:type="page"/>', '<w:br w:type="textWrapping"/>']),
    st.just("<w:drawing><w:txbxContent><w:p><w:r><w:t>box</w:t></w:r></w:p></w:txbxContent></w:drawing>"),
)
_RUN = st.lists(_ITEM, max_size=3).map(lambda items: f"<w:r>{''.join(items)}</w:r>")
_CONTENT = st.one_of(
    _RUN,
    st.lists(_RUN, max_size=2).map(lambda runs: f"<w:hyperlink>{''.join(runs)}</w:hyperlink>"),
    _RUN.map(lambda run: f"<w:ins>{run}</w:ins>"),
    st.just("<w:hyperlink><w:t>direct</w:t></w:hyperlink>"),
    st.just("<w:t>in p</w:t>"),
    st.just('<w:pPr><w:tabs><w:tab w:val="left"/></w:tabs></w:pPr>'),
)
_PARAGRAPH = st.lists(_CONTENT, max_size=3).map(lambda parts: f"<w:p>{''.join(parts)}</w:p>")
_PROPERTY = st.sampled_from(
    [
        '<w:tcW w:w="960"/>',
        '<w:gridSpan w:val="2"/>',
        '<w:gridSpan w:val="9"/>',
        '<w:gridSpan w:val="x"/>',
        "<w:vMerge/>",
        '<w:vMerge w:val="restart"/>',
        '<w:vMerge w:val="continue"/>',
    ]
)
_TC_PR = st.lists(_PROPERTY, max_size=3).map(lambda props: f"<w:tcPr>{''.join(props)}</w:tcPr>")
_TR_PR = st.sampled_from(
    [
        "",
        "<w:trPr/>",
        '<w:trPr><w:gridBefore w:val="1"/></w:trPr>',
        '<w:trPr><w:gridBefore w:val="3"/></w:trPr>',
    ]
)


def _table(depth: int) -> st.SearchStrategy[str]:
    inner = st.just("") if depth == 0 else st.one_of(st.just(""), _table(depth - 1))
    tc = st.tuples(st.lists(_TC_PR, max_size=2), st.lists(_PARAGRAPH, max_size=2), inner).map(
        lambda t: f"<w:tc>{t[0][0] if t[0] else ''}{''.join(t[1])}{t[2]}{''.join(t[0][1:])}</w:tc>"
    )
    tr = st.tuples(st.lists(_TR_PR, max_size=2), st.lists(tc, max_size=4)).map(
        lambda t: f"<w:tr>{''.join(t[0])}{''.join(t[1])}</w:tr>"
    )
    row = st.one_of(tr, tr, tr.map(lambda r: f"<w:sdt><w:sdtContent>{r}</w:sdtContent></w:sdt>"))
    return st.tuples(st.integers(0, 4), st.lists(row, max_size=5)).map(
        lambda t: f"<w:tbl><w:tblGrid>{'<w:gridCol/>' * t[0]}</w:tblGrid>{''.join(t[1])}</w:tbl>"
    )


_BODY = st.lists(st.one_of(_PARAGRAPH, _table(1)), max_size=4).map("".join)


def _docx(body: str) -> bytes:
    document = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def _outcome(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except EvaluationError as exc:
        return str(exc)


@given(
    body=_BODY,
    columns=st.sampled_from([3, 256]),
    rows=st.sampled_from([4, 10_000]),
    chars=st.sampled_from([3, 32_767]),
)
def test_the_one_pass_table_reader_reads_what_the_walk_down_each_cell_reads(
    body: str, columns: int, rows: int, chars: int
) -> None:
    data = _docx(body)
    with pytest.MonkeyPatch.context() as patch:
        for limit, value in (("MAX_COLUMNS", columns), ("MAX_ROWS", rows), ("MAX_CELL_CHARS", chars)):
            patch.setattr(docx, limit, value)
        fast = _outcome(docx.docx_from_bytes, data, "form.docx")
        patch.setattr(
            docx,
            "_fast_table",
            lambda table, n, budget: list(docx._table(table, n, docx._paragraph_text, budget)),
        )
        walked = _outcome(docx.docx_from_bytes, data, "form.docx")
    assert fast == walked


# -- Excel ------------------------------------------------------------------------------------


class _FakeSheet:
    """What read_sheets takes from a calamine sheet."""

    def __init__(self, values: list[list[Any]], top: int, left: int, merges: list[Any]) -> None:
        self.values, self.merged_cell_ranges = values, merges
        self.height = len(values)
        self.width = max((len(row) for row in values), default=0)
        self.start = (top, left)
        self.end = (top + max(self.height - 1, 0), left + max(self.width - 1, 0))

    def to_python(self, skip_empty_area: bool = True) -> list[list[Any]]:
        return self.values


def _limit(name: str) -> int:
    """A limit as :mod:`.sheets` sees it (the tests lower some)."""
    return int(vars(sheets)[name])


def _old_grid(sheet: Any, fake: _FakeSheet) -> list[list[Cell]]:
    """The grid as sheets.py built it before: a dict of texts, then a Cell per cell."""
    if fake.height == 0 or fake.width == 0:
        return []
    (top, left), (bottom, right) = fake.start, fake.end
    sheet.bounds(bottom + 1, right + 1)
    if fake.height * fake.width > _limit("MAX_CELLS"):
        sheet.too_large(
            sheet.title,
            "cells in a worksheet's used area",
            f"{fake.height:,} rows × {fake.width:,} columns",
            f"at most {_limit('MAX_CELLS'):,} (MAX_CELLS)",
        )
    texts: dict[tuple[int, int], str] = {}
    last_row = last_column = 0
    for r, values in enumerate(fake.to_python(), top + 1):
        for c, value in enumerate(values, left + 1):
            if value == "" or value is None:
                continue
            text = value.strip() if type(value) is str else sheets._text(value, (r, c) in sheet.percent)
            if len(text) > _limit("MAX_CELL_CHARS"):
                sheet.text(text, r, c)
            texts[(r, c)] = text
            last_row, last_column = r, max(last_column, c)
    sheet.prefixes = ["", *(f"{sheet.ref}!{sheetscan.column_letters(c)}" for c in range(1, last_column + 1))]
    merged: dict[tuple[int, int], Cell] = {}
    covered = 0
    for (t, lf), (b, rt) in fake.merged_cell_ranges:
        t, lf, b, rt = t + 1, lf + 1, b + 1, rt + 1
        if t > last_row or lf > last_column:
            continue
        b, rt = min(b, last_row), min(rt, last_column)
        covered += (b - t + 1) * (rt - lf + 1)
        if covered > _limit("MAX_CELLS"):
            sheet.too_large(
                sheet.title,
                "cells covered by merged ranges",
                f"more than {_limit('MAX_CELLS'):,}",
                f"at most {_limit('MAX_CELLS'):,} (MAX_CELLS)",
            )
        anchor, text = sheet.address(t, lf), texts.get((t, lf), "")
        for r in range(t, b + 1):
            for c in range(lf, rt + 1):
                if (r, c) != (t, lf):
                    merged[(r, c)] = Cell(text if c == lf else "", f"{sheet.prefixes[c]}{r}", anchor)
    return [
        [
            merged.get((r, c)) or Cell(texts.get((r, c), ""), f"{sheet.prefixes[c]}{r}")
            for c in range(1, last_column + 1)
        ]
        for r in range(1, last_row + 1)
    ]


_VALUE = st.one_of(
    st.just(""),
    st.none(),
    st.text(alphabet=" a中", max_size=4),
    st.floats(),
    st.floats(min_value=-1e6, max_value=1e6).map(lambda f: round(f, 2)),
    st.integers(-(10**30), 10**30),
    st.booleans(),
)
_RANGE = st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 3), st.integers(0, 3)).map(
    lambda t: ((t[0], t[1]), (t[0] + t[2], t[1] + t[3]))
)


@given(
    values=st.lists(st.lists(_VALUE, min_size=1, max_size=5), max_size=6),
    corner=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    merges=st.lists(_RANGE, max_size=5),
    percent=st.sets(st.tuples(st.integers(1, 8), st.integers(1, 8)), max_size=6),
    chars=st.sampled_from([2, 32_767]),
    covered=st.sampled_from([6, 500_000]),
)
def test_the_sheet_grid_is_the_one_built_a_cell_at_a_time(
    values: list[list[Any]],
    corner: tuple[int, int],
    merges: list[Any],
    percent: set[Any],
    chars: int,
    covered: int,
) -> None:
    width = max((len(row) for row in values), default=0)
    fake = _FakeSheet([row + [""] * (width - len(row)) for row in values], *corner, merges)
    scan = sheetscan.Scan()
    scan.percent = percent
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sheets, "MAX_CELL_CHARS", chars)
        patch.setattr(sheets, "MAX_CELLS", covered)
        new = _outcome(sheets._Sheet("form.xlsx", "Sheet 1", scan).grid, fake)
        old = _outcome(_old_grid, sheets._Sheet("form.xlsx", "Sheet 1", scan), fake)
    assert new == old


@given(st.floats() | st.floats(min_value=-1e20, max_value=1e20).map(lambda f: round(f, 4)))
def test_a_float_reads_as_its_decimal_does(value: float) -> None:
    assert sheets._float_text(value) == sheets._text(value, False)
    assert (
        sheets._float_text(value) == sheets._plain(Decimal(repr(value)))
        or not Decimal(repr(value)).is_finite()
    )


@given(st.lists(st.text(alphabet="ab", max_size=3), max_size=5), st.sampled_from(["", "Z1"]))
def test_cells_are_the_cells_the_class_builds(texts: list[str], anchor: str) -> None:
    addresses = [f"A{n}" for n in range(len(texts))]
    assert cells(texts, addresses, anchor) == [Cell(t, a, anchor) for t, a in zip(texts, addresses)]
    assert cells(texts, addresses, texts) == [Cell(t, a, t) for t, a in zip(texts, addresses)]


_REF = st.tuples(
    st.sampled_from(["", "$"]),
    st.text(alphabet="AZaz", min_size=1, max_size=4),
    st.sampled_from(["", "$"]),
    st.text(alphabet="0123456789", min_size=1, max_size=9),
).map("".join)
_SPACE = st.sampled_from(["", " ", "  \n"])
_QUOTE = st.sampled_from(['"', "'"])


@given(
    st.lists(
        st.one_of(
            st.tuples(_SPACE, _QUOTE, _REF, st.sampled_from(["/>", "><v>1</v></c>"])).map(
                lambda t: f'<c r{t[0]}={t[0]}{t[1]}{t[2]}{t[1]} s="3"{t[3]}'
            ),
            st.tuples(_QUOTE, st.text(alphabet="0123456789", min_size=1, max_size=9), st.booleans()).map(
                lambda t: f"<row r={t[0]}{t[1]}{t[0]}>{'<c><v>1</v></c>' if t[2] else ''}</row>"
            ),
            st.sampled_from(['<x:c r="A1" s="12"/>', '<dimension ref="A1:XFD9"/>', 'arr="AB12"']),
        ),
        max_size=6,
    ).map(lambda parts: "".join(parts).encode()),
    st.sets(st.integers(0, 20), min_size=1, max_size=3),
)
def test_the_sheet_scan_skips_a_pattern_only_when_it_cannot_match(xml: bytes, styles: set[int]) -> None:
    if sheetscan._FAR_CELL.search(xml) or sheetscan._FAR_ROW.search(xml):
        assert sheetscan._FAR.search(xml)
    assert len(sheetscan._ELEMENT.findall(xml)) <= xml.count(b"<")
    new = _outcome(lambda: sheetscan._scan_sheet(xml, "f", "S", styles).percent)
    assert new == _outcome(_old_scan, xml, styles)


def _old_scan(xml: bytes, styles: set[int]) -> set[tuple[int, int]]:
    """sheetscan._scan_sheet before: every pattern run over the whole sheet."""
    elements = len(sheetscan._ELEMENT.findall(xml))
    if elements > limits.MAX_SHEET_ELEMENTS:
        too_large("f", "S", "rows, cells and merged ranges stored in a worksheet", f"{elements:,}", "")
    for match in sheetscan._FAR_CELL.finditer(xml):
        if not match.group(2):
            sheetscan._check_reference(match.group(1), "f", "S")
    for match in sheetscan._FAR_ROW.finditer(xml):
        if int(match.group(1)) > limits.MAX_ROWS and sheetscan._VALUE.search(match.group(2)):
            sheetscan._beyond("f", "S", int(match.group(1)), 1)
    joined = b"|".join(str(style).encode() for style in sorted(styles))
    percent = re.compile(
        rb"<(?:[A-Za-z_][\w.-]{0,20}:)?c\b[^>]{0,2000}?\bs\s{0,5}=\s{0,5}[\"'](?:"
        + joined
        + rb")[\"'][^>]{0,2000}>"
    )
    found = set()
    for match in percent.finditer(xml):
        where = sheetscan._R.search(match.group(0))
        if where is not None:
            found.add((int(where.group(2)), sheetscan._column_number(where.group(1).decode("ascii").upper())))
    return found


# -- the package ------------------------------------------------------------------------------


def _members(contents: list[bytes], deflate: list[bool]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n, (content, deflated) in enumerate(zip(contents, deflate)):
            kind = zipfile.ZIP_DEFLATED if deflated else zipfile.ZIP_STORED
            archive.writestr(f"m{n}.xml", content, compress_type=kind)
    return out.getvalue()


def _zipfile_read(data: bytes, info: zipfile.ZipInfo, limit: int) -> Optional[bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(info.filename) as member:
            return member.read(limit)
    except Exception:
        return None


@given(
    st.lists(st.binary(max_size=300) | st.just(b"<a>" * 200), min_size=1, max_size=3),
    st.lists(st.booleans(), min_size=3, max_size=3),
    st.integers(0, 2000),
    st.integers(1, 700),
    st.sampled_from([None, 0, 255]),
)
def test_a_member_read_from_the_bytes_is_what_zipfile_reads(
    contents: list[bytes], deflate: list[bool], at: int, limit: int, byte: Optional[int]
) -> None:
    data = _members(contents, deflate)
    if byte is not None and at < len(data):
        data = data[:at] + bytes([byte]) + data[at + 1 :]  # a corrupt byte anywhere
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except Exception:
        return
    for info in infos:
        direct = package._direct(data, info, limit)
        if direct is not None:
            assert direct == _zipfile_read(data, info, limit)
