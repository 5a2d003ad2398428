"""Every evaluation a file holds: one from a ``.toml``/``.json`` file, one per table of a Word
or Excel form. The one entry point for reading evaluation files of any supported format; a
TOML or JSON file is parsed here and read by :mod:`.read`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Union

import attrs

from ..errors import EvaluationError, PerfscoreError, Problem
from ..files import MAX_FORM_BYTES, refusal
from ..rules import (
    MAX_FILE_BYTES,
    TomlDocument,
    TomlSyntax,
    check_nesting,
    parse_failure,
    parse_toml,
    read_text,
)
from .model import Evaluation, from_fields
from .read import read_fields

__all__ = [
    "MAX_EVALUATION_BYTES",
    "OFFICE_SUFFIXES",
    "evaluation_from_document",
    "input_limit",
    "read_evaluation",
    "read_evaluations",
]

#: Word and Excel forms, read by :mod:`perfscore.evaluations.office` (the ``office`` extra).
OFFICE_SUFFIXES = (".docx", ".docm", ".xlsx", ".xlsm")
#: The largest evaluation file (.toml, .json) read, in bytes (the TOML/JSON readers' limit).
MAX_EVALUATION_BYTES = MAX_FILE_BYTES


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
        from .office import read_evaluations as read_office

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


def read_evaluation(path: Union[str, Path]) -> Evaluation:
    """Read an evaluation from a ``.toml`` or ``.json`` file.

    Raises :class:`EvaluationError` with file, line and key path for every problem.
    """
    file = Path(path)
    name = str(path)
    try:
        text = read_text(file)  # a regular file of at most MAX_FILE_BYTES, UTF-8
    except TomlSyntax as exc:
        raise EvaluationError([exc.problem]) from None
    suffix = file.suffix.lower()
    if suffix == ".toml":
        try:
            doc = parse_toml(text, name)
        except TomlSyntax as exc:
            raise EvaluationError([exc.problem]) from None
        return evaluation_from_document(doc, doc.data)
    if suffix == ".json":
        return from_fields(read_fields(_parse_json(text, name), name))
    problem = Problem(
        "unknown-format",
        "unknown evaluation format",
        file=name,
        found=suffix or "(none)",
        expected=".toml or .json",
    )
    raise EvaluationError([problem])


def _parse_json(text: str, name: str) -> Any:
    try:
        check_nesting(text, name, toml=False)
        return json.loads(text, parse_constant=_json_constant)
    except TomlSyntax as exc:
        raise EvaluationError([exc.problem]) from None
    except json.JSONDecodeError as exc:
        problem = Problem(
            "json-syntax", f"invalid JSON: {exc.msg}", file=name, line=exc.lineno, column=exc.colno
        )
        raise EvaluationError([problem]) from None
    except (ValueError, RecursionError, MemoryError) as exc:  # an int beyond Python's digit limit
        raise EvaluationError([parse_failure(text, name, "json-syntax", "invalid JSON", exc)]) from None


def _json_constant(name: str) -> str:
    """``NaN``, ``Infinity`` and ``-Infinity`` are not JSON: kept as text, so the number gate
    refuses them with the key's path instead of reading a float that is not finite."""
    return name


def evaluation_from_document(doc: TomlDocument, data: Mapping[str, Any]) -> Evaluation:
    """Build an evaluation from (part of) a parsed TOML document, with its positions."""
    return from_fields(read_fields(data, doc.file, doc))
