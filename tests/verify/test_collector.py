"""The verifier holds the cyclic garbage collector off while it checks an FEC, and hands
it back as it found it: a library caller's collector is never left switched off."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from rela.compile import compile_module
from rela.lang import parse_spec
from rela.network.model import Fec, Graph
from rela.verify.verifier import Named, Options, Verifier


@pytest.fixture
def collector_state() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def _verifier(spec: str) -> Verifier:
    checks = [Named(c.name, c.check) for c in compile_module(parse_spec(spec))]
    return Verifier(checks, Options())


def test_collector_is_off_during_a_check_and_on_again_after(collector_state: None) -> None:
    seen: list[bool] = []
    verifier = _verifier("spec s { .* : preserve }")
    checker = verifier.checkers[0]
    check = checker.check

    def spying(fec: Fec) -> object:
        seen.append(gc.isenabled())
        return check(fec)

    checker.check = spying  # type: ignore[method-assign]
    gc.enable()
    before, after = Graph.from_paths([["a", "b"]]), Graph.from_paths([["a", "c"]])
    outcomes = verifier.run_fec(Fec(0, None, (), before, after))
    assert [o.verdict for o in outcomes] == ["violated"]
    assert seen == [False]
    assert gc.isenabled()


def test_a_failing_check_still_gives_the_collector_back(collector_state: None) -> None:
    verifier = _verifier("spec s { .* : preserve }")

    def failing(fec: Fec) -> object:
        raise KeyboardInterrupt  # not an FEC's error: it must propagate

    verifier.checkers[0].check = failing  # type: ignore[method-assign]
    gc.enable()
    g = Graph.from_paths([["a", "b"]])
    with pytest.raises(KeyboardInterrupt):
        verifier.run_fec(Fec(0, None, (), g, g))
    assert gc.isenabled()


def test_a_caller_that_turned_the_collector_off_keeps_it_off(collector_state: None) -> None:
    gc.disable()
    g = Graph.from_paths([["a", "b"]])
    outcomes = _verifier("spec s { .* : preserve }").run_fec(Fec(0, None, (), g, g))
    assert [o.verdict for o in outcomes] == ["holds"]
    assert not gc.isenabled()
