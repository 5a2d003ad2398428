"""A review finding, built from its code's entry in the code table, and the words review puts in
its findings (the precision a comparison was made at, why a check could not run)."""

from __future__ import annotations

from typing import Any, Optional

from ..report import Finding

__all__ = ["finding", "not_run", "precision_words"]


def finding(
    id: str,
    location: str,
    expected: Optional[str] = None,
    found: Optional[str] = None,
    *,
    variant: str = "",
    **values: Any,
) -> Finding:
    """A finding of code ``id`` at ``location``: its severity and words from the code table."""
    return Finding.coded(id, location, expected=expected, found=found, variant=variant, **values)


def precision_words(digits: int, *, percent: bool = False) -> dict[str, str]:
    """``precision`` and ``precision_en`` for a message: how many places the table prints."""
    if digits == 0:
        zh, en = "整数", "whole numbers"
    else:
        zh, en = f"{digits} 位小数", f"{digits} decimal place{'s' if digits > 1 else ''}"
    if percent:
        zh, en = f"百分比保留{zh}" if digits else "整数百分比", f"percent, {en}"
    return {"precision": zh, "precision_en": en}


def not_run(location: str, why: str, why_en: str, found: Optional[str] = None) -> Finding:
    """An info finding: the check at ``location`` could not run, and why (never silence)."""
    return finding("check-not-run", location, None, found, why=why, why_en=why_en)
