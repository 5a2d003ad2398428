"""The one validating reader: walks parsed TOML (or JSON) data with its positions, reads typed
values out of it by declared key sets, and collects every problem, located by file, line,
column and key path, with a did-you-mean for a key it does not know.

Rulesets (:mod:`perfscore.rules.builder`), evaluations (:mod:`perfscore.evaluations.read`) and
worked cases (:mod:`perfscore.cases`) all read through a :class:`Reader`. What differs between
them is declared, not rewritten: the allowed keys of each table (for a ruleset, the tables of
:mod:`perfscore.rules.builder.tables`, which also give its JSON Schema), where a key path is in
the file (a locator) and how many problems are listed (:data:`MAX_PROBLEMS` for a ruleset, all
of them for an evaluation).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Callable, Optional

import attrs

from ..codes import messages
from ..errors import Problem
from ..suggest import close_matches
from .toml import TomlDocument

__all__ = ["MAX_PROBLEMS", "Getter", "Located", "Reader", "Spec", "document_locator", "key_path", "show"]

#: The most problems a :class:`~perfscore.errors.RulesetError` lists; the rest are counted
#: ("and 12 more").
MAX_PROBLEMS = 100

Located = tuple[Optional[str], Optional[int], Optional[int]]
"""A key path's file, line and column (each None when unknown)."""


def key_path(path: str, key: str) -> str:
    """``path.key``, or ``key`` at the top."""
    return f"{path}.{key}" if path else key


def show(value: Any) -> str:
    """A value as a problem's ``found`` shows it: its repr, cut at 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def document_locator(doc: Optional[TomlDocument], file: str) -> Callable[[str], Located]:
    """Where a key path is in ``doc`` (its nearest located parent), or only ``file`` without one."""
    if doc is None:
        return lambda path: (file or None, None, None)

    def locate(path: str) -> Located:
        line, column = doc.position(path)
        return doc.file, line, column

    return locate


class Reader:
    """Collects every problem instead of stopping at the first.

    ``locate`` says where a key path is; ``limit`` caps the problems listed (the ones beyond it
    are counted in ``dropped``, and get no did-you-mean: it would only be thrown away);
    ``shown`` renders a value found where a table was expected.
    """

    def __init__(
        self,
        locate: Callable[[str], Located],
        limit: Optional[int] = None,
        shown: Callable[[Any], str] = show,
    ) -> None:
        self.locate = locate
        self.limit = limit
        self.shown = shown
        """How a value that is not the table or array expected is shown (its ``found``)."""
        self.problems: list[Problem] = []
        self.dropped = 0
        """Problems found beyond ``limit``: counted, not listed."""

    @property
    def full(self) -> bool:
        """Whether no more problems will be listed."""
        return self.limit is not None and len(self.problems) >= self.limit

    def problem(
        self,
        code: str,
        path: str,
        variant: str = "",
        *,
        found: Optional[str] = None,
        expected: Optional[str] = None,
        suggestions: tuple[str, ...] = (),
        **values: Any,
    ) -> None:
        """Record a problem of ``code`` (its ``variant``, if named) at key path ``path``; its words
        are the code's (:mod:`perfscore.codes`), with ``values`` filled in."""
        message = messages(code, variant=variant, **values)[1]
        self.relay(code, path, message, found=found, expected=expected, suggestions=suggestions)

    def relay(self, code: str, path: str, message: str, **extra: Any) -> None:
        """Record a problem whose words come with it (a formula's own error), at ``path``."""
        if self.full:
            self.dropped += 1
            return
        file, line, column = self.locate(path)
        self.problems.append(Problem(code, message, file=file, line=line, column=column, path=path, **extra))

    def suggest(self, word: str, candidates: Iterable[str]) -> tuple[str, ...]:
        """Did-you-mean candidates, while problems are still listed."""
        return () if self.full else close_matches(word, candidates)

    def keys(self, table: Mapping[str, Any], allowed: Iterable[str], path: str) -> None:
        """An ``unknown-key`` problem for each key of ``table`` not in ``allowed``."""
        allowed = allowed if isinstance(allowed, (set, frozenset)) else frozenset(allowed)
        for key in table:
            if key not in allowed:
                self.problem("unknown-key", key_path(path, key), suggestions=self.suggest(key, allowed))

    # -- containers -----------------------------------------------------------------------
    def table(self, value: Any, path: str) -> Mapping[str, Any]:
        """``value`` if it is a table; else a ``wrong-type`` problem and an empty table."""
        if isinstance(value, Mapping):
            return value
        self.problem("wrong-type", path, found=self.shown(value))
        return {}

    def array(self, value: Any, path: str) -> list[Any]:
        """``value`` if it is an array; else a ``wrong-type`` problem and an empty array."""
        if isinstance(value, list):
            return value
        self.problem("wrong-type", path, "array", found=show(value))
        return []

    def tables(self, data: Mapping[str, Any], key: str, path: str) -> list[tuple[str, Mapping[str, Any]]]:
        """``data[key]`` as an array of tables, each with its key path (``rows[3]``)."""
        where = key_path(path, key)
        value = data.get(key, [])
        if not isinstance(value, list):
            self.problem("wrong-type", where, "tables", found=self.shown(value))
            return []
        return [(f"{where}[{i}]", self.table(item, f"{where}[{i}]")) for i, item in enumerate(value)]

    # -- scalars --------------------------------------------------------------------------
    def string(
        self, table: Mapping[str, Any], key: str, path: str, required: bool = False, default: str = ""
    ) -> str:
        """A string value; ``required`` also refuses an empty one."""
        value = table.get(key)
        if value is None:
            if required:
                self.problem("missing-key", key_path(path, key))
            return default
        if not isinstance(value, str):
            self.problem("wrong-type", key_path(path, key), "string", found=show(value))
            return default
        if required and not value.strip():
            self.problem("missing-key", key_path(path, key), "empty", found=show(value))
            return default
        return value

    def strings(self, table: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        """An array of strings (empty when the key is absent)."""
        items = self.array(table.get(key, []), key_path(path, key))
        out = []
        for i, item in enumerate(items):
            if isinstance(item, str):
                out.append(item)
            else:
                self.problem("wrong-type", f"{key_path(path, key)}[{i}]", "string", found=show(item))
        return tuple(out)

    def boolean(self, table: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
        """``true`` or ``false`` (``default`` when absent)."""
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.problem("wrong-type", key_path(path, key), "boolean", found=show(value))
            return default
        return value


Getter = Callable[[Reader, Mapping[str, Any], str, str], Any]
"""How one field is read: ``(reader, table, key, path of the table) -> value``, reporting its
problems to the reader and giving a default (never raising) when the value is wrong."""


@attrs.frozen
class Spec:
    """A table's fields, declared: each key and how its value is read, in reading order.

    :meth:`read` checks the table's keys (an unknown one is a problem with a did-you-mean) and
    reads every field, giving a dict of the values by key; the keys are also what a schema
    and the docs are compared with.
    """

    fields: Mapping[str, Getter]
    extra: frozenset[str] = frozenset()
    """Keys the table may hold that are read elsewhere (not by this spec)."""

    @property
    def keys(self) -> frozenset[str]:
        """Every key the table may hold."""
        return frozenset(self.fields) | self.extra

    def read(self, reader: Reader, value: Any, path: str, only: Iterable[str] = ()) -> dict[str, Any]:
        """Check ``value`` is a table of known keys and read its fields (``only`` these, when
        given: the keys are then not checked again)."""
        table = reader.table(value, path)
        if not only:
            reader.keys(table, self.keys, path)
        wanted = set(only)
        return {k: get(reader, table, k, path) for k, get in self.fields.items() if not wanted or k in wanted}

    def nested(self) -> Getter:
        """A getter reading ``key`` as a table of this spec (an absent key reads as empty)."""
        return lambda reader, table, key, path: self.read(reader, table.get(key, {}), key_path(path, key))

    def array(self) -> Getter:
        """A getter reading ``key`` as an array of tables of this spec (absent: empty)."""

        def get(reader: Reader, table: Mapping[str, Any], key: str, path: str) -> list[dict[str, Any]]:
            items = reader.tables(table, key, path)
            return [self.read(reader, item, where) for where, item in items]

        return get
