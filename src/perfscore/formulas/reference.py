"""The reference backend: a checked formula run by :class:`simpleeval.SimpleEval`, restricted to
the same allow-list and the same functions and operators (:mod:`.runtime`) as the compiled
backend, so the two give the same results. Slower; it is there to check the compiled one."""

from __future__ import annotations

import ast
import operator
import threading
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Callable

import simpleeval

from perfscore.errors import FormulaEvaluationError

from .check import Checked
from .runtime import (
    HELPERS,
    Impl,
    Value,
    cmp_eq,
    cmp_num,
    coerce_input,
    op_add,
    op_div,
    op_mul,
    op_neg,
    op_pos,
    op_pow,
    op_sub,
)

_OPERATORS: dict[type[ast.AST], Callable[..., Any]] = {
    ast.Add: op_add,
    ast.Sub: op_sub,
    ast.Mult: op_mul,
    ast.Div: op_div,
    ast.Pow: op_pow,
    ast.USub: op_neg,
    ast.UAdd: op_pos,
    ast.Not: operator.not_,
    # Comparisons compare numbers only, as the compiled backend's num() checks them.
    ast.Lt: lambda a, b: cmp_num(a) < cmp_num(b),
    ast.LtE: lambda a, b: cmp_num(a) <= cmp_num(b),
    ast.Gt: lambda a, b: cmp_num(a) > cmp_num(b),
    ast.GtE: lambda a, b: cmp_num(a) >= cmp_num(b),
    ast.Eq: cmp_eq,
    ast.NotEq: lambda a, b: not cmp_eq(a, b),
}


def reference_function(checked: Checked) -> Impl:
    """``checked`` run by the reference interpreter: ``env`` → value. Each call holds a lock
    (one evaluator per formula), so the function may be shared between threads."""
    for node, number in checked.literals.items():
        node.value = number  # type: ignore[attr-defined]  # the tree now holds exact Decimals, read from the source text
    source, body, names = checked.source, checked.tree.body, checked.names
    evaluator = _ReferenceEvaluator()
    lock = threading.Lock()

    def run(env: Mapping[str, Decimal]) -> Value:
        values: dict[str, Decimal] = {}
        for name in names:
            value = env[name]
            values[name] = value if type(value) is Decimal else coerce_input(name, value)
        with lock:
            evaluator.names = values
            try:
                result: Value = evaluator.eval(source, previously_parsed=body)
            finally:
                evaluator.names = {}
        return result

    return run


class _ReferenceEvaluator(simpleeval.SimpleEval):  # type: ignore[misc]
    """simpleeval restricted to the checked node types; literals were turned into Decimals
    at compile time and names are looked up in the inputs only (never in functions)."""

    def __init__(self) -> None:
        super().__init__(operators=dict(_OPERATORS), functions=dict(HELPERS), names={})
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
