"""The batch path against the scalar engine and plain Python, on the same rows, in the same run,
with the garbage collector ON and every report kept (as callers run it).

    python benchmarks/batch.py [--count N]     # N national project evaluations × 5 rows (default 4000)

Prints rows/s for each path and the ratios the issue sets goals for (docs/batch.md):
batch from cell strings against the scalar engine (goal ≥ 10×), batch on already-parsed columns
against the scalar engine (goal ≥ 50×), and each against plain Python.
"""

from __future__ import annotations

import argparse
import re
import time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable

import pyarrow as pa
from batch_distributed import tables

import perfscore

_NUMBER = re.compile(r"[0-9.]+")
_CENT = Decimal("0.01")


def scalar(evaluations: Any, rows: Any) -> list[perfscore.Report]:
    """The scalar engine: one perfscore.score per evaluation, from the same long tables."""
    grouped: dict[Any, list[dict[str, Any]]] = {}
    for row in rows.to_pylist():
        grouped.setdefault(row.pop("evaluation_id"), []).append(row)
    ruleset = perfscore.load_ruleset("cn-project")
    reports = []
    for head in evaluations.to_pylist():
        data = {
            "evaluation": {k: head[k] for k in ("region", "form", "year")},
            "budget": {"full_year": head["budget_full_year"], "executed": head["budget_executed"]},
            "rows": grouped.get(head["id"], []),
        }
        reports.append(perfscore.score(data, ruleset))
    return reports


def plain(evaluations: Any, rows: Any) -> list[tuple[Decimal, str]]:
    """Plain Python: the national rules hard-coded in Decimal (positive rows only, as generated)."""
    totals: dict[Any, Decimal] = {}
    for row in rows.to_pylist():
        target = Decimal(_NUMBER.findall(row["target"])[0])
        actual = Decimal(_NUMBER.findall(row["actual"])[0])
        weight = Decimal(row["weight"])
        points = weight if actual >= target else weight * actual / target
        key = row["evaluation_id"]
        totals[key] = totals.get(key, Decimal(0)) + points.quantize(_CENT, ROUND_HALF_UP)
    out = []
    for head in evaluations.to_pylist():
        rate = min(Decimal(head["budget_executed"]) / Decimal(head["budget_full_year"]), Decimal(1))
        total = totals.get(head["id"], Decimal(0)) + (10 * rate).quantize(_CENT, ROUND_HALF_UP)
        out.append((total, "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"))
    return out


def batch(evaluations: Any, rows: Any) -> Any:
    return perfscore.score_batch(evaluations, rows, ruleset="cn-project")


def parsed(rows: Any) -> Any:
    """The same rows with the number columns already typed (weights as integers)."""
    weight = pa.array([int(w) for w in rows.column("weight").to_pylist()], pa.int64())
    return rows.set_column(rows.schema.get_field_index("weight"), "weight", weight)


def timed(run: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    best, kept = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        kept = run()  # kept until the next repeat: reports alive, GC on
        best = min(best, time.perf_counter() - start)
    return best, kept


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--count", type=int, default=4000)
    options.add_argument("--repeats", type=int, default=3)
    args = options.parse_args()
    evaluations, rows = tables(args.count)
    typed = parsed(rows)
    perfscore.load_ruleset("cn-project")  # loaded once, as any long run does
    figures = {
        "plain Python": timed(lambda: plain(evaluations, rows), args.repeats)[0],
        "scalar engine": timed(lambda: scalar(evaluations, rows), args.repeats)[0],
        "batch, cell strings": timed(lambda: batch(evaluations, rows), args.repeats)[0],
        "batch, parsed columns": timed(lambda: batch(evaluations, typed), args.repeats)[0],
    }
    count = rows.num_rows
    print(f"{args.count} evaluations, {count} rows; GC on, results kept; best of {args.repeats}")
    for name, seconds in figures.items():
        print(f"  {name:24} {count / seconds:12,.0f} rows/s")
    scalar_s = figures["scalar engine"]
    print(f"batch (cell strings) / scalar:   {scalar_s / figures['batch, cell strings']:.2f}×  (goal ≥ 10×)")
    print(
        f"batch (parsed columns) / scalar: {scalar_s / figures['batch, parsed columns']:.2f}×  (goal ≥ 50×)"
    )
    print(f"scalar engine / plain Python:    {scalar_s / figures['plain Python']:.2f}× slower")
    print(
        f"batch (cell strings) / plain:    {figures['batch, cell strings'] / figures['plain Python']:.2f}× slower"
    )


if __name__ == "__main__":
    main()
