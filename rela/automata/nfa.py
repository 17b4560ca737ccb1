"""Nondeterministic finite automata over integer letters, with epsilon moves.

Letters are plain ``int``s; what they stand for (a location, a class of
locations, a marker) is decided by the caller's alphabet (see
:mod:`rela.automata.alphabet`).  States are ``0..n-1``.  An :class:`Nfa` is
never changed after construction: every operation returns a new automaton.

>>> a, b = Nfa.letter(1), Nfa.letter(2)
>>> ab = concat(a, star(b))
>>> [accepts(ab, w) for w in ([1], [1, 2, 2], [2])]
[True, True, False]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "Nfa",
    "Crawl",
    "NfaBuilder",
    "accepts",
    "closure",
    "concat",
    "is_empty",
    "remove_epsilon",
    "star",
    "trim",
    "trim_reached",
    "union",
    "useful_states",
]


class Nfa:
    """An NFA: ``arcs[q]`` is a tuple of ``(letter, target)``; ``eps[q]`` epsilon targets."""

    __slots__ = ("n", "starts", "finals", "arcs", "eps", "_index", "_rows_by")

    def __init__(
        self,
        n: int,
        starts: Iterable[int],
        finals: Iterable[int],
        arcs: Sequence[Sequence[tuple[int, int]]],
        eps: Sequence[Sequence[int]] | None = None,
    ) -> None:
        self.n = n
        self.starts = frozenset(starts)
        self.finals = frozenset(finals)
        self.arcs: tuple[tuple[tuple[int, int], ...], ...] = tuple(map(tuple, arcs))
        self.eps: tuple[tuple[int, ...], ...] = (
            tuple(map(tuple, eps)) if eps is not None else ((),) * n
        )
        self._index: tuple[dict[int, tuple[int, ...]], ...] | None = None
        self._rows_by: tuple[Any, list[Any]] | None = None
        if len(self.arcs) != n or len(self.eps) != n:
            raise ValueError("arcs/eps length differs from the number of states")

    # ------------------------------------------------------------------ constructors
    @staticmethod
    def empty() -> Nfa:
        """The automaton of the empty set of paths."""
        return Nfa(1, [0], [], [()])

    @staticmethod
    def epsilon() -> Nfa:
        """The automaton of the set holding only the empty path."""
        return Nfa(1, [0], [0], [()])

    @staticmethod
    def letter(*letters: int) -> Nfa:
        """One-letter paths, one per given letter (none given: the empty set)."""
        return Nfa(2, [0], [1], [tuple((x, 1) for x in letters), ()])

    @staticmethod
    def universal(letters: Iterable[int]) -> Nfa:
        """Every path over ``letters`` (``letters*``)."""
        return Nfa(1, [0], [0], [tuple((x, 0) for x in letters)])

    # ------------------------------------------------------------------ helpers
    def index(self, budget: Any = None) -> tuple[dict[int, tuple[int, ...]], ...]:
        """Per state, letter -> targets (built once, on first use; ``budget``'s clock is
        looked at while it is built)."""
        if self._index is None:
            out: list[dict[int, tuple[int, ...]]] = []
            for q, arcs in enumerate(self.arcs):
                row: dict[int, tuple[int, ...]] = {x: (t,) for x, t in arcs}
                out.append(row if len(row) == len(arcs) else _row_index(arcs))
                if budget is not None and q & 1023 == 1023:
                    budget.work(1024)
            self._index = tuple(out)
        return self._index

    def rows_by(self, key: Any) -> list[Any]:
        """A list of one entry per state (``None`` at first) kept with this automaton for
        the last ``key`` asked for (compared by ``==``): for rows derived from the arcs
        that several constructions over the automaton need (their callers fill in the
        entries they use)."""
        got = self._rows_by
        if got is None or got[0] != key:
            got = self._rows_by = (key, [None] * self.n)
        return got[1]

    def extended(
        self, states: Sequence[tuple[Sequence[tuple[int, int]], Sequence[int], bool]]
    ) -> Nfa:
        """This automaton plus ``states`` (arcs, epsilon targets, final), numbered from
        ``self.n`` on; the first of them is the only start.  Shares this one's index.

        >>> a = Nfa.letter(1).extended([([(2, 3)], [], False), ([(3, 0)], [], True)])
        >>> accepts(a, [2, 3, 1]), accepts(a, [2]), accepts(a, [1]), a.index()[-2:]
        (True, True, False, ({2: (3,)}, {3: (0,)}))
        """
        n = self.n
        finals = [*self.finals, *(n + k for k, (_, _, final) in enumerate(states) if final)]
        arcs = (*self.arcs, *(arcs for arcs, _, _ in states))
        eps = (*self.eps, *(eps for _, eps, _ in states))
        out = Nfa(n + len(states), [n], finals, arcs, eps)
        out._index = (*self.index(), *map(_row_index, out.arcs[n:]))
        return out

    def has_epsilon(self) -> bool:
        return any(self.eps)

    def __repr__(self) -> str:
        return f"Nfa(n={self.n}, starts={sorted(self.starts)}, finals={sorted(self.finals)})"


def _row_index(arcs: Sequence[tuple[int, int]]) -> dict[int, tuple[int, ...]]:
    """One state's arcs as letter -> targets (each target once, in the order of the arcs)."""
    d: dict[int, tuple[int, ...]] = {}
    for x, t in arcs:
        if x in d:  # a letter with several arcs: gather, then drop repeated targets
            many: dict[int, list[int]] = {}
            for y, u in arcs:
                many.setdefault(y, []).append(u)
            return {y: tuple(dict.fromkeys(us)) for y, us in many.items()}
        d[x] = (t,)
    return d


class Crawl:
    """State numbering for product constructions, shared by every one of them.

    A product state is a key (a pair of states, or a state and a subset); it
    gets the next number when first met, an empty row of arcs (and of epsilon
    moves), and goes on ``todo`` to be expanded.  ``budget`` (a
    :class:`~rela.automata.budget.Budget`) is charged for every new state;
    constructions charge the arcs they add with :meth:`arcs_added`.
    """

    __slots__ = ("ids", "todo", "arcs", "eps", "budget")

    def __init__(self, budget: Any = None) -> None:
        self.ids: dict[Any, int] = {}
        self.todo: list[Any] = []
        self.arcs: list[list[Any]] = []
        self.eps: list[list[int]] = []
        self.budget = budget

    def id(self, key: Any) -> int:
        k = self.ids.get(key)
        if k is None:
            k = self.ids[key] = len(self.arcs)
            self.arcs.append([])
            self.eps.append([])
            self.todo.append(key)
            if self.budget is not None:
                self.budget.charge(1)
        return k

    def arcs_added(self, n: int) -> None:
        """Charge ``n`` arcs just added to the budget."""
        if self.budget is not None:
            self.budget.charge(0, n)

    def finals(self, accepts: Any) -> list[int]:
        """The numbers of the keys met so far that ``accepts(key)``."""
        return [k for key, k in self.ids.items() if accepts(key)]


class NfaBuilder:
    """Mutable helper to assemble an :class:`Nfa` state by state."""

    __slots__ = ("arcs", "eps", "starts", "finals")

    def __init__(self) -> None:
        self.arcs: list[list[tuple[int, int]]] = []
        self.eps: list[list[int]] = []
        self.starts: set[int] = set()
        self.finals: set[int] = set()

    def state(self) -> int:
        self.arcs.append([])
        self.eps.append([])
        return len(self.arcs) - 1

    def embed(self, a: Nfa) -> int:
        """Copy ``a``'s states in; returns the offset of its state 0."""
        off = len(self.arcs)
        for q in range(a.n):
            self.arcs.append([(x, t + off) for x, t in a.arcs[q]])
            self.eps.append([t + off for t in a.eps[q]])
        return off

    def build(self) -> Nfa:
        return Nfa(len(self.arcs), self.starts, self.finals, self.arcs, self.eps)


# ---------------------------------------------------------------------- regular ops


def union(*parts: Nfa) -> Nfa:
    """Paths of any part."""
    b = NfaBuilder()
    for a in parts:
        off = b.embed(a)
        b.starts.update(s + off for s in a.starts)
        b.finals.update(f + off for f in a.finals)
    if not parts:
        return Nfa.empty()
    return b.build()


def concat(*parts: Nfa) -> Nfa:
    """Paths made of one path of each part, in order."""
    if not parts:
        return Nfa.epsilon()
    b = NfaBuilder()
    prev_finals: list[int] | None = None
    for a in parts:
        off = b.embed(a)
        starts = [s + off for s in a.starts]
        if prev_finals is None:
            b.starts.update(starts)
        else:
            for f in prev_finals:
                b.eps[f].extend(starts)
        prev_finals = [f + off for f in a.finals]
    assert prev_finals is not None
    b.finals.update(prev_finals)
    return b.build()


def star(a: Nfa) -> Nfa:
    """Zero or more paths of ``a`` in sequence."""
    b = NfaBuilder()
    hub = b.state()
    off = b.embed(a)
    b.starts.add(hub)
    b.finals.add(hub)
    b.eps[hub].extend(s + off for s in a.starts)
    for f in a.finals:
        b.eps[f + off].append(hub)
    return b.build()


def closure(a: Nfa, states: Iterable[int]) -> frozenset[int]:
    """The epsilon closure of a set of states."""
    eps = a.eps
    seen = set(states)
    stack = list(seen)
    while stack:
        q = stack.pop()
        for t in eps[q]:
            if t not in seen:
                seen.add(t)
                stack.append(t)
    return frozenset(seen)


def remove_epsilon(a: Nfa, budget: Any = None) -> Nfa:
    """An equivalent automaton without epsilon moves (same states); ``budget`` is charged
    the closures and arcs built."""
    if not a.has_epsilon():
        return a
    arcs: list[list[tuple[int, int]]] = []
    finals = set()
    for q in range(a.n):
        clos = closure(a, [q]) if a.eps[q] else (q,)
        seen: set[tuple[int, int]] = set()
        out: list[tuple[int, int]] = []
        for p in clos:
            if p in a.finals:
                finals.add(q)
            for x, t in a.arcs[p]:
                if (x, t) not in seen:
                    seen.add((x, t))
                    out.append((x, t))
        arcs.append(out)
        if budget is not None:
            budget.charge(0, len(clos) + len(out))
    return trim(Nfa(a.n, a.starts, finals, arcs))


def useful_states(
    starts: Iterable[int],
    finals: Iterable[int],
    successors: Sequence[Iterable[int]],
    budget: Any = None,
) -> set[int]:
    """States reachable from a start and co-reachable to a final (any automaton kind).

    ``successors[q]`` lists the targets of every move out of ``q``; ``budget``'s
    clock is looked at as states are visited.
    """
    fwd = set(starts)
    stack = list(fwd)
    steps = 0
    while stack:
        q = stack.pop()
        steps += 1
        if budget is not None and steps & 1023 == 0:
            budget.work(1024)
        for t in successors[q]:
            if t not in fwd:
                fwd.add(t)
                stack.append(t)
    preds: dict[int, list[int]] = {}
    for q in fwd:
        for t in successors[q]:
            preds.setdefault(t, []).append(q)
    if budget is not None:
        budget.work(len(fwd))
    live = {f for f in finals if f in fwd}
    stack = list(live)
    while stack:
        q = stack.pop()
        steps += 1
        if budget is not None and steps & 1023 == 0:
            budget.work(1024)
        for p in preds.get(q, ()):
            if p not in live:
                live.add(p)
                stack.append(p)
    return live


def trim(a: Nfa, budget: Any = None) -> Nfa:
    """Keep only states reachable from a start and co-reachable to a final, renumbered
    (``budget``: its clock is looked at, for automata of 10^5 states)."""
    n, arcs, eps = a.n, a.arcs, a.eps
    seen = [False] * n
    stack = list(a.starts)
    for s in stack:
        seen[s] = True
    reached = list(stack)
    with_eps = a.has_epsilon()
    steps = 0
    while stack:
        q = stack.pop()
        for _, t in arcs[q]:
            if not seen[t]:
                seen[t] = True
                stack.append(t)
                reached.append(t)
        if with_eps:
            for t in eps[q]:
                if not seen[t]:
                    seen[t] = True
                    stack.append(t)
                    reached.append(t)
        steps += 1
        if budget is not None and steps & 1023 == 0:
            budget.work(1024)
    finals = [f for f in a.finals if seen[f]]
    live = _co_reachable(arcs, eps if with_eps else None, reached, finals, budget)
    return a if len(live) == n else _keep(a.starts, a.finals, arcs, eps, live)


def trim_reached(
    n: int,
    starts: Iterable[int],
    finals: Iterable[int],
    arcs: Sequence[Sequence[tuple[int, int]]],
    eps: Sequence[Sequence[int]] | None = None,
    budget: Any = None,
) -> Nfa:
    """``trim(Nfa(n, starts, finals, arcs, eps))`` for an automaton that a start reaches
    every state of (what a :class:`Crawl` builds): only co-reachability is left to find,
    and no untrimmed automaton is built."""
    if eps is not None and not any(eps):
        eps = None
    live = _co_reachable(arcs, eps, range(n), finals, budget)
    if live and len(live) == n:
        return Nfa(n, starts, finals, arcs, eps)
    return _keep(starts, finals, arcs, eps if eps is not None else ((),) * n, live)


def _co_reachable(
    arcs: Sequence[Sequence[tuple[int, int]]],
    eps: Sequence[Sequence[int]] | None,
    reached: Iterable[int],
    finals: Iterable[int],
    budget: Any,
) -> list[int]:
    """The states of ``reached`` (closed under moves) from which one of ``finals`` (all
    in ``reached``) is reachable, in increasing order."""
    preds: list[list[int]] = [[] for _ in arcs]
    count = 0
    for q in reached:
        for _, t in arcs[q]:
            preds[t].append(q)
        if eps is not None:
            for t in eps[q]:
                preds[t].append(q)
        count += 1
    if budget is not None:
        budget.work(count)
    live = [False] * len(arcs)
    stack = list(finals)
    for f in stack:
        live[f] = True
    steps = 0
    while stack:
        for p in preds[stack.pop()]:
            if not live[p]:
                live[p] = True
                stack.append(p)
        steps += 1
        if budget is not None and steps & 1023 == 0:
            budget.work(1024)
    return [q for q, yes in enumerate(live) if yes]


def _keep(
    starts: Iterable[int],
    finals: Iterable[int],
    arcs: Sequence[Sequence[tuple[int, int]]],
    eps: Sequence[Sequence[int]],
    order: list[int],
) -> Nfa:
    """The automaton of the states ``order`` (increasing), renumbered in that order."""
    if not order:
        return Nfa.empty()
    new = [-1] * len(arcs)
    for i, q in enumerate(order):
        new[q] = i
    return Nfa(
        len(order),
        [new[s] for s in starts if new[s] >= 0],
        [new[f] for f in finals if new[f] >= 0],
        [[(x, j) for x, t in arcs[q] if (j := new[t]) >= 0] for q in order],
        [[j for t in eps[q] if (j := new[t]) >= 0] for q in order],
    )


def is_empty(a: Nfa) -> bool:
    """Whether the automaton accepts no path at all."""
    seen = set(a.starts)
    stack = list(seen)
    finals = a.finals
    while stack:
        q = stack.pop()
        if q in finals:
            return False
        for _, t in a.arcs[q]:
            if t not in seen:
                seen.add(t)
                stack.append(t)
        for t in a.eps[q]:
            if t not in seen:
                seen.add(t)
                stack.append(t)
    return True


def accepts(a: Nfa, word: Iterable[int]) -> bool:
    """Whether ``word`` is a path of ``a`` (for tests and examples)."""
    cur = closure(a, a.starts)
    idx = a.index()
    for x in word:
        nxt: set[int] = set()
        for q in cur:
            nxt.update(idx[q].get(x, ()))
        cur = closure(a, nxt)
        if not cur:
            return False
    return bool(cur & a.finals)
