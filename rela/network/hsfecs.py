"""FECs over two snapshots with ACLs: header-space classes forwarded alike before *and* after.

Routing depends on the destination only, so the destination space is first cut
into the atomic ranges of ``rela.network.fecs`` (uniform longest-prefix match,
ownership and subnet tests in both snapshots).  Inside one range every packet
takes the same hops before ACLs (a :class:`~rela.network.routing.Skeleton` per
snapshot); the ACLs met on those hops split the range further: the range's
packets are refined by each ACL's permit / deny / undecidable sets (BDDs, see
``rela.network.acl_bdd``), and each resulting class gets one graph per snapshot
(``rela.network.filtering``).  Classes with the same (before, after) pair of
graphs — or the same problem — are merged into one FEC, whose traffic is the
union of its classes written as disjoint packet cubes.

>>> from rela.network.headerspace import PacketSpace
>>> space = PacketSpace()
>>> refine([space.dst("10.0.0.0/8")], [(space.protocol(6), space.false)], space)[0][1]
('permit',)
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rela.network.acl_bdd import AclCompiler, Verdict
from rela.network.dataplane import DataPlane
from rela.network.fecs import (
    RawFec,
    Start,
    check_outcome_names,
    destination_ranges,
    resolve_start_points,
)
from rela.network.filtering import DENY, PERMIT, UNKNOWN, Filtered, FilterUse, filtered_graph
from rela.network.headerspace import PacketSpace
from rela.network.model import TrafficKey
from rela.network.routing import Interval, RawGraph, Skeleton, Snapshot
from rela.values import frozen

__all__ = [
    "AclUse",
    "acl_uses",
    "AclChange",
    "AclPlane",
    "HsFec",
    "HsResult",
    "compute_hs_fecs",
    "refine",
    "unchecked_acl_changes",
    "MAX_KEYS",
]

#: Where a filter is bound: (device, interface, "in"/"out").
_Point = tuple[str, str, str]

#: Above this many traffic keys an FEC is an error (its traffic cannot be written down).
#: Keys are cubes with one protocol each: a class like "every protocol but tcp, from
#: any source but a few" needs (protocols x source prefixes x ...) of them.
MAX_KEYS = 1_000_000


@dataclass
class AclPlane:
    """The ACLs of one snapshot: what each interface applies, compiled to packet sets."""

    compiler: AclCompiler
    bindings: dict[_Point, str]  # (device, interface, "in"/"out") -> ACL name

    @staticmethod
    def of(snapshot: Snapshot, space: PacketSpace) -> AclPlane:
        """The ACLs a snapshot's interfaces apply (``interfaceProperties()`` filters)."""
        bindings: dict[_Point, str] = {}
        for info in snapshot.interfaces:
            if info.in_filter:
                bindings[(info.node, info.interface, "in")] = info.in_filter
            if info.out_filter:
                bindings[(info.node, info.interface, "out")] = info.out_filter
        return AclPlane(AclCompiler(space, snapshot.acls or ()), bindings)

    def verdict(self, device: str, iface: str, direction: str) -> tuple[str, Verdict] | None:
        name = self.bindings.get((device, iface, direction))
        if name is None:
            return None
        return name, self.compiler.compile(device, name)


@frozen
class HsFec:
    """A raw FEC with what the header-space computation knows about it."""

    raw: RawFec
    packets: Any  # BDD of the FEC's traffic
    uses_before: tuple[tuple[FilterUse, Any], ...]  # each ACL met, with the packets that met it
    uses_after: tuple[tuple[FilterUse, Any], ...]
    order: tuple[Any, ...] = ()  # header order of the first traffic key (FECs are sorted by it)


def refine(
    classes: Sequence[Any], verdicts: Sequence[tuple[Any, Any]], space: PacketSpace
) -> list[tuple[Any, tuple[str, ...]]]:
    """Split ``classes`` by every ``(permit, deny)`` verdict (the rest: undecidable).

    Returns each non-empty part with its decision under each verdict, in order.
    """
    parts: list[tuple[Any, tuple[str, ...]]] = [(c, ()) for c in classes if c != space.false]
    for permit, deny in verdicts:
        nxt: list[tuple[Any, tuple[str, ...]]] = []
        for packets, decisions in parts:
            inside = packets & permit
            if inside == packets:  # common case: the whole class is on one side
                nxt.append((packets, (*decisions, PERMIT)))
                continue
            rest = packets
            if inside != space.false:
                nxt.append((inside, (*decisions, PERMIT)))
                rest = rest & ~permit
            denied = rest & deny
            if denied != space.false:
                nxt.append((denied, (*decisions, DENY)))
                rest = rest & ~deny
            if rest != space.false:
                nxt.append((rest, (*decisions, UNKNOWN)))
        parts = nxt
    return parts


def _points(skeleton: Skeleton) -> Iterable[_Point]:
    """Every (device, interface, direction) a skeleton's packets may pass."""
    for name, entry in skeleton.sources:
        if entry is not None:
            yield name.split("|", 1)[0], entry, "in"
    for here, hops in skeleton.out.items():
        dev = here.split("|", 1)[0]
        for _, target, inbound, egress in hops:
            if egress is not None:
                yield dev, egress, "out"
            if target is not None and inbound is not None:
                yield target[0], inbound, "in"


class _Side:
    """One snapshot during the computation: its data plane, ACLs and caches."""

    def __init__(self, plane: DataPlane, acls: AclPlane, sources: list[Start]) -> None:
        self.plane = plane
        self.acls = acls
        self.sources = sources
        self._graphs: dict[tuple[Any, ...], Any] = {}

    def skeleton(self, rng: Interval) -> Skeleton:
        return self.plane.skeleton(self.sources, rng)

    def filters(self, points: Iterable[_Point]) -> list[tuple[_Point, str, Verdict]]:
        """The ACLs at ``points`` (where a skeleton passes) with their names and verdicts."""
        out = []
        for point in points:
            found = self.acls.verdict(*point)
            if found is not None:
                out.append((point, found[0], found[1]))
        return out

    def graph(
        self,
        skeleton: Skeleton,
        skeleton_key: Any,
        filters: list[tuple[_Point, str, Verdict]],
        decisions: tuple[str, ...],
        source: tuple[str, str | None] | None = None,
    ) -> Filtered:
        """The class's graph from every start location, or from ``source`` alone."""
        key = (skeleton_key, decisions, source)
        found = self._graphs.get(key)
        if found is None:
            table = {
                point: (d, name) for (point, name, _), d in zip(filters, decisions, strict=True)
            }

            def decide(dev: str, iface: str, direction: str) -> tuple[str, str]:
                return table.get((dev, iface, direction), (PERMIT, ""))

            walked = skeleton if source is None else replace(skeleton, sources=(source,))
            found = self._graphs[key] = filtered_graph(walked, decide)
        return found


@frozen
class HsResult:
    """The FECs, and the packet space and ACLs they were computed with (for ``rela show``)."""

    fecs: tuple[HsFec, ...]
    space: PacketSpace
    acls_before: AclPlane
    acls_after: AclPlane
    #: Per changed filter (device, interface, direction): the packets of the run whose
    #: hops pass it in either snapshot, before any ACL is applied (absent: none).
    reach: Mapping[_Point, Any] = field(default_factory=dict)


def compute_hs_fecs(
    before: DataPlane,
    after: DataPlane,
    *,
    starts: Sequence[str] = (),
    dst: Sequence[str] = (),
    merge: bool = True,
    backend: str | None = None,
) -> HsResult:
    """The header-space FECs of the change from ``before`` to ``after`` (ACLs applied).

    The ACLs are those of the snapshots (``Snapshot.acls`` and the interfaces'
    filters).  FECs come in header order of their first traffic key.
    ``backend`` picks the BDD library (``cudd`` or ``autoref``; default: the fastest).
    """
    check_outcome_names(before, after)
    sources = resolve_start_points(starts, before, after)
    ranges = destination_ranges(before, after, dst)
    space = PacketSpace({r.version for r in ranges} or {4}, backend=backend)
    acls_before, acls_after = (
        AclPlane.of(before.snapshot, space),
        AclPlane.of(after.snapshot, space),
    )
    sides = (_Side(before, acls_before, sources), _Side(after, acls_after, sources))
    # the packets reaching each changed filter (unchanged ones need not be followed)
    changed = {point for point, _, _ in _changed_filters(acls_before, acls_after)}
    reach: dict[_Point, Any] = {}
    skeleton_ids: dict[tuple[Any, ...], int] = {}
    merged: dict[Any, list[Any]] = {}  # (before, after) -> [packets, uses before, uses after]
    order: list[Any] = []
    for number, rng in enumerate(ranges):
        skeletons = [side.skeleton(rng) for side in sides]
        keys = [skeleton_ids.setdefault(sk.key(), len(skeleton_ids)) for sk in skeletons]
        points = [dict.fromkeys(_points(sk)) for sk in skeletons]
        filters = [side.filters(ps) for side, ps in zip(sides, points, strict=True)]
        verdicts: dict[tuple[Any, Any], int] = {}
        for side_filters in filters:
            for _, _, v in side_filters:
                verdicts.setdefault((v.permit, v.deny), len(verdicts))
        packets = _range_packets(space, rng)
        for point in changed.intersection(points[0].keys() | points[1].keys()):
            reach[point] = reach.get(point, space.false) | packets
        for part, decisions in refine([packets], list(verdicts), space):
            mine = [
                tuple(decisions[verdicts[(v.permit, v.deny)]] for _, _, v in side_filters)
                for side_filters in filters
            ]
            groups = _class_graphs(sides, skeletons, keys, filters, mine)
            for graphs, source in groups:
                pair: tuple[Any, ...] = tuple(
                    _outcome(g, label, source)
                    for g, label in zip(graphs, ("before", "after"), strict=True)
                )
                if not merge:
                    pair = (*pair, number)
                entry = merged.get(pair)
                if entry is None:
                    merged[pair] = entry = [space.false, {}, {}]
                    order.append(pair)
                entry[0] |= part
                for met, graph in zip(entry[1:], graphs, strict=True):
                    for use in graph.uses:
                        met[use] = met.get(use, space.false) | part
    all_sources = tuple(dict.fromkeys(name for name, _ in sources_names(sides)))
    fecs = []
    for pair in order:
        part, met_before, met_after = merged[pair]
        fecs.append(_fec(space, pair, part, met_before, met_after, all_sources))
    fecs.sort(key=lambda f: f.order)
    return HsResult(tuple(fecs), space, acls_before, acls_after, reach)


@frozen
class AclChange:
    """An interface whose filter in one direction decides some packet differently after the
    change (``before``/``after``: the ACL names, None where no ACL is applied)."""

    device: str
    interface: str
    direction: str
    before: str | None
    after: str | None


def unchecked_acl_changes(result: HsResult) -> tuple[AclChange, ...]:
    """The changed filters that no traffic of the run the change affects passes.

    A filter changes the packets it decides differently before and after
    (:func:`_changed_filters`).  When none of them is among the packets whose hops
    pass the filter in either snapshot (:attr:`HsResult.reach`), the change is
    invisible to the run: typically an ingress ACL on an interface that faces
    outside the network while no ``--start`` enters there.
    """
    out = []
    for point, names, verdicts in _changed_filters(result.acls_before, result.acls_after):
        seen = result.reach.get(point, result.space.false)
        (permit_b, deny_b), (permit_a, deny_a) = verdicts
        if (permit_b & seen) != (permit_a & seen) or (deny_b & seen) != (deny_a & seen):
            continue  # some packet that gets there is decided differently: the run sees it
        out.append(AclChange(*point, *names))
    return tuple(out)


_Decisions = tuple[Any, Any]  # (permit, deny)


def _changed_filters(
    before: AclPlane, after: AclPlane
) -> list[tuple[_Point, tuple[str | None, str | None], tuple[_Decisions, _Decisions]]]:
    """The filters (device, interface, direction) that decide some packet differently
    after the change, with their ACL names and (permit, deny) sets before and after.

    BDD equality in the run's packet space: a renamed but identical ACL changes
    nothing; an interface without an ACL permits every packet.
    """
    space = before.compiler.space
    no_acl = (space.universe, space.false)
    out = []
    for point in sorted(set(before.bindings) | set(after.bindings)):
        found = [plane.verdict(*point) for plane in (before, after)]
        b, a = (no_acl if f is None else (f[1].permit, f[1].deny) for f in found)
        if b != a:
            names = [None if f is None else f[0] for f in found]
            out.append((point, (names[0], names[1]), (b, a)))
    return out


_Source = tuple[str, "str | None"]


def _class_graphs(
    sides: Sequence[_Side],
    skeletons: Sequence[Skeleton],
    keys: Sequence[int],
    filters: Sequence[list[tuple[_Point, str, Verdict]]],
    decisions: Sequence[tuple[str, ...]],
) -> list[tuple[list[Filtered], _Source | None]]:
    """A class's (before, after) graphs from all start locations together, or, when a
    device admits the class from one start and refuses it from another, from each
    start location alone (one FEC each)."""
    args = list(zip(sides, skeletons, keys, filters, decisions, strict=True))
    drawn = [side.graph(sk, key, fs, ds) for side, sk, key, fs, ds in args]
    if not any(g.split for g in drawn):
        return [(drawn, None)]
    return [
        ([side.graph(sk, key, fs, ds, source) for side, sk, key, fs, ds in args], source)
        for source in skeletons[0].sources
    ]


def _outcome(filtered: Filtered, side: str, source: tuple[str, str | None] | None) -> Any:
    """What identifies a class's behaviour in one snapshot: its graph, or its problem."""
    if filtered.problem is not None:
        where = f" (from {_start_text(source)})" if source is not None else ""
        return ("problem", f"{side}{where}: {filtered.problem}")
    return filtered.graph


def _start_text(source: tuple[str, str | None]) -> str:
    name, entry = source
    return f"{name}[{entry}]" if entry else name


def sources_names(sides: Sequence[_Side]) -> list[tuple[str, str | None]]:
    """The start locations as skeleton sources: (node name, entry interface)."""
    from rela.network.routing import node_name

    return [(node_name(dev, vrf), entry) for dev, vrf, entry in sides[0].sources]


def _range_packets(space: PacketSpace, rng: Interval) -> Any:
    u = space.false
    for net in rng.prefixes():
        u |= space.dst(net)
    return u


def _fec(
    space: PacketSpace,
    pair: Any,
    packets: Any,
    before: dict[FilterUse, Any],
    after: dict[FilterUse, Any],
    all_sources: tuple[str, ...],
) -> HsFec:
    keys = space.cubes(packets, limit=MAX_KEYS + 1)
    empty = RawGraph((), (), ())
    problems = [p[1] for p in pair[:2] if isinstance(p, tuple)]
    key = _key_text(keys[0])
    order = _key_order(keys[0])
    if len(keys) > MAX_KEYS:
        problems.append(
            f"this traffic class needs more than {MAX_KEYS} traffic keys to be written down "
            "(its keys are left out: unknown traffic)"
        )
        key += " ..."
        keys = []
    graph_sources = {s for g in pair[:2] if isinstance(g, RawGraph) for s in g.sources}
    if not problems and graph_sources and graph_sources != set(all_sources):
        key += " from " + ", ".join(sorted(graph_sources))
    if problems:
        raw = RawFec(key, (), empty, empty, tuple(keys), "; ".join(problems))
    else:
        dsts = tuple(dict.fromkeys(k.dst for k in keys if k.dst is not None))
        raw = RawFec(key, dsts, pair[0], pair[1], tuple(keys))
    return HsFec(
        raw,
        packets,
        tuple(sorted(before.items(), key=_first)),
        tuple(sorted(after.items(), key=_first)),
        order,
    )


def _first(item: tuple[FilterUse, Any]) -> FilterUse:
    return item[0]


def _key_text(key: TrafficKey) -> str:
    """An FEC's key: its first prefix alone when the key constrains nothing else."""
    if key.dst is not None and key == TrafficKey(dst=key.dst):
        return key.dst
    return key.describe()


def _key_order(key: TrafficKey) -> tuple[Any, ...]:
    net = ipaddress.ip_network(key.dst or "0.0.0.0/0")
    src = ipaddress.ip_network(key.src) if key.src else None
    return (
        net.version,
        int(net.network_address),
        net.prefixlen,
        (src.version, int(src.network_address), src.prefixlen) if src else (0, -1, 0),
        -1 if key.protocol is None else key.protocol,
        key.dst_ports or (-1, -1),
        key.src_ports or (-1, -1),
    )


@frozen
class AclUse:
    """An ACL an FEC's traffic meets in one snapshot, and the lines that decide it there.

    ``lines`` are ``(index, text, action)``; index None is the implicit deny at
    the end of the ACL.

    >>> AclUse("after", FilterUse("leaf1", "Gi2/0", "out", "WEB", "permit"),
    ...        ((0, "permit tcp any any eq www", "permit"),)).describe()
    "after: leaf1[Gi2/0] out WEB: permit (line 0 'permit tcp any any eq www')"
    """

    side: str
    use: FilterUse
    lines: tuple[tuple[int | None, str, str], ...]

    def to_dict(self) -> dict[str, Any]:
        """The use as JSON (``rela show -f json``)."""
        return {
            "side": self.side,
            "device": self.use.device,
            "interface": self.use.interface,
            "direction": self.use.direction,
            "acl": self.use.acl,
            "decision": self.use.decision,
            "lines": [{"index": i, "text": t, "action": a} for i, t, a in self.lines],
        }

    def describe(self) -> str:
        parts = []
        for index, text, action in self.lines:
            where = "implicit deny" if index is None else f"line {index} {text!r}"
            parts.append(where if action == self.use.decision else f"{where}: {action}")
        detail = f" ({'; '.join(parts)})" if parts else ""
        return f"{self.side}: {self.use.describe()}{detail}"


def acl_uses(result: HsResult, index: int) -> tuple[AclUse, ...]:
    """The ACLs met by the traffic of FEC ``index`` of ``result``, with the deciding lines."""
    fec = result.fecs[index]
    out: list[AclUse] = []
    for side, plane, uses in (
        ("before", result.acls_before, fec.uses_before),
        ("after", result.acls_after, fec.uses_after),
    ):
        for use, packets in uses:
            hits = plane.compiler.hits(use.device, use.acl, packets)
            lines = tuple(
                (h.line.index if h.line else None, h.line.name if h.line else "", h.action)
                for h in hits
            )
            out.append(AclUse(side, use, lines))
    return tuple(out)
