"""Parse the text of 年度指标值 (target) and 实际完成值 (actual) cells into structured values.

A cell is one of: a number (maybe with a label, a comparator and a unit: "满意度≥95%", "9次",
"办结率100%"), a reference to the budget ("不超过预算投入"), free text ("按月完成"), not applicable
("不适用"), blank, or a garbled number ("153.673.67万元"). :func:`parse_cell` never raises and never
guesses a number: a cell is a NUMBER only when the whole cell is
``[约][label][：][约][word][symbol][sign]number[unit][suffix][。]``; a number inside a sentence
("网上申报后30个工作日完成") is QUALITATIVE.

Comparator words follow 民法典 第一千二百五十九条: "以上、以下、以内、届满，包括本数；不满、超过、以外，
不包括本数". So 以上 / 不低于 / 不少于 / 达到 are ≥; 以下 / 以内 / 不超过 / 不高于 / 控制在 are ≤;
超过 / 高于 / 大于 / 多于 are >; 低于 / 小于 / 少于 / 不足 / 不满 are <. A negation (不, 不得, 不应, 未,
没有, ...) before 低于 / 高于 / 超过 / 达到 ... turns it round: 不得低于 is ≥, 未超过 and 不超 are ≤,
未达到 is <; a negation those words do not cover ("非高于5%", "不得≥95%") makes the cell GARBLED
rather than be read the other way round. A bare value states no comparator and is implicitly ≥
(:attr:`CellValue.effective_comparator`).

Other decisions: "/" and "不涉及" are NOT_APPLICABLE like 不适用 (and its typo 不适应, flagged in
``problem``); "无" is QUALITATIVE with a ``problem``, since in an actual it often means "none
happened" (0 起), which a not-applicable reading would lose; "—", "-", "……" and "..." are BLANK;
左右 / 上下 after the number and 约 / 大约 / 约为 before it (or before the label) keep the number
but flag it as approximate; a date "2024.5.9" is QUALITATIVE.

Hostile text: every cell of every form goes through :func:`parse_cell`, so it takes time linear
in the cell's length whatever the cell holds. Runs of two or more whitespace characters are read
as one space before any pattern sees the text; the optional separators of the patterns never
overlap (each optional piece carries its own optional space), so no pattern backtracks over more
than one way to split the text; a cell longer than :data:`MAX_NUMBER_CELL_CHARS` characters is
text, never a number; and a number token with more than :data:`MAX_NUMBER_DIGITS` significant
digits is not read as a number. Both say so in ``problem`` (the first only when the cell holds a
digit: a long sentence without one is plain text).
"""

from __future__ import annotations

import enum
import re
from decimal import Decimal
from typing import Optional

import attrs

from .comparators import (
    APPROX,
    NEGATION_MARKERS,
    SUFFIX_RE,
    SUFFIXES,
    SYM_RE,
    SYMBOLS,
    WORD_RE,
    WORDS,
    Comparator,
)
from .units import UNIT_RE, normal_unit

__all__ = ["MAX_NUMBER_CELL_CHARS", "MAX_NUMBER_DIGITS", "CellValue", "ValueKind", "parse_cell"]

MAX_NUMBER_CELL_CHARS = 200
"""A cell longer than this (after whitespace runs are read as one space and the ends stripped)
is QUALITATIVE, never a number or a budget reference: realistic number cells are under 60
characters, and no pattern needs to see more. Its ``problem`` says it is too long to be a number
when it holds a digit."""
MAX_NUMBER_DIGITS = 28
"""A number token with more significant digits than this (leading zeros aside) is not read as a
number: the cell is QUALITATIVE with a ``problem`` saying so. 28 is the precision perfscore
computes in (:data:`perfscore.decimals.CONTEXT`): a longer number could not be scored exactly,
and no amount or count in a form has that many digits."""


class ValueKind(enum.Enum):
    """What a cell holds."""

    NUMBER = "number"
    """A number, maybe with comparator, unit and label."""
    BUDGET_REF = "budget_ref"
    """"不超过预算投入": the budget block's amount, comparator LE; ``reference`` names the budget."""
    QUALITATIVE = "qualitative"
    """Free text: "按月完成", "当日办结，即时办结。", "效益明显", "网上申报后30个工作日完成"."""
    NOT_APPLICABLE = "not_applicable"
    """不适用, its typo 不适应, 不涉及, 无此项, N/A, "/"."""
    BLANK = "blank"
    """Empty, whitespace, or filler: "……", "…", "...", "—", "-"."""

    __hash__ = object.__hash__  # as Comparator's
    GARBLED = "garbled"
    """Looks numeric but is broken ("153.673.67万元", "M.8万元", "1..5%"); ``problem`` says why."""


@attrs.frozen
class CellValue:
    """One parsed cell. ``text`` is the cell exactly as given ("" for ``None``)."""

    text: str
    kind: ValueKind
    comparator: Optional[Comparator] = None
    """The comparator the cell states, or ``None`` when it states none."""
    number: Optional[Decimal] = None
    """Exact value as written (thousands separators removed): "≧95%" gives ``Decimal("95")``."""
    unit: Optional[str] = None
    """Normalised unit: "%", "次", "万元", "个工作日", "元/人", ... (``None`` when none is written)."""
    label: Optional[str] = None
    """Leading text before the number: "办结率" for "办结率100%"."""
    reference: Optional[str] = None
    """BUDGET_REF only: the budget named, e.g. "预算投入", "区级专项投入"."""
    problem: Optional[str] = None
    """A short English reason for GARBLED, or a note on anything odd worth a finding."""

    @property
    def effective_comparator(self) -> Comparator:
        """The stated comparator, or ≥ when none is stated (a bare target is a floor)."""
        return self.comparator if self.comparator is not None else Comparator.GE


# --- normalisation ---------------------------------------------------------------------------

# Full-width ASCII (０-９, ％, ．, ＞, ＝, ／ ...) to half-width, except the Chinese comma ，.
_TRANSLATE: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F) if cp != 0xFF0C}
_TRANSLATE.update({0x2212: "-", 0x3000: " ", 0xFE66: "=", 0xFE64: "<", 0xFE65: ">", 0x2A7E: "≥", 0x2A7D: "≤"})
_TRANSLATE.update({0x2267: "≥", 0x2266: "≤"})  # ≧ ≦
_FW_THOUSANDS = re.compile(r"(?<=[0-9])，(?=[0-9]{3}(?![0-9]))")
#: A run of whitespace, read as one space: a padded Word cell ("a" + 100 spaces + "b") gives the
#: patterns one way to place its spaces, not n⁵. A single whitespace character is kept as it is.
_SPACES = re.compile(r"\s{2,}")

# --- patterns ------------------------------------------------------------------------------

#: Words ending in 约 where 约 is not "about": "节约5%" saves 5%, with label 节约. After a label
#: ending in their first character, 约 stays in the label. Only words whose first character
#: seldom ends another word: 续约 would keep "持续约3个月" from being approximate, 失约 "损失约5万元".
_YUE_WORDS = "节约 俭约 预约 签约 违约 履约 缔约 契约"
_NOT_ABOUT = "".join(w[0] for w in _YUE_WORDS.split())
_LABEL_STOP = r"0-9\s.,，。;；:：!！?？、<>=≥≤%/…+\-±∓"
#: A tolerance ("±5%", "误差±2%以内") states neither a floor nor a ceiling: such a cell is no
#: NUMBER (± cannot be in a label), and is QUALITATIVE with this note.
_TOLERANCE = re.compile(r"[±∓]|\+/?-(?=\s*[0-9])")
# The patterns see text whose whitespace runs are one character long (``_SPACES``), and no two of
# their optional pieces can take the same space: a label never ends in one, and each optional
# piece takes only the space before or after it (``\s?``). So a pattern has one way, not n^k, to
# place a run of spaces, and matching is linear in the text.
_SEPARATOR = r"(?:\s?[:：])?\s?"  # "满意度：95%", "满意度 : 95%", "满意度 95%"
_NUMBER = re.compile(
    rf"(?P<approx>大约|约为|约)?"
    rf"(?P<label>[^{_LABEL_STOP}](?:\s?[^{_LABEL_STOP}])*?)??{_SEPARATOR}"  # lazy: the shortest label wins
    rf"(?:(?<![{_NOT_ABOUT}])(?P<approx_after>大约|约为|约)\s?)?"  # "满意度约95%", not "节约5%"
    rf"(?:(?P<word>{WORD_RE})\s?)?(?:(?P<sym>{SYM_RE})\s?)?(?P<sign>[+-])?"
    rf"(?P<num>[0-9]{{1,3}}(?:,[0-9]{{3}})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)"
    rf"(?:\s?(?P<unit>{UNIT_RE}))?(?:\s?(?P<suffix>{SUFFIX_RE})[。.]?|\s?[。.]?)"
)
# A number-shaped cell whose number token is broken (letters, repeated points, bad grouping).
# The token's first digit is the one its pattern requires ([A-Za-z.,]* cannot take a digit), so a
# long run of digits is split one way, not n^2 ways, when the cell does not match.
_LOOSE = re.compile(
    rf"[^{_LABEL_STOP}A-Za-z]*?{_SEPARATOR}(?:(?P<word>{WORD_RE})\s?)?(?:(?P<sym>{SYM_RE})\s?)?[+-]?"
    rf"(?P<tok>[A-Za-z.,]*[0-9][0-9A-Za-z.,]*)(?:\s?(?P<unit>{UNIT_RE}))?(?:\s?(?:{SUFFIX_RE})。?|\s?。?)"
)
_BUDGET_WORDS = "预算|投入|资金|批复|概算|经费|拨款|结转"
# The reference runs to its first budget word and on (lazily) to an optional suffix: the text
# before that word cannot hold one, so there is one place to look for it, not one per character.
_BUDGET = re.compile(
    r"(?:不得超过|不超过|不超出|不超|不高于|不大于|控制在|在)"
    rf"(?P<ref>(?:(?!{_BUDGET_WORDS})[^0-9，。;；,])*(?:{_BUDGET_WORDS})[^0-9，。;；,]*?)"
    r"(?:范围以内|范围内|以内|之内|以下|内)?[。.]?"
)
_DATE = re.compile(r"(?:19|20)[0-9]{2}([./-])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12][0-9]|3[01])")
_BLANK = re.compile(r"[\s…⋯.·。\-—–―─_]*")
_NOT_APPLICABLE = frozenset(
    {"不适用", "不适应", "不涉及", "本项不适用", "此项不适用", "无此项", "N/A", "NA", "/", "\\"}
)


def parse_cell(text: Optional[str]) -> CellValue:
    """Parse one target or actual cell. Never raises; ``text`` of the result is the input."""
    raw = "" if text is None else text
    s = _SPACES.sub(" ", _FW_THOUSANDS.sub(",", raw.translate(_TRANSLATE))).strip()
    if _BLANK.fullmatch(s):
        return CellValue(raw, ValueKind.BLANK)
    bare = s.rstrip("。.")
    if bare.upper() in _NOT_APPLICABLE:
        typo = "typo '不适应' read as 不适用" if bare == "不适应" else None
        return CellValue(raw, ValueKind.NOT_APPLICABLE, problem=typo)
    if bare in ("无", "暂无"):
        return CellValue(raw, ValueKind.QUALITATIVE, problem="'无' may mean none (zero) or not applicable")
    if len(s) > MAX_NUMBER_CELL_CHARS:
        return _long(raw, s)
    m = _BUDGET.fullmatch(s)
    if m:
        return CellValue(raw, ValueKind.BUDGET_REF, comparator=Comparator.LE, reference=m["ref"].strip())
    if _DATE.fullmatch(s):
        return CellValue(raw, ValueKind.QUALITATIVE)
    m = _NUMBER.fullmatch(s)
    if m:
        return _number(raw, m)
    m = _LOOSE.fullmatch(s)
    if m:
        problem = _garbled(m["tok"], bool(m["unit"] or m["sym"] or m["word"]))
        if problem:
            return CellValue(raw, ValueKind.GARBLED, problem=problem)
    return CellValue(raw, ValueKind.QUALITATIVE, problem=_tolerance(s))


def _tolerance(s: str) -> Optional[str]:
    return "± tolerance: neither a floor nor a ceiling" if _TOLERANCE.search(s) else None


_DIGIT = re.compile("[0-9]")


def _long(raw: str, s: str) -> CellValue:
    """A cell over :data:`MAX_NUMBER_CELL_CHARS`: text, with a note when it holds a digit."""
    notes = [f"too long to be a number: {len(s)} characters (limit {MAX_NUMBER_CELL_CHARS})"]
    if not _DIGIT.search(s):
        notes = []
    tolerance = _tolerance(s)
    if tolerance:
        notes.append(tolerance)
    return CellValue(raw, ValueKind.QUALITATIVE, problem="; ".join(notes) or None)


def _number(raw: str, m: re.Match[str]) -> CellValue:
    significant = len(m["num"].replace(",", "").replace(".", "").lstrip("0"))
    if significant > MAX_NUMBER_DIGITS:
        problem = f"oversized number, not read: {significant} significant digits (limit {MAX_NUMBER_DIGITS})"
        return CellValue(raw, ValueKind.GARBLED, problem=problem)  # a number, unread: no guess
    label = (m["label"] or "").strip() or None
    word, sym, suffix = m["word"], m["sym"], m["suffix"]
    touching = not (word or sym) and m.end("label") == m.start("sign" if m["sign"] else "num")
    if label and touching and label[-1].isascii() and label[-1].isalpha():
        return CellValue(raw, ValueKind.GARBLED, problem="letter attached to number (OCR?)")
    if label and label.endswith(NEGATION_MARKERS):  # "非高于5%": what does 非 make of 高于? No guess
        negation = next(n for n in NEGATION_MARKERS if label.endswith(n))
        start = m.end("label") - len(negation)
        if word or sym:
            said = m.string[start : m.end("sym") if sym else m.end("word")]
            return CellValue(raw, ValueKind.GARBLED, problem=f"negation before a comparator: {said!r}")
        said = m.string[start : m.end()].rstrip("。.")
        return CellValue(raw, ValueKind.GARBLED, problem=f"negation before a number: {said!r}")
    stated = [
        c
        for c in (SYMBOLS.get(sym or ""), WORDS.get(word or ""), SUFFIXES.get(suffix or ""))
        if c is not None
    ]
    notes = []  # every note, not the last: "约≥95%以下" is both approximate and contradictory
    if len(set(stated)) > 1:
        notes.append("conflicting comparators: " + " ".join(w for w in (word, sym, suffix) if w))
    approx = m["approx"] or m["approx_after"]
    if approx or suffix in APPROX:
        notes.append(f"approximate value ({approx or suffix})")
    number = Decimal(m["num"].replace(",", ""))
    return CellValue(
        raw,
        ValueKind.NUMBER,
        comparator=stated[0] if stated else None,
        number=-number if m["sign"] == "-" else number,
        unit=normal_unit(m["unit"]),
        label=label,
        problem="; ".join(notes) or None,
    )


def _garbled(token: str, has_context: bool) -> Optional[str]:
    """Why a number-shaped token is broken, or ``None`` when it is plain text ("5G", "4A")."""
    if any(c.isalpha() for c in token):
        return "letter inside number (OCR?)" if has_context or "." in token else None
    if ".." in token:
        return "repeated decimal point"
    if token.count(".") > 1:
        return "more than one decimal point"
    if token.startswith((".", ",")) or token.endswith((".", ",")):
        return "number starts or ends with a separator"
    return "malformed thousands separator"
