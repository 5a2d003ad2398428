"""``perfscore review``: review files and folders, with a progress bar on a terminal, each
review's findings, and a summary table across files.

It streams: each entry is turned, where it was reviewed (in a worker process with ``--jobs``),
into what the command shows of it (a :class:`Shown`: its text or JSON entry, its line of the
summary table, its counts), printed as soon as it comes and dropped. What is kept across files
is nothing but counts: the summary table's lines wait in a temporary file, and with ``--summary
OUT.xlsx`` each table's summary line (its totals and findings, never its report) is kept as
data for the workbook."""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple, Optional, TextIO

from ..errors import PerfscoreError
from ..report import finding_text, fit, pick, right
from ..report.summary import error_line, summary_workbook, table_line
from ..reviewing import FileReview, Review, batch_files, make_entry, review_each
from .exits import EXIT_FAILED, EXIT_OK
from .terminal import emit, wide

__all__ = ["Options", "Shown", "jobs_wanted", "review_command", "show", "summary"]

_RANK = {"error": 0, "warning": 1}
_BAR = 30
_QUIET = frozenset({"unsupported-format", "lock-file"})
"""Skip reasons counted in the text summary but listed only with ``--verbose`` (and in JSON):
the files in a folder that were never forms."""


class Options(NamedTuple):
    """How the entries are shown (sent once to each worker process)."""

    json: bool
    verbose: bool
    lang: str
    wide: bool
    fail_on: str
    summary: bool


class Shown(NamedTuple):
    """What the command keeps of one entry: its output, and what the counts need."""

    status: str
    """``reviewed``, ``skipped`` or ``failed``"""
    quiet: bool
    """a skipped file left unlisted (listed only with ``--verbose``, which was not given)"""
    errors: int
    fails: bool
    """fails ``--fail-on``"""
    text: str
    """the entry as printed (text), or its JSON entry; ``""`` when not listed"""
    row: str
    """its line in the summary table (text, when listed)"""
    line: Optional[dict[str, Any]]
    """its line in the summary workbook (``--summary``; none for a skipped file)"""


def show(options: Options, r: FileReview) -> Shown:
    """What is shown of ``r``: made where ``r`` was made, so only this crosses between processes."""
    data = r.review.to_dict() if r.review is not None and (options.json or options.summary) else None
    if options.json:
        entry = make_entry(
            r.file,
            r.table,
            review=data,
            error=r.error,
            skipped=r.skipped,
            reason_zh=r.reason_zh,
            reason_en=r.reason_en,
        )
        text = json.dumps(entry, ensure_ascii=False)  # one line: see write_json
        row = ""
    else:
        text = _text(r, options.verbose, options.lang)
        row = _row(r, options.wide, options.lang) if text else ""
    return Shown(
        status=r.status,
        quiet=r.skipped in _QUIET and not options.verbose,
        errors=r.review.errors if r.review is not None else 0,
        fails=_fails(r, _RANK.get(options.fail_on)),
        text=text,
        row=row,
        line=_line(r, data) if options.summary else None,
    )


def _fails(r: FileReview, threshold: Optional[int]) -> bool:
    """A file could not be reviewed, or has a finding at or above ``threshold``."""
    if threshold is None:
        return False
    if r.error:
        return True
    return r.review is not None and any(_RANK.get(f.severity, 9) <= threshold for f in r.review.findings)


def jobs_wanted(jobs: int) -> int:
    """``--jobs``: 0 is one per processor this process may use."""
    if jobs > 0:
        return jobs
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def review_command(args: argparse.Namespace, paths: Sequence[str]) -> int:
    options = Options(
        json=bool(args.json),
        verbose=bool(args.verbose),
        lang=args.lang,
        wide=wide(sys.stdout),
        fail_on=args.fail_on,
        summary=bool(args.summary),
    )
    found: Iterable[Shown] = review_each(
        args.files,
        functools.partial(show, options),
        args.ruleset,
        paths=paths,
        region=args.region,
        form=args.form,
        year=args.year,
        strict=args.strict,
        jobs=jobs_wanted(args.jobs),
    )
    if not args.no_progress and not args.json and sys.stderr.isatty():
        found = _progress(found, sum(1 for _ in batch_files(args.files)))
    tally = Tally()
    lines: list[dict[str, Any]] = []
    found = tally.count(found, lines)
    if args.json:
        write_json(found, sys.stdout)
    else:
        _print_text(found, tally, args.lang, options.wide)
    if args.summary:
        _write_summary(args.summary, lines)
    return EXIT_FAILED if tally.fails else EXIT_OK


def _print_text(results: Iterable[Shown], tally: Tally, lang: str, wide_: bool) -> None:
    """Each entry as it comes; then the summary table, whose lines wait on disk, not in memory."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as rows:
        for result in results:
            if result.text:
                emit(result.text + "\n")
                rows.write(result.row + "\n")
        rows.seek(0)
        for line in summary((line.rstrip("\n") for line in rows), tally, wide_, lang):
            emit(line)


_TABLE = re.compile(r"^(.*) \[(\d+)/\d+\]$")


def _line(r: FileReview, data: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
    """The entry's line in the summary workbook (a skipped file has none)."""
    if r.skipped:
        return None
    match = _TABLE.match(r.path)
    file, table = (match.group(1), int(match.group(2))) if match else (r.path, None)
    return table_line(file, table, data) if data is not None else error_line(file, table, r.error)


def _write_summary(path: str, lines: list[dict[str, Any]]) -> None:
    """The batch summary workbook; what stops it is said (exit code unchanged by it otherwise)."""
    try:
        data = summary_workbook(lines)
    except ImportError as exc:
        raise PerfscoreError(
            f"无法写入 {path}：汇总工作簿需要 openpyxl / cannot write {path}: the summary workbook needs openpyxl ({exc})"
        ) from exc
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise PerfscoreError(f"无法写入 / cannot write {path}: {exc.strerror or exc}") from exc
    print(f"已写入 {path}（{len(lines)} 个表）/ wrote {path} ({len(lines)} table(s))", file=sys.stderr)


class Tally:
    """Counts across a batch (reviewed, skipped, failed, error findings), and whether it fails
    ``--fail-on`` (a file could not be reviewed, or has a finding at or above it)."""

    def __init__(self) -> None:
        self.status: Counter[str] = Counter()
        self.quiet = 0
        self.errors = 0
        self.fails = False

    def count(self, results: Iterable[Shown], lines: list[dict[str, Any]]) -> Iterator[Shown]:
        """Pass ``results`` on, counting them and keeping their summary workbook lines."""
        for r in results:
            self.status[r.status] += 1
            self.quiet += r.quiet
            self.errors += r.errors
            self.fails = self.fails or r.fails
            if r.line is not None:
                lines.append(r.line)
            yield r


def write_json(results: Iterable[Shown], out: TextIO) -> None:
    """``{"results": [entry, ...]}`` (schema/review.schema.json), written an entry at a time, each
    entry on a line of its own (so the lines between the first and the last are JSON Lines, each
    but the last followed by a comma): valid JSON once the batch ends, and read as it comes by
    whoever splits it into lines."""
    out.write('{"results": [')
    first = True
    for r in results:
        out.write(("\n" if first else ",\n") + r.text)
        out.flush()
        first = False
    out.write("\n]}\n")


def _progress(results: Iterable[Shown], total: int) -> Iterator[Shown]:
    n = 0
    for result in results:
        yield result
        n = min(n + 1, total)
        if total > 10:
            done = n * _BAR // max(total, 1)
            print(f"\r[{'#' * done}{'.' * (_BAR - done)}] {n}/{total}", end="", file=sys.stderr, flush=True)
    if total > 10:
        print(file=sys.stderr)


def _text(r: FileReview, verbose: bool, lang: str = "both") -> str:
    if r.review is not None:
        return _review_text(r.review, r.path, lang)
    if r.skipped:
        if r.skipped in _QUIET and not verbose:
            return ""
        reason = {"zh": r.reason_zh, "en": r.reason_en}.get(lang, f"{r.reason_zh} / {r.reason_en}")
        return f"{r.path}: {pick('跳过', 'skipped', lang)}: {reason}\n"
    return f"{r.path}: {pick('无法复核', 'cannot review', lang) if lang != 'both' else '无法复核 / cannot review'}: {r.error}\n"


def _review_text(reviewed: Review, label: str, lang: str) -> str:
    """A table's findings under a line of its counts and totals (as ``Review.to_text``, in the
    language(s) ``lang`` asks)."""
    r = reviewed.report
    if lang == "both":
        return reviewed.to_text(label)
    reported = r.reported_total if r.reported_total is not None else "—"
    if lang == "zh":
        head = (
            f"{label}: {reviewed.errors} 个错误，{reviewed.warnings} 个警告；计算 {r.total}"
            f"{'' if r.complete else '（不完整）'}，自评 {reported}；等级 {r.grade or '—'}，自评等级 {r.reported_grade or '—'}"
        )
    else:
        head = (
            f"{label}: {reviewed.errors} error(s), {reviewed.warnings} warning(s); computed {r.total}"
            f"{'' if r.complete else ' (incomplete)'} vs reported {reported};"
            f" grade {r.grade_en or r.grade or '—'} vs reported {r.reported_grade or '—'}"
        )
    return "\n".join([head, *(f"  {finding_text(f, lang)}" for f in reviewed.findings)]) + "\n"


def _row(r: FileReview, wide_: bool = False, lang: str = "both") -> str:
    """The file's line in the summary table (its labels in the language(s) ``lang`` asks)."""
    name = fit(r.path, 48, wide_)
    if r.skipped:
        said = {"zh": f"跳过：{r.reason_zh}", "en": f"skipped: {r.reason_en}"}
        return f"{name} {'—':>6} {'—':>5} {'—':>9} {'—':>9}  {said.get(lang, f'跳过 skipped: {r.reason_zh}')}"
    if r.review is None:
        said = {"zh": "无法复核", "en": "cannot review"}
        return f"{name} {'—':>6} {'—':>5} {'—':>9} {'—':>9}  {said.get(lang, '无法复核 / cannot review')}"
    rep = r.review.report
    computed = f"{rep.total}{'' if rep.complete else '*'}"
    reported = "—" if rep.reported_total is None else str(rep.reported_total)
    return (
        f"{name} {r.review.errors:>6} {r.review.warnings:>5} {computed:>9} {reported:>9}  "
        f"{rep.grade or '—'} / {rep.reported_grade or '—'}"
    )


def summary(rows: Iterable[str], tally: Tally, wide_: bool = False, lang: str = "both") -> Iterator[str]:
    """The summary table (one line per entry shown), then the counts: read, skipped, failed;
    a line at a time (each ending in a newline)."""
    zh = lang == "zh"
    sizes = (6, 5, 9, 9)
    for heads in [_HEADS_ZH] if zh else [_HEADS] if lang == "en" else [_HEADS_ZH, _HEADS]:  # both: 中文 first
        cells = " ".join(right(h, n, wide_) for h, n in zip(heads[1:5], sizes))
        yield f"{fit(heads[0], 48, wide_)} {cells}  {heads[5]}\n"
    for row in rows:
        yield row + "\n"
    s = tally.status
    if lang != "en":  # both: the Chinese line, then the English one
        quiet = f"（{tally.quiet} 个未列出：--verbose 列出）" if tally.quiet else ""
        yield (
            f"{sum(s.values())} 个文件：{s['reviewed']} 个已复核，{s['skipped']} 个跳过{quiet}，"
            f"{s['failed']} 个无法复核；{tally.errors} 条错误发现（* = 不完整：有行无法计分）\n"
        )
        if zh:
            return
    quiet = f" ({tally.quiet} not listed: --verbose lists them)" if tally.quiet else ""
    yield (
        f"{sum(s.values())} file(s): {s['reviewed']} reviewed, {s['skipped']} skipped{quiet},"
        f" {s['failed']} could not be reviewed; {tally.errors} error finding(s)"
        " (* = incomplete: some rows not scorable)\n"
    )


_HEADS = ("file", "errors", "warn", "computed", "reported", "grade")
_HEADS_ZH = ("文件", "错误", "警告", "计算得分", "自评得分", "等级 计算/自评")
