"""Every problem and finding code perfscore emits, as data: its id, severity and its message
in Chinese and English (``str.format`` templates over named values).

A call site names the code and gives the values; the words live here, once. ``docs/errors.md``
is checked against this table by the tests, so a code cannot be added without its entry there.

Problems (``kind="problem"``) are what makes a file unusable: they are raised inside a
:class:`~perfscore.errors.RulesetError` or :class:`~perfscore.errors.EvaluationError` and are
always errors. Findings (``kind="finding"``) are what a report or a review says about a table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs

__all__ = ["CODES", "Code", "Kind", "Severity", "code", "messages"]

Severity = Literal["error", "warning", "info"]
Kind = Literal["problem", "finding"]


@attrs.frozen
class Code:
    """One code: what it is called, how serious it is, and what it says."""

    id: str
    kind: Kind
    severity: Severity
    zh: str
    """Chinese message template (what a reviewer reads first)."""
    en: str
    """English message template."""

    def messages(self, values: Mapping[str, Any]) -> tuple[str, str]:
        """The Chinese and English messages with ``values`` filled in."""
        return self.zh.format_map(values), self.en.format_map(values)


def _codes(*entries: Code) -> dict[str, Code]:
    table: dict[str, Code] = {}
    for entry in entries:
        assert entry.id not in table, f"code {entry.id} listed twice"
        table[entry.id] = entry
    return table


def _p(id: str, zh: str, en: str) -> Code:
    return Code(id, "problem", "error", zh, en)


def _f(id: str, severity: Severity, zh: str, en: str) -> Code:
    return Code(id, "finding", severity, zh, en)


# Each section is filled by the code that emits its codes; keep each code in one section.
CODES: Mapping[str, Code] = _codes(
    # -- files (rules/toml, evaluations/read, files) -----------------------------------------
    _p("file-unreadable", "无法读取文件：{reason}", "{reason}"),
    # -- rulesets (rules/) --------------------------------------------------------------------
    # -- evaluations and forms (evaluations/) -------------------------------------------------
    _p("unknown-format", "不是可读取的自评表：{reason}", "{reason}"),
    _p("too-large", "超出读取上限：{what}", "too large: {what}"),
    _p("several-tables", "文件含 {count} 张自评表；{choose}", "the file holds {count} tables; {choose}"),
    _p(
        "no-such-table",
        "--table {table}：文件只有 {count} 张表",
        "--table {table}: the file holds {count} table(s)",
    ),
    # -- scoring (scoring/) -------------------------------------------------------------------
    # -- review (reviewing/) ------------------------------------------------------------------
    # -- exports (report/) --------------------------------------------------------------------
)


def code(id: str) -> Code:
    """The code named ``id``; a KeyError names a code that is not in the table (a bug)."""
    return CODES[id]


def messages(id: str, **values: Any) -> tuple[str, str]:
    """Chinese and English messages of code ``id`` with ``values`` filled in."""
    return CODES[id].messages(values)
