"""Listing the paths of an automaton, shortest first, lazily and within a budget.

:class:`Enumerator` explores the subset construction of an NFA best first,
guided by each state's distance to acceptance, from any set of start states
(so one automaton serves every flow of an FEC).  Prefixes are linked nodes,
not copied tuples, and each explored node adds at most two entries to the
frontier (its best child, and a cursor to its next sibling), so listing ``k``
paths of length ``L`` holds O(k × L) nodes whatever the fan-out and the
loops — and every node is charged to the budget.

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
from typing import Any

from rela.automata.budget import ARC_UNITS, Budget
from rela.automata.nfa import Nfa, closure

__all__ = ["Subsets", "Enumerator", "enumerate_words", "distances"]

Word = tuple[int, ...]
#: Nodes made between two reports to the budget (its clock is looked at every
#: CLOCK_UNITS units of work, far more than this).
_BATCH = 64


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
    eps_preds: list[list[int]] = [[] for _ in range(a.n)]
    for q in range(a.n):
        for _, t in a.arcs[q]:
            preds[t].append(q)
        for t in a.eps[q]:
            eps_preds[t].append(q)
    if budget is not None:
        budget.work(a.n + sum(len(p) for p in preds))
    dist = [-1] * a.n
    frontier = list(a.finals)
    for q in frontier:
        dist[q] = 0
    d = 0
    while frontier:
        stack = list(frontier)  # epsilon moves cost nothing: same distance
        while stack:
            q = stack.pop()
            for p in eps_preds[q]:
                if dist[p] < 0:
                    dist[p] = d
                    frontier.append(p)
                    stack.append(p)
        nxt = []
        for q in frontier:
            for p in preds[q]:
                if dist[p] < 0:
                    dist[p] = d + 1
                    nxt.append(p)
        frontier = nxt
        d += 1
    return dist


class Enumerator:
    """Paths of one automaton, shortest first; ties in an order fixed by ``order(letter)``
    (default: the letter itself), so the same input always lists the same paths."""

    def __init__(
        self,
        a: Nfa,
        order: Callable[[int], Any] | None = None,
        budget: Budget | None = None,
    ) -> None:
        self.a = a
        self.subsets = Subsets(a)
        self.dist = distances(a, budget)
        self.order = order
        self._children: dict[frozenset[int], list[tuple[int, Any, int, int, frozenset[int]]]] = {}

    def _live(self, subset: frozenset[int]) -> frozenset[int]:
        dist = self.dist
        return frozenset(q for q in subset if dist[q] >= 0)

    def _h(self, subset: frozenset[int]) -> int:
        dist = self.dist
        return min(dist[q] for q in subset)

    def children(
        self, subset: frozenset[int], budget: Budget
    ) -> list[tuple[int, Any, int, int, frozenset[int]]]:
        """``(h, order key, rank, letter, live successor)`` of a live subset, best first
        (cached); ``rank`` keeps letters of equal ``h`` and key in the automaton's order."""
        got = self._children.get(subset)
        if got is None:
            order = self.order
            dist = self.dist
            got = []
            for x, nxt in self.subsets.moves(subset).items():
                live = [q for q in nxt if dist[q] >= 0]
                if live:
                    h = min([dist[q] for q in live])
                    key = x if order is None else order(x)
                    got.append((h, key, len(got), x, frozenset(live)))
            got.sort()
            budget.charge(1, len(got) + len(subset))
            self._children[subset] = got
        return got

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
        start = self._live(self.subsets.start(starts))
        if not start:
            return [], False
        if limit <= 0:
            return [], True
        finals = self.a.finals
        # A node is (parent node, letter, subset, depth); heap entries are
        # (f, -depth, seq, node, cursor): cursor -1 is the node itself,
        # k >= 0 is "the node's k-th child, then a cursor to the next one".
        root = (None, -1, start, 0)
        seq = 0
        heap: list[tuple[int, int, int, Any, int]] = []
        out: list[Word] = []
        cache = self._children
        children = self.children
        push, pop, pushpop = heapq.heappush, heapq.heappop, heapq.heappushpop
        # Nodes made since the budget was last told (told in batches: a call per
        # node would cost as much as the node).
        steps = 0
        # The entry to handle next; an entry made while handling one is handed on
        # through heappushpop (which returns it at once when it is the smallest),
        # so a descent costs no heap operation and the order is the heap's.
        entry: tuple[int, int, int, Any, int] | None = (self._h(start), 0, seq, root, -1)
        while entry is not None:
            f, _, _, node, cursor = entry
            entry = None
            if steps >= _BATCH:
                budget.work(steps * ARC_UNITS)
                steps = 0
            if cursor >= 0:  # materialise the parent's child number `cursor`
                depth = node[3] + 1
                kids = cache.get(node[2])
                if kids is None:
                    kids = children(node[2], budget)
                h, _, _, x, nxt = kids[cursor]
                seq += 1
                child = (depth + h, -depth, seq, (node, x, nxt, depth), -1)
                cursor += 1
                if cursor < len(kids):
                    seq += 1
                    push(heap, (depth + kids[cursor][0], -depth, seq, node, cursor))
                steps += 1
                entry = pushpop(heap, child) if heap else child
                continue
            while True:  # the node, and straight down while it has one child on course
                subset = node[2]
                if not finals.isdisjoint(subset):
                    if len(out) == limit:
                        budget.work(steps * ARC_UNITS)
                        return out, True
                    word = _spell(node)
                    if 0 <= max_hops < len(word) or not budget.take_hops(len(word)):
                        budget.work(steps * ARC_UNITS)
                        return out, True  # the allowance of listed hops is spent
                    if max_hops >= 0:
                        max_hops -= len(word)
                    out.append(word)
                kids = cache.get(subset)
                if kids is None:
                    kids = children(subset, budget)
                if not kids:
                    break
                depth = node[3] + 1
                if len(kids) == 1 and depth + kids[0][0] == f:
                    _, _, _, x, nxt = kids[0]
                    node = (node, x, nxt, depth)
                    steps += 1
                    continue
                seq += 1
                cursor_entry = (depth + kids[0][0], -depth, seq, node, 0)
                entry = pushpop(heap, cursor_entry) if heap else cursor_entry
                break
            if entry is None and heap:
                entry = pop(heap)
        budget.work(steps * ARC_UNITS)
        return out, False


def _spell(node: Any) -> Word:
    letters = [0] * node[3]
    i = node[3]
    while i:
        i -= 1
        letters[i] = node[1]
        node = node[0]
    return tuple(letters)


def enumerate_words(
    a: Nfa, limit: int, budget: Budget | None = None, order: Callable[[int], Any] | None = None
) -> tuple[list[Word], bool]:
    """Up to ``limit`` distinct paths of ``a``, shortest first; and whether more exist.

    >>> from rela.automata.nfa import union
    >>> enumerate_words(union(Nfa.letter(1), Nfa.letter(2)), limit=1)
    ([(1,)], True)
    """
    return Enumerator(a, order, budget).words(None, limit, budget)
