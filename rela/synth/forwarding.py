"""Per-destination forwarding: shortest paths with every equal-cost next hop.

:func:`next_hops` is the forwarding table of every device for one destination
(the ECMP shortest-path DAG towards it); :func:`fec_graph` turns a table and
a set of ingress devices into a Rela graph (DESIGN §2, format 1), optionally
with *overrides* (a device whose entry was replaced, e.g. by a stray discard
route or a route pointing back upstream).  :func:`same_paths` decides whether
two such graphs denote the same set of device-level paths.

>>> from rela.synth.topology import clos
>>> t = clos(pods=2, tors=1, leaves=2, spines=1, parallel=1)
>>> fib = next_hops(t, "pod2-tor1")
>>> fib["pod1-tor1"]
('pod1-leaf1', 'pod1-leaf2')
>>> g = fec_graph(t, fib, ["pod1-tor1"], "pod2-tor1")
>>> sorted(graph_paths(g))[0]
('pod1-tor1', 'pod1-leaf1', 'spine1', 'pod2-leaf1', 'pod2-tor1')
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any

from rela.synth.topology import Topology

__all__ = ["DROP", "next_hops", "fec_graph", "same_paths", "graph_paths", "Fib", "RawGraph"]

DROP = "drop"

#: device -> its next hops towards one destination (sorted; empty for the destination).
Fib = Mapping[str, tuple[str, ...]]
#: A graph in Rela graph JSON form (``nodeToOutEdgesMap``, ``sourceNodes``, ``sinkNodes``).
RawGraph = dict[str, Any]


def next_hops(
    topo: Topology, dest: str, removed: Collection[str] = ()
) -> dict[str, tuple[str, ...]]:
    """The ECMP forwarding table towards ``dest``, with the ``removed`` devices drained.

    A device's next hops are all neighbours on a shortest path (Dijkstra from
    the destination over the link metrics).  Devices that cannot reach the
    destination are absent.
    """
    if dest in removed:
        raise ValueError(f"cannot drain the destination {dest}")
    dist: dict[str, int] = {dest: 0}
    heap: list[tuple[int, str]] = [(0, dest)]
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        for v, w in topo.adjacency[u].items():
            if v in removed:
                continue
            nd = d + w
            if nd < dist.get(v, nd + 1):
                dist[v] = nd
                heapq.heappush(heap, (nd, v))
    fib: dict[str, tuple[str, ...]] = {}
    for u in sorted(dist):
        fib[u] = tuple(
            sorted(
                v
                for v, w in topo.adjacency[u].items()
                if v in dist and v not in removed and w + dist[v] == dist[u]
            )
        )
    return fib


def fec_graph(
    topo: Topology,
    fib: Fib,
    sources: Iterable[str],
    dest: str,
    overrides: Mapping[str, tuple[str, ...]] | None = None,
) -> RawGraph:
    """The forwarding graph of traffic entering at ``sources`` towards ``dest``.

    Nodes are the devices reachable from the sources through the table
    (``overrides`` replace a device's entry; the next hop ``drop`` discards).
    An edge u → v lists the inbound interfaces of v on the links from u; the
    edge into ``drop`` has none.  Sinks are the destination and ``drop`` when
    reached; the destination is a key with no out-edges.
    """
    overrides = overrides or {}
    order: list[str] = []
    seen: set[str] = set()
    queue = deque(s for s in sources if s in fib or s in overrides)
    srcs = list(queue)
    seen.update(srcs)
    out: dict[str, dict[str, list[str]]] = {}
    reached_drop = False
    while queue:
        u = queue.popleft()
        order.append(u)
        hops = overrides.get(u, fib.get(u, ())) if u != dest else ()
        edges: dict[str, list[str]] = {}
        for v in hops:
            if v == DROP:
                edges[DROP] = []
                reached_drop = True
                continue
            edges[v] = list(topo.interfaces(u, v))
            if v not in seen:
                seen.add(v)
                queue.append(v)
        out[u] = edges
    sinks = [dest] if dest in seen else []
    if reached_drop:
        sinks.append(DROP)
    return {"nodeToOutEdgesMap": out, "sourceNodes": srcs, "sinkNodes": sinks}


def _automaton(g: RawGraph) -> tuple[dict[str, set[str]], set[str], set[str]]:
    edges = {u: set(vs) for u, vs in g["nodeToOutEdgesMap"].items()}
    return edges, set(g["sourceNodes"]), set(g["sinkNodes"])


def same_paths(g1: RawGraph, g2: RawGraph) -> bool:
    """Whether two graphs have the same device-level paths (source ... sink).

    Every node is labelled by its own (unique) device name, so a graph is a
    deterministic automaton over device names; two of them are equivalent
    iff no reachable pair of states disagrees on acceptance.  Exact also for
    graphs with loops (infinite path sets).

    >>> a = {"nodeToOutEdgesMap": {"x": {"y": []}, "y": {}}, "sourceNodes": ["x"], "sinkNodes": ["y"]}
    >>> b = {"nodeToOutEdgesMap": {"x": {"y": [], "z": []}, "y": {}, "z": {}},
    ...      "sourceNodes": ["x"], "sinkNodes": ["y"]}
    >>> same_paths(a, b), same_paths(a, {**b, "sinkNodes": ["y", "z"]})
    (True, False)
    """
    e1, s1, f1 = _automaton(g1)
    e2, s2, f2 = _automaton(g2)
    start: tuple[str | None, str | None] = ("", "")  # "" is the initial state, never a device
    seen = {start}
    stack = [start]
    while stack:
        a, b = stack.pop()
        if (bool(a) and a in f1) != (bool(b) and b in f2):
            return False
        out_a = (s1 if a == "" else e1.get(a, set())) if a is not None else set()
        out_b = (s2 if b == "" else e2.get(b, set())) if b is not None else set()
        for label in out_a | out_b:
            nxt = (label if label in out_a else None, label if label in out_b else None)
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return True


def graph_paths(g: RawGraph, max_len: int = 64) -> Iterator[tuple[str, ...]]:
    """Every device-level path of a graph, up to ``max_len`` hops (for tests and small graphs)."""
    out = g["nodeToOutEdgesMap"]
    sinks = set(g["sinkNodes"])
    stack: list[tuple[str, ...]] = [(s,) for s in g["sourceNodes"]]
    seen: set[tuple[str, ...]] = set()
    while stack:
        path = stack.pop()
        if path[-1] in sinks and path not in seen:
            seen.add(path)
            yield path
        if len(path) < max_len:
            stack.extend(path + (v,) for v in out.get(path[-1], {}))
