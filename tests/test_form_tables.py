"""The stages of reading a form's grid, one at a time: a layout recognises rows by their labels,
cell values are read leniently, the 项目资金 block collects its lines, and the table reader
puts them together. A new layout or header synonym is tested here first."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfscore import EvaluationError
from perfscore.codes import CODES
from perfscore.evaluations import OFFICE_SUFFIXES, Cell, evaluations_from_grid
from perfscore.evaluations.budget import BudgetBlock
from perfscore.evaluations.layout import NATIONAL, infer_form, infer_year, label_key, only_text
from perfscore.evaluations.office import FORMATS, read_evaluations
from perfscore.evaluations.tables import collect_evaluations
from perfscore.evaluations.values import MONEY, CellValues


def _row(*texts: str, r: int = 1) -> list[Cell]:
    return [Cell(text, f"S!{'ABCDEFGHIJ'[c]}{r}") for c, text in enumerate(texts)]


HEADER = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "自评得分")


def test_labels_are_compared_without_spaces_colons_or_units() -> None:
    assert label_key(" 分 值（分）：") == "分值"
    assert label_key("自评得分(%)") == "自评得分"
    assert label_key("x" * 201) == ""  # too long to be a label


def test_a_title_names_its_form_and_year() -> None:
    assert NATIONAL.title(_row("2023 年度 项目支出绩效自评表", "2023 年度 项目支出绩效自评表")) == (
        "2023 年度 项目支出绩效自评表"
    )
    assert NATIONAL.title(_row("绩效自评表", "附件3")) == ""  # two texts: not a title
    assert (infer_form("部门整体支出绩效自评表"), infer_year("2021年度…")) == ("department", 2021)
    assert only_text(_row("", "a", "a", "")) == "a"


def test_the_indicator_header_needs_its_required_columns() -> None:
    assert NATIONAL.indicator_header(_row(*HEADER)) == {
        "block": 0,
        "category": 1,
        "name": 2,
        "target": 3,
        "actual": 4,
        "weight": 5,
        "score": 6,
    }
    assert NATIONAL.indicator_header(_row("三级指标", "年度指标值", "实际完成值")) == {}  # no 分值
    found = NATIONAL.indicator_header(_row(*HEADER, "偏差原因及改进措施（如有）"))
    assert found["note"] == 7  # a note header found by its beginning


def test_meta_cells_take_the_value_after_their_label() -> None:
    row = _row("项目名称", "农村道路养护", "主管部门：", "交通运输局", "实施单位", "")
    assert NATIONAL.meta_values(row) == {"project": "农村道路养护", "department": "交通运输局"}


def test_a_regional_header_synonym_is_one_tuple_away() -> None:
    regional = attrs.evolve(
        NATIONAL,
        indicator_columns={**NATIONAL.indicator_columns, "target": ("绩效指标值",)},
    )
    grid = [
        _row("2023年度项目支出绩效自评表", r=1),
        _row("一级指标", "二级指标", "三级指标", "绩效指标值", "实际完成值", "分值", "自评得分", r=2),
        _row("产出指标", "数量指标", "培训人次", "≥100人次", "120人次", "20", "20", r=3),
    ]
    assert collect_evaluations(grid) == []  # the national layout does not know 绩效指标值
    (evaluation,) = collect_evaluations(grid, source="x", layout=regional)
    assert [(r.name, r.target, r.weight) for r in evaluation.rows] == [("培训人次", "≥100人次", Decimal(20))]


def test_number_cells_read_leniently_and_keep_the_unreadable() -> None:
    values = CellValues()
    assert values.number(Cell(" 1,234.5 万元", "S!B2"), "initial", MONEY) == Decimal("1234.5")
    assert values.number(Cell("不适用", "S!B3"), "initial", MONEY) is None
    assert values.take() == ()
    assert values.number(Cell("约五十", "S!B4"), "executed", MONEY) is None
    (unreadable,) = values.take()
    assert (unreadable.column, unreadable.text, unreadable.address) == ("executed", "约五十", "S!B4")


def test_the_budget_block_reads_its_total_and_fund_lines() -> None:
    header = _row("项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
    columns = NATIONAL.budget_header(header)
    assert columns == {"initial": 2, "full_year": 3, "executed": 4, "points": 5, "rate": 6, "score": 7}
    side = header[0].address
    block, values = BudgetBlock(columns, side), CellValues()
    total = _row("", "年度资金总额", "100", "120", "108", "10", "90%", "9", r=2)
    line = _row("", "其中：财政拨款", "80", "100", "x", r=3)
    for row in (total, line):
        row[0] = Cell("", row[0].address, side)  # under the merged 项目资金 cell
        block.row(row, values, NATIONAL)
    budget = block.table
    assert (budget.initial, budget.full_year, budget.executed, budget.rate) == (
        Decimal(100),
        Decimal(120),
        Decimal(108),
        "90%",
    )
    assert [(ln.name, ln.initial, ln.executed) for ln in budget.lines] == [("财政拨款", Decimal(80), None)]
    assert [u.address for u in budget.unreadable] == ["S!E3"]
    assert block.open and block.total
    block.row(_row("年度总体目标", "", "完成道路养护", r=4), values, NATIONAL)
    assert not block.open  # past the block


def test_every_office_suffix_has_a_reader() -> None:
    assert set(OFFICE_SUFFIXES) == set(FORMATS)


@pytest.mark.parametrize("code", ["file-unreadable", "unknown-format", "too-large"])
def test_the_codes_a_form_raises_are_problems_in_the_table(code: str) -> None:
    entry = CODES[code]
    assert (entry.kind, entry.severity) == ("problem", "error")


def test_a_grid_without_a_table_and_an_unknown_suffix_are_unknown_formats(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError) as from_grid:
        evaluations_from_grid([_row("姓名", "电话")], source="x.xlsx")
    (problem,) = from_grid.value.problems
    assert (
        problem.code == "unknown-format"
        and problem.message.startswith("不是可读取的自评表：")
        and "/ not a self-evaluation table" in problem.message
    )
    (tmp_path / "form.bin").write_bytes(b"\x00\x01 not a form")  # .et is read now (issue 14)
    with pytest.raises(EvaluationError) as unknown:
        read_evaluations(tmp_path / "form.bin")
    assert unknown.value.problems[0].code == "unknown-format"
    assert (
        unknown.value.problems[0].message.startswith("不是可读取的自评表：格式不明的文件：")
        and "/ a file of unknown format: not a zip package" in unknown.value.problems[0].message
    )


def _columns_by_search(row: list[Cell], names: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """header_columns as it was before the vocabulary was indexed: each role in turn, its
    texts in order of preference, searched for in the row."""
    keys: dict[str, int] = {}
    for index, cell in enumerate(row):
        if not (cell.anchor and not cell.text.strip()):
            keys.setdefault(label_key(cell.text), index)
    found: dict[str, int] = {}
    for role, texts in names.items():
        for text in texts:
            column = keys.get(text)
            if column is not None and column not in found.values():
                found[role] = column
                break
    if "note" in names and "note" not in found:
        for index, cell in enumerate(row):
            if index not in found.values() and label_key(cell.text).startswith(NATIONAL.note_prefixes):
                found["note"] = index
                break
    return found


@given(
    st.lists(
        st.sampled_from(
            [
                *sorted({t for ts in NATIONAL.indicator_columns.values() for t in ts}),
                *("得分（分）", " 分 值 ", "", "其他", "偏差原因及改进措施"),
            ]
        ),
        max_size=12,
    ),
    st.sets(st.integers(0, 11)),
)
def test_header_roles_found_through_the_index_as_by_searching_the_vocabulary(
    texts: list[str], anchored: set[int]
) -> None:
    row = [Cell(text, f"R1C{c + 1}", "R1C1" if c in anchored else "") for c, text in enumerate(texts)]
    names = dict(NATIONAL.indicator_columns)
    assert NATIONAL.header_columns(row, names, NATIONAL.indicator_index) == _columns_by_search(row, names)
