"""Pattern recognition: candidate clauses from one situation's before and after paths.

Each detector looks at the paths removed (before, not after), added (after,
not before) and kept, aligned hop by hop, and proposes the clauses that would
explain what it sees (:mod:`rela.suggest.clauses`):

* one hop swapped on removed → added paths: a device **replaced** (drain /
  cost-out); on kept → added paths: a new **ECMP member** (``add``);
* an added path that skips the middle of a before path: a **new link**;
* a device or hop absent after the change: paths **removed** (``remove``), or
  the device **avoided** (``any``, broad);
* added paths ending in ``drop``: traffic **newly dropped**, at the device
  before the drop (all of it, after a hop, after a swapped hop, or the paths
  through it); removed paths ending in ``drop``: **no longer dropped**;
* a cycle in the after graph that was not there: a **loop**;
* no path after the change: **no path**.

Several edits seen on one situation are also proposed together (``p else q``).
Detectors only propose: the search keeps what verification confirms.  Paths
are enumerated up to :data:`PATH_LIMIT` per graph (shortest first; loops make
the sets infinite), which is plenty to see the pattern.

>>> from rela.network.model import Graph
>>> from rela.lang import format_spec
>>> b = Graph.from_paths([["a", "core1", "c"]])
>>> a = Graph.from_paths([["a", "core2", "c"]])
>>> [format_spec(c.body) for c in candidates(b, a)][:1]
['[^core1]* : preserve then core1 : replace(core1, core2) then [^core1]* : preserve']
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import TypeVar

import networkx as nx

from rela.lang import ast
from rela.network.model import DROP, Graph
from rela.suggest import clauses as cl
from rela.suggest.clauses import BROAD, EXACT, LOCATED, Candidate
from rela.suggest.regex import live_nodes, writable
from rela.values import frozen

__all__ = ["candidates", "combinations", "sample_paths", "PATH_LIMIT", "MINED", "WALKS"]

#: Paths enumerated per graph (shortest first).
PATH_LIMIT = 500
#: Walks explored per graph to find them.
WALKS = 5_000
#: Removed/added paths aligned per situation.
MINED = 200
#: Alternatives kept per detector (most frequent first).
TOP = 3
#: Edits combined into one clause at most.
MAX_COMBINED = 4

Path = tuple[str, ...]


@frozen
class _Facts:
    before: frozenset[Path]
    after: frozenset[Path]
    removed: tuple[Path, ...]
    added: tuple[Path, ...]
    kept: frozenset[Path]
    after_locations: frozenset[str]
    after_edges: frozenset[tuple[str, str]]
    before_edges: frozenset[tuple[str, str]]
    before_loops: frozenset[tuple[str, str]]
    after_loops: frozenset[tuple[str, str]]


def _edges(paths: Iterable[Path]) -> set[tuple[str, str]]:
    return {(p[i], p[i + 1]) for p in paths for i in range(len(p) - 1)}


def _loop_edges(graph: Graph) -> frozenset[tuple[str, str]]:
    """Location-level hops that lie on a cycle of the graph."""
    g: nx.DiGraph = nx.DiGraph()
    for i, nexts in enumerate(graph.succ):
        for j in nexts:
            g.add_edge(i, j)
    out = set()
    for comp in nx.strongly_connected_components(g):
        for i in comp:
            for j in graph.succ[i]:
                if j in comp and (len(comp) > 1 or i == j):
                    out.add((graph.labels[i], graph.labels[j]))
    return frozenset(out)


def sample_paths(graph: Graph, limit: int = PATH_LIMIT) -> frozenset[Path]:
    """Up to ``limit`` paths of the graph, shortest first (at most ``WALKS`` walks explored).

    Loops make a graph's paths infinite and its walks exponential: the walk
    budget keeps the sample small; a pattern needs a few paths, not all.

    >>> g = Graph((("a"), ("b")), ((1,), (0,)), (0,), frozenset([1]))
    >>> sorted(sample_paths(g, 3))
    [('a', 'b'), ('a', 'b', 'a', 'b'), ('a', 'b', 'a', 'b', 'a', 'b')]
    """
    live = live_nodes(graph)
    longest = 2 * len(live) + 2  # past this, a path only repeats loops already seen
    out: set[Path] = set()
    frontier: list[tuple[int, Path]] = [(s, (graph.labels[s],)) for s in graph.sources if s in live]
    walks = 0
    while frontier and len(out) < limit and walks < WALKS:
        nxt: list[tuple[int, Path]] = []
        for node, path in frontier:
            walks += 1
            if node in graph.sinks:
                out.add(path)
                if len(out) >= limit:
                    break
            if len(path) >= longest:
                continue
            for m in graph.succ[node]:
                if m in live:
                    nxt.append((m, path + (graph.labels[m],)))
        frontier = nxt[: WALKS - walks] if len(nxt) > WALKS - walks else nxt
    return frozenset(out)


def _facts(before: Graph, after: Graph) -> _Facts:
    b = sample_paths(before)
    a = sample_paths(after)
    removed = tuple(sorted(b - a, key=lambda p: (len(p), p))[:MINED])
    added = tuple(sorted(a - b, key=lambda p: (len(p), p))[:MINED])
    return _Facts(
        b,
        a,
        removed,
        added,
        b & a,
        frozenset(x for p in a for x in p),
        frozenset(_edges(a)),
        frozenset(_edges(b)),
        _loop_edges(before),
        _loop_edges(after),
    )


# ---------------------------------------------------------------------- alignment


def _one_hop(olds: Iterable[Path], news: Iterable[Path]) -> Counter[tuple[str, str]]:
    """(X, Y) pairs: an old path and a new path equal but for one hop X -> Y."""
    olds = list(olds)
    lengths = {len(p) for p in olds}
    index: dict[tuple[int, Path, Path], set[str]] = {}
    for p in itertools.islice((p for p in news if len(p) in lengths), MINED * 4):
        for i in range(len(p)):
            index.setdefault((i, p[:i], p[i + 1 :]), set()).add(p[i])
    votes: Counter[tuple[str, str]] = Counter()
    for p in olds:
        for i in range(len(p)):
            for y in index.get((i, p[:i], p[i + 1 :]), ()):
                if y != p[i] and p[i] != DROP and y != DROP:
                    votes[(p[i], y)] += 1
    return votes


def _by_prefix(paths: Iterable[Path]) -> dict[Path, list[Path]]:
    out: dict[Path, list[Path]] = {}
    for p in paths:
        for k in range(1, len(p) + 1):
            out.setdefault(p[:k], []).append(p)
    return out


K = TypeVar("K")


def _top(votes: Counter[K], n: int = TOP) -> list[K]:
    """The ``n`` most frequent keys (ties in a fixed order)."""
    return [k for k, _ in sorted(votes.items(), key=lambda kv: (-kv[1], repr(kv[0])))[:n]]


# ---------------------------------------------------------------------- detectors


def _no_path(f: _Facts) -> Iterator[Candidate]:
    if not f.before or f.after:
        return
    loops = sorted(e for e in f.after_loops if e not in f.before_edges)
    if loops:  # the traffic is caught in a forwarding loop that never exits
        v, u = loops[0]
        says = f"no path any more: caught in a forwarding loop {v} -> {u}"
        yield Candidate(cl.no_path(), "loop", says, EXACT, (v, u))
    else:
        says = "no path any more: the traffic is not forwarded"
        yield Candidate(cl.no_path(), "no-path", says, EXACT)


def _swaps(f: _Facts) -> Iterator[Candidate]:
    for x, y in _top(_one_hop(f.removed, f.after)):
        yield Candidate(
            cl.replace_device(x, y),
            "replace",
            f"{x} replaced by {y} (drain / cost-out)",
            EXACT,
            (x, y),
        )
        # the same when X still sends its own traffic (every location is a start)
        transit = (
            f"{x} replaced by {y} for traffic passing through it; its own traffic keeps its paths"
        )
        yield Candidate(cl.replace_transit(x, y), "replace", transit, EXACT, (x, y))
    for x, y in _top(_one_hop(f.kept, f.added)):
        yield Candidate(
            cl.add_member(x, y),
            "add",
            f"new equal-cost paths through {y} beside {x}",
            EXACT,
            (x, y),
        )


def _links_and_extensions(f: _Facts) -> Iterator[Candidate]:
    olds = _by_prefix(f.before)
    links: Counter[tuple[str, str]] = Counter()
    extended: Counter[tuple[str, bool]] = Counter()
    for a in f.added:
        if len(a) >= 2 and a[-1] == DROP and a[:-1] in f.before:
            extended[(a[-2], a[:-1] in f.after)] += 1
        for k in range(len(a) - 1):
            u, v = a[k], a[k + 1]
            if (u, v) in f.before_edges or DROP in (u, v):
                continue
            for b in olds.get(a[: k + 1], ()):
                if len(b) > len(a) and b[len(b) - (len(a) - k - 1) :] == a[k + 1 :]:
                    links[(u, v)] += 1
                    break
    for u, v in _top(links):
        yield Candidate(
            cl.add_link(u, v),
            "add-link",
            f"new link {u} -> {v}: traffic may take it",
            EXACT,
            (u, v),
        )
    for v, keep in _top(extended):
        says = f"paths ending at {v} now " + ("may also be" if keep else "are") + f" dropped at {v}"
        yield Candidate(cl.extend_with_drop(v, keep), "drop", says, EXACT, (v,))


def _removals(f: _Facts) -> Iterator[Candidate]:
    gone: Counter[str] = Counter()
    gone_edges: Counter[tuple[str, str]] = Counter()
    for p in f.removed:
        for x in set(p):
            if x not in f.after_locations and x != DROP:
                gone[x] += 1
        for u, v in set(_edges([p])):
            # a hop gone while both ends remain (a hop to a gone device is that device's)
            if (u, v) not in f.after_edges and {u, v} <= f.after_locations | {DROP}:
                gone_edges[(u, v)] += 1
    for x in _top(gone):
        yield Candidate(cl.remove_through(x), "remove", f"paths through {x} removed", EXACT, (x,))
    for u, v in _top(gone_edges):
        if v == DROP:
            says = f"no longer dropped at {u} (those paths removed)"
        elif (u, v) in f.before_loops:
            says = f"forwarding loop {u} -> {v} removed"
        else:
            says = f"paths over {u} -> {v} removed"
        yield Candidate(cl.remove_edge(u, v), "remove", says, EXACT, (u, v))
    # X avoided, and not dropped: an `any` that admitted `drop` would be the black-hole
    # trap of `rela lint`; traffic now dropped is told by the drop patterns (or explicitly)
    if f.after and not any(a and a[-1] == DROP for a in f.after):
        for x in _top(gone):
            says = f"{x} avoided: the traffic now takes other paths, none dropped"
            yield Candidate(cl.avoid(x), "avoid", says, BROAD, (x,))


def _drops(f: _Facts) -> Iterator[Candidate]:
    dropped = [a for a in f.added if len(a) >= 2 and a[-1] == DROP]
    if not dropped:
        return
    ends = {a[-2] for a in f.after if len(a) >= 2 and a[-1] == DROP}
    if ends and len(ends) == 1 and all(len(a) >= 2 and a[-1] == DROP for a in f.after):
        (v,) = ends
        yield Candidate(
            cl.drop_all_at(v), "drop", f"dropped at {v} (all its traffic)", LOCATED, (v,)
        )
    olds = _by_prefix(f.removed)
    after_hop: Counter[str] = Counter()
    swapped: Counter[tuple[str, str]] = Counter()
    for a in dropped:
        v, head = a[-2], a[:-1]
        if any(len(b) > len(head) for b in olds.get(head, ())):
            after_hop[v] += 1
        for b in olds.get(a[:-2], ()) if len(a) > 2 else ():
            if len(b) > len(a) - 2 and b[len(a) - 2] != v:
                swapped[(b[len(a) - 2], v)] += 1
    for x, v in _top(swapped):
        says = f"dropped at {v} ({x} replaced by {v}, which drops the traffic)"
        yield Candidate(cl.replace_then_drop(x, v), "drop", says, EXACT, (v, x))
    for v in _top(after_hop):
        yield Candidate(cl.drop_after(v), "drop", f"dropped at {v}", EXACT, (v,))
    for v in _top(Counter(a[-2] for a in dropped)):
        says = f"paths through {v} now end dropped at {v}"
        yield Candidate(cl.drop_through(v), "drop", says, LOCATED, (v,))


def _undrops(f: _Facts) -> Iterator[Candidate]:
    news = _by_prefix(f.added)
    there: Counter[str] = Counter()
    via: Counter[tuple[str, str]] = Counter()
    for b in f.removed:
        if len(b) < 2 or b[-1] != DROP:
            continue
        v, head = b[-2], b[:-1]
        if any(len(a) > len(head) and a[len(head)] != DROP for a in news.get(head, ())):
            there[v] += 1
        for a in news.get(b[:-2], ()) if len(b) > 2 else ():
            if len(a) > len(b) - 2 and a[len(b) - 2] not in (v, DROP):
                via[(v, a[len(b) - 2])] += 1
    for v in _top(there):
        says = f"no longer dropped at {v}: the traffic goes on"
        yield Candidate(cl.no_longer_dropped(v), "undrop", says, LOCATED, (v,))
    for v, x in _top(via):
        says = f"no longer dropped at {v}: the traffic goes through {x} instead"
        yield Candidate(cl.no_longer_dropped_via(v, x), "undrop", says, LOCATED, (v, x))


def _cycle(loops: frozenset[tuple[str, str]], v: str, u: str) -> tuple[str, ...] | None:
    """The shortest loop ``u ... v`` back to ``v`` over the looping hops (``v -> u`` closes it)."""
    g: nx.DiGraph = nx.DiGraph(list(loops))
    try:
        return tuple(nx.shortest_path(g, u, v))
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return None


def _loops(f: _Facts) -> Iterator[Candidate]:
    new = Counter(e for e in f.after_loops if e not in f.before_edges)
    for v, u in _top(new):
        if v not in f.after_locations:  # the loop never exits: the paths through v are gone
            says = f"forwarding loop {v} -> {u}: traffic reaching {v} never leaves the loop"
            yield Candidate(cl.remove_through(v), "loop", says, EXACT, (v, u))
        says = f"forwarding loop: traffic reaching {v} is sent back to {u}"
        yield Candidate(cl.loop_at(v, u), "loop", says, LOCATED, (v, u))
        cycle = _cycle(f.after_loops, v, u)
        if cycle is not None:
            says = f"forwarding loop: traffic reaching {v} may go round {' '.join((v, *cycle))}"
            names = tuple(dict.fromkeys((v, *cycle)))
            yield Candidate(cl.loop_added(v, cycle), "loop", says, EXACT, names)


_DETECTORS = (_no_path, _swaps, _drops, _links_and_extensions, _loops, _removals, _undrops)


def candidates(
    before: Graph,
    after: Graph,
    short: Mapping[str, str] | None = None,
    avoid: frozenset[str] = frozenset(),
) -> list[Candidate]:
    """Candidate clauses that might explain the change from ``before`` to ``after``.

    Exact and located ones first, broad ones last; no duplicates.  Combinations
    (``p else q``) are built by the search, for situations no single clause
    explains (:func:`combinations`).  ``short`` renames locations to shorter
    names that mean the same (:func:`rela.suggest.clauses.short_names`);
    clauses naming a location of ``avoid`` (a name that would also match
    other locations, or that no name can spell) are left out.  A clause that
    names interfaces (or VRFs) is also proposed with their devices instead:
    ``core1`` for every interface of core1.
    """
    f = _facts(before, after)
    found: list[Candidate] = []
    seen: set[ast.SpecExpr] = set()
    for detector in _DETECTORS:
        for c in detector(f):
            general = _by_device(c)
            if short:
                c = _renamed(c, short)
            for variant in (general, None if avoid & set(c.names) else c):
                if variant is not None and variant.body not in seen:
                    seen.add(variant.body)
                    found.append(variant)
    return sorted(found, key=lambda c: c.tier == BROAD)


def _by_device(c: Candidate) -> Candidate | None:
    """The clause with every multi-component name replaced by its device (if that differs)."""
    devices = {n: n.split("|", 1)[0] for n in c.names if "|" in n}
    if not devices or not all(writable(d) for d in devices.values()):
        return None
    return _renamed(c, devices)


def _renamed(c: Candidate, short: Mapping[str, str]) -> Candidate:
    says = c.says
    for old in sorted({n for n in c.names if n in short}, key=len, reverse=True):
        says = says.replace(old, short[old])
    names = tuple(short.get(n, n) for n in c.names)
    return Candidate(cl.rename(c.body, short), c.kind, says, c.tier, names)


def combinations(parts: list[Candidate]) -> Iterator[Candidate]:
    """Two, then all (at most :data:`MAX_COMBINED`) of ``parts`` as one clause ``p else q``.

    >>> a = Candidate(cl.remove_through("a"), "remove", "a gone", EXACT, ("a",))
    >>> b = Candidate(cl.drop_through("b"), "drop", "b drops", LOCATED, ("b",))
    >>> [c.says for c in combinations([a, b])]
    ['a gone; b drops', 'b drops; a gone']
    """
    precise = [c for c in parts if c.tier in (EXACT, LOCATED)][:6]
    groups: list[tuple[Candidate, ...]] = list(itertools.permutations(precise, 2))
    if 2 < len(precise) <= MAX_COMBINED:
        groups.append(tuple(precise))
    for group in groups:
        names = tuple(dict.fromkeys(n for c in group for n in c.names))
        yield Candidate(
            cl.combine([c.body for c in group]),
            "combined",
            "; ".join(c.says for c in group),
            max(c.tier for c in group),
            names,
        )
