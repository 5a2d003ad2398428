"""A method input given in a column of the form (重庆: 得分系数 for ``coef``): read into each
row's inputs before scoring, in per cent as the table writes it, as fractions only where the
table's own scores show it, and never guessed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import openpyxl
import pytest

import perfscore
from perfscore.errors import RulesetError

NAMES = ("政府采购执行率", "预算完成率", "重点工作办结率")


def _table(coefs: list[str], scores: list[Optional[float]], **own: Any) -> dict[str, Any]:
    rows = []
    for name, coef, score in zip(NAMES, coefs, scores):
        row: dict[str, Any] = {
            "block": "绩效指标",
            "name": name,
            "target": "100%",
            "actual": "95%",
            "weight": 30,
        }
        row["extra"] = {"得分系数": coef}
        if score is not None:
            row["reported_score"] = score
        rows.append(row)
    rows[0].update(own)
    return {
        "evaluation": {"region": "500000", "form": "department", "year": 2021},
        "budget": {"full_year": 100, "executed": 100},
        "rows": rows,
    }


def _points(report: perfscore.Report) -> list[Optional[Decimal]]:
    return [row.points for row in report.rows]


@pytest.mark.parametrize(
    ("coefs", "scores"),
    [
        (["100%", "95%", "90%"], [None, None, None]),  # written in per cent
        (["100", "95", "90"], [None, None, None]),  # bare, one above 1: per cent as written
        (["1", "0.95", "0.9"], [30, 28.5, 27]),  # 0–1, and the scores show fractions
        (["1", "0.95", "0.9"], [30, None, None]),  # one row that tells is enough
    ],
)
def test_the_coefficient_column_scores_as_the_same_coefficients_given_as_inputs(
    coefs: list[str], scores: list[Optional[float]]
) -> None:
    report = perfscore.score(_table(coefs, scores), "500000-department")
    assert _points(report) == [Decimal(30), Decimal("28.5"), Decimal(27)]
    assert [row.inputs["coef"] for row in report.rows] == ["100", "95", "90"]
    assert report.total == Decimal("95.5") and report.complete


def test_fractions_the_scores_do_not_explain_are_refused_at_each_cell_never_guessed() -> None:
    report = perfscore.score(_table(["1", "0.95", "0.9"], [None, None, None]), "500000-department")
    ambiguous = [f for f in report.findings if f.code == "input-ambiguous"]
    assert [f.location for f in ambiguous] == [f"rows[{i}].inputs.coef" for i in range(3)]
    assert ambiguous[1].message_zh.startswith("得分系数 列的数值 '0.95'")
    assert _points(report) == [None, None, None] and not report.complete and report.grade == ""


@pytest.mark.parametrize(
    ("cell", "variant", "shown"),
    [
        ("-5%", "negative", "'-5%'"),  # a negative coefficient is never clipped to a silent 0
        ("-0.5", "negative", "'-0.5'"),
        ("优", "", "'优'"),  # text where a number is needed
        ("9" * 60, "", repr("9" * 40 + "…")),  # a number too long to read, quoted short
    ],
)
def test_a_coefficient_cell_that_cannot_be_used_is_reported_at_its_cell(
    cell: str, variant: str, shown: str
) -> None:
    report = perfscore.score(_table([cell, "95%", "90%"], [None, None, None]), "500000-department")
    bad = [f for f in report.findings if f.code == "input-unreadable"]
    assert [f.location for f in bad] == ["rows[0].inputs.coef"]
    assert bad[0].found == shown
    assert bad[0].message_zh.startswith(f"得分系数 列的{'数值' if variant else '内容'} {shown}")
    assert _points(report) == [None, Decimal("28.5"), Decimal(27)] and not report.complete


def test_a_blank_coefficient_cell_is_a_missing_input_not_an_unreadable_one() -> None:
    report = perfscore.score(_table(["", "95%", "90%"], [None, None, None]), "500000-department")
    assert not [f for f in report.findings if f.code == "input-unreadable"]
    assert [f.location for f in report.findings if f.code == "missing-input"] == ["rows[0].inputs"]


def test_zero_coefficients_tell_nothing_and_percent_scores_decide() -> None:
    # 0 × 30 is 0 either way; 0.5 → 0.15 in per cent (a score of 0.2 at one decimal), 15 as a fraction
    report = perfscore.score(_table(["0", "0.5", "1"], [0, 0.2, 0.3]), "500000-department")
    assert _points(report) == [Decimal(0), Decimal("0.2"), Decimal("0.3")]


def test_a_row_that_states_its_input_keeps_its_own() -> None:
    report = perfscore.score(
        _table(["100%", "95%", "90%"], [None, None, None], inputs={"coef": 50}), "500000-department"
    )
    assert _points(report)[0] == Decimal(15)


def test_a_ruleset_whose_columns_name_an_undeclared_input_is_refused_where_it_says_so(tmp_path: Path) -> None:
    shipped = Path(perfscore.__file__).parent.parent.parent / "rulesets" / "500000" / "department-2021.toml"
    text = shipped.read_text(encoding="utf-8").replace("columns = { coef =", "columns = { coeff =")
    bad = tmp_path / "department-2021.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        perfscore.load_ruleset(bad)
    assert [(p.code, p.path) for p in caught.value.problems] == [
        ("bad-input", "methods.coefficient.columns.coeff")
    ]


def _chongqing_form(path: Path, title: str = "重庆市某某局2021年度部门整体绩效自评表") -> Path:
    """重庆's flat list as the published table lays it out (DOMAIN §7.1): 指标名称 · 计量单位 ·
    指标性质 · 年初指标值 · 调整指标值 · 全年完成值 · 得分系数 · 指标权重 · 指标得分 · 是否核心指标,
    the budget's 执行率 a row of the list, no 偏差原因 column."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([title])
    sheet.append(["部门名称：重庆市某某局"])
    sheet.append(["指标名称", "计量单位", "指标性质", "年初指标值", "调整指标值", "全年完成值", "得分系数",
                  "指标权重", "指标得分", "是否核心指标"])  # fmt: skip
    sheet.append(["政府采购执行率", "%", "≥", "95", "", "100", "100%", 30, 30, "是"])
    sheet.append(["预算完成率", "%", "≥", "100", "98", "95", "96.9%", 30, 29.1, "否"])
    sheet.append(["重点工作办结率", "%", "≥", "100", "", "90", "90%", 30, 27, "是"])
    sheet.append(["执行率", None, None, None, None, "95%", None, 10, 9.5])
    sheet.append(["合计", None, None, None, None, None, None, 100, 95.6])
    book.save(path)
    return path


def test_a_chongqing_form_reads_scores_and_reviews_from_its_own_columns(tmp_path: Path) -> None:
    form = _chongqing_form(tmp_path / "重庆-部门整体.xlsx")
    (evaluation,) = perfscore.read_evaluations(form)  # no --region, no --form: the table says both
    assert (evaluation.region, evaluation.form) == ("", "department")
    reviewed = perfscore.review(evaluation)
    report = reviewed.report
    assert (report.region, report.ruleset) == ("500000", "500000-department")
    assert _points(report) == [Decimal(30), Decimal("29.1"), Decimal(27)]
    assert report.budget is not None and report.budget.points == Decimal("9.5")  # 执行率, a row of the list
    assert report.total == Decimal("95.6") and report.complete
    assert [f.code for f in reviewed.findings if f.severity in ("error", "warning")] == []
    # two rows scored below their weight would need a 偏差原因; the table has no such column: said once
    unchecked = [f for f in reviewed.findings if f.location == "rows.note"]
    assert [(f.code, f.found) for f in unchecked] == [("check-not-run", "2")]
    assert "note" not in evaluation.columns and {"name", "actual", "weight", "score"} <= set(
        evaluation.columns
    )


def test_the_same_form_with_a_note_column_left_blank_is_told_row_by_row(tmp_path: Path) -> None:
    form = _chongqing_form(tmp_path / "重庆.xlsx")
    book = openpyxl.load_workbook(form)
    sheet = book.active
    assert sheet is not None
    sheet.cell(row=3, column=11, value="偏差原因分析")
    book.save(form)
    (evaluation,) = perfscore.read_evaluations(form)
    notes = [f.location for f in perfscore.review(evaluation).findings if f.code == "missing-deviation-note"]
    assert notes == ["Sheet!A5.note", "Sheet!A6.note"]


def test_a_form_whose_title_names_no_form_asks_for_one(tmp_path: Path) -> None:
    form = _chongqing_form(tmp_path / "重庆.xlsx", title="重庆市某某局2021年度绩效自评")
    (evaluation,) = perfscore.read_evaluations(form)
    with pytest.raises(perfscore.EvaluationError) as caught:
        perfscore.review(evaluation)
    assert [(p.code, p.path) for p in caught.value.problems] == [("form-missing", "evaluation.form")]
    assert "--form" in str(caught.value.problems[0])
    assert caught.value.problems[0].message.startswith("表中未写表格类型")  # Chinese first
