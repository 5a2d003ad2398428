"""The package's shape, measured from its own AST (scripts/metrics.py): imports point one way
between layers, function-level imports included, with no cycle; only the CLI prints; no module
over 500 lines, no class over 300, no function over 60 (docs/architecture.md)."""

from __future__ import annotations

import ast
import fnmatch
import importlib.util
from types import ModuleType

import pytest

from conftest import ROOT


def _metrics() -> ModuleType:
    spec = importlib.util.spec_from_file_location("metrics", ROOT / "scripts" / "metrics.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


METRICS = _metrics()
MEASURED = METRICS.measure()

#: Lowest first. A module may import only modules of its own layer or below; within a layer,
#: imports must not form a cycle. docs/architecture.md explains each layer.
LAYERS: list[tuple[str, ...]] = [
    ("perfscore.errors", "perfscore.files", "perfscore.suggest", "perfscore.decimals", "perfscore.serialize"),
    ("perfscore.regions", "perfscore.regions.*"),
    ("perfscore.codes", "perfscore.codes.*"),
    ("perfscore.formulas", "perfscore.formulas.*", "perfscore.cells", "perfscore.cells.*"),
    ("perfscore.rules", "perfscore.rules.*"),
    ("perfscore.evaluations", "perfscore.evaluations.*"),
    ("perfscore.report", "perfscore.report.model", "perfscore.report.status", "perfscore.report.text"),
    ("perfscore.scoring", "perfscore.scoring.*"),
    ("perfscore.reviewing", "perfscore.reviewing.*"),
    ("perfscore.report.*",),
    ("perfscore.cases", "perfscore.compare", "perfscore.api"),
    ("perfscore.batch", "perfscore.batch.*"),
    (
        "perfscore",
        "perfscore.cli",
        "perfscore.cli.*",
        "perfscore.__main__",
        "perfscore.web",
        "perfscore.web.*",
    ),
]


def layer_of(module: str) -> int:
    for index, patterns in enumerate(LAYERS):
        if module in patterns:
            return index
    for index, patterns in enumerate(LAYERS):
        if any(fnmatch.fnmatchcase(module, p) for p in patterns if "*" in p):
            return index
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS and docs/architecture.md")


def test_every_module_has_a_layer() -> None:
    for module in MEASURED["graph"]:
        layer_of(module)


@pytest.mark.parametrize("module", sorted(MEASURED["graph"]))
def test_imports_point_down(module: str) -> None:
    here = layer_of(module)
    upward = [t for t in MEASURED["graph"][module] if layer_of(t) > here]
    assert not upward, f"{module} (layer {here}) imports a higher layer: {upward}"


SIZE_LIMITS = {"modules": 500, "classes": 300, "functions": 60}


@pytest.mark.parametrize("kind", sorted(SIZE_LIMITS))
def test_sizes_stay_within_the_documented_limits(kind: str) -> None:
    over = [(name, size) for name, size in MEASURED[kind] if size > SIZE_LIMITS[kind]]
    assert over == [], f"{kind} over {SIZE_LIMITS[kind]} lines: split them (docs/architecture.md)"


def test_no_import_cycle() -> None:
    assert MEASURED["cycles"] == []


def test_only_the_cli_prints() -> None:
    package = ROOT / "src" / "perfscore"
    for file in package.rglob("*.py"):
        if file.stem == "__main__" or "cli" in file.relative_to(package).parts[:1] or file.stem == "cli":
            continue
        tree = ast.parse(file.read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
        assert not [c for c in calls if c.func.id in ("print", "exit")], file.name  # type: ignore[attr-defined]
