"""The units a cell's number may carry ("%", "次", "万元", "元/人"), and converting between them.

A unit is one of :data:`BASE_UNITS`, a spelling of one (:data:`UNIT_ALIASES`), or a countable or
money unit with a scale prefix ("万元" is 10⁴ 元, :data:`SCALES`); two units joined by "/" make a
rate ("元/人"). Units with the same base compare and convert exactly (元 and 万元); others never do
(天 and 个工作日, % and 百分点).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional

#: Canonical units and the spellings that mean them.
UNIT_ALIASES = {
    "百分比": "%",
    "个百分点": "百分点",
    "工作日": "个工作日",
    "日": "天",
    "个月": "月",
    "㎡": "平方米",
    "m²": "平方米",
    "m2": "平方米",
}
BASE_UNITS = (  # noqa: SIM905  (one string reads better than 56 quoted items)
    "% ‰ 百分点 个工作日 天 月 年 周 小时 分钟 次 人次 起 例 宗 个 人 名 位 篇 份 元 户 家 项 件 台 套 场 期 "
    "所 座 处 条 批 本 册 张 辆 亩 吨 公斤 千克 克 公里 米 平方米 立方米 分 种 类 栋 间 床 课时 学时"
).split()
#: Scale prefixes: "万元" is 10^4 元. Only countable / money units take them.
SCALES = {"千": 3, "万": 4, "百万": 6, "千万": 7, "亿": 8}
SCALABLE = ("元", "人", "人次", "户", "次", "个", "件", "份", "册", "吨", "亩")
#: Each unit spelling (aliases aside) with its power of ten and its base unit: "万元" → (4, "元").
UNITS: dict[str, tuple[int, str]] = {u: (0, u) for u in BASE_UNITS}
UNITS.update({p + u: (e, u) for p, e in SCALES.items() for u in SCALABLE})
_UNIT_SPELLINGS = sorted([*UNITS, *UNIT_ALIASES], key=len, reverse=True)
_UNIT_ALT = "|".join(re.escape(u) for u in _UNIT_SPELLINGS)
#: A regular expression for one unit, or a rate of two ("元/人"); longest spellings first.
UNIT_RE = rf"(?:{_UNIT_ALT})(?:/(?:{_UNIT_ALT}))?"


def normal_unit(unit: Optional[str]) -> Optional[str]:
    """``unit`` as written in a cell, with each part in its canonical spelling ("工作日" → "个工作日")."""
    if not unit:
        return None
    return "/".join(UNIT_ALIASES.get(part, part) for part in unit.split("/"))


def _scale(unit: str) -> tuple[int, str]:
    parts = unit.split("/")
    exponent, base = UNITS.get(parts[0], (0, parts[0]))
    return exponent, "/".join([base, *parts[1:]])


def units_compatible(a: Optional[str], b: Optional[str]) -> bool:
    """Whether values in units ``a`` and ``b`` can be compared. ``None`` (no unit written) is
    compatible with anything; 元 and 万元 (and 千元, 亿元; 人 and 万人) are compatible."""
    if a is None or b is None or a == b:
        return True
    return _scale(a)[1] == _scale(b)[1]


def convert(value: Decimal, from_unit: Optional[str], to_unit: Optional[str]) -> Decimal:
    """Convert ``value`` from ``from_unit`` to ``to_unit`` exactly (元→万元 divides by 10000).

    Identity when either unit is ``None`` or both are the same. Raises ``ValueError`` when the
    units are not :func:`units_compatible`."""
    if from_unit is None or to_unit is None or from_unit == to_unit:
        return value
    (e_from, base_from), (e_to, base_to) = _scale(from_unit), _scale(to_unit)
    if base_from != base_to:
        raise ValueError(f"cannot convert {from_unit!r} to {to_unit!r}")
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # NaN or infinity: no scale to change
        return value
    exponent += e_from - e_to  # exact, unlike arithmetic under a context precision
    if 0 < exponent <= 28:  # 1.5万元 -> 15000元, not 1.5E+4
        digits, exponent = (*digits, *(0,) * exponent), 0
    return Decimal((sign, digits, exponent))
