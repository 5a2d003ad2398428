"""The public entry points that tie loading and scoring together."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Union

from .codes import messages
from .errors import EvaluationError, Problem
from .evaluations import Evaluation, read_evaluations
from .report import Report
from .rules import Ruleset
from .scoring import Resolution, resolve, ruleset_for
from .scoring import score as _score

__all__ = ["Resolution", "read_evaluations", "resolve", "ruleset_for", "score", "score_file"]


def score(
    evaluation: Union[Evaluation, Mapping[str, Any]],
    ruleset: Union[Ruleset, str, Path, None] = None,
    *,
    paths: Sequence[Union[str, Path]] = (),
    strict: bool = False,
) -> Report:
    """Score an evaluation and return its :class:`Report`.

    ``evaluation`` is an :class:`Evaluation` or a dict in the evaluation file format.
    ``ruleset`` is a loaded :class:`Ruleset`, a ruleset id or file, or None to let the
    evaluation's region, form and year choose. A year no edition covers is scored under the
    nearest edition, a region without a ruleset under the one above it (national at last), a
    region code that exists nowhere the same way, with an error finding: each said by a finding
    at the head of ``report.findings``. ``strict=True`` raises instead (:class:`EditionNotFoundError`,
    :class:`EvaluationError` at ``evaluation.region``).

    Raises :class:`EvaluationError` for a malformed evaluation and the lookup errors of
    :func:`load_ruleset`; a row that cannot be scored never raises (it is reported).
    """
    resolution = resolve(evaluation, ruleset, paths=paths, strict=strict)
    return resolution.attach(_score(resolution.evaluation, resolution.ruleset))


def score_file(
    path: Union[str, Path],
    ruleset: Union[Ruleset, str, Path, None] = None,
    *,
    paths: Sequence[Union[str, Path]] = (),
    strict: bool = False,
) -> Report:
    """Read an evaluation file and score it (a Word or Excel form must hold exactly one table;
    use :func:`read_evaluations` for forms with several)."""
    found = read_evaluations(path)
    if len(found) != 1:
        _, message = messages("several-tables", count=len(found))
        raise EvaluationError([Problem("several-tables", message, file=str(path))])
    return score(found[0], ruleset, paths=paths, strict=strict)
