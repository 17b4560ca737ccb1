"""Which side of a traffic guard one traffic key (a packet cube) falls on, three-valued.

``may_be(cond, key)`` is ``True`` when every packet of the key satisfies the
condition, ``False`` when none does, ``None`` when the key straddles it (or
leaves a tested field open).  Explanations use it to know which guard branches
an FEC's traffic reaches; both are tried when it straddles.

>>> from rela.lang import ast
>>> from rela.network.model import TrafficKey
>>> cond = ast.PrefixCond("dst", ("10.0.0.0/8",))
>>> may_be(cond, TrafficKey(dst="10.1.2.3")), may_be(cond, TrafficKey(dst="11.0.0.1"))
(True, False)
>>> may_be(cond, TrafficKey(dst="0.0.0.0/0")), may_be(ast.CondNot(cond), TrafficKey(dst="10.1.0.0/16"))
(None, False)
"""

from __future__ import annotations

import ipaddress
from typing import Any

from rela.lang import ast

__all__ = ["may_be"]

Tri = bool | None


def may_be(cond: ast.Condition, key: Any) -> Tri:
    """Kleene three-valued truth of ``cond`` on the packets of traffic key ``key``."""
    if isinstance(cond, ast.CondNot):
        inner = may_be(cond.operand, key)
        return None if inner is None else not inner
    if isinstance(cond, ast.CondAnd):
        values = [may_be(p, key) for p in cond.parts]
        if False in values:
            return False
        return None if None in values else True
    if isinstance(cond, ast.CondOr):
        values = [may_be(p, key) for p in cond.parts]
        if True in values:
            return True
        return None if None in values else False
    if isinstance(cond, ast.QosCond):
        return None if key.qos is None else key.qos == cond.value
    if isinstance(cond, ast.ProtoCond):
        return None if key.protocol is None else key.protocol in cond.protocols
    if isinstance(cond, ast.PortCond):
        ports = key.dst_ports if cond.field == "dport" else key.src_ports
        return None if ports is None else _range_in(ports, cond.ranges)
    if isinstance(cond, ast.PrefixCond):
        value = key.dst if cond.field == "dst" else key.src
        return None if value is None else _prefix_in(value, cond.prefixes)
    raise TypeError(f"not a condition: {cond!r}")


def _range_in(ports: tuple[int, int], ranges: tuple[tuple[int, int], ...]) -> Tri:
    lo, hi = ports
    pieces = sorted((max(lo, a), min(hi, b)) for a, b in ranges if max(lo, a) <= min(hi, b))
    if not pieces:
        return False
    covered, reach = 0, lo - 1
    for a, b in pieces:  # merged length of the overlapping ranges
        a = max(a, reach + 1)
        if a <= b:
            covered += b - a + 1
            reach = b
    return True if covered == hi - lo + 1 else None


def _prefix_in(value: str, prefixes: tuple[str, ...]) -> Tri:
    try:
        net = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None
    parts = []
    for p in prefixes:
        try:
            outer = ipaddress.ip_network(p, strict=False)
        except ValueError:
            continue
        if outer.version != net.version:
            continue
        if net.subnet_of(outer):  # type: ignore[arg-type]
            return True
        if outer.subnet_of(net):  # type: ignore[arg-type]
            parts.append(outer)
    if not parts:
        return False
    merged: list[Any] = list(ipaddress.collapse_addresses(parts))  # type: ignore[type-var]
    covered = sum(n.num_addresses for n in merged)
    return True if covered == net.num_addresses else None
