"""Build self-evaluation forms (绩效自评表) in each regional layout class, as .xlsx and .docx.

    python scripts/layout_forms.py [OUTDIR]      # default: tests/data/layouts

Each ``tests/data/layouts/<name>.toml`` holds the :class:`~perfscore.Evaluation` the form must read
back to (``[evaluation]``, ``[budget]``, ``[[rows]]``, as in docs/evaluation-format.md) and, under
``[layout]``, how to print it:

- ``lines``: the title lines (paragraphs, or rows spanning the table), in order;
- ``meta``: ``[label, value]`` pairs, one row each (``meta_inline = true``: one cell
  "label：value" each); ``marks``: lines after them ("自评总分：88.5");
- ``[layout.budget]``: ``side`` (the merged label to the left), ``columns`` (``[header, field]``
  of BudgetTable), ``unit`` ("万元", or "元": amounts printed ×10⁴ with thousands separators),
  ``total_label`` (the total row's label, "" for none);
- ``upper``: a two-row header's upper row as ``[text, span]``; the lower row is ``columns``
  (``merge_upper = false``: a header over both rows is written in the upper one, not merged);
- ``columns``: ``[header, field]`` of the indicator table: a field of IndicatorRow, or
  ``extra:<header>`` for a column kept as written;
- ``merge``: fields merged down over runs of equal values (``block``, ``category``);
  ``merge_names = true``: a row with no 一级 and 二级 has its name merged across the level columns;
  rows sharing a ``shared_score`` get one merged 得分 cell (the first row's score);
- ``goal_header = true``: the header is repeated after each goal row (湖北);
- ``total``: the 总分 row's label ("" for none: the score is printed in ``marks``); ``after``:
  lines after the table.

The forms are invented to show each layout (DOMAIN §7.2), not transcriptions of real ones.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import perfscore
from perfscore import Evaluation, IndicatorRow

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tests" / "data" / "layouts"
SHEET = "自评表"


def source(path: Path) -> tuple[Evaluation, dict[str, Any]]:
    """The evaluation a form source describes, and its ``[layout]``."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    layout = data.pop("layout")
    return perfscore.Evaluation.from_dict(data, source=str(path)), layout


def _plain(value: Optional[Decimal]) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def _money(value: Optional[Decimal], unit: str) -> str:
    if value is None:
        return ""
    if unit == "元":
        return format(value.scaleb(4).normalize(), ",f")
    return _plain(value)


class Sheet:
    """Rows of texts of one width, with merged ranges: the form, written to Word and Excel."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.rows: list[list[str]] = []
        self.merges: list[tuple[int, int, int, int]] = []  # top, left, bottom, right (inclusive)
        self.lines: list[str] = []
        """Paragraphs before the table (Word), rows spanning it (Excel)."""
        self.after: list[str] = []

    def add(self, texts: Sequence[str], spans: Optional[Sequence[int]] = None) -> int:
        cells: list[str] = []
        for index, text in enumerate(texts):
            span = spans[index] if spans else 1
            if span > 1:
                self.merges.append((len(self.rows), len(cells), len(self.rows), len(cells) + span - 1))
            cells.extend([text] + [""] * (span - 1))
        cells.extend([""] * (self.width - len(cells)))
        self.rows.append(cells)
        return len(self.rows) - 1

    def line(self, text: str) -> None:
        self.add([text], [self.width])

    def merge_down(self, top: int, bottom: int, column: int) -> None:
        if bottom > top:
            self.merges.append((top, column, bottom, column))


def _cell(row: IndicatorRow, field: str) -> str:
    if field.startswith("extra:"):
        return row.extra.get(field[6:], "")
    value = getattr(row, field)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal) or value is None:
        return _plain(value)
    return str(value)


def _budget(sheet: Sheet, evaluation: Evaluation, spec: Mapping[str, Any]) -> None:
    budget = evaluation.budget
    assert budget is not None
    columns, unit = spec["columns"], spec.get("unit", "万元")
    top = sheet.add([spec["side"], "", *(header for header, _ in columns)])

    def amounts(item: Any) -> list[str]:
        out = []
        for _, field in columns:
            value = getattr(item, field, None)
            if field in ("initial", "full_year", "executed", "adjustment"):
                out.append(_money(value, unit))
            else:
                out.append(value if isinstance(value, str) else _plain(value))
        return out

    sheet.add(["", spec.get("total_label", "年度资金总额"), *amounts(budget)])
    for line in budget.lines:
        sheet.add(["", f"其中：{line.name}", *amounts(line)])
    sheet.merge_down(top, len(sheet.rows) - 1, 0)


def _header(sheet: Sheet, layout: Mapping[str, Any]) -> None:
    columns = layout["columns"]
    if "upper" in layout:
        upper = layout["upper"]
        top = sheet.add([text for text, _ in upper], [span for _, span in upper])
        lower = sheet.add([header for header, _ in columns])
        column = 0
        for text, span in upper:
            if span == 1 and layout.get("merge_upper", True):  # a header over both rows
                sheet.rows[lower][column] = text
                sheet.merge_down(top, lower, column)
            elif span == 1:  # written once, in the upper row
                sheet.rows[lower][column] = ""
            column += span
    else:
        sheet.add([header for header, _ in columns])


def _indicators(sheet: Sheet, evaluation: Evaluation, layout: Mapping[str, Any]) -> None:
    columns = layout["columns"]
    fields = [field for _, field in columns]
    group = ""
    runs: dict[str, tuple[int, Any]] = {}  # field → the first row of its current run, and its value
    for row in evaluation.rows:
        if row.group != group:
            group = row.group
            sheet.line(group)
            runs = {}
            if layout.get("goal_header"):
                _header(sheet, layout)
        texts = [_cell(row, field) for field in fields]
        index = len(sheet.rows)
        if layout.get("merge_names") and not row.block and not row.category:
            start = fields.index("block") if "block" in fields else fields.index("category")
            name = fields.index("name")
            texts[start : name + 1] = [row.name] + [""] * (name - start)
            sheet.add(texts)
            sheet.merges.append((index, start, index, name))
            runs = {}
            continue
        sheet.add(texts)
        keys: dict[str, Any] = {field: getattr(row, field) for field in layout.get("merge", [])}
        if "category" in keys:  # a 二级 run ends with its 一级
            keys["category"] = (row.block, row.category) if row.category else None
        keys["reported_score"] = row.shared_score or None
        for field, key in keys.items():
            column = fields.index(field)
            first, value = runs.get(field, (-1, None))
            if key and value == key:
                sheet.rows[index][column] = ""
                sheet.merges = [m for m in sheet.merges if m[:2] != (first, column)]
                sheet.merge_down(first, index, column)
            else:
                runs[field] = (index, key)


def render(evaluation: Evaluation, layout: Mapping[str, Any]) -> Sheet:
    """The form as a :class:`Sheet`."""
    sheet = Sheet(len(layout["columns"]))
    sheet.lines = list(layout.get("lines", ()))
    for label, value in layout.get("meta", ()):
        if layout.get("meta_inline"):
            sheet.line(f"{label}：{value}")
        else:
            sheet.add([label, value], [1, sheet.width - 1])
    for mark in layout.get("marks", ()):
        sheet.line(mark)
    if "budget" in layout:
        _budget(sheet, evaluation, layout["budget"])
    if not (layout.get("goal_header") and evaluation.rows and evaluation.rows[0].group):
        _header(sheet, layout)  # else printed after each goal row
    _indicators(sheet, evaluation, layout)
    if layout.get("total", "总分"):
        fields = [field for _, field in layout["columns"]]
        texts = [""] * sheet.width
        texts[0] = layout.get("total", "总分")
        score = fields.index("reported_score") if "reported_score" in fields else fields.index("weight")
        texts[score] = _plain(evaluation.reported_total)
        sheet.add(texts)
    sheet.after = list(layout.get("after", ()))
    return sheet


def write_xlsx(sheet: Sheet, path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = SHEET
    lines = sheet.lines
    for index, text in enumerate(lines):
        ws.cell(index + 1, 1, text)
        ws.merge_cells(start_row=index + 1, start_column=1, end_row=index + 1, end_column=sheet.width)
    offset = len(lines) + 1
    for r, row in enumerate(sheet.rows):
        for c, text in enumerate(row):
            if text:
                ws.cell(r + offset, c + 1, _excel_value(text))
    for top, left, bottom, right in sheet.merges:
        ws.merge_cells(
            start_row=top + offset, start_column=left + 1, end_row=bottom + offset, end_column=right + 1
        )
    for index, text in enumerate(sheet.after):
        ws.cell(offset + len(sheet.rows) + index + 1, 1, text)
    book.save(path)


def _excel_value(text: str) -> Any:
    """A plain number as a number (as units type them), anything else as text."""
    try:
        number = Decimal(text)
    except ArithmeticError:
        return text
    if not number.is_finite() or text != _plain(number):
        return text
    return int(number) if number == number.to_integral_value() else float(number)


def write_docx(sheet: Sheet, path: Path) -> None:
    import docx

    document = docx.Document()
    for text in sheet.lines:
        document.add_paragraph(text)
    table = document.add_table(rows=len(sheet.rows), cols=sheet.width)
    for r, row in enumerate(sheet.rows):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    for top, left, bottom, right in sheet.merges:
        text = sheet.rows[top][left]
        merged = table.cell(top, left).merge(table.cell(bottom, right))
        merged.text = text
    for text in sheet.after:
        document.add_paragraph(text)
    document.save(str(path))


def build(name: str, outdir: Path) -> dict[str, Path]:
    """The form ``name`` (tests/data/layouts/<name>.toml) as .xlsx and .docx in ``outdir``."""
    evaluation, layout = source(SOURCES / f"{name}.toml")
    sheet = render(evaluation, layout)
    built = {}
    for suffix, write in ((".xlsx", write_xlsx), (".docx", write_docx)):
        path = outdir / f"{name}{suffix}"
        write(sheet, path)
        built[suffix] = path
    return built


def main(argv: Sequence[str]) -> None:
    outdir = Path(argv[0]) if argv else SOURCES
    outdir.mkdir(parents=True, exist_ok=True)
    for path in sorted(SOURCES.glob("*.toml")):
        for built in build(path.stem, outdir).values():
            print(built)


if __name__ == "__main__":
    main(sys.argv[1:])
