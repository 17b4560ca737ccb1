"""The explanation hook never costs a verdict, and never turns its own failure into a warning
that a clause is vacuous; the guard sides it follows are exact; what it shares between
flows (graph walkers) explains them as plain per-flow facts do."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rela
from rela.explain.coverage import CoverageCounter
from rela.explain.flows import FlowExplainer
from rela.explain.guards import may_be
from rela.explain.model import SpecModel
from rela.explain.walks import GraphFacts, find_cycle
from rela.lang import parse_spec
from rela.network.model import Fec, Graph, TrafficKey
from tests import reference as ref
from tests.automata.test_differential import conds, graphs, traffic_keys
from tests.explain.plain_walks import is_path, walk

SPEC = "spec s { a b : preserve else c .* : preserve else .* : preserve }"


def _change() -> list[Fec]:
    ab = Graph.from_paths([("a", "b")])
    return [Fec(0, "k", (TrafficKey(dst="10.0.0.0/24"),), ab, ab)]


def _codes(report: rela.Report) -> list[str]:
    return [w.code for w in report.warnings]


def test_a_clause_that_applies_to_no_fec_is_reported() -> None:
    report = rela.verify(parse_spec(SPEC), _change())
    assert report.holds and "vacuous-clause" in _codes(report)  # `c .*` met no path


def test_a_failing_coverage_count_is_unknown_not_vacuous(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: CoverageCounter, fec: Fec) -> None:
        raise RuntimeError("a bug in the coverage count")

    monkeypatch.setattr(CoverageCounter, "add", broken)
    report = rela.verify(parse_spec(SPEC), _change())
    assert report.holds  # the verdict is the checker's
    assert "vacuous-clause" not in _codes(report)


@settings(max_examples=300, deadline=None)
@given(traffic_keys, conds())
def test_guard_sides_match_explicit_packets(keys: tuple[TrafficKey, ...], cond: object) -> None:
    """``may_be``: True when every packet of the key satisfies the condition, False when
    none does, None when it straddles (explicit packets of tests/reference.py)."""
    for key in keys:
        packets = [p for p in ref.packets((key,), [cond]) if ref.packet_in_traffic(p, (key,))]
        truths = {ref.satisfies(p, cond) for p in packets}
        got = may_be(cond, key)  # type: ignore[arg-type]
        if truths == {True}:
            assert got is True
        elif truths == {False}:
            assert got is False
        else:
            assert got is None


PLAIN_SPECS = (
    "spec s { .* : preserve }",
    "spec s { [^b]* : preserve then b : replace(b, c) then [^b]* : preserve }",
    "spec s { .* b .* : drop else .* : preserve }",
    "spec s { .* : remove(.* c .*) }",
)


def plain_facts(fec: Fec, v: rela.Violation) -> GraphFacts:
    """A flow's graph facts by the plain definitions, path by path, nothing shared."""
    before, after, flow = fec.before, fec.after, v.flow
    return GraphFacts(
        find_cycle(after, flow),
        find_cycle(before, flow) is not None,
        tuple(walk(after, flow, m) for m in v.missing),
        tuple(m in v.before or is_path(before, flow, m) for m in v.missing),
        tuple(u in v.after or is_path(after, flow, u) for u in v.unexpected),
    )


@settings(max_examples=150, deadline=None)
@given(graphs(acyclic=False), graphs(acyclic=False), st.sampled_from(PLAIN_SPECS))
def test_the_hook_explains_as_plain_graph_facts_do(g1: Any, g2: Any, text: str) -> None:
    """The hook's shared walkers (one per graph, one for equal graphs, listed paths not
    walked, walks counted only when read) explain each flow as facts computed plainly."""
    module = parse_spec(text)
    for fec in (Fec(0, "k", (), g1[0], g2[0]), Fec(1, "k", (), g1[0], g1[0])):
        report = rela.verify(module, [fec])
        explainer = FlowExplainer(SpecModel.of_module(module)[0])
        for v in report.specs[0].violations:
            bare = dataclasses.replace(v, explanation=None)
            assert v.explanation == explainer.explain(bare, (), plain_facts(fec, v)).explanation
