"""Sets of packets as BDDs: the header space of Rela's traffic classes (DESIGN §2).

A packet is (IP version, dst IP, src IP, IP protocol, dst port, src port).  A
:class:`PacketSpace` holds one BDD manager from the ``dd`` library (its CUDD
backend ``dd.cudd`` when the wheel has it, else the pure-Python ``dd.autoref``)
with one variable per header bit, in the order version, dst (128 bits, MSB
first; IPv4 uses the first 32), src, protocol (8), dst port (16), src port (16).
Predicates (prefixes, Cisco-style wildcards, protocols, port ranges) are BDDs,
combined with ``&``, ``|`` and ``~`` (always inside :attr:`PacketSpace.universe`,
the IP versions in play).  :meth:`PacketSpace.cubes` turns a set back into
disjoint :class:`~rela.network.model.TrafficKey` cubes for people and JSON.

>>> space = PacketSpace()
>>> web = space.dst("2.128.0.0/23") & space.protocol(6) & space.ports("dport", 80, 80)
>>> [k.describe() for k in space.cubes(web & ~space.dst("2.128.1.0/24"))]
['dst 2.128.0.0/24, tcp, dport 80']
>>> space.contains(web, Packet.of("2.128.1.9", "8.8.8.8", 6, 80, 4242))
True
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import operator
import sys
import weakref
from collections.abc import Iterable, Iterator
from typing import Any

from rela.network.model import TrafficKey
from rela.values import frozen

__all__ = ["BACKENDS", "Packet", "PacketSpace", "default_backend"]

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Header fields in BDD variable order, with their widths (addresses: the IPv6 width).
#: Protocol and ports come first: a class's cubes are grouped by the fields on top,
#: and "every protocol but tcp and udp" then costs its ~254 keys once, not once per
#: destination prefix (docs/performance.md has the measurement).
_FIELDS: tuple[tuple[str, int], ...] = (
    ("proto", 8),
    ("dport", 16),
    ("sport", 16),
    ("dst", 128),
    ("src", 128),
)
_WIDTH = dict(_FIELDS)
_ADDRESS_BITS = {4: 32, 6: 128}
_VERSION_VAR = "v6"


def _load_backend(name: str) -> Any:
    if name not in BACKENDS:
        raise ValueError(f"unknown BDD backend {name!r} (cudd or autoref)")
    with _without_networkx():
        if name == "cudd":
            from dd import cudd

            return cudd
        from dd import autoref

        return autoref


@contextlib.contextmanager
def _without_networkx() -> Iterator[None]:
    """``dd`` imports networkx when it is installed, for features of its own that are
    optional (it imports fine without) and that Rela does not use: 0.3 s of every run
    with ACLs.  While ``dd`` is first imported, networkx reads as not installed; it is
    imported normally afterwards (drawings).  When networkx is already loaded, nothing
    is hidden."""
    if "networkx" in sys.modules:
        yield
        return
    sys.modules["networkx"] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        yield
    finally:
        if sys.modules.get("networkx", 0) is None:
            del sys.modules["networkx"]


def default_backend() -> str:
    """``"cudd"`` when ``dd.cudd`` (the CUDD wheel) imports, else ``"autoref"``.

    >>> default_backend() in BACKENDS
    True
    """
    try:
        _load_backend("cudd")
    except ImportError:
        return "autoref"
    return "cudd"


BACKENDS = ("cudd", "autoref")

#: CUDD managers whose space is gone but some of whose nodes a BDD still references.
#: ``dd.cudd`` refuses to free a manager that still has referenced nodes (it prints
#: "Still N nodes referenced upon shutdown" as an unraisable exception and leaks the
#: manager), and the cycle collector may free a manager before its BDDs when a space
#: and its BDDs die in one reference cycle (a traceback holding a run's frame).  The
#: finalizer of each space holds its manager outside any cycle, and a manager is let
#: go once none of its nodes is referenced.
_PARKED: list[Any] = []


def _keep_until_unreferenced(space: object, manager: Any) -> None:
    _sweep_parked()
    weakref.finalize(space, _park, manager).atexit = False


def _park(manager: Any) -> None:
    _PARKED.append(manager)
    _sweep_parked()


def _sweep_parked() -> None:
    _PARKED[:] = [m for m in _PARKED if len(m)]  # len: the nodes still referenced


@frozen
class Packet:
    """One concrete packet (for tests, oracles and examples).

    >>> Packet.of("10.0.0.1", "10.0.0.2", 17, 53, 5353).version
    4
    """

    dst: IPAddress
    src: IPAddress
    protocol: int
    dst_port: int
    src_port: int

    @staticmethod
    def of(dst: str, src: str, protocol: int, dst_port: int = 0, src_port: int = 0) -> Packet:
        return Packet(
            ipaddress.ip_address(dst), ipaddress.ip_address(src), protocol, dst_port, src_port
        )

    @property
    def version(self) -> int:
        return self.dst.version


class PacketSpace:
    """A BDD manager over packet headers, with the predicates Rela needs.

    ``versions`` are the IP versions of the universe (the packets that exist):
    IPv4 alone unless IPv6 is asked for.  Every method returns a BDD already
    inside the universe, so ``~`` is taken with :meth:`complement`.
    """

    def __init__(self, versions: Iterable[int] = (4,), backend: str | None = None) -> None:
        self.backend = backend or default_backend()
        mod = _load_backend(self.backend)
        self.bdd = mod.BDD()
        if self.backend == "cudd":
            # fixed order: cube extraction walks the variables field by field
            self.bdd.configure(reordering=False)
            _keep_until_unreferenced(self, self.bdd)
        names = [_VERSION_VAR]
        for field, width in _FIELDS:
            names += [f"{field}{i}" for i in range(width)]
        self.bdd.declare(*names)
        self._vars = {name: self.bdd.var(name) for name in names}
        self._level = {name: self.bdd.level_of_var(name) for name in names}
        self.true = self.bdd.true
        self.false = self.bdd.false
        self.versions = tuple(sorted(set(versions)))
        if not self.versions or not set(self.versions) <= {4, 6}:
            raise ValueError(f"IP versions must be 4 and/or 6, not {versions!r}")
        self.universe = self.false
        for v in self.versions:
            self.universe |= self.version(v)
        self._cube_memo: dict[tuple[Any, int, int], list[tuple[Any, ...]]] = {}

    # ---------------------------------------------------------------- predicates

    def version(self, version: int) -> Any:
        """Every packet of IP version ``version``."""
        bit = self._vars[_VERSION_VAR]
        return bit if version == 6 else ~bit

    def complement(self, u: Any) -> Any:
        """The packets of the universe not in ``u``."""
        return self.universe & ~u

    def _bits(self, field: str, value: int, width: int, care: int) -> Any:
        """The cube fixing the bits of ``value`` (``width`` bits, MSB first) where ``care`` is 1."""
        assign: dict[str, bool] = {}
        for i in range(width):
            bit = width - 1 - i
            if (care >> bit) & 1:
                assign[f"{field}{i}"] = bool((value >> bit) & 1)
        return self.bdd.cube(assign) if assign else self.true

    def address(self, field: str, net: str | IPNetwork) -> Any:
        """Packets whose ``field`` (``dst`` or ``src``) lies in prefix ``net``.

        >>> space = PacketSpace()
        >>> space.contains(space.address("src", "10.0.0.0/8"), Packet.of("1.1.1.1", "10.2.3.4", 6))
        True
        """
        n = ipaddress.ip_network(net, strict=False) if isinstance(net, str) else net
        bits = _ADDRESS_BITS[n.version]
        care = ((1 << n.prefixlen) - 1) << (bits - n.prefixlen)
        return self.wildcard(field, n.version, int(n.network_address), care)

    def dst(self, net: str | IPNetwork) -> Any:
        """Packets whose destination lies in ``net``."""
        return self.address("dst", net)

    def src(self, net: str | IPNetwork) -> Any:
        """Packets whose source lies in ``net``."""
        return self.address("src", net)

    def wildcard(self, field: str, version: int, address: int, care: int) -> Any:
        """Packets whose ``field`` address equals ``address`` on the bits set in ``care``.

        ``care`` is the inverse of a Cisco wildcard mask (1 = the bit must match).
        """
        bits = _ADDRESS_BITS[version]
        cube = self._bits(field, address, bits, care)
        return cube & self.version(version) & self.universe

    def protocol(self, number: int) -> Any:
        """Packets of IP protocol ``number`` (0-255)."""
        if not 0 <= number <= 255:
            raise ValueError(f"IP protocol {number} is not in 0-255")
        return self._bits("proto", number, 8, 0xFF) & self.universe

    def ports(self, field: str, lo: int, hi: int) -> Any:
        """Packets whose ``dport``/``sport`` lies in the inclusive range ``lo``-``hi``.

        >>> space = PacketSpace()
        >>> space.cubes(space.ports("dport", 1024, 65535))[0].dst_ports
        (1024, 65535)
        """
        if not 0 <= lo <= hi <= 65535:
            raise ValueError(f"port range {lo}-{hi} is not inside 0-65535")
        return self._at_least(field, lo) & self._at_most(field, hi) & self.universe

    def _at_most(self, field: str, bound: int) -> Any:
        width = _WIDTH[field]
        acc = self.true
        for i in reversed(range(width)):
            x = self._vars[f"{field}{i}"]
            acc = (~x | acc) if (bound >> (width - 1 - i)) & 1 else (~x & acc)
        return acc

    def _at_least(self, field: str, bound: int) -> Any:
        width = _WIDTH[field]
        acc = self.true
        for i in reversed(range(width)):
            x = self._vars[f"{field}{i}"]
            acc = (x & acc) if (bound >> (width - 1 - i)) & 1 else (x | acc)
        return acc

    def key(self, key: TrafficKey) -> Any:
        """The packets of one traffic key (a key without ``dst`` spans every version)."""
        u = self.universe
        if key.dst is not None:
            u &= self.dst(key.dst)
        if key.src is not None:
            u &= self.src(key.src)
        if key.protocol is not None:
            u &= self.protocol(key.protocol)
        if key.dst_ports is not None:
            u &= self.ports("dport", *key.dst_ports)
        if key.src_ports is not None:
            u &= self.ports("sport", *key.src_ports)
        return u

    def packet(self, p: Packet) -> Any:
        """The set holding just ``p``."""
        return (
            self.address("dst", ipaddress.ip_network(p.dst))
            & self.address("src", ipaddress.ip_network(p.src))
            & self.protocol(p.protocol)
            & self.ports("dport", p.dst_port, p.dst_port)
            & self.ports("sport", p.src_port, p.src_port)
        )

    # ---------------------------------------------------------------- queries

    def contains(self, u: Any, p: Packet) -> bool:
        """Whether packet ``p`` is in ``u`` (a walk down the BDD, no new nodes)."""
        values = {_VERSION_VAR: p.version == 6}
        bits = _ADDRESS_BITS[p.version]
        for field, value, width in (
            ("dst", int(p.dst), bits),
            ("src", int(p.src), bits),
            ("proto", p.protocol, 8),
            ("dport", p.dst_port, 16),
            ("sport", p.src_port, 16),
        ):
            for i in range(width):
                values[f"{field}{i}"] = bool((value >> (width - 1 - i)) & 1)
        node = u
        while node != self.true and node != self.false:
            name = node.var
            low, high = _cofactors(node)
            node = high if values.get(name, False) else low
        return bool(node == self.true)

    def pick(self, u: Any) -> Packet | None:
        """One packet of ``u`` (None when ``u`` is empty); free bits are 0."""
        if u == self.false:
            return None
        key = self.cubes(u, limit=1)[0]
        net = ipaddress.ip_network(key.dst or "0.0.0.0/0")
        src_net = ipaddress.ip_network(key.src) if key.src else None
        src = (
            src_net.network_address
            if src_net is not None
            else ipaddress.ip_address("0.0.0.0" if net.version == 4 else "::")
        )
        return Packet(
            net.network_address,
            src,
            key.protocol if key.protocol is not None else 0,
            key.dst_ports[0] if key.dst_ports else 0,
            key.src_ports[0] if key.src_ports else 0,
        )

    # ---------------------------------------------------------------- cubes

    def cubes(self, u: Any, limit: int | None = None) -> list[TrafficKey]:
        """``u`` as disjoint traffic keys, sorted in header order (dst, src, protocol, ports).

        Each key gives its destination prefix; bits that are fixed after a free
        bit (a wildcard that is not a prefix, or a port set that is not a range)
        are expanded into several keys.  ``limit`` stops after that many keys
        (then the keys are not sorted, and are only a part of ``u``).

        >>> space = PacketSpace()
        >>> tcp_or_udp = space.protocol(6) | space.protocol(17)
        >>> [k.describe() for k in space.cubes(space.dst("10.0.0.0/8") & tcp_or_udp)]
        ['dst 10.0.0.0/8, tcp', 'dst 10.0.0.0/8, udp']
        """
        out: list[TrafficKey] = []
        for version in self.versions:
            part = self.bdd.let({_VERSION_VAR: version == 6}, u)
            if part == self.false:
                continue
            found = self._field_cubes(part, 0, version)
            if limit is not None and len(out) + len(found) >= limit:
                found = found[: limit - len(out)]
            else:
                found = sorted(found, key=_HEADER_ORDER)
            out.extend(_to_key(version, cube) for cube in found)
            if limit is not None and len(out) >= limit:
                break
        return out

    def _field_cubes(self, u: Any, index: int, version: int) -> list[tuple[Any, ...]]:
        """The cubes of ``u`` over the fields from ``index`` on, as tuples of their
        values in BDD order, each value in its sortable form (:data:`_FREE` when free)."""
        if index == len(_FIELDS):
            return [()]
        memo_key = (u, index, version)
        found = self._cube_memo.get(memo_key)
        if found is not None:
            return found
        field, width = _FIELDS[index]
        address = field in ("dst", "src")
        if address:
            width = _ADDRESS_BITS[version]
        out: list[tuple[Any, ...]] = []
        # The packets whatever this field says (∀ field) get one cube with the field
        # free; only the rest is split by value.  Without this, "every protocol but
        # tcp" would repeat the cubes of the other fields once per protocol.
        names = [f"{field}{i}" for i in range(width)]
        free = self.bdd.forall(names, u)
        if free != self.false:
            head = (_FREE[field],)
            out.extend(head + r for r in self._field_cubes(free, index + 1, version))
        for residual, values in self._split(u & ~free, field, width):
            rest = self._field_cubes(residual, index + 1, version)
            for value in values:
                head = ((value[0], -value[1]),) if address else (value,)
                out.extend(head + r for r in rest)
        if len(self._cube_memo) > 100_000:
            self._cube_memo.clear()
        self._cube_memo[memo_key] = out
        return out

    def _split(self, u: Any, field: str, width: int) -> list[tuple[Any, list[Any]]]:
        """Group the values of ``field`` by what ``u`` says about the later fields.

        Returns ``(residual, values)`` pairs: every value in ``values`` goes with
        the rest of the packet in ``residual``.  A value is ``None`` (any value),
        an aligned address block ``(start, free low bits)`` for addresses, a
        protocol number, or an inclusive ``(lo, hi)`` port range.
        """
        levels = [self._level[f"{field}{i}"] for i in range(width)]
        groups: dict[Any, list[tuple[int, int]]] = {}
        for residual, start, free in self._walk(u, levels, levels[-1], 0, 0):
            if residual != self.false:
                groups.setdefault(residual, []).append((start, start + (1 << free) - 1))
        result: list[tuple[Any, list[Any]]] = []
        for residual, spans in groups.items():
            merged = _merge_spans(spans)
            values: list[Any]
            if merged == [(0, (1 << width) - 1)]:
                values = [None]
            elif field in ("dst", "src"):
                values = [block for lo, hi in merged for block in _aligned(lo, hi)]
            elif field == "proto":
                values = [n for lo, hi in merged for n in range(lo, hi + 1)]
            else:
                values = merged
            result.append((residual, values))
        return result

    def _walk(
        self, u: Any, levels: list[int], last: int, depth: int, prefix: int
    ) -> Iterator[tuple[Any, int, int]]:
        """Paths of ``u`` through the variables of one field: ``(residual, start, free bits)``."""
        width = len(levels)
        if depth == width:
            yield u, prefix, 0
            return
        level = None if u == self.true or u == self.false else u.level
        if level is None or level > last:
            # no later bit of this field is tested: they are all free
            free = width - depth
            yield u, prefix << free, free
            return
        if level > levels[depth]:
            # this bit is free but a later one is tested: expand it
            for bit in (0, 1):
                yield from self._walk(u, levels, last, depth + 1, (prefix << 1) | bit)
            return
        low, high = _cofactors(u)
        yield from self._walk(low, levels, last, depth + 1, prefix << 1)
        yield from self._walk(high, levels, last, depth + 1, (prefix << 1) | 1)

    def size(self, u: Any) -> int:
        """The number of BDD nodes of ``u`` (a measure for benchmarks)."""
        return int(u.dag_size)


def _cofactors(u: Any) -> tuple[Any, Any]:
    """The low and high cofactors of ``u`` on its top variable (``dd`` gives the
    children of the regular node; a complemented node complements them)."""
    if u.negated:
        return ~u.low, ~u.high
    return u.low, u.high


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted inclusive spans with overlapping and adjacent ones merged."""
    merged: list[list[int]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(lo, hi) for lo, hi in merged]


def _aligned(lo: int, hi: int) -> list[tuple[int, int]]:
    """The fewest aligned power-of-two blocks covering ``lo``-``hi`` (CIDR-style)."""
    out: list[tuple[int, int]] = []
    while lo <= hi:
        free = 0
        while lo % (1 << (free + 1)) == 0 and lo + (1 << (free + 1)) - 1 <= hi:
            free += 1
        out.append((lo, free))
        lo += 1 << free
    return out


#: A free field in a cube tuple, below every value of the field in header order: a
#: protocol number, an inclusive port range, an address block ``(start, -free bits)``.
_FREE = {"proto": -1, "dport": (-1, -1), "sport": (-1, -1), "dst": (-1, 0), "src": (-1, 0)}
_POSITION = {name: i for i, (name, _) in enumerate(_FIELDS)}
#: Header order of cube tuples: destination, source, protocol, destination and source ports.
_HEADER_ORDER = operator.itemgetter(
    *(_POSITION[f] for f in ("dst", "src", "proto", "dport", "sport"))
)


@functools.lru_cache(maxsize=1 << 16)
def _prefix_text(version: int, start: int, length: int) -> str:
    if version == 4:
        return f"{start >> 24}.{(start >> 16) & 255}.{(start >> 8) & 255}.{start & 255}/{length}"
    return str(ipaddress.IPv6Network((start, length)))


def _to_key(version: int, cube: tuple[Any, ...]) -> TrafficKey:
    bits = _ADDRESS_BITS[version]
    proto, dport, sport, dst, src = cube  # in the order of _FIELDS
    return TrafficKey(
        dst=_prefix_text(version, dst[0], bits + dst[1]) if dst[0] >= 0 else _ANY[version],
        src=_prefix_text(version, src[0], bits + src[1]) if src[0] >= 0 else None,
        protocol=proto if proto >= 0 else None,
        dst_ports=dport if dport[0] >= 0 else None,
        src_ports=sport if sport[0] >= 0 else None,
    )


_ANY = {4: "0.0.0.0/0", 6: "::/0"}
