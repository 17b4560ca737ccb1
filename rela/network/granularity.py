"""From raw forwarding graphs and paths to :class:`~rela.network.model.Graph` at a granularity.

A *raw graph* is the ``G`` object of the input formats (DESIGN §2)::

    {"nodeToOutEdgesMap": {node: {next_node: [inbound interface names]}},
     "sourceNodes": [...], "sinkNodes": [...]}

Raw node names are ``device`` or ``device|vrf``.  At the three granularities:

* ``device``: one node per raw node, labelled with its name;
* ``group``: the same nodes and edges, each label's device component replaced
  by its group (devices missing from the mapping keep their name).  Nodes are
  *not* contracted: two devices of one group stay two nodes, so no fake loop
  appears;
* ``interface``: a hop is the inbound interface ``device|vrf|iface``
  (``device||iface`` when the raw name has no vrf); the entry hop of a source
  is its device-level name, and so is the target of an edge without interfaces
  (such as the edge into ``drop``).

>>> raw = {"nodeToOutEdgesMap": {"a": {"b": ["i1", "i2"]}, "b": {"drop": []}},
...        "sourceNodes": ["a"], "sinkNodes": ["b", "drop"]}
>>> sorted(GraphBuilder("device").build(raw).paths())
[('a', 'b'), ('a', 'b', 'drop')]
>>> sorted(GraphBuilder("interface").build(raw).paths())
[('a', 'b||i1'), ('a', 'b||i1', 'drop'), ('a', 'b||i2'), ('a', 'b||i2', 'drop')]
>>> sorted(GraphBuilder("group", {"a": "A", "b": "A"}).build(raw).paths())
[('A', 'A'), ('A', 'A', 'drop')]
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

import orjson

from rela.errors import UsageError
from rela.network.formats.common import FecProblem, kind, short
from rela.network.formats.keys import parse_traffic
from rela.network.model import DROP, Granularity, Graph, Location
from rela.results import Warning_

__all__ = [
    "GraphBuilder",
    "LoadedChange",
    "as_granularity",
    "device_level",
    "group_label",
    "interface_label",
    "location_mapper",
    "locate",
    "parse_traffic",
    "paths_graph",
]

# Above this many cached labels the cache is dropped (bounds memory on hostile input).
_CACHE_LIMIT = 200_000
# Graphs built are remembered by their raw JSON text (FECs of a change share graphs):
# the texts remembered take at most this many bytes (then they are all forgotten).
_GRAPH_CACHE_BYTES = 32 << 20


def as_granularity(value: Granularity | str) -> Granularity:
    """``"device"`` -> ``Granularity.DEVICE``; anything else is a :class:`UsageError`.

    >>> as_granularity("Interface")
    <Granularity.INTERFACE: 'interface'>
    """
    if isinstance(value, Granularity):
        return value
    try:
        return Granularity(str(value).lower())
    except ValueError:
        choices = ", ".join(g.value for g in Granularity)
        raise UsageError(f"unknown granularity {value!r} (choose one of {choices})") from None


def device_level(name: str) -> str:
    """The ``device`` or ``device|vrf`` part of a location name (an empty vrf is dropped).

    >>> device_level("r1|blue|Gi0/0"), device_level("r1||Gi0/0"), device_level("r1")
    ('r1|blue', 'r1', 'r1')
    """
    parts = name.split("|", 2)
    if len(parts) == 1 or not parts[1]:
        return parts[0]
    return f"{parts[0]}|{parts[1]}"


def group_label(name: str, groups: Mapping[str, str]) -> str:
    """``name`` with its device component replaced by the device's group.

    Works with and without a ``|vrf`` suffix; unmapped devices (and ``drop``)
    keep their name.

    >>> group_label("r1|blue", {"r1": "CORE"}), group_label("r1", {"r1": "CORE"})
    ('CORE|blue', 'CORE')
    >>> group_label("r9", {"r1": "CORE"})
    'r9'
    """
    device, sep, rest = name.partition("|")
    if device == DROP:
        return name
    return groups.get(device, device) + sep + rest


def interface_label(node: str, interface: str) -> str:
    """The location of inbound ``interface`` of raw node ``node`` (``dev|vrf`` or ``dev``).

    >>> interface_label("r1|blue", "Gi0/0"), interface_label("r1", "Gi0/0")
    ('r1|blue|Gi0/0', 'r1||Gi0/0')
    """
    if "|" in node:
        return f"{node}|{interface}"
    return f"{node}||{interface}"


def location_mapper(
    granularity: Granularity | str, groups: Mapping[str, str] | None = None
) -> Callable[[str], str]:
    """The map from a path-snapshot location to its name at ``granularity``.

    ``device`` keeps ``device|vrf``; ``group`` keeps ``device|vrf`` and maps the
    device to its group; ``interface`` keeps the name as given.

    >>> location_mapper("device")("r1|blue|Gi0/0")
    'r1|blue'
    >>> location_mapper("group", {"r1": "CORE"})("r1|blue|Gi0/0")
    'CORE|blue'
    """
    gran = as_granularity(granularity)
    if gran is Granularity.INTERFACE:
        return _as_given
    if gran is Granularity.DEVICE:
        return device_level
    # a partial of module functions (not a lambda) so that changes can be pickled
    return functools.partial(_group_of, dict(groups or {}))


def _as_given(name: str) -> str:
    return name


def _group_of(groups: Mapping[str, str], name: str) -> str:
    return group_label(device_level(name), groups)


def locate(
    name: str, granularity: Granularity | str, groups: Mapping[str, str] | None = None
) -> Location:
    """The :class:`Location` of a graph label, with its ``group`` attribute.

    At ``device``/``interface`` granularity the group comes from the mapping; at
    ``group`` granularity the device component *is* the group when it is one of
    the mapping's groups (an unmapped device has no group).

    >>> locate("r1|blue|Gi0", "interface", {"r1": "CORE"}).group
    'CORE'
    >>> locate("CORE|blue", "group", {"r1": "CORE"}).group
    'CORE'
    """
    loc = Location.parse(name)
    if not groups:
        return loc
    if as_granularity(granularity) is Granularity.GROUP:
        group = loc.device if loc.device in set(groups.values()) else None
    else:
        group = groups.get(loc.device)
    return Location(loc.name, loc.device, loc.vrf, loc.interface, group)


class LoadedChange:
    """What every loaded change has besides its FECs (implements part of ``model.Change``).

    ``groups`` is the device -> group mapping (or None); :meth:`location` gives
    a label's :class:`Location` with its ``group`` attribute, for attribute
    predicates such as ``[group=CORE]``.
    """

    def __init__(
        self,
        granularity: Granularity | str,
        groups: Mapping[str, str] | None,
        description: str,
    ) -> None:
        self.granularity = as_granularity(granularity)
        self.groups: dict[str, str] | None = dict(groups) if groups is not None else None
        self.description = description
        #: Warnings about the input that do not stop loading (``skipped-file``...).
        self.warnings: tuple[Warning_, ...] = ()
        if self.granularity is Granularity.GROUP and groups is None:
            raise UsageError("group granularity needs a device -> group mapping (groups=)")

    def location(self, name: str) -> Location:
        """The :class:`Location` of a graph label of this change."""
        return locate(name, self.granularity, self.groups)


# -- raw graphs ----------------------------------------------------------------------


def _check_node_name(name: Any, field: str) -> None:
    if type(name) is not str:
        raise FecProblem(field, f"node names must be strings, got {kind(name)} {short(name)}")
    if not name or name.startswith("|"):
        raise FecProblem(field, f"empty node name or device component: {short(name)}")
    if name.count("|") > 1:
        raise FecProblem(
            field,
            f"node name {short(name)} has more than two '|'-separated components (device|vrf)",
        )


class GraphBuilder:
    """Validates raw graphs and builds them at one granularity.

    :meth:`build` raises :class:`FecProblem` naming the offending field.  Node
    numbering is deterministic (sorted raw names, then sorted interfaces), so
    equal raw graphs give equal :class:`Graph` objects (and equal ``Graph.key``).
    """

    def __init__(
        self, granularity: Granularity | str, groups: Mapping[str, str] | None = None
    ) -> None:
        self.granularity = as_granularity(granularity)
        if self.granularity is Granularity.GROUP and groups is None:
            raise UsageError("group granularity needs a device -> group mapping (groups=)")
        self.groups: dict[str, str] = dict(groups or {})
        self._labels: dict[str, str] = {}
        self._built: dict[bytes, Graph] = {}
        self._built_bytes = 0

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (sent to a worker) without the graphs it remembers."""
        return {**self.__dict__, "_built": {}, "_built_bytes": 0}

    def label(self, name: str) -> str:
        """The label of a device-level name at this builder's granularity (not interface hops)."""
        if self.granularity is not Granularity.GROUP:
            return name
        label = self._labels.get(name)
        if label is None:
            if len(self._labels) > _CACHE_LIMIT:
                self._labels.clear()
            label = self._labels[name] = group_label(name, self.groups)
        return label

    def build(self, raw: Any, field: str = "graph") -> Graph:
        """Validate ``raw`` and build its :class:`Graph` (``field`` prefixes messages).

        >>> builder = GraphBuilder("device")
        >>> raw = {"nodeToOutEdgesMap": {"a": {"b": []}}, "sourceNodes": ["a"], "sinkNodes": ["b"]}
        >>> builder.build(raw) is builder.build(dict(raw))
        True
        """
        try:
            text = orjson.dumps(raw)
        except (TypeError, orjson.JSONEncodeError):  # not JSON-like: validation names why
            return self._build(raw, field)
        graph = self._built.get(text)
        if graph is None:
            graph = self._build(raw, field)
            if self._built_bytes + len(text) > _GRAPH_CACHE_BYTES:
                self._built.clear()
                self._built_bytes = 0
            if len(text) <= _GRAPH_CACHE_BYTES // 8:
                self._built[text] = graph
                self._built_bytes += len(text)
        return graph

    def _build(self, raw: Any, field: str) -> Graph:
        edges, sources, sinks, names = self._validate(raw, field)
        if self.granularity is Granularity.INTERFACE:
            return self._interface_graph(edges, sources, sinks)
        order = sorted(names)
        index = dict(zip(order, range(len(order)), strict=True))
        lookup = index.__getitem__
        succ: list[tuple[int, ...]] = [()] * len(order)
        for u, outs in edges.items():
            if outs:
                succ[index[u]] = tuple(sorted(map(lookup, outs)))
        labels = (
            tuple(order)
            if self.granularity is Granularity.DEVICE
            else tuple(self.label(n) for n in order)
        )
        return Graph(
            labels,
            tuple(succ),
            tuple(sorted({index[s] for s in sources})),
            frozenset(index[s] for s in sinks),
        )

    def _validate(
        self, raw: Any, field: str
    ) -> tuple[dict[str, dict[str, list[str]]], list[str], list[str], set[str]]:
        if type(raw) is not dict:
            raise FecProblem(field, f"expected a forwarding graph object, got {kind(raw)}")
        edges = raw.get("nodeToOutEdgesMap")
        sources = raw.get("sourceNodes")
        sinks = raw.get("sinkNodes")
        for name, value, want in (
            ("nodeToOutEdgesMap", edges, dict),
            ("sourceNodes", sources, list),
            ("sinkNodes", sinks, list),
        ):
            if value is None and name not in raw:
                raise FecProblem(f"{field}.{name}", "missing field")
            if type(value) is not want:
                what = "an object" if want is dict else "a list of node names"
                raise FecProblem(f"{field}.{name}", f"expected {what}, got {kind(value)}")
        assert isinstance(edges, dict) and isinstance(sources, list) and isinstance(sinks, list)
        _check_names(sinks, f"{field}.sinkNodes")
        _check_names(sources, f"{field}.sourceNodes")
        names = set(edges)
        if not _names_ok(names):
            for name in edges:
                _check_node_name(name, f"{field}.nodeToOutEdgesMap")
        names.update(sinks)
        # Fast C-level checks first; the slow loops below only run to name the culprit.
        outs_all = list(edges.values())
        ok = set(map(type, outs_all)) <= {dict} and names.issuperset(
            itertools.chain.from_iterable(outs_all)
        )
        if ok:
            lists = list(itertools.chain.from_iterable(map(dict.values, outs_all)))
            ok = set(map(type, lists)) <= {list} and _interfaces_ok(
                list(itertools.chain.from_iterable(lists))
            )
        if not ok:
            self._edge_problem(edges, names, field)
        if not names.issuperset(sources):
            for j, s in enumerate(sources):
                if s not in names:
                    raise FecProblem(
                        f"{field}.sourceNodes[{j}]",
                        f"source {short(s)} is not a node of the graph (neither a key of "
                        "nodeToOutEdgesMap nor a sink)",
                    )
        return edges, sources, sinks, names

    @staticmethod
    def _edge_problem(edges: dict[str, Any], names: set[str], field: str) -> None:
        for u, outs in edges.items():
            if type(outs) is not dict:
                raise FecProblem(
                    f"{field}.nodeToOutEdgesMap[{short(u)}]",
                    f"expected an object {{next node: [interfaces]}}, got {kind(outs)}",
                )
            for v, ifaces in outs.items():
                if v not in names:
                    _check_node_name(v, f"{field}.nodeToOutEdgesMap[{short(u)}]")
                    raise FecProblem(
                        f"{field}.nodeToOutEdgesMap[{short(u)}][{short(v)}]",
                        f"edge {short(u)} -> {short(v)} goes to a node that is neither a key of "
                        "nodeToOutEdgesMap nor a sink",
                    )
                if type(ifaces) is not list:
                    raise FecProblem(
                        f"{field}.nodeToOutEdgesMap[{short(u)}][{short(v)}]",
                        f"expected a list of inbound interface names, got {kind(ifaces)}",
                    )
                if ifaces and not _interfaces_ok(ifaces):
                    _interface_problem(ifaces, f"{field}.nodeToOutEdgesMap[{short(u)}][{short(v)}]")

    def _interface_graph(
        self, edges: dict[str, dict[str, list[str]]], sources: list[str], sinks: list[str]
    ) -> Graph:
        # A node is (raw node, inbound interface) or a raw node's device-level
        # node (an entry hop, or the target of an edge without interfaces).
        plain: set[str] = set(sources)
        ifaces_of: dict[str, set[str]] = {}
        for outs in edges.values():
            for v, ifaces in outs.items():
                if not ifaces:
                    plain.add(v)
                elif v in ifaces_of:
                    ifaces_of[v].update(ifaces)
                else:
                    ifaces_of[v] = set(ifaces)
        labels: list[str] = []
        plain_id: dict[str, int] = {}
        iface_id: dict[str, dict[str, int]] = {}
        nodes_of: dict[str, range] = {}
        for raw in sorted(plain.union(ifaces_of)):
            first = len(labels)
            if raw in plain:
                plain_id[raw] = first
                labels.append(raw)
            raw_ifaces = ifaces_of.get(raw)
            if raw_ifaces:
                prefix = f"{raw}|" if "|" in raw else f"{raw}||"
                ordered = sorted(raw_ifaces)
                iface_id[raw] = dict(
                    zip(ordered, range(len(labels), len(labels) + len(ordered)), strict=True)
                )
                labels += map(prefix.__add__, ordered)
            nodes_of[raw] = range(first, len(labels))
        succ: list[tuple[int, ...]] = [()] * len(labels)
        for u, outs in edges.items():
            mine = nodes_of.get(u)
            if not mine or not outs:
                continue
            targets: list[int] = []
            for v, ifaces in outs.items():
                if ifaces:
                    targets.extend(map(iface_id[v].__getitem__, ifaces))
                else:
                    targets.append(plain_id[v])
            nexts = tuple(sorted(set(targets)))
            succ[mine.start : mine.stop] = [nexts] * len(mine)
        sink_nodes: list[int] = []
        for s in set(sinks):
            sink_nodes.extend(nodes_of.get(s, ()))
        return Graph(
            tuple(labels),
            tuple(succ),
            tuple(sorted({plain_id[s] for s in sources})),
            frozenset(sink_nodes),
        )


_TWO_BARS = re.compile(r"\|[^\n]*\|")


def _names_ok(names: Collection[str]) -> bool:
    """Fast check (in C) that node names are non-empty strings with at most one '|'.

    May say no to good names (a name with a newline); never yes to a bad one.
    """
    try:
        joined = "\n".join(names)
    except TypeError:
        return False
    return not (
        "" in names
        or joined.startswith("|")
        or "\n|" in joined
        or _TWO_BARS.search(joined) is not None
    )


def _check_names(names: list[Any], field: str) -> None:
    if not _names_ok(names):
        for j, name in enumerate(names):
            _check_node_name(name, f"{field}[{j}]")


def _interfaces_ok(ifaces: list[Any]) -> bool:
    """Fast check that interface names are non-empty strings without '|'."""
    try:
        joined = "".join(ifaces)
    except TypeError:
        return False
    return "|" not in joined and "" not in ifaces


def _interface_problem(ifaces: list[Any], field: str) -> None:
    for k, iface in enumerate(ifaces):
        if type(iface) is not str or not iface or "|" in iface:
            what = f"{kind(iface)} {short(iface)}" if type(iface) is not str else short(iface)
            raise FecProblem(
                f"{field}[{k}]",
                f"interface names must be non-empty strings without '|', got {what}",
            )


def paths_graph(paths: Iterable[list[str]], mapper: Callable[[str], str]) -> Graph:
    """The prefix tree of explicit paths after mapping each location with ``mapper``."""
    return Graph.from_paths([mapper(loc) for loc in path] for path in paths)
