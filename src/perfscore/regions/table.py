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
def _table() -> _Table:
    regions: dict[str, Region] = {}
    with TABLE_FILE.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith(("#", "code\t")) or not line.strip():
                continue
            code, label, first, last, former = line.rstrip("\n").split("\t")
            regions[code] = Region(code, label, first, last, tuple(f for f in former.split("|") if f))
    return _Table(regions, max(r.last for r in regions.values()))


def table_date() -> str:
    """The newest revision in the shipped table, as ``YYYY-MM``."""
    latest = _table().latest
    return f"{latest[:4]}-{latest[4:]}"


def level(code: str) -> Level:
    """``province`` (``430000``), ``city`` (``430600``) or ``county`` (``430602``) by the code's shape."""
    if code[2:] == "0000":
        return "province"
    return "city" if code[4:] == "00" else "county"


def lookup(code: str) -> Optional[Region]:
    """The table's entry for ``code``, or None."""
    return _table().regions.get(code)


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
    table = _table()
    found = table.regions.get(code)
    latest_year = int(table.latest[:4])
    if found is not None:
        gone = found.last < table.latest and year > int(found.last[:4]) + 1
        return "withdrawn" if gone else "known"
    if code[:2] + "0000" in table.regions and (year == 0 or year >= latest_year):
        return "unlisted"
    return "unknown"


def all_regions() -> tuple[Region, ...]:
    """Every code in the table, in code order."""
    return tuple(_table().regions.values())
