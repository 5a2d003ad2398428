"""Did-you-mean suggestions for names that were not found."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["close_matches"]


def close_matches(word: str, candidates: Iterable[str], n: int = 3) -> tuple[str, ...]:
    """Up to ``n`` candidates that look like ``word``, best first."""
    pool = sorted(set(candidates))
    found = difflib.get_close_matches(word, pool, n=n, cutoff=0.6)
    if not found:
        lowered = word.lower()
        found = [c for c in pool if lowered and (lowered in c.lower() or c.lower() in lowered)][:n]
    return tuple(found)
