"""Exact path counts and path-set differences on small DFAs (the arithmetic of ``rela diff``).

Counting and differences work on (small, partial) DFAs of whole graphs: a
flow is what follows the start state's arc for its first location, the
product of two DFAs is a DFA, so removed/added sets are counted directly,
never enumerated, and no complete complement over every location is built.

>>> a, b = dfa(Nfa.letter(1, 2), Budget()), dfa(Nfa.letter(2, 3), Budget())
>>> state_counts(dfa_minus(a, b))[0], flow_count(a, state_counts(a), 1)
(1, 1)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

from rela.automata.decide import Budget
from rela.automata.nfa import Nfa, trim, useful_states
from rela.automata.products import determinize

__all__ = ["dfa", "dfa_minus", "ending_in", "flow_count", "start", "state_counts"]


def dfa(a: Nfa, budget: Budget) -> Nfa:
    """A trimmed DFA for ``a`` (one start state, partial: a missing arc is dead)."""
    return trim(determinize(a, None, budget.max_states))


def start(d: Nfa) -> int:
    """The start state of a DFA."""
    return next(iter(d.starts))


def flow_count(d: Nfa, counts: list[int | None], first: int) -> int | None:
    """Paths of DFA ``d`` that start with ``first``."""
    target = d.index()[start(d)].get(first)
    return counts[target[0]] if target else 0


def dfa_minus(a: Nfa, b: Nfa, budget: Budget | None = None, first: int | None = None) -> Nfa:
    """The trimmed DFA of the paths of DFA ``a`` that are not paths of DFA ``b``.

    Both must be trimmed DFAs with one start state (as :func:`dfa` makes
    them).  With ``first``, only paths whose first letter is ``first``.

    >>> a, b = dfa(Nfa.letter(1, 2), Budget()), dfa(Nfa.letter(2, 3), Budget())
    >>> state_counts(dfa_minus(a, b))[0], state_counts(dfa_minus(a, b, first=2))[0]
    (1, 0)
    """
    ia, ib = a.index(), b.index()
    dead = -1
    ids: dict[tuple[int, int], int] = {}
    todo: list[tuple[int, int]] = []
    arcs: list[list[tuple[int, int]]] = []
    finals: list[int] = []

    def get(pair: tuple[int, int]) -> int:
        k = ids.get(pair)
        if k is None:
            k = ids[pair] = len(arcs)
            arcs.append([])
            todo.append(pair)
            if budget is not None and k & 255 == 0:
                budget.check(k)
        return k

    def step(q: int, x: int) -> int:
        t = ib[q].get(x) if q != dead else None
        return t[0] if t else dead

    p0, q0 = start(a), start(b)
    if first is None:
        get((p0, q0))
    else:  # a fresh start state with the one arc ``first``
        arcs.append([])
        if first in ia[p0]:
            arcs[0].append((first, get((ia[p0][first][0], step(q0, first)))))
    while todo:
        pair = todo.pop()
        p, q = pair
        src = ids[pair]
        if p in a.finals and (q == dead or q not in b.finals):
            finals.append(src)
        for x, (p2,) in ia[p].items():
            arcs[src].append((x, get((p2, step(q, x)))))
    return trim(Nfa(len(arcs), [0], finals, arcs))


def state_counts(d: Nfa) -> list[int | None]:
    """Per state of a trimmed DFA, the number of paths from it (``None``: infinite).

    In a trimmed automaton every state reaches a final state, so a state has
    infinitely many paths exactly when it is on, or reaches, a cycle.

    >>> d = dfa(Nfa.letter(1, 2), Budget())
    >>> state_counts(d)[0], state_counts(dfa(Nfa.universal([1]), Budget()))[0]
    (2, None)
    """
    counts: list[int | None] = [0] * d.n
    state = [0] * d.n  # 0 new, 1 on the DFS stack, 2 done
    cyclic = [False] * d.n
    for root in range(d.n):
        if state[root]:
            continue
        stack: list[tuple[int, Iterator[tuple[int, int]]]] = [(root, iter(d.arcs[root]))]
        state[root] = 1
        while stack:
            q, it = stack[-1]
            for _, t in it:
                if state[t] == 1:  # a back arc: q is on a cycle
                    cyclic[q] = True
                elif state[t] == 0:
                    state[t] = 1
                    stack.append((t, iter(d.arcs[t])))
                    break
            else:  # every successor is done, or q is marked cyclic
                state[q] = 2
                stack.pop()
                counts[q] = None if cyclic[q] else _sum_counts(q in d.finals, d.arcs[q], counts)
    return counts


def _sum_counts(
    final: bool, arcs: Iterable[tuple[int, int]], counts: list[int | None]
) -> int | None:
    total = int(final)
    for _, t in arcs:
        c = counts[t]
        if c is None:
            return None
        total += c
    return total


def ending_in(d: Nfa, letters: Collection[int]) -> list[int | None]:
    """Per state of a trimmed DFA, how many of its paths end with one of ``letters``.

    Counted like :func:`state_counts` (``None``: infinitely many), on the DFA
    restricted to the paths whose last letter is in ``letters``.

    >>> d = dfa(Nfa.universal([1, 2]), Budget())
    >>> ending_in(dfa(Nfa.letter(1, 2), Budget()), {2})[0], ending_in(d, {2})[0]
    (1, None)
    """
    # states q' = (q, "ended") with "ended" true only right after a letter of ``letters``
    n = d.n
    finals = d.finals
    arcs: list[list[tuple[int, int]]] = [[] for _ in range(2 * n)]
    for q in range(n):
        for x, t in d.arcs[q]:
            target = 2 * t + (1 if x in letters else 0)
            arcs[2 * q].append((x, target))
            arcs[2 * q + 1].append((x, target))
    marked = Nfa(2 * n, [2 * q for q in range(n)], [2 * f + 1 for f in finals], arcs)
    counts = _counts_all(marked)
    return [counts[2 * q] for q in range(n)]


def _counts_all(a: Nfa) -> list[int | None]:
    """Paths from every state of a deterministic automaton that may have dead states."""
    useful = useful_states(a.starts, a.finals, [[t for _, t in arcs] for arcs in a.arcs])
    order = sorted(useful)
    new = {q: i for i, q in enumerate(order)}
    sub = Nfa(
        len(order),
        [],
        [new[f] for f in a.finals if f in new],
        [[(x, new[t]) for x, t in a.arcs[q] if t in new] for q in order],
    )
    sub_counts = state_counts(sub)
    return [sub_counts[new[q]] if q in new else 0 for q in range(a.n)]
