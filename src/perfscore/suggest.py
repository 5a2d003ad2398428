"""Did-you-mean suggestions for names that were not found."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["MAX_SUGGESTION_CANDIDATES", "MAX_SUGGESTION_WORD", "close_matches"]

#: The most candidates a word is compared with: a file with 5,000 names (and 5,000 misspelt
#: ones) must not cost 25 million comparisons; beyond this, only names of a similar length.
MAX_SUGGESTION_CANDIDATES = 1000
#: A word (or candidate) longer than this gets no suggestion: comparing costs length².
MAX_SUGGESTION_WORD = 100


def close_matches(word: str, candidates: Iterable[str], n: int = 3) -> tuple[str, ...]:
    """Up to ``n`` candidates that look like ``word``, best first."""
    if len(word) > MAX_SUGGESTION_WORD:
        return ()
    pool = sorted(c for c in set(candidates) if len(c) <= MAX_SUGGESTION_WORD)
    if len(pool) > MAX_SUGGESTION_CANDIDATES:
        slack = max(2, len(word) // 3)
        pool = [c for c in pool if abs(len(c) - len(word)) <= slack][:MAX_SUGGESTION_CANDIDATES]
    import difflib  # only when a name was not found

    found = difflib.get_close_matches(word, pool, n=n, cutoff=0.6)
    if not found:
        lowered = word.lower()
        found = [c for c in pool if lowered and (lowered in c.lower() or c.lower() in lowered)][:n]
    return tuple(found)
