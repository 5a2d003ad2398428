"""Golden snapshots: every shipped worked case and example, scored and reviewed, is exactly the
JSON stored under tests/golden/ (rewrite with ``python scripts/golden.py`` after an intended
change, and read the diff)."""

from __future__ import annotations

import importlib.util
import json
from types import ModuleType

import pytest

from conftest import ROOT


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("golden", ROOT / "scripts" / "golden.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GOLDEN = _script()
WANTED = {name: GOLDEN.dump(data) for name, data in GOLDEN.snapshots().items()}


def test_every_snapshot_has_its_source() -> None:
    stored = {p.relative_to(GOLDEN.GOLDEN).as_posix() for p in GOLDEN.GOLDEN.rglob("*.json")}
    assert stored == set(WANTED)
    assert len(stored) >= 50


@pytest.mark.parametrize("name", sorted(WANTED))
def test_snapshot_unchanged(name: str) -> None:
    stored = json.loads((GOLDEN.GOLDEN / name).read_text(encoding="utf-8"))
    assert json.loads(WANTED[name]) == stored
