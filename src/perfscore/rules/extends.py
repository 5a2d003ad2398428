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

__all__ = ["MAX_EXTENDS_DEPTH", "Chain", "resolve"]

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
    layers: list[tuple[dict[str, Any], Origins, TomlDocument]] = []
    current = file
    while True:
        try:
            doc = read(Path(current))
        except TomlSyntax as exc:
            raise RulesetError([exc.problem], f"{current}: {exc.problem.message}") from None
        chain.append(current)
        layers.append((doc.data, origins_of(doc.data, current), doc))
        parent = _parent(current, doc, dirs, chain)
        if parent is None:
            break
        current, label = parent
        labels.append(label)
    data, origins, _ = layers[-1]
    for child_data, child_origins, _ in reversed(layers[:-1]):
        data, origins = merge(data, origins, child_data, child_origins)
    docs = {name: doc for name, (_, _, doc) in zip(chain, layers)}
    return Chain(data, origins, docs, tuple(labels))


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
