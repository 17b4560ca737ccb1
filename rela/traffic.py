"""Exact arithmetic on sets of packets: traffic keys as cubes, split by guard conditions.

A packet has an address family (IPv4 or IPv6), a destination and a source
address of that family, a QoS value, an IP protocol and two transport ports.
A :class:`Cube` is a set of packets of one family given, per field, by a
union of inclusive integer ranges; a set of packets is a tuple of cubes (their
union).  A :class:`~rela.network.model.TrafficKey` is one cube per family it
admits (a key without addresses admits both families), and an FEC with no
keys at all stands for every packet (docs/verification.md).

:func:`partition` splits an FEC's traffic by a guard condition into the
packets inside the condition and those outside, exactly: every field is
matched by range arithmetic, never by sampling.  Conditions are compiled once
(:func:`compile_condition`: a guard with 60,000 prefixes is parsed and merged
once per run) and then split any number of FECs in time logarithmic in the
number of prefixes.

>>> from rela.lang import ast
>>> from rela.network.model import TrafficKey
>>> inside, outside = partition([TrafficKey(dst="10.0.0.0/8")],
...                             ast.PrefixCond("dst", ("10.1.0.0/16",)))
>>> describe_part(inside), describe_part(outside)
('dst 10.1.0.0/16', 'dst 10.0.0.0/16 or 10.2.0.0/15 or 10.4.0.0/14 (+5 more)')
>>> inside, outside = partition([], ast.ProtoCond((6,)))
>>> describe_part(inside), describe_part(outside)
('tcp', 'proto not tcp')
"""

from __future__ import annotations

import ipaddress
import socket
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from rela.lang import ast
from rela.network.model import TrafficKey
from rela.protocols import PROTOCOL_NAMES
from rela.values import frozen

__all__ = [
    "Ranges",
    "Cube",
    "TrafficError",
    "CompiledCondition",
    "cubes_of",
    "compile_condition",
    "partition",
    "split",
    "is_empty",
    "contains",
    "describe_part",
    "FIELDS",
    "ADDRESS_MAX",
    "QOS_MAX",
    "PROTOCOL_MAX",
    "PORT_MAX",
]

#: An ordered union of disjoint, non-adjacent inclusive ranges ``(lo, hi)``.
Ranges = tuple[tuple[int, int], ...]

#: Largest address of each family.
ADDRESS_MAX = {4: (1 << 32) - 1, 6: (1 << 128) - 1}
#: Largest QoS value a packet can carry (loaders refuse larger ones).
QOS_MAX = (1 << 64) - 1
PROTOCOL_MAX = 255
PORT_MAX = 65535

#: The per-field names of a cube, in the order of :meth:`TrafficKey.describe`.
FIELDS = ("dst", "src", "protocol", "dst_ports", "src_ports", "qos")


class TrafficError(ValueError):
    """A traffic key that does not describe packets (an unparsable address, a bad range)."""


def _domain(field: str, family: int) -> Ranges:
    if field in ("dst", "src"):
        return ((0, ADDRESS_MAX[family]),)
    if field == "qos":
        return ((0, QOS_MAX),)
    if field == "protocol":
        return ((0, PROTOCOL_MAX),)
    return ((0, PORT_MAX),)


# ---------------------------------------------------------------------- ranges


def normalise(ranges: Iterable[tuple[int, int]]) -> Ranges:
    """Sorted, disjoint, non-adjacent ranges covering the same integers (empty ranges dropped).

    >>> normalise([(5, 9), (1, 2), (3, 3), (8, 12), (20, 19)])
    ((1, 3), (5, 12))
    """
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(r for r in ranges if r[0] <= r[1]):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return tuple(out)


class RangeIndex:
    """A (possibly large) :data:`Ranges` with its bounds as lists, for binary search."""

    __slots__ = ("ranges", "his")

    def __init__(self, ranges: Ranges) -> None:
        self.ranges = ranges
        self.his = [hi for _, hi in ranges]

    def overlapping(self, lo: int, hi: int) -> Iterator[tuple[int, int]]:
        """The ranges of the index that meet ``[lo, hi]``, in order."""
        ranges = self.ranges
        i = bisect_left(self.his, lo)
        while i < len(ranges) and ranges[i][0] <= hi:
            yield ranges[i]
            i += 1

    def inter(self, a: Ranges) -> Ranges:
        """``a`` ∩ the index (``a`` normalised, so is the result)."""
        out = []
        for lo, hi in a:
            for slo, shi in self.overlapping(lo, hi):
                out.append((max(lo, slo), min(hi, shi)))
        return tuple(out)

    def minus(self, a: Ranges) -> Ranges:
        """``a`` minus the index."""
        out = []
        for lo, hi in a:
            cursor = lo
            for slo, shi in self.overlapping(lo, hi):
                if slo > cursor:
                    out.append((cursor, slo - 1))
                cursor = shi + 1
            if cursor <= hi:
                out.append((cursor, hi))
        return tuple(out)


# ---------------------------------------------------------------------- cubes


@frozen
class Cube:
    """The packets of one address family whose every field lies in its ranges.

    An empty field makes the cube empty (such cubes are never kept).
    """

    family: int
    dst: Ranges
    src: Ranges
    qos: Ranges
    protocol: Ranges
    dst_ports: Ranges
    src_ports: Ranges

    @staticmethod
    def full(family: int) -> Cube:
        """Every packet of the family."""
        return Cube(family, *(_domain(f, family) for f in _CUBE_FIELDS))

    def field(self, name: str) -> Ranges:
        ranges: Ranges = getattr(self, name)
        return ranges

    def describe(self) -> str:
        """The cube for people, like :meth:`TrafficKey.describe`: ``dst 10.0.0.0/8, tcp``."""
        return _describe_cube(self, show_family=True)


_CUBE_FIELDS = ("dst", "src", "qos", "protocol", "dst_ports", "src_ports")


def _prefix_range(text: str, where: str) -> tuple[int, tuple[int, int]]:
    """``(family, (first, last))`` of an address or prefix (host bits allowed).

    >>> _prefix_range("10.1.2.3/8", "dst"), _prefix_range("2001:db8::/127", "dst")[1][1] & 0xF
    ((4, (167772160, 184549375)), 1)
    """
    addr, slash, length = text.partition("/")
    for family, af, bits in ((4, socket.AF_INET, 32), (6, socket.AF_INET6, 128)):
        try:
            value = int.from_bytes(socket.inet_pton(af, addr), "big")
        except (OSError, ValueError, TypeError):
            continue
        if not slash:
            return family, (value, value)
        if length.isascii() and length.isdigit() and len(length) <= 3 and int(length) <= bits:
            host = (1 << (bits - int(length))) - 1
            return family, (value & ~host, (value & ~host) | host)
        break
    raise TrafficError(f"{where} {text!r} is not an IP address or prefix")


_cached_prefix = lru_cache(maxsize=65536)(_prefix_range)


def _point(value: int | None, top: int, where: str) -> Ranges | None:
    if value is None:
        return None
    if not 0 <= value <= top:
        raise TrafficError(f"{where} {value} is outside 0-{top}")
    return ((value, value),)


def _port(value: tuple[int, int] | None, where: str) -> Ranges | None:
    if value is None:
        return None
    lo, hi = value
    if not 0 <= lo <= hi <= PORT_MAX:
        raise TrafficError(f"{where} {lo}-{hi} is not a port range within 0-{PORT_MAX}")
    return ((lo, hi),)


def key_cubes(key: TrafficKey) -> tuple[Cube, ...]:
    """The packets of one traffic key: one cube per address family it admits.

    >>> [c.family for c in key_cubes(TrafficKey(qos=4))]
    [4, 6]
    """
    fams: set[int] = {4, 6}
    addr: dict[str, tuple[int, tuple[int, int]]] = {}
    for field in ("dst", "src"):
        text = getattr(key, field)
        if text is not None:
            fam, rng = _cached_prefix(text, field)
            addr[field] = (fam, rng)
            fams &= {fam}
    if not fams:  # an IPv4 destination with an IPv6 source: no packet has both
        return ()
    others = {
        "qos": _point(key.qos, QOS_MAX, "qos"),
        "protocol": _point(key.protocol, PROTOCOL_MAX, "protocol"),
        "dst_ports": _port(key.dst_ports, "dstPort"),
        "src_ports": _port(key.src_ports, "srcPort"),
    }
    out = []
    for fam in sorted(fams):
        fields = {f: (addr[f][1],) if f in addr else _domain(f, fam) for f in ("dst", "src")}
        for f, value in others.items():
            fields[f] = value if value is not None else _domain(f, fam)
        out.append(Cube(fam, **fields))
    return tuple(out)


def cubes_of(keys: Sequence[TrafficKey]) -> tuple[Cube, ...]:
    """An FEC's traffic as cubes; no keys at all is every packet (both families).

    >>> [c.family for c in cubes_of([])]
    [4, 6]
    """
    if not keys:
        return (Cube.full(4), Cube.full(6))
    return tuple(c for key in keys for c in key_cubes(key))


def is_empty(cubes: Iterable[Cube]) -> bool:
    """Whether no packet is in any of the cubes (kept cubes are never empty)."""
    return not any(True for _ in cubes)


def contains(cubes: Iterable[Cube], packet: dict[str, int]) -> bool:
    """Whether a packet (``family`` and every field of :data:`FIELDS` as an int) is in a cube."""
    for c in cubes:
        if c.family != packet["family"]:
            continue
        if all(any(lo <= packet[f] <= hi for lo, hi in c.field(f)) for f in _CUBE_FIELDS):
            return True
    return False


# ---------------------------------------------------------------------- conditions


@dataclass(frozen=True, eq=False)
class _Atom:
    """``field ∈ set`` (per family for addresses)."""

    field: str
    by_family: dict[int, RangeIndex]


@frozen
class _Not:
    operand: CompiledCondition


@frozen
class _And:
    parts: tuple[CompiledCondition, ...]


@frozen
class _Or:
    parts: tuple[CompiledCondition, ...]


CompiledCondition = _Atom | _Not | _And | _Or


def compile_condition(cond: ast.Condition) -> CompiledCondition:
    """A condition with its prefixes parsed and merged into ranges, ready to split cubes.

    Compile once per run and reuse for every FEC (parsing 60,000 prefixes takes
    a noticeable fraction of a second).
    """
    if isinstance(cond, ast.PrefixCond):
        acc: dict[int, list[tuple[int, int]]] = {4: [], 6: []}
        for p in cond.prefixes:
            fam, rng = _prefix_range(p, f"{cond.field} in")
            acc[fam].append(rng)
        return _Atom(cond.field, {fam: RangeIndex(normalise(rs)) for fam, rs in acc.items()})
    if isinstance(cond, ast.QosCond):
        return _whole("qos", ((cond.value, cond.value),))
    if isinstance(cond, ast.ProtoCond):
        return _whole("protocol", tuple((p, p) for p in cond.protocols))
    if isinstance(cond, ast.PortCond):
        field = "dst_ports" if cond.field == "dport" else "src_ports"
        return _whole(field, cond.ranges)
    if isinstance(cond, ast.CondNot):
        return _Not(compile_condition(cond.operand))
    if isinstance(cond, ast.CondAnd):
        return _And(tuple(compile_condition(p) for p in cond.parts))
    if isinstance(cond, ast.CondOr):
        return _Or(tuple(compile_condition(p) for p in cond.parts))
    raise TypeError(f"not a condition: {cond!r}")


def _whole(field: str, ranges: Iterable[tuple[int, int]]) -> _Atom:
    index = RangeIndex(normalise(ranges))
    return _Atom(field, {4: index, 6: index})


def split(cubes: Sequence[Cube], cond: CompiledCondition) -> tuple[list[Cube], list[Cube]]:
    """``(inside, outside)``: the packets of ``cubes`` that satisfy ``cond`` and the others.

    Each cube is cut along one field per atomic condition, so the result has at
    most (atoms + 1) times as many cubes as the input.
    """
    if isinstance(cond, _Atom):
        inside: list[Cube] = []
        outside: list[Cube] = []
        for c in cubes:
            index = cond.by_family[c.family]
            have = c.field(cond.field)
            met = index.inter(have)
            if met:
                inside.append(_with(c, cond.field, met))
            rest = index.minus(have)
            if rest:
                outside.append(_with(c, cond.field, rest))
        return inside, outside
    if isinstance(cond, _Not):
        a, b = split(cubes, cond.operand)
        return b, a
    if isinstance(cond, _And):
        inside, outside = list(cubes), []
        for part in cond.parts:
            inside, out = split(inside, part)
            outside.extend(out)
        return inside, outside
    inside, outside = [], list(cubes)
    for part in cond.parts:
        hit, outside = split(outside, part)
        inside.extend(hit)
    return inside, outside


def _with(c: Cube, field: str, ranges: Ranges) -> Cube:
    return replace(c, **{field: ranges})  # type: ignore[arg-type]


def partition(
    keys: Sequence[TrafficKey], cond: ast.Condition | CompiledCondition
) -> tuple[tuple[Cube, ...], tuple[Cube, ...]]:
    """Split an FEC's traffic (its keys; none = every packet) by a guard condition.

    Returns the cubes of the packets inside the condition and of those outside;
    either may be empty.  Pass a :func:`compile_condition` result to split many
    FECs by one condition.

    >>> from rela.lang import ast
    >>> inside, outside = partition([TrafficKey(dst="10.0.0.1", qos=4)], ast.QosCond(4))
    >>> len(inside), len(outside)
    (1, 0)
    """
    compiled = cond if isinstance(cond, (_Atom, _Not, _And, _Or)) else compile_condition(cond)
    inside, outside = split(cubes_of(keys), compiled)
    return tuple(inside), tuple(outside)


# ---------------------------------------------------------------------- descriptions


#: Values listed per field before "(+N more)".
_SHOWN = 3


def describe_part(cubes: Sequence[Cube], limit: int = 3) -> str:
    """A set of packets for people: cube descriptions joined by ``; `` (at most ``limit``).

    The two families of an otherwise identical cube with unconstrained
    addresses are shown once, without the family.
    """
    merged: list[tuple[Cube, bool]] = []
    pending = list(cubes)
    while pending:
        c = pending.pop(0)
        twin = next((d for d in pending if _twins(c, d)), None)
        if twin is not None:
            pending.remove(twin)
            merged.append((c, False))
        else:
            merged.append((c, True))
    if not merged:
        return "no packet"
    # Only the cubes shown are described (describing one costs a prefix cover of
    # each of its ranges); the others are counted.
    text = "; ".join(_describe_cube(c, show) for c, show in merged[:limit])
    if len(merged) > limit:
        text += f"; (+{len(merged) - limit} more)"
    return text


def _twins(a: Cube, b: Cube) -> bool:
    if a.family == b.family:
        return False
    if not all(
        c.dst == _domain("dst", c.family) and c.src == _domain("src", c.family) for c in (a, b)
    ):
        return False
    return all(a.field(f) == b.field(f) for f in ("qos", "protocol", "dst_ports", "src_ports"))


def _describe_cube(c: Cube, show_family: bool) -> str:
    parts = []
    for field in FIELDS:
        text = _describe_field(c, field)
        if text:
            parts.append(text)
    addresses_free = not any(p.startswith(("dst ", "src ")) for p in parts)
    if show_family and addresses_free:
        parts.insert(0, f"IPv{c.family}")
    return ", ".join(parts) if parts else "any packet"


def _describe_field(c: Cube, field: str) -> str:
    have = c.field(field)
    domain = _domain(field, c.family)
    if have == domain:
        return ""
    missing = RangeIndex(have).minus(domain)
    label = {"dst": "dst", "src": "src", "qos": "qos", "protocol": "proto",
             "dst_ports": "dport", "src_ports": "sport"}[field]  # fmt: skip
    if field == "protocol" and len(have) == 1 and have[0][0] == have[0][1]:
        return PROTOCOL_NAMES.get(have[0][0], f"proto {have[0][0]}")
    if _count(missing, field, c.family) < _count(have, field, c.family):
        joiner = " in " if field in ("dst", "src") else " "
        return f"{label} not{joiner}{_values(missing, field, c.family, ' nor ')}"
    return f"{label} {_values(have, field, c.family, ' or ')}"


def _count(ranges: Ranges, field: str, family: int) -> int:
    if field in ("dst", "src"):
        return sum(1 for _ in _prefixes(ranges, family, cap=64))
    return len(ranges)


def _prefixes(ranges: Ranges, family: int, cap: int | None = None) -> Iterator[str]:
    make = ipaddress.IPv4Address if family == 4 else ipaddress.IPv6Address
    n = 0
    for lo, hi in ranges:
        for net in ipaddress.summarize_address_range(make(lo), make(hi)):
            yield str(net)
            n += 1
            if cap is not None and n >= cap:
                return


def _values(ranges: Ranges, field: str, family: int, sep: str) -> str:
    """Up to three values of a field joined by ``sep``, then how many more."""
    if field in ("dst", "src"):
        items = list(_prefixes(ranges, family, cap=1000))
        more = len(items) - _SHOWN
        if len(items) >= 1000:
            return sep.join(items[:_SHOWN]) + f" (+ at least {more} more)"
        return sep.join(items[:_SHOWN]) + (f" (+{more} more)" if more > 0 else "")
    if field == "protocol":
        items = [PROTOCOL_NAMES.get(lo, str(lo)) if lo == hi else f"{lo}-{hi}" for lo, hi in ranges]
    else:
        items = [str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in ranges]
    more = len(items) - _SHOWN
    return sep.join(items[:_SHOWN]) + (f" (+{more} more)" if more > 0 else "")
