"""A forwarding graph's path set as a path expression (for explicit clauses).

State elimination (Brzozowski–McCluskey) on the graph: each node becomes a
state, the arc leaving a node reads that node's location, and nodes are
eliminated fewest-connections first.  Unions factor their common leading and
trailing parts, so ECMP fans read as ``a (b | c) d`` rather than a list of
paths; loops become ``*``.  The result denotes exactly the graph's paths.

>>> from rela.lang import format_path
>>> from rela.network.model import Graph
>>> g = Graph.from_paths([["a", "b", "d"], ["a", "c", "d"]])
>>> format_path(graph_regex(g))
'a (b | c) d'
>>> format_path(graph_regex(Graph.empty()))
'none'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rela.lang import ast
from rela.network.model import Graph

__all__ = ["graph_regex", "exact_letter", "writable", "live_nodes", "alt", "cat", "star"]

_EPS = ast.Epsilon()
Expr = ast.PathExpr


def _seq(e: Expr) -> tuple[Expr, ...]:
    if isinstance(e, ast.Epsilon):
        return ()
    if isinstance(e, ast.Concat):
        return e.parts
    return (e,)


def _from_seq(parts: Sequence[Expr]) -> Expr:
    if not parts:
        return _EPS
    if len(parts) == 1:
        return parts[0]
    return ast.Concat(tuple(parts))


def cat(*parts: Expr | None) -> Expr | None:
    """Concatenation; ``None`` is the empty set, ``()`` disappears.

    >>> from rela.lang import format_path
    >>> format_path(cat(ast.Name("a"), ast.Epsilon(), ast.Name("b")))
    'a b'
    """
    out: list[Expr] = []
    for p in parts:
        if p is None:
            return None
        out.extend(_seq(p))
    return _from_seq(out)


def star(e: Expr) -> Expr:
    if isinstance(e, ast.Epsilon):
        return e
    if isinstance(e, ast.Optional):
        e = e.operand
    if isinstance(e, ast.Star):
        return e
    return ast.Star(e)


def _common_prefix(seqs: Sequence[tuple[Expr, ...]]) -> int:
    n = min(len(s) for s in seqs)
    k = 0
    while k < n and all(s[k] == seqs[0][k] for s in seqs):
        k += 1
    return k


def alt(*parts: Expr | None) -> Expr | None:
    """Union with duplicates removed and common leading/trailing parts factored out.

    >>> from rela.lang import format_path
    >>> a, b, c = ast.Name("a"), ast.Name("b"), ast.Name("c")
    >>> format_path(alt(cat(a, b, c), cat(a, c)))
    'a b? c'
    """
    flat: list[Expr] = []
    for p in parts:
        if p is None:
            continue
        for q in p.parts if isinstance(p, ast.Alt) else (p,):
            if q not in flat:
                flat.append(q)
    if not flat:
        return None
    if len(flat) == 1:
        return flat[0]
    seqs = [_seq(p) for p in flat]
    head = _common_prefix(seqs)
    rest = [s[head:] for s in seqs]
    tail = _common_prefix([tuple(reversed(s)) for s in rest])
    if head or tail:
        middles = [s[: len(s) - tail] for s in rest]
        middle = alt(*(_from_seq(m) for m in middles))
        assert middle is not None
        return cat(_from_seq(seqs[0][:head]), middle, _from_seq(rest[0][len(rest[0]) - tail :]))
    if any(isinstance(p, ast.Epsilon) for p in flat):
        others = [p for p in flat if not isinstance(p, ast.Epsilon)]
        inner = alt(*others)
        assert inner is not None
        return inner if isinstance(inner, (ast.Star, ast.Optional)) else ast.Optional(inner)
    return ast.Alt(tuple(flat))


def live_nodes(graph: Graph) -> set[int]:
    """Nodes on some path from a source to a sink."""
    reach = set(graph.sources)
    stack = list(reach)
    while stack:
        for m in graph.succ[stack.pop()]:
            if m not in reach:
                reach.add(m)
                stack.append(m)
    preds: dict[int, list[int]] = {}
    for i, nexts in enumerate(graph.succ):
        for j in nexts:
            preds.setdefault(j, []).append(i)
    co = {s for s in graph.sinks if s in reach}
    stack = list(co)
    while stack:
        for p in preds.get(stack.pop(), ()):
            if p not in co and p in reach:
                co.add(p)
                stack.append(p)
    return co


def writable(name: str) -> bool:
    """Whether a location can be named in a spec (no empty component, at most three).

    >>> writable("core1|default"), writable("Device2436||Interface13540")
    (True, False)
    """
    parts = name.split("|")
    return 0 < len(parts) <= 3 and all(parts)


def _by_attributes(location: str) -> Expr:
    """A location no name can spell (``dev||Gi0``: no VRF): its device and attributes."""
    parts = location.split("|")
    out: list[Expr] = [ast.Name(parts[0])]
    for attr, value in zip(("vrf", "interface"), parts[1:]):
        out.append(
            ast.AttrClass(attr, "=", value)
            if value
            else ast.AttrClass(attr, "~", ".", negated=True)  # no such component
        )
    return ast.Inter(tuple(out))


def exact_letter(location: str, others: Iterable[str]) -> Expr:
    """An expression for exactly one location, even where a spec name would match more.

    A name matches every location whose components start with its own
    (``a`` matches ``a|x``): where ``others`` hold such longer locations, they
    are excluded explicitly.  A location with an empty component, which no
    name can spell, is described by its device and attributes.

    >>> from rela.lang import format_path
    >>> format_path(exact_letter("a", ["a|x", "b"])), format_path(exact_letter("b", ["a"]))
    ('a & [^"a|x"]', 'b')
    >>> format_path(exact_letter("d||Gi0", []))
    'd & [^vrf~"."] & [interface=Gi0]'
    >>> format_path(exact_letter("d", ["d||Gi0"]))
    'd & [^vrf~"."] & [^interface~"."]'
    """
    if not writable(location):
        return _by_attributes(location)
    longer = sorted({o for o in others if o.startswith(location + "|") and writable(o)})
    unwritable = sorted({o for o in others if o.startswith(location + "|") and not writable(o)})
    if not longer and not unwritable:
        return ast.Name(location)
    parts: list[Expr] = [ast.Name(location)]
    if longer:
        parts.append(ast.NameClass(tuple(map(ast.Name, longer)), negated=True))
    if unwritable:  # locations below it that no name spells: they have more components
        depth = len(location.split("|"))
        for attr in ("vrf", "interface")[depth - 1 :]:
            parts.append(ast.AttrClass(attr, "~", ".", negated=True))
    return ast.Inter(tuple(parts))


def graph_regex(graph: Graph, others: Iterable[str] = ()) -> Expr:
    """A path expression denoting exactly the paths of ``graph`` (``none`` if it has none).

    Locations that are a component prefix of one of ``others`` (or of another
    location of the graph) are written with :func:`exact_letter`.
    """
    universe = set(others) | set(graph.labels)
    letters: dict[str, Expr] = {}
    live = live_nodes(graph)
    if not live:
        return ast.EmptySet()
    start, final = -1, -2
    arcs: dict[tuple[int, int], Expr] = {}

    def add(i: int, j: int, e: Expr | None) -> None:
        merged = alt(arcs.get((i, j)), e)
        if merged is not None:
            arcs[(i, j)] = merged

    for s in graph.sources:
        if s in live:
            add(start, s, _EPS)
    for i in sorted(live):
        text = graph.labels[i]
        label = letters.get(text)
        if label is None:
            label = letters[text] = exact_letter(text, universe)
        for j in graph.succ[i]:
            if j in live:
                add(i, j, label)
        if i in graph.sinks:
            add(i, final, label)
    remaining = set(live)
    while remaining:
        k = min(remaining, key=lambda n: (_degree(arcs, n), n))
        remaining.discard(k)
        loop = arcs.pop((k, k), None)
        ins = [(i, e) for (i, j), e in arcs.items() if j == k]
        outs = [(j, e) for (i, j), e in arcs.items() if i == k]
        for i, _ in ins:
            del arcs[(i, k)]
        for j, _ in outs:
            del arcs[(k, j)]
        middle = _EPS if loop is None else star(loop)
        for i, e_in in ins:
            for j, e_out in outs:
                add(i, j, cat(e_in, middle, e_out))
    result = arcs.get((start, final))
    return ast.EmptySet() if result is None else result


def _degree(arcs: dict[tuple[int, int], Expr], n: int) -> int:
    ins = sum(1 for (i, j) in arcs if j == n and i != n)
    outs = sum(1 for (i, j) in arcs if i == n and j != n)
    return ins * outs
