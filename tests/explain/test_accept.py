"""The coverage pass (which flows of a graph have a path a DFA accepts) against a
forward search of the graph x DFA product, on graphs with loops, sinks with
out-edges, and nodes sharing successor tuples (the pass groups them, and reads
each distinct (group, letter, sink) target once)."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from rela.automata.nfa import Nfa
from rela.explain.accept import Domain, GraphIndex, flows_accepted
from rela.network.model import Graph

LETTERS = (1, 2, 3)


@st.composite
def graphs(draw: st.DrawFn) -> tuple[Graph, list[int]]:
    """Up to 10 nodes whose successors are drawn from a few shared tuples; a letter each;
    few sinks, so that acceptance has to travel back along long paths."""
    n = draw(st.integers(1, 10))
    tuples = draw(
        st.lists(
            st.lists(st.integers(0, n - 1), min_size=1, max_size=3, unique=True).map(tuple),
            min_size=1,
            max_size=4,
        )
    )
    # shared tuple objects, and now and then an equal copy (a group of its own)
    copy = st.booleans().map(lambda c: lambda t: tuple(list(t)) if c else t)
    succ = tuple(draw(copy)(draw(st.sampled_from([*tuples, ()]))) for _ in range(n))
    sources = tuple(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3, unique=True)))
    sinks = frozenset(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=2, unique=True)))
    labels = tuple(f"n{i}" for i in range(n))
    sigs = [draw(st.sampled_from(LETTERS)) for _ in range(n)]
    return Graph(labels, succ, sources, sinks), sigs


@st.composite
def dfas(draw: st.DrawFn) -> Nfa:
    """A random partial DFA over LETTERS with up to 4 states."""
    n = draw(st.integers(1, 4))
    arcs = tuple(
        tuple(
            (x, t)
            for x in LETTERS
            if (t := draw(st.one_of(st.none(), st.integers(0, n - 1)))) is not None
        )
        for _ in range(n)
    )
    finals = frozenset(draw(st.lists(st.integers(0, n - 1), max_size=n, unique=True)))
    return Nfa(n, frozenset({0}), finals, arcs, tuple(() for _ in range(n)))


def accepted_by_search(graph: Graph, sigs: list[int], dfa: Nfa) -> frozenset[str]:
    """Sources with a path to a sink read into a final state: forward over (node, state)."""
    delta = [dict(a) for a in dfa.arcs]
    out = set()
    for s in graph.sources:
        first = delta[0].get(sigs[s])
        if first is None:
            continue
        seen = {(s, first)}
        stack = [(s, first)]
        while stack:
            v, q = stack.pop()
            if v in graph.sinks and q in dfa.finals:
                out.add(graph.labels[s])
                break
            for w in graph.succ[v]:
                q2 = delta[q].get(sigs[w])
                if q2 is not None and (w, q2) not in seen:
                    seen.add((w, q2))
                    stack.append((w, q2))
    return frozenset(out)


@settings(max_examples=400, deadline=None)
@given(graphs(), st.lists(dfas(), min_size=1, max_size=3))
def test_flows_accepted_is_the_product_search(g: Any, several: list[Nfa]) -> None:
    graph, sigs = g
    index = GraphIndex(graph, sigs)  # one index, several domains (as coverage uses it)
    for dfa in several:
        dom = Domain(dfa, frozenset(sigs))
        assert flows_accepted(index, dom) == accepted_by_search(graph, sigs, dfa)
        # a second graph through the same domain: its cache of predecessor masks is shared
        assert flows_accepted(GraphIndex(graph, sigs), dom) == accepted_by_search(graph, sigs, dfa)


@settings(max_examples=200, deadline=None)
@given(graphs())
@example(((Graph(("a", "b", "c"), ((1,), (), (0,)), (2,), frozenset({1}))), [1, 1, 1]))
def test_live_sources_are_those_reaching_a_sink(g: Any) -> None:
    graph, sigs = g
    everything = Nfa(1, frozenset({0}), frozenset({0}), (tuple((x, 0) for x in LETTERS),), ((),))
    assert GraphIndex(graph, sigs).live() == accepted_by_search(graph, sigs, everything)
