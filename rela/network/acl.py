"""IP access lists as Batfish models them, and their meaning on one packet.

The values mirror Batfish's vendor-independent model (``IpAccessList``): an
:class:`Acl` is a list of lines read top down, the **first line that matches**
decides (``permit`` or ``deny``), and a packet no line matches is **denied**
(the implicit deny).  A line is either an ``ExprAclLine`` (an action and a
match expression) or an ``AclAclLine`` (the lines of another ACL, in place).

Match expressions (:data:`Match`): :class:`HeaderMatch` (Batfish's
``MatchHeaderSpace``: dst/src IP spaces, protocols, port ranges, their ``not``
forms, ``negate``), :class:`TrueMatch`, :class:`FalseMatch`, :class:`AndMatch`,
:class:`OrMatch`, :class:`NotMatch`, :class:`AclRef` (``PermittedByAcl`` /
``DeniedByAcl``).  IP spaces (:data:`IpSpace`) are unions of wildcards minus
unions of wildcards (``IpWildcardIpSpace``, ``PrefixIpSpace``, ``IpIpSpace``,
``UniverseIpSpace``, ``EmptyIpSpace``, ``IpWildcardSetIpSpace``) or first-match
lists (``AclIpSpace``).  Anything else is :class:`Unsupported`: Rela does not
guess its meaning (the traffic it could decide is reported as an error).

Batfish's IP spaces are IPv4; an ACL applies to IPv4 packets only (an IPv6
packet passes an IPv4 filter, as on the devices, where IPv6 has its own).

>>> web = Acl("r1", "WEB", (
...     AclLine(0, "permit tcp any any eq www", "permit",
...             HeaderMatch(protocols=(6,), dst_ports=((80, 80),))),))
>>> evaluate(web, Packet.of("10.0.0.1", "1.1.1.1", 6, 80), {}).action
'permit'
>>> evaluate(web, Packet.of("10.0.0.1", "1.1.1.1", 17, 80), {})
Decision(action='deny', line=None)
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from typing import Union

from rela.network.headerspace import Packet
from rela.values import frozen

__all__ = [
    "Wildcard",
    "WildcardSpace",
    "AclSpace",
    "UnsupportedSpace",
    "IpSpace",
    "HeaderMatch",
    "TrueMatch",
    "FalseMatch",
    "AndMatch",
    "OrMatch",
    "NotMatch",
    "AclRef",
    "Unsupported",
    "Match",
    "AclLine",
    "Acl",
    "Decision",
    "Packet",
    "evaluate",
    "unsupported_lines",
    "PERMIT",
    "DENY",
]

PERMIT = "permit"
DENY = "deny"
PortRanges = tuple[tuple[int, int], ...]

# --------------------------------------------------------------------------- IP spaces


@frozen
class Wildcard:
    """An IPv4 address with a wildcard mask: the bits set in ``mask`` are "don't care".

    >>> Wildcard.parse("2.128.0.0/23"), Wildcard.parse("10.0.0.0:0.255.0.255").contains(
    ...     int(ipaddress.ip_address("10.7.0.9")))
    (Wildcard(address=41943040, mask=511), True)
    """

    address: int
    mask: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "address", self.address & ~self.mask & 0xFFFFFFFF)

    @staticmethod
    def parse(text: str) -> Wildcard:
        """``"1.2.3.4"``, ``"1.2.3.0/24"`` or ``"1.2.3.0:0.0.0.255"`` (Batfish's ``IpWildcard``)."""
        text = text.strip()
        if ":" in text:
            addr, mask = text.split(":", 1)
            return Wildcard(int(ipaddress.IPv4Address(addr)), int(ipaddress.IPv4Address(mask)))
        if "/" in text:
            net = ipaddress.IPv4Network(text, strict=False)
            return Wildcard(int(net.network_address), (1 << (32 - net.prefixlen)) - 1)
        return Wildcard(int(ipaddress.IPv4Address(text)), 0)

    def contains(self, ip: int) -> bool:
        return (ip | self.mask) == (self.address | self.mask)

    def __str__(self) -> str:
        addr = ipaddress.IPv4Address(self.address)
        free = self.mask
        if free & (free + 1) == 0:  # trailing ones: a prefix
            return f"{addr}/{32 - free.bit_length()}"
        return f"{addr}:{ipaddress.IPv4Address(free)}"


ANY_ADDRESS = Wildcard(0, 0xFFFFFFFF)


@frozen
class WildcardSpace:
    """The addresses matching some wildcard of ``include`` and none of ``exclude``."""

    include: tuple[Wildcard, ...]
    exclude: tuple[Wildcard, ...] = ()


@frozen
class AclSpace:
    """Batfish's ``AclIpSpace``: the first line containing the address decides (none: outside)."""

    lines: tuple[tuple[bool, IpSpace], ...]  # (permit, space)


@frozen
class UnsupportedSpace:
    """An IP space Rela does not model (e.g. a reference to a named IP space)."""

    what: str


IpSpace = Union[WildcardSpace, AclSpace, UnsupportedSpace]

# --------------------------------------------------------------------------- matches


@frozen
class HeaderMatch:
    """Batfish's ``MatchHeaderSpace``: every given constraint holds (``negate``: the opposite).

    ``None`` leaves a field unconstrained; ``not_*`` fields exclude.  Protocols
    are IP protocol numbers; ports inclusive ``(lo, hi)`` ranges.
    """

    dst: IpSpace | None = None
    not_dst: IpSpace | None = None
    src: IpSpace | None = None
    not_src: IpSpace | None = None
    src_or_dst: IpSpace | None = None
    protocols: tuple[int, ...] | None = None
    not_protocols: tuple[int, ...] | None = None
    dst_ports: PortRanges | None = None
    not_dst_ports: PortRanges | None = None
    src_ports: PortRanges | None = None
    not_src_ports: PortRanges | None = None
    src_or_dst_ports: PortRanges | None = None
    negate: bool = False


@frozen
class TrueMatch:
    """Matches every packet."""


@frozen
class FalseMatch:
    """Matches no packet."""


@frozen
class AndMatch:
    parts: tuple[Match, ...]


@frozen
class OrMatch:
    parts: tuple[Match, ...]


@frozen
class NotMatch:
    part: Match


@frozen
class AclRef:
    """``PermittedByAcl`` (``permitted``) or ``DeniedByAcl``: another ACL of the same node."""

    acl: str
    permitted: bool = True


@frozen
class Unsupported:
    """A match condition Rela does not model; ``what`` says which (for the warning)."""

    what: str


Match = Union[HeaderMatch, TrueMatch, FalseMatch, AndMatch, OrMatch, NotMatch, AclRef, Unsupported]

# --------------------------------------------------------------------------- ACLs


@frozen
class AclLine:
    """One line: ``action`` + ``match`` (``ExprAclLine``), or ``acl`` (``AclAclLine``).

    ``index`` is the line's position (0-based), ``name`` its text in the config.
    A line whose ``match`` is :class:`Unsupported` (or whose kind Rela does not
    know: ``action`` None and no ``acl``) cannot be decided.
    """

    index: int
    name: str
    action: str | None
    match: Match
    acl: str | None = None


@frozen
class Acl:
    """An IP access list of one node."""

    node: str
    name: str
    lines: tuple[AclLine, ...]


@frozen
class Decision:
    """What an ACL does with a packet: ``permit``/``deny``/``unknown`` and the deciding line."""

    action: str
    line: int | None


Lookup = Mapping[tuple[str, str], Acl]

# --------------------------------------------------------------------------- one packet


def evaluate(acl: Acl, packet: Packet, acls: Lookup) -> Decision:
    """The decision of ``acl`` on an IPv4 ``packet``: first match wins, implicit deny.

    ``acls`` maps ``(node, name)`` to the ACLs that lines may reference.  The
    decision is ``unknown`` when an unsupported line or condition is reached.
    This is the reference semantics the BDD translation is tested against.

    >>> deny_all = Acl("r1", "D", (AclLine(0, "deny ip any any", "deny", TrueMatch()),))
    >>> evaluate(deny_all, Packet.of("10.0.0.1", "1.1.1.1", 6, 80), {})
    Decision(action='deny', line=0)
    """
    return _evaluate(acl, packet, acls, frozenset())


def _evaluate(acl: Acl, packet: Packet, acls: Lookup, active: frozenset[str]) -> Decision:
    found = _first_match(acl, packet, acls, active | {acl.name})
    if found is None:
        return Decision(DENY, None)
    return found


def _first_match(acl: Acl, packet: Packet, acls: Lookup, active: frozenset[str]) -> Decision | None:
    """The first line of ``acl`` matching ``packet`` (None: no line matches)."""
    for line in acl.lines:
        if line.acl is not None:
            inner = acls.get((acl.node, line.acl))
            if inner is None or line.acl in active:
                return Decision("unknown", line.index)
            found = _first_match(inner, packet, acls, active | {line.acl})
            if found is not None:
                return Decision(found.action, line.index)
            continue
        matched = _matches(line.match, packet, acl.node, acls, active)
        if matched is None or line.action is None:
            return Decision("unknown", line.index)
        if matched:
            return Decision(line.action, line.index)
    return None


def _matches(
    match: Match, packet: Packet, node: str, acls: Lookup, active: frozenset[str]
) -> bool | None:
    """Whether ``match`` holds (None: it cannot be decided)."""
    if isinstance(match, TrueMatch):
        return True
    if isinstance(match, FalseMatch):
        return False
    if isinstance(match, HeaderMatch):
        return _header_matches(match, packet)
    if isinstance(match, NotMatch):
        inner = _matches(match.part, packet, node, acls, active)
        return None if inner is None else not inner
    if isinstance(match, (AndMatch, OrMatch)):
        values = [_matches(p, packet, node, acls, active) for p in match.parts]
        want = isinstance(match, OrMatch)
        if want in values:
            return want
        return None if None in values else not want
    if isinstance(match, AclRef):
        inner_acl = acls.get((node, match.acl))
        if inner_acl is None or match.acl in active:
            return None
        decision = _evaluate(inner_acl, packet, acls, active)
        if decision.action == "unknown":
            return None
        return (decision.action == PERMIT) == match.permitted
    return None  # Unsupported


def _header_matches(m: HeaderMatch, p: Packet) -> bool | None:
    dst, src = int(p.dst), int(p.src)
    checks: list[Callable[[], bool | None]] = [
        lambda: _in_space(m.dst, dst, True),
        lambda: _not(_in_space(m.not_dst, dst, False)),
        lambda: _in_space(m.src, src, True),
        lambda: _not(_in_space(m.not_src, src, False)),
        lambda: _either(_in_space(m.src_or_dst, src, True), _in_space(m.src_or_dst, dst, True)),
        lambda: m.protocols is None or p.protocol in m.protocols,
        lambda: m.not_protocols is None or p.protocol not in m.not_protocols,
        lambda: _in_ranges(m.dst_ports, p.dst_port, True),
        lambda: not _in_ranges(m.not_dst_ports, p.dst_port, False),
        lambda: _in_ranges(m.src_ports, p.src_port, True),
        lambda: not _in_ranges(m.not_src_ports, p.src_port, False),
        lambda: (
            _in_ranges(m.src_or_dst_ports, p.src_port, True)
            or _in_ranges(m.src_or_dst_ports, p.dst_port, True)
        ),
    ]
    result: bool | None = True
    for check in checks:
        value = check()
        if value is False:
            result = False
            break
        if value is None:
            result = None
    if result is None:
        return None
    return result != m.negate


def _not(value: bool | None) -> bool | None:
    return None if value is None else not value


def _either(a: bool | None, b: bool | None) -> bool | None:
    if a or b:
        return True
    return None if a is None or b is None else False


def _in_ranges(ranges: PortRanges | None, port: int, absent: bool) -> bool:
    if ranges is None:
        return absent
    return any(lo <= port <= hi for lo, hi in ranges)


def _in_space(space: IpSpace | None, ip: int, absent: bool) -> bool | None:
    if space is None:
        return absent
    if isinstance(space, WildcardSpace):
        return any(w.contains(ip) for w in space.include) and not any(
            w.contains(ip) for w in space.exclude
        )
    if isinstance(space, AclSpace):
        for permit, inner in space.lines:
            found = _in_space(inner, ip, False)
            if found is None:
                return None
            if found:
                return permit
        return False
    return None


# --------------------------------------------------------------------------- what is not modelled


def unsupported_lines(acl: Acl, acls: Lookup) -> list[tuple[AclLine, str]]:
    """The lines of ``acl`` Rela cannot decide, each with the reason.

    >>> odd = Acl("r1", "X", (AclLine(0, "permit icmp any any echo", "permit",
    ...                               Unsupported("icmpTypes")),))
    >>> [(line.index, why) for line, why in unsupported_lines(odd, {})]
    [(0, 'icmpTypes')]
    """
    out: list[tuple[AclLine, str]] = []
    for line in acl.lines:
        reason = _line_problem(acl, line, acls, frozenset({acl.name}))
        if reason is not None:
            out.append((line, reason))
    return out


def _line_problem(acl: Acl, line: AclLine, acls: Lookup, active: frozenset[str]) -> str | None:
    if line.acl is not None:
        return _reference_problem(acl.node, line.acl, acls, active)
    if line.action is None:
        return _match_problem(line.match, acl.node, acls, active) or "unknown line kind"
    return _match_problem(line.match, acl.node, acls, active)


def _reference_problem(node: str, name: str, acls: Lookup, active: frozenset[str]) -> str | None:
    inner = acls.get((node, name))
    if inner is None:
        return f"references ACL {name!r}, which is not defined"
    if name in active:
        return f"references ACL {name!r} in a cycle"
    for line in inner.lines:
        reason = _line_problem(inner, line, acls, active | {name})
        if reason is not None:
            return f"references ACL {name!r}, whose line {line.index} {reason}"
    return None


def _match_problem(match: Match, node: str, acls: Lookup, active: frozenset[str]) -> str | None:
    if isinstance(match, Unsupported):
        return match.what
    if isinstance(match, NotMatch):
        return _match_problem(match.part, node, acls, active)
    if isinstance(match, (AndMatch, OrMatch)):
        for part in match.parts:
            reason = _match_problem(part, node, acls, active)
            if reason is not None:
                return reason
        return None
    if isinstance(match, AclRef):
        return _reference_problem(node, match.acl, acls, active)
    if isinstance(match, HeaderMatch):
        for space in (match.dst, match.not_dst, match.src, match.not_src, match.src_or_dst):
            reason = _space_problem(space)
            if reason is not None:
                return reason
    return None


def _space_problem(space: IpSpace | None) -> str | None:
    if isinstance(space, UnsupportedSpace):
        return space.what
    if isinstance(space, AclSpace):
        for _, inner in space.lines:
            reason = _space_problem(inner)
            if reason is not None:
                return reason
    return None
