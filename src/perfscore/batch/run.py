"""score_batch: group the rows by evaluation, score each evaluation with the engine, and
collect one record per evaluation and one per row into two Arrow tables."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union

import attrs

from ..api import score
from ..errors import BatchInputError, PerfscoreError
from ..report import Report
from ..rules import Ruleset, load_ruleset
from .build import Numbers, build
from .columns import as_table, evaluation_data, pyarrow, row_data

if TYPE_CHECKING:  # numpy and the columnar path load on the first batch, not with perfscore
    from .columnar import Columnar

__all__ = [
    "BatchResult",
    "Scored",
    "error_row",
    "failed_record",
    "id_problems",
    "score_batch",
    "score_by_engine",
    "score_groups",
]

_ROW = re.compile(r"rows\[(\d+)\]")


@attrs.frozen
class BatchResult:
    """What :func:`score_batch` returns: two Arrow tables.

    ``evaluations``: id, ruleset, total, grade, complete, errors, warnings, error — one record
    per evaluation, in input order; ``total`` is the exact decimal as text (null when the
    evaluation could not be read, ``error`` then says why).
    ``rows``: evaluation_id, row, where, points, status, method, error — one record per row of the
    evaluation's report (``row`` its position among the evaluation's input rows, null for a row
    the ruleset derives; ``where`` the report's location of it), plus one per input row the report has no row for (the budget row,
    scored as the budget: status ``budget``; a row of an unreadable evaluation: ``error``).
    """

    evaluations: Any
    rows: Any
    columnar: int = 0
    """How many evaluations were scored on columns (the rest by the engine, one by one)"""


@attrs.frozen
class Scored:
    """One evaluation's outcome, as records (the streaming CLI writes them batch by batch)."""

    evaluation: dict[str, Any]
    rows: list[dict[str, Any]]


def score_batch(
    evaluations: Any, rows: Any, *, ruleset: Union[Ruleset, str, Path, None] = None
) -> BatchResult:
    """Score every evaluation of two long-format tables (Arrow tables or record batches, or
    pandas DataFrames) exactly as :func:`perfscore.score` scores each, and return a
    :class:`BatchResult`. ``ruleset`` as for :func:`perfscore.score` (None: each evaluation's
    region, form and year choose). A row whose ``evaluation_id`` names no evaluation comes back
    with that error; nothing is dropped. The evaluations the columnar path covers are scored on
    columns (docs/batch.md says which), the others by the engine, one by one."""
    evaluation_table, row_table = as_table(evaluations, "evaluations"), as_table(rows, "rows")
    _check_keys(evaluation_table, row_table)
    chosen = load_ruleset(ruleset) if isinstance(ruleset, (str, Path)) else ruleset
    if not evaluation_table.num_rows or not row_table.num_rows:  # (the engine's column types)
        return _by_engine(evaluation_table, row_table, chosen)
    from .columnar import score_columns

    fast = score_columns(evaluation_table, row_table, chosen)
    if fast is None:
        return _by_engine(evaluation_table, row_table, chosen)
    return merged(fast, evaluation_table, row_table, chosen)


def _check_keys(evaluations: Any, rows: Any) -> None:
    """The rows name their evaluation in an ``evaluation_id`` column, and ids are scalars (text,
    numbers): else a :class:`BatchInputError` saying which column and what it holds."""
    pa = pyarrow()
    if "evaluation_id" not in rows.column_names:
        listed = ", ".join(rows.column_names) or "none"
        raise BatchInputError(f"rows: no evaluation_id column (the columns: {listed}; docs/batch.md)")
    for what, table, name in (("evaluations", evaluations, "id"), ("rows", rows, "evaluation_id")):
        if name in table.column_names:
            kind = table.schema.field(name).type
            if pa.types.is_dictionary(kind):
                kind = kind.value_type
            if pa.types.is_nested(kind):
                raise BatchInputError(f"{what}.{name}: a column of {kind}; an id is text or a number")


def score_by_engine(
    evaluations: Any, rows: Any, *, ruleset: Union[Ruleset, str, Path, None] = None
) -> BatchResult:
    """As :func:`score_batch`, every evaluation scored by the engine (the reference the columnar
    path is tested against; no faster)."""
    chosen = load_ruleset(ruleset) if isinstance(ruleset, (str, Path)) else ruleset
    return _by_engine(as_table(evaluations, "evaluations"), as_table(rows, "rows"), chosen)


def _by_engine(evaluation_table: Any, row_table: Any, ruleset: Optional[Ruleset]) -> BatchResult:
    """Every evaluation scored by the engine."""
    outcomes, orphans = _scored(evaluation_table, row_table, ruleset)
    return _tables(outcomes, orphans)


def _scored(
    evaluation_table: Any, row_table: Any, ruleset: Optional[Ruleset]
) -> tuple[list[Scored], list[tuple[Any, int]]]:
    grouped: dict[Any, list[dict[str, Any]]] = {}
    for key, row in row_data(row_table):
        grouped.setdefault(key, []).append(row)
    heads = list(evaluation_data(evaluation_table))
    pairs = [
        (key, data, grouped.pop(key, [])) for key, data in heads
    ]  # a shared id: the first takes the rows
    outcomes = list(score_groups(pairs, ruleset, id_problems(key for key, _ in heads)))
    orphans = [(key, i) for key, found in grouped.items() for i in range(len(found))]
    return outcomes, orphans


def score_groups(
    groups: Iterable[tuple[Any, dict[str, Any], list[dict[str, Any]]]],
    ruleset: Union[Ruleset, str, Path, None] = None,
    problems: Optional[Mapping[Any, str]] = None,
) -> Iterator[Scored]:
    """Each (id, evaluation and budget, rows) scored, in order; one whose id is in ``problems``
    (see :func:`id_problems`) comes back with that error instead, and its rows with it."""
    chosen = load_ruleset(ruleset) if isinstance(ruleset, (str, Path)) else ruleset
    numbers = Numbers()
    for key, data, found in groups:
        why = problems.get(key) if problems else None
        if why is not None:
            yield _unusable(key, found, why)
        else:
            yield _one(key, {**data, "rows": found}, chosen, numbers)


def id_problems(keys: Iterable[Any]) -> dict[Any, str]:
    """The evaluation ids no row can name for certain, each with why: a null, NaN or blank id
    (in an ``id`` column), and an id several evaluations share. Such an evaluation is not scored (its rows
    might be another's), and its rows come back once each, with the same error."""
    problems = {}
    for key, count in Counter(keys).items():
        if key is None or key != key or (type(key) is str and not key.strip()):  # null, NaN, blank
            problems[key] = "missing-id: an evaluation without an id: no row can name it"
        elif count > 1:
            problems[key] = (
                f"duplicate-id: {count} evaluations have id {key!r}: their rows cannot be told apart"
            )
    return problems


def _unusable(key: Any, rows: list[dict[str, Any]], why: str) -> Scored:
    return Scored(failed_record(key, why), [error_row(key, i, why) for i in range(len(rows))])


def failed_record(key: Any, why: str, errors: int = 1) -> dict[str, Any]:
    """The record of an evaluation that was not scored, with why."""
    return {
        "id": key, "ruleset": "", "total": None, "grade": "", "complete": False,
        "errors": errors, "warnings": 0, "error": why,
    }  # fmt: skip


def error_row(key: Any, index: Optional[int], why: str, where: Optional[str] = None) -> dict[str, Any]:
    """The record of a row that was not scored, with why (``where``: ``rows[i]`` by default)."""
    return _row(key, index, None, "error", "", [why], f"rows[{index}]" if where is None else where)


def _one(key: Any, data: dict[str, Any], ruleset: Optional[Ruleset], numbers: Numbers) -> Scored:
    built = build(data, numbers)  # None: the reader reads it, and says what is wrong
    try:
        report = score(data if built is None else built, ruleset)
    except PerfscoreError as exc:
        return _failed(key, data, exc)
    return Scored(_evaluation_record(key, report), _row_records(key, report, len(data["rows"])))


def _evaluation_record(key: Any, report: Report) -> dict[str, Any]:
    severities = [finding.severity for finding in report.findings]
    return {
        "id": key,
        "ruleset": report.ruleset,
        "total": str(report.total),
        "grade": report.grade,
        "complete": report.complete,
        "errors": severities.count("error"),
        "warnings": severities.count("warning"),
        "error": None,
    }


def _row_records(key: Any, report: Report, count: int) -> list[dict[str, Any]]:
    errors: dict[int, list[str]] = {}
    for finding in report.findings:
        at = _ROW.match(finding.location)
        if at and finding.severity == "error":
            errors.setdefault(int(at.group(1)), []).append(f"{finding.code}: {finding.message_zh}")
    records, seen = [], set()
    for result in report.rows:
        at = _ROW.fullmatch(result.where)
        index = int(at.group(1)) if at else None
        seen.add(index)
        points = None if result.points is None else str(result.points)
        found = errors.get(index) if index is not None else None
        records.append(_row(key, index, points, result.status, result.method, found, result.where))
    budget = report.budget
    for index in range(count):
        if index not in seen:  # the budget's own row, scored as the budget
            points = None if budget is None or budget.points is None else str(budget.points)
            records.append(_row(key, index, points, "budget", "budget", errors.get(index), f"rows[{index}]"))
    return records


def _row(
    key: Any,
    index: Optional[int],
    points: Optional[str],
    status: str,
    method: str,
    errors: Optional[list[str]],
    where: str,
) -> dict[str, Any]:
    return {
        "evaluation_id": key,
        "row": index,
        "where": where,
        "points": points,
        "status": status,
        "method": method,
        "error": "; ".join(errors) if errors else None,
    }


def _failed(key: Any, data: dict[str, Any], exc: PerfscoreError) -> Scored:
    """An evaluation that could not be read or resolved: its error, and each of its rows with it."""
    problems = list(getattr(exc, "problems", ()))
    general = str(exc).strip()
    by_row: dict[int, list[str]] = {}
    for problem in problems:
        at = _ROW.match(str(getattr(problem, "path", "") or ""))
        if at:
            by_row.setdefault(int(at.group(1)), []).append(str(problem))
    rows = [
        _row(key, i, None, "error", "", by_row.get(i) or ["evaluation-error: " + general], f"rows[{i}]")
        for i in range(len(data["rows"]))
    ]
    return Scored(failed_record(key, general, max(1, len(problems))), rows)


def orphan_record(key: Any, index: int) -> dict[str, Any]:
    """A row whose evaluation_id names no evaluation."""
    return error_row(key, index, f"no-evaluation: no evaluation has id {key!r}", "")


EVALUATION_SCHEMA = (
    ("id", None),
    ("ruleset", "string"),
    ("total", "string"),
    ("grade", "string"),
    ("complete", "bool_"),
    ("errors", "int64"),
    ("warnings", "int64"),
    ("error", "string"),
)
ROW_SCHEMA = (
    ("evaluation_id", None),
    ("row", "int64"),
    ("where", "string"),
    ("points", "string"),
    ("status", "string"),
    ("method", "string"),
    ("error", "string"),
)


def record_table(records: list[dict[str, Any]], schema: tuple[tuple[str, Optional[str]], ...]) -> Any:
    """Records as an Arrow table with the given columns (the id column's type inferred)."""
    pa = pyarrow()
    arrays = {
        name: pa.array([r[name] for r in records], type=getattr(pa, kind)() if kind else None)
        for name, kind in schema
    }
    return pa.table(arrays)


def _tables(outcomes: list[Scored], orphans: list[tuple[Any, int]]) -> BatchResult:
    rows = [record for outcome in outcomes for record in outcome.rows]
    rows.extend(orphan_record(key, index) for key, index in orphans)
    return BatchResult(
        evaluations=record_table([o.evaluation for o in outcomes], EVALUATION_SCHEMA),
        rows=record_table(rows, ROW_SCHEMA),
    )


def merged(fast: Columnar, evaluation_table: Any, row_table: Any, ruleset: Optional[Ruleset]) -> BatchResult:
    """The columnar records and the engine's records of the evaluations it left (and the rows
    that name no evaluation), in the order the engine alone would give them."""
    import numpy as np

    pa = pyarrow()
    count = evaluation_table.num_rows
    rest = np.nonzero(~fast.covered)[0]
    owner = fast.owner
    left = (owner < 0) | ~fast.covered[np.maximum(owner, 0)]
    covered = count - len(rest)
    if not left.any() and not len(rest):
        return BatchResult(_drop(fast.evaluations), _drop(fast.rows), covered)
    if "id" not in evaluation_table.column_names:
        evaluation_table = evaluation_table.append_column("id", fast.ids)
    outcomes, orphans = _scored(
        evaluation_table.take(pa.array(rest)), row_table.filter(pa.array(left)), ruleset
    )
    heads = record_table([o.evaluation for o in outcomes], EVALUATION_SCHEMA)
    heads = heads.append_column("_i", pa.array(rest.astype(np.int64)))
    records = [r for o in outcomes for r in o.rows] + [orphan_record(k, i) for k, i in orphans]
    places = [(int(rest[j]), k) for j, o in enumerate(outcomes) for k in range(len(o.rows))]
    places += [(count, k) for k in range(len(orphans))]
    lines = record_table(records, ROW_SCHEMA)
    lines = lines.append_column("_i", pa.array([p[0] for p in places], pa.int64()))
    lines = lines.append_column("_k", pa.array([p[1] for p in places], pa.int64()))
    try:
        evaluations = _joined(heads, fast.evaluations, "id", ["_i"])
        rows = _joined(lines, fast.rows, "evaluation_id", ["_i", "_k"])
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return _by_engine(evaluation_table, row_table, ruleset)  # ids of mixed kinds: the engine's
    return BatchResult(evaluations, rows, covered)


def _joined(engine: Any, columns: Any, key: str, order: list[str]) -> Any:
    """Both tables as one, in ``order``, without the ordering columns."""
    pa = pyarrow()
    if not engine.num_rows:
        return _drop(columns)
    if columns.num_rows and columns.schema.field(key).type != engine.schema.field(key).type:
        at = columns.schema.get_field_index(key)
        columns = columns.set_column(at, key, columns.column(key).cast(engine.schema.field(key).type))
    if engine.schema.field(key).type == pa.null():
        engine = engine.set_column(
            engine.schema.get_field_index(key), key, engine.column(key).cast(columns.schema.field(key).type)
        )
    both = pa.concat_tables([columns, engine.select(columns.column_names)])
    return _drop(both.sort_by([(name, "ascending") for name in order]))


def _drop(table: Any) -> Any:
    return table.drop_columns([name for name in ("_i", "_k") if name in table.column_names])
