"""The before/after union against brute force: path hops, loops, flows, re-reading FECs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rela.draw.pair import AFTER, BEFORE, BOTH, fec_graphs, union_pair
from rela.network.model import Fec, Graph
from tests.diff.graphs import graph

LABELS = ("a", "b", "c", "d", "drop")
paths = st.lists(st.lists(st.sampled_from(LABELS), min_size=1, max_size=5), max_size=5)


def hops(g: Graph) -> set[tuple[str, str]]:
    return {(p[i], p[i + 1]) for p in g.paths() for i in range(len(p) - 1)}


@settings(max_examples=200, deadline=None)
@given(paths, paths)
def test_union_of_loop_free_graphs_matches_their_paths(
    before: list[list[str]], after: list[list[str]]
) -> None:
    b, a = Graph.from_paths(before), Graph.from_paths(after)
    pair = union_pair(b, a)
    hb, ha = hops(b), hops(a)
    assert {(e.source, e.target): e.side for e in pair.edges} == {
        **{h: BEFORE for h in hb - ha},
        **{h: AFTER for h in ha - hb},
        **{h: BOTH for h in hb & ha},
    }
    on_paths = {x for p in [*before, *after] for x in p}
    assert {n.name for n in pair.nodes} == on_paths
    firsts = {p[0] for p in [*before, *after]}
    lasts = {p[-1] for p in [*before, *after]}
    for n in pair.nodes:
        assert n.source == (n.name in firsts) and n.sink == (n.name in lasts)
        assert n.drop == (n.name == "drop")
        in_b = any(n.name in p for p in before)
        in_a = any(n.name in p for p in after)
        assert n.side == (BOTH if in_b and in_a else BEFORE if in_b else AFTER)
    assert not any(e.loop for e in pair.edges)


@st.composite
def cyclic_graphs(draw: st.DrawFn) -> Graph:
    n = draw(st.integers(1, 6))
    labels = draw(st.lists(st.sampled_from(LABELS), min_size=n, max_size=n))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=12))
    return graph(labels, edges, [0], [n - 1])


def reaches(g: Graph, i: int, j: int) -> bool:
    seen, stack = set(), [i]
    while stack:
        for m in g.succ[stack.pop()]:
            if m == j:
                return True
            if m not in seen:
                seen.add(m)
                stack.append(m)
    return False


@settings(max_examples=200, deadline=None)
@given(cyclic_graphs())
def test_loop_edges_are_the_edges_on_a_cycle(g: Graph) -> None:
    reachable = {0} | {j for j in range(len(g.labels)) if reaches(g, 0, j)}
    on_cycle = {
        (g.labels[i], g.labels[j])
        for i in reachable
        for j in g.succ[i]
        if i == j or reaches(g, j, i)
    }
    pair = union_pair(g, g)
    assert {(e.source, e.target) for e in pair.edges if e.loop} == on_cycle
    assert all(e.side == BOTH for e in pair.edges)


def test_flows_keep_only_the_matching_sources() -> None:
    b = Graph.from_paths([["x|1", "m", "t"], ["y", "n", "t"]])
    pair = union_pair(b, b, flows=["x"])
    assert [n.name for n in pair.nodes] == ["x|1", "m", "t"]


def test_unreachable_nodes_are_left_out() -> None:
    g = Graph(("s", "t", "orphan"), ((1,), (), (1,)), (0,), frozenset({1}))
    assert [n.name for n in union_pair(g, Graph.empty()).nodes] == ["s", "t"]


def test_fec_graphs_reads_only_as_far_as_needed() -> None:
    g1, g2 = Graph.from_paths([["a"]]), Graph.from_paths([["b"]])

    def change() -> Iterator[Fec]:
        yield Fec(0, None, (), g1, g1)
        yield Fec(1, None, (), g1, g2)
        yield Fec(2, None, (), g2, g2, problem="broken")
        yield Fec(3, None, (), g2, g1)
        raise AssertionError("read past the last FEC needed")

    assert fec_graphs(change(), [3, 1]) == {1: (g1, g2), 3: (g2, g1)}
    assert fec_graphs([], []) == {}
    with pytest.raises(AssertionError):
        fec_graphs(change(), [2])  # a malformed FEC has no graphs: read to the end
