"""Running a ruleset on a table: choosing the ruleset (``resolve``) and scoring (``score``)."""

from .resolve import resolve, ruleset_for
from .scorer import normalize_label, score

__all__ = ["normalize_label", "resolve", "ruleset_for", "score"]
