"""Graphs for the diff tests: builders, hypothesis strategies and a brute-force oracle."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import networkx as nx
from hypothesis import strategies as st

from rela.network.model import Fec, Graph

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = REPO / "snapshots"
DATASET = REPO / ".." / "shared" / "data" / "rela-dataset"
CHUNK = DATASET / "chunk_22_112.json"
MAPPING = DATASET / "dg_mapping_anonymized.json"

#: Few labels, so nodes share them (as at group granularity); "a|x" matches the name "a".
LABELS = ("a", "b", "c", "a|x", "drop")

PathT = tuple[str, ...]


def graph(
    labels: Iterable[str],
    edges: Iterable[tuple[int, int]],
    sources: Iterable[int],
    sinks: Iterable[int],
) -> Graph:
    labels = tuple(labels)
    succ: list[list[int]] = [[] for _ in labels]
    for u, v in edges:
        if v not in succ[u]:
            succ[u].append(v)
    return Graph(labels, tuple(tuple(s) for s in succ), tuple(sources), frozenset(sinks))


def fec(before: Graph, after: Graph, index: int = 0, dst: str | None = None) -> Fec:
    from rela.network.model import TrafficKey

    traffic = (TrafficKey(dst=dst),) if dst else ()
    return Fec(index, f"k{index}", traffic, before, after)


def diamonds(n: int, *, shared: bool = False, cut: int | None = None) -> Graph:
    """A chain of ``n`` ECMP diamonds: 2^n paths (1 when both branches share a label).

    With ``cut``, diamond ``cut`` loses its second branch (2^(n-1) paths).
    """
    labels = ["s"]
    edges: list[tuple[int, int]] = []
    prev = 0
    for i in range(n):
        top, bottom, join = len(labels), len(labels) + 1, len(labels) + 2
        labels += [f"t{i}", f"t{i}" if shared else f"u{i}", f"j{i}"]
        edges += [(prev, top), (top, join), (bottom, join)]
        if i != cut:
            edges.append((prev, bottom))
        prev = join
    return graph(labels, edges, [0], [prev])


@st.composite
def graphs(draw: st.DrawFn, acyclic: bool = False, max_nodes: int = 6) -> Graph:
    n = draw(st.integers(0, max_nodes))
    if n == 0:
        return Graph.empty()
    labels = draw(st.lists(st.sampled_from(LABELS), min_size=n, max_size=n))
    pairs = [(i, j) for i in range(n) for j in range(n) if i < j or not acyclic]
    edges = draw(st.lists(st.sampled_from(pairs), max_size=2 * n)) if pairs else []
    sources = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3, unique=True))
    sinks = draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=3))
    return graph(labels, edges, sources, sinks)


def permuted(g: Graph, order: list[int]) -> Graph:
    """The same graph with nodes renumbered (same paths, usually a different ``Graph``)."""
    new = {old: i for i, old in enumerate(order)}
    labels = [""] * len(order)
    for old, i in new.items():
        labels[i] = g.labels[old]
    edges = [(new[u], new[v]) for u in range(len(order)) for v in g.succ[u]]
    return graph(labels, edges, [new[s] for s in g.sources], [new[s] for s in g.sinks])


@st.composite
def graph_pairs(draw: st.DrawFn, acyclic: bool = False) -> tuple[Graph, Graph]:
    """(before, after): independent, identical, renumbered, or one edge/sink apart."""
    before = draw(graphs(acyclic))
    kind = draw(st.sampled_from(["random", "same", "permuted", "edge", "sink"]))
    n = len(before.labels)
    if kind == "random" or n == 0:
        return before, draw(graphs(acyclic))
    if kind == "same":
        return before, before
    if kind == "permuted":
        return before, permuted(before, draw(st.permutations(range(n))))
    edges = {(u, v) for u in range(n) for v in before.succ[u]}
    sinks = set(before.sinks)
    if kind == "edge":
        pairs = [(u, v) for u in range(n) for v in range(n) if u < v or not acyclic]
        if not pairs:
            return before, before
        edges ^= {draw(st.sampled_from(pairs))}
    else:
        sinks ^= {draw(st.integers(0, n - 1))}
    return before, graph(before.labels, sorted(edges), before.sources, sinks)


# ---------------------------------------------------------------------- oracle


def walks(g: Graph, max_len: int, flow: str | None = None) -> set[PathT]:
    """Label sequences of walks from a source (labelled ``flow``) to a sink, <= max_len hops."""
    out: set[PathT] = set()
    stack: list[tuple[int, PathT]] = [
        (s, (g.labels[s],)) for s in g.sources if flow is None or g.labels[s] == flow
    ]
    while stack:
        node, path = stack.pop()
        if node in g.sinks:
            out.add(path)
        if len(path) < max_len:
            stack.extend((m, path + (g.labels[m],)) for m in g.succ[node])
    return out


def infinite(g: Graph, flow: str) -> bool:
    """Whether the flow has infinitely many paths: a cycle both reachable and live."""
    d = nx.DiGraph()
    d.add_nodes_from(range(len(g.labels)))
    d.add_edges_from((u, v) for u in range(len(g.labels)) for v in g.succ[u])
    starts = [s for s in g.sources if g.labels[s] == flow]
    reach: set[int] = set(starts)
    for s in starts:
        reach |= nx.descendants(d, s)
    live = set(g.sinks)
    for t in g.sinks:
        live |= nx.ancestors(d, t)
    return not nx.is_directed_acyclic_graph(d.subgraph(reach & live))


def flows(before: Graph, after: Graph) -> list[str]:
    return sorted({g.labels[s] for g in (before, after) for s in g.sources})
