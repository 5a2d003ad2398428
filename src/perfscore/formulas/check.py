"""The formula language's allow-list: what a formula may say, checked before anything runs.

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
  an integer literal from 0 to :data:`~perfscore.formulas.MAX_EXPONENT`;
* comparisons ``<``, ``<=``, ``>``, ``>=``, ``==``, ``!=`` (chains allowed), ``and``,
  ``or``, ``x if c else y``;
* calls by bare name to :data:`~perfscore.formulas.FUNCTIONS`: ``min(a, b, ...)``,
  ``max(a, b, ...)``, ``abs(x)``, ``round(x)`` / ``round(x, n)`` (``n`` an integer literal 0..6,
  half-up), ``clamp(x, lo, hi)``, ``floor(x)``, ``ceil(x)``.

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
    more than :data:`~perfscore.formulas.MAX_SOURCE_LENGTH` characters, or nesting deeper than
    :data:`~perfscore.formulas.MAX_DEPTH` (brackets, or expression nodes).
``formula-construct``
    a Python construct outside the language (attributes, subscripts, containers,
    comprehensions, lambda, ``:=``, f-strings, ``//``, ``%``, ``@``, bitwise operators,
    ``is`` / ``in``, ...).
``formula-literal``
    a literal that is not a decimal number (strings, bytes, ``True``, ``None``, complex,
    hexadecimal...) or one with more than :data:`~perfscore.formulas.MAX_LITERAL_DIGITS` digits.
``formula-compare``
    a condition ordered or compared with a number (``(A > 1) < 2``, ``(A > 1) == 1``).
``formula-power``
    ``**`` whose exponent is not an integer literal in ``0..MAX_EXPONENT``.
``formula-name``
    an undeclared name (the message suggests close matches), a name starting with ``_``,
    or a non-ASCII identifier.
``formula-function``
    a call to a name that is not one of :data:`~perfscore.formulas.FUNCTIONS`.
``formula-call``
    a call on something other than a bare name, keyword or starred arguments, the wrong
    number of arguments, or ``round`` places that are not an integer literal 0..6.
``formula-backend``
    an unknown backend name (checked by :func:`~perfscore.formulas.compile_formula`).

:func:`check` runs every guard and returns a :class:`Checked` formula: its tree and what the
generators need to know about it (the kind of each node, the exact value of each literal).
"""

from __future__ import annotations

import ast
import decimal
from collections.abc import Collection
from decimal import Decimal
from typing import Literal, NoReturn, Optional

import attrs

from perfscore.decimals import NumberRefused, gate

from .runtime import (
    ARITY,
    FUNCTIONS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LITERAL_DIGITS,
    MAX_ROUND_PLACES,
)
from .source import check_text, line_starts, parse, refusal

Kind = Literal["num", "bool", "mixed"]
"""What a node's value is: always a number, always a condition, or either."""
NUM: Kind = "num"
BOOL: Kind = "bool"
MIXED: Kind = "mixed"

#: Comparison operators allowed, by their Python spelling.
COMPARE: dict[type[ast.cmpop], str] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}
#: Arithmetic operators allowed: their Python spelling and the name of their checked operator.
BINARY: dict[type[ast.operator], tuple[str, str]] = {
    ast.Add: ("+", "add"),
    ast.Sub: ("-", "sub"),
    ast.Mult: ("*", "mul"),
    ast.Div: ("/", "div"),
}

#: Operators outside the language: the token to locate and the variant of ``formula-construct``.
_REFUSED_OPERATORS: dict[type[ast.AST], tuple[str, str]] = {
    ast.FloorDiv: ("//", "floor-division"),
    ast.Mod: ("%", "modulo"),
    ast.MatMult: ("@", "matmul"),
    ast.LShift: ("<<", "shift"),
    ast.RShift: (">>", "shift"),
    ast.BitOr: ("|", "bit-or"),
    ast.BitAnd: ("&", "bit-and"),
    ast.BitXor: ("^", "bit-xor"),
    ast.Is: ("is", "is"),
    ast.IsNot: ("is", "is-not"),
    ast.In: ("in", "in"),
    ast.NotIn: ("not", "not-in"),
}
#: Python constructs outside the language: the variant of ``formula-construct`` naming each.
_CONSTRUCTS: dict[str, str] = {
    "Attribute": "attribute",
    "Subscript": "subscript",
    "Slice": "slice",
    "JoinedStr": "f-string",
    "FormattedValue": "f-string",
    "List": "list",
    "Tuple": "tuple",
    "Dict": "dict",
    "Set": "set",
    "ListComp": "comprehension",
    "SetComp": "comprehension",
    "DictComp": "comprehension",
    "GeneratorExp": "generator",
    "Lambda": "lambda",
    "NamedExpr": "walrus",
    "Starred": "starred",
    "Await": "await",
    "Yield": "yield",
    "YieldFrom": "yield",
}


@attrs.frozen(eq=False)
class Checked:
    """A formula that passed the allow-list, and what generating code for it needs."""

    source: str
    tree: ast.Expression
    names: tuple[str, ...]
    """The free names the formula uses, sorted."""
    kinds: dict[ast.AST, Kind]
    """The kind of every expression node."""
    literals: dict[ast.AST, Decimal]
    """Each numeric literal's exact value, read from its source text."""
    wants: dict[ast.AST, Kind]
    """What each compared operand of mixed kind must turn out to be: a number or a condition."""

    @property
    def kind(self) -> Kind:
        """The kind of the whole formula's value."""
        return self.kinds[self.tree.body]


def check(source: str, declared: Collection[str]) -> Checked:
    """Check ``source`` against the language, with ``declared`` the names it may use. Raises
    :class:`FormulaError` for anything refused."""
    check_text(source)
    tree = parse(source)
    checker = _Checker(source, frozenset(n for n in declared if isinstance(n, str)))
    _check_depth(tree, checker)
    checker.visit(tree.body)
    names = tuple(sorted(checker.names))
    return Checked(
        source=source,
        tree=tree,
        names=names,
        kinds=checker.kinds,
        literals=checker.literals,
        wants=checker.wants,
    )


# -- the depth of the tree ---------------------------------------------------------------------


def _check_depth(tree: ast.Expression, checker: _Checker) -> None:
    """Depth of expression nodes, measured with an explicit stack (no recursion)."""
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            checker.fail("formula-too-deep", node, limit=MAX_DEPTH)
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + 1 if isinstance(child, ast.expr) else depth))


# -- the walk ------------------------------------------------------------------------------------


def _union(kinds: list[Kind]) -> Kind:
    first = kinds[0]
    return first if all(k == first for k in kinds) else MIXED


def _suggest(word: str, candidates: Collection[str]) -> list[str]:
    import difflib  # only when a name was not found

    pool = sorted(candidates)
    found = [c for c in pool if c.lower() == word.lower() and c != word]
    for match in difflib.get_close_matches(word, pool, n=3, cutoff=0.6):
        if match not in found:
            found.append(match)
    return found[:3]


def _either(found: list[str]) -> str:
    return " or ".join(repr(s) for s in found)


class _Checker:
    """Walks one parsed formula: refuses what the language does not allow, and records the kind
    of every node, the value of every literal and the names used."""

    def __init__(self, source: str, declared: frozenset[str]) -> None:
        self.source = source
        self.declared = declared
        self.line_starts = line_starts(source)
        self.names: set[str] = set()
        self.kinds: dict[ast.AST, Kind] = {}
        self.literals: dict[ast.AST, Decimal] = {}
        self.wants: dict[ast.AST, Kind] = {}

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
        self,
        code: str,
        node: Optional[ast.AST] = None,
        variant: str = "",
        column: Optional[int] = None,
        **values: object,
    ) -> NoReturn:
        """Refuse the formula with ``code`` (its ``variant``, if named), at ``column`` or else
        at ``node``."""
        if column is None and node is not None:
            column = self.column(node)
        raise refusal(code, self.source, column, variant, **values)

    # The walk ----------------------------------------------------------------------------

    def visit(self, node: ast.AST) -> Kind:
        """Check ``node`` and its children; record and return its kind."""
        kind = self.kind_of(node)
        self.kinds[node] = kind
        return kind

    def kind_of(self, node: ast.AST) -> Kind:
        if isinstance(node, ast.Constant):
            return self.visit_constant(node)
        if isinstance(node, ast.Name):
            return self.visit_name(node)
        if isinstance(node, ast.UnaryOp):
            return self.visit_unary(node)
        if isinstance(node, ast.BinOp):
            return self.visit_binary(node)
        if isinstance(node, ast.BoolOp):
            return _union([self.visit(v) for v in node.values])
        if isinstance(node, ast.Compare):
            return self.visit_compare(node)
        if isinstance(node, ast.IfExp):
            self.visit(node.test)
            return _union([self.visit(node.body), self.visit(node.orelse)])
        if isinstance(node, ast.Call):
            return self.visit_call(node)
        name = type(node).__name__
        self.fail("formula-construct", node, _CONSTRUCTS.get(name, ""), what=name)

    def visit_constant(self, node: ast.Constant) -> Kind:
        value = node.value
        if isinstance(value, bool) or value is None or value is Ellipsis:
            self.fail("formula-literal", node, "constant", value=value)
        if isinstance(value, complex):
            self.fail("formula-literal", node, "complex")
        if isinstance(value, (str, bytes)):
            self.fail("formula-literal", node, "string")
        if not isinstance(value, (int, float)):
            self.fail("formula-literal", node, type=type(value).__name__)
        self.literals[node] = self.number(node)
        return NUM

    def number(self, node: ast.Constant) -> Decimal:
        """A numeric literal's exact value, read from its source text."""
        start, stop = self.offset(node.lineno, node.col_offset), self.end(node)
        if start is None or stop is None:  # pragma: no cover - ast always gives positions here
            self.fail("formula-literal", node, "unlocated")
        text = self.source[start:stop]
        if any(c in text for c in "xXoObB"):
            self.fail("formula-literal", node, "notation", text=text)
        digits = sum(c.isdigit() for c in text)
        if digits > MAX_LITERAL_DIGITS:
            self.fail("formula-literal", node, "digits", digits=digits, limit=MAX_LITERAL_DIGITS)
        try:
            return gate(Decimal(text.replace("_", "")))  # a literal passes the model's number gate
        except decimal.InvalidOperation:  # pragma: no cover - the parser accepted it as a number
            self.fail("formula-literal", node, "not-a-number", text=text)
        except NumberRefused as exc:
            self.fail("formula-literal", node, "refused", reason=exc.reason, text=text, expected=exc.expected)

    def visit_name(self, node: ast.Name) -> Kind:
        name = node.id
        if name.startswith("_"):
            self.fail("formula-name", node, "underscore", name=name)
        if not name.isascii():  # pragma: no cover - the character check refuses these first
            self.fail("formula-name", node, "non-ascii", name=name)
        if name not in self.declared:
            found = _suggest(name, self.declared)
            variant = "suggest" if found else ("function" if name in FUNCTIONS else "")
            self.fail("formula-name", node, variant, name=name, suggestions=_either(found))
        self.names.add(name)
        return NUM

    def visit_unary(self, node: ast.UnaryOp) -> Kind:
        if isinstance(node.op, ast.Invert):
            self.fail("formula-construct", node, "invert")
        self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return BOOL
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            return NUM
        self.fail("formula-construct", node, "unary")  # pragma: no cover

    def visit_binary(self, node: ast.BinOp) -> Kind:
        refused = _REFUSED_OPERATORS.get(type(node.op))
        if refused is not None:
            token, variant = refused
            self.fail("formula-construct", node, variant, self.locate(node.left, node.right, token))
        if isinstance(node.op, ast.Pow):
            exponent = node.right
            ok = (
                isinstance(exponent, ast.Constant)
                and type(exponent.value) is int
                and 0 <= exponent.value <= MAX_EXPONENT
            )
            if not ok:
                self.fail("formula-power", exponent, limit=MAX_EXPONENT)
        elif type(node.op) not in BINARY:  # pragma: no cover - every operator is listed above
            self.fail("formula-construct", node, "operator")
        self.visit(node.left)
        self.visit(node.right)
        return NUM

    def visit_compare(self, node: ast.Compare) -> Kind:
        previous: ast.expr = node.left
        for op, right in zip(node.ops, node.comparators):
            refused = _REFUSED_OPERATORS.get(type(op))
            if refused is not None:
                token, variant = refused
                self.fail("formula-construct", node, variant, self.locate(previous, right, token))
            previous = right
        operands = [node.left, *node.comparators]
        kinds = [self.visit(operand) for operand in operands]
        wants: list[Optional[Kind]] = [None] * len(operands)  # what each side must be: NUM or BOOL
        for i, op in enumerate(node.ops):
            lk, rk = kinds[i], kinds[i + 1]
            if type(op) not in (ast.Eq, ast.NotEq) or NUM in (lk, rk):
                # An ordering compares numbers; so does == with a number on one side.
                for side in (i, i + 1):
                    if kinds[side] == BOOL:
                        self.fail("formula-compare", operands[side])
                    wants[side] = NUM
            elif lk == MIXED and rk == MIXED:
                self.fail("formula-compare", node, "ambiguous")
            elif BOOL in (lk, rk) and not wants[i] and not wants[i + 1]:
                wants[i] = wants[i + 1] = BOOL  # two conditions may be compared with == and !=
            elif BOOL in (lk, rk):
                self.fail("formula-compare", operands[i if lk == BOOL else i + 1])
        for operand, kind, want in zip(operands, kinds, wants):
            if kind == MIXED:
                self.wants[operand] = NUM if want == NUM else BOOL
        return BOOL

    def visit_call(self, node: ast.Call) -> Kind:
        func = node.func
        if not isinstance(func, ast.Name):
            self.fail("formula-call", func, "bare-name")
        name = func.id
        if name not in FUNCTIONS:
            found = [] if name in self.declared else _suggest(name, FUNCTIONS)
            variant = "input" if name in self.declared else ("suggest" if found else "")
            allowed = ", ".join(sorted(FUNCTIONS))
            self.fail(
                "formula-function", func, variant, name=name, suggestions=_either(found), allowed=allowed
            )
        for kw in node.keywords:
            self.fail("formula-call", kw, "keyword", name=name)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                self.fail("formula-call", arg, "starred", name=name)
        for arg in node.args:
            self.visit(arg)
        self.check_arguments(node, name)
        return NUM

    def check_arguments(self, node: ast.Call, name: str) -> None:
        low, high = ARITY[name]
        count = len(node.args)
        if count < low or (high is not None and count > high):
            variant = "" if low == high else ("at-least" if high is None else "between")
            self.fail("formula-call", node, variant, name=name, low=low, high=high, count=count)
        if name == "round" and count == 2:
            places = node.args[1]
            if not (
                isinstance(places, ast.Constant)
                and type(places.value) is int
                and 0 <= places.value <= MAX_ROUND_PLACES
            ):
                self.fail("formula-call", places, "places", limit=MAX_ROUND_PLACES)
