"""The one generator of Python source for formulas: a checked formula, or an ordered list of
cases, becomes one small Python function, compiled once and run in a closed namespace (no
builtins, only the functions of :mod:`.runtime`).

An input becomes a local variable (``_v0``, ``_v1``…) read from ``env`` once, and checked to be a
``Decimal`` there; a literal becomes a constant (``_c0``…) holding its exact value. Arithmetic on
two operands known to be numbers is plain Python arithmetic; an operand that may be a condition
goes through the checked operator of :mod:`.runtime` (``_op_add``…), so a condition is never
silently used as a number.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any, Optional

from perfscore.errors import FormulaEvaluationError

from .check import BINARY, COMPARE, NUM, Checked
from .runtime import (
    HELPERS,
    HIGH,
    LOW,
    OPERATORS,
    CaseChain,
    Impl,
    cmp_cond,
    cmp_num,
    coerce_input,
    evaluation_error,
    not_a_number,
    truth,
)


def compile_function(checked: Checked) -> Impl:
    """One checked formula as a function of its inputs: ``env`` → value."""
    writer = _Writer({})
    code = writer.expression(checked)
    lines = ["def _formula(_env):"]
    lines += ["    " + line for line in writer.reads(checked.names, loaded=set(), args=())]
    lines.append(f"    return {code}")
    function: Impl = _define(lines, "<formula>", "_formula", writer.constants)
    return function


def compile_chain(cases: Sequence[tuple[Optional[Checked], Checked]], args: tuple[str, ...]) -> CaseChain:
    """An ordered list of checked ``(condition, score)`` formulas as one function: see
    :func:`~perfscore.formulas.compile_cases`."""
    writer = _Writer({name: f"_v{i}" for i, name in enumerate(args)})
    lines = [f"def _cases(_env{''.join(', ' + writer.params[name] for name in args)}):", "  try:"]
    loaded: set[str] = set()  # names read on the path every case goes through
    for index, (when, score) in enumerate(cases):
        lines += _case_lines(writer, index, when, score, loaded, args)
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
    chain: CaseChain = _define(lines, "<cases>", "_cases", writer.constants)
    return chain


def _case_lines(
    writer: _Writer,
    index: int,
    when: Optional[Checked],
    score: Checked,
    loaded: set[str],
    args: tuple[str, ...],
) -> list[str]:
    """One case: return its index and score if its condition holds (always, without one)."""
    indent = "    "
    lines = []
    if when is not None:
        code = writer.expression(when)
        lines += [indent + line for line in writer.reads(when.names, loaded, args)]
        loaded.update(when.names)
        lines += [
            f"{indent}_t = {code}",
            f"{indent}if _t.__class__ is not _bool: _t = _truth(_t)",
            f"{indent}if _t:",
        ]
        indent += "  "
    code = writer.expression(score)
    lines += [indent + line for line in writer.reads(score.names, loaded, args)]
    if when is None:
        loaded.update(score.names)
    lines += [
        f"{indent}_s = {code}",
        f"{indent}if _s.__class__ is _D and _s.is_finite() and _LOW <= _s <= _HIGH:",
        f"{indent}  return {index}, (_s if _s else _s.copy_abs())",
        f"{indent}raise _not_a_number(_s)",
    ]
    return lines


def _define(lines: list[str], filename: str, name: str, constants: dict[str, Decimal]) -> Any:
    """Compile the function ``lines`` define in a closed namespace, and return it."""
    source = "\n".join(lines)
    namespace: dict[str, Any] = {
        "__builtins__": {},
        "_D": Decimal,
        "_bool": bool,
        "_Exception": Exception,
        "_Fail": FormulaEvaluationError,
        "_LOW": LOW,
        "_HIGH": HIGH,
        "_coerce_input": coerce_input,
        "_truth": truth,
        "_not_a_number": not_a_number,
        "_evaluation_error": evaluation_error,
        "_cmp_num": cmp_num,
        "_cmp_cond": cmp_cond,
    }
    namespace.update({f"_fn_{function}": helper for function, helper in HELPERS.items()})
    namespace.update({f"_op_{operator}": helper for operator, helper in OPERATORS.items()})
    namespace.update(constants)
    exec(_code(source, filename), namespace)
    return namespace[name]


@functools.lru_cache(maxsize=1024)
def _code(source: str, filename: str) -> Any:
    """The compiled code of a generated source, once per distinct text: literals are names
    (``_c0``…) bound in each function's own namespace, so the many methods and rulesets that
    share a shape share its code (a cold load of every shipped ruleset compiles 22 distinct case
    lists, not 154)."""
    return compile(source, filename, "exec")


def clear_code_cache() -> None:
    """Forget every compiled code object (a cold load starts from nothing)."""
    _code.cache_clear()


class _Writer:
    """Writes the code of checked formulas that share one function: inputs become parameters
    (``_v0``…), literals constants (``_c0``…)."""

    def __init__(self, params: dict[str, str]) -> None:
        self.params = params
        self.constants: dict[str, Decimal] = {}
        self.checked: Optional[Checked] = None

    def expression(self, checked: Checked) -> str:
        """The Python expression computing ``checked``."""
        self.checked = checked
        return self.write(checked.tree.body)

    def reads(self, names: Collection[str], loaded: set[str], args: Collection[str]) -> list[str]:
        """The lines that read and check each input in ``names`` not ``loaded`` yet; an input in
        ``args`` is a parameter of the function, not read from ``env``."""
        lines = []
        for name in names:
            if name not in loaded:
                param = self.params[name]
                if name not in args:
                    lines.append(f"{param} = _env[{name!r}]")
                lines.append(f"if {param}.__class__ is not _D: {param} = _coerce_input({name!r}, {param})")
        return lines

    def number(self, node: ast.AST) -> bool:
        assert self.checked is not None
        return self.checked.kinds[node] == NUM

    def write(self, node: ast.AST) -> str:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            param = self.params.get(node.id)
            if param is None:
                param = self.params[node.id] = f"_v{len(self.params)}"
            return param
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.BoolOp):
            word = " and " if isinstance(node.op, ast.And) else " or "
            return "(" + word.join(self.write(v) for v in node.values) + ")"
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.IfExp):
            test = self.write(node.test)
            return f"({self.write(node.body)} if {test} else {self.write(node.orelse)})"
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)
            return f"_fn_{node.func.id}({', '.join(self.write(a) for a in node.args)})"
        raise AssertionError(f"unchecked node {type(node).__name__}")  # pragma: no cover

    def constant(self, node: ast.Constant) -> str:
        assert self.checked is not None
        name = f"_c{len(self.constants)}"
        self.constants[name] = self.checked.literals[node]
        return name

    def unary(self, node: ast.UnaryOp) -> str:
        operand = self.write(node.operand)
        if isinstance(node.op, ast.Not):
            return f"(not {operand})"
        symbol, helper = ("-", "neg") if isinstance(node.op, ast.USub) else ("+", "pos")
        return f"({symbol}{operand})" if self.number(node.operand) else f"_op_{helper}({operand})"

    def binary(self, node: ast.BinOp) -> str:
        left, right = self.write(node.left), self.write(node.right)
        if isinstance(node.op, ast.Pow):
            return f"({left} ** {right})" if self.number(node.left) else f"_op_pow({left}, {right})"
        symbol, helper = BINARY[type(node.op)]
        if self.number(node.left) and self.number(node.right):
            return f"({left} {symbol} {right})"
        return f"_op_{helper}({left}, {right})"

    def compare(self, node: ast.Compare) -> str:
        assert self.checked is not None
        pieces = []
        for index, operand in enumerate([node.left, *node.comparators]):
            if index:
                pieces.append(COMPARE[type(node.ops[index - 1])])
            text = self.write(operand)
            want = self.checked.wants.get(operand)
            if want is not None:
                text = f"_cmp_num({text})" if want == NUM else f"_cmp_cond({text})"
            pieces.append(text)
        return "(" + " ".join(pieces) + ")"
