"""Shared test settings and constants.

Hypothesis profiles, chosen with the environment variable ``PERFSCORE_HYPOTHESIS``:

``fast`` (the default)
    100 examples a property: the whole suite in about a minute, for every run while working.
``thorough``
    1,000 examples a property, for CI or before a release:
    ``PERFSCORE_HYPOTHESIS=thorough python -m pytest``.

No test sets its own number of examples. A property whose every example is slow (one that
loads or builds whole rulesets) takes :data:`SLOW`, a sixth of the profile's examples, so it
stays proportionate in either profile.

No profile has a deadline. Hypothesis's default per-example deadline (200 ms) is a timed
assertion: on a busy two-core machine a garbage-collection pause can fail a correct example.
Speed is measured by benchmarks/bench.py instead.

The paths below are the ones several test files use: import them (``from conftest import
ROOT``) rather than building them again from ``__file__``.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings

# Whole tables of the larger shipped rulesets now and then exceed Hypothesis's entropy budget while
# being drawn (CI on Python 3.9 failed the data_too_large health check once). That check is about
# the size of what is generated, not about perfscore's behaviour, so no profile applies it.
_LARGE = [HealthCheck.data_too_large]
settings.register_profile(
    "fast", max_examples=100, deadline=None, print_blob=True, suppress_health_check=_LARGE
)
settings.register_profile(
    "thorough", max_examples=1000, deadline=None, print_blob=True, suppress_health_check=_LARGE
)
#: The profile this run uses: ``fast`` unless ``PERFSCORE_HYPOTHESIS`` names another.
PROFILE = os.environ.get("PERFSCORE_HYPOTHESIS", "fast")
settings.load_profile(PROFILE)

#: For a property whose every example is slow: a sixth of the profile's examples (16 when fast).
SLOW = settings(max_examples=max(10, settings().max_examples // 6))

#: The repository's root.
ROOT = Path(__file__).resolve().parent.parent
#: The documentation pages (docs/*.md).
DOCS = ROOT / "docs"
#: The shipped rulesets (rulesets/<region>/*.toml, worked cases in rulesets/<region>/cases/).
RULESETS_DIR = ROOT / "rulesets"
#: The national project ruleset, and its worked cases.
NATIONAL = RULESETS_DIR / "CN" / "project.toml"
NATIONAL_CASES = RULESETS_DIR / "CN" / "cases"
#: The example evaluations (examples/<region>/).
EXAMPLES = ROOT / "examples"
#: The 岳阳楼区 (430602) example evaluations: real forms, transcribed.
YUEYANGLOU = EXAMPLES / "430602"
#: The example most tests score: 岳阳楼区's 2023 transfer-payment project.
EXAMPLE = YUEYANGLOU / "project-2023-transfer.toml"
#: The tests' own rulesets and evaluations: valid ones, and invalid ones with the error each gives.
DATA = ROOT / "tests" / "data"
VALID = DATA / "valid"
INVALID = DATA / "invalid"
#: The smallest complete ruleset, which many tests edit a line of.
MINIMAL = VALID / "minimal.toml"
MINIMAL_TEXT = MINIMAL.read_text(encoding="utf-8")
