"""Finite-state transducers: relations between paths, over integer letters.

An arc is ``(inp, out, target)``: ``inp`` is a letter or :data:`EPS`; ``out`` is
a letter, :data:`EPS`, or :data:`COPY` — "output the letter just read".  When
letters stand for *classes* of locations (see :mod:`rela.automata.alphabet`),
``COPY`` keeps the very location read while an explicit output letter means
"any location of that class"; that distinction is what makes identity
relations exact over an open alphabet.

>>> from rela.automata.nfa import Nfa, accepts
>>> swap = product(Nfa.letter(1), Nfa.letter(2))       # {(1, 2)}
>>> accepts(image(Nfa.letter(1), swap), [2])
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rela.automata.nfa import Crawl, Nfa, trim
from rela.automata.products import complement

__all__ = [
    "EPS",
    "COPY",
    "Transducer",
    "identity",
    "product",
    "rconcat",
    "runion",
    "rstar",
    "compose",
    "domain",
    "image",
    "preimage",
    "inverse",
    "priority_union",
    "copy_first",
    "merge_bisimilar",
    "image_pairs",
    "DEAD",
]

EPS = -1
COPY = -2

Arc = tuple[int, int, int]


class Transducer:
    """A transducer: ``arcs[q]`` is a tuple of ``(inp, out, target)``."""

    __slots__ = ("n", "starts", "finals", "arcs", "_by_input", "_silent", "_written")

    def __init__(
        self,
        n: int,
        starts: Iterable[int],
        finals: Iterable[int],
        arcs: Sequence[Sequence[Arc]],
    ) -> None:
        self.n = n
        self.starts = frozenset(starts)
        self.finals = frozenset(finals)
        self.arcs: tuple[tuple[Arc, ...], ...] = tuple(tuple(a) for a in arcs)
        self._by_input: tuple[dict[int, tuple[tuple[int, int], ...]], ...] | None = None
        self._silent: frozenset[int] | None = None
        self._written: frozenset[int] | None = None
        if len(self.arcs) != n:
            raise ValueError("arcs length differs from the number of states")

    @staticmethod
    def empty() -> Transducer:
        return Transducer(1, [0], [], [()])

    def by_input(self) -> tuple[dict[int, tuple[tuple[int, int], ...]], ...]:
        """Per state: input letter (or EPS) -> ``(out, target)`` pairs (built once)."""
        if self._by_input is None:
            out = []
            for arcs in self.arcs:
                d: dict[int, list[tuple[int, int]]] = {}
                for i, o, t in arcs:
                    d.setdefault(i, []).append((o, t))
                out.append({k: tuple(v) for k, v in d.items()})
            self._by_input = tuple(out)
        return self._by_input

    def silent_states(self) -> frozenset[int]:
        """The states with a move that writes nothing (built once): only they can give an
        image epsilon moves."""
        if self._silent is None:
            self._silent = frozenset(
                q for q, row in enumerate(self.arcs) if any(o == EPS for _, o, _ in row)
            )
        return self._silent

    def written(self) -> frozenset[int]:
        """The output letters of the moves that write a letter of their own (not a copy
        of the letter read), built once."""
        if self._written is None:
            self._written = frozenset(
                o for row in self.arcs for i, o, _ in row if o != EPS and (o != COPY or i == EPS)
            )
        return self._written

    def __repr__(self) -> str:
        return f"Transducer(n={self.n}, arcs={sum(len(a) for a in self.arcs)})"


class _Builder:
    __slots__ = ("arcs", "starts", "finals")

    def __init__(self) -> None:
        self.arcs: list[list[Arc]] = []
        self.starts: set[int] = set()
        self.finals: set[int] = set()

    def state(self) -> int:
        self.arcs.append([])
        return len(self.arcs) - 1

    def embed(self, t: Transducer) -> int:
        off = len(self.arcs)
        for q in range(t.n):
            self.arcs.append([(i, o, d + off) for i, o, d in t.arcs[q]])
        return off

    def build(self) -> Transducer:
        return Transducer(len(self.arcs), self.starts, self.finals, self.arcs)


# ---------------------------------------------------------------------- constructors


def identity(a: Nfa) -> Transducer:
    """``I(a)``: every path of ``a`` related to itself."""
    arcs = [
        [(x, COPY, t) for x, t in a.arcs[q]] + [(EPS, EPS, t) for t in a.eps[q]] for q in range(a.n)
    ]
    return Transducer(a.n, a.starts, a.finals, arcs)


def product(a: Nfa, b: Nfa) -> Transducer:
    """``a x b``: every path of ``a`` related to every path of ``b``.

    Reads the input path with ``a`` (writing nothing), then writes the output
    path with ``b`` (reading nothing).
    """
    bld = _Builder()
    off_a = len(bld.arcs)
    for q in range(a.n):
        bld.arcs.append([(x, EPS, t + off_a) for x, t in a.arcs[q]])
        bld.arcs[-1].extend((EPS, EPS, t + off_a) for t in a.eps[q])
    off_b = len(bld.arcs)
    for q in range(b.n):
        bld.arcs.append([(EPS, x, t + off_b) for x, t in b.arcs[q]])
        bld.arcs[-1].extend((EPS, EPS, t + off_b) for t in b.eps[q])
    bld.starts.update(s + off_a for s in a.starts)
    for f in a.finals:
        bld.arcs[f + off_a].extend((EPS, EPS, s + off_b) for s in b.starts)
    bld.finals.update(f + off_b for f in b.finals)
    return bld.build()


def rconcat(*parts: Transducer) -> Transducer:
    """Relation concatenation: ``(x1 x2, y1 y2)`` for ``(x1, y1)`` in R1, ``(x2, y2)`` in R2."""
    if not parts:
        return Transducer(1, [0], [0], [()])
    bld = _Builder()
    prev: list[int] | None = None
    for t in parts:
        off = bld.embed(t)
        starts = [s + off for s in t.starts]
        if prev is None:
            bld.starts.update(starts)
        else:
            for f in prev:
                bld.arcs[f].extend((EPS, EPS, s) for s in starts)
        prev = [f + off for f in t.finals]
    assert prev is not None
    bld.finals.update(prev)
    return bld.build()


def runion(*parts: Transducer) -> Transducer:
    """Relation union."""
    if not parts:
        return Transducer.empty()
    bld = _Builder()
    for t in parts:
        off = bld.embed(t)
        bld.starts.update(s + off for s in t.starts)
        bld.finals.update(f + off for f in t.finals)
    return bld.build()


def rstar(t: Transducer) -> Transducer:
    """Zero or more concatenated pairs of ``t``."""
    bld = _Builder()
    hub = bld.state()
    off = bld.embed(t)
    bld.starts.add(hub)
    bld.finals.add(hub)
    bld.arcs[hub].extend((EPS, EPS, s + off) for s in t.starts)
    for f in t.finals:
        bld.arcs[f + off].append((EPS, EPS, hub))
    return bld.build()


# ---------------------------------------------------------------------- composition


def _compose_arc(i: int, o: int, i2: int, o2: int) -> tuple[int, int] | None:
    """Join arc ``(i, o)`` of R with ``(i2, o2)`` of S (R's output feeds S's input)."""
    produced = i if o == COPY else o
    if produced != i2:
        return None
    if o2 == COPY:
        return (i, o)
    return (i, o2)


def compose(r: Transducer, s: Transducer, *, budget: Any = None) -> Transducer:
    """``r ; s``: apply ``r`` first, then ``s`` (``budget`` is charged every new state)."""
    ri, si = r.arcs, s.by_input()
    crawl = Crawl(budget)
    get = crawl.id
    starts = [get((p, q)) for p in r.starts for q in s.starts]
    while crawl.todo:
        p, q = pair = crawl.todo.pop()
        out = crawl.arcs[crawl.ids[pair]]
        # S moves alone on an epsilon input.
        for o2, q2 in si[q].get(EPS, ()):
            out.append((EPS, o2, get((p, q2))))
        for i, o, p2 in ri[p]:
            if o == EPS:
                out.append((i, EPS, get((p2, q))))
                continue
            if i == EPS and o == COPY:  # cannot happen: COPY needs an input letter
                continue
            produced = i if o == COPY else o
            for o2, q2 in si[q].get(produced, ()):
                joined = _compose_arc(i, o, produced, o2)
                if joined is not None:
                    out.append((joined[0], joined[1], get((p2, q2))))
        crawl.arcs_added(len(out))
    finals = crawl.finals(lambda key: key[0] in r.finals and key[1] in s.finals)
    return Transducer(len(crawl.arcs), starts, finals, crawl.arcs)


def domain(t: Transducer) -> Nfa:
    """The paths ``t`` relates to something (input projection)."""
    arcs: list[list[tuple[int, int]]] = []
    eps: list[list[int]] = []
    for q in range(t.n):
        arcs.append([(i, d) for i, _, d in t.arcs[q] if i != EPS])
        eps.append([d for i, _, d in t.arcs[q] if i == EPS])
    return trim(Nfa(t.n, t.starts, t.finals, arcs, eps))


def image(
    a: Nfa,
    t: Transducer,
    *,
    budget: Any = None,
    read: Callable[[int], int] | None = None,
    write: Callable[[int], Iterable[int]] | None = None,
) -> Nfa:
    """``a >> t``: every output of ``t`` on an input path of ``a`` (``budget``: see compose).

    ``a`` and ``t`` may use different alphabets: ``read(x)`` is the letter of
    ``t`` that reads ``a``'s letter ``x``, and ``write(o)`` the letters of the
    result an output ``o`` of ``t`` stands for.  The checker reads FEC letters
    with a spec transducer over signatures this way (an identity arc still
    copies the very letter read).  By default both are the identity.
    """
    starts, finals, arcs, eps, _ = image_pairs(a, t, budget, read, write, {})
    return Nfa(len(arcs), starts, finals, arcs, eps)


def _writer(write: Callable[[int], Iterable[int]] | None) -> Callable[[int], tuple[int, ...]]:
    """``write`` as tuples, each built once."""
    written: dict[int, tuple[int, ...]] = {}

    def letters_of(o: int) -> tuple[int, ...]:
        got = written.get(o)
        if got is None:
            got = written[o] = (o,) if write is None else tuple(write(o))
        return got

    return letters_of


#: In the ``skip`` of :func:`image_pairs`, a pair not to build (it reaches no final pair).
DEAD = -2


def image_pairs(
    a: Nfa,
    t: Transducer,
    budget: Any,
    read: Callable[[int], int] | None,
    write: Callable[[int], Iterable[int]] | None,
    skip: dict[int, int],
) -> tuple[
    list[int], list[int], list[list[tuple[int, int]]], list[list[int]], list[tuple[int, int]]
]:
    """The pairs of :func:`image`, numbered as met and expanded last in, first out:
    starts, finals, arcs, epsilon moves, and the pair (state of ``a``, state of ``t``)
    of each state.  ``skip`` maps the pairs not to build (nor to enter), each pair
    ``(p, q)`` as the number ``p * t.n + q``, to :data:`DEAD`; it is filled in with the
    numbers of the pairs built."""
    letters_of = _writer(write)
    ids = skip
    ia, ti, tn = a.index(), t.by_input(), t.n
    a_eps = a.eps if a.has_epsilon() else None
    # The crawl is inlined (a call per arc costs as much as the arc); a pair (p, q) is
    # the number p * tn + q (cheaper to hash than a tuple).
    keys: list[int] = []
    arcs: list[list[tuple[int, int]]] = []
    eps: list[list[int]] = []
    todo: list[int] = []

    def get(key: int) -> int:
        k = ids.get(key, -1)
        if k == -1:
            k = ids[key] = len(keys)
            keys.append(key)
            arcs.append([])
            eps.append([])
            todo.append(k)
        return k

    starts = [k for p in a.starts for q in t.starts if (k := get(p * tn + q)) >= 0]
    met = 0  # pairs met so far that the budget was charged
    while todo:
        src = todo.pop()
        p, q = divmod(keys[src], tn)
        row, erow = arcs[src], eps[src]
        if a_eps is not None:
            erow.extend([k for p2 in a_eps[p] if (k := get(p2 * tn + q)) >= 0])
        tq = ti[q]
        for o, q2 in tq.get(EPS, ()):
            dst = get(p * tn + q2)
            if dst < 0:
                continue
            if o == EPS:
                erow.append(dst)
            else:
                row.extend([(y, dst) for y in letters_of(o)])
        for x, p_targets in ia[p].items():
            moves = tq.get(x if read is None else read(x))
            if not moves:
                continue
            for o, q2 in moves:
                for p2 in p_targets:
                    key = p2 * tn + q2
                    dst = ids.get(key, -1)
                    if dst < 0:
                        if dst == DEAD:
                            continue
                        dst = ids[key] = len(keys)
                        keys.append(key)
                        arcs.append([])
                        eps.append([])
                        todo.append(dst)
                    if o == COPY:
                        row.append((x, dst))
                    elif o == EPS:
                        erow.append(dst)
                    else:
                        row.extend([(y, dst) for y in letters_of(o)])
        if budget is not None:
            budget.charge(len(keys) - met, len(row) + len(erow))
            met = len(keys)
    pairs = [divmod(key, tn) for key in keys]
    a_finals, t_finals = a.finals, t.finals
    finals = [k for k, (p, q) in enumerate(pairs) if p in a_finals and q in t_finals]
    return starts, finals, arcs, eps, pairs


def inverse(t: Transducer) -> Transducer:
    """The converse relation: ``(y, x)`` for every ``(x, y)`` of ``t``."""
    arcs = []
    for q in range(t.n):
        row = []
        for i, o, d in t.arcs[q]:
            if o == COPY:
                row.append((i, COPY, d))
            else:
                row.append((o, i, d))
        arcs.append(row)
    return Transducer(t.n, t.starts, t.finals, arcs)


def preimage(t: Transducer, a: Nfa, *, budget: Any = None) -> Nfa:
    """``t << a``: the inputs of ``t`` that have an output in ``a``."""
    return trim(image(a, inverse(t), budget=budget))


def priority_union(
    r: Transducer, s: Transducer, locations: Iterable[int], *, budget: Any = None
) -> Transducer:
    """``r // s``: ``s`` on the inputs ``s`` accepts, ``r`` on every other input.

    ``locations`` is the alphabet that complements range over; ``budget``: see compose.
    """
    not_dom_s = complement(domain(s), locations, budget=budget)
    return runion(s, compose(identity(not_dom_s), r, budget=budget))


def copy_first(t: Transducer, inputs: Iterable[int]) -> Transducer:
    """Read one letter of ``inputs`` and write it unchanged, then behave as ``t``.

    >>> from rela.automata.nfa import Nfa, accepts
    >>> swap = copy_first(product(Nfa.letter(1), Nfa.letter(2)), [7, 8])
    >>> accepts(image(Nfa(3, [0], [2], [[(8, 1)], [(1, 2)], []]), swap), [8, 2])
    True
    """
    start = t.n
    arcs = [*t.arcs, [(i, COPY, s) for i in inputs for s in sorted(t.starts)]]
    return Transducer(t.n + 1, [start], t.finals, arcs)


def merge_bisimilar(t: Transducer, budget: Any = None) -> Transducer:
    """``t`` with bisimilar states merged: same relation, often half the states.

    Two states are bisimilar when both or neither are final and, for every
    arc label ``(inp, out)``, their arcs lead to the same classes of states
    (partition refinement from final / not final).  Spec transducers built
    from unions and ``else`` have many such states (one copy per branch of
    the same continuation); every image of a graph pays for each of them.

    >>> two = runion(identity(Nfa.letter(1)), identity(Nfa.letter(1)))
    >>> two.n, merge_bisimilar(two).n
    (4, 2)
    """
    cls = [1 if q in t.finals else 0 for q in range(t.n)]
    count = len(set(cls))
    while True:
        sigs: dict[tuple[Any, ...], int] = {}
        new = []
        for q in range(t.n):
            key = (cls[q], frozenset((i, o, cls[d]) for i, o, d in t.arcs[q]))
            new.append(sigs.setdefault(key, len(sigs)))
        if budget is not None:
            budget.charge(0, t.n + sum(len(r) for r in t.arcs))
        cls = new
        if len(sigs) == count:
            break
        count = len(sigs)
    if count == t.n:
        return t
    arcs: list[list[Arc]] = [[] for _ in range(count)]
    done = [False] * count
    for q in range(t.n):
        c = cls[q]
        if not done[c]:
            done[c] = True
            arcs[c] = list(dict.fromkeys((i, o, cls[d]) for i, o, d in t.arcs[q]))
    return Transducer(count, {cls[s] for s in t.starts}, {cls[f] for f in t.finals}, arcs)
