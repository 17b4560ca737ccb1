"""The before/after union of an FEC's two forwarding graphs, over locations, ready to draw.

A drawing shows one node per location reachable from a source (before or
after) and one edge per pair of consecutive locations, each tagged with the
side it exists on: ``both`` (unchanged), ``before`` (removed by the change) or
``after`` (added by it).  Edges on a forwarding loop (a cycle of the graph's
nodes, not only of their labels) are flagged, and the ``drop`` location is
marked, so a renderer can highlight what changed without recomputing it.

>>> from rela.network.model import Graph
>>> pair = union_pair(Graph.from_paths([["a", "b"]]), Graph.from_paths([["a", "c"]]))
>>> [(e.source, e.target, e.side) for e in pair.edges]
[('a', 'b', 'before'), ('a', 'c', 'after')]
>>> [(n.name, n.side, n.source, n.sink) for n in pair.nodes]
[('a', 'both', True, False), ('b', 'before', False, True), ('c', 'after', False, True)]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

from rela.network.model import DROP, Fec, Graph
from rela.values import frozen

__all__ = [
    "BOTH",
    "BEFORE",
    "AFTER",
    "PairNode",
    "PairEdge",
    "GraphPair",
    "union_pair",
    "fec_graphs",
]

#: In both graphs (unchanged).
BOTH = "both"
#: Only in the before graph (removed by the change).
BEFORE = "before"
#: Only in the after graph (added by the change).
AFTER = "after"


@frozen
class PairNode:
    """One location of the drawing: where it exists, and whether paths start or end there."""

    name: str
    side: str
    source: bool = False
    sink: bool = False
    #: A location a report points at (where behaviour diverges).
    focus: bool = False

    @property
    def drop(self) -> bool:
        """Whether this is the ``drop`` location (discarded traffic)."""
        return self.name == DROP


@frozen
class PairEdge:
    """A hop from one location to the next, where it exists, and whether it is on a loop."""

    source: str
    target: str
    side: str
    loop: bool = False


@frozen
class GraphPair:
    """The union of a before and an after graph (nodes in discovery order, edges sorted)."""

    nodes: tuple[PairNode, ...]
    edges: tuple[PairEdge, ...]

    @property
    def changed(self) -> bool:
        """Whether some edge exists on one side only."""
        return any(e.side != BOTH for e in self.edges)

    def focused(self, names: Iterable[str]) -> GraphPair:
        """This pair with the nodes named in ``names`` marked as a report's focus.

        >>> from rela.network.model import Graph
        >>> pair = union_pair(Graph.from_paths([["a", "b"]]), Graph.empty()).focused(["b", "zz"])
        >>> [n.name for n in pair.nodes if n.focus]
        ['b']
        """
        wanted = set(names)
        nodes = tuple(replace(n, focus=n.name in wanted) for n in self.nodes)
        return GraphPair(nodes, self.edges)


def _reachable(graph: Graph) -> list[int]:
    """Nodes reachable from a source, in breadth-first order (sources first)."""
    order = list(dict.fromkeys(graph.sources))
    seen = set(order)
    i = 0
    while i < len(order):
        for m in graph.succ[order[i]]:
            if m not in seen:
                seen.add(m)
                order.append(m)
        i += 1
    return order


def _loop_edges(graph: Graph, nodes: Iterable[int]) -> set[tuple[str, str]]:
    """Location pairs of the graph's edges that lie on a cycle of its nodes."""
    import networkx as nx  # only when a page is drawn (start-up of the other commands)

    g: nx.DiGraph = nx.DiGraph()
    for i in nodes:
        g.add_edges_from((i, j) for j in graph.succ[i])
    component = {}
    for k, members in enumerate(nx.strongly_connected_components(g)):
        for m in members:
            component[m] = k
    return {
        (graph.labels[i], graph.labels[j])
        for i, j in g.edges
        if i == j or component[i] == component[j]
    }


def _restrict(graph: Graph, flows: Sequence[str]) -> Graph:
    """The graph with only the sources whose location matches a flow name (component prefix)."""
    if not flows:
        return graph
    wanted = [f.split("|") for f in flows]
    sources = tuple(
        s for s in graph.sources if any(graph.labels[s].split("|")[: len(w)] == w for w in wanted)
    )
    return Graph(graph.labels, graph.succ, sources, graph.sinks)


def union_pair(before: Graph, after: Graph, flows: Sequence[str] = ()) -> GraphPair:
    """The drawing data of a before/after graph pair (only flows matching ``flows``, if given).

    >>> from rela.network.model import Graph
    >>> loop = Graph(("a", "b"), ((1,), (1,)), (0,), frozenset({1}))
    >>> [(e.source, e.target, e.loop) for e in union_pair(loop, loop).edges]
    [('a', 'b', False), ('b', 'b', True)]
    """
    order: dict[str, None] = {}
    flags: dict[str, set[str]] = {}
    sides: dict[tuple[str, str], set[str]] = {}
    loops: set[tuple[str, str]] = set()
    for side, graph in ((BEFORE, _restrict(before, flows)), (AFTER, _restrict(after, flows))):
        keep = _reachable(graph)
        sources, sinks = set(graph.sources), graph.sinks
        for i in keep:
            label = graph.labels[i]
            order.setdefault(label)
            f = flags.setdefault(label, set())
            f.add(side)
            if i in sources:
                f.add("source")
            if i in sinks:
                f.add("sink")
            for j in graph.succ[i]:
                sides.setdefault((label, graph.labels[j]), set()).add(side)
        loops |= _loop_edges(graph, keep)
    nodes = tuple(
        PairNode(name, _side(flags[name]), "source" in flags[name], "sink" in flags[name])
        for name in order
    )
    edges = tuple(
        PairEdge(u, v, _side(seen), (u, v) in loops) for (u, v), seen in sorted(sides.items())
    )
    return GraphPair(nodes, edges)


def _side(seen: set[str]) -> str:
    if BEFORE in seen and AFTER in seen:
        return BOTH
    return BEFORE if BEFORE in seen else AFTER


def fec_graphs(change: Iterable[Fec], indices: Iterable[int]) -> dict[int, tuple[Graph, Graph]]:
    """The (before, after) graphs of the FECs at ``indices``, read again from ``change``.

    Reports keep paths, not graphs; a drawing reads the few FECs it shows from
    the (re-iterable) change once more, stopping as soon as it has them all.
    Indices that the change does not yield are absent from the result.

    >>> from rela.network.model import Fec, Graph
    >>> g = Graph.from_paths([["a", "b"]])
    >>> sorted(fec_graphs([Fec(0, None, (), g, g), Fec(1, None, (), g, Graph.empty())], [1, 7]))
    [1]
    """
    wanted = set(indices)
    found: dict[int, tuple[Graph, Graph]] = {}
    if not wanted:
        return found
    for fec in change:
        if fec.index in wanted and fec.problem is None:
            found[fec.index] = (fec.before, fec.after)
            if len(found) == len(wanted):
                break
    return found
