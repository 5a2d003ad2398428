"""Reading one table cell: ``parse_cell`` turns cell text ("≧95%", "153.67万元", "不适用") into a
typed value (:mod:`.parse`); the comparators a cell may state (:mod:`.comparators`); its units
and converting between them (:mod:`.units`)."""

from .comparators import Comparator
from .parse import MAX_NUMBER_CELL_CHARS, MAX_NUMBER_DIGITS, CellValue, ValueKind, parse_cell
from .units import convert, units_compatible

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
