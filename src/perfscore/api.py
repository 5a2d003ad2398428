"""The public entry points that tie loading and scoring together."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Union

import attrs

from .errors import EvaluationError, Problem
from .evaluation import Evaluation, read_evaluation
from .loading import find_ruleset, load_ruleset
from .model import Ruleset
from .report import Report
from .scoring import score as _score

__all__ = ["OFFICE_SUFFIXES", "read_evaluations", "resolve", "ruleset_for", "score", "score_file"]

#: Word and Excel forms, read by :mod:`perfscore.office` (the ``office`` extra).
OFFICE_SUFFIXES = (".docx", ".docm", ".xlsx", ".xlsm")


def read_evaluations(
    path: Union[str, Path], *, region: str = "", form: str = "", year: int = 0
) -> list[Evaluation]:
    """Every evaluation in a file: one from ``.toml``/``.json``; one per self-evaluation table
    found in a Word or Excel form (附件4 holds one table per 一级项目). ``region``, ``form`` and
    ``year`` fill in what a form does not say (and override what a file states).

    Raises :class:`EvaluationError` naming the file and the cell or key of every problem.
    """
    if Path(path).suffix.lower() in OFFICE_SUFFIXES:
        from .office import read_evaluations as read_office

        return read_office(path, region=region, form=form, year=year)
    evaluation = read_evaluation(path)
    return [
        attrs.evolve(
            evaluation,
            region=region or evaluation.region,
            form=form or evaluation.form,
            year=year or evaluation.year,
        )
    ]


def ruleset_for(evaluation: Evaluation, *, paths: Sequence[Union[str, Path]] = ()) -> Ruleset:
    """The ruleset an evaluation names, or else the one for its region, form and year
    (walking up county → city → province → national), in the edition in force that year."""
    if evaluation.ruleset:
        return load_ruleset(evaluation.ruleset, year=evaluation.year or None, paths=paths)
    return find_ruleset(evaluation.region, evaluation.form, evaluation.year, paths=paths)


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


def resolve(
    evaluation: Union[Evaluation, Mapping[str, Any]],
    ruleset: Union[Ruleset, str, Path, None] = None,
    *,
    paths: Sequence[Union[str, Path]] = (),
) -> tuple[Evaluation, Ruleset]:
    """An evaluation (read from a dict if need be) and the ruleset to score it with."""
    if not isinstance(evaluation, Evaluation):
        evaluation = Evaluation.from_dict(evaluation)
    if ruleset is None:
        ruleset = ruleset_for(evaluation, paths=paths)
    elif not isinstance(ruleset, Ruleset):
        ruleset = load_ruleset(ruleset, year=evaluation.year or None, paths=paths)
    return evaluation, ruleset


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
        raise EvaluationError(
            [
                Problem(
                    "several-tables",
                    f"the file holds {len(found)} tables; read them with read_evaluations",
                    file=str(path),
                )
            ]
        )
    return score(found[0], ruleset, paths=paths)
