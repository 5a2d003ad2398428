"""Finding, merging, checking and building rulesets.

Only this module (and the CLI) touches ruleset files. Every check runs at load, every problem
is collected, and :class:`~perfscore.errors.RulesetError` reports them all at once with file,
line, column, key path, a stable code and the value found.
"""

from __future__ import annotations

import functools
import os
import re
import threading
import warnings
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Optional, Union

import attrs

from ..decimals import MAX_AMOUNT, MAX_POINTS, ROUNDING_MODES, NumberRefused, gate, in_context
from ..errors import (
    EditionNotFoundError,
    FormulaError,
    Problem,
    RulesetError,
    RulesetNotFoundError,
)
from ..files import refusal
from ..formulas import BACKENDS, Formula, compile_formula
from ..suggest import close_matches
from .inherit import Origins, merge, origins_of
from .model import (
    EVIDENCE_LEVELS,
    FORMS,
    SELECTION_KEYS,
    Block,
    BudgetRule,
    Case,
    Category,
    Derived,
    GradeBand,
    Indicator,
    Level,
    Method,
    ReviewRules,
    Rounding,
    Ruleset,
    Source,
    Text,
)
from .toml import TomlDocument, TomlSyntax, parse_toml, read_text

__all__ = [
    "MAX_EXTENDS_DEPTH",
    "MAX_PROBLEMS",
    "MAX_RULESET_BYTES",
    "MAX_RULESET_FILES",
    "RulesetInfo",
    "RulesetWarning",
    "available_rulesets",
    "find_ruleset",
    "load_ruleset",
    "parent_regions",
]

#: The environment variable naming extra ruleset directories (``os.pathsep``-separated).
ENV_PATH = "PERFSCORE_RULESETS"

#: The largest ruleset file read, in bytes (the shipped ones are under 25 KB).
MAX_RULESET_BYTES = 1024 * 1024
#: The most ``*.toml`` files taken from one ruleset directory.
MAX_RULESET_FILES = 2000
#: The longest ``extends`` chain: a ruleset and at most this many ancestors.
MAX_EXTENDS_DEPTH = 16
#: The most problems a :class:`RulesetError` lists; the rest are counted ("and 12 more").
MAX_PROBLEMS = 100

ROW_NAMES = ("W", "T", "A")
BUDGET_NAMES = ("W", "rate", "base", "executed")
#: The budget table's amounts, as derived formulas may name them (编制准确 needs 年初预算).
BUDGET_AMOUNTS = ("budget_initial", "budget_full_year", "budget_executed")
BUDGET_BASES = {
    "full_year": "全年预算数",
    "initial": "年初预算数",
    "initial_plus_adjustment": "年初预算数 + 预算调整数",
}

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_REGION = re.compile(r"^(CN|\d{6})$")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@attrs.frozen
class RulesetInfo:
    """What the registry knows of a ruleset file without building it.

    A file found in a ruleset directory that cannot be read (not a regular file, too large,
    not UTF-8, not valid TOML) is listed too, with ``error`` saying why and no id: it never
    hides the other rulesets, and it is never silently ignored.
    """

    id: str
    edition: str
    region: str
    form: str
    year_from: int
    year_to: Optional[int]
    name: Text
    aliases: tuple[str, ...]
    file: str
    extends: str = ""
    error: str = ""
    """Why the file cannot be read as a ruleset; empty for a readable one."""

    def in_force(self, year: int) -> bool:
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)

    @property
    def label(self) -> str:
        return f"{self.id}@{self.edition}"


class RulesetWarning(UserWarning):
    """A ruleset file in a searched directory cannot be read, and a lookup could have meant it."""


# --------------------------------------------------------------------------- reading files


# --------------------------------------------------------------------------- discovery


@functools.lru_cache(maxsize=1)
def _bundled_dirs() -> tuple[Path, ...]:
    here = Path(__file__).resolve().parent.parent  # the perfscore package
    found = []
    for candidate in (here / "rulesets", here.parent.parent / "rulesets"):
        if candidate.is_dir():
            found.append(candidate)
    return tuple(found)


def search_dirs(paths: Sequence[Union[str, Path]] = ()) -> tuple[Path, ...]:
    """The ruleset directories, in search order: ``paths``, ``$PERFSCORE_RULESETS``, the shipped ones."""
    dirs = [Path(p) for p in paths]
    env = os.environ.get(ENV_PATH, "")
    dirs += [Path(p) for p in env.split(os.pathsep) if p]
    return tuple(dict.fromkeys([*(d.resolve() for d in dirs), *_bundled_dirs()]))


def _ruleset_files(directory: Path) -> list[Path]:
    """The ``*.toml`` entries under ``directory`` (worked cases left out), at most
    :data:`MAX_RULESET_FILES`; an unreadable folder gives what could be listed."""
    found: list[Path] = []
    try:
        for file in directory.rglob("*.toml"):
            if "cases" in file.relative_to(directory).parts[:-1]:
                continue  # worked cases, not rulesets
            found.append(file)
            if len(found) >= MAX_RULESET_FILES:
                break
    except OSError:
        pass
    return sorted(found)


@functools.lru_cache(maxsize=32)
def _registry(dirs: tuple[Path, ...]) -> tuple[RulesetInfo, ...]:
    infos: list[RulesetInfo] = []
    seen: set[tuple[str, str]] = set()
    for directory in dirs:
        for file in _ruleset_files(directory):
            try:
                info = _peek(file)
            except TomlSyntax as exc:
                reason = exc.problem.message
                infos.append(RulesetInfo("", "", "", "", 0, None, Text(""), (), str(file), error=reason))
                continue
            if info is not None and (info.id, info.edition) not in seen:
                seen.add((info.id, info.edition))
                infos.append(info)
    return tuple(infos)


def _readable(registry: Iterable[RulesetInfo]) -> list[RulesetInfo]:
    return [info for info in registry if not info.error]


def _broken_before(registry: Sequence[RulesetInfo], dirs: Sequence[Path], chosen: RulesetInfo) -> None:
    """Warn of each unreadable file in a directory searched no later than ``chosen``'s: it
    could be the ruleset (or the edition) the caller meant, so it must not pass unnoticed."""
    rank = _dir_rank(chosen.file, dirs)
    for info in registry:
        if info.error and _dir_rank(info.file, dirs) <= rank:
            warnings.warn(
                f"{info.file}: ruleset file skipped: {info.error}; {chosen.label} comes from {chosen.file}",
                RulesetWarning,
                stacklevel=4,
            )


def _dir_rank(file: str, dirs: Sequence[Path]) -> int:
    path = Path(file)
    for rank, directory in enumerate(dirs):
        if path.is_relative_to(directory):
            return rank
    return len(dirs)


def _not_found_detail(registry: Sequence[RulesetInfo], detail: str = "") -> str:
    """What a failed lookup says of the files that could not be read (one of them may be it)."""
    broken = [info for info in registry if info.error]
    if not broken:
        return detail
    shown = "; ".join(f"{info.file}: {info.error}" for info in broken[:3])
    more = f"; and {len(broken) - 3} more" if len(broken) > 3 else ""
    note = f"{len(broken)} ruleset file(s) could not be read: {shown}{more}"
    return f"{detail}; {note}" if detail else note


def _read(file: Path) -> TomlDocument:
    """A ruleset file, parsed once for as long as it is unchanged (the registry, each child
    that extends it and the build all read it). Only a regular file of at most
    :data:`MAX_RULESET_BYTES` is read; anything else raises ``TomlSyntax`` with the reason."""
    reason = refusal(file, MAX_RULESET_BYTES)
    if reason:
        raise TomlSyntax(_unreadable(file, reason))
    resolved = file.resolve()
    status = os.stat(resolved)
    return _read_cached(str(resolved), status.st_mtime_ns, status.st_size)


def _unreadable(file: Union[str, Path], reason: str) -> Problem:
    return Problem(code="file-unreadable", message=reason, file=str(file))


@functools.lru_cache(maxsize=256)
def _read_cached(file: str, mtime_ns: int, size: int) -> TomlDocument:
    return parse_toml(read_text(Path(file), MAX_RULESET_BYTES), file)


def _peek(file: Path) -> Optional[RulesetInfo]:
    """Identity of a ruleset file; None for TOML files that are not rulesets (test cases...).
    Raises ``TomlSyntax`` for a file that cannot be read or parsed.

    Lenient: a value of the wrong type is read as absent here, so that one broken file in a
    directory does not hide the others; loading that file reports it.
    """
    data = _read(file).data
    meta = data.get("ruleset")
    if not isinstance(meta, dict) or not isinstance(meta.get("id"), str):
        return None
    in_force = _as_table(meta.get("in_force"))
    name = _as_table(meta.get("name"))
    year_from, year_to = in_force.get("from"), in_force.get("to")
    aliases, extends = meta.get("aliases"), meta.get("extends")
    return RulesetInfo(
        id=meta["id"],
        edition=str(meta.get("edition", "")),
        region=str(meta.get("region", "")),
        form=str(meta.get("form", "")),
        year_from=year_from if isinstance(year_from, int) else 0,
        year_to=year_to if isinstance(year_to, int) else None,
        name=Text(str(name.get("zh", meta["id"])), str(name.get("en", ""))),
        aliases=tuple(a for a in aliases if isinstance(a, str)) if isinstance(aliases, list) else (),
        file=str(file),
        extends=extends if isinstance(extends, str) else "",
    )


def available_rulesets(paths: Sequence[Union[str, Path]] = ()) -> tuple[RulesetInfo, ...]:
    """Every ruleset edition found in ``paths``, ``$PERFSCORE_RULESETS`` and the shipped rulesets.

    A directory named earlier shadows a later one for the same id and edition. A file that
    cannot be read as a ruleset is listed with ``error`` set (and no id), so that it is seen.
    """
    return _registry(search_dirs(paths))


def parent_regions(region: str) -> list[str]:
    """A GB/T 2260 code and the codes above it: 430602 → 430600 → 430000 → CN."""
    chain = [region]
    if _REGION.fullmatch(region) and region != "CN":
        city, province = region[:4] + "00", region[:2] + "0000"
        chain += [c for c in (city, province) if c not in chain]
        chain.append("CN")
    return chain


def _pick_edition(candidates: Sequence[RulesetInfo], name: str, year: Optional[int]) -> RulesetInfo:
    if year is None:
        return max(candidates, key=lambda info: info.year_from)
    in_force = [info for info in candidates if info.in_force(year)]
    if not in_force:
        editions = [f"{info.edition} ({info.year_from}–{info.year_to or ''})" for info in candidates]
        raise EditionNotFoundError(name, year, editions)
    return max(in_force, key=lambda info: info.year_from)


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
            raise RulesetError([_unreadable(text, reason)], f"{text}: {reason}")
        return _build_file(str(file.resolve()), dirs, backend)
    registry = _registry(dirs)
    readable = _readable(registry)
    # An id wins over an alias: a file cannot take another ruleset's id as its alias.
    candidates = [info for info in readable if text == info.id]
    if not candidates:
        candidates = [info for info in readable if text in info.aliases]
    if not candidates:
        names = {info.id for info in readable} | {a for info in readable for a in info.aliases}
        raise RulesetNotFoundError(text, close_matches(text, names), detail=_not_found_detail(registry))
    chosen = _pick_edition(candidates, candidates[0].id, year)
    _broken_before(registry, dirs, chosen)
    return _build_file(str(Path(chosen.file).resolve()), dirs, backend)


def find_ruleset(region: str, form: str, year: int, *, paths: Sequence[Union[str, Path]] = ()) -> Ruleset:
    """The ruleset for a region's form in force in ``year``, walking up the region hierarchy
    (county → city → province → national) until one is found."""
    registry = available_rulesets(paths)
    readable = _readable(registry)
    for code in parent_regions(region):
        candidates = [info for info in readable if info.region == code and info.form == form]
        if candidates:
            chosen = _pick_edition(candidates, candidates[0].id, year)
            _broken_before(registry, search_dirs(paths), chosen)
            return load_ruleset(Path(chosen.file), paths=paths)
    known = sorted({f"{info.region}/{info.form}" for info in readable})
    raise RulesetNotFoundError(
        f"{region}/{form}",
        close_matches(f"{region}/{form}", known),
        detail=_not_found_detail(registry, f"no ruleset for this region or above in {year}"),
    )


# --------------------------------------------------------------------------- resolution


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
    display = functools.partial(_display, dirs=dirs)
    try:
        data, origins, docs, parents = _resolve(file, dirs)
    except RulesetError as exc:
        if exc.problems and all(p.path == "ruleset.extends" for p in exc.problems):
            # No parent to merge with: still report what is wrong in the file's own values.
            raise RulesetError([*exc.problems, *_own_problems(file, display)]) from None
        raise
    own_dir = Path(file).parent
    inside = any(own_dir == d or own_dir.is_relative_to(d) for d in dirs)
    others = _readable(_registry(dirs if inside else (*dirs, own_dir)))
    build = _Builder(file, data, origins, docs, parents, display, backend, others).build().compiled()
    return build, tuple(docs)


_OWN_CODES = frozenset(
    {
        *("bad-base", "bad-evidence", "bad-form", "bad-id", "bad-input", "bad-kind", "bad-level"),
        *("bad-number", "bad-param", "bad-policy", "bad-region", "bad-rounding", "bad-schema"),
        *("bad-tier", "bad-year"),
        "conflicting-keys",
        "duplicate-key",
        "formula-call",
        "formula-character",
        "formula-condition",
        "formula-construct",
        "formula-function",
        "formula-literal",
        "formula-power",
        "formula-syntax",
        "formula-too-deep",
        "formula-too-long",
        "alias-collision",
        "level-gap",
        "unknown-key",
        "unreachable-case",
        "wrong-type",
    }
)
"""Problem codes a value has whatever the parent it is merged with (a misspelt key, a formula
that does not parse); not those that depend on what a parent would add (a missing key, a name
the parent declares, sums)."""


def _own_problems(file: str, display: Callable[[str], str]) -> list[Problem]:
    """The problems of ``file``'s own values, checked without its parent (which is missing)."""
    doc = _read(Path(file))
    data = {
        **doc.data,
        "ruleset": {k: v for k, v in _as_table(doc.data.get("ruleset")).items() if k != "extends"},
    }
    try:
        _Builder(file, data, origins_of(data, file), {file: doc}, (), display).build()
    except RulesetError as exc:
        return [p for p in exc.problems if p.code in _OWN_CODES]
    return []


@functools.lru_cache(maxsize=256)
def _display(file: str, dirs: tuple[Path, ...]) -> str:
    """A ruleset file as reports show it: relative to the ruleset directory it was found in
    (``rulesets/CN/project.toml`` whether shipped in the wheel or read from a checkout)."""
    path = Path(file)
    for directory in (*dirs, *_bundled_dirs()):
        if path.is_relative_to(directory):
            return (Path(directory.name) / path.relative_to(directory)).as_posix()
    return file


def _resolve(
    file: str, dirs: tuple[Path, ...]
) -> tuple[dict[str, Any], Origins, dict[str, TomlDocument], tuple[str, ...]]:
    """Read ``file`` and its ``extends`` chain; return merged data, origins, documents and parents.

    The chain is followed in a loop, at most :data:`MAX_EXTENDS_DEPTH` ancestors deep; a cycle
    is reported with the whole chain."""
    chain: list[str] = []
    labels: list[str] = []
    layers: list[tuple[dict[str, Any], Origins, TomlDocument]] = []
    current = file
    while True:
        try:
            doc = _read(Path(current))
        except TomlSyntax as exc:
            raise RulesetError([exc.problem], f"{current}: {exc.problem.message}") from None
        chain.append(current)
        layers.append((doc.data, origins_of(doc.data, current), doc))
        parent = _parent(current, doc, dirs, chain)
        if parent is None:
            break
        parent_file, parent_label = parent
        labels.append(parent_label)
        current = parent_file
    data, origins, _ = layers[-1]
    for child_data, child_origins, _ in reversed(layers[:-1]):
        data, origins = merge(data, origins, child_data, child_origins)
    docs = {name: doc for name, (_, _, doc) in zip(chain, layers)}
    return data, origins, docs, tuple(labels)


def _parent(
    file: str, doc: TomlDocument, dirs: tuple[Path, ...], chain: list[str]
) -> Optional[tuple[str, str]]:
    """The file and label of the ruleset ``file`` extends (None when it extends none)."""
    meta = _as_table(doc.data.get("ruleset"))
    parent_name = meta.get("extends")
    if parent_name is None:
        return None

    def fail(code: str, message: str, **extra: Any) -> RulesetError:
        return RulesetError(
            [doc.problem(code, "ruleset.extends", message, found=_show(parent_name), **extra)]
        )

    if not isinstance(parent_name, str):
        raise fail("wrong-type", "must be a ruleset id")
    if len(chain) > MAX_EXTENDS_DEPTH:
        shown = " → ".join(_short_chain(chain))
        raise fail("extends-too-deep", f"extends chain longer than {MAX_EXTENDS_DEPTH}: {shown}")
    own_dir = Path(file).parent
    # A file outside the search path may extend a sibling; one inside it needs no second scan.
    inside = any(own_dir == d or own_dir.is_relative_to(d) for d in dirs)
    search = dirs if inside else (*dirs, own_dir)
    registry = _readable(_registry(search))
    candidates = [info for info in registry if info.id == parent_name]
    if not candidates:
        names = {info.id for info in registry}
        raise fail(
            "unknown-parent",
            "no ruleset with this id to extend",
            suggestions=close_matches(parent_name, names),
        )
    in_force = meta.get("in_force", {})
    year = (
        in_force.get("from") if isinstance(in_force, dict) and isinstance(in_force.get("from"), int) else None
    )
    try:
        parent_info = _pick_edition(candidates, parent_name, year)
    except EditionNotFoundError as exc:
        raise fail("parent-edition", str(exc)) from None
    parent_file = str(Path(parent_info.file).resolve())
    if parent_file in chain:
        cycle = " → ".join(_short_chain([*chain, parent_file]))
        raise fail("extends-cycle", f"extends cycle: {cycle}")
    return parent_file, parent_info.label


def _short_chain(chain: Sequence[str]) -> list[str]:
    """A chain of files as a message shows it: the first and last few when it is long."""
    names = [Path(f).name for f in chain]
    return names if len(names) <= 8 else [*names[:3], "…", *names[-4:]]


# --------------------------------------------------------------------------- checking and building


_TOP_KEYS = {
    "schema",
    "ruleset",
    "sources",
    "params",
    "rounding",
    "not_applicable",
    "actuals",
    "budget",
    "blocks",
    "methods",
    "selection",
    "grades",
    "grading",
    "base",
    "derived",
    "review",
}
_RULESET_KEYS = {"id", "region", "form", "edition", "in_force", "name", "aliases", "extends", "total"}
_SOURCE_KEYS = {"id", "title", "evidence", "url", "note"}
_TEXT_KEYS = {"zh", "en"}
_ROUNDING_KEYS = {"places", "mode"}
_BUDGET_KEYS = {"name", "points", "base", "formula", "params", "rounding", "source", "block"}
_BLOCK_KEYS = {
    "key",
    "name",
    "aliases",
    "points",
    "categories",
    "indicators",
    "source",
    "remove",
    "selection",
}
_CATEGORY_KEYS = {"zh", "en", "aliases"}
_INDICATOR_KEYS = {
    "key",
    "name",
    "aliases",
    "category",
    "weight",
    "method",
    "source",
    "remove",
    "target",
    "actual_from",
}
_METHOD_KEYS = {
    "name",
    "kind",
    "formula",
    "reason",
    "cases",
    "tiers",
    "on",
    "levels",
    "inputs",
    "params",
    "source",
}
_CASE_KEYS = {"when", "score", "zh", "en"}
_TIER_KEYS = {"min", "max", "min_open", "max_closed", "points"}
_LEVEL_KEYS = {"key", "zh", "en", "aliases", "low", "high", "score"}
_GRADE_KEYS = {"label", "en", "aliases", "min", "max"}
_GRADING_KEYS = {"optional"}
_DERIVED_KEYS = {"formula", "count", "when", "zh", "en", "unit"}
_REVIEW_KEYS = {
    "rate_tolerance",
    "score_tolerance",
    "explain_below_weight",
    "explain_over_ratio",
    "explain_budget_below",
    "explain_over_when_zero",
}


class _Builder:
    def __init__(
        self,
        file: str,
        data: dict[str, Any],
        origins: Origins,
        docs: dict[str, TomlDocument],
        parents: tuple[str, ...],
        display: Callable[[str], str],
        backend: str = "compiled",
        others: Sequence[RulesetInfo] = (),
    ) -> None:
        self.others = others
        self.dropped = 0
        """Problems found beyond :data:`MAX_PROBLEMS`: counted, not listed."""
        self.file = file
        self.backend = backend
        self.display = display
        self.data = data
        self.origins = origins
        self.docs = docs
        self.parents = parents
        self.problems: list[Problem] = []
        self.source_ids: set[str] = set()

    # -- problem reporting -------------------------------------------------------------
    def problem(self, code: str, path: str, message: str, **extra: Any) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.dropped += 1
            return
        probe = path
        while probe not in self.origins and probe:
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        file, source_path = self.origins.get(probe, (self.file, ""))
        doc = self.docs.get(file)
        line, column = doc.position(source_path + path[len(probe) :]) if doc else (None, None)
        self.problems.append(Problem(code, message, file=file, line=line, column=column, path=path, **extra))

    def keys(self, table: Mapping[str, Any], allowed: set[str], path: str) -> None:
        for key in table:
            if key not in allowed:
                self.problem(
                    "unknown-key", _join(path, key), "unknown key", suggestions=self.suggest(key, allowed)
                )

    # -- typed getters -------------------------------------------------------------------
    def table(self, value: Any, path: str) -> Mapping[str, Any]:
        if isinstance(value, Mapping):
            return value
        self.problem("wrong-type", path, "must be a table", found=_show(value))
        return {}

    def array(self, value: Any, path: str) -> list[Any]:
        if isinstance(value, list):
            return value
        self.problem("wrong-type", path, "must be an array", found=_show(value))
        return []

    def string(
        self, table: Mapping[str, Any], key: str, path: str, required: bool = False, default: str = ""
    ) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.problem("missing-key", _join(path, key), "required key is missing")
            return default
        if not isinstance(value, str):
            self.problem("wrong-type", _join(path, key), "must be a string", found=_show(value))
            return default
        if required and not value.strip():
            self.problem("missing-key", _join(path, key), "required key is empty", found=_show(value))
            return default
        return value

    def strings(self, table: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        value = table.get(key, [])
        items = self.array(value, _join(path, key))
        out = []
        for i, item in enumerate(items):
            if isinstance(item, str):
                out.append(item)
            else:
                self.problem("wrong-type", f"{_join(path, key)}[{i}]", "must be a string", found=_show(item))
        return tuple(out)

    def number(
        self,
        table: Mapping[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        default: Optional[Decimal] = None,
        positive: bool = False,
    ) -> Optional[Decimal]:
        value = table.get(key)
        if value is None:
            if required:
                self.problem("missing-key", _join(path, key), "required key is missing")
            return default
        limit = MAX_POINTS if key in _POINT_KEYS else MAX_AMOUNT
        number = self.real(value, _join(path, key), limit)
        if number is None:
            return default
        if (positive and number <= 0) or number < 0:
            self.problem(
                "bad-number",
                _join(path, key),
                "must be > 0" if positive else "must be ≥ 0",
                found=_show(value),
            )
            return default
        return number

    def real(self, value: Any, path: str, limit: Decimal = MAX_AMOUNT) -> Optional[Decimal]:
        """A TOML number as a Decimal, or None with a problem: not a number, or refused by the
        number gate (inf, nan, beyond ``limit``, too many digits or places)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem("wrong-type", path, "must be a number", found=_show(value))
            return None
        try:
            return gate(value, limit)
        except NumberRefused as exc:
            self.problem("bad-number", path, exc.reason, found=exc.found, expected=exc.expected)
            return None

    def boolean(self, table: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.problem("wrong-type", _join(path, key), "must be true or false", found=_show(value))
            return default
        return value

    def text(self, value: Any, path: str, fallback: str = "") -> Text:
        if value is None:
            if not fallback:
                self.problem(
                    "missing-key", path, "required key is missing", expected='{ zh = "…", en = "…" }'
                )
            return Text(fallback)
        table = self.table(value, path)
        self.keys(table, _TEXT_KEYS, path)
        return Text(self.string(table, "zh", path, required=True), self.string(table, "en", path))

    def source_ref(self, table: Mapping[str, Any], path: str) -> str:
        ref = self.string(table, "source", path)
        if ref and ref not in self.source_ids:
            self.problem(
                "unknown-source",
                _join(path, "source"),
                "no source with this id",
                found=ref,
                suggestions=self.suggest(ref, self.source_ids),
            )
        return ref

    def numeric(self, source: Any, names: Iterable[str], path: str) -> Optional[Formula]:
        """A formula whose value must be a number (a score, the budget's, a derived value): one
        that can only be a condition is a problem."""
        formula = self.formula(source, names, path)
        if formula is not None and formula.condition:
            self.problem(
                "formula-condition",
                path,
                "must give a number, but this formula is a condition (true or false)",
                found=formula.source,
            )
            return None
        return formula

    def formula(self, source: Any, names: Iterable[str], path: str) -> Optional[Formula]:
        if not isinstance(source, (str, int, float)) or isinstance(source, bool):
            self.problem("wrong-type", path, "must be a formula string", found=_show(source))
            return None
        text = str(source)
        scope = names if isinstance(names, _Scope) else _Scope(frozenset(names))
        # Only the declared names the text mentions: compiling against every parameter would
        # cost parameters × formulas (and the cache key would be as long as the parameters).
        used = tuple(sorted({w for w in _WORD.findall(text[:MAX_FORMULA_SCAN]) if w in scope}))
        try:
            return _compile(text, used, self.backend)
        except FormulaError as exc:
            if (
                exc.code == "formula-name"
                and len(self.problems) < MAX_PROBLEMS
                and len(scope) <= MAX_SUGGESTION_POOL
            ):
                try:  # again with every name, for the did-you-mean of an unknown one
                    _compile(text, tuple(scope), self.backend)
                except FormulaError as full:
                    exc = full
            where = f"formula column {exc.column}: " if exc.column else ""
            self.problem(exc.code, path, where + exc.reason, found=str(source))
            return None

    def rounding(self, value: Any, path: str, default: Rounding) -> Rounding:
        if value is None:
            return default
        table = self.table(value, path)
        self.keys(table, _ROUNDING_KEYS, path)
        places = table.get("places", default.places)
        if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 6:
            self.problem(
                "bad-rounding", _join(path, "places"), "must be an integer from 0 to 6", found=_show(places)
            )
            places = default.places
        mode = self.string(table, "mode", path, default=default.mode)
        if mode not in ROUNDING_MODES:
            self.problem(
                "bad-rounding",
                _join(path, "mode"),
                "unknown rounding mode",
                found=mode,
                suggestions=self.suggest(mode, ROUNDING_MODES),
            )
            mode = default.mode
        return Rounding(places, mode)

    def params(self, value: Any, path: str) -> dict[str, Decimal]:
        table = self.table(value if value is not None else {}, path)
        out = {}
        for key in table:
            if not _NAME.fullmatch(key) or key in ROW_NAMES or key in BUDGET_NAMES:
                self.problem(
                    "bad-param",
                    _join(path, key),
                    "parameter names are identifiers, not W, T, A, rate, base or executed",
                    found=key,
                )
                continue
            number = self.real(table[key], _join(path, key))
            # A bad value still declares its name, so the formulas that use it are not reported
            # as well; the load fails on the value's own problem.
            out[key] = number if number is not None else Decimal(0)
        return out

    # -- the build -------------------------------------------------------------------------
    def build(self) -> Ruleset:
        data = self.data
        self.keys(data, _TOP_KEYS, "")
        schema = data.get("schema", 1)
        if schema != 1:
            self.problem(
                "bad-schema", "schema", "unsupported schema version", found=_show(schema), expected="1"
            )
        meta = self.table(data.get("ruleset"), "ruleset")
        self.keys(meta, _RULESET_KEYS, "ruleset")
        rid = self.string(meta, "id", "ruleset", required=True)
        if rid and not _ID.fullmatch(rid):
            self.problem("bad-id", "ruleset.id", "must be lower-case letters, digits, '-' or '_'", found=rid)
        region = self.string(meta, "region", "ruleset", required=True)
        if region and not _REGION.fullmatch(region):
            self.problem(
                "bad-region", "ruleset.region", "must be a GB/T 2260 code (6 digits) or CN", found=region
            )
        form = self.string(meta, "form", "ruleset", required=True)
        if form and form not in FORMS:
            self.problem(
                "bad-form", "ruleset.form", "unknown form", found=form, suggestions=self.suggest(form, FORMS)
            )
        edition = self.string(meta, "edition", "ruleset", required=True)
        in_force = self.table(meta.get("in_force", {}), "ruleset.in_force")
        self.keys(in_force, {"from", "to"}, "ruleset.in_force")
        year_from = in_force.get("from")
        year_to = in_force.get("to")
        if not isinstance(year_from, int) or isinstance(year_from, bool):
            self.problem("bad-year", "ruleset.in_force.from", "must be a year", found=_show(year_from))
            year_from = 0
        if year_to is not None and (
            not isinstance(year_to, int) or isinstance(year_to, bool) or year_to < year_from
        ):
            self.problem(
                "bad-year", "ruleset.in_force.to", f"must be a year ≥ {year_from}", found=_show(year_to)
            )
            year_to = None
        name = self.text(meta.get("name"), "ruleset.name")
        aliases = self.strings(meta, "aliases", "ruleset")
        if self.origins.get("ruleset.aliases", (self.file, ""))[0] == self.file:
            self.alias_collisions(rid, aliases)
        total = self.number(meta, "total", "ruleset", default=Decimal(100), positive=True) or Decimal(100)

        sources = self.sources(data.get("sources", []))
        params = self.params(data.get("params"), "params")
        rounding = self.table(data.get("rounding", {}), "rounding")
        self.keys(rounding, {"row", "total"}, "rounding")
        row_rounding = self.rounding(rounding.get("row"), "rounding.row", Rounding())
        total_rounding = self.rounding(rounding.get("total"), "rounding.total", Rounding())
        na = self.table(data.get("not_applicable", {}), "not_applicable")
        self.keys(na, {"policy"}, "not_applicable")
        na_policy = self.string(na, "policy", "not_applicable", default="no_weight")
        if na_policy not in ("no_weight", "rescale"):
            self.problem(
                "bad-policy",
                "not_applicable.policy",
                "unknown 不适用 policy",
                found=na_policy,
                expected="no_weight or rescale",
            )
        actuals = self.table(data.get("actuals", {}), "actuals")
        self.keys(actuals, {"clamp_negative"}, "actuals")
        clamp = self.boolean(actuals, "clamp_negative", "actuals", True)

        base = self.base(data.get("base", {}))
        derived = self.derived(data.get("derived", {}), base, params)
        review = self.review(data.get("review", {}))
        methods = self.methods(data.get("methods", {}), params, tuple(d.name for d in derived))
        selection = self.selection(data.get("selection", {}), methods)
        blocks = self.blocks(data.get("blocks", []), methods, {d.name for d in derived})
        budget = self.budget(data.get("budget"), params, row_rounding, {b.key for b in blocks})
        grading = self.table(data.get("grading", {}), "grading")
        self.keys(grading, _GRADING_KEYS, "grading")
        grading_optional = self.boolean(grading, "optional", "grading", False)
        grades = self.grades(data.get("grades", []), total, grading_optional)

        inside = budget is not None and budget.block != ""
        allotted = sum((b.points for b in blocks), Decimal(0)) + (
            budget.points if budget and not inside else Decimal(0)
        )
        for i, block in enumerate(blocks):
            if not block.indicators:
                continue
            budget_here = budget.points if budget is not None and budget.block == block.key else Decimal(0)
            weights = sum((ind.weight for ind in block.indicators), Decimal(0)) + budget_here
            if weights != block.points:
                self.problem(
                    "weights-sum",
                    f"blocks[{i}].indicators",
                    "indicator weights"
                    + (" and the budget row" if budget_here else "")
                    + " must add up to the block's points",
                    expected=str(block.points),
                    found=str(weights),
                )
        if blocks and allotted != total:
            self.problem(
                "points-sum",
                "blocks",
                "block points and the budget row must add up to the total",
                expected=str(total),
                found=str(allotted),
            )

        if self.problems:
            listed = list(self.problems)
            if self.dropped:
                listed.append(
                    Problem(
                        "too-many-problems",
                        f"and {self.dropped} more problem(s), not listed",
                        file=self.file,
                    )
                )
            count = len(self.problems) + self.dropped
            raise RulesetError(listed, f"{self.file}: {count} problem(s)")
        return Ruleset(
            id=rid,
            region=region,
            form=form,
            edition=edition,
            year_from=year_from,
            year_to=year_to,
            name=name,
            aliases=aliases,
            sources=sources,
            total=total,
            blocks=blocks,
            methods=MappingProxyType(methods),
            selection=MappingProxyType(selection),
            budget=budget,
            grades=grades,
            grading_optional=grading_optional,
            row_rounding=row_rounding,
            total_rounding=total_rounding,
            not_applicable=na_policy,
            clamp_negative_actual=clamp,
            file=self.display(self.file),
            extends=self.parents,
            base=MappingProxyType(base),
            derived=derived,
            review=review,
            params=MappingProxyType(params),
            provenance=MappingProxyType(
                {path: self.display(file) for path, (file, _) in self.origins.items() if path}
            ),
        )

    def alias_collisions(self, rid: str, aliases: Sequence[str]) -> None:
        """An alias must name this ruleset only: not another ruleset's id (ids win, so it would
        never be used; a file claiming ``cn-project`` must not look like the national
        ruleset), nor another ruleset's alias (which one is meant would depend on the order)."""
        ids = {info.id: info for info in self.others if info.id != rid}
        claimed = {a: info for info in self.others if info.id != rid for a in info.aliases}
        for i, alias in enumerate(aliases):
            path = f"ruleset.aliases[{i}]"
            if alias in ids:
                other = ids[alias]
                self.problem(
                    "alias-collision",
                    path,
                    f"alias is the id of another ruleset ({other.label}, {self.display(other.file)})",
                    found=alias,
                )
            elif alias in claimed:
                other = claimed[alias]
                self.problem(
                    "alias-collision",
                    path,
                    f"alias is also claimed by another ruleset ({other.label}, {self.display(other.file)})",
                    found=alias,
                )

    def suggest(self, word: str, candidates: Iterable[str]) -> tuple[str, ...]:
        """Did-you-mean candidates, while problems are still listed (none are computed for a
        problem that will only be counted)."""
        if len(self.problems) >= MAX_PROBLEMS:
            return ()
        return close_matches(word, candidates)

    def sources(self, value: Any) -> tuple[Source, ...]:
        out = []
        for i, item in enumerate(self.array(value, "sources")):
            path = f"sources[{i}]"
            table = self.table(item, path)
            self.keys(table, _SOURCE_KEYS, path)
            sid = self.string(table, "id", path, required=True)
            if sid in self.source_ids:
                self.problem("duplicate-key", _join(path, "id"), "source ids must be unique", found=sid)
            self.source_ids.add(sid)
            evidence = self.string(table, "evidence", path, required=True)
            if evidence and evidence not in EVIDENCE_LEVELS:
                self.problem(
                    "bad-evidence",
                    _join(path, "evidence"),
                    "unknown evidence level",
                    found=evidence,
                    expected=", ".join(EVIDENCE_LEVELS),
                )
            out.append(
                Source(
                    sid,
                    self.string(table, "title", path, required=True),
                    evidence,
                    self.string(table, "url", path),
                    self.string(table, "note", path),
                )
            )
        if not out:
            self.problem("missing-key", "sources", "a ruleset must cite at least one source")
        return tuple(out)

    def methods(
        self, value: Any, params: Mapping[str, Decimal], derived: tuple[str, ...]
    ) -> dict[str, Method]:
        table = self.table(value, "methods")
        out = {}
        shared = frozenset((*ROW_NAMES, *params, *derived))
        shared_params = MappingProxyType(dict(params))
        for key, raw in table.items():
            path = f"methods.{key}"
            spec = self.table(raw, path)
            self.keys(spec, _METHOD_KEYS, path)
            kind = self.string(spec, "kind", path, default="formula")
            if kind not in ("formula", "tiers", "qualitative"):
                self.problem(
                    "bad-kind",
                    _join(path, "kind"),
                    "unknown method kind",
                    found=kind,
                    expected="formula, tiers or qualitative",
                )
                continue
            own = self.params(spec.get("params"), _join(path, "params"))
            inputs = self.strings(spec, "inputs", path)
            for i, name in enumerate(inputs):
                if not _NAME.fullmatch(name) or name in ROW_NAMES:
                    self.problem(
                        "bad-input",
                        f"{path}.inputs[{i}]",
                        "input names are identifiers other than W, T, A",
                        found=name,
                    )
            names = _Scope(shared, frozenset((*own, *inputs)))
            cases: tuple[Case, ...] = ()
            levels: tuple[Level, ...] = ()
            if kind == "formula":
                cases = self.cases(spec, names, path)
            elif kind == "tiers":
                cases = self.tiers(spec, names, path)
            else:
                levels = self.levels(spec.get("levels"), _join(path, "levels"))
            label = self.text(spec.get("name"), _join(path, "name"), fallback=key)
            out[key] = Method(
                key,
                label,
                "qualitative" if kind == "qualitative" else "formula",
                cases,
                levels,
                inputs,
                MappingProxyType({**params, **own}) if own else shared_params,
                self.source_ref(spec, path),
            )
        return out

    def cases(self, spec: Mapping[str, Any], names: Collection[str], path: str) -> tuple[Case, ...]:
        if "formula" in spec and "cases" in spec:
            self.problem("conflicting-keys", path, "give either formula or cases, not both")
        if "formula" in spec:
            reason = self.text(spec.get("reason"), _join(path, "reason"), fallback="按公式计分")
            formula = self.numeric(spec["formula"], names, _join(path, "formula"))
            return (Case(formula, reason),) if formula else ()
        raw_cases = self.array(spec.get("cases"), _join(path, "cases"))
        if not raw_cases:
            self.problem("missing-key", _join(path, "cases"), "a formula method needs formula or cases")
        out = []
        for i, raw in enumerate(raw_cases):
            where = f"{path}.cases[{i}]"
            case = self.table(raw, where)
            self.keys(case, _CASE_KEYS, where)
            when = self.formula(case["when"], names, _join(where, "when")) if "when" in case else None
            if "when" not in case and i != len(raw_cases) - 1:
                self.problem("unreachable-case", where, "a case without 'when' must be the last one")
            if "score" not in case:
                self.problem("missing-key", _join(where, "score"), "required key is missing")
                continue
            score = self.numeric(case["score"], names, _join(where, "score"))
            reason = Text(self.string(case, "zh", where, required=True), self.string(case, "en", where))
            if score is not None:
                out.append(Case(score, reason, when))
        return tuple(out)

    def tiers(self, spec: Mapping[str, Any], names: Collection[str], path: str) -> tuple[Case, ...]:
        on = spec.get("on", "A")
        if self.formula(on, names, _join(path, "on")) is None:
            return ()
        out = []
        bounds: list[tuple[Decimal, Decimal]] = []
        for i, raw in enumerate(self.array(spec.get("tiers"), _join(path, "tiers"))):
            where = f"{path}.tiers[{i}]"
            tier = self.table(raw, where)
            self.keys(tier, _TIER_KEYS, where)
            points = self.number(tier, "points", where, required=True)
            if points is None:
                continue
            low_open = self.boolean(tier, "min_open", where, False)
            high_closed = self.boolean(tier, "max_closed", where, False)
            parts, shown = [], ["(" if low_open else "[", "", ", ", "", "]" if high_closed else ")"]
            lo_d, hi_d = Decimal("-Infinity"), Decimal("Infinity")  # a bound left out is open-ended
            for key, op, slot in (
                ("min", ">" if low_open else ">=", 1),
                ("max", "<=" if high_closed else "<", 3),
            ):
                bound = None if tier.get(key) is None else self.real(tier[key], _join(where, key))
                if bound is None:
                    shown[slot] = "−∞" if slot == 1 else "+∞"
                    continue
                parts.append(f"({on}) {op} {bound}")
                shown[slot] = str(bound)
                if slot == 1:
                    lo_d = bound
                else:
                    hi_d = bound
            if lo_d > hi_d:
                self.problem("bad-tier", where, "min must not exceed max", found=f"{lo_d} > {hi_d}")
            bounds.append((lo_d, hi_d))
            interval = "".join(shown)
            when = self.formula(" and ".join(parts), names, where) if parts else None
            score = self.formula(str(points), names, _join(where, "points"))
            if score is not None:
                reason = Text(
                    f"{on} 落在 {interval} 档，得 {points} 分", f"{on} in {interval}: {points} points"
                )
                out.append(Case(score, reason, when))
        if not out:
            self.problem("missing-key", _join(path, "tiers"), "a tiers method needs at least one tier")
        return tuple(out)

    def levels(self, value: Any, path: str) -> tuple[Level, ...]:
        out = []
        for i, raw in enumerate(self.array(value, path)):
            where = f"{path}[{i}]"
            spec = self.table(raw, where)
            self.keys(spec, _LEVEL_KEYS, where)
            low = self.number(spec, "low", where, required=True, default=Decimal(0)) or Decimal(0)
            high = self.number(spec, "high", where, required=True, default=Decimal(1)) or Decimal(0)
            score = self.number(spec, "score", where, required=True, default=high) or Decimal(0)
            if not (low <= score <= high <= 1):
                self.problem(
                    "bad-level",
                    where,
                    "need 0 ≤ low ≤ score ≤ high ≤ 1 (fractions of the weight)",
                    found=f"low={low} score={score} high={high}",
                )
            label = Text(self.string(spec, "zh", where, required=True), self.string(spec, "en", where))
            out.append(
                Level(
                    self.string(spec, "key", where, required=True),
                    label,
                    self.strings(spec, "aliases", where),
                    low,
                    high,
                    i == 0,
                    score,
                )
            )
        if not out:
            self.problem("missing-key", path, "a qualitative method needs levels")
        # Levels run from the best down; each band must begin where the next one ends.
        for upper, lower in zip(out, out[1:]):
            if lower.high != upper.low:
                self.problem(
                    "level-gap",
                    path,
                    "level bands must be contiguous, best first",
                    found=f"{upper.key} starts at {upper.low}, {lower.key} ends at {lower.high}",
                )
        if out and (out[0].high != 1 or out[-1].low != 0):
            self.problem(
                "level-gap",
                path,
                "level bands must cover 0 to 1 of the weight",
                found=f"{out[-1].low}–{out[0].high}",
            )
        return tuple(out)

    def selection(
        self, value: Any, methods: Mapping[str, Method], where: str = "selection"
    ) -> dict[str, str]:
        table = self.table(value, where)
        out = {}
        for key, method in table.items():
            path = f"{where}.{key}"
            if key not in SELECTION_KEYS:
                self.problem(
                    "unknown-key",
                    path,
                    "unknown comparator kind",
                    suggestions=self.suggest(key, SELECTION_KEYS),
                )
            elif not isinstance(method, str) or method not in methods:
                self.problem(
                    "unknown-method",
                    path,
                    "no method with this name",
                    found=_show(method),
                    suggestions=self.suggest(str(method), methods),
                )
            else:
                out[key] = method
        return out

    def left_to_remove(self, spec: Mapping[str, Any], path: str, siblings: Sequence[Any]) -> bool:
        """Whether ``spec`` is a ``remove = true`` that the merge did not carry out, so that it
        names no entry of a parent (a problem, and the entry is not built). ``remove = false``
        is allowed and does nothing."""
        value = spec.get("remove", False)
        if value is False:
            return False
        if value is not True:
            self.problem("wrong-type", _join(path, "remove"), "must be true or false", found=_show(value))
            return False
        key = spec.get("key")
        others = [s.get("key") for s in siblings if isinstance(s, Mapping) and s.get("key") != key]
        self.problem(
            "nothing-to-remove",
            _join(path, "remove"),
            "remove = true, but the parent ruleset has no entry with this key"
            if self.parents
            else "remove = true needs a parent ruleset (extends) to remove from",
            found=_show(key),
            suggestions=self.suggest(str(key), [k for k in others if isinstance(k, str)]),
        )
        return True

    def blocks(self, value: Any, methods: Mapping[str, Method], derived: set[str]) -> tuple[Block, ...]:
        out = []
        keys: set[str] = set()
        specs = self.array(value, "blocks")
        for i, raw in enumerate(specs):
            path = f"blocks[{i}]"
            spec = self.table(raw, path)
            self.keys(spec, _BLOCK_KEYS, path)
            if self.left_to_remove(spec, path, specs):
                continue
            key = self.string(spec, "key", path, required=True)
            if key in keys:
                self.problem("duplicate-key", _join(path, "key"), "block keys must be unique", found=key)
            keys.add(key)
            points = self.number(spec, "points", path, required=True, positive=True) or Decimal(0)
            categories = []
            for j, craw in enumerate(self.array(spec.get("categories", []), _join(path, "categories"))):
                where = f"{path}.categories[{j}]"
                cat = self.table(craw, where)
                self.keys(cat, _CATEGORY_KEYS, where)
                categories.append(
                    Category(
                        Text(self.string(cat, "zh", where, required=True), self.string(cat, "en", where)),
                        self.strings(cat, "aliases", where),
                    )
                )
            indicators = []
            ikeys: set[str] = set()
            ispecs = self.array(spec.get("indicators", []), _join(path, "indicators"))
            for j, iraw in enumerate(ispecs):
                where = f"{path}.indicators[{j}]"
                ind = self.table(iraw, where)
                self.keys(ind, _INDICATOR_KEYS, where)
                if self.left_to_remove(ind, where, ispecs):
                    continue
                ikey = self.string(ind, "key", where, required=True)
                if ikey in ikeys:
                    self.problem(
                        "duplicate-key",
                        _join(where, "key"),
                        "indicator keys must be unique in a block",
                        found=ikey,
                    )
                ikeys.add(ikey)
                actual_from = self.string(ind, "actual_from", where)
                if actual_from and actual_from not in derived:
                    self.problem(
                        "unknown-derived",
                        _join(where, "actual_from"),
                        "no derived value with this name",
                        found=actual_from,
                        suggestions=self.suggest(actual_from, derived),
                    )
                method = self.string(ind, "method", where, required=True)
                if method and method not in methods:
                    self.problem(
                        "unknown-method",
                        _join(where, "method"),
                        "no method with this name",
                        found=method,
                        suggestions=self.suggest(method, methods),
                    )
                indicators.append(
                    Indicator(
                        ikey,
                        self.text(ind.get("name"), _join(where, "name")),
                        self.number(ind, "weight", where, required=True, positive=True) or Decimal(0),
                        method,
                        self.string(ind, "category", where),
                        self.strings(ind, "aliases", where),
                        self.source_ref(ind, where),
                        self.string(ind, "target", where),
                        actual_from,
                    )
                )
            out.append(
                Block(
                    key,
                    self.text(spec.get("name"), _join(path, "name")),
                    points,
                    self.strings(spec, "aliases", path),
                    tuple(categories),
                    tuple(indicators),
                    self.source_ref(spec, path),
                    MappingProxyType(
                        self.selection(spec.get("selection", {}), methods, _join(path, "selection"))
                    ),
                )
            )
        return tuple(out)

    def budget(
        self, value: Any, params: Mapping[str, Decimal], row_rounding: Rounding, blocks: set[str]
    ) -> Optional[BudgetRule]:
        if value is None:
            return None
        spec = self.table(value, "budget")
        self.keys(spec, _BUDGET_KEYS, "budget")
        points = self.number(spec, "points", "budget", required=True, positive=True) or Decimal(0)
        base = self.string(spec, "base", "budget", default="full_year")
        if base not in BUDGET_BASES:
            self.problem(
                "bad-base",
                "budget.base",
                "unknown budget base",
                found=base,
                suggestions=self.suggest(base, BUDGET_BASES),
            )
        own = self.params(spec.get("params"), "budget.params")
        formula = self.numeric(
            spec.get("formula", "W * min(rate, 1)"), (*BUDGET_NAMES, *params, *own), "budget.formula"
        )
        return BudgetRule(
            self.text(spec.get("name"), "budget.name", fallback="预算执行率"),
            points,
            base,
            formula or compile_formula("0", ()),
            self.rounding(spec.get("rounding"), "budget.rounding", row_rounding),
            MappingProxyType({**params, **own}),
            self.source_ref(spec, "budget"),
            self.block_ref(spec, blocks),
        )

    def block_ref(self, spec: Mapping[str, Any], blocks: set[str]) -> str:
        block = self.string(spec, "block", "budget")
        if block and block not in blocks:
            self.problem(
                "unknown-block",
                "budget.block",
                "no block with this key",
                found=block,
                suggestions=self.suggest(block, blocks),
            )
        return block

    def base(self, value: Any) -> dict[str, Text]:
        table = self.table(value, "base")
        out = {}
        for name, label in table.items():
            path = f"base.{name}"
            if not _NAME.fullmatch(name) or name in ROW_NAMES:
                self.problem(
                    "bad-input", path, "base-data names are identifiers other than W, T, A", found=name
                )
                continue
            out[name] = self.text(label, path)
        return out

    def derived(
        self, value: Any, base: Mapping[str, Text], params: Mapping[str, Decimal]
    ) -> tuple[Derived, ...]:
        table = self.table(value, "derived")
        out: list[Derived] = []
        known = {*base, *params, *BUDGET_AMOUNTS}
        for name, raw in table.items():
            path = f"derived.{name}"
            spec = self.table(raw, path)
            self.keys(spec, _DERIVED_KEYS, path)
            if not _NAME.fullmatch(name) or name in ROW_NAMES or name in base or name in params:
                self.problem(
                    "bad-input",
                    path,
                    "derived names are identifiers not used by W, T, A, base data or params",
                    found=name,
                )
                continue
            label = Text(self.string(spec, "zh", path, required=True), self.string(spec, "en", path))
            unit = self.string(spec, "unit", path)
            if ("formula" in spec) == ("count" in spec):
                self.problem("conflicting-keys", path, "give exactly one of formula or count")
                continue
            if "formula" in spec:
                formula = self.numeric(spec["formula"], _Scope(known), _join(path, "formula"))
                out.append(Derived(name, label, unit, formula=formula))
                known.add(name)
            else:
                when = (
                    self.formula(spec["when"], (*ROW_NAMES, *params), _join(path, "when"))
                    if "when" in spec
                    else None
                )
                out.append(Derived(name, label, unit, count=self.string(spec, "count", path), when=when))
            known.add(name)
        return tuple(out)

    def review(self, value: Any) -> ReviewRules:
        spec = self.table(value, "review")
        self.keys(spec, _REVIEW_KEYS, "review")
        defaults = ReviewRules()
        return ReviewRules(
            rate_tolerance=self.number(spec, "rate_tolerance", "review", default=defaults.rate_tolerance)
            or Decimal(0),
            score_tolerance=self.number(spec, "score_tolerance", "review", default=defaults.score_tolerance)
            or Decimal(0),
            explain_below_weight=self.boolean(
                spec, "explain_below_weight", "review", defaults.explain_below_weight
            ),
            explain_over_ratio=self.number(spec, "explain_over_ratio", "review", positive=True),
            explain_budget_below=self.number(spec, "explain_budget_below", "review", positive=True),
            explain_over_when_zero=self.number(spec, "explain_over_when_zero", "review", positive=True),
        )

    def grades(self, value: Any, total: Decimal, optional: bool) -> tuple[GradeBand, ...]:
        raw: list[tuple[str, Decimal, Optional[Decimal], str, tuple[str, ...]]] = []
        for i, item in enumerate(self.array(value, "grades")):
            path = f"grades[{i}]"
            spec = self.table(item, path)
            self.keys(spec, _GRADE_KEYS, path)
            low = self.number(spec, "min", path, required=True, default=Decimal(0)) or Decimal(0)
            high = self.number(spec, "max", path)
            raw.append(
                (
                    self.string(spec, "label", path, required=True),
                    low,
                    high,
                    self.string(spec, "en", path),
                    self.strings(spec, "aliases", path),
                )
            )
        if not raw:
            if not optional:
                self.problem(
                    "missing-key", "grades", "grade bands are required unless grading.optional = true"
                )
            return ()
        order = sorted(range(len(raw)), key=lambda k: raw[k][1], reverse=True)
        if order != list(range(len(raw))):
            self.problem("grade-order", "grades", "list grade bands from the highest down")
        bands = []
        names: dict[str, int] = {}
        for rank, k in enumerate(order):
            label, low, high, en, aliases = raw[k]
            implied = total if rank == 0 else raw[order[rank - 1]][1]
            if high is None:
                high = implied
            elif high != implied:
                kind = "gap" if high < implied else "overlap"
                self.problem(
                    f"grade-{kind}",
                    f"grades[{k}].max",
                    f"grade bands must meet: {kind} between {label!r} and the band above",
                    expected=str(implied),
                    found=str(high),
                )
            if low >= high and not (rank == 0 and low == high):
                self.problem("grade-empty", f"grades[{k}]", "band is empty", found=f"{low}–{high}")
            for name in (label, *aliases):
                if name in names:
                    self.problem(
                        "duplicate-key", f"grades[{k}]", "grade labels and aliases must be unique", found=name
                    )
                names[name] = k
            bands.append(GradeBand(label, low, high, rank == 0, en, aliases))
        if raw[order[0]][2] not in (None, total):
            self.problem(
                "grade-gap",
                f"grades[{order[0]}].max",
                "the top band must reach the total",
                expected=str(total),
                found=str(raw[order[0]][2]),
            )
        if raw[order[-1]][1] != 0:
            self.problem(
                "grade-gap",
                f"grades[{order[-1]}].min",
                "the lowest band must start at 0",
                found=str(raw[order[-1]][1]),
            )
        return tuple(bands)


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: How much of a formula's text is scanned for names (the formula checker bounds the length).
MAX_FORMULA_SCAN = 100_000
#: The most names a formula's did-you-mean compares an unknown name with.
MAX_SUGGESTION_POOL = 500


class _Scope(Collection[str]):
    """The names a formula may use, as sets looked up in turn (not copied per formula)."""

    def __init__(self, *parts: AbstractSet[str]) -> None:
        self.parts = parts

    def __contains__(self, name: object) -> bool:
        return any(name in part for part in self.parts)

    def __iter__(self) -> Iterator[str]:
        seen: set[str] = set()
        for part in self.parts:
            for name in part:
                if name not in seen:
                    seen.add(name)
                    yield name

    def __len__(self) -> int:
        return sum(len(part) for part in self.parts)


@functools.lru_cache(maxsize=4096)
def _compile(source: str, names: tuple[str, ...], backend: str) -> Formula:
    """Compile once per process: a child and its parent share most formulas (Formula is immutable)."""
    return compile_formula(source, names, backend=backend)


def clear_caches() -> None:
    """Forget every parsed file, compiled formula and built ruleset. A ruleset file edited in place
    is noticed without this (by its modification time and size); a file added to a ruleset
    directory is found by id only after it, as the directory listing is cached."""
    for cached in (_registry, _read_cached, _display, _compile):
        cached.cache_clear()
    _BUILT.clear()


_POINT_KEYS = frozenset({"total", "points", "weight", "min", "max"})
"""Keys read by ``_Builder.number`` that hold points, weights, totals or grade bounds: within
``MAX_POINTS``. Every other number (params, tolerances, tier bounds) is within ``MAX_AMOUNT``."""


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _as_table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
