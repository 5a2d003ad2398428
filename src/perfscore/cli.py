"""The ``perfscore`` command. The only module that prints or exits.

Exit codes (also in docs/cli.md):

- 0 — done
- 2 — bad command line
- 3 — a ruleset is invalid (every problem is printed)
- 4 — an evaluation file is invalid (every problem is printed)
- 5 — no such ruleset, or no edition in force in the evaluation's year
- 1 — ``test``: a worked case gave a different result; ``review``: a finding at or above
  ``--fail-on`` (default: error), or a file that could not be reviewed; any other perfscore
  error (an export that cannot be written)
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

from . import __version__
from .api import read_evaluations, resolve
from .cases import CaseResult, find_cases, run_case
from .compare import diff_rulesets
from .errors import (
    EditionNotFoundError,
    EvaluationError,
    PerfscoreError,
    Problem,
    RulesetError,
    RulesetNotFoundError,
)
from .evaluations import Evaluation
from .report import fit, render_ruleset
from .report.export import FORMATS, export
from .reviewing import FileReview, evaluation_files, review, review_files
from .rules import RulesetWarning, available_rulesets, load_ruleset
from .scoring import score

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_RULESET, EXIT_EVALUATION, EXIT_NOT_FOUND = 0, 1, 2, 3, 4, 5


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perfscore", description="Score 绩效自评表 (budget-performance self-evaluations) from data."
    )
    parser.add_argument("--version", action="version", version=f"perfscore {__version__}")
    parser.add_argument(
        "--rulesets",
        action="append",
        default=[],
        metavar="DIR",
        help="also look for rulesets in DIR (repeatable; before the shipped ones)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("rulesets", help="list the rulesets found")
    show = sub.add_parser("show", help="show a ruleset's framework as a tree")
    show.add_argument("ruleset", help="ruleset id, alias or file")
    show.add_argument("--year", type=int, help="the edition in force in YEAR (default: the newest)")
    validate = sub.add_parser("validate", help="check ruleset files and print every problem")
    validate.add_argument("files", nargs="+", metavar="RULESET_FILE")
    form_options = argparse.ArgumentParser(add_help=False)
    form_options.add_argument(
        "--region", default="", help="GB/T 2260 code, for Word/Excel forms that do not say"
    )
    form_options.add_argument(
        "--form",
        default="",
        choices=("", "project", "department", "special_fund"),
        help="the form, when the title does not say",
    )
    form_options.add_argument("--year", type=int, default=0, help="the year, when the title does not say")
    score_cmd = sub.add_parser(
        "score", parents=[form_options], help="score an evaluation (.toml, .json, or a Word/Excel form)"
    )
    score_cmd.add_argument("evaluation", metavar="EVALUATION")
    score_cmd.add_argument(
        "--ruleset", help="ruleset id or file (default: chosen by the evaluation's region, form and year)"
    )
    score_cmd.add_argument("--json", action="store_true", help="print the report as JSON")
    review_cmd = sub.add_parser(
        "review", parents=[form_options], help="recompute self-evaluations and report every discrepancy"
    )
    review_cmd.add_argument("files", nargs="+", metavar="FILE", help="evaluation files, or folders of them")
    review_cmd.add_argument("--ruleset", help="ruleset id or file (default: chosen per evaluation)")
    review_cmd.add_argument("--json", action="store_true", help="print the reviews as JSON")
    review_cmd.add_argument(
        "--fail-on",
        choices=("error", "warning", "never"),
        default="error",
        help="exit 1 when a finding of this severity (or worse) is found; default: error",
    )
    review_cmd.add_argument("--no-progress", action="store_true", help="no progress bar")
    export_cmd = sub.add_parser(
        "export", parents=[form_options], help="write a scored workbook (xlsx) or a report (md, html)"
    )
    export_cmd.add_argument("evaluation", metavar="FILE")
    export_cmd.add_argument(
        "--table", type=int, default=0, help="which table of a form that holds several (1-based)"
    )
    export_cmd.add_argument("--to", required=True, choices=FORMATS, help="the format")
    export_cmd.add_argument(
        "-o", "--output", help="where to write (xlsx default: FILE with .scored.xlsx; md/html: stdout)"
    )
    export_cmd.add_argument("--ruleset", help="ruleset id or file (default: chosen by the evaluation)")
    test = sub.add_parser("test", help="run the worked cases of rulesets (all when none is named)")
    test.add_argument("rulesets", nargs="*", metavar="RULESET")
    diff = sub.add_parser("diff", help="how two frameworks differ")
    diff.add_argument("a", metavar="RULESET_A")
    diff.add_argument("b", metavar="RULESET_B")
    diff.add_argument("--year", type=int, help="compare the editions in force in YEAR")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; return the exit code.

    Every error perfscore raises is printed as a message and mapped to its exit code; a
    ruleset file that could not be read is printed as a warning."""
    args = _parser().parse_args(argv)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RulesetWarning)
        try:
            return _run(args)
        finally:
            for shown in dict.fromkeys(
                str(w.message) for w in caught if issubclass(w.category, RulesetWarning)
            ):
                print(f"perfscore: warning: {shown}", file=sys.stderr)
            for w in caught:
                if not issubclass(w.category, RulesetWarning):
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _run(args: argparse.Namespace) -> int:
    paths = args.rulesets
    try:
        if args.command == "rulesets":
            for info in available_rulesets(paths):
                if info.error:
                    print(
                        f"perfscore: warning: {info.file}: ruleset file skipped: {info.error}",
                        file=sys.stderr,
                    )
                    continue
                years = f"{info.year_from}–{info.year_to or ''}"
                print(
                    f"{fit(info.id, 22)} {fit(info.edition, 6)} {fit(info.region, 7)} {fit(info.form, 11)} {fit(years, 10)} {info.name.zh}"
                )
            return EXIT_OK
        if args.command == "show":
            print(render_ruleset(load_ruleset(args.ruleset, year=args.year, paths=paths)), end="")
            return EXIT_OK
        if args.command == "validate":
            # Every file is checked; an invalid one outranks one that was not found.
            status = EXIT_OK
            for file in args.files:
                try:
                    ruleset = load_ruleset(file, paths=paths)
                except RulesetError as exc:
                    status = EXIT_RULESET
                    print(f"{file}: {len(exc.problems)} problem(s)")
                    for problem in exc.problems:
                        print(f"  {problem}")
                except (RulesetNotFoundError, EditionNotFoundError) as exc:
                    status = status or EXIT_NOT_FOUND
                    print(f"{file}: {exc}")
                except PerfscoreError as exc:
                    status = status or EXIT_FAILED
                    print(f"{file}: {exc}")
                else:
                    print(
                        f"{file}: ok ({ruleset.id} {ruleset.edition}, {len(ruleset.blocks)} blocks, {len(ruleset.methods)} methods)"
                    )
            return status
        if args.command == "review":
            return _review(args, paths)
        if args.command == "export":
            evaluation = _one_table(args)
            reviewed = review(evaluation, args.ruleset, paths=paths)
            output = args.output
            if args.to == "xlsx" and not output:
                output = str(Path(args.evaluation).with_suffix(".scored.xlsx"))
            text = export(reviewed, args.to, output, evaluation=evaluation)
            if output:
                print(f"wrote {output}")
            elif text is not None:
                print(text, end="")
            return EXIT_OK
        if args.command == "test":
            return _test(args.rulesets, paths)
        if args.command == "diff":
            a = load_ruleset(args.a, year=args.year, paths=paths)
            b = load_ruleset(args.b, year=args.year, paths=paths)
            lines = diff_rulesets(a, b)
            print(f"{a.id}@{a.edition} → {b.id}@{b.edition}: {len(lines)} difference(s)")
            for line in lines:
                print(f"  {line}")
            return EXIT_OK
        reports = [
            score(*resolve(evaluation, args.ruleset, paths=paths))
            for evaluation in read_evaluations(
                args.evaluation, region=args.region, form=args.form, year=args.year
            )
        ]
        if args.json:
            data = [r.to_dict() for r in reports]
            print(json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2))
        else:
            print("\n".join(r.to_text() for r in reports), end="")
        return EXIT_OK
    except RulesetError as exc:
        print(f"perfscore: invalid ruleset: {exc}", file=sys.stderr)
        return EXIT_RULESET
    except EvaluationError as exc:
        print(f"perfscore: invalid evaluation: {exc}", file=sys.stderr)
        return EXIT_EVALUATION
    except (RulesetNotFoundError, EditionNotFoundError) as exc:
        print(f"perfscore: {exc}", file=sys.stderr)
        return EXIT_NOT_FOUND
    except PerfscoreError as exc:  # an export that cannot be written, and any other
        print(f"perfscore: {exc}", file=sys.stderr)
        return EXIT_FAILED


def _one_table(args: argparse.Namespace) -> Evaluation:
    found = read_evaluations(args.evaluation, region=args.region, form=args.form, year=args.year)
    if args.table:
        if not 1 <= args.table <= len(found):
            raise EvaluationError(
                [
                    Problem(
                        "no-such-table",
                        f"--table {args.table}: the file holds {len(found)} table(s)",
                        file=args.evaluation,
                    )
                ]
            )
        chosen: Evaluation = found[args.table - 1]
        return chosen
    if len(found) > 1:
        raise EvaluationError(
            [
                Problem(
                    "several-tables",
                    f"the file holds {len(found)} tables; choose one with --table N",
                    file=args.evaluation,
                )
            ]
        )
    only: Evaluation = found[0]
    return only


def _review(args: argparse.Namespace, paths: Sequence[str]) -> int:
    files = evaluation_files(args.files)
    progress = not args.no_progress and not args.json and len(files) > 10 and sys.stderr.isatty()
    results = []
    # The folders named, not their listing: a directory named x.toml inside one is an entry to
    # report, not a folder to expand again.
    found = review_files(
        args.files, args.ruleset, paths=paths, region=args.region, form=args.form, year=args.year
    )
    for n, result in enumerate(found, 1):
        results.append(result)
        if progress:
            done = n * 30 // len(files)
            print(
                f"\r[{'#' * done}{'.' * (30 - done)}] {n}/{len(files)}", end="", file=sys.stderr, flush=True
            )
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
        print(_summary(results), end="")
    worst = {"error": 0, "warning": 1}
    threshold = worst.get(args.fail_on)
    if threshold is None:
        return EXIT_OK
    failed = any(
        r.error or (r.review and any(worst.get(f.severity, 9) <= threshold for f in r.review.findings))
        for r in results
    )
    return EXIT_FAILED if failed else EXIT_OK


def _summary(results: Sequence[FileReview]) -> str:
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


def _test(rulesets: Sequence[str], paths: Sequence[str]) -> int:
    passed = failed = 0
    for found in find_cases(rulesets, paths=paths):
        result = found if isinstance(found, CaseResult) else run_case(found, paths=paths)
        label = f"{result.case.ruleset or '?'}: {result.case.name}  ({result.case.file})"
        if result.passed:
            passed += 1
            print(f"PASS {label}")
        else:
            failed += 1
            print(f"FAIL {label}")
            for line in result.differences:
                print(f"     {line}")
    print(f"{passed} passed, {failed} failed")
    return EXIT_OK if failed == 0 else EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
