"""Settings shared by the whole suite.

Hypothesis's default per-example deadline (200 ms) is a timing assertion: on a
shared CI machine an example that takes 250 ms once fails the run.  Property
tests here assert behaviour, never speed (speed is measured in
``benchmarks/``), so the default profile has no deadline; the fuzz tests of
``tests/robustness`` set their own generous one against hangs.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("rela", deadline=None)
settings.load_profile("rela")
