"""Plain-text renderings for terminals: a report as a tree, a ruleset's framework as a tree.

Columns are aligned by display width, so Chinese (two columns a character) lines up.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from ..decimals import in_context, plain
from ..rules import Ruleset
from .status import NOT_APPLICABLE, NOT_SCORABLE

if TYPE_CHECKING:
    from .model import Report

__all__ = ["render_ruleset", "render_text", "visible"]

#: Characters no report shows as they are: C0 controls (but tab, line feed and carriage return),
#: DEL, C1 controls, lone surrogates, the XML non-characters U+FFFE and U+FFFF, and the bidi
#: embeddings, overrides and isolates that can make a cell read backwards (U+202E).
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069"
_HIDDEN = re.compile(f"[{_CONTROLS}]")
#: What the text report also shows, since it lays a value out on one line of its own.
_HIDDEN_OR_BREAK = re.compile(f"[{_CONTROLS}\\t\\n\\r]")


def _shown(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: NUL → ␀, ESC → ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\u27e8U+{code:04X}\u27e9"  # ⟨U+202E⟩


def visible(text: str, *, breaks: bool = False) -> str:
    """``text`` with every character a report must not carry replaced by a visible stand-in.

    C0 controls and DEL become their Control Pictures (ESC → ␛, NUL → ␀); C1
    controls, lone surrogates, U+FFFE/U+FFFF and bidi controls become ``⟨U+202E⟩``. Nothing is
    dropped: a reader sees that something was there and which. Tab, line feed and carriage
    return are kept, unless ``breaks`` (then ␉ ␊ ␍). The result encodes to UTF-8 and is legal in
    XML 1.0. Every writer (text, Markdown, HTML, xlsx) passes what it shows through this.
    """
    return (_HIDDEN_OR_BREAK if breaks else _HIDDEN).sub(_shown, text)


def _t(text: str) -> str:
    """The text report's one escape: a line of it, with anything hidden made visible, so no
    value can colour the terminal, move the cursor, reverse a line or start a line of its own."""
    return visible(text, breaks=True)


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, size: int) -> str:
    """Cut ``text`` to ``size`` display columns (with …) and pad it to exactly that width."""
    text = _t(" ".join(text.split()))
    if width(text) > size:
        out, used = "", 0
        for ch in text:
            w = width(ch)
            if used + w > size - 1:
                break
            out += ch
            used += w
        text = out + "…"
    return text + " " * (size - width(text))


num = plain


@in_context
def render_text(report: Report) -> str:
    lines = []
    title = report.title or report.project or "自评表"
    lines.append(f"{title}  {report.unit}".rstrip())
    lines.append(
        f"规则集 ruleset: {report.ruleset} ({report.edition}) {report.ruleset_name}; {report.region} {report.form} {report.year}"
    )
    lines.append("")
    header = f"  {fit('指标 indicator', 44)} {fit('指标值', 14)} {fit('完成值', 14)} {'分值':>5} {'计算':>7} {'自评':>6} {'差':>6}"
    lines.append(header)
    for block in report.blocks:
        lines.append(
            f"{block.name_zh} {block.name_en}  {num(block.points)} / {num(block.max_points)}"
            f"  (自评 {num(block.reported)})"
        )
        for cat in block.categories:
            lines.append(f"  {cat.name or '—'}  {num(cat.points)}")
            for row in cat.rows:
                if row.status == NOT_APPLICABLE:
                    computed = "不适用"
                elif row.status == NOT_SCORABLE:
                    computed = "无法计分"
                else:
                    computed = num(row.points)
                diff = row.difference
                star = "★" if row.core else " "
                lines.append(
                    f"   {star}{fit(row.name or '—', 42)} {fit(row.target_text, 14)} {fit(row.actual_text, 14)}"
                    f" {num(row.weight):>5} {computed:>7} {num(row.reported):>6} {'' if not diff else num(diff):>6}"
                )
                if row.status != NOT_APPLICABLE:
                    lines += _reasons(row.reason_zh, row.reason_en)
                if row.printed_rule:
                    lines.append(f"      ↳ 表中规则 printed rule: {row.printed_rule}")
    if report.budget is not None:
        b = report.budget
        computed = num(b.points) if b.status != NOT_SCORABLE else "无法计分"
        lines.append(
            f"{b.name_zh}  {computed} / {num(b.weight)}  (自评 {num(b.reported)}; 表中执行率 {b.printed_rate or '—'})"
        )
        lines += _reasons(b.reason_zh, b.reason_en)
    lines.append("")
    state = "" if report.complete else "（不完整 incomplete）"
    lines.append(
        f"总分 total: {num(report.total)} / {num(report.max_total)}{state}   自评 reported: {num(report.reported_total)}"
    )
    grade = f"{report.grade} {report.grade_en}".strip() or "—"
    lines.append(f"等级 grade: {grade}   自评等级 reported: {report.reported_grade or '—'}")
    if report.findings:
        lines.append("")
        lines.append(f"发现 findings ({len(report.findings)}):")
        for finding in report.findings:
            lines.append(f"  {finding}")
    return "\n".join(_t(line) for line in lines) + "\n"


def _reasons(zh: str, en: str) -> list[str]:
    """A scored line's reason under it: the Chinese, and the English beneath."""
    return [f"      ↳ {zh}", *([f"        {en}"] if en and en != zh else [])]


def render_ruleset(ruleset: Ruleset) -> str:
    """A ruleset as a tree: its blocks, categories and indicators, then its methods, rounding,
    grades, review rules and sources."""
    lines = _framework(ruleset) + _methods(ruleset) + _rules(ruleset)
    return "\n".join(_t(line) for line in lines) + "\n"


def _framework(ruleset: Ruleset) -> list[str]:
    lines = [
        f"{ruleset.id} ({ruleset.edition}, {ruleset.years})  {ruleset.name}",
        f"region {ruleset.region}  form {ruleset.form}  total {num(ruleset.total)}",
    ]
    if ruleset.extends:
        lines.append("extends " + " → ".join(ruleset.extends))
    for block in ruleset.blocks:
        lines.append(f"├─ {block.name}  {num(block.points)}")
        for cat in block.categories:
            lines.append(f"│  ├─ {cat.name}")
            for ind in block.indicators:
                if ind.category == cat.name.zh:
                    lines.append(f"│  │  ├─ {ind.name}  {num(ind.weight)}  [{ind.method}]")
        for ind in block.indicators:
            if ind.category not in {c.name.zh for c in block.categories}:
                lines.append(f"│  ├─ {ind.name}  {num(ind.weight)}  [{ind.method}]")
    if ruleset.budget is not None:
        inside = f"  (counted inside {ruleset.budget.block})" if ruleset.budget.block else ""
        lines.append(
            f"└─ {ruleset.budget.name}{inside}  {num(ruleset.budget.points)}  = {ruleset.budget.formula.source}"
            f"  (base {ruleset.budget.base}, rounding {ruleset.budget.rounding})"
        )
    if ruleset.base:
        lines.append("base data: " + ", ".join(f"{k} ({v.zh})" for k, v in ruleset.base.items()))
    for derived in ruleset.derived:
        how = derived.formula.source if derived.formula else f"count of {derived.count}"
        if derived.when is not None:
            how += f" where {derived.when.source}"
        unit = f", {derived.unit}" if derived.unit else ""
        lines.append(f"derived {derived.name} ({derived.label.zh}{unit}) = {how}")
    return lines


def _methods(ruleset: Ruleset) -> list[str]:
    lines = ["methods:"]
    for key, method in ruleset.methods.items():
        lines.append(f"  {key}: {method.name}")
        for case in method.cases:
            cond = (
                f"if {case.when.source}: "
                if case.when is not None
                else "else: "
                if len(method.cases) > 1
                else ""
            )
            lines.append(f"    {cond}{case.score.source}    # {case.reason.zh}")
        for level in method.levels:
            close = "]" if level.high_inclusive else ")"
            lines.append(
                f"    {level.label.zh}: [{num(level.low)}W, {num(level.high)}W{close}, auto {num(level.score)}W"
            )
    return lines


def _rules(ruleset: Ruleset) -> list[str]:
    lines = []
    if ruleset.selection:
        lines.append("selection: " + ", ".join(f"{k} → {v}" for k, v in ruleset.selection.items()))
    lines.append(
        f"rounding: rows {ruleset.row_rounding}, total {ruleset.total_rounding}; 不适用: {ruleset.not_applicable}"
    )
    if ruleset.grades:
        lines.append(
            "grades: "
            + ", ".join(
                f"{g.label}{'/' + '/'.join(g.aliases) if g.aliases else ''} ≥ {num(g.low)}"
                for g in ruleset.grades
            )
        )
    review = ruleset.review
    rules = [f"rate tolerance {review.rate_tolerance}", f"score tolerance {review.score_tolerance}"]
    if review.explain_over_ratio is not None:
        rules.append(f"note when actual ≥ {review.explain_over_ratio} × target")
    if review.explain_over_when_zero is not None:
        rules.append(f"note when target 0 and actual ≥ {review.explain_over_when_zero}")
    if review.explain_budget_below is not None:
        rules.append(f"note when execution < {review.explain_budget_below}")
    lines.append("review: " + "; ".join(rules))
    lines.append("sources:")
    for source in ruleset.sources:
        flag = "" if source.confirmed else "  (unconfirmed)"
        lines.append(f"  [{source.evidence}] {source.title}{flag}")
    return lines
