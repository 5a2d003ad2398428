"""Worked cases: an evaluation with the result a ruleset must give for it.

A case file lives beside its ruleset, in a ``cases/`` folder of a ruleset directory. It is an
evaluation file (``[evaluation]``, ``[budget]``, ``[[rows]]``) with two more tables:

.. code-block:: toml

    [case]
    name = "all targets met"
    ruleset = "cn-project"    # the ruleset it tests; its edition comes from evaluation.year
    tolerance = 0.01          # allowed |expected − computed| for totals and points (default 0)
    note = "why this case matters"

    [expect]
    total = 100
    grade = "优"              # a label or an alias; "" when no grade is expected
    complete = true
    budget = 10               # the budget row's points
    rows = { "rows[3]" = 14.7, "群众满意度" = 10 }   # by position or by 三级指标 name
    findings = ["missing-deviation-note@rows[2].note"]  # review findings that must appear

:func:`run_case` scores it and lists every difference; ``perfscore test`` and the test suite
run every case of every shipped ruleset.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Optional, Union

import attrs

from .decimals import to_decimal
from .errors import EvaluationError, PerfscoreError
from .evaluations import Evaluation, evaluation_from_document
from .report import Report
from .reviewing import review
from .rules import (
    Getter,
    Reader,
    Spec,
    TomlSyntax,
    document_locator,
    key_path,
    load_ruleset,
    read_toml,
    search_dirs,
)

__all__ = ["CaseResult", "WorkedCase", "find_cases", "read_case", "run_case"]


@attrs.frozen
class WorkedCase:
    """One worked case, read and checked."""

    name: str
    ruleset: str
    file: str
    evaluation: Evaluation
    tolerance: Decimal = Decimal(0)
    note: str = ""
    total: Optional[Decimal] = None
    grade: Optional[str] = None
    complete: Optional[bool] = None
    budget: Optional[Decimal] = None
    rows: Mapping[str, Decimal] = attrs.field(factory=dict)
    findings: Optional[tuple[str, ...]] = None
    """Review findings that must be found, as ``code`` or ``code@location``; with ``[]`` none may be"""


@attrs.frozen
class CaseResult:
    case: WorkedCase
    differences: tuple[str, ...]
    report: Optional[Report] = None

    @property
    def passed(self) -> bool:
        return not self.differences


def read_case(path: Union[str, Path]) -> WorkedCase:
    """Read a case file. Raises :class:`EvaluationError` listing every problem."""
    file = str(path)
    try:
        doc = read_toml(Path(path))
    except TomlSyntax as exc:
        raise EvaluationError([exc.problem]) from None
    data = dict(doc.data)
    r = Reader(document_locator(doc, file))
    meta = _table(r, data.pop("case", None), "case")
    expect = _table(r, data.pop("expect", None), "expect")
    case, expected = CASE.read(r, meta, "case"), EXPECT.read(r, expect, "expect")
    try:
        evaluation = evaluation_from_document(doc, data)
    except EvaluationError as exc:
        r.problems.extend(exc.problems)
        evaluation = None
    if r.problems or evaluation is None:
        raise EvaluationError(r.problems, f"{file}: {len(r.problems)} problem(s)")
    return WorkedCase(
        **case,
        file=file,
        evaluation=evaluation,
        **{**expected, "findings": tuple(expected["findings"]) if expected["findings"] is not None else None},
    )


def _table(r: Reader, value: Any, key: str) -> Mapping[str, Any]:
    if isinstance(value, dict):
        return value
    r.problem("missing-key", key, key)  # the variant is named for the table
    return {}


def _required_text(r: Reader, table: Mapping[str, Any], key: str, path: str) -> str:
    value = table.get(key)
    if isinstance(value, str):
        return value
    r.problem("missing-key", key_path(path, key), "text")
    return ""


def _number(r: Reader, table: Mapping[str, Any], key: str, path: str) -> Optional[Decimal]:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, bool) and isinstance(value, (int, float, str)):
        try:
            return to_decimal(value)
        except ArithmeticError:
            pass
    r.problem("not-a-number", key_path(path, key), found=repr(value))
    return None


def _tolerance(r: Reader, table: Mapping[str, Any], key: str, path: str) -> Decimal:
    return _number(r, table, key, path) or Decimal(0)


def _note(r: Reader, table: Mapping[str, Any], key: str, path: str) -> str:
    return str(table.get(key, ""))


def _typed(check: Callable[[Any], bool], variant: str, show_found: bool = True) -> Getter:
    """A value that passes ``check`` (None when absent), else a ``wrong-type`` problem."""

    def get(r: Reader, table: Mapping[str, Any], key: str, path: str) -> Any:
        value = table.get(key)
        if value is None or check(value):
            return value
        r.problem("wrong-type", key_path(path, key), variant, found=repr(value) if show_found else None)
        return None

    return get


def _rows(r: Reader, table: Mapping[str, Any], key: str, path: str) -> dict[str, Decimal]:
    raw = _typed(lambda v: isinstance(v, dict), "row-points", show_found=False)(r, table, key, path) or {}
    rows = {name: _number(r, raw, name, key_path(path, key)) for name in raw}
    return {name: value for name, value in rows.items() if value is not None}


def _codes(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


CASE = Spec({"name": _required_text, "ruleset": _required_text, "tolerance": _tolerance, "note": _note})
EXPECT = Spec(
    {
        "total": _number,
        "grade": _typed(lambda v: isinstance(v, str), "text"),
        "complete": _typed(lambda v: isinstance(v, bool), "boolean"),
        "budget": _number,
        "rows": _rows,
        "findings": _typed(_codes, "codes"),
    }
)


def find_cases(
    rulesets: Iterable[str] = (), *, paths: Sequence[Union[str, Path]] = ()
) -> list[Union[WorkedCase, CaseResult]]:
    """Every case file under a ``cases/`` folder of the ruleset directories, for the named
    rulesets (all when none is named). A case file that cannot be read comes back as a failed
    :class:`CaseResult` naming its problems, so none is lost."""
    wanted = set(rulesets)
    found: list[Union[WorkedCase, CaseResult]] = []
    for directory in search_dirs(paths):
        for file in sorted(directory.rglob("cases/*.toml")):
            try:
                case = read_case(file)
            except EvaluationError as exc:
                broken = WorkedCase(name=file.stem, ruleset="", file=str(file), evaluation=_EMPTY)
                found.append(CaseResult(broken, tuple(str(p) for p in exc.problems)))
                continue
            if not wanted or case.ruleset in wanted:
                found.append(case)
    return found


_EMPTY = Evaluation(region="CN", form="project", year=0)


def _close(expected: Decimal, got: Optional[Decimal], tolerance: Decimal) -> bool:
    return got is not None and abs(expected - got) <= tolerance


def run_case(case: WorkedCase, *, paths: Sequence[Union[str, Path]] = ()) -> CaseResult:
    """Score a case under its ruleset and list every way the result differs from ``[expect]``."""
    try:
        ruleset = load_ruleset(case.ruleset, year=case.evaluation.year or None, paths=paths)
    except PerfscoreError as exc:
        return CaseResult(case, (f"ruleset: {exc}",))
    reviewed = review(case.evaluation, ruleset)
    report = reviewed.report
    tol = case.tolerance
    diffs: list[str] = []
    if case.total is not None and not _close(case.total, report.total, tol):
        diffs.append(f"total: expected {case.total}, got {report.total}")
    if case.grade is not None:
        band = next((g for g in ruleset.grades if g.answers_to(case.grade)), None) if case.grade else None
        if (band.label if band else "") != report.grade:
            diffs.append(f"grade: expected {case.grade or '(none)'}, got {report.grade or '(none)'}")
    if case.complete is not None and case.complete != report.complete:
        diffs.append(f"complete: expected {case.complete}, got {report.complete}")
    if case.budget is not None:
        got = report.budget.points if report.budget else None
        if not _close(case.budget, got, tol):
            diffs.append(f"budget: expected {case.budget}, got {got}")
    rows = report.rows
    for key, expected in case.rows.items():
        matches = [r for r in rows if r.where == key or r.name == key]
        if len(matches) != 1:
            diffs.append(f"row {key!r}: {'no' if not matches else len(matches)} matching rows")
        elif not _close(expected, matches[0].points, tol):
            diffs.append(
                f"row {key!r}: expected {expected}, got {matches[0].points} ({matches[0].reason_en})"
            )
    if case.findings is not None:
        found = {f"{f.code}@{f.location}" for f in reviewed.findings} | {f.code for f in reviewed.findings}
        missing = [f for f in case.findings if f not in found]
        if missing:
            diffs.append(
                f"findings: expected {', '.join(missing)}; found {', '.join(sorted(found)) or 'none'}"
            )
        if not case.findings and reviewed.findings:
            diffs.append(f"findings: expected none; found {', '.join(f.code for f in reviewed.findings)}")
    return CaseResult(case, tuple(diffs), report)
