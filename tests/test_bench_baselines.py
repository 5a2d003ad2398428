"""The benchmark's baselines score as the engine does (benchmarks/bench.py, benchmarks/scalar.py).

A baseline that gives other totals than the engine measures something else, and the benchmark
fails then; these tests catch it without running the benchmark. Nothing here is timed: speed is
the benchmark's to print.
"""

from __future__ import annotations

import gc
import importlib.util
import sys
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest

import perfscore
from conftest import ROOT

COUNT = 60
"""Generated evaluations checked per baseline (20 rows each, every row kind the generator makes)"""


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    path = list(sys.path)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = path  # the benchmarks' folder is on the path only while they are imported
    return module


@pytest.fixture(scope="module")
def scalar() -> ModuleType:
    return sys.modules.get("scalar") or _load("scalar")


@pytest.fixture(scope="module")
def evaluations(scalar: ModuleType) -> list[Any]:
    generated: list[Any] = scalar.generate(COUNT)
    return generated


@pytest.fixture(scope="module")
def ruleset() -> perfscore.Ruleset:
    return perfscore.load_ruleset("cn-project")


def test_plain_python_agrees(scalar: ModuleType, evaluations: list[Any], ruleset: perfscore.Ruleset) -> None:
    assert scalar.disagreement(evaluations, ruleset, scalar.plain_score) is None


def test_simpleeval_scorer_agrees(
    scalar: ModuleType, evaluations: list[Any], ruleset: perfscore.Ruleset
) -> None:
    assert scalar.disagreement(evaluations, ruleset, scalar.SimpleevalScorer(ruleset).score) is None


def test_zen_scorer_agrees(scalar: ModuleType, evaluations: list[Any], ruleset: perfscore.Ruleset) -> None:
    pytest.importorskip("zen", reason="zen-engine is not installed (the bench extra)")
    assert scalar.disagreement(evaluations, ruleset, scalar.ZenScorer(ruleset).score) is None
    by_formula = scalar.ZenScorer(ruleset, by_formula=True).score
    assert scalar.disagreement(evaluations, ruleset, by_formula) is None


def test_a_wrong_baseline_is_caught(
    scalar: ModuleType, evaluations: list[Any], ruleset: perfscore.Ruleset
) -> None:
    def off_by_a_cent(evaluation: Any) -> tuple[Decimal, str]:
        total, grade = scalar.plain_score(evaluation)
        return total + Decimal("0.01"), grade

    found = scalar.disagreement(evaluations, ruleset, off_by_a_cent)
    assert found is not None and found.startswith("evaluation 0:")


@pytest.mark.parametrize(
    ("method", "w", "t", "a", "points"),
    [
        ("positive", "10", "95", "90", "9.47"),  # 10 × 90 / 95 = 9.4736…
        ("positive", "10", "95", "97", "10.00"),
        ("reverse", "5", "100", "125", "4.00"),  # 5 × 100 / 125
        ("reverse", "5", "100", "0", "5.00"),
        ("equality", "4", "0", "1", "0.00"),
        ("equality", "4", "0", "0", "4.00"),
        ("positive", "2.5", "3", "2", "1.67"),  # 1.666… rounds half up
    ],
)
def test_formula_scorers_compute_each_row(
    scalar: ModuleType, ruleset: perfscore.Ruleset, method: str, w: str, t: str, a: str, points: str
) -> None:
    """Each hand-made scorer evaluates the ruleset's own formulas for a row, clamped and rounded."""
    args = (method, Decimal(w), Decimal(t), Decimal(a))
    assert scalar.SimpleevalScorer(ruleset).row_points(*args) == Decimal(points)
    if scalar.zen is not None:
        assert scalar.ZenScorer(ruleset).row_points(*args) == Decimal(points)
        assert scalar.ZenScorer(ruleset, by_formula=True).row_points(*args) == Decimal(points)


def test_zen_translation(scalar: ModuleType) -> None:
    assert scalar.zen_source("W * min(rate, cap_rate)") == "(W * min([rate, cap_rate]))"
    assert scalar.zen_source("W * rate", {"rate": "(executed / base)"}) == "(W * (executed / base))"
    assert scalar.zen_source("T == 0 and A <= 0") == "((T == 0) and (A <= 0))"
    with pytest.raises(ValueError, match="no ZEN translation"):
        scalar.zen_source("A if T else W")


def test_timing_refuses_a_paused_collector(scalar: ModuleType) -> None:
    """The scalar goals are taken as callers run the code: the collector on."""
    gc.disable()
    try:
        with pytest.raises(RuntimeError, match="collector must be on"):
            scalar.interleaved({"nothing": list}, 1)
    finally:
        gc.enable()


def test_kept_reports_hold_memory(
    scalar: ModuleType, evaluations: list[Any], ruleset: perfscore.Ruleset
) -> None:
    """The memory figure counts what kept results hold: a report's rows, not (b)'s two values."""
    engine_bytes, engine_objects, _ = scalar.retained(scalar.engine_of(ruleset), evaluations[:5])
    plain_bytes, _, _ = scalar.retained(scalar.plain_score, evaluations[:5])
    rows = sum(len(e.rows) for e in evaluations[:5])
    assert engine_bytes / rows > 100 and engine_objects > rows
    assert plain_bytes / rows < 50
