"""Automata of forwarding graphs, and their images through spec transducers.

>>> from rela.check.letters import Letters
>>> from rela.network.model import Graph
>>> letters = Letters()
>>> a = graph_nfa(Graph.from_paths([["a", "b"], ["a", "c"]]), letters)
>>> from rela.automata.nfa import accepts
>>> accepts(a, [letters.id("a"), letters.id("c")]), accepts(a, [letters.id("b")])
(True, False)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from rela.automata import transducer as T
from rela.automata.budget import Budget
from rela.automata.decide import Known
from rela.automata.nfa import Nfa, closure, trim
from rela.automata.transducer import Transducer
from rela.check.images import GraphView
from rela.check.letters import FecContext, Letters
from rela.network.model import Graph

__all__ = [
    "graph_nfa",
    "image_by_class",
    "trimmed_image_by_class",
    "inclusions",
    "GraphAutomata",
    "tag_flows",
    "strip_tag",
    "retag",
    "first_letters",
]


def graph_nfa(
    graph: Graph, letters: Letters, flow: int | None = None, budget: Budget | None = None
) -> Nfa:
    """The automaton of a forwarding graph's paths; with ``flow``, only paths starting there.

    State 0 enters the graph; a node's state is entered by reading its label.
    Nodes with the same successors and the same sink status accept the same
    continuations, so they share one state: at interface granularity all the
    inbound-interface nodes of a device collapse into one state per device.
    ``budget``'s clock is looked at as nodes are read (a graph of 10^5 nodes).
    """
    letter_id = letters.id
    ids = [letter_id(label) for label in graph.labels]
    sinks = graph.sinks
    succ = graph.succ
    state_of_key: dict[tuple[tuple[int, ...], bool], int] = {}
    node_state: list[int] = []
    members: list[int] = []  # one node per state (state k+1 -> members[k])
    for i, nexts in enumerate(succ):
        key = (nexts, i in sinks)
        st = state_of_key.get(key)
        if st is None:
            st = state_of_key[key] = len(members) + 1
            members.append(i)
        node_state.append(st)
        if budget is not None and i & 1023 == 1023:
            budget.work(1024)
    starts = sorted(
        {(ids[s], node_state[s]) for s in graph.sources if flow is None or ids[s] == flow}
    )
    arcs: list[list[tuple[int, int]]] = [starts]
    finals = []
    for k, node in enumerate(members):
        nexts = succ[node]
        if len(nexts) == 1:
            v = nexts[0]
            arcs.append([(ids[v], node_state[v])])
        else:
            arcs.append(sorted({(ids[v], node_state[v]) for v in nexts}))
        if node in sinks:
            finals.append(k + 1)
        if budget is not None and k & 1023 == 1023:
            budget.work(1024)
    return trim(Nfa(len(arcs), [0], finals, arcs), budget)


def image_by_class(a: Nfa, t: Transducer, ctx: FecContext, budget: Budget) -> Nfa:
    """``a >> t`` for ``a`` over the FEC's letters and a spec transducer ``t`` over signatures.

    An identity arc copies the very letter read; an output signature stands for
    every letter of the FEC's universe with that signature.
    """
    return T.image(a, t, budget=budget, read=ctx.sig_of.__getitem__, write=_writer(ctx))


def trimmed_image_by_class(
    a: Nfa, t: Transducer, ctx: FecContext, budget: Budget
) -> tuple[Nfa, list[tuple[int, int]] | None]:
    """``trim(image_by_class(a, t, ctx, budget))`` and the pair (state of ``a``, state of
    ``t``) each of its states stands for, when known
    (:func:`rela.automata.transducer.trimmed_image`)."""
    read = ctx.sig_of.__getitem__
    return T.trimmed_image(a, t, budget=budget, read=read, write=_writer(ctx))


def _writer(ctx: FecContext) -> Callable[[int], tuple[int, ...]]:
    """The letters of the FEC's universe an output signature stands for."""

    def write(sig: int) -> tuple[int, ...]:
        return ctx.class_letters().get(sig, ())

    return write


#: One side of a comparison for :func:`inclusions`: a tagged graph automaton, the
#: transducer of its image (``None``: the graph itself), and the pair (state of the
#: graph automaton, state of the transducer) of each state of the image (``None``:
#: not known).
ImageSide = tuple[Nfa, Transducer | None, list[tuple[int, int]] | None]


def inclusions(
    first: ImageSide, second: ImageSide, sigs: frozenset[int]
) -> tuple[Known | None, Known | None]:
    """What :func:`rela.automata.decide.difference` may know of ``first`` minus a
    :func:`retag` of ``second``, and of ``second`` minus a retag of ``first``, when both
    are images of one graph automaton (else nothing).

    A state ``(g, r)`` of one image accepts only paths of a state ``(g, q)`` of the
    other when ``q`` simulates ``r`` (:func:`rela.automata.transducer.simulations`):
    both read the paths of ``g``, and ``q`` relates each to all that ``r`` relates it
    to.  The graph itself is its image through the identity over ``sigs``.
    """
    if first[0] is not second[0]:
        return None, None
    ts, pairs = [], []
    for a, t, known in (first, second):
        if t is None:  # the graph itself: state g is the pair (g, 0) of the identity
            t, known = _identity(sigs), [(g, 0) for g in range(a.n)]
        if known is None:
            return None, None
        ts.append(t)
        pairs.append(known)
    below = T.simulations(*ts)
    n, offsets = len(below), (0, ts[0].n)
    tokens = [[g * n + off + r for g, r in ps] for ps, off in zip(pairs, offsets)]

    def covers_of(ps: list[tuple[int, int]], off: int) -> Callable[[int], frozenset[int]]:
        def covers(q: int) -> frozenset[int]:
            if q >= len(ps):  # a state retag adds
                return frozenset()
            g, r = ps[q]
            return frozenset([g * n + x for x in below[off + r]])

        return covers

    covers = [covers_of(ps, off) for ps, off in zip(pairs, offsets)]
    return (tokens[0], covers[1]), (tokens[1], covers[0])


@lru_cache(maxsize=16)
def _identity(sigs: frozenset[int]) -> Transducer:
    """The identity over the letters of signatures ``sigs`` (cached: images of one run
    meet one or two sets of signatures)."""
    return Transducer(1, [0], [0], [[(s, T.COPY, 0) for s in sorted(sigs)]])


class GraphAutomata:
    """Graph automata by (graph, flow), and flow-tagged ones by graph, shared by the
    FECs of a run (bounded caches)."""

    def __init__(self, letters: Letters, cache_size: int = 50_000) -> None:
        self.letters = letters
        self.cache_size = cache_size
        self._cache: dict[tuple[Graph, int | None], Nfa] = {}
        self._tagged: dict[Graph, Nfa] = {}
        self._views: dict[Graph, GraphView] = {}

    def get(self, graph: Graph, flow: int | None = None, budget: Budget | None = None) -> Nfa:
        key = (graph, flow)
        got = self._cache.get(key)
        if got is None:
            got = graph_nfa(graph, self.letters, flow, budget)
            if len(self._cache) > self.cache_size:
                self._cache.clear()
            self._cache[key] = got
        return got

    def view(self, graph: Graph, budget: Budget | None = None) -> GraphView:
        """The graph as a :class:`~rela.check.images.GraphView` (for on-the-fly decisions)."""
        got = self._views.get(graph)
        if got is None:
            got = GraphView.of(graph, self.letters, budget)
            if len(self._views) > self.cache_size:
                self._views.clear()
            self._views[graph] = got
        return got

    def tagged(self, graph: Graph, budget: Budget | None = None) -> Nfa:
        """:func:`tag_flows` of the graph's automaton."""
        got = self._tagged.get(graph)
        if got is None:
            got = tag_flows(self.get(graph, None, budget), budget)
            if len(self._tagged) > self.cache_size:
                self._tagged.clear()
            self._tagged[graph] = got
        return got


# ---------------------------------------------------------------------- flow tags
# A path's flow is its first location.  A *tagged* automaton reads the flow
# first (a copy of the path's first letter) and then the path; images of a
# tagged automaton through a transducer that copies the first letter keep
# the flow of the input path in front of each output path, whatever the
# relation does to the path itself.  One tagged automaton serves every flow:
# the flows share every state after the first two letters.


def first_letters(a: Nfa) -> dict[int, list[int]]:
    """Letter -> targets of the arcs out of the start states (after epsilon moves)."""
    out: dict[int, list[int]] = {}
    for s in closure(a, a.starts):
        for x, t in a.arcs[s]:
            out.setdefault(x, []).append(t)
    return out


def tag_flows(a: Nfa, budget: Budget | None = None) -> Nfa:
    """The paths of ``a``, each preceded by a copy of its first letter (its flow).

    >>> from rela.automata.nfa import accepts, union
    >>> t = tag_flows(union(Nfa.letter(1), Nfa.letter(2)))
    >>> accepts(t, [1, 1]), accepts(t, [2, 2]), accepts(t, [1, 2]), accepts(t, [1])
    (True, True, False, False)
    """
    firsts = first_letters(a)
    start = a.n
    arcs: list[list[tuple[int, int]]] = [list(row) for row in a.arcs]
    arcs.append([(x, start + 1 + k) for k, x in enumerate(firsts)])
    for x, targets in firsts.items():
        arcs.append([(x, t) for t in dict.fromkeys(targets)])
    eps = [list(e) for e in a.eps] + [[] for _ in range(1 + len(firsts))]
    return trim(Nfa(len(arcs), [start], a.finals, arcs, eps), budget)


def strip_tag(a: Nfa) -> Nfa:
    """The paths of a tagged automaton without their tag (the first letter)."""
    start = a.n
    targets = sorted({t for ts in first_letters(a).values() for t in ts})
    eps = [list(e) for e in a.eps] + [targets]
    return Nfa(a.n + 1, [start], a.finals, [*a.arcs, ()], eps)


def retag(a: Nfa, tags: list[int]) -> Nfa:
    """Every path of the tagged ``a`` under any one of ``tags`` instead of its own tag
    (the paths of :func:`strip_tag` with any of ``tags`` in front).

    Every tag leads to one hub state that has the moves of all the states a tag
    leads to in ``a``: no epsilon move of its own (a difference against it needs
    no closures when ``a`` has none), and the size of ``a`` plus the tags, not
    tags x flows (an FEC may have thousands of flows).

    >>> from rela.automata.nfa import accepts, union
    >>> t = retag(tag_flows(union(Nfa.letter(1), Nfa.letter(2))), [1, 2])
    >>> accepts(t, [2, 1]), accepts(t, [1, 2]), accepts(t, [3, 1]), accepts(t, [1])
    (True, True, False, False)
    """
    targets = sorted({t for ts in first_letters(a).values() for t in ts})
    hub = (
        list(dict.fromkeys(arc for t in targets for arc in a.arcs[t])),
        list(dict.fromkeys(e for t in targets for e in a.eps[t])),
        not a.finals.isdisjoint(targets),
    )
    return a.extended([([(x, a.n + 1) for x in tags], [], False), hub])
