"""The clauses a suggestion is made of, built as spec ASTs (never as text).

Each pattern of :mod:`rela.suggest.patterns` describes what it saw as a
:class:`Candidate`: a guard-free spec (the clause body), what it says in words,
its kind and its *tier*:

* tier 1 — **exact**: the post-change paths of the zone are a function of the
  pre-change paths (``preserve``, ``replace``, ``remove``, ``add``, ``drop``);
* tier 2 — **located but loose**: ``any`` clauses that name the device where
  something happens (dropped at V, a loop at V);
* tier 3 — **broad**: ``any`` clauses that only say which device is avoided;
  used for FECs that no tier 1–2 clause explains.

:func:`trigger_names` gives, for a clause, names such that every path in the
clause's domain passes through a location matching one of them: an FEC that
has none of these locations is untouched by the clause (it sees the rest of
the spec), which lets the search skip most checks.

>>> from rela.lang import format_spec
>>> print(format_spec(replace_device("core1", "core2")))
[^core1]* : preserve then core1 : replace(core1, core2) then [^core1]* : preserve
>>> sorted(trigger_names(replace_device("core1", "core2")))
['core1', 'core2']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from rela.lang import ast
from rela.network.model import DROP, Graph
from rela.values import frozen

__all__ = [
    "Candidate",
    "EXACT",
    "LOCATED",
    "BROAD",
    "EXPLICIT",
    "PRESERVE_ALL",
    "name",
    "not_star",
    "replace_device",
    "remove_through",
    "remove_edge",
    "add_member",
    "add_link",
    "no_path",
    "drop_all_at",
    "drop_after",
    "replace_then_drop",
    "drop_through",
    "extend_with_drop",
    "no_longer_dropped",
    "no_longer_dropped_via",
    "loop_at",
    "loop_added",
    "rename",
    "short_names",
    "avoid",
    "explicit",
    "combine",
    "trigger_names",
    "says_true",
    "may_take_in",
    "domain",
    "size",
]

EXACT, LOCATED, BROAD, EXPLICIT = 1, 2, 3, 4

T = TypeVar("T")

#: ``.* : preserve``, the final catch-all of every suggestion.
PRESERVE_ALL: ast.SpecExpr = ast.Atomic(ast.Star(ast.AnyLoc()), ast.Preserve())


@frozen
class Candidate:
    """A clause body (guard-free) with what it says, its kind and tier.

    ``names`` are the locations the clause is about, in the order a reader
    meets them (the bug's device appears here).
    """

    body: ast.SpecExpr
    kind: str
    says: str
    tier: int
    names: tuple[str, ...] = ()


# ---------------------------------------------------------------------- path helpers


def name(text: str) -> ast.Name:
    """A location name (``drop`` is the drop location; the printer quotes it)."""
    return ast.Name(text)


def _any_star() -> ast.PathExpr:
    return ast.Star(ast.AnyLoc())


def not_star(names: Sequence[str]) -> ast.PathExpr:
    """``[^a b]*``: paths that avoid every one of the names."""
    return ast.Star(ast.NameClass(tuple(name(n) for n in names), negated=True))


def _seq(*parts: ast.PathExpr) -> ast.PathExpr:
    return parts[0] if len(parts) == 1 else ast.Concat(tuple(parts))


def _through(*hops: str) -> ast.PathExpr:
    """``.* a b .*``: paths with these consecutive hops somewhere."""
    return _seq(_any_star(), *(name(h) for h in hops), _any_star())


def _then(*specs: ast.SpecExpr) -> ast.SpecExpr:
    out = specs[0]
    for s in specs[1:]:
        out = ast.Then(out, s)
    return out


def _keep(path: ast.PathExpr) -> ast.SpecExpr:
    return ast.Atomic(path, ast.Preserve())


def _dropped_at(v: str) -> ast.PathExpr:
    return _seq(_any_star(), name(v), name(DROP))


# ---------------------------------------------------------------------- clause shapes


def replace_device(x: str, y: str) -> ast.SpecExpr:
    """Drain / cost-out: ``[^X]* : preserve then X : replace(X, Y) then [^X]* : preserve``."""
    return _then(
        _keep(not_star([x])),
        ast.Atomic(name(x), ast.Replace(name(x), name(y))),
        _keep(not_star([x])),
    )


def replace_transit(x: str, y: str) -> ast.SpecExpr:
    """Drain of transit traffic: ``[^X]+ : preserve then X : replace(X, Y) then [^X]* :
    preserve``; paths that start at X (X's own traffic) keep their paths."""
    return _then(
        _keep(ast.Plus(ast.NameClass((name(x),), negated=True))),
        ast.Atomic(name(x), ast.Replace(name(x), name(y))),
        _keep(not_star([x])),
    )


def remove_through(x: str) -> ast.SpecExpr:
    """``.* X .* : remove(.* X .*)``: the paths through X disappear (the others stay)."""
    return ast.Atomic(_through(x), ast.Remove(_through(x)))


def remove_edge(u: str, v: str) -> ast.SpecExpr:
    """``.* U V .* : remove(.* U V .*)``: the paths over the hop U -> V disappear."""
    return ast.Atomic(_through(u, v), ast.Remove(_through(u, v)))


def add_member(x: str, y: str) -> ast.SpecExpr:
    """A new equal-cost member: ``[^X]* : preserve then X : add(Y) then [^X]* : preserve``."""
    return _then(_keep(not_star([x])), ast.Atomic(name(x), ast.Add(name(y))), _keep(not_star([x])))


def add_link(u: str, v: str) -> ast.SpecExpr:
    """A new link U -> V: a segment from U to V may also take it directly.

    ``[^U V]* : preserve then U [^U V]* V : add(U V) then [^U V]* : preserve``
    """
    around = not_star([u, v])
    segment = _seq(name(u), around, name(v))
    return _then(_keep(around), ast.Atomic(segment, ast.Add(_seq(name(u), name(v)))), _keep(around))


def no_path() -> ast.SpecExpr:
    """``.* : remove(.*)``: the traffic has no path any more."""
    return ast.Atomic(_any_star(), ast.Remove(_any_star()))


def drop_all_at(v: str) -> ast.SpecExpr:
    """``.* : any(.* V "drop")``: all the traffic now ends dropped at V."""
    return ast.Atomic(_any_star(), ast.AnyPaths(_dropped_at(v)))


def drop_after(v: str) -> ast.SpecExpr:
    """``[^V]* V : preserve then .+ : drop``: paths reaching V are dropped right there."""
    return _then(
        _keep(_seq(not_star([v]), name(v))), ast.Atomic(ast.Plus(ast.AnyLoc()), ast.Drop())
    )


def replace_then_drop(x: str, y: str) -> ast.SpecExpr:
    """``[^X]* : preserve then X : replace(X, Y) then .+ : drop``: moved to Y and dropped there."""
    return _then(
        _keep(not_star([x])),
        ast.Atomic(name(x), ast.Replace(name(x), name(y))),
        ast.Atomic(ast.Plus(ast.AnyLoc()), ast.Drop()),
    )


def drop_through(v: str) -> ast.SpecExpr:
    """``.* V .* : any(.* V "drop")``: paths through V now end dropped at V."""
    return ast.Atomic(_through(v), ast.AnyPaths(_dropped_at(v)))


def extend_with_drop(v: str, keep: bool) -> ast.SpecExpr:
    """Paths ending at V now end dropped at V (``keep``: they also stay, as ECMP).

    ``[^V]* : preserve then V : replace(V, V "drop")`` or ``... V : add(V "drop")``.
    """
    v_drop = _seq(name(v), name(DROP))
    modifier: ast.Modifier = ast.Add(v_drop) if keep else ast.Replace(name(v), v_drop)
    return _then(_keep(not_star([v])), ast.Atomic(name(v), modifier))


def no_longer_dropped(v: str) -> ast.SpecExpr:
    """``[^V]* V : preserve then "drop" : any(!"drop")``: traffic reaching V goes on."""
    return _then(
        _keep(_seq(not_star([v]), name(v))),
        ast.Atomic(name(DROP), ast.AnyPaths(ast.Complement(name(DROP)))),
    )


def no_longer_dropped_via(v: str, x: str) -> ast.SpecExpr:
    """``[^V]* : preserve then V "drop" : any(X .*)``: no longer dropped at V, through X now."""
    return _then(
        _keep(not_star([v])),
        ast.Atomic(_seq(name(v), name(DROP)), ast.AnyPaths(_seq(name(x), _any_star()))),
    )


def loop_at(v: str, u: str) -> ast.SpecExpr:
    """``.* V .* : any(.* V U .*)``: paths through V now go back to U (a forwarding loop)."""
    return ast.Atomic(_through(v), ast.AnyPaths(_through(v, u)))


def loop_added(v: str, cycle: Sequence[str]) -> ast.SpecExpr:
    """Paths through V may now go round the loop ``V c1 ... ck V`` (``cycle`` = c1 ... ck V).

    ``[^V]* : preserve then V : add(V (c1 ... ck V)+) then [^V]* : preserve``
    """
    loop = ast.Plus(_seq(*(name(c) for c in cycle)))
    return _then(
        _keep(not_star([v])),
        ast.Atomic(name(v), ast.Add(_seq(name(v), loop))),
        _keep(not_star([v])),
    )


def avoid(x: str) -> ast.SpecExpr:
    """``.* X .* : any([^X drop]*)``: the traffic that crossed X now avoids it, on any
    path that is not dropped (an ``any`` that admits ``drop`` is the black-hole trap
    ``rela lint`` warns about)."""
    return ast.Atomic(_through(x), ast.AnyPaths(not_star([x, DROP])))


def explicit(after: ast.PathExpr) -> ast.SpecExpr:
    """``.* : replace(.*, P)``: whatever the paths were, they are now exactly ``P``."""
    return ast.Atomic(_any_star(), ast.Replace(_any_star(), after))


def combine(parts: Sequence[ast.SpecExpr]) -> ast.SpecExpr:
    """``p1 else p2 else ...``: several edits of one group of FECs, as one clause."""
    out = parts[0]
    for p in parts[1:]:
        out = ast.Else(out, p)
    return out


# ---------------------------------------------------------------------- names


def short_names(locations: Iterable[str]) -> dict[str, str]:
    """Multi-component locations that a shorter name designates exactly, in these locations.

    A name matches every location whose components start with its own, so
    ``core1`` may stand for ``core1|default`` when no other location of the
    change starts with ``core1`` — it then means the same in every FEC.

    >>> short_names(["core1|default", "core2|blue", "core2|red", "a"])
    {'core1|default': 'core1'}
    """
    locs = set(locations)
    out: dict[str, str] = {}
    for loc in sorted(locs):
        parts = loc.split("|")
        same = {m for m in locs if m == loc or m.startswith(loc + "|")}
        for k in range(1, len(parts)):
            short = "|".join(parts[:k])
            if {m for m in locs if m == short or m.startswith(short + "|")} == same:
                out[loc] = short
                break
    return out


def rename(node: T, names: Mapping[str, str]) -> T:
    """``node`` with every location name in ``names`` replaced (names of classes too).

    >>> from rela.lang import format_spec
    >>> format_spec(rename(replace_device("core1|default", "core2|default"),
    ...                    {"core1|default": "core1", "core2|default": "core2"}))
    '[^core1]* : preserve then core1 : replace(core1, core2) then [^core1]* : preserve'
    """
    if isinstance(node, ast.Name):
        new = names.get(node.text)
        return node if new is None else ast.Name(new)  # type: ignore[return-value]
    if isinstance(node, tuple):
        return tuple(rename(x, names) for x in node)  # type: ignore[return-value]
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return node
    changes = {}
    for f in dataclasses.fields(node):
        if f.name == "span":
            continue
        old = getattr(node, f.name)
        new = rename(old, names)
        if new is not old:
            changes[f.name] = new
    return dataclasses.replace(node, **changes) if changes else node


# ---------------------------------------------------------------------- analysis


def domain(spec: ast.SpecExpr) -> ast.PathExpr:
    """The domain of a guard-free spec (docs/language.md §6), as a path expression."""
    if isinstance(spec, ast.Atomic):
        d, m = spec.zone, spec.modifier
        extra: ast.PathExpr | None = None
        if isinstance(m, (ast.Add, ast.AnyPaths)):
            extra = m.paths
        elif isinstance(m, ast.Replace):
            extra = m.new
        elif isinstance(m, ast.Drop):
            extra = name(DROP)
        return d if extra is None else ast.Alt((d, extra))
    if isinstance(spec, ast.Then):
        return ast.Concat((domain(spec.left), domain(spec.right)))
    if isinstance(spec, ast.Else):
        return ast.Alt((domain(spec.left), domain(spec.right)))
    raise TypeError(f"not a guard-free spec: {spec!r}")


def _must(expr: ast.PathExpr) -> frozenset[str] | None:
    """Names one of which every path of ``expr`` passes through (None: not known)."""
    if isinstance(expr, ast.Name):
        return frozenset([expr.text])
    if isinstance(expr, ast.NameClass) and not expr.negated:
        return frozenset(n.text for n in expr.names)
    if isinstance(expr, ast.EmptySet):
        return frozenset()
    if isinstance(expr, (ast.Plus,)):
        return _must(expr.operand)
    if isinstance(expr, (ast.Concat, ast.Inter)):
        options = [m for m in map(_must, expr.parts) if m is not None]
        return min(options, key=len) if options else None
    if isinstance(expr, ast.Alt):
        out: set[str] = set()
        for part in expr.parts:
            m = _must(part)
            if m is None:
                return None
            out |= m
        return frozenset(out)
    return None


def says_true(cand: Candidate, before: Graph, after: Graph) -> bool:
    """Whether the candidate's words are true of an FEC with these graphs.  ``X avoided``
    holds on any FEC whose paths avoid X after the change, but explains only those whose
    paths passed X before: elsewhere its comment would be false."""
    if cand.kind != "avoid":
        return True
    (x,) = cand.names

    def passes(graph: Graph) -> bool:
        return any(loc == x or loc.startswith(x + "|") for loc in graph.labels)

    return passes(before) and not passes(after)


def may_take_in(cand: Candidate, before: Graph, after: Graph, changed: bool, failing: bool) -> bool:
    """Whether the guard of ``cand`` may take in an FEC it does not explain (where it
    still holds); ``changed``: the FEC's paths changed, ``failing``: the clauses placed so
    far do not explain it.  An exact clause may: a more general guard.  A loose one
    (``any``) admits other paths, and would hide what a more precise clause says: never
    an unchanged FEC (the final ``.* : preserve`` says what it does); and a broad one
    (``X avoided``) never an FEC already explained, nor one its words are false of (the
    FEC would be counted as explained by it)."""
    if cand.tier not in (LOCATED, BROAD):
        return True
    if not changed:
        return False
    return cand.tier == LOCATED or (failing and says_true(cand, before, after))


def trigger_names(spec: ast.SpecExpr) -> frozenset[str] | None:
    """Names, one of which every path of the clause's domain passes through.

    ``None`` when the domain may hold paths through any location (``.* : ...``).

    >>> trigger_names(no_path()) is None
    True
    >>> sorted(trigger_names(drop_through("v")))
    ['v']
    """
    return _must(domain(spec))


def size(node: object) -> int:
    """The number of AST nodes (a tie-break: simpler clauses read better)."""
    if isinstance(node, tuple):
        return sum(size(x) for x in node)
    fields = getattr(node, "__dataclass_fields__", None)
    if fields is None:
        return 0
    return 1 + sum(size(getattr(node, f)) for f in fields if f != "span")
