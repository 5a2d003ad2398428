"""Running a ruleset on a table: choosing the ruleset (``resolve``) and scoring (``score``), a
pipeline of small stages (match · derive · values · rows · budget · totals · explain · findings)
over the lookups the ruleset compiled at load (:mod:`perfscore.rules.plan`)."""

from ..rules.plan import normalize_label
from .findings import NotScorable
from .pipeline import score
from .resolve import Resolution, resolve, ruleset_for

__all__ = ["NotScorable", "Resolution", "normalize_label", "resolve", "ruleset_for", "score"]
