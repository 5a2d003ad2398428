"""The GB/T 2260 code table shipped with perfscore (``gb2260.tsv``, its sources in its header and
in docs/regions-codes.md): every county-level-and-above code seen in any revision, with its
name, the first and last revision it was seen in, and its earlier names."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, Optional

import attrs

__all__ = [
    "PLACEHOLDERS",
    "TABLE_FILE",
    "CodeStatus",
    "Level",
    "Region",
    "check",
    "level",
    "lookup",
    "name",
    "parents",
    "table_date",
]

#: The shipped code table.
TABLE_FILE = Path(__file__).resolve().parent / "gb2260.tsv"

Level = Literal["province", "city", "county"]

CodeStatus = Literal["known", "withdrawn", "unlisted", "unknown", "malformed"]
"""What the table says of a code for a table of a given year:

- ``known``: in the table, and not withdrawn before that year;
- ``withdrawn``: in the table, but last seen in a revision more than a year before (a code
  that existed, used after it went away);
- ``unlisted``: not in the table, but its province is, and the year is not before the table's
  newest revision: it may be newer than the table (never called wrong);
- ``unknown``: exists in no revision, and cannot be newer than the table;
- ``malformed``: not six digits.
"""

_CODE = re.compile(r"[0-9]{6}")

#: Names that stand for a group of counties, not for a place (市辖区 under 北京市, 省直辖县级行政区划
#: above 仙桃市): never a region's parent, never found in a text.
PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖行政单位"})


@attrs.frozen
class Region:
    """One code of the table."""

    code: str
    name: str
    """Its name in the newest revision it appears in"""
    first: str
    """The first revision it appears in (``YYYYMM``)"""
    last: str
    """The last revision it appears in (``YYYYMM``)"""
    former: tuple[str, ...] = ()
    """Earlier names, newest first"""

    @property
    def level(self) -> Level:
        return level(self.code)


@attrs.frozen
class _Table:
    regions: Mapping[str, Region]
    latest: str
    """The newest revision in the table (``YYYYMM``)"""


@functools.lru_cache(maxsize=1)
def _text() -> str:
    """The table file's text after a newline (so that every line follows one)."""
    return "\n" + TABLE_FILE.read_text(encoding="utf-8")


def _line(code: str) -> Optional[str]:
    """The line of ``code`` (the last if it were listed twice, as in :func:`_lines`), or None:
    a six-digit code is found in the text, without splitting the table into lines."""
    if not (isinstance(code, str) and _CODE.fullmatch(code)):
        return _lines().get(code)
    text = _text()
    start = text.rfind(f"\n{code}\t")
    if start < 0:
        return None
    end = text.find("\n", start + 1)
    return text[start + 1 : end if end >= 0 else len(text)]


@functools.lru_cache(maxsize=1)
def _lines() -> Mapping[str, str]:
    """Each code's line of the table file, by code, not yet split: a lookup builds only the
    :class:`Region` it asks for (a command that checks one code does not build 7,000)."""
    lines: dict[str, str] = {}
    for line in _text().split("\n"):
        if line.startswith(("#", "code\t")) or not line.strip():
            continue
        lines[line[: line.find("\t")]] = line
    return lines


@functools.cache
def _region(code: str) -> Region:
    """The entry of ``code``, a code of the table."""
    line = _line(code)
    assert line is not None
    code, label, first, last, former = line.split("\t")
    return Region(code, label, first, last, tuple(f for f in former.split("|") if f))


@functools.lru_cache(maxsize=1)
def _latest() -> str:
    """The newest revision in the table (``YYYYMM``)."""
    return max(line.split("\t")[3] for line in _lines().values())


@functools.lru_cache(maxsize=1)
def _table() -> _Table:
    return _Table({code: _region(code) for code in _lines()}, _latest())


def table_date() -> str:
    """The newest revision in the shipped table, as ``YYYY-MM``."""
    latest = _latest()
    return f"{latest[:4]}-{latest[4:]}"


def level(code: str) -> Level:
    """``province`` (``430000``), ``city`` (``430600``) or ``county`` (``430602``) by the code's shape."""
    if code[2:] == "0000":
        return "province"
    return "city" if code[4:] == "00" else "county"


def lookup(code: str) -> Optional[Region]:
    """The table's entry for ``code``, or None."""
    return _region(code) if _line(code) is not None else None


def name(code: str) -> str:
    """The name of ``code`` (its newest), or ``""`` for a code not in the table. ``CN`` is 全国."""
    if code == "CN":
        return "全国"
    found = lookup(code)
    return found.name if found else ""


def parents(code: str) -> tuple[Region, ...]:
    """The regions above ``code`` that the table knows, nearest first: county → city → province
    (a county directly under a province, 仙桃市 or 北京市东城区, skips the placeholder between)."""
    if not _CODE.fullmatch(code):
        return ()
    above = [code[:4] + "00", code[:2] + "0000"]
    found = [lookup(c) for c in dict.fromkeys(a for a in above if a != code)]
    return tuple(r for r in found if r is not None and r.name not in PLACEHOLDERS)


def check(code: str, year: int = 0) -> CodeStatus:
    """What the table says of ``code`` for a table of ``year`` (0: unknown year); see
    :data:`CodeStatus`."""
    if not _CODE.fullmatch(code):
        return "malformed"
    found = lookup(code)
    if found is not None:  # the newest revision is read only for a code seen long ago
        gone = year > int(found.last[:4]) + 1 and found.last < _latest()
        return "withdrawn" if gone else "known"
    if _line(code[:2] + "0000") is not None and (year == 0 or year >= int(_latest()[:4])):
        return "unlisted"
    return "unknown"


def all_regions() -> tuple[Region, ...]:
    """Every code in the table, in code order."""
    return tuple(_table().regions.values())
