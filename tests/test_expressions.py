"""The formula language: each construct, exact Decimal results, errors, and a differential
test between the compiled backend and the simpleeval reference interpreter."""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping
from decimal import Decimal
from typing import Optional, Union

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfscore.errors import FormulaError, FormulaEvaluationError
from perfscore.formulas import (
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

NAMES = ("W", "T", "A", "P")
ENV: dict[str, Decimal] = {"W": Decimal(15), "T": Decimal(100), "A": Decimal(98), "P": Decimal("0.5")}


def D(text: Union[int, str]) -> Decimal:
    return Decimal(text)


def run(source: str, env: Mapping[str, Decimal] = ENV, backend: str = "compiled") -> Union[Decimal, bool]:
    return compile_formula(source, NAMES, backend=backend).evaluate(env)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


# --------------------------------------------------------------------------------------
# Constructs, with exact results
# --------------------------------------------------------------------------------------

EXACT = [
    ("W * A / T", {}, D("14.7")),
    ("W if A >= T else W * A / T", {}, D("14.7")),
    ("W if A >= T else W * A / T", {"A": D(120)}, D("15")),
    # reverse linear: full marks at or under target, falling to 0 at twice the target
    ("W if A <= T else (W * (1 - (A - T) / T) if A < 2 * T else 0)", {"A": D(90)}, D("15")),
    ("W if A <= T else (W * (1 - (A - T) / T) if A < 2 * T else 0)", {"A": D(150)}, D("7.5")),
    ("W if A <= T else (W * (1 - (A - T) / T) if A < 2 * T else 0)", {"A": D(250)}, D("0")),
    # step: minus 0.5 per started unit over the target, never below 0
    ("max(0, W - 0.5 * ceil((A - T) / 1))", {"A": D("103.2")}, D("13.0")),
    ("max(0, W - 0.5 * ceil((A - T) / 1))", {"A": D(200)}, D("0")),
    ("round(9.975, 2)", {}, D("9.98")),
    ("round(2.5)", {}, D("3")),
    ("round(-2.5)", {}, D("-3")),
    ("round(W * A / T, 1)", {"A": D("97.5")}, D("14.6")),
    ("round(89.995, 2)", {}, D("90.00")),
    ("clamp(A / T * W, 0, W)", {"A": D(130)}, D("15")),
    ("clamp(A / T * W, 0, W)", {"A": D(-5)}, D("0")),
    ("clamp(A / T * W, 0, W)", {"A": D(50)}, D("7.5")),
    ("floor(2.7) + ceil(2.1)", {}, D("5")),
    ("floor(-2.5)", {}, D("-3")),
    ("abs(A - T)", {}, D("2")),
    ("min(A, T, W)", {}, D("15")),
    ("max(A, T, W)", {}, D("100")),
    ("0.1 + 0.2", {}, D("0.3")),
    ("1 / 3", {}, D("0.3333333333333333333333333333")),
    ("P ** 2", {}, D("0.25")),
    ("2 ** 0", {}, D("1")),
    ("(A - T) ** 3", {}, D("-8")),
    ("-W + +A - -T", {}, D("183")),
    ("1e3 + 1_000", {}, D("2000")),
    (".5 * 4", {}, D("2.0")),
    ("W * (A >= T or 0.5)", {}, D("7.5")),
    ("W * (A and 2)", {}, D("30")),
    ("0 * -1", {}, D("0")),
]


@pytest.mark.parametrize(("source", "changes", "expected"), EXACT)
def test_exact_results(source: str, changes: dict[str, Decimal], expected: Decimal, backend: str) -> None:
    value = compile_formula(source, NAMES, backend=backend).number({**ENV, **changes})
    assert type(value) is Decimal
    assert str(value) == str(expected), (value, expected)


def test_negative_zero_is_normalised(backend: str) -> None:
    value = compile_formula("ceil(-0.5)", NAMES, backend=backend).number(ENV)
    assert str(value) == "0"
    assert not value.is_signed()


CONDITIONS = [
    ("A < T", True),
    ("A > T", False),
    ("0 < A < T", True),
    ("0 < A < 50", False),
    ("0 <= W <= A <= T", True),
    ("A == 98", True),
    ("A != 98", False),
    ("A >= T or W > 10", True),
    ("A >= T and W > 10", False),
    ("not A >= T", True),
    ("not 0", True),
    ("(A > T) == (W > T)", True),
]


@pytest.mark.parametrize(("source", "expected"), CONDITIONS)
def test_conditions(source: str, expected: bool, backend: str) -> None:
    formula = compile_formula(source, NAMES, backend=backend)
    assert formula.evaluate(ENV) is expected
    assert formula.truth(ENV) is expected


def test_truth_of_numbers(backend: str) -> None:
    assert compile_formula("A - 98", NAMES, backend=backend).truth(ENV) is False
    assert compile_formula("A - 97", NAMES, backend=backend).truth(ENV) is True


def test_and_or_return_an_operand(backend: str) -> None:
    assert run("A and W", backend=backend) == D(15)
    assert run("0 or W", backend=backend) == D(15)
    assert run("A > T or W", backend=backend) == D(15)
    assert run("A < T or W", backend=backend) is True
    assert run("0 and A > T", backend=backend) == D(0)


def test_conditional_uses_truthiness(backend: str) -> None:
    assert run("W if A - 98 else T", backend=backend) == D(100)
    assert run("W if A else T", backend=backend) == D(15)


def test_ints_in_env_are_accepted(backend: str) -> None:
    formula = compile_formula("W * A / T", NAMES, backend=backend)
    assert formula.number({"W": 15, "A": 98, "T": 100}) == D("14.7")  # type: ignore[dict-item]


# --------------------------------------------------------------------------------------
# Evaluation errors: always FormulaEvaluationError, in both backends
# --------------------------------------------------------------------------------------

EVALUATION_ERRORS = [
    ("W / (A - 98)", "division by zero"),
    ("(A - 98) / (A - 98)", "division by zero"),
    ("(A > T) + 1", "a condition was used as a number"),
    ("-(A > T)", "a condition was used as a number"),
    ("+(A > T)", "a condition was used as a number"),
    ("(A > T) ** 2", "a condition was used as a number"),
    ("W * (A < T or 1)", "a condition was used as a number"),
    ("min(A > T, 1)", "a condition was used as a number"),
    ("abs(not A)", "a condition was used as a number"),
    ("round(A == A)", "a condition was used as a number"),
    ("(A - 98) ** 0", "invalid operation"),
    ("((((((1e15 ** 9) ** 9) ** 9) ** 9) ** 9) ** 9)", "number too large"),  # literals are at most 1e15
    ("round(1e15 * 1e15, 2)", "invalid operation"),
    ("1e15 * 10", "the result is out of range (beyond ±1e15)"),
    ("W * (A < T or A > T or (A > T) == (W > T))", "a condition was used as a number"),
    ("(A if A > T else A > T) < 1", "a condition (true or false) was compared with a number"),
    ("(A < T) == (A if A < T else A > T)", "a condition (true or false) was compared with a number"),
    ("clamp(A, T, W)", "clamp() lower bound is above its upper bound"),
]


@pytest.mark.parametrize(("source", "reason"), EVALUATION_ERRORS)
def test_evaluation_errors(source: str, reason: str, backend: str) -> None:
    formula = compile_formula(source, NAMES, backend=backend)
    with pytest.raises(FormulaEvaluationError) as info:
        formula.evaluate(ENV)
    assert info.value.reason == reason
    with pytest.raises(FormulaEvaluationError):
        formula.number(ENV)
    with pytest.raises(FormulaEvaluationError):
        formula.truth(ENV)


def test_division_by_zero(backend: str) -> None:
    formula = compile_formula("W * A / T", NAMES, backend=backend)
    with pytest.raises(FormulaEvaluationError, match="division by zero"):
        formula.number({**ENV, "T": D(0)})


def test_number_of_a_condition_is_an_error(backend: str) -> None:
    formula = compile_formula("A >= T", NAMES, backend=backend)
    with pytest.raises(FormulaEvaluationError, match="condition was used as a number"):
        formula.number(ENV)


def test_missing_input(backend: str) -> None:
    formula = compile_formula("W * A / T", NAMES, backend=backend)
    with pytest.raises(FormulaEvaluationError) as info:
        formula.number({"W": D(1), "A": D(2)})
    assert info.value.reason == "missing input 'T'"
    assert isinstance(info.value, ArithmeticError)


@pytest.mark.parametrize("bad", [True, 1.5, "98", None, [1]])
def test_bad_input_types(bad: object, backend: str) -> None:
    formula = compile_formula("W * A / T", NAMES, backend=backend)
    with pytest.raises(FormulaEvaluationError, match="input 'A'"):
        formula.number({**ENV, "A": bad})  # type: ignore[dict-item]


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_inputs_never_give_a_number(bad: str, backend: str) -> None:
    formula = compile_formula("W * A / T", NAMES, backend=backend)
    with pytest.raises(FormulaEvaluationError):
        formula.number({**ENV, "A": D(bad)})


def test_env_may_hold_extra_names(backend: str) -> None:
    formula = compile_formula("W", NAMES, backend=backend)
    assert formula.number({"W": D(3), "unrelated": D(1)}) == D(3)


# --------------------------------------------------------------------------------------
# Compile-time behaviour
# --------------------------------------------------------------------------------------


def test_names_are_sorted_and_complete(backend: str) -> None:
    formula = compile_formula("W if A >= T else W * A / T + min(P, 1)", NAMES, backend=backend)
    assert formula.names == ("A", "P", "T", "W")
    assert compile_formula("1 + 2", NAMES, backend=backend).names == ()
    assert compile_formula("T - T", NAMES, backend=backend).names == ("T",)
    assert formula.backend == backend
    assert formula.source == "W if A >= T else W * A / T + min(P, 1)"


def test_unknown_name_suggests_close_match() -> None:
    with pytest.raises(FormulaError) as info:
        compile_formula("weight * A", ["weight_", "target", "A"])
    error = info.value
    assert error.code == "formula-name"
    assert "'weight'" in str(error)
    assert "did you mean 'weight_'" in str(error)
    assert error.column == 1


def test_unknown_name_suggests_case_variant() -> None:
    with pytest.raises(FormulaError, match="did you mean 'T'"):
        compile_formula("W * t", NAMES)


def test_unknown_function_suggests_close_match() -> None:
    with pytest.raises(FormulaError) as info:
        compile_formula("W + maxx(A, T)", NAMES)
    assert info.value.code == "formula-function"
    assert "did you mean 'max'" in str(info.value)
    assert info.value.column == 5


@pytest.mark.parametrize(
    ("source", "code", "column"),
    [
        ("A + B", "formula-name", 5),
        ("A // T", "formula-construct", 3),
        ("A  %  T", "formula-construct", 4),
        ("(A) @ (T)", "formula-construct", 5),
        ("A < T is W", "formula-construct", 7),
        ("A.real", "formula-construct", 1),
        ("W + T[0]", "formula-construct", 5),
        ("W ** T", "formula-power", 6),
        ("W ** 10", "formula-power", 6),
        ("round(W, 7)", "formula-call", 10),
        ("max(W)", "formula-call", 1),
        ("min(W, key=T)", "formula-call", 8),
        ("W + 'x'", "formula-literal", 5),
        ("W + 123456789012345678901", "formula-literal", 5),
        ("W + 0x10", "formula-literal", 5),
        ("W +", "formula-syntax", None),
        ("", "formula-syntax", None),
        ("W + A\u200b", "formula-character", 6),
        ("(W +\n  _x)", "formula-name", 8),
        ("W(1)", "formula-function", 1),
        ("x" * (MAX_SOURCE_LENGTH + 1), "formula-too-long", MAX_SOURCE_LENGTH + 1),
        ("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1), "formula-too-deep", MAX_DEPTH + 1),
    ],
)
def test_error_codes_and_columns(source: str, code: str, column: object) -> None:
    with pytest.raises(FormulaError) as info:
        compile_formula(source, NAMES)
    assert info.value.code == code
    if column is not None:
        assert info.value.column == column


def test_limits_are_inclusive() -> None:
    longest = "0." + "1" * (MAX_LITERAL_DIGITS - 1)  # within the number gate: ≤ 1e15, ≤ 20 places
    assert compile_formula(longest, NAMES).number({}) == Decimal(longest)
    assert compile_formula(f"2 ** {MAX_EXPONENT}", NAMES).number({}) == Decimal(2**MAX_EXPONENT)
    assert compile_formula("(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH, NAMES).number({}) == 1
    long_ok = "+".join(["1"] * 16)
    assert compile_formula(long_ok.ljust(MAX_SOURCE_LENGTH), NAMES).number({}) == 16
    nested = "-" * (MAX_DEPTH - 1) + "1"
    assert compile_formula(nested, NAMES).number({}) == -1
    with pytest.raises(FormulaError, match="too-deep"):
        compile_formula("-" + nested, NAMES)


def test_multiline_and_comments(backend: str) -> None:
    formula = compile_formula("(W  # weight\n * A / T)", NAMES, backend=backend)
    assert formula.number(ENV) == D("14.7")


def test_functions_set() -> None:
    assert frozenset({"min", "max", "abs", "round", "clamp", "floor", "ceil"}) == FUNCTIONS


def test_declared_names_may_shadow_function_names(backend: str) -> None:
    formula = compile_formula("min(min, max) + round", ["min", "max", "round"], backend=backend)
    assert formula.names == ("max", "min", "round")
    assert formula.number({"min": D(1), "max": D(2), "round": D(3)}) == D(4)


def test_unknown_backend() -> None:
    with pytest.raises(FormulaError) as info:
        compile_formula("1", NAMES, backend="eval")
    assert info.value.code == "formula-backend"


def test_formula_value_semantics() -> None:
    a = compile_formula("W * A", NAMES)
    b = compile_formula("W * A", ["W", "A"])
    assert a == b
    assert hash(a) == hash(b)
    assert "W * A" in repr(a)
    direct = Formula("W * A", ("A", "W"))
    assert direct == a
    assert direct.number(ENV) == D(1470)
    with pytest.raises(FormulaError):
        Formula("W * A", ("A", "T", "W"))


def test_compiled_namespace_is_closed() -> None:
    formula = compile_formula("W if A >= T else W * A / T", NAMES)
    assert formula._impl.__globals__["__builtins__"] == {}


# --------------------------------------------------------------------------------------
# Differential test: compiled vs simpleeval
# --------------------------------------------------------------------------------------

DIFF_NAMES = ("A", "B", "C", "T", "W")


def formula_strategy(names: tuple[str, ...] = DIFF_NAMES) -> st.SearchStrategy[str]:
    """Random valid formulas over ``names``: literals, every operator and function,
    comparisons (chained), ``and``/``or``/``not``, conditionals, nested.

    Each composite is parenthesised, so the tree has the generated shape; formulas stay
    well inside the size and depth limits.
    """
    literal = st.one_of(
        st.integers(min_value=0, max_value=1000).map(str),
        st.sampled_from(["0", "1", "2", "0.5", "0.05", "1.25", "100", "2.5", "1e2", "0.001", "1_000"]),
        st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False, allow_infinity=False).map(str),
    )
    leaf = st.one_of(st.sampled_from(names), literal)

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        unary = st.tuples(st.sampled_from(["-", "+", "not "]), inner).map(lambda t: f"({t[0]}{t[1]})")
        binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        )
        power = st.tuples(inner, st.integers(min_value=0, max_value=3)).map(lambda t: f"({t[0]} ** {t[1]})")
        # A comparison compares numbers (formula-compare refuses a condition on either side):
        # each side is made a number with unary '+', which fails at run time on a condition.
        compare = st.tuples(
            inner,
            st.lists(
                st.tuples(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), inner), min_size=1, max_size=3
            ),
        ).map(lambda t: "(+" + t[0] + "".join(f" {op} +{x}" for op, x in t[1]) + ")")
        boolean = st.tuples(st.sampled_from([" and ", " or "]), st.lists(inner, min_size=2, max_size=3)).map(
            lambda t: "(" + t[0].join(t[1]) + ")"
        )
        conditional = st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})")
        variadic = st.tuples(st.sampled_from(["min", "max"]), st.lists(inner, min_size=2, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        )
        single = st.tuples(st.sampled_from(["abs", "floor", "ceil", "round"]), inner).map(
            lambda t: f"{t[0]}({t[1]})"
        )
        rounding = st.tuples(inner, st.integers(min_value=0, max_value=6)).map(
            lambda t: f"round({t[0]}, {t[1]})"
        )
        clamp = st.tuples(inner, inner, inner).map(lambda t: f"clamp({t[0]}, {t[1]}, {t[2]})")
        return st.one_of(
            unary, binary, power, compare, boolean, conditional, variadic, single, rounding, clamp
        )

    return st.recursive(leaf, extend, max_leaves=10)


def input_strategy(names: tuple[str, ...] = DIFF_NAMES) -> st.SearchStrategy[dict[str, Decimal]]:
    """Random inputs: zeros, small integers, negatives, decimals with a few places."""
    value = st.one_of(
        st.sampled_from(
            [Decimal(0), Decimal(1), Decimal(-1), Decimal(100), Decimal("0.5"), Decimal("-0.25")]
        ),
        st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
        st.integers(min_value=-50, max_value=50).map(Decimal),
    )
    return st.fixed_dictionaries(dict.fromkeys(names, value))


def outcome(formula: Formula, env: Mapping[str, Decimal]) -> tuple[str, str]:
    try:
        value = formula.evaluate(env)
    except FormulaEvaluationError as error:
        return ("error", error.reason)
    return (type(value).__name__, str(value))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(source=formula_strategy(), env=input_strategy())
def test_backends_agree(source: str, env: dict[str, Decimal]) -> None:
    compiled = compile_formula(source, DIFF_NAMES, backend="compiled")
    reference = compile_formula(source, DIFF_NAMES, backend="simpleeval")
    assert compiled.names == reference.names
    assert outcome(compiled, env) == outcome(reference, env)
    # number() and truth() agree too
    for method in ("number", "truth"):
        results = []
        for formula in (compiled, reference):
            try:
                results.append(("ok", str(getattr(formula, method)(env))))
            except FormulaEvaluationError as error:
                results.append(("error", error.reason))
        assert results[0] == results[1], method


# --------------------------------------------------------------------------------------
# Case lists compiled into one function
# --------------------------------------------------------------------------------------


def _chain_outcome(chain: CaseChain, env: Mapping[str, Decimal], *values: Decimal) -> tuple[str, str]:
    try:
        index, value = chain(env, *values)
    except FormulaEvaluationError as error:
        return ("error", error.reason)
    return (str(index), str(value))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    cases=st.lists(
        st.tuples(st.one_of(st.none(), formula_strategy()), formula_strategy()), min_size=1, max_size=4
    ),
    env=input_strategy(),
)
def test_compiled_case_lists_agree_with_their_formulas_run_one_by_one(
    cases: list[tuple[Optional[str], str]], env: dict[str, Decimal]
) -> None:
    def pairs(backend: str) -> list[tuple[Optional[Formula], Formula]]:
        return [
            (None if when is None else compile_formula(when, DIFF_NAMES, backend=backend),
             compile_formula(score, DIFF_NAMES, backend=backend))
            for when, score in cases
        ]  # fmt: skip

    compiled, reference = compile_cases(pairs("compiled")), compile_cases(pairs("simpleeval"))
    assert isinstance(reference, functools.partial)  # the reference runs formula by formula
    assert not isinstance(compiled, functools.partial)
    assert _chain_outcome(compiled, env) == _chain_outcome(reference, env)


def test_a_case_list_reads_a_name_only_when_a_case_it_reaches_needs_it() -> None:
    chain = compile_cases(
        [
            (compile_formula("A >= T", NAMES), compile_formula("W", NAMES)),
            (compile_formula("X > 0", [*NAMES, "X"]), compile_formula("W * A / T", NAMES)),
        ]
    )
    assert chain({"W": D(10), "T": D(90), "A": D(95)}) == (0, D(10))  # X never read
    with pytest.raises(FormulaEvaluationError, match="missing input 'X'"):
        chain({"W": D(10), "T": D(90), "A": D(45)})
    assert chain({"W": D(10), "T": D(90), "A": D(45), "X": D(1)}) == (1, D(5))


def test_a_case_list_checks_results_as_formulas_do() -> None:
    def chain(*pairs: tuple[Optional[str], str]) -> CaseChain:
        return compile_cases(
            [(None if w is None else compile_formula(w, NAMES), compile_formula(s, NAMES)) for w, s in pairs]
        )

    env = {"W": D(10), "T": D(0), "A": D(5)}
    with pytest.raises(FormulaEvaluationError, match="no case applies"):
        chain(("A < 0", "W"), ("T > 0", "W"))(env)
    with pytest.raises(FormulaEvaluationError, match="division by zero"):
        chain(("A > 0", "W * A / T"))(env)
    with pytest.raises(FormulaEvaluationError):
        chain((None, "A > T"))(env)  # a condition where a score is needed
    assert chain((None, "0 - 0"))(env) == (0, D(0)) and str(chain((None, "-0"))(env)[1]) == "0"
    assert chain(("W", "1"), (None, "2"), ("A", "3"))(env) == (0, D(1))  # a number as a condition
    assert chain(("0", "1"), (None, "2"), ("A", "3"))(env) == (1, D(2))  # cases after None never run
    assert chain((None, "W"))({"W": 3}) == (0, D(3))  # inputs are coerced as formulas coerce them


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    cases=st.lists(
        st.tuples(st.one_of(st.none(), formula_strategy()), formula_strategy()), min_size=1, max_size=4
    ),
    env=input_strategy(),
    backend=st.sampled_from(["compiled", "simpleeval"]),
)
def test_a_case_list_given_some_inputs_as_arguments_agrees_with_one_given_them_in_env(
    cases: list[tuple[Optional[str], str]], env: dict[str, Decimal], backend: str
) -> None:
    pairs = [
        (None if when is None else compile_formula(when, DIFF_NAMES, backend=backend),
         compile_formula(score, DIFF_NAMES, backend=backend))
        for when, score in cases
    ]  # fmt: skip
    args = ("W", "T", "A")
    rest = {name: value for name, value in env.items() if name not in args}
    by_env, by_args = compile_cases(pairs), compile_cases(pairs, args)
    values = [env[name] for name in args]
    expected = _chain_outcome(by_env, env)
    assert _chain_outcome(by_args, rest, *values) == expected
    # an argument wins over the same name in env
    assert _chain_outcome(by_args, {**env, **dict.fromkeys(args, Decimal(-7))}, *values) == expected


def test_case_list_arguments_are_checked_as_inputs_are() -> None:
    chain = compile_cases([(None, compile_formula("W * A / T", NAMES))], ("W", "T", "A"))
    assert chain({}, 10, D(2), D(1)) == (0, D(5))  # an int is exact: coerced
    with pytest.raises(FormulaEvaluationError, match="input 'W' is a condition"):
        chain({}, True, D(2), D(1))
    with pytest.raises(FormulaEvaluationError, match="input 'T' is not a Decimal"):
        chain({}, D(1), 2.0, D(1))
    never = compile_cases([(compile_formula("A >= 0", NAMES), compile_formula("W", NAMES))], ("W", "T", "A"))
    assert never({}, D(3), None, D(1)) == (0, D(3))  # T is not needed, so not checked
    with pytest.raises(ValueError, match="distinct names"):
        compile_cases([(None, compile_formula("W", NAMES))], ("W", "W"))


_COMPARE = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


@pytest.mark.parametrize("op", list(_COMPARE))
def test_each_comparison_at_and_around_equality(op: str, backend: str) -> None:
    # The differential test draws its inputs independently, so it rarely compares equal values:
    # turning the compiled <= into < slipped past it in some runs (found by audit).
    single = compile_formula(f"A {op} B", ("A", "B"), backend=backend)
    chained = compile_formula(f"A {op} B {op} C", ("A", "B", "C"), backend=backend)
    for a, b in [("1", "1"), ("1", "2"), ("2", "1"), ("0", "0"), ("-1", "-1"), ("0.1", "0.10")]:
        env = {"A": Decimal(a), "B": Decimal(b), "C": Decimal(b)}
        expected = _COMPARE[op](env["A"], env["B"])
        assert single.truth(env) is expected, (a, op, b)
        assert chained.truth(env) is (expected and _COMPARE[op](env["B"], env["C"])), (a, op, b)
