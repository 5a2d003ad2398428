"""The batch path against the scalar engine and plain Python, on the same rows, in the same run,
with the garbage collector ON and every report kept (as callers run it).

    python benchmarks/batch.py [--count N]     # N national project evaluations × 5 rows (default 4000)
    python benchmarks/batch.py --province [--province-rows N]   # + N rows end to end from Parquet

Prints rows/s for each path and the ratios the issue sets goals for (docs/batch.md):
batch from cell strings against the scalar engine (goal ≥ 10×), batch on already-parsed columns
against the scalar engine (goal ≥ 50×), and each against plain Python; on the generated rows
(5 indicator rows, actuals from a few dozen texts) and on the same rows with every actual and
every budget its own (nothing for the columnar path to share: its worst case). ``--province``
runs benchmarks/batch_province.py at N/2 and N rows (default 20 M), each in a fresh process:
rows/s end to end from Parquet to Parquet, the time N rows take (extrapolated when fewer were
run), and peak RSS at both sizes (flat memory: about equal).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
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
    """The same rows as a columnar store holds them: numbers typed (weights as integers), texts
    dictionary-encoded (as Parquet reads them with ``read_dictionary``)."""
    weight = pa.array([int(w) for w in rows.column("weight").to_pylist()], pa.int64())
    rows = rows.set_column(rows.schema.get_field_index("weight"), "weight", weight)
    for name in ("block", "category", "name", "target", "actual"):
        at = rows.schema.get_field_index(name)
        rows = rows.set_column(at, name, rows.column(name).dictionary_encode())
    return rows


def diverse(evaluations: Any, rows: Any) -> tuple[Any, Any]:
    """The same tables with every actual and every executed amount its own."""
    draw = random.Random(16)
    units = ["次" if "次" in t else "%" if "%" in t else "人" for t in rows.column("target").to_pylist()]
    actual = pa.array([f"{draw.randint(0, 10**7) / 100:.2f}{unit}" for unit in units])
    rows = rows.set_column(rows.schema.get_field_index("actual"), "actual", actual)
    count = evaluations.num_rows
    executed = pa.array([f"{draw.randint(5 * 10**6, 10**7) / 100:.2f}" for _ in range(count)])
    full = pa.array(["100000"] * count)
    evaluations = evaluations.set_column(
        evaluations.schema.get_field_index("budget_executed"), "budget_executed", executed
    )
    return evaluations.set_column(
        evaluations.schema.get_field_index("budget_full_year"), "budget_full_year", full
    ), rows


def timed(run: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    best, kept = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        kept = run()  # kept until the next repeat: reports alive, GC on
        best = min(best, time.perf_counter() - start)
    return best, kept


def verdict(ratio: float, goal: float) -> str:
    return "PASS" if ratio >= goal else "MISS"


def measure(evaluations: Any, rows: Any, repeats: int, label: str) -> None:
    """Every path on the same tables, interleaved, best of ``repeats``; the ratios and verdicts."""
    typed = parsed(rows)
    runs = {
        "plain Python": lambda: plain(evaluations, rows),
        "scalar engine": lambda: scalar(evaluations, rows),
        "batch, cell strings": lambda: batch(evaluations, rows),
        "batch, parsed columns": lambda: batch(evaluations, typed),
    }
    figures = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):  # A, B, C, D, A, B, … on a shared machine
        for name, run in runs.items():
            figures[name] = min(figures[name], timed(run, 1)[0])
    covered = batch(evaluations, rows).columnar
    count = rows.num_rows
    print(f"{label}: {evaluations.num_rows} evaluations, {count} rows ({covered} evaluations on columns)")
    for name, seconds in figures.items():
        print(f"  {name:24} {count / seconds:12,.0f} rows/s")
    scalar_s = figures["scalar engine"]
    strings, columns = scalar_s / figures["batch, cell strings"], scalar_s / figures["batch, parsed columns"]
    print(f"  batch (cell strings) / scalar:   {strings:7.2f}×  (goal ≥ 10×) {verdict(strings, 10)}")
    print(f"  batch (parsed columns) / scalar: {columns:7.2f}×  (goal ≥ 50×) {verdict(columns, 50)}")
    print(f"  scalar engine / plain Python:    {scalar_s / figures['plain Python']:7.2f}× slower")
    print(
        f"  batch (cell strings) / plain:    {figures['plain Python'] / figures['batch, cell strings']:7.2f}× faster"
    )


def province(rows: int, diverse_rows: bool) -> None:
    """benchmarks/batch_province.py at rows/2 and rows, each in a fresh process."""
    here = Path(__file__).resolve().parent
    results = []
    for size in (rows // 2, rows):
        command = [sys.executable, str(here / "batch_province.py"), "--rows", str(size)]
        done = subprocess.run(
            command + (["--diverse"] if diverse_rows else []),
            capture_output=True, text=True, check=False, env={**os.environ},
        )  # fmt: skip
        if done.returncode:
            sys.exit(f"the province run failed:\n{done.stderr}")
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        results.append((size, figures))
        print(
            f"  {size:>11,} rows from Parquet: {figures['seconds']:7.1f} s, {size / figures['seconds']:11,.0f} rows/s,"
            f" peak RSS {figures['maxrss_kib'] / 1024:7.1f} MiB, {figures['columnar']:,} of"
            f" {figures['evaluations']:,} evaluations on columns"
        )
    size, figures = results[-1]
    twenty = 20_000_000 * figures["seconds"] / size
    shown = "measured" if size == 20_000_000 else f"extrapolated from {size:,} rows"
    print(
        f"  20 M rows end to end: {twenty:.1f} s ({shown}; goal < 60 s) {'PASS' if twenty < 60 else 'MISS'}"
    )
    if not diverse_rows:  # the same through the command's streaming reader and writer
        done = subprocess.run(
            [sys.executable, str(here / "batch_province.py"), "--rows", str(rows), "--command"],
            capture_output=True, text=True, check=False, env={**os.environ},
        )  # fmt: skip
        if done.returncode:
            sys.exit(f"the province run failed:\n{done.stderr}")
        command = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"  {rows:>11,} rows through perfscore batch: {command['seconds']:7.1f} s,"
            f" {rows / command['seconds']:11,.0f} rows/s, peak RSS {command['maxrss_kib'] / 1024:7.1f} MiB"
        )
    ratio = results[1][1]["maxrss_kib"] / results[0][1]["maxrss_kib"]
    print(
        f"  peak RSS {results[1][0]:,} / {results[0][0]:,} rows: {ratio:.2f}× (flat: ≤ 1.2×) {'PASS' if ratio <= 1.2 else 'MISS'}"
    )


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--count", type=int, default=4000)
    options.add_argument("--repeats", type=int, default=3)
    options.add_argument("--province", action="store_true", help="also 20 M rows end to end from Parquet")
    options.add_argument("--province-rows", type=int, default=20_000_000)
    args = options.parse_args()
    evaluations, rows = tables(args.count)
    perfscore.load_ruleset("cn-project")  # loaded once, as any long run does
    print(f"GC on, results kept; interleaved, best of {args.repeats}")
    measure(evaluations, rows, args.repeats, "generated rows")
    measure(*diverse(evaluations, rows), args.repeats, "every actual and budget its own")
    if args.province:
        print("a province, end to end (benchmarks/batch_province.py):")
        province(args.province_rows, False)
        print("the same, every actual and budget its own:")
        province(args.province_rows // 10, True)


if __name__ == "__main__":
    main()
