"""The report as one self-contained, printable HTML page: inline CSS, every text escaped."""

from __future__ import annotations

import html
from collections.abc import Sequence
from decimal import Decimal
from typing import Optional

from ..decimals import in_context
from ..evaluations import Evaluation
from ..reviewing import Review
from .status import NOT_APPLICABLE, NOT_SCORABLE, SCORED
from .text import visible
from .view import (
    BUDGET_HEADERS,
    FINDING_HEADERS,
    GRID_HEADERS,
    LEGEND,
    BlockView,
    BudgetView,
    ReportView,
    percent,
    plain,
    severity_label,
    signed,
)

__all__ = ["to_html"]

_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; text-align: center; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #888; padding: 0.25em 0.5em; vertical-align: middle; }
thead th { background: #ddebf7; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.over { background: #ffc7ce; }
td.under { background: #ffeb9c; }
td.unscorable { background: #f8cbad; font-weight: bold; }
td.na { background: #ededed; color: #808080; font-style: italic; }
tr.subtotal td, tr.total td { background: #f2f2f2; font-weight: bold; }
tr.error td.sev { background: #ffc7ce; }
tr.warning td.sev { background: #ffeb9c; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; }
.legend { font-size: 0.85em; color: #555; }
@media print {
  @page { size: A4 landscape; margin: 1cm; }
  body { margin: 0; font-size: 10pt; }
  table { page-break-inside: auto; }
  tr { page-break-inside: avoid; }
  thead { display: table-header-group; }
  h2 { page-break-after: avoid; }
}
"""

#: A computed score's cell class, by the row's status.
_COMPUTED_CLASS = {NOT_APPLICABLE: "na", NOT_SCORABLE: "unscorable", SCORED: "num"}


def _e(text: object) -> str:
    """The one escape for every value the HTML page interpolates, in text and in attributes:
    hidden characters made visible, then ``& < > " '`` as entities."""
    return html.escape(visible(str(text)), quote=True)


def _td(text: object = "", cls: str = "", *, rowspan: int = 1, colspan: int = 1) -> str:
    attrs = f' class="{cls}"' if cls else ""
    if rowspan > 1:
        attrs += f' rowspan="{rowspan}"'
    if colspan > 1:
        attrs += f' colspan="{colspan}"'
    return f"<td{attrs}>{_e(text)}</td>"


def _thead(headers: Sequence[str]) -> str:
    return "<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in headers) + "</tr></thead>"


def _diff_class(diff: Optional[Decimal]) -> str:
    if diff is None or diff == 0:
        return "num"
    return "num over" if diff > 0 else "num under"


@in_context
def to_html(review: Review, *, evaluation: Optional[Evaluation] = None) -> str:
    """The report as one self-contained, printable HTML page (inline CSS, every text escaped)."""
    view = ReportView.of(review, evaluation)
    out = _head(view)
    if view.budget is not None:
        out += _budget(view.budget)
    out += ["<h2>指标 · 自评得分与计算得分</h2>", "<table>", _thead(GRID_HEADERS), "<tbody>"]
    for block in view.blocks:
        out += _block(block)
    out += _totals(view)
    out += ["</tbody>", "</table>", f'<p class="legend">{LEGEND}</p>']
    out += _findings(view)
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _head(view: ReportView) -> list[str]:
    report = view.report
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(view.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(view.title)}</h1>",
        '<dl class="meta">',
    ]
    facts = (
        *view.facts,
        ("规则集", f"{report.ruleset}（{report.edition}）{report.ruleset_name}"),
        ("来源文件", report.source),
    )
    out += [f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in facts if value]
    out.append("</dl>")
    return out


def _budget(budget: BudgetView) -> list[str]:
    b = budget.result
    diff = budget.difference
    span = 1 + len(budget.lines)
    amounts = (budget.initial, budget.full_year, budget.executed)
    first = (
        "<tr>"
        + _td("年度资金总额")
        + "".join(_td(plain(v), "num") for v in amounts)
        + _td(plain(b.weight), "num", rowspan=span)
        + _td(b.printed_rate or "—", "num over" if budget.rate_differs else "num", rowspan=span)
        + _td(percent(b.rate), "num", rowspan=span)
        + _td(plain(b.reported), _diff_class(diff), rowspan=span)
        + (
            _td(plain(b.points), "num", rowspan=span)
            if budget.scorable
            else _td("无法计分", "unscorable", rowspan=span)
        )
        + _td(signed(diff), _diff_class(diff), rowspan=span)
        + _td(b.reason_zh, rowspan=span)
        + "</tr>"
    )
    lines = [
        "<tr>"
        + _td(f"其中：{line.name}")
        + "".join(_td(plain(v), "num") for v in (line.initial, line.full_year, line.executed))
        + "</tr>"
        for line in budget.lines
    ]
    head = [f"<h2>项目资金 · {_e(b.name_zh)}</h2>", "<table>", _thead(BUDGET_HEADERS), "<tbody>"]
    return [*head, first, *lines, "</tbody>", "</table>"]


def _block(block: BlockView) -> list[str]:
    """The block's rows, the first of them headed by the block and each category's first by the
    category (both spanning their rows), then the block's subtotal; nothing for an empty block."""
    count = len(block.rows)
    if not count:
        return []
    out: list[str] = []
    for cat in block.categories:
        for i, row in enumerate(cat.rows):
            cells = []
            if not out:
                cells.append(f'<th rowspan="{count}" scope="rowgroup">{_e(block.label)}</th>')
            if i == 0:
                cells.append(_td(cat.name, rowspan=len(cat.rows)))
            res = row.result
            diff = res.difference
            cells += [
                _td(row.name),
                _td(res.target_text),
                _td(res.actual_text),
                _td(plain(res.weight), "num"),
                _td(plain(res.reported), _diff_class(diff)),
                _td(row.computed, _COMPUTED_CLASS[res.status]),
                _td(signed(diff), _diff_class(diff)),
                _td(row.reason),
                _td(res.note),
            ]
            out.append("<tr>" + "".join(cells) + "</tr>")
    b = block.result
    out.append(
        '<tr class="subtotal">'
        + _td(f"{b.name_zh} 小计 {b.name_en}", colspan=5)
        + _td(plain(b.max_points), "num")
        + _td(plain(b.reported), "num")
        + _td(plain(b.points), "num unscorable" if block.partial else "num")
        + _td(signed(block.difference), _diff_class(block.difference))
        + _td(colspan=2)
        + "</tr>"
    )
    return out


def _totals(view: ReportView) -> list[str]:
    report = view.report
    diff = view.difference
    state = "" if report.complete else "不完整：有指标无法计分，总分只计可计分部分，不评定等级"
    total = (
        '<tr class="total">'
        + _td("总分 total", colspan=5)
        + _td(plain(report.max_total), "num")
        + _td(plain(report.reported_total), _diff_class(diff))
        + _td(plain(report.total), "num" if report.complete else "num unscorable")
        + _td(signed(diff), _diff_class(diff))
        + _td(state, "unscorable" if state else "", colspan=2)
        + "</tr>"
    )
    grade = (
        '<tr class="total">'
        + _td("等级 grade", colspan=5)
        + _td()
        + _td(report.reported_grade or "—")
        + _td(view.grade)
        + _td(colspan=3)
        + "</tr>"
    )
    return [total, grade]


def _findings(view: ReportView) -> list[str]:
    out = [f"<h2>发现 findings（{len(view.findings)}）</h2>"]
    if not view.findings:
        return [*out, "<p>无 none.</p>"]
    out += ["<table>", _thead(FINDING_HEADERS), "<tbody>"]
    for f in view.findings:
        out.append(
            f'<tr class="{_e(f.severity)}">'
            + _td(severity_label(f.severity), "sev")
            + f"<td><code>{_e(f.code)}</code></td>"
            + f"<td><code>{_e(f.location)}</code></td>"
            + _td(f.message_zh)
            + _td(f.message_en)
            + _td(f.expected_in(True) or "")
            + _td(f.found_in(True) or "")
            + "</tr>"
        )
    return [*out, "</tbody>", "</table>"]
