"""Reading one table cell: ``parse_cell`` turns cell text ("≧95%", "153.67万元", "不适用") into a
typed value; units and comparators."""

from .parse import (
    MAX_NUMBER_CELL_CHARS,
    MAX_NUMBER_DIGITS,
    CellValue,
    Comparator,
    ValueKind,
    convert,
    parse_cell,
    units_compatible,
)

__all__ = [
    "MAX_NUMBER_CELL_CHARS",
    "MAX_NUMBER_DIGITS",
    "CellValue",
    "Comparator",
    "ValueKind",
    "convert",
    "parse_cell",
    "units_compatible",
]
