"""The traffic of many FECs as few packet cubes, exactly.

A cause covers the traffic of its FECs: the union of their traffic keys (each
a cube over dst, src, qos, protocol and ports; an FEC with no key is every
packet).  :func:`aggregate` writes that union with as few cubes as it can
without changing it: keys that agree on every field but the destination have
their destination prefixes collapsed into the fewest covering prefixes (200
adjacent /32s become one /24 only if all 200 are there — never a packet more).

>>> aggregate([{"dstIp": f"10.0.0.{i}"} for i in range(256)])
({'dstIp': '10.0.0.0/24'},)
>>> aggregate([{"dstIp": "10.0.0.0/25", "protocol": 6}, {"dstIp": "10.0.0.128/25", "protocol": 17}])
({'dstIp': '10.0.0.0/25', 'protocol': 6}, {'dstIp': '10.0.0.128/25', 'protocol': 17})
>>> aggregate([{"dstIp": "10.0.0.1"}, {}])
({},)
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["aggregate", "describe_cube", "destinations"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _rest(key: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, v) for k, v in key.items() if k != "dstIp" and v is not None))


def aggregate(keys: Iterable[Mapping[str, Any]]) -> tuple[dict[str, Any], ...]:
    """The union of traffic-key cubes (JSON form), destinations collapsed per other fields."""
    groups: dict[tuple[tuple[str, Any], ...], list[Network] | None] = {}
    odd: dict[tuple[tuple[str, Any], ...], set[str]] = {}
    for key in keys:
        rest = _rest(key)
        if not rest and key.get("dstIp") is None:
            return ({},)  # every packet: nothing else adds anything
        dst = key.get("dstIp")
        if dst is None:
            groups[rest] = None  # any destination for these other fields
            continue
        nets = groups.setdefault(rest, [])
        if nets is None:
            continue
        try:
            nets.append(ipaddress.ip_network(str(dst), strict=False))
        except ValueError:  # not an address: keep it as written
            odd.setdefault(rest, set()).add(str(dst))
    out: list[dict[str, Any]] = []
    for rest in sorted(groups, key=repr):
        nets = groups[rest]
        if nets is None:
            out.append(dict(rest))
            continue
        for version in (4, 6):
            same = [n for n in nets if n.version == version]
            for net in ipaddress.collapse_addresses(same):  # type: ignore[type-var]
                out.append({"dstIp": str(net), **dict(rest)})
        out.extend({"dstIp": d, **dict(rest)} for d in sorted(odd.get(rest, ())))
    return tuple(sorted(out, key=_order))


def _order(cube: Mapping[str, Any]) -> tuple[Any, ...]:
    """Cubes by destination address (IPv4 first), then by their other fields."""
    dst = cube.get("dstIp")
    try:
        net = ipaddress.ip_network(str(dst), strict=False) if dst is not None else None
    except ValueError:
        net = None
    where = (net.version, int(net.network_address), net.prefixlen) if net else (9, 0, 0)
    return (*where, repr(_rest(cube)), str(dst))


def destinations(keys: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The destinations of some traffic, collapsed into the fewest covering prefixes.

    A key without a destination covers every address (``0.0.0.0/0`` and ``::/0``).

    >>> destinations([{"dstIp": "10.0.0.1", "srcIp": "1.1.1.1"}, {"dstIp": "10.0.0.0/32"}])
    ('10.0.0.0/31',)
    """
    dsts = [{"dstIp": k["dstIp"]} if k.get("dstIp") is not None else {} for k in keys]
    cubes = aggregate(dsts)
    if cubes == ({},):
        return ("0.0.0.0/0", "::/0")
    return tuple(c["dstIp"] for c in cubes)


def describe_cube(key: Mapping[str, Any]) -> str:
    """One cube for people, as ``TrafficKey.describe`` words it.

    >>> describe_cube({"dstIp": "10.0.0.0/24", "protocol": 6, "dstPort": "80-81"})
    'dst 10.0.0.0/24, tcp, dport 80-81'
    >>> describe_cube({})
    'any packet'
    """
    from rela.network.model import TrafficKey

    def ports(v: Any) -> tuple[int, int] | None:
        if v is None:
            return None
        lo, _, hi = str(v).partition("-")
        return (int(lo), int(hi or lo))

    try:
        return TrafficKey(
            dst=key.get("dstIp"),
            src=key.get("srcIp"),
            qos=key.get("qos"),
            protocol=key.get("protocol"),
            dst_ports=ports(key.get("dstPort")),
            src_ports=ports(key.get("srcPort")),
        ).describe()
    except ValueError:
        return " ".join(f"{k}={v}" for k, v in key.items())
