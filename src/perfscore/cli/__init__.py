"""The ``perfscore`` command. The only package that prints or exits.

``parser`` reads the command line, ``handlers`` holds one function per subcommand (``review``'s
in ``reviewing``), ``exits`` the exit codes (also in docs/cli.md) and how each error ends the
command, ``terminal`` what makes the output fit where it goes (encoding, colour, widths).

Start-up is part of the interface: the parser is built from this package alone, and each
handler imports what its command needs when it runs, so ``perfscore --help`` imports neither
the engine nor any optional reader (tests/test_startup.py, benchmarks/cli.py).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Sequence
from typing import Optional

from .exits import (
    EXIT_EVALUATION,
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_RULESET,
    EXIT_USAGE,
    exit_for,
    warn,
)
from .parser import build_parser, ruleset_dirs
from .terminal import prepare, silence_stdout

__all__ = [
    "EXIT_EVALUATION",
    "EXIT_FAILED",
    "EXIT_INTERNAL",
    "EXIT_NOT_FOUND",
    "EXIT_OK",
    "EXIT_RULESET",
    "EXIT_USAGE",
    "main",
]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; return the exit code.

    Every error perfscore raises is printed as a message and mapped to its exit code; a
    ruleset file that could not be read is printed as a warning, once. What stdout or stderr
    cannot encode is written as an equivalent they can (:mod:`.terminal`); when the reader of
    stdout goes away (``| head``) the command ends quietly with exit 1."""
    prepare()
    args = build_parser().parse_args(argv)
    # Only now what the command needs: ``--help`` and a bad command line stop above, having
    # imported no more than the parser (tests/test_startup.py).
    from ..errors import PerfscoreError
    from ..rules import RulesetWarning
    from .handlers import handler_for

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RulesetWarning)
        try:
            status = handler_for(args.command)(args, ruleset_dirs(args))
            sys.stdout.flush()
            return status
        except PerfscoreError as exc:
            return exit_for(exc)
        except BrokenPipeError:
            silence_stdout()
            return EXIT_FAILED
        except Exception as exc:  # a bug in perfscore: said in a line, not a traceback
            if os.environ.get("PERFSCORE_DEBUG"):
                raise
            said = f"{type(exc).__name__}: {exc}"
            hint = "请报告 / please report it; PERFSCORE_DEBUG=1 shows where"
            print(f"perfscore: 内部错误 / internal error: {said} ({hint})", file=sys.stderr)
            return EXIT_INTERNAL
        finally:
            for shown in dict.fromkeys(
                str(w.message) for w in caught if issubclass(w.category, RulesetWarning)
            ):
                warn(shown)
            for w in caught:
                if not issubclass(w.category, RulesetWarning):
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
