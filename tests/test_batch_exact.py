"""The exact int64 kernels of the columnar path (perfscore.batch.exact): on any W, T, A they
either decline (the Decimal path then scores the row) or give exactly what the method's compiled
cases, the cap and the row rounding give, text for text; and score_batch with them is the
engine's, cell for cell."""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import perfscore
from perfscore.batch import columnar, outcomes, rows
from perfscore.batch.exact import digits, kernel, plain_decimals, plain_numbers, ratio_points, text
from perfscore.batch.outcomes import plain_cell
from perfscore.batch.run import score_by_engine
from perfscore.batch.vector import Encoded
from perfscore.cells import CellValue, ValueKind
from perfscore.decimals import CONTEXT, gate
from test_batch_columnar import same_tables

pa = pytest.importorskip("pyarrow")

_RULESETS = ("cn-project", "640100-project")  # 2 and 0 row places
_METHODS = ("positive", "reverse", "equality", "reverse_linear")


def _decimal(number: int, places: int) -> Decimal:
    return Decimal(number).scaleb(-places)


_ANY = st.builds(_decimal, st.integers(0, 10**19), st.integers(0, 12))
_SMALL = st.builds(_decimal, st.integers(0, 10**6), st.integers(0, 4))
_TIES = st.builds(_decimal, st.sampled_from([1, 2, 4, 5, 8, 16, 20, 25, 40, 125, 1000]), st.integers(0, 3))
_WEIGHTS = st.one_of(
    st.builds(_decimal, st.integers(1, 100), st.just(0)),
    st.builds(_decimal, st.integers(1, 10**4), st.integers(0, 3)),
    st.builds(_decimal, st.integers(1, 10**14), st.integers(0, 8)),
)


def _places(value: Decimal) -> int:
    return -int(value.as_tuple().exponent)


def _engine(plan: Any, ruleset: Any, weight: Decimal, target: Decimal, actual: Decimal) -> Any:
    cells = [CellValue(str(v), ValueKind.NUMBER, number=v) for v in (target, actual)]
    with localcontext(CONTEXT):
        return outcomes._by_formula(plan, cells[0], cells[1], weight, ruleset)


@given(
    st.sampled_from(_RULESETS),
    st.sampled_from(_METHODS),
    _WEIGHTS,
    st.one_of(_TIES, _SMALL, _ANY),
    st.one_of(_SMALL, _ANY, st.just(Decimal(0))),
)
@example("cn-project", "positive", Decimal(1), Decimal(8), Decimal("0.1"))  # 0.0125: a tie at .005
@example("cn-project", "positive", Decimal("2.5"), Decimal(1000), Decimal(3))  # 0.0075
@example("cn-project", "reverse", Decimal(1), Decimal(1), Decimal(8))  # 0.125
@example("cn-project", "positive", Decimal("3.335"), Decimal(1), Decimal(2))  # W above its own rounding
@example("cn-project", "equality", Decimal(10), Decimal(3), Decimal(10**15))
@example("cn-project", "positive", Decimal(10), Decimal(10**15), Decimal(10**15 - 1))
def test_a_kernel_is_the_compiled_cases_or_declines(
    name: str, key: str, weight: Decimal, target: Decimal, actual: Decimal
) -> None:
    ruleset = perfscore.load_ruleset(name)
    plan = ruleset.plan.methods[key]
    found = kernel(plan, ruleset, weight, target)
    small = weight <= 1000 and target <= 10**6 and actual <= 10**6
    small = small and all(_places(v) <= 4 for v in (weight, target, actual))
    if found is None:
        assert key == "reverse_linear" or target == 0 or _places(weight) > 6 or not small
        return
    a = digits(actual)
    assert a is not None or not small
    if a is None:
        return
    w, ew, t, et, a_, ea, places = (np.array([v], np.int64) for v in (*found[1:5], *a, found.places))
    ok, full, points = ratio_points(np.array([found.up]), w, ew, t, et, a_, ea, places)
    assert ok[0] or not small
    if not ok[0]:
        return
    expected = _engine(plan, ruleset, weight, target, actual)
    if full[0]:
        assert actual >= target if found.up else actual <= target
        shown = _engine(plan, ruleset, weight, target, target)
        assert expected == shown and str(expected) == str(shown)
    elif points[0] < 0:
        assert str(expected) == str(weight)
    else:
        assert str(expected) == text(int(points[0]), found.places)


@given(st.lists(st.text(alphabet="0123456789.%次人元万约≥ \n", max_size=14), max_size=8))
def test_plain_numbers_on_columns_are_plain_cell(texts: list[str]) -> None:
    units: dict[str, int] = {}

    def unit_of(after: str) -> int:
        probe = outcomes.unit_probe(after)
        return -1 if probe is None else units.setdefault(probe.unit or "", len(units))

    found = plain_numbers(texts, unit_of)
    assert found.shape == (len(texts) + 1, 3) and (found[-1] == -1).all()
    for value, (a, places, unit) in zip(texts, found[:-1]):
        cell = plain_cell(value)
        if a < 0:
            assert cell is None or digits(cell.number) is None
            continue
        assert cell is not None and digits(cell.number) == (a, places)
        assert units[cell.unit or ""] == unit


_PREFIX = ("≥", "≤", "", "=", "<")


@given(
    st.lists(
        st.tuples(
            st.sampled_from(_PREFIX),
            st.one_of(_TIES, _SMALL),
            st.one_of(_SMALL, _TIES, st.sampled_from([Decimal(0), Decimal("1e16")])),
            st.builds(_decimal, st.integers(1, 3000), st.integers(0, 3)),
            st.sampled_from(["%", "次", ""]),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_score_batch_with_the_kernels_is_the_engine(
    drawn: list[tuple[str, Decimal, Decimal, Decimal, str]],
) -> None:
    ids, cells = [], []
    for i, (prefix, target, actual, weight, unit) in enumerate(drawn):
        ids.append(i // 3)
        cells.append(
            ("产出指标", "数量指标", f"指标{i}", f"{prefix}{target}{unit}", f"{actual}{unit}", str(weight))
        )
    count = ids[-1] + 1
    evaluations = pa.table(
        {
            "id": list(range(count)), "region": ["CN"] * count, "form": ["project"] * count,
            "year": [2023] * count, "budget_full_year": ["100"] * count, "budget_executed": ["95"] * count,
        }
    )  # fmt: skip
    names = ("block", "category", "name", "target", "actual", "weight")
    table = pa.table({"evaluation_id": ids, **{n: [c[k] for c in cells] for k, n in enumerate(names)}})
    result = perfscore.score_batch(evaluations, table, ruleset="cn-project")
    same_tables(result, score_by_engine(evaluations, table, ruleset="cn-project"))


def test_all_distinct_actuals_are_scored_without_the_decimal_path(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = outcomes.finish

    def counted(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(rows, "finish", counted)
    count = 200
    evaluations = pa.table(
        {
            "id": list(range(count)), "region": ["CN"] * count, "form": ["project"] * count,
            "year": [2023] * count, "budget_full_year": ["100"] * count, "budget_executed": ["95"] * count,
        }
    )  # fmt: skip
    table = pa.table(
        {
            "evaluation_id": list(range(count)), "block": ["产出指标"] * count, "category": ["数量指标"] * count,
            "name": ["培训次数"] * count, "target": ["≥1000次"] * count,
            "actual": [f"{i * 3.7:.1f}次" for i in range(count)], "weight": ["50"] * count,
        }
    )  # fmt: skip
    result = perfscore.score_batch(evaluations, table, ruleset="cn-project")
    same_tables(result, score_by_engine(evaluations, table, ruleset="cn-project"))
    assert result.columnar == count and len(calls) == 1  # the template's met outcome, once


_AMOUNT_TEXTS = st.one_of(
    st.builds(lambda n, p: str(_decimal(n, p)), st.integers(0, 10**9), st.integers(0, 4)),
    st.builds(lambda n, p: str(_decimal(n, p)), st.integers(0, 10**19), st.integers(0, 12)),
    st.sampled_from(["0", "1", "0.5", "100", "100.00", "1e3", " 5", "１００", "1,000", "-5", "abc"]),
)


@given(st.lists(st.tuples(_AMOUNT_TEXTS, _AMOUNT_TEXTS), min_size=1, max_size=10))
@example([("8", "1"), ("1000", "5"), ("3", "2"), ("100", "100.00"), ("0.5", "0.1")])
def test_the_budget_kernel_is_the_budget_rule_or_declines(pairs: list[tuple[str, str]]) -> None:
    ruleset = perfscore.load_ruleset("cn-project")
    values = [sorted({p[k] for p in pairs}) for k in (0, 1)]
    none = Encoded(np.full(len(pairs), -1, np.int64), [])
    full_year, executed = (
        Encoded(np.array([values[k].index(p[k]) for p in pairs], np.int64), values[k]) for k in (0, 1)
    )
    units = np.full(len(pairs), -1, np.int64)
    first = np.arange(len(pairs))
    with localcontext(CONTEXT):
        columns = [none, full_year, executed, none, none]
        numbered = [plain_decimals(c.values)[1] for c in columns]
        done = columnar._budget_kernels(columns, numbered, first * 0, [ruleset], first, units)
        for (base, spent), taken, got in zip(pairs, done, units):
            if not taken:
                continue
            expected = outcomes.budget_outcome(ruleset, None, gate(base), gate(spent), None, None)
            assert expected is not None and expected.units == got


@given(st.lists(st.tuples(_AMOUNT_TEXTS, _AMOUNT_TEXTS), min_size=1, max_size=6))
def test_score_batch_with_the_budget_kernel_is_the_engine(pairs: list[tuple[str, str]]) -> None:
    count = len(pairs)
    evaluations = pa.table(
        {
            "id": list(range(count)), "region": ["CN"] * count, "form": ["project"] * count, "year": [2023] * count,
            "budget_full_year": [p[0] for p in pairs], "budget_executed": [p[1] for p in pairs],
        }
    )  # fmt: skip
    table = pa.table(
        {
            "evaluation_id": list(range(count)), "block": ["产出指标"] * count, "category": ["数量指标"] * count,
            "name": ["培训次数"] * count, "target": ["≥10次"] * count, "actual": ["9次"] * count,
            "weight": ["50"] * count,
        }
    )  # fmt: skip
    result = perfscore.score_batch(evaluations, table, ruleset="cn-project")
    same_tables(result, score_by_engine(evaluations, table, ruleset="cn-project"))
