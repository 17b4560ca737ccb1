"""A data plane computed from Batfish's route tables and layer-3 edges (DESIGN §2, format 3).

The inputs are plain values (``rela.network.routing``: :class:`Route`,
:class:`L3Edge`, :class:`InterfaceInfo`, bundled in a :class:`Snapshot`) that the
Batfish readers in ``rela.network.formats.batfish`` build from the exported answers.
:class:`DataPlane` indexes one snapshot and computes, for a *uniform* range of
destination addresses (one that no route prefix or owned address splits, see
``rela.network.fecs``), the forwarding graph from chosen start locations:

* a packet at ``device`` in VRF ``vrf`` is **accepted** there when the device owns
  the destination address in that VRF (the node is a sink);
* otherwise the longest-prefix-match routes of ``(device, vrf)`` apply, all of
  them (the routes of a ``routes()`` answer are the *best* routes, so all rows of
  one prefix are equal-cost multipath);
* a next-hop IP is resolved recursively through the same table (a BGP next hop
  through OSPF or connected routes) down to ``(egress interface, ARP IP)``;
* the ARP IP picks the neighbour across the layer-3 edges of the egress interface
  (proxy ARP: any neighbour there, for a destination outside the interface's
  subnets); the edge is labelled with the neighbour's *inbound* interface;
* terminal outcomes follow Batfish's dispositions: :data:`DROP` (null route, no
  route, unresolvable next hop, neighbour unreachable), :data:`DELIVERED_TO_SUBNET`
  (sent to an address of a connected subnet that no device owns) and
  :data:`EXITS_NETWORK` (sent out of the modelled network).

Node names are ``device`` for the default VRF and ``device|vrf`` for any other.
The value types are re-exported here for convenience.

>>> from ipaddress import ip_address as A, ip_network as N
>>> snap = Snapshot(
...     routes=(Route("r1", "default", N("10.0.0.0/24"), NextHop("interface", "e0")),
...             Route("r2", "default", N("10.0.0.2/32"), NextHop("interface", "e0"),
...                   protocol="local")),
...     edges=(L3Edge("r1", "e0", (A("10.0.0.1"),), "r2", "e0", (A("10.0.0.2"),)),))
>>> dp = DataPlane(snap)
>>> dp.forwarding_graph([("r1", "default")], Interval.of("10.0.0.2/32")).to_json()
{'nodeToOutEdgesMap': {'r1': {'r2': ['e0']}, 'r2': {}}, 'sourceNodes': ['r1'], 'sinkNodes': ['r2']}
"""

from __future__ import annotations

import ipaddress
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from rela.network.routing import (
    DEFAULT_VRF,
    DELIVERED_TO_SUBNET,
    DENIED_IN,
    DENIED_OUT,
    DROP,
    EXITS_NETWORK,
    NULL_INTERFACES,
    SPECIAL_SINKS,
    InterfaceInfo,
    Interval,
    IPAddress,
    IPNetwork,
    L3Edge,
    NextHop,
    RawGraph,
    Route,
    Skeleton,
    Snapshot,
    addr_key,
    node_name,
)
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
    "DataPlane",
    "node_name",
]

#: How deep next-hop resolution may recurse before Rela calls it a resolution loop.
MAX_RESOLUTION_DEPTH = 16


@frozen
class _Egress:
    """Send out of ``interface``, ARPing for ``arp`` (``None``: for the destination itself)."""

    interface: str
    arp: IPAddress | None


@frozen
class _NextVrf:
    vrf: str


@frozen
class _Drop:
    reason: str


_Action = _Egress | _NextVrf | _Drop
#: One successor: (node name, (device, vrf) or None for an outcome sink, inbound
#: interface, egress interface).  The egress interface is where egress ACLs apply
#: (None when the packet leaves through no interface: null route, no route).
_Step = tuple[str, "tuple[str, str] | None", "str | None", "str | None"]
_TO_DROP: _Step = (DROP, None, None, None)


def _outcome(sink: str, egress: str | None) -> _Step:
    return (sink, None, None, egress)


_MISSING: Any = object()


def _action_order(action: _Action) -> tuple[int, str, str]:
    if isinstance(action, _Drop):
        return (0, action.reason, "")
    if isinstance(action, _NextVrf):
        return (1, action.vrf, "")
    return (2, action.interface, str(action.arp or ""))


@dataclass
class _Table:
    """The best routes of one ``(device, vrf)``, indexed for longest-prefix match."""

    by_prefix: dict[tuple[int, int, int], list[Route]] = field(default_factory=dict)
    lengths: dict[int, list[int]] = field(default_factory=dict)  # version -> lengths, longest first

    def add(self, route: Route) -> None:
        net = route.network
        key = (net.version, net.prefixlen, int(net.network_address))
        self.by_prefix.setdefault(key, []).append(route)

    def finish(self) -> None:
        for key, rows in list(self.by_prefix.items()):
            self.by_prefix[key] = _best(rows)
        lengths: dict[int, set[int]] = {}
        for version, plen, _ in self.by_prefix:
            lengths.setdefault(version, set()).add(plen)
        self.lengths = {v: sorted(ls, reverse=True) for v, ls in lengths.items()}

    def match(self, version: int, addr: int) -> tuple[int, int, int] | None:
        """The key of the longest prefix containing ``addr`` (None: no route)."""
        bits = 32 if version == 4 else 128
        by_prefix = self.by_prefix
        for plen in self.lengths.get(version, ()):
            shift = bits - plen
            key = (version, plen, (addr >> shift) << shift)
            if key in by_prefix:
                return key
        return None

    def lookup(self, version: int, addr: int) -> list[Route]:
        """The routes of the longest prefix containing ``addr`` (empty: no route)."""
        key = self.match(version, addr)
        return self.by_prefix[key] if key is not None else []


def _best(rows: list[Route]) -> list[Route]:
    """The equal-best rows of one prefix.

    A ``routes()`` answer of the main RIB holds only best routes, so every row is
    kept.  Should rows of one prefix disagree, keep those with the lowest
    administrative distance, then the lowest metric (what a router installs).
    """
    if len(rows) == 1:
        return rows
    big = 1 << 62

    def rank(r: Route) -> tuple[int, int]:
        return (
            r.admin if r.admin is not None else big,
            r.metric if r.metric is not None else big,
        )

    top = min(rank(r) for r in rows)
    unique: dict[Route, None] = dict.fromkeys(r for r in rows if rank(r) == top)
    return list(unique)


class DataPlane:
    """The forwarding state of one snapshot, ready to answer "where does this range go?".

    Built once per snapshot; :meth:`forwarding_graph` is then called once per
    uniform destination range.
    """

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.tables: dict[tuple[str, str], _Table] = {}
        self.iface_vrf: dict[tuple[str, str], str] = {}
        self.owned: dict[tuple[str, str], set[tuple[int, int]]] = {}
        self.owners: dict[tuple[int, int], set[tuple[str, str]]] = {}
        self.subnets: dict[tuple[str, str], list[IPNetwork]] = {}
        self.edges_from: dict[tuple[str, str], list[L3Edge]] = {}
        self.devices: set[str] = set()
        self._subnet_ranges: dict[tuple[str, str], list[tuple[int, int, int]]] = {}
        self._names: dict[tuple[str, str], str] = {}
        self._actions: dict[tuple[tuple[str, str], tuple[int, int, int]], tuple[_Action, ...]] = {}
        self._arp: dict[tuple[str, str, tuple[int, int]], list[_Step] | None] = {}
        self._fixed: dict[tuple[tuple[str, str], tuple[int, int, int]], list[_Step]] = {}
        self._full_cache: dict[tuple[str, str], bool] = {}
        self._index()

    # ------------------------------------------------------------------ indexing

    def _index(self) -> None:
        snap = self.snapshot
        for info in snap.interfaces:
            self.devices.add(info.node)
            self.iface_vrf[(info.node, info.interface)] = info.vrf
        for route in snap.routes:
            self.devices.add(route.node)
            self.tables.setdefault((route.node, route.vrf), _Table()).add(route)
            nh = route.next_hop
            if nh.kind == "interface" and route.protocol in ("connected", "local"):
                self.iface_vrf.setdefault((route.node, nh.interface or ""), route.vrf)
        for table in self.tables.values():
            table.finish()
        for route in snap.routes:
            self._index_route_ownership(route)
        for info in snap.interfaces:
            if not info.active:
                continue
            for iface in info.prefixes:
                self._own(info.node, info.vrf, iface.ip)
                self.subnets.setdefault((info.node, info.interface), []).append(iface.network)
        for edge in snap.edges:
            self.devices.update((edge.node, edge.remote_node))
            self.edges_from.setdefault((edge.node, edge.interface), []).append(edge)
            for ip in edge.ips:
                self._own(edge.node, self.vrf_of(edge.node, edge.interface), ip)
            for ip in edge.remote_ips:
                self._own(
                    edge.remote_node, self.vrf_of(edge.remote_node, edge.remote_interface), ip
                )
        for key, nets in self.subnets.items():
            unique = {(n.version, int(n.network_address), int(n.broadcast_address)) for n in nets}
            self._subnet_ranges[key] = sorted(unique)

    def _index_route_ownership(self, route: Route) -> None:
        nh = route.next_hop
        if nh.kind != "interface" or nh.interface is None:
            return
        net = route.network
        if route.protocol == "local" or (
            route.protocol == "connected" and net.prefixlen == net.max_prefixlen
        ):
            # Batfish's local routes are the interface addresses; a /32 (/128)
            # interface address only has a connected route (loopbacks).
            self._own(route.node, route.vrf, net.network_address)
        if route.protocol == "connected":
            self.subnets.setdefault((route.node, nh.interface), []).append(net)

    def _own(self, device: str, vrf: str, ip: IPAddress) -> None:
        key = addr_key(ip)
        self.owned.setdefault((device, vrf), set()).add(key)
        self.owners.setdefault(key, set()).add((device, vrf))

    def vrf_of(self, device: str, interface: str) -> str:
        """The VRF of an interface (from interfaceProperties or connected routes; else default)."""
        return self.iface_vrf.get((device, interface), DEFAULT_VRF)

    def vrfs_of(self, device: str) -> list[str]:
        """The VRFs a device has routes in (the default VRF first)."""
        vrfs = {vrf for dev, vrf in self.tables if dev == device}
        return sorted(vrfs, key=lambda v: (v != DEFAULT_VRF, v))

    def interfaces_of(self, device: str) -> set[str]:
        """Every interface name of ``device`` the exports mention."""
        names = {iface for dev, iface in self.iface_vrf if dev == device}
        names |= {iface for dev, iface in self.edges_from if dev == device}
        names |= {
            e.remote_interface
            for es in self.edges_from.values()
            for e in es
            if e.remote_node == device
        }
        return names

    def boundaries(self) -> Iterator[IPNetwork]:
        """Every prefix whose edges can change forwarding: routes, owned addresses, subnets."""
        for route in self.snapshot.routes:
            yield route.network
        for version, addr in self.owners:
            if version == 4:
                yield ipaddress.IPv4Network((addr, 32))
            else:  # an int below 2**32 would otherwise read as IPv4
                yield ipaddress.IPv6Network((addr, 128))
        for nets in self.subnets.values():
            for net in nets:
                yield net
                if net.version == 4 and net.num_addresses > 2:  # not host addresses
                    yield ipaddress.ip_network((net.network_address, net.max_prefixlen))
                    yield ipaddress.ip_network((net.broadcast_address, net.max_prefixlen))

    # ------------------------------------------------------------------ forwarding

    def forwarding_graph(self, sources: Sequence[tuple[str, str]], dst: Interval) -> RawGraph:
        """The forwarding graph of destination range ``dst`` from ``(device, vrf)`` sources.

        ``dst`` must be uniform: no route prefix, owned address or connected subnet
        of this snapshot may split it (``rela.network.fecs`` guarantees this).
        """
        return self.skeleton([(dev, vrf, None) for dev, vrf in sources], dst).raw_graph()

    def skeleton(self, sources: Sequence[tuple[str, str, str | None]], dst: Interval) -> Skeleton:
        """Every hop packets to ``dst`` can take from ``(device, vrf, entry interface)`` sources.

        Like :meth:`forwarding_graph`, with the interfaces each hop leaves and
        enters (where ACLs apply), before any ACL is applied.
        """
        out: dict[str, tuple[_Step, ...]] = {}
        accepted: set[str] = set()
        source_names: list[tuple[str, str | None]] = []
        todo: deque[tuple[str, str]] = deque()
        seen: set[str] = set()
        for dev, vrf, entry in sources:
            node = (dev, vrf)
            name = self._name(node)
            if (name, entry) not in source_names:
                source_names.append((name, entry))
            if name not in seen:
                seen.add(name)
                todo.append(node)
        dst_key = (dst.version, dst.lo) if dst.single else None
        while todo:
            node = todo.popleft()
            here = self._name(node)
            if dst_key is not None and dst_key in self.owned.get(node, ()):
                accepted.add(here)
                out[here] = ()
                continue
            steps = out[here] = tuple(self._steps(node, dst))
            for name, target, _, _ in steps:
                if target is not None and name not in seen:
                    seen.add(name)
                    todo.append(target)
        return Skeleton(tuple(source_names), out, frozenset(accepted))

    def _name(self, node: tuple[str, str]) -> str:
        name = self._names.get(node)
        if name is None:
            name = self._names[node] = node_name(*node)
        return name

    def _steps(self, node: tuple[str, str], dst: Interval) -> list[_Step]:
        """Successors of ``node`` for ``dst``: ``(name, node or None for a sink, inbound interface)``."""
        table = self.tables.get(node)
        key = table.match(dst.version, dst.lo) if table is not None else None
        if table is None or key is None:
            return [_TO_DROP]  # no route
        fixed = self._fixed.get((node, key))
        if fixed is not None:
            return fixed
        actions = self._actions.get((node, key))
        if actions is None:
            found: set[_Action] = set()
            for route in table.by_prefix[key]:
                found.update(self._resolve(node[0], node[1], route, frozenset(), 0))
            actions = self._actions[(node, key)] = tuple(sorted(found, key=_action_order))
        steps: list[_Step] = []
        uniform = True  # the same steps for every destination matching this prefix
        for action in actions:
            if isinstance(action, _Drop):
                steps.append(_TO_DROP)
            elif isinstance(action, _NextVrf):
                target = (node[0], action.vrf)
                steps.append((self._name(target), target, None, None))
            else:
                uniform = uniform and action.arp is not None and not action.arp.is_link_local
                steps.extend(self._egress(node[0], action, dst))
                if uniform:
                    arp = self._arp[(node[0], action.interface, addr_key(action.arp))]  # type: ignore[arg-type]
                    uniform = arp is not None
        if uniform:
            self._fixed[(node, key)] = steps
        return steps

    def _egress(self, dev: str, action: _Egress, dst: Interval) -> list[_Step]:
        """Where a packet sent out of ``action.interface`` lands (Batfish's ARP rules)."""
        iface = action.interface
        if action.arp is not None:
            arp: tuple[int, int] | None = addr_key(action.arp)
        else:
            arp = (dst.version, dst.lo) if dst.single else None
        if arp is not None:
            cache_key = (dev, iface, arp)
            fixed = self._arp.get(cache_key, _MISSING)
            if fixed is _MISSING:
                fixed = self._arp[cache_key] = self._arp_reply(dev, iface, arp)
            if fixed is not None:
                return fixed
        for version, lo, hi in self._subnet_ranges.get((dev, iface), ()):
            if version == dst.version and lo <= dst.lo and dst.hi <= hi:
                if not self._subnet_edge(version, lo, hi, dst):
                    return [_outcome(DELIVERED_TO_SUBNET, iface)]
                # the network or broadcast address: no host answers ARP for it
                if self._full(dev, iface):
                    return [(DROP, None, None, iface)]  # neighbour unreachable
                return [_outcome(EXITS_NETWORK, iface)]
        if action.arp is None or action.arp.is_link_local:
            # ARP for a destination outside the interface's subnets is answered by
            # the neighbour (proxy ARP); a link-local next hop is the neighbour.
            neighbours = self._neighbours(dev, iface)
            if neighbours:
                return neighbours
        return [_outcome(EXITS_NETWORK, iface)]

    @staticmethod
    def _subnet_edge(version: int, lo: int, hi: int, dst: Interval) -> bool:
        """Whether ``dst`` is the network or broadcast address of IPv4 subnet ``lo``-``hi``
        (a /31 or /32 has none: every address is a host address, as in Batfish)."""
        if version != 4 or hi - lo < 2:
            return False
        return dst.single and dst.lo in (lo, hi)

    def _full(self, dev: str, iface: str) -> bool:
        """Whether every host address of the interface's subnets is owned by a device
        (Batfish: no device can be missing behind the interface)."""
        found = self._full_cache.get((dev, iface))
        if found is None:
            found = True
            for version, lo, hi in self._subnet_ranges.get((dev, iface), ()):
                first, last = (lo, hi) if version != 4 or hi - lo < 2 else (lo + 1, hi - 1)
                if last - first + 1 > 4096:
                    found = False
                    break
                if any((version, a) not in self.owners for a in range(first, last + 1)):
                    found = False
                    break
            self._full_cache[(dev, iface)] = found
        return found

    def _neighbours(self, dev: str, interface: str) -> list[_Step]:
        steps: list[_Step] = []
        for edge in self.edges_from.get((dev, interface), ()):
            target = (edge.remote_node, self.vrf_of(edge.remote_node, edge.remote_interface))
            steps.append((self._name(target), target, edge.remote_interface, interface))
        return steps

    def _arp_reply(self, dev: str, interface: str, arp: tuple[int, int]) -> list[_Step] | None:
        """Who answers ARP for ``arp`` out of ``dev[interface]`` (None: nobody in the snapshot)."""
        steps: list[_Step] = []
        for edge in self.edges_from.get((dev, interface), ()):
            if any(addr_key(ip) == arp for ip in edge.remote_ips):
                target = (edge.remote_node, self.vrf_of(edge.remote_node, edge.remote_interface))
                steps.append((self._name(target), target, edge.remote_interface, interface))
        if steps:
            return steps
        if arp in self.owners:
            # neighbour unreachable: the owner is not across this link
            return [(DROP, None, None, interface)]
        return None

    def _resolve(
        self, dev: str, vrf: str, route: Route, seen: frozenset[IPNetwork], depth: int
    ) -> Iterator[_Action]:
        """Resolve one route to egress actions (recursively through next-hop IPs).

        Like Batfish's FIB: a route never resolves through a prefix already used
        in the same chain, and deep chains are loops; both (and a next hop with no
        route) end in ``drop``.
        """
        nh = route.next_hop
        if nh.kind == "discard":
            yield _Drop("null route")
        elif nh.kind == "vrf":
            assert nh.vrf is not None
            yield _NextVrf(nh.vrf)
        elif nh.kind == "interface":
            assert nh.interface is not None
            if nh.interface.lower() in NULL_INTERFACES:
                yield _Drop("null route")
            else:
                yield _Egress(nh.interface, nh.ip)
        else:
            assert nh.ip is not None
            yield from self._resolve_ip(dev, vrf, nh.ip, seen | {route.network}, depth + 1)

    def _resolve_ip(
        self, dev: str, vrf: str, ip: IPAddress, seen: frozenset[IPNetwork], depth: int
    ) -> Iterator[_Action]:
        if depth > MAX_RESOLUTION_DEPTH:
            yield _Drop("next-hop resolution loop")
            return
        table = self.tables.get((dev, vrf))
        routes = table.lookup(ip.version, int(ip)) if table is not None else []
        usable = [r for r in routes if r.network not in seen]
        if not usable:
            yield _Drop("unresolvable next hop")
            return
        for r in usable:
            if r.next_hop.kind == "vrf":
                assert r.next_hop.vrf is not None
                yield from self._resolve_ip(dev, r.next_hop.vrf, ip, seen | {r.network}, depth + 1)
                continue
            for action in self._resolve(dev, vrf, r, seen, depth):
                if isinstance(action, _Egress) and action.arp is None:
                    # the next hop is on a connected subnet: ARP for the next hop itself
                    yield _Egress(action.interface, ip)
                else:
                    yield action
