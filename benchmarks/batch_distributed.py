"""The batch function beyond one process: as a Dask ``map_partitions`` step under Dask's local
scheduler (processes), or, without Dask, a multiprocessing pool over record batches. Each
partition holds whole evaluations (their rows with them); the result must be identical to one
call of perfscore.score_batch over everything. tests/test_batch_columnar.py runs this script.

    python benchmarks/batch_distributed.py [EVALUATIONS]
"""

from __future__ import annotations

import importlib
import sys
from multiprocessing import get_context
from typing import Any

import pyarrow as pa

import perfscore

ROWS = (
    ("产出指标", "数量指标", "培训次数", "≥10次", "{n}次", "20"),
    ("产出指标", "质量指标", "合格率", "≥95%", "9{m}%", "15"),
    ("产出指标", "时效指标", "完成及时率", "100%", "100%", "15"),
    ("效益指标", "社会效益指标", "受益人数", "≥500人", "4{m}0人", "30"),
    ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "8{m}%", "10"),
)


def tables(count: int) -> tuple[Any, Any]:
    """``count`` national project evaluations as the two long-format tables."""
    evaluations = {
        "id": list(range(count)),
        "region": ["CN"] * count,
        "form": ["project"] * count,
        "year": [2023] * count,
        "budget_full_year": ["100"] * count,
        "budget_executed": [str(80 + i % 25) for i in range(count)],
    }
    rows: dict[str, list[Any]] = {
        k: [] for k in ("evaluation_id", "block", "category", "name", "target", "actual", "weight")
    }
    for i in range(count):
        for block, category, name, target, actual, weight in ROWS:
            for key, value in zip(
                rows, (i, block, category, name, target, actual.format(n=i % 13, m=i % 10), weight)
            ):
                rows[key].append(value)
    return pa.table(evaluations), pa.table(rows)


def score_partition(part: tuple[Any, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The pure function a worker runs: one partition's tables in, its results out."""
    result = perfscore.score_batch(*part)
    return result.evaluations.to_pylist(), result.rows.to_pylist()


def partitions(evaluations: Any, rows: Any, parts: int) -> list[tuple[Any, Any]]:
    """Split by evaluation: each partition's rows are its evaluations' rows."""
    step = -(-evaluations.num_rows // parts)
    ids = rows.column("evaluation_id").to_pylist()
    out = []
    for start in range(0, evaluations.num_rows, step):
        chunk = evaluations.slice(start, step)
        keep = set(chunk.column("id").to_pylist())
        out.append((chunk, rows.filter(pa.array([i in keep for i in ids]))))
    return out


def with_dask(parts: list[tuple[Any, Any]]) -> list[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    dask: Any = importlib.import_module("dask")
    bag = importlib.import_module("dask.bag").from_sequence(parts, npartitions=len(parts))
    return list(dask.compute(bag.map(score_partition), scheduler="processes", num_workers=2)[0])


def with_pool(parts: list[tuple[Any, Any]]) -> list[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    with get_context("spawn").Pool(2) as pool:
        return pool.map(score_partition, parts)


def main(count: int = 200) -> int:
    evaluations, rows = tables(count)
    whole = score_partition((evaluations, rows))
    parts = partitions(evaluations, rows, 4)
    try:
        import dask  # noqa: F401

        how, results = "dask (local scheduler, processes)", with_dask(parts)
    except ImportError:
        how, results = "multiprocessing", with_pool(parts)
    merged = ([r for e, _ in results for r in e], [r for _, rs in results for r in rs])
    if merged != whole:
        print(f"{how}: results differ from one call", file=sys.stderr)
        return 1
    print(f"{how}: {count} evaluations, {len(whole[1])} rows in {len(parts)} partitions: identical")
    return 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:2])))
