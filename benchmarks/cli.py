"""The command line's goals, each a ratio against a baseline measured in the same run.

Run ``python benchmarks/cli.py`` (a few minutes: folders of 1,000 and 10,000 files) or
``--quick`` (a minute: 200 and 2,000 files, fewer repeats). Pick parts with ``--only start``,
``memory`` or ``jobs``. Every figure is a fresh subprocess of the code in ``--src`` (default:
this checkout's ``src``), timed as wall time from the parent; the commands are interleaved
(A, B, C, A, B, C...) and each keeps its best time, so a burst of load from another process
spoils one try, not a figure. The exit code is 0 whatever the figures say; nothing is asserted.

1. **Start-up** against a bare ``python -c pass``: ``perfscore --help`` (goal ≤ 4×) and
   ``perfscore score FILE`` on an example (goal ≤ 7×), run as the ``perfscore`` script runs
   them (``from perfscore.cli import main``). Compiled bytecode is used, as from an installed
   package: the children write and read it under a temporary ``PYTHONPYCACHEPREFIX`` (the
   shared venv sets ``PYTHONDONTWRITEBYTECODE``, which would time the compiler instead), after
   one warm-up run of each command.
2. **Memory of ``review DIR``** (text, then ``--json``): peak resident memory of the reviewing
   process (``ru_maxrss``) for the large folder against the small one (goal ≤ 1.5×). The files
   are copies of an example evaluation, each with a unit name of its own, in sub-folders of
   1,000.
3. **``review DIR --jobs 2``** against ``--jobs 1`` on one folder (4,000 files; ``--quick`` 1,000),
   text and ``--json``:
   goal ≥ 1.7× faster on 2 cores. Only meaningful when the machine has 2 idle cores: the
   load average is printed with it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "510000" / "project-2021.toml"
SOURCE = ROOT / "examples" / "430602" / "project-2023-district-fund.toml"
UNIT = "岳阳市岳阳楼区工伤保险服务中心"

SCRIPT = "import sys; from perfscore.cli import main; sys.exit(main())"
"""What the installed ``perfscore`` script runs."""

MEASURED = """
import json, resource, sys
from perfscore.cli import main
sys.stdout = open("/dev/null", "w")
code = main(sys.argv[1:])
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"exit": code, "maxrss_kib": rss // 1024 if sys.platform == "darwin" else rss}), file=sys.stderr)
"""
"""A review in a child that reports its own peak memory on stderr."""


def environment(src: Path, cache: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONPYCACHEPREFIX": cache}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def best_of(
    commands: dict[str, list[str]], env: dict[str, str], repeats: int, cpu: dict[str, float] | None = None
) -> dict[str, float]:
    """Each command's best wall time, the commands interleaved (and into ``cpu``, the processor
    time of each command's best run: its process and every process it waited for)."""
    best = dict.fromkeys(commands, float("inf"))
    for _ in range(repeats):
        for name, command in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(
                command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
            )
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if wall < best[name]:
                best[name] = wall
                if cpu is not None:
                    cpu[name] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return best


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def start_up(env: dict[str, str], repeats: int) -> None:
    python = sys.executable
    commands = {
        "python -c pass": [python, "-c", "pass"],
        "perfscore --help": [python, "-c", SCRIPT, "--help"],
        "perfscore score FILE": [python, "-c", SCRIPT, "score", str(EXAMPLE)],
    }
    best_of(commands, env, 1)  # writes the bytecode
    best = best_of(commands, env, repeats)
    base = best["python -c pass"]
    print(f"start-up, best of {repeats} (ms, and × python -c pass):")
    for name, goal in (("python -c pass", None), ("perfscore --help", 4.0), ("perfscore score FILE", 7.0)):
        ratio = best[name] / base
        tail = f"  goal ≤ {goal:.0f}× {verdict(ratio <= goal)}" if goal else ""
        print(f"  {name:<22} {best[name] * 1000:7.1f} ms {ratio:6.2f}×{tail}")


def build(folder: Path, count: int) -> None:
    """``count`` evaluation files in sub-folders of 1,000, each naming a unit of its own."""
    text = SOURCE.read_text(encoding="utf-8")
    assert UNIT in text, "the example's unit name changed: update UNIT"
    for n in range(count):
        sub = folder / f"{n // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"unit-{n:05d}.toml").write_text(text.replace(UNIT, f"{UNIT}{n:05d}"), encoding="utf-8")


def peak(folder: Path, env: dict[str, str], options: Sequence[str]) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, "review", str(folder), "--no-progress", *options],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    try:
        figures: dict[str, int] = json.loads(done.stderr.strip().splitlines()[-1])
    except (ValueError, IndexError):
        sys.exit(f"the review failed:\n{done.stderr}")
    return figures


def memory(env: dict[str, str], sizes: tuple[int, int], tmp: Path) -> None:
    small, large = tmp / "small", tmp / "large"
    for folder, size in ((small, sizes[0]), (large, sizes[1])):
        folder.mkdir()
        build(folder, size)
    print(f"review DIR, peak RSS of the reviewing process ({sizes[0]:,} and {sizes[1]:,} files):")
    for options in ((), ("--json",)):
        a, b = peak(small, env, options), peak(large, env, options)
        ratio = b["maxrss_kib"] / a["maxrss_kib"]
        label = " ".join(("review DIR", *options))
        print(
            f"  {label:<22} {a['maxrss_kib'] / 1024:6.1f} → {b['maxrss_kib'] / 1024:6.1f} MiB"
            f" {ratio:5.2f}×  goal ≤ 1.5× {verdict(ratio <= 1.5)}"
        )


def jobs(env: dict[str, str], size: int, repeats: int, tmp: Path) -> None:
    folder = tmp / "jobs"
    folder.mkdir()
    build(folder, size)
    python = sys.executable
    for options in ((), ("--json",)):
        commands = {
            f"--jobs {n}": [
                python,
                "-c",
                SCRIPT,
                "review",
                str(folder),
                "--no-progress",
                "--jobs",
                str(n),
                *options,
            ]
            for n in (1, 2)
        }
        cpu: dict[str, float] = {}
        best = best_of(commands, env, repeats, cpu)
        speedup = best["--jobs 1"] / best["--jobs 2"]
        label = " ".join(("review DIR", *options))
        print(
            f"  {label:<22} --jobs 1 {best['--jobs 1']:6.2f} s, --jobs 2 {best['--jobs 2']:6.2f} s:"
            f" {speedup:4.2f}× faster  goal ≥ 1.7× {verdict(speedup >= 1.7)}"
        )
        # What the machine's load hides: the processor time each took (command and workers).
        # On 2 idle cores --jobs 2 takes at least max(its CPU / 2, its serial part).
        print(
            f"  {'':<22} processor time: --jobs 1 {cpu['--jobs 1']:6.2f} s, --jobs 2 {cpu['--jobs 2']:6.2f} s"
            f" (×{cpu['--jobs 2'] / cpu['--jobs 1']:.2f}: the cost of the pool)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller folders, fewer repeats")
    parser.add_argument("--only", choices=("start", "memory", "jobs"), action="append", help="run only these")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the perfscore source to run")
    args = parser.parse_args()
    parts = args.only or ["start", "memory", "jobs"]
    with tempfile.TemporaryDirectory(prefix="perfscore-cli-") as name:
        tmp = Path(name)
        env = environment(args.src, str(tmp / "pycache"))
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} processors, load {os.getloadavg()[0]:.1f}")
        if "start" in parts:
            start_up(env, 10 if args.quick else 30)
        if "memory" in parts:
            memory(env, (200, 2000) if args.quick else (1000, 10000), tmp)
        if "jobs" in parts:
            size = 1000 if args.quick else 4000
            print(f"review DIR of {size:,} files, best of 3, load {os.getloadavg()[0]:.1f}:")
            jobs(env, size, 3, tmp)


if __name__ == "__main__":
    main()
