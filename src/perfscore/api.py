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
from .scoring import resolve, ruleset_for
from .scoring import score as _score

__all__ = ["read_evaluations", "resolve", "ruleset_for", "score", "score_file"]


def score(
    evaluation: Union[Evaluation, Mapping[str, Any]],
    ruleset: Union[Ruleset, str, Path, None] = None,
    *,
    paths: Sequence[Union[str, Path]] = (),
) -> Report:
    """Score an evaluation and return its :class:`Report`.

    ``evaluation`` is an :class:`Evaluation` or a dict in the evaluation file format.
    ``ruleset`` is a loaded :class:`Ruleset`, a ruleset id or file, or None to let the
    evaluation's region, form and year choose. Raises :class:`EvaluationError` for a
    malformed evaluation and the lookup errors of :func:`load_ruleset`; a row that cannot be
    scored never raises (it is reported).
    """
    return _score(*resolve(evaluation, ruleset, paths=paths))


def score_file(
    path: Union[str, Path],
    ruleset: Union[Ruleset, str, Path, None] = None,
    *,
    paths: Sequence[Union[str, Path]] = (),
) -> Report:
    """Read an evaluation file and score it (a Word or Excel form must hold exactly one table;
    use :func:`read_evaluations` for forms with several)."""
    found = read_evaluations(path)
    if len(found) != 1:
        _, message = messages("several-tables", count=len(found))
        raise EvaluationError([Problem("several-tables", message, file=str(path))])
    return score(found[0], ruleset, paths=paths)
