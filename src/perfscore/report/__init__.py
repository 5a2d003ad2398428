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
from .text import LANGS, finding_text, fit, pick, render_ruleset, render_text, right, width, wrap

__all__ = [
    "LANGS",
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
    "finding_text",
    "fit",
    "pick",
    "render_ruleset",
    "render_text",
    "right",
    "width",
    "wrap",
]
