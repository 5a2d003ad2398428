"""Scored results as frozen values (model), their statuses, plain-text rendering; ``report.export``
writes Markdown, HTML and the scored workbook."""

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
