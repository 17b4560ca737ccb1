"""Write the Batfish-style exports of the example network (base, change1, change2, acl/*).

This is *not* Batfish: it is a tiny, deterministic model of the example
network's control plane (OSPF shortest paths with ECMP, E2 redistribution,
eBGP/iBGP routes with multipath), written so the example ships without copying
anyone's exports.  Its output has the shape of Batfish's answers saved with
pybatfish (``frame().to_json(orient="records")``): ``routes.json`` (``routes()``),
``edges.json`` (``layer3Edges()``) and ``interfaces.json``
(``interfaceProperties()``, the columns Rela reads); the ACL scenario under
``acl/`` adds the interfaces' filters and ``named-structure.json``
(``namedStructures()``: the ``IP_Access_List`` definitions, as Batfish writes them).

Run from the repository root::

    python snapshots/batfish/generate.py
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

HERE = Path(__file__).resolve().parent
NO_IP = "AUTO/NONE(-1l)"


@dataclass(frozen=True)
class Link:
    a: str
    a_if: str
    b: str
    b_if: str
    subnet: str  # a /31: a gets the first address, b the second


LOOPBACKS = {
    "border1": "10.0.0.1",
    "border2": "10.0.0.2",
    "core1": "10.0.0.11",
    "core2": "10.0.0.12",
    "spine1": "10.0.0.21",
    "spine2": "10.0.0.22",
    "leaf1": "10.0.0.31",
}
OSPF_ROUTERS = ["border1", "border2", "core1", "core2", "spine1", "spine2"]
OSPF_LINKS = [
    Link("border1", "Ethernet1", "core1", "Ethernet1", "10.1.0.0/31"),
    Link("border1", "Ethernet2", "core2", "Ethernet1", "10.1.0.2/31"),
    Link("border2", "Ethernet1", "core1", "Ethernet2", "10.1.0.4/31"),
    Link("border2", "Ethernet2", "core2", "Ethernet2", "10.1.0.6/31"),
    Link("core1", "Ethernet3", "spine1", "Ethernet1", "10.1.0.8/31"),
    Link("core1", "Ethernet4", "spine2", "Ethernet1", "10.1.0.10/31"),
    Link("core2", "Ethernet3", "spine1", "Ethernet2", "10.1.0.12/31"),
    Link("core2", "Ethernet4", "spine2", "Ethernet2", "10.1.0.14/31"),
]
LEAF_LINKS = [  # eBGP, redistributed into OSPF by the spines (E2, metric 20)
    Link("spine1", "Ethernet3", "leaf1", "Ethernet1", "10.2.0.0/31"),
    Link("spine2", "Ethernet3", "leaf1", "Ethernet2", "10.2.0.2/31"),
]
HOSTS = {  # host: (leaf interface, leaf address/len, host address/len)
    "host-web": ("Ethernet3", "10.100.1.1/24", "10.100.1.10/24"),
    "host-db": ("Ethernet4", "10.100.2.1/24", "10.100.2.10/24"),
}
ISP = {  # border: (interface, border address/len, ISP next hop) -- the ISP is not modelled
    "border1": ("Ethernet0", "203.0.113.1/30", "203.0.113.2"),
    "border2": ("Ethernet0", "198.51.100.1/30", "198.51.100.2"),
}
AGGREGATE = "10.100.0.0/16"
STRAY = "10.100.1.10/32"  # the forgotten static discard route on core2


def route(node, network, protocol, metric, admin, *, iface=None, ip=None, discard=False):
    """One ``routes()`` row, with the columns and encodings of pybatfish's frame."""
    if discard:
        nh = {"type": "discard"}
        nh_ip, nh_if = NO_IP, "null_interface"
    elif iface is None:
        nh = {"ip": ip, "type": "ip"}
        nh_ip, nh_if = ip, "dynamic"
    else:
        nh = {"interface": iface, "ip": ip, "type": "interface"}
        nh_ip, nh_if = ip or NO_IP, iface
    return {
        "Node": node,
        "VRF": "default",
        "Network": network,
        "Next_Hop": nh,
        "Next_Hop_IP": nh_ip,
        "Next_Hop_Interface": nh_if,
        "Protocol": protocol,
        "Metric": metric,
        "Admin_Distance": admin,
        "Tag": None,
    }


def addresses(link: Link) -> tuple[str, str]:
    net = ipaddress.ip_network(link.subnet)
    return str(net[0]), str(net[1])


def interfaces() -> dict[str, dict[str, str]]:
    """node -> interface -> address/len."""
    out: dict[str, dict[str, str]] = {n: {"Loopback0": f"{ip}/32"} for n, ip in LOOPBACKS.items()}
    for link in OSPF_LINKS + LEAF_LINKS:
        a_ip, b_ip = addresses(link)
        out[link.a][link.a_if] = f"{a_ip}/31"
        out[link.b][link.b_if] = f"{b_ip}/31"
    for host, (leaf_if, leaf_addr, host_addr) in HOSTS.items():
        out["leaf1"][leaf_if] = leaf_addr
        out[host] = {"eth0": host_addr}
    for border, (iface, addr, _) in ISP.items():
        out[border][iface] = addr
    return out


def connected_routes(ifaces: dict[str, dict[str, str]]) -> list[dict]:
    rows = []
    for node, by_if in ifaces.items():
        for iface, addr in by_if.items():
            itf = ipaddress.ip_interface(addr)
            rows.append(route(node, str(itf.network), "connected", 0, 0, iface=iface))
            if itf.network.prefixlen < 32:
                rows.append(route(node, f"{itf.ip}/32", "local", 0, 0, iface=iface))
    return rows


def ospf_routes(ifaces: dict[str, dict[str, str]], cost: dict[str, int]) -> list[dict]:
    """Intra-area and E2 routes; ``cost[router]`` is the cost of that router's links."""
    g = nx.DiGraph()
    hop: dict[tuple[str, str], tuple[str, str]] = {}  # (u, v) -> (u's interface, v's address)
    for link in OSPF_LINKS:
        a_ip, b_ip = addresses(link)
        g.add_edge(link.a, link.b, weight=cost[link.a])
        g.add_edge(link.b, link.a, weight=cost[link.b])
        hop[(link.a, link.b)] = (link.a_if, b_ip)
        hop[(link.b, link.a)] = (link.b_if, a_ip)
    dist = dict(nx.all_pairs_dijkstra_path_length(g))
    # stub networks: (prefix, attached router, cost of its interface)
    stubs = [(f"{ip}/32", n, 1) for n, ip in LOOPBACKS.items() if n in OSPF_ROUTERS]
    stubs += [(link.subnet, r, cost[r]) for link in OSPF_LINKS for r in (link.a, link.b)]
    externals = [(link.subnet, link.a, 20) for link in LEAF_LINKS]  # spine redistributes
    externals += [("0.0.0.0/0", border, 1) for border in ISP]  # default-information originate
    rows = []
    for r in OSPF_ROUTERS:
        own = {str(ipaddress.ip_interface(a).network) for a in ifaces[r].values()}

        def first_hops(targets: list[str], r: str = r) -> list[str]:
            best = min(dist[r][t] for t in targets)
            return sorted(
                n
                for n in g.successors(r)
                for t in targets
                if dist[r][t] == best and g[r][n]["weight"] + dist[n][t] == best
            )

        by_prefix: dict[str, list[tuple[int, str]]] = {}
        for prefix, attached, c in stubs:
            if prefix not in own:
                by_prefix.setdefault(prefix, []).append((dist[r][attached] + c, attached))
        for prefix, entries in sorted(by_prefix.items()):
            best = min(m for m, _ in entries)
            targets = [a for m, a in entries if m == best]
            for n in dict.fromkeys(first_hops(targets)):
                iface, ip = hop[(r, n)]
                rows.append(route(r, prefix, "ospf", best, 110, iface=iface, ip=ip))
        ext: dict[str, list[str]] = {}
        for prefix, asbr, _ in externals:
            if prefix not in own and asbr != r:
                ext.setdefault(prefix, []).append(asbr)
        for prefix, asbrs in sorted(ext.items()):
            if prefix == "0.0.0.0/0" and r in ISP:
                continue  # the border's own static default wins (admin 1)
            metric = 1 if prefix == "0.0.0.0/0" else 20
            for n in dict.fromkeys(first_hops(asbrs)):
                iface, ip = hop[(r, n)]
                rows.append(route(r, prefix, "ospfE2", metric, 110, iface=iface, ip=ip))
    return rows


def bgp_routes() -> list[dict]:
    leaf_ip = {link.a: addresses(link)[1] for link in LEAF_LINKS}  # spine -> leaf address
    spine_ip = {link.a: addresses(link)[0] for link in LEAF_LINKS}  # spine -> its address
    host_nets = [str(ipaddress.ip_interface(a).network) for _, a, _ in HOSTS.values()]
    rows = []
    for spine, nh in leaf_ip.items():  # eBGP from leaf1
        rows += [route(spine, net, "bgp", 0, 20, ip=nh) for net in host_nets]
    for r in ("border1", "border2", "core1", "core2"):  # iBGP, next hop unchanged, multipath
        for net in host_nets:
            rows += [route(r, net, "ibgp", 0, 200, ip=nh) for nh in leaf_ip.values()]
    for r in ("core1", "core2", "spine1", "spine2"):  # the borders' aggregate over iBGP
        rows += [route(r, AGGREGATE, "ibgp", 0, 200, ip=LOOPBACKS[b]) for b in ISP]
    for border, (_, _, isp) in ISP.items():
        rows.append(route(border, AGGREGATE, "aggregate", 0, 200, discard=True))
        rows.append(route(border, "0.0.0.0/0", "static", 0, 1, ip=isp))
    for ip in spine_ip.values():  # default-originate towards leaf1
        rows.append(route("leaf1", "0.0.0.0/0", "bgp", 0, 20, ip=ip))
    for host, (_, leaf_addr, _) in HOSTS.items():
        gw = str(ipaddress.ip_interface(leaf_addr).ip)
        rows.append(route(host, "0.0.0.0/0", "static", 0, 1, iface="eth0", ip=gw))
    return rows


def edges(ifaces: dict[str, dict[str, str]]) -> list[dict]:
    rows = []
    pairs = [(lk.a, lk.a_if, lk.b, lk.b_if) for lk in OSPF_LINKS + LEAF_LINKS]
    pairs += [("leaf1", leaf_if, host, "eth0") for host, (leaf_if, _, _) in HOSTS.items()]
    for a, a_if, b, b_if in pairs:
        for x, x_if, y, y_if in ((a, a_if, b, b_if), (b, b_if, a, a_if)):
            rows.append(
                {
                    "Interface": {"hostname": x, "interface": x_if},
                    "IPs": [ifaces[x][x_if].split("/")[0]],
                    "Remote_Interface": {"hostname": y, "interface": y_if},
                    "Remote_IPs": [ifaces[y][y_if].split("/")[0]],
                }
            )
    return sorted(rows, key=lambda e: (e["Interface"]["hostname"], e["Interface"]["interface"]))


def interface_rows(
    ifaces: dict[str, dict[str, str]], filters: dict[tuple[str, str], tuple[str | None, str | None]]
) -> list[dict]:
    rows = []
    for node, by_if in sorted(ifaces.items()):
        for iface, addr in sorted(by_if.items()):
            row = {
                "Interface": {"hostname": node, "interface": iface},
                "Active": True,
                "All_Prefixes": [addr],
                "Primary_Address": addr,
                "VRF": "default",
            }
            if filters:
                row["Incoming_Filter_Name"], row["Outgoing_Filter_Name"] = filters.get(
                    (node, iface), (None, None)
                )
            rows.append(row)
    return rows


# ------------------------------------------------------------------ the ACL scenario


def acl_line(action: str, text: str, **space: object) -> dict:
    """One ``ExprAclLine`` matching a ``MatchHeaderSpace`` (``space``: dstIps, ipProtocols...)."""
    header: dict[str, object] = {"negate": False}
    for key, value in space.items():
        if key in ("dstIps", "srcIps"):
            value = {"class": "org.batfish.datamodel.IpWildcardIpSpace", "ipWildcard": value}
        header[key] = value
    return {
        "class": "org.batfish.datamodel.ExprAclLine",
        "action": action,
        "matchCondition": {
            "class": "org.batfish.datamodel.acl.MatchHeaderSpace",
            "headerSpace": header,
        },
        "name": text,
    }


def acl_row(node: str, name: str, lines: list[dict]) -> dict:
    return {
        "Node": node,
        "Structure_Type": "IP_Access_List",
        "Structure_Name": name,
        "Structure_Definition": {
            "name": name,
            "lines": lines,
            "sourceType": "extended ipv4 access-list",
        },
    }


ANY = "0.0.0.0/0"
HOSTS_NET = "10.100.0.0/16"


def acls(open_http: bool, fixed: bool) -> list[dict]:
    """The ACLs of the tutorial's ACL change, on this network.

    ``open_http`` (change3): the borders also permit HTTP to the hosts' /16,
    meaning to open host-web; leaf1's egress ACL already permits HTTP to both
    hosts, so host-db is opened too.  ``fixed`` (change4): leaf1 permits HTTP to
    host-web only.
    """
    outside = [
        acl_line(
            "PERMIT",
            "permit tcp any 10.100.0.0 0.0.255.255 eq ssh",
            dstIps=HOSTS_NET,
            srcIps=ANY,
            ipProtocols=["TCP"],
            dstPorts=["22-22"],
        )
    ]
    if open_http:
        outside.append(
            acl_line(
                "PERMIT",
                "permit tcp any 10.100.0.0 0.0.255.255 eq www",
                dstIps=HOSTS_NET,
                srcIps=ANY,
                ipProtocols=["TCP"],
                dstPorts=["80-80"],
            )
        )
    outside += [
        acl_line(
            "PERMIT",
            "permit udp any 10.100.0.0 0.0.255.255",
            dstIps=HOSTS_NET,
            srcIps=ANY,
            ipProtocols=["UDP"],
        ),
        acl_line("DENY", "deny ip any any", dstIps=ANY, srcIps=ANY),
    ]
    web = [
        acl_line(
            "PERMIT",
            "permit tcp any host 10.100.1.10 eq www",
            dstIps="10.100.1.10",
            srcIps=ANY,
            ipProtocols=["TCP"],
            dstPorts=["80-80"],
        )
    ]
    if not fixed:
        web.append(
            acl_line(
                "PERMIT",
                "permit tcp any host 10.100.2.10 eq www",
                dstIps="10.100.2.10",
                srcIps=ANY,
                ipProtocols=["TCP"],
                dstPorts=["80-80"],
            )
        )
    host_out = web + [
        acl_line(
            "PERMIT",
            "permit tcp any 10.100.0.0 0.0.255.255 eq ssh",
            dstIps=HOSTS_NET,
            srcIps=ANY,
            ipProtocols=["TCP"],
            dstPorts=["22-22"],
        ),
        acl_line(
            "PERMIT",
            "permit udp any 10.100.0.0 0.0.255.255",
            dstIps=HOSTS_NET,
            srcIps=ANY,
            ipProtocols=["UDP"],
        ),
        acl_line("DENY", "deny ip any any", dstIps=ANY, srcIps=ANY),
    ]
    host_in = [
        acl_line("PERMIT", "permit ip 10.100.0.0 0.0.255.255 any", dstIps=ANY, srcIps=HOSTS_NET),
        acl_line("DENY", "deny ip any any", dstIps=ANY, srcIps=ANY),
    ]
    network_in = [
        acl_line("DENY", f"deny ip any host {ip}", dstIps=ip, srcIps=ANY)
        for ip in ("10.100.1.1", "10.100.2.1")  # leaf1's own host-facing addresses
    ] + [acl_line("PERMIT", "permit ip any any", dstIps=ANY, srcIps=ANY)]
    rows = [acl_row(b, "OUTSIDE_TO_INSIDE", outside) for b in ISP]
    rows += [
        acl_row("leaf1", "RESTRICT_HOST_TRAFFIC_OUT", host_out),
        acl_row("leaf1", "RESTRICT_HOST_TRAFFIC_IN", host_in),
        acl_row("leaf1", "RESTRICT_NETWORK_TRAFFIC_IN", network_in),
    ]
    return rows


FILTERS: dict[tuple[str, str], tuple[str | None, str | None]] = {
    **{(b, iface): ("OUTSIDE_TO_INSIDE", None) for b, (iface, _, _) in ISP.items()},
    **{("leaf1", link.b_if): ("RESTRICT_NETWORK_TRAFFIC_IN", None) for link in LEAF_LINKS},
    **{
        ("leaf1", leaf_if): ("RESTRICT_HOST_TRAFFIC_IN", "RESTRICT_HOST_TRAFFIC_OUT")
        for leaf_if, _, _ in HOSTS.values()
    },
}


def snapshot(
    core1_cost: int, stray_route: bool, acl: tuple[bool, bool] | None = None
) -> dict[str, list[dict]]:
    """The answers of one snapshot; ``acl`` = (open_http, fixed) adds the ACL scenario's."""
    ifaces = interfaces()
    cost = {r: 1 for r in OSPF_ROUTERS}
    cost["core2"] = 50  # core2 is the backup core
    cost["core1"] = core1_cost
    rows = connected_routes(ifaces) + ospf_routes(ifaces, cost) + bgp_routes()
    if stray_route:
        rows.append(route("core2", STRAY, "static", 0, 1, discard=True))
    rows.sort(key=lambda r: (r["Node"], ipaddress.ip_network(r["Network"]), json.dumps(r)))
    answers = {
        "routes": rows,
        "edges": edges(ifaces),
        "interfaces": interface_rows(ifaces, FILTERS if acl else {}),
    }
    if acl is not None:
        answers["named-structure"] = acls(*acl)
    return answers


def all_snapshots() -> dict[str, dict[str, list[dict]]]:
    """Every snapshot directory (relative to this folder) and its answers."""
    return {
        "base": snapshot(core1_cost=1, stray_route=True),
        "change1": snapshot(core1_cost=1000, stray_route=True),  # cost-out, stray route kept
        "change2": snapshot(core1_cost=1000, stray_route=False),  # cost-out, stray route removed
        # the ACL change: routes as in base
        "acl/base": snapshot(core1_cost=1, stray_route=True, acl=(False, False)),
        "acl/change3": snapshot(core1_cost=1, stray_route=True, acl=(True, False)),
        "acl/change4": snapshot(core1_cost=1, stray_route=True, acl=(True, True)),
    }


def main() -> None:
    for name, answers in all_snapshots().items():
        out = HERE / name
        out.mkdir(parents=True, exist_ok=True)
        for answer, rows in answers.items():
            (out / f"{answer}.json").write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
