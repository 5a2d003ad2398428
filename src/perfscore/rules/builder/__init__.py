"""Building a ruleset from its merged table, one module per part: identity, sources and
settings (meta), methods, blocks and indicators, base and derived values, the budget rule,
grade bands; :mod:`.ruleset` puts them together and checks the sums."""

from .budget import BUDGET_BASES
from .context import BUDGET_AMOUNTS, BUDGET_NAMES, ROW_NAMES, clear_formula_cache
from .ruleset import build_ruleset

__all__ = [
    "BUDGET_AMOUNTS",
    "BUDGET_BASES",
    "BUDGET_NAMES",
    "ROW_NAMES",
    "build_ruleset",
    "clear_formula_cache",
]
