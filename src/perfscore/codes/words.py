"""Values a finding gives in words, as data: what it expected or found, said in Chinese and in
English (``str.format`` templates over named values).

A number, a quoted cell text, a key path or a list of names reads the same in both languages and
is passed as it is; a value that is words is named here and passed as :class:`Words`, so that a
Chinese message never carries English words. :attr:`Finding.expected` / ``found`` hold the English
(or the value itself); ``expected_zh`` / ``found_zh`` the Chinese, when it differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

__all__ = ["WORDS", "Words", "words"]


@attrs.frozen
class Words:
    """A value said in words: its Chinese and its English."""

    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


WORDS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "a-number": ("一个数值", "a number"),
        "one-number": ("单个数值", "one number"),
        "none": ("无", "none"),
        "no-weight": ("不填权重", "no weight"),
        "rows-worth": ("合计 {points} 分的指标行", "rows worth {points} points"),
        "weight-range": ("0 < 权重 ≤ {points}", "0 < weight ≤ {points}"),
        "target-value": (
            "如 ≥95%、9次 的指标值或一段文字描述",
            "a value such as ≥95%, 9次 or a description",
        ),
        "actual-words": (
            "指标值原文、等级名称或等级列",
            "the target's own words, a level label, or a level column",
        ),
        "budget-with-base": ("含基数金额的预算资金表", "a budget table with the base amount"),
        "budget-amounts": ("大于 0 的基数金额和执行数", "a base amount > 0 and an executed amount"),
        "budget-found": ("基数={base}，执行数={executed}", "base={base}, executed={executed}"),
        "region-code": ("GB/T 2260 行政区划代码或 CN", "a GB/T 2260 code or CN"),
        "region-or-name": (
            "GB/T 2260 行政区划代码，或表中的单位名称、地名",
            "a GB/T 2260 code, or a unit or place name in the table",
        ),
        "cell-empty": ("空白", "empty"),
    }
)


def words(id: str, **values: Any) -> Words:
    """The value named ``id``, said in both languages with ``values`` filled in; a KeyError names
    a value that is not in the table (a bug)."""
    zh, en = WORDS[id]
    return Words(zh.format_map(values), en.format_map(values))
