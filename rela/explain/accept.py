"""Which flows of a forwarding graph have a path in a regular language.

Clause coverage asks this of every graph of a run, once per clause domain
(:mod:`rela.explain.coverage`).  The language is a DFA over location
signatures, prepared once per set of graph letters (:class:`Domain`); the
graph is indexed once (:class:`GraphIndex`).

The pass goes backwards: for every node ``v`` the set ``W(v)`` of DFA states
(a bit mask) in which, having just read ``v``, some path on to a sink ends
accepted.  ``W(v)`` depends on ``v``'s successors alone, and nodes share
successor tuples (at interface granularity every ingress interface of a
device has the same next hops), so it is computed once per distinct tuple:
the pass costs the graph's distinct edges, not all of them.

>>> from rela.network.model import Graph
>>> from rela.automata.nfa import Nfa, concat, star, union
>>> from rela.automata.products import determinize
>>> g = Graph(("a", "b", "c"), ((1, 2), (), ()), (0,), frozenset({1, 2}))
>>> sigs = [1, 2, 3]                          # a, b, c
>>> ab = determinize(concat(Nfa.letter(1), Nfa.letter(2)))
>>> sorted(flows_accepted(GraphIndex(g, sigs), Domain(ab, frozenset(sigs))))
['a']
>>> sorted(flows_accepted(GraphIndex(g, sigs), Domain(determinize(Nfa.letter(2)), frozenset(sigs))))
[]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from rela.automata.nfa import Nfa
from rela.network.model import Graph

__all__ = ["Domain", "GraphIndex", "flows_accepted"]


class GraphIndex:
    """What every domain's pass over one graph needs, computed once per graph.

    ``group[u]``: the number of ``u``'s successor tuple among the graph's
    distinct ones; ``moves[g]``: what the pass reads of group ``g``'s targets, each distinct
    ``(target's group, its signature, whether it is a sink)`` once (the ingress
    interfaces of one device agree on all three); ``dependents[g]``: the groups
    with a member of group ``g`` among their targets (whose ``W`` may change when
    ``g``'s does).
    """

    __slots__ = ("graph", "sigs", "group", "moves", "dependents", "is_sink", "_live")

    def __init__(self, graph: Graph, sigs: list[int]) -> None:
        self.graph = graph
        self.sigs = sigs
        ids: dict[tuple[int, ...], int] = {}
        self.group = group = [ids.setdefault(nexts, len(ids)) for nexts in graph.succ]
        is_sink = [False] * len(graph.labels)
        for v in graph.sinks:
            is_sink[v] = True
        self.is_sink = is_sink
        self.moves = [tuple({(group[v], sigs[v], is_sink[v]) for v in nexts}) for nexts in ids]
        dependents: list[set[int]] = [set() for _ in self.moves]
        for h, moves in enumerate(self.moves):
            for g, _, _ in moves:
                dependents[g].add(h)
        self.dependents = [tuple(d) for d in dependents]
        self._live: frozenset[str] | None = None

    def live(self) -> frozenset[str]:
        """Labels of the sources with some path to a sink (the flows of the graph)."""
        if self._live is None:
            out = _fixpoint(self, lambda sig, mask: 1, 1)
            group, is_sink, labels = self.group, self.is_sink, self.graph.labels
            self._live = frozenset(
                labels[s] for s in self.graph.sources if is_sink[s] or out[group[s]]
            )
        return self._live


class Domain:
    """One DFA over one set of graph letters, prepared for many graphs.

    ``empty``: no word over the letters is accepted; ``universal``: every one is.
    """

    __slots__ = ("n", "q0", "finals", "final_mask", "delta", "inverse", "empty", "universal",
                 "_pre")  # fmt: skip

    def __init__(self, dfa: Nfa, letters: frozenset[int]) -> None:
        (self.q0,) = dfa.starts
        self.n = dfa.n
        self.finals = dfa.finals
        self.final_mask = sum(1 << q for q in dfa.finals)
        self.delta = delta = [dict(arcs) for arcs in dfa.arcs]
        #: sig -> q2 -> the states q with delta(q, sig) = q2
        inverse: dict[int, list[list[int]]] = {}
        for q, row in enumerate(delta):
            for sig, q2 in row.items():
                targets = inverse.get(sig)
                if targets is None:
                    targets = inverse[sig] = [[] for _ in range(self.n)]
                targets[q2].append(q)
        self.inverse = inverse
        self.empty = _empty(delta, self.q0, self.finals, letters)
        self.universal = not self.empty and _universal(delta, self.q0, self.finals, letters)
        self._pre: dict[tuple[int, int], int] = {}

    def pre(self, sig: int, mask: int) -> int:
        """The states from which ``sig`` leads into a state of ``mask`` (bit masks)."""
        key = (sig, mask)
        got = self._pre.get(key)
        if got is None:
            got = 0
            by_target = self.inverse.get(sig)
            if by_target is not None:
                for q2, qs in enumerate(by_target):
                    if mask >> q2 & 1:
                        for q in qs:
                            got |= 1 << q
            if len(self._pre) > 100_000:
                self._pre.clear()
            self._pre[key] = got
        return got


def flows_accepted(g: GraphIndex, dom: Domain) -> frozenset[str]:
    """Labels of the sources from which some graph path is accepted by ``dom``.

    A DFA accepting every path over the graph's letters needs no pass at all.
    """
    if dom.empty:
        return frozenset()
    if dom.universal:
        return g.live()
    w = _fixpoint(g, dom.pre, dom.final_mask)
    graph, sigs, group, is_sink = g.graph, g.sigs, g.group, g.is_sink
    finals = dom.final_mask
    start_row = dom.delta[dom.q0]
    out = set()
    for s in graph.sources:
        first = start_row.get(sigs[s])
        if first is not None and (w[group[s]] | (finals if is_sink[s] else 0)) >> first & 1:
            out.add(graph.labels[s])
    return frozenset(out)


def _fixpoint(g: GraphIndex, pre: Callable[[int, int], int], finals: int) -> list[int]:
    """Per group of successor tuple: the states (mask) in which, at one of its member
    nodes, some path on through the tuple ends accepted.  The least fixpoint, by a
    worklist of groups: masks only grow, each at most once per state."""
    moves, dependents = g.moves, g.dependents
    out = [0] * len(moves)
    queue = list(range(len(moves)))
    queued = [True] * len(moves)
    while queue:
        h = queue.pop()
        queued[h] = False
        acc = 0
        for target, sig, sink in moves[h]:
            mask = out[target]
            if sink:
                mask |= finals
            if mask:
                acc |= pre(sig, mask)
        if acc != out[h]:
            out[h] = acc
            for d in dependents[h]:
                if not queued[d]:
                    queued[d] = True
                    queue.append(d)
    return out


def _empty(
    delta: list[dict[int, int]], q0: int, finals: frozenset[int], sigs: frozenset[int]
) -> bool:
    """Whether no accepting state is reachable from ``q0`` on letters of ``sigs``."""
    return not any(q in finals for q in _reach(delta, q0, sigs) if q is not None)


def _universal(
    delta: list[dict[int, int]], q0: int, finals: frozenset[int], sigs: frozenset[int]
) -> bool:
    """Whether the DFA stays in accepting states on every word over ``sigs``."""
    return all(q is not None and q in finals for q in _reach(delta, q0, sigs))


def _reach(delta: list[dict[int, int]], q0: int, sigs: frozenset[int]) -> Iterator[int | None]:
    """The states reachable from ``q0`` on letters of ``sigs``, each once, and None for
    every missing move on the way (lazily: the callers stop at the first answer)."""
    seen = {q0}
    stack = [q0]
    while stack:
        q = stack.pop()
        yield q
        row = delta[q]
        for sig in sigs:
            q2 = row.get(sig)
            if q2 is None:
                yield None
            elif q2 not in seen:
                seen.add(q2)
                stack.append(q2)
