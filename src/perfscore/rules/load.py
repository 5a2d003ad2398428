"""Loading a ruleset: by id, alias or path (:func:`load_ruleset`), or by region, form and year
(:func:`find_ruleset`); each file built once for as long as neither it nor a file it extends
changes.

Every check runs at load, every problem is collected, and :class:`~perfscore.errors.RulesetError`
reports them all at once with file, line, column, key path, a stable code and the value found.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Callable, Optional, Union

from ..decimals import in_context
from ..errors import Problem, RulesetError, RulesetNotFoundError
from ..files import refusal
from ..formulas import BACKENDS
from ..regions import name as region_name
from ..suggest import close_matches
from .builder import build_ruleset, clear_formula_cache
from .extends import clear_merged, resolve
from .inherit import origins_of
from .model import Ruleset
from .registry import (
    MAX_RULESET_BYTES,
    as_table,
    available_rulesets,
    clear_registry_caches,
    display,
    not_found_detail,
    parent_regions,
    pick_edition,
    read,
    readable,
    registry,
    search_dirs,
    unreadable,
    warn_broken_before,
    with_own_dir,
)
from .spelling import refuse_abstract

__all__ = ["clear_caches", "find_ruleset", "load_ruleset"]


@in_context
def load_ruleset(
    id_or_path: Union[str, Path],
    *,
    year: Optional[int] = None,
    paths: Sequence[Union[str, Path]] = (),
    backend: str = "compiled",
) -> Ruleset:
    """Load a ruleset by id, alias or file path, in the edition in force in ``year``.

    Without ``year`` the newest edition is taken (never by today's date). ``backend`` runs
    its formulas compiled (the default) or on ``"simpleeval"``, the reference interpreter
    behind the same checks: slower, for cross-checking. Raises :class:`RulesetNotFoundError`
    (with near matches), :class:`EditionNotFoundError` (naming the editions that exist) or
    :class:`RulesetError` (every problem in the file).
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    dirs = search_dirs(paths)
    text = str(id_or_path)
    if isinstance(id_or_path, Path) or text.endswith(".toml") or os.sep in text or "/" in text:
        file = Path(text)
        if not os.path.exists(text):
            raise RulesetNotFoundError(text, detail="no such file")
        reason = refusal(file, MAX_RULESET_BYTES)
        if reason:
            raise RulesetError([unreadable(text, reason)], f"{text}: {reason}")
        return _build_file(str(file.resolve()), dirs, backend)
    infos = registry(dirs)
    known = readable(infos)
    # An id wins over an alias: a file cannot take another ruleset's id as its alias.
    candidates = [info for info in known if text == info.id]
    if not candidates:
        candidates = [info for info in known if text in info.aliases]
    if not candidates:
        names = {info.id for info in known} | {a for info in known for a in info.aliases}
        raise RulesetNotFoundError(text, close_matches(text, names), detail=not_found_detail(infos))
    chosen = pick_edition(candidates, candidates[0].id, year)
    warn_broken_before(infos, dirs, chosen)
    return _build_file(str(Path(chosen.file).resolve()), dirs, backend)


def find_ruleset(region: str, form: str, year: int, *, paths: Sequence[Union[str, Path]] = ()) -> Ruleset:
    """The ruleset for a region's form in force in ``year``, walking up the region hierarchy
    (county → city → province → national) until one is found."""
    infos = available_rulesets(paths)
    known = readable(infos)
    for code in parent_regions(region):
        candidates = [info for info in known if info.region == code and info.form == form]
        if candidates:
            chosen = pick_edition(candidates, candidates[0].id, year)
            warn_broken_before(infos, search_dirs(paths), chosen)
            return load_ruleset(Path(chosen.file), paths=paths)
    same_form = ", ".join(sorted({info.id for info in known if info.form == form})) or "none"
    place = f"{region} {region_name(region)}".strip()
    raise RulesetNotFoundError(
        f"{region}/{form}",
        detail=not_found_detail(
            infos,
            f"no {form} ruleset in force in {year} for {place}, the regions above it or the whole "
            f"country; name one with --ruleset (the {form} rulesets: {same_form})",
        ),
    )


# --------------------------------------------------------------------------- the build cache


_Stamp = Optional[tuple[int, int]]
_BUILT: dict[tuple[str, tuple[Path, ...], str], tuple[tuple[tuple[str, _Stamp], ...], Ruleset]] = {}
_BUILT_MAX = 128
_BUILT_LOCK = threading.RLock()


def _stamp(file: str) -> _Stamp:
    """What tells a file has changed: its modification time and size (None when it is gone)."""
    try:
        stat = os.stat(file)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _build_file(file: str, dirs: tuple[Path, ...], backend: str) -> Ruleset:
    """The ruleset in ``file``, built once for as long as neither it nor any file it extends has
    changed: an application that edits a ruleset and loads it again gets the new one."""
    key = (file, dirs, backend)
    with _BUILT_LOCK:  # one build per key, and no eviction racing another thread's iteration
        built = _BUILT.get(key)
        if built is not None and all(_stamp(f) == stamp for f, stamp in built[0]):
            return built[1]
        ruleset, files = _build_uncached(file, dirs, backend)
        if len(_BUILT) >= _BUILT_MAX:
            _BUILT.pop(next(iter(_BUILT)), None)
        _BUILT[key] = (tuple((f, _stamp(f)) for f in files), ruleset)
        return ruleset


def _build_uncached(file: str, dirs: tuple[Path, ...], backend: str) -> tuple[Ruleset, tuple[str, ...]]:
    """Build the ruleset in ``file``; also return every file read (it and its ancestors)."""
    shown = functools.partial(display, dirs=dirs)
    try:
        chain = resolve(file, dirs)
    except RulesetError as exc:
        if exc.problems and all(p.path == "ruleset.extends" for p in exc.problems):
            # No parent to merge with: still report what is wrong in the file's own values.
            raise RulesetError([*exc.problems, *_own_problems(file, shown)]) from None
        raise
    refuse_abstract(chain.docs[file])
    others = readable(registry(with_own_dir(file, dirs)))
    ruleset = build_ruleset(
        file, chain.data, chain.origins, chain.docs, chain.parents, shown, backend, others
    ).compiled()  # every lookup scoring needs (rules/plan.py), built once, here
    return ruleset, tuple(chain.docs)


_OWN_CODES = frozenset(
    {
        *("bad-base", "bad-evidence", "bad-form", "bad-id", "bad-input", "bad-kind", "bad-level"),
        *("bad-number", "bad-param", "bad-policy", "bad-region", "bad-rounding", "bad-schema"),
        *("bad-tier", "bad-year", "conflicting-keys", "duplicate-key", "alias-collision", "level-gap"),
        *("formula-call", "formula-character", "formula-condition", "formula-construct"),
        *("formula-function", "formula-literal", "formula-power", "formula-syntax"),
        *("formula-too-deep", "formula-too-long"),
        *("unknown-key", "unreachable-case", "wrong-type"),
    }
)
"""Problem codes a value has whatever the parent it is merged with (a misspelt key, a formula
that does not parse); not those that depend on what a parent would add (a missing key, a name
the parent declares, sums)."""


def _own_problems(file: str, shown: Callable[[str], str]) -> list[Problem]:
    """The problems of ``file``'s own values, checked without its parent (which is missing)."""
    doc = read(Path(file))
    data = {
        **doc.data,
        "ruleset": {k: v for k, v in as_table(doc.data.get("ruleset")).items() if k != "extends"},
    }
    try:
        build_ruleset(file, data, origins_of(data, file), {file: doc}, (), shown)
    except RulesetError as exc:
        return [p for p in exc.problems if p.code in _OWN_CODES]
    return []


def clear_caches() -> None:
    """Forget every parsed file, compiled formula and built ruleset. A ruleset file edited in place
    is noticed without this (by its modification time and size); a file added to a ruleset
    directory is found by id only after it, as the directory listing is cached."""
    clear_registry_caches()
    clear_formula_cache()
    clear_merged()
    _BUILT.clear()
