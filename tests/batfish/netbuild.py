"""Small builders of Batfish-style answer rows for the data-plane tests."""

from __future__ import annotations

from typing import Any

from rela.network.dataplane import DataPlane, Interval, RawGraph
from rela.network.formats.batfish import load_snapshot

NO_IP = "AUTO/NONE(-1l)"


def _row(node: str, net: str, nh: dict[str, Any], protocol: str, vrf: str, **extra: Any) -> dict:
    row = {
        "Node": node,
        "VRF": vrf,
        "Network": net,
        "Next_Hop": nh,
        "Protocol": protocol,
        "Admin_Distance": extra.pop("admin", 0),
        "Metric": extra.pop("metric", 0),
    }
    row.update(extra)
    return row


def conn(node: str, net: str, iface: str, vrf: str = "default") -> list[dict]:
    """A connected subnet and the local route of the interface address ``net``'s host part.

    ``net`` is ``address/len`` (e.g. ``10.0.0.1/24``).
    """
    import ipaddress

    itf = ipaddress.ip_interface(net)
    nh = {"type": "interface", "interface": iface, "ip": None}
    rows = [_row(node, str(itf.network), nh, "connected", vrf)]
    if itf.network.prefixlen < itf.max_prefixlen:
        rows.append(_row(node, f"{itf.ip}/{itf.max_prefixlen}", nh, "local", vrf))
    return rows


def via(node: str, net: str, iface: str, ip: str | None, vrf: str = "default", **kw: Any) -> dict:
    """An IGP-style route out of ``iface`` towards next hop ``ip``."""
    nh = {"type": "interface", "interface": iface, "ip": ip}
    kw.setdefault("admin", 110)
    return _row(node, net, nh, kw.pop("protocol", "ospf"), vrf, **kw)


def bgp(node: str, net: str, ip: str, vrf: str = "default", **kw: Any) -> dict:
    """A route with a next-hop IP only (resolved recursively)."""
    kw.setdefault("admin", 200)
    return _row(node, net, {"type": "ip", "ip": ip}, kw.pop("protocol", "ibgp"), vrf, **kw)


def discard(node: str, net: str, vrf: str = "default") -> dict:
    return _row(node, net, {"type": "discard"}, "static", vrf, admin=1)


def next_vrf(node: str, net: str, target: str, vrf: str = "default") -> dict:
    return _row(node, net, {"type": "vrf", "vrf": target}, "static", vrf, admin=1)


def link(a: str, a_if: str, a_ip: str, b: str, b_if: str, b_ip: str) -> list[dict]:
    """Both directions of a layer-3 edge."""
    return [
        {
            "Interface": {"hostname": x, "interface": xi},
            "IPs": [xip],
            "Remote_Interface": {"hostname": y, "interface": yi},
            "Remote_IPs": [yip],
        }
        for x, xi, xip, y, yi, yip in (
            (a, a_if, a_ip, b, b_if, b_ip),
            (b, b_if, b_ip, a, a_if, a_ip),
        )
    ]


def plane(
    routes: list[Any], edges: list[dict] | None = None, interfaces: list[dict] | None = None
) -> DataPlane:
    flat: list[dict] = []
    for r in routes:
        flat.extend(r if isinstance(r, list) else [r])
    return DataPlane(load_snapshot(flat, list(edges or []), interfaces))


def graph(dp: DataPlane, dst: str, *sources: str) -> RawGraph:
    """The forwarding graph of ``dst`` (an atomic prefix) from device names (``dev`` or ``dev|vrf``)."""
    srcs = []
    for s in sources:
        dev, _, vrf = s.partition("|")
        srcs.append((dev, vrf or "default"))
    return dp.forwarding_graph(srcs, Interval.of(dst))


def paths(g: RawGraph) -> set[tuple[str, ...]]:
    return set(g.paths())
