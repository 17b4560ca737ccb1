"""Batfish exports -> forwarding graphs -> a change (DESIGN §2, format 3).

Reads the answers of Batfish's ``routes()``, ``layer3Edges()`` and (optionally)
``interfaceProperties()`` questions saved as JSON (``batfish_readers``), computes
the data plane of each snapshot (``rela.network.dataplane``) and pairs the two
snapshots into FECs (``rela.network.fecs``).  See ``docs/batfish.md``.

>>> change = load_batfish_change("snapshots/batfish/base", "snapshots/batfish/change1",
...                              start=["border1[Ethernet0]"], dst=["10.100.1.10"])  # doctest: +SKIP
>>> [(fec.key, sorted(fec.after.paths())) for fec in change]  # doctest: +SKIP
[('10.100.1.10/32', [('border1', 'core2', 'drop')])]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rela.errors import NetworkInputError
from rela.network.dataplane import DataPlane
from rela.network.fecs import RawFec, compute_fecs
from rela.network.formats.batfish_readers import (
    Source,
    load_json,
    parse_edges,
    parse_interfaces,
    parse_routes,
    read_edges,
    read_interfaces,
    read_routes,
    source_json,
)
from rela.network.granularity import GraphBuilder, as_granularity
from rela.network.model import Fec, Granularity, Graph, TrafficKey
from rela.network.routing import InterfaceInfo, RawGraph, Snapshot

__all__ = [
    "BatfishExport",
    "BatfishChange",
    "parse_routes",
    "parse_edges",
    "parse_interfaces",
    "read_routes",
    "read_edges",
    "read_interfaces",
    "find_export",
    "load_snapshot",
    "build_fecs",
    "build_change_json",
    "load_batfish_change",
]

# --------------------------------------------------------------------------- exports


@dataclass(frozen=True)
class BatfishExport:
    """The files of one exported snapshot."""

    routes: Path
    edges: Path
    interfaces: Path | None = None

    def load(self) -> Snapshot:
        return load_snapshot(self.routes, self.edges, self.interfaces)


_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("routes", ("routes", "node")),
    ("edges", ("edge",)),
    ("interfaces", ("interface",)),
)


def find_export(where: str | Path) -> BatfishExport:
    """The export files of one snapshot: a directory, or a file-name prefix.

    In a directory, ``*.json`` files whose names contain ``routes`` or ``node``
    hold the ``routes()`` answer, ``edge`` the ``layer3Edges()`` answer and
    ``interface`` the ``interfaceProperties()`` answer (optional).  A path that
    is not a directory is a prefix: ``exports/base`` means ``exports/base*.json``.
    """
    path = Path(where)
    if path.is_dir():
        candidates = sorted(
            p for p in path.iterdir() if p.suffix.lower() == ".json" and p.is_file()
        )
        shown = str(path)
    else:
        parent = path.parent if str(path.parent) else Path(".")
        if not parent.is_dir():
            raise NetworkInputError("no such directory", filename=str(path))
        candidates = sorted(
            p
            for p in parent.iterdir()
            if p.is_file() and p.suffix.lower() == ".json" and p.name.startswith(path.name)
        )
        shown = f"{path}*.json"
        if not candidates:
            raise NetworkInputError(
                "no such directory, and no JSON files start with this name", filename=str(path)
            )
    found: dict[str, list[Path]] = {role: [] for role, _ in _ROLES}
    for p in candidates:
        name = p.name.lower()
        if not path.is_dir():
            name = name[len(path.name) :]
        for role, words in _ROLES:
            if any(w in name for w in words):
                found[role].append(p)
                break
    for role, files in found.items():
        if len(files) > 1:
            raise NetworkInputError(
                f"several files could be the {role} answer: " + ", ".join(f.name for f in files),
                filename=shown,
                hint="keep one snapshot per directory, or pass a file-name prefix (e.g. exports/base)",
            )
    for role in ("routes", "edges"):
        if not found[role]:
            wanted = " or ".join(repr(f"*{w}*.json") for w in dict(_ROLES)[role])
            raise NetworkInputError(
                f"no {role} answer found (looked for {wanted})",
                filename=shown,
                hint="see docs/batfish.md for exporting routes() and layer3Edges()",
            )
    interfaces = found["interfaces"][0] if found["interfaces"] else None
    return BatfishExport(found["routes"][0], found["edges"][0], interfaces)


def load_snapshot(
    routes: Source, edges: Source, interfaces: Source | None = None, *, name: str = ""
) -> Snapshot:
    """One snapshot from its answers (file paths, or JSON already loaded)."""
    rdata, rname = source_json(routes)
    edata, ename = source_json(edges)
    route_rows = parse_routes(rdata, rname)
    edge_rows = parse_edges(edata, ename)
    iface_rows: tuple[InterfaceInfo, ...] = ()
    if interfaces is not None:
        idata, iname = source_json(interfaces)
        iface_rows = parse_interfaces(idata, iname)
    if not route_rows:
        raise NetworkInputError("the routes() answer has no routes", filename=rname)
    return Snapshot(route_rows, edge_rows, iface_rows, name or rname or "")


# --------------------------------------------------------------------------- changes


def build_fecs(
    before: Snapshot,
    after: Snapshot,
    *,
    start: Sequence[str] = (),
    dst: Sequence[str] = (),
    merge: bool = True,
) -> list[RawFec]:
    """The FECs (raw graphs) of the change from ``before`` to ``after``."""
    return compute_fecs(DataPlane(before), DataPlane(after), starts=start, dst=dst, merge=merge)


def build_change_json(
    before_routes: Source,
    before_edges: Source,
    after_routes: Source,
    after_edges: Source,
    *,
    start: Sequence[str] = (),
    dst: Sequence[str] = (),
    before_interfaces: Source | None = None,
    after_interfaces: Source | None = None,
    merge: bool = True,
) -> list[dict[str, Any]]:
    """The change in Rela graph JSON: ``[{"ipTrafficKeys", "graphBefore", "graphAfter", "key"}]``.

    Each answer is a file path or JSON already loaded.
    """
    before = load_snapshot(before_routes, before_edges, before_interfaces)
    after = load_snapshot(after_routes, after_edges, after_interfaces)
    return [fec.to_json() for fec in build_fecs(before, after, start=start, dst=dst, merge=merge)]


class BatfishChange:
    """A change computed from two Batfish exports: a re-iterable sequence of :class:`Fec`."""

    def __init__(
        self,
        fecs: Sequence[RawFec],
        granularity: Granularity,
        groups: Mapping[str, str] | None,
        description: str,
    ) -> None:
        self.fecs = tuple(fecs)
        self.granularity = granularity
        self.groups = dict(groups) if groups else None
        self.description = description

    def __len__(self) -> int:
        return len(self.fecs)

    def __iter__(self) -> Iterator[Fec]:
        builder = GraphBuilder(self.granularity, self.groups)
        cache: dict[RawGraph, Graph] = {}

        def graph(raw: RawGraph) -> Graph:
            g = cache.get(raw)
            if g is None:
                g = cache[raw] = builder.build(raw.to_json())
            return g

        for i, fec in enumerate(self.fecs):
            yield Fec(
                index=i,
                key=fec.key,
                traffic=tuple(TrafficKey(dst=p) for p in fec.prefixes),
                before=graph(fec.before),
                after=graph(fec.after),
            )


def load_batfish_change(
    before_dir: str | Path,
    after_dir: str | Path,
    *,
    granularity: str | Granularity = "device",
    groups: Mapping[str, str] | str | Path | None = None,
    start: Sequence[str] = (),
    dst: Sequence[str] = (),
    merge: bool = True,
) -> BatfishChange:
    """The change between two Batfish exports (directories or file-name prefixes).

    ``start``: start locations (``device``, ``device|vrf``, ``device[interface]``;
    default every device); ``dst``: destination prefixes (default all); ``merge``:
    one FEC per distinct (before, after) pair of graphs.  Raises
    :class:`NetworkInputError` for unreadable or malformed exports.
    """
    gran = as_granularity(granularity)
    mapping = _groups(groups)
    GraphBuilder(gran, mapping)  # fails early on group granularity without a mapping
    before = find_export(before_dir).load()
    after = find_export(after_dir).load()
    fecs = build_fecs(before, after, start=start, dst=dst, merge=merge)
    description = f"Batfish exports {before_dir} -> {after_dir}"
    return BatfishChange(fecs, gran, mapping, description)


def _groups(groups: Mapping[str, str] | str | Path | None) -> Mapping[str, str] | None:
    if groups is None or isinstance(groups, Mapping):
        return groups
    data = load_json(groups)
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise NetworkInputError(
            "the group mapping should be a JSON object {device: group}", filename=str(groups)
        )
    return data
