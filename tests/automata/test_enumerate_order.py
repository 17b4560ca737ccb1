"""The enumerator lists exactly the paths, in exactly the order, of its plain definition.

Which paths a counterexample shows when a list is cut at ``--max-paths`` depends
on the listing order (shortest first, then the best-first search's tie-breaks), so
the tuned :meth:`rela.automata.enumerate.Enumerator.words` is compared here with a
plain transcription of the search (heap of nodes and child cursors, nothing
inlined), on random automata, start sets, limits and hop allowances; both are
also checked to list only accepted words, shortest first.
"""

from __future__ import annotations

import heapq
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rela.automata.budget import Budget
from rela.automata.enumerate import Enumerator
from rela.automata.nfa import Nfa, accepts
from tests.automata.test_oracle import nfas


def plain_words(
    e: Enumerator, starts: Any, limit: int, budget: Budget, max_hops: int
) -> tuple[list[tuple[int, ...]], bool]:
    """The search of ``Enumerator.words`` written plainly (the reference)."""
    start = e._live(e.subsets.start(starts))
    if not start:
        return [], False
    if limit <= 0:
        return [], True
    finals = e.a.finals
    seq = 0
    heap: list[Any] = [(e._h(start), 0, seq, (None, -1, start, 0), -1)]
    out: list[tuple[int, ...]] = []
    while heap:
        f, _, _, node, cursor = heapq.heappop(heap)
        if cursor >= 0:
            depth = node[3]
            kids = e.children(node[2], budget)
            h, _, _, x, nxt = kids[cursor]
            seq += 1
            heapq.heappush(heap, (depth + 1 + h, -(depth + 1), seq, (node, x, nxt, depth + 1), -1))
            if cursor + 1 < len(kids):
                seq += 1
                heapq.heappush(
                    heap, (depth + 1 + kids[cursor + 1][0], -(depth + 1), seq, node, cursor + 1)
                )
            continue
        while True:
            _, _, subset, depth = node
            if subset & frozenset(finals):
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
            kids = e.children(subset, budget)
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


def hops(allowance: int) -> Budget:
    """A budget whose only limit is ``allowance`` listed hops (-1: none)."""
    b = Budget()
    b.hops_left = allowance
    return b


@settings(max_examples=300, deadline=None)
@given(
    nfas(6),
    st.integers(0, 12),
    st.integers(-1, 30),
    st.integers(-1, 40),
    st.booleans(),
    st.data(),
)
def test_words_are_the_plain_search_words(
    a: Nfa, limit: int, max_hops: int, allowance: int, order_desc: bool, data: Any
) -> None:
    starts = data.draw(st.none() | st.sets(st.integers(0, a.n - 1), max_size=2))
    order = (lambda x: -x) if order_desc else None
    mine = Enumerator(a, order)
    theirs = Enumerator(a, order)
    b1, b2 = hops(allowance), hops(allowance)
    got = mine.words(starts, limit, b1, max_hops)
    expected = plain_words(theirs, starts, limit, b2, max_hops)
    assert got == expected
    assert b1.hops_left == b2.hops_left
    words, _ = got
    assert [len(w) for w in words] == sorted(len(w) for w in words)
    if starts is None:
        assert all(accepts(a, w) for w in words)
    # an enumerator is reused flow after flow: a second listing is the same
    assert mine.words(starts, limit, hops(allowance), max_hops) == plain_words(
        theirs, starts, limit, hops(allowance), max_hops
    )
