"""Every evaluation a file holds: one from a ``.toml``/``.json`` file, one per table of a Word
or Excel form. The one entry point for reading evaluation files of any supported format."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Union

import attrs

from ..errors import EvaluationError, PerfscoreError
from ..files import MAX_FORM_BYTES, refusal
from .document import read_evaluation
from .limits import MAX_EVALUATION_BYTES
from .model import Evaluation, replaced
from .problems import problem

__all__ = ["OFFICE_SUFFIXES", "input_limit", "read_evaluations"]

OFFICE_SUFFIXES = (".docx", ".docm", ".xlsx", ".xlsm", ".xls", ".et", ".ods", ".doc", ".wps", ".odt", ".pdf")
"""Word, Excel, WPS, OpenDocument and PDF forms, read by :mod:`perfscore.evaluations.office`
(the ``office`` extra): the suffixes of its ``FORMATS``, named here so that reading a TOML file
does not import it. A file is read as what its content shows, whatever its suffix: a form
named .toml or .json is read as a form too."""

_FORM_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF")


def input_limit(path: Union[str, Path]) -> int:
    """The size limit for an evaluation file, by its kind."""
    return MAX_FORM_BYTES if Path(path).suffix.lower() in OFFICE_SUFFIXES else MAX_EVALUATION_BYTES


def _is_form(path: Union[str, Path]) -> bool:
    """A form by its suffix, or by its first bytes (a zip package, a compound file, a PDF)."""
    if Path(path).suffix.lower() in OFFICE_SUFFIXES:
        return True
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError):
        return False
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode) and os.read(fd, 8).startswith(_FORM_MAGIC)
    except OSError:
        return False
    finally:
        os.close(fd)


def read_evaluations(
    path: Union[str, Path], *, region: str = "", form: str = "", year: int = 0
) -> list[Evaluation]:
    """Every evaluation in a file: one from ``.toml``/``.json``; one per self-evaluation table
    found in a Word or Excel form (附件4 holds one table per 一级项目). ``region``, ``form`` and
    ``year`` fill in what a form does not say, and replace what a file states (said at scoring
    by a ``given-over-stated`` warning).

    Only a regular file within :data:`MAX_EVALUATION_BYTES` (:data:`MAX_FORM_BYTES` for a
    form) is read: a directory, FIFO, device, socket or dangling link is refused unread.

    Raises :class:`EvaluationError` naming the file and the cell or key of every problem.
    """
    reason = refusal(path, MAX_FORM_BYTES)
    form_file = not reason and _is_form(path)
    reason = reason or refusal(path, MAX_FORM_BYTES if form_file else MAX_EVALUATION_BYTES)
    if reason:
        raise EvaluationError(
            [problem("file-unreadable", file=str(path), reason=reason)], f"{path}: {reason}"
        )
    if form_file:
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
    given = (
        ("region", region, evaluation.region),
        ("form", form, evaluation.form),
        ("year", year, evaluation.year),
    )
    return [
        attrs.evolve(
            evaluation,
            region=region or evaluation.region,
            form=form or evaluation.form,
            year=year or evaluation.year,
            overridden=replaced(*given),
        )
    ]
