"""GB/T 2260 region codes: the code table shipped as data (every county-level-and-above code of
every revision, its source and date in ``gb2260.tsv``'s header and docs/regions-codes.md), names
↔ codes, the regions above a code, and the regions a unit's name mentions."""

from .find import Found, Match, find
from .table import (
    TABLE_FILE,
    CodeStatus,
    Level,
    Region,
    all_regions,
    check,
    level,
    lookup,
    name,
    parents,
    table_date,
)

__all__ = [
    "PLACEHOLDERS",
    "TABLE_FILE",
    "CodeStatus",
    "Found",
    "Level",
    "Match",
    "Region",
    "all_regions",
    "check",
    "find",
    "level",
    "lookup",
    "name",
    "parents",
    "table_date",
]
