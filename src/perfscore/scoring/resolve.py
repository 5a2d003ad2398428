"""Which ruleset scores an evaluation: the one the caller gives, the one the evaluation names
by id, or the one for its region, form and year; and, said as findings, every choice made on
the way that the table did not make itself.

A year outside every edition of the ruleset is scored under the nearest edition (a warning
naming it); a region with no ruleset of its own under the one above it, up to the national
one (the scorer's ``ruleset-of-another-region`` says so); a region code that exists in no
revision of GB/T 2260 is an error finding (scoring/region.py), and is walked up the same way
(``999999`` reaches the national rules). ``strict=True`` refuses instead: :class:`EditionNotFoundError` for
the year, :class:`EvaluationError` at ``evaluation.region`` for the code. The walk up the
region hierarchy is how a ruleset is chosen (rulesets extend their parents), not a fallback:
strict takes it too.

Scoring stays pure: :func:`resolve` returns a :class:`Resolution` (the evaluation, the ruleset
and these findings), and :meth:`Resolution.attach` puts the findings at the head of the report.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Optional, Union

import attrs

from ..codes import messages
from ..errors import EditionNotFoundError, EvaluationError, Problem
from ..evaluations import MAX_EVALUATION_BYTES, Evaluation
from ..files import FileRefused, read_bytes
from ..report import Finding, Report
from ..rules import (
    Ruleset,
    RulesetInfo,
    TomlSyntax,
    available_rulesets,
    find_ruleset,
    load_ruleset,
    parent_regions,
    parse_toml,
)
from .framework import framework_finding
from .infer import infer_region
from .region import region_findings

__all__ = ["MAX_RULESET_NAME", "Resolution", "resolve", "ruleset_for"]

#: The longest ruleset name an evaluation may give.
MAX_RULESET_NAME = 100

# A ruleset id (cn-project) or alias (全国项目支出绩效自评): no path separator, drive, dot
# prefix, control character or file suffix. A file is loaded only when the caller says so.
_RULESET_NAME = re.compile(r"[^\\/:\x00-\x1f\x7f.~][^\\/:\x00-\x1f\x7f]*")
_FILE_SUFFIXES = (".toml", ".json")

_YEAR = "evaluation.year"


@attrs.frozen
class Resolution:
    """An evaluation, the ruleset that scores it, and what was decided to choose it."""

    evaluation: Evaluation
    ruleset: Ruleset
    findings: tuple[Finding, ...] = ()
    """The region's and the edition's findings (empty when the table's own year and region
    have a ruleset in force)"""

    def attach(self, report: Report) -> Report:
        """``report`` with these findings before its own."""
        if not self.findings:
            return report
        return attrs.evolve(report, findings=self.findings + report.findings)


def resolve(
    evaluation: Union[Evaluation, Mapping[str, Any]],
    ruleset: Union[Ruleset, str, Path, None] = None,
    *,
    paths: Sequence[Union[str, Path]] = (),
    strict: bool = False,
) -> Resolution:
    """An evaluation (read from a dict if need be), the ruleset to score it with, and the
    findings of that choice (see the module's doc). ``strict`` refuses a fallback instead."""
    if not isinstance(evaluation, Evaluation):
        evaluation = Evaluation.from_dict(evaluation)
    evaluation, inferred = infer_region(evaluation)
    findings = [inferred] if inferred else []
    findings += region_findings(evaluation, strict=strict)
    if isinstance(ruleset, Ruleset):
        chosen = ruleset
    elif ruleset is not None:
        chosen = _by_name(ruleset, evaluation.year, paths, strict, findings)
    elif evaluation.ruleset:
        _check_ruleset_name(evaluation)
        chosen = _by_name(evaluation.ruleset, evaluation.year, paths, strict, findings)
    else:
        chosen = _by_region(evaluation, paths, strict, findings)
    year = evaluation.year
    if year and not chosen.in_force(year) and not any(f.location == _YEAR for f in findings):
        if strict:
            raise EditionNotFoundError(chosen.id, year, [f"{chosen.edition} ({chosen.years})"])
        findings.append(_edition_finding(chosen, year, "given"))
    by_region = ruleset is None and not evaluation.ruleset
    mismatch = framework_finding(evaluation, chosen, paths) if by_region else None
    if mismatch is not None:  # chosen for the table's region and form: not its framework
        findings.append(mismatch)
    return Resolution(evaluation, chosen, tuple(findings))


def ruleset_for(
    evaluation: Evaluation, *, paths: Sequence[Union[str, Path]] = (), strict: bool = False
) -> Ruleset:
    """The ruleset an evaluation names, or else the one for its region, form and year
    (walking up county → city → province → national), in the edition in force that year (the
    nearest edition when none is, unless ``strict``). :func:`resolve` also says, as findings,
    which fallback was taken.

    The evaluation may name a ruleset by id or alias only: a table does not choose its own rules
    by file (that is the caller's decision: ``score(evaluation, Path(...))``, ``--ruleset FILE``).
    A name that looks like a path is an :class:`EvaluationError` at ``evaluation.ruleset``."""
    return resolve(evaluation, paths=paths, strict=strict).ruleset


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
        " / ".join(messages("ruleset-not-an-id")),
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


# --------------------------------------------------------------------------- editions and regions


def _years(info: Union[RulesetInfo, Ruleset]) -> str:
    return f"{info.year_from}–{info.year_to if info.year_to is not None else ''}"


def _edition_finding(ruleset: Union[RulesetInfo, Ruleset], year: int, variant: str = "") -> Finding:
    return Finding.coded(
        "edition-nearest",
        _YEAR,
        found=str(year or ""),
        variant=variant,
        year=year,
        ruleset=ruleset.id,
        edition=ruleset.edition,
        years=_years(ruleset),
    )


def _distance(info: RulesetInfo, year: int) -> int:
    if year < info.year_from:
        return info.year_from - year
    return year - info.year_to if info.year_to is not None and year > info.year_to else 0


def _nearest(candidates: Sequence[RulesetInfo], year: int) -> RulesetInfo:
    """The edition nearest ``year`` (the newer of two as near; the newest without a year)."""
    if not year:
        return max(candidates, key=lambda info: info.year_from)
    return min(candidates, key=lambda info: (_distance(info, year), -info.year_from))


def _fallback_edition(
    candidates: Sequence[RulesetInfo], year: int, paths: Sequence[Union[str, Path]], findings: list[Finding]
) -> Ruleset:
    """The nearest of ``candidates`` (none in force in ``year``), with its finding."""
    chosen = _nearest(candidates, year)
    findings.append(_edition_finding(chosen, year, "" if year else "no-year"))
    return load_ruleset(Path(chosen.file), paths=paths)


def _by_name(
    name: Union[str, Path],
    year: int,
    paths: Sequence[Union[str, Path]],
    strict: bool,
    findings: list[Finding],
) -> Ruleset:
    """The ruleset named by id, alias or file, in the edition in force in ``year``, else the
    nearest edition (unless ``strict``)."""
    try:
        chosen = load_ruleset(name, year=year or None, paths=paths)
    except EditionNotFoundError as exc:
        if strict:
            raise
        refused = exc
    else:
        text = str(name)
        named_file = isinstance(name, Path) or text.endswith(".toml") or "/" in text or os.sep in text
        if not year and not named_file:
            findings.append(_edition_finding(chosen, year, "no-year"))  # the newest, said
        return chosen
    known = [info for info in available_rulesets(paths) if not info.error]
    candidates = [info for info in known if info.id == str(name)] or [
        info for info in known if str(name) in info.aliases
    ]
    if not candidates:  # not a registered ruleset's edition (cannot happen for an id or alias)
        raise refused
    return _fallback_edition(candidates, year, paths, findings)


def _by_region(
    evaluation: Evaluation, paths: Sequence[Union[str, Path]], strict: bool, findings: list[Finding]
) -> Ruleset:
    """The ruleset of the evaluation's region and form, or of the nearest region above it that
    has one, or the national one; in the edition in force, else the nearest (unless ``strict``)."""
    region, form, year = evaluation.region, evaluation.form, evaluation.year
    if not form:  # a form read from Word/Excel whose title names none
        zh, en = messages("form-missing")
        missing = Problem("form-missing", f"{zh} / {en}", file=evaluation.source or None, path="evaluation.form",
                          expected="project, department or special_fund")  # fmt: skip
        raise EvaluationError([missing], f"{evaluation.source or 'evaluation'}: 1 problem(s)")
    known = [info for info in available_rulesets(paths) if not info.error]
    chain = parent_regions(region)
    if "CN" not in chain:
        chain.append("CN")  # a malformed code: the national rules, said by its error finding
    for where in chain:
        candidates = [info for info in known if info.region == where and info.form == form]
        if not candidates:
            continue
        if not year and not strict:
            return _fallback_edition(candidates, year, paths, findings)
        if strict or any(info.in_force(year) for info in candidates):
            return find_ruleset(where, form, year, paths=paths)
        return _fallback_edition(candidates, year, paths, findings)
    return find_ruleset(region, form, year, paths=paths)  # none up the chain: raises its RulesetNotFoundError
