"""The batch summary workbook: one row per table, a sheet per finding code, and the totals.

A batch is a list of summary lines, plain data (:func:`table_line`, :func:`error_line`): what
``perfscore review --summary`` collects as it streams (never the reports) and what the
workbench's page keeps. Every value from a table is stored as text (numbers as numbers), so a
cell that starts with ``=`` is shown as written and never evaluated. Needs openpyxl only.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Optional, Union

from ..reviewing import SEVERITIES, make_entry

__all__ = ["FINDING_HEADERS", "SEVERITIES", "SUMMARY_HEADERS", "error_line", "summary_workbook", "table_line"]


def table_line(file: str, table: Optional[int], review: dict[str, Any]) -> dict[str, Any]:
    """The summary line of a reviewed table, from its review as data (``Review.to_dict()``): the
    entry of schema/review.schema.json without the report itself (a batch keeps only lines)."""
    return _without_report(make_entry(file, table, review=review))


def error_line(file: str, table: Optional[int], error: str) -> dict[str, Any]:
    """The summary line of a file (or table) that could not be reviewed."""
    return _without_report(make_entry(file, table, error=error))


def _without_report(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if key != "report"}


SUMMARY_HEADERS = (
    "文件 File",
    "表 Table",
    "单位 Unit",
    "项目 Project",
    "区划 Region",
    "规则集 Ruleset",
    "自评总分 Reported",
    "计算总分 Computed",
    "计算等级 Grade",
    "自评等级 Reported grade",
    "错误 Errors",
    "警告 Warnings",
    "提示 Info",
    "无法复核 Not reviewed",
)
FINDING_HEADERS = (
    "文件 File",
    "表 Table",
    "严重程度 Severity",
    "位置 Location",
    "说明",
    "English",
    "应为 Expected",
    "实为 Found",
)
_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
_FORMULA_START = ("=", "+", "-", "@")
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _number(text: Optional[str]) -> Union[float, str, None]:
    if text is None or text == "":
        return None
    try:
        return float(Decimal(text))
    except (InvalidOperation, ValueError):
        return str(text)


def _put(ws: Any, row: int, values: Sequence[Any]) -> None:
    for col, value in enumerate(values, 1):
        cell = ws.cell(row=row, column=col)
        if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
            cell.value = value
            continue
        text = _CONTROL.sub("?", str(value))[:32000]
        cell.value = text
        cell.data_type = "s"
        if text.lstrip()[:1] in _FORMULA_START:
            cell.quotePrefix = True


def _sheet_name(code: str, taken: set[str]) -> str:
    base = _BAD_SHEET.sub("_", code)[:28] or "code"
    name, n = base, 2
    while name.lower() in taken:
        name, n = f"{base[:25]}~{n}", n + 1
    taken.add(name.lower())
    return name


def _summary_row(d: Mapping[str, Any]) -> list[Any]:
    if d["error"]:
        return [d["file"], d["table"], "", "", "", "", None, None, "", "", 0, 0, 0, d["error"]]
    t, g, c = d["totals"], d["grade"], d["counts"]
    ruleset = f"{d['ruleset']}@{d['edition']}" if d.get("edition") else d["ruleset"]
    return [
        d["file"],
        d["table"],
        d["unit"],
        d["project"],
        d["region"],
        ruleset,
        _number(t["reported"]),
        _number(t["computed"]) if t["complete"] else f"{t['computed']}（不完整）",
        g["computed"],
        g["reported"],
        c["error"],
        c["warning"],
        c["info"],
        "",
    ]


def summary_workbook(lines: Sequence[Mapping[str, Any]]) -> bytes:
    """The summary of a batch as .xlsx bytes: 汇总 (one row per table, then the totals),
    合计 (findings per code) and one sheet per finding code. ``lines`` are what
    :func:`table_line` and :func:`error_line` make."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "汇总 Summary"
    _put(ws, 1, SUMMARY_HEADERS)
    for n, line in enumerate(lines, 2):
        _put(ws, n, _summary_row(line))
    total_row = len(lines) + 2
    counts = [sum(line["counts"][s] for line in lines) for s in SEVERITIES]
    failed = sum(1 for line in lines if line["error"])
    _put(
        ws,
        total_row,
        [f"合计 Total: {len(lines)} 表", None, "", "", "", "", None, None, "", "", *counts, failed],
    )
    for cell in (*ws[1], *ws[total_row]):
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDEF", (36, 6, 30, 30, 8, 22)):
        ws.column_dimensions[letter].width = width

    _finding_sheets(wb, lines, {ws.title.lower()})
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _finding_sheets(wb: Any, lines: Sequence[Mapping[str, Any]], taken: set[str]) -> None:
    """合计 (findings per code) and one sheet per code listing its findings."""
    by_code: dict[str, list[tuple[Mapping[str, Any], Mapping[str, Any]]]] = {}
    for line in lines:
        for f in line["findings"]:
            by_code.setdefault(f["code"], []).append((line, f))
    totals = wb.create_sheet("合计 Totals")
    _put(totals, 1, ("代码 Code", "严重程度 Severity", "条数 Findings", "涉及表数 Tables"))
    taken.add(totals.title.lower())
    for n, (code, found) in enumerate(sorted(by_code.items()), 2):
        severity = found[0][1]["severity"]
        _put(
            totals,
            n,
            (code, _SEVERITY_ZH.get(severity, severity), len(found), len({id(x) for x, _ in found})),
        )
        sheet = wb.create_sheet(_sheet_name(code, taken))
        _put(sheet, 1, FINDING_HEADERS)
        for m, (line, f) in enumerate(found, 2):
            _put(
                sheet,
                m,
                (
                    line["file"],
                    line["table"],
                    _SEVERITY_ZH.get(f["severity"], f["severity"]),
                    f["location"],
                    f["message_zh"],
                    f["message_en"],
                    f.get("expected_zh") or f.get("expected", ""),
                    f.get("found_zh") or f.get("found", ""),
                ),
            )
