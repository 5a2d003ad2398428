"""docs/security.md states the limits perfscore enforces: each row of its table names a constant
that exists and has the value the page gives."""

from __future__ import annotations

import importlib
import re
from decimal import Decimal

import pytest

from conftest import DOCS

DOC = DOCS / "security.md"
ROW = re.compile(r"^\| `(perfscore(?:\.\w+)+)\.([A-Z_]+)` \| ([0-9e.]+) \|", re.MULTILINE)
LIMITS = ROW.findall(DOC.read_text(encoding="utf-8"))


def test_the_page_lists_the_limits() -> None:
    assert len(LIMITS) >= 25


@pytest.mark.parametrize(("module", "name", "value"), LIMITS, ids=[f"{m}.{n}" for m, n, _ in LIMITS])
def test_each_limit_is_the_code_s_own(module: str, name: str, value: str) -> None:
    actual = getattr(importlib.import_module(module), name)
    assert Decimal(str(actual)) == Decimal(value)
