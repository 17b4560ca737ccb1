"""Every docstring example of the package is true (the examples are documentation too).

Some modules are also tested by name elsewhere (``tests/draw/test_doctests.py``,
``tests/lang/test_robustness.py``); this test makes sure that no module's
examples go stale unnoticed.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import rela

MODULES = sorted(m.name for m in pkgutil.walk_packages(rela.__path__, "rela."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {name} failed"


def test_the_examples_are_found() -> None:
    """The walk sees the package (a broken walk would make every test above vacuous)."""
    assert {"rela.report._common", "rela.automata.enumerate", "rela.cli"} <= set(MODULES)
    found = sum(
        len(t.examples)
        for name in MODULES
        for t in doctest.DocTestFinder().find(importlib.import_module(name))
    )
    assert found > 500
