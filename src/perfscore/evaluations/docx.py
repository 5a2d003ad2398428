"""A Word form (.docx) as one :data:`~.grid.Grid`: its paragraphs and tables, in document order.

Each non-empty paragraph is a one-cell row addressed ``段3`` (the document's third paragraph);
each table row is a row of cells on the table's grid, addressed ``表1 R14C4`` (the first table,
row 14, grid column 4, 1-based). A ``gridSpan`` repeats nothing: the cells it covers are blank
with ``anchor`` set; a ``vMerge`` continuation repeats the cell above. Rows, cells and the text
of one cell are counted against :mod:`.limits` as they are read.

The document part is parsed by lxml directly (as python-docx parses it, with no entities and
no network) and its text taken as python-docx's ``Paragraph.text`` gives it (runs and hyperlinks;
``w:tab`` → tab, a text-wrapping ``w:br`` or ``w:cr`` → new line, ``w:noBreakHyphen`` → "-"):
ten times faster than building python-docx's document. Each table is read in one pass over
its elements (:func:`_scan_rows`: an element counts only when its parent is the one it must be a
child of) and its cells built at once. ``legacy=True`` reads through python-docx itself and
walks down each cell, for the benchmark and the tests that both give the same grid. The package
is checked first by :func:`~.package.check_package`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator, Mapping
from itertools import repeat
from pathlib import Path
from typing import Any, NoReturn, Optional

from .grid import Cell, Grid, cells
from .limits import MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_ROWS
from .package import read_package
from .problems import too_large

__all__ = ["docx_from_bytes", "docx_grids", "read_docx", "word_parsed"]


def docx_grids(path: Path) -> list[Grid]:
    """One grid for the whole document: each non-empty paragraph a one-cell row, each table's
    rows as they are, in document order. Raises :class:`EvaluationError` for a file beyond the
    limits, and what python-docx raises for a broken file."""
    return read_docx(Path(path), str(path))


def read_docx(path: Path, name: str) -> list[Grid]:
    """:func:`docx_grids` of ``path``, its problems naming the file ``name``."""
    return docx_from_bytes(read_package(path, name, "Word"), name)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _R, _HYPERLINK = (W + tag for tag in ("p", "tbl", "tr", "tc", "r", "hyperlink"))
_RUN_TEXT = {W + "t": None, W + "tab": "\t", W + "ptab": "\t", W + "cr": "\n", W + "noBreakHyphen": "-"}
_BR = W + "br"
_T = W + "t"
_ITEM_TEXT = {W + "tab": "\t", W + "ptab": "\t", W + "cr": "\n", W + "noBreakHyphen": "-"}
_ITEMS = frozenset((_T, _BR, *_ITEM_TEXT))
"""The elements of a run that :func:`_paragraph_text` reads."""
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def qn(tag: str) -> str:
    """``w:tcPr`` as its Clark name, as python-docx's ``qn`` gives it."""
    return W + tag.split(":", 1)[1]


def docx_from_bytes(
    data: bytes,
    name: str,
    *,
    legacy: bool = False,
    parts: Optional[Mapping[str, bytes]] = None,
    archive: Optional[zipfile.ZipFile] = None,
) -> list[Grid]:
    """:func:`docx_grids` of a package already checked by :func:`~.package.check_package`;
    ``parts`` the members that check read whole (its ``keep``), not decompressed again;
    ``archive`` the package already open (:func:`~.package.open_zip`)."""
    body, text_of = _legacy_body(data) if legacy else _body(data, parts or {}, archive)
    budget = _Budget(name)
    rows: list[list[Cell]] = []
    paragraphs = tables = 0
    for child in body.iterchildren():
        if child.tag == _P:
            paragraphs += 1
            text = text_of(child).strip()
            if text:
                where = f"段{paragraphs}"
                budget.text(where, text)
                budget.row(where, 1)
                rows.append([Cell(text, where)])
        elif child.tag == _TBL:
            tables += 1
            rows.extend(
                _table(child, tables, text_of, budget) if legacy else _fast_table(child, tables, budget)
            )
    return [rows]


def word_parsed(member: str) -> bool:
    """The members :func:`docx_from_bytes` parses: the package's relationships and the main
    document part (python-docx, the legacy reader, parses every part)."""
    return member == "_rels/.rels" or member.lower().endswith("document.xml")


def _body(
    data: bytes, parts: Mapping[str, bytes], archive: Optional[zipfile.ZipFile] = None
) -> tuple[Any, Callable[[Any], str]]:
    """The ``w:body`` of the main document part, parsed as python-docx parses it; a member in
    ``parts`` is taken from there."""
    from lxml import etree  # type: ignore[import-untyped]

    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True, huge_tree=False)
    if archive is None:
        with zipfile.ZipFile(io.BytesIO(data)) as opened:
            return _body(data, parts, opened)
    part = _main_part(archive, parser, parts)
    root = etree.fromstring(_member(archive, part, parts), parser)
    body = root.find(W + "body")
    if body is None:
        raise ValueError(f"{part} has no w:body")
    return body, _paragraph_text


def _member(archive: Any, member: str, parts: Mapping[str, bytes]) -> bytes:
    kept = parts.get(member)
    return kept if kept is not None else bytes(archive.read(member))


def _main_part(archive: Any, parser: Any, parts: Mapping[str, bytes]) -> str:
    """The main document part, as the package's ``_rels/.rels`` names it."""
    from lxml import etree

    names = set(archive.namelist())
    if "_rels/.rels" in names:
        for rel in etree.fromstring(_member(archive, "_rels/.rels", parts), parser).iter(_RELS):
            if str(rel.get("Type", "")).endswith("/officeDocument"):
                target = str(rel.get("Target", "")).lstrip("/")
                if target in names and word_parsed(target):  # a part the package check scanned
                    return target
    return "word/document.xml"


def _paragraph_text(p: Any) -> str:
    """A ``w:p``'s text as python-docx's ``Paragraph.text`` gives it. Children are walked
    once each, by tag (lxml's tag-filtered iterators cost more than the comparison)."""
    parts: list[str] = []
    for child in p:
        if child.tag == _R:
            runs: Any = (child,)
        elif child.tag == _HYPERLINK:
            runs = [run for run in child if run.tag == _R]
        else:
            continue
        for run in runs:
            for item in run:
                tag = item.tag
                if tag in _RUN_TEXT:
                    parts.append(_RUN_TEXT[tag] or item.text or "")
                elif tag == _BR and item.get(W + "type", "textWrapping") == "textWrapping":
                    parts.append("\n")
    return "".join(parts)


def _legacy_body(data: bytes) -> tuple[Any, Callable[[Any], str]]:
    """The body and paragraph text through python-docx (the reader before issue 14)."""
    import docx
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    return document.element.body, lambda p: str(Paragraph(p, document).text)


class _Budget:
    """What one grid has used of :data:`~.limits.MAX_ROWS` and :data:`~.limits.MAX_CELLS`."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.rows = 0
        self.cells = 0

    def row(self, where: str, width: int) -> None:
        self.rows += 1
        self.cells += width
        if self.rows > MAX_ROWS:
            self.rows_exceeded(where)
        if self.cells > MAX_CELLS:
            too_large(
                self.file,
                where,
                "cells in the document",
                f"more than {MAX_CELLS:,}",
                f"at most {MAX_CELLS:,} (MAX_CELLS)",
            )

    def rows_exceeded(self, where: str) -> NoReturn:
        too_large(
            self.file,
            where,
            "rows in the document",
            f"more than {MAX_ROWS:,}",
            f"at most {MAX_ROWS:,} (MAX_ROWS)",
        )

    def columns_exceeded(self, where: str, what: str, count: int) -> NoReturn:
        too_large(self.file, where, what, f"{count:,}", f"at most {MAX_COLUMNS:,} (MAX_COLUMNS)")

    def text(self, where: str, text: str) -> None:
        if len(text) > MAX_CELL_CHARS:
            too_large(
                self.file,
                where,
                "the text of one cell",
                f"{len(text):,} characters",
                f"at most {MAX_CELL_CHARS:,} (MAX_CELL_CHARS)",
            )


def _table(table: Any, number: int, text_of: Callable[[Any], str], budget: _Budget) -> Iterator[list[Cell]]:
    """The table's rows on its grid. A ``gridSpan`` or ``gridBefore`` is clipped to the table's
    width (its ``tblGrid``, or its widest row of cells), keeping every cell where it stands."""
    trs, width = _rows_and_width(table, number, budget)
    above: dict[int, Cell] = {}  # grid column → the cell there in the row above
    for r, tr in enumerate(trs, 1):
        prefix = f"表{number} R{r}C"
        row = _row(tr, prefix, width, above, text_of, budget)
        budget.row(f"{prefix}1", len(row))
        above = dict(enumerate(row))
        yield row


def _rows_and_width(table: Any, number: int, budget: _Budget) -> tuple[list[Any], int]:
    """The table's ``<w:tr>`` elements and its width in grid columns, both within the limits."""
    tc_tag = qn("w:tc")
    grid = table.find(qn("w:tblGrid"))
    width = 0 if grid is None else sum(1 for _ in grid.iterchildren(qn("w:gridCol")))
    if width > MAX_COLUMNS:
        budget.columns_exceeded(f"表{number}", "columns in a table", width)
    trs = []
    for tr in table.iterchildren(qn("w:tr")):
        trs.append(tr)
        if budget.rows + len(trs) > MAX_ROWS:
            budget.rows_exceeded(f"表{number} R{len(trs)}")
        cells = sum(1 for _ in tr.iterchildren(tc_tag))
        if cells > MAX_COLUMNS:
            budget.columns_exceeded(f"表{number} R{len(trs)}", "cells in a table row", cells)
        width = max(width, cells)
    return trs, width


def _fast_table(table: Any, number: int, budget: _Budget) -> list[list[Cell]]:
    """:func:`_table`'s rows, the same cells, checks and errors in the same order, read from one
    pass over the table's elements (:func:`_scan_rows`) instead of a walk down each cell; the
    table's texts, addresses and anchors are gathered first and its cells built at once."""
    grid = table.find(_TBL_GRID)
    width = 0 if grid is None else sum(1 for _ in grid.iterchildren(_GRID_COL))
    if width > MAX_COLUMNS:
        budget.columns_exceeded(f"表{number}", "columns in a table", width)
    rows, width = _scan_rows(table, number, width, budget)
    texts: list[str] = []
    addresses: list[str] = []
    anchors: list[str] = []
    ends: list[int] = []
    above = above_end = 0  # the row above: texts[above:above_end]
    for r, (before, row) in enumerate(rows, 1):
        prefix, start = f"表{number} R{r}C", len(texts)
        pad = min(_int_value(before), width - len(row))
        if pad > 0:
            texts.extend(repeat("", pad))
            anchors.extend(repeat("", pad))
            addresses.extend([f"{prefix}{c}" for c in range(1, pad + 1)])
        last = len(row) - 1
        for index, (grid_span, vmerge, parts) in enumerate(row):
            column = len(texts) - start
            address = f"{prefix}{column + 1}"
            at = above + column
            if vmerge is not None and at < above_end and vmerge.get(_VAL, "continue") == "continue":
                text, anchor = texts[at], anchors[at] or addresses[at]
            else:
                text = parts[0] if len(parts) == 1 else "".join(parts)
                if len(text) > MAX_CELL_CHARS:
                    budget.text(address, text)
                text, anchor = text.strip(), ""
            texts.append(text)
            addresses.append(address)
            anchors.append(anchor)
            if grid_span is not None:
                span = min(_int_value(grid_span), width - column - (last - index))
                if span > 1:
                    texts.extend(repeat("", span - 1))
                    anchors.extend(repeat(anchor or address, span - 1))
                    addresses.extend([f"{prefix}{c}" for c in range(column + 2, column + span + 1)])
        budget.row(f"{prefix}1", len(texts) - start)
        above, above_end = start, len(texts)
        ends.append(above_end)
    made = cells(texts, addresses, anchors)
    return [made[a:b] for a, b in zip([0, *ends], ends)]


def _scan_rows(table: Any, number: int, width: int, budget: _Budget) -> tuple[list[Any], int]:
    """Each ``<w:tr>`` child of the table as [its first ``w:trPr``'s first ``w:gridBefore``, its
    cells], each ``<w:tc>`` child of a row as [its first ``w:tcPr``'s first ``w:gridSpan``, first
    ``w:vMerge``, its text in parts]; and the table's width, within the limits, checked in
    :func:`_rows_and_width`'s order. One iterator yields every element that may matter, in
    document order; an element counts only when its parent is the row, cell, paragraph or run it
    must be a child of (so nested tables and runs inside other elements are passed over, as the
    walk from each parent down passes them)."""
    rows: list[Any] = []
    cells: list[list[Any]] = []
    tr = tr_pr = tc = tc_pr = p = None
    cell: list[Any] = [None, None, []]
    paragraphs = 0
    for element in table.iter(_TR, _GRID_BEFORE, _TC, _GRID_SPAN, _VMERGE, _P, *_ITEMS):
        tag = element.tag
        if tag == _TC:
            if element.getparent() is tr:
                tc, tc_pr, paragraphs, cell = element, None, 0, [None, None, []]
                cells.append(cell)
        elif tag == _P:
            if element.getparent() is tc:
                p, paragraphs = element, paragraphs + 1
                if paragraphs > 1:
                    cell[2].append("\n")
        elif tag == _T:
            run = element.getparent()
            if run.tag == _R:
                parent = run.getparent()
                if parent is p or (parent.tag == _HYPERLINK and parent.getparent() is p):
                    text = element.text
                    if text:
                        cell[2].append(text)
        elif tag in (_VMERGE, _GRID_SPAN):
            slot = 1 if tag == _VMERGE else 0
            if cell[slot] is None:
                properties = element.getparent()
                if properties is tc_pr or (tc_pr is None and _first(properties, tc, _TC_PR)):
                    tc_pr, cell[slot] = properties, element
        elif tag == _TR:
            if element.getparent() is table:
                width = _row_checked(rows, number, width, budget)
                tr, tr_pr, tc, tc_pr, cells = element, None, None, None, []
                rows.append([None, cells])
        elif tag == _GRID_BEFORE:
            if rows and rows[-1][0] is None:
                properties = element.getparent()
                if properties is tr_pr or (tr_pr is None and _first(properties, tr, _TR_PR)):
                    tr_pr, rows[-1][0] = properties, element
        else:
            text = _item(element, tag, p)
            if text:
                cell[2].append(text)
    return rows, _row_checked(rows, number, width, budget, final=True)


def _first(element: Any, parent: Any, tag: str) -> bool:
    """True when ``element`` is ``parent``'s first child with ``tag``."""
    if element.tag != tag or element.getparent() is not parent:
        return False
    return element.getprevious() is None or all(
        sibling.tag != tag for sibling in element.itersiblings(preceding=True)
    )


def _row_checked(rows: list[Any], number: int, width: int, budget: _Budget, *, final: bool = False) -> int:
    """The last row of ``rows`` checked for its cells, and (unless ``final``) the row about to
    follow it for the rows of the document; the table's width so far."""
    if rows:
        count = len(rows[-1][1])
        if count > MAX_COLUMNS:
            budget.columns_exceeded(f"表{number} R{len(rows)}", "cells in a table row", count)
        width = max(width, count)
    if not final and budget.rows + len(rows) + 1 > MAX_ROWS:
        budget.rows_exceeded(f"表{number} R{len(rows) + 1}")
    return width


def _item(element: Any, tag: str, p: Any) -> str:
    """What a run's ``w:t``, ``w:tab``, ``w:br``… adds to paragraph ``p``'s text, as
    :func:`_paragraph_text` reads it: nothing unless its run is a child of ``p`` or of a
    ``w:hyperlink`` child of ``p``."""
    run = element.getparent()
    if run.tag != _R:
        return ""
    parent = run.getparent()
    if parent is not p and (parent.tag != _HYPERLINK or parent.getparent() is not p):
        return ""
    if tag == _T:
        return element.text or ""
    if tag == _BR:
        return "\n" if element.get(W + "type", "textWrapping") == "textWrapping" else ""
    return _ITEM_TEXT[tag]


_TR_PR, _GRID_BEFORE = W + "trPr", W + "gridBefore"
_TBL_GRID, _GRID_COL = W + "tblGrid", W + "gridCol"
_TC_PR, _GRID_SPAN, _VMERGE, _VAL = W + "tcPr", W + "gridSpan", W + "vMerge", W + "val"


def _child(element: Any, tag: str) -> Any:
    """The first child with ``tag`` (properties come first: the loop is short); None if none."""
    for child in element.iterchildren(tag):
        return child
    return None


def _first_of(elements: list[Any], tag: str) -> Any:
    """The first of ``elements`` with ``tag``; None if none."""
    for element in elements:
        if element.tag == tag:
            return element
    return None


def _span_and_merge(properties: Any) -> tuple[Any, Any]:
    """A ``w:tcPr``'s first ``w:gridSpan`` and first ``w:vMerge`` (None for none), in one pass."""
    span = vmerge = None
    for setting in properties:
        tag = setting.tag
        if tag == _GRID_SPAN and span is None:
            span = setting
        elif tag == _VMERGE and vmerge is None:
            vmerge = setting
    return span, vmerge


def _row(
    tr: Any, prefix: str, width: int, above: dict[int, Cell], text_of: Callable[[Any], str], budget: _Budget
) -> list[Cell]:
    """One ``<w:tr>`` as ``width`` cells at most, addressed ``prefix`` + grid column (1-based)."""
    row: list[Cell] = []
    tcs = list(tr.iterchildren(_TC))
    properties = _child(tr, _TR_PR)
    before = 0 if properties is None else _int_value(_child(properties, _GRID_BEFORE))
    for _ in range(max(0, min(before, width - len(tcs)))):
        row.append(Cell("", f"{prefix}{len(row) + 1}"))
    count = len(tcs)
    for index, tc in enumerate(tcs):
        column = len(row)
        span, continues = 1, False
        children = list(tc)  # walked once, by tag: its w:tcPr and its paragraphs
        properties = _first_of(children, _TC_PR)
        if properties is not None:
            room = width - column - (count - index - 1)  # what the cells after this one still need
            grid_span, vmerge = _span_and_merge(properties)
            span = max(1, min(_int_value(grid_span), room))
            continues = vmerge is not None and vmerge.get(_VAL, "continue") == "continue"
        address = f"{prefix}{column + 1}"
        if continues and column in above:
            prev = above[column]
            cell = Cell(prev.text, address, prev.anchor or prev.address)
        else:
            text = "\n".join([text_of(p) for p in children if p.tag == _P])
            if len(text) > MAX_CELL_CHARS:
                budget.text(address, text)
            cell = Cell(text.strip(), address)
        row.append(cell)
        if span > 1:
            anchor = cell.anchor or cell.address
            row.extend(Cell("", f"{prefix}{c + 1}", anchor) for c in range(column + 1, column + span))
    return row


def _int_value(node: Any) -> int:
    """A ``w:val`` integer (0 when absent or not a number)."""
    if node is None:
        return 0
    value = str(node.get(_VAL, "0")).strip()
    if len(value) > 9:  # clipped to the table's width anyway: never convert a long digit run
        return 10**9 if value.isdigit() else 0
    try:
        return int(value)
    except ValueError:
        return 0
