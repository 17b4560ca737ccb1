"""Hypothesis settings for the robustness suite (see docs/robustness.md).

In CI every fuzz test runs a fixed, small number of examples (at least 2,000
in total across the parser and the loaders, well under a minute).  A long
campaign raises the count for every fuzz test at once::

    RELA_FUZZ_EXAMPLES=100000 .venv/bin/pytest tests/robustness -k fuzz \\
        --hypothesis-seed=12345

``RELA_FUZZ_DEADLINE_MS`` changes the per-example deadline (default 2000 ms in
CI, 5000 ms in a campaign; generous: an example slower than that is a hang in the
making, not noise).

The settings are applied per test (``fuzz_settings``), never as the global
default, so loading this conftest does not change the other test directories.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

#: Examples per fuzz test in a campaign (0: the CI counts written on each test).
FUZZ_EXAMPLES = int(os.environ.get("RELA_FUZZ_EXAMPLES", "0") or 0)
#: Per-example deadline in milliseconds: not a speed test (the suite has no timing
#: assertions) but a guard against an input that hangs a reader or blows up
#: exponentially, so it is ten times what a slow example takes on a busy CI machine
#: (a deeply nested document took 4.3 s with the load at 6 on 2 cores).
FUZZ_DEADLINE_MS = int(os.environ.get("RELA_FUZZ_DEADLINE_MS", "") or 30_000)

settings.register_profile(
    "rela-robustness",
    deadline=FUZZ_DEADLINE_MS,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
    print_blob=True,
)
settings.register_profile(
    "rela-robustness-campaign",
    parent=settings.get_profile("rela-robustness"),
    max_examples=max(FUZZ_EXAMPLES, 1),
)


def fuzz_settings(ci_examples: int) -> settings:
    """The settings of one fuzz test: ``ci_examples`` in CI, ``RELA_FUZZ_EXAMPLES`` in a campaign."""
    if FUZZ_EXAMPLES:
        return settings(settings.get_profile("rela-robustness-campaign"))
    return settings(settings.get_profile("rela-robustness"), max_examples=ci_examples)
