"""What happened to a violated flow, and where: its kind and its place.

Kinds (``rela.results.KINDS``), the first that applies:

* ``new-loop`` — the after graph loops where the flow goes (an unexpected path
  revisits a device, or the flow's after graph has a cycle its before graph
  had not);
* ``new-drop`` — an unexpected path ends in ``drop``;
* ``lost-delivery`` — the flow has no after path at all;
* ``paths-moved`` — paths are missing and others are unexpected;
* ``paths-removed`` — paths are missing, nothing unexpected;
* ``paths-added`` — paths are unexpected, nothing missing.

Where it happened, ``at``: for ``new-drop``, the location that drops (the hop
before ``drop`` on the unexpected path closest to an expected one).  For the
other kinds it is the divergence point, the last hop that the expected and
the actual behaviour share before they differ: for an unexpected path, its
last hop in common with the closest expected path; for a missing path, the
last hop of its longest prefix the after graph can still walk (from the
flow's start) — or, without the graph, its last hop in common with the
closest actual path.  (A drop is
named where it is, not where the paths part: a flow that leaves its old path
at ``b1`` and is dropped at ``l1`` is a new drop at ``l1``.  A loop is named
where the paths part, which is the device whose route sends traffic back.)

>>> from rela.results import FecRef, Violation
>>> v = Violation(FecRef(0, None), "b1", before=(("b1", "c1", "s1"),), after=(("b1", "c2", "drop"),),
...     expected=(("b1", "c2", "s1"),), actual=(("b1", "c2", "drop"),),
...     missing=(("b1", "c2", "s1"),), unexpected=(("b1", "c2", "drop"),))
>>> classify(v)
Divergence(kind='new-drop', at='c2', missing=0, unexpected=0)
>>> classify(Violation(FecRef(0, None), "b1", before=(("b1", "c1", "s1"),),
...     after=(("b1", "c2", "l1", "drop"),), expected=(("b1", "c1", "s1"),),
...     actual=(("b1", "c2", "l1", "drop"),), missing=(("b1", "c1", "s1"),),
...     unexpected=(("b1", "c2", "l1", "drop"),))).at
'l1'
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from rela.network.model import Fec, Graph
from rela.results import Path, SpecialHop, Violation, common_prefix_len
from rela.values import frozen

__all__ = [
    "Divergence",
    "GraphFacts",
    "classify",
    "find_cycle",
    "graph_facts",
    "has_cycle",
    "is_drop",
    "is_path",
    "revisits",
    "walk",
]


@frozen
class GraphFacts:
    """What the flow's graphs say beyond the listed paths.

    ``loop_after`` is a forwarding loop (a cycle, as its locations) reachable
    from the flow's start in the after graph, ``loop_before`` whether the
    before graph has one; ``walks[i]`` how many leading hops of the i-th
    missing path the after graph can still follow from the flow's start.
    ``missing_before[i]`` says whether the i-th missing path is itself a path
    of the before graph, ``unexpected_after[i]`` whether the i-th unexpected
    path is one of the after graph (each is then its own source for clause
    attribution, even when the listed path lists are cut).
    """

    loop_after: Path | None
    loop_before: bool
    walks: tuple[int, ...]
    missing_before: tuple[bool, ...] = ()
    unexpected_after: tuple[bool, ...] = ()


@frozen
class Divergence:
    """A flow's kind and divergence point; ``missing``/``unexpected`` index the paths it is
    based on (``None``: none of that side)."""

    kind: str
    at: str | None
    missing: int | None
    unexpected: int | None


def is_drop(hop: str) -> bool:
    """Whether a hop is the drop location (``drop`` or a ``drop|...`` location)."""
    return not isinstance(hop, SpecialHop) and (hop == "drop" or hop.startswith("drop|"))


def _node(hop: str) -> str:
    """The device and VRF of a hop (two inbound interfaces of one device are one node)."""
    return "|".join(hop.split("|")[:2])


def revisits(path: Path) -> bool:
    """Whether a path visits a device (and VRF) twice: a forwarding loop.

    >>> revisits(("a|v", "b|v|e1", "a|v|e2")), revisits(("a", "b"))
    (True, False)
    """
    got = _REVISITS.get(path)
    if got is None:
        nodes = [(h if "|" not in h else _node(h)) for h in path if not isinstance(h, SpecialHop)]
        got = len(set(nodes)) < len(nodes)
        if len(_REVISITS) > 50_000:
            _REVISITS.clear()
        _REVISITS[path] = got
    return got


#: Paths recur across the flows and FECs of a run (bounded).
_REVISITS: dict[Path, bool] = {}


#: Paths as a trie: hop -> the trie of what follows it.
Trie = dict[Any, "Trie"]


def prefixes(paths: Sequence[Path]) -> Trie:
    """The paths as a trie, to find longest common prefixes quickly.

    >>> shared(("a", "b", "x"), prefixes([("a", "b", "c"), ("a", "d")]))
    2
    """
    root: Trie = {}
    for p in paths:
        node = root
        for hop in p:
            nxt = node.get(hop)
            if nxt is None:
                nxt = node[hop] = {}
            node = nxt
    return root


def shared(path: Path, index: Trie) -> int:
    """The longest prefix of ``path`` that is a prefix of some path of ``index``."""
    n = 0
    node = index
    for hop in path:
        nxt = node.get(hop)
        if nxt is None:
            break
        node = nxt
        n += 1
    return n


def _closest(path: Path, others: Sequence[Path]) -> int:
    """The longest common prefix of ``path`` with any of ``others`` (0 if none)."""
    return shared(path, prefixes(others))


def _hop(path: Path, shared: int) -> str | None:
    """The last shared hop; the flow's start when nothing is shared."""
    if shared > 0:
        return path[shared - 1]
    return path[0] if path and not isinstance(path[0], SpecialHop) else None


def classify(v: Violation, facts: GraphFacts | None = None) -> Divergence:
    """The kind and divergence point of a violated flow (see the module docstring).

    When the paths share no hop (an ``any(p)`` expectation, a flow whose after
    paths start elsewhere), behaviour diverges where the flow enters: ``at`` is
    the flow's start.
    """
    div = _classify(v, facts)
    if div.at is None and v.flow != "*":
        return Divergence(div.kind, v.flow, div.missing, div.unexpected)
    return div


def _classify(v: Violation, facts: GraphFacts | None) -> Divergence:
    missing, unexpected, expected = v.missing, v.unexpected, v.expected
    loopy = [i for i, u in enumerate(unexpected) if revisits(u)]
    expected_loops = any(revisits(p) for p in expected)
    if loopy and not expected_loops:
        return _from_unexpected("new-loop", v, loopy)
    if facts is not None and facts.loop_after is not None and not facts.loop_before:
        if missing:
            return _from_missing("new-loop", v, facts)
        return Divergence("new-loop", _hop(facts.loop_after, 1), None, None)
    drops = [i for i, u in enumerate(unexpected) if u and is_drop(u[-1])]
    if drops:
        div = _from_unexpected("new-drop", v, drops)
        assert div.unexpected is not None
        at = _dropped_at(unexpected[div.unexpected])  # None: keep where it diverges
        return div if at is None else Divergence(div.kind, at, div.missing, div.unexpected)
    if missing and not v.after and not v.actual:
        return _from_missing("lost-delivery", v, facts)
    if missing and unexpected:
        return _pair("paths-moved", v)
    if missing:
        return _from_missing("paths-removed", v, facts)
    if unexpected:
        return _from_unexpected("paths-added", v, range(len(unexpected)))
    return Divergence("paths-moved", None, None, None)  # an empty difference (under `not`)


def _dropped_at(path: Path) -> str | None:
    """The location that drops a path ending in ``drop``: the hop before it.

    >>> _dropped_at(("b1", "c1", "l1", "drop|denied-in")), _dropped_at(("drop",))
    ('l1', None)
    """
    if len(path) < 2 or isinstance(path[-2], SpecialHop):
        return None
    return path[-2]


def _from_unexpected(kind: str, v: Violation, which: Sequence[int]) -> Divergence:
    """Divergence of the unexpected path (among ``which``) closest to an expected one."""
    best, best_len = which[0], -1
    index = prefixes(v.expected)
    for i in which:
        n = shared(v.unexpected[i], index)
        if n > best_len:
            best, best_len = i, n
    u = v.unexpected[best]
    partner = max(
        range(len(v.missing)), key=lambda j: common_prefix_len(v.missing[j], u), default=None
    )
    return Divergence(kind, _hop(u, max(best_len, 0)), partner, best)


def _from_missing(kind: str, v: Violation, facts: GraphFacts | None) -> Divergence:
    """Divergence of the missing path that the after behaviour follows longest."""
    if facts is not None and len(facts.walks) == len(v.missing):
        lengths = list(facts.walks)
    else:
        index = prefixes(v.actual or v.after)
        lengths = [shared(m, index) for m in v.missing]
    best = max(range(len(v.missing)), key=lambda i: lengths[i])
    return Divergence(kind, _hop(v.missing[best], lengths[best]), best, None)


def _pair(kind: str, v: Violation) -> Divergence:
    """Divergence of the (missing, unexpected) pair sharing the longest prefix (the first
    such pair, missing paths first: the unexpected paths' prefixes are indexed once)."""
    first: dict[Path, int] = {}
    for j, u in enumerate(v.unexpected):
        for k in range(1, len(u) + 1):
            first.setdefault(u[:k], j)
    best = (-1, 0, 0)
    for i, m in enumerate(v.missing):
        n = 0
        while n < len(m) and m[: n + 1] in first:
            n += 1
        if n > best[0]:
            best = (n, i, first[m[:n]] if n else 0)
    n, i, j = best
    return Divergence(kind, _hop(v.missing[i], max(n, 0)), i, j)


# ---------------------------------------------------------------------- graphs


def graph_facts(
    fec: Fec, flow: str, missing: Sequence[Path], unexpected: Sequence[Path] = ()
) -> GraphFacts:
    """The :class:`GraphFacts` of one flow of ``fec`` (as :func:`walk` and :func:`is_path`
    say, each path step taken once for the flow's paths)."""
    cycle = find_cycle(fec.after, flow) if has_cycle(fec.after) else None
    before_loops = has_cycle(fec.before) and find_cycle(fec.before, flow) is not None
    after, before = _Walker(fec.after, flow), _Walker(fec.before, flow)
    return GraphFacts(
        cycle,
        before_loops,
        tuple(after.walk(m) for m in missing),
        tuple(before.is_path(m) for m in missing),
        tuple(after.is_path(u) for u in unexpected),
    )


class _Walker:
    """:func:`walk` and :func:`is_path` in one graph from one flow's start: the paths of a
    flow share their prefixes, so each (set of nodes, hop) step is taken once."""

    def __init__(self, graph: Graph, flow: str) -> None:
        self.graph = graph
        self.flow = flow
        self.starts = frozenset(_starts(graph, flow))
        self._steps: dict[tuple[frozenset[int], str], frozenset[int]] = {}

    def step(self, current: frozenset[int], hop: str) -> frozenset[int]:
        key = (current, hop)
        got = self._steps.get(key)
        if got is None:
            succ, labels = self.graph.succ, self.graph.labels
            got = frozenset(j for i in current for j in succ[i] if labels[j] == hop)
            self._steps[key] = got
        return got

    def walk(self, path: Path) -> int:
        if not path or path[0] != self.flow:
            return 0
        current = self.starts
        n = 0
        while current:
            n += 1
            if n == len(path):
                break
            current = self.step(current, path[n])
        return n

    def is_path(self, path: Path) -> bool:
        if not path or path[0] != self.flow:
            return False
        current = self.starts
        for hop in path[1:]:
            current = self.step(current, hop)
            if not current:
                return False
        return not current.isdisjoint(self.graph.sinks)


def _starts(graph: Graph, flow: str) -> tuple[int, ...]:
    """The sources of ``graph`` labelled ``flow`` (the sources indexed once per graph:
    an FEC with thousands of flows asks for each of them)."""
    by_label = _SOURCES.get(graph)
    if by_label is None:
        acc: dict[str, list[int]] = {}
        for s in graph.sources:
            acc.setdefault(graph.labels[s], []).append(s)
        by_label = {label: tuple(nodes) for label, nodes in acc.items()}
        if len(_SOURCES) > 256:
            _SOURCES.clear()
        _SOURCES[graph] = by_label
    return by_label.get(flow, ())


#: graph -> source label -> its source nodes (bounded; a run's recent graphs).
_SOURCES: dict[Graph, dict[str, tuple[int, ...]]] = {}


def walk(graph: Graph, flow: str, path: Path) -> int:
    """How many leading hops of ``path`` the graph can follow from the flow's start.

    >>> g = Graph.from_paths([["a", "b", "drop"]])
    >>> walk(g, "a", ("a", "b", "c", "d")), walk(g, "x", ("x",))
    (2, 0)
    """
    if not path or path[0] != flow:
        return 0
    current = set(_starts(graph, flow))
    n = 0
    while current:
        n += 1
        if n == len(path):
            break
        hop = path[n]
        current = {j for i in current for j in graph.succ[i] if graph.labels[j] == hop}
    return n


def is_path(graph: Graph, flow: str, path: Path) -> bool:
    """Whether ``path`` is a path of the graph (from the flow's start to a sink).

    >>> g = Graph.from_paths([["a", "b", "c"]])
    >>> is_path(g, "a", ("a", "b", "c")), is_path(g, "a", ("a", "b"))
    (True, False)
    """
    if not path or path[0] != flow:
        return False
    current = set(_starts(graph, flow))
    for hop in path[1:]:
        current = {j for i in current for j in graph.succ[i] if graph.labels[j] == hop}
        if not current:
            return False
    return any(i in graph.sinks for i in current)


@functools.lru_cache(maxsize=64)
def has_cycle(graph: Graph) -> bool:
    """Whether the graph has a cycle anywhere (one pass for every flow of an FEC: without
    one, no flow needs :func:`find_cycle`).

    >>> loop = Graph(("a", "b", "c", "d"), ((1,), (2,), (1, 3), ()), (0,), frozenset({3}))
    >>> has_cycle(Graph.from_paths([["a", "b"]])), has_cycle(loop)
    (False, True)
    """
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


def find_cycle(graph: Graph, flow: str) -> Path | None:
    """A cycle reachable from the flow's start, as its locations (first found, iterative DFS).

    >>> g = Graph((("a"), "b", "c", "d"), ((1,), (2,), (1, 3), ()), (0,), frozenset({3}))
    >>> find_cycle(g, "a")
    ('b', 'c')
    """
    white, grey, black = 0, 1, 2
    color = [white] * len(graph.labels)
    for root in _starts(graph, flow):
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
