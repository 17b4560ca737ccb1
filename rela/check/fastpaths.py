"""Shortcuts that decide a comparison without building both images.

* :func:`relations_agree`: on an unchanged graph, ``pre >> R == post >> Q``
  holds when R and Q agree on the letters the graph uses.
* :class:`LazyImage` and :func:`lazy_equal`: images of deterministic graph
  automata through spec transducers, built state by state while Hopcroft–Karp
  compares them, so a difference found early costs only the states visited.

>>> from rela.automata.nfa import Nfa
>>> from rela.check.letters import FecContext
>>> ctx = FecContext([1, 2], {1: 0, 2: 0})
>>> a, b = LazyImage.of(Nfa.letter(1), None, ctx), LazyImage.of(Nfa.letter(2), None, ctx)
>>> lazy_equal(a, a, Budget()), lazy_equal(a, b, Budget())
(True, False)
"""

from __future__ import annotations

from collections import deque

from rela.automata import transducer as T
from rela.automata.budget import Budget
from rela.automata.decide import equivalent
from rela.automata.nfa import Nfa, trim
from rela.automata.transducer import Transducer
from rela.check.letters import FecContext

__all__ = ["NotDeterministic", "LazyImage", "lazy_equal", "relations_agree"]


class NotDeterministic(Exception):
    """The image being explored turned out nondeterministic (or has epsilon moves)."""


class LazyImage:
    """The image of a deterministic graph automaton through a spec transducer, built
    state by state as an equivalence check asks for it.  Raises
    :class:`NotDeterministic` when a state would need epsilon moves or two
    targets for one letter."""

    __slots__ = ("ia", "ti", "a_finals", "t_finals", "sig_of", "ctx", "ids", "pairs")

    @staticmethod
    def of(
        a: Nfa, t: Transducer | None, ctx: FecContext, budget: Budget | None = None
    ) -> LazyImage | None:
        """The lazy image of ``a`` through ``t`` (``None``: ``a`` itself); ``None`` when
        it cannot be deterministic from the start."""
        if len(a.starts) != 1 or a.has_epsilon():
            return None
        if t is not None and len(t.starts) != 1:
            return None
        return LazyImage(a, t, ctx, budget)

    def __init__(
        self, a: Nfa, t: Transducer | None, ctx: FecContext, budget: Budget | None = None
    ) -> None:
        self.ia = a.index(budget)
        self.ti = t.by_input() if t is not None else None
        self.a_finals = a.finals
        self.t_finals = t.finals if t is not None else frozenset({0})
        self.sig_of = ctx.sig_of
        self.ctx = ctx
        (sa,) = a.starts
        sq = next(iter(t.starts)) if t is not None else 0
        self.ids: dict[tuple[int, int], int] = {(sa, sq): 0}
        self.pairs: list[tuple[int, int]] = [(sa, sq)]

    def final(self, k: int) -> bool:
        p, q = self.pairs[k]
        return p in self.a_finals and q in self.t_finals

    def _id(self, pair: tuple[int, int]) -> int:
        k = self.ids.get(pair)
        if k is None:
            k = self.ids[pair] = len(self.pairs)
            self.pairs.append(pair)
        return k

    def row(self, k: int) -> dict[int, int]:
        """Letter -> successor of state ``k`` (raises :class:`NotDeterministic`)."""
        p, q = self.pairs[k]
        out: dict[int, int] = {}
        if self.ti is None:  # the graph itself
            for x, ps in self.ia[p].items():
                if len(ps) != 1:
                    raise NotDeterministic
                out[x] = self._id((ps[0], 0))
            return out
        tq = self.ti[q]
        if T.EPS in tq:
            raise NotDeterministic
        sig_of = self.sig_of
        classes = None
        for x, ps in self.ia[p].items():
            moves = tq.get(sig_of[x])
            if not moves:
                continue
            if len(ps) != 1:
                raise NotDeterministic
            for o, q2 in moves:
                target = self._id((ps[0], q2))
                if o == T.COPY:
                    letters: tuple[int, ...] = (x,)
                elif o == T.EPS:
                    raise NotDeterministic
                else:
                    if classes is None:
                        classes = self.ctx.class_letters()
                    letters = classes.get(o, ())
                for y in letters:
                    if out.setdefault(y, target) != target:
                        raise NotDeterministic
        return out


def lazy_equal(a: LazyImage, b: LazyImage, budget: Budget) -> bool:
    """Hopcroft–Karp over two lazily built deterministic images (dead state: -1)."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(x: tuple[int, int]) -> tuple[int, int]:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    dead = (2, -1)
    rows: list[dict[int, dict[int, int]]] = [{}, {}]
    sides = (a, b)

    def row(side: int, k: int) -> dict[int, int]:
        if k < 0:
            return {}
        got = rows[side].get(k)
        if got is None:
            got = rows[side][k] = sides[side].row(k)
        return got

    def final(side: int, k: int) -> bool:
        return k >= 0 and sides[side].final(k)

    parent[find((0, 0))] = find((1, 0))
    queue: deque[tuple[int, int]] = deque([(0, 0)])
    steps = 0
    while queue:
        p, q = queue.popleft()
        if final(0, p) != final(1, q):
            return False
        steps += 1
        if steps & 255 == 0:
            budget.charge(256)
        rp, rq = row(0, p), row(1, q)
        for x in rp.keys() | rq.keys():
            np_, nq = rp.get(x, -1), rq.get(x, -1)
            ra = find((0, np_) if np_ >= 0 else dead)
            rb = find((1, nq) if nq >= 0 else dead)
            if ra == rb:
                continue
            parent[ra] = rb
            queue.append((np_, nq))
    return True


def arc_language(t: Transducer, inputs: frozenset[int]) -> Nfa:
    """``t`` restricted to the given input letters, as an automaton over its arc labels."""
    width = 1 << 32
    arcs = [
        [((i + 3) * width + (o + 3), d) for i, o, d in row if i == T.EPS or i in inputs]
        for row in t.arcs
    ]
    return trim(Nfa(t.n, t.starts, t.finals, arcs))


def relations_agree(r: Transducer, q: Transducer, inputs: frozenset[int], budget: Budget) -> bool:
    """Whether ``r`` and ``q``, restricted to the input signatures ``inputs``, are the same
    transducer language — then ``pre >> r == post >> q`` on any graph over those inputs
    with ``pre == post``.

    R and Q read as automata over (input, output) arc labels: equal label
    languages mean equal relations, so both images of the graph are equal.
    """
    return equivalent(arc_language(r, inputs), arc_language(q, inputs), budget) is None
