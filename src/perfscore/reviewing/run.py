"""Review (复核) of one table: recompute it, run every check, and list the findings worst first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Optional, Union

import attrs

from ..decimals import in_context
from ..evaluations import Evaluation
from ..report import Finding, Report
from ..rules import Ruleset
from ..scoring import resolve, score
from ..serialize import dump
from .checks import CHECKS

__all__ = ["Review", "review"]

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@attrs.frozen
class Review:
    """A report and every finding about the table, scoring's and review's, worst first."""

    report: Report
    findings: tuple[Finding, ...]

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def warnings(self) -> int:
        return self.count("warning")

    def to_dict(self) -> dict[str, Any]:
        return {"findings": dump(self.findings), "report": self.report.to_dict()}

    def to_json(self, *, indent: Optional[int] = None) -> str:
        """The review as JSON text: compact by default (CPython's C encoder, about twice as
        fast); ``indent=2`` for a person to read."""
        import json  # only when asked for

        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_text(self, label: str = "") -> str:
        """Findings as text, headed by ``label`` (default: the file the evaluation came from)."""
        r = self.report
        lines = [
            f"{label or r.source or r.title or 'evaluation'}: {self.errors} error(s), {self.warnings} warning(s);"
            f" computed {r.total}{'' if r.complete else ' (incomplete)'} vs reported {r.reported_total if r.reported_total is not None else '—'};"
            f" grade {r.grade or '—'} vs reported {r.reported_grade or '—'}"
        ]
        lines += [f"  {finding}" for finding in self.findings]
        return "\n".join(lines) + "\n"


@in_context
def review(
    evaluation: Union[Evaluation, Mapping[str, Any]],
    ruleset: Union[Ruleset, str, Path, None] = None,
    *,
    paths: Sequence[Union[str, Path]] = (),
    strict: bool = False,
) -> Review:
    """Recompute ``evaluation`` and return its report with every finding, worst first.

    Raises what :func:`perfscore.score` raises for a malformed evaluation or a missing ruleset
    (and, with ``strict``, for a year or region it would fall back from).
    """
    resolution = resolve(evaluation, ruleset, paths=paths, strict=strict)
    evaluation, ruleset = resolution.evaluation, resolution.ruleset
    report = resolution.attach(score(evaluation, ruleset))
    found = list(report.findings)
    for check in CHECKS:
        found += check(evaluation, report, ruleset)
    found.sort(key=lambda f: _SEVERITY_ORDER.get(f.severity, 3))
    return Review(report=report, findings=tuple(found))
