"""Explained violations: kinds, divergence points, clauses, and how they read in every format."""

from __future__ import annotations

import html
import json
from typing import Any

import pytest

import rela
from rela.network.model import Fec, Graph
from rela.report import render
from rela.results import ANY_OTHER, SpecialHop, Violation


def fec(before: list[str], after: list[str], index: int = 0, key: str = "k") -> Fec:
    return Fec(
        index,
        key,
        (),
        Graph.from_paths([p.split() for p in before]),
        Graph.from_paths([p.split() for p in after]),
    )


def only(spec: str, *fecs: Fec) -> Violation:
    report = rela.verify(rela.parse_spec(spec, filename="t.rela"), list(fecs))
    (v,) = list(report)
    assert v.explanation is not None
    return v


CATCH_ALL = "\n  else .* : preserve"


@pytest.mark.parametrize(
    ("before", "after", "kind", "at"),
    [
        (["a b c"], ["a b drop"], "new-drop", "b"),
        (["a b c"], ["a d c"], "paths-moved", "a"),
        (["a b c", "a d c"], ["a b c"], "paths-removed", "a"),
        (["a b c"], ["a b c", "a d c"], "paths-added", "a"),
        (["a b c"], [], "lost-delivery", "a"),
        (["a b c"], ["a b d b d c"], "new-loop", "b"),
    ],
)
def test_kinds_and_divergence(before: list[str], after: list[str], kind: str, at: str) -> None:
    v = only("spec s {\n  .* : preserve\n}", fec(before, after))
    assert v.explanation is not None
    assert (v.explanation.kind, v.explanation.at) == (kind, at)
    assert v.explanation.clause is not None
    assert v.explanation.clause.text == ".* : preserve"
    assert (v.explanation.clause.line, v.explanation.clause.column) == (2, 3)


def test_a_loop_that_never_exits_is_a_new_loop_at_its_entry() -> None:
    # after: a -> b -> c -> b ... (no sink reachable): no after path at all
    after = Graph(("a", "b", "c", "d"), ((1,), (2,), (1,), ()), (0,), frozenset({3}))
    f = Fec(0, "k", (), Graph.from_paths([["a", "b", "d"]]), after)
    v = only("spec s { .* : preserve }", f)
    e = v.explanation
    assert e is not None
    assert (e.kind, e.at) == ("new-loop", "b")
    assert e.loop == ("b", "c")
    text = render(rela.verify(rela.parse_spec("spec s { .* : preserve }"), [f]), "text", width=100)
    assert "the after graph loops: (b -> c)+" in text


def test_a_loop_reads_as_its_cycle_not_as_unrolled_paths() -> None:
    after = Graph(("a", "b", "c", "d"), ((1,), (2,), (1, 3), ()), (0,), frozenset({3}))
    f = Fec(0, "k", (), Graph.from_paths([["a", "b", "c", "d"]]), after)
    report = rela.verify(rela.parse_spec("spec s { .* : preserve }"), [f], max_paths=20)
    (v,) = list(report)
    assert len(v.unexpected) == 20  # unrolled by the enumeration, cut at --max-paths
    text = render(report, "text", width=120)
    assert "+ a -> (b -> c)+ -> d  (forwarding loop; 20 listed paths)" in text
    assert "a -> b -> c -> b -> c" not in text
    md = render(report, "markdown")
    assert "+ a -> (b -> c)+ -> d  (forwarding loop; 20 listed paths)" in md
    assert "a -> b -> c -> b -> c" not in md


def test_replace_then_chain_names_the_replace_clause() -> None:
    spec = (
        "spec costout {\n"
        "  [^c1]* : preserve then c1 : replace(c1, c2) then [^c1]* : preserve\n"
        "  else .* : preserve\n"
        "}"
    )
    v = only(spec, fec(["b c1 s h"], ["b c2 drop"]))
    e = v.explanation
    assert e is not None
    assert (e.kind, e.at) == ("new-drop", "c2")
    assert e.clause is not None and e.clause.text == "c1 : replace(c1, c2)"
    assert (e.clause.line, e.clause.column, e.clause.file) == (2, 26, "t.rela")
    assert [c.text for c in e.missing_clauses if c] == ["c1 : replace(c1, c2)"]


def test_else_priority_decides_the_clause() -> None:
    spec = "spec s {\n  a .* : drop\n  else .* : preserve\n}"
    # a ... is the first clause's; x ... falls to the catch-all
    v = only(spec, fec(["a b"], ["drop"]), fec(["x y"], ["x z"], index=1))
    assert v.fec.index == 1
    e = v.explanation
    assert e is not None and e.clause is not None
    assert e.clause.text == ".* : preserve"
    v = only(spec, fec(["a b"], ["a c"]))
    assert v.explanation is not None and v.explanation.clause is not None
    assert v.explanation.clause.text == "a .* : drop"


def test_paths_outside_every_domain_are_noted() -> None:
    spec = "spec s {\n  .* c1 .* : preserve\n}"
    v = only(spec, fec(["a c1 b"], ["a c2 b"]))
    e = v.explanation
    assert e is not None
    assert e.outside == (("a", "c2", "b"),)
    report = rela.verify(rela.parse_spec(spec), [fec(["a c1 b"], ["a c2 b"])])
    assert "after path a -> c2 -> b falls in no clause's domain: not compared" in render(
        report, "text", width=100
    )


# ---------------------------------------------------------------------- any(p)

DRAIN = """let link = core1 leaf1
let detour = core2 leaf1
spec drain {
  .* link .* : any(.* detour .*)
  else .* : preserve
}
"""


def drain_report(after: list[str]) -> Any:
    return rela.verify(rela.parse_spec(DRAIN), [fec(["b core1 leaf1"], after)])


def test_any_reads_in_the_spec_words_with_the_paths_outside_marked() -> None:
    # the drained link is still used, next to the detour: one after path outside p
    report = drain_report(["b core2 leaf1", "b core1 leaf1"])
    (v,) = list(report)
    assert v.missing == ()
    assert v.unexpected == (("b", "core1", "leaf1"),)
    (marker,) = v.expected[0]
    assert isinstance(marker, SpecialHop) and marker.paths == ".* detour .*"
    assert v.explanation is not None
    assert v.explanation.unexpected_outside == (".* detour .*",)
    assert (v.explanation.kind, v.explanation.at) == ("paths-added", "b")
    for fmt in ("text", "markdown", "junit"):
        out = html.unescape(render(report, fmt, width=120))
        assert "at least one path, and only paths, in `.* detour .*`" in out
        assert "b -> core1 -> leaf1  (outside `.* detour .*`)" in out
        assert "#1" not in out
    doc = json.loads(render(report, "json"))
    hop = doc["specs"][0]["violations"][0]["expected"][0][0]
    assert hop == {"special": "any", "marker": 1, "paths": ".* detour .*"}


def test_any_with_no_path_in_p_misses_the_expectation() -> None:
    report = drain_report(["b core1 leaf1"])
    (v,) = list(report)
    assert v.missing == v.expected and v.unexpected == (("b", "core1", "leaf1"),)
    text = render(report, "text", width=120)
    assert "- b -> ⟨at least one path, and only paths, in `.* detour .*`⟩" not in text
    assert "- ⟨at least one path, and only paths, in `.* detour .*`⟩" in text


def test_any_holds_when_some_path_and_only_such_paths_remain() -> None:
    assert drain_report(["b core2 leaf1"]).holds


# ---------------------------------------------------------------------- other locations


def test_any_other_location_cannot_pass_for_a_name() -> None:
    spec = "spec s {\n  a b : replace(a b, a .)\n}"
    named = "⟨any other location⟩"  # a real location spelled like the anonymous one
    f = Fec(0, "k", (), Graph.from_paths([["a", "b"]]), Graph.from_paths([["a", named]]))
    report = rela.verify(rela.parse_spec(spec), [f])
    (v,) = list(report)
    assert ANY_OTHER in {h for p in v.expected for h in p}
    assert (("a", named),) == v.actual  # the real location is a plain string ...
    assert ("a", named) != ("a", ANY_OTHER)  # ... never equal to the anonymous one
    text = render(report, "text", width=200)
    assert "a -> ⟨any other location⟩" in text  # the anonymous one, in words
    assert "a -> \\u27e8any other location\\u27e9" in text  # the name, escaped
    doc = json.loads(render(report, "json"))
    expected = doc["specs"][0]["violations"][0]["expected"]
    assert ["a", {"special": "other"}] in expected
    assert doc["specs"][0]["violations"][0]["actual"] == [["a", named]]


def test_drop_reads_in_the_spec_words() -> None:
    spec = "spec retire {\n  . : preserve then .+ : drop\n}"
    report = rela.verify(rela.parse_spec(spec), [fec(["b1 c1 l1"], ["b1 c1 l1"])])
    text = render(report, "text", width=120)
    assert "- b1 -> drop  (dropped, as `.+ : drop` says)" in text
    assert "traffic: every packet (an FEC without traffic keys)" in text


# ---------------------------------------------------------------------- guards


GUARDED = """spec g {
  if dst in 10.0.0.0/8 {
    .* c1 .* : drop
    else .* : preserve
  } else {
    .* : preserve
  }
}
"""


def guarded_fec(dst: str, after: str) -> Fec:
    from rela.network.model import TrafficKey

    return Fec(
        0,
        dst,
        (TrafficKey(dst=dst),),
        Graph.from_paths([["a", "c1", "b"]]),
        Graph.from_paths([after.split()]),
    )


def test_the_guard_branch_the_traffic_takes_names_the_clause() -> None:
    report = rela.verify(rela.parse_spec(GUARDED), [guarded_fec("10.1.1.1", "a c1 b")])
    (v,) = list(report)
    assert v.explanation is not None and v.explanation.clause is not None
    assert v.explanation.clause.text == ".* c1 .* : drop"
    report = rela.verify(rela.parse_spec(GUARDED), [guarded_fec("192.0.2.1", "a c2 b")])
    (v,) = list(report)
    assert v.explanation is not None and v.explanation.clause is not None
    assert (v.explanation.clause.text, v.explanation.clause.line) == (".* : preserve", 6)


def test_a_guard_branch_no_traffic_reaches_is_vacuous() -> None:
    report = rela.verify(rela.parse_spec(GUARDED), [guarded_fec("192.0.2.1", "a c1 b")])
    assert report.holds
    messages = [w.message for w in report.warnings if w.code == "vacuous-clause"]
    assert "guard branch `if dst in 10.0.0.0/8 { … }` at 2:3 applied to no FEC" in messages
    assert "clause `.* c1 .* : drop` at 3:5 applied to no FEC" in messages
    coverage = {(c.clause.text, c.clause.line): (c.fecs, c.flows) for c in report.specs[0].coverage}
    assert coverage[(".* : preserve", 6)] == (1, 1)
    assert coverage[("else branch of if dst in 10.0.0.0/8", 6)] == (1, 1)
