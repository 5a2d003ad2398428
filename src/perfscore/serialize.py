"""Converting the attrs data classes to JSON-ready dicts and back.

Decimals become strings (``"14.70"``) so that nothing is lost through a float; tuples become
lists; read-only mappings become dicts; a field whose metadata names a ``flatten`` class (a row's
Explanation) has that class's ``FIELDS`` written beside the owner's own; a field whose metadata
says ``omit_none`` is left out while it is None (and reads back as its default). :func:`load` is driven by
the classes' type hints. Generic: it imports no model, so every model may import it.
"""

from __future__ import annotations

import copyreg
import typing
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, Literal, Union

import attrs

from .errors import EvaluationError, Problem

__all__ = ["dump", "load", "read_only"]


def read_only(items: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """A read-only view over a copy of ``items``: how a pickled view comes back. The standard
    library does not pickle a ``MappingProxyType``; every model that holds one (rulesets,
    reports) imports this module, so they pickle wherever they are used (process pools, Dask,
    Spark)."""
    return MappingProxyType(dict(items))


def _read_only_reduced(view: Mapping[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return read_only, (dict(view),)


copyreg.pickle(MappingProxyType, _read_only_reduced)


def dump(value: Any) -> Any:
    kind = type(value)
    if kind in _AS_IS or value is None:
        return value
    if kind is Decimal:
        return str(value)
    if kind is tuple or kind is list:
        return [dump(v) for v in value]
    layout = _LAYOUTS.get(kind)
    if layout is None:
        if not attrs.has(kind):
            return _dump_other(value)
        layout = _layout(kind)
    out = {}
    for name, part in layout:
        item = getattr(value, name)
        if item is None and name in _OMITTED.get(kind, ()):
            continue  # a field that is left out of JSON when None (a finding's expected_zh)
        if part:  # e.g. a row's Explanation: its parts sit beside the row's fields
            for inner in part:
                out[inner] = dump(getattr(item, inner))
        elif type(item) in _AS_IS or item is None:
            out[name] = item
        else:
            out[name] = dump(item)
    return out


_AS_IS = frozenset({str, int, bool, float})
_LAYOUTS: dict[type, tuple[tuple[str, tuple[str, ...]], ...]] = {}
_OMITTED: dict[type, frozenset[str]] = {}


def _layout(kind: type) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """An attrs class's fields in order, each with the names of the parts written in its place
    when its metadata names a ``flatten`` class (else empty): worked out once per class."""
    layout = tuple(
        (field.name, tuple(field.metadata["flatten"].FIELDS) if "flatten" in field.metadata else ())
        for field in attrs.fields(kind)
    )
    _LAYOUTS[kind] = layout
    _OMITTED[kind] = frozenset(field.name for field in attrs.fields(kind) if field.metadata.get("omit_none"))
    return layout


def _dump_other(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [dump(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): v if type(v) in _AS_IS or v is None else dump(v) for k, v in value.items()}
    return value


def load(cls: Any, data: Any, path: str = "") -> Any:
    """Build ``cls`` from ``data`` as produced by :func:`dump`; raise EvaluationError with the path."""
    origin = typing.get_origin(cls)
    args = typing.get_args(cls)
    if origin is Union:
        if data is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return load(inner[0], data, path)
    if attrs.has(cls):
        if not isinstance(data, Mapping):
            raise _bad(path, "an object", data)
        hints = typing.get_type_hints(cls)
        kwargs = {}
        for field in attrs.fields(cls):
            part = field.metadata.get("flatten")
            if part is not None:
                kwargs[field.name] = part(
                    **{
                        name: load(hint, data[name], f"{path}.{name}".lstrip("."))
                        for name, hint in part.FIELDS.items()
                        if name in data
                    }
                )
            elif field.name in data:
                kwargs[field.name] = load(
                    hints[field.name], data[field.name], f"{path}.{field.name}".lstrip(".")
                )
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise _bad(path, "all required keys", sorted(data)) from exc
    if origin is Literal:
        if data not in args:
            raise _bad(path, " or ".join(map(repr, args)), data)
        return data
    if cls is Decimal:
        try:
            return Decimal(str(data))
        except InvalidOperation:
            raise _bad(path, "a number", data) from None
    if origin is tuple:
        if not isinstance(data, list):
            raise _bad(path, "a list", data)
        return tuple(load(args[0], item, f"{path}[{i}]") for i, item in enumerate(data))
    if origin in (Mapping, dict, typing.Mapping) or cls is dict:
        if not isinstance(data, Mapping):
            raise _bad(path, "an object", data)
        value_type = args[1] if args else Any
        return {str(k): load(value_type, v, f"{path}.{k}") for k, v in data.items()}
    if cls is Any:
        return data
    if cls in (str, int, bool):
        if not isinstance(data, cls) or (cls is int and isinstance(data, bool)):
            raise _bad(path, cls.__name__, data)
        return data
    raise _bad(path, str(cls), data)  # pragma: no cover - a type this module does not know


def _bad(path: str, expected: str, found: Any) -> EvaluationError:
    return EvaluationError(
        [Problem("wrong-type", "cannot read value", path=path, expected=expected, found=repr(found)[:60])]
    )
