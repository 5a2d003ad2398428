"""Errors raised by perfscore.

Every exception that leaves the public API is a :class:`PerfscoreError`. Each leaf also
subclasses the nearest builtin (``ValueError`` for bad input, ``LookupError`` for a name that
is not found), so callers that only know the builtins still catch them.

Errors are data: a :class:`Problem` carries the file, line, column, key path, a stable code,
the value found and what was expected, and renders as
``rulesets/x.toml:12:9: blocks[2].points: must be > 0 (got -5) [E-WEIGHT]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import attrs

__all__ = [
    "BatchInputError",
    "EditionNotFoundError",
    "EvaluationError",
    "EvaluationTypeError",
    "FormulaError",
    "FormulaEvaluationError",
    "PerfscoreError",
    "Problem",
    "RulesetError",
    "RulesetNotFoundError",
]


@attrs.frozen
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    code: str
    """Stable code, e.g. ``unknown-key``; documented in docs/errors.md."""
    message: str
    file: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None
    path: str = ""
    """Key path inside the file, e.g. ``blocks[1].indicators[0].weight``."""
    found: Optional[str] = None
    expected: Optional[str] = None
    suggestions: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        text = where + (f"{self.path}: " if self.path else "") + self.message
        if self.expected is not None:
            text += f"; expected {self.expected}"
        if self.found is not None:
            text += f" (got {self.found})"
        if self.suggestions:
            text += "; did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
        return f"{text} [{self.code}]"


class PerfscoreError(Exception):
    """Base class of every error perfscore raises."""


class _ProblemsError(PerfscoreError):
    """An error that carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem], summary: str = "") -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        head = summary or f"{len(self.problems)} problem(s)"
        listed = [str(p) for p in self.problems]
        if len(listed) == 1 and listed[0].startswith(head):  # the summary is the one problem: say it once
            super().__init__(listed[0])
            return
        super().__init__(head + "".join("\n  " + line for line in listed))


class RulesetError(_ProblemsError, ValueError):
    """A ruleset file is invalid. ``problems`` lists every problem found at load."""


class EvaluationError(_ProblemsError, ValueError):
    """An evaluation (the self-evaluation table as data) is malformed."""


class EvaluationTypeError(EvaluationError, TypeError):
    """An :class:`~perfscore.evaluations.model.Evaluation` (or one of its parts) was constructed with
    a value of the wrong type, such as a dict among ``rows``: refused at construction, with the
    field's name as the problem's path. Both an :class:`EvaluationError` and a ``TypeError``."""


class BatchInputError(PerfscoreError, ValueError):
    """An input file of ``perfscore batch`` that cannot be read at all (empty, not UTF-8, not
    Parquet, without its ``evaluation_id`` column): the message names the file and what was
    expected. A single line that is no record is not this error: it comes back as an error record."""


class FormulaError(PerfscoreError, ValueError):
    """A formula is refused at compile time (syntax, a construct outside the allow-list,
    an undeclared name, or a size limit)."""

    def __init__(self, code: str, message: str, source: str, column: Optional[int] = None) -> None:
        self.code = code
        self.reason = message
        self.source = source
        self.column = column
        """1-based column inside ``source`` where the problem starts, when known."""
        where = f" at column {column}" if column is not None else ""
        shown = source if len(source) <= 80 else source[:77] + "..."
        super().__init__(f"{message}{where} in formula {shown!r} [{code}]")


class FormulaEvaluationError(PerfscoreError, ArithmeticError):
    """A compiled formula could not produce a value for these inputs (division by zero,
    an invalid or overflowing operation, a missing input). The scorer turns this into a
    row that is "not scorable" with ``reason``; it never ends an evaluation."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class RulesetNotFoundError(PerfscoreError, LookupError):
    """No ruleset answers to the name given; ``suggestions`` lists near matches."""

    def __init__(self, name: str, suggestions: Sequence[str] = (), detail: str = "") -> None:
        self.name = name
        self.suggestions = tuple(suggestions)
        text = f"no ruleset named {name!r}"
        if detail:
            text += f" ({detail})"
        if self.suggestions:
            text += "; did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(text)


class EditionNotFoundError(PerfscoreError, LookupError):
    """A ruleset exists but none of its editions is in force in the year asked for."""

    def __init__(self, ruleset_id: str, year: int, editions: Sequence[str]) -> None:
        self.ruleset_id = ruleset_id
        self.year = year
        self.editions = tuple(editions)
        super().__init__(
            f"ruleset {ruleset_id!r} has no edition in force in {year}; editions: " + ", ".join(self.editions)
        )
