"""What the GB/T 2260 code table says of an evaluation's region code, as findings: a code that
exists nowhere (an error), one that may be newer than the table (a warning naming the table's
date), one used after it was withdrawn (info). With ``strict`` a code that exists nowhere is
refused: an :class:`EvaluationError` located at ``evaluation.region``."""

from __future__ import annotations

from ..codes import code, messages
from ..errors import EvaluationError, Problem
from ..evaluations import Evaluation
from ..regions import check, lookup, name, table_date
from ..report import Finding

__all__ = ["region_findings"]

LOCATION = "evaluation.region"


def region_findings(evaluation: Evaluation, *, strict: bool = False) -> tuple[Finding, ...]:
    """The findings on ``evaluation.region`` (none for a code in the table, or ``CN``)."""
    region, year = evaluation.region, evaluation.year
    if region == "CN":
        return ()
    status = check(region, year)
    if status == "known":
        return ()
    if status in ("unknown", "malformed"):
        variant = "malformed" if status == "malformed" else ""
        zh, en = messages("region-unknown", variant=variant, region=region, date=table_date())
        if strict:
            problem = Problem(
                "region-unknown",
                en,
                file=evaluation.source or None,
                path=LOCATION,
                found=repr(region),
                expected="a GB/T 2260 code or CN",
            )
            raise EvaluationError([problem], f"{evaluation.source or 'evaluation'}: 1 problem(s)")
        return (_finding("region-unknown", zh, en, found=region),)
    if status == "unlisted":
        province = region[:2] + "0000"
        zh, en = messages(
            "region-unlisted",
            region=region,
            date=table_date(),
            province=province,
            province_name=name(province),
        )
        return (_finding("region-unlisted", zh, en, found=region),)
    entry = lookup(region)
    assert entry is not None  # withdrawn: in the table
    last = f"{entry.last[:4]}-{entry.last[4:]}"
    zh, en = messages("region-withdrawn", region=region, name=entry.name, last=last, year=year)
    return (_finding("region-withdrawn", zh, en, found=region),)


def _finding(id: str, zh: str, en: str, *, found: str) -> Finding:
    return Finding(id, code(id).severity, LOCATION, zh, en, found=found)
