"""The two input files of ``perfscore batch``, read without trusting them.

A file that cannot be read at all (empty, not UTF-8, not Parquet, without the column the rows are
grouped by) is refused before anything is written, naming the file and what was expected. A line
that cannot be a record (a CSV line of the wrong width, a JSON Lines line that is not a JSON
object, not UTF-8, or longer than :data:`MAX_LINE_BYTES`) is kept in :class:`BadLines` with its
line number, and comes back as an error record: nothing read is dropped in silence.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Callable, Optional

from ..errors import BatchInputError
from .columns import pyarrow

__all__ = ["MAX_LINE_BYTES", "BadLines", "csv_batches", "json_records", "parquet_batches", "preflight"]

MAX_LINE_BYTES = 1 << 20
"""The longest JSON Lines line, or CSV header line, read (1 MiB); a CSV record may not exceed
pyarrow's block (the same size) either."""
REQUIRED = {"evaluations": (), "rows": ("evaluation_id",)}
"""The columns each input must have: the rows are grouped by the evaluation they name."""
_SHOWN = 80


class BadLines:
    """The lines of one input file that are no record, each with why (its error record's text)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.found: list[str] = []

    def add(self, number: Optional[int], why: str) -> None:
        where = f"line {number}" if number is not None else "a line"
        self.found.append(f"bad-line: {self.path.name} {where}: {why}")

    def csv_row(self, row: Any) -> str:
        """pyarrow's handler of a CSV line of the wrong width: kept, then skipped."""
        self.add(
            row.number,
            f"{row.actual_columns} cells where the header names {row.expected_columns}: {_short(row.text)}",
        )
        return "skip"


def preflight(path: Path, kind: str, name: str) -> Optional[list[str]]:
    """Refuse ``path`` (the ``name`` file: evaluations or rows) if it cannot be read at all; the
    CSV header's column names (None for other kinds)."""
    names: Optional[list[str]] = None
    if kind == "csv":
        names = _csv_header(path)
        have: Optional[set[str]] = set(names)
    elif kind == "parquet":
        pa = pyarrow()
        import pyarrow.parquet as pq

        try:
            have = set(pq.ParquetFile(path).schema_arrow.names)
        except (pa.ArrowException, OSError) as exc:
            raise BatchInputError(f"{path}: not a Parquet file that can be read ({exc})") from None
    else:
        have = None  # JSON Lines: each record says what it has
    missing = [c for c in REQUIRED[name] if have is not None and c not in have]
    if missing:
        listed = ", ".join(sorted(have or ())) or "none"
        raise BatchInputError(
            f"{path}: no {', '.join(missing)} column (the columns: {listed}; docs/batch.md)"
        )
    return names


def _csv_header(path: Path) -> list[str]:
    """The header's names, once the file's first MiB is known to be UTF-8 text (a CSV saved by
    Excel on a Chinese system is GBK: refused here, before anything is scored, with how to
    save it; a non-UTF-8 cell further down stops the run where it is met)."""
    with path.open("rb") as f:
        head = f.read(MAX_LINE_BYTES)
    line = head.split(b"\n", 1)[0]
    if not line.strip():
        raise BatchInputError(f"{path}: empty: expected a header line naming the columns (docs/batch.md)")
    if len(line) == MAX_LINE_BYTES:
        raise BatchInputError(f"{path}: line 1 (the header) is longer than {MAX_LINE_BYTES:,} bytes")
    try:  # final=False: a character cut by the end of the sample is no error
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError as exc:
        number = head.count(b"\n", 0, exc.start) + 1
        raise BatchInputError(
            f"{path}: line {number} is not UTF-8 text (GBK?): 请另存为 'CSV UTF-8' / save it as 'CSV UTF-8'"
        ) from None
    return next(csv.reader([line.decode("utf-8-sig")]), [])


def csv_batches(path: Path, names: list[str], bad: BadLines) -> Iterator[Any]:
    """The CSV's record batches, every cell text as written (only an empty one null: ``NaN``,
    ``N/A`` and ``null`` are text), lines of the wrong width kept in ``bad``."""
    pa = pyarrow()
    import pyarrow.csv as pcsv

    options = pcsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
    yield from _guarded(
        path,
        lambda: pcsv.open_csv(  # one thread: pyarrow then gives a bad line its number
            path,
            convert_options=options,
            read_options=pcsv.ReadOptions(block_size=MAX_LINE_BYTES, use_threads=False),
            parse_options=pcsv.ParseOptions(invalid_row_handler=bad.csv_row),
        ),
    )


def parquet_batches(path: Path, size: int) -> Iterator[Any]:
    import pyarrow.parquet as pq

    yield from _guarded(path, lambda: pq.ParquetFile(path).iter_batches(batch_size=size))


def _guarded(path: Path, batches: Callable[[], Iterable[Any]]) -> Iterator[Any]:
    """The record batches ``batches()`` opens and reads, a read error said with the file's name
    (text that is not UTF-8 in a CSV cell, a broken Parquet page): the records before it were
    scored and written."""
    pa = pyarrow()
    try:
        yield from batches()
    except (pa.ArrowException, OSError) as exc:
        raise BatchInputError(
            f"{path}: cannot be read past this point ({exc}); the records before it were scored and written"
        ) from None


def json_records(path: Path, bad: Optional[BadLines]) -> Iterator[dict[str, Any]]:
    """Each line of a JSON Lines file that is a JSON object (numbers with a point or an exponent
    read as Decimal), the others kept in ``bad``; blank lines skipped."""
    with path.open("rb") as f:
        for number, line in enumerate(_lines(f), 1):
            if line is None:
                why = f"longer than {MAX_LINE_BYTES:,} bytes"
            else:
                record, why = _record(line, number)
                if record is not None:
                    yield record
                    continue
                if not why:
                    continue  # a blank line
            if bad is not None:
                bad.add(number, why)


def _lines(f: BinaryIO) -> Iterator[Optional[bytes]]:
    """The file's lines, None for one longer than the limit (read past, never held whole)."""
    while True:
        line = f.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = f.readline(MAX_LINE_BYTES)
            yield None
            continue
        yield line


def _record(line: bytes, number: int) -> tuple[Optional[dict[str, Any]], str]:
    try:
        text = line.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (byte {exc.start + 1})"
    if not text.strip():
        return None, ""
    try:
        value = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:
        return None, f"not JSON ({getattr(exc, 'msg', type(exc).__name__)}): {_short(text)}"
    if not isinstance(value, dict):
        return None, f"a JSON {type(value).__name__} where a record (an object) belongs: {_short(text)}"
    return value, ""


def _short(text: str) -> str:
    text = text.strip()
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "…")
