"""Regions named in a text (a unit's or department's name, a title): every place name of the
code table that appears in it, and the one region they agree on, or the candidates when they do
not decide. Nothing is guessed: two places a name could mean are both reported."""

from __future__ import annotations

import functools
from collections.abc import Mapping

import attrs

from .table import PLACEHOLDERS, Region, _table, all_regions, level

__all__ = ["Found", "Match", "find"]

# Names too general to say where a unit is.
_GENERIC = PLACEHOLDERS | frozenset(
    {
        "郊区",
        "城区",
        "矿区",
        "市中区",
        "东区",
        "西区",
        "南区",
        "北区",
        "中区",
        "新区",
        "县级市",
        "市郊区",
    }
)
_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")
_CITY_SUFFIXES = ("地区", "市", "盟")


@attrs.frozen
class Match:
    """A place name found in the text, and every code it can stand for."""

    text: str
    start: int
    codes: tuple[str, ...]


@attrs.frozen
class Found:
    """What a text says of its region.

    ``code`` is the most specific region every name found agrees on (``""`` when none is named
    or they do not agree); ``ambiguous`` lists the candidates when the names do not decide
    (``朝阳区`` alone: 北京 or 长春), and is empty otherwise."""

    code: str
    matches: tuple[Match, ...]
    ambiguous: tuple[str, ...] = ()


def _short(region: Region) -> str:
    """The short form of a province or city name (湖南省 → 湖南, 岳阳市 → 岳阳), or ``""``."""
    kind = level(region.code)
    suffixes = _PROVINCE_SUFFIXES if kind == "province" else _CITY_SUFFIXES if kind == "city" else ()
    for suffix in suffixes:
        if region.name.endswith(suffix) and len(region.name) - len(suffix) >= 2:
            return region.name[: -len(suffix)]
    return ""


@functools.lru_cache(maxsize=1)
def _index() -> Mapping[str, tuple[str, ...]]:
    """Every usable name → the codes it can stand for (current codes only, when any is)."""
    latest = _table().latest
    names: dict[str, set[str]] = {}
    for region in all_regions():
        for label in (region.name, *region.former, _short(region)):
            if len(label) >= 2 and label not in _GENERIC:
                names.setdefault(label, set()).add(region.code)
    index: dict[str, tuple[str, ...]] = {}
    for label, codes in names.items():
        current = {c for c in codes if _table().regions[c].last == latest}
        index[label] = tuple(sorted(current or codes))
    return index


def _matches(text: str) -> list[Match]:
    """Longest names first, left to right, without overlap."""
    index = _index()
    longest = max(map(len, index))
    found: list[Match] = []
    position = 0
    while position < len(text):
        for size in range(min(longest, len(text) - position), 1, -1):
            label = text[position : position + size]
            if label in index:
                found.append(Match(label, position, index[label]))
                position += size
                break
        else:
            position += 1
    return found


def _on_chain(a: str, b: str) -> bool:
    """One of two codes is the other or above it."""
    return (
        a == b
        or any(b.startswith(p) and a == p.ljust(6, "0") for p in (b[:2], b[:4]))
        or (any(a.startswith(p) and b == p.ljust(6, "0") for p in (a[:2], a[:4])))
    )


def find(text: str) -> Found:
    """The regions named in ``text`` and the one they agree on.

    ``find("湖南省岳阳市岳阳楼区工伤保险服务中心").code == "430602"``; ``find("朝阳区财政局")``
    has no code and two candidates in ``ambiguous``."""
    matches = _matches(text)
    if not matches:
        return Found("", ())
    found = _agreed(matches)
    if found.code or not found.ambiguous:
        return found
    # Names written whole (北京市) outweigh a bare short form that disagrees with them (朝阳, the
    # start of a 朝阳区 cut off by a cell's edge): decide by the whole names when they agree.
    whole = [m for m in matches if not _short_form(m)]
    if whole and len(whole) < len(matches):
        by_whole = _agreed(whole)
        if by_whole.code:
            return Found(by_whole.code, tuple(matches))
    return found


def _short_form(match: Match) -> bool:
    """``match`` is a name's short form (岳阳 for 岳阳市), not a name as written whole."""
    regions = _table().regions
    return any(_short(regions[code]) == match.text for code in match.codes if code in regions)


def _agreed(matches: list[Match]) -> Found:
    """The most specific region all ``matches`` agree on, or the candidates when they do not."""
    kept: list[list[str]] = []
    for i, match in enumerate(matches):
        others = [m for j, m in enumerate(matches) if j != i]
        kept.append([c for c in match.codes if all(any(_on_chain(c, o) for o in m.codes) for m in others)])
    if any(len(codes) != 1 for codes in kept):
        undecided = sorted(
            {c for codes, m in zip(kept, matches) for c in (codes or m.codes) if len(codes) != 1}
        )
        return Found("", tuple(matches), tuple(undecided))
    chosen = max((codes[0] for codes in kept), key=lambda c: ("province", "city", "county").index(level(c)))
    return Found(chosen, tuple(matches))
