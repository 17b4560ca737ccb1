"""Listing the paths of an automaton, shortest first, lazily and within a budget.

:class:`Enumerator` explores the subset construction of an NFA best first,
guided by each state's distance to acceptance, from any set of start states
(so one automaton serves every flow of an FEC).  A node holds its prefix
spelled out (up to ``_SPELLED`` letters; linked to its parent beyond), and
each explored node adds at most two entries to the frontier (its best child,
and a cursor to its next sibling), so listing ``k`` paths of length ``L``
holds O(k × L) nodes of bounded size whatever the fan-out and the loops —
and every entry made is counted as work for the budget's clock.

>>> from rela.automata.nfa import Nfa, concat, star, union
>>> a = concat(Nfa.letter(1), star(union(Nfa.letter(2), Nfa.letter(3))))
>>> Enumerator(a).words(limit=4)
([(1,), (1, 2), (1, 3), (1, 2, 2)], True)
>>> Enumerator(a, order=lambda x: -x).words(limit=3)
([(1,), (1, 3), (1, 2)], True)
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any

from rela.automata.budget import ARC_UNITS, Budget
from rela.automata.nfa import Nfa, closure

__all__ = ["Subsets", "Enumerator", "enumerate_words", "distances"]

Word = tuple[int, ...]
#: A live subset: one state as itself, more as a frozenset.
Subset = int | frozenset[int]
#: A subset's child: (distance to acceptance, (letter,), live successor, accepts).
Child = tuple[int, tuple[int], Subset, bool]
#: A child before it is sorted: (h, order key, rank, child).
Ranked = tuple[int, Any, int, Child]
_child = itemgetter(3)
_letter = itemgetter(0)
_target = itemgetter(1)
#: Entries made between two reports to the budget (its clock is looked at every
#: CLOCK_UNITS units of work, far more than this).
_BATCH = 64
#: Letters a node's prefix is spelled out to (beyond, it links to its parent): a
#: word is then ready when its node accepts, and nodes stay of bounded size.
_SPELLED = 64


class Subsets:
    """Lazy subset construction of one NFA: start subset and successors of a subset."""

    __slots__ = ("nfa", "index", "has_eps", "finals", "_closures")

    def __init__(self, nfa: Nfa) -> None:
        self.nfa = nfa
        self.index = nfa.index()
        self.has_eps = nfa.has_epsilon()
        self.finals = nfa.finals
        # Many letters often lead to the same set (every flow tag to one hub):
        # close each set once, and share the result.
        self._closures: dict[frozenset[int], frozenset[int]] = {}

    def start(self, states: Iterable[int] | None = None) -> frozenset[int]:
        states = self.nfa.starts if states is None else frozenset(states)
        return closure(self.nfa, states) if self.has_eps else frozenset(states)

    def moves(self, subset: frozenset[int]) -> dict[int, frozenset[int]]:
        idx = self.index
        acc: dict[int, set[int]] = {}
        for q in subset:
            for x, ts in idx[q].items():
                s = acc.get(x)
                if s is None:
                    acc[x] = set(ts)
                else:
                    s.update(ts)
        if not self.has_eps:
            return {x: frozenset(s) for x, s in acc.items()}
        out = {}
        closures = self._closures
        for x, s in acc.items():
            key = frozenset(s)
            got = closures.get(key)
            if got is None:
                got = closures[key] = closure(self.nfa, key)
            out[x] = got
        return out


def distances(a: Nfa, budget: Budget | None = None) -> list[int]:
    """Fewest letters from each state to a final state (-1: none), by breadth-first
    search backwards (epsilon moves cost nothing)."""
    preds: list[list[int]] = [[] for _ in range(a.n)]
    for q, row in enumerate(a.arcs):
        if len(row) == 1:
            preds[row[0][1]].append(q)
        else:  # each target once (graph automata have a letter per interface)
            for t in set(map(_target, row)):
                preds[t].append(q)
    eps_preds = _eps_preds(a) if a.has_epsilon() else None
    if budget is not None:
        budget.work(a.n + sum(map(len, a.arcs)))
    dist = [-1] * a.n
    frontier = list(a.finals)
    for q in frontier:
        dist[q] = 0
    d = 0
    while frontier:
        if eps_preds is not None:
            stack = list(frontier)  # epsilon moves cost nothing: same distance
            while stack:
                q = stack.pop()
                for p in eps_preds[q]:
                    if dist[p] < 0:
                        dist[p] = d
                        frontier.append(p)
                        stack.append(p)
        d += 1
        nxt = []
        for q in frontier:
            for p in preds[q]:
                if dist[p] < 0:
                    dist[p] = d
                    nxt.append(p)
        frontier = nxt
    return dist


def _eps_preds(a: Nfa) -> list[list[int]]:
    """Per state, the states with an epsilon move to it."""
    out: list[list[int]] = [[] for _ in range(a.n)]
    for q, ts in enumerate(a.eps):
        for t in ts:
            out[t].append(q)
    return out


class Enumerator:
    """Paths of one automaton, shortest first; ties in an order fixed by ``order(letter)``
    (default: the letter itself), so the same input always lists the same paths.

    A live subset of one state is held as that state (an ``int``), a larger one as
    a ``frozenset``: listings mostly stay on single states (graph automata are
    deterministic but for the flow tag), and there a subset's children are read
    off the state's row of the index, with no set built.
    """

    def __init__(
        self,
        a: Nfa,
        order: Callable[[int], Any] | None = None,
        budget: Budget | None = None,
    ) -> None:
        self.a = a
        self.has_eps = a.has_epsilon()
        self.dist = distances(a, budget)
        self.order = order
        self._children: dict[Subset, list[Child]] = {}
        # built when first needed (sets of states, epsilon moves, letters of several
        # targets): rows of one target a letter are read off the arcs
        self._subsets: Subsets | None = None

    def subsets(self) -> Subsets:
        """The automaton's subset construction (built on first use)."""
        if self._subsets is None:
            self._subsets = Subsets(self.a)
        return self._subsets

    def start(self, starts: Iterable[int] | None = None) -> tuple[Subset, int, bool] | None:
        """The live start subset from ``starts``, its distance to acceptance and whether
        it accepts; None when nothing is accepted from there."""
        dist = self.dist
        if self.has_eps:
            states = self.subsets().start(starts)
        else:
            states = self.a.starts if starts is None else frozenset(starts)
        if len(states) == 1:
            (q,) = states
            return None if dist[q] < 0 else (q, dist[q], q in self.a.finals)
        live = frozenset(q for q in states if dist[q] >= 0)
        if not live:
            return None
        fin = not self.a.finals.isdisjoint(live)
        h = min(dist[q] for q in live)
        return (next(iter(live)) if len(live) == 1 else live), h, fin

    def children(self, subset: Subset, budget: Budget) -> list[Child]:
        """``(h, (letter,), live successor, accepts)`` of a live subset, best first
        (cached): by ``h``, then order key, then the letter's rank in the automaton's
        order.  (The letter comes as a 1-tuple: ready to extend a prefix with.)"""
        got = self._children.get(subset)
        return self._expand(subset, budget) if got is None else got

    def _expand(self, subset: Subset, budget: Budget) -> list[Child]:
        """The children of a subset not expanded yet, charged and cached."""
        if isinstance(subset, frozenset):
            ranked, size = self._set_children(subset), len(subset)
        elif self.has_eps:
            ranked, size = self._set_children(frozenset((subset,))), 1
        else:
            ranked, size = self._row_children(subset), 1
        if len(ranked) > 1:
            ranked.sort()
        budget.charge(1, len(ranked) + size)
        got = self._children[subset] = list(map(_child, ranked))
        return got

    def _row_children(self, q: int) -> list[Ranked]:
        """Children of the one state ``q`` of an automaton without epsilon moves, ranked:
        the targets of a letter with a single one need no set."""
        dist, order, finals = self.dist, self.order, self.a.finals
        arcs = self.a.arcs[q]
        if len(arcs) == 1:  # a lone child needs no order key
            x, t = arcs[0]
            h = dist[t]
            return [(h, None, 0, (h, (x,), t, t in finals))] if h >= 0 else []
        if len(set(map(_letter, arcs))) == len(arcs):
            # one target a letter: the arcs are the index's row (ranks are positions
            # in it: they order children as the count below does)
            if order is None:
                return [
                    (h, x, r, (h, (x,), t, t in finals))
                    for r, (x, t) in enumerate(arcs)
                    if (h := dist[t]) >= 0
                ]
            return [
                (h, order(x), r, (h, (x,), t, t in finals))
                for r, (x, t) in enumerate(arcs)
                if (h := dist[t]) >= 0
            ]
        out: list[Ranked] = []
        for x, ts in self.subsets().index[q].items():
            if len(ts) == 1:
                t = ts[0]
                h = dist[t]
                if h >= 0:
                    key = x if order is None else order(x)
                    out.append((h, key, len(out), (h, (x,), t, t in finals)))
            else:
                self._rank(out, x, frozenset(set(ts)))
        return out

    def _set_children(self, subset: frozenset[int]) -> list[Ranked]:
        out: list[Ranked] = []
        for x, nxt in self.subsets().moves(subset).items():
            self._rank(out, x, nxt)
        return out

    def _rank(self, out: list[Ranked], x: int, nxt: frozenset[int]) -> None:
        """The live part of ``nxt`` (reached by ``x``) added to ``out``, if any."""
        dist = self.dist
        live = [q for q in nxt if dist[q] >= 0]
        if live:
            h = min([dist[q] for q in live])
            key = x if self.order is None else self.order(x)
            fin = not self.a.finals.isdisjoint(live)
            nxt_live = live[0] if len(live) == 1 else frozenset(live)
            out.append((h, key, len(out), (h, (x,), nxt_live, fin)))

    def words(
        self,
        starts: Iterable[int] | None = None,
        limit: int = 20,
        budget: Budget | None = None,
        max_hops: int = -1,
    ) -> tuple[list[Word], bool]:
        """Up to ``limit`` distinct paths from ``starts`` (default: the start states),
        shortest first, of at most ``max_hops`` hops in all (-1: the budget's allowance
        alone); and whether more exist."""
        budget = budget or Budget()
        root = self.start(starts)
        if root is None:
            return [], False
        if limit <= 0:
            return [], True
        start, h, fin = root
        # A node is (prefix, child entry it was made from, depth, parent node): the
        # prefix spelled out up to _SPELLED letters (parent None), linked beyond
        # (prefix None), so a listing holds O(k × L) nodes of bounded size.  Heap
        # entries are (f, -depth, seq, node, kids, cursor): cursor -1 is the node
        # itself, k >= 0 "the node's k-th child (of kids), then a cursor to the next".
        node: Any = ((), (h, (), start, fin), 0, None)
        seq = 0
        heap: list[tuple[int, int, int, Any, Any, int]] = []
        out: list[Word] = []
        cache = self._children
        expand = self._expand
        push, pop, pushpop = heapq.heappush, heapq.heappop, heapq.heappushpop
        # The budget is told of the entries made (the work) in batches, when `seq`
        # reaches `due`: a call per entry would cost as much as the entry.
        due = _BATCH
        # The entry to handle next; an entry made while handling one is handed on
        # through heappushpop (which returns it at once when it is the smallest).
        entry: tuple[int, int, int, Any, Any, int] | None = (h, 0, seq, node, None, -1)
        # Hops of the words listed: taken from the allowance when the listing ends
        # (one call, not one a word); `cut`, the first word past it, then spends it.
        # `room` is the lesser of the limits (-1: none).
        allowance, taken, cut = budget.hops_left, 0, 0
        room = max_hops if allowance < 0 or 0 <= max_hops < allowance else allowance
        wanted = limit  # words still to list
        try:
            while entry is not None:
                f, neg, _, node, kids, cursor = entry
                entry = None
                if seq >= due:
                    budget.work((seq - due + _BATCH) * ARC_UNITS)
                    due = seq + _BATCH
                if cursor >= 0:  # materialise the parent's child number `cursor`
                    seq += 1
                    mine, kid, depth = seq, kids[cursor], -neg
                    parent = node
                    if depth <= _SPELLED:
                        word = parent[0] + kid[1]
                        node = (word, kid, depth, None)
                    else:
                        word, node = None, (None, kid, depth, parent)
                    # The child is handled at once (no heap round trip) when no entry
                    # comes before it: the cursor was the least, so only one as short and
                    # as deep can (made earlier, it wins the tie); the next cursor cannot.
                    if heap:
                        top = heap[0]
                        now = top[0] > f or (top[0] == f and top[1] > neg)
                    else:
                        now = True
                    cursor += 1
                    if cursor < len(kids):
                        seq += 1
                        push(heap, (kids[cursor][0] - neg, neg, seq, parent, kids, cursor))
                    if not now:
                        entry = pushpop(heap, (f, neg, mine, node, None, -1))
                        continue
                    _, _, subset, fin = kid
                else:
                    word, (_, _, subset, fin), depth, _ = node
                # The node, and straight down its first child while that one is on course:
                # it is then smaller than every entry (the node was the smallest, and the
                # child is as short and deeper), so it needs no heap operation.
                while True:
                    if fin:
                        if not wanted:
                            budget.work((seq - due + _BATCH) * ARC_UNITS)
                            return out, True
                        if word is None:
                            word = _spell(node)
                        if 0 <= room < taken + depth:
                            if not 0 <= max_hops < taken + depth:
                                cut = depth  # the allowance of listed hops is spent
                            budget.work((seq - due + _BATCH) * ARC_UNITS)
                            return out, True
                        taken += depth
                        out.append(word)
                        wanted -= 1
                    kids = cache.get(subset)
                    if kids is None:
                        kids = expand(subset, budget)
                    if not kids:
                        break
                    depth += 1
                    first = kids[0]
                    if depth + first[0] == f:
                        if len(kids) > 1:
                            seq += 1
                            push(heap, (depth + kids[1][0], -depth, seq, node, kids, 1))
                        if depth <= _SPELLED:
                            word = word + first[1]
                            node = (word, first, depth, None)
                        else:
                            word, node = None, (None, first, depth, node)
                        _, _, subset, fin = first
                        continue
                    seq += 1
                    cursor_entry = (depth + first[0], -depth, seq, node, kids, 0)
                    entry = pushpop(heap, cursor_entry) if heap else cursor_entry
                    break
                if entry is None and heap:
                    entry = pop(heap)
            budget.work((seq - due + _BATCH) * ARC_UNITS)
            return out, False
        finally:
            if taken:
                budget.take_hops(taken)
            if cut:
                budget.take_hops(cut)  # refused: the allowance is spent


def _spell(node: Any) -> Word:
    """The word of a node deeper than _SPELLED: its spelled ancestor's, then the rest."""
    rest = []
    while node[0] is None:
        rest.append(node[1][1][0])
        node = node[3]
    rest.reverse()
    return node[0] + tuple(rest)


def enumerate_words(
    a: Nfa, limit: int, budget: Budget | None = None, order: Callable[[int], Any] | None = None
) -> tuple[list[Word], bool]:
    """Up to ``limit`` distinct paths of ``a``, shortest first; and whether more exist.

    >>> from rela.automata.nfa import union
    >>> enumerate_words(union(Nfa.letter(1), Nfa.letter(2)), limit=1)
    ([(1,)], True)
    """
    return Enumerator(a, order, budget).words(None, limit, budget)
