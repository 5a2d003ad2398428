"""The review's checks: what a finance bureau's reviewer checks by hand, each a pure function.

Each check takes the evaluation as read, the report scoring made of it and the ruleset, and
returns its findings; :data:`CHECKS` lists them in the order a review runs them (and lists its
findings, before sorting them worst first). Adding a check is adding a function to the list.

Every check compares at the precision the table itself prints (:mod:`.precision`), holds a score
against the numbers whatever method gave it (:func:`.rows.missed_targets`), and says so when it
cannot run (a ``check-not-run`` info finding), never silence. The ruleset decides tolerances and
which checks apply (``[review]``); the national defaults apply otherwise. The words of every
finding live in :mod:`perfscore.codes`.

- :mod:`.rows` — each row's score and deviation note; a full score on a missed target;
- :mod:`.budget` — the budget block: sub-rows, printed rate, score, note;
- :mod:`.totals` — the weights, the printed total, the printed grade.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..evaluations import Evaluation
from ..report import Finding, Report
from ..rules import Ruleset
from .budget import budget_lines, budget_note, budget_rate, budget_score
from .findings import finding
from .rows import missed_targets, rows
from .totals import grade, reported_total, weights_total

__all__ = ["CHECKS", "Check", "finding"]

Check = Callable[[Evaluation, Report, Ruleset], Iterator[Finding]]
"""A check: (evaluation, report, ruleset) → its findings."""

CHECKS: tuple[Check, ...] = (
    rows,
    missed_targets,
    weights_total,
    budget_lines,
    budget_rate,
    budget_score,
    budget_note,
    reported_total,
    grade,
)
"""Every check, in the order a review runs them."""
