"""Review (复核): recomputing a unit's table and reporting each discrepancy, for one table or a folder.

``checks`` lists the checks (pure functions, run in the order of ``CHECKS``): ``rows`` (each row's
score and note, and a full score on a missed numeric target whatever the method, with ``targets``),
``budget`` (the budget block) and ``totals`` (weights, printed total, grade), all comparing at the
precision the table prints (``precision``) and saying when they cannot run (``findings``). ``run``
is the review of one table, ``batch`` the review of files and folders (``sniff`` tells lock files
and perfscore's own output from the forms to read)."""

import importlib

from .checks import CHECKS, Check, finding
from .entry import SEVERITIES, Entry, make_entry
from .run import Review, review

TYPE_CHECKING = False  # typing.TYPE_CHECKING (mypy knows the name)
if TYPE_CHECKING:  # what mypy sees; at run time ``batch`` and ``sniff`` are imported when first used
    from .batch import (
        EVALUATION_SUFFIXES,
        SKIP_REASONS,
        FileReview,
        batch_files,
        evaluation_files,
        review_each,
        review_files,
    )
    from .sniff import OUTPUT_MARKER, is_lock_file, own_output
del TYPE_CHECKING

_LATER = {
    **dict.fromkeys(
        (
            "EVALUATION_SUFFIXES",
            "SKIP_REASONS",
            "FileReview",
            "batch_files",
            "evaluation_files",
            "review_each",
            "review_files",
        ),
        "batch",
    ),
    **dict.fromkeys(("OUTPUT_MARKER", "is_lock_file", "own_output"), "sniff"),
}
"""Names of the review of files and folders: one table's review (``score FILE``) does not
import them (tests/test_startup.py)."""


def __getattr__(name: str) -> object:
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # once imported, a plain attribute
    return value


__all__ = [
    "CHECKS",
    "EVALUATION_SUFFIXES",
    "OUTPUT_MARKER",
    "SEVERITIES",
    "SKIP_REASONS",
    "Check",
    "Entry",
    "FileReview",
    "Review",
    "batch_files",
    "evaluation_files",
    "finding",
    "is_lock_file",
    "make_entry",
    "own_output",
    "review",
    "review_each",
    "review_files",
]
