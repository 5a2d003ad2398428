"""Every evaluation a file holds: one from a ``.toml``/``.json`` file, one per table of a Word
or Excel form. The one entry point for reading evaluation files of any supported format."""

from __future__ import annotations

from pathlib import Path
from typing import Union

import attrs

from ..errors import EvaluationError, PerfscoreError
from ..files import MAX_FORM_BYTES, refusal
from .document import read_evaluation
from .limits import MAX_EVALUATION_BYTES
from .model import Evaluation
from .problems import problem

__all__ = ["OFFICE_SUFFIXES", "input_limit", "read_evaluations"]

OFFICE_SUFFIXES = (".docx", ".docm", ".xlsx", ".xlsm")
"""Word and Excel forms, read by :mod:`perfscore.evaluations.office` (the ``office`` extra): the
suffixes of its ``FORMATS``, named here so that reading a TOML file does not import it."""


def input_limit(path: Union[str, Path]) -> int:
    """The size limit for an evaluation file, by its kind."""
    return MAX_FORM_BYTES if Path(path).suffix.lower() in OFFICE_SUFFIXES else MAX_EVALUATION_BYTES


def read_evaluations(
    path: Union[str, Path], *, region: str = "", form: str = "", year: int = 0
) -> list[Evaluation]:
    """Every evaluation in a file: one from ``.toml``/``.json``; one per self-evaluation table
    found in a Word or Excel form (附件4 holds one table per 一级项目). ``region``, ``form`` and
    ``year`` fill in what a form does not say (and override what a file states).

    Only a regular file within :data:`MAX_EVALUATION_BYTES` (:data:`MAX_FORM_BYTES` for a
    form) is read: a directory, FIFO, device, socket or dangling link is refused unread.

    Raises :class:`EvaluationError` naming the file and the cell or key of every problem.
    """
    reason = refusal(path, input_limit(path))
    if reason:
        raise EvaluationError(
            [problem("file-unreadable", file=str(path), reason=reason)], f"{path}: {reason}"
        )
    if Path(path).suffix.lower() in OFFICE_SUFFIXES:
        from .office import read_evaluations as read_office

        return read_office(path, region=region, form=form, year=year)
    try:
        evaluation = read_evaluation(path)
    except PerfscoreError:
        raise
    except (ValueError, RecursionError) as exc:  # a parser's own limit: 5,000 digits, deep nesting
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        refused = problem("file-unreadable", file=str(path), reason=f"cannot parse: {reason}")
        raise EvaluationError([refused], f"{path}: cannot parse") from None
    return [
        attrs.evolve(
            evaluation,
            region=region or evaluation.region,
            form=form or evaluation.form,
            year=year or evaluation.year,
        )
    ]
