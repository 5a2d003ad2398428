"""Scoring: a ruleset and an evaluation in, a report out. Pure: no I/O, inputs never mutated.

:func:`score` reads top to bottom over the stages: derive the ruleset's values, score each row
(match · values · rows), the rows of indicators derived from base data, the budget row, the
blocks, the total and the grade. A row that cannot be scored (a garbled cell, a weight that
cannot be a weight, a division by zero) is reported as ``not_scorable`` with its reason and a
finding; it is never scored 0 in silence, and the report is then marked incomplete.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Optional

from ..codes import words
from ..decimals import in_context
from ..evaluations import Evaluation, IndicatorRow, Unreadable
from ..report import BlockResult, BudgetResult, Report, RowResult
from ..rules import FORMS, GradeBand, Ruleset
from .budget import budget_row, score_budget
from .derive import derive
from .findings import Findings
from .inputs import column_inputs
from .match import derived_rows
from .rows import Run, score_row
from .shown import fmt
from .stated import stated_points
from .totals import block_result, grade, total, unmatched_block
from .values import budget_base

__all__ = ["score"]

_FIELD_WORDS = {"region": ("地区", "region"), "form": ("表格类型", "form"), "year": ("年度", "year")}


@in_context
def score(evaluation: Evaluation, ruleset: Ruleset) -> Report:
    """Score ``evaluation`` under ``ruleset`` and return the full breakdown.

    Never raises for a bad row: each comes back scored, not applicable, or not scorable with its
    reason and a finding.
    """
    findings = Findings()
    ruleset = stated_points(ruleset, evaluation, findings)  # 产出指标(60分) under a 原则上 framework
    plan = ruleset.plan
    derived = derive(ruleset, evaluation, findings) if ruleset.derived else {}
    _check_table(ruleset, evaluation, findings)
    table, rows = budget_row(plan, ruleset.budget, evaluation)
    if plan.input_columns:  # 重庆: 得分系数 read from its own column
        rows = column_inputs(plan, rows, findings)
    base = budget_base(ruleset.budget, table)
    matched: dict[str, set[str]] = {b.block.key: set() for b in plan.in_order}
    stated = _stated_only(evaluation)  # a scoring-standard table: rows at their own scores
    run = Run(
        plan=plan,
        findings=findings,
        derived=derived,
        source=evaluation.source or "evaluation",
        budget_base=base,
        clamp=ruleset.clamp_negative_actual,
        matched=matched,
        stated_only=stated,
        group_weights=_group_weights(rows) if stated else {},
    )
    grouped, unmatched = _score_rows(run, rows)
    rule = ruleset.budget
    budget = score_budget(rule, table, plan.budget_provenance, findings, stated) if rule else None
    home = rule.block if budget is not None and rule is not None else ""
    blocks: list[BlockResult] = [
        block_result(
            ruleset,
            b,
            grouped[b.block.key],
            matched[b.block.key],
            budget if b.block.key == home else None,
            findings,
        )
        for b in plan.in_order
    ]
    if unmatched:
        blocks.append(unmatched_block(unmatched, findings))
    points = total(ruleset, blocks, budget, budget_inside=home != "")
    band = grade(ruleset, points, findings)
    return _report(ruleset, evaluation, blocks, budget, points, band, findings, derived)


def _score_rows(
    run: Run, rows: tuple[IndicatorRow, ...]
) -> tuple[dict[str, list[RowResult]], list[RowResult]]:
    """Each row scored, by block key (the rows of no block apart), then the framework's
    indicators whose actual is derived (no row of the table names them)."""
    plan, findings = run.plan, run.findings
    grouped: dict[str, list[RowResult]] = {b.block.key: [] for b in plan.in_order}
    unmatched: list[RowResult] = []
    for row in rows:
        if row.unreadable:
            _unreadable(findings, row.unreadable, row.where)
        result = score_row(run, row)
        grouped.get(result.block, unmatched).append(result)
    if run.stated_rows:  # a scoring-standard table: its rows at their own scores, said once
        count = len(run.stated_rows)
        findings.add("self-stated", "rows", variant="standard", found=str(count), count=count)
    for block in plan.fixed:
        for row, indicator in derived_rows(plan, block, run.matched[block.block.key]):
            grouped[block.block.key].append(score_row(run, row, (block, indicator)))
    return grouped, unmatched


def _stated_only(evaluation: Evaluation) -> bool:
    """True for a table read from a form whose header names no target and no actual column (a
    scoring-standard table): its rows are taken at their own scores."""
    columns = evaluation.columns
    return bool(columns) and "target" not in columns and "actual" not in columns


def _group_weights(rows: tuple[IndicatorRow, ...]) -> dict[str, Decimal]:
    """Each merged 得分 cell's address → the sum of the weights of the rows it spans."""
    weights: dict[str, Decimal] = {}
    for row in rows:
        if row.shared_score and row.weight is not None:
            weights[row.shared_score] = weights.get(row.shared_score, Decimal(0)) + row.weight
    return weights


def _report(
    ruleset: Ruleset,
    evaluation: Evaluation,
    blocks: list[BlockResult],
    budget: Optional[BudgetResult],
    points: Decimal,
    band: Optional[GradeBand],
    findings: Findings,
    derived: Mapping[str, Decimal],
) -> Report:
    return Report(
        ruleset=ruleset.id,
        ruleset_name=ruleset.name.zh,
        edition=ruleset.edition,
        region=evaluation.region,
        form=evaluation.form,
        year=evaluation.year,
        title=evaluation.title,
        unit=evaluation.unit,
        project=evaluation.project,
        blocks=tuple(blocks),
        budget=budget,
        total=points,
        max_total=ruleset.total,
        complete=findings.complete,
        grade=band.label if band else "",
        grade_en=band.en if band else "",
        reported_total=evaluation.reported_total,
        reported_grade=evaluation.reported_grade,
        findings=tuple(findings.items),
        source=evaluation.source,
        derived={name: fmt(value) for name, value in derived.items()},
        provenance=ruleset.plan.report_provenance,
    )


def _check_table(ruleset: Ruleset, evaluation: Evaluation, findings: Findings) -> None:
    """Findings about the table as a whole: a region other than the ruleset's, and the cells of
    the form and its budget table that could not be read."""
    if evaluation.region and evaluation.region != ruleset.region:
        findings.add(
            "ruleset-of-another-region", "evaluation.region", expected=ruleset.region, found=evaluation.region,
            region=evaluation.region, ruleset_region=ruleset.region, ruleset=ruleset.id,
        )  # fmt: skip
    for field, stated in evaluation.overridden:  # --region (or the page's field) over what the file states
        what, what_en = _FIELD_WORDS[field]
        given = str(getattr(evaluation, field))
        shown = {v: f"{FORMS[v]}（{v}）" if field == "form" and v in FORMS else v for v in (stated, given)}
        findings.add(
            "given-over-stated", f"evaluation.{field}", expected=stated, found=given,
            what=what, what_en=what_en, stated=shown[stated], given=shown[given], stated_en=stated,
            given_en=given, option=field,
        )  # fmt: skip
    _unreadable(findings, evaluation.unreadable, "evaluation")
    if evaluation.budget is not None:
        _unreadable(findings, evaluation.budget.unreadable, "budget")


def _unreadable(findings: Findings, cells: tuple[Unreadable, ...], where: str) -> None:
    """A finding for each cell a form reader could not read as a number, at its address."""
    for cell in cells:
        at = cell.address or f"{where}.{cell.column}"
        column = cell.column.replace("_", " ")
        findings.add("unreadable-cell", at, expected=words("a-number"), found=repr(cell.text), column=column)
