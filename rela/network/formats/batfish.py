"""Batfish exports -> forwarding graphs -> a change (DESIGN §2, format 3).

Reads the answers of Batfish's ``routes()``, ``layer3Edges()`` and (optionally)
``interfaceProperties()`` and ``namedStructures()`` questions saved as JSON
(``batfish_readers``, ``batfish_acl``), computes the data plane of each snapshot
(``rela.network.dataplane``) and pairs the two snapshots into FECs: destination
ranges (``rela.network.fecs``) when ACLs are not modelled, header-space classes
(``rela.network.hsfecs``) when both snapshots come with their interfaces and
ACL definitions.  See ``docs/batfish.md``.

>>> change = load_batfish_change("snapshots/batfish/base", "snapshots/batfish/change1",
...                              start=["border1[Ethernet0]"], dst=["10.100.1.10"])  # doctest: +SKIP
>>> [(fec.key, sorted(fec.after.paths())) for fec in change]  # doctest: +SKIP
[('10.100.1.10/32', [('border1', 'core2', 'drop')])]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from rela.errors import NetworkInputError
from rela.network.acl import unsupported_lines
from rela.network.dataplane import DataPlane
from rela.network.fecs import RawFec, compute_fecs
from rela.network.formats.batfish_acl import parse_named_structures
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
from rela.network.hsfecs import (
    AclUse,
    HsResult,
    acl_uses,
    compute_hs_fecs,
    unchecked_acl_changes,
)
from rela.network.model import Fec, Granularity, Graph
from rela.network.routing import InterfaceInfo, RawGraph, Snapshot
from rela.results import ACL_CHANGE_UNCHECKED, Warning_
from rela.values import frozen

__all__ = [
    "BatfishExport",
    "BatfishChange",
    "BuiltChange",
    "build_change",
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


@frozen
class BatfishExport:
    """The files of one exported snapshot."""

    routes: Path
    edges: Path
    interfaces: Path | None = None
    acls: Path | None = None

    def load(self) -> Snapshot:
        return load_snapshot(self.routes, self.edges, self.interfaces, self.acls)


_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("acls", ("named-structure", "named_structure", "namedstructure")),
    ("routes", ("routes", "node")),
    ("edges", ("edge",)),
    ("interfaces", ("interface",)),
)


def find_export(where: str | Path) -> BatfishExport:
    """The export files of one snapshot: a directory, or a file-name prefix.

    In a directory, ``*.json`` files whose names contain ``routes`` or ``node``
    hold the ``routes()`` answer, ``edge`` the ``layer3Edges()`` answer,
    ``interface`` the ``interfaceProperties()`` answer (optional) and
    ``named-structure`` the ``namedStructures()`` answer (optional: the ACLs).
    A path that is not a directory is a prefix: ``exports/base`` means
    ``exports/base*.json``.
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
    acls = found["acls"][0] if found["acls"] else None
    return BatfishExport(found["routes"][0], found["edges"][0], interfaces, acls)


def load_snapshot(
    routes: Source,
    edges: Source,
    interfaces: Source | None = None,
    acls: Source | None = None,
    *,
    name: str = "",
) -> Snapshot:
    """One snapshot from its answers (file paths, or JSON already loaded).

    ``acls`` is the ``namedStructures()`` answer (its ``IP_Access_List`` rows).
    """
    rdata, rname = source_json(routes)
    edata, ename = source_json(edges)
    route_rows = parse_routes(rdata, rname)
    edge_rows = parse_edges(edata, ename)
    iface_rows: tuple[InterfaceInfo, ...] = ()
    if interfaces is not None:
        idata, iname = source_json(interfaces)
        iface_rows = parse_interfaces(idata, iname)
    acl_rows = None
    if acls is not None:
        adata, aname = source_json(acls)
        acl_rows = parse_named_structures(adata, aname)
    if not route_rows:
        raise NetworkInputError("the routes() answer has no routes", filename=rname)
    return Snapshot(
        route_rows,
        edge_rows,
        iface_rows,
        name or rname or "",
        acls=acl_rows,
        has_interfaces=interfaces is not None,
    )


# --------------------------------------------------------------------------- changes


@frozen
class BuiltChange:
    """The FECs of a change computed from two exports, with what Rela has to say about them.

    ``acls`` is the header-space computation (None when ACLs are not modelled);
    ``warnings`` name ACL constructs that are not modelled, or ACL exports that
    only one snapshot has.
    """

    fecs: tuple[RawFec, ...]
    warnings: tuple[Warning_, ...]
    acls: HsResult | None = None


def build_change(
    before: Snapshot,
    after: Snapshot,
    *,
    start: Sequence[str] = (),
    dst: Sequence[str] = (),
    merge: bool = True,
    backend: str | None = None,
) -> BuiltChange:
    """The FECs of the change from ``before`` to ``after``.

    ACLs are modelled when both snapshots have their ``interfaceProperties()``
    and ``namedStructures()`` answers; otherwise FECs are destination ranges
    (routing only), with a warning if ACL exports were given for one side only.
    """
    dp_before, dp_after = DataPlane(before), DataPlane(after)
    if _has_acls(before) and _has_acls(after):
        result = compute_hs_fecs(
            dp_before, dp_after, starts=start, dst=dst, merge=merge, backend=backend
        )
        fecs = tuple(f.raw for f in result.fecs)
        warnings = _unsupported_warnings(before, after) + _unchecked_warnings(result)
        return BuiltChange(fecs, tuple(warnings), result)
    fecs = tuple(compute_fecs(dp_before, dp_after, starts=start, dst=dst, merge=merge))
    return BuiltChange(fecs, tuple(_missing_acl_warnings(before, after)))


def build_fecs(
    before: Snapshot,
    after: Snapshot,
    *,
    start: Sequence[str] = (),
    dst: Sequence[str] = (),
    merge: bool = True,
) -> list[RawFec]:
    """The FECs (raw graphs) of the change from ``before`` to ``after`` (see :func:`build_change`)."""
    return list(build_change(before, after, start=start, dst=dst, merge=merge).fecs)


def _has_acls(snapshot: Snapshot) -> bool:
    return snapshot.acls is not None and snapshot.has_interfaces


def _filtered(snapshot: Snapshot) -> bool:
    return any(i.in_filter or i.out_filter for i in snapshot.interfaces)


def _missing_acl_warnings(before: Snapshot, after: Snapshot) -> list[Warning_]:
    sides = (("before", before), ("after", after))
    if not any(_has_acls(s) or _filtered(s) or s.acls for _, s in sides):
        return []
    missing = []
    for side, snap in sides:
        if snap.acls is None:
            missing.append(f"{side} ({snap.name or 'snapshot'}) has no namedStructures() answer")
        if not snap.has_interfaces:
            missing.append(
                f"{side} ({snap.name or 'snapshot'}) has no interfaceProperties() answer"
            )
    return [
        Warning_(
            None,
            "ACLs are not modelled, the FECs are routing only: " + "; ".join(missing),
            code="acl-not-modelled",
            hint="export interfaceProperties() and namedStructures() for both snapshots "
            "(docs/batfish.md)",
        )
    ]


def _unsupported_warnings(before: Snapshot, after: Snapshot) -> list[Warning_]:
    """One ``acl-unsupported`` warning per ACL line (or undefined ACL) that a filter uses."""
    found: dict[tuple[str, str, int | None, str], list[str]] = {}
    for side, snap in (("before", before), ("after", after)):
        lookup = {(acl.node, acl.name): acl for acl in snap.acls or ()}
        used = {(i.node, f) for i in snap.interfaces for f in (i.in_filter, i.out_filter) if f}
        for node, name in sorted(used):
            acl = lookup.get((node, name))
            if acl is None:
                found.setdefault((node, name, None, "is applied but not defined"), []).append(side)
                continue
            for line, reason in unsupported_lines(acl, lookup):
                text = f"line {line.index} ({line.name!r}): {reason}"
                found.setdefault((node, name, line.index, text), []).append(side)
    out = []
    for (node, name, _, text), sides in found.items():
        where = " and ".join(sides)
        out.append(
            Warning_(
                None,
                f"{node}: ACL {name} {text} ({where}); the FECs whose traffic reaches it are errors",
                code="acl-unsupported",
                hint="Rela models header-space matches on IPs, protocols and ports (docs/batfish.md)",
            )
        )
    return out


def _unchecked_warnings(result: HsResult) -> list[Warning_]:
    """One ``acl-change-unchecked`` warning per changed filter that no traffic of the run passes."""
    out = []
    for change in unchecked_acl_changes(result):
        where = f"{change.device}[{change.interface}]"
        if change.before == change.after:
            what = f"ACL {change.before} changed"
        elif change.before is None:
            what = f"ACL {change.after} was added"
        elif change.after is None:
            what = f"ACL {change.before} was removed"
        else:
            what = f"ACL {change.before} was replaced by {change.after}"
        if change.direction == "in":
            way = "that it decides differently enters through that interface"
            hint = (
                f"check the traffic entering there with --start '{where}' (the run then "
                "starts only where --start says); traffic starting at a device, the "
                "default, passes no ingress ACL"
            )
        else:
            way = "that it decides differently leaves through that interface"
            hint = (
                "only traffic the run forwards out of it is checked there (see --dst and --start)"
            )
        out.append(
            Warning_(
                None,
                f"{where} {change.direction}: {what}, but no traffic of this run {way}, "
                "so this change is not checked",
                code=ACL_CHANGE_UNCHECKED,
                hint=hint,
            )
        )
    return out


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
    before_acls: Source | None = None,
    after_acls: Source | None = None,
    merge: bool = True,
) -> list[dict[str, Any]]:
    """The change in Rela graph JSON: ``[{"ipTrafficKeys", "graphBefore", "graphAfter", "key"}]``.

    Each answer is a file path or JSON already loaded.
    """
    before = load_snapshot(before_routes, before_edges, before_interfaces, before_acls)
    after = load_snapshot(after_routes, after_edges, after_interfaces, after_acls)
    built = build_change(before, after, start=start, dst=dst, merge=merge)
    refuse_problems(built)
    return [fec.to_json() for fec in built.fecs]


def refuse_problems(built: BuiltChange) -> None:
    """Raise when some FEC cannot be decided: Rela graph JSON cannot carry an error FEC."""
    bad = [f for f in built.fecs if f.problem is not None]
    if bad:
        shown = "; ".join(f"FEC {f.key}: {f.problem}" for f in bad[:3])
        more = f" (and {len(bad) - 3} more)" if len(bad) > 3 else ""
        raise NetworkInputError(
            f"{len(bad)} FEC{'s' if len(bad) != 1 else ''} cannot be decided: {shown}{more}",
            hint="check the exports directly (rela check --before/--after reports these FECs "
            "as errors), or leave their traffic out with --dst",
        )


class BatfishChange:
    """A change computed from two Batfish exports: a re-iterable sequence of :class:`Fec`.

    ``warnings`` (ACL constructs not modelled, ACL exports of one side only) are
    part of every report made from the change; :meth:`acls` says which ACLs shape
    an FEC's paths.
    """

    def __init__(
        self,
        fecs: Sequence[RawFec] | BuiltChange,
        granularity: Granularity,
        groups: Mapping[str, str] | None,
        description: str,
    ) -> None:
        built = fecs if isinstance(fecs, BuiltChange) else BuiltChange(tuple(fecs), ())
        self.fecs = built.fecs
        self.warnings = built.warnings
        self._acls = built.acls
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
            if fec.problem is not None:
                # forwarding that cannot be decided (an ACL Rela does not model): not malformed
                empty = Graph.empty()
                yield Fec(i, fec.key, fec.traffic_keys(), empty, empty, fec.problem, undecided=True)
                continue
            yield Fec(
                index=i,
                key=fec.key,
                traffic=fec.traffic_keys(),
                before=graph(fec.before),
                after=graph(fec.after),
            )

    @property
    def models_acls(self) -> bool:
        """Whether the FECs are header-space classes shaped by ACLs."""
        return self._acls is not None

    def acls(self, fec: Fec) -> tuple[AclUse, ...]:
        """The ACLs the traffic of ``fec`` meets, before and after, and the lines that decide it.

        Empty when ACLs are not modelled.
        """
        if self._acls is None or not 0 <= fec.index < len(self._acls.fecs):
            return ()
        return acl_uses(self._acls, fec.index)


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
    fecs = build_change(before, after, start=start, dst=dst, merge=merge)
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
