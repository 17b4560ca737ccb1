"""Readers of Batfish answers saved as JSON: ``routes()``, ``layer3Edges()``, ``interfaceProperties()``.

Accepted layouts (what pandas and pybatfish write):

* ``orient="records"`` rows (``frame().to_json(orient="records")``), the routes
  with a ``Node`` column;
* routes grouped by node, ``{node: [route, ...]}`` (routes only);
* ``orient="index"``, ``orient="columns"`` and ``orient="split"``;
* a raw Batfish answer, ``{"answerElements": [{"rows": [...]}]}``.

Every malformed value is a :class:`~rela.errors.NetworkInputError` naming the
file, the row (or node and route) and the field.

>>> rows = [{"Node": "r1", "VRF": "default", "Network": "10.0.0.0/24",
...          "Next_Hop": {"type": "interface", "interface": "e0", "ip": None},
...          "Protocol": "connected", "Admin_Distance": 0, "Metric": 0}]
>>> parse_routes(rows)[0].next_hop
NextHop(kind='interface', interface='e0', ip=None, vrf=None)
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from rela.errors import NetworkInputError
from rela.network.formats.files import open_binary
from rela.network.routing import (
    DEFAULT_VRF,
    NULL_INTERFACES,
    InterfaceInfo,
    IPAddress,
    L3Edge,
    NextHop,
    Route,
)
from rela.values import frozen

__all__ = [
    "Source",
    "load_json",
    "source_json",
    "parse_routes",
    "parse_edges",
    "parse_interfaces",
    "read_routes",
    "read_edges",
    "read_interfaces",
]

#: ``Next_Hop_IP`` values that mean "no next-hop IP".
_NO_IP = frozenset({"", "AUTO/NONE(-1l)", "AUTO/NONE", "NONE", "0.0.0.0"})
#: ``Next_Hop_Interface`` values that mean "no interface".
_NO_INTERFACE = frozenset({"", "dynamic", "AUTO/NONE", "NONE"})

Source = Any  # a file path, or JSON already loaded

# Exports repeat the same prefixes and next hops on every device: parse each once.
_network = functools.lru_cache(maxsize=1 << 16)(ipaddress.ip_network)
_address = functools.lru_cache(maxsize=1 << 16)(ipaddress.ip_address)


# --------------------------------------------------------------------------- JSON shapes


def load_json(path: str | Path) -> Any:
    p = Path(path)
    # open_binary refuses FIFOs and devices (which would block or never end) and
    # bounds .gz files; it names the file in every error
    with open_binary(p) as fp:
        try:
            data = fp.read()
        except OSError as exc:
            raise NetworkInputError(
                f"cannot read the file: {exc.strerror}", filename=str(p)
            ) from None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise NetworkInputError(f"not valid JSON: {exc}", filename=str(p)) from None


def source_json(source: Source) -> tuple[Any, str | None]:
    """The JSON of ``source`` and its file name (None when already loaded)."""
    if isinstance(source, (str, Path)):
        return load_json(source), str(source)
    return source, None


def _rows(
    data: Any, filename: str | None, what: str, *, grouped: bool
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(where, row)`` for every row of a pandas/Batfish table export.

    With ``grouped``, ``{node: [row, ...]}`` is accepted and ``Node`` is filled in.
    """

    def bad(message: str) -> NetworkInputError:
        return NetworkInputError(
            message,
            filename=filename,
            hint=f"export the {what} answer with .frame().to_json(orient='records')",
        )

    if isinstance(data, list):
        for i, row in enumerate(data):
            yield f"row {i}", _as_row(row, f"row {i}", filename)
        return
    if not isinstance(data, dict):
        raise bad(f"expected a JSON list or object of {what} rows, found {type(data).__name__}")
    if "answerElements" in data:
        elements = data["answerElements"]
        if not isinstance(elements, list) or not elements or not isinstance(elements[0], dict):
            raise bad("a Batfish answer without answerElements[0]")
        yield from _rows(elements[0].get("rows", []), filename, what, grouped=False)
        return
    if "columns" in data and "data" in data:  # orient="split"
        cols, rows = data["columns"], data["data"]
        if not isinstance(cols, list) or not isinstance(rows, list):
            raise bad("orient='split' export with malformed 'columns' or 'data'")
        labels = data.get("index") or list(range(len(rows)))
        for label, values in zip(labels, rows, strict=False):
            if not isinstance(values, list) or len(values) != len(cols):
                raise bad(f"row {label}: expected {len(cols)} values")
            yield f"row {label}", dict(zip(cols, values, strict=True))
        return
    values = list(data.values())
    if not values:
        return
    if all(isinstance(v, list) for v in values):
        if not grouped:
            raise bad(f"expected {what} rows, found lists keyed by {next(iter(data))!r}")
        for node, routes in data.items():
            for i, row in enumerate(routes):
                where = f"node {node!r}, route {i}"
                row = _as_row(row, where, filename)
                row.setdefault("Node", node)
                yield where, row
        return
    if all(isinstance(v, dict) for v in values):
        keys = set(data)
        if keys & {"Node", "Network", "Interface", "Remote_Interface"}:  # orient="columns"
            labels = list(next(iter(values)).keys())
            for label in labels:
                yield f"row {label}", {col: data[col].get(label) for col in data}
            return
        for label, row in data.items():  # orient="index"
            yield f"row {label}", row
        return
    raise bad(f"cannot tell how this {what} export is laid out (mixed values)")


def _as_row(row: Any, where: str, filename: str | None) -> dict[str, Any]:
    if not isinstance(row, dict):
        raise NetworkInputError(
            f"expected an object, found {type(row).__name__}", filename=filename, where=where
        )
    return dict(row)


@frozen
class _Ctx:
    filename: str | None
    where: str

    def error(self, message: str, hint: str | None = None) -> NetworkInputError:
        return NetworkInputError(message, filename=self.filename, where=self.where, hint=hint)

    def field(self, row: Mapping[str, Any], name: str) -> Any:
        if name not in row:
            raise self.error(f"missing field {name!r}")
        return row[name]

    def text(self, row: Mapping[str, Any], name: str, default: str | None = None) -> str:
        """A string field; a missing or null field is ``default`` (an error without one)."""
        value = row.get(name) if default is not None else self.field(row, name)
        if value is None:
            value = default
        if not isinstance(value, str) or not value:
            raise self.error(f"field {name!r} should be a non-empty string, found {value!r}")
        return value

    def component(self, row: Mapping[str, Any], name: str, default: str | None = None) -> str:
        """A string field that becomes part of a location name (so without ``|``)."""
        value = self.text(row, name, default)
        if "|" in value:
            raise self.error(f"field {name!r}: {value!r} contains '|' (Rela's name separator)")
        return value

    def integer(self, row: Mapping[str, Any], name: str) -> int | None:
        value = row.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(f"field {name!r} should be a number, found {value!r}")
        # Batfish's own type is a Java long: a value beyond it (or not whole) is no metric
        if isinstance(value, float) and not value.is_integer() or not -(2**63) <= value < 2**63:
            raise self.error(f"field {name!r} is {value!r}: not a 64-bit integer")
        return int(value)

    def ip(self, value: Any, name: str) -> IPAddress:
        if not isinstance(value, str):
            raise self.error(f"field {name!r} should be an IP address, found {value!r}")
        try:
            return _address(value.split("/", 1)[0].strip())
        except ValueError:
            raise self.error(f"field {name!r}: {value!r} is not an IP address") from None

    def node(self, value: Any, name: str) -> str:
        if isinstance(value, dict):
            value = value.get("name", value.get("hostname"))
        if not isinstance(value, str) or not value:
            raise self.error(f"field {name!r} should be a node name, found {value!r}")
        if "|" in value:
            raise self.error(
                f"node name {value!r} contains '|', which Rela uses between components"
            )
        return value

    def interface(self, value: Any, name: str) -> tuple[str, str]:
        """``{"hostname", "interface"}`` or ``"host[iface]"`` -> (host, iface)."""
        if isinstance(value, dict):
            host, iface = value.get("hostname"), value.get("interface")
        elif isinstance(value, str) and value.endswith("]") and "[" in value:
            host, _, iface = value[:-1].partition("[")
        else:
            raise self.error(
                f"field {name!r} should be an interface {{hostname, interface}}, found {value!r}"
            )
        if not isinstance(host, str) or not host or not isinstance(iface, str) or not iface:
            raise self.error(f"field {name!r}: incomplete interface {value!r}")
        if "|" in iface:
            raise self.error(f"field {name!r}: {iface!r} contains '|' (Rela's name separator)")
        return self.node(host, name), iface


# --------------------------------------------------------------------------- routes


def parse_routes(data: Any, filename: str | None = None) -> tuple[Route, ...]:
    """The routes of a ``routes()`` answer already loaded from JSON.

    Rows with a ``Status`` that is not best (a ``bgpRib`` style answer) are skipped.
    """
    out: list[Route] = []
    for where, row in _rows(data, filename, "routes()", grouped=True):
        ctx = _Ctx(filename, where)
        status = row.get("Status")
        if status is not None and "BEST" not in str(status).upper():
            continue
        out.append(_route(row, ctx))
    return tuple(out)


def _route(row: Mapping[str, Any], ctx: _Ctx) -> Route:
    node = ctx.node(ctx.field(row, "Node"), "Node")
    if not ctx.where.startswith("node"):
        ctx = _Ctx(ctx.filename, f"{ctx.where} (node {node!r})")
    vrf = ctx.component(row, "VRF", DEFAULT_VRF)
    network_text = ctx.field(row, "Network")
    try:
        network = _network(str(network_text).strip())
    except ValueError:
        raise ctx.error(
            f"field 'Network': {network_text!r} is not a prefix (address/length)"
        ) from None
    protocol = row.get("Protocol") or ""
    if not isinstance(protocol, str):
        raise ctx.error(f"field 'Protocol' should be a string, found {protocol!r}")
    return Route(
        node=node,
        vrf=vrf,
        network=network,
        next_hop=_next_hop(row, ctx),
        protocol=protocol.strip(),
        admin=ctx.integer(row, "Admin_Distance"),
        metric=ctx.integer(row, "Metric"),
    )


def _next_hop(row: Mapping[str, Any], ctx: _Ctx) -> NextHop:
    """The next hop from ``Next_Hop`` (Batfish >= 2021) or the legacy IP/interface columns."""
    nh = row.get("Next_Hop")
    if isinstance(nh, dict):
        kind = nh.get("type")
        if kind == "discard":
            return NextHop("discard")
        if kind == "interface":
            iface = nh.get("interface")
            if not isinstance(iface, str) or not iface:
                raise ctx.error(
                    f"field 'Next_Hop': interface next hop without an interface: {nh!r}"
                )
            if iface.lower() in NULL_INTERFACES:
                return NextHop("discard")
            ip = nh.get("ip")
            return NextHop(
                "interface", iface, ctx.ip(ip, "Next_Hop.ip") if ip is not None else None
            )
        if kind == "ip":
            return NextHop("ip", ip=ctx.ip(nh.get("ip"), "Next_Hop.ip"))
        if kind == "vrf":
            vrf = nh.get("vrf")
            if not isinstance(vrf, str) or not vrf or "|" in vrf:
                raise ctx.error(f"field 'Next_Hop': vrf next hop without a valid vrf: {nh!r}")
            return NextHop("vrf", vrf=vrf)
        raise ctx.error(
            f"field 'Next_Hop': unsupported next hop type {kind!r}",
            hint="Rela models interface, ip, discard and vrf next hops (not VXLAN/VTEP)",
        )
    if nh is not None and not isinstance(nh, str):
        raise ctx.error(f"field 'Next_Hop' should be an object, found {nh!r}")
    return _legacy_next_hop(row, ctx)


def _legacy_next_hop(row: Mapping[str, Any], ctx: _Ctx) -> NextHop:
    if "Next_Hop_IP" not in row and "Next_Hop_Interface" not in row:
        raise ctx.error("missing field 'Next_Hop' (or 'Next_Hop_IP'/'Next_Hop_Interface')")
    ip_text = row.get("Next_Hop_IP")
    iface = row.get("Next_Hop_Interface")
    if ip_text is not None and not isinstance(ip_text, str):
        raise ctx.error(f"field 'Next_Hop_IP' should be a string, found {ip_text!r}")
    if iface is not None and not isinstance(iface, str):
        raise ctx.error(f"field 'Next_Hop_Interface' should be a string, found {iface!r}")
    ip = None if ip_text is None or ip_text.strip() in _NO_IP else ctx.ip(ip_text, "Next_Hop_IP")
    iface = None if iface is None or iface.strip() in _NO_INTERFACE else iface.strip()
    if iface is not None and iface.lower() in NULL_INTERFACES:
        return NextHop("discard")
    if iface is not None:
        return NextHop("interface", iface, ip)
    if ip is not None:
        return NextHop("ip", ip=ip)
    raise ctx.error("route has neither a next-hop IP nor a next-hop interface")


def read_routes(path: str | Path) -> tuple[Route, ...]:
    """The routes of a ``routes()`` answer saved as JSON."""
    return parse_routes(load_json(path), str(path))


# --------------------------------------------------------------------------- edges


def parse_edges(data: Any, filename: str | None = None) -> tuple[L3Edge, ...]:
    """The edges of a ``layer3Edges()`` answer already loaded from JSON."""
    out: list[L3Edge] = []
    for where, row in _rows(data, filename, "layer3Edges()", grouped=False):
        ctx = _Ctx(filename, where)
        node, iface = ctx.interface(ctx.field(row, "Interface"), "Interface")
        rnode, riface = ctx.interface(ctx.field(row, "Remote_Interface"), "Remote_Interface")
        out.append(
            L3Edge(node, iface, _ips(row, "IPs", ctx), rnode, riface, _ips(row, "Remote_IPs", ctx))
        )
    return tuple(out)


def _ips(row: Mapping[str, Any], name: str, ctx: _Ctx) -> tuple[IPAddress, ...]:
    value = row.get(name)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v for v in value.strip("[]").replace("'", "").split(",") if v.strip()]
    if not isinstance(value, list):
        raise ctx.error(f"field {name!r} should be a list of IP addresses, found {value!r}")
    return tuple(ctx.ip(v, name) for v in value)


def read_edges(path: str | Path) -> tuple[L3Edge, ...]:
    """The edges of a ``layer3Edges()`` answer saved as JSON."""
    return parse_edges(load_json(path), str(path))


# --------------------------------------------------------------------------- interfaces


def parse_interfaces(data: Any, filename: str | None = None) -> tuple[InterfaceInfo, ...]:
    """VRF, addresses, state and ACLs of each interface, from an ``interfaceProperties()`` answer."""
    out: list[InterfaceInfo] = []
    for where, row in _rows(data, filename, "interfaceProperties()", grouped=False):
        ctx = _Ctx(filename, where)
        node, iface = ctx.interface(ctx.field(row, "Interface"), "Interface")
        vrf = ctx.component(row, "VRF", DEFAULT_VRF)
        prefixes = row.get("All_Prefixes") or []
        if isinstance(prefixes, str):
            prefixes = [p for p in prefixes.strip("[]").replace("'", "").split(",") if p.strip()]
        if not isinstance(prefixes, list):
            raise ctx.error(f"field 'All_Prefixes' should be a list, found {prefixes!r}")
        addrs = []
        for p in prefixes:
            try:
                addrs.append(ipaddress.ip_interface(str(p).strip()))
            except ValueError:
                raise ctx.error(f"field 'All_Prefixes': {p!r} is not address/length") from None
        active = row.get("Active", True)
        filters = [_filter_name(row, name, ctx) for name in _FILTER_FIELDS]
        out.append(InterfaceInfo(node, iface, vrf, tuple(addrs), active is not False, *filters))
    return tuple(out)


_FILTER_FIELDS = ("Incoming_Filter_Name", "Outgoing_Filter_Name")


def _filter_name(row: Mapping[str, Any], name: str, ctx: _Ctx) -> str | None:
    """The ACL named in an ``Incoming_Filter_Name``/``Outgoing_Filter_Name`` column (or None)."""
    value = row.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ctx.error(f"field {name!r} should be an ACL name, found {value!r}")
    return value


def read_interfaces(path: str | Path) -> tuple[InterfaceInfo, ...]:
    """The interfaces of an ``interfaceProperties()`` answer saved as JSON."""
    return parse_interfaces(load_json(path), str(path))
