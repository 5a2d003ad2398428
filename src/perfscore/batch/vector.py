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

    __slots__ = ("codes", "values")

    def __init__(self, codes: Any, values: list[Any]) -> None:
        self.codes = codes
        self.values = values

    def value(self, code: int) -> Any:
        return None if code < 0 else self.values[code]


def encode(table: Any, name: str) -> Encoded:
    """``table``'s column ``name`` as codes over its distinct values."""
    pa = pyarrow()
    import pyarrow.compute as pc

    if name not in table.column_names:
        return Encoded(np.full(table.num_rows, -1, np.int64), [])
    column = table.column(name)
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    try:
        encoded = pc.dictionary_encode(column.combine_chunks())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid, pa.ArrowTypeError):
        return _by_python(column.to_pylist())
    codes = pc.fill_null(encoded.indices.cast(pa.int64()), -1).to_numpy(zero_copy_only=False)
    return Encoded(codes, encoded.dictionary.to_pylist())


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
    and the first row holding each tuple."""
    key = np.zeros(size, np.int64)
    span = 1
    for codes, count in parts:
        width = count + 1
        if span * width >= _WIDE:
            uniques, key = np.unique(key, return_inverse=True)
            span = len(uniques)
        key = key * width + (codes + 1)
        span *= width
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return inverse.reshape(-1), first


def first_rows(groups: Any) -> Any:
    """For each element, the index of the first element of its group (``groups`` codes)."""
    _, first, inverse = np.unique(groups, return_index=True, return_inverse=True)
    return first[inverse.reshape(-1)]


def positions(groups: Any) -> Any:
    """Each element's position among the elements of its group, in order."""
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
