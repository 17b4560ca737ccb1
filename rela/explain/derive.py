"""Which clause of a spec relates one concrete path to another (DESIGN §3 on concrete paths).

A spec relates a before path ``x`` to an expected path ``y`` (its relation
``R``) and an after path to what the check compares (its relation ``Q``).  On
concrete paths the relation can be followed clause by clause: ``then`` splits
both paths into segments handled in sequence, ``else`` hands a path to its
right side only when the left side's domain does not contain it.  A
*derivation* is the list of atomic clauses used, each with the segments of
``x`` and ``y`` it handled; :func:`derive` finds one, :func:`domain_derivation`
finds how a path falls in the spec's domain.

The relations are those of ``rela.compile`` (docs/language.md "Semantics"):

| modifier | R | Q | D |
|---|---|---|---|
| preserve | I(d) | I(d) | d |
| add(p) | I(d∪p) ∪ d×p | I(d∪p) | d∪p |
| remove(p) | I(d∩¬p) | I(d) | d |
| replace(p1,p2) | I((d∪p2)∩¬p1) ∪ (d∩p1)×p2 | I(d∪p2) | d∪p2 |
| drop | (d∪drop)×drop | I(d∪drop) | d∪drop |
| any(p) | (d∪p)×#k | p×#k ∪ I(d∩¬p) | d∪p |

>>> from rela.lang import parse_spec
>>> from rela.explain.model import SpecModel
>>> from rela.explain.match import Matcher
>>> model = SpecModel.of_module(parse_spec(
...     "spec s { [^c1]* : preserve then c1 : replace(c1, c2) then [^c1]* : preserve }"))[0]
>>> (r,) = model.resolutions({})
>>> d = Deriver(Matcher.for_nodes([c.atomic for c in model.clauses]), r)
>>> [(s.clause.ref.text, s.y) for s in d.derive("R", ("a", "c1", "b"), ("a", "c2", "b"))]
[('[^c1]* : preserve', (0, 1)), ('c1 : replace(c1, c2)', (1, 2)), ('[^c1]* : preserve', (2, 3))]
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable
from typing import Any

from rela.explain.match import DROP_NAME, Matcher, PathMatch
from rela.explain.model import Clause, ElseNode, Node, Resolved, ThenNode
from rela.lang import ast
from rela.results import Path, SpecialHop
from rela.values import frozen

__all__ = ["Segment", "Deriver", "domain_of", "pick_clause", "pick_segment"]


@frozen
class Segment:
    """One atomic clause of a derivation and the ranges of the two paths it handled."""

    clause: Clause
    x: tuple[int, int]
    y: tuple[int, int]


Derivation = tuple[Segment, ...]
_MISSING = object()


def domain_of(mod: ast.Modifier, zone: ast.PathExpr) -> list[ast.PathExpr]:
    """The parts whose union is an atomic clause's domain ``D``."""
    if isinstance(mod, ast.Add):
        return [zone, mod.paths]
    if isinstance(mod, ast.Replace):
        return [zone, mod.new]
    if isinstance(mod, ast.Drop):
        return [zone, DROP_NAME]
    if isinstance(mod, ast.AnyPaths):
        return [zone, mod.paths]
    return [zone]


class Deriver:
    """Derivations on one guard-free spec tree (a :class:`~rela.explain.model.Resolved`)."""

    def __init__(self, matcher: Matcher, resolved: Resolved) -> None:
        self.m = matcher
        self.resolved = resolved
        self._markers = {id(c): k for k, c in resolved.markers.items()}
        #: Without ``any`` clauses, ``Q`` relates a path to itself alone (see :meth:`derive`).
        self.q_identity = not self._markers
        self._paths: dict[Path, PathMatch] = {}
        self._domains: dict[tuple[Hashable, ...], Derivation | None] = {}
        self._derived: dict[tuple[Hashable, ...], Derivation | None] = {}
        #: id of a derivation -> (the derivation, its segment picked per hop); the
        #: derivation is held, so that its id is not reused while the entry lives
        self._picked: dict[int, tuple[Derivation, dict[int | None, Segment]]] = {}

    def _match(self, path: Path) -> PathMatch:
        """One memoised matcher per path, shared by every derivation that reads it."""
        got = self._paths.get(path)
        if got is None:
            if len(self._paths) > 10_000:
                self._paths.clear()
            got = self._paths[path] = PathMatch(self.m, path)
        return got

    # ------------------------------------------------------------------ public
    def derive(self, side: str, x: Path, y: Path) -> Derivation | None:
        """A derivation of ``(x, y)`` in the spec's relation ``side`` (``"R"`` or ``"Q"``).

        A derivation holds positions only, and the search reads the paths through
        letter tests and hop equality only: it is shared by every pair with the same
        letter classes and the same equalities between their hops (:meth:`_pair_key`).
        Without ``any`` clauses, ``Q`` is the identity on the domain clause by clause,
        so a ``Q`` derivation of ``(x, x)`` is the domain derivation of ``x``, and
        ``(x, y)`` with ``y`` another path has none.
        """
        if side == "Q" and self.q_identity:
            return self.domain(x) if x == y else None
        key = (side, *self._pair_key(x, y))
        got = self._derived.get(key, _MISSING)
        if got is _MISSING:
            got = self.search(side, x, y)
            if len(self._derived) > 100_000:
                self._derived.clear()
            self._derived[key] = got
        return got  # type: ignore[return-value]

    def _pair_key(self, x: Path, y: Path) -> tuple[Hashable, ...]:
        """What a derivation search on ``(x, y)`` depends on: where ``x`` ends, the letter
        classes of ``x`` then ``y``, and which hops are equal (each hop numbered by its
        first position in ``x`` then ``y``); computed in C over the two paths joined."""
        both = x + y
        first: dict[Any, int] = {}
        return len(x), self.m.shape(both), tuple(map(first.setdefault, both, itertools.count()))

    def pick(self, der: Derivation, hop: int | None) -> Segment:
        """:func:`pick_segment` of ``der`` on ``y``, memoised: derivations are shared by many
        paths (of one shape, or one pair key)."""
        got = self._picked.get(id(der))
        if got is None or got[0] is not der:
            if len(self._picked) > 10_000:
                self._picked.clear()
            got = self._picked[id(der)] = (der, {})
        by_hop = got[1]
        seg = by_hop.get(hop)
        if seg is None:
            seg = by_hop[hop] = pick_segment(der, hop)
        return seg

    def search(self, side: str, x: Path, y: Path) -> Derivation | None:
        """:meth:`derive` without sharing: the search itself."""
        if self.domain(x) is None:  # every relation's inputs lie in the domain
            return None
        run = _Run(self, side, self._match(x), self._match(y))
        return run.rel(self.resolved.tree, 0, 0).get((len(x), len(y)))

    def domain(self, x: Path) -> Derivation | None:
        """How ``x`` falls in the spec's domain (else-priority respected), or None.

        Shared by the paths of one shape (:meth:`~rela.explain.match.Matcher.shape`).
        """
        key = self.m.shape(x)
        found = self._domains.get(key, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        run = _Run(self, "R", self._match(x), self._match(()))
        got = run.dom(self.resolved.tree, 0).get(len(x))
        if len(self._domains) > 100_000:
            self._domains.clear()
        self._domains[key] = got
        return got

    def marker(self, clause: Clause) -> int | None:
        return self._markers.get(id(clause))


class _Run:
    """One derivation search: memo tables for one pair of paths."""

    def __init__(self, d: Deriver, side: str, px: PathMatch, py: PathMatch) -> None:
        self.d, self.side, self.px, self.py = d, side, px, py
        self._rel: dict[tuple[int, int, int], dict[tuple[int, int], Derivation]] = {}
        self._dom: dict[tuple[int, int], dict[int, Derivation]] = px.domains  # shared per path

    # -------------------------------------------------------------- domains
    def dom(self, node: Node | None, i: int) -> dict[int, Derivation]:
        """End positions ``j`` with ``x[i:j]`` in ``node``'s domain, with a derivation each."""
        if node is None:
            return {}
        key = (id(node), i)
        got = self._dom.get(key)
        if got is None:
            got = self._dom[key] = self._dom_of(node, i)
        return got

    def _dom_of(self, node: Node, i: int) -> dict[int, Derivation]:
        if isinstance(node, Clause):
            a = node.atomic
            ends: set[int] = set()
            for part in domain_of(a.modifier, a.zone):
                ends |= self.px.ends(part, i)
            return {j: (Segment(node, (i, j), (i, j)),) for j in sorted(ends)}
        if isinstance(node, ThenNode):
            out: dict[int, Derivation] = {}
            for k, left in self.dom(node.left, i).items():
                for j, right in self.dom(node.right, k).items():
                    out.setdefault(j, left + right)
            return out
        assert isinstance(node, ElseNode)
        out = dict(self.dom(node.left, i))
        for j, der in self.dom(node.right, i).items():
            out.setdefault(j, der)  # a path in the left domain is the left side's
        return out

    # -------------------------------------------------------------- relations
    def rel(self, node: Node | None, i: int, k: int) -> dict[tuple[int, int], Derivation]:
        """Pairs of end positions ``(j, l)`` with ``(x[i:j], y[k:l])`` in ``node``'s relation."""
        if node is None:
            return {}
        key = (id(node), i, k)
        got = self._rel.get(key)
        if got is None:
            got = self._rel[key] = self._rel_of(node, i, k)
        return got

    def _rel_of(self, node: Node, i: int, k: int) -> dict[tuple[int, int], Derivation]:
        if isinstance(node, Clause):
            return {e: (Segment(node, (i, e[0]), (k, e[1])),) for e in self._atomic(node, i, k)}
        if isinstance(node, ThenNode):
            out: dict[tuple[int, int], Derivation] = {}
            for (j, m), left in self.rel(node.left, i, k).items():
                for end, right in self.rel(node.right, j, m).items():
                    out.setdefault(end, left + right)
            return out
        assert isinstance(node, ElseNode)
        out = dict(self.rel(node.left, i, k))
        left_domain = self.dom(node.left, i)
        for (j, m), der in self.rel(node.right, i, k).items():
            if j not in left_domain:  # I(¬D1) ∘ R2: only segments outside the left domain
                out.setdefault((j, m), der)
        return out

    def _atomic(self, c: Clause, i: int, k: int) -> list[tuple[int, int]]:
        """End pairs of one atomic clause's relation (R or Q, see the module table)."""
        a, px, py = c.atomic, self.px, self.py
        mod, d = a.modifier, a.zone

        def ends(*exprs: Any) -> set[int]:
            out: set[int] = set()
            for e in exprs:
                out |= px.ends(e, i)
            return out

        def ident(xs: set[int]) -> list[tuple[int, int]]:
            out = []
            for j in sorted(xs):
                n = j - i
                if py.path[k : k + n] == px.path[i:j] and k + n <= py.n:
                    out.append((j, k + n))
            return out

        def product(xs: set[int], ys: frozenset[int]) -> list[tuple[int, int]]:
            return [(j, m) for j in sorted(xs) for m in sorted(ys)]

        def marker_at() -> frozenset[int]:
            hop = py.path[k] if k < py.n else None
            want = self.d.marker(c)
            ok = isinstance(hop, SpecialHop) and hop.kind == "any" and hop.marker == want
            return frozenset((k + 1,)) if ok else frozenset()

        if self.side == "R":
            if isinstance(mod, ast.Preserve):
                return ident(ends(d))
            if isinstance(mod, ast.Add):
                return ident(ends(d, mod.paths)) + product(ends(d), py.ends(mod.paths, k))
            if isinstance(mod, ast.Remove):
                return ident(ends(d) - ends(mod.paths))
            if isinstance(mod, ast.Replace):
                kept = ident(ends(d, mod.new) - ends(mod.old))
                return kept + product(ends(d) & ends(mod.old), py.ends(mod.new, k))
            if isinstance(mod, ast.Drop):
                return product(ends(d, DROP_NAME), py.ends(DROP_NAME, k))
            if isinstance(mod, ast.AnyPaths):
                return product(ends(d, mod.paths), marker_at())
            raise TypeError(f"not a modifier: {mod!r}")
        if isinstance(mod, ast.AnyPaths):
            return product(ends(mod.paths), marker_at()) + ident(ends(d) - ends(mod.paths))
        return ident(ends(*domain_of(mod, d)))


def pick_clause(der: Derivation, hop: int | None, on: str = "y") -> Clause:
    """The clause of :func:`pick_segment`."""
    return pick_segment(der, hop, on).clause


def pick_segment(der: Derivation, hop: int | None, on: str = "y") -> Segment:
    """The clause of a derivation a violation is about.

    In a ``then`` sequence: the segment holding hop number ``hop`` (of path
    ``x`` or ``y``, as ``on`` says) when its clause does more than preserve,
    else the first segment that does more than preserve, else the segment
    holding the hop, else the first one.
    """

    first_active: Segment | None = None
    first_holding: Segment | None = None
    for s in der:  # one pass: the first segment of each kind
        lo, hi = s.y if on == "y" else s.x
        holding = hop is not None and lo <= hop < hi
        active = not isinstance(s.clause.atomic.modifier, ast.Preserve)
        if holding and active:
            return s
        if active and first_active is None:
            first_active = s
        if holding and first_holding is None:
            first_holding = s
    if first_active is not None:
        return first_active
    return first_holding if first_holding is not None else der[0]
