"""Small realistic regional forms (DOMAIN §7), written as .xlsx and .docx for the tests of
tests/test_form_gaps*.py. Every unit name and figure is invented; the layouts are the ones the
provinces publish.

A form is a list of parts: a ``str`` is a title line (a paragraph in Word, a row of one cell in
Excel), a :class:`Table` a grid of texts with its merges. In Excel the tables follow one another
on one sheet; in Word each is a table of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Union

import attrs
import docx
import openpyxl

__all__ = ["Part", "Table", "write_docx", "write_xlsx"]

Merge = tuple[int, int, int, int]
"""(top row, left column, bottom row, right column) of a merged range, 0-based, in its table."""


@attrs.frozen
class Table:
    rows: Sequence[Sequence[str]]
    merges: Sequence[Merge] = ()


Part = Union[str, Table]


def write_xlsx(path: Path, parts: Sequence[Part], sheet_name: str = "自评表") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_name
    top = 1
    for part in parts:
        if isinstance(part, str):
            sheet.cell(row=top, column=1, value=part)
            top += 1
            continue
        for r, row in enumerate(part.rows):
            for c, text in enumerate(row):
                if text:
                    sheet.cell(row=top + r, column=c + 1, value=text)
        for r0, c0, r1, c1 in part.merges:
            sheet.merge_cells(start_row=top + r0, start_column=c0 + 1, end_row=top + r1, end_column=c1 + 1)
        top += len(part.rows)
    book.save(path)
    return path


def write_docx(path: Path, parts: Sequence[Part]) -> Path:
    document = docx.Document()
    for part in parts:
        if isinstance(part, str):
            document.add_paragraph(part)
            continue
        width = max(len(row) for row in part.rows)
        table = document.add_table(rows=len(part.rows), cols=width)
        for r, row in enumerate(part.rows):
            for c, text in enumerate(row):
                if text:
                    table.cell(r, c).text = text
        for r0, c0, r1, c1 in part.merges:
            kept = table.cell(r0, c0).text
            merged = table.cell(r0, c0).merge(table.cell(r1, c1))
            merged.text = kept  # python-docx joins the texts of the cells merged: keep the first
    document.save(str(path))
    return path
