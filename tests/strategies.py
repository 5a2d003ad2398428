"""Shared Hypothesis strategies for perfscore's property tests.

Everything here builds the library's own data classes (:class:`~perfscore.Evaluation`,
:class:`~perfscore.IndicatorRow`, :class:`~perfscore.BudgetTable`) directly, with cells as the
text a unit would write ("≥95%", "9次", "≤100万元", "=0", "按月完成", "不适用").

Two kinds of evaluation:

* :func:`evaluations` — VALID for a ruleset: every row is scorable, the weights in each block
  add up exactly to the block's points, some optional 不适用 rows carry no weight, and the
  budget table has a base > 0;
* :func:`broken_evaluations` — anything goes: unknown blocks, garbled or free-text cells,
  missing, zero, negative or oversized weights, unknown methods, a missing or empty budget.

``evaluations(ruleset, overweight=True)`` is valid but for one thing: a block's rows may weigh
more than the block's points (each row's weight still fits in the block), so its points must be
capped. :func:`wide_cells` and ``budget_tables(low, high)`` give actuals and executed amounts
far outside the target or the budget, for methods and budget formulas that do not cap
themselves.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from decimal import Decimal
from typing import Optional, TypeVar

import attrs
from hypothesis import strategies as st

from perfscore import BudgetTable, Evaluation, IndicatorRow, Ruleset
from perfscore.rules import Block

__all__ = [
    "QUALITATIVE_ACTUALS",
    "broken_cells",
    "broken_evaluations",
    "budget_tables",
    "cell_texts",
    "decimals",
    "equality_cells",
    "evaluations",
    "fmt",
    "implicit_cells",
    "indicator_rows",
    "positive_cells",
    "qualitative_cells",
    "reverse_cells",
    "scorable_cells",
    "split_points",
    "weights",
    "wide_cells",
]

#: Actual cells that name a level of the national 定性指标 method (or repeat the target).
QUALITATIVE_ACTUALS = ("按月完成", "达成", "部分达成", "未达成", "达成年度指标", "基本完成", "效果较差")

#: Cells that look numeric but are broken, free text, blanks and not-applicable spellings.
_ODD_CELLS = (
    "153.673.67万元",
    "1..5%",
    "M.8万元",
    "95.%",
    "1,00万元",
    "",
    " ",
    "—",
    "……",
    "不适用",
    "不适应",
    "/",
    "无",
    "按月完成",
    "效益明显",
    "网上申报后30个工作日完成",
    "2024.5.9",
    "约95%",
    "不超过预算投入",
    "5G",
    "≥",
    "%",
)


T = TypeVar("T")


@functools.lru_cache(maxsize=1024)
def _ints(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


@functools.cache
def _one_of_these(values: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.sampled_from(values)


def _pick(draw: st.DrawFn, values: Sequence[str]) -> str:
    """Draw one of ``values`` (strategies are built once per distinct tuple: generation stays fast)."""
    return draw(_one_of_these(tuple(values)))


def fmt(value: Decimal) -> str:
    """A Decimal as a table would print it: plain digits, never an exponent."""
    return format(value, "f")


def decimals(
    low: Decimal | int | str, high: Decimal | int | str, places: int = 2
) -> st.SearchStrategy[Decimal]:
    """Decimals in ``[low, high]`` with exactly ``places`` decimal places (``Decimal("95.00")``)."""
    scale = 10**places
    lo = int(Decimal(low) * scale)
    hi = int(Decimal(high) * scale)
    return _decimals(lo, hi, places)


@functools.lru_cache(maxsize=1024)
def _decimals(lo: int, hi: int, places: int) -> st.SearchStrategy[Decimal]:
    return st.integers(lo, hi).map(lambda n: Decimal(n).scaleb(-places))


@st.composite
def split_points(draw: st.DrawFn, total: Decimal, places: int = 2, max_parts: int = 6) -> list[Decimal]:
    """``total`` split into k ≥ 1 positive parts with ``places`` decimals, adding up exactly."""
    return _split(draw, total, places, max_parts)


def _shuffled(draw: st.DrawFn, items: list[T]) -> list[T]:
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = draw(_ints(0, i))
        out[i], out[j] = out[j], out[i]
    return out


def _split(draw: st.DrawFn, total: Decimal, places: int, max_parts: int) -> list[Decimal]:
    unit = Decimal(1).scaleb(-places)
    steps = int(total / unit)
    assert Decimal(steps) * unit == total, f"{total} is not a multiple of {unit}"
    k = draw(_ints(1, min(max_parts, steps)))
    cuts: set[int] = set()
    while len(cuts) < k - 1:
        cuts.add(draw(_ints(1, steps - 1)))
    bounds = [0, *sorted(cuts), steps]
    return [Decimal(b - a) * unit for a, b in zip(bounds, bounds[1:])]


def weights(places: int = 2) -> st.SearchStrategy[Decimal]:
    """A plausible single weight: 0 < w ≤ 50 with ``places`` decimals."""
    return decimals(Decimal(1).scaleb(-places), 50, places)


# -- cell texts ---------------------------------------------------------------------------


def _met(draw: st.DrawFn) -> bool:
    return draw(_ints(0, 1)) == 1


@st.composite
def positive_cells(draw: st.DrawFn) -> tuple[str, str]:
    """A ≥ target in percent and an actual in percent: ("≥95.00%", "93.50%")."""
    target = draw(decimals("0.01", 100))
    # Half the time the target is met (so valid tables reach every grade band).
    actual = target + draw(decimals(0, 20)) if _met(draw) else draw(decimals(0, 120))
    word = _pick(draw, ["≥", ">=", "不低于", ""])
    return f"{word}{fmt(target)}%", f"{fmt(actual)}%"


@st.composite
def implicit_cells(draw: st.DrawFn) -> tuple[str, str]:
    """A bare count target (an implicit ≥) and a count actual: ("9次", "7次")."""
    unit = _pick(draw, ["次", "人次", "起", "个", "户"])
    target = draw(_ints(1, 200))
    actual = target + draw(_ints(0, 20)) if _met(draw) else draw(_ints(0, 250))
    return f"{target}{unit}", f"{actual}{unit}"


@st.composite
def reverse_cells(draw: st.DrawFn) -> tuple[str, str]:
    """A ≤ target in 万元 and an actual in 万元 or 元: ("≤100万元", "1005000.00元")."""
    target = draw(decimals("0.01", 1000))
    actual = target * draw(decimals(0, 1, places=3)) if _met(draw) else draw(decimals(0, 2000))
    in_yuan = draw(_ints(0, 1)) == 1
    actual_text = f"{fmt(actual * 10000)}元" if in_yuan else f"{fmt(actual)}万元"
    return f"≤{fmt(target)}万元", actual_text


@st.composite
def equality_cells(draw: st.DrawFn) -> tuple[str, str]:
    """An "=0" target (no incidents) and a count actual: ("=0", "0起")."""
    actual = 0 if _met(draw) else draw(_ints(0, 5))
    unit = _pick(draw, ["", "起", "次"])
    return "=0", f"{actual}{unit}"


@st.composite
def wide_cells(draw: st.DrawFn) -> tuple[str, str]:
    """A ≥ target in percent and an actual below zero, between 0 and the target, or above it
    (up to several times it): ("≥80.00%", "-35.50%"), ("≥80.00%", "250.00%").

    The national methods cap themselves; these cells are for methods that do not, so that a raw
    score falls below 0 or above the weight and only the engine's clipping keeps the row in bounds.
    """
    target = draw(decimals("0.01", 200))
    side = draw(_ints(0, 2))
    if side == 0:
        actual = -draw(decimals("0.01", 300))
    elif side == 1:
        actual = (target * draw(decimals(0, 1, places=3))).quantize(Decimal("0.01"))
    else:
        actual = target + draw(decimals("0.01", 500))
    return f"≥{fmt(target)}%", f"{fmt(actual)}%"


@st.composite
def qualitative_cells(draw: st.DrawFn) -> tuple[str, str]:
    """A free-text target and an actual that repeats it or names a level."""
    return "按月完成", _pick(draw, QUALITATIVE_ACTUALS)


@functools.cache
def scorable_cells() -> st.SearchStrategy[tuple[str, str]]:
    """(target, actual) text that the national methods can always score."""
    return st.one_of(
        positive_cells(), implicit_cells(), reverse_cells(), equality_cells(), qualitative_cells()
    )


@functools.cache
def broken_cells() -> st.SearchStrategy[str]:
    """One cell's text, possibly broken: garbled numbers, blanks, free text, random text."""
    return st.one_of(
        st.sampled_from(_ODD_CELLS),
        st.text(max_size=8),
        scorable_cells().map(lambda pair: pair[0]),
        scorable_cells().map(lambda pair: pair[1]),
    )


@functools.cache
def cell_texts() -> st.SearchStrategy[str]:
    """Any cell text: a well-formed one or a broken one."""
    return st.one_of(
        scorable_cells().map(lambda pair: pair[0]), scorable_cells().map(lambda pair: pair[1]), broken_cells()
    )


# -- rows, budgets, evaluations --------------------------------------------------------------------


@st.composite
def indicator_rows(
    draw: st.DrawFn, block: str, categories: tuple[str, ...], weight: Decimal, where: str = ""
) -> IndicatorRow:
    """A scorable row of ``block`` with the given weight and a random kind of target."""
    return _row(draw, block, categories, weight, where)


def _row(
    draw: st.DrawFn, block: str, categories: tuple[str, ...], weight: Decimal, where: str = ""
) -> IndicatorRow:
    target, actual = draw(scorable_cells())
    category = _pick(draw, categories) if categories else ""
    name = _pick(draw, ["完成率", "培训次数", "成本控制", "事故数", "群众满意度", "工作完成及时性"])
    return IndicatorRow(
        block=block, category=category, name=name, target=target, actual=actual, weight=weight, where=where
    )


@st.composite
def not_applicable_rows(draw: st.DrawFn, block: str, categories: tuple[str, ...]) -> IndicatorRow:
    """A 不适用 row: no weight, "不适用" (or a spelling of it) in a cell."""
    return _na_row(draw, block, categories)


def _na_row(draw: st.DrawFn, block: str, categories: tuple[str, ...]) -> IndicatorRow:
    category = _pick(draw, categories) if categories else ""
    spelling = _pick(draw, ["不适用", "不涉及", "/", "无此项"])
    where_na = _pick(draw, ["target", "actual", "both", "name"])
    return IndicatorRow(
        block=block,
        category=category,
        name=spelling if where_na == "name" else "其他指标",
        target=spelling if where_na in ("target", "both") else "≥1次",
        actual=spelling if where_na in ("actual", "both") else "",
        weight=None,
    )


@st.composite
def budget_tables(draw: st.DrawFn, low: str = "0", high: str = "1.2") -> BudgetTable:
    """A budget table with a base > 0 and an executed amount from ``low`` to ``high`` times it
    (by default 0 to 120%; a negative ``low`` gives a negative amount, as a garbled table may)."""
    return _budget(draw, low, high)


def _budget(draw: st.DrawFn, low: str = "0", high: str = "1.2") -> BudgetTable:
    full_year = draw(decimals(1, 10000))
    executed = (full_year * draw(decimals(low, high, places=4))).quantize(Decimal("0.01"))
    return BudgetTable(
        initial=full_year,
        full_year=full_year,
        executed=executed,
        adjustment=Decimal(0),
        points=Decimal(10),
        rate=f"{fmt((executed / full_year * 100).quantize(Decimal('0.01')))}%",
    )


def _block_labels(block: Block) -> list[str]:
    return [
        block.name.zh,
        f"{block.name.zh}({fmt(block.points)} 分)",
        f"{block.name.zh}（{fmt(block.points)}分）",
    ]


def _number_rows(rows: list[IndicatorRow]) -> tuple[IndicatorRow, ...]:
    return tuple(attrs.evolve(row, where=f"rows[{i}]") for i, row in enumerate(rows))


@st.composite
def evaluations(
    draw: st.DrawFn, ruleset: Ruleset, *, not_applicable: bool = True, overweight: bool = False
) -> Evaluation:
    """A VALID evaluation for ``ruleset`` (whose blocks take their rows from the evaluation).

    Per block: k ≥ 1 scorable rows whose weights add up exactly to the block's points (with
    the ruleset's row decimals, at most 2), plus up to two 不适用 rows without a weight; then a
    budget table with a base > 0. Rows are numbered ``rows[i]`` in ``where``.

    With ``overweight``, a block may get more rows, weighing up to its points again, so that its
    rows weigh up to twice its points (the engine reports ``weights-sum``, scores every row, and
    caps the block at its points). No single weight exceeds the block's points, so every row is
    still scorable.
    """
    places = min(ruleset.row_rounding.places, 2)
    rows: list[IndicatorRow] = []
    for block in ruleset.blocks:
        if block.fixed:  # pragma: no cover - the bundled project rulesets have no fixed blocks
            raise ValueError(f"block {block.key!r} fixes its indicators: not supported here")
        label = _pick(draw, _block_labels(block))
        categories = tuple(c.name.zh for c in block.categories)
        split = _split(draw, block.points, places, 6)
        if overweight and _met(draw):
            extra = draw(decimals(Decimal(1).scaleb(-places), block.points, places))
            split += _split(draw, extra, places, 6)
        for weight in split:
            rows.append(_row(draw, label, categories, weight))
        if not_applicable:
            rows.extend(_na_row(draw, label, categories) for _ in range(draw(_ints(0, 2))))
    rows = _shuffled(draw, rows)
    return Evaluation(
        region=ruleset.region,
        form=ruleset.form,
        year=ruleset.year_from,
        title="属性测试",
        ruleset=ruleset.id,
        budget=_budget(draw) if ruleset.budget is not None else None,
        rows=_number_rows(list(rows)),
    )


@functools.cache
def _odd_weights() -> st.SearchStrategy[Optional[Decimal]]:
    return st.one_of(
        st.none(),
        st.sampled_from([Decimal(0), Decimal(-5), Decimal("153.67"), Decimal("1E+3"), Decimal("0.001")]),
        decimals("0.01", 60),
    )


@functools.cache
def broken_rows(ruleset: Ruleset) -> st.SearchStrategy[IndicatorRow]:
    """A row with random, possibly broken, cells and metadata (built once per ruleset)."""
    block_names = [label for block in ruleset.blocks for label in _block_labels(block)]
    categories = [c.name.zh for block in ruleset.blocks for c in block.categories]
    return st.builds(
        IndicatorRow,
        block=st.one_of(
            st.sampled_from(block_names),
            st.sampled_from(block_names),
            st.sampled_from(["未知指标", "", "产出"]),
            st.text(max_size=4),
        ),
        category=st.one_of(st.sampled_from([*categories, ""]), st.text(max_size=4)),
        name=st.one_of(st.sampled_from(["", "完成率", "不适用", "—"]), st.text(max_size=6)),
        target=cell_texts(),
        actual=cell_texts(),
        weight=st.one_of(decimals("0.01", 10), _odd_weights()),
        reported_score=st.one_of(st.none(), decimals(0, 10)),
        level=st.sampled_from(["", "", "", "达成", "部分达成", "胡乱等级"]),
        method=st.sampled_from(["", "", "", "", *ruleset.methods, "no_such_method"]),
    )


@functools.cache
def broken_budgets() -> st.SearchStrategy[Optional[BudgetTable]]:
    """No budget table, a valid one, or one with a missing, zero or negative amount."""
    return st.one_of(
        st.none(),
        budget_tables(),
        st.builds(
            BudgetTable,
            full_year=st.one_of(st.none(), st.just(Decimal(0)), decimals(-100, 100)),
            executed=st.one_of(st.none(), decimals(-100, 200)),
        ),
    )


@st.composite
def broken_evaluations(draw: st.DrawFn, ruleset: Ruleset) -> Evaluation:
    """An evaluation with random (possibly broken) rows, mixed with some valid ones."""
    valid = draw(evaluations(ruleset))
    keep = [row for row in valid.rows if draw(_ints(0, 3)) == 0]
    broken = draw(st.lists(broken_rows(ruleset), max_size=10))
    rows = _shuffled(draw, [*keep, *broken])
    return attrs.evolve(valid, rows=_number_rows(list(rows)), budget=draw(broken_budgets()))
