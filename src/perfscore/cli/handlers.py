"""One handler per subcommand: ``handler(args, paths)`` prints what the command prints and
returns its exit code. The errors a handler raises are mapped to exit codes by ``main``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union

from .exits import EXIT_FAILED, EXIT_NOT_FOUND, EXIT_OK, EXIT_RULESET, warn
from .terminal import emit, wide

if TYPE_CHECKING:
    from ..cases import CaseResult, WorkedCase
    from ..evaluations import Evaluation
    from ..rules import Ruleset

__all__ = ["HANDLERS", "Handler", "handler_for"]

Handler = Callable[[argparse.Namespace, Sequence[str]], int]
"""A subcommand: (parsed arguments, extra ruleset folders) → exit code."""


def rulesets_command(args: argparse.Namespace, paths: Sequence[str]) -> int:
    from ..report import fit
    from ..rules import available_rulesets

    for info in available_rulesets(paths):
        if info.error:
            warn(f"{info.file}: ruleset file skipped: {info.error}")
            continue
        years = f"{info.year_from}–{info.year_to or ''}"
        print(
            f"{fit(info.id, 22)} {fit(info.edition, 6)} {fit(info.region, 7)} {fit(info.form, 11)} {fit(years, 10)} {info.name.zh}"
        )
    return EXIT_OK


def load_named(name: str, year: Optional[int], paths: Sequence[str]) -> Ruleset:
    """A ruleset by id, alias or file, and ``ID@EDITION`` for one edition of it
    (``510000-department@2017``)."""
    from ..errors import EditionNotFoundError, RulesetNotFoundError
    from ..rules import available_rulesets, load_ruleset

    ident, at, edition = name.rpartition("@")
    if not at or not edition.isdigit() or Path(name).exists():
        return load_ruleset(name, year=year, paths=paths)
    editions = [
        info
        for info in available_rulesets(paths)
        if not info.error and (info.id == ident or ident in info.aliases)
    ]
    chosen = [info for info in editions if info.edition == edition]
    if not chosen:
        raise RulesetNotFoundError(
            name, [f"{info.id}@{info.edition}" for info in editions], detail="no such edition"
        )
    ruleset = load_ruleset(chosen[0].id, year=chosen[0].year_from, paths=paths)
    if ruleset.edition != edition:  # pragma: no cover - two editions in force the same year
        raise EditionNotFoundError(ident, chosen[0].year_from, [edition])
    return ruleset


def show_command(args: argparse.Namespace, paths: Sequence[str]) -> int:
    from ..report import render_ruleset

    emit(render_ruleset(load_named(args.ruleset, args.year, paths)))
    return EXIT_OK


def validate_command(args: argparse.Namespace, paths: Sequence[str]) -> int:
    """Every file is checked; an invalid one outranks one that was not found."""
    from ..errors import EditionNotFoundError, PerfscoreError, RulesetError, RulesetNotFoundError
    from ..rules import load_ruleset

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


def score_command(args: argparse.Namespace, paths: Sequence[str]) -> int:
    from ..report import render_text
    from ..reviewing import review

    found = read_evaluations(args.evaluation, region=args.region, form=args.form, year=args.year)
    if args.json:
        from ..api import resolve
        from ..scoring import score

        resolutions = [resolve(e, args.ruleset, paths=paths, strict=args.strict) for e in found]
        reports = [r.attach(score(r.evaluation, r.ruleset)) for r in resolutions]
        data = {"file": args.evaluation, "tables": [r.to_dict() for r in reports]}  # schema/score.schema.json
        import json

        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    # The breakdown, and under it every finding of the table's review (scoring's and review's).
    reviews = [review(e, args.ruleset, paths=paths, strict=args.strict) for e in found]
    wide_ = wide(sys.stdout)
    for n, reviewed in enumerate(reviews):
        text = render_text(reviewed.report, lang=args.lang, wide=wide_, findings=reviewed.findings)
        emit(("\n" if n else "") + text)
    return EXIT_OK


def export_command(args: argparse.Namespace, paths: Sequence[str]) -> int:
    """Every table of the file (or the one ``--table`` names): one workbook per table, or one
    Markdown/HTML document holding them all in order (see :func:`export_tables`)."""
    from ..report.export import export_tables
    from ..reviewing import review

    tables = [
        (review(evaluation, args.ruleset, paths=paths, strict=args.strict), evaluation)
        for evaluation in _tables(args)
    ]
    output = args.output
    if args.to == "xlsx" and not output:
        output = str(Path(args.evaluation).with_suffix(".scored.xlsx"))
    written, text = export_tables(tables, args.to, output)
    for path in written:
        print(f"已写入 / wrote {path}")
    if not output and text is not None:
        print(text, end="")
    return EXIT_OK


def _tables(args: argparse.Namespace) -> list[Evaluation]:
    """The table ``--table`` names, or every table of the file."""
    from ..codes import messages
    from ..errors import EvaluationError, Problem

    found = read_evaluations(args.evaluation, region=args.region, form=args.form, year=args.year)
    if args.table and not 1 <= args.table <= len(found):
        _, message = messages("no-such-table", table=args.table, count=len(found))
        raise EvaluationError([Problem("no-such-table", message, file=args.evaluation)])
    return [found[args.table - 1]] if args.table else found


def test_command(args: argparse.Namespace, paths: Sequence[str]) -> int:
    """Every worked case of the named rulesets (all when none is named); a name no case
    belongs to is an error (exit 5 when no ruleset has that name, 1 when it has no cases)."""
    from ..cases import CaseResult, find_cases, run_case

    cases = find_cases(args.names, paths=paths)
    status = _unmatched(args.names, cases, paths)
    passed = failed = 0
    for found in cases:
        result = found if isinstance(found, CaseResult) else run_case(found, paths=paths)
        label = f"{result.case.ruleset or '?'}: {result.case.name}  ({result.case.file})"
        if result.passed:
            passed += 1
            emit(f"PASS {label}\n")
        else:
            failed += 1
            emit(f"FAIL {label}\n")
            for line in result.differences:
                print(f"     {line}")
    print(f"{passed} passed, {failed} failed")
    return status or (EXIT_OK if failed == 0 else EXIT_FAILED)


def _unmatched(
    names: Sequence[str], cases: Sequence[Union[WorkedCase, CaseResult]], paths: Sequence[str]
) -> int:
    """Say which named rulesets no case belongs to; the exit code that makes (0: none)."""
    from ..cases import CaseResult
    from ..errors import PerfscoreError, RulesetNotFoundError
    from ..rules import load_ruleset

    have = {(c.case if isinstance(c, CaseResult) else c).ruleset for c in cases}
    status = EXIT_OK
    for name in dict.fromkeys(names):
        if name in have:
            continue
        try:
            load_ruleset(name, paths=paths)
        except RulesetNotFoundError as exc:
            warn(f"test {name}: {exc}")
            status = EXIT_NOT_FOUND
        except PerfscoreError as exc:
            warn(f"test {name}: {exc}")
            status = status or EXIT_FAILED
        else:
            warn(f"test {name}: no worked case found for this ruleset (cases/*.toml naming it)")
            status = status or EXIT_FAILED
    return status


def diff_command(args: argparse.Namespace, paths: Sequence[str]) -> int:
    from ..compare import diff_rulesets

    a = load_named(args.a, args.year, paths)
    b = load_named(args.b, args.year, paths)
    lines = diff_rulesets(a, b)
    print(f"{a.id}@{a.edition} → {b.id}@{b.edition}: {len(lines)} difference(s)")
    for line in lines:
        print(f"  {line}")
    return EXIT_OK


def read_evaluations(file: str, **fills: Any) -> list[Evaluation]:
    """:func:`perfscore.api.read_evaluations`, imported when first called."""
    from ..api import read_evaluations as read

    return read(file, **fills)


def review_command(args: argparse.Namespace, paths: Sequence[str]) -> int:
    from .reviewing import review_command as run

    return run(args, paths)


HANDLERS: Mapping[str, Handler] = {
    "rulesets": rulesets_command,
    "show": show_command,
    "validate": validate_command,
    "score": score_command,
    "review": review_command,
    "export": export_command,
    "test": test_command,
    "diff": diff_command,
}
"""The handler of each subcommand, by name."""

_OWN_MODULE = {"serve": ("serve", "cmd_serve"), "batch": ("batch", "cmd_batch")}
"""Subcommands whose handler lives in a module of its own (with its parser)."""


def handler_for(command: str) -> Handler:
    """The handler of ``command``."""
    if command in _OWN_MODULE:
        module, name = _OWN_MODULE[command]
        handler: Handler = getattr(importlib.import_module(f".{module}", __package__), name)
        return handler
    return HANDLERS[command]
