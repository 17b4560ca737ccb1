"""Products and subset constructions of NFAs: determinising, complementing, intersecting.

>>> from rela.automata.nfa import Nfa, accepts, union
>>> a = union(Nfa.letter(1), Nfa.letter(2))
>>> [accepts(complement(a, [1, 2, 3]), [x]) for x in (1, 2, 3)]
[False, False, True]
>>> d = determinize(a)
>>> accepts(intersect(a, Nfa.letter(2)), [2]), len(d.starts), accepts(d, [2])
(True, 1, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rela.automata.nfa import Crawl, Nfa, closure, remove_epsilon

__all__ = ["complement", "determinize", "intersect"]


def determinize(
    a: Nfa, alphabet: Iterable[int] | None = None, max_states: int = 0, *, budget: Any = None
) -> Nfa:
    """The subset construction (epsilon moves allowed); complete over ``alphabet`` if given.

    With an alphabet, every state has one arc per letter (a dead state is added
    when needed), which is what :func:`complement` relies on.  ``budget`` (a
    :class:`~rela.automata.decide.Budget`) is charged every new state: its
    state and time limits raise :class:`~rela.errors.ResourceLimitError`.
    """
    letters = sorted(set(alphabet)) if alphabet is not None else None
    idx = a.index()
    start = closure(a, a.starts)
    ids: dict[frozenset[int], int] = {start: 0}
    todo = [start]
    arcs: list[list[tuple[int, int]]] = [[]]
    finals: set[int] = set()
    while todo:
        subset = todo.pop()
        sid = ids[subset]
        if subset & a.finals:
            finals.add(sid)
        moves: dict[int, set[int]] = {}
        for q in subset:
            for x, ts in idx[q].items():
                moves.setdefault(x, set()).update(ts)
        keys = letters if letters is not None else sorted(moves)
        for x in keys:
            target = closure(a, moves.get(x, ()))
            tid = ids.get(target)
            if tid is None:
                tid = ids[target] = len(arcs)
                arcs.append([])
                todo.append(target)
                if budget is not None:
                    budget.charge(1, len(target) + len(keys))
                if max_states and len(arcs) > max_states:
                    from rela.errors import ResourceLimitError

                    raise ResourceLimitError(
                        f"automaton exceeds {max_states} states while determinizing"
                    )
            arcs[sid].append((x, tid))
    return Nfa(len(arcs), [0], finals, arcs)


def complement(a: Nfa, alphabet: Iterable[int], max_states: int = 0, *, budget: Any = None) -> Nfa:
    """Every path over ``alphabet`` that ``a`` does not accept.

    Letters of ``a`` outside ``alphabet`` are ignored (paths using them are not
    paths over the alphabet).
    """
    letters = sorted(set(alphabet))
    keep = set(letters)
    restricted = Nfa(
        a.n, a.starts, a.finals, [[(x, t) for x, t in arcs if x in keep] for arcs in a.arcs], a.eps
    )
    d = determinize(restricted, letters, max_states, budget=budget)
    return Nfa(d.n, d.starts, set(range(d.n)) - d.finals, d.arcs)


def intersect(a: Nfa, b: Nfa, *, budget: Any = None) -> Nfa:
    """Paths of both ``a`` and ``b`` (product construction); ``budget`` as in :func:`determinize`."""
    a = remove_epsilon(a, budget)
    b = remove_epsilon(b, budget)
    ia, ib = a.index(), b.index()
    crawl = Crawl(budget)
    get = crawl.id
    starts = [get((s, t)) for s in a.starts for t in b.starts]
    while crawl.todo:
        p, q = pair = crawl.todo.pop()
        row = crawl.arcs[crawl.ids[pair]]
        da, db = ia[p], ib[q]
        if len(db) < len(da):
            for x, tb in db.items():
                for u in da.get(x, ()):
                    for v in tb:
                        row.append((x, get((u, v))))
        else:
            for x, ta in da.items():
                for v in db.get(x, ()):
                    for u in ta:
                        row.append((x, get((u, v))))
        crawl.arcs_added(len(row))
    finals = crawl.finals(lambda key: key[0] in a.finals and key[1] in b.finals)
    return Nfa(len(crawl.arcs), starts, finals, crawl.arcs)
