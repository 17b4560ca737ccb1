"""Fuzzing the spec parser: any text parses or fails with a located RelaError, quickly.

Property: ``parse_spec`` (and ``load_spec`` on raw bytes) either returns a
module or raises a :class:`~rela.errors.RelaError` whose message names the file
and a line:column; never another exception, never a hang.  A spec that parses
also compiles (or fails with a located RelaError) and checks a small FEC
without an internal error.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from rela.compile import compile_module
from rela.errors import RelaError, SpecSemanticError, SpecSyntaxError
from rela.lang import MAX_NESTING, load_spec, parse_spec
from rela.lang.ast import Module
from rela.network.model import Fec, Graph, TrafficKey
from rela.verify import verify

from .conftest import fuzz_settings
from .helpers import ROOT, SNAPSHOTS, SPEC_TOKENS, assert_located, event, mutated_text

FILE = "fuzz.rela"

SEEDS = sorted(
    p.read_text(encoding="utf-8")
    for p in [*(ROOT / "tests/lang/corpus/valid").glob("*.rela"), *SNAPSHOTS.rglob("*.rela")]
)

# A small FEC whose graphs and traffic touch the names and guards of the seeds.
_BEFORE = Graph.from_paths(
    [["a", "core1", "b"], ["a", "core2", "drop"], ["border1|default", "core1|default|et1"]]
)
_AFTER = Graph.from_paths([["a", "core2", "b"], ["a", "drop"], ["border1|default", "c"]])
FECS = [
    Fec(0, "k0", (TrafficKey(dst="10.1.2.0/24", qos=3),), _BEFORE, _AFTER),
    Fec(1, "k1", (TrafficKey(dst="2001:db8::/64", src="192.168.1.1"),), _AFTER, _BEFORE),
]


def parse_or_located_error(text: str) -> Module | None:
    """The property for one text: a module, or a RelaError naming FILE:line:col."""
    try:
        module = parse_spec(text, FILE)
    except (SpecSyntaxError, SpecSemanticError) as exc:
        event(type(exc).__name__)
        assert_located(exc, FILE, position=True)
    except RelaError as exc:
        event(type(exc).__name__)
        assert_located(exc, FILE)
    else:
        event("parsed")
        return module
    return None


def check_module(module: Module) -> None:
    """A parsed module compiles and checks the small FECs with no internal error."""
    try:
        checks = compile_module(module)
    except RelaError as exc:
        assert_located(exc, FILE)
        return
    if not checks:
        return
    report = verify(module, FECS, max_states=5_000, fec_timeout=1.0)
    assert report.fecs_read == len(FECS)
    for spec in report.specs:
        assert spec.holds + spec.violated + spec.errors == spec.total == len(FECS)
        for err in spec.fec_errors:
            assert not err.message.startswith("internal error"), err.message
            assert "nested too deeply" not in err.message, err.message


@fuzz_settings(400)
@given(st.text(max_size=300))
@example("spec s { a : preserve }")
@example("spec s { \ufeff }")
@example('spec s { [device~"(?<=a)b"] : preserve }')
def test_fuzz_random_unicode(text: str) -> None:
    parse_or_located_error(text)


@fuzz_settings(200)
@given(st.binary(max_size=300))
def test_fuzz_random_bytes(data: bytes) -> None:
    parse_or_located_error(data.decode("utf-8", errors="replace"))
    # the file path: undecodable bytes are a located SpecError, not a UnicodeDecodeError
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / FILE
        path.write_bytes(data)
        try:
            load_spec(path)
        except RelaError as exc:
            assert_located(exc, str(path))


@fuzz_settings(500)
@given(mutated_text(SEEDS, SPEC_TOKENS))
def test_fuzz_mutated_valid_specs(text: str) -> None:
    module = parse_or_located_error(text)
    if module is not None:
        check_module(module)


@fuzz_settings(100)
@given(
    st.lists(
        st.sampled_from(["(", ")", "!", "[", "]", "{", "}", "*", "a", " ", "|", "&", "x", "pre"]),
        max_size=400,
    ).map("".join),
    st.sampled_from(["spec s { %s : preserve }", "assert s { %s == post }", "let l = %s"]),
)
def test_fuzz_bracket_soup(body: str, frame: str) -> None:
    parse_or_located_error(frame % body)


# ------------------------------------------------------------------ deep and long inputs

N = 10_000


def _deep_cases() -> dict[str, str]:
    return {
        "parentheses": "spec s { " + "(" * N + "a" + ")" * N + " : preserve }",
        "unclosed parentheses": "spec s { " + "(" * N + "a : preserve }",
        "unopened parentheses": "spec s { a" + ")" * N + " : preserve }",
        "complements": "spec s { " + "!" * N + "a : preserve }",
        "stars": "spec s { a" + "*" * N + " : preserve }",
        "spec parentheses": "spec s { " + "(" * N + "a : preserve" + ")" * N + " }",
        "then chain": "spec s { " + " then ".join(["a : preserve"] * 2_000) + " }",
        "else chain": "spec s { " + " else ".join(["a : preserve"] * 2_000) + " }",
        "guards": "spec s { "
        + "if dst in 10.0.0.0/8 { " * 2_000
        + "a : preserve"
        + " }" * 2_000
        + " }",
        "not": "assert a { " + "not " * N + "pre == post }",
        "check parentheses": "assert a { " + "(" * N + "pre == post" + ")" * N + " }",
        "images": "assert a { pre" + " >> I(a)" * 3_000 + " == post }",
        "products": "assert a { pre >> " + "(a x " * 2_000 + "b" + ")" * 2_000 + " == post }",
        "classes": "spec s { " + "[" * N + " : preserve }",
        "quotes": "spec s { " + '"' * N + " : preserve }",
        "let chain": "let l0 = a\n"
        + "".join(f"let l{i} = !l{i - 1}\n" for i in range(1, 2_000))
        + "spec s { l1999 : preserve }",
        "let concat chain": "let l0 = a\n"
        + "".join(f"let l{i} = (l{i - 1} a)\n" for i in range(1, 2_000))
        + "spec s { l1999 : preserve }",
        "let doubling": "let l0 = a\n"
        + "".join(f"let l{i} = (l{i - 1} | l{i - 1})\n" for i in range(1, 60))
        + "spec s { l59 : preserve }",
    }


@pytest.mark.parametrize("name", list(_deep_cases()))
def test_deep_nesting_is_a_located_error_or_a_parse(name: str) -> None:
    text = _deep_cases()[name]
    t0 = time.perf_counter()
    module = parse_or_located_error(text)
    if module is not None:
        check_module(module)
    assert time.perf_counter() - t0 < 15


@pytest.mark.parametrize("name", ["let chain", "let concat chain", "let doubling", "complements"])
def test_deep_or_exploding_specs_are_rejected_at_parse_time(name: str) -> None:
    with pytest.raises(RelaError) as info:
        parse_spec(_deep_cases()[name], FILE)
    text = assert_located(info.value, FILE, position=True)
    assert "nest" in text or "too large" in text


def test_nesting_limit_is_reported_with_its_value() -> None:
    text = "spec s { " + "!" * (MAX_NESTING + 5) + "a : preserve }"
    with pytest.raises(SpecSyntaxError) as info:
        parse_spec(text, FILE)
    assert str(MAX_NESTING) in info.value.render()


LONG = 100_000


@pytest.mark.parametrize(
    "text",
    [
        "spec s { " + "a" * LONG + " : preserve }",
        'spec s { "' + "é" * LONG + '" : preserve }',
        'spec s { "' + "a|" * 3 + "b" * LONG + '" : preserve }',
        "spec " + "s" * LONG + " { a : preserve }",
        'spec "' + "s p" * LONG + '" { a : preserve }',
        "let " + "l" * LONG + " = a spec s { " + "l" * LONG + " : drop }",
        'spec s { [device~"' + "a" * LONG + '"] : preserve }',
        "spec s { if dst in " + "1" * LONG + " { a : preserve } else { b : drop } }",
        "spec s { if qos = " + "9" * LONG + " { a : preserve } else { b : drop } }",
        "# " + "c" * LONG + "\nspec s { a : preserve }",
        "spec s { a : preserve }" + " " * LONG + "}",
        "spec s { " + "a " * (LONG // 10) + " : preserve }",
        "spec s { [" + " a" * (LONG // 10) + "] : preserve }",
    ],
    ids=lambda t: t[:20],
)
def test_very_long_names_and_lines(text: str) -> None:
    t0 = time.perf_counter()
    module = parse_or_located_error(text)
    if module is not None:
        check_module(module)
    assert time.perf_counter() - t0 < 15


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_spec_file_is_refused() -> None:
    """``rela check /dev/zero``: a bounded read, not an out-of-memory."""
    t0 = time.perf_counter()
    with pytest.raises(RelaError) as info:
        load_spec("/dev/zero")
    assert "too large" in assert_located(info.value, "/dev/zero")
    assert time.perf_counter() - t0 < 5
