"""The ``perfscore`` command line: its options and subcommands, parsed into a namespace.

``args.command`` names the subcommand. ``--rulesets DIR`` is accepted before the subcommand
(``args.rulesets``) and after it (``args.rulesets_after``); :func:`ruleset_dirs` joins them."""

from __future__ import annotations

import argparse

from .. import __version__
from .batch import add_batch
from .serve import add_serve

__all__ = ["FORMATS", "LANGS", "build_parser", "ruleset_dirs"]

# The report's languages and export's formats, spelled here so that building the parser imports
# neither (tests/test_cli.py checks they are the same as ``report.LANGS`` and ``export.FORMATS``).
LANGS = ("both", "zh", "en")
FORMATS = ("xlsx", "md", "html")


def ruleset_dirs(args: argparse.Namespace) -> list[str]:
    """Every ``--rulesets DIR``, those before the subcommand first."""
    return [*args.rulesets, *getattr(args, "rulesets_after", [])]


def _add_common(command: argparse.ArgumentParser, *, lang: bool) -> None:
    """What a subcommand also accepts after its name: ``--rulesets DIR`` (the top-level option's
    own dest would be overwritten by the subcommand's default, hence another), and ``--lang``
    for those that print a report or review as text."""
    command.add_argument(
        "--rulesets",
        dest="rulesets_after",
        action="append",
        default=[],
        metavar="DIR",
        help="also look for rulesets in DIR (repeatable; before the shipped ones; before or after the command)",
    )
    if lang:
        command.add_argument(
            "--lang",
            choices=LANGS,
            default="both",
            help="the text output in Chinese (zh), English (en) or both (default)",
        )


def build_parser() -> argparse.ArgumentParser:
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
    _add_ruleset_views(sub)
    forms = _form_options()
    _add_score(sub, forms)
    _add_review(sub, forms)
    _add_export(sub, forms)
    _add_ruleset_checks(sub)
    add_serve(sub)
    add_batch(sub)
    for name, command in sub.choices.items():
        _add_common(command, lang=name in ("score", "review"))
    return parser


def _add_ruleset_views(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """rulesets, show, validate."""
    sub.add_parser("rulesets", help="list the rulesets found")
    show = sub.add_parser("show", help="show a ruleset's framework as a tree")
    show.add_argument("ruleset", help="ruleset id, alias or file; ID@EDITION names an edition")
    show.add_argument("--year", type=int, help="the edition in force in YEAR (default: the newest)")
    validate = sub.add_parser("validate", help="check ruleset files and print every problem")
    validate.add_argument("files", nargs="+", metavar="RULESET_FILE")


def _add_ruleset_checks(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """test (the worked cases) and diff."""
    test = sub.add_parser("test", help="run the worked cases of rulesets (all when none is named)")
    # Not dest="rulesets": that is the top-level --rulesets DIR, which it would overwrite.
    test.add_argument("names", nargs="*", metavar="RULESET", help="ruleset ids (default: all)")
    diff = sub.add_parser("diff", help="how two frameworks differ")
    diff.add_argument("a", metavar="RULESET_A", help="ruleset id, alias or file; ID@EDITION names an edition")
    diff.add_argument(
        "b", metavar="RULESET_B", help="as RULESET_A: diff ID@2017 ID@2020 compares two editions"
    )
    diff.add_argument("--year", type=int, help="compare the editions in force in YEAR")


def _form_options() -> argparse.ArgumentParser:
    """What a Word or Excel form may not say, and whether the ruleset may fall back: shared by
    score, review and export."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--region", default="", help="GB/T 2260 code, for Word/Excel forms that do not say")
    options.add_argument(
        "--form",
        default="",
        choices=("", "project", "department", "special_fund"),
        help="the form, when the title does not say",
    )
    options.add_argument("--year", type=int, default=0, help="the year, when the title does not say")
    options.add_argument(
        "--strict",
        action="store_true",
        help="refuse (exit 5, or 4 for a region code that does not exist) instead of falling back to the"
        " nearest edition or the national rules",
    )
    return options


def _add_score(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], forms: argparse.ArgumentParser
) -> None:
    score = sub.add_parser(
        "score", parents=[forms], help="score an evaluation (.toml, .json, or a Word/Excel form)"
    )
    score.add_argument("evaluation", metavar="EVALUATION")
    score.add_argument(
        "--ruleset", help="ruleset id or file (default: chosen by the evaluation's region, form and year)"
    )
    score.add_argument("--json", action="store_true", help="print the report as JSON")


def _add_review(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], forms: argparse.ArgumentParser
) -> None:
    review = sub.add_parser(
        "review", parents=[forms], help="recompute self-evaluations and report every discrepancy"
    )
    review.add_argument("files", nargs="+", metavar="FILE", help="evaluation files, or folders of them")
    review.add_argument("--ruleset", help="ruleset id or file (default: chosen per evaluation)")
    review.add_argument("--json", action="store_true", help="print the reviews as JSON")
    review.add_argument(
        "--fail-on",
        choices=("error", "warning", "never"),
        default="error",
        help="exit 1 when a finding of this severity (or worse) is found; default: error",
    )
    review.add_argument("--no-progress", action="store_true", help="no progress bar")
    review.add_argument(
        "--summary",
        metavar="OUT.xlsx",
        help="also write the batch summary workbook: one row per table, a sheet per finding code, totals",
    )
    review.add_argument("--verbose", action="store_true", help="also list every file skipped as not a form")
    review.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=1,
        metavar="N",
        help="review N files at a time in N processes (0: one per processor; default: 1, in this process)."
        " The output is the same, in the same order",
    )


def _jobs(text: str) -> int:
    """``--jobs N``: a whole number, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: a number of processes, 0 (one per processor) or more")
    return value


def _add_export(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], forms: argparse.ArgumentParser
) -> None:
    export = sub.add_parser(
        "export", parents=[forms], help="write a scored workbook (xlsx) or a report (md, html)"
    )
    export.add_argument("evaluation", metavar="FILE")
    export.add_argument(
        "--table", type=int, default=0, help="which table of a form that holds several (1-based)"
    )
    export.add_argument("--to", required=True, choices=FORMATS, help="the format")
    export.add_argument(
        "-o", "--output", help="where to write (xlsx default: FILE with .scored.xlsx; md/html: stdout)"
    )
    export.add_argument("--ruleset", help="ruleset id or file (default: chosen by the evaluation)")
