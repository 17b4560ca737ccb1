"""The shortcuts of :mod:`rela.explain.classify` and :mod:`rela.explain.walks` against
their plain definitions.

* the (missing, unexpected) pair of a ``paths-moved`` flow: the first pair, missing
  paths first, sharing the longest prefix, as a double loop over every pair finds it;
* a graph without any cycle (one pass per graph, over its distinct successor tuples)
  has no loop for any flow, and a graph with one has a cycle that some node reaches
  (the per-flow search is the definition);
* one walker per graph, shared by every flow, walks as the plain walks do;
* the prefixes unexpected paths share with expected ones, computed once by the caller,
  classify a flow as computing them inside does;
* walks left uncounted when classify will not read them change no kind or place.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rela.explain.classify import _pair, classify, closest, reads_walks
from rela.explain.walks import GraphWalker, find_cycle, graph_facts, has_cycle
from rela.network.model import Graph
from rela.results import ANY_OTHER, FecRef, Violation, common_prefix_len
from tests.automata.test_differential import graphs
from tests.explain.plain_walks import is_path, walk

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


def test_plain_walks_on_small_graphs() -> None:
    g = Graph.from_paths([["a", "b", "drop"]])
    assert (walk(g, "a", ("a", "b", "c", "d")), walk(g, "x", ("x",))) == (2, 0)
    g = Graph.from_paths([["a", "b", "c"]])
    assert (is_path(g, "a", ("a", "b", "c")), is_path(g, "a", ("a", "b"))) == (True, False)


def plain_has_cycle(graph: Graph) -> bool:
    """Kahn's algorithm on the nodes themselves."""
    indegree = [0] * len(graph.labels)
    for nexts in graph.succ:
        for v in nexts:
            indegree[v] += 1
    ready = [v for v, d in enumerate(indegree) if d == 0]
    done = 0
    while ready:
        u = ready.pop()
        done += 1
        for v in graph.succ[u]:
            indegree[v] -= 1
            if indegree[v] == 0:
                ready.append(v)
    return done < len(graph.labels)


@st.composite
def shared_successors(draw: st.DrawFn) -> Graph:
    """Graphs whose nodes often share one successor tuple (as interface nodes do)."""
    n = draw(st.integers(1, 7))
    tuples = draw(
        st.lists(
            st.lists(st.integers(0, n - 1), max_size=3, unique=True).map(tuple),
            min_size=1,
            max_size=3,
        )
    )
    succ = tuple(draw(st.sampled_from(tuples)) for _ in range(n))
    labels = tuple(draw(st.sampled_from(("a", "b", "c"))) for _ in range(n))
    return Graph(labels, succ, (0,), frozenset({n - 1}))


@settings(max_examples=500, deadline=None)
@given(st.one_of(shared_successors(), graphs(acyclic=False).map(lambda g: g[0])))
def test_has_cycle_over_successor_tuples_is_has_cycle_over_nodes(graph: Graph) -> None:
    assert has_cycle(graph) == plain_has_cycle(graph)
    assert GraphWalker(graph).has_cycle() == plain_has_cycle(graph)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(graphs(acyclic=False), shared_successors().map(lambda g: (g, []))),
    st.lists(paths, max_size=6),
    st.data(),
)
def test_graph_facts_walk_as_walk_and_is_path_say(g: Any, some: list[tuple], data: Any) -> None:
    """Each flow's facts: one walker per graph, shared by every flow, agrees with the plain
    walks path by path (the graph's own paths included, so that some are paths of it); a
    listed path is its own source unwalked."""
    graph: Graph = g[0]
    own = sorted(p for p in g[1] if len(p) <= 5)[:6]
    listed = tuple(own + [(graph.labels[0], *p) for p in some])
    known = set(data.draw(st.lists(st.sampled_from(listed), max_size=3))) if listed else set()
    walker = GraphWalker(graph)
    for flow in sorted(set(graph.labels)):
        facts = graph_facts(walker, walker, flow, listed, listed, known, known)
        assert facts.walks == tuple(walk(graph, flow, p) for p in listed)
        plain = tuple(p in known or is_path(graph, flow, p) for p in listed)
        assert facts.missing_own == plain
        assert facts.unexpected_own == plain
        assert facts.loop_after == find_cycle(graph, flow)
        assert facts.loop_before == (find_cycle(graph, flow) is not None)
        assert walker.find_cycle(flow) == find_cycle(graph, flow)


violations = st.builds(
    lambda m, u, e, a: Violation(FecRef(0, None), "a", (), a, e, a, m, u),
    st.lists(paths, max_size=4).map(tuple),
    st.lists(paths, max_size=4).map(tuple),
    st.lists(paths, max_size=4).map(tuple),
    st.lists(paths, max_size=3).map(tuple),
)


@settings(max_examples=500, deadline=None)
@given(violations)
def test_classify_with_the_callers_closest_prefixes_is_classify(v: Violation) -> None:
    near = closest(v)
    assert near == [
        max((common_prefix_len(u, e) for e in v.expected), default=0) for u in v.unexpected
    ]
    assert classify(v, None, near) == classify(v)


@settings(max_examples=300, deadline=None)
@given(graphs(acyclic=False), graphs(acyclic=False), st.data())
def test_classify_reads_no_walk_that_graph_facts_leaves_out(g1: Any, g2: Any, data: Any) -> None:
    """Walks are counted only when :func:`reads_walks` says classify may read them (or the
    after graph has a new loop): the kind and place are those of the facts in full."""
    before, after = g1[0], g2[0]
    flow = data.draw(st.sampled_from(sorted(set(before.labels) | set(after.labels))))
    own = st.sampled_from(sorted(g1[1] | g2[1]) or [(flow,)])
    some = st.lists(st.one_of(own, paths), max_size=3).map(tuple)
    missing, unexpected, expected = (data.draw(some) for _ in range(3))
    after_paths = data.draw(st.just(()) | some)  # no after path: a lost delivery
    v = Violation(
        FecRef(0, None), flow, (), after_paths, expected, after_paths, missing, unexpected
    )
    wb, wa = GraphWalker(before), GraphWalker(after)
    full = graph_facts(wb, wa, flow, missing, unexpected)
    lazy = graph_facts(
        wb, wa, flow, missing, unexpected, walks=reads_walks(missing, unexpected, after_paths, ())
    )
    assert classify(v, lazy) == classify(v, full)
