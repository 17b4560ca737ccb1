"""Any text gives a Module or a located RelaError, never another exception."""

from __future__ import annotations

import contextlib
import doctest
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rela.compile
import rela.lang
import rela.lang.diagnostics
import rela.lang.jsonast
import rela.lang.lexical
import rela.lang.parser
import rela.lang.printer
from rela.compile import compile_module, compile_spec
from rela.errors import RelaError
from rela.lang import ast, format_module, format_path, module_to_json, parse_spec

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*/*.rela"))
SEEDS = [p.read_text(encoding="utf-8") for p in CORPUS]
ALPHABET = st.sampled_from(
    list('abx.|&!*+?()[]{}^=~":#,;/<>01 \n')
    + [
        "then",
        "else",
        "spec s {",
        "assert t {",
        "let z =",
        " : ",
        "preserve",
        "if dst in ",
        "I(",
        ">>",
        "//",
        "#1",
    ]
)


def parse_or_error(text: str) -> None:
    try:
        module = parse_spec(text, "f.rela")
    except RelaError as exc:
        assert exc.line is None or exc.line >= 1
        exc.render()
        return
    # whatever parses also prints, re-parses and compiles
    assert parse_spec(format_module(module)) == module
    with contextlib.suppress(RelaError):  # e.g. too many guard cases
        compile_module(module)


@settings(max_examples=200, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_token_soup(text: str) -> None:
    parse_or_error(text)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(SEEDS), st.data())
def test_mutated_corpus(seed: str, data: st.DataObject) -> None:
    pos = data.draw(st.integers(0, len(seed)))
    cut = data.draw(st.integers(0, 5))
    insert = data.draw(st.text(max_size=3) | ALPHABET)
    parse_or_error(seed[:pos] + insert + seed[pos + cut :])


@pytest.mark.parametrize(
    "module",
    [
        rela.compile,
        rela.lang.diagnostics,
        rela.lang.jsonast,
        rela.lang.lexical,
        rela.lang.parser,
        rela.lang.printer,
        rela.lang,
    ],
    ids=lambda m: m.__name__,
)
def test_doctests(module: object) -> None:
    result = doctest.testmod(module, raise_on_error=False)  # type: ignore[arg-type]
    assert result.failed == 0


def test_hand_built_deep_trees_give_rela_errors() -> None:
    deep: ast.PathExpr = ast.Name("a")
    for _ in range(20000):
        deep = ast.Complement(deep)
    with pytest.raises(RelaError, match="too deeply"):
        format_path(deep)
    with pytest.raises(RelaError, match="too deeply"):
        compile_spec(ast.Atomic(deep, ast.Preserve()))
    with pytest.raises(RelaError, match="too deeply"):
        module_to_json(ast.Module((ast.Let("z", deep),)))
