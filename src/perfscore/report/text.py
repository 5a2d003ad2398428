"""Plain-text renderings for terminals: a report as a tree, a ruleset's framework as a tree.

Columns are aligned by display width, so Chinese (two columns a character) lines up.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Optional

from ..decimals import in_context, plain
from ..rules import Ruleset
from .status import NOT_APPLICABLE, NOT_SCORABLE

if TYPE_CHECKING:
    from .model import Finding, Report, RowResult

__all__ = [
    "LANGS",
    "finding_text",
    "fit",
    "pick",
    "render_ruleset",
    "render_text",
    "right",
    "visible",
    "width",
    "wrap",
]

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


LANGS = ("both", "zh", "en")
"""What ``lang`` may be: Chinese then English (``both``, the default), or one of them."""


def pick(zh: str, en: str, lang: str = "both") -> str:
    """``zh``, ``en`` or both (``zh en``) as ``lang`` asks; Chinese when there is no English."""
    if lang == "zh" or not en or en == zh:
        return zh
    return en if lang == "en" else f"{zh} {en}"


def width(text: str, wide: bool = False) -> int:
    """Display columns of ``text``: two for a wide (CJK) character, and for an ambiguous one
    (``—``, ``…``, ``≥``, ``★``) when ``wide`` (a CJK console shows them two columns wide); none
    for a combining mark."""
    wides = "WFA" if wide else "WF"
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in wides else 1
        for ch in text
    )


def fit(text: str, size: int, wide: bool = False) -> str:
    """Cut ``text`` to ``size`` display columns (with …) and pad it to exactly that width."""
    text = _t(" ".join(text.split()))
    if width(text, wide) > size:
        out, used = "", 0
        for ch in text:
            w = width(ch, wide)
            if used + w > size - width("…", wide):
                break
            out += ch
            used += w
        text = out + "…"
    return text + " " * (size - width(text, wide))


WRAP_LINES = 20
"""At most this many lines to a wrapped cell; a longer one (no real name is) ends in ``…``."""


def wrap(text: str, size: int, wide: bool = False) -> list[str]:
    """``text`` in lines of at most ``size`` display columns, each padded to exactly that width:
    a line breaks at a space when there is one, else between characters. Nothing is cut but
    past :data:`WRAP_LINES` lines (then the last ends in ``…``)."""
    text = _t(" ".join(text.split()))
    lines: list[str] = []
    line: list[str] = []
    used = 0
    space = -1  # where the current line may break: the index of its last space
    cut = False
    for ch in text:
        w = width(ch, wide)
        if used + w > size and line:
            if space > 0:
                lines.append("".join(line[:space]))
                line = line[space + 1 :]
            else:
                lines.append("".join(line))
                line = []
            used = sum(width(c, wide) for c in line)
            space = -1
            if len(lines) == WRAP_LINES:
                cut = True
                break
        if ch == " ":
            if not line:
                continue
            space = len(line)
        line.append(ch)
        used += w
    else:
        lines.append("".join(line))
    if cut:
        lines[-1] = fit(lines[-1] + "…", size, wide).rstrip()
    return [item + " " * max(size - width(item, wide), 0) for item in lines]


def right(text: str, size: int, wide: bool = False) -> str:
    """``text`` right-aligned in ``size`` display columns."""
    return " " * (size - width(text, wide)) + text


def finding_text(finding: Finding, lang: str = "both") -> str:
    """One finding on a line: ``[severity] code @ location: message``, then what was expected
    and found, in the language(s) ``lang`` asks."""
    if lang == "both":
        return str(finding)
    zh = lang == "zh"
    extra = ""
    if finding.expected is not None:
        extra += f"；应为 {finding.expected_in(zh)}" if zh else f"; expected {finding.expected}"
    if finding.found is not None:
        extra += f"；实为 {finding.found_in(zh)}" if zh else f"; found {finding.found}"
    message = finding.message_zh if zh else finding.message_en or finding.message_zh
    return f"[{finding.severity}] {finding.code} @ {finding.location}: {message}{extra}"


num = plain


@in_context
def render_text(
    report: Report,
    *,
    lang: str = "both",
    wide: bool = False,
    findings: Optional[Sequence[Finding]] = None,
) -> str:
    """The report as a tree, its columns aligned by display width (``wide``: ambiguous-width
    characters count two columns, as a CJK console shows them), long names wrapped in their
    column, in the language(s) ``lang`` asks. ``findings`` (a review's) replace the report's own
    under the breakdown."""
    lines = _head(report, lang, wide)
    for block in report.blocks:
        lines.append(
            f"{pick(block.name_zh, block.name_en, lang)}  {num(block.points)} / {num(block.max_points)}"
            f"  ({pick('自评', 'reported', lang)} {num(block.reported)})"
        )
        for cat in block.categories:
            lines.append(f"  {cat.name or '—'}  {num(cat.points)}")
            for row in cat.rows:
                lines += _row(row, lang, wide)
    lines += _foot(report, lang)
    shown = report.findings if findings is None else tuple(findings)
    if shown:
        label = (
            pick("发现", "findings", lang) if findings is None else pick("复核发现", "review findings", lang)
        )
        lines += ["", f"{label} ({len(shown)}):", *(f"  {finding_text(f, lang)}" for f in shown)]
    return "\n".join(_t(line) for line in lines) + "\n"


_COLUMNS = (
    ("指标", "indicator", 42),
    ("指标值", "target", 14),
    ("完成值", "actual", 14),
    ("分值", "weight", 6),
    ("计算", "computed", 9),
    ("自评", "reported", 9),
    ("差", "diff", 6),
)


def _head(report: Report, lang: str, wide: bool) -> list[str]:
    title = report.title or report.project or pick("自评表", "self-evaluation", lang)
    label = pick("规则集", "ruleset", lang)
    heads = [[zh for zh, _, _ in _COLUMNS]] if lang != "en" else []
    heads += [[en for _, en, _ in _COLUMNS]] if lang != "zh" else []
    sizes = [size for _, _, size in _COLUMNS]
    header = [
        (
            "    "
            + " ".join(fit(c, n, wide) for c, n in zip(cells[:3], sizes[:3]))
            + " "
            + " ".join(right(c, n, wide) for c, n in zip(cells[3:], sizes[3:]))
        ).rstrip()
        for cells in heads
    ]
    return [
        f"{title}  {report.unit}".rstrip(),
        f"{label}: {report.ruleset} ({report.edition}) {report.ruleset_name}; {report.region} {report.form} {report.year}",
        "",
        *header,
    ]


def _row(row: RowResult, lang: str, wide: bool) -> list[str]:
    """An indicator's line (its name, target and actual wrapped in their columns), then its
    reason and the rule printed in the table."""
    if row.status == NOT_APPLICABLE:
        computed = pick("不适用", "n/a", lang)
    elif row.status == NOT_SCORABLE:
        computed = pick("无法计分", "not scorable", lang)
    else:
        computed = num(row.points)
    diff = "" if not row.difference else num(row.difference)
    star = "★" if row.core else " "
    names = wrap(row.name or "—", 42, wide)
    targets = wrap(row.target_text, 14, wide)
    actuals = wrap(row.actual_text, 14, wide)
    numbers = [num(row.weight), computed, num(row.reported), diff]
    sizes = [size for _, _, size in _COLUMNS[3:]]
    first = " ".join(right(n, s, wide) for n, s in zip(numbers, sizes))
    lines = []
    for i in range(max(len(names), len(targets), len(actuals))):
        parts = [
            column[i] if i < len(column) else " " * size
            for column, size in ((names, 42), (targets, 14), (actuals, 14))
        ]
        lead = f"   {star if i == 0 else ' '}"
        lines.append((lead + " ".join(parts) + (" " + first if i == 0 else "")).rstrip())
    if row.status != NOT_APPLICABLE:
        lines += _reasons(row.reason_zh, row.reason_en, lang)
    if row.printed_rule:
        lines.append(f"      ↳ {pick('表中规则', 'printed rule', lang)}: {row.printed_rule}")
    return lines


def _foot(report: Report, lang: str) -> list[str]:
    lines = []
    if report.budget is not None:
        b = report.budget
        computed = num(b.points) if b.status != NOT_SCORABLE else pick("无法计分", "not scorable", lang)
        lines.append(
            f"{b.name_zh}  {computed} / {num(b.weight)}  ({pick('自评', 'reported', lang)} {num(b.reported)};"
            f" {pick('表中执行率', 'printed rate', lang)} {b.printed_rate or '—'})"
        )
        lines += _reasons(b.reason_zh, b.reason_en, lang)
    lines.append("")
    state = "" if report.complete else f"（{pick('不完整', 'incomplete', lang)}）"
    lines.append(
        f"{pick('总分', 'total', lang)}: {num(report.total)} / {num(report.max_total)}{state}"
        f"   {pick('自评', 'reported', lang)}: {num(report.reported_total)}"
    )
    grade = (
        f"{report.grade} {report.grade_en}"
        if lang == "both"
        else report.grade
        if lang == "zh"
        else report.grade_en or report.grade
    ).strip() or "—"
    lines.append(
        f"{pick('等级', 'grade', lang)}: {grade}   {pick('自评等级', 'reported', lang)}: {report.reported_grade or '—'}"
    )
    return lines


def _reasons(zh: str, en: str, lang: str = "both") -> list[str]:
    """A scored line's reason under it: the Chinese, and the English beneath (or one of them)."""
    if lang == "en":
        return [f"      ↳ {en or zh}"]
    return [f"      ↳ {zh}", *([f"        {en}"] if lang == "both" and en and en != zh else [])]


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
            f"  (base {ruleset.budget.base}, rounding {ruleset.budget.rounding}){_params(ruleset.budget.params, ruleset.params)}"
        )
    if ruleset.params:
        lines.append("params: " + ", ".join(f"{k} = {num(v)}" for k, v in ruleset.params.items()))
    if ruleset.base:
        lines.append("base data: " + ", ".join(f"{k} ({v.zh})" for k, v in ruleset.base.items()))
    for derived in ruleset.derived:
        how = derived.formula.source if derived.formula else f"count of {derived.count}"
        if derived.when is not None:
            how += f" where {derived.when.source}"
        unit = f", {derived.unit}" if derived.unit else ""
        lines.append(f"derived {derived.name} ({derived.label.zh}{unit}) = {how}")
    return lines


def _params(params: Mapping[str, Decimal], shared: Mapping[str, Decimal]) -> str:
    """``  params: a = 1`` for those of ``params`` not the ruleset's ``shared`` ones (nothing
    when there are none)."""
    own = [f"{k} = {num(v)}" for k, v in params.items() if shared.get(k) != v]
    return "  params: " + ", ".join(own) if own else ""


def _methods(ruleset: Ruleset) -> list[str]:
    lines = ["methods:"]
    for key, method in ruleset.methods.items():
        lines.append(f"  {key}: {method.name}{_params(method.params, ruleset.params)}")
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
