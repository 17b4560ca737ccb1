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
        r = rel(e.relation, u, pre, post)
        return {x for x in u.all_paths() if r(x) & target}
    raise TypeError(e)


class Rel:
    """A relation as a function from an input path to its outputs (cut at k hops).

    Functions, not explicit pair sets: products of large path sets stay cheap.
    ``domain`` is the set of inputs (within k hops) that have some output.
    """

    def __init__(self, fn, k: int) -> None:  # type: ignore[no-untyped-def]
        self.fn = fn
        self.k = k
        self._memo: dict[Path, frozenset[Path]] = {}

    def __call__(self, x: Path) -> frozenset[Path]:
        got = self._memo.get(x)
        if got is None:
            got = self._memo[x] = frozenset(self.fn(x))
        return got


def splits(x: Path) -> list[tuple[Path, Path]]:
    return [(x[:i], x[i:]) for i in range(len(x) + 1)]


def ident(a: set[Path], k: int) -> Rel:
    return Rel(lambda x: {x} if x in a else set(), k)


def prod(a: set[Path], b: set[Path], k: int) -> Rel:
    return Rel(lambda x: b if x in a else set(), k)


def rcat(r: Rel, s: Rel, k: int) -> Rel:
    def fn(x: Path) -> set[Path]:
        out: set[Path] = set()
        for x1, x2 in splits(x):
            left = r(x1)
            if not left:
                continue
            right = s(x2)
            out.update(y1 + y2 for y1 in left for y2 in right if len(y1) + len(y2) <= k)
        return out

    return Rel(fn, k)


def runion(parts: list[Rel], k: int) -> Rel:
    return Rel(lambda x: set().union(*(p(x) for p in parts)), k)


def rstar(r: Rel, k: int) -> Rel:
    def fn(x: Path) -> set[Path]:
        # outputs of x = x1 x2 ... xn with every (xi, yi) in r, output cut at k
        best: dict[Path, set[Path]] = {(): {()}}
        for n in range(1, len(x) + 1):
            best[x[-n:]] = set()
        changed = True
        while changed:  # fixpoint: pieces may read nothing and still write
            changed = False
            for n in range(len(x) + 1):
                suffix = x[len(x) - n :]
                acc = best[suffix]
                before = len(acc)
                for x1, x2 in splits(suffix):
                    head = r(x1)
                    if not head:
                        continue
                    for y1 in head:
                        for y2 in list(best[x2]):
                            if len(y1) + len(y2) <= k:
                                acc.add(y1 + y2)
                if len(acc) != before:
                    changed = True
        return best[x]

    return Rel(fn, k)


def rel(r: object, u: Universe, pre: set[Path] | None = None, post: set[Path] | None = None) -> Rel:
    """An IR relation as a function; outputs cut at ``u.k`` hops."""
    k = u.k
    if isinstance(r, ast.Identity):
        return ident(lang(r.prop, u, pre, post), k)
    if isinstance(r, ast.Product):
        return prod(lang(r.left, u, pre, post), lang(r.right, u, pre, post), k)
    if isinstance(r, ast.RelConcat):
        acc = rel(r.parts[0], u, pre, post)
        for p in r.parts[1:]:
            acc = rcat(acc, rel(p, u, pre, post), k)
        return acc
    if isinstance(r, ast.RelUnion):
        return runion([rel(p, u, pre, post) for p in r.parts], k)
    if isinstance(r, ast.PriorityUnion):
        left, right = rel(r.left, u, pre, post), rel(r.right, u, pre, post)
        return Rel(lambda x: right(x) or left(x), k)
    if isinstance(r, ast.Compose):
        left, right = rel(r.left, u, pre, post), rel(r.right, u, pre, post)
        return Rel(lambda x: set().union(*(right(y) for y in left(x))), k)
    if isinstance(r, ast.RelStar):
        return rstar(rel(r.operand, u, pre, post), k)
    raise TypeError(r)


def image(xs: set[Path], r: Rel) -> set[Path]:
    return set().union(*(r(x) for x in xs)) if xs else set()


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

    def sem(self, s: object) -> tuple[Rel, Rel, set[Path]]:
        u, k = self.u, self.u.k
        L = lambda e: lang(e, u)  # noqa: E731
        if isinstance(s, ast.Atomic):
            d, m = L(s.zone), s.modifier
            if isinstance(m, ast.Preserve):
                return ident(d, k), ident(d, k), d
            if isinstance(m, ast.Add):
                p = L(m.paths)
                return runion([ident(d | p, k), prod(d, p, k)], k), ident(d | p, k), d | p
            if isinstance(m, ast.Remove):
                p = L(m.paths)
                return ident(d - p, k), ident(d, k), d
            if isinstance(m, ast.Replace):
                p1, p2 = L(m.old), L(m.new)
                r = runion([ident((d | p2) - p1, k), prod(d & p1, p2, k)], k)
                return r, ident(d | p2, k), d | p2
            if isinstance(m, ast.Drop):
                dd = d | {("drop",)} if k >= 1 else d
                return prod(dd, {("drop",)}, k), ident(dd, k), dd
            if isinstance(m, ast.AnyPaths):
                self.markers += 1
                mark = {(f"#any{self.markers}",)}
                p = L(m.paths)
                return prod(d | p, mark, k), runion([prod(p, mark, k), ident(d - p, k)], k), d | p
            raise TypeError(m)
        if isinstance(s, ast.Then):
            r1, q1, d1 = self.sem(s.left)
            r2, q2, d2 = self.sem(s.right)
            return rcat(r1, r2, k), rcat(q1, q2, k), cat(d1, d2, k)
        if isinstance(s, ast.Else):
            r1, q1, d1 = self.sem(s.left)
            r2, q2, d2 = self.sem(s.right)
            r = Rel(lambda x: r1(x) | (r2(x) if x not in d1 else set()), k)
            q = Rel(lambda x: q1(x) | (q2(x) if x not in d1 else set()), k)
            return r, q, d1 | d2
        if isinstance(s, ast.Guard):
            if traffic_in(s.cond, self.traffic):
                return self.sem(s.then)
            if s.otherwise is None:
                return ident(set(), k), ident(set(), k), set()
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
