"""Review (复核): recomputing a unit's table and reporting each discrepancy, for one table or a folder.

``checks`` lists the checks (pure functions, run in the order of ``CHECKS``): ``rows`` (each row's
score and note, and a full score on a missed numeric target whatever the method, with ``targets``),
``budget`` (the budget block) and ``totals`` (weights, printed total, grade), all comparing at the
precision the table prints (``precision``) and saying when they cannot run (``findings``). ``run``
is the review of one table, ``batch`` the review of files and folders."""

from .batch import EVALUATION_SUFFIXES, FileReview, evaluation_files, review_files
from .checks import CHECKS, Check, finding
from .run import Review, review

__all__ = [
    "CHECKS",
    "EVALUATION_SUFFIXES",
    "Check",
    "FileReview",
    "Review",
    "evaluation_files",
    "finding",
    "review",
    "review_files",
]
