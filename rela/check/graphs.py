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

from collections.abc import Callable, Iterable, Sequence
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
    "view_nfa",
    "image_by_class",
    "trimmed_image_by_class",
    "inclusions",
    "simulations",
    "trimmed_image",
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


def view_nfa(view: GraphView, flow: int | None = None, budget: Budget | None = None) -> Nfa:
    """:func:`graph_nfa` of the graph ``view`` was made of (the same automaton, from the
    states the view already found: the decision of an FEC makes the views of its graphs
    before any counterexample needs their automata).

    The view's states are :func:`graph_nfa`'s (the same nodes share a state, numbered
    in the same order) and its rows hold the same arcs, in the order met, not sorted.
    """
    first = view.arcs[0] if flow is None else [arc for arc in view.arcs[0] if arc[0] == flow]
    arcs = [sorted(first), *(row if len(row) == 1 else sorted(row) for row in view.arcs[1:])]
    if budget is not None:
        budget.work(len(arcs))
    finals = [q for q, final in enumerate(view.finals) if final]
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
    ``t``) each of its states stands for, when known (:func:`trimmed_image`)."""
    return trimmed_image(a, t, budget=budget, read=ctx.sig_of.__getitem__, write=_writer(ctx))


def trimmed_image(
    a: Nfa,
    t: Transducer,
    *,
    budget: Budget | None = None,
    read: Callable[[int], int] | None = None,
    write: Callable[[int], Iterable[int]] | None = None,
) -> tuple[Nfa, list[tuple[int, int]] | None]:
    """``trim(T.image(a, t, ...))``, numbered the same, and the pair (state of ``a``, state
    of ``t``) each of its states stands for (``None`` when not known).

    The dead pairs are found first, over ``a``'s arcs grouped by the letter ``t``
    reads (:func:`_dead_pairs`), and never built: that costs the distinct moves,
    not the letters written (many per signature), and no trim is left to do.  (The
    live pairs are met in the order the full crawl meets them: dead pairs lead only
    to dead pairs.)
    """
    # An output standing for no letter leaves the pair it leads to met but not
    # entered: then reachability is to be found too, by trim.
    if write is not None and not all(map(write, t.written())):
        return trim(T.image(a, t, budget=budget, read=read, write=write), budget), None
    dead = _dead_pairs(a, t, read, budget)
    starts, finals, arcs, eps, pairs = T.image_pairs(a, t, budget, read, write, dead)
    if not starts:
        return Nfa.empty(), None
    return Nfa(len(arcs), starts, finals, arcs, eps), pairs


def _dead_pairs(
    a: Nfa, t: Transducer, read: Callable[[int], int] | None, budget: Budget | None
) -> dict[int, int]:
    """The pairs the crawl of :func:`rela.automata.transducer.image` meets that reach no
    final pair, mapped to :data:`~rela.automata.transducer.DEAD` (the ``skip`` of
    :func:`~rela.automata.transducer.image_pairs`).  For a ``t`` whose outputs all
    stand for letters: each move of a pair is then an arc or an epsilon move."""
    ia, ti, tn = a.index(), t.by_input(), t.n
    a_eps = a.eps if a.has_epsilon() else None
    # state of a -> letter of t -> targets; kept with a: both images of a graph read it
    groups: list[dict[int, tuple[int, ...]] | None] = a.rows_by(read)
    # A pair (p, q) is the number p * tn + q here: cheaper to hash than a tuple.
    preds: dict[int, list[int]] = {}
    stack = [p * tn + q for p in a.starts for q in t.starts]
    for pair in stack:
        preds[pair] = []
    moves = met = 0  # moves found, and pairs met, since the budget was last charged
    while stack:
        if budget is not None and len(preds) - met >= 256:
            budget.charge(len(preds) - met, moves)
            moves, met = 0, len(preds)
        pair = stack.pop()
        p, q = divmod(pair, tn)
        by = groups[p]
        if by is None:
            by = groups[p] = _by_read(ia[p], read)
        tq = ti[q]
        for y, targets in by.items():
            for _, q2 in tq.get(y, ()):
                for p2 in targets:
                    nxt = p2 * tn + q2
                    got = preds.get(nxt)
                    if got is None:
                        preds[nxt] = [pair]
                        stack.append(nxt)
                    else:
                        got.append(pair)
                moves += len(targets)
        silent = tq.get(T.EPS)  # moves that read nothing, and epsilon moves of a
        if silent is not None or a_eps is not None:
            nexts = [p * tn + q2 for _, q2 in silent or ()]
            nexts += [p2 * tn + q for p2 in (a_eps[p] if a_eps is not None else ())]
            for nxt in nexts:
                got = preds.get(nxt)
                if got is None:
                    preds[nxt] = [pair]
                    stack.append(nxt)
                else:
                    got.append(pair)
    if budget is not None:
        budget.charge(len(preds) - met, moves)
    a_finals, t_finals = a.finals, t.finals
    if len(a_finals) * len(t_finals) < len(preds):
        live = {f for p in a_finals for q in t_finals if (f := p * tn + q) in preds}
    else:
        live = {pair for pair in preds if pair // tn in a_finals and pair % tn in t_finals}
    stack = list(live)
    while stack:
        for pair in preds[stack.pop()]:
            if pair not in live:
                live.add(pair)
                stack.append(pair)
    return dict.fromkeys(preds.keys() - live, T.DEAD)


def _by_read(
    row: dict[int, tuple[int, ...]], read: Callable[[int], int] | None
) -> dict[int, tuple[int, ...]]:
    """One state's letter -> targets as letter of ``t`` -> targets (each target once)."""
    if read is None:
        return row
    if len(row) == 1:
        ((x, targets),) = row.items()
        return {read(x): targets}
    # Letters of one signature often lead to the same targets: drop repeats first.
    distinct = set(zip(map(read, row), row.values()))
    by: dict[int, list[tuple[int, ...]]] = {}
    for y, targets in distinct:
        by.setdefault(y, []).append(targets)
    return {y: ts[0] if len(ts) == 1 else tuple(set().union(*ts)) for y, ts in by.items()}


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
    other when ``q`` simulates ``r`` (:func:`simulations`):
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
    below = simulations(*ts)
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
            view = self._views.get(graph)
            if view is not None:
                got = view_nfa(view, flow, budget)
            else:
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


#: Transducers (states in all) beyond which :func:`simulations` gives each state itself
#: alone (a sound answer): refining pairs of states costs their square.
SIMULATION_LIMIT = 200


@lru_cache(maxsize=64)
def simulations(*ts: Transducer) -> tuple[tuple[int, ...], ...]:
    """For each state of ``ts`` (numbered across ``ts`` in order: those of ``ts[k]`` from
    ``ts[0].n + ... + ts[k - 1].n`` on), the states it simulates, itself included.

    A state simulates another when it is final if the other is, and can follow each
    move of the other (same input, same output) into a state simulating the other's
    target: it then relates every path to all the paths the other relates it to.
    The greatest simulation, by refinement (cached: spec transducers are few).
    """
    arcs: list[Sequence[T.Arc]] = []
    finals: set[int] = set()
    for t in ts:
        off = len(arcs)
        arcs += [[(i, o, d + off) for i, o, d in row] for row in t.arcs]
        finals.update(f + off for f in t.finals)
    n = len(arcs)
    if n > SIMULATION_LIMIT:
        return tuple((q,) for q in range(n))
    moves: list[dict[tuple[int, int], list[int]]] = []
    for row in arcs:
        by_label: dict[tuple[int, int], list[int]] = {}
        for i, o, d in row:
            by_label.setdefault((i, o), []).append(d)
        moves.append(by_label)
    # above[r]: the states that may simulate r, until nothing more is refuted
    above = [{q for q in range(n) if r not in finals or q in finals} for r in range(n)]
    changed = True
    while changed:
        changed = False
        for r in range(n):
            kept = {
                q
                for q in above[r]
                if all(
                    any(q2 in above[r2] for q2 in moves[q].get((i, o), ())) for i, o, r2 in arcs[r]
                )
            }
            if len(kept) < len(above[r]):
                above[r] = kept
                changed = True
    below: list[list[int]] = [[] for _ in range(n)]
    for r in range(n):
        for q in above[r]:
            below[q].append(r)
    return tuple(map(tuple, below))
