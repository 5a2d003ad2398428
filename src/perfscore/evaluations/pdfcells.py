"""Where a printed PDF table's cells stand, beyond what its ruling lines say: the right border a
cell merged across the edge of a printed sheet lacks, text printed off the page, and a table's
part on the next page laid on the grid of its first part (see :mod:`.pdf`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

from .grid import Cell

__all__ = ["SAME_COLUMN", "off_page", "open_edge", "positions", "relaid"]

SAME_COLUMN = 1.0
"""Points two column starts may differ by and still be the same column on the next page."""


def open_edge(page: Any) -> list[dict[str, Any]]:
    """A right border where rules run on to the right end of the page's ruling with no vertical
    line there: cells merged across the edge of a sheet printed over several pages have no right
    border on the first, and their text would stand in no cell. Closed at that end, over the
    height of those rules only."""
    across = page.horizontal_edges
    if not across:
        return []
    right = max(edge["x1"] for edge in across)
    closing = [edge for edge in page.vertical_edges if abs(edge["x0"] - right) <= SAME_COLUMN]
    open_rules = [
        edge["top"]
        for edge in across
        if abs(edge["x1"] - right) <= SAME_COLUMN
        and not any(v["top"] - SAME_COLUMN <= edge["top"] <= v["bottom"] + SAME_COLUMN for v in closing)
    ]
    if len(open_rules) < 2:
        return []
    top, bottom = min(open_rules), max(open_rules)
    # the row between the last open rule and a closed one below it (or above the first) is open too
    starts = [v["top"] for v in closing if v["top"] > bottom]
    below = [edge["top"] for edge in across if edge["top"] > bottom + SAME_COLUMN]
    if starts and below and abs(min(starts) - min(below)) <= SAME_COLUMN:
        bottom = min(below)
    ends = [v["bottom"] for v in closing if v["bottom"] < top]
    above = [edge["top"] for edge in across if edge["top"] < top - SAME_COLUMN]
    if ends and above and abs(max(ends) - max(above)) <= SAME_COLUMN:
        top = max(above)
    line = {"x0": right, "x1": right, "top": top, "bottom": bottom, "width": 0, "height": bottom - top}
    return [{**line, "orientation": "v", "object_type": "line"}]


def off_page(line: Any, page: Any) -> bool:
    """A line wholly outside the page is not printed: Excel writes the text of a cell that runs
    on past the page's last column onto the next page too, left of its edge."""
    return bool(line["x1"] <= page.bbox[0] or line["x0"] >= page.bbox[2])


def positions(columns: Sequence[float], grid: Sequence[float]) -> Optional[list[int]]:
    """The index in ``grid`` of each of ``columns`` (None when one is not there): the first
    column starts where the table does."""
    found_at: list[int] = []
    for x in columns:
        found = [i for i, start in enumerate(grid) if abs(start - x) <= SAME_COLUMN]
        if not found or (found_at and found[0] <= found_at[-1]):
            return None
        found_at.append(found[0])
    return found_at if found_at and found_at[0] == 0 else None


def relaid(part: list[list[Cell]], columns: Sequence[float], grid: Sequence[float]) -> list[list[Cell]]:
    """``part`` (read on its own ``columns``) laid on the finer ``grid`` of the table it
    continues: a cell covering several of the grid's columns spans them as a merged cell does
    (blank, anchored to it), and addresses are renumbered on the grid."""
    starts = positions(columns, grid)
    if starts is None or len(starts) == len(grid):
        return part
    ends = [*starts[1:], len(grid)]
    renamed: dict[str, str] = {}
    for row in part:
        for c, cell in enumerate(row[: len(starts)]):
            renamed[cell.address] = f"{cell.address.rsplit('C', 1)[0]}C{starts[c] + 1}"
    laid: list[list[Cell]] = []
    for row in part:
        out: list[Cell] = []
        for c, cell in enumerate(row[: len(starts)]):
            address = renamed[cell.address]
            anchor = renamed.get(cell.anchor, cell.anchor)
            out.append(Cell(cell.text, address, anchor))
            prefix = address.rsplit("C", 1)[0]
            out.extend(
                Cell("", f"{prefix}C{k + 1}", anchor or address) for k in range(starts[c] + 1, ends[c])
            )
        laid.append(out)
    return laid
