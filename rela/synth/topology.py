"""Synthetic topologies: a Clos data-centre fabric and a WAN backbone.

A :class:`Topology` is plain immutable data: weighted undirected links with
interface names on both ends, the destinations (with the address block each
one announces), the ingress groups (where traffic enters) and a device →
group mapping.  Everything is built deterministically from the parameters and
a seeded :class:`random.Random`; nothing depends on set iteration order.

>>> t = clos(pods=2, tors=2, leaves=2, spines=2)
>>> len(t.devices), t.destinations[:2]
(10, ('pod1-tor1', 'pod1-tor2'))
>>> t.weight("pod1-leaf1", "spine1"), t.interfaces("pod1-leaf1", "spine1")
(1, ('Eth1/1', 'Eth1/2'))
>>> sorted(t.twins("spine1"))
['spine2']
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Iterable, Mapping
from dataclasses import field

from rela.values import frozen

__all__ = ["Topology", "TopologyBuilder", "clos", "wan", "destination_block", "REGION_CODES"]

#: Region names of the WAN (an index past the end gets a numeric suffix).
REGION_CODES = (
    "ams", "fra", "lon", "par", "mad", "mil", "sto", "waw",
    "nyc", "iad", "chi", "dfw", "sjc", "sea", "lax", "yyz",
    "gru", "scl", "jnb", "dxb", "bom", "sin", "hkg", "nrt",
    "icn", "syd", "akl", "tpe", "kul", "cgk", "bkk", "mnl",
)  # fmt: skip


def destination_block(index: int) -> ipaddress.IPv4Network:
    """The /16 that destination number ``index`` announces (10.0/16, 10.1/16, ...).

    >>> str(destination_block(3)), str(destination_block(257))
    ('10.3.0.0/16', '11.1.0.0/16')
    """
    base = (10 << 24) + (index << 16)
    return ipaddress.IPv4Network((base, 16))


@frozen
class Topology:
    """A network: devices, weighted links with interface names, roles.

    ``adjacency[u][v]`` is the metric of the link u–v (the same both ways);
    ``iface[(u, v)]`` the names of the interfaces of ``v`` on the links from
    ``u`` (one per parallel link: the *inbound* interfaces of a hop u → v).
    ``destinations`` announce the address blocks of :func:`destination_block`
    in order; ``ingress`` maps an ingress-group name to its devices;
    ``transit`` are the devices that are neither ingress nor destination.
    """

    kind: str
    adjacency: Mapping[str, Mapping[str, int]]
    iface: Mapping[tuple[str, str], tuple[str, ...]]
    destinations: tuple[str, ...]
    ingress: Mapping[str, tuple[str, ...]]
    transit: tuple[str, ...]
    groups: Mapping[str, str]
    params: Mapping[str, int] = field(default_factory=dict)

    @property
    def devices(self) -> tuple[str, ...]:
        return tuple(sorted(self.adjacency))

    def links(self) -> list[tuple[str, str]]:
        """Every link once, as a sorted pair."""
        return sorted((u, v) for u, nbrs in self.adjacency.items() for v in nbrs if u < v)

    def neighbors(self, device: str) -> list[str]:
        return sorted(self.adjacency[device])

    def weight(self, u: str, v: str) -> int:
        return self.adjacency[u][v]

    def interfaces(self, u: str, v: str) -> tuple[str, ...]:
        """Inbound interfaces of ``v`` on the links from ``u``."""
        return self.iface[(u, v)]

    def block(self, destination: str) -> ipaddress.IPv4Network:
        return destination_block(self.destinations.index(destination))

    def twins(self, device: str) -> list[str]:
        """Devices with exactly the same neighbours and metrics as ``device``.

        Draining a device onto a twin keeps every distance: each shortest path
        through the drained device has a twin path of equal cost, and no
        shortest path crosses both (that would cost an extra hop).
        """
        mine = {n: w for n, w in self.adjacency[device].items()}
        out = []
        for other in self.devices:
            if other == device:
                continue
            theirs = dict(self.adjacency[other])
            a = {n: w for n, w in mine.items() if n != other}
            b = {n: w for n, w in theirs.items() if n != device}
            if a == b and a:
                out.append(other)
        return out

    def with_link(self, u: str, v: str, metric: int, parallel: int = 1) -> Topology:
        """A copy with one more link u–v (new interfaces numbered after the existing ones)."""
        if v in self.adjacency[u]:
            raise ValueError(f"{u} and {v} are already linked")
        builder = TopologyBuilder.from_topology(self)
        builder.link(u, v, metric, parallel)
        return builder.build(
            self.kind, self.destinations, self.ingress, self.transit, self.groups, self.params
        )


class TopologyBuilder:
    """Accumulates links, numbering each device's interfaces ``Eth1/1``, ``Eth1/2``, ..."""

    def __init__(self) -> None:
        self.adjacency: dict[str, dict[str, int]] = {}
        self.iface: dict[tuple[str, str], tuple[str, ...]] = {}
        self._ports: dict[str, int] = {}

    @staticmethod
    def from_topology(topo: Topology) -> TopologyBuilder:
        b = TopologyBuilder()
        b.adjacency = {u: dict(n) for u, n in topo.adjacency.items()}
        b.iface = dict(topo.iface)
        for (_, v), names in topo.iface.items():
            b._ports[v] = b._ports.get(v, 0) + len(names)
        return b

    def device(self, name: str) -> None:
        self.adjacency.setdefault(name, {})

    def _port(self, device: str) -> str:
        self._ports[device] = self._ports.get(device, 0) + 1
        return f"Eth1/{self._ports[device]}"

    def link(self, u: str, v: str, metric: int, parallel: int = 1) -> None:
        self.device(u)
        self.device(v)
        self.adjacency[u][v] = metric
        self.adjacency[v][u] = metric
        self.iface[(u, v)] = tuple(self._port(v) for _ in range(parallel))
        self.iface[(v, u)] = tuple(self._port(u) for _ in range(parallel))

    def build(
        self,
        kind: str,
        destinations: Iterable[str],
        ingress: Mapping[str, Iterable[str]],
        transit: Iterable[str],
        groups: Mapping[str, str],
        params: Mapping[str, int],
    ) -> Topology:
        return Topology(
            kind=kind,
            adjacency={u: dict(sorted(n.items())) for u, n in sorted(self.adjacency.items())},
            iface=dict(self.iface),
            destinations=tuple(destinations),
            ingress={g: tuple(ds) for g, ds in ingress.items()},
            transit=tuple(sorted(transit)),
            groups=dict(sorted(groups.items())),
            params=dict(params),
        )


def clos(
    pods: int = 8, tors: int = 8, leaves: int = 4, spines: int = 4, parallel: int = 2
) -> Topology:
    """A three-tier Clos fabric: every ToR to every leaf of its pod, every leaf to every spine.

    All metrics are 1, so every equal-length path is used (ECMP everywhere).
    Destinations are the ToRs; ingress groups are the pods (their ToRs);
    leaf–spine links are ``parallel`` links (a bundle: several inbound interfaces).
    Groups: ``SPINE``, ``PODnn-LEAF``, ``PODnn-TOR``.
    """
    if min(pods, tors, leaves, spines, parallel) < 1:
        raise ValueError("every Clos dimension must be at least 1")
    b = TopologyBuilder()
    spine_names = [f"spine{s}" for s in range(1, spines + 1)]
    groups = {s: "SPINE" for s in spine_names}
    destinations: list[str] = []
    ingress: dict[str, list[str]] = {}
    transit = list(spine_names)
    for p in range(1, pods + 1):
        leaf_names = [f"pod{p}-leaf{i}" for i in range(1, leaves + 1)]
        tor_names = [f"pod{p}-tor{i}" for i in range(1, tors + 1)]
        for leaf in leaf_names:
            groups[leaf] = f"POD{p:02d}-LEAF"
            for spine in spine_names:
                b.link(leaf, spine, 1, parallel)
        for tor in tor_names:
            groups[tor] = f"POD{p:02d}-TOR"
            for leaf in leaf_names:
                b.link(tor, leaf, 1)
        destinations.extend(tor_names)
        ingress[f"pod{p}"] = tor_names
        transit.extend(leaf_names)
    params = dict(pods=pods, tors=tors, leaves=leaves, spines=spines, parallel=parallel)
    return b.build("clos", destinations, ingress, transit, groups, params)


def region_name(index: int) -> str:
    """``ams``, ``fra``, ..., then ``ams2``, ``fra2``, ... past the list."""
    code = REGION_CODES[index % len(REGION_CODES)]
    return code if index < len(REGION_CODES) else f"{code}{index // len(REGION_CODES) + 1}"


def wan(
    regions: int = 16, pops: int = 6, chords: int | None = None, parallel: int = 2, seed: int = 0
) -> Topology:
    """A WAN backbone: regions on a ring plus random chords, two core routers per region.

    Each region has cores ``xxx-cr1``/``xxx-cr2`` (twins: linked to the same
    routers with the same metrics) and ``pops`` provider-edge routers
    ``xxx-pe1``... dual-homed to both cores (metric 1).  Inter-region core links
    (every core of one region to every core of the other, ``parallel`` links
    each) get metrics 10, 20 or 30, so equal-cost paths across regions occur.
    Destinations and ingress points are the PE routers; ingress groups are the
    regions.  Groups: ``XXX-CR`` and ``XXX-PE`` per region.
    """
    if regions < 2 or pops < 1:
        raise ValueError("a WAN needs at least 2 regions and 1 PoP per region")
    rng = random.Random(f"wan:{seed}:{regions}:{pops}")
    b = TopologyBuilder()
    names = [region_name(r) for r in range(regions)]
    cores = {r: [f"{n}-cr1", f"{n}-cr2"] for r, n in enumerate(names)}
    groups: dict[str, str] = {}
    destinations: list[str] = []
    ingress: dict[str, list[str]] = {}
    transit: list[str] = []
    for r, n in enumerate(names):
        c1, c2 = cores[r]
        b.link(c1, c2, 5, parallel)
        groups[c1] = groups[c2] = f"{n.upper()}-CR"
        transit += [c1, c2]
        pes = [f"{n}-pe{i}" for i in range(1, pops + 1)]
        for pe in pes:
            groups[pe] = f"{n.upper()}-PE"
            b.link(pe, c1, 1)
            b.link(pe, c2, 1)
        destinations.extend(pes)
        ingress[n] = pes
    pairs = {(r, (r + 1) % regions) for r in range(regions)} if regions > 2 else {(0, 1)}
    candidates = [
        (a, c)
        for a in range(regions)
        for c in range(a + 1, regions)
        if (a, c) not in pairs and (c, a) not in pairs
    ]
    n_chords = regions // 2 if chords is None else chords
    pairs |= set(rng.sample(candidates, min(n_chords, len(candidates))))
    for a, c in sorted(pairs):
        metric = rng.choice((10, 10, 20, 30))
        for u in cores[a]:
            for v in cores[c]:
                b.link(u, v, metric, parallel)
    params = dict(regions=regions, pops=pops, chords=n_chords, parallel=parallel)
    return b.build("wan", destinations, ingress, transit, groups, params)
