"""Building a ruleset from its merged table, one module per part: identity, sources and
settings (meta), methods, blocks and indicators, base and derived values, the budget rule,
grade bands; :mod:`.ruleset` puts them together and checks the sums. Each table's keys are
declared once, in :mod:`.tables` and :mod:`.framework_tables`, which :mod:`.schema` also writes
out as the JSON Schema editors use."""

from .context import BUDGET_AMOUNTS, clear_formula_cache
from .framework_tables import BUDGET_NAMES, ROW_NAMES
from .ruleset import build_ruleset
from .schema import ruleset_schema, schema_text
from .tables import BUDGET_BASES

__all__ = [
    "BUDGET_AMOUNTS",
    "BUDGET_BASES",
    "BUDGET_NAMES",
    "ROW_NAMES",
    "build_ruleset",
    "clear_formula_cache",
    "ruleset_schema",
    "schema_text",
]
