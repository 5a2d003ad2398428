"""Review of many files: folders expanded, each file read (each table of a Word or Excel form)
and reviewed in turn. A batch never loses a file: :func:`review_files` yields, for every file
it meets, one :class:`FileReview` per table reviewed, or one saying why the file was skipped
(:data:`SKIP_REASONS`) or could not be reviewed. It yields as it goes: a batch holds one file's
results at a time, whatever its size."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Callable, Optional, TypeVar, Union, cast

import attrs

from ..errors import PerfscoreError
from ..evaluations import OFFICE_SUFFIXES, read_evaluations
from ..regions import check as region_check
from ..rules import Ruleset, available_rulesets
from .entry import Entry, make_entry
from .run import Review, review
from .sniff import is_lock_file, own_output

__all__ = [
    "EVALUATION_SUFFIXES",
    "SKIP_REASONS",
    "FileReview",
    "batch_files",
    "evaluation_files",
    "review_each",
    "review_files",
]

T = TypeVar("T")


_FORM_SUFFIXES = (".docx", ".docm", ".xlsx", ".xlsm", ".xls", ".ods", ".doc", ".wps", ".et", ".pdf")

#: Every suffix a folder's file is read for. Formats whose reader is not installed (or not yet
#: written) are candidates too: such a file comes back with its own error, never dropped.
EVALUATION_SUFFIXES = tuple(dict.fromkeys((".toml", ".json", *OFFICE_SUFFIXES, *_FORM_SUFFIXES)))

#: Why a file was skipped: Chinese and English templates, by reason.
SKIP_REASONS: Mapping[str, tuple[str, str]] = {
    "unsupported-format": (
        "不是可读取的自评表格式（{suffix}）",
        "not a format perfscore reads ({suffix})",
    ),
    "perfscore-output": (
        "perfscore 生成的结果（{what}），不是单位自评表",
        "perfscore's own output ({what_en}), not a unit's table",
    ),
    "lock-file": (
        "锁定文件或临时文件（Office、LibreOffice 或操作系统生成）",
        "a lock or temporary file (left by Office, LibreOffice or the system)",
    ),
    "duplicate": (
        "与 {first} 是同一文件，只读取一次",
        "the same file as {first}: read once",
    ),
    "folder-link": (
        "指向文件夹的链接，不展开（以免重复读取或循环）",
        "a link to a folder, not followed (no file read twice, no loop)",
    ),
}


@attrs.frozen
class FileReview:
    """One entry of a batch: a table reviewed, a file skipped (``skipped`` names the reason,
    ``reason_zh``/``reason_en`` say it), or a file that could not be reviewed (``error``)."""

    path: str
    """The entry's label: the file, with ``[2/3]`` after it for one table of several"""
    review: Optional[Review] = None
    error: str = ""
    skipped: str = ""
    """The reason a file was not read: a key of :data:`SKIP_REASONS`, or ``""``."""
    reason_zh: str = ""
    reason_en: str = ""
    file: str = attrs.field(default=attrs.Factory(lambda self: self.path, takes_self=True))
    """The file itself (``path`` without the table's number)"""
    table: Optional[int] = None
    """Which table of a file that holds several, from 1; None for a file of one table"""

    @property
    def status(self) -> str:
        """``reviewed``, ``skipped`` or ``failed``."""
        if self.skipped:
            return "skipped"
        return "reviewed" if self.review is not None else "failed"

    def to_dict(self) -> Entry:
        """The entry as JSON data (:mod:`.entry`, ``schema/review.schema.json``)."""
        return make_entry(
            self.file,
            self.table,
            review=self.review.to_dict() if self.review is not None else None,
            error=self.error,
            skipped=self.skipped,
            reason_zh=self.reason_zh,
            reason_en=self.reason_en,
        )


def _skip(path: Path, reason: str, **values: str) -> FileReview:
    zh, en = SKIP_REASONS[reason]
    return FileReview(
        path=str(path), skipped=reason, reason_zh=zh.format(**values), reason_en=en.format(**values)
    )


def _paths(paths: Union[str, Path, Iterable[Union[str, Path]]]) -> list[Path]:
    return [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]


def batch_files(paths: Union[str, Path, Iterable[Union[str, Path]]]) -> Iterator[tuple[Path, bool]]:
    """Every file a batch meets, in order, with whether it is a candidate to read: each file
    named (always a candidate), and every entry inside each folder named, recursively (a
    candidate when named like an evaluation file; the others are reported as skipped).

    Inside a folder every candidate is kept, whatever it is (a FIFO, a dangling link, a
    directory named ``x.toml``): reading it reports why it cannot be read, so none is lost. A
    folder that cannot be listed comes back as itself, to be reported with its own error."""
    for path in _paths(paths):
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path, True


def _walk(top: Path) -> Iterator[tuple[Path, bool]]:
    """The entries under ``top`` in name order, one folder listed at a time (a folder of 10,000
    files is never held as a list of paths; no recursion, however deep). A folder that cannot
    be listed comes back as itself, to be reported with its own error; a link to a folder is
    not followed."""
    first = _listing(top)
    if first is None:
        yield top, True
        return
    pending = [first]
    while pending:
        for path, inside in pending[-1]:
            candidate = path.suffix.lower() in EVALUATION_SUFFIXES
            if not inside or candidate:
                yield path, candidate
            if inside:
                listed = _listing(path)
                if listed is not None:
                    pending.append(listed)
                    break
                if not candidate:
                    yield path, True
        else:
            pending.pop()


def _listing(folder: Path) -> Optional[Iterator[tuple[Path, bool]]]:
    """A folder's entries in name order, each with whether it is a folder to go into."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return None
    return ((folder / entry.name, _is_folder(entry)) for entry in entries)


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def evaluation_files(paths: Union[str, Path, Iterable[Union[str, Path]]]) -> list[Path]:
    """Files named, and the entries named like evaluation files (.toml, .json, .docx, .xlsx,
    .xls, .pdf...) inside folders named, in order. ``paths`` is one path or several."""
    return [path for path, candidate in batch_files(paths) if candidate]


def _identity(path: Path) -> Optional[tuple[int, int]]:
    """The file a path leads to (device, inode), or None when it cannot be told."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino) if st.st_ino else None


def _triage(path: Path, candidate: bool, seen: dict[tuple[int, int], str]) -> Optional[FileReview]:
    """Why ``path`` is not to be read (a skipped :class:`FileReview`), or None to read it."""
    if is_lock_file(path.name):
        return _skip(path, "lock-file")
    if path.is_symlink() and path.is_dir():
        return _skip(path, "folder-link")
    if not candidate:
        return _skip(path, "unsupported-format", suffix=path.suffix or path.name)
    identity = _identity(path)
    if identity is not None:
        first = seen.get(identity)
        if first is not None:
            return _skip(path, "duplicate", first=first)
        seen[identity] = str(path)
    what = own_output(path)
    if what:
        return _skip(path, "perfscore-output", what=what[0], what_en=what[1])
    return None


def review_files(
    files: Union[str, Path, Iterable[Union[str, Path]]],
    ruleset: Union[Ruleset, str, Path, None] = None,
    *,
    paths: Sequence[Union[str, Path]] = (),
    region: str = "",
    form: str = "",
    year: int = 0,
    strict: bool = False,
    jobs: int = 1,
) -> Iterator[FileReview]:
    """Review each file in turn (each table of a Word or Excel form); a file that cannot be read
    or scored comes back with its error, and the rest go on. ``region``, ``form`` and ``year``
    fill in what a form does not say; ``strict`` is :func:`review`'s.

    ``files`` is one path or a list of them; a folder stands for every file inside it (see
    :func:`batch_files`). Every file comes back: reviewed (one entry per table), skipped with
    its reason (a lock file, perfscore's own output, a format it does not read, a file already
    read under another name), or with its own error.

    ``jobs`` above 1 reviews that many files at a time in worker processes (see
    :func:`review_each`); the entries still come in the same order."""
    return review_each(
        files, _same, ruleset, paths=paths, region=region, form=form, year=year, strict=strict, jobs=jobs
    )


def _same(result: FileReview) -> FileReview:
    return result


def review_each(
    files: Union[str, Path, Iterable[Union[str, Path]]],
    then: Callable[[FileReview], T],
    ruleset: Union[Ruleset, str, Path, None] = None,
    *,
    paths: Sequence[Union[str, Path]] = (),
    region: str = "",
    form: str = "",
    year: int = 0,
    strict: bool = False,
    jobs: int = 1,
) -> Iterator[T]:
    """:func:`review_files`, each entry passed through ``then`` where it was made: with ``jobs``
    above 1, in the worker process, so that only what ``then`` keeps (a line of text, a JSON
    entry) crosses back, and the work ``then`` does is spread too. ``then`` must be a function of
    a module, or a :func:`functools.partial` of one, and what it returns must pickle.

    The entries come in input order whatever ``jobs`` is, a few per worker at a time, so memory
    does not grow with the batch. A file whose worker process dies (a crash, the out-of-memory
    killer) comes back with its own error and the batch goes on; so does a file that raises an
    unexpected exception (a bug in perfscore: ``内部错误 / internal error``), whatever ``jobs``
    is. Set ``PERFSCORE_DEBUG=1`` to have such an exception propagate instead."""
    job = _Job(ruleset, tuple(paths), region, form, year, strict, then)
    stream = _triaged(files)
    if jobs <= 1:
        for entry in stream:
            if isinstance(entry, FileReview):
                yield then(entry)
            else:
                yield from map(then, job.found(entry))
        return
    from .pool import Ready, ordered

    _warm(job.paths)
    marked: Iterator[Union[Path, Ready[_Done]]] = (
        Ready([([then(entry)], [])]) if isinstance(entry, FileReview) else entry for entry in stream
    )
    for results, warned in ordered(marked, _work, job.died, jobs, _setup, (job,)):
        for warning in warned:  # said in this process, where the caller listens
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
        yield from cast("list[T]", results)  # each is what ``then`` returned


def _warm(paths: Sequence[Union[str, Path]]) -> None:
    """Fill the caches every review needs (the rulesets found, the table of region codes) once,
    before the worker processes are forked from this one (where they are forked: Linux)."""
    import multiprocessing

    if multiprocessing.get_start_method() == "fork":
        available_rulesets(paths)
        region_check("110000")


def _triaged(files: Union[str, Path, Iterable[Union[str, Path]]]) -> Iterator[Union[FileReview, Path]]:
    """Every file met, in order: a skipped entry, or the path of a file to read."""
    seen: dict[tuple[int, int], str] = {}
    for file, candidate in batch_files(files):
        skipped = _triage(file, candidate, seen)
        yield file if skipped is None else skipped


_Done = tuple[list[object], list[warnings.WarningMessage]]
"""A file's entries (what ``then`` made of them) and the warnings said while reviewing it."""


@attrs.frozen
class _Job:
    """What every file of a batch is reviewed with (sent once to each worker process)."""

    ruleset: Union[Ruleset, str, Path, None]
    paths: tuple[Union[str, Path], ...]
    region: str
    form: str
    year: int
    strict: bool
    then: Callable[[FileReview], object]

    def found(self, file: Path) -> Iterator[FileReview]:
        """The file's entries; a bug in perfscore comes back as the file's own error (the batch
        goes on), unless ``PERFSCORE_DEBUG`` is set."""
        try:
            yield from _review_file(
                file, self.ruleset, self.paths, self.region, self.form, self.year, self.strict
            )
        except Exception as exc:
            if os.environ.get("PERFSCORE_DEBUG"):
                raise
            yield FileReview(path=str(file), error=f"内部错误 / internal error: {type(exc).__name__}: {exc}")

    def review(self, file: Path) -> _Done:
        with warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always")
            results = [self.then(r) for r in self.found(file)]
        return results, [_plain(w) for w in warned]

    def died(self, file: Path) -> _Done:
        return [self.then(FileReview(path=str(file), error=_DIED))], []


def _plain(warning: warnings.WarningMessage) -> warnings.WarningMessage:
    """``warning`` without what may not pickle (its source object, its file handle)."""
    return warnings.WarningMessage(warning.message, warning.category, warning.filename, warning.lineno)


_DIED = "复核该文件的进程意外终止（崩溃或内存耗尽）/ the process reviewing this file died (a crash, or out of memory)"
_WORKER: list[_Job] = []
"""The job of this worker process (set by :func:`_setup`)."""


def _setup(job: _Job) -> None:
    _WORKER[:] = [job]


def _work(files: list[Path]) -> list[list[_Done]]:
    (job,) = _WORKER
    return [[job.review(file)] for file in files]


def _review_file(
    file: Path,
    ruleset: Union[Ruleset, str, Path, None],
    paths: Sequence[Union[str, Path]],
    region: str,
    form: str,
    year: int,
    strict: bool,
) -> Iterator[FileReview]:
    try:
        found = read_evaluations(file, region=region, form=form, year=year)
    except PerfscoreError as exc:
        yield FileReview(path=str(file), error=str(exc))
        return
    except OSError as exc:  # gone, or made unreadable, while the batch ran
        yield FileReview(path=str(file), error=f"cannot read: {exc.strerror or exc}")
        return
    for n, evaluation in enumerate(found, 1):
        name, table = (str(file), None) if len(found) == 1 else (f"{file} [{n}/{len(found)}]", n)
        try:
            result = FileReview(
                path=name,
                file=str(file),
                table=table,
                review=review(evaluation, ruleset, paths=paths, strict=strict),
            )
        except PerfscoreError as exc:
            result = FileReview(path=name, file=str(file), table=table, error=str(exc))
        yield result
