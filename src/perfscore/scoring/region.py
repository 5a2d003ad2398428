"""What the GB/T 2260 code table says of an evaluation's region code, as findings: a code that
exists nowhere (an error), one that may be newer than the table (a warning naming the table's
date), one used after it was withdrawn (info). With ``strict`` a code that exists nowhere is
refused: an :class:`EvaluationError` located at ``evaluation.region``."""

from __future__ import annotations

from ..codes import messages
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
        if strict:
            problem = Problem(
                "region-unknown",
                " / ".join(messages("region-unknown", variant=variant, region=region, date=table_date())),
                file=evaluation.source or None,
                path=LOCATION,
                found=repr(region),
                expected="a GB/T 2260 code or CN",
            )
            raise EvaluationError([problem], f"{evaluation.source or 'evaluation'}: 1 problem(s)")
        return (
            Finding.coded(
                "region-unknown", LOCATION, found=region, variant=variant, region=region, date=table_date()
            ),
        )
    if status == "unlisted":
        province = region[:2] + "0000"
        unlisted = Finding.coded(
            "region-unlisted",
            LOCATION,
            found=region,
            region=region,
            date=table_date(),
            province=province,
            province_name=name(province),
        )
        return (unlisted,)
    entry = lookup(region)
    assert entry is not None  # withdrawn: in the table
    last = f"{entry.last[:4]}-{entry.last[4:]}"
    withdrawn = Finding.coded(
        "region-withdrawn", LOCATION, found=region, region=region, name=entry.name, last=last, year=year
    )
    return (withdrawn,)
