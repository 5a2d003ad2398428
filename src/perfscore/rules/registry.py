"""The registry of ruleset files: the directories searched (given paths, ``$PERFSCORE_RULESETS``,
the shipped ``rulesets/``), what each file says it is (:class:`RulesetInfo`, read without
building it), ids, aliases and editions, and the caches of parsed files.
"""

from __future__ import annotations

import functools
import os
import re
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Optional, Union

import attrs

from ..codes import messages
from ..errors import EditionNotFoundError, Problem
from ..files import refusal
from .model import Text
from .spelling import is_abstract, normalise
from .toml import TomlDocument, TomlSyntax, parse_toml, read_text

__all__ = [
    "ENV_PATH",
    "MAX_RULESET_BYTES",
    "MAX_RULESET_FILES",
    "RulesetInfo",
    "RulesetWarning",
    "available_rulesets",
    "parent_regions",
    "search_dirs",
]

#: The environment variable naming extra ruleset directories (``os.pathsep``-separated).
ENV_PATH = "PERFSCORE_RULESETS"

#: The largest ruleset file read, in bytes (the shipped ones are under 25 KB).
MAX_RULESET_BYTES = 1024 * 1024
#: The most ``*.toml`` files taken from one ruleset directory.
MAX_RULESET_FILES = 2000

REGION = re.compile(r"^(CN|\d{6})$")


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
    abstract: bool = False
    """A base that others extend (``abstract = true``): not listed, cannot score."""

    def in_force(self, year: int) -> bool:
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)

    @property
    def label(self) -> str:
        return f"{self.id}@{self.edition}"


class RulesetWarning(UserWarning):
    """A ruleset file in a searched directory cannot be read, and a lookup could have meant it."""


# --------------------------------------------------------------------------- directories


@functools.lru_cache(maxsize=1)
def bundled_dirs() -> tuple[Path, ...]:
    """The shipped ruleset directories: in the wheel, or in a checkout beside ``src/``."""
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
    return tuple(dict.fromkeys([*(d.resolve() for d in dirs), *bundled_dirs()]))


def with_own_dir(file: str, dirs: tuple[Path, ...]) -> tuple[Path, ...]:
    """The directories searched for the rulesets ``file`` names: a file outside the search path
    may name a sibling; one inside it needs no second scan."""
    own_dir = Path(file).parent
    inside = any(own_dir == d or own_dir.is_relative_to(d) for d in dirs)
    return dirs if inside else (*dirs, own_dir)


@functools.lru_cache(maxsize=256)
def display(file: str, dirs: tuple[Path, ...]) -> str:
    """A ruleset file as reports show it: relative to the ruleset directory it was found in
    (``rulesets/CN/project.toml`` whether shipped in the wheel or read from a checkout)."""
    path = Path(file)
    for directory in (*dirs, *bundled_dirs()):
        if path.is_relative_to(directory):
            return (Path(directory.name) / path.relative_to(directory)).as_posix()
    return file


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


# --------------------------------------------------------------------------- the registry


@functools.lru_cache(maxsize=32)
def registry(dirs: tuple[Path, ...]) -> tuple[RulesetInfo, ...]:
    """Every ruleset file in ``dirs`` (an earlier directory shadows a later one for the same id
    and edition), and every file that cannot be read, with its ``error``.

    A file of a directory the caller names (``paths``, ``$PERFSCORE_RULESETS``) is parsed whole,
    so that one broken anywhere is listed as broken and never hides a shipped ruleset; a shipped
    file only up to the end of its ``[ruleset]`` table (:func:`_header_cached`), the rest of it
    when it is loaded."""
    infos: list[RulesetInfo] = []
    seen: set[tuple[str, str]] = set()
    shipped = bundled_dirs()
    for directory in dirs:
        whole = directory not in shipped
        for file in _ruleset_files(directory):
            try:
                info = _peek(file, whole=whole)
            except TomlSyntax as exc:
                reason = exc.problem.message
                infos.append(RulesetInfo("", "", "", "", 0, None, Text(""), (), str(file), error=reason))
                continue
            if info is not None and (info.id, info.edition) not in seen:
                seen.add((info.id, info.edition))
                infos.append(info)
    return tuple(infos)


def readable(infos: Iterable[RulesetInfo]) -> list[RulesetInfo]:
    """The files that can be read as rulesets."""
    return [info for info in infos if not info.error]


def available_rulesets(paths: Sequence[Union[str, Path]] = ()) -> tuple[RulesetInfo, ...]:
    """Every ruleset edition found in ``paths``, ``$PERFSCORE_RULESETS`` and the shipped rulesets.

    A directory named earlier shadows a later one for the same id and edition. A file that
    cannot be read as a ruleset is listed with ``error`` set (and no id), so that it is seen.
    """
    return tuple(info for info in registry(search_dirs(paths)) if not info.abstract)


def warn_broken_before(infos: Sequence[RulesetInfo], dirs: Sequence[Path], chosen: RulesetInfo) -> None:
    """Warn of each unreadable file in a directory searched no later than ``chosen``'s: it
    could be the ruleset (or the edition) the caller meant, so it must not pass unnoticed."""
    rank = _dir_rank(chosen.file, dirs)
    for info in infos:
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


def not_found_detail(infos: Sequence[RulesetInfo], detail: str = "") -> str:
    """What a failed lookup says of the files that could not be read (one of them may be it)."""
    broken = [info for info in infos if info.error]
    if not broken:
        return detail
    shown = "; ".join(f"{info.file}: {info.error}" for info in broken[:3])
    more = f"; and {len(broken) - 3} more" if len(broken) > 3 else ""
    note = f"{len(broken)} ruleset file(s) could not be read: {shown}{more}"
    return f"{detail}; {note}" if detail else note


def pick_edition(candidates: Sequence[RulesetInfo], name: str, year: Optional[int]) -> RulesetInfo:
    """The edition in force in ``year`` (the newest without a year)."""
    if year is None:
        return max(candidates, key=lambda info: info.year_from)
    in_force = [info for info in candidates if info.in_force(year)]
    if not in_force:
        editions = [f"{info.edition} ({info.year_from}–{info.year_to or ''})" for info in candidates]
        raise EditionNotFoundError(name, year, editions)
    return max(in_force, key=lambda info: info.year_from)


def parent_regions(region: str) -> list[str]:
    """A GB/T 2260 code and the codes above it: 430602 → 430600 → 430000 → CN."""
    chain = [region]
    if REGION.fullmatch(region) and region != "CN":
        city, province = region[:4] + "00", region[:2] + "0000"
        chain += [c for c in (city, province) if c not in chain]
        chain.append("CN")
    return chain


# --------------------------------------------------------------------------- reading files


def read(file: Path) -> TomlDocument:
    """A ruleset file, parsed once for as long as it is unchanged (the registry, each child
    that extends it and the build all read it). Only a regular file of at most
    :data:`MAX_RULESET_BYTES` is read; anything else raises ``TomlSyntax`` with the reason."""
    return _read_cached(*_identity(file))


def _identity(file: Path) -> tuple[str, int, int]:
    """The resolved name, modification time and size of a ruleset file that may be read (the
    key of the caches of parsed files); raises ``TomlSyntax`` for one that may not."""
    reason = refusal(file, MAX_RULESET_BYTES)
    if reason:
        raise TomlSyntax(unreadable(file, reason))
    resolved = file.resolve()
    status = os.stat(resolved)
    return str(resolved), status.st_mtime_ns, status.st_size


def unreadable(file: Union[str, Path], reason: str) -> Problem:
    """The problem of a ruleset file that cannot be read."""
    return Problem("file-unreadable", messages("file-unreadable", reason=reason)[1], file=str(file))


@functools.lru_cache(maxsize=256)
def _read_cached(file: str, mtime_ns: int, size: int) -> TomlDocument:
    """THE ONE PLACE a ruleset file's parsed document enters: the registry's peek, every file of
    an ``extends`` chain and a file checked on its own all get their document from here (a
    document's older spellings are normalised here, so nothing after this sees them)."""
    return normalise(parse_toml(read_text(Path(file), MAX_RULESET_BYTES), file))


_RULESET_HEADER = re.compile(r"^[ \t]*\[[ \t]*ruleset[ \t]*\][ \t]*(?:#[^\n]*)?\r?$", re.MULTILINE)
_HEADER_LINE = re.compile(r"^[ \t]*\[", re.MULTILINE)
_MAY_TOUCH_RULESET = re.compile(r"""^[ \t]*\[[^\n]*(?:ruleset|["'\\])""", re.MULTILINE)


@functools.lru_cache(maxsize=256)
def _header_cached(file: str, mtime_ns: int, size: int) -> Optional[TomlDocument]:
    """The start of a ruleset file up to the end of its ``[ruleset]`` table, parsed (and
    normalised) exactly as the whole file would be: what the registry needs of a file, for a
    fifth of the work. None whenever that cannot be sure to be the whole ``[ruleset]`` table or
    does not parse: the caller then parses the whole file (so that every error found here is the
    one the whole file gives). A file is read whole when it is loaded.

    Sure, because the start is cut at a line beginning with ``[`` and parses on its own: the
    cut is then between two statements (a string or an array left open would not parse), so
    that line is a table header; and no later line beginning with ``[`` names ``ruleset``, has
    a quote or a backslash (a key spelled ``"ruleset"`` or escaped), so no later table adds
    to ``[ruleset]``."""
    text = read_text(Path(file), MAX_RULESET_BYTES)
    start = _RULESET_HEADER.search(text)
    cut = _HEADER_LINE.search(text, start.end()) if start else None
    if cut is None or _MAY_TOUCH_RULESET.search(text, cut.start()):
        return None
    try:
        doc = normalise(parse_toml(text[: cut.start()], file))
    except Exception:  # whatever it is, the whole file then says it as it always did
        return None
    meta = doc.data.get("ruleset")
    return doc if isinstance(meta, dict) and isinstance(meta.get("id"), str) else None


def as_table(value: Any) -> dict[str, Any]:
    """``value`` if it is a table, else an empty one (for lenient peeking)."""
    return value if isinstance(value, dict) else {}


def _peek(file: Path, *, whole: bool = True) -> Optional[RulesetInfo]:
    """Identity of a ruleset file; None for TOML files that are not rulesets (test cases...).
    Raises ``TomlSyntax`` for a file that cannot be read or parsed.

    With ``whole`` false, only the ``[ruleset]`` table is parsed when it can be told apart
    (:func:`_header_cached`). Lenient: a value of the wrong type is read as absent here, so
    that one broken file in a directory does not hide the others; loading that file reports it.
    """
    key = _identity(file)
    doc = (None if whole else _header_cached(*key)) or _read_cached(*key)
    meta = doc.data.get("ruleset")
    if not isinstance(meta, dict) or not isinstance(meta.get("id"), str):
        return None
    in_force = as_table(meta.get("in_force"))
    name = as_table(meta.get("name"))
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
        abstract=is_abstract(doc),
    )


def clear_registry_caches() -> None:
    """Forget every directory listing and parsed file."""
    for cached in (registry, _read_cached, _header_cached, display):
        cached.cache_clear()
