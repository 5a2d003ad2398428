"""Column kernels for the columnar path: each column as integer codes over its distinct values
(Arrow dictionary encoding), tuples of codes as one code per distinct tuple, and the Arrow
arrays the result is built from. Integers only (numpy int64): nothing here rounds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .columns import pyarrow

__all__ = ["Encoded", "combine", "encode", "first_rows", "positions", "text_array"]

_WIDE = 1 << 62


class Encoded:
    """A column as codes (-1 for null, or for a column the table does not have) and its
    distinct values as Python objects, each converted once."""

    __slots__ = ("arrow", "codes", "values")

    def __init__(self, codes: Any, values: list[Any], arrow: Any = None) -> None:
        self.codes = codes
        self.values = values
        self.arrow = arrow
        """The distinct values as the Arrow array they came from, when they did"""

    def value(self, code: int) -> Any:
        return None if code < 0 else self.values[code]


def encode(table: Any, name: str) -> Encoded:
    """``table``'s column ``name`` as codes over its distinct values."""
    pa = pyarrow()
    import pyarrow.compute as pc

    if name not in table.column_names:
        return Encoded(np.full(table.num_rows, -1, np.int64), [])
    column = table.column(name)
    if pa.types.is_dictionary(column.type):  # as Parquet reads it with read_dictionary
        encoded = column.unify_dictionaries() if column.num_chunks > 1 else column
        chunks = encoded.chunks
        words = chunks[0].dictionary if chunks else pa.array([], column.type.value_type)
        indices = pa.chunked_array([c.indices for c in chunks], column.type.index_type)
        return Encoded(_codes(indices), words.to_pylist(), words)
    try:
        encoded = pc.dictionary_encode(column.combine_chunks())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid, pa.ArrowTypeError):
        return _by_python(column.to_pylist())
    return Encoded(_codes(encoded.indices), encoded.dictionary.to_pylist(), encoded.dictionary)


def _codes(indices: Any) -> Any:
    """Dictionary indices as int64 codes, -1 for null."""
    pa = pyarrow()
    import pyarrow.compute as pc

    wide = indices.cast(pa.int64())
    if wide.null_count:
        wide = pc.fill_null(wide, -1)
    if isinstance(wide, pa.ChunkedArray):
        wide = wide.combine_chunks() if wide.num_chunks != 1 else wide.chunk(0)
    return wide.to_numpy(zero_copy_only=False)


def _by_python(values: list[Any]) -> Encoded:
    """Codes for a column Arrow cannot dictionary-encode (distinct by value and type)."""
    seen: dict[Any, int] = {}
    distinct: list[Any] = []
    codes = np.empty(len(values), np.int64)
    for i, value in enumerate(values):
        if value is None:
            codes[i] = -1
            continue
        key = (type(value), str(value))
        code = seen.get(key)
        if code is None:
            code = seen[key] = len(distinct)
            distinct.append(value)
        codes[i] = code
    return Encoded(codes, distinct)


def combine(parts: Sequence[tuple[Any, int]], size: int) -> tuple[Any, Any]:
    """One code per distinct tuple of ``parts`` (each codes ≥ -1 and how many distinct values),
    and a row holding each tuple."""
    key = np.zeros(size, np.int64)
    span = 1
    for codes, count in parts:
        width = count + 1
        if span * width >= _WIDE:
            uniques, key = np.unique(key, return_inverse=True)
            span = len(uniques)
        key = key * width + (codes + 1)
        span *= width
    if span <= max(4 * size, 1 << 16):  # few possible tuples: a table of them, no sort
        present = np.zeros(span, bool)
        present[key] = True
        dense = np.cumsum(present) - 1
        inverse = dense[key]
        first = np.empty(int(dense[-1]) + 1 if span else 0, np.int64)
        first[inverse] = np.arange(size)  # a row of each tuple (any: they hold the same codes)
        return inverse, first
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return inverse.reshape(-1), first


def first_rows(groups: Any) -> Any:
    """For each element, the index of the first element of its group (``groups`` codes)."""
    _, first, inverse = np.unique(groups, return_index=True, return_inverse=True)
    return first[inverse.reshape(-1)]


def positions(groups: Any) -> Any:
    """Each element's position among the elements of its group, in order."""
    if len(groups) < 2 or bool((groups[1:] >= groups[:-1]).all()):  # already in order
        order = np.arange(len(groups))
    else:
        order = np.argsort(groups, kind="stable")
    ranked = groups[order]
    starts = np.ones(len(ranked), bool)
    starts[1:] = ranked[1:] != ranked[:-1]
    index = np.arange(len(ranked))
    base = np.maximum.accumulate(np.where(starts, index, 0))
    out = np.empty(len(ranked), np.int64)
    out[order] = index - base
    return out


def text_array(codes: Any, words: Sequence[Any]) -> Any:
    """A string array of ``words[code]`` (null where a code is -1 or its word is None)."""
    pa = pyarrow()
    dictionary = pa.array(list(words), pa.string())
    indices = pa.array(codes.astype(np.int32), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, dictionary).cast(pa.string())
