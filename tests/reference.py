"""A brute-force reference semantics of Rela, on explicit, length-bounded path sets.

Nothing here shares code with the automata core: path expressions, relations
and specs are evaluated literally from DESIGN §3/§4 on Python sets of tuples of
location names.  Every set is cut at ``k`` hops; the cuts are exact as long as
the inputs (pre/post path sets) are finite and no longer than ``k``, or the
relations preserve lengths (see tests/automata/test_differential.py).
"""

from __future__ import annotations

import functools
import ipaddress
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rela.lang import ast
from rela.network.model import TrafficKey

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


# ---------------------------------------------------------------------- packets

#: Largest value of each non-address packet field (as rela.traffic, by the docs).
FIELD_TOP = {"qos": 2**64 - 1, "protocol": 255, "dst_ports": 65535, "src_ports": 65535}
ADDR_TOP = {4: 2**32 - 1, 6: 2**128 - 1}
Packet = dict[str, int]


@functools.lru_cache(maxsize=4096)
def _net(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(text, strict=False)


def _cond_atoms(cond: object) -> list[object]:
    if isinstance(cond, (ast.CondAnd, ast.CondOr)):
        return [a for p in cond.parts for a in _cond_atoms(p)]
    if isinstance(cond, ast.CondNot):
        return _cond_atoms(cond.operand)
    return [cond]


def packets(traffic: Sequence[TrafficKey], conds: Sequence[object]) -> list[Packet]:
    """Representative packets of the whole packet space for these keys and conditions.

    Per field, every range that a key or a condition uses starts a new
    elementary segment at ``lo`` and ends it at ``hi + 1``; one packet per
    combination of segments (and family) is exact: two packets in the same
    segments lie in the same keys and satisfy the same conditions.
    """
    cuts: dict[tuple[int, str], set[int]] = {}

    def cut(family: int | None, field: str, lo: int, hi: int) -> None:
        for fam in (4, 6) if family is None else (family,):
            cuts.setdefault((fam, field), set()).update((lo, hi + 1))

    for key in traffic:
        for field in ("dst", "src"):
            text = getattr(key, field)
            if text is not None:
                net = _net(text)
                cut(net.version, field, int(net.network_address), int(net.broadcast_address))
        if key.qos is not None:
            cut(None, "qos", key.qos, key.qos)
        if key.protocol is not None:
            cut(None, "protocol", key.protocol, key.protocol)
        for field in ("dst_ports", "src_ports"):
            rng = getattr(key, field)
            if rng is not None:
                cut(None, field, rng[0], rng[1])
    for cond in conds:
        for atom in _cond_atoms(cond):
            if isinstance(atom, ast.PrefixCond):
                for p in atom.prefixes:
                    net = _net(p)
                    lo, hi = int(net.network_address), int(net.broadcast_address)
                    cut(net.version, atom.field, lo, hi)
            elif isinstance(atom, ast.QosCond):
                cut(None, "qos", atom.value, atom.value)
            elif isinstance(atom, ast.ProtoCond):
                for v in atom.protocols:
                    cut(None, "protocol", v, v)
            elif isinstance(atom, ast.PortCond):
                field = "dst_ports" if atom.field == "dport" else "src_ports"
                for lo, hi in atom.ranges:
                    cut(None, field, lo, hi)
    out: list[Packet] = []
    fields = ("dst", "src", "qos", "protocol", "dst_ports", "src_ports")
    atoms = [a for cond in conds for a in _cond_atoms(cond)]
    for fam in (4, 6):
        values = []
        for field in fields:
            top = ADDR_TOP[fam] if field in ("dst", "src") else FIELD_TOP[field]
            points = sorted({v for v in cuts.get((fam, field), ()) if v <= top} | {0})
            # Values that every key and every condition treat alike need one packet.
            by_sig: dict[tuple[bool, ...], int] = {}
            for v in points:
                probe = {"family": fam, **dict.fromkeys(fields, -1), field: v}
                sig = tuple(_field_in_key(probe, k, field) for k in traffic) + tuple(
                    satisfies(probe, a) for a in atoms if _atom_field(a) == field
                )
                by_sig.setdefault(sig, v)
            values.append(sorted(by_sig.values()))
        for combo in itertools.product(*values):
            out.append({"family": fam, **dict(zip(fields, combo))})
    return out


def _atom_field(atom: object) -> str:
    if isinstance(atom, ast.PrefixCond):
        return atom.field
    if isinstance(atom, ast.PortCond):
        return "dst_ports" if atom.field == "dport" else "src_ports"
    return "qos" if isinstance(atom, ast.QosCond) else "protocol"


def _field_in_key(p: Packet, key: TrafficKey, field: str) -> bool:
    """Whether ``p``'s value of one field is allowed by the key (family included)."""
    if field in ("dst", "src"):
        text = getattr(key, field)
        if text is None:
            return True
        net = _net(text)
        return net.version == p["family"] and (
            int(net.network_address) <= p[field] <= int(net.broadcast_address)
        )
    if field in ("qos", "protocol"):
        value = getattr(key, field)
        return value is None or value == p[field]
    rng = getattr(key, field)
    return rng is None or rng[0] <= p[field] <= rng[1]


def packet_in_key(p: Packet, key: TrafficKey) -> bool:
    for field in ("dst", "src"):
        text = getattr(key, field)
        if text is not None:
            net = _net(text)
            if net.version != p["family"]:
                return False
            if not int(net.network_address) <= p[field] <= int(net.broadcast_address):
                return False
    if key.qos is not None and p["qos"] != key.qos:
        return False
    if key.protocol is not None and p["protocol"] != key.protocol:
        return False
    for field in ("dst_ports", "src_ports"):
        rng = getattr(key, field)
        if rng is not None and not rng[0] <= p[field] <= rng[1]:
            return False
    return True


def packet_in_traffic(p: Packet, traffic: Sequence[TrafficKey]) -> bool:
    """An FEC without keys stands for every packet."""
    return not traffic or any(packet_in_key(p, k) for k in traffic)


def satisfies(p: Packet, cond: object) -> bool:
    """Whether packet ``p`` satisfies a guard condition."""
    if isinstance(cond, ast.CondAnd):
        return all(satisfies(p, c) for c in cond.parts)
    if isinstance(cond, ast.CondOr):
        return any(satisfies(p, c) for c in cond.parts)
    if isinstance(cond, ast.CondNot):
        return not satisfies(p, cond.operand)
    if isinstance(cond, ast.QosCond):
        return p["qos"] == cond.value
    if isinstance(cond, ast.ProtoCond):
        return p["protocol"] in cond.protocols
    if isinstance(cond, ast.PortCond):
        value = p["dst_ports" if cond.field == "dport" else "src_ports"]
        return any(lo <= value <= hi for lo, hi in cond.ranges)
    assert isinstance(cond, ast.PrefixCond)
    for prefix in cond.prefixes:
        net = _net(prefix)
        if net.version == p["family"] and (
            int(net.network_address) <= p[cond.field] <= int(net.broadcast_address)
        ):
            return True
    return False


def guard_conditions(node: object) -> list[object]:
    """The conditions of every guard (surface Guard or IR CheckIf) under ``node``."""
    out: list[object] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, (ast.Guard, ast.CheckIf)):
            out.append(n.cond)
        if isinstance(n, tuple):
            stack.extend(n)
        elif hasattr(n, "__dataclass_fields__") and not isinstance(
            n, (ast.PrefixCond, ast.QosCond, ast.ProtoCond, ast.PortCond)
        ):
            stack.extend(getattr(n, f) for f in n.__dataclass_fields__ if f != "span")
    return out


def traffic_packets(traffic: Sequence[TrafficKey], node: object) -> list[Packet]:
    """The representative packets of an FEC's traffic for the guards under ``node``."""
    return [p for p in packets(traffic, guard_conditions(node)) if packet_in_traffic(p, traffic)]


# ---------------------------------------------------------------------- surface specs

EMPTY_SPEC = ast.Atomic(ast.EmptySet(), ast.Preserve())


def branch_names(s: object) -> list[str]:
    """The names a report distinguishes: those of the guard branches some packet reaches
    (``if qos = 3 { if qos = 4 { x } else { y } }`` never reaches ``x``); every other
    location is one "other" hop."""
    out: set[str] = set()
    for p in packets((), guard_conditions(s)):
        out.update(spec_names(resolve_guards(s, p)))
    return sorted(out)


def _resolve_by(s: object, value: Callable[[object], bool]) -> object:
    """The guard-free spec when each condition ``c`` is ``value(c)``."""
    if isinstance(s, ast.Guard):
        if value(s.cond):
            return _resolve_by(s.then, value)
        return _resolve_by(s.otherwise, value) if s.otherwise is not None else EMPTY_SPEC
    if isinstance(s, ast.Then):
        return ast.Then(_resolve_by(s.left, value), _resolve_by(s.right, value))
    if isinstance(s, ast.Else):
        return ast.Else(_resolve_by(s.left, value), _resolve_by(s.right, value))
    return s


def resolve_guards(s: object, p: Packet) -> object:
    """The guard-free spec packet ``p`` sees (a guard without else: nothing)."""
    return _resolve_by(s, lambda c: satisfies(p, c))


class Surface:
    """DESIGN §3's table on explicit sets (guard-free specs); markers numbered by `any`."""

    def __init__(self, u: Universe) -> None:
        self.u = u
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
        raise TypeError(s)


@dataclass
class Part:
    """The packets of an FEC that see one guard-free spec, and its verdict there."""

    spec: object
    packets: list[Packet]
    holds: bool
    expected: set[Path]
    actual: set[Path]


def spec_parts(
    spec: object, pre: set[Path], post: set[Path], traffic: Sequence[TrafficKey], k: int
) -> list[Part]:
    """A surface spec on one FEC, per guard-free spec its packets see (cut at k).

    The FEC holds iff every part holds (guards split FECs: docs/verification.md).
    """
    present = {x for p in pre | post for x in p}
    groups: dict[object, list[Packet]] = {}
    for packet in traffic_packets(traffic, spec):
        groups.setdefault(resolve_guards(spec, packet), []).append(packet)
    out = []
    u = Universe.of(present, branch_names(spec), (), k)  # every reachable branch's names
    for resolved, members in groups.items():
        r, q, _ = Surface(u).sem(resolved)
        expected = image({p for p in pre if len(p) <= k}, r)
        actual = image({p for p in post if len(p) <= k}, q)
        out.append(Part(resolved, members, expected == actual, expected, actual))
    return out


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
