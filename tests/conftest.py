"""Settings shared by the whole suite.

Hypothesis's default per-example deadline (200 ms) is a timing assertion: on a
shared CI machine an example that takes 250 ms once fails the run.  Property
tests here assert behaviour, never speed (speed is measured in
``benchmarks/``), so the default profile has no deadline; the fuzz tests of
``tests/robustness`` set their own generous one against hangs.

The parser and spec caches live in the user's cache folder
(``$XDG_CACHE_HOME/rela``): the suite points that at a folder of its own, so
running the tests neither fills a developer's cache with hundreds of test
specs (evicting theirs) nor depends on what an earlier run left there.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from hypothesis import settings

settings.register_profile("rela", deadline=None)
settings.load_profile("rela")

_CACHE_HOME: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _CACHE_HOME
    _CACHE_HOME = tempfile.mkdtemp(prefix="rela-test-cache-")
    os.environ["XDG_CACHE_HOME"] = _CACHE_HOME  # subprocesses inherit it


def pytest_unconfigure(config: pytest.Config) -> None:
    if _CACHE_HOME is not None:
        shutil.rmtree(_CACHE_HOME, ignore_errors=True)
