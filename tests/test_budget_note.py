"""A 四川 form whose execution is under 90% wants a deviation note for the budget: review asks for
it where the budget block has a 原因 column, and says once that it could not check where the form
has no such column (never a warning the unit had no place to answer)."""

from __future__ import annotations

from pathlib import Path

import pytest

import perfscore
from gap_forms import Part, Table, write_docx, write_xlsx

WRITERS = {".xlsx": write_xlsx, ".docx": write_docx}
ROWS = (
    (
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "自评分",
        "偏差原因分析及改进措施",
    ),
    ("产出指标", "数量指标", "新建高标准农田", "≥2万亩", "2.1万亩", "50", "50", ""),
    ("效益指标", "经济效益指标", "亩均增产", "≥50公斤", "52公斤", "30", "30", ""),
    ("满意度指标", "服务对象满意度指标", "农户满意度", "≥90%", "92%", "10", "10", ""),
    ("总分", "", "", "", "", "100", "98", ""),
)


def _form(note: str) -> list[Part]:
    """Executed 960 of an adjusted 1,200: 80%, 8 of 10 points; ``note`` the budget's 原因 cell
    (None: the block has no such column)."""
    head = ["预算执行情况(万元)(10分)", "年初预算数", "调整预算数", "全年执行数", "执行率", "得分"]
    total = ["", "1,000", "1,200", "960", "80%", "8"]
    if note != "no column":
        head.append("原因说明")
        total.append(note)
    return [
        "四川省某某县2021年度项目支出绩效自评表",
        Table((("项目名称", "高标准农田建设"), ("实施单位", "某某县农业农村局"))),
        Table((tuple(head), tuple(total)), merges=((0, 0, 1, 0),)),
        Table(ROWS),
    ]


def _review(tmp_path: Path, suffix: str, note: str) -> perfscore.Review:
    path = WRITERS[suffix](tmp_path / f"form{suffix}", _form(note))
    (evaluation,) = perfscore.read_evaluations(path)
    review = perfscore.review(evaluation)
    assert review.report.ruleset.startswith("510000") and review.report.budget is not None
    return review


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_a_budget_block_without_a_note_column_is_not_told_its_note_is_missing(
    tmp_path: Path, suffix: str
) -> None:
    review = _review(tmp_path, suffix, "no column")
    assert [(f.code, f.severity) for f in review.findings if f.location == "budget.note"] == [
        ("check-not-run", "info")
    ]
    assert not [f for f in review.findings if f.code == "missing-deviation-note"]


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_a_blank_note_column_is_still_asked_for_and_a_written_one_answers(
    tmp_path: Path, suffix: str
) -> None:
    blank = _review(tmp_path, suffix, "")
    assert [(f.code, f.severity) for f in blank.findings if f.location == "budget.note"] == [
        ("missing-deviation-note", "warning")
    ]
    answered = _review(tmp_path, suffix, "部分项目资金未到位，已督促")
    assert not [f for f in answered.findings if f.location == "budget.note"]
