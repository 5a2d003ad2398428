"""Which ruleset scores an evaluation: the one the caller gives, the one the evaluation names
by id, or the one for its region, form and year."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Optional, Union

from ..codes import messages
from ..errors import EvaluationError, Problem
from ..evaluations import MAX_EVALUATION_BYTES, Evaluation
from ..files import FileRefused, read_bytes
from ..rules import Ruleset, TomlSyntax, find_ruleset, load_ruleset, parse_toml

__all__ = ["MAX_RULESET_NAME", "resolve", "ruleset_for"]

#: The longest ruleset name an evaluation may give.
MAX_RULESET_NAME = 100

# A ruleset id (cn-project) or alias (全国项目支出绩效自评): no path separator, drive, dot
# prefix, control character or file suffix. A file is loaded only when the caller says so.
_RULESET_NAME = re.compile(r"[^\\/:\x00-\x1f\x7f.~][^\\/:\x00-\x1f\x7f]*")
_FILE_SUFFIXES = (".toml", ".json")


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
        messages("ruleset-not-an-id")[1],
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
