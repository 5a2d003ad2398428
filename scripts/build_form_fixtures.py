"""Build Word and Excel self-evaluation tables (绩效自评表) laid out like the originals.

    python scripts/build_form_fixtures.py OUTDIR

The values come from the hand-written examples (examples/*/*.toml, read with perfscore), so
the fixtures and the examples cannot drift; the layout (merged 一级 / 二级 cells, "……" filler
rows, empty rows, the 总分 row, the signature line, the 项目资金 block, the 年度总体目标 rows)
follows the published seed-003 tables (岳阳楼区 2023, 附件3 and 附件4) and the 四川 form.

Files built (``build_all(outdir)`` returns them by key):

- ``seed003-department.docx``: 附件3 (整体支出);
- ``seed003-projects.docx``: 附件4, its two tables (区级专项资金, 上级转移支付) in one document;
- ``seed003.xlsx``: the same three tables, one worksheet each;
- ``sichuan-project.docx`` / ``.xlsx``: the 四川 layout (指标性质 and 度量单位 columns, 权重,
  完成值, 得分), from examples/510000/project-2021.toml;
- ``merged-blocks.docx`` / ``.xlsx``: merged cells that cross block boundaries (see
  :data:`MERGED_BLOCKS`);
- ``split-row.docx``: a table over four pages, its header repeated on each, one row with a
  long 偏差原因 breaking across a page break and every other row kept whole (see
  :func:`split_row_document`); saved once as ``tests/data/forms/split-row.pdf`` by LibreOffice
  (``python scripts/build_form_fixtures.py --split-pdf tests/data/forms``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple, Optional, Union

import perfscore
from perfscore import Evaluation, IndicatorRow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


class Percent(NamedTuple):
    """A number Excel shows as a percentage (0.96 with format 0% → 96%); Word gets the text."""

    value: Decimal


Value = Union[str, Decimal, Percent, None]


class Table:
    """A table as cells and merged ranges, written the same way to Word and Excel."""

    def __init__(self, width: int, *, header_rows: int = 0, split_rows: Optional[set[int]] = None) -> None:
        self.width = width
        self.cells: list[list[Value]] = []
        self.merges: list[tuple[int, int, int, int]] = []  # top, left, bottom, right (0-based, inclusive)
        self.header_rows = header_rows
        """Word: the first rows, printed again at the top of each page the table continues on."""
        self.split_rows = split_rows
        """Word: when given, only these rows may break across a page (the others are kept whole)."""

    def row(self, *spans: tuple[Value, int]) -> int:
        """Append a row of (value, columns spanned); returns its index."""
        cells: list[Value] = []
        for value, span in spans:
            if span > 1:
                self.merges.append((len(self.cells), len(cells), len(self.cells), len(cells) + span - 1))
            cells.append(value)
            cells.extend([None] * (span - 1))
        assert len(cells) == self.width, (cells, self.width)
        self.cells.append(cells)
        return len(self.cells) - 1

    def merge_down(self, top: int, bottom: int, column: int) -> None:
        if bottom > top:
            self.merges.append((top, column, bottom, column))


Document = list[Union[str, Table]]
"""Paragraphs (text) and tables, in order."""


# -- seed 003 (岳阳楼区 2023) ------------------------------------------------------------------

SIGNATURE = "单位负责人签字：李平平  填表人：  陶燕辉  联系电话：13975094556    填报日期：2024.5.9"
GOALS = (
    "目标1：负责办理楼区用人单位参加工伤保险业务；\n目标2.组织参保单位开展工伤预防和安全卫生教育培训工作；",
    "目标1：完成楼区新增工伤保险参保单位的参保工作。全区工伤保险参保形势稳中有进。",
)
DEPARTMENT_BREAKDOWN = (
    ("按收入性质分：153.67", "按支出性质分：153.67"),
    ("其中：  一般公共预算：153.67", "其中：基本支出：84.13"),
    ("政府性基金拨款：", "项目支出：69.54"),
    ("纳入专户管理的非税收入拨款：", ""),
    ("其他资金：", ""),
)
HEADERS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "自评得分",
    "偏差原因分析及改进措施",
)


def example(path: str) -> Evaluation:
    return perfscore.read_evaluation(EXAMPLES / path)


def _groups(rows: Sequence[IndicatorRow]) -> list[tuple[str, list[tuple[str, list[IndicatorRow]]]]]:
    """Rows grouped by block, then by category, in order."""
    blocks: list[tuple[str, list[tuple[str, list[IndicatorRow]]]]] = []
    for row in rows:
        if not blocks or blocks[-1][0] != row.block:
            blocks.append((row.block, []))
        categories = blocks[-1][1]
        if not categories or categories[-1][0] != row.category:
            categories.append((row.category, []))
        categories[-1][1].append(row)
    return blocks


def seed_table(evaluation: Evaluation) -> Table:
    """One seed-003 table (9 columns: side label, 一级 … 偏差原因), as printed."""
    table = Table(9)
    if evaluation.form == "department":
        table.row(("预算单位名称", 2), (evaluation.unit, 7))
    else:
        table.row(("项目支出名称", 2), (evaluation.project, 7))
        table.row(("主管部门", 2), (evaluation.department, 3), ("实施单位", 2), (evaluation.unit, 2))
    budget = evaluation.budget
    assert budget is not None
    side = "项目资金（万元）" if evaluation.form == "project" else "年度预算申请（万元）"
    top = table.row(
        (side, 1),
        ("", 2),
        ("年初预算数", 1),
        ("全年预算数", 1),
        ("全年执行数", 1),
        ("分值", 1),
        ("执行率", 1),
        ("自评得分", 1),
    )
    last = table.row(
        (None, 1),
        ("年度资金总额", 2),
        (budget.initial, 1),
        (budget.full_year, 1),
        (budget.executed, 1),
        (budget.points, 1),
        (budget.rate, 1),
        (budget.reported_score, 1),
    )
    for index, line in enumerate(budget.lines):
        label = f"其中：{line.name}" if index == 0 else line.name
        last = table.row(
            (None, 1),
            (label, 2),
            (line.initial, 1),
            (line.full_year, 1),
            (line.executed, 1),
            ("", 1),
            ("", 1),
            ("", 1),
        )
    if evaluation.form == "department":
        for left, right in DEPARTMENT_BREAKDOWN:
            last = table.row((None, 1), (left, 4), (right, 4))
    table.merge_down(top, last, 0)
    goals = table.row(("年度总体目标", 1), ("预期目标", 4), ("实际完成情况", 4))
    table.row((None, 1), (GOALS[0], 4), (GOALS[1], 4))
    table.merge_down(goals, goals + 1, 0)
    header = table.row(("绩效指标", 1), *((text, 1) for text in HEADERS))
    last = header
    for block_index, (block, categories) in enumerate(_groups(evaluation.rows)):
        block_top = last + 1
        for category_index, (category, rows) in enumerate(categories):
            category_top = last + 1
            for index, row in enumerate(rows):
                last = table.row(
                    (None, 1),
                    (block if last + 1 == block_top else None, 1),
                    (category if index == 0 else None, 1),
                    (row.name, 1),
                    (row.target, 1),
                    (row.actual, 1),
                    (row.weight, 1),
                    (row.reported_score, 1),
                    (row.note, 1),
                )
            # The originals' filler: an empty row and a "……" row at the end of 产出指标, and
            # under each 二级 of the other blocks (the empty row only under one-row 二级).
            end_of_block = category_index == len(categories) - 1
            if block_index > 0 or end_of_block:
                if block_index == 0 or len(rows) == 1:
                    last = table.row((None, 1), *(("", 1) for _ in HEADERS))
                last = table.row((None, 1), ("", 1), ("", 1), ("……", 1), *(("", 1) for _ in HEADERS[3:]))
            table.merge_down(category_top, last, 2)
        table.merge_down(block_top, last, 1)
    table.merge_down(header, last, 0)
    table.row(("总分", 6), (Decimal(100), 1), (evaluation.reported_total, 1), ("", 1))
    return table


def seed_documents() -> dict[str, Document]:
    department = example("430602/department-2023.toml")
    fund = example("430602/project-2023-district-fund.toml")
    transfer = example("430602/project-2023-transfer.toml")
    return {
        "附件3": ["附件 3", department.title, seed_table(department), SIGNATURE],
        "附件4-1": ["附件 4", fund.title, seed_table(fund), SIGNATURE],
        "附件4-2": [transfer.title, seed_table(transfer), SIGNATURE],
    }


# -- 四川 ------------------------------------------------------------------------------------------


def sichuan_document() -> Document:
    """The 四川 layout: 指标性质 / 指标值 / 度量单位 / 完成值 / 权重 / 得分, 调整后预算数."""
    evaluation = example("510000/project-2021.toml")
    budget = evaluation.budget
    assert budget is not None
    table = Table(10)
    table.row((evaluation.title, 10))
    table.row(("项目名称", 2), (evaluation.project, 8))
    table.row(("主管部门", 2), (evaluation.department, 3), ("实施单位", 2), (evaluation.unit, 3))
    table.row(
        ("项目资金（万元）", 2),
        ("年初预算", 1),
        ("调整后预算数", 1),
        ("预算执行数", 1),
        ("权重", 1),
        ("预算执行率", 1),
        ("得分", 1),
        ("原因", 2),
    )
    rate = Percent(Decimal(budget.rate.rstrip("%")) / 100)
    table.row(
        ("年度资金总额", 2),
        (budget.initial, 1),
        (budget.full_year, 1),
        (budget.executed, 1),
        (budget.points, 1),
        (rate, 1),
        (budget.reported_score, 1),
        (budget.note, 2),
    )
    table.row(("年度总体目标", 2), ("完成农村公路养护任务，路况保持良好。", 8))
    headers = (
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "指标值",
        "度量单位",
        "完成值",
        "权重",
        "得分",
        "未完成原因分析",
    )
    last = table.row(*((text, 1) for text in headers))
    for block, categories in _groups(evaluation.rows):
        block_top = last + 1
        for category, rows in categories:
            category_top = last + 1
            for index, row in enumerate(rows):
                last = table.row(
                    (block if last + 1 == block_top else None, 1),
                    (category if index == 0 else None, 1),
                    (row.name, 1),
                    (row.sign, 1),
                    (row.target, 1),
                    (row.unit, 1),
                    (row.actual, 1),
                    (row.weight, 1),
                    (row.reported_score, 1),
                    (row.note, 1),
                )
            table.merge_down(category_top, last, 1)
        last = table.row(("", 1), ("", 1), ("……", 1), *(("", 1) for _ in range(7)))
        table.merge_down(block_top, last, 0)
    table.row(("总分", 7), (Decimal(100), 1), (evaluation.reported_total, 1), ("", 1))
    table.row(("填表人：张三    联系电话：    填报日期：2022年3月1日", 10))
    return [table]


# -- merged cells across block boundaries ---------------------------------------------------------

MERGED_BLOCKS = (
    # (一级 or None, 一级 rows merged, 二级 or None, 二级 rows merged, 三级)
    ("产出指标", 3, "数量指标", 2, "A 数量"),
    (None, 0, None, 0, "B 数量"),
    (None, 0, "成本指标", 2, "C 成本"),  # 二级 merged across into the first 效益指标 row
    ("效益指标", 4, None, 0, "D 效益, under the 成本指标 merge"),  # 一级 merged over two blocks' rows
    (None, 0, "社会效益指标", 1, "E 社会"),
    (None, 0, "服务对象满意度指标", 1, "F 满意度, under the 效益指标 merge"),
    (None, 0, "", 1, "G blank 二级, not merged"),
    ("满意度指标", 1, "", 1, "H blank 二级 under a new 一级"),
)
"""Each row: 一级 / 二级 text where a cell starts and how many rows it is merged over."""


def merged_blocks_document() -> Document:
    table = Table(7)
    table.row(("项目支出名称", 2), ("合并单元格测试", 5))
    header = table.row(*((text, 1) for text in HEADERS[:7]))
    for offset, (block, block_rows, category, category_rows, name) in enumerate(MERGED_BLOCKS, header + 1):
        table.row(
            (block, 1), (category, 1), (name, 1), ("100%", 1), ("100%", 1), (Decimal(5), 1), (Decimal(5), 1)
        )
        if block is not None:
            table.merge_down(offset, offset + block_rows - 1, 0)
        if category is not None:
            table.merge_down(offset, offset + category_rows - 1, 1)
    table.row(("总分", 5), (Decimal(40), 1), (Decimal(40), 1))
    return ["2023 年度项目支出绩效自评表", table]


# -- a row broken across a page (PDF) -------------------------------------------------------------

SPLIT_NOTE = (
    "受年中政策调整影响，部分乡镇的补助申报材料延迟报送，资金拨付时间相应推后，"
    "经主管部门督促后各乡镇已于十二月底前完成全部申报和拨付工作，"
    "下一步将提前组织培训，明确申报流程和时间节点，建立按月调度和通报制度，"
    "对进度滞后的单位及时约谈提醒，确保资金按时足额拨付到位，"
    "同时加强对资金使用情况的跟踪问效，发现问题及时整改，"
    "切实提高财政资金使用效益和群众满意度。"
)
"""The 偏差原因 of the row printed across the first page break: Chinese without spaces, so the
lines wrapped in its cell join back exactly."""


def split_row_document() -> Document:
    """A project form whose indicator table runs over four pages (as LibreOffice lays it out): its
    header row repeats at the top of each, the row with :data:`SPLIT_NOTE` breaks across the
    second page break (its 偏差原因 continues on page 3 under empty level and name cells) and every
    other row is kept whole, so the other breaks fall between two rows (the first row on the next
    page is a row of its own)."""
    evaluation = example("430602/project-2023-district-fund.toml")
    rows = list(evaluation.rows)
    long_row = 5
    table = Table(8, header_rows=1, split_rows={long_row + 1})
    table.row(*((text, 1) for text in HEADERS))
    last = 0
    for block, categories in _groups(rows):
        block_top = last + 1
        for category, group in categories:
            category_top = last + 1
            for row in group:
                index = last
                last = table.row(
                    (block if last + 1 == block_top else None, 1),
                    (category if last + 1 == category_top else None, 1),
                    (row.name, 1),
                    (row.target, 1),
                    (row.actual, 1),
                    (row.weight, 1),
                    (row.reported_score, 1),
                    (SPLIT_NOTE if index == long_row else row.note, 1),
                )
            table.merge_down(category_top, last, 1)
        table.merge_down(block_top, last, 0)
    table.row(("总分", 5), (Decimal(100), 1), (evaluation.reported_total, 1), ("", 1))
    return [  # the names as paragraphs: a table right after another would be joined to it
        "2023 年度项目支出绩效自评表",
        "项目支出名称：乡镇公路养护补助",
        f"主管部门：{evaluation.department}",
        f"实施单位：{evaluation.unit}",
        table,
    ]


def build_split_pdf(out: Path) -> Path:
    """``split-row.pdf``: :func:`split_row_document` saved as PDF by LibreOffice (``soffice`` on
    PATH, a CJK font installed), on python-docx's default Letter page."""
    import shutil
    import subprocess
    import tempfile

    program = shutil.which("soffice") or shutil.which("libreoffice")
    if not program:
        raise SystemExit("LibreOffice (soffice) is needed to build split-row.pdf")
    with tempfile.TemporaryDirectory(prefix="perfscore-split-") as folder:
        work = Path(folder)
        source = write_docx(split_row_document(), work / "split-row.docx")
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        out.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy(work / "split-row.pdf", out / "split-row.pdf"))


# -- writers -------------------------------------------------------------------------------------


def _word_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Percent):
        return f"{(value.value * 100).normalize():f}%"
    return str(value)


def write_docx(document: Document, path: Path) -> Path:
    import docx

    out = docx.Document()
    for item in document:
        if isinstance(item, str):
            out.add_paragraph(item)
            continue
        table = out.add_table(rows=len(item.cells), cols=item.width)
        table.style = "Table Grid"
        covered: set[tuple[int, int]] = set()
        for top, left, bottom, right in item.merges:
            table.cell(top, left).merge(table.cell(bottom, right))
            covered |= {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)} - {
                (top, left)
            }
        for r, cells in enumerate(item.cells):
            for c, value in enumerate(cells):
                if (r, c) not in covered and value is not None:
                    table.cell(r, c).text = _word_text(value)
        _row_breaks(table, item)
    out.save(str(path))
    return path


def _row_breaks(table: object, item: Table) -> None:
    """Word's row properties: ``w:cantSplit`` on rows kept whole, ``w:tblHeader`` on the header."""
    from docx.oxml import OxmlElement

    for r, row in enumerate(table.rows):  # type: ignore[attr-defined]
        keep = item.split_rows is not None and r not in item.split_rows
        if not keep and r >= item.header_rows:
            continue
        properties = row._tr.get_or_add_trPr()
        if keep:
            properties.append(OxmlElement("w:cantSplit"))
        if r < item.header_rows:
            properties.append(OxmlElement("w:tblHeader"))


def write_xlsx(sheets: dict[str, Document], path: Path) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for name, document in sheets.items():
        sheet = workbook.create_sheet(name)
        width = max((item.width for item in document if isinstance(item, Table)), default=1)
        row = 1
        for item in document:
            if isinstance(item, str):
                sheet.cell(row, 1, item)
                if width > 1:
                    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
                row += 1
                continue
            for r, cells in enumerate(item.cells):
                for c, value in enumerate(cells):
                    _put(sheet.cell(row + r, c + 1), value)
            for top, left, bottom, right in item.merges:
                sheet.merge_cells(
                    start_row=row + top, start_column=left + 1, end_row=row + bottom, end_column=right + 1
                )
            row += len(item.cells)
    workbook.save(str(path))
    return path


def _put(cell: object, value: Value) -> None:
    from openpyxl.cell.cell import Cell

    assert isinstance(cell, Cell)
    if value is None or value == "":
        return
    if isinstance(value, Percent):
        cell.value = float(value.value)
        cell.number_format = "0%"
    elif isinstance(value, Decimal):
        cell.value = int(value) if value == value.to_integral_value() else float(value)
    else:
        cell.value = value


def build_all(outdir: Union[str, Path]) -> dict[str, Path]:
    """Build every fixture into ``outdir``; returns the files by key."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    seed = seed_documents()
    sichuan = sichuan_document()
    merged = merged_blocks_document()
    return {
        "seed-department.docx": write_docx(seed["附件3"], out / "seed003-department.docx"),
        "seed-projects.docx": write_docx(seed["附件4-1"] + seed["附件4-2"], out / "seed003-projects.docx"),
        "seed.xlsx": write_xlsx(seed, out / "seed003.xlsx"),
        "sichuan.docx": write_docx(sichuan, out / "sichuan-project.docx"),
        "sichuan.xlsx": write_xlsx({"Sheet1": sichuan}, out / "sichuan-project.xlsx"),
        "merged.docx": write_docx(merged, out / "merged-blocks.docx"),
        "merged.xlsx": write_xlsx({"Sheet1": merged}, out / "merged-blocks.xlsx"),
        "split.docx": write_docx(split_row_document(), out / "split-row.docx"),
    }


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) == 2 and args[0] == "--split-pdf":
        print(build_split_pdf(Path(args[1])))
        return 0
    if len(args) != 1:
        print("usage: python scripts/build_form_fixtures.py [--split-pdf] OUTDIR", file=sys.stderr)
        return 2
    for key, path in build_all(args[0]).items():
        print(f"{key}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
