"""Benchmark section: reading a form, the reader before issue 14 against today's, in one run.

    python benchmarks/bench.py --only forms      # this section alone
    python benchmarks/forms.py                   # the same

"Reading" is a file on disk to its grids of cells (what :mod:`perfscore.evaluations.tables`
then reads tables from), per table the file holds:

- old: the readers before issue 14, openpyxl for .xlsx (``perfscore.evaluations.xlsx.read_xlsx``,
  unchanged) and python-docx for .docx (benchmarks/old_docx.py, the old module verbatim), each
  after the package check of every part;
- new: what :func:`perfscore.evaluations.office.read_evaluations` does before reading tables:
  the file read once, its kind sniffed, the package check of the parts the reader parses, and
  python-calamine (.xlsx, .xls, .ods), lxml (.docx) or pdfplumber (.pdf).

The forms are the shipped fixtures (scripts/build_form_fixtures.py, built into a temporary
folder) and the committed .xls/.ods/.pdf in tests/data/forms. Each figure is the best of
``repeats`` means over ``loops`` reads.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

from perfscore.evaluations.grid import Grid
from perfscore.evaluations.office import READERS, read_evaluations
from perfscore.evaluations.package import read_form
from perfscore.evaluations.sniff import sniff
from perfscore.evaluations.xlsx import read_xlsx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from old_docx import read_docx as read_docx_before

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "tests" / "data" / "forms"
GOAL_READ_SPEEDUP = 10.0


def _build(folder: Path) -> dict[str, Path]:
    spec = importlib.util.spec_from_file_location(
        "build_form_fixtures", ROOT / "scripts" / "build_form_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return cast(Callable[[Path], dict[str, Path]], module.build_all)(folder)


def old_read(path: Path) -> list[Grid]:
    """The reader before issue 14: openpyxl or python-docx, after checking every part."""
    name = str(path)
    if path.suffix == ".xlsx":
        return read_xlsx(path, name)
    return read_docx_before(path, name)


def new_read(path: Path) -> list[Grid]:
    """Today's: the file read once, sniffed, checked and read by its format's reader."""
    name = str(path)
    data = read_form(path, name)
    return READERS[sniff(data)][1](data, name)


def _best(repeats: int, loops: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(loops):
            fn()
        best = min(best, (time.perf_counter() - start) / loops)
    return best


def bench_forms(repeats: int = 5, loops: int = 10) -> bool:
    """Print old and new reading times per table for every fixture; True when every .xlsx and
    .docx form reads at least :data:`GOAL_READ_SPEEDUP` times faster."""
    print("\nforms: reading a form (file → grids), the reader before issue 14 vs today's, per table")
    ok = True
    with tempfile.TemporaryDirectory(prefix="perfscore-bench-") as folder:
        built = sorted(_build(Path(folder)).values())
        print(
            f"   {'form':28} {'tables':>6} {'old ms':>8} {'new ms':>8} {'old/new':>8}"
            f" {'old whole':>10} {'new whole':>10} {'old/new':>8}"
        )
        for path in built + sorted(p for p in COMMITTED.glob("*") if p.suffix in (".xls", ".ods", ".pdf")):
            tables = len(read_evaluations(path))
            new = _best(repeats, loops, lambda p=path: new_read(p)) / tables  # type: ignore[misc]
            whole = _best(repeats, loops, lambda p=path: read_evaluations(p)) / tables  # type: ignore[misc]
            if path.suffix in (".xlsx", ".docx"):
                assert old_read(path) == new_read(path), f"{path.name}: the two readers differ"
                old = _best(repeats, loops, lambda p=path: old_read(p)) / tables  # type: ignore[misc]
                ratio = old / new
                ok = ok and ratio >= GOAL_READ_SPEEDUP
                old_whole = old + whole - new
                print(
                    f"   {path.name:28} {tables:6} {old * 1e3:8.2f} {new * 1e3:8.2f} {ratio:7.1f}× "
                    f"{old_whole * 1e3:10.2f} {whole * 1e3:10.2f} {old_whole / whole:7.1f}×"
                )
            else:
                print(
                    f"   {path.name:28} {tables:6} {'—':>8} {new * 1e3:8.2f} {'—':>8} {'—':>10} {whole * 1e3:10.2f}"
                )
    print("   (whole: read_evaluations, the grids and today's table reader; old whole = old grids + the same")
    print("    table reading)")
    verdict = "PASS" if ok else "MISS"
    print(f"   goal: every .xlsx/.docx form read ≥ {GOAL_READ_SPEEDUP:.0f}× faster per table → {verdict}")
    return ok


if __name__ == "__main__":
    bench_forms()
    sys.exit(0)
