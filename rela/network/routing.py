"""The values of the Batfish data-plane computation: inputs, address ranges, raw graphs.

Inputs are what the readers (``rela.network.formats.batfish``) build from the
exported answers: :class:`Route` (one row of ``routes()``), :class:`L3Edge` (one
row of ``layer3Edges()``) and :class:`InterfaceInfo` (``interfaceProperties()``),
bundled per snapshot in a :class:`Snapshot`.  :class:`Interval` is a range of
destination addresses and :class:`RawGraph` a forwarding graph in the raw shape
of the Rela graph JSON format.

Location names: ``device`` for the default VRF, ``device|vrf`` otherwise, and
three outcome sinks, :data:`DROP`, :data:`EXITS_NETWORK` and
:data:`DELIVERED_TO_SUBNET`.

>>> node_name("core1", "default"), node_name("core1", "blue")
('core1', 'core1|blue')
"""

from __future__ import annotations

import ipaddress
from collections import deque
from dataclasses import dataclass
from typing import Any

from rela.network.acl import Acl
from rela.network.model import DROP
from rela.values import frozen

__all__ = [
    "DROP",
    "EXITS_NETWORK",
    "DELIVERED_TO_SUBNET",
    "DENIED_IN",
    "DENIED_OUT",
    "SPECIAL_SINKS",
    "DEFAULT_VRF",
    "NULL_INTERFACES",
    "IPAddress",
    "IPNetwork",
    "NextHop",
    "Route",
    "L3Edge",
    "InterfaceInfo",
    "Snapshot",
    "Interval",
    "RawGraph",
    "Skeleton",
    "Hop",
    "node_name",
    "addr_key",
]

#: Traffic sent out of an interface towards a next hop that is not in the snapshot.
EXITS_NETWORK = "exits-network"
#: Traffic sent to an address of a connected subnet that no device of the snapshot owns.
DELIVERED_TO_SUBNET = "delivered-to-subnet"
#: Traffic denied by the ingress ACL of the interface it enters (Batfish: DENIED_IN).
DENIED_IN = "drop|denied-in"
#: Traffic denied by the egress ACL of the interface it leaves (Batfish: DENIED_OUT).
DENIED_OUT = "drop|denied-out"
#: The location names that are outcomes, not devices.
SPECIAL_SINKS = (DROP, EXITS_NETWORK, DELIVERED_TO_SUBNET)
DEFAULT_VRF = "default"
#: Interface names Batfish uses for null routes (compared case-insensitively).
NULL_INTERFACES = frozenset({"null_interface", "null0"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def node_name(device: str, vrf: str) -> str:
    """The graph node of ``device`` in ``vrf``: the device name alone for the default VRF.

    >>> node_name("core1", "default"), node_name("core1", "blue")
    ('core1', 'core1|blue')
    """
    return device if vrf == DEFAULT_VRF else f"{device}|{vrf}"


# --------------------------------------------------------------------------- data plane


# --------------------------------------------------------------------------- inputs


@frozen
class NextHop:
    """Where a route sends traffic, as in Batfish's ``Next_Hop`` column.

    ``kind`` is ``interface`` (``interface`` set, ``ip`` optional: without it the
    destination itself is ARPed for), ``ip`` (resolved recursively), ``discard``
    (null route) or ``vrf`` (look the destination up again in ``vrf``).
    """

    kind: str
    interface: str | None = None
    ip: IPAddress | None = None
    vrf: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("interface", "ip", "discard", "vrf"):
            raise ValueError(f"unknown next hop kind {self.kind!r}")
        if self.kind == "interface" and not self.interface:
            raise ValueError("an interface next hop needs an interface")
        if self.kind == "ip" and self.ip is None:
            raise ValueError("an ip next hop needs an ip")
        if self.kind == "vrf" and not self.vrf:
            raise ValueError("a vrf next hop needs a vrf")


@frozen
class Route:
    """One row of a ``routes()`` answer (a best route of the main RIB)."""

    node: str
    vrf: str
    network: IPNetwork
    next_hop: NextHop
    protocol: str = ""
    admin: int | None = None
    metric: int | None = None


@frozen
class L3Edge:
    """One row of a ``layer3Edges()`` answer: ``node[interface] -> remote_node[remote_interface]``."""

    node: str
    interface: str
    ips: tuple[IPAddress, ...]
    remote_node: str
    remote_interface: str
    remote_ips: tuple[IPAddress, ...]


@frozen
class InterfaceInfo:
    """What Rela uses of one row of an ``interfaceProperties()`` answer."""

    node: str
    interface: str
    vrf: str
    prefixes: tuple[ipaddress.IPv4Interface | ipaddress.IPv6Interface, ...] = ()
    active: bool = True
    in_filter: str | None = None
    out_filter: str | None = None


@frozen
class Snapshot:
    """The exported answers of one Batfish snapshot.

    ``acls`` is None without a ``namedStructures()`` export (ACLs unknown),
    ``has_interfaces`` says whether an ``interfaceProperties()`` export was read
    (which ACL filters which interface).
    """

    routes: tuple[Route, ...]
    edges: tuple[L3Edge, ...] = ()
    interfaces: tuple[InterfaceInfo, ...] = ()
    name: str = ""
    acls: tuple[Acl, ...] | None = None
    has_interfaces: bool = False


# --------------------------------------------------------------------------- ranges


@dataclass(frozen=True, order=True)
class Interval:
    """An inclusive range ``[lo, hi]`` of addresses of one IP version, as integers.

    >>> Interval.of("10.0.0.0/30")
    Interval(version=4, lo=167772160, hi=167772163)
    >>> [str(p) for p in Interval.of("10.0.0.0/30").prefixes()]
    ['10.0.0.0/30']
    """

    version: int
    lo: int
    hi: int

    @staticmethod
    def of(prefix: str | IPNetwork) -> Interval:
        net = ipaddress.ip_network(prefix) if isinstance(prefix, str) else prefix
        return Interval(net.version, int(net.network_address), int(net.broadcast_address))

    @property
    def single(self) -> bool:
        """Whether the range is one address."""
        return self.lo == self.hi

    def prefixes(self) -> list[IPNetwork]:
        """The shortest list of CIDR prefixes covering exactly the range."""
        lo, hi = (
            (ipaddress.IPv4Address(self.lo), ipaddress.IPv4Address(self.hi))
            if self.version == 4
            else (ipaddress.IPv6Address(self.lo), ipaddress.IPv6Address(self.hi))
        )
        return list(ipaddress.summarize_address_range(lo, hi))


def addr_key(addr: IPAddress) -> tuple[int, int]:
    return (addr.version, int(addr))


# --------------------------------------------------------------------------- outputs


@frozen
class RawGraph:
    """A forwarding graph in the raw shape of the Rela graph JSON format.

    ``edges`` maps each node (sorted) to its successors (sorted), each with the
    sorted inbound interface names of the successor (empty for sinks like ``drop``).
    Equal graphs compare and hash equal, so FECs can be merged by graph.
    """

    edges: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]
    sources: tuple[str, ...]
    sinks: tuple[str, ...]

    @staticmethod
    def build(
        edges: dict[str, dict[str, set[str]]], sources: list[str], sinks: set[str]
    ) -> RawGraph:
        """The canonical (sorted) graph of ``{node: {next: {inbound interfaces}}}``."""
        return RawGraph(
            tuple(
                (node, tuple((nxt, tuple(sorted(labels))) for nxt, labels in sorted(nexts.items())))
                for node, nexts in sorted(edges.items())
            ),
            tuple(sources),
            tuple(sorted(sinks)),
        )

    def to_json(self) -> dict[str, Any]:
        """The ``graphBefore``/``graphAfter`` object of the Rela graph JSON format."""
        return {
            "nodeToOutEdgesMap": {
                node: {nxt: list(labels) for nxt, labels in out} for node, out in self.edges
            },
            "sourceNodes": list(self.sources),
            "sinkNodes": list(self.sinks),
        }

    def paths(self, limit: int = 1000) -> list[tuple[str, ...]]:
        """Node sequences from a source to a sink (loop-free prefix of each walk), for tests."""
        out: list[tuple[str, ...]] = []
        succ = {node: [n for n, _ in nexts] for node, nexts in self.edges}
        sinks = set(self.sinks)
        queue: deque[tuple[str, ...]] = deque((s,) for s in self.sources)
        while queue and len(out) < limit:
            path = queue.popleft()
            if path[-1] in sinks:
                out.append(path)
            for nxt in succ.get(path[-1], []):
                if nxt not in path:
                    queue.append(path + (nxt,))
        return out


#: One hop of a :class:`Skeleton`: (next node name, (device, vrf) of the next node or
#: None for an outcome sink, inbound interface there, egress interface here).
Hop = tuple[str, "tuple[str, str] | None", "str | None", "str | None"]


@frozen
class Skeleton:
    """Where packets of one uniform destination range can go, before ACLs.

    ``sources`` are ``(node name, entry interface or None)``; ``out`` maps each
    reached device node to its hops (empty for a node that accepts the packet,
    listed in ``accepted``).  :meth:`raw_graph` is the forwarding graph when no
    ACL applies; ``rela.network.filtering`` applies ACL decisions.
    """

    sources: tuple[tuple[str, str | None], ...]
    out: dict[str, tuple[Hop, ...]]
    accepted: frozenset[str]

    def key(self) -> tuple[Any, ...]:
        """A hashable value equal for equal skeletons."""
        return (self.sources, tuple(sorted(self.out.items())), tuple(sorted(self.accepted)))

    def raw_graph(self) -> RawGraph:
        """The forwarding graph with every hop taken (no ACL)."""
        edges: dict[str, dict[str, set[str]]] = {}
        sinks = set(self.accepted)
        for here, hops in self.out.items():
            nexts = edges.setdefault(here, {})
            for name, target, inbound, _ in hops:
                labels = nexts.setdefault(name, set())
                if inbound is not None:
                    labels.add(inbound)
                if target is None:
                    edges.setdefault(name, {})
                    sinks.add(name)
        names = list(dict.fromkeys(name for name, _ in self.sources))
        return RawGraph.build(edges, names, sinks)
