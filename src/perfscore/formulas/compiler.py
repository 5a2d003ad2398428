"""The formula language rulesets use for scoring formulas and conditions.

A formula is a Python-like expression over ``Decimal`` numbers, for example
``W if A >= T else W * A / T``. It is checked by an allow-list over the tree that
``ast.parse(source, mode="eval")`` produces; anything not listed below is refused at
compile time with a :class:`~perfscore.errors.FormulaError` carrying a stable code and
the 1-based column of the offending node.

Allowed:

* numeric literals in decimal notation (``3``, ``0.5``, ``1e3``, ``1_000``); each becomes
  a ``Decimal`` read from its source text, so ``0.1`` is exactly ``Decimal("0.1")``;
* names declared by the caller (never one starting with ``_``, never a non-ASCII one);
* unary ``+``, ``-``, ``not``; binary ``+``, ``-``, ``*``, ``/``; ``x ** k`` where ``k`` is
  an integer literal from 0 to :data:`MAX_EXPONENT`;
* comparisons ``<``, ``<=``, ``>``, ``>=``, ``==``, ``!=`` (chains allowed), ``and``,
  ``or``, ``x if c else y``;
* calls by bare name to :data:`FUNCTIONS`: ``min(a, b, ...)``, ``max(a, b, ...)``,
  ``abs(x)``, ``round(x)`` / ``round(x, n)`` (``n`` an integer literal 0..6, half-up),
  ``clamp(x, lo, hi)``, ``floor(x)``, ``ceil(x)``.

Comparisons give booleans. They compare numbers: ordering a condition (``(A > 1) < 2``) or
comparing one with a number (``(A > 1) == 1``) is refused at compile time (``formula-compare``),
and a side that turns out to be the wrong kind at run time is an evaluation error. Two conditions
may be compared with ``==`` and ``!=``. ``and`` / ``or`` return an operand as in Python; a
boolean used where a number is needed is an evaluation error, never silently 0 or 1. A literal
and a result must lie within ±:data:`~perfscore.decimals.MAX_AMOUNT` (the model's number gate):
a literal beyond it is refused (``formula-literal``), a result beyond it is an evaluation error.

Error codes (``FormulaError.code``):

``formula-syntax``
    not an expression (Python syntax error, statements, empty text).
``formula-character``
    a character outside printable ASCII (zero-width spaces, fullwidth operators, control
    characters) or a backslash.
``formula-too-long`` / ``formula-too-deep``
    more than :data:`MAX_SOURCE_LENGTH` characters, or nesting deeper than
    :data:`MAX_DEPTH` (brackets, or expression nodes).
``formula-construct``
    a Python construct outside the language (attributes, subscripts, containers,
    comprehensions, lambda, ``:=``, f-strings, ``//``, ``%``, ``@``, bitwise operators,
    ``is`` / ``in``, ...).
``formula-literal``
    a literal that is not a decimal number (strings, bytes, ``True``, ``None``, complex,
    hexadecimal...) or one with more than :data:`MAX_LITERAL_DIGITS` digits.
``formula-compare``
    a condition ordered or compared with a number (``(A > 1) < 2``, ``(A > 1) == 1``).
``formula-power``
    ``**`` whose exponent is not an integer literal in ``0..MAX_EXPONENT``.
``formula-name``
    an undeclared name (the message suggests close matches), a name starting with ``_``,
    or a non-ASCII identifier.
``formula-function``
    a call to a name that is not one of :data:`FUNCTIONS`.
``formula-call``
    a call on something other than a bare name, keyword or starred arguments, the wrong
    number of arguments, or ``round`` places that are not an integer literal 0..6.
``formula-backend``
    an unknown backend name.

Two backends give the same results: ``"compiled"`` turns the checked tree into the source
of one small Python function, compiled once and run in a closed namespace (no builtins);
``"simpleeval"`` is the reference interpreter, a :class:`simpleeval.SimpleEval` restricted
to the same allow-list and the same helper functions.
"""

from __future__ import annotations

import ast
import decimal
import difflib
import functools
import operator
import re
import threading
import warnings
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any, Callable, NoReturn, Optional, Union

import attrs
import simpleeval

from perfscore.decimals import MAX_AMOUNT, NumberRefused, gate, quantize
from perfscore.errors import FormulaError, FormulaEvaluationError

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

#: The functions a formula may call, by bare name.
FUNCTIONS: frozenset[str] = frozenset({"abs", "ceil", "clamp", "floor", "max", "min", "round"})

MAX_SOURCE_LENGTH = 500
"""Longest formula source accepted, in characters."""
MAX_DEPTH = 32
"""Deepest nesting accepted: brackets in the source, and expression nodes in the tree."""
MAX_LITERAL_DIGITS = 20
"""Most digits a numeric literal may have (exponent digits included)."""
MAX_EXPONENT = 9
"""Largest integer literal allowed on the right of ``**``."""

_MAX_ROUND_PLACES = 6
BACKENDS = ("compiled", "simpleeval")

Value = Union[Decimal, bool]
_Impl = Callable[[Mapping[str, Decimal]], Value]

_AS_NUMBER = "a condition was used as a number"
_COMPARED = "a condition (true or false) was compared with a number"


# --------------------------------------------------------------------------------------
# Helpers shared by both backends. Every one accepts Decimals only.
# --------------------------------------------------------------------------------------


_LOW, _HIGH = -MAX_AMOUNT, MAX_AMOUNT
"""A result must lie within these, as every number entering the model does
(:func:`perfscore.decimals.gate`): beyond them it is not scorable, never rounded or formatted."""


def _not_a_number(value: object) -> FormulaEvaluationError:
    if isinstance(value, bool):
        return FormulaEvaluationError(_AS_NUMBER)
    if isinstance(value, Decimal) and value.is_finite():
        return FormulaEvaluationError(
            f"the result is out of range (beyond ±{MAX_AMOUNT:E})".replace("E+", "e")
        )
    if isinstance(value, Decimal):
        return FormulaEvaluationError("the result is not a finite number")
    return FormulaEvaluationError(f"expected a number, got {type(value).__name__}")


def _num(value: object) -> Decimal:
    if type(value) is Decimal:
        return value
    raise _not_a_number(value)


def _cmp_num(value: object) -> Decimal:
    """A compared value that must be a number."""
    if type(value) is bool:
        raise FormulaEvaluationError(_COMPARED)
    return _num(value)


def _cmp_cond(value: object) -> bool:
    """A compared value that must be a condition (the other side of ``==`` is one)."""
    if type(value) is not bool:
        raise FormulaEvaluationError(_COMPARED)
    return value


def _cmp_eq(a: object, b: object) -> bool:
    """``==`` as the reference backend runs it: two numbers, or two conditions."""
    if (type(a) is bool) != (type(b) is bool):
        raise FormulaEvaluationError(_COMPARED)
    return a == b


def _coerce_input(name: str, value: object) -> Decimal:
    """Accept an input that is not a plain ``Decimal`` when that is exact (an ``int`` or a
    ``Decimal`` subclass); refuse booleans, floats and everything else."""
    if isinstance(value, bool):
        raise FormulaEvaluationError(f"input {name!r} is a condition, not a number")
    if isinstance(value, (Decimal, int)):
        return Decimal(value)
    raise FormulaEvaluationError(f"input {name!r} is not a Decimal (got {type(value).__name__})")


def _fn_min(*args: object) -> Decimal:
    values = [_num(a) for a in args]
    if not values:
        raise FormulaEvaluationError("min() needs at least one argument")
    return min(values)


def _fn_max(*args: object) -> Decimal:
    values = [_num(a) for a in args]
    if not values:
        raise FormulaEvaluationError("max() needs at least one argument")
    return max(values)


def _fn_abs(x: object) -> Decimal:
    return abs(_num(x))


def _fn_round(x: object, places: object = None) -> Decimal:
    value = _num(x)
    if places is None:
        return quantize(value, 0)
    count = _num(places)
    if count != count.to_integral_value() or not 0 <= count <= _MAX_ROUND_PLACES:
        raise FormulaEvaluationError(f"round() places must be an integer from 0 to {_MAX_ROUND_PLACES}")
    return quantize(value, int(count))


def _fn_clamp(x: object, lo: object, hi: object) -> Decimal:
    value, low, high = _num(x), _num(lo), _num(hi)
    if low > high:
        raise FormulaEvaluationError("clamp() lower bound is above its upper bound")
    if value < low:
        return low
    if value > high:
        return high
    return value


def _fn_floor(x: object) -> Decimal:
    # to_integral_value keeps the value a Decimal: no int of unbounded size is built.
    return _num(x).to_integral_value(rounding=decimal.ROUND_FLOOR)


def _fn_ceil(x: object) -> Decimal:
    return _num(x).to_integral_value(rounding=decimal.ROUND_CEILING)


_HELPERS: dict[str, Callable[..., Decimal]] = {
    "min": _fn_min,
    "max": _fn_max,
    "abs": _fn_abs,
    "round": _fn_round,
    "clamp": _fn_clamp,
    "floor": _fn_floor,
    "ceil": _fn_ceil,
}
assert frozenset(_HELPERS) == FUNCTIONS

#: (smallest, largest) number of arguments; ``None`` means no upper bound.
_ARITY: dict[str, tuple[int, Optional[int]]] = {
    "min": (2, None),
    "max": (2, None),
    "abs": (1, 1),
    "round": (1, 2),
    "clamp": (3, 3),
    "floor": (1, 1),
    "ceil": (1, 1),
}


def _op_add(a: object, b: object) -> Decimal:
    return _num(a) + _num(b)


def _op_sub(a: object, b: object) -> Decimal:
    return _num(a) - _num(b)


def _op_mul(a: object, b: object) -> Decimal:
    return _num(a) * _num(b)


def _op_div(a: object, b: object) -> Decimal:
    return _num(a) / _num(b)


def _op_pow(a: object, b: object) -> Decimal:
    base, exponent = _num(a), _num(b)
    if exponent != exponent.to_integral_value() or not 0 <= exponent <= MAX_EXPONENT:
        raise FormulaEvaluationError("exponent out of range")
    return base**exponent


def _op_neg(a: object) -> Decimal:
    return -_num(a)


def _op_pos(a: object) -> Decimal:
    return +_num(a)


#: Operators with checked operands, used by the compiled backend when an operand may be a
#: condition (and always by the reference backend).
_OPERATOR_HELPERS = (_op_add, _op_sub, _op_mul, _op_div, _op_pow, _op_neg, _op_pos)


# --------------------------------------------------------------------------------------
# Translating whatever an evaluation raised into FormulaEvaluationError.
# --------------------------------------------------------------------------------------


def _evaluation_error(exc: BaseException) -> FormulaEvaluationError:
    if isinstance(exc, FormulaEvaluationError):
        return exc
    if isinstance(exc, KeyError):
        key = exc.args[0] if exc.args else "?"
        return FormulaEvaluationError(f"missing input {key!r}")
    if isinstance(exc, ZeroDivisionError) or (
        isinstance(exc, decimal.InvalidOperation)
        and any(s is decimal.DivisionUndefined for s in (exc.args[0] if exc.args else ()))
    ):
        return FormulaEvaluationError("division by zero")
    if isinstance(exc, decimal.Overflow):
        return FormulaEvaluationError("number too large")
    if isinstance(exc, decimal.Underflow):
        return FormulaEvaluationError("number too small")
    if isinstance(exc, decimal.InvalidOperation):
        return FormulaEvaluationError("invalid operation")
    if isinstance(exc, ArithmeticError):
        return FormulaEvaluationError(f"arithmetic error ({type(exc).__name__})")
    if isinstance(exc, (RecursionError, MemoryError)):
        return FormulaEvaluationError("formula too complex to evaluate")
    return FormulaEvaluationError(f"could not evaluate ({type(exc).__name__})")


# --------------------------------------------------------------------------------------
# The checker. One pass over the tree validates it and writes the compiled backend's code.
# --------------------------------------------------------------------------------------

_NUM, _BOOL, _MIXED = "num", "bool", "mixed"

_BINARY = {
    ast.Add: ("+", "_op_add"),
    ast.Sub: ("-", "_op_sub"),
    ast.Mult: ("*", "_op_mul"),
    ast.Div: ("/", "_op_div"),
}
_COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_REFUSED_OPERATORS: dict[type[ast.AST], tuple[str, str]] = {
    ast.FloorDiv: ("//", "floor division '//' is not allowed; use floor(a / b)"),
    ast.Mod: ("%", "the '%' operator is not allowed"),
    ast.MatMult: ("@", "the '@' operator is not allowed"),
    ast.LShift: ("<<", "bit shifts are not allowed"),
    ast.RShift: (">>", "bit shifts are not allowed"),
    ast.BitOr: ("|", "bitwise operators are not allowed; use 'or'"),
    ast.BitAnd: ("&", "bitwise operators are not allowed; use 'and'"),
    ast.BitXor: ("^", "bitwise operators are not allowed; use '**' for powers"),
    ast.Is: ("is", "'is' is not allowed; use '=='"),
    ast.IsNot: ("is", "'is not' is not allowed; use '!='"),
    ast.In: ("in", "'in' is not allowed"),
    ast.NotIn: ("not", "'not in' is not allowed"),
}
_CONSTRUCTS: dict[str, str] = {
    "Attribute": "attribute access",
    "Subscript": "indexing",
    "Slice": "slices",
    "JoinedStr": "f-strings",
    "FormattedValue": "f-strings",
    "List": "lists",
    "Tuple": "tuples",
    "Dict": "dicts",
    "Set": "sets",
    "ListComp": "comprehensions",
    "SetComp": "comprehensions",
    "DictComp": "comprehensions",
    "GeneratorExp": "generator expressions",
    "Lambda": "lambda",
    "NamedExpr": "assignment expressions ':='",
    "Starred": "starred expressions",
    "Await": "await",
    "Yield": "yield",
    "YieldFrom": "yield",
}
_ALLOWED_WHITESPACE = frozenset(" \t\n\r")


def _union(kinds: list[str]) -> str:
    first = kinds[0]
    return first if all(k == first for k in kinds) else _MIXED


def _suggest(word: str, candidates: Collection[str]) -> list[str]:
    pool = sorted(candidates)
    found = [c for c in pool if c.lower() == word.lower() and c != word]
    for match in difflib.get_close_matches(word, pool, n=3, cutoff=0.6):
        if match not in found:
            found.append(match)
    return found[:3]


def _did_you_mean(found: list[str]) -> str:
    return "; did you mean " + " or ".join(repr(s) for s in found) + "?" if found else ""


class _Checker:
    """Validates one parsed formula and writes its compiled form."""

    def __init__(self, source: str, declared: frozenset[str]) -> None:
        self.source = source
        self.declared = declared
        self.line_starts = [0]
        i, n = 0, len(source)
        while i < n:
            ch = source[i]
            if ch == "\r" and i + 1 < n and source[i + 1] == "\n":
                i += 1
            if ch in "\r\n":
                self.line_starts.append(i + 1)
            i += 1
        self.params: dict[str, str] = {}
        self.constants: dict[str, Decimal] = {}
        self.literals: list[tuple[ast.Constant, Decimal]] = []

    # Positions ---------------------------------------------------------------------------

    def offset(self, lineno: Optional[int], col: Optional[int]) -> Optional[int]:
        """0-based index into the source (the source is ASCII, so bytes are characters)."""
        if lineno is None or col is None or not 1 <= lineno <= len(self.line_starts):
            return None
        return self.line_starts[lineno - 1] + col

    def column(self, node: ast.AST) -> Optional[int]:
        at = self.offset(getattr(node, "lineno", None), getattr(node, "col_offset", None))
        return None if at is None else at + 1

    def end(self, node: ast.AST) -> Optional[int]:
        return self.offset(getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None))

    def locate(self, after: ast.expr, before: ast.expr, token: str) -> Optional[int]:
        """1-based column of ``token`` between two nodes, skipping comments."""
        start, stop = self.end(after), self.offset(before.lineno, before.col_offset)
        if start is None or stop is None:
            return None
        i = start
        while i < stop:
            if self.source[i] == "#":
                while i < stop and self.source[i] not in "\r\n":
                    i += 1
            elif self.source.startswith(token, i):
                return i + 1
            i += 1
        return None

    def fail(
        self, code: str, message: str, node: Optional[ast.AST] = None, column: Optional[int] = None
    ) -> NoReturn:
        if column is None and node is not None:
            column = self.column(node)
        raise FormulaError(code, message, self.source, column)

    # The walk ----------------------------------------------------------------------------

    def visit(self, node: ast.AST) -> tuple[str, str]:
        """Check ``node``; return (Python code, kind) where kind says whether the value is
        always a number, always a boolean, or may be either."""
        if isinstance(node, ast.Constant):
            return self.visit_constant(node)
        if isinstance(node, ast.Name):
            return self.visit_name(node)
        if isinstance(node, ast.UnaryOp):
            return self.visit_unary(node)
        if isinstance(node, ast.BinOp):
            return self.visit_binary(node)
        if isinstance(node, ast.BoolOp):
            parts = [self.visit(v) for v in node.values]
            word = " and " if isinstance(node.op, ast.And) else " or "
            return "(" + word.join(code for code, _ in parts) + ")", _union([k for _, k in parts])
        if isinstance(node, ast.Compare):
            return self.visit_compare(node)
        if isinstance(node, ast.IfExp):
            test, _ = self.visit(node.test)
            body, body_kind = self.visit(node.body)
            orelse, else_kind = self.visit(node.orelse)
            return f"({body} if {test} else {orelse})", _union([body_kind, else_kind])
        if isinstance(node, ast.Call):
            return self.visit_call(node)
        what = _CONSTRUCTS.get(type(node).__name__, type(node).__name__)
        self.fail("formula-construct", f"{what} not allowed in a formula", node)

    def visit_constant(self, node: ast.Constant) -> tuple[str, str]:
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            self.fail(
                "formula-literal",
                f"{value!r} is not allowed; a formula has only numbers (comparisons give conditions)",
                node,
            )
        if isinstance(value, complex):
            self.fail("formula-literal", "complex numbers are not allowed", node)
        if isinstance(value, (str, bytes)):
            self.fail("formula-literal", "strings are not allowed in a formula", node)
        if not isinstance(value, (int, float)):
            self.fail("formula-literal", f"literal of type {type(value).__name__} is not allowed", node)
        start, stop = self.offset(node.lineno, node.col_offset), self.end(node)
        if start is None or stop is None:  # pragma: no cover - ast always gives positions here
            self.fail("formula-literal", "cannot locate literal", node)
        text = self.source[start:stop]
        if any(c in text for c in "xXoObB"):
            self.fail("formula-literal", f"only decimal notation is allowed (got {text})", node)
        digits = sum(c.isdigit() for c in text)
        if digits > MAX_LITERAL_DIGITS:
            self.fail(
                "formula-literal",
                f"numeric literal has {digits} digits; at most {MAX_LITERAL_DIGITS} allowed",
                node,
            )
        try:
            number = gate(Decimal(text.replace("_", "")))  # a literal passes the model's number gate
        except decimal.InvalidOperation:  # pragma: no cover - the parser accepted it as a number
            self.fail("formula-literal", f"not a number: {text}", node)
        except NumberRefused as exc:
            self.fail("formula-literal", f"{exc.reason}: {text}; expected {exc.expected}", node)
        self.literals.append((node, number))
        name = f"_c{len(self.constants)}"
        self.constants[name] = number
        return name, _NUM

    def visit_name(self, node: ast.Name) -> tuple[str, str]:
        name = node.id
        if name.startswith("_"):
            self.fail("formula-name", f"names starting with '_' are not allowed ({name})", node)
        if not name.isascii():  # pragma: no cover - the character check refuses these first
            self.fail("formula-name", f"non-ASCII name {name!r} is not allowed", node)
        if name not in self.declared:
            hint = _did_you_mean(_suggest(name, self.declared))
            if not hint and name in FUNCTIONS:
                hint = f"; {name}() is a function and must be called"
            self.fail("formula-name", f"unknown name {name!r}{hint}", node)
        param = self.params.get(name)
        if param is None:
            param = self.params[name] = f"_v{len(self.params)}"
        return param, _NUM

    def visit_unary(self, node: ast.UnaryOp) -> tuple[str, str]:
        if isinstance(node.op, ast.Invert):
            self.fail("formula-construct", "the '~' operator is not allowed", node)
        operand, kind = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return f"(not {operand})", _BOOL
        if isinstance(node.op, ast.USub):
            return (f"(-{operand})" if kind == _NUM else f"_op_neg({operand})"), _NUM
        if isinstance(node.op, ast.UAdd):
            return (f"(+{operand})" if kind == _NUM else f"_op_pos({operand})"), _NUM
        self.fail("formula-construct", "unary operator not allowed", node)  # pragma: no cover

    def visit_binary(self, node: ast.BinOp) -> tuple[str, str]:
        refused = _REFUSED_OPERATORS.get(type(node.op))
        if refused is not None:
            token, message = refused
            self.fail("formula-construct", message, node, self.locate(node.left, node.right, token))
        if isinstance(node.op, ast.Pow):
            exponent = node.right
            ok = (
                isinstance(exponent, ast.Constant)
                and type(exponent.value) is int
                and 0 <= exponent.value <= MAX_EXPONENT
            )
            if not ok:
                self.fail(
                    "formula-power",
                    f"the exponent of '**' must be an integer literal from 0 to {MAX_EXPONENT}",
                    exponent,
                )
            left, kind = self.visit(node.left)
            right, _ = self.visit(exponent)
            return (f"({left} ** {right})" if kind == _NUM else f"_op_pow({left}, {right})"), _NUM
        symbol_helper = _BINARY.get(type(node.op))
        if symbol_helper is None:  # pragma: no cover - every operator is listed above
            self.fail("formula-construct", "operator not allowed", node)
        symbol, helper = symbol_helper
        left, left_kind = self.visit(node.left)
        right, right_kind = self.visit(node.right)
        if left_kind == _NUM and right_kind == _NUM:
            return f"({left} {symbol} {right})", _NUM
        return f"{helper}({left}, {right})", _NUM

    def visit_compare(self, node: ast.Compare) -> tuple[str, str]:
        previous: ast.expr = node.left
        for op, right in zip(node.ops, node.comparators):
            refused = _REFUSED_OPERATORS.get(type(op))
            if refused is not None:
                token, message = refused
                self.fail("formula-construct", message, node, self.locate(previous, right, token))
            previous = right
        operands = [node.left, *node.comparators]
        visited = [self.visit(operand) for operand in operands]
        kinds = [kind for _, kind in visited]
        wants = [""] * len(operands)  # what each side must be: _NUM or _BOOL
        for i, op in enumerate(node.ops):
            lk, rk = kinds[i], kinds[i + 1]
            if type(op) not in (ast.Eq, ast.NotEq) or _NUM in (lk, rk):
                # An ordering compares numbers; so does == with a number on one side.
                for side in (i, i + 1):
                    if kinds[side] == _BOOL:
                        self.fail("formula-compare", _COMPARED, operands[side])
                    wants[side] = _NUM
            elif lk == _MIXED and rk == _MIXED:
                self.fail("formula-compare", "both sides may be conditions or numbers: say which", node)
            elif _BOOL in (lk, rk) and not wants[i] and not wants[i + 1]:
                wants[i] = wants[i + 1] = _BOOL  # two conditions may be compared with == and !=
            elif _BOOL in (lk, rk):
                self.fail("formula-compare", _COMPARED, operands[i if lk == _BOOL else i + 1])
        pieces = []
        for index, ((text, kind), want) in enumerate(zip(visited, wants)):
            if index:
                pieces.append(_COMPARE[type(node.ops[index - 1])])
            if kind == _MIXED:
                text = f"_cmp_num({text})" if want == _NUM else f"_cmp_cond({text})"
            pieces.append(text)
        return "(" + " ".join(pieces) + ")", _BOOL

    def visit_call(self, node: ast.Call) -> tuple[str, str]:
        func = node.func
        if not isinstance(func, ast.Name):
            self.fail("formula-call", "only the built-in functions can be called, by bare name", func)
        name = func.id
        if name not in FUNCTIONS:
            if name in self.declared:
                message = f"{name!r} is an input, not a function"
            else:
                hint = _did_you_mean(_suggest(name, FUNCTIONS))
                message = f"unknown function {name!r}{hint} (allowed: {', '.join(sorted(FUNCTIONS))})"
            self.fail("formula-function", message, func)
        for kw in node.keywords:
            self.fail("formula-call", f"keyword arguments are not allowed in {name}()", kw)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                self.fail("formula-call", f"starred arguments are not allowed in {name}()", arg)
        args = [self.visit(a)[0] for a in node.args]
        low, high = _ARITY[name]
        count = len(node.args)
        if count < low or (high is not None and count > high):
            wanted = f"{low}" if low == high else (f"at least {low}" if high is None else f"{low} to {high}")
            self.fail("formula-call", f"{name}() takes {wanted} argument(s), got {count}", node)
        if name == "round" and count == 2:
            places = node.args[1]
            if not (
                isinstance(places, ast.Constant)
                and type(places.value) is int
                and 0 <= places.value <= _MAX_ROUND_PLACES
            ):
                self.fail(
                    "formula-call",
                    f"round() places must be an integer literal from 0 to {_MAX_ROUND_PLACES}",
                    places,
                )
        return f"_fn_{name}({', '.join(args)})", _NUM


# --------------------------------------------------------------------------------------
# Guards that run before and after ast.parse.
# --------------------------------------------------------------------------------------


# A number glued to a keyword ("1if A else 2"): newer Pythons warn and _parse refuses it, but
# Python 3.9 parses it silently, and the language must not depend on the Python it runs on.
_GLUED_KEYWORD = re.compile(
    r"(?<![A-Za-z_])\d[\d_.]*(?:[eE][+-]?\d+)?(?:if|else|and|or|not|in|is)(?![A-Za-z0-9_])"
)


def _check_text(source: str) -> None:
    if len(source) > MAX_SOURCE_LENGTH:
        raise FormulaError(
            "formula-too-long",
            f"formula is {len(source)} characters long; at most {MAX_SOURCE_LENGTH} allowed",
            source,
            MAX_SOURCE_LENGTH + 1,
        )
    if not source.strip():
        raise FormulaError("formula-syntax", "empty formula", source)
    glued = _GLUED_KEYWORD.search(source)
    if glued:
        raise FormulaError("formula-syntax", "a number glued to a keyword: put a space between them", source,
                           glued.start() + 1)  # fmt: skip
    depth = 0
    for index, ch in enumerate(source):
        if ch > "~" or (ch < " " and ch not in _ALLOWED_WHITESPACE):
            if ("a" + ch).isidentifier():
                message = f"non-ASCII letter {ch!r} (U+{ord(ch):04X}) in a name is not allowed"
                raise FormulaError("formula-name", message, source, index + 1)
            message = f"character {ch!r} (U+{ord(ch):04X}) is not allowed"
            raise FormulaError("formula-character", message, source, index + 1)
        if ch == "\\":
            raise FormulaError(
                "formula-character",
                "backslashes (line continuations, escapes) are not allowed",
                source,
                index + 1,
            )
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise FormulaError(
                    "formula-too-deep", f"brackets nested deeper than {MAX_DEPTH} levels", source, index + 1
                )
        elif ch in ")]}":
            depth -= 1


def _parse(source: str) -> ast.Expression:
    try:
        with warnings.catch_warnings():
            # Suspicious text (e.g. '1if') becomes a syntax error instead of a warning.
            warnings.simplefilter("error")
            return ast.parse(source, mode="eval")
    except SyntaxError as exc:
        column: Optional[int] = None
        if exc.lineno is not None and exc.offset is not None:
            starts = _Checker(source, frozenset()).line_starts
            if 1 <= exc.lineno <= len(starts):
                column = max(1, min(starts[exc.lineno - 1] + exc.offset, len(source) + 1))
        raise FormulaError("formula-syntax", f"invalid syntax: {exc.msg}", source, column) from None
    except (RecursionError, MemoryError):
        raise FormulaError("formula-too-deep", "formula is nested too deeply to parse", source) from None
    except ValueError as exc:
        raise FormulaError("formula-syntax", f"invalid formula: {exc}", source) from None


def _check_depth(tree: ast.Expression, checker: _Checker) -> None:
    """Depth of expression nodes, measured with an explicit stack (no recursion)."""
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            checker.fail("formula-too-deep", f"formula nested deeper than {MAX_DEPTH} levels", node)
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + 1 if isinstance(child, ast.expr) else depth))


# --------------------------------------------------------------------------------------
# Backends.
# --------------------------------------------------------------------------------------


def _build_compiled(checker: _Checker, code: str, names: tuple[str, ...]) -> _Impl:
    lines = ["def _formula(_env):"]
    for name in names:
        param = checker.params[name]
        lines.append(f"    {param} = _env[{name!r}]")
        lines.append(f"    if {param}.__class__ is not _D: {param} = _coerce_input({name!r}, {param})")
    lines.append(f"    return {code}")
    namespace: dict[str, Any] = {
        "__builtins__": {},
        "_D": Decimal,
        "_coerce_input": _coerce_input,
        "_cmp_num": _cmp_num,
        "_cmp_cond": _cmp_cond,
    }
    namespace.update({f"_fn_{name}": helper for name, helper in _HELPERS.items()})
    namespace.update({helper.__name__: helper for helper in _OPERATOR_HELPERS})
    namespace.update(checker.constants)
    exec(compile("\n".join(lines), "<formula>", "exec"), namespace)
    function: _Impl = namespace["_formula"]
    return function


_REFERENCE_OPERATORS: dict[type[ast.AST], Callable[..., Any]] = {
    ast.Add: _op_add,
    ast.Sub: _op_sub,
    ast.Mult: _op_mul,
    ast.Div: _op_div,
    ast.Pow: _op_pow,
    ast.USub: _op_neg,
    ast.UAdd: _op_pos,
    ast.Not: operator.not_,
    # Comparisons compare numbers only, as the compiled backend's _num() checks them.
    ast.Lt: lambda a, b: _cmp_num(a) < _cmp_num(b),
    ast.LtE: lambda a, b: _cmp_num(a) <= _cmp_num(b),
    ast.Gt: lambda a, b: _cmp_num(a) > _cmp_num(b),
    ast.GtE: lambda a, b: _cmp_num(a) >= _cmp_num(b),
    ast.Eq: _cmp_eq,
    ast.NotEq: lambda a, b: not _cmp_eq(a, b),
}


class _ReferenceEvaluator(simpleeval.SimpleEval):  # type: ignore[misc]
    """simpleeval restricted to the checked node types; literals were turned into Decimals
    at compile time and names are looked up in the inputs only (never in functions)."""

    def __init__(self) -> None:
        super().__init__(operators=dict(_REFERENCE_OPERATORS), functions=dict(_HELPERS), names={})
        self.nodes = {
            ast.Constant: self._eval_constant,
            ast.Name: self._eval_name,
            ast.UnaryOp: self._eval_unaryop,
            ast.BinOp: self._eval_binop,
            ast.BoolOp: self._eval_boolop,
            ast.Compare: self._eval_compare,
            ast.IfExp: self._eval_ifexp,
            ast.Call: self._eval_call,
        }

    def _eval_constant(self, node: ast.Constant) -> Decimal:
        value: object = node.value
        if type(value) is not Decimal:
            raise FormulaEvaluationError("unexpected literal")
        return value

    def _eval_name(self, node: ast.Name) -> Any:
        return self.names[node.id]


def _build_reference(source: str, tree: ast.Expression, checker: _Checker, names: tuple[str, ...]) -> _Impl:
    for node, number in checker.literals:
        node.value = number  # type: ignore[assignment]  # the cached tree now holds exact Decimals, read from the source text
    body = tree.body
    evaluator = _ReferenceEvaluator()
    lock = threading.Lock()

    def run(env: Mapping[str, Decimal]) -> Value:
        values: dict[str, Decimal] = {}
        for name in names:
            value = env[name]
            values[name] = value if type(value) is Decimal else _coerce_input(name, value)
        with lock:
            evaluator.names = values
            try:
                result: Value = evaluator.eval(source, previously_parsed=body)
            finally:
                evaluator.names = {}
        return result

    return run


def _unbuilt(env: Mapping[str, Decimal]) -> Value:  # pragma: no cover - replaced at construction
    raise FormulaEvaluationError("formula was not compiled")


# --------------------------------------------------------------------------------------
# Public API.
# --------------------------------------------------------------------------------------


@attrs.frozen
class Formula:
    """A checked, compiled formula. Build one with :func:`compile_formula`."""

    source: str
    names: tuple[str, ...]
    """The free names the formula uses, sorted. ``env`` must hold each of them."""
    backend: str = "compiled"
    """``"compiled"`` (the fast path) or ``"simpleeval"`` (the reference interpreter)."""
    _impl: _Impl = attrs.field(default=_unbuilt, repr=False, eq=False, alias="_impl")
    condition: bool = attrs.field(default=False, repr=False, eq=False)
    """Whether its value is always a condition (a comparison, ``not``…), never a number"""

    def __attrs_post_init__(self) -> None:
        if self._impl is _unbuilt:
            built = compile_formula(self.source, self.names, backend=self.backend)
            if built.names != tuple(self.names):
                raise FormulaError(
                    "formula-name",
                    f"names must list exactly the names the formula uses: {built.names}",
                    self.source,
                )
            object.__setattr__(self, "_impl", built._impl)
            object.__setattr__(self, "condition", built.condition)

    def number(self, env: Mapping[str, Decimal]) -> Decimal:
        """The value as a ``Decimal``. A condition (boolean) result, a non-finite result and
        every evaluation failure raise :class:`FormulaEvaluationError`."""
        try:
            value = self._impl(env)
        except FormulaEvaluationError:
            raise
        except Exception as exc:
            raise _evaluation_error(exc) from exc
        if type(value) is Decimal and value.is_finite() and _LOW <= value <= _HIGH:
            return value if value else value.copy_abs()  # never a negative zero
        raise _not_a_number(value)

    # number(), truth() and evaluate() repeat their guard on purpose: they are the scoring hot
    # path, and a shared helper would cost a call on every evaluation.
    def truth(self, env: Mapping[str, Decimal]) -> bool:
        """The value as a condition: a boolean as is, a number is true when non-zero."""
        try:
            value = self._impl(env)
        except FormulaEvaluationError:
            raise
        except Exception as exc:
            raise _evaluation_error(exc) from exc
        if type(value) is bool:
            return value
        if type(value) is Decimal and value.is_finite() and _LOW <= value <= _HIGH:
            return bool(value)
        raise _not_a_number(value)

    def evaluate(self, env: Mapping[str, Decimal]) -> Value:
        """The value as computed: a ``Decimal``, or a ``bool`` for a condition."""
        try:
            value = self._impl(env)
        except FormulaEvaluationError:
            raise
        except Exception as exc:
            raise _evaluation_error(exc) from exc
        if type(value) is bool:
            return value
        if type(value) is Decimal and value.is_finite() and _LOW <= value <= _HIGH:
            return value if value else value.copy_abs()
        raise _not_a_number(value)


CaseChain = Callable[..., "tuple[int, Decimal]"]
"""A compiled list of cases: ``(env, *values)`` → (index of the first case that applies, its
score), with one value for each name :func:`compile_cases` was given as ``args``."""


def compile_cases(cases: Sequence[tuple[Optional[Formula], Formula]], args: Sequence[str] = ()) -> CaseChain:
    """One function for an ordered list of ``(condition, score)`` formulas.

    It returns the index of the first case whose condition holds (a ``None`` condition always
    holds) and that case's score, checked exactly as :meth:`Formula.truth` and
    :meth:`Formula.number` check them; it raises :class:`FormulaEvaluationError` as they do,
    and when no case applies. Each name is read from ``env`` only when a formula needs it.

    ``args`` names inputs passed as arguments after ``env`` rather than in it: the function is
    called ``chain(env, *values)``, and an argument wins over the same name in ``env``. A row's
    W, T and A go this way, which spares the scorer a dict per row. An argument is checked
    (and coerced) as an input from ``env`` is, when a formula first needs it.

    When every formula uses the compiled backend the whole list becomes a single compiled
    function: a method's cases cost one call per row, not one per formula. Otherwise the
    formulas run one after another, each on its own backend.
    """
    pairs = tuple(cases)
    names = tuple(args)
    if len(set(names)) != len(names) or not all(n.isidentifier() for n in names):
        raise ValueError(f"args must be distinct names, got {names!r}")
    if any(f.backend != "compiled" for pair in pairs for f in pair if f is not None):
        return functools.partial(_run_cases, pairs, names)
    params = {name: f"_v{i}" for i, name in enumerate(names)}
    constants: dict[str, Decimal] = {}
    loaded: set[str] = set()  # names read on the path every case goes through

    def expression(formula: Formula) -> tuple[str, list[str]]:
        """The formula's code, sharing one namespace, and the lines that read its new names."""
        checker = _Checker(formula.source, frozenset(formula.names))
        checker.params, checker.constants = params, constants
        code, _ = checker.visit(_parse(formula.source).body)
        reads = []
        for name in formula.names:
            if name not in loaded:
                param = params[name]
                if name not in names:
                    reads.append(f"{param} = _env[{name!r}]")
                reads.append(f"if {param}.__class__ is not _D: {param} = _coerce_input({name!r}, {param})")
        return code, reads

    lines = [f"def _cases(_env{''.join(', ' + params[name] for name in names)}):", "  try:"]
    for index, (when, score) in enumerate(pairs):
        indent = "    "
        if when is not None:
            code, reads = expression(when)
            lines += [indent + line for line in reads]
            loaded.update(when.names)
            lines += [
                f"{indent}_t = {code}",
                f"{indent}if _t.__class__ is not _bool: _t = _truth(_t)",
                f"{indent}if _t:",
            ]
            indent += "  "
        code, reads = expression(score)
        lines += [indent + line for line in reads]
        if when is None:
            loaded.update(score.names)
        lines += [
            f"{indent}_s = {code}",
            f"{indent}if _s.__class__ is _D and _s.is_finite() and _LOW <= _s <= _HIGH:",
            f"{indent}  return {index}, (_s if _s else _s.copy_abs())",
            f"{indent}raise _not_a_number(_s)",
        ]
        if when is None:
            break  # an unconditional case ends the list: the ones after it never apply
    else:
        lines.append("    raise _Fail('no case applies')")
    lines += [
        "  except _Fail:",
        "    raise",
        "  except _Exception as _exc:",
        "    raise _evaluation_error(_exc) from _exc",
    ]
    namespace: dict[str, Any] = {
        "__builtins__": {},
        "_D": Decimal,
        "_coerce_input": _coerce_input,
        "_bool": bool,
        "_truth": _truth,
        "_not_a_number": _not_a_number,
        "_evaluation_error": _evaluation_error,
        "_Fail": FormulaEvaluationError,
        "_Exception": Exception,
        "_LOW": _LOW,
        "_HIGH": _HIGH,
        "_cmp_num": _cmp_num,
        "_cmp_cond": _cmp_cond,
    }
    namespace.update({f"_fn_{name}": helper for name, helper in _HELPERS.items()})
    namespace.update({helper.__name__: helper for helper in _OPERATOR_HELPERS})
    namespace.update(constants)
    exec(compile("\n".join(lines), "<cases>", "exec"), namespace)
    chain: CaseChain = namespace["_cases"]
    return chain


def _truth(value: object) -> bool:
    """A non-boolean condition's value: a finite number is true when non-zero."""
    if type(value) is Decimal and value.is_finite() and _LOW <= value <= _HIGH:
        return bool(value)
    raise _not_a_number(value)


def _run_cases(
    pairs: tuple[tuple[Optional[Formula], Formula], ...],
    names: tuple[str, ...],
    env: Mapping[str, Decimal],
    *values: Decimal,
) -> tuple[int, Decimal]:
    if len(values) != len(names):
        raise TypeError(f"expected {len(names)} values after env ({', '.join(names)}), got {len(values)}")
    if names:
        env = {**env, **dict(zip(names, values))}
    for index, (when, score) in enumerate(pairs):
        if when is None or when.truth(env):
            return index, score.number(env)
    raise FormulaEvaluationError("no case applies")


def compile_formula(source: str, names: Collection[str], *, backend: str = "compiled") -> Formula:
    """Check ``source`` against the language and compile it.

    ``names`` are the names the formula may use (declared by the ruleset context, e.g.
    ``W``, ``T``, ``A`` and the ruleset's parameters). Raises :class:`FormulaError` for
    anything refused.
    """
    if not isinstance(source, str):
        shown = repr(source)
        raise FormulaError("formula-syntax", f"a formula must be text, not {type(source).__name__}", shown)
    if isinstance(names, str):
        raise TypeError("names must be a collection of names, not a single string")
    if backend not in BACKENDS:
        raise FormulaError("formula-backend", f"unknown backend {backend!r}; use one of {BACKENDS}", source)
    _check_text(source)
    tree = _parse(source)
    checker = _Checker(source, frozenset(n for n in names if isinstance(n, str)))
    _check_depth(tree, checker)
    code, kind = checker.visit(tree.body)
    used = tuple(sorted(checker.params))
    if backend == "compiled":
        impl = _build_compiled(checker, code, used)
    else:
        impl = _build_reference(source, tree, checker, used)
    return Formula(source=source, names=used, backend=backend, _impl=impl, condition=kind == _BOOL)
