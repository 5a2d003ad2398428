"""Formulas as values: :class:`Formula` (one checked, compiled formula) and :func:`compile_cases`
(an ordered list of cases as one function).

Two backends give the same results: ``"compiled"`` turns the checked tree into the source of one
small Python function (:mod:`.codegen`); ``"simpleeval"`` is the reference interpreter
(:mod:`.reference`), restricted to the same allow-list and the same helper functions.
"""

from __future__ import annotations

import copyreg
import functools
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any, Optional

import attrs

from perfscore.errors import FormulaEvaluationError

from .check import BOOL, Checked, check
from .codegen import compile_chain, compile_function
from .runtime import BACKENDS, HIGH, LOW, CaseChain, Impl, Value, evaluation_error, not_a_number
from .source import refusal


def _unbuilt(env: Mapping[str, Decimal]) -> Value:  # pragma: no cover - replaced at construction
    raise FormulaEvaluationError("formula was not compiled")


@attrs.frozen
class Formula:
    """A checked, compiled formula. Build one with :func:`compile_formula`."""

    source: str
    names: tuple[str, ...]
    """The free names the formula uses, sorted. ``env`` must hold each of them."""
    backend: str = "compiled"
    """``"compiled"`` (the fast path) or ``"simpleeval"`` (the reference interpreter)."""
    _impl: Impl = attrs.field(default=_unbuilt, repr=False, eq=False, alias="_impl")
    condition: bool = attrs.field(default=False, repr=False, eq=False)
    """Whether its value is always a condition (a comparison, ``not``…), never a number"""
    _checked: Optional[Checked] = attrs.field(default=None, repr=False, eq=False, alias="_checked")
    """The checked tree, kept for :func:`compile_cases` to generate code from."""

    def __attrs_post_init__(self) -> None:
        if self._impl is _unbuilt:
            built = compile_formula(self.source, self.names, backend=self.backend)
            if built.names != tuple(self.names):
                raise refusal("formula-name", self.source, variant="names", names=built.names)
            object.__setattr__(self, "_impl", built._impl)
            object.__setattr__(self, "condition", built.condition)
            object.__setattr__(self, "_checked", built._checked)

    def number(self, env: Mapping[str, Decimal]) -> Decimal:
        """The value as a ``Decimal``. A condition (boolean) result, a non-finite result and
        every evaluation failure raise :class:`FormulaEvaluationError`."""
        try:
            value = self._impl(env)
        except FormulaEvaluationError:
            raise
        except Exception as exc:
            raise evaluation_error(exc) from exc
        if type(value) is Decimal and value.is_finite() and LOW <= value <= HIGH:
            return value if value else value.copy_abs()  # never a negative zero
        raise not_a_number(value)

    # number(), truth() and evaluate() repeat their guard on purpose: they are the scoring hot
    # path, and a shared helper would cost a call on every evaluation.
    def truth(self, env: Mapping[str, Decimal]) -> bool:
        """The value as a condition: a boolean as is, a number is true when non-zero."""
        try:
            value = self._impl(env)
        except FormulaEvaluationError:
            raise
        except Exception as exc:
            raise evaluation_error(exc) from exc
        if type(value) is bool:
            return value
        if type(value) is Decimal and value.is_finite() and LOW <= value <= HIGH:
            return bool(value)
        raise not_a_number(value)

    def evaluate(self, env: Mapping[str, Decimal]) -> Value:
        """The value as computed: a ``Decimal``, or a ``bool`` for a condition."""
        try:
            value = self._impl(env)
        except FormulaEvaluationError:
            raise
        except Exception as exc:
            raise evaluation_error(exc) from exc
        if type(value) is bool:
            return value
        if type(value) is Decimal and value.is_finite() and LOW <= value <= HIGH:
            return value if value else value.copy_abs()
        raise not_a_number(value)


def compile_formula(source: str, names: Collection[str], *, backend: str = "compiled") -> Formula:
    """Check ``source`` against the language and compile it.

    ``names`` are the names the formula may use (declared by the ruleset context, e.g.
    ``W``, ``T``, ``A`` and the ruleset's parameters). Raises :class:`FormulaError` for
    anything refused.
    """
    if not isinstance(source, str):
        shown = repr(source)
        raise refusal("formula-syntax", shown, variant="not-text", type=type(source).__name__)
    if isinstance(names, str):
        raise TypeError("names must be a collection of names, not a single string")
    if backend not in BACKENDS:
        raise refusal("formula-backend", source, backend=backend, backends=BACKENDS)
    checked = check(source, names)
    if backend == "compiled":
        impl = compile_function(checked)
    else:
        from .reference import reference_function  # simpleeval, only for this backend

        impl = reference_function(checked)
    return Formula(
        source=source,
        names=checked.names,
        backend=backend,
        _impl=impl,
        condition=checked.kind == BOOL,
        _checked=checked,
    )


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
    return compile_chain([(_checked(when), _recheck(score)) for when, score in pairs], names)


def _recheck(formula: Formula) -> Checked:
    """A compiled formula's checked tree (checked again if it was built without one)."""
    return formula._checked if formula._checked is not None else check(formula.source, formula.names)


def _checked(formula: Optional[Formula]) -> Optional[Checked]:
    return None if formula is None else _recheck(formula)


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


def _reduced(formula: Formula) -> tuple[Any, tuple[str, tuple[str, ...], str]]:
    """A formula pickles as its source: unpickling compiles it again (its code is generated)."""
    return Formula, (formula.source, formula.names, formula.backend)


copyreg.pickle(Formula, _reduced)
