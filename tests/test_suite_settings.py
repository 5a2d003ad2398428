"""The suite's own conventions (tests/conftest.py): Hypothesis profiles decide how many examples a
property runs, and the shared paths are built once."""

from __future__ import annotations

import re

from hypothesis import settings

from conftest import PROFILE, ROOT, SLOW

#: The test modules and their helpers, but for conftest.py and this file, which name what they check.
TEXTS = {
    f.name: f.read_text(encoding="utf-8")
    for f in sorted((ROOT / "tests").glob("*.py"))
    if f.name not in ("conftest.py", "test_suite_settings.py")
}


def test_no_test_sets_its_own_number_of_examples_or_a_deadline() -> None:
    counts = [name for name, text in TEXTS.items() if re.search(r"\bmax_examples\s*=", text)]
    deadlines = [name for name, text in TEXTS.items() if re.search(r"settings\([^)]*\bdeadline\b", text)]
    assert not counts, "use the profile, or conftest.SLOW for a property whose examples are slow"
    assert not deadlines, "the profiles have no deadline"


def test_no_test_builds_the_repository_s_paths_again() -> None:
    again = [name for name, text in TEXTS.items() if "Path(__file__)" in text]
    assert not again, "import ROOT, DOCS, EXAMPLES, DATA... from conftest"


def test_the_profile_has_no_deadline_and_slow_properties_take_a_sixth() -> None:
    assert PROFILE in ("fast", "thorough")
    assert settings().deadline is None
    assert SLOW.max_examples == max(10, settings().max_examples // 6)
