"""A brute-force reference semantics of Rela, on explicit, length-bounded path sets.

Nothing here shares code with the automata core: path expressions, relations
and specs are evaluated literally from DESIGN §3/§4 on Python sets of tuples of
location names.  Every set is cut at ``k`` hops; the cuts are exact as long as
the inputs (pre/post path sets) are finite and no longer than ``k``, or the
relations preserve lengths (see tests/automata/test_differential.py).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rela.lang import ast

Path = tuple[str, ...]
Pairs = set[tuple[Path, Path]]

OTHERS = ("~o1", "~o2")  # two locations no atom of any spec matches


def name_matches(name: str, location: str) -> bool:
    return location == name or location.startswith(name + "|")


def spec_names(node: object) -> list[str]:
    """Every ast.Name text under a node (any depth)."""
    out: list[str] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Name):
            out.append(n.text)
        if isinstance(n, ast.Drop):  # `d : drop` mentions the drop location
            out.append("drop")
        if isinstance(n, tuple):
            stack.extend(n)
        elif hasattr(n, "__dataclass_fields__"):
            stack.extend(getattr(n, f) for f in n.__dataclass_fields__ if f != "span")
    return out


@dataclass
class Universe:
    """The FEC's universe: its locations, absent spec names, two others, markers."""

    locations: tuple[str, ...]
    markers: tuple[str, ...]
    k: int

    @staticmethod
    def of(
        present: Iterable[str], names: Iterable[str], markers: Iterable[str], k: int
    ) -> Universe:
        present = set(present)
        absent = {n for n in names if not any(name_matches(n, loc) for loc in present)}
        return Universe(
            tuple(sorted(present | absent | set(OTHERS))), tuple(sorted(set(markers))), k
        )

    def all_paths(self) -> set[Path]:
        out: set[Path] = set()
        for n in range(self.k + 1):
            out.update(itertools.product(self.locations, repeat=n))
        return out


def _attr(location: str, attr: str) -> str | None:
    if location in OTHERS:
        return None
    parts = location.split("|")
    if attr == "device":
        return parts[0]
    if attr == "vrf":
        return parts[1] if len(parts) > 1 and parts[1] else None
    if attr == "interface":
        return parts[2] if len(parts) > 2 and parts[2] else None
    return None  # group: no mapping in the reference


def letters(e: object, u: Universe) -> set[str]:
    """The letters a one-letter expression matches."""
    if isinstance(e, ast.Name):
        return {x for x in u.locations if x not in OTHERS and name_matches(e.text, x)}
    if isinstance(e, ast.AnyLoc):
        return set(u.locations)
    if isinstance(e, ast.NameClass):
        hit = {
            x
            for x in u.locations
            if x not in OTHERS and any(name_matches(n.text, x) for n in e.names)
        }
        return set(u.locations) - hit if e.negated else hit
    if isinstance(e, ast.AttrClass):

        def ok(x: str) -> bool:
            v = _attr(x, e.attr)
            if v is None:
                return False
            return v == e.value if e.op == "=" else re.search(e.value, v) is not None

        hit = {x for x in u.locations if ok(x)}
        return set(u.locations) - hit if e.negated else hit
    if isinstance(e, ast.Marker):
        return {f"#{e.index}"}
    raise TypeError(e)


def cat(a: set[Path], b: set[Path], k: int) -> set[Path]:
    return {x + y for x in a for y in b if len(x) + len(y) <= k}


def kleene(a: set[Path], k: int) -> set[Path]:
    out = {()}
    frontier = {()}
    while frontier:
        frontier = cat(frontier, a, k) - out
        out |= frontier
    return out


def lang(
    e: object, u: Universe, pre: set[Path] | None = None, post: set[Path] | None = None
) -> set[Path]:
    """The explicit path set of a path expression / IR prop, cut at ``u.k`` hops."""
    k = u.k
    if isinstance(e, (ast.Name, ast.AnyLoc, ast.NameClass, ast.AttrClass, ast.Marker)):
        return {(x,) for x in letters(e, u)} if k >= 1 else set()
    if isinstance(e, ast.Epsilon):
        return {()}
    if isinstance(e, ast.EmptySet):
        return set()
    if isinstance(e, ast.Concat):
        acc = {()}
        for p in e.parts:
            acc = cat(acc, lang(p, u, pre, post), k)
        return acc
    if isinstance(e, ast.Alt):
        return set().union(*(lang(p, u, pre, post) for p in e.parts))
    if isinstance(e, ast.Inter):
        sets = [lang(p, u, pre, post) for p in e.parts]
        return set.intersection(*sets)
    if isinstance(e, ast.Complement):
        return u.all_paths() - lang(e.operand, u, pre, post)
    if isinstance(e, ast.Star):
        return kleene(lang(e.operand, u, pre, post), k)
    if isinstance(e, ast.Plus):
        inner = lang(e.operand, u, pre, post)
        return cat(inner, kleene(inner, k), k)
    if isinstance(e, ast.Optional):
        return lang(e.operand, u, pre, post) | {()}
    if isinstance(e, ast.Pre):
        assert pre is not None
        return {p for p in pre if len(p) <= k}
    if isinstance(e, ast.Post):
        assert post is not None
        return {p for p in post if len(p) <= k}
    if isinstance(e, ast.Image):
        return image(lang(e.prop, u, pre, post), rel(e.relation, u, pre, post))
    if isinstance(e, ast.Preimage):
        target = lang(e.prop, u, pre, post)
        return {x for x, y in rel(e.relation, u, pre, post) if y in target}
    raise TypeError(e)


def ident(a: set[Path]) -> Pairs:
    return {(x, x) for x in a}


def prod(a: set[Path], b: set[Path]) -> Pairs:
    return {(x, y) for x in a for y in b}


def rcat(r: Pairs, s: Pairs, k: int) -> Pairs:
    return {
        (x1 + x2, y1 + y2)
        for x1, y1 in r
        for x2, y2 in s
        if len(x1) + len(x2) <= k and len(y1) + len(y2) <= k
    }


def rel(
    r: object, u: Universe, pre: set[Path] | None = None, post: set[Path] | None = None
) -> Pairs:
    """The explicit pairs of an IR relation, both sides cut at ``u.k`` hops."""
    k = u.k
    if isinstance(r, ast.Identity):
        return ident(lang(r.prop, u, pre, post))
    if isinstance(r, ast.Product):
        return prod(lang(r.left, u, pre, post), lang(r.right, u, pre, post))
    if isinstance(r, ast.RelConcat):
        acc: Pairs = {((), ())}
        for p in r.parts:
            acc = rcat(acc, rel(p, u, pre, post), k)
        return acc
    if isinstance(r, ast.RelUnion):
        return set().union(*(rel(p, u, pre, post) for p in r.parts))
    if isinstance(r, ast.PriorityUnion):
        left, right = rel(r.left, u, pre, post), rel(r.right, u, pre, post)
        dom_right = {x for x, _ in right}
        return right | {(x, y) for x, y in left if x not in dom_right}
    if isinstance(r, ast.Compose):
        left, right = rel(r.left, u, pre, post), rel(r.right, u, pre, post)
        by_in: dict[Path, list[Path]] = {}
        for y, z in right:
            by_in.setdefault(y, []).append(z)
        return {(x, z) for x, y in left for z in by_in.get(y, ())}
    if isinstance(r, ast.RelStar):
        inner = rel(r.operand, u, pre, post)
        out: Pairs = {((), ())}
        frontier = set(out)
        while frontier:
            frontier = rcat(frontier, inner, k) - out
            out |= frontier
        return out
    raise TypeError(r)


def image(xs: set[Path], r: Pairs) -> set[Path]:
    return {y for x, y in r if x in xs}


# ---------------------------------------------------------------------- surface specs


def traffic_in(cond: object, traffic: Sequence[dict[str, object]]) -> bool:
    import ipaddress

    if isinstance(cond, ast.QosCond):
        return any(t.get("qos") == cond.value for t in traffic)
    key = "dstIp" if cond.field == "dst" else "srcIp"  # type: ignore[attr-defined]
    for t in traffic:
        value = t.get(key)
        if value is None:
            continue
        addr = ipaddress.ip_network(str(value), strict=False)
        for p in cond.prefixes:  # type: ignore[attr-defined]
            net = ipaddress.ip_network(p)
            if addr.version == net.version and addr.subnet_of(net):  # type: ignore[arg-type]
                return True
    return False


class Surface:
    """DESIGN §3's table on explicit sets; markers numbered by `any` occurrence."""

    def __init__(self, u: Universe, traffic: Sequence[dict[str, object]]) -> None:
        self.u = u
        self.traffic = traffic
        self.markers = 0

    def sem(self, s: object) -> tuple[Pairs, Pairs, set[Path]]:
        u, k = self.u, self.u.k
        L = lambda e: lang(e, u)  # noqa: E731
        everything = u.all_paths()
        if isinstance(s, ast.Atomic):
            d, m = L(s.zone), s.modifier
            if isinstance(m, ast.Preserve):
                return ident(d), ident(d), d
            if isinstance(m, ast.Add):
                p = L(m.paths)
                return ident(d | p) | prod(d, p), ident(d | p), d | p
            if isinstance(m, ast.Remove):
                p = L(m.paths)
                return ident(d - p), ident(d), d
            if isinstance(m, ast.Replace):
                p1, p2 = L(m.old), L(m.new)
                return ident((d | p2) - p1) | prod(d & p1, p2), ident(d | p2), d | p2
            if isinstance(m, ast.Drop):
                dd = d | {("drop",)} if k >= 1 else d
                return prod(dd, {("drop",)}), ident(dd), dd
            if isinstance(m, ast.AnyPaths):
                self.markers += 1
                mark = {(f"#any{self.markers}",)}
                p = L(m.paths)
                return prod(d | p, mark), prod(p, mark) | ident(d - p), d | p
            raise TypeError(m)
        if isinstance(s, ast.Then):
            r1, q1, d1 = self.sem(s.left)
            r2, q2, d2 = self.sem(s.right)
            return rcat(r1, r2, k), rcat(q1, q2, k), cat(d1, d2, k)
        if isinstance(s, ast.Else):
            r1, q1, d1 = self.sem(s.left)
            r2, q2, d2 = self.sem(s.right)
            outside = everything - d1
            return (
                r1 | {(x, y) for x, y in r2 if x in outside},
                q1 | {(x, y) for x, y in q2 if x in outside},
                d1 | d2,
            )
        if isinstance(s, ast.Guard):
            if traffic_in(s.cond, self.traffic):
                return self.sem(s.then)
            if s.otherwise is None:
                return set(), set(), set()
            return self.sem(s.otherwise)
        raise TypeError(s)


def spec_holds(
    spec: object, pre: set[Path], post: set[Path], traffic: Sequence[dict[str, object]], k: int
) -> tuple[bool, set[Path], set[Path]]:
    """Verdict, expected and actual path sets (cut at k) of a surface spec on one FEC."""
    present = {x for p in pre | post for x in p}
    u = Universe.of(present, spec_names(spec), (), k)
    r, q, _ = Surface(u, traffic).sem(spec)
    expected = image({p for p in pre if len(p) <= k}, r)
    actual = image({p for p in post if len(p) <= k}, q)
    return expected == actual, expected, actual


def graph_paths(
    edges: Iterable[tuple[str, str]], sources: Iterable[str], sinks: Iterable[str], k: int
) -> set[Path]:
    """Label paths (nodes are their own labels) from a source to a sink, cut at k hops."""
    succ: dict[str, list[str]] = {}
    for a, b in edges:
        succ.setdefault(a, []).append(b)
    sinks = set(sinks)
    out: set[Path] = set()
    frontier = [(s,) for s in sources]
    while frontier:
        nxt = []
        for p in frontier:
            if p[-1] in sinks:
                out.add(p)
            if len(p) < k:
                nxt.extend(p + (t,) for t in succ.get(p[-1], ()))
        frontier = nxt
    return out
