"""One result of a review as JSON data, the same wherever it is written: an element of
``perfscore review --json``'s ``results``, and of the HTTP API's ``POST /api/review``.

An entry stands for one table reviewed, or a file skipped, or a file (or one table of it) that
could not be reviewed. Every entry has every key, whatever its status: what does not apply is
``""``, ``null`` or ``[]``, so a reader in any language parses one shape. The shape is declared
here once, as typed dicts; ``schema/review.schema.json`` is generated from these declarations
(``scripts/json_schemas.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, Optional, TypedDict

from ..report import Finding, Report

__all__ = ["SEVERITIES", "Counts", "Entry", "Grades", "Totals", "make_entry"]

SEVERITIES = ("error", "warning", "info")


class Totals(TypedDict):
    """The table's total, computed and as the table reports it (decimal strings)."""

    computed: str
    """What perfscore computed (``Report.total``)"""
    reported: Optional[str]
    """The table's own 总分, or null when it states none"""
    max: str
    """The ruleset's total (100)"""
    complete: bool
    """Whether every row and the budget could be scored; when false, ``computed`` counts only what could"""


class Grades(TypedDict):
    """The grade band, computed and as the table reports it."""

    computed: str
    """The grade of the computed total (优), empty when the report is not complete"""
    reported: str
    """The table's own 评价等级, as stated (empty when it states none)"""


class Counts(TypedDict):
    """The entry's findings counted by severity."""

    error: int
    warning: int
    info: int


class Entry(TypedDict):
    """One table reviewed, one file skipped, or one file (or table) that could not be reviewed."""

    file: str
    """The file, as named on the command line (or found in a folder named) or as uploaded"""
    table: Optional[int]
    """Which table of a file that holds several (附件4: one per 一级项目), from 1; null when the file holds one or was not read"""
    status: Literal["reviewed", "skipped", "failed"]
    """``reviewed``; ``skipped`` (see ``skipped``); ``failed``: could not be reviewed (see ``error``)"""
    error: str
    """Why the file or table could not be reviewed (empty unless ``failed``)"""
    skipped: str
    """Why the file was not read (empty unless ``skipped``)"""
    reason_zh: str
    """The reason it was skipped, in Chinese (empty unless ``skipped``)"""
    reason_en: str
    """The reason it was skipped, in English (empty unless ``skipped``)"""
    ruleset: str
    """The id of the ruleset that scored the table (empty unless ``reviewed``)"""
    ruleset_name: str
    """The ruleset's Chinese name"""
    edition: str
    """The ruleset's edition"""
    region: str
    """The table's region code"""
    year: Optional[int]
    """The table's year (null unless ``reviewed``)"""
    unit: str
    """单位名称"""
    project: str
    """项目名称"""
    title: str
    """The table's title"""
    totals: Optional[Totals]
    """Null unless ``reviewed``"""
    grade: Optional[Grades]
    """Null unless ``reviewed``"""
    counts: Counts
    findings: list[Annotated[dict[str, Any], Finding]]
    """Every finding about the table, scoring's and review's, worst first"""
    report: Optional[Annotated[dict[str, Any], Report]]
    """The whole scored breakdown (see report.schema.json); null unless ``reviewed``"""


def make_entry(
    file: str,
    table: Optional[int] = None,
    *,
    review: Optional[Mapping[str, Any]] = None,
    error: str = "",
    skipped: str = "",
    reason_zh: str = "",
    reason_en: str = "",
) -> Entry:
    """The entry of a table reviewed (``review`` as ``Review.to_dict()`` gives it), a file
    skipped (``skipped`` and its reasons) or a file or table that failed (``error``)."""
    report: Optional[dict[str, Any]] = dict(review["report"]) if review is not None else None
    findings: list[dict[str, Any]] = list(review["findings"]) if review is not None else []
    status: Literal["reviewed", "skipped", "failed"] = (
        "skipped" if skipped else "reviewed" if review is not None else "failed"
    )
    r: Mapping[str, Any] = report or {}
    return Entry(
        file=file,
        table=table,
        status=status,
        error=error,
        skipped=skipped,
        reason_zh=reason_zh,
        reason_en=reason_en,
        ruleset=r.get("ruleset", ""),
        ruleset_name=r.get("ruleset_name", ""),
        edition=r.get("edition", ""),
        region=r.get("region", ""),
        year=r.get("year"),
        unit=r.get("unit", ""),
        project=r.get("project", ""),
        title=r.get("title", ""),
        totals=None
        if report is None
        else Totals(
            computed=report["total"],
            reported=report["reported_total"],
            max=report["max_total"],
            complete=report["complete"],
        ),
        grade=None if report is None else Grades(computed=report["grade"], reported=report["reported_grade"]),
        counts=Counts(
            error=_count(findings, "error"),
            warning=_count(findings, "warning"),
            info=_count(findings, "info"),
        ),
        findings=findings,
        report=report,
    )


def _count(findings: list[dict[str, Any]], severity: str) -> int:
    return sum(1 for f in findings if f["severity"] == severity)
