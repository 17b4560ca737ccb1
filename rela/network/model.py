"""The network model: locations, forwarding graphs, FECs and changes (DESIGN §2).

A :class:`Graph` is already *at a granularity*: every node carries the location
name a packet is at when it is in that node, and the paths of the graph are the
label sequences of node walks from a source to a sink.  Several nodes may carry
the same label (two devices of one group, two parallel interfaces), so a graph
is not a graph over locations: it is a small automaton.

>>> g = Graph.from_paths([["a", "b", "c"], ["a", "d"]])
>>> sorted(g.paths())
[('a', 'b', 'c'), ('a', 'd')]
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from dataclasses import field
from enum import Enum
from itertools import chain
from typing import Any, Protocol

from rela.protocols import PROTOCOL_NAMES
from rela.values import frozen

__all__ = [
    "DROP",
    "PORT_MAX",
    "PROTOCOL_MAX",
    "QOS_MAX",
    "Granularity",
    "Location",
    "TrafficKey",
    "describe_traffic",
    "Graph",
    "Fec",
    "Change",
]

#: The location where discarded traffic ends.
DROP = "drop"
#: Largest ``qos`` value a traffic key holds (the IP traffic-class / ToS byte).
QOS_MAX = 255
#: Largest IP protocol number.
PROTOCOL_MAX = 255
#: Largest TCP/UDP port.
PORT_MAX = 65535


class Granularity(str, Enum):
    """What one hop of a path is (DESIGN §2)."""

    INTERFACE = "interface"
    DEVICE = "device"
    GROUP = "group"


@frozen
class Location:
    """A location name split into its components, with its attributes.

    >>> loc = Location.parse("core1|blue|Gi0/0")
    >>> loc.device, loc.vrf, loc.interface
    ('core1', 'blue', 'Gi0/0')
    >>> Location.parse("core1").vrf is None
    True
    """

    name: str
    device: str
    vrf: str | None
    interface: str | None
    group: str | None = None

    @property
    def components(self) -> tuple[str, ...]:
        return tuple(self.name.split("|"))

    @staticmethod
    def parse(name: str, group: str | None = None) -> Location:
        parts = name.split("|")
        device = parts[0]
        vrf = parts[1] if len(parts) > 1 and parts[1] != "" else None
        interface = parts[2] if len(parts) > 2 and parts[2] != "" else None
        return Location(name, device, vrf, interface, group)

    def attribute(self, attr: str) -> str | None:
        """The value of ``device``, ``vrf``, ``interface`` or ``group`` (None if unknown)."""
        return {
            "device": self.device,
            "vrf": self.vrf,
            "interface": self.interface,
            "group": self.group,
        }[attr]


PortRange = tuple[int, int]


@frozen
class TrafficKey:
    """One traffic key of an FEC: a *cube* of packets.

    Each field constrains one header field; ``None`` means any value.  An FEC's
    traffic is the union of its keys; an FEC with no key at all stands for
    unknown traffic, i.e. every packet (docs/formats.md).  Addresses are
    addresses or prefixes (host bits allowed in input); port ranges are
    inclusive ``(lo, hi)``.

    >>> TrafficKey(dst="10.1.2.3").matches_prefix("dst", "10.0.0.0/8")
    True
    >>> TrafficKey(dst="2.128.0.0/24", protocol=6, dst_ports=(80, 80)).describe()
    'dst 2.128.0.0/24, tcp, dport 80'
    """

    dst: str | None = None
    src: str | None = None
    qos: int | None = None
    protocol: int | None = None
    dst_ports: PortRange | None = None
    src_ports: PortRange | None = None

    def to_dict(self) -> dict[str, Any]:
        """The key as JSON, with the field names of the input formats.

        Ports are a number, or a ``"lo-hi"`` string for a range.
        """
        out: dict[str, Any] = {}
        if self.dst is not None:
            out["dstIp"] = self.dst
        if self.src is not None:
            out["srcIp"] = self.src
        if self.qos is not None:
            out["qos"] = self.qos
        if self.protocol is not None:
            out["protocol"] = self.protocol
        if self.dst_ports is not None:
            out["dstPort"] = _port_json(self.dst_ports)
        if self.src_ports is not None:
            out["srcPort"] = _port_json(self.src_ports)
        return out

    def describe(self) -> str:
        """The key for people: ``dst 2.128.0.0/24, tcp, dport 80``; ``any packet`` if unconstrained."""
        parts = []
        if self.dst is not None:
            parts.append(f"dst {self.dst}")
        if self.src is not None:
            parts.append(f"src {self.src}")
        if self.protocol is not None:
            parts.append(PROTOCOL_NAMES.get(self.protocol, f"proto {self.protocol}"))
        if self.dst_ports is not None:
            parts.append(f"dport {_port_text(self.dst_ports)}")
        if self.src_ports is not None:
            parts.append(f"sport {_port_text(self.src_ports)}")
        if self.qos is not None:
            parts.append(f"qos {self.qos}")
        return ", ".join(parts) if parts else "any packet"

    def matches_prefix(self, which: str, prefix: str) -> bool:
        """Whether the ``dst``/``src`` address (or prefix) lies inside ``prefix``."""
        value = self.dst if which == "dst" else self.src
        if value is None:
            return False
        try:
            net = ipaddress.ip_network(value, strict=False)
            outer = ipaddress.ip_network(prefix, strict=False)
        except ValueError:
            return False
        if net.version != outer.version:
            return False
        return net.subnet_of(outer)  # type: ignore[arg-type]


def _port_json(ports: PortRange) -> int | str:
    lo, hi = ports
    return lo if lo == hi else f"{lo}-{hi}"


def _port_text(ports: PortRange) -> str:
    lo, hi = ports
    return str(lo) if lo == hi else f"{lo}-{hi}"


def describe_traffic(keys: Iterable[TrafficKey], limit: int = 3) -> str:
    """An FEC's traffic for people: its keys joined by ``; `` (at most ``limit``).

    >>> describe_traffic([TrafficKey(dst="10.0.0.1"), TrafficKey(dst="10.0.0.2")], limit=1)
    'dst 10.0.0.1; (+1 more)'
    >>> describe_traffic([])
    'unknown traffic (no traffic keys)'
    """
    shown = [k.describe() for k in keys]
    if not shown:
        return "unknown traffic (no traffic keys)"
    text = "; ".join(shown[:limit])
    if len(shown) > limit:
        text += f"; (+{len(shown) - limit} more)"
    return text


@frozen
class Graph:
    """A forwarding graph at one granularity.

    ``labels[i]`` is the location of node ``i``; ``succ[i]`` its successors;
    paths start at a node of ``sources`` and end at a node of ``sinks`` (a path
    may pass through a sink that has out-edges).  Cycles are allowed.
    Built once by the loaders and never changed; ``key`` makes equal graphs
    cheap to recognise (hash-consing across FECs).
    """

    labels: tuple[str, ...]
    succ: tuple[tuple[int, ...], ...]
    sources: tuple[int, ...]
    sinks: frozenset[int]
    _key: tuple[Any, ...] | None = field(default=None, compare=False, repr=False)
    _hash: int = field(default=0, compare=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.labels)
        if len(self.succ) != n:
            raise ValueError("succ and labels differ in length")
        # Nodes often share their successor tuple (every interface node of one
        # device): check each distinct tuple once, in C, and look for the
        # culprit only when something is wrong.
        targets = set(chain.from_iterable(set(self.succ)))
        if targets and (max(targets) >= n or min(targets) < 0):
            bad = next(i for i, nexts in enumerate(self.succ) if any(not 0 <= j < n for j in nexts))
            raise ValueError(f"an edge from node {bad} leaves the graph")
        for s in self.sources:
            if not 0 <= s < n:
                raise ValueError(f"source {s} is not a node")
        for s in self.sinks:
            if not 0 <= s < n:
                raise ValueError(f"sink {s} is not a node")
        key = (self.labels, self.succ, self.sources, tuple(sorted(self.sinks)))
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_hash", hash(key))

    @property
    def key(self) -> tuple[Any, ...]:
        """A hashable value equal for equal graphs."""
        assert self._key is not None
        return self._key

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        return isinstance(other, Graph) and self._hash == other._hash and self.key == other.key

    @staticmethod
    def empty() -> Graph:
        """The graph with no paths."""
        return Graph((), (), (), frozenset())

    @staticmethod
    def from_paths(paths: Iterable[Iterable[str]]) -> Graph:
        """The prefix tree of explicit paths (each path must be non-empty)."""
        labels: list[str] = []
        succ: list[list[int]] = []
        sinks: set[int] = set()
        roots: dict[str, int] = {}
        children: dict[tuple[int, str], int] = {}

        def node(label: str) -> int:
            labels.append(label)
            succ.append([])
            return len(labels) - 1

        for path in paths:
            hops = list(path)
            if not hops:
                raise ValueError("empty path")
            cur = roots.get(hops[0])
            if cur is None:
                cur = roots[hops[0]] = node(hops[0])
            for hop in hops[1:]:
                nxt = children.get((cur, hop))
                if nxt is None:
                    nxt = children[(cur, hop)] = node(hop)
                    succ[cur].append(nxt)
                cur = nxt
            sinks.add(cur)
        return Graph(
            tuple(labels), tuple(tuple(s) for s in succ), tuple(roots.values()), frozenset(sinks)
        )

    def locations(self) -> set[str]:
        """Every location name that occurs in the graph."""
        return set(self.labels)

    def has_cycle(self) -> bool:
        """Whether some node can reach itself (a forwarding loop)."""
        white, grey, black = 0, 1, 2
        color = [white] * len(self.labels)
        for root in range(len(self.labels)):
            if color[root] != white:
                continue
            stack: list[tuple[int, Iterator[int]]] = [(root, iter(self.succ[root]))]
            color[root] = grey
            while stack:
                node, it = stack[-1]
                for nxt in it:
                    if color[nxt] == grey:
                        return True
                    if color[nxt] == white:
                        color[nxt] = grey
                        stack.append((nxt, iter(self.succ[nxt])))
                        break
                else:
                    color[node] = black
                    stack.pop()
        return False

    def paths(self, limit: int | None = None) -> Iterator[tuple[str, ...]]:
        """Label sequences from a source to a sink, shortest first, distinct.

        Infinite when there is a loop: pass ``limit`` (or stop iterating).
        """
        from collections import deque

        seen: set[tuple[str, ...]] = set()
        queue: deque[tuple[int, tuple[str, ...]]] = deque(
            (s, (self.labels[s],)) for s in self.sources
        )
        emitted = 0
        live = self._live_nodes()
        while queue:
            node, path = queue.popleft()
            if node not in live:
                continue
            if node in self.sinks and path not in seen:
                seen.add(path)
                yield path
                emitted += 1
                if limit is not None and emitted >= limit:
                    return
            for nxt in self.succ[node]:
                queue.append((nxt, path + (self.labels[nxt],)))

    def _live_nodes(self) -> set[int]:
        """Nodes from which a sink can be reached."""
        preds: list[list[int]] = [[] for _ in self.labels]
        for i, nexts in enumerate(self.succ):
            for j in nexts:
                preds[j].append(i)
        live = set(self.sinks)
        stack = list(self.sinks)
        while stack:
            node = stack.pop()
            for p in preds[node]:
                if p not in live:
                    live.add(p)
                    stack.append(p)
        return live


@frozen
class Fec:
    """One forwarding equivalence class of a change.

    ``index`` is the FEC's position in the input (0-based, across files in name
    order).  ``problem`` is set, and the graphs are empty, when the input FEC is
    malformed: the verifier reports it as an *error* verdict (never skipped).
    ``undecided`` says the input is fine but its forwarding cannot be decided
    (an ACL construct Rela does not model): an error verdict too, but not an
    input error (exit 1, not 2).
    """

    index: int
    key: str | None
    traffic: tuple[TrafficKey, ...]
    before: Graph
    after: Graph
    problem: str | None = None
    undecided: bool = False

    def flows(self) -> list[str]:
        """Start locations of the FEC's paths, before and after, sorted."""
        starts = {self.before.labels[s] for s in self.before.sources}
        starts |= {self.after.labels[s] for s in self.after.sources}
        return sorted(starts)

    def fec_dict(self) -> dict[str, Any]:
        """The ``fec`` object of the JSON report."""
        return {
            "index": self.index,
            "key": self.key,
            "traffic": [t.to_dict() for t in self.traffic],
        }


class Change(Protocol):
    """A (re-iterable, streamed) sequence of FECs at one granularity."""

    granularity: Granularity
    description: str

    def __iter__(self) -> Iterator[Fec]: ...
