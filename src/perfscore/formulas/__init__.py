"""The formula language: the allow-list check, the compiler to Python functions and the simpleeval
reference backend."""

from .compiler import (
    BACKENDS,
    FUNCTIONS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LITERAL_DIGITS,
    MAX_SOURCE_LENGTH,
    CaseChain,
    Formula,
    compile_cases,
    compile_formula,
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
    "compile_cases",
    "compile_formula",
]
