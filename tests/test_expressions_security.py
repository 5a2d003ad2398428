"""Hostile formulas: each is refused at compile time with our own FormulaError, quickly,
and never with any other exception."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfscore.errors import FormulaError, FormulaEvaluationError
from perfscore.formulas import BACKENDS, Formula, compile_formula

#: Declared generously so that hostile formulas are refused for what they do, not for
#: using an unknown name.
NAMES = ("A", "B", "T", "W", "a", "b", "x", "y")
ENV = {name: Decimal(index + 1) for index, name in enumerate(NAMES)}
TIME_LIMIT = 0.5  # seconds; a generous safety bound, not a benchmark


def timed_compile(source: str, backend: str) -> tuple[Optional[Formula], Optional[FormulaError]]:
    """Compile, returning (formula, None) or (None, error); any other exception propagates.

    Asserts the time bound. A slow first attempt is retried once so that a pause of the
    test process (garbage collection, a busy machine) does not count; a formula that is
    really slow to refuse is slow both times.
    """
    elapsed = 0.0
    for _attempt in range(2):
        started = time.perf_counter()
        try:
            result: tuple[Optional[Formula], Optional[FormulaError]] = (
                compile_formula(source, NAMES, backend=backend),
                None,
            )
        except FormulaError as error:
            result = (None, error)
        elapsed = time.perf_counter() - started
        if elapsed < TIME_LIMIT:
            return result
    raise AssertionError(f"compiling {source[:40]!r} took {elapsed:.3f}s (safety bound {TIME_LIMIT}s)")


CODES = {
    "formula-syntax",
    "formula-character",
    "formula-construct",
    "formula-name",
    "formula-function",
    "formula-call",
    "formula-too-long",
    "formula-too-deep",
    "formula-literal",
    "formula-power",
}

# (id, source, expected code or None when any FormulaError will do)
HOSTILE: list[tuple[str, str, Optional[str]]] = [
    ("import", "__import__('os')", "formula-function"),
    ("subclasses", "().__class__.__bases__[0].__subclasses__()", "formula-call"),
    ("format-escape", "'{0.__class__}'.format(x)", "formula-call"),
    ("f-string", 'f"{x}"', "formula-construct"),
    ("f-string-attr", 'f"{x.__class__}"', "formula-construct"),
    ("power-tower", "9**9**9", "formula-power"),
    ("big-power", "2**1000", "formula-power"),
    ("percent-format", "'%050000000d' % 1", "formula-construct"),
    ("5000-digit-literal", "1" * 5000, "formula-too-long"),
    ("21-digit-literal", "1" * 21, "formula-literal"),
    ("parens-3000", "(" * 3000 + "1" + ")" * 3000, "formula-too-long"),
    ("parens-40", "(" * 40 + "1" + ")" * 40, "formula-too-deep"),
    ("brackets-40", "[" * 40 + "]" * 40, "formula-too-deep"),
    ("unclosed-parens-200", "(" * 200, "formula-too-deep"),
    ("minus-3000", "-" * 3000 + "1", "formula-too-long"),
    ("minus-400", "-" * 400 + "1", "formula-too-deep"),
    ("not-3000", "not " * 3000 + "1", "formula-too-long"),
    ("not-100", "not " * 100 + "1", "formula-too-deep"),
    ("sum-chain", "1" + "+1" * 200, "formula-too-deep"),
    ("two-statements", "a; b", "formula-syntax"),
    ("assignment", "a = 5", "formula-syntax"),
    ("walrus", "(a := 5)", "formula-construct"),
    ("lambda", "lambda: 1", "formula-construct"),
    ("comprehension", "[x for x in y]", "formula-construct"),
    ("generator", "min(x for x in y)", "formula-construct"),
    ("dict", "{1: 2}", "formula-construct"),
    ("set", "{1, 2}", "formula-construct"),
    ("list", "[1, 2]", "formula-construct"),
    ("tuple", "1, 2", "formula-construct"),
    ("subscript", "x[0]", "formula-construct"),
    ("slice", "x[1:2]", "formula-construct"),
    ("attribute", "x.real", "formula-construct"),
    ("dunder-attribute", "A.__dict__", "formula-construct"),
    ("starred-call", "min(*x)", "formula-call"),
    ("double-starred-call", "max(**x)", "formula-call"),
    ("keyword-call", "max(a=1)", "formula-call"),
    ("exec", "exec('1')", "formula-function"),
    ("eval-name", "eval", "formula-name"),
    ("open-name", "open", "formula-name"),
    ("eval-call", "eval('1')", "formula-function"),
    ("fullwidth-eval", "ｅｖａｌ('1')", "formula-name"),
    ("fullwidth-name", "Ａ + 1", "formula-name"),
    ("math-bold-name", "\U0001d400 + 1", "formula-name"),
    ("ligature-name", "\ufb01 + 1", "formula-name"),
    ("superscript-name", "\u1d2c + 1", "formula-name"),
    ("fullwidth-plus", "A ＋ B", "formula-character"),
    ("builtins", "A if A else __builtins__", "formula-name"),
    ("dunder-name", "__class__", "formula-name"),
    ("complex", "1j", "formula-literal"),
    ("complex-sum", "A + 2j", "formula-literal"),
    ("bytes", "b'x'", "formula-literal"),
    ("string", "'x'", "formula-literal"),
    ("true", "True", "formula-literal"),
    ("false", "A + False", "formula-literal"),
    ("none", "None", "formula-literal"),
    ("ellipsis", "...", "formula-literal"),
    ("hex", "0xFF", "formula-literal"),
    ("octal", "0o17", "formula-literal"),
    ("binary", "0b101", "formula-literal"),
    ("matmul", "A @ B", "formula-construct"),
    ("floordiv", "A // B", "formula-construct"),
    ("modulo", "A % B", "formula-construct"),
    ("lshift", "A << 2", "formula-construct"),
    ("rshift", "A >> 2", "formula-construct"),
    ("bitor", "A | B", "formula-construct"),
    ("bitand", "A & B", "formula-construct"),
    ("bitxor", "A ^ B", "formula-construct"),
    ("invert", "~A", "formula-construct"),
    ("is", "A is B", "formula-construct"),
    ("is-not", "A is not B", "formula-construct"),
    ("in", "A in B", "formula-construct"),
    ("not-in", "A not in B", "formula-construct"),
    ("private", "_private", "formula-name"),
    ("600-chars", "A + " * 149 + "A" * 5, "formula-too-long"),
    ("getattr", "getattr(A, 'x')", "formula-function"),
    ("type", "type(A)", "formula-function"),
    ("print", "print(A)", "formula-function"),
    ("call-lambda", "(lambda: 1)()", "formula-call"),
    ("call-input", "A(1)", "formula-function"),
    ("call-call", "min(A, B)(1)", "formula-call"),
    ("round-name-places", "round(A, B)", "formula-call"),
    ("round-99", "round(A, 99)", "formula-call"),
    ("round-negative", "round(A, -1)", "formula-call"),
    ("round-float-places", "round(A, 2.0)", "formula-call"),
    ("round-three-args", "round(A, 1, 2)", "formula-call"),
    ("min-no-args", "min()", "formula-call"),
    ("clamp-two-args", "clamp(A, B)", "formula-call"),
    ("power-name", "A ** B", "formula-power"),
    ("power-negative", "A ** -1", "formula-power"),
    ("power-float", "A ** 2.5", "formula-power"),
    ("power-ten", "A ** 10", "formula-power"),
    ("power-true", "A ** True", "formula-power"),
    ("zero-width-space", "A\u200b", "formula-character"),
    ("zero-width-joiner", "A\u200d + 1", "formula-character"),
    ("rtl-override", "A + \u202e1", "formula-character"),
    ("nbsp", "A\u00a0+ B", "formula-character"),
    ("null-byte", "A\x00", "formula-character"),
    ("form-feed", "A +\x0c B", "formula-character"),
    ("escape-char", "A\x1b", "formula-character"),
    ("backslash-continuation", "A + \\\n B", "formula-character"),
    ("backslash-escape", "'\\x41'", "formula-character"),
    ("yield", "(yield)", "formula-construct"),
    ("yield-bare", "yield", "formula-syntax"),
    ("yield-from", "(yield from x)", "formula-construct"),
    ("await", "await A", "formula-construct"),
    ("import-statement", "import os", "formula-syntax"),
    ("del", "del A", "formula-syntax"),
    ("augmented", "A += 1", "formula-syntax"),
    ("empty", "", "formula-syntax"),
    ("blank", "   \n\t ", "formula-syntax"),
    ("comment-only", "# nothing", "formula-syntax"),
    ("unbalanced", "(A + B", "formula-syntax"),
    ("closing-first", ")(", "formula-syntax"),
    ("incomplete-conditional", "A if B", "formula-syntax"),
    ("glued-keyword", "1if A else 2", "formula-syntax"),
    ("unknown-name", "C + 1", "formula-name"),
    ("function-as-value", "min + 1", "formula-name"),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("source", "code"), [(s, c) for _, s, c in HOSTILE], ids=[i for i, _, _ in HOSTILE])
def test_hostile_formula_is_refused(source: str, code: Optional[str], backend: str) -> None:
    formula, error = timed_compile(source, backend)
    assert formula is None, f"{source!r} was accepted"
    assert error is not None
    assert type(error) is FormulaError
    assert error.code in CODES
    if code is not None:
        assert error.code == code, str(error)
    assert error.source == source
    if error.column is not None:
        assert 1 <= error.column <= len(source) + 1


def test_refusal_does_not_depend_on_python_recursion_limit() -> None:
    import sys

    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back  # type: ignore[assignment]
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 60)  # our checks must not need Python recursion proportional to input
    try:
        for source in ("(" * 3000 + "1" + ")" * 3000, "-" * 3000 + "1", "-" * 499 + "1", "not " * 124 + "1"):
            with pytest.raises(FormulaError):
                compile_formula(source, NAMES)
    finally:
        sys.setrecursionlimit(limit)


def test_non_string_source_is_refused() -> None:
    with pytest.raises(FormulaError):
        compile_formula(42, NAMES)  # type: ignore[arg-type]


def test_generated_code_has_no_builtins() -> None:
    formula = compile_formula("max(0, W - 0.5 * ceil((A - T) / 1))", NAMES)
    namespace = formula._impl.__globals__
    assert namespace["__builtins__"] == {}
    assert not any(key for key in namespace if not key.startswith("_"))


# --------------------------------------------------------------------------------------
# Splicing hostile fragments into valid formulas
# --------------------------------------------------------------------------------------

VALID = [
    "W * A / T",
    "W if A >= T else W * A / T",
    "W if A <= T else (W * (1 - (A - T) / T) if A < 2 * T else 0)",
    "max(0, W - 0.5 * ceil((A - T) / 1))",
    "round(clamp(A / T, 0, 1) * W, 2)",
    "min(a, b) ** 2 + abs(x - y)",
    "not (A > B) and floor(x) or 1",
]

FRAGMENTS = [
    "__class__",
    ".__dict__",
    ".__class__.__mro__",
    "[0]",
    "'s'",
    '"s"',
    "b'x'",
    'f"{A}"',
    "lambda:0",
    "import os",
    ";",
    ":=",
    "**99",
    "** 9",
    "{}",
    "[]",
    "()",
    "@",
    "//",
    "%",
    "<<",
    "~",
    "|",
    "\\",
    "\n",
    "#",
    "0x1",
    "1j",
    "True",
    "None",
    "...",
    "*",
    "**",
    ",",
    "=",
    "(",
    ")",
    "if",
    "else",
    "is",
    "in",
    "not",
    "yield",
    "await",
    "__import__('os')",
    "eval",
    "exec",
    "open",
    "ｅｖａｌ",
    "\u200b",
    "9" * 25,
    "(" * 40,
    "-" * 40,
    "round(A, B)",
    "min(*A)",
    "max(k=1)",
    "_",
    "e5",
    "1e999999",
    "0",
    "/ 0",
]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), base=st.sampled_from(VALID), backend=st.sampled_from(BACKENDS))
def test_spliced_fragments_never_escape(data: st.DataObject, base: str, backend: str) -> None:
    source = base
    for _ in range(data.draw(st.integers(min_value=1, max_value=3), label="splices")):
        position = data.draw(st.integers(min_value=0, max_value=len(source)), label="position")
        fragment = data.draw(st.sampled_from(FRAGMENTS), label="fragment")
        source = source[:position] + fragment + source[position:]
    formula, error = timed_compile(source, backend)
    if error is not None:
        assert type(error) is FormulaError
        assert error.code in CODES
        return
    assert isinstance(formula, Formula)
    try:
        value = formula.evaluate(ENV)
    except FormulaEvaluationError:
        return
    assert type(value) in (Decimal, bool)


def _assert_never_escapes(source: str, backend: str) -> None:
    """Text is refused with our FormulaError, fails with our FormulaEvaluationError, or gives a
    Decimal or bool: nothing else gets out."""
    try:
        formula = compile_formula(source, NAMES, backend=backend)
    except FormulaError:
        return
    try:
        value = formula.evaluate(ENV)
    except FormulaEvaluationError:
        return
    assert type(value) in (Decimal, bool)


@given(source=st.text(max_size=80), backend=st.sampled_from(BACKENDS))
def test_arbitrary_text_never_escapes(source: str, backend: str) -> None:
    _assert_never_escapes(source, backend)


@given(
    source=st.text(alphabet="AWTxy0123456789.e_+-*/()<>=!, \n", max_size=60),
    backend=st.sampled_from(BACKENDS),
)
def test_near_valid_text_never_escapes(source: str, backend: str) -> None:
    _assert_never_escapes(source, backend)
