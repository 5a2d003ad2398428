"""Scored results as frozen values (model), their statuses, plain-text rendering.

The exports sit above scoring and review: ``report.export`` chooses a writer for a format
(``markdown``, ``html``, ``xlsx`` with its ``sheet`` helper), and every writer shows the one
presentation model of ``report.view``."""

from .model import (
    BlockResult,
    BudgetResult,
    CategoryResult,
    Deferred,
    Explanation,
    Finding,
    Report,
    RowResult,
)
from .status import NOT_APPLICABLE, NOT_SCORABLE, SCORED, Status
from .text import fit, render_ruleset, render_text

__all__ = [
    "NOT_APPLICABLE",
    "NOT_SCORABLE",
    "SCORED",
    "BlockResult",
    "BudgetResult",
    "CategoryResult",
    "Deferred",
    "Explanation",
    "Finding",
    "Report",
    "RowResult",
    "Status",
    "fit",
    "render_ruleset",
    "render_text",
]
