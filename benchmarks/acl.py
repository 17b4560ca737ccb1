"""Benchmark: header-space FECs of a synthetic network with ~10^4 routes and ~10^3 ACL lines.

The network: ``border`` (where flows enter, on ``Ethernet0``, through an ingress
ACL), ``core``, and ``L`` leaves; every destination /24 is routed border -> core
-> one leaf, which sends it out of a host-facing interface (through an egress
ACL) to a next hop the snapshot does not model (``exits-network``).  The change
edits a few ACL lines and moves a few prefixes to another leaf.

Prints (and writes with ``--json FILE``) the number of route rows and ACL lines,
the FECs with and without ACLs, their traffic keys, and the build time per BDD
backend, wall clock and CPU time of the process (interleaved rounds: the machine
may be shared; medians).

    python benchmarks/acl.py                   # 10^4 routes x 10^3 ACL lines
    python benchmarks/acl.py --prefixes 500 --lines 200 --rounds 1
"""

from __future__ import annotations

import argparse
import dataclasses
import ipaddress
import json
import random
import statistics
import sys
import time
from typing import Any

from rela.network.formats.batfish import build_change, load_snapshot
from rela.network.headerspace import BACKENDS, default_backend
from rela.network.routing import Snapshot

PORTS = [22, 25, 53, 80, 443, 8080, 8443]


def _route(node: str, net: str, iface: str | None, ip: str | None, proto: str = "static") -> dict:
    nh = {"type": "interface", "interface": iface, "ip": ip} if iface else {"type": "ip", "ip": ip}
    return {"Node": node, "VRF": "default", "Network": net, "Next_Hop": nh, "Protocol": proto,
            "Admin_Distance": 1, "Metric": 0}  # fmt: skip


def _conn(node: str, addr: str, iface: str) -> list[dict]:
    itf = ipaddress.ip_interface(addr)
    rows = [_route(node, str(itf.network), iface, None, "connected")]
    rows.append(_route(node, f"{itf.ip}/32", iface, None, "local"))
    return rows


def _edge(a: str, ai: str, aip: str, b: str, bi: str, bip: str) -> list[dict]:
    return [
        {"Interface": {"hostname": x, "interface": xi}, "IPs": [xip],
         "Remote_Interface": {"hostname": y, "interface": yi}, "Remote_IPs": [yip]}
        for x, xi, xip, y, yi, yip in ((a, ai, aip, b, bi, bip), (b, bi, bip, a, ai, aip))
    ]  # fmt: skip


def _line(action: str, text: str, **space: Any) -> dict:
    header: dict[str, Any] = {"negate": False}
    for key, value in space.items():
        if key in ("dstIps", "srcIps"):
            value = {"class": "org.batfish.datamodel.IpWildcardIpSpace", "ipWildcard": value}
        header[key] = value
    return {"class": "org.batfish.datamodel.ExprAclLine", "action": action, "name": text,
            "matchCondition": {"class": "org.batfish.datamodel.acl.MatchHeaderSpace",
                               "headerSpace": header}}  # fmt: skip


def _acl_lines(r: random.Random, nets: list[str], count: int) -> list[dict]:
    lines = []
    for _ in range(count - 1):
        net = r.choice(nets)
        kind = r.random()
        if kind < 0.6:
            port = r.choice(PORTS)
            lines.append(_line("PERMIT", f"permit tcp any {net} eq {port}", dstIps=net,
                               ipProtocols=["TCP"], dstPorts=[f"{port}-{port}"]))  # fmt: skip
        elif kind < 0.8:
            lines.append(_line("PERMIT", f"permit udp any {net}", dstIps=net, ipProtocols=["UDP"]))
        else:
            src = f"198.51.{r.randrange(256)}.0/24"
            lines.append(_line("DENY", f"deny ip {src} {net}", dstIps=net, srcIps=src))
    lines.append(_line("DENY", "deny ip any any", dstIps="0.0.0.0/0"))
    return lines


def network(prefixes: int, lines: int, leaves: int, seed: int, changed: bool) -> Snapshot:
    """One snapshot; ``changed`` edits ACL lines and moves prefixes (same seed: same base)."""
    r = random.Random(seed)
    nets = [str(ipaddress.ip_network((0x0A000000 + (i << 8), 24))) for i in range(prefixes)]
    home = {net: r.randrange(leaves) for net in nets}
    if changed:
        for net in r.sample(nets, max(1, prefixes // 200)):
            home[net] = (home[net] + 1) % leaves
    routes: list[dict] = []
    edges: list[dict] = []
    routes += _conn("border", "203.0.113.1/30", "Ethernet0")
    routes += _conn("border", "172.31.0.0/31", "Ethernet1") + _conn(
        "core", "172.31.0.1/31", "Ethernet0"
    )
    edges += _edge("border", "Ethernet1", "172.31.0.0", "core", "Ethernet0", "172.31.0.1")
    for k in range(leaves):
        leaf, c_ip, l_ip = f"leaf{k}", f"172.30.{k}.0", f"172.30.{k}.1"
        routes += _conn("core", f"{c_ip}/31", f"Ethernet{k + 1}") + _conn(
            leaf, f"{l_ip}/31", "Ethernet0"
        )
        routes += _conn(leaf, f"172.16.{k}.1/30", "Ethernet9")
        edges += _edge("core", f"Ethernet{k + 1}", c_ip, leaf, "Ethernet0", l_ip)
    for net in nets:
        k = home[net]
        routes.append(_route("border", net, "Ethernet1", "172.31.0.1"))
        routes.append(_route("core", net, f"Ethernet{k + 1}", f"172.30.{k}.1"))
        routes.append(_route(f"leaf{k}", net, "Ethernet9", f"172.16.{k}.2"))
    acl_r = random.Random(seed + 1)
    border_lines = _acl_lines(acl_r, nets, lines // 2)
    leaf_lines = [_acl_lines(acl_r, nets, max(2, lines // (2 * leaves))) for _ in range(leaves)]
    if changed:  # replace a few lines of the border ACL, add a permit on every leaf
        edit = random.Random(seed + 2)
        for i in edit.sample(range(len(border_lines) - 1), max(1, len(border_lines) // 100)):
            border_lines[i] = _acl_lines(edit, nets, 2)[0]
        for k in range(leaves):
            leaf_lines[k].insert(0, _acl_lines(edit, nets, 2)[0])
    structures = [{"Node": "border", "Structure_Type": "IP_Access_List", "Structure_Name": "EDGE_IN",
                   "Structure_Definition": {"name": "EDGE_IN", "lines": border_lines}}]  # fmt: skip
    interfaces = [{"Interface": {"hostname": "border", "interface": "Ethernet0"}, "VRF": "default",
                   "Incoming_Filter_Name": "EDGE_IN"}]  # fmt: skip
    for k in range(leaves):
        name = f"HOSTS_OUT_{k}"
        structures.append({"Node": f"leaf{k}", "Structure_Type": "IP_Access_List",
                           "Structure_Name": name,
                           "Structure_Definition": {"name": name, "lines": leaf_lines[k]}})  # fmt: skip
        interfaces.append({"Interface": {"hostname": f"leaf{k}", "interface": "Ethernet9"},
                           "VRF": "default", "Outgoing_Filter_Name": name})  # fmt: skip
    snap = load_snapshot(routes, edges, interfaces, structures)
    return snap


def measure(args: argparse.Namespace) -> dict[str, Any]:
    before = network(args.prefixes, args.lines, args.leaves, args.seed, changed=False)
    after = network(args.prefixes, args.lines, args.leaves, args.seed, changed=True)
    acl_lines = sum(len(a.lines) for a in before.acls or ())
    backends = [b for b in BACKENDS if b == "autoref" or default_backend() == "cudd"]
    if args.backend:
        backends = [args.backend]
    times: dict[str, list[float]] = {b: [] for b in backends}
    cpu: dict[str, list[float]] = {b: [] for b in backends}
    built = None
    for _ in range(args.rounds):
        for backend in backends:  # interleaved: a busy machine slows every backend alike
            t0, c0 = time.perf_counter(), time.process_time()
            built = build_change(before, after, start=["border[Ethernet0]"], backend=backend)
            times[backend].append(time.perf_counter() - t0)
            cpu[backend].append(time.process_time() - c0)
    assert built is not None
    routes_only = build_change(
        dataclasses.replace(before, acls=None), dataclasses.replace(after, acls=None),
        start=["border[Ethernet0]"],
    )  # fmt: skip
    keys = [len(f.traffic_keys()) for f in built.fecs]
    return {
        "route_rows": len(before.routes),
        "acl_lines": acl_lines,
        "fecs": len(built.fecs),
        "fecs_changed": sum(1 for f in built.fecs if f.before != f.after),
        "fecs_error": sum(1 for f in built.fecs if f.problem),
        "fecs_routes_only": len(routes_only.fecs),
        "keys_total": sum(keys),
        "keys_max": max(keys),
        "seconds": {b: round(statistics.median(ts), 2) for b, ts in times.items()},
        "cpu_seconds": {b: round(statistics.median(ts), 2) for b, ts in cpu.items()},
        "rounds": args.rounds,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--prefixes", type=int, default=3300, help="destination /24s (3 route rows each)"
    )
    p.add_argument("--lines", type=int, default=1000, help="ACL lines in all (half on the border)")
    p.add_argument("--leaves", type=int, default=4)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--backend", choices=BACKENDS)
    p.add_argument("--json", help="also write the figures to this file")
    args = p.parse_args(argv)
    figures = measure(args)
    for name, value in figures.items():
        print(f"{name:18} {value}")
    if args.json:
        with open(args.json, "w") as fp:
            json.dump(figures, fp, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
