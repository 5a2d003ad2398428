"""A unit's self-evaluation table: the model, and reading it from TOML/JSON, Word and Excel."""

from .document import evaluation_from_document, read_evaluation
from .grid import Cell
from .limits import MAX_EVALUATION_BYTES
from .load import OFFICE_SUFFIXES, read_evaluations
from .model import (
    BudgetLine,
    BudgetTable,
    Evaluation,
    IndicatorRow,
    Unreadable,
)
from .tables import evaluations_from_grid

__all__ = [
    "MAX_EVALUATION_BYTES",
    "OFFICE_SUFFIXES",
    "BudgetLine",
    "BudgetTable",
    "Cell",
    "Evaluation",
    "IndicatorRow",
    "Unreadable",
    "evaluation_from_document",
    "evaluations_from_grid",
    "read_evaluation",
    "read_evaluations",
]
