"""Memory of a folder review: does ``perfscore review DIR --json`` stream?

Run ``python benchmarks/batch_memory.py`` (folders of 1,000 and 10,000 small evaluation files;
a few minutes) or ``--sizes 200 2000`` for a quick look. For each size it builds a temp folder
of copies of an example evaluation (each a file of its own), runs the review in a fresh
subprocess with stdout to /dev/null, and reports that process's peak resident memory
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) and, with ``--tracemalloc``, Python's peak
allocation. The goal: the largest folder costs at most 1.5× the smallest. The exit code is 0
whatever the figures say; nothing here is asserted in a unit test.

``--src DIR`` runs another checkout's code (e.g. the code before a change) for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "examples" / "430602" / "project-2023-district-fund.toml"
GOAL = 1.5

# Run in the child: the CLI in-process, then its own peak memory on stderr as JSON.
_CHILD = """
import json, resource, sys, tracemalloc
if sys.argv[2] == "1":
    tracemalloc.start()
from perfscore.cli import main
sys.stdout = open("/dev/null", "w")
code = main(["review", sys.argv[1], "--json", "--no-progress"])
peak = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else 0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if sys.platform == "darwin":
    rss //= 1024
print(json.dumps({"exit": code, "maxrss_kib": rss, "traced_peak": peak}), file=sys.stderr)
"""


def build(folder: Path, count: int) -> None:
    data = SOURCE.read_bytes()
    for n in range(count):
        sub = folder / f"{n // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"unit-{n:05d}.toml").write_bytes(data)


def measure(folder: Path, src: Path, traced: bool) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(folder), "1" if traced else "0"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "{}"
    try:
        figures: dict[str, float] = json.loads(last)
    except ValueError:
        sys.exit(f"the review failed:\n{done.stderr}")
    figures["seconds"] = time.perf_counter() - started
    return figures


def check(src: Path) -> None:
    """Stop unless the code under test reviews the example: a batch of failures proves nothing."""
    if not (src / "perfscore" / "__init__.py").is_file():
        sys.exit(f"no perfscore package in {src}")
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, "-m", "perfscore", "review", str(SOURCE), "--json", "--no-progress"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        (entry,) = json.loads(done.stdout)
    except ValueError:
        sys.exit(f"the review printed no JSON:\n{done.stderr}")
    if entry.get("review") is None:
        sys.exit(f"the example is not reviewed with {src}: {entry.get('error')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--tracemalloc", action="store_true", help="also Python's peak allocation (slower)")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the perfscore source to run")
    args = parser.parse_args()
    check(args.src)
    results = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="perfscore-batch-") as tmp:
            build(Path(tmp), size)
            figures = measure(Path(tmp), args.src, args.tracemalloc)
        results.append((size, figures))
        traced = f", traced peak {figures['traced_peak'] / 2**20:6.1f} MiB" if args.tracemalloc else ""
        print(
            f"{size:>6} files: peak RSS {figures['maxrss_kib'] / 1024:6.1f} MiB{traced},"
            f" {figures['seconds']:6.1f} s, exit {int(figures['exit'])}"
        )
    (small, a), (large, b) = results[0], results[-1]
    ratio = b["maxrss_kib"] / a["maxrss_kib"]
    verdict = "PASS" if ratio <= GOAL else "MISS"
    print(f"peak RSS {large:,} / {small:,} files: {ratio:.2f}× (goal ≤ {GOAL}×) {verdict}")
    if args.tracemalloc and a["traced_peak"]:
        print(f"traced peak {large:,} / {small:,} files: {b['traced_peak'] / a['traced_peak']:.2f}×")


if __name__ == "__main__":
    main()
