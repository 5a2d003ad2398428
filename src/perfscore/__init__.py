"""perfscore: score Chinese budget-performance self-evaluation tables (绩效自评表) from data.

Rulesets (one per region, form and edition) are TOML files; formulas are a safe, compiled
expression language; table text such as "≧95%" or "不超过预算投入" is parsed; every score comes
with its rule, inputs and reason.

>>> import perfscore
>>> ruleset = perfscore.load_ruleset("cn-project")
>>> ruleset.total
Decimal('100')
"""

import importlib

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (mypy knows the name)
if TYPE_CHECKING:  # what mypy sees; at run time each name is imported when first used
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

del TYPE_CHECKING

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

# Where each public name lives: ``import perfscore`` imports none of them (the command line's
# ``--help`` must not pay for the engine); ``perfscore.X`` and ``from perfscore import X``
# import X's module the first time (PEP 562). Rulesets and reports pickle wherever they are
# used: their modules register the reducers they need (serialize, formulas, report).
_HOMES = {
    "api": ("read_evaluations", "ruleset_for", "score", "score_file"),
    "batch": ("BatchResult", "score_batch"),
    "errors": (
        "EditionNotFoundError",
        "EvaluationError",
        "FormulaError",
        "PerfscoreError",
        "Problem",
        "RulesetError",
        "RulesetNotFoundError",
    ),
    "evaluations": ("BudgetLine", "BudgetTable", "Evaluation", "IndicatorRow", "read_evaluation"),
    "report": (
        "BlockResult",
        "BudgetResult",
        "CategoryResult",
        "Explanation",
        "Finding",
        "Report",
        "RowResult",
    ),
    "reviewing": ("FileReview", "Review", "review", "review_files"),
    "rules": ("Ruleset", "RulesetInfo", "available_rulesets", "find_ruleset", "load_ruleset"),
}
_HOME = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> object:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # once imported, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
