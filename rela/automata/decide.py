"""Deciding equality and inclusion on the fly, and enumerating paths shortest first.

:func:`equivalent` is Hopcroft–Karp's algorithm on the two subset
constructions, explored breadth first and merged with union-find: it stops at
the first pair of subsets that disagree on acceptance and returns the word that
reached it.  Nothing is determinised beyond what the check visits.

>>> from rela.automata.nfa import Nfa, union
>>> a, b = Nfa.letter(1), union(Nfa.letter(1), Nfa.letter(2))
>>> equivalent(a, a) is None, equivalent(a, b)
(True, (2,))
>>> enumerate_words(b, limit=1)
([(1,)], True)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Hashable, Iterable, Sequence
from operator import eq
from typing import TypeVar

from rela.automata.budget import Budget
from rela.automata.enumerate import Subsets, enumerate_words
from rela.automata.nfa import Nfa, remove_epsilon, trim, trim_reached

__all__ = [
    "Budget",
    "equivalent",
    "included",
    "enumerate_words",
    "difference",
    "count_words",
]

Word = tuple[int, ...]
#: A state of the deterministic side of a difference: a state, or a subset of states.
S = TypeVar("S", bound=Hashable)
#: What is known of two automata ``a`` and ``b`` (see :func:`difference`): a token per
#: state of ``a``, and for a state of ``b`` the tokens of the states of ``a`` whose
#: paths are all its paths.
Known = tuple[Sequence[Hashable | None], Callable[[int], Collection[Hashable]]]


_NO_BUDGET = Budget()


def _word(parents: dict, node) -> Word:
    letters = []
    while True:
        prev = parents[node]
        if prev is None:
            break
        node, x = prev
        letters.append(x)
    return tuple(reversed(letters))


def _deterministic(a: Nfa) -> bool:
    """One start state, no epsilon moves, at most one target per (state, letter)."""
    if len(a.starts) != 1 or a.has_epsilon():
        return False
    return all(len(ts) == 1 for d in a.index() for ts in d.values())


def _equivalent_dfa(a: Nfa, b: Nfa, budget: Budget) -> Word | None:
    """Hopcroft–Karp on two deterministic automata, states as plain ints.

    ``a``'s states keep their numbers, ``b``'s are shifted by ``a.n``, and one
    shared dead state (empty language on either side) is ``a.n + b.n``.
    """
    ia, ib = a.index(), b.index()
    off = a.n
    dead = a.n + b.n
    finals = set(a.finals) | {f + off for f in b.finals}
    rows: list[dict[int, int]] = [{x: ts[0] for x, ts in d.items()} for d in ia]
    rows += [{x: ts[0] + off for x, ts in d.items()} for d in ib]
    rows.append({})
    parent = list(range(dead + 1))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    (sa,) = a.starts
    (sb,) = b.starts
    start = (sa, sb + off)
    parents: dict[tuple[int, int], tuple[tuple[int, int], int] | None] = {start: None}
    parent[find(sa)] = find(sb + off)
    queue = deque([start])
    steps = 0
    while queue:
        pair = queue.popleft()
        p, q = pair
        if (p in finals) != (q in finals):
            return _word(parents, pair)
        steps += 1
        if steps & 255 == 0:
            budget.charge(256)
        rp, rq = rows[p], rows[q]
        for x in rp.keys() | rq.keys():
            np_, nq = rp.get(x, dead), rq.get(x, dead)
            ra, rb = find(np_), find(nq)
            if ra == rb:
                continue
            parent[ra] = rb
            nxt = (np_, nq)
            parents.setdefault(nxt, (pair, x))
            queue.append(nxt)
    return None


def equivalent(a: Nfa, b: Nfa, budget: Budget = _NO_BUDGET) -> Word | None:
    """``None`` when ``a`` and ``b`` accept the same paths, else a word in exactly one."""
    if _deterministic(a) and _deterministic(b):
        return _equivalent_dfa(a, b, budget)
    sa, sb = Subsets(a), Subsets(b)
    empty: frozenset[int] = frozenset()
    start = (sa.start(), sb.start())
    uf: dict[frozenset[int] | tuple[str, frozenset[int]], object] = {}

    def find(x):
        root = x
        while uf.get(root, root) != root:
            root = uf[root]
        while uf.get(x, x) != root:
            uf[x], x = root, uf[x]
        return root

    def key_a(s: frozenset[int]) -> tuple[str, frozenset[int]]:
        return ("a", s)

    def key_b(s: frozenset[int]) -> tuple[str, frozenset[int]]:
        return ("b", s)

    parents: dict[tuple[frozenset[int], frozenset[int]], tuple | None] = {start: None}
    ra, rb = find(key_a(start[0])), find(key_b(start[1]))
    uf[ra] = rb
    queue = deque([start])
    while queue:
        pair = queue.popleft()
        pa, pb = pair
        if bool(pa & sa.finals) != bool(pb & sb.finals):
            return _word(parents, pair)
        budget.charge(1, len(pa) + len(pb))
        ma, mb = sa.moves(pa), sb.moves(pb)
        for x in ma.keys() | mb.keys():
            na, nb = ma.get(x, empty), mb.get(x, empty)
            if not na and not nb:
                continue
            fa, fb = find(key_a(na)), find(key_b(nb))
            if fa == fb:
                continue
            uf[fa] = fb
            nxt = (na, nb)
            if nxt not in parents:
                parents[nxt] = (pair, x)
            queue.append(nxt)
    return None


def included(a: Nfa, b: Nfa, budget: Budget = _NO_BUDGET) -> Word | None:
    """``None`` when every path of ``a`` is a path of ``b``, else a shortest one that is not."""
    sa, sb = Subsets(a), Subsets(b)
    empty: frozenset[int] = frozenset()
    start = (sa.start(), sb.start())
    parents: dict[tuple[frozenset[int], frozenset[int]], tuple | None] = {start: None}
    queue = deque([start])
    while queue:
        pair = queue.popleft()
        pa, pb = pair
        if pa & sa.finals and not pb & sb.finals:
            return _word(parents, pair)
        budget.charge(1, len(pa) + len(pb))
        mb = sb.moves(pb)
        for x, na in sa.moves(pa).items():
            if not na:
                continue
            nxt = (na, mb.get(x, empty))
            if nxt not in parents:
                parents[nxt] = (pair, x)
                queue.append(nxt)
    return None


def difference(a: Nfa, b: Nfa, budget: Budget = _NO_BUDGET, known: Known | None = None) -> Nfa:
    """Paths of ``a`` that are not paths of ``b``.

    The product of ``a`` with the subset construction of ``b``, built only
    along ``a``'s arcs: complementing ``b`` over all of ``a``'s letters first
    costs states x letters (minutes and gigabytes for an FEC of 2,000 locations).
    A deterministic ``b`` (one start, no epsilon move, one target per letter) is
    followed state by state instead of subset by subset: the same product, numbered
    the same, without building subsets.

    ``known``: a token per state of ``a`` (or ``None``), and for a state ``q`` of ``b``
    the tokens of states of ``a`` whose paths are all paths of ``q``.  A pair of a
    state of ``a`` and a subset holding such a ``q`` accepts no path of the
    difference, nor does any pair it leads to: it is not built.  The result is the
    same (states are numbered in the order they are met, which such pairs do not
    change), built from fewer pairs.
    """
    if a.has_epsilon():
        known = None  # removing epsilon moves trims, which renumbers a's states
    a = remove_epsilon(a, budget)
    ta, covers = known if known is not None else (None, _nothing)
    if _one_target_each(b):
        ib = b.index()

        def b_moves(q: int) -> tuple[dict[int, int], int]:
            return {x: ts[0] for x, ts in ib[q].items()}, 1

        def b_covers(q: int) -> Collection[Hashable]:
            return covers(q) if q >= 0 else ()

        (start_b,) = b.starts
        b_finals = b.finals
        return _minus(a, (start_b, -1), b_moves, b_finals.__contains__, budget, ta, b_covers)
    sb = Subsets(b)

    def b_subset_moves(s: frozenset[int]) -> tuple[dict[int, frozenset[int]], int]:
        return sb.moves(s), len(s)

    def b_subset_covers(s: frozenset[int]) -> Collection[Hashable]:
        return set().union(*map(covers, s))

    empty: frozenset[int] = frozenset()
    b_finals = b.finals

    def accepted(s: frozenset[int]) -> bool:
        return not s.isdisjoint(b_finals)

    return _minus(a, (sb.start(), empty), b_subset_moves, accepted, budget, ta, b_subset_covers)


def _nothing(q: int) -> Collection[Hashable]:
    return ()


def _one_target_each(b: Nfa) -> bool:
    """Whether ``b`` is deterministic: one start, no epsilon move, and no two arcs of a
    state with the same letter (a repeated arc counts as two: such ``b`` take the
    general way, which is as exact)."""
    if len(b.starts) != 1 or b.has_epsilon():
        return False
    return all(map(eq, map(len, b.index()), map(len, b.arcs)))


#: A pair of :func:`_minus` known to accept nothing (never numbered).
_DEAD = -2


def _minus(
    a: Nfa,
    ends: tuple[S, S],
    b_moves: Callable[[S], tuple[dict[int, S], int]],
    accepted: Callable[[S], bool],
    budget: Budget,
    ta: Sequence[Hashable | None] | None,
    b_covers: Callable[[S], Collection[Hashable]],
) -> Nfa:
    """The (trimmed) product of ``a`` with a deterministic automaton over states ``S`` of
    ``b`` (``b``'s states or subsets of them) whose finals are those of ``a`` not
    ``accepted`` by ``b``.  ``ends``: ``b``'s start, and its state after a letter with
    no move (no moves out); ``b_moves(s)``: letter -> successor, and its cost in subset
    elements; ``ta``, ``b_covers(s)``: the tokens of ``a``'s states, and those of the
    states whose paths are all paths of ``s`` (see :func:`difference`)."""
    start_b, dead = ends
    ia, a_finals = a.index(), a.finals
    moves: dict[S, dict[int, S]] = {dead: {}}
    covered: dict[S, Collection[Hashable]] = {}

    def known_dead(p: int, s: S) -> bool:
        """Whether every path of ``p`` is known to be a path of ``s``."""
        if ta is None or ta[p] is None:
            return False
        held = covered.get(s)
        if held is None:
            held = covered[s] = b_covers(s)
        return ta[p] in held

    # Pairs are numbered when first met and expanded last in, first out (the crawl is
    # inlined: a call per arc costs as much as the arc).
    ids: dict[tuple[int, S], int] = {}
    keys: list[tuple[int, S]] = []
    arcs: list[list[tuple[int, int]]] = []
    for p in a.starts:
        if (p, start_b) not in ids:
            ids[p, start_b] = _DEAD if known_dead(p, start_b) else len(keys)
            if ids[p, start_b] >= 0:
                keys.append((p, start_b))
                arcs.append([])
    starts = list(range(len(keys)))
    todo = list(starts)
    met = 0  # pairs met so far that the budget was charged
    while todo:
        k = todo.pop()
        p, s = keys[k]
        nexts = moves.get(s)
        if nexts is None:
            nexts, cost = b_moves(s)
            moves[s] = nexts
            budget.charge(0, cost + len(nexts))
        row = arcs[k]
        for x, targets in ia[p].items():
            s2 = nexts.get(x, dead)
            for p2 in targets:
                key = (p2, s2)
                dst = ids.get(key, -1)
                if dst < 0:
                    if dst == _DEAD:
                        continue
                    if ta is not None and known_dead(p2, s2):
                        ids[key] = _DEAD
                        continue
                    dst = ids[key] = len(keys)
                    keys.append(key)
                    arcs.append([])
                    todo.append(dst)
                row.append((x, dst))
        budget.charge(len(keys) - met, len(row))
        met = len(keys)
    finals = [k for k, (p, s) in enumerate(keys) if p in a_finals and not accepted(s)]
    return trim_reached(len(arcs), starts, finals, arcs, None, budget)


def count_words(a: Nfa, budget: Budget = _NO_BUDGET) -> int | None:
    """The exact number of distinct paths of ``a``; ``None`` when infinite."""
    from rela.automata.products import determinize

    d = trim(determinize(trim(a), None, budget=budget))
    if not d.finals:
        return 0
    # A trimmed DFA has infinitely many words iff it has a cycle.
    order: list[int] = []
    state = [0] * d.n
    for root in range(d.n):
        if state[root]:
            continue
        stack: list[tuple[int, Iterable[tuple[int, int]]]] = [(root, iter(d.arcs[root]))]
        state[root] = 1
        while stack:
            q, it = stack[-1]
            for _, t in it:
                if state[t] == 1:
                    return None
                if state[t] == 0:
                    state[t] = 1
                    stack.append((t, iter(d.arcs[t])))
                    break
            else:
                state[q] = 2
                order.append(q)
                stack.pop()
    count = [0] * d.n
    for q in order:  # post-order: successors first
        total = 1 if q in d.finals else 0
        for _, t in d.arcs[q]:
            total += count[t]
        count[q] = total
    return sum(count[s] for s in d.starts)
