"""Merging a child ruleset over its parent (``extends``).

The rules, documented in docs/ruleset-format.md:

- tables merge key by key, the child's value winning;
- ``blocks`` and each block's ``indicators`` are arrays keyed by ``key``: a child entry with a
  parent's key merges over it, a new key is appended, ``remove = true`` drops the parent's (one
  that drops nothing is left in the result, for the loader to report);
- ``sources`` are the parent's followed by the child's (a child source with a parent's ``id``
  merges over it, key by key);
- the identity keys of ``[ruleset]`` (id, region, form, edition, in_force, name, aliases,
  extends) are never inherited;
- every other value (scalars, arrays such as ``grades`` or ``cases``) is replaced whole.

Alongside the data, an *origin* table maps every key path of the result to the file and the
key path in that file that it came from, so errors point at the right line and every value
in a report can say which file set it.

Tables are the ``dict`` a TOML parser gives (checked with ``isinstance(…, dict)``: the abstract
``Mapping`` check costs a tenth of a cold load).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

__all__ = ["IDENTITY_KEYS", "Origins", "merge", "origins_of"]

Origins = dict[str, tuple[str, str]]

IDENTITY_KEYS = frozenset({"id", "region", "form", "edition", "in_force", "name", "aliases", "extends"})
_KEYED_ARRAYS = {"blocks": "key", "indicators": "key", "sources": "id"}


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def origins_of(
    data: Any, file: str, path: str = "", source_path: str = "", out: Origins | None = None
) -> Origins:
    """The origin table of a value that comes whole from one file."""
    table: Origins = {} if out is None else out
    table[path] = (file, source_path)
    if isinstance(data, dict):
        for key, value in data.items():
            origins_of(value, file, _join(path, key), _join(source_path, key), table)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            origins_of(value, file, f"{path}[{index}]", f"{source_path}[{index}]", table)
    return table


def _copy(value: Any, origins: Origins, src: str, dst: str, out: Origins) -> Any:
    """Copy ``value`` (found at ``src`` in ``origins``) to ``dst``, carrying its origins."""
    out[dst] = origins.get(src, origins.get("", ("", "")))
    if isinstance(value, dict):
        return {k: _copy(v, origins, _join(src, k), _join(dst, k), out) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v, origins, f"{src}[{i}]", f"{dst}[{i}]", out) for i, v in enumerate(value)]
    return value


def merge(
    parent: Mapping[str, Any], parent_origins: Origins, child: Mapping[str, Any], child_origins: Origins
) -> tuple[dict[str, Any], Origins]:
    """Merge ``child`` over ``parent``; return the data and its origin table."""
    out: Origins = {"": child_origins.get("", ("", ""))}
    data = _merge_tables(parent, "", parent_origins, child, "", child_origins, "", out)
    ruleset = data.get("ruleset")
    if isinstance(ruleset, dict):
        child_ruleset = child.get("ruleset", {})
        for key in IDENTITY_KEYS:
            if key not in child_ruleset:
                ruleset.pop(key, None)
    return data, out


def _merge_tables(
    parent: Mapping[str, Any],
    ppath: str,
    porig: Origins,
    child: Mapping[str, Any],
    cpath: str,
    corig: Origins,
    path: str,
    out: Origins,
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    out[path] = corig.get(cpath, porig.get(ppath, ("", "")))
    for key in [*parent.keys(), *(k for k in child if k not in parent)]:
        here = _join(path, key)
        in_parent, in_child = key in parent, key in child
        if in_parent and in_child:
            pv, cv = parent[key], child[key]
            if isinstance(pv, dict) and isinstance(cv, dict):
                result[key] = _merge_tables(
                    pv, _join(ppath, key), porig, cv, _join(cpath, key), corig, here, out
                )
            elif key in _KEYED_ARRAYS and isinstance(pv, list) and isinstance(cv, list):
                result[key] = _merge_keyed(
                    key, pv, _join(ppath, key), porig, cv, _join(cpath, key), corig, here, out
                )
            else:
                result[key] = _copy(cv, corig, _join(cpath, key), here, out)
        elif in_child:
            result[key] = _copy(child[key], corig, _join(cpath, key), here, out)
        else:
            result[key] = _copy(parent[key], porig, _join(ppath, key), here, out)
    return result


def _ident(item: Any, id_key: str) -> Any:
    """An entry's ``key`` (or ``id``) as it is matched; None for an entry without one, or with a
    value no entry can be matched by (an array or a table: the build reports its type)."""
    value = item.get(id_key) if isinstance(item, dict) else None
    return value if isinstance(value, Hashable) else None


def _merge_keyed(
    name: str,
    parent: list[Any],
    ppath: str,
    porig: Origins,
    child: list[Any],
    cpath: str,
    corig: Origins,
    path: str,
    out: Origins,
) -> list[Any]:
    id_key = _KEYED_ARRAYS[name]
    out[path] = corig.get(cpath, ("", ""))
    merged: list[tuple[Any, str, Origins, Any, str, Origins]] = []
    index_of: dict[Any, int] = {}
    for i, item in enumerate(parent):
        ident = _ident(item, id_key)
        if ident is not None:
            index_of[ident] = len(merged)
        merged.append((item, f"{ppath}[{i}]", porig, None, "", {}))
    removed: set[int] = set()
    for i, item in enumerate(child):
        ident = _ident(item, id_key)
        at = index_of.get(ident) if ident is not None else None
        if at is None:
            merged.append((None, "", {}, item, f"{cpath}[{i}]", corig))
        elif isinstance(item, dict) and item.get("remove") is True:
            removed.add(at)
        else:
            old = merged[at]
            merged[at] = (old[0], old[1], old[2], item, f"{cpath}[{i}]", corig)
    result: list[Any] = []
    for at, (pv, pp, po, cv, cp, co) in enumerate(merged):
        if at in removed:
            continue
        here = f"{path}[{len(result)}]"
        if pv is not None and cv is not None and isinstance(pv, dict) and isinstance(cv, dict):
            result.append(_merge_tables(pv, pp, po, cv, cp, co, here, out))
        elif cv is not None:
            result.append(_copy(cv, co, cp, here, out))
        else:
            result.append(_copy(pv, po, pp, here, out))
    return result
