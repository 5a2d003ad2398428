"""Running a ruleset on a table: choosing the ruleset (``resolve``) and scoring (``score``)."""

from .resolve import Resolution, resolve, ruleset_for
from .scorer import normalize_label, score

__all__ = ["Resolution", "normalize_label", "resolve", "ruleset_for", "score"]
