"""``perfscore review``: review files and folders, with a progress bar on a terminal, each
review's findings, and a summary table across files.

It streams: each file's review is printed (or written to the JSON array) as soon as it is
done and then dropped; what is kept across files is one short summary line per entry shown
(and, with ``--summary OUT.xlsx``, each table's summary line as data: its totals and findings,
never its report)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from ..errors import PerfscoreError
from ..report import finding_text, fit, pick, right
from ..report.summary import error_line, summary_workbook, table_line
from ..reviewing import FileReview, Review, batch_files, review_files
from .exits import EXIT_FAILED, EXIT_OK
from .terminal import emit, wide

__all__ = ["review_command", "summary"]

_RANK = {"error": 0, "warning": 1}
_BAR = 30
_QUIET = frozenset({"unsupported-format", "lock-file"})
"""Skip reasons counted in the text summary but listed only with ``--verbose`` (and in JSON):
the files in a folder that were never forms."""


def review_command(args: argparse.Namespace, paths: Sequence[str]) -> int:
    found = review_files(
        args.files,
        args.ruleset,
        paths=paths,
        region=args.region,
        form=args.form,
        year=args.year,
        strict=args.strict,
    )
    if not args.no_progress and not args.json and sys.stderr.isatty():
        found = _progress(found, sum(1 for _ in batch_files(args.files)))
    tally = Tally(args.fail_on)
    lines: list[dict[str, Any]] = []
    if args.summary:
        found = _collect(found, lines)
    if args.json:
        write_json(tally.count(found), sys.stdout)
    else:
        _print_text(tally.count(found), tally, args)
    if args.summary:
        _write_summary(args.summary, lines)
    return EXIT_FAILED if tally.fails else EXIT_OK


def _print_text(results: Iterable[FileReview], tally: Tally, args: argparse.Namespace) -> None:
    verbose, lang, wide_ = bool(args.verbose), args.lang, wide(sys.stdout)
    rows = []
    for result in results:
        text = _text(result, verbose, lang)
        if text:
            emit(text + "\n")
            rows.append(_row(result, wide_))
    emit(summary(rows, tally, wide_, lang))


_TABLE = re.compile(r"^(.*) \[(\d+)/\d+\]$")


def _collect(results: Iterable[FileReview], lines: list[dict[str, Any]]) -> Iterator[FileReview]:
    """Pass ``results`` on, keeping each table's summary line (a skipped file has none)."""
    for r in results:
        if not r.skipped:
            match = _TABLE.match(r.path)
            file, table = (match.group(1), int(match.group(2))) if match else (r.path, None)
            if r.review is not None:
                lines.append(table_line(file, table, r.review.to_dict()))
            else:
                lines.append(error_line(file, table, r.error))
        yield r


def _write_summary(path: str, lines: list[dict[str, Any]]) -> None:
    """The batch summary workbook; what stops it is said (exit code unchanged by it otherwise)."""
    try:
        data = summary_workbook(lines)
    except ImportError as exc:
        raise PerfscoreError(f"cannot write {path}: the summary workbook needs openpyxl ({exc})") from exc
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise PerfscoreError(f"cannot write {path}: {exc.strerror or exc}") from exc
    print(f"wrote {path} ({len(lines)} table(s))", file=sys.stderr)


class Tally:
    """Counts across a batch (reviewed, skipped, failed, error findings), and whether it fails
    ``--fail-on``: a file could not be reviewed, or has a finding at or above ``fail_on``."""

    def __init__(self, fail_on: str) -> None:
        self.threshold = _RANK.get(fail_on)
        self.status: Counter[str] = Counter()
        self.quiet = 0
        self.errors = 0
        self.fails = False

    def count(self, results: Iterable[FileReview]) -> Iterator[FileReview]:
        for r in results:
            self.status[r.status] += 1
            self.quiet += r.skipped in _QUIET
            if r.review is not None:
                self.errors += r.review.errors
            self.fails = self.fails or self._fails(r)
            yield r

    def _fails(self, r: FileReview) -> bool:
        if self.threshold is None:
            return False
        if r.error:
            return True
        return r.review is not None and any(
            _RANK.get(f.severity, 9) <= self.threshold for f in r.review.findings
        )


def write_json(results: Iterable[FileReview], out: TextIO) -> None:
    """``{"results": [entry, ...]}`` (schema/review.schema.json), written an entry at a time:
    valid JSON once the batch ends."""
    out.write('{\n  "results": [')
    first = True
    for r in results:
        text = json.dumps(r.to_dict(), ensure_ascii=False, indent=2)
        out.write(("\n    " if first else ",\n    ") + text.replace("\n", "\n    "))
        out.flush()
        first = False
    out.write("\n  ]\n}\n" if not first else "]\n}\n")


def _progress(results: Iterable[FileReview], total: int) -> Iterator[FileReview]:
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
    return f"{r.path}: {pick('无法复核', 'cannot review', lang) if lang != 'both' else 'cannot review'}: {r.error}\n"


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


def _row(r: FileReview, wide_: bool = False) -> str:
    """The file's line in the summary table."""
    name = fit(r.path, 48, wide_)
    if r.skipped:
        return f"{name} {'—':>6} {'—':>5} {'—':>9} {'—':>9}  跳过 skipped: {r.reason_zh}"
    if r.review is None:
        return f"{name} {'—':>6} {'—':>5} {'—':>9} {'—':>9}  cannot review"
    rep = r.review.report
    computed = f"{rep.total}{'' if rep.complete else '*'}"
    reported = "—" if rep.reported_total is None else str(rep.reported_total)
    return (
        f"{name} {r.review.errors:>6} {r.review.warnings:>5} {computed:>9} {reported:>9}  "
        f"{rep.grade or '—'} / {rep.reported_grade or '—'}"
    )


def summary(rows: Iterable[str], tally: Tally, wide_: bool = False, lang: str = "both") -> str:
    """The summary table (one line per entry shown), then the counts: read, skipped, failed."""
    zh = lang == "zh"
    heads = ("文件", "错误", "警告", "计算", "自评", "等级") if zh else _HEADS
    sizes = (6, 5, 9, 9)
    cells = " ".join(right(h, n, wide_) for h, n in zip(heads[1:5], sizes))
    lines = [f"{fit(heads[0], 48, wide_)} {cells}  {heads[5]}", *rows]
    s = tally.status
    if zh:
        quiet = f"（{tally.quiet} 个未列出：--verbose 列出）" if tally.quiet else ""
        lines.append(
            f"{sum(s.values())} 个文件：{s['reviewed']} 个已复核，{s['skipped']} 个跳过{quiet}，"
            f"{s['failed']} 个无法复核；{tally.errors} 条错误发现（* = 不完整：有行无法计分）"
        )
        return "\n".join(lines) + "\n"
    quiet = f" ({tally.quiet} not listed: --verbose lists them)" if tally.quiet else ""
    lines.append(
        f"{sum(s.values())} file(s): {s['reviewed']} reviewed, {s['skipped']} skipped{quiet},"
        f" {s['failed']} could not be reviewed; {tally.errors} error finding(s)"
        " (* = incomplete: some rows not scorable)"
    )
    return "\n".join(lines) + "\n"


_HEADS = ("file", "errors", "warn", "computed", "reported", "grade")
