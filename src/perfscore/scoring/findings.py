"""What scoring says about a table: findings by code (their words are in :mod:`perfscore.codes`),
and :class:`NotScorable`, raised by a stage for a row it cannot score."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional, Union

from ..codes import Words
from ..report import Finding

__all__ = ["CELL_NOTES_ZH", "Findings", "NotScorable", "cell_note_zh", "finding"]


def finding(
    id: str,
    location: str,
    /,
    *,
    variant: str = "",
    expected: Union[str, Words, None] = None,
    found: Union[str, Words, None] = None,
    **values: Any,
) -> Finding:
    """The finding of code ``id`` at ``location``, its messages (of ``variant``, if named) filled
    in with ``values``."""
    return Finding.coded(id, location, variant=variant, expected=expected, found=found, **values)


class NotScorable(Exception):
    """A row (or the budget row) that cannot be scored: the reason its result gives, by id in
    :data:`perfscore.scoring.explain.REASONS` with its values, and the finding that says why,
    if any. Raised by a stage, caught once where the row is scored."""

    def __init__(
        self,
        reason: str,
        finding: Optional[Finding] = None,
        /,
        *,
        inputs: Optional[Mapping[str, str]] = None,
        **values: Any,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.values = values
        self.finding = finding
        self.inputs = inputs
        """The inputs the formula saw, when it failed"""


class Findings:
    """The findings of one scoring run, in the order they were made, and whether every row
    could be scored."""

    __slots__ = ("complete", "items")

    def __init__(self) -> None:
        self.items: list[Finding] = []
        self.complete = True

    def add(
        self,
        id: str,
        location: str,
        /,
        *,
        variant: str = "",
        expected: Union[str, Words, None] = None,
        found: Union[str, Words, None] = None,
        **values: Any,
    ) -> None:
        self.items.append(
            Finding.coded(id, location, variant=variant, expected=expected, found=found, **values)
        )

    def not_scorable(self, exc: NotScorable) -> None:
        """A row or the budget could not be scored: its finding, and the report is incomplete."""
        if exc.finding is not None:
            self.items.append(exc.finding)
        self.complete = False


CELL_NOTES_ZH = {
    "approximate": "近似值（约、左右），按所写数值计分",
    "conflicting": "比较符相互矛盾，按符号计分",
    "typo": "“不适应”疑为“不适用”之误，按不适用处理",
    "'无'": "“无”可能指未发生（0）或不适用，请写明",
    "±": "± 容差既非下限也非上限，不能按数值计分",
    "too": "单元格过长，不按数值读取",
    "oversized": "数字位数过多，不按数值读取",
}
"""A parsed cell's notes in Chinese, by the first word of each English note (cells/parse.py)."""


def cell_note_zh(note: str, default: str) -> str:
    """One of a parsed cell's English notes in Chinese."""
    return CELL_NOTES_ZH.get(note.split(" ", 1)[0], default)
