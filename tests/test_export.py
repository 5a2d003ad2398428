"""Export: the scored workbook in the form's layout, Markdown and one printable HTML page."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Optional

import attrs
import pytest

import perfscore
from conftest import ROOT, YUEYANGLOU
from perfscore.errors import PerfscoreError
from perfscore.report import RowResult
from perfscore.report.export import ExportError, ExportFormatError, export, to_html, to_markdown, to_xlsx
from perfscore.reviewing import Review

needs_openpyxl = pytest.mark.skipif(
    importlib.util.find_spec("openpyxl") is None, reason="the xlsx export needs openpyxl"
)

DISTRICT_FUND = YUEYANGLOU / "project-2023-district-fund.toml"
DEPARTMENT = YUEYANGLOU / "department-2023.toml"

GRID_HEADERS = [
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "自评得分",
    "计算得分",
    "差异",
    "计分说明",
    "偏差原因分析及改进措施",
]
FUND_CODES = ["full-marks-unmet", "budget-lines-sum", "rate-mismatch", "self-deduction"]


@pytest.fixture(scope="module")
def fund() -> tuple[perfscore.Evaluation, Review]:
    evaluation = perfscore.read_evaluation(DISTRICT_FUND)
    return evaluation, perfscore.review(evaluation)


@pytest.fixture(scope="module")
def department() -> Review:
    return perfscore.review(perfscore.read_evaluation(DEPARTMENT))


@pytest.fixture(scope="module")
def workbook(fund: tuple[perfscore.Evaluation, Review], tmp_path_factory: pytest.TempPathFactory) -> Any:
    evaluation, review = fund
    path = tmp_path_factory.mktemp("xlsx") / "fund.xlsx"
    to_xlsx(review, path, evaluation=evaluation)
    return _load(path)


def _load(path: Path) -> Any:
    import openpyxl

    return openpyxl.load_workbook(path)


def _find_row(ws: Any, column: int, value: str) -> int:
    for row in ws.iter_rows(min_col=column, max_col=column):
        if row[0].value == value:
            return int(row[0].row)
    raise AssertionError(f"no row with {value!r} in column {column}")


def _grid_header_row(ws: Any) -> int:
    return _find_row(ws, 1, "一级指标")


# -- xlsx --------------------------------------------------------------------------------
@needs_openpyxl
def test_xlsx_sheets_title_and_headers(workbook: Any) -> None:
    assert workbook.sheetnames == ["自评表", "发现", "规则"]
    ws = workbook["自评表"]
    assert ws["A1"].value == "2023 年度项目支出绩效自评表"
    assert ws["A1"].font.bold
    assert "A1:K1" in {str(r) for r in ws.merged_cells.ranges}
    assert "区级专项资金" in ws["A2"].value and "岳阳市岳阳楼区工伤保险服务中心" in ws["A2"].value
    header = _grid_header_row(ws)
    cells = [ws.cell(row=header, column=c) for c in range(1, 12)]
    assert [c.value for c in cells] == GRID_HEADERS
    assert all(c.font.bold and c.border.top.style == "thin" for c in cells)
    assert all(c.fill.fill_type == "solid" for c in cells)


@needs_openpyxl
def test_xlsx_cost_row_numbers_and_highlight(workbook: Any) -> None:
    ws = workbook["自评表"]
    r = _find_row(ws, 3, "总成本控制")
    assert ws.cell(row=r, column=2).value == "成本指标"  # a 二级 of one row
    weight, reported, computed, diff = (ws.cell(row=r, column=c).value for c in (6, 7, 8, 9))
    assert (weight, reported, computed, diff) == (10, 10, 2, 8)
    assert all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in (weight, reported, computed, diff)
    )
    assert ws.cell(row=r, column=9).number_format == "+0;-0;0"
    # Reported above computed: red.
    assert ws.cell(row=r, column=9).fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.cell(row=r, column=7).fill.fgColor.rgb.endswith("FFC7CE")
    assert "反向指标" in ws.cell(row=r, column=10).value
    # Reported below computed (群众满意度 9 vs 10): yellow.
    s = _find_row(ws, 3, "群众满意度")
    assert ws.cell(row=s, column=9).value == -1
    assert ws.cell(row=s, column=9).fill.fgColor.rgb.endswith("FFEB9C")
    assert ws.cell(row=s, column=11).value == "工伤保险政策解释与群众期望值之间存在偏差。"


@needs_openpyxl
def test_xlsx_merged_block_and_category_cells(workbook: Any) -> None:
    ws = workbook["自评表"]
    header = _grid_header_row(ws)
    merged = {str(r) for r in ws.merged_cells.ranges}
    first = header + 1
    assert ws.cell(row=first, column=1).value == "产出指标（50分）"
    # 产出指标 has 7 rows, 效益指标 5, 满意度指标 1 (not merged); each block is followed by its 小计.
    assert f"A{first}:A{first + 6}" in merged
    assert ws.cell(row=first + 7, column=1).value == "产出指标 小计"
    assert f"A{first + 8}:A{first + 12}" in merged
    assert ws.cell(row=first + 8, column=1).value == "效益指标（30分）"
    # 二级 merged over its rows: 数量指标 (2 rows).
    assert ws.cell(row=first, column=2).value == "数量指标"
    assert f"B{first}:B{first + 1}" in merged
    assert ws.cell(row=first + 7, column=6).value == 50
    assert ws.cell(row=first + 7, column=8).value == 42


@needs_openpyxl
def test_xlsx_total_grade_and_not_applicable(workbook: Any) -> None:
    ws = workbook["自评表"]
    r = _find_row(ws, 1, "总分")
    assert [ws.cell(row=r, column=c).value for c in (6, 7, 8, 9)] == [100, 95, 92, 3]
    g = _find_row(ws, 1, "等级")
    assert ws.cell(row=g, column=8).value == "优"
    assert ws.cell(row=g, column=7).value == "—"
    na = _find_row(ws, 3, "不适用")
    assert ws.cell(row=na, column=8).value == "不适用"
    assert ws.cell(row=na, column=6).value is None


@needs_openpyxl
def test_xlsx_budget_block(workbook: Any) -> None:
    ws = workbook["自评表"]
    r = _find_row(ws, 1, "年度资金总额")
    assert ws.cell(row=r - 1, column=1).value == "项目资金（万元）"
    assert r < _grid_header_row(ws)
    initial, full_year, executed, weight = (ws.cell(row=r, column=c).value for c in (2, 3, 4, 5))
    assert (initial, full_year, executed, weight) == (4, 4, 16.54, 10)
    assert ws.cell(row=r, column=4).number_format == "#,##0.00"
    printed, computed = ws.cell(row=r, column=6), ws.cell(row=r, column=7)
    assert printed.value == pytest.approx(0.9975) and printed.number_format == "0.00%"
    assert computed.value == pytest.approx(4.135) and computed.number_format == "0.00%"
    assert printed.fill.fgColor.rgb.endswith("FFC7CE")  # the printed rate does not match
    assert [ws.cell(row=r, column=c).value for c in (8, 9)] == [10, 10]
    # The sub-rows from the evaluation, with 分值 … 计分说明 merged down the block.
    other = _find_row(ws, 1, "其中：其他资金")
    assert (ws.cell(row=other, column=3).value, ws.cell(row=other, column=4).value) == (12.55, 12.55)
    assert f"E{r}:E{other}" in {str(x) for x in ws.merged_cells.ranges}


@needs_openpyxl
def test_xlsx_budget_without_evaluation(fund: tuple[perfscore.Evaluation, Review], tmp_path: Path) -> None:
    path = tmp_path / "plain.xlsx"
    to_xlsx(fund[1], path)
    ws = _load(path)["自评表"]
    r = _find_row(ws, 1, "年度资金总额")
    # The report keeps the rate's base (全年预算数 here) and the executed amount only.
    assert [ws.cell(row=r, column=c).value for c in (2, 3, 4)] == [None, 4, 16.54]
    assert ws.cell(row=r + 1, column=1).value is None


@needs_openpyxl
def test_xlsx_findings_sheet(workbook: Any, fund: tuple[perfscore.Evaluation, Review]) -> None:
    review = fund[1]
    ws = workbook["发现"]
    assert [c.value for c in ws[1]] == ["严重程度", "代码", "位置", "说明", "English", "应为", "实为"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(review.findings) == 6
    assert [r[1] for r in rows] == [f.code for f in review.findings]
    assert set(FUND_CODES) <= {r[1] for r in rows}
    rate = next(r for r in rows if r[1] == "rate-mismatch")
    assert rate == (
        "错误",
        "rate-mismatch",
        "budget.rate",
        "表中执行率与 执行数/预算数 不符",
        "the printed execution rate does not equal executed / budget",
        "16.54 / 4 = 413.5%",
        "99.75%",
    )
    assert ws.freeze_panes == "A2"
    assert ws["A2"].fill.fgColor.rgb.endswith("FFC7CE")


@needs_openpyxl
def test_xlsx_rules_sheet(workbook: Any) -> None:
    ws = workbook["规则"]
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "430602-project" in values
    assert "2023" in values  # the edition
    assert "rulesets/CN/base.toml: methods.reverse" in values
    assert any(str(v).endswith("project-2023-district-fund.toml: rows[6].weight") for v in values)
    assert "W * T / A" in values


@needs_openpyxl
def test_xlsx_print_setup_and_widths(workbook: Any) -> None:
    ws = workbook["自评表"]
    header = _grid_header_row(ws)
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws.print_title_rows == f"${header}:${header}"
    for sheet in workbook:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # Widths fitted to CJK text (2 a character) and capped, so long names wrap.
    assert ws.column_dimensions["C"].width == 40
    assert ws.column_dimensions["F"].width < 12
    name = ws.cell(row=_find_row(ws, 3, "总成本控制") - 1, column=3)
    assert name.alignment.wrap_text


@needs_openpyxl
def test_xlsx_not_scorable_rows_marked(department: Review, tmp_path: Path) -> None:
    path = tmp_path / "department.xlsx"
    to_xlsx(department, path)
    ws = _load(path)["自评表"]
    r = _find_row(ws, 3, "总成本控制")
    cell = ws.cell(row=r, column=8)
    assert cell.value == "无法计分"
    assert cell.fill.fgColor.rgb.endswith("F8CBAD")
    assert ws.cell(row=r, column=10).value == "实际完成值 '153.673.67万元' 无法识别"
    total = _find_row(ws, 1, "总分")
    # A partial total has no difference to show.
    assert [ws.cell(row=total, column=c).value for c in (7, 8, 9)] == [95, 60, None]
    assert "无法计分" in ws.cell(row=total, column=10).value


def test_xlsx_without_openpyxl(
    fund: tuple[perfscore.Evaluation, Review], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(ExportError, match=r"pip install 'perfscore\[office\]'") as info:
        to_xlsx(fund[1], tmp_path / "x.xlsx")
    assert isinstance(info.value, PerfscoreError) and isinstance(info.value, RuntimeError)
    assert not (tmp_path / "x.xlsx").exists()


# -- markdown ----------------------------------------------------------------------------
def test_markdown(fund: tuple[perfscore.Evaluation, Review]) -> None:
    evaluation, review = fund
    text = to_markdown(review, evaluation=evaluation)
    lines = text.splitlines()
    assert lines[0] == "# 2023 年度项目支出绩效自评表"
    assert "### 产出指标 Outputs：42 / 50（自评 50）" in lines
    assert "### 效益指标 Benefits：30 / 30（自评 26）" in lines
    assert "#### 成本指标：2（自评 10）" in lines
    cost = next(line for line in lines if line.startswith("| 总成本控制 |"))
    assert cost.startswith("| 总成本控制 | 不超过区级专项投入 | 16.54万元 | 10 | 10 | 2 | +8 | 反向指标")
    budget = next(line for line in lines if line.startswith("| 年度资金总额 |"))
    assert "| 4 | 4 | 16.54 | 10 | 99.75% | 413.5% | 10 | 10 |" in budget
    assert "**总分 total：计算 92 / 100，自评 95，差异 +3**" in lines
    assert "| 等级 | 优 Excellent | — |" in lines
    assert "| 严重程度 | 代码 | 位置 | 说明 | English | 应为 | 实为 |" in lines
    for code in FUND_CODES:
        assert f"| `{code}` |" in text
    rate = next(line for line in lines if "`rate-mismatch`" in line)
    assert rate.endswith("| 16.54 / 4 = 413.5% | 99.75% |")


def test_markdown_escapes_cells(fund: tuple[perfscore.Evaluation, Review]) -> None:
    review = _renamed(fund[1], "总成本控制", "a | b <script>")
    text = to_markdown(review)
    assert "| a \\| b &lt;script&gt; |" in text
    assert "<script>" not in text


# -- html --------------------------------------------------------------------------------
class _Checker(HTMLParser):
    """Parses a page and checks every element it opens is closed in order."""

    VOID = frozenset({"meta", "br", "hr", "img", "link", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.scripts = 0
        self.text: list[str] = []
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        self.tags.append(tag)
        if tag == "script":
            self.scripts += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _with_rows(review: Review, change: Callable[[RowResult], RowResult]) -> Review:
    """The review with ``change`` applied to every row of its report."""
    report = review.report
    blocks = tuple(
        attrs.evolve(
            block,
            categories=tuple(
                attrs.evolve(cat, rows=tuple(change(r) for r in cat.rows)) for cat in block.categories
            ),
        )
        for block in report.blocks
    )
    return attrs.evolve(review, report=attrs.evolve(report, blocks=blocks))


def _renamed(review: Review, old: str, new: str) -> Review:
    return _with_rows(review, lambda r: attrs.evolve(r, name=new) if r.name == old else r)


def test_html_page(fund: tuple[perfscore.Evaluation, Review]) -> None:
    evaluation, review = fund
    page = to_html(review, evaluation=evaluation)
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == [] and checker.doctype.lower() == "doctype html"
    assert '<html lang="zh-CN">' in page and '<meta charset="utf-8">' in page
    assert "<style>" in page and "@media print" in page
    assert "<table" in page and checker.tags.count("thead") == checker.tags.count("table") == 3
    assert checker.scripts == 0
    text = "".join(checker.text)
    assert "优 Excellent" in text
    for code in FUND_CODES:
        assert f"<code>{code}</code>" in page
    assert '<td class="num over">+8</td>' in page
    assert '<td class="num under">-1</td>' in page
    assert 'rowspan="7"' in page  # 产出指标 down its seven rows
    assert "其中：其他资金" in text


def test_html_escapes_every_text(fund: tuple[perfscore.Evaluation, Review]) -> None:
    review = _renamed(fund[1], "总成本控制", '<script>alert("x")</script>')
    page = to_html(review)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    checker = _Checker()
    checker.feed(page)
    assert checker.scripts == 0
    assert '<script>alert("x")</script>' in "".join(checker.text)


def test_html_incomplete(department: Review) -> None:
    page = to_html(department)
    assert "无法计分" in page and "不完整" in page
    assert "<code>garbled-cell</code>" in page


# -- dispatch ----------------------------------------------------------------------------
@needs_openpyxl
def test_export_dispatch(fund: tuple[perfscore.Evaluation, Review], tmp_path: Path) -> None:
    evaluation, review = fund
    assert export(review, "md") == to_markdown(review)
    assert export(review, "HTML", evaluation=evaluation) == to_html(review, evaluation=evaluation)
    out = tmp_path / "r.md"
    assert export(review, "markdown", out) == out.read_text(encoding="utf-8")
    xlsx = tmp_path / "r.xlsx"
    assert export(review, "xlsx", xlsx) is None
    assert _load(xlsx).sheetnames == ["自评表", "发现", "规则"]


def test_export_errors(fund: tuple[perfscore.Evaluation, Review]) -> None:
    review = fund[1]
    with pytest.raises(ExportFormatError, match=r"unknown export format 'pdf'; formats: xlsx, md, html"):
        export(review, "pdf")
    with pytest.raises(ValueError, match="xlsx"):
        export(review, "xlsx")
    assert issubclass(ExportFormatError, PerfscoreError)


@needs_openpyxl
def test_decimal_scores_keep_their_fraction(
    fund: tuple[perfscore.Evaluation, Review], tmp_path: Path
) -> None:
    name = "增强用人单位和职工知法遵法守法意识，依法维护职工工伤保险权益。"
    review = _with_rows(fund[1], lambda r: attrs.evolve(r, points=Decimal("14.7")) if r.name == name else r)
    path = tmp_path / "fraction.xlsx"
    to_xlsx(review, path)
    ws = _load(path)["自评表"]
    r = _find_row(ws, 3, name)
    assert ws.cell(row=r, column=8).value == pytest.approx(14.7)
    assert ws.cell(row=r, column=8).number_format == "0.00"
    assert ws.cell(row=r, column=9).value == pytest.approx(-1.7)
    assert ws.cell(row=r, column=9).number_format == "+0.00;-0.00;0"


# -- snapshots ---------------------------------------------------------------------------
#: Every writer's output for each table under examples/, taken before the writers were split
#: into one module each (issue 12) and kept identical since: Markdown and HTML byte for byte,
#: the workbook as a dump of every cell's value, type and style, merges, widths, heights and
#: print setup. After an intended change, rewrite them with
#: ``PYTHONPATH=src python tests/test_export.py`` and read the diff before committing.
EXPORT_GOLDEN = ROOT / "tests" / "golden" / "exports"


def _relative(text: str) -> str:
    return text.replace(ROOT.as_posix() + "/", "")


def _style(cell: Any) -> str:
    font, fill, align, border = cell.font, cell.fill, cell.alignment, cell.border
    sides = [str(getattr(border, side).style) for side in ("left", "right", "top", "bottom")]
    parts = [
        f"type={cell.data_type}",
        f"fmt={cell.number_format}" if cell.number_format != "General" else "",
        "quote" if cell.quotePrefix else "",
        "bold" if font.bold else "",
        "italic" if font.italic else "",
        f"size={font.sz}" if font.sz not in (None, 11) else "",
        f"color={font.color.rgb}" if font.color is not None and isinstance(font.color.rgb, str) else "",
        f"fill={fill.fill_type}:{fill.fgColor.rgb}" if fill.fill_type else "",
        f"align={align.horizontal},{align.vertical},{align.wrap_text}",
        "border=" + (sides[0] if len(set(sides)) == 1 else ",".join(sides)),
    ]
    return " ".join(p for p in parts if p)


def workbook_dump(path: Path) -> str:
    """What a reader of the workbook sees, as text: per sheet its print setup, column widths,
    row heights, merged ranges, and every cell that holds a value or a style."""
    out: list[str] = []
    for ws in _load(path).worksheets:
        setup = ws.page_setup
        out += [
            f"== {ws.title}",
            f"freeze={ws.freeze_panes} titles={ws.print_title_rows} filter={ws.auto_filter.ref}",
            f"page={setup.orientation},{setup.paperSize},{setup.fitToWidth},{setup.fitToHeight}"
            f" fit={ws.sheet_properties.pageSetUpPr.fitToPage} centered={ws.print_options.horizontalCentered}"
            f" margins={ws.page_margins.left},{ws.page_margins.right},{ws.page_margins.top},{ws.page_margins.bottom}"
            f" footer={ws.oddFooter.center.text}",
            "widths "
            + " ".join(f"{k}={v.width}" for k, v in sorted(ws.column_dimensions.items()) if v.width),
            "heights "
            + " ".join(f"{k}={v.height}" for k, v in sorted(ws.row_dimensions.items()) if v.height),
            "merged " + " ".join(sorted(str(r) for r in ws.merged_cells.ranges)),
        ]
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None or cell.has_style:
                    out.append(f"{cell.coordinate} {cell.value!r} {_style(cell)}")
    return _relative("\n".join(out) + "\n")


def export_snapshots(folder: Path) -> dict[str, str]:
    """Every writer's output for every table under examples/, by its file name under
    tests/golden/exports/ (``folder`` holds the workbooks while they are read back)."""
    out: dict[str, str] = {}
    here = os.getcwd()
    os.chdir(ROOT)  # files named relative to the checkout, wherever it is: widths follow text length
    try:
        for file in sorted(Path("examples").rglob("*.toml")):
            evaluation = perfscore.read_evaluation(file)
            review = perfscore.review(evaluation)
            name = file.relative_to("examples").with_suffix("").as_posix()
            out[name + ".md"] = _relative(to_markdown(review, evaluation=evaluation))
            out[name + ".html"] = _relative(to_html(review, evaluation=evaluation))
            if importlib.util.find_spec("openpyxl") is not None:
                xlsx = folder / (name.replace("/", "-") + ".xlsx")
                to_xlsx(review, xlsx, evaluation=evaluation)
                out[name + ".xlsx.txt"] = workbook_dump(xlsx)
    finally:
        os.chdir(here)
    return out


def test_every_writer_gives_what_it_gave_for_each_example(tmp_path: Path) -> None:
    wanted = export_snapshots(tmp_path)
    stored = {p.relative_to(EXPORT_GOLDEN).as_posix() for p in EXPORT_GOLDEN.rglob("*") if p.is_file()}
    assert set(wanted) <= stored and len(stored) >= 24
    for name, text in wanted.items():
        assert (EXPORT_GOLDEN / name).read_text(encoding="utf-8") == text, name


if __name__ == "__main__":  # rewrite the snapshots
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        snapshots = export_snapshots(Path(tmp))
    for old in EXPORT_GOLDEN.rglob("*"):
        if old.is_file():
            old.unlink()
    for snapshot_name, snapshot_text in snapshots.items():
        target = EXPORT_GOLDEN / snapshot_name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(snapshot_text, encoding="utf-8")
    print(f"wrote {len(snapshots)} snapshots under {EXPORT_GOLDEN.relative_to(ROOT)}")
