"""The formula language rulesets score with (``W if A >= T else W * A / T``): checked against an
allow-list, then compiled to a small Python function or run by the simpleeval reference.

- :mod:`.source` — the text's own checks (length, characters, brackets) and parsing it;
- :mod:`.check` — what a formula may say (the allow-list, its error codes and locations);
- :mod:`.codegen` — the one generator of Python source, for a formula and for a list of cases;
- :mod:`.reference` — the simpleeval backend, the reference the compiled one is tested against;
- :mod:`.runtime` — the limits, and the functions and checked operators a formula runs with;
- :mod:`.formula` — :class:`Formula`, :func:`compile_formula` and :func:`compile_cases`.
"""

from .codegen import clear_code_cache
from .formula import Formula, compile_cases, compile_formula
from .runtime import (
    BACKENDS,
    FUNCTIONS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LITERAL_DIGITS,
    MAX_SOURCE_LENGTH,
    CaseChain,
)

__all__ = [
    "BACKENDS",
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LITERAL_DIGITS",
    "MAX_SOURCE_LENGTH",
    "CaseChain",
    "Formula",
    "clear_code_cache",
    "compile_cases",
    "compile_formula",
]
