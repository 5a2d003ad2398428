"""Every problem and finding code perfscore emits, as data: its id, severity and its message
in Chinese and English (``str.format`` templates over named values).

A call site names the code and gives the values; the words live here, once. ``docs/errors.md``
is checked against this table by the tests, so a code cannot be added without its entry there.
Each module of this package holds the codes of one part of perfscore; add a code to the part
that emits it.

Problems (``kind="problem"``) are what makes a file unusable: they are raised inside a
:class:`~perfscore.errors.RulesetError` or :class:`~perfscore.errors.EvaluationError` and are
always errors. Findings (``kind="finding"``) are what a report or a review says about a table.

A code whose words depend on the case (a self-deduction on a met target, each reason a deviation
note is required) has named *variants*: each one a full Chinese and English template, chosen by
the call site (``messages(id, variant="met", **values)``); the code's own templates are the
general case.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import exports, files, forms, formulas, interface, resolution, review, rulesets, scoring
from .code import Code, Kind, Severity
from .words import WORDS, Words, words

__all__ = ["CODES", "WORDS", "Code", "Kind", "Severity", "Words", "code", "messages", "words"]


def _table(*sections: tuple[Code, ...]) -> dict[str, Code]:
    table: dict[str, Code] = {}
    for entry in (entry for section in sections for entry in section):
        assert entry.id not in table, f"code {entry.id} listed twice"
        table[entry.id] = entry
    return table


CODES: Mapping[str, Code] = _table(
    files.CODES,
    formulas.CODES,
    rulesets.CODES,
    forms.CODES,
    scoring.CODES,
    resolution.CODES,
    review.CODES,
    interface.CODES,
    exports.CODES,
)


def code(id: str) -> Code:
    """The code named ``id``; a KeyError names a code that is not in the table (a bug)."""
    return CODES[id]


def messages(id: str, *, variant: str = "", **values: Any) -> tuple[str, str]:
    """Chinese and English messages of code ``id`` (its ``variant``, if named) with ``values``
    filled in."""
    return CODES[id].messages(values, variant)
