"""The docstring examples of the drawing and HTML report modules are true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "rela.draw",
    "rela.draw.dot",
    "rela.draw.layout",
    "rela.draw.markup",
    "rela.draw.pair",
    "rela.draw.style",
    "rela.draw.svg",
    "rela.report.html",
    "rela.report.html_diff",
    "rela.report.html_page",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
