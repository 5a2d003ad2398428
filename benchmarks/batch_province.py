"""A province end to end: two Parquet files in, scored by perfscore.score_batch a row group at
a time, two Parquet files out; rows/s and peak RSS, at two sizes to show memory stays flat.

    python benchmarks/batch_province.py [--rows N] [--group G] [--diverse]
    python benchmarks/batch.py --province            # runs this at N/2 and N rows (default 20 M)

Each size runs in a fresh process (peak RSS is per process). The tables are the national
project rows of benchmarks/batch_distributed.py, written with row groups that hold whole
evaluations (the rows file's group i holds the rows of the evaluations file's group i, as an
export sorted by evaluation writes them); ``--diverse`` gives every row its own actual value and
every evaluation its own budget (no two rows alike: the columnar path's worst case).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

import perfscore

ROWS = (
    ("产出指标", "数量指标", "培训次数", "≥10次", "次", "20"),
    ("产出指标", "质量指标", "合格率", "≥95%", "%", "15"),
    ("产出指标", "时效指标", "完成及时率", "100%", "%", "15"),
    ("效益指标", "社会效益指标", "受益人数", "≥500人", "人", "30"),
    ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "%", "10"),
)
PER = len(ROWS)


def _texts(codes: Any, words: list[str]) -> Any:
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(words)).cast(pa.string())


def _group(start: int, count: int, diverse: bool) -> tuple[Any, Any]:
    """Evaluations start … start+count-1 and their rows, as two tables."""
    ids = np.arange(start, start + count, dtype=np.int64)
    if diverse:
        amounts = [5000000 + (i * 7919) % 5000000 for i in ids.tolist()]  # 50.00000 … 99.99999
        executed = [f"{v // 100000}.{v % 100000:05d}" for v in amounts]
    else:
        executed = [str(80 + i % 25) for i in ids.tolist()]
    heads = pa.table(
        {
            "id": ids, "region": _texts(np.zeros(count), ["CN"]), "form": _texts(np.zeros(count), ["project"]),
            "year": np.full(count, 2023, np.int64), "budget_full_year": _texts(np.zeros(count), ["100"]),
            "budget_executed": pa.array(executed),
        }
    )  # fmt: skip
    template = np.tile(np.arange(PER), count)
    owner = np.repeat(ids, PER)
    if diverse:  # every actual its own: 1 … 99999 with two decimals, by row number
        serial = np.arange(start * PER, (start + count) * PER, dtype=np.int64)
        values = (serial * 104729) % 9999900 + 100
        units = [ROWS[t][4] for t in range(PER)]
        actual = pa.array(
            [f"{v // 100}.{v % 100:02d}{units[t]}" for v, t in zip(values.tolist(), template.tolist())]
        )
    else:
        pattern = (
            [f"{n}次" for n in range(13)] + [f"9{m}%" for m in range(10)] + [f"4{m}0人" for m in range(10)]
        )
        pattern += [f"8{m}%" for m in range(10)] + ["100%"]
        m = np.repeat(ids % 10, PER)
        code = np.choose(template, [np.repeat(ids % 13, PER), 13 + m, np.full(len(m), 43), 23 + m, 33 + m])
        actual = _texts(code, pattern)
    rows = pa.table(
        {
            "evaluation_id": owner,
            **{name: _texts(template, [r[k] for r in ROWS]) for k, name in enumerate(("block", "category", "name", "target"))},
            "actual": actual,
            "weight": _texts(template, [r[5] for r in ROWS]),
        }
    )  # fmt: skip
    return heads, rows


def write(folder: Path, rows: int, group: int, diverse: bool) -> None:
    """The two input files, ``rows`` rows in row groups of ``group`` rows."""
    count, size = rows // PER, group // PER
    writers: list[Any] = [None, None]
    for start in range(0, count, size):
        tables = _group(start, min(size, count - start), diverse)
        for i, (name, table) in enumerate(zip(("evaluations", "rows"), tables)):
            if writers[i] is None:
                writers[i] = pq.ParquetWriter(folder / f"{name}.parquet", table.schema)
            writers[i].write_table(table, row_group_size=len(table))
    for writer in writers:
        writer.close()


def score(folder: Path) -> dict[str, float]:
    """Score the two files a row group at a time into two output files."""
    texts = ["block", "category", "name", "target", "actual", "weight"]  # read as dictionaries
    heads = pq.ParquetFile(
        folder / "evaluations.parquet", read_dictionary=["region", "form", "budget_full_year"]
    )
    rows = pq.ParquetFile(folder / "rows.parquet", read_dictionary=texts)
    ruleset = perfscore.load_ruleset("cn-project")
    writers: list[Any] = [None, None]
    counted = {"rows": 0, "evaluations": 0, "columnar": 0}
    started = time.perf_counter()
    for group in range(heads.num_row_groups):
        result = perfscore.score_batch(
            heads.read_row_group(group), rows.read_row_group(group), ruleset=ruleset
        )
        for i, (name, table) in enumerate((("evaluations", result.evaluations), ("rows", result.rows))):
            if writers[i] is None:
                writers[i] = pq.ParquetWriter(folder / f"scored-{name}.parquet", table.schema)
            writers[i].write_table(table)
        counted["rows"] += result.rows.num_rows
        counted["evaluations"] += result.evaluations.num_rows
        counted["columnar"] += result.columnar
    for writer in writers:
        writer.close()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {**counted, "seconds": seconds, "maxrss_kib": float(peak)}


def command(folder: Path) -> dict[str, float]:
    """The same through ``perfscore batch`` (its streaming reader and writer)."""
    from perfscore.batch.stream import score_folder

    started = time.perf_counter()
    ticks = list(score_folder(folder, folder / "out", ruleset="cn-project"))
    done = ticks[-1] if ticks else (0, 0)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "rows": done[1],
        "evaluations": done[0],
        "columnar": -1,
        "seconds": seconds,
        "maxrss_kib": float(peak),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--group", type=int, default=1_000_000, help="rows per row group")
    parser.add_argument("--diverse", action="store_true")
    parser.add_argument("--command", action="store_true", help="through perfscore batch's streaming")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="perfscore-province-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        write(folder, args.rows, args.group, args.diverse)
        written = time.perf_counter() - started
        figures = command(folder) if args.command else score(folder)
    figures["written_seconds"] = written
    print(json.dumps(figures))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
