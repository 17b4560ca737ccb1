"""Traffic keys of the input formats: JSON objects -> :class:`~rela.network.model.TrafficKey`.

A traffic key is a cube of packets (docs/formats.md)::

    {"dstIp": "10.0.0.0/24", "srcIp": "192.0.2.1", "qos": 4,
     "protocol": "tcp", "dstPort": 80, "srcPort": "1024-65535"}

Every field is optional (absent: any value).  ``protocol`` is a number
0-255 or a name (``tcp``, ``udp``, ``icmp``, ``icmpv6``); ports are a number
0-65535 or an inclusive range ``"lo-hi"``; ``qos`` is a number 0-255.  A value
outside what the model holds is a :class:`FecProblem` naming the field, never
silently truncated.

>>> parse_traffic([{"dstIp": "10.0.0.0/8", "protocol": "tcp", "dstPort": "80-81"}], "t")
(TrafficKey(dst='10.0.0.0/8', src=None, qos=None, protocol=6, dst_ports=(80, 81), src_ports=None),)
"""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
from typing import Any

from rela.network.formats.common import FecProblem, kind, short
from rela.network.model import PORT_MAX, PROTOCOL_MAX, QOS_MAX, PortRange, TrafficKey
from rela.protocols import PROTOCOL_NUMBERS

__all__ = ["TRAFFIC_FIELDS", "parse_traffic", "valid_address"]

#: The fields of a traffic key object.
TRAFFIC_FIELDS = ("dstIp", "srcIp", "qos", "protocol", "dstPort", "srcPort")
_FIELD_SET = frozenset(TRAFFIC_FIELDS)

_inet_pton = socket.inet_pton
_AF_INET = socket.AF_INET
_RANGE = re.compile(r"(0|[1-9][0-9]{0,4})-(0|[1-9][0-9]{0,4})")


_MASKS = frozenset(str(n) for n in range(33))


def valid_address(value: str) -> bool:
    """Whether ``value`` is an IPv4/IPv6 address or prefix (host bits allowed).

    >>> valid_address("10.0.0.1/8"), valid_address("2001:db8::/32"), valid_address("10.0.0.300")
    (True, True, False)
    >>> valid_address("010.0.0.1"), valid_address("10.0.0.1/"), valid_address("10.0.0.1/033")
    (False, False, False)
    """
    address, slash, mask = value.partition("/")
    try:
        _inet_pton(_AF_INET, address)  # strict dotted quad, in C
    except (OSError, ValueError):
        return _valid_other_address(value)
    return not slash or mask in _MASKS


@functools.lru_cache(maxsize=1024)  # small: most values are distinct destinations
def _valid_other_address(value: str) -> bool:
    if len(value) > 64:  # no address is that long; do not hand megabytes to ipaddress
        return False
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True


def _bounded_int(value: Any, field: str, top: int, what: str) -> int:
    if type(value) is not int:
        raise FecProblem(field, f"expected {what}, got {kind(value)} {short(value)}")
    if not 0 <= value <= top:
        raise FecProblem(field, f"{short(value)} is out of range: {what}")
    return value


def _protocol(value: Any, field: str) -> int:
    if type(value) is str:
        number = PROTOCOL_NUMBERS.get(value.lower())
        if number is None:
            names = ", ".join(sorted(PROTOCOL_NUMBERS))
            raise FecProblem(
                field, f"unknown protocol {short(value)} (a number 0-{PROTOCOL_MAX} or {names})"
            )
        return number
    return _bounded_int(value, field, PROTOCOL_MAX, f"a protocol number 0-{PROTOCOL_MAX} or a name")


def _ports(value: Any, field: str) -> PortRange:
    what = f'a port 0-{PORT_MAX} or a range "lo-hi"'
    if type(value) is str:
        m = _RANGE.fullmatch(value)
        if m is None:
            raise FecProblem(field, f"expected {what}, got {short(value)}")
        lo, hi = int(m.group(1)), int(m.group(2))
        if hi > PORT_MAX or lo > hi:
            raise FecProblem(
                field, f"{short(value)} is not a port range (0 <= lo <= hi <= {PORT_MAX})"
            )
        return lo, hi
    port = _bounded_int(value, field, PORT_MAX, what)
    return port, port


def _address(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if type(value) is not str:
        raise FecProblem(field, f"expected an IP address or prefix, got {kind(value)}")
    if not valid_address(value):
        raise FecProblem(field, f"{short(value)} is not an IP address or prefix")
    return value


def _key(item: dict[str, Any], where: str) -> TrafficKey:
    qos = item.get("qos")
    protocol = item.get("protocol")
    dport = item.get("dstPort")
    sport = item.get("srcPort")
    return TrafficKey(
        dst=_address(item.get("dstIp"), f"{where}.dstIp"),
        src=_address(item.get("srcIp"), f"{where}.srcIp"),
        qos=None
        if qos is None
        else _bounded_int(qos, f"{where}.qos", QOS_MAX, f"an integer 0-{QOS_MAX}"),
        protocol=None if protocol is None else _protocol(protocol, f"{where}.protocol"),
        dst_ports=None if dport is None else _ports(dport, f"{where}.dstPort"),
        src_ports=None if sport is None else _ports(sport, f"{where}.srcPort"),
    )


def parse_traffic(items: Any, field: str, *, strict: bool = False) -> tuple[TrafficKey, ...]:
    """Validate a list of traffic key objects (fields :data:`TRAFFIC_FIELDS`).

    With ``strict``, unknown fields are errors (path snapshots); otherwise they
    are ignored (the published Rela dataset may carry more).  An empty list is
    an FEC whose traffic is unknown: every packet.  Raises :class:`FecProblem`.

    >>> parse_traffic([{"dstIp": "10.0.0.0/8", "qos": 4}], "traffic")
    (TrafficKey(dst='10.0.0.0/8', src=None, qos=4, protocol=None, dst_ports=None, src_ports=None),)
    >>> parse_traffic([{"qos": 1e30}], "traffic")
    Traceback (most recent call last):
    ...
    rela.network.formats.common.FecProblem: traffic[0].qos: error: expected an integer 0-255, got a number 1e+30
    """
    if type(items) is not list:
        raise FecProblem(field, f"expected a list of traffic keys, got {kind(items)}")
    out = []
    for j, item in enumerate(items):
        where = f"{field}[{j}]"
        if type(item) is not dict:
            raise FecProblem(where, f"expected a traffic key object, got {kind(item)}")
        if strict and not item.keys() <= _FIELD_SET:
            extra = sorted(set(item) - _FIELD_SET)
            raise FecProblem(
                where, f"unknown field {short(extra[0])} (allowed: {', '.join(TRAFFIC_FIELDS)})"
            )
        out.append(_key(item, where))
    return tuple(out)
