"""Following a ruleset's ``extends`` chain: find each parent in the registry (the edition in
force when the child starts), refuse a cycle or a chain too long, and merge the chain into one
table with the origin of every value (:mod:`perfscore.rules.inherit`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

import attrs

from ..errors import EditionNotFoundError, RulesetError
from ..suggest import close_matches
from .inherit import Origins, merge, origins_of
from .reader import Reader, document_locator, show
from .registry import as_table, pick_edition, read, readable, registry, with_own_dir
from .toml import TomlDocument, TomlSyntax

__all__ = ["MAX_EXTENDS_DEPTH", "Chain", "clear_merged", "resolve"]

#: The longest ``extends`` chain: a ruleset and at most this many ancestors.
MAX_EXTENDS_DEPTH = 16


@attrs.frozen
class Chain:
    """A ruleset file merged over its ancestors."""

    data: dict[str, Any]
    origins: Origins
    docs: dict[str, TomlDocument]
    """Every file of the chain, the ruleset's own first."""
    parents: tuple[str, ...]
    """The ancestors' labels (``cn-project@2021``), nearest first."""


def resolve(file: str, dirs: tuple[Path, ...]) -> Chain:
    """Read ``file`` and its ``extends`` chain, and merge them.

    The chain is followed in a loop, at most :data:`MAX_EXTENDS_DEPTH` ancestors deep; a cycle
    is reported with the whole chain."""
    chain: list[str] = []
    labels: list[str] = []
    layers: list[TomlDocument] = []
    current = file
    while True:
        try:
            doc = read(Path(current))
        except TomlSyntax as exc:
            raise RulesetError([exc.problem], f"{current}: {exc.problem.message}") from None
        chain.append(current)
        layers.append(doc)
        parent = _parent(current, doc, dirs, chain)
        if parent is None:
            break
        current, label = parent
        labels.append(label)
    data, origins = _merged(tuple(zip(reversed(chain), reversed(layers))))
    docs = dict(zip(chain, layers))
    return Chain(data, origins, docs, tuple(labels))


_MERGED: dict[tuple[tuple[str, int], ...], tuple[tuple[TomlDocument, ...], dict[str, Any], Origins]] = {}
"""A chain, root first, as (file, id of its parsed document) → the documents (held, so that the
ids stay theirs) and the chain merged: the national base and project rulesets are merged once
for all their children, not once per child. A file read again is a new document: a new key."""
_MERGED_MAX = 256


def _merged(chain: tuple[tuple[str, TomlDocument], ...]) -> tuple[dict[str, Any], Origins]:
    """``chain`` (root first) merged, each file over the ones before it. The merged tables are
    read, never changed, by whoever builds from them (as a parsed file's own tables are)."""
    key = tuple((name, id(doc)) for name, doc in chain)
    found = _MERGED.get(key)
    if found is not None:
        return found[1], found[2]
    name, doc = chain[-1]
    own = origins_of(doc.data, name)
    if len(chain) == 1:
        data, origins = doc.data, own
    else:
        data, origins = merge(*_merged(chain[:-1]), doc.data, own)
    if len(_MERGED) >= _MERGED_MAX:
        _MERGED.clear()
    _MERGED[key] = (tuple(d for _, d in chain), data, origins)
    return data, origins


def clear_merged() -> None:
    """Forget every merged chain."""
    _MERGED.clear()


def _parent(
    file: str, doc: TomlDocument, dirs: tuple[Path, ...], chain: list[str]
) -> Optional[tuple[str, str]]:
    """The file and label of the ruleset ``file`` extends (None when it extends none)."""
    meta = as_table(doc.data.get("ruleset"))
    parent_name = meta.get("extends")
    if parent_name is None:
        return None

    def fail(code: str, variant: str = "", suggestions: tuple[str, ...] = (), **values: Any) -> RulesetError:
        reader = Reader(document_locator(doc, doc.file))
        found = show(parent_name)
        reader.problem(code, "ruleset.extends", variant, found=found, suggestions=suggestions, **values)
        return RulesetError(reader.problems)

    if not isinstance(parent_name, str):
        raise fail("wrong-type", "ruleset-id")
    if len(chain) > MAX_EXTENDS_DEPTH:
        shown = " → ".join(_short_chain(chain))
        raise fail("extends-too-deep", limit=MAX_EXTENDS_DEPTH, chain=shown)
    known = readable(registry(with_own_dir(file, dirs)))
    candidates = [info for info in known if info.id == parent_name]
    if not candidates:
        names = {info.id for info in known}
        suggestions = close_matches(parent_name, names)
        raise fail("unknown-parent", suggestions=suggestions)
    in_force = as_table(meta.get("in_force", {}))
    year = in_force.get("from") if isinstance(in_force.get("from"), int) else None
    try:
        parent_info = pick_edition(candidates, parent_name, year)
    except EditionNotFoundError as exc:
        raise fail("parent-edition", reason=str(exc)) from None
    parent_file = str(Path(parent_info.file).resolve())
    if parent_file in chain:
        cycle = " → ".join(_short_chain([*chain, parent_file]))
        raise fail("extends-cycle", chain=cycle)
    return parent_file, parent_info.label


def _short_chain(chain: Sequence[str]) -> list[str]:
    """A chain of files as a message shows it: the first and last few when it is long."""
    names = [Path(f).name for f in chain]
    return names if len(names) <= 8 else [*names[:3], "…", *names[-4:]]
