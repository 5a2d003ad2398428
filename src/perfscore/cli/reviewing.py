"""``perfscore review``: review files and folders, with a progress bar on a terminal, each
review's findings, and a summary table across files.

It streams: each file's review is printed (or written to the JSON array) as soon as it is
done and then dropped; what is kept across files is one short summary line per entry shown."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import TextIO

from ..report import fit
from ..reviewing import FileReview, batch_files, review_files
from .exits import EXIT_FAILED, EXIT_OK

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
    if args.json:
        write_json(tally.count(found), sys.stdout)
    else:
        verbose = bool(args.verbose)
        rows = []
        for result in tally.count(found):
            text = _text(result, verbose)
            if text:
                print(text)
                rows.append(_row(result))
        print(summary(rows, tally), end="")
    return EXIT_FAILED if tally.fails else EXIT_OK


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


def _text(r: FileReview, verbose: bool) -> str:
    if r.review is not None:
        return r.review.to_text(r.path)
    if r.skipped:
        if r.skipped in _QUIET and not verbose:
            return ""
        return f"{r.path}: 跳过 skipped: {r.reason_zh} / {r.reason_en}\n"
    return f"{r.path}: cannot review: {r.error}\n"


def _row(r: FileReview) -> str:
    """The file's line in the summary table."""
    name = fit(r.path, 48)
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


def summary(rows: Iterable[str], tally: Tally) -> str:
    """The summary table (one line per entry shown), then the counts: read, skipped, failed."""
    lines = [f"{fit('file', 48)} {'errors':>6} {'warn':>5} {'computed':>9} {'reported':>9}  grade", *rows]
    s = tally.status
    quiet = f" ({tally.quiet} not listed: --verbose lists them)" if tally.quiet else ""
    lines.append(
        f"{sum(s.values())} file(s): {s['reviewed']} reviewed, {s['skipped']} skipped{quiet},"
        f" {s['failed']} could not be reviewed; {tally.errors} error finding(s)"
        " (* = incomplete: some rows not scorable)"
    )
    return "\n".join(lines) + "\n"
