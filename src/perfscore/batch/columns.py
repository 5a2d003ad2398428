"""The long-format columns: which column fills which field of an evaluation or a row, and
reading an Arrow table (or a pandas DataFrame) into Python values, each distinct text once."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = [
    "BUDGET_COLUMNS",
    "EVALUATION_COLUMNS",
    "ROW_COLUMNS",
    "as_table",
    "column_values",
    "evaluation_data",
    "evaluation_record",
    "pyarrow",
    "row_data",
    "row_record",
    "year_value",
]

#: ``evaluations`` columns → keys of ``[evaluation]`` in the evaluation file format.
EVALUATION_COLUMNS: Mapping[str, str] = {
    name: name
    for name in (
        "region",
        "form",
        "year",
        "title",
        "unit",
        "department",
        "project",
        "ruleset",
        "reported_total",
        "reported_grade",
    )
}
#: ``evaluations`` columns → keys of ``[budget]``.
BUDGET_COLUMNS: Mapping[str, str] = {
    f"budget_{name}": name
    for name in ("initial", "full_year", "executed", "adjustment", "points", "rate", "reported_score", "note")
}
#: ``rows`` columns → keys of a ``[[rows]]`` entry (``evaluation_id`` says whose row it is).
ROW_COLUMNS: tuple[str, ...] = (
    "block",
    "category",
    "name",
    "target",
    "actual",
    "weight",
    "reported_score",
    "sign",
    "unit",
    "level",
    "method",
    "note",
    "group",
    "core",
)


def pyarrow() -> Any:
    """The pyarrow module, or an error saying which extra to install."""
    try:
        import pyarrow as pa
    except ImportError as exc:  # pragma: no cover - the batch extra is installed in tests
        raise ImportError(f"the batch path needs pyarrow: pip install 'perfscore[batch]' ({exc})") from None
    return pa


def as_table(data: Any, what: str) -> Any:
    """``data`` as an Arrow table: a Table, a RecordBatch or a pandas DataFrame."""
    pa = pyarrow()
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    if type(data).__name__ == "DataFrame" and hasattr(data, "to_dict"):
        return pa.Table.from_pandas(data, preserve_index=False)
    raise TypeError(
        f"{what} must be an Arrow table or record batch, or a pandas DataFrame, not {type(data).__name__}"
    )


def column_values(table: Any, name: str) -> list[Any]:
    """The column's values as Python objects (None for null). A text column is dictionary
    encoded first, so each distinct text becomes one Python string, shared by its rows."""
    pa = pyarrow()
    column = table.column(name)
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        column = column.dictionary_encode()
    if pa.types.is_dictionary(column.type):
        values: list[Any] = []
        for chunk in column.chunks:
            words = chunk.dictionary.to_pylist()
            values.extend(None if i is None else words[i] for i in chunk.indices.to_pylist())
        return values
    return list(column.to_pylist())


def year_value(value: Any) -> Any:
    """A year written as text of four digits (a CSV cell, ``"2023"``) as the integer it writes;
    any other value as it is, for the evaluation's reader to accept or refuse (``bad-year``, the
    text quoted) on that evaluation alone."""
    if type(value) is str and len(value) == 4 and value.isascii() and value.isdigit():
        return int(value)
    return value


def _present(table: Any, names: Iterator[str]) -> list[tuple[str, list[Any]]]:
    have = set(table.column_names)
    return [(name, column_values(table, name)) for name in names if name in have]


def evaluation_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """One evaluation record (a dict by column name) in the file layout."""
    data: dict[str, Any] = {
        "evaluation": {n: record[n] for n in EVALUATION_COLUMNS if record.get(n) is not None}
    }
    if "year" in data["evaluation"]:
        data["evaluation"]["year"] = year_value(data["evaluation"]["year"])
    amounts = {key: record[n] for n, key in BUDGET_COLUMNS.items() if record.get(n) is not None}
    if amounts:
        data["budget"] = amounts
    return data


def row_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """One row record (a dict by column name) in the file layout."""
    return {n: record[n] for n in ROW_COLUMNS if record.get(n) is not None}


def evaluation_data(table: Any) -> Iterator[tuple[Any, dict[str, Any]]]:
    """Each evaluation record as (id, its ``evaluation`` and ``budget`` in the file layout);
    a null cell is a key left out, as in a hand-written file."""
    ids = column_values(table, "id") if "id" in table.column_names else list(range(table.num_rows))
    meta = [(n, [year_value(v) for v in values] if n == "year" else values)
            for n, values in _present(table, iter(EVALUATION_COLUMNS))]  # fmt: skip
    budget = _present(table, iter(BUDGET_COLUMNS))
    for i, key in enumerate(ids):
        data: dict[str, Any] = {"evaluation": {n: v[i] for n, v in meta if v[i] is not None}}
        amounts = {BUDGET_COLUMNS[n]: v[i] for n, v in budget if v[i] is not None}
        if amounts:
            data["budget"] = amounts
        yield key, data


def row_data(table: Any) -> Iterator[tuple[Any, dict[str, Any]]]:
    """Each row record as (its evaluation's id, the row in the file layout)."""
    ids = column_values(table, "evaluation_id")
    cells = _present(table, iter(ROW_COLUMNS))
    for i, key in enumerate(ids):
        yield key, {n: v[i] for n, v in cells if v[i] is not None}
