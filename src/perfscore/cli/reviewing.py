"""``perfscore review``: review files and folders, with a progress bar on a terminal, each
review's findings, and a summary table across files."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from ..report import fit
from ..reviewing import FileReview, evaluation_files, review_files
from .exits import EXIT_FAILED, EXIT_OK

__all__ = ["review_command"]

_RANK = {"error": 0, "warning": 1}
_BAR = 30


def review_command(args: argparse.Namespace, paths: Sequence[str]) -> int:
    total = len(evaluation_files(args.files))
    progress = not args.no_progress and not args.json and total > 10 and sys.stderr.isatty()
    results = []
    # The folders named, not their listing: a directory named x.toml inside one is an entry to
    # report, not a folder to expand again.
    found = review_files(
        args.files,
        args.ruleset,
        paths=paths,
        region=args.region,
        form=args.form,
        year=args.year,
        strict=args.strict,
    )
    for n, result in enumerate(found, 1):
        results.append(result)
        if progress:
            done = n * _BAR // total
            bar = f"\r[{'#' * done}{'.' * (_BAR - done)}] {n}/{total}"
            print(bar, end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    if args.json:
        print(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        for result in results:
            print(
                result.review.to_text(result.path)
                if result.review
                else f"{result.path}: cannot review: {result.error}\n"
            )
        print(summary(results), end="")
    return EXIT_FAILED if _fails(results, args.fail_on) else EXIT_OK


def _fails(results: Sequence[FileReview], fail_on: str) -> bool:
    """A file could not be reviewed, or has a finding at or above ``fail_on`` (never: no)."""
    threshold = _RANK.get(fail_on)
    if threshold is None:
        return False
    return any(
        r.error or (r.review and any(_RANK.get(f.severity, 9) <= threshold for f in r.review.findings))
        for r in results
    )


def summary(results: Sequence[FileReview]) -> str:
    """One line per file (errors, warnings, computed vs reported total and grade), then totals."""
    lines = [f"{fit('file', 48)} {'errors':>6} {'warn':>5} {'computed':>9} {'reported':>9}  grade"]
    for r in results:
        name = fit(r.path, 48)
        if r.review is None:
            lines.append(f"{name} {'—':>6} {'—':>5} {'—':>9} {'—':>9}  cannot review")
            continue
        rep = r.review.report
        computed = f"{rep.total}{'' if rep.complete else '*'}"
        reported = "—" if rep.reported_total is None else str(rep.reported_total)
        lines.append(
            f"{name} {r.review.errors:>6} {r.review.warnings:>5} {computed:>9} {reported:>9}  "
            f"{rep.grade or '—'} / {rep.reported_grade or '—'}"
        )
    unreadable = sum(1 for r in results if r.review is None)
    errors = sum(r.review.errors for r in results if r.review)
    lines.append(
        f"{len(results)} file(s): {errors} error finding(s), {unreadable} file(s) could not be reviewed"
        " (* = incomplete: some rows not scorable)"
    )
    return "\n".join(lines) + "\n"
