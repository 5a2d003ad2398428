"""The public entry points that tie loading and scoring together."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Optional, Union

import attrs

from .errors import EvaluationError, PerfscoreError, Problem
from .evaluations.model import Evaluation, read_evaluation
from .files import MAX_FORM_BYTES, FileRefused, read_bytes, refusal
from .report.model import Report
from .rules.loading import find_ruleset, load_ruleset
from .rules.model import Ruleset
from .rules.toml import MAX_FILE_BYTES, TomlSyntax, parse_toml
from .scoring.scorer import score as _score

__all__ = [
    "MAX_EVALUATION_BYTES",
    "MAX_FORM_BYTES",
    "OFFICE_SUFFIXES",
    "read_evaluations",
    "resolve",
    "ruleset_for",
    "score",
    "score_file",
]

#: Word and Excel forms, read by :mod:`perfscore.evaluations.office` (the ``office`` extra).
OFFICE_SUFFIXES = (".docx", ".docm", ".xlsx", ".xlsm")
#: The largest evaluation file (.toml, .json) read, in bytes (the TOML/JSON readers' limit).
MAX_EVALUATION_BYTES = MAX_FILE_BYTES
#: The longest ruleset name an evaluation may give.
MAX_RULESET_NAME = 100

# A ruleset id (cn-project) or alias (全国项目支出绩效自评): no path separator, drive, dot
# prefix, control character or file suffix. A file is loaded only when the caller says so.
_RULESET_NAME = re.compile(r"[^\\/:\x00-\x1f\x7f.~][^\\/:\x00-\x1f\x7f]*")
_FILE_SUFFIXES = (".toml", ".json")


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
        raise EvaluationError([Problem("file-unreadable", reason, file=str(path))], f"{path}: {reason}")
    if Path(path).suffix.lower() in OFFICE_SUFFIXES:
        from .evaluations.office import read_evaluations as read_office

        return read_office(path, region=region, form=form, year=year)
    try:
        evaluation = read_evaluation(path)
    except PerfscoreError:
        raise
    except (ValueError, RecursionError) as exc:  # a parser's own limit: 5,000 digits, deep nesting
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        problem = Problem("file-unreadable", f"cannot parse: {reason}", file=str(path))
        raise EvaluationError([problem], f"{path}: cannot parse") from None
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
    (walking up county → city → province → national), in the edition in force that year.

    The evaluation may name a ruleset by id or alias only: a table does not choose its own rules
    by file (that is the caller's decision: ``score(evaluation, Path(...))``, ``--ruleset FILE``).
    A name that looks like a path is an :class:`EvaluationError` at ``evaluation.ruleset``."""
    if evaluation.ruleset:
        _check_ruleset_name(evaluation)
        return load_ruleset(evaluation.ruleset, year=evaluation.year or None, paths=paths)
    return find_ruleset(evaluation.region, evaluation.form, evaluation.year, paths=paths)


def _check_ruleset_name(evaluation: Evaluation) -> None:
    name = evaluation.ruleset
    if (
        len(name) <= MAX_RULESET_NAME
        and _RULESET_NAME.fullmatch(name)
        and not name.lower().endswith(_FILE_SUFFIXES)
        and name.strip() == name
    ):
        return
    line, column = _locate(evaluation.source, "evaluation.ruleset")
    shown = name if len(name) <= 60 else name[:57] + "..."
    problem = Problem(
        "ruleset-not-an-id",
        "an evaluation names its ruleset by id or alias, not by file path; the caller chooses a"
        " ruleset file (--ruleset FILE, load_ruleset(path))",
        file=evaluation.source or None,
        line=line,
        column=column,
        path="evaluation.ruleset",
        found=repr(shown),
        expected="a ruleset id such as 'cn-project'",
    )
    raise EvaluationError([problem], f"{evaluation.source or 'evaluation'}: 1 problem(s)")


def _locate(source: str, path: str) -> tuple[Optional[int], Optional[int]]:
    """Line and column of ``path`` in the TOML file an evaluation was read from, when known."""
    if not source.lower().endswith(".toml"):
        return None, None
    try:
        text = read_bytes(source, MAX_EVALUATION_BYTES).decode("utf-8-sig")
        return parse_toml(text, source).position(path)
    except (FileRefused, TomlSyntax, ValueError, RecursionError):  # the position is only a nicety
        return None, None


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
