"""A violated flow's paths walked in its FEC's graphs: loops, how far a path goes, whether
a path is one of the graph's.

:func:`graph_facts` gathers what the graphs say about one flow (its
:class:`GraphFacts`).  An FEC explains many flows on the same two graphs, and
successive FECs often share a graph: a :class:`GraphWalker` holds what one
graph's walks share (the flows' start nodes, each step taken from a set of
nodes, whether the graph has a cycle at all), so that it is computed once per
graph rather than once per flow.  :func:`has_cycle` and :func:`find_cycle`
are the plain definitions, one call at a time, of what the walker keeps (the
tests hold its walks to plain ones of their own).

>>> g = Graph.from_paths([["a", "b", "drop"], ["a", "c"]])
>>> w = GraphWalker(g)
>>> w.walk("a", ("a", "b", "x")), w.is_path("a", ("a", "c")), w.is_path("a", ("a", "b"))
(2, True, False)
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rela.network.model import Graph
from rela.results import Path
from rela.values import frozen

__all__ = [
    "GraphFacts",
    "GraphWalker",
    "find_cycle",
    "graph_facts",
    "has_cycle",
]

#: Steps memoised per graph before the memo starts again (memory stays flat).
_STEPS = 100_000
_NO_START: tuple[tuple[int, ...], frozenset[int]] = ((), frozenset())


@frozen
class GraphFacts:
    """What the flow's graphs say beyond the listed paths.

    ``loop_after`` is a forwarding loop (a cycle, as its locations) reachable
    from the flow's start in the after graph, ``loop_before`` whether the
    before graph has one; ``walks[i]`` how many leading hops of the i-th
    missing path the after graph can still follow from the flow's start.
    ``missing_own[i]`` says whether the i-th missing path is its own source for
    clause attribution: a listed before path, or a path of the before graph
    (the listed lists may be cut at --max-paths); ``unexpected_own[i]`` the
    same of the i-th unexpected path with the after paths and graph.
    """

    loop_after: Path | None
    loop_before: bool
    walks: tuple[int, ...]
    missing_own: tuple[bool, ...] = ()
    unexpected_own: tuple[bool, ...] = ()


def graph_facts(
    before: GraphWalker,
    after: GraphWalker,
    flow: str,
    missing: Sequence[Path],
    unexpected: Sequence[Path] = (),
    listed_before: Collection[Path] = (),
    listed_after: Collection[Path] = (),
    walks: bool = True,
) -> GraphFacts:
    """The :class:`GraphFacts` of one flow (a path listed is not walked again).

    ``walks=False``: the caller will not read the missing paths' walks unless the after
    graph has a new loop (:func:`~rela.explain.classify.reads_walks`), so they are only
    counted then (else ``walks`` is empty).
    """
    cycle = after.find_cycle(flow) if after.has_cycle() else None
    before_loops = before.has_cycle() and before.find_cycle(flow) is not None
    counted = walks or (cycle is not None and not before_loops)
    return GraphFacts(
        cycle,
        before_loops,
        tuple([after.walk(flow, m) for m in missing]) if counted else (),
        tuple([m in listed_before or before.is_path(flow, m) for m in missing]),
        tuple([u in listed_after or after.is_path(flow, u) for u in unexpected]),
    )


class GraphWalker:
    """Walks in one graph, from any flow's start.

    The flows of a graph share their paths' steps: a step from a set of nodes on
    a hop is taken once (memoised, the sets kept as frozensets so that a path's
    next step is looked up by an identical set), and each node's successors are
    grouped by label once (nodes with one successor tuple share the grouping).
    """

    __slots__ = ("graph", "_starts", "_steps", "_by_label", "_by_tuple", "_cycle")

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._starts: dict[str, tuple[tuple[int, ...], frozenset[int]]] | None = None
        self._steps: dict[tuple[frozenset[int], str], frozenset[int]] = {}
        self._by_label: list[dict[str, tuple[int, ...]] | None] = [None] * len(graph.labels)
        self._by_tuple: dict[tuple[int, ...], dict[str, tuple[int, ...]]] = {}
        self._cycle: bool | None = None

    def starts(self, flow: str) -> tuple[int, ...]:
        """The graph's sources labelled ``flow``, in the graph's order."""
        return self._start(flow)[0]

    def _start(self, flow: str) -> tuple[tuple[int, ...], frozenset[int]]:
        if self._starts is None:
            labels = self.graph.labels
            acc: dict[str, list[int]] = {}
            for s in self.graph.sources:
                acc.setdefault(labels[s], []).append(s)
            self._starts = {label: (tuple(ns), frozenset(ns)) for label, ns in acc.items()}
        return self._starts.get(flow, _NO_START)

    def step(self, current: frozenset[int], hop: str) -> frozenset[int]:
        """The successors labelled ``hop`` of the nodes ``current``."""
        key = (current, hop)
        got = self._steps.get(key)
        if got is None:
            nexts: set[int] = set()
            for i in current:
                nexts.update(self._successors(i).get(hop, ()))
            got = frozenset(nexts)
            if len(self._steps) >= _STEPS:
                self._steps.clear()
            self._steps[key] = got
        return got

    def _successors(self, i: int) -> dict[str, tuple[int, ...]]:
        got = self._by_label[i]
        if got is None:
            graph = self.graph
            nexts = graph.succ[i]
            got = self._by_tuple.get(nexts)
            if got is None:
                acc: dict[str, list[int]] = {}
                for j in nexts:
                    acc.setdefault(graph.labels[j], []).append(j)
                got = self._by_tuple[nexts] = {label: tuple(js) for label, js in acc.items()}
            self._by_label[i] = got
        return got

    def walk(self, flow: str, path: Path) -> int:
        """How many leading hops of ``path`` the graph can follow from the flow's start."""
        if not path or path[0] != flow:
            return 0
        current = self._start(flow)[1]
        n = 0
        while current:
            n += 1
            if n == len(path):
                break
            current = self.step(current, path[n])
        return n

    def is_path(self, flow: str, path: Path) -> bool:
        """Whether ``path`` is a path of the graph (from the flow's start to a sink)."""
        if not path or path[0] != flow:
            return False
        current = self._start(flow)[1]
        step = self.step
        for hop in path[1:]:
            current = step(current, hop)
            if not current:
                return False
        return not current.isdisjoint(self.graph.sinks)

    def has_cycle(self) -> bool:
        """:func:`has_cycle` of this graph, computed once."""
        if self._cycle is None:
            self._cycle = has_cycle(self.graph)
        return self._cycle

    def find_cycle(self, flow: str) -> Path | None:
        """:func:`find_cycle` in this graph."""
        return find_cycle(self.graph, flow, self.starts(flow))


def _starts(graph: Graph, flow: str) -> tuple[int, ...]:
    return tuple(s for s in graph.sources if graph.labels[s] == flow)


def has_cycle(graph: Graph) -> bool:
    """Whether the graph has a cycle anywhere (one pass for every flow of an FEC: without
    one, no flow needs :func:`find_cycle`).

    Nodes often share their successor tuple (every ingress interface of a device
    has the same next hops), so the pass is over the distinct tuples: tuple ``T``
    leads to tuple ``T'`` when a node of ``T`` has the successors ``T'``.  A cycle
    of nodes is one of their tuples, and a cycle of tuples ``T1 → … → Tk → T1``
    is one of nodes (the node of ``T(i-1)`` with successors ``Ti`` is followed by
    the node of ``Ti`` with successors ``T(i+1)``), so the two graphs have a cycle
    alike (Kahn's algorithm on the smaller one).

    >>> loop = Graph(("a", "b", "c", "d"), ((1,), (2,), (1, 3), ()), (0,), frozenset({3}))
    >>> has_cycle(Graph.from_paths([["a", "b"]])), has_cycle(loop)
    (False, True)
    """
    ids: dict[tuple[int, ...], int] = {}
    group = [ids.setdefault(nexts, len(ids)) for nexts in graph.succ]
    leads = [{group[v] for v in nexts} for nexts in ids]
    indegree = [0] * len(leads)
    for targets in leads:
        for t in targets:
            indegree[t] += 1
    ready = [t for t, d in enumerate(indegree) if d == 0]
    done = 0
    while ready:
        u = ready.pop()
        done += 1
        for t in leads[u]:
            indegree[t] -= 1
            if indegree[t] == 0:
                ready.append(t)
    return done < len(leads)


def find_cycle(graph: Graph, flow: str, starts: Sequence[int] | None = None) -> Path | None:
    """A cycle reachable from the flow's start, as its locations (first found, iterative DFS).

    ``starts``: the flow's start nodes (in the graph's order) when the caller has them.

    >>> g = Graph((("a"), "b", "c", "d"), ((1,), (2,), (1, 3), ()), (0,), frozenset({3}))
    >>> find_cycle(g, "a")
    ('b', 'c')
    """
    white, grey, black = 0, 1, 2
    color = [white] * len(graph.labels)
    roots = _starts(graph, flow) if starts is None else starts
    for root in roots:
        if color[root] != white:
            continue
        color[root] = grey
        stack = [(root, iter(graph.succ[root]))]
        on_path = [root]
        while stack:
            node, it = stack[-1]
            for nxt in it:
                if color[nxt] == grey:
                    start = on_path.index(nxt)
                    return tuple(graph.labels[i] for i in on_path[start:])
                if color[nxt] == white:
                    color[nxt] = grey
                    stack.append((nxt, iter(graph.succ[nxt])))
                    on_path.append(nxt)
                    break
            else:
                color[node] = black
                stack.pop()
                on_path.pop()
    return None
