"""Equality and inclusion of nondeterministic automata, decided on the fly over bitsets.

A :class:`LazySubsets` is the subset construction of an NFA that is itself
built lazily: a subclass numbers the NFA's states as it meets them
(:meth:`LazySubsets.add`) and says what leaves a state
(:meth:`LazySubsets.expand`).  A macro-state is an ``int`` whose bits are NFA
states, always closed under epsilon moves, so a union of successor sets is an
``|`` and a macro-state hashes as an integer.  :func:`equal` (Hopcroft–Karp
with union-find over the two subset constructions) and :func:`included`
explore only the macro-states the decision needs and stop at the first pair
that disagrees on acceptance: nothing is determinised, trimmed or even built
beyond that, which is what makes images of ``then``/``replace`` specs cheap
to compare although they are nondeterministic.

Every NFA state met and every macro-state expanded is charged to the
:class:`~rela.automata.budget.Budget` (in batches: a counter is bumped per
step, the budget itself is called every :data:`FLUSH_UNITS` units).

>>> from rela.automata.nfa import Nfa, union
>>> one, both = NfaSubsets(Nfa.letter(1)), NfaSubsets(union(Nfa.letter(1), Nfa.letter(2)))
>>> equal(one, NfaSubsets(Nfa.letter(1))), equal(one, both)
(True, False)
>>> included(NfaSubsets(Nfa.letter(1)), NfaSubsets(union(Nfa.letter(1), Nfa.letter(2))))
True
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from rela.automata.budget import ARC_UNITS, Budget
from rela.automata.nfa import Nfa

__all__ = ["LazySubsets", "NfaSubsets", "equal", "included", "FLUSH_UNITS"]

#: Budget units (1/ARC_UNITS of a state each) counted locally before the budget is charged.
FLUSH_UNITS = 1024

Arcs = list[tuple[int, int]]


class LazySubsets:
    """The subset construction of a lazily built NFA; macro-states are ``int`` bitsets.

    Subclasses call :meth:`add` for each NFA state they meet (it returns the
    state's number), set :attr:`starts`, and implement :meth:`expand`.
    """

    __slots__ = (
        "budget",
        "starts",
        "finals",
        "n",
        "_raw",
        "_closure",
        "_step",
        "_moves",
        "_units",
        "_dead",
    )

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.starts: list[int] = []
        #: Bitset of the final NFA states met so far.
        self.finals = 0
        self.n = 0
        self._raw: list[tuple[Arcs, list[int]] | None] = []
        self._closure: list[int] = []
        self._step: list[dict[int, int] | None] = []
        self._moves: dict[int, dict[int, int]] = {}
        self._units = 0
        self._dead = 0  # states known to reach no final state

    # ------------------------------------------------------------------ for subclasses
    def add(self, final: bool, eps_free: bool = False) -> int:
        """Number a new NFA state; ``eps_free``: it is known to have no epsilon moves
        (then its closure is itself, without expanding it)."""
        i = self.n
        self.n = i + 1
        bit = 1 << i
        if final:
            self.finals |= bit
        self._raw.append(None)
        self._closure.append(bit if eps_free else 0)
        self._step.append(None)
        self._units += ARC_UNITS
        if self._units >= FLUSH_UNITS:
            self.flush()
        return i

    def expand(self, i: int) -> tuple[Arcs, list[int]]:
        """``(letter arcs, epsilon targets)`` of NFA state ``i`` (targets numbered by add)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ subset construction
    def flush(self) -> None:
        """Charge the budget with what was counted since the last flush."""
        units, self._units = self._units, 0
        if units:
            self.budget.charge(0, units)

    def _expanded(self, i: int) -> tuple[Arcs, list[int]]:
        got = self._raw[i]
        if got is None:
            got = self._raw[i] = self.expand(i)
            self._units += len(got[0]) + len(got[1])
        return got

    def closure(self, i: int) -> int:
        """The bitset of the states reachable from ``i`` by epsilon moves (``i`` included)."""
        got = self._closure[i]
        if got:
            return got
        got = 1 << i
        stack = [i]
        while stack:
            for t in self._expanded(stack.pop())[1]:
                bit = 1 << t
                if not got & bit:
                    got |= bit
                    stack.append(t)
        self._closure[i] = got
        return got

    def step(self, i: int) -> dict[int, int]:
        """Letter -> closed bitset of the targets of ``i``'s letter arcs."""
        got = self._step[i]
        if got is None:
            got = {}
            closure = self.closure
            for x, t in self._expanded(i)[0]:
                m = closure(t)
                prev = got.get(x)
                got[x] = m if prev is None else prev | m
            self._step[i] = got
        return got

    def live(self, mask: int) -> bool:
        """Whether some word leads from the macro-state ``mask`` to acceptance (depth
        first over the NFA's states: one path to a final state is enough)."""
        if mask & self.finals:
            return True
        mask &= ~self._dead
        seen = mask
        stack = []
        while mask:
            low = mask & -mask
            mask ^= low
            stack.append(low.bit_length() - 1)
        expanded = self._expanded
        while stack:
            arcs, eps = expanded(stack.pop())
            # epsilon and letter moves alike; two loops, not chain(eps, map(...)): this is
            # every decision's inner loop, and the chained one measured 20-30% slower
            for t in eps:
                bit = 1 << t
                if not seen & bit:
                    if bit & self.finals:
                        return True
                    seen |= bit
                    stack.append(t)
            for _, t in arcs:
                bit = 1 << t
                if not seen & bit:
                    if bit & self.finals:
                        return True
                    seen |= bit
                    stack.append(t)
        self._dead |= seen  # nothing reachable from these states is final
        return False

    def start(self) -> int:
        """The start macro-state."""
        m = 0
        for s in self.starts:
            m |= self.closure(s)
        return m

    def moves(self, mask: int) -> dict[int, int]:
        """Letter -> successor macro-state of the (closed) macro-state ``mask``."""
        got = self._moves.get(mask)
        if got is not None:
            return got
        step = self.step
        if not mask & (mask - 1):  # one state
            got = step(mask.bit_length() - 1) if mask else {}
            self._units += ARC_UNITS
        else:
            got = {}
            rest, k = mask, 0
            while rest:
                low = rest & -rest
                rest ^= low
                k += 1
                for x, m in step(low.bit_length() - 1).items():
                    prev = got.get(x)
                    got[x] = m if prev is None else prev | m
            self._units += ARC_UNITS + k + len(got)
        self._moves[mask] = got
        if self._units >= FLUSH_UNITS:
            self.flush()
        return got


class NfaSubsets(LazySubsets):
    """A plain :class:`~rela.automata.nfa.Nfa` seen as a :class:`LazySubsets`."""

    __slots__ = ("nfa",)

    def __init__(self, nfa: Nfa, budget: Budget | None = None) -> None:
        super().__init__(budget if budget is not None else Budget())
        self.nfa = nfa
        finals = nfa.finals
        for q in range(nfa.n):
            self.add(q in finals)
        self.starts = sorted(nfa.starts)

    def expand(self, i: int) -> tuple[Arcs, list[int]]:
        return list(self.nfa.arcs[i]), list(self.nfa.eps[i])


def equal(a: LazySubsets, b: LazySubsets, first: Mapping[int, int] | None = None) -> bool:
    """Whether ``a`` and ``b`` accept the same words (Hopcroft–Karp, union-find over
    macro-states of both sides, depth first; stops at the first pair that disagrees)."""
    parent: dict[int, int] = {}

    def find(k: int) -> int:
        root = k
        while True:
            up = parent.get(root)
            if up is None:
                break
            root = up
        while k != root:
            up = parent[k]
            parent[k] = root
            k = up
        return root

    try:
        sa, sb = a.start(), b.start()
        parent[sa << 1] = (sb << 1) | 1
        # Depth first: a difference shows at the end of a path, reached soonest this
        # way; union-find makes the result independent of the order.
        stack = [(sa, sb)]
        while stack:
            p, q = stack.pop()
            if (not p & a.finals) != (not q & b.finals):
                return False
            mp, mq = a.moves(p), b.moves(q)
            letters = mp.keys() | mq.keys() if mp is not mq else mp.keys()
            later = []
            for x in letters:
                np_, nq = mp.get(x, 0), mq.get(x, 0)
                if not np_ or not nq:  # one side has no word with this prefix
                    if b.live(nq) if not np_ else a.live(np_):
                        return False
                    continue
                ra, rb = find(np_ << 1), find((nq << 1) | 1)
                if ra != rb:
                    parent[ra] = rb
                    # Explored first (pushed last): pairs of different sizes, then
                    # letters the caller names (``first``), then the others.
                    if np_.bit_count() != nq.bit_count():
                        later.append((np_, nq))
                    elif first is not None and first.get(x):
                        later.insert(0, (np_, nq))
                    else:
                        stack.append((np_, nq))
            stack.extend(later)
        return True
    finally:
        a.flush()
        b.flush()


def included(a: LazySubsets, b: LazySubsets) -> bool:
    """Whether every word of ``a`` is a word of ``b`` (pairs of macro-states explored
    breadth first; stops at the first word of ``a`` outside ``b``)."""
    try:
        start = (a.start(), b.start())
        seen = {start}
        queue = deque([start])
        while queue:
            p, q = queue.popleft()
            if p & a.finals and not q & b.finals:
                return False
            mq = b.moves(q)
            for x, np_ in a.moves(p).items():
                nq = mq.get(x, 0)
                if not nq:  # no word of b starts this way: one of a must not either
                    if a.live(np_):
                        return False
                    continue
                pair = (np_, nq)
                if pair not in seen:
                    seen.add(pair)
                    queue.append(pair)
        return True
    finally:
        a.flush()
        b.flush()
