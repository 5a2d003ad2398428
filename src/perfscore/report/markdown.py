"""The report as Markdown: the breakdown 一级 → 二级 → 三级, the budget, totals and findings."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Optional

from ..decimals import in_context
from ..evaluations import Evaluation
from ..reviewing import Review
from .text import visible
from .view import (
    BUDGET_HEADERS,
    FINDING_HEADERS,
    GRID_HEADERS,
    BlockView,
    BudgetView,
    ReportView,
    percent,
    plain,
    severity_label,
    signed,
)

__all__ = ["to_markdown"]

#: Markdown's inline syntax, written as a backslash escape wherever a value holds it: code spans,
#: emphasis, links and images, headings' closing #, tables' |, GFM strikethrough and math.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]()!#|~{}$])")


def _md(text: object) -> str:
    """The one escape for every value the Markdown report interpolates (title, list items,
    headings, table cells): it reads back as exactly the text, on one line, and starts nothing.

    Hidden characters are made visible; ``&``, ``<`` and ``>`` become entities (no HTML, no
    autolink, no entity from the data); every other character of Markdown's inline syntax is
    backslash-escaped (no link, image, code span, emphasis or table cell break); line breaks
    become ``<br>``, so no value starts a line of its own (a heading, list, quote or table row).
    """
    s = html.escape(visible(str(text)), quote=False)
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return "<br>".join(part.strip() for part in s.splitlines()) if s.strip() else ""


#: A finding's code or location as perfscore writes them: ``full-marks-unmet``, ``rows[12].weight``.
_MD_IDENTIFIER = re.compile(r"[A-Za-z0-9_.\[\]-]{1,200}")


def _md_code(text: str) -> object:
    """A code span for an identifier that can hold nothing else; any other text is a value
    like any other, for :func:`_md` (a code span cannot escape a backtick inside it)."""
    return _MdRaw(f"`{text}`") if _MD_IDENTIFIER.fullmatch(text) else text


class _MdRaw(str):
    """Markdown perfscore wrote, from nothing but a checked identifier: a table cell as is."""


def _md_table(headers: Sequence[str], rows: Iterable[Sequence[object]], align: str = "") -> list[str]:
    out = ["| " + " | ".join(_md(h) for h in headers) + " |"]
    out.append(
        "|"
        + "|".join(
            ":---:" if a == "c" else "---:" if a == "r" else "---" for a in align.ljust(len(headers), "l")
        )
        + "|"
    )
    out += [
        "| " + " | ".join(cell if isinstance(cell, _MdRaw) else _md(cell) for cell in row) + " |"
        for row in rows
    ]
    return out


@in_context
def to_markdown(review: Review, *, evaluation: Optional[Evaluation] = None) -> str:
    """The report as Markdown: the breakdown 一级 → 二级 → 三级, the budget row, total and grade
    (computed beside reported), and the findings."""
    view = ReportView.of(review, evaluation)
    report = view.report
    lines = ["# " + _md(view.title), ""]
    lines += [f"- {label}：{_md(value)}" for label, value in view.facts if value]
    lines.append("- 规则集 ruleset：" + _md(f"{report.ruleset}（{report.edition}）{report.ruleset_name}"))
    lines.append("")
    if view.budget is not None:
        lines += _budget(view.budget)
    lines += ["## 指标 · 自评得分与计算得分", ""]
    for block in view.blocks:
        lines += _block(block)
    lines += _totals(view)
    lines += _findings(view)
    return "\n".join(lines) + "\n"


def _budget(budget: BudgetView) -> list[str]:
    b = budget.result
    rows: list[Sequence[object]] = [
        (
            "年度资金总额",
            plain(budget.initial),
            plain(budget.full_year),
            plain(budget.executed),
            plain(b.weight),
            b.printed_rate or "—",
            percent(b.rate),
            plain(b.reported),
            plain(b.points) if budget.scorable else "无法计分",
            signed(budget.difference),
            b.reason_zh,
        )
    ]
    rows += [
        (f"其中：{line.name}", plain(line.initial), plain(line.full_year), plain(line.executed)) + ("",) * 7
        for line in budget.lines
    ]
    lines = ["## 项目资金 · " + _md(b.name_zh), ""]
    return [*lines, *_md_table(BUDGET_HEADERS, rows, "lrrrrrrrrrl"), ""]


def _block(block: BlockView) -> list[str]:
    b = block.result
    lines = [
        "### "
        + _md(
            f"{b.name_zh} {b.name_en}：{plain(b.points)} / {plain(b.max_points)}（自评 {plain(b.reported)}）"
        ),
        "",
    ]
    for cat in block.categories:
        c = cat.result
        lines += ["#### " + _md(f"{cat.name}：{plain(c.points)}（自评 {plain(c.reported)}）"), ""]
        table = [
            (
                row.name,
                row.result.target_text,
                row.result.actual_text,
                plain(row.result.weight),
                plain(row.result.reported),
                row.computed,
                signed(row.result.difference),
                row.reason,
                row.result.note,
            )
            for row in cat.rows
        ]
        lines += _md_table(GRID_HEADERS[2:], table, "lllrrrrll")
        lines.append("")
    return lines


def _totals(view: ReportView) -> list[str]:
    report = view.report
    state = "" if report.complete else "（不完整：有指标无法计分，不评定等级）"
    difference = signed(view.difference) or ("0" if report.complete else "—")
    total = f"{plain(report.total)} / {plain(report.max_total)}{state}"
    lines = ["## 总分与等级", ""]
    lines.append(
        "**" + _md(f"总分 total：计算 {total}，自评 {plain(report.reported_total)}，差异 {difference}") + "**"
    )
    lines.append("")
    rows = [("总分", total, plain(report.reported_total)), ("等级", view.grade, report.reported_grade or "—")]
    return lines + _md_table(("", "计算 computed", "自评 reported"), rows, "lrr")


def _findings(view: ReportView) -> list[str]:
    lines = ["", f"## 发现 findings（{len(view.findings)}）", ""]
    if not view.findings:
        return [*lines, "无 none."]
    rows = [
        (
            severity_label(f.severity),
            _md_code(f.code),
            _md_code(f.location),
            f.message_zh,
            f.message_en,
            f.expected_in(True) or "",
            f.found_in(True) or "",
        )
        for f in view.findings
    ]
    return lines + _md_table(FINDING_HEADERS, rows)
