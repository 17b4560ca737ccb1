"""The shortcuts of :mod:`rela.explain.classify` against their plain definitions.

* the (missing, unexpected) pair of a ``paths-moved`` flow: the first pair, missing
  paths first, sharing the longest prefix, as a double loop over every pair finds it;
* a graph without any cycle (one pass per graph) has no loop for any flow, and a
  graph with one has a cycle that some node reaches (the per-flow search is the
  definition).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rela.explain.classify import _pair, find_cycle, graph_facts, has_cycle, is_path, walk
from rela.network.model import Fec, Graph
from rela.results import ANY_OTHER, FecRef, Violation, common_prefix_len
from tests.automata.test_differential import graphs

HOPS = ("a", "b", "c", "drop", ANY_OTHER)
paths = st.lists(st.sampled_from(HOPS), max_size=4).map(tuple)


def plain_pair(missing: tuple, unexpected: tuple) -> tuple[int, int, int]:
    best = (-1, 0, 0)
    for i, m in enumerate(missing):
        for j, u in enumerate(unexpected):
            n = common_prefix_len(m, u)
            if n > best[0]:
                best = (n, i, j)
    return best


@settings(max_examples=300, deadline=None)
@given(st.lists(paths, min_size=1, max_size=5), st.lists(paths, min_size=1, max_size=5))
def test_pair_is_the_first_pair_with_the_longest_common_prefix(
    missing: list[tuple], unexpected: list[tuple]
) -> None:
    v = Violation(FecRef(0, None), "a", (), (), (), (), tuple(missing), tuple(unexpected))
    n, i, j = plain_pair(tuple(missing), tuple(unexpected))
    d = _pair("paths-moved", v)
    assert (d.missing, d.unexpected) == (i, j)


@settings(max_examples=300, deadline=None)
@given(graphs(acyclic=False))
def test_has_cycle_is_some_flow_reaching_a_cycle(g: Any) -> None:
    graph: Graph = g[0]
    # every node as a flow start: a cycle anywhere is reachable from some node
    everywhere = Graph(graph.labels, graph.succ, tuple(range(len(graph.labels))), graph.sinks)
    some = any(find_cycle(everywhere, label) is not None for label in set(graph.labels))
    assert has_cycle(graph) == some
    if not has_cycle(graph):
        assert all(find_cycle(graph, label) is None for label in set(graph.labels))


@settings(max_examples=300, deadline=None)
@given(graphs(acyclic=False), st.lists(paths, max_size=6))
def test_graph_facts_walk_as_walk_and_is_path_say(g: Any, some: list[tuple]) -> None:
    """Each flow's facts: the shared-step walker agrees with the plain walks, path by path
    (the graph's own paths included, so that some are paths of it)."""
    graph: Graph = g[0]
    own = sorted(p for p in g[1] if len(p) <= 5)[:6]
    listed = tuple(own + [(graph.labels[0], *p) for p in some])
    fec = Fec(0, "k", (), graph, graph)
    for flow in sorted(set(graph.labels)):
        facts = graph_facts(fec, flow, listed, listed)
        assert facts.walks == tuple(walk(graph, flow, p) for p in listed)
        assert facts.missing_before == tuple(is_path(graph, flow, p) for p in listed)
        assert facts.unexpected_after == facts.missing_before
        assert facts.loop_after == find_cycle(graph, flow)
        assert facts.loop_before == (find_cycle(graph, flow) is not None)
