"""A PDF table that runs over a page break reads as one table: its repeated header dropped, a row
broken across the break joined again, and rows that are really separate never joined.

tests/data/forms/split-row.pdf was saved once by LibreOffice from split-row.docx
(scripts/build_form_fixtures.py --split-pdf): its header repeats on each of four pages, the row
with the long 偏差原因 breaks across the second page break, the other breaks fall between rows.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import attrs
import pytest

from conftest import ROOT
from perfscore import Evaluation
from perfscore.evaluations import pdf
from perfscore.evaluations.grid import Cell
from perfscore.evaluations.office import read_evaluations

FORMS = ROOT / "tests" / "data" / "forms"
HEADER = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "自评得分",
    "偏差原因分析及改进措施",
)
COLUMNS = tuple(float(72 + 60 * c) for c in range(len(HEADER)))


def _builder() -> Any:
    spec = importlib.util.spec_from_file_location(
        "build_form_fixtures", ROOT / "scripts" / "build_form_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    builder = _builder()
    return cast(
        Path,
        builder.write_docx(builder.split_row_document(), tmp_path_factory.mktemp("split") / "split-row.docx"),
    )


def _plain(evaluation: Evaluation) -> Evaluation:
    rows = tuple(attrs.evolve(row, where="") for row in evaluation.rows)
    return attrs.evolve(evaluation, source="", rows=rows)


def test_a_row_broken_across_a_page_reads_as_one_row(source: Path) -> None:
    expected = [_plain(e) for e in read_evaluations(source)]
    got = [_plain(e) for e in read_evaluations(FORMS / "split-row.pdf")]
    assert got == expected
    (evaluation,) = got
    assert len(evaluation.rows) == 13
    notes = [row.note for row in evaluation.rows]
    assert notes.count(_builder().SPLIT_NOTE) == 1  # joined whole, in reading order
    assert evaluation.reported_total is not None


def test_without_joining_the_pdf_reads_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixture does test the joining: read page by page, the repeated headers start new
    tables and the tail of the broken row is lost or a row of its own."""

    def pages_apart(self: Any, blocks: Sequence[Any]) -> list[list[Cell]]:
        return [row for block in blocks for row in block.rows]

    monkeypatch.setattr(pdf._Continued, "page", pages_apart)
    assert len(read_evaluations(FORMS / "split-row.pdf")) > 1


# -- the rules, on tables as pdfplumber gives them ---------------------------------------------


def _row(page: int, r: int, *texts: str) -> list[Cell]:
    return [Cell(text, f"页{page} 表1 R{r}C{c + 1}") for c, text in enumerate(texts)]


def _table(page: int, *rows: Sequence[str], columns: tuple[float, ...] = COLUMNS) -> pdf._Block:
    return pdf._Block(80.0, True, [_row(page, r, *texts) for r, texts in enumerate(rows, 1)], columns)


def _line(page: int, text: str, top: float = 10.0) -> pdf._Block:
    return pdf._Block(top, False, [[Cell(text, f"页{page} 行1")]])


FIRST = ("产出指标", "数量指标", "培训人次", "≥100", "120", "10", "10", "培训按计划")
TAIL = ("", "", "", "", "", "", "", "全部完成")
OWN = ("", "", "发放补助", "100%", "100%", "10", "10", "")


def _read(*pages: Sequence[pdf._Block]) -> list[list[str]]:
    continued = pdf._Continued("x.pdf")
    rows = [row for page in pages for row in continued.page(page)]  # a joined row changes in place
    return [[cell.text for cell in row] for row in rows]


def test_the_tail_of_a_broken_row_joins_it_and_the_repeated_header_goes() -> None:
    rows = _read([_table(1, HEADER, FIRST)], [_table(2, HEADER, TAIL, OWN)])
    assert rows == [list(HEADER), [*FIRST[:7], "培训按计划全部完成"], list(OWN)]


def test_a_first_row_with_a_name_is_a_row_of_its_own() -> None:
    rows = _read([_table(1, HEADER, FIRST)], [_table(2, HEADER, OWN, TAIL)])
    assert rows == [list(HEADER), list(FIRST), list(OWN), list(TAIL)]


def test_a_first_row_with_text_left_of_the_name_is_not_joined() -> None:
    total = ("总分", "", "", "", "", "100", "95", "")
    rows = _read([_table(1, HEADER, FIRST)], [_table(2, total)])
    assert rows == [list(HEADER), list(FIRST), list(total)]


def test_the_header_row_itself_takes_no_tail() -> None:
    rows = _read([_table(1, HEADER)], [_table(2, TAIL)])
    assert rows == [list(HEADER), list(TAIL)]


def test_a_page_number_between_the_parts_does_not_stop_the_table() -> None:
    rows = _read([_table(1, HEADER, FIRST), _line(1, "- 1 -", 800.0)], [_line(2, "第 2 页"), _table(2, TAIL)])
    assert rows == [list(HEADER), [*FIRST[:7], "培训按计划全部完成"], ["- 1 -"], ["第 2 页"]]


def test_text_between_the_parts_or_other_columns_mean_another_table() -> None:
    apart = _read([_table(1, HEADER, FIRST), _line(1, "填表人：张三", 800.0)], [_table(2, HEADER, TAIL)])
    assert apart == [list(HEADER), list(FIRST), ["填表人：张三"], list(HEADER), list(TAIL)]
    moved = tuple(x + 20 for x in COLUMNS)
    other = _read([_table(1, HEADER, FIRST)], [_table(2, HEADER, TAIL, columns=moved)])
    assert other == [list(HEADER), list(FIRST), list(HEADER), list(TAIL)]


def test_cells_merged_down_from_the_tail_are_anchored_to_the_joined_row() -> None:
    continued = pdf._Continued("x.pdf")
    continued.page([_table(1, HEADER, FIRST)])
    second = _table(2, TAIL, OWN)
    below = second.rows[1]
    below[0] = Cell("", below[0].address, second.rows[0][0].address)  # 一级 merged down from the tail
    (row,) = continued.page([second])
    assert row[0].anchor == "页1 表1 R2C1"


def test_a_joined_cell_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from perfscore import EvaluationError

    monkeypatch.setattr(pdf, "MAX_CELL_CHARS", 10)
    with pytest.raises(EvaluationError) as caught:
        _read([_table(1, HEADER, FIRST)], [_table(2, ("", "", "", "", "", "", "", "很长的一段说明文字"))])
    assert "MAX_CELL_CHARS" in str(caught.value)


def test_the_header_may_stand_on_a_later_page_than_the_table_starts() -> None:
    meta = ("项目支出名称", "乡镇公路养护", "", "", "", "", "", "")
    rows = _read([_table(1, meta)], [_table(2, HEADER, FIRST)], [_table(3, TAIL)])
    assert rows == [list(meta), list(HEADER), [*FIRST[:7], "培训按计划全部完成"]]


def test_a_long_line_of_digits_is_not_a_page_number() -> None:
    line = "1" * 30
    rows = _read([_table(1, HEADER, FIRST), _line(1, line, 800.0)], [_table(2, TAIL)])
    assert rows == [list(HEADER), list(FIRST), [line], list(TAIL)]
