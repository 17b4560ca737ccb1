"""FECs over two snapshots: destination ranges forwarded uniformly before *and* after.

Every route prefix, owned address and connected subnet of both snapshots (and
every ``dst`` prefix asked for) cuts the address space; between two cuts the
longest-prefix match, the ownership test and the subnet test give the same
answer on every device, so the range is forwarded uniformly in both snapshots
(an *atomic* range).  Ranges with the same (before, after) pair of graphs are
merged into one FEC, whose traffic keys are its prefixes.

>>> atomic_intervals([Interval.of("10.0.0.0/8"), Interval.of("10.1.0.0/16")], versions=[4])[:3]
[Interval(version=4, lo=0, hi=167772159), Interval(version=4, lo=167772160, hi=167837695), Interval(version=4, lo=167837696, hi=167903231)]
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Iterable, Sequence

from rela.errors import NetworkInputError, UsageError
from rela.network.dataplane import DataPlane
from rela.network.model import TrafficKey
from rela.network.routing import DEFAULT_VRF, SPECIAL_SINKS, Interval, IPNetwork, RawGraph
from rela.values import frozen

__all__ = [
    "RawFec",
    "Start",
    "atomic_intervals",
    "parse_dst",
    "resolve_starts",
    "resolve_start_points",
    "destination_ranges",
    "check_outcome_names",
    "compute_fecs",
]

#: A start location: (device, vrf, entry interface or None for traffic the device originates).
Start = tuple[str, str, "str | None"]

_BITS = {4: 32, 6: 128}


@frozen
class RawFec:
    """One FEC of a Batfish change: its traffic and its raw before/after graphs.

    Without ACLs the traffic is the destination ``prefixes``; with ACLs it is
    ``traffic`` (packet cubes, see ``rela.network.hsfecs``).  ``problem`` is set
    (and the graphs are empty) when the FEC's forwarding cannot be decided.
    """

    key: str
    prefixes: tuple[str, ...]
    before: RawGraph
    after: RawGraph
    traffic: tuple[TrafficKey, ...] | None = None
    problem: str | None = None

    def traffic_keys(self) -> tuple[TrafficKey, ...]:
        """The FEC's traffic keys (its prefixes as destination keys when it has no cubes)."""
        if self.traffic is not None:
            return self.traffic
        return tuple(TrafficKey(dst=p) for p in self.prefixes)

    def to_json(self) -> dict[str, object]:
        """The FEC as an element of the Rela graph JSON format (plus its ``key``)."""
        return {
            "ipTrafficKeys": [t.to_dict() for t in self.traffic_keys()],
            "graphBefore": self.before.to_json(),
            "graphAfter": self.after.to_json(),
            "key": self.key,
        }


def atomic_intervals(cuts: Iterable[Interval], versions: Iterable[int]) -> list[Interval]:
    """Split the address spaces of ``versions`` at the edges of every ``cuts`` range."""
    points: dict[int, set[int]] = {v: {0, 1 << _BITS[v]} for v in versions}
    for cut in cuts:
        if cut.version in points:
            points[cut.version].update((cut.lo, cut.hi + 1))
    out: list[Interval] = []
    for version in sorted(points):
        edges = sorted(points[version])
        out.extend(Interval(version, a, b - 1) for a, b in zip(edges, edges[1:], strict=False))
    return out


def parse_dst(prefixes: Iterable[str]) -> list[IPNetwork]:
    """Parse ``--dst`` values (an address means its host prefix).

    >>> [str(p) for p in parse_dst(["10.0.0.0/8", "192.0.2.1"])]
    ['10.0.0.0/8', '192.0.2.1/32']
    """
    out: list[IPNetwork] = []
    for text in prefixes:
        try:
            out.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError:
            raise UsageError(
                f"destination {text!r} is not an IP prefix", hint="write e.g. 10.0.0.0/8"
            ) from None
    return out


_START = re.compile(r"^(?:@enter\()?(?P<dev>[^\[\]()]+?)(?:\[(?P<iface>[^\[\]]+)\])?\)?$")


def resolve_starts(
    starts: Sequence[str], before: DataPlane, after: DataPlane
) -> list[tuple[str, str]]:
    """The ``(device, vrf)`` start nodes named by ``starts`` (default: every device, every VRF).

    A start is ``device`` (each VRF of the device), ``device|vrf``, or Batfish's
    ``device[interface]`` (the VRF of that interface; ``@enter(...)`` is accepted too).
    """
    out: list[tuple[str, str]] = []
    for dev, vrf, _ in resolve_start_points(starts, before, after):
        if (dev, vrf) not in out:
            out.append((dev, vrf))
    return out


def resolve_start_points(starts: Sequence[str], before: DataPlane, after: DataPlane) -> list[Start]:
    """Like :func:`resolve_starts`, keeping the entry interface of ``device[interface]``
    (where an ingress ACL applies); a device alone originates its traffic (no entry)."""
    devices = sorted(before.devices | after.devices)
    if not starts:
        return [(dev, vrf, None) for dev in devices for vrf in _vrfs(dev, before, after)]
    out: list[Start] = []
    for text in starts:
        for start in _resolve_start(text.strip(), devices, before, after):
            if start not in out:
                out.append(start)
    return out


def _vrfs(device: str, before: DataPlane, after: DataPlane) -> list[str]:
    vrfs = before.vrfs_of(device) + [
        v for v in after.vrfs_of(device) if v not in before.vrfs_of(device)
    ]
    return vrfs or [DEFAULT_VRF]


def _resolve_start(
    text: str, devices: list[str], before: DataPlane, after: DataPlane
) -> list[Start]:
    match = _START.match(text)
    if not match:
        raise UsageError(
            f"start location {text!r} is not 'device', 'device|vrf' or 'device[interface]'"
        )
    dev, iface = match.group("dev").strip(), match.group("iface")
    vrf: str | None = None
    if "|" in dev and iface is None:
        dev, vrf = dev.split("|", 1)
    if dev not in devices:
        raise NetworkInputError(
            f"start location {text!r}: no device {dev!r} in the snapshots",
            where="start",
            hint=_names_hint("devices", dev, devices),
        )
    if iface is not None:
        iface = iface.strip()
        known = before.interfaces_of(dev) | after.interfaces_of(dev)
        if iface not in known:
            raise NetworkInputError(
                f"start location {text!r}: device {dev!r} has no interface {iface!r}",
                where="start",
                hint=_names_hint("interfaces", iface, sorted(known)),
            )
        plane = before if (dev, iface) in before.iface_vrf else after
        return [(dev, plane.vrf_of(dev, iface), iface)]
    if vrf is not None:
        return [(dev, vrf, None)]
    return [(dev, v, None) for v in _vrfs(dev, before, after)]


def _names_hint(what: str, typed: str, names: Sequence[str]) -> str:
    """The names closest to a mistyped one, else the first 20 of them.

    >>> _names_hint("devices", "bordr1", ["border1", "border2", "core1"])
    'closest: border1, border2 (devices: border1, border2, core1)'
    """
    listed = ", ".join(names[:20]) + (" ..." if len(names) > 20 else "")
    close = difflib.get_close_matches(typed, names, n=3, cutoff=0.6)
    return f"closest: {', '.join(close)} ({what}: {listed})" if close else f"{what}: {listed}"


def compute_fecs(
    before: DataPlane,
    after: DataPlane,
    *,
    starts: Sequence[str] = (),
    dst: Sequence[str] = (),
    merge: bool = True,
) -> list[RawFec]:
    """The FECs of the change from ``before`` to ``after``, in address order.

    ``starts`` are start locations (see :func:`resolve_starts`); ``dst`` limits
    the destinations to these prefixes.  With ``merge`` (the default) atomic
    ranges with identical (before, after) graphs form one FEC.
    """
    check_outcome_names(before, after)
    sources = resolve_starts(starts, before, after)
    ranges = destination_ranges(before, after, dst)
    entries: list[tuple[RawGraph, RawGraph, list[Interval]]] = []
    index: dict[tuple[RawGraph, RawGraph], int] = {}
    for rng in ranges:
        pair = (before.forwarding_graph(sources, rng), after.forwarding_graph(sources, rng))
        at = index.get(pair) if merge else None
        if at is None:
            index[pair] = len(entries)
            entries.append((pair[0], pair[1], [rng]))
        else:
            entries[at][2].append(rng)
    fecs: list[RawFec] = []
    for graph_before, graph_after, rngs in entries:
        prefixes = _collapse(rngs)
        fecs.append(RawFec(prefixes[0], tuple(prefixes), graph_before, graph_after))
    return fecs


def check_outcome_names(before: DataPlane, after: DataPlane) -> None:
    """Refuse a device named like an outcome sink (``drop``, ``exits-network``...)."""
    reserved = {name.split("|", 1)[0] for name in SPECIAL_SINKS}
    for plane in (before, after):
        clash = plane.devices & reserved
        if clash:
            raise NetworkInputError(
                f"a device is named {sorted(clash)[0]!r}, which Rela reserves for an outcome",
                filename=plane.snapshot.name or None,
            )


def destination_ranges(before: DataPlane, after: DataPlane, dst: Sequence[str]) -> list[Interval]:
    """The atomic destination ranges of two snapshots, inside the ``dst`` prefixes if given."""
    limits = [Interval.of(p) for p in parse_dst(dst)]
    nets: list[IPNetwork] = list(before.boundaries()) + list(after.boundaries())
    versions = {n.version for n in nets} | {i.version for i in limits}
    if limits:
        versions = {i.version for i in limits}
    cuts = [Interval.of(n) for n in set(nets)] + limits
    ranges = atomic_intervals(cuts, versions or {4})
    if limits:
        ranges = [r for r in ranges if any(lim.lo <= r.lo and r.hi <= lim.hi for lim in limits)]
    return ranges


def _collapse(ranges: list[Interval]) -> list[str]:
    nets: list[IPNetwork] = []
    for rng in ranges:
        nets.extend(rng.prefixes())
    v4 = [n for n in nets if n.version == 4]
    v6 = [n for n in nets if n.version == 6]
    out = [str(n) for n in ipaddress.collapse_addresses(v4)]
    out += [str(n) for n in ipaddress.collapse_addresses(v6)]
    return out
