"""How a cell says how an actual is compared with its target: :class:`Comparator`, and the
symbols and words that state one ("≥", "不低于", "以上", "不得超过").

The words follow 民法典 第一千二百五十九条: "以上、以下、以内、届满，包括本数；不满、超过、以外，不包括本数".
A negation before a word it can turn round states the opposite comparator (不得低于 is ≥, 未达到
is <); :data:`NEGATION_MARKERS` are the negations a cell may put before a comparator in a way
these tables do not cover, which makes the cell GARBLED (see :func:`~perfscore.cells.parse_cell`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from typing import Optional


class Comparator(enum.Enum):
    """How an actual is compared with a target; the value is the canonical symbol."""

    GE = "≥"
    GT = ">"
    LE = "≤"
    LT = "<"
    EQ = "="

    # Members are singletons, so identity is equality: hash them by identity too. (Enum's own
    # __hash__ hashes the name in Python, and scoring looks members up in dicts for every row.)
    __hash__ = object.__hash__


_GE, _GT, _LE, _LT = Comparator.GE, Comparator.GT, Comparator.LE, Comparator.LT
#: Symbols before the number.
SYMBOLS = {
    ">=": _GE,
    "≥": _GE,
    ">": _GT,
    "<=": _LE,
    "≤": _LE,
    "<": _LT,
    "==": Comparator.EQ,
    "=": Comparator.EQ,
}
#: Words before the number. ``None``: a connector that states no comparator.
WORDS: dict[str, Optional[Comparator]] = {
    **dict.fromkeys(
        ["大于等于", "大于或等于", "高于或等于", "不低于", "不少于", "不小于", "至少", "达到", "均达到"], _GE
    ),
    **dict.fromkeys(["大于", "高于", "超过", "多于"], _GT),
    **dict.fromkeys(
        [
            "小于等于",
            "小于或等于",
            "低于或等于",
            "不超过",
            "不得超过",
            "不超出",
            "不高于",
            "不大于",
            "不多于",
        ],
        _LE,
    ),
    **dict.fromkeys(["至多", "最多", "控制在"], _LE),
    **dict.fromkeys(["小于", "低于", "少于", "不足", "不满", "不到"], _LT),
    **dict.fromkeys(["为", "均为", "在", "保持在", "维持在"], None),
}
#: Negations that turn a comparator word round: 不 and 不 with a modal ("must not", "should
#: not", "will not"), prohibitions (勿, 毋, 严禁, 禁止: "do not") and 未 / 没 / 没有 with their
#: forms ("did not", "never", "failed to").
NEGATIONS = (
    *("不", "不得", "不应", "不能", "不可", "不宜", "不准", "不许", "不要", "不该", "不会"),
    *("勿", "毋", "严禁", "禁止", "未", "未能", "未曾", "没", "没有", "没能"),
)
#: The words a negation turns round, with what each states on its own. 超 / 超出 / 达 / 满 are
#: comparators only when negated ("不超5天", "未超出5%", "未达90%", "未满3年").
NEGATABLE: dict[str, Comparator] = {
    **dict.fromkeys(["低于", "少于", "小于"], _LT),
    **dict.fromkeys(["高于", "多于", "大于", "超过", "超出", "超"], _GT),
    **dict.fromkeys(["达到", "达", "满"], _GE),
}
#: Not < is ≥ and not > is ≤: 超过 excludes the number (民法典 1259), so 不超过 includes it; 达到
#: includes it, so 未达到 excludes it.
_NEGATED = {_LT: _GE, _GT: _LE, _GE: _LT, _LE: _GT}
WORDS.update({neg + word: _NEGATED[c] for neg in NEGATIONS for word, c in NEGATABLE.items()})
#: Negation and modal markers. A label ending in one, directly before a comparator or the number
#: ("非高于5%", "不得≥95%", "不在95%以上"), negates what follows in a way the words above do not
#: cover: such a cell is GARBLED, never read the other way round. Longest first, for the message.
_MARKERS_ONLY = ("非",)
NEGATION_MARKERS = tuple(sorted({*NEGATIONS, *_MARKERS_ONLY}, key=lambda n: (-len(n), n)))
#: Words after the number (and its unit). ``None``: approximate, no comparator.
SUFFIXES: dict[str, Optional[Comparator]] = {
    **dict.fromkeys(["以上", "及以上", "或以上"], _GE),
    **dict.fromkeys(["以下", "及以下", "或以下", "以内", "之内", "范围内", "内"], _LE),
    **dict.fromkeys(["左右", "上下"], None),
}
#: Suffixes that make the number approximate.
APPROX = frozenset({"左右", "上下"})


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NEGATED_RE = f"(?:{_alt(NEGATIONS)})(?:{_alt(NEGATABLE)})"  # factored: 108 words, one branch
_PLAIN_WORDS = WORDS.keys() - {neg + word for neg in NEGATIONS for word in NEGATABLE}
#: Regular expressions for a word before the number, a symbol, and a word after it.
WORD_RE, SYM_RE, SUFFIX_RE = f"{_NEGATED_RE}|{_alt(_PLAIN_WORDS)}", _alt(SYMBOLS), _alt(SUFFIXES)
