"""One line per table: what the API returns and the page lists, made from a file's review data.

A line is plain JSON data, an entry of ``schema/review.schema.json`` (:func:`perfscore.reviewing.entry`,
as ``review --json`` writes it): file, table, ruleset, unit, project, region, totals, grade, counts
of findings by severity, the findings themselves and the report, or the file's (or table's) own
error. The review as data and the scored workbook stay beside it, for the page and its downloads.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from typing import Any, Optional

import attrs

from ..reviewing import make_entry

__all__ = ["Batch", "Line", "Store", "lines_of"]

__all__ = ["Batch", "Line", "Store", "lines_of"]


@attrs.define
class Line:
    """One table of an uploaded file (or the file, when it could not be read)."""

    data: dict[str, Any]
    review: Optional[dict[str, Any]] = None
    xlsx: Optional[bytes] = None

    @property
    def codes(self) -> list[str]:
        return sorted({f["code"] for f in self.data.get("findings", ())})


def _line(file: str, table: Optional[int], review: dict[str, Any]) -> dict[str, Any]:
    """The line of a table reviewed: an entry of schema/review.schema.json."""
    return dict(make_entry(file, table, review=review))


def _error(file: str, table: Optional[int], error: str) -> dict[str, Any]:
    """The line of a file or table that could not be reviewed."""
    return dict(make_entry(file, table, error=error))


def lines_of(file: str, result: dict[str, Any]) -> list[Line]:
    """The lines of one file's result from the worker: one per table, or one for its error."""
    if "error" in result:
        return [Line(_error(file, None, result["error"]))]
    tables = result["tables"]
    several = len(tables) > 1
    out = []
    for t in tables:
        n = t["table"] if several else None
        if t.get("error"):
            out.append(Line(_error(file, n, t["error"])))
        else:
            out.append(Line(_line(file, n, t["review"]), review=t["review"], xlsx=t.get("xlsx")))
    if not out:
        out.append(Line(_error(file, None, "未找到自评表 / no self-evaluation table found")))
    return out


@attrs.define
class Batch:
    """The tables of one batch of the page, in the order the files came."""

    id: str
    options: dict[str, Any]
    lines: list[Line] = attrs.field(factory=list)
    files: int = 0
    created: float = attrs.field(factory=time.time)

    def code_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for line in self.lines:
            for f in line.data["findings"]:
                counts[f["code"]] = counts.get(f["code"], 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


class Store:
    """The batches of the page, in memory, the oldest dropped past ``limit``. Ids are random."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._batches: OrderedDict[str, Batch] = OrderedDict()
        self._lock = threading.Lock()

    def new(self, options: dict[str, Any]) -> Batch:
        batch = Batch(id=secrets.token_urlsafe(12), options=options)
        with self._lock:
            self._batches[batch.id] = batch
            while len(self._batches) > self.limit:
                self._batches.popitem(last=False)
        return batch

    def get(self, batch_id: str) -> Optional[Batch]:
        with self._lock:
            return self._batches.get(batch_id)

    def add(self, batch: Batch, lines: list[Line]) -> int:
        """Append ``lines``; return the index of the first."""
        with self._lock:
            first = len(batch.lines)
            batch.lines.extend(lines)
            batch.files += 1
            return first
