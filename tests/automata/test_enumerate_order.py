"""The enumerator lists exactly the paths, in exactly the order, of its plain definition.

Which paths a counterexample shows when a list is cut at ``--max-paths`` depends
on the listing order (shortest first, then the best-first search's tie-breaks), so
the tuned :meth:`rela.automata.enumerate.Enumerator.words` is compared here with a
plain transcription of the search (frozenset subsets throughout, a heap of nodes
and child cursors, nothing inlined), on random automata — deterministic ones too,
where the tuned search holds single states as ints and reads children off the
index — start sets, limits, hop allowances and tie orders; both are also checked to
list only accepted words, shortest first, and to charge the budget alike.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from rela.automata import enumerate as enumerate_module
from rela.automata.budget import Budget
from rela.automata.enumerate import Enumerator, distances
from rela.automata.nfa import Nfa, accepts, closure
from tests.automata.test_oracle import ALPHABET, nfas

Order = Callable[[int], Any] | None
ORDERS: dict[str, Order] = {
    "letter": None,
    "descending": lambda x: -x,
    "pairs": lambda x: x // 2,  # ties of equal keys fall to the automaton's order
    "none": lambda x: 0,
}


class Plain:
    """The listing search written plainly (the reference): every subset a frozenset."""

    def __init__(self, a: Nfa, order: Order) -> None:
        self.a = a
        self.order = order
        self.dist = plain_distances(a)
        self.cache: dict[frozenset[int], list[tuple[int, Any, int, int, frozenset[int]]]] = {}

    def moves(self, subset: frozenset[int]) -> dict[int, frozenset[int]]:
        acc: dict[int, set[int]] = {}
        for q in subset:
            for x, ts in self.a.index()[q].items():
                acc.setdefault(x, set()).update(ts)
        return {x: closure(self.a, frozenset(s)) for x, s in acc.items()}

    def children(
        self, subset: frozenset[int], budget: Budget
    ) -> list[tuple[int, Any, int, int, frozenset[int]]]:
        if subset not in self.cache:
            got = []
            for x, nxt in self.moves(subset).items():
                live = [q for q in nxt if self.dist[q] >= 0]
                if live:
                    key = x if self.order is None else self.order(x)
                    got.append((min(self.dist[q] for q in live), key, len(got), x, frozenset(live)))
            got.sort()
            budget.charge(1, len(got) + len(subset))
            self.cache[subset] = got
        return self.cache[subset]

    def words(
        self, starts: Any, limit: int, budget: Budget, max_hops: int
    ) -> tuple[list[tuple[int, ...]], bool]:
        a, dist = self.a, self.dist
        first = closure(a, a.starts if starts is None else frozenset(starts))
        start = frozenset(q for q in first if dist[q] >= 0)
        if not start:
            return [], False
        if limit <= 0:
            return [], True
        seq = 0
        heap: list[Any] = [(min(dist[q] for q in start), 0, seq, (None, -1, start, 0), -1)]
        out: list[tuple[int, ...]] = []
        while heap:
            f, _, _, node, cursor = heapq.heappop(heap)
            if cursor >= 0:
                depth = node[3]
                kids = self.children(node[2], budget)
                h, _, _, x, nxt = kids[cursor]
                seq += 1
                heapq.heappush(
                    heap, (depth + 1 + h, -(depth + 1), seq, (node, x, nxt, depth + 1), -1)
                )
                if cursor + 1 < len(kids):
                    seq += 1
                    heapq.heappush(
                        heap,
                        (depth + 1 + kids[cursor + 1][0], -(depth + 1), seq, node, cursor + 1),
                    )
                continue
            while True:
                _, _, subset, depth = node
                if subset & a.finals:
                    if len(out) == limit:
                        return out, True
                    letters = []
                    n = node
                    while n[0] is not None:
                        letters.append(n[1])
                        n = n[0]
                    word = tuple(reversed(letters))
                    if 0 <= max_hops < len(word) or not budget.take_hops(len(word)):
                        return out, True
                    max_hops -= len(word) if max_hops >= 0 else 0
                    out.append(word)
                kids = self.children(subset, budget)
                if not kids:
                    break
                if len(kids) == 1 and depth + 1 + kids[0][0] == f:
                    _, _, _, x, nxt = kids[0]
                    node = (node, x, nxt, depth + 1)
                    continue
                seq += 1
                heapq.heappush(heap, (depth + 1 + kids[0][0], -(depth + 1), seq, node, 0))
                break
        return out, False


def plain_distances(a: Nfa) -> list[int]:
    """Fewest letters from each state to a final one (-1: none), as a fixed point."""
    inf = a.n + 1
    dist = [0 if q in a.finals else inf for q in range(a.n)]
    changed = True
    while changed:
        changed = False
        for q in range(a.n):
            best = min(
                [dist[q]] + [dist[t] + 1 for _, t in a.arcs[q]] + [dist[t] for t in a.eps[q]]
            )
            if best < dist[q]:
                dist[q], changed = best, True
    return [d if d < inf else -1 for d in dist]


@st.composite
def deterministic(draw: st.DrawFn, max_states: int = 7) -> Nfa:
    """Automata without epsilon moves whose letters mostly have one target (a few two):
    the shape of graph automata, where the subsets met are mostly single states."""
    n = draw(st.integers(1, max_states))
    state = st.integers(0, n - 1)
    arcs = []
    for _ in range(n):
        letters = draw(st.lists(st.sampled_from(ALPHABET), unique=True, max_size=3))
        row = [(x, draw(state)) for x in letters]
        if row and draw(st.integers(0, 4)) == 0:  # now and then a second target
            row.append((row[0][0], draw(state)))
        arcs.append(row)
    starts = draw(st.sets(state, min_size=1, max_size=2))
    finals = draw(st.sets(state, max_size=3))
    return Nfa(n, starts, finals, arcs)


def hops(allowance: int) -> Budget:
    """A budget whose only limit is ``allowance`` listed hops (-1: none)."""
    b = Budget()
    b.hops_left = allowance
    return b


@settings(max_examples=400, deadline=None)
@given(
    nfas(6) | deterministic(),
    st.integers(0, 12),
    st.integers(-1, 30),
    st.integers(-1, 40),
    st.sampled_from(sorted(ORDERS)),
    st.sampled_from([enumerate_module._SPELLED, 0, 1, 2]),
    st.data(),
)
def test_words_are_the_plain_search_words(
    a: Nfa, limit: int, max_hops: int, allowance: int, order_name: str, spelled: int, data: Any
) -> None:
    starts = data.draw(st.none() | st.sets(st.integers(0, a.n - 1), max_size=2))
    order = ORDERS[order_name]
    mine, theirs = Enumerator(a, order), Plain(a, order)
    b1, b2 = hops(allowance), hops(allowance)
    # prefixes spelled out to `spelled` letters, linked beyond: words as long either way
    with mock.patch.object(enumerate_module, "_SPELLED", spelled):
        got = mine.words(starts, limit, b1, max_hops)
    assert got == theirs.words(starts, limit, b2, max_hops)
    assert b1.hops_left == b2.hops_left
    assert b1.states == b2.states  # the same subsets charged alike: state limits bite alike
    words, _ = got
    assert [len(w) for w in words] == sorted(len(w) for w in words)
    if starts is None:
        assert all(accepts(a, w) for w in words)
    # an enumerator is reused flow after flow: a second listing is the same
    assert mine.words(starts, limit, hops(allowance), max_hops) == theirs.words(
        starts, limit, hops(allowance), max_hops
    )


@settings(max_examples=200, deadline=None)
@given(nfas(6) | deterministic())
def test_distances_are_the_fewest_letters_to_acceptance(a: Nfa) -> None:
    assert distances(a) == plain_distances(a)
