"""Review (复核): recompute a self-evaluation and report every discrepancy and inconsistency.

What a finance bureau's reviewer checks by hand, with evidence: reported scores against weights
and against the rules, sums against totals, the printed 执行率 against 执行数 / 预算数, the
budget's sub-rows against its total, deviation notes where the region requires one, the grade
label against the total's band. The ruleset decides tolerances and which checks apply
(``[review]``); the national defaults apply otherwise.

A batch never loses a file: :func:`review_files` yields one :class:`FileReview` per input, with
either a review or the file's own error.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional, Union

import attrs

from ..cells import ValueKind, convert, parse_cell, units_compatible
from ..decimals import in_context, plain
from ..errors import PerfscoreError
from ..evaluations import OFFICE_SUFFIXES, Evaluation, IndicatorRow, read_evaluations
from ..report import NOT_APPLICABLE, SCORED, Finding, Report, RowResult
from ..rules import Ruleset
from ..scoring import resolve, score

__all__ = ["FileReview", "Review", "review", "review_files"]

_ZERO = Decimal(0)
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
EVALUATION_SUFFIXES = (".toml", ".json", *OFFICE_SUFFIXES)


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
        from ..serialize import dump

        return {"findings": dump(self.findings), "report": self.report.to_dict()}

    def to_json(self, *, indent: Optional[int] = 2) -> str:
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


@attrs.frozen
class FileReview:
    """One file of a batch: reviewed, or the reason it could not be."""

    path: str
    review: Optional[Review] = None
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "error": self.error,
            "review": self.review.to_dict() if self.review else None,
        }


class _Reviewer:
    def __init__(self, evaluation: Evaluation, ruleset: Ruleset, report: Report) -> None:
        self.evaluation = evaluation
        self.ruleset = ruleset
        self.report = report
        self.rules = ruleset.review
        self.findings: list[Finding] = []

    def add(self, code: str, severity: str, location: str, zh: str, en: str,
            expected: Optional[str] = None, found: Optional[str] = None) -> None:  # fmt: skip
        self.findings.append(Finding(code, severity, location, zh, en, expected, found))

    def run(self) -> list[Finding]:
        rows = {row.where: row for row in self.evaluation.rows}
        for result in self.report.rows:
            source = rows.get(result.where)
            if source is not None and result.status != NOT_APPLICABLE:
                self.row(result, source)
        self.weights_total()
        self.budget()
        self.totals()
        self.grade()
        return self.findings

    # -- rows ----------------------------------------------------------------------------
    def row(self, result: RowResult, source: IndicatorRow) -> None:
        where = result.where
        weight, reported, computed = result.weight, result.reported, result.points
        tol = self.rules.score_tolerance
        if reported is not None and weight is not None and reported > weight:
            self.add("score-above-weight", "error", f"{where}.reported_score", "自评得分超过分值",
                     "the self-reported score is above the weight", f"≤ {plain(weight)}", plain(reported))  # fmt: skip
        if result.status == SCORED and reported is not None and computed is not None and weight is not None:
            if reported == weight and computed < weight:
                self.add("full-marks-unmet", "error", f"{where}.reported_score",
                         "未完成目标却自评满分", "full marks reported on a target that was not met",
                         plain(computed), plain(reported))  # fmt: skip
            elif reported > computed + tol:
                self.add("reported-above-computed", "error", f"{where}.reported_score",
                         "自评得分高于按规则计算的得分", "the self-reported score is above the rule-computed score",
                         plain(computed), plain(reported))  # fmt: skip
            elif reported < computed - tol:
                met = (
                    result.raw is not None and result.raw >= weight
                )  # before rounding: 14.7 of 15 is not met
                self.add("self-deduction", "warning", f"{where}.reported_score",
                         "已完成目标仍自行扣分" if met else "自评得分低于按规则计算的得分",
                         "points deducted on a met target (allowed, worth seeing)" if met
                         else "the self-reported score is below the rule-computed score",
                         plain(computed), plain(reported))  # fmt: skip
        if not source.note.strip():
            for why_zh, why_en in self.note_reasons(result, source):
                self.add("missing-deviation-note", "warning", f"{where}.note", f"缺少偏差原因分析：{why_zh}",
                         f"no deviation note where one is required: {why_en}")  # fmt: skip

    def note_reasons(self, result: RowResult, source: IndicatorRow) -> list[tuple[str, str]]:
        reasons: list[tuple[str, str]] = []
        score = result.reported if result.reported is not None else result.points
        if (
            self.rules.explain_below_weight
            and score is not None
            and result.weight is not None
            and score < result.weight
        ):
            reasons.append(("得分低于分值", "scored below the weight"))
        method = self.ruleset.methods.get(result.method)
        if (
            method is not None
            and method.kind == "qualitative"
            and result.status == SCORED
            and result.inputs.get("level") != method.levels[0].label.zh
        ):
            reasons.append(("定性指标未达成", "a qualitative row not achieved"))
        ratio = self.rules.explain_over_ratio
        zero = self.rules.explain_over_when_zero
        if (ratio is not None or zero is not None) and (method is None or method.kind != "qualitative"):
            target, actual = parse_cell(source.target), parse_cell(source.actual)
            if target.kind is ValueKind.NUMBER and actual.kind is ValueKind.NUMBER:
                t, a = target.number, actual.number
                if t is not None and a is not None and units_compatible(target.unit, actual.unit):
                    if actual.unit and target.unit and actual.unit != target.unit:
                        a = convert(a, actual.unit, target.unit)
                    if ratio is not None and t > 0 and a >= ratio * t:
                        reasons.append((f"实际完成值超出指标值 {plain((ratio - 1) * 100)}% 以上",
                                        f"the actual is at least {plain(ratio)} × the target"))  # fmt: skip
                    elif zero is not None and t == 0 and a >= zero:
                        reasons.append((f"指标值为 0，实际完成值达到 {plain(zero)}",
                                        f"the target is 0 and the actual is at least {plain(zero)}"))  # fmt: skip
        return reasons

    # -- sums ----------------------------------------------------------------------------
    def weights_total(self) -> None:
        weights = [r.weight for r in self.report.rows if r.status != NOT_APPLICABLE]
        if not weights or any(w is None for w in weights):
            return
        budget = self.report.budget
        inside = self.ruleset.budget is not None and self.ruleset.budget.block != ""
        total = sum((w for w in weights if w is not None), _ZERO) + (
            budget.weight if budget and not inside else _ZERO
        )
        if self.ruleset.not_applicable == "no_weight" and total != self.ruleset.total:
            self.add("weights-total", "error", "rows.weight", "各指标分值与预算执行率分值之和不等于总分",
                     "the weights and the budget row's points do not add up to the total",
                     plain(self.ruleset.total), plain(total))  # fmt: skip

    def budget(self) -> None:
        table = self.evaluation.budget
        result = self.report.budget
        if table is None:
            return
        for column, zh in (
            ("initial", "年初预算数"),
            ("full_year", "全年预算数"),
            ("executed", "全年执行数"),
        ):
            total = getattr(table, column)
            parts = [getattr(line, column) for line in table.lines]
            given = [p for p in parts if p is not None]
            if total is None or not given:
                continue
            added = sum(given, _ZERO)
            if abs(added - total) > self.rules.score_tolerance:
                self.add("budget-lines-sum", "error", f"budget.{column}", f"{zh}各分项之和与合计不符",
                         f"the sub-rows' {column.replace('_', ' ')} amounts do not add up to the stated total",
                         plain(total), f"{plain(added)} = " + " + ".join(plain(p) for p in given))  # fmt: skip
        if result is not None and result.rate is not None and table.rate.strip():
            printed = parse_cell(table.rate)
            if printed.kind is not ValueKind.NUMBER or printed.number is None:
                self.add("rate-unreadable", "error", "budget.rate", "执行率无法识别", "the printed rate cannot be read",
                         "a percentage", repr(table.rate))  # fmt: skip
            else:
                value = printed.number / 100 if printed.unit == "%" else printed.number
                if abs(value - result.rate) > self.rules.rate_tolerance:
                    self.add("rate-mismatch", "error", "budget.rate", "表中执行率与 执行数/预算数 不符",
                             "the printed execution rate does not equal executed / budget",
                             f"{plain(result.executed)} / {plain(result.base_amount)} = {plain(round(result.rate * 100, 2))}%",
                             table.rate)  # fmt: skip
        if (
            result is not None
            and result.points is not None
            and result.reported is not None
            and abs(result.points - result.reported) > self.rules.score_tolerance
        ):
            self.add("budget-score-mismatch", "error", "budget.reported_score",
                         "预算执行率得分与规则不符", "the budget row's score does not follow the ruleset's rule",
                         plain(result.points), plain(result.reported))  # fmt: skip
        below = self.rules.explain_budget_below
        if (
            below is not None
            and result is not None
            and result.rate is not None
            and result.rate < below
            and not table.note.strip()
        ):
            self.add("missing-deviation-note", "warning", "budget.note",
                         f"预算执行率低于 {plain(below * 100)}%，需说明原因",
                         f"execution below {plain(below * 100)}% needs an explanation")  # fmt: skip

    def totals(self) -> None:
        report = self.report
        stated = report.reported_total
        added = report.reported_sum
        if stated is not None and added is not None and abs(stated - added) > self.rules.score_tolerance:
            self.add("reported-total-mismatch", "error", "evaluation.reported_total",
                     "总分与各项自评得分之和不符", "the reported total is not the sum of the reported scores",
                     plain(added), plain(stated))  # fmt: skip

    def grade(self) -> None:
        label = self.evaluation.reported_grade.strip()
        if not label or not self.ruleset.grades:
            return
        total = self.report.reported_total if self.report.reported_total is not None else self.report.total
        band = self.ruleset.grade_for(total)
        named = next((g for g in self.ruleset.grades if g.answers_to(label)), None)
        if named is None:
            self.add("unknown-grade", "error", "evaluation.reported_grade", "等级名称不在规则集的等级中",
                     "the grade label is not one of the ruleset's", ", ".join(g.label for g in self.ruleset.grades),
                     label)  # fmt: skip
        elif band is not None and named is not band:
            self.add("grade-mismatch", "error", "evaluation.reported_grade", "等级与总分所在档次不符",
                     "the grade does not match the total's band", f"{band.label} ({plain(total)})", label)  # fmt: skip


@in_context
def review(
    evaluation: Union[Evaluation, Mapping[str, Any]],
    ruleset: Union[Ruleset, str, Path, None] = None,
    *,
    paths: Sequence[Union[str, Path]] = (),
) -> Review:
    """Recompute ``evaluation`` and return its report with every finding, worst first.

    Raises what :func:`perfscore.score` raises for a malformed evaluation or a missing ruleset.
    """
    evaluation, ruleset = resolve(evaluation, ruleset, paths=paths)
    report = score(evaluation, ruleset)
    found = [*report.findings, *_Reviewer(evaluation, ruleset, report).run()]
    found.sort(key=lambda f: _SEVERITY_ORDER.get(f.severity, 3))
    return Review(report, tuple(found))


def evaluation_files(paths: Union[str, Path, Iterable[Union[str, Path]]]) -> list[Path]:
    """Files named, and the entries named like evaluation files (.toml, .json, .docx, .xlsx...)
    inside folders named, in order. ``paths`` is one path or several.

    Inside a folder every such entry is kept, whatever it is (a FIFO, a dangling link, a
    directory named ``x.toml``): reading it reports why it cannot be read, so none is lost."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            try:
                out += sorted(p for p in path.rglob("*") if p.suffix.lower() in EVALUATION_SUFFIXES)
            except OSError:
                out.append(path)  # cannot be listed: reported as the folder's own error
        else:
            out.append(path)
    return out


def review_files(
    files: Union[str, Path, Iterable[Union[str, Path]]],
    ruleset: Union[Ruleset, str, Path, None] = None,
    *,
    paths: Sequence[Union[str, Path]] = (),
    region: str = "",
    form: str = "",
    year: int = 0,
) -> Iterator[FileReview]:
    """Review each file in turn (each table of a Word or Excel form); a file that cannot be read
    or scored comes back with its error, and the rest go on. ``region``, ``form`` and ``year``
    fill in what a form does not say.

    ``files`` is one path or a list of them; a folder stands for the evaluation files inside it
    (see :func:`evaluation_files`). Every input comes back: reviewed, or with its own error."""
    for file in evaluation_files(files):
        try:
            found = read_evaluations(file, region=region, form=form, year=year)
        except PerfscoreError as exc:
            yield FileReview(str(file), error=str(exc))
            continue
        except OSError as exc:  # gone, or made unreadable, while the batch ran
            yield FileReview(str(file), error=f"cannot read: {exc.strerror or exc}")
            continue
        for n, evaluation in enumerate(found, 1):
            name = str(file) if len(found) == 1 else f"{file} [{n}/{len(found)}]"
            try:
                yield FileReview(name, review(evaluation, ruleset, paths=paths))
            except PerfscoreError as exc:
                yield FileReview(name, error=str(exc))
