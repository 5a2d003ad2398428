"""Derived values: the ruleset's ``[derived]`` values for one evaluation, computed once, usable
in every formula by name (附件2 基础数据表 ratios; 四川 counts of rows meeting a condition)."""

from __future__ import annotations

from decimal import Decimal

from ..cells import convert, units_compatible
from ..errors import FormulaEvaluationError
from ..evaluations import Evaluation, IndicatorRow
from ..rules import Derived, Ruleset
from ..rules.plan import normalize_label
from .findings import Findings
from .values import ZERO, complete_texts, parse

__all__ = ["budget_names", "derive"]


def derive(ruleset: Ruleset, evaluation: Evaluation, findings: Findings) -> dict[str, Decimal]:
    """The ruleset's derived values for ``evaluation``. One that cannot be computed is left out,
    with a finding, so a formula that needs it is not scorable, never scored 0."""
    values: dict[str, Decimal] = {}
    base = evaluation.base
    for derived in ruleset.derived:
        where = f"derived.{derived.name}"
        if derived.formula is None:
            values[derived.name] = Decimal(sum(1 for row in evaluation.rows if counts(ruleset, derived, row)))
            continue
        env = {**ruleset.params, **budget_names(evaluation), **base, **values}
        missing = [n for n in derived.formula.names if n not in env]
        if missing:  # what needs the value is then unscorable, with its own error
            findings.add(
                "missing-base", where, expected=", ".join(derived.formula.names), missing=", ".join(missing)
            )
            continue
        try:
            values[derived.name] = derived.formula.number(env)
        except FormulaEvaluationError as exc:
            name = derived.label.en or derived.name
            findings.add(
                "derived-not-computable", where, label=derived.label.zh, name=name, reason=exc.reason
            )
    return values


def budget_names(evaluation: Evaluation) -> dict[str, Decimal]:
    """The budget table's amounts, by the names derived formulas may use."""
    table = evaluation.budget
    if table is None:
        return {}
    named = {
        "budget_initial": table.initial,
        "budget_full_year": table.full_year,
        "budget_executed": table.executed,
    }
    return {name: value for name, value in named.items() if value is not None}


def counts(ruleset: Ruleset, derived: Derived, row: IndicatorRow) -> bool:
    """Whether ``row`` is in the category ``derived`` counts and meets its condition."""
    if normalize_label(row.category) != normalize_label(derived.count):
        return False
    if derived.when is None:
        return True
    row = complete_texts(row)  # the 四川 layout's sign and unit columns count too
    target, actual = parse(row.target), parse(row.actual)
    if target.number is None or actual.number is None or not units_compatible(target.unit, actual.unit):
        return False
    a_value = actual.number
    if actual.unit and target.unit and actual.unit != target.unit:
        a_value = convert(a_value, actual.unit, target.unit)
    env = {**ruleset.params, "W": row.weight or ZERO, "T": target.number, "A": a_value}
    try:
        return derived.when.truth(env)
    except FormulaEvaluationError:
        return False
