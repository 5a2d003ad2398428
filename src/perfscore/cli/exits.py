"""Exit codes, and how each error perfscore raises ends the command (also in docs/cli.md)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..errors import PerfscoreError

__all__ = [
    "EXIT_EVALUATION",
    "EXIT_FAILED",
    "EXIT_INTERNAL",
    "EXIT_NOT_FOUND",
    "EXIT_OK",
    "EXIT_RULESET",
    "EXIT_USAGE",
    "exit_for",
    "warn",
]

EXIT_OK = 0
"""done"""
EXIT_FAILED = 1
"""``test``: a worked case gave a different result; ``review``: a finding at or above
``--fail-on`` (default: error), or a file that could not be reviewed; any other perfscore error
(an export that cannot be written)"""
EXIT_USAGE = 2
"""bad command line (argparse exits with it); ``batch``/``serve`` without the extra they need
(the message names it)"""
EXIT_RULESET = 3
"""a ruleset is invalid (every problem is printed)"""
EXIT_EVALUATION = 4
"""an evaluation file is invalid (every problem is printed), or (``--strict``) its region code
exists nowhere; ``batch``: an input file cannot be read at all"""
EXIT_NOT_FOUND = 5
"""no such ruleset, or (``--strict``) no edition in force in the evaluation's year"""
EXIT_INTERNAL = 70
"""a bug in perfscore (EX_SOFTWARE): said in one line; ``PERFSCORE_DEBUG=1`` shows the traceback"""


def exit_for(error: PerfscoreError) -> int:
    """Print ``error`` to stderr as the command's last word and return its exit code."""
    from ..errors import EditionNotFoundError, EvaluationError, RulesetError, RulesetNotFoundError

    if isinstance(error, RulesetError):
        print(f"perfscore: 规则集无效 / invalid ruleset: {error}", file=sys.stderr)
        return EXIT_RULESET
    if isinstance(error, EvaluationError):
        print(f"perfscore: 自评表无效 / invalid evaluation: {error}", file=sys.stderr)
        return EXIT_EVALUATION
    print(f"perfscore: {error}", file=sys.stderr)
    if isinstance(error, (RulesetNotFoundError, EditionNotFoundError)):
        return EXIT_NOT_FOUND
    return EXIT_FAILED  # an export that cannot be written, and any other


def warn(message: str) -> None:
    print(f"perfscore: 警告 / warning: {message}", file=sys.stderr)
