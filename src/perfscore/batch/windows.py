"""``perfscore batch`` on columns: Parquet or CSV record batches scored as they are read.

The evaluations are read a record batch at a time (a window); the rows stream beside them and
each window takes the run of rows that belongs to it, found on columns: a row belongs to the
evaluation its id names when that evaluation does not come before the last one a row was given
to (the rows come grouped by evaluation, in the evaluations' order); any other row is a stray
(``no-evaluation`` when no evaluation has its id, ``rows-out-of-order`` when its evaluation was
passed), exactly as the record-by-record walk in :mod:`.stream` decides. Each window is scored by
:func:`score_batch` and written as Arrow tables, with its strays' records after its rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Callable, Optional

import numpy as np

from ..rules import Ruleset
from .columns import pyarrow
from .run import score_batch

__all__ = ["matchable", "score_windows"]


def matchable(ids: Any, named: Any) -> bool:
    """Whether rows' ids of type ``named`` are matched to evaluation ids of type ``ids`` on
    columns as the record walk matches them by value: both integers, or both texts."""
    pa = pyarrow()
    if pa.types.is_dictionary(named):
        named = named.value_type
    texts = (pa.string(), pa.large_string())
    return (pa.types.is_integer(ids) and pa.types.is_integer(named)) or (ids in texts and named in texts)


class _Rows:
    """The rows file's record batches, with each row's evaluation position and whether it
    belongs to it, taken in runs."""

    def __init__(self, batches: Iterator[Any], ids: Any) -> None:
        pa = pyarrow()
        self.batches = batches
        self.high = -1
        """The latest evaluation position a row was given to"""
        self.table: Any = None
        self.position: Any = np.zeros(0, np.int64)
        self.mine: Any = np.zeros(0, bool)
        self.numbers = pa.types.is_integer(ids.type)
        if self.numbers:  # integer ids: a sorted copy to search, once
            values = ids.to_numpy(zero_copy_only=False).astype(np.int64)
            self.order = np.argsort(values, kind="stable")
            self.sorted = values[self.order]
        else:
            self.lookup = {key: i for i, key in enumerate(ids.to_pylist())}

    def _positions(self, named: Any) -> Any:
        """Each row's evaluation position (-1: no evaluation has its id). The ids and the rows'
        ids are both integers or both texts (:func:`matchable`)."""
        pa = pyarrow()
        if pa.types.is_dictionary(named.type):
            named = named.cast(named.type.value_type)
        if not self.numbers:
            return np.array([self.lookup.get(key, -1) for key in named.to_pylist()], np.int64)
        if not len(self.sorted):
            return np.full(len(named), -1, np.int64)
        valid = np.asarray(named.is_valid())
        values = named.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False)
        at = np.minimum(np.searchsorted(self.sorted, values), len(self.sorted) - 1)
        hit = valid & (self.sorted[at] == values)
        return np.where(hit, self.order[at], -1)

    def _more(self) -> bool:
        pa = pyarrow()
        batch = next(self.batches, None)
        if batch is None:
            return False
        table = pa.Table.from_batches([batch])
        position = self._positions(table.column("evaluation_id").combine_chunks())
        before = np.maximum.accumulate(np.concatenate([[self.high], position]))[:-1]
        mine = (position >= 0) & (position >= before)
        self.high = max(self.high, int(position.max(initial=-1)))
        if self.table is None or not self.table.num_rows:
            self.table, self.position, self.mine = table, position, mine
        else:
            self.table = pa.concat_tables([self.table, table.cast(self.table.schema)])
            self.position = np.concatenate([self.position, position])
            self.mine = np.concatenate([self.mine, mine])
        return True

    def take(self, end: Optional[int]) -> tuple[Any, Any, Any]:
        """The rows before the first that belongs to an evaluation at ``end`` or later (all the
        rest when ``end`` is None): the table, their positions, which belong."""
        while True:
            if end is not None and self.table is not None:
                later = np.nonzero(self.mine & (self.position >= end))[0]
                if len(later):
                    return self._cut(int(later[0]))
            if not self._more():
                return self._cut(None)

    def _cut(self, at: Optional[int]) -> tuple[Any, Any, Any]:
        if self.table is None:
            return None, self.position, self.mine
        at = self.table.num_rows if at is None else at
        taken = (self.table.slice(0, at), self.position[:at], self.mine[:at])
        self.table = self.table.slice(at)
        self.position, self.mine = self.position[at:], self.mine[at:]
        return taken


def score_windows(
    heads: Iterator[Any],
    rows: Iterator[Any],
    ids: Any,
    ruleset: Optional[Ruleset],
    write: Callable[[Any, Any, list[dict[str, Any]]], None],
    stray: Callable[[Any, bool], dict[str, Any]],
) -> Iterator[tuple[int, int]]:
    """Score each evaluation batch of ``heads`` with its rows from ``rows`` (record batches),
    ``ids`` all the evaluations' ids in order; ``write(evaluations, rows, strays)`` writes a
    window, ``stray(key, passed)`` makes a stray row's record. Yields (evaluations, rows) done."""
    pa = pyarrow()
    source = _Rows(rows, ids)
    start, counts = 0, [0, 0]
    for batch in heads:
        table = pa.Table.from_batches([batch])
        end = start + table.num_rows
        found, position, mine = source.take(end)
        strays = _strays(found, position, mine, stray)
        if found is None:
            found = pa.table({"evaluation_id": pa.array([], ids.type)})
        result = score_batch(table, found.filter(pa.array(mine)), ruleset=ruleset)
        write(result.evaluations, result.rows, strays)
        counts[0] += table.num_rows
        counts[1] += int(mine.sum()) + len(strays)  # every row written is counted, a stray one too
        start = end
        yield counts[0], counts[1]
    found, position, mine = source.take(None)
    if found is not None and found.num_rows:
        strays = _strays(found, position, mine, stray)
        write(None, None, strays)
        counts[1] += len(strays)
        yield counts[0], counts[1]


def _strays(
    found: Any, position: Any, mine: Any, stray: Callable[[Any, bool], dict[str, Any]]
) -> list[dict[str, Any]]:
    """The records of the rows of ``found`` that belong to no evaluation: passed when their
    evaluation exists (it came before), else naming none."""
    if found is None or bool(mine.all()):
        return []
    lost = np.nonzero(~mine)[0]
    keys = found.column("evaluation_id").take(lost).to_pylist()
    return [stray(key, bool(at >= 0)) for key, at in zip(keys, position[lost].tolist())]
