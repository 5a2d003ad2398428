"""``perfscore batch IN -o OUT``: two long-format files in (Parquet, CSV or JSON Lines), read and
written record batch by record batch, so memory stays flat however many rows there are.

IN is a folder holding ``evaluations.<ext>`` and ``rows.<ext>``; OUT a folder that receives the
same two names, scored. The rows must come grouped by evaluation, in the evaluations' order (as an
export sorted by evaluation writes them); a row that breaks that order, or names no evaluation,
comes back with its error. Only the evaluations' ids are held for the whole run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Optional, Union

from ..rules import Ruleset, load_ruleset
from .columns import column_values, evaluation_data, evaluation_record, pyarrow, row_data, row_record
from .inputs import BadLines, csv_batches, json_records, parquet_batches, preflight
from .run import (
    EVALUATION_SCHEMA,
    ROW_SCHEMA,
    error_row,
    failed_record,
    id_problems,
    orphan_record,
    record_table,
    score_groups,
)
from .windows import matchable, score_windows

__all__ = ["FORMATS", "score_folder"]

FORMATS = {"parquet": "parquet", "csv": "csv", "jsonl": "jsonl", "json": "jsonl", "ndjson": "jsonl"}


def find_input(folder: Path, name: str) -> tuple[Path, str]:
    for path in sorted(folder.glob(f"{name}.*")):
        kind = FORMATS.get(path.suffix.lstrip(".").lower())
        if kind:
            return path, kind
    raise FileNotFoundError(f"{folder}: no {name}.parquet, {name}.csv or {name}.jsonl")


class _Input:
    """One input file (``evaluations`` or ``rows``), checked when found; the lines of it that
    are no record collect in ``bad`` as it is read for scoring (other passes over it, for the
    ids, skip the same lines without counting them again)."""

    def __init__(self, folder: Path, name: str) -> None:
        self.path, self.kind = find_input(folder, name)
        self.names = preflight(self.path, self.kind, name)
        self.bad = BadLines(self.path)

    def batches(self, size: int, bad: Optional[BadLines] = None) -> Iterator[Any]:
        """Record batches (Parquet, CSV); ``bad`` receives the CSV lines of the wrong width."""
        if self.kind == "parquet":
            return parquet_batches(self.path, size)
        return csv_batches(self.path, self.names or [], bad or BadLines(self.path))

    def records(self, size: int, table_reader: Any, record_reader: Any) -> Iterator[Any]:
        """The records, a batch at a time, through the reader for the file's kind."""
        if self.kind == "jsonl":
            for record in json_records(self.path, self.bad):
                yield from record_reader([record])
            return
        for batch in self.batches(size, self.bad):
            yield from table_reader(pyarrow().Table.from_batches([batch]))

    def ids(self, size: int) -> Iterator[Any]:
        if self.kind == "jsonl":
            yield from (record.get("id") for record in json_records(self.path, None))
            return
        for batch in self.batches(size):
            yield from column_values(pyarrow().Table.from_batches([batch]), "id")


def _evaluations(batch: list[dict[str, Any]]) -> Iterator[tuple[Any, dict[str, Any]]]:
    for record in batch:
        yield record.get("id"), evaluation_record(record)


def _rows(batch: list[dict[str, Any]]) -> Iterator[tuple[Any, dict[str, Any]]]:
    for record in batch:
        yield record.get("evaluation_id"), row_record(record)


class _Writer:
    """One output file, written a batch of records at a time."""

    def __init__(self, path: Path, kind: str, schema: tuple[tuple[str, Optional[str]], ...]) -> None:
        self.path, self.kind, self.schema = path, kind, schema
        self.writer: Any = None
        self.schema_written: Any = None
        self.text: Any = path.open("w", encoding="utf-8") if kind == "jsonl" else None

    def write(self, batch: list[dict[str, Any]]) -> None:
        if not batch:
            return
        if self.text is not None:
            self.text.writelines(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in batch)
            return
        self.write_table(record_table(batch, self.schema))

    def write_table(self, table: Any) -> None:
        """A table of records with this file's columns."""
        if not table.num_rows:
            return
        if self.text is not None:
            self.write(table.to_pylist())
            return
        if self.writer is None:
            if self.kind == "parquet":
                import pyarrow.parquet as pq

                self.writer = pq.ParquetWriter(self.path, table.schema)
            else:
                import pyarrow.csv as pcsv

                self.writer = pcsv.CSVWriter(self.path, table.schema)
            self.schema_written = table.schema
        if table.schema != self.schema_written:  # a null column, an id column typed otherwise
            table = table.cast(self.schema_written)
        self.writer.write_table(table)

    def close(self) -> None:
        if self.text is not None:
            self.text.close()
        elif self.writer is not None:
            self.writer.close()
        else:  # no record at all: an empty file with its header
            self.path.write_text(",".join(n for n, _ in self.schema) + "\n" if self.kind == "csv" else "")


def score_folder(
    source: Union[str, Path],
    out: Union[str, Path],
    *,
    ruleset: Union[Ruleset, str, Path, None] = None,
    size: int = 65536,
    kind: Optional[str] = None,
) -> Iterator[tuple[int, int]]:
    """Score ``source``'s two files into ``out``, yielding (evaluations, rows) done so far after
    each batch written (a progress bar's ticks)."""
    source, out = Path(source), Path(out)
    evaluations, row_input = _Input(source, "evaluations"), _Input(source, "rows")  # refused: nothing written
    out_kind = FORMATS[kind] if kind else evaluations.kind
    out.mkdir(parents=True, exist_ok=True)
    chosen = load_ruleset(ruleset) if isinstance(ruleset, (str, Path)) else ruleset
    heads = evaluations.records(size, evaluation_data, _evaluations)
    rows = row_input.records(size, row_data, _rows)
    writers = (
        _Writer(out / f"evaluations.{out_kind}", out_kind, EVALUATION_SCHEMA),
        _Writer(out / f"rows.{out_kind}", out_kind, ROW_SCHEMA),
    )
    try:
        ids = _id_array(evaluations, row_input, size)
        if ids is not None:  # both files columnar, ids unique: the windows are found on columns
            position: dict[Any, int] = {}
            progress = score_windows(
                evaluations.batches(size, evaluations.bad), row_input.batches(size, row_input.bad), ids, chosen,
                lambda heads, scored, strays: _write_window(writers, heads, scored, strays),
                lambda key, passed: _stray(key, position, passed),
            )  # fmt: skip
        else:
            every = list(evaluations.ids(size))
            progress = _merge(heads, rows, set(every), id_problems(every), chosen, writers, size)
        done = (0, 0)
        for done in progress:
            yield done
        bad = evaluations.bad.found, row_input.bad.found
        if bad[0] or bad[1]:  # the lines that were no record, back as error records after the others
            writers[0].write([failed_record(None, why) for why in bad[0]])
            writers[1].write([error_row(None, None, why, "") for why in bad[1]])
            yield done[0] + len(bad[0]), done[1] + len(bad[1])
    finally:
        for writer in writers:
            writer.close()


def _id_array(evaluations: _Input, rows: _Input, size: int) -> Optional[Any]:
    """All the evaluations' ids as one Arrow array, typed as the engine's records type them, when
    both files are Parquet or CSV, every evaluation has an id of its own, and the rows' ids can
    be matched to them on columns; else None (the records are walked one by one)."""
    if evaluations.kind == "jsonl" or rows.kind == "jsonl":
        return None
    pa = pyarrow()
    import pyarrow.compute as pc

    from .columnar import as_engine_types

    chunks = [batch.column(batch.schema.get_field_index("id")) for batch in evaluations.batches(size)
              if "id" in batch.schema.names]  # fmt: skip
    if not chunks:
        return None
    ids = as_engine_types(pa.chunked_array(chunks).combine_chunks())
    if ids.null_count or pc.count_distinct(ids).as_py() != len(ids):
        return None
    first = next(rows.batches(size), None)
    if first is None or "evaluation_id" not in first.schema.names:
        return None
    named = first.schema.field("evaluation_id").type
    if not matchable(ids.type, named):
        return None
    return ids


def _columns_of(records: list[dict[str, Any]]) -> Any:
    """Records as a table with a column for every key any of them has (a key left out is a null
    cell; ``Table.from_pylist`` would take the first record's keys alone)."""
    names = list(dict.fromkeys(name for record in records for name in record))
    return pyarrow().table({name: [record.get(name) for record in records] for name in names})


def _write_window(
    writers: tuple[_Writer, _Writer], heads: Any, scored: Any, strays: list[dict[str, Any]]
) -> None:
    if heads is not None:
        writers[0].write_table(heads)
        writers[1].write_table(scored)
    writers[1].write(strays)


def _merge(
    heads: Iterator[tuple[Any, dict[str, Any]]],
    rows: Iterator[tuple[Any, dict[str, Any]]],
    known: set[Any],
    problems: Mapping[Any, str],
    ruleset: Optional[Ruleset],
    writers: tuple[_Writer, _Writer],
    size: int,
) -> Iterator[tuple[int, int]]:
    """Walk the evaluations and the rows together: each evaluation takes the run of rows that
    names it; a row naming no evaluation, or one already passed, is an error record; an id in
    ``problems`` (null, shared) is its evaluation's error and its rows'."""
    done: set[Any] = set()
    pending: list[tuple[Any, dict[str, Any], list[dict[str, Any]]]] = []
    stray: list[dict[str, Any]] = []
    counts = [0, 0]
    ahead: Optional[tuple[Any, dict[str, Any]]] = next(rows, None)
    position: dict[Any, int] = {}
    buffered = 0
    for key, data in heads:
        group: list[dict[str, Any]] = []
        while ahead is not None and ahead[0] != key and (ahead[0] not in known or ahead[0] in done):
            stray.append(_stray(ahead[0], position, ahead[0] in done))
            ahead = next(rows, None)
        while ahead is not None and ahead[0] == key:
            group.append(ahead[1])
            ahead = next(rows, None)
        done.add(key)
        pending.append((key, data, group))
        counts[0] += 1
        counts[1] += len(group)
        buffered += len(group) + 1
        if buffered >= size:
            yield from _flush(pending, stray, writers, counts, ruleset, problems)
            buffered = 0
    while ahead is not None:
        stray.append(_stray(ahead[0], position, ahead[0] in done))
        ahead = next(rows, None)
    yield from _flush(pending, stray, writers, counts, ruleset, problems)


def _stray(key: Any, position: dict[Any, int], passed: bool) -> dict[str, Any]:
    index = position[key] = position.get(key, -1) + 1
    record = orphan_record(key, index)
    if passed:
        record["error"] = (
            f"rows-out-of-order: evaluation {key!r}'s rows must come together, in the evaluations' order"
        )
    return record


def _flush(
    pending: list[tuple[Any, dict[str, Any], list[dict[str, Any]]]],
    stray: list[dict[str, Any]],
    writers: tuple[_Writer, _Writer],
    counts: list[int],
    ruleset: Optional[Ruleset],
    problems: Mapping[Any, str],
) -> Iterator[tuple[int, int]]:
    heads, rows = _scored(pending, ruleset, problems)
    writers[0].write(heads)
    writers[1].write(rows + stray)
    counts[1] += len(stray)  # every row written is counted, a stray one too
    pending.clear()
    stray.clear()
    yield counts[0], counts[1]


def _scored(
    pending: list[tuple[Any, dict[str, Any], list[dict[str, Any]]]],
    ruleset: Optional[Ruleset],
    problems: Mapping[Any, str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The records of the pending evaluations: scored together by :func:`score_batch` (its
    columnar path, the engine for what it does not cover) when their cells are plain texts and
    integers that make Arrow columns as they are and no id is in ``problems``; else one by one
    by the engine."""
    tables = None if any(key in problems for key, _, _ in pending) else _as_tables(pending)
    if tables is not None:
        from .run import score_batch

        result = score_batch(*tables, ruleset=ruleset)
        return result.evaluations.to_pylist(), result.rows.to_pylist()
    scored = list(score_groups(pending, ruleset, problems))
    return [s.evaluation for s in scored], [r for s in scored for r in s.rows]


def _as_tables(pending: list[tuple[Any, dict[str, Any], list[dict[str, Any]]]]) -> Optional[tuple[Any, Any]]:
    """The pending evaluations as the two long tables, or None when a cell is of a kind Arrow
    would convert (a decimal column takes one scale, which would change how 20 is written) or
    an id repeats."""
    heads: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for key, data, group in pending:
        head = {"id": key, **data["evaluation"]}
        head.update({f"budget_{name}": value for name, value in data.get("budget", {}).items()})
        heads.append(head)
        rows.extend({"evaluation_id": key, **row} for row in group)
    if not rows or len({h["id"] for h in heads}) != len(heads):
        return None
    pa = pyarrow()
    try:
        tables = _columns_of(heads), _columns_of(rows)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):  # a column of texts and integers
        return None
    plain = (pa.string(), pa.int64(), pa.bool_(), pa.null())
    cells = (
        field.type for table in tables for field in table.schema if field.name not in ("id", "evaluation_id")
    )
    return tables if all(kind in plain for kind in cells) else None
