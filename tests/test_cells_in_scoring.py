"""What scoring makes of the cells whose reading was fixed in perfscore.targets: a negated
comparator is scored the right way round, a negation the words do not cover and a ± tolerance
become findings that quote the cell, never a score computed on a guess."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

import perfscore
import perfscore.cells.parse
from conftest import EXAMPLE


def _score_row_0(target: str, actual: str, method: str = "") -> perfscore.Report:
    """The example, with row 0 (weight 5, integer rounding) given ``target`` and ``actual``."""
    evaluation = perfscore.read_evaluation(EXAMPLE)
    rows = list(evaluation.rows)
    rows[0] = attrs.evolve(rows[0], target=target, actual=actual, method=method)
    return perfscore.score(attrs.evolve(evaluation, rows=tuple(rows)), "430602-project")


def test_a_negated_floor_is_scored_as_a_floor() -> None:
    # "不得低于95%" was read as < 95 and scored by the reverse method: 50% got the full 5.
    row = _score_row_0("不得低于95%", "50%").rows[0]
    assert (row.method, row.points) == ("positive", Decimal(3))  # 5 × 50 / 95 = 2.63


def test_a_negated_ceiling_is_scored_as_a_ceiling() -> None:
    # "未超过5%" was read as > 5 and scored by the positive method: 4% got 5 × 4 / 5 = 4.
    row = _score_row_0("未超过5%", "4%").rows[0]
    assert (row.method, row.points) == ("reverse", Decimal(5))


def test_a_negation_not_covered_is_a_finding_quoting_the_cell() -> None:
    report = _score_row_0("非高于5%", "4%")
    assert report.rows[0].status == "not_scorable"
    found = {(f.code, f.location, f.found) for f in report.findings}
    assert ("unparseable-target", "rows[0].target", "'非高于5%'") in found

    report = _score_row_0("≤5%", "不得≥5%")
    assert report.rows[0].status == "not_scorable"
    garbled = next(f for f in report.findings if f.code == "garbled-cell")
    assert (garbled.location, garbled.found) == ("rows[0].actual", "'不得≥5%'")
    assert "negation before a comparator: '不得≥'" in garbled.message_en


def test_a_prohibition_is_read_as_the_ceiling_it_states() -> None:
    row = _score_row_0("严禁超过5%", "4%").rows[0]
    assert (row.method, row.points) == ("reverse", Decimal(5))


def test_a_tolerance_is_not_a_number_for_a_quantitative_method() -> None:
    # "±5%" was read as label "±", implicitly ≥ 5: 100% got the full 5 as if 5 were a floor.
    report = _score_row_0("±5%", "100%", method="positive")
    assert report.rows[0].status == "not_scorable"
    found = {(f.code, f.location, f.found) for f in report.findings}
    assert ("not-a-number", "rows[0].target", "'±5%'") in found


@pytest.mark.parametrize(
    ("target", "actual", "column", "zh"),
    [
        ("≥95%", "约96%", "actual", "近似值"),
        ("95%左右", "96%", "target", "近似值"),
        ("≥95%以下", "96%", "target", "比较符相互矛盾"),
        ("≥95%", "约≥96%以下", "actual", "比较符相互矛盾，按符号计分；近似值"),
        ("±5%", "3%", "target", "± 容差"),
        ("不适应", "不适应", "actual", "“不适应”疑为“不适用”之误"),
        ("按月完成", "无", "actual", "“无”可能指未发生"),
    ],
)
def test_a_cell_read_with_a_note_is_a_warning_quoting_it(
    target: str, actual: str, column: str, zh: str
) -> None:
    # Found by review: the parser's notes (approximate, the 不适应 typo…) never reached a report.
    report = _score_row_0(target, actual)
    notes = [
        f for f in report.findings if f.code == "questionable-cell" and f.location == f"rows[0].{column}"
    ]
    assert len(notes) == 1 and notes[0].severity == "warning"
    assert zh in notes[0].message_zh and "表述存疑" not in notes[0].message_zh
    cell = actual if column == "actual" else target
    assert notes[0].found == repr(cell)
    problem = perfscore.cells.parse.parse_cell(cell).problem
    assert problem is not None and problem in notes[0].message_en


def test_a_plain_cell_carries_no_note() -> None:
    assert "questionable-cell" not in {f.code for f in _score_row_0("≥95%", "96%").findings}
