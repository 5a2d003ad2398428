"""perfscore: score Chinese budget-performance self-evaluation tables (绩效自评表) from data.

Rulesets (one per region, form and edition) are TOML files; formulas are a safe, compiled
expression language; table text such as "≧95%" or "不超过预算投入" is parsed; every score comes
with its rule, inputs and reason.

>>> import perfscore
>>> ruleset = perfscore.load_ruleset("cn-project")
>>> ruleset.total
Decimal('100')
"""

from .api import read_evaluations, ruleset_for, score, score_file
from .batch import BatchResult, score_batch
from .errors import (
    EditionNotFoundError,
    EvaluationError,
    FormulaError,
    PerfscoreError,
    Problem,
    RulesetError,
    RulesetNotFoundError,
)
from .evaluations import BudgetLine, BudgetTable, Evaluation, IndicatorRow, read_evaluation
from .report import BlockResult, BudgetResult, CategoryResult, Explanation, Finding, Report, RowResult
from .reviewing import FileReview, Review, review, review_files
from .rules import Ruleset, RulesetInfo, available_rulesets, find_ruleset, load_ruleset

__version__ = "0.1.0"

__all__ = [
    "BatchResult",
    "BlockResult",
    "BudgetLine",
    "BudgetResult",
    "BudgetTable",
    "CategoryResult",
    "EditionNotFoundError",
    "Evaluation",
    "EvaluationError",
    "Explanation",
    "FileReview",
    "Finding",
    "FormulaError",
    "IndicatorRow",
    "PerfscoreError",
    "Problem",
    "Report",
    "Review",
    "RowResult",
    "Ruleset",
    "RulesetError",
    "RulesetInfo",
    "RulesetNotFoundError",
    "__version__",
    "available_rulesets",
    "find_ruleset",
    "load_ruleset",
    "read_evaluation",
    "read_evaluations",
    "review",
    "review_files",
    "ruleset_for",
    "score",
    "score_batch",
    "score_file",
]
