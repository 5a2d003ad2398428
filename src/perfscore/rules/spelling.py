"""How a ruleset file may be written, and the one form the builder reads.

The format grew a few spellings by accident. A file may use the clean one; the older ones
still load. :func:`normalise` turns a parsed file into the form the builder reads, and keeps
pointing every moved value at the line it was written on:

- **A block's method.** ``method = "qualitative"`` on a ``[[blocks]]`` entry scores every row
  of the block with that method. It becomes the block's ``selection`` table, one entry per
  kind of target (``GE``, ``LE``, … ``qualitative``), less the kinds the file's own
  ``[selection]`` already gives to that method (so reports name the entry that chose it,
  exactly as the seven-key table the block would otherwise need).
- **One table of constants.** Every named number a formula reads from the ruleset lives in
  ``[params]``. ``budget.params`` and ``methods.<name>.params`` (the older spelling) are moved
  into it; a name given two different values is an error, since a formula could then not say
  which it means.
- **Abstract bases.** ``abstract = true`` in ``[ruleset]`` marks a file that others extend and
  nobody scores with: the registry does not list it, and loading it is an error.

Where two spellings of one thing disagree, :class:`SpellingConflict` carries a problem with
the file, line, column and key path, saying what to write instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..codes import messages
from ..errors import RulesetError
from .model import SELECTION_KEYS
from .toml import TomlDocument, TomlSyntax

__all__ = ["SpelledDocument", "SpellingConflict", "is_abstract", "normalise", "refuse_abstract"]


class SpellingConflict(TomlSyntax):
    """A file that cannot be read as a ruleset because two of its spellings disagree."""


class SpelledDocument(TomlDocument):
    """A ruleset file in the builder's spelling. Positions are those of the text as written:
    a value that was moved (``blocks[0].selection.GE``) is found where it was written
    (``blocks[0].method``)."""

    def __init__(
        self, written: TomlDocument, data: dict[str, Any], moved: Mapping[str, str], abstract: bool
    ) -> None:
        super().__init__(data, "", written.file)
        self.written = written
        self.moved = dict(moved)
        self.abstract = abstract

    def position(self, path: str) -> tuple[Optional[int], Optional[int]]:
        return self.written.position(self.written_path(path))

    def written_path(self, path: str) -> str:
        """Where the value at ``path`` (a key path of :attr:`data`) was written."""
        probe = path
        while probe:
            if probe in self.moved:
                return self.moved[probe] + path[len(probe) :]
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return path


def normalise(doc: TomlDocument) -> TomlDocument:
    """``doc`` in the builder's spelling (``doc`` itself when it is already written so).

    Pure: ``doc`` is not changed. Raises :class:`SpellingConflict` where two spellings
    disagree."""
    data = dict(doc.data)
    moved: dict[str, str] = {}
    abstract = _take_abstract(data, doc)
    _block_methods(data, doc, moved)
    _one_params_table(data, doc, moved)
    if data == doc.data and not abstract:
        return doc
    return SpelledDocument(doc, data, moved, abstract)


def is_abstract(doc: TomlDocument) -> bool:
    """Whether ``doc`` is an abstract base (``abstract = true``)."""
    return isinstance(doc, SpelledDocument) and doc.abstract


def refuse_abstract(doc: TomlDocument) -> None:
    """Raise :class:`RulesetError` if ``doc`` is an abstract base: it cannot score."""
    if is_abstract(doc):
        rid = doc.data.get("ruleset", {}).get("id", "")
        problem = doc.problem(
            "abstract-ruleset", "ruleset.abstract", messages("abstract-ruleset", ruleset=rid)[1]
        )
        raise RulesetError([problem], str(problem))


# --------------------------------------------------------------------------- the steps


def _conflict(doc: TomlDocument, code: str, path: str, message: str, **extra: Any) -> SpellingConflict:
    return SpellingConflict(doc.problem(code, path, message, **extra))


def _take_abstract(data: dict[str, Any], doc: TomlDocument) -> bool:
    """Remove ``ruleset.abstract`` (never inherited: a child of a base is not abstract)."""
    meta = data.get("ruleset")
    if not isinstance(meta, Mapping) or "abstract" not in meta:
        return False
    value = meta["abstract"]
    if not isinstance(value, bool):
        message = messages("wrong-type", variant="boolean")[1]
        raise _conflict(doc, "wrong-type", "ruleset.abstract", message, found=repr(value))
    data["ruleset"] = {k: v for k, v in meta.items() if k != "abstract"}
    return value


def _block_methods(data: dict[str, Any], doc: TomlDocument, moved: dict[str, str]) -> None:
    """``method = "m"`` on a block becomes the block's ``selection`` table."""
    blocks = data.get("blocks")
    if not isinstance(blocks, list) or not any(isinstance(b, Mapping) and "method" in b for b in blocks):
        return
    top = data.get("selection")
    chosen = top if isinstance(top, Mapping) else {}
    out: list[Any] = []
    for i, block in enumerate(blocks):
        if not isinstance(block, Mapping) or "method" not in block:
            out.append(block)
            continue
        path = f"blocks[{i}]"
        method = block["method"]
        if not isinstance(method, str):
            message = messages("wrong-type", variant="method")[1]
            raise _conflict(doc, "wrong-type", f"{path}.method", message, found=repr(method))
        if "selection" in block:
            raise _conflict(
                doc,
                "conflicting-keys",
                f"{path}.method",
                messages("conflicting-keys", variant="block-method", method=method)[1],
            )
        selection = {kind: method for kind in SELECTION_KEYS if chosen.get(kind) != method}
        out.append({**{k: v for k, v in block.items() if k != "method"}, "selection": selection})
        moved[f"{path}.selection"] = f"{path}.method"
    data["blocks"] = out


def _one_params_table(data: dict[str, Any], doc: TomlDocument, moved: dict[str, str]) -> None:
    """Move ``budget.params`` and each ``methods.<name>.params`` into ``[params]``."""
    params = data.get("params", {})
    if not isinstance(params, Mapping):
        return  # the builder reports it
    merged = dict(params)
    set_at = {name: f"params.{name}" for name in merged}
    budget = data.get("budget")
    if isinstance(budget, Mapping) and isinstance(budget.get("params"), Mapping):
        _hoist(budget["params"], "budget.params", merged, set_at, doc)
        data["budget"] = {k: v for k, v in budget.items() if k != "params"}
    methods = data.get("methods")
    if isinstance(methods, Mapping):
        kept: dict[str, Any] = {}
        for key, spec in methods.items():
            if isinstance(spec, Mapping) and isinstance(spec.get("params"), Mapping):
                _hoist(spec["params"], f"methods.{key}.params", merged, set_at, doc)
                spec = {k: v for k, v in spec.items() if k != "params"}
            kept[key] = spec
        data["methods"] = kept
    if merged != params:
        data["params"] = merged
        for name, where in set_at.items():
            if where != f"params.{name}":
                moved[f"params.{name}"] = where


def _hoist(
    own: Mapping[str, Any], path: str, merged: dict[str, Any], set_at: dict[str, str], doc: TomlDocument
) -> None:
    for name, value in own.items():
        if name in merged and not _same(merged[name], value):
            raise _conflict(
                doc,
                "conflicting-keys",
                f"{path}.{name}",
                messages(
                    "conflicting-keys",
                    variant="param",
                    name=name,
                    value=repr(merged[name]),
                    where=set_at[name],
                    suggested=f"{name}_{path.split('.')[-2]}",
                )[1],
                found=repr(value),
            )
        merged.setdefault(name, value)
        set_at.setdefault(name, f"{path}.{name}")


def _same(a: Any, b: Any) -> bool:
    """Equal values (``1`` and ``1.0`` are; ``true`` and ``1`` are not)."""
    return isinstance(a, bool) == isinstance(b, bool) and bool(a == b)
