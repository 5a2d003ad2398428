"""Shared test settings.

Hypothesis's default per-example deadline (200 ms) is a timed assertion: on a busy two-core
machine a garbage-collection pause can fail a correct example. Speed is measured by
benchmarks/bench.py instead, so no property test has a deadline.
"""

from hypothesis import settings

settings.register_profile("perfscore", deadline=None, print_blob=True)
settings.load_profile("perfscore")
