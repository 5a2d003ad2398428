"""Reading an evaluation from a ``.toml`` or ``.json`` file, or from a parsed TOML document: the
file parsed here, its content checked by :mod:`.read`, the model built by :mod:`.model`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Union

from ..codes import Words, messages
from ..errors import EvaluationError, Problem
from ..rules import TomlDocument, TomlSyntax, check_nesting, parse_failure, parse_toml, read_text
from .model import Evaluation, from_fields
from .problems import problem
from .read import read_fields

__all__ = ["evaluation_from_document", "read_evaluation"]


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
    said = Words("未知的自评表文件格式", "unknown evaluation format")
    refused = problem(
        "unknown-format", file=name, found=suffix or "(none)", expected=".toml or .json", reason=said
    )
    raise EvaluationError([refused])


def _parse_json(text: str, name: str) -> Any:
    import json  # only for a JSON file

    try:
        check_nesting(text, name, toml=False)
        return json.loads(text, parse_constant=_json_constant)
    except TomlSyntax as exc:
        raise EvaluationError([exc.problem]) from None
    except json.JSONDecodeError as exc:
        message = messages("json-syntax", reason=exc.msg)[1]
        failed = Problem("json-syntax", message, file=name, line=exc.lineno, column=exc.colno)
        raise EvaluationError([failed]) from None
    except (ValueError, RecursionError, MemoryError) as exc:  # an int beyond Python's digit limit
        raise EvaluationError([parse_failure(text, name, "json-syntax", exc)]) from None


def _json_constant(name: str) -> str:
    """``NaN``, ``Infinity`` and ``-Infinity`` are not JSON: kept as text, so the number gate
    refuses them with the key's path instead of reading a float that is not finite."""
    return name


def evaluation_from_document(doc: TomlDocument, data: Mapping[str, Any]) -> Evaluation:
    """Build an evaluation from (part of) a parsed TOML document, with its positions."""
    return from_fields(read_fields(data, doc.file, doc))
