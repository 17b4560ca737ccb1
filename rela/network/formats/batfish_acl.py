"""Reader of Batfish's ``namedStructures()`` answer: the ``IP_Access_List`` definitions.

Each row is ``{Node, Structure_Type, Structure_Name, Structure_Definition}``;
rows of other structure types (route maps, community sets...) are skipped.  An
``IP_Access_List`` definition is Batfish's ``IpAccessList`` as JSON: ``lines``
of ``ExprAclLine`` (``action``, ``matchCondition``, ``name``) or ``AclAclLine``
(``aclName``).  Match conditions and IP spaces become the values of
:mod:`rela.network.acl`; a class or a header field Rela does not model becomes
:class:`~rela.network.acl.Unsupported` (reported as a warning, never guessed).
Malformed JSON (a line that is not an object, an unreadable wildcard, a port
range that is not ``lo-hi``) is a :class:`~rela.errors.NetworkInputError`
naming the file, the row and the line.

>>> row = {"Node": "r1", "Structure_Type": "IP_Access_List", "Structure_Name": "A",
...        "Structure_Definition": {"name": "A", "lines": [{
...            "class": "org.batfish.datamodel.ExprAclLine", "action": "PERMIT",
...            "name": "permit udp any any",
...            "matchCondition": {"class": "org.batfish.datamodel.acl.MatchHeaderSpace",
...                               "headerSpace": {"ipProtocols": ["UDP"]}}}]}}
>>> parse_named_structures([row])[0].lines[0].match.protocols
(17,)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from rela.network.acl import (
    DENY,
    PERMIT,
    Acl,
    AclLine,
    AclRef,
    AclSpace,
    AndMatch,
    FalseMatch,
    HeaderMatch,
    IpSpace,
    Match,
    NotMatch,
    OrMatch,
    TrueMatch,
    Unsupported,
    UnsupportedSpace,
    Wildcard,
    WildcardSpace,
)
from rela.network.formats.batfish_readers import _Ctx, _rows, load_json

__all__ = ["parse_named_structures", "read_named_structures", "IP_PROTOCOLS"]

#: Batfish ``IpProtocol`` names Rela knows (IANA numbers); a number is accepted too.
IP_PROTOCOLS: dict[str, int] = {
    "HOPOPT": 0,
    "ICMP": 1,
    "IGMP": 2,
    "GGP": 3,
    "IPINIP": 4,
    "TCP": 6,
    "EGP": 8,
    "IGP": 9,
    "UDP": 17,
    "IPV6": 41,
    "RSVP": 46,
    "GRE": 47,
    "ESP": 50,
    "AHP": 51,
    "IPV6_ICMP": 58,
    "EIGRP": 88,
    "OSPF": 89,
    "PIM": 103,
    "IPCOMP": 108,
    "VRRP": 112,
    "L2TP": 115,
    "ISIS": 124,
    "SCTP": 132,
}

_PREFIX = "org.batfish.datamodel."
#: HeaderSpace fields Rela models, by JSON name.
_MODELLED = frozenset(
    {
        "dstIps",
        "notDstIps",
        "srcIps",
        "notSrcIps",
        "srcOrDstIps",
        "ipProtocols",
        "notIpProtocols",
        "dstPorts",
        "notDstPorts",
        "srcPorts",
        "notSrcPorts",
        "srcOrDstPorts",
        "negate",
    }
)


def _short_class(value: Any) -> str:
    text = str(value)
    return text[len(_PREFIX) :] if text.startswith(_PREFIX) else text


def parse_named_structures(data: Any, filename: str | None = None) -> tuple[Acl, ...]:
    """The ``IP_Access_List`` definitions of a ``namedStructures()`` answer already loaded."""
    out: list[Acl] = []
    for where, row in _rows(data, filename, "namedStructures()", grouped=False):
        ctx = _Ctx(filename, where)
        if row.get("Structure_Type") != "IP_Access_List":
            continue
        node = ctx.node(ctx.field(row, "Node"), "Node")
        name = ctx.text(row, "Structure_Name")
        definition = ctx.field(row, "Structure_Definition")
        if isinstance(definition, str):  # some exports keep the definition as a JSON string
            try:
                definition = orjson.loads(definition)
            except orjson.JSONDecodeError:
                raise ctx.error("field 'Structure_Definition' is not valid JSON") from None
        if not isinstance(definition, dict):
            raise ctx.error(
                f"field 'Structure_Definition' should be an object, found {definition!r}"
            )
        lines = definition.get("lines", [])
        if not isinstance(lines, list):
            raise ctx.error(f"ACL {name!r}: 'lines' should be a list")
        parsed = tuple(
            _line(i, line, _Ctx(filename, f"{where} (node {node!r}, ACL {name!r}, line {i})"))
            for i, line in enumerate(lines)
        )
        out.append(Acl(node, name, parsed))
    return tuple(out)


def read_named_structures(path: str | Path) -> tuple[Acl, ...]:
    """The ACLs of a ``namedStructures()`` answer saved as JSON."""
    return parse_named_structures(load_json(path), str(path))


def _line(index: int, line: Any, ctx: _Ctx) -> AclLine:
    if not isinstance(line, dict):
        raise ctx.error(f"an ACL line should be an object, found {line!r}")
    kind = _short_class(line.get("class", "ExprAclLine"))
    name = line.get("name")
    text = name if isinstance(name, str) and name else f"line {index}"
    if kind == "AclAclLine":
        acl = line.get("aclName")
        if not isinstance(acl, str) or not acl:
            raise ctx.error("AclAclLine without an 'aclName'")
        return AclLine(index, text, None, TrueMatch(), acl=acl)
    if kind != "ExprAclLine":
        return AclLine(index, text, None, Unsupported(f"line class {kind}"))
    action = str(line.get("action", "")).upper()
    if action not in ("PERMIT", "DENY"):
        raise ctx.error(f"ACL line action should be PERMIT or DENY, found {line.get('action')!r}")
    if "matchCondition" not in line:
        raise ctx.error("ExprAclLine without a 'matchCondition'")
    return AclLine(
        index, text, PERMIT if action == "PERMIT" else DENY, _match(line["matchCondition"], ctx)
    )


def _match(expr: Any, ctx: _Ctx) -> Match:
    if not isinstance(expr, dict):
        raise ctx.error(f"a match condition should be an object, found {expr!r}")
    kind = _short_class(expr.get("class"))
    if kind == "acl.MatchHeaderSpace":
        space = expr.get("headerSpace")
        if not isinstance(space, dict):
            raise ctx.error("MatchHeaderSpace without a 'headerSpace' object")
        return _header_space(space, ctx)
    if kind == "acl.TrueExpr":
        return TrueMatch()
    if kind == "acl.FalseExpr":
        return FalseMatch()
    if kind in ("acl.AndMatchExpr", "acl.OrMatchExpr"):
        field = "conjuncts" if kind == "acl.AndMatchExpr" else "disjuncts"
        parts = expr.get(field)
        if not isinstance(parts, list):
            raise ctx.error(f"{kind[4:]} without a '{field}' list")
        inner = tuple(_match(p, ctx) for p in parts)
        return AndMatch(inner) if kind == "acl.AndMatchExpr" else OrMatch(inner)
    if kind == "acl.NotMatchExpr":
        return NotMatch(_match(expr.get("operand"), ctx))
    if kind in ("acl.PermittedByAcl", "acl.DeniedByAcl"):
        name = expr.get("aclName")
        if not isinstance(name, str) or not name:
            raise ctx.error(f"{kind[4:]} without an 'aclName'")
        return AclRef(name, permitted=kind == "acl.PermittedByAcl")
    if kind in ("acl.MatchDestinationIp", "acl.MatchSourceIp"):
        ips = _ip_space(expr.get("ips"), ctx)
        return HeaderMatch(dst=ips) if kind == "acl.MatchDestinationIp" else HeaderMatch(src=ips)
    if kind in ("acl.MatchDestinationPort", "acl.MatchSourcePort"):
        ports = _integer_space(expr.get("ports"), ctx)
        if ports is None:
            return Unsupported(f"{kind[4:]} ports {expr.get('ports')!r}")
        if kind == "acl.MatchDestinationPort":
            return HeaderMatch(dst_ports=ports)
        return HeaderMatch(src_ports=ports)
    if kind == "acl.MatchIpProtocol":
        number = _protocol(expr.get("protocol"))
        if number is None:
            return Unsupported(f"IP protocol {expr.get('protocol')!r}")
        return HeaderMatch(protocols=(number,))
    return Unsupported(f"match condition {kind or '(no class)'}")


def _header_space(space: dict[str, Any], ctx: _Ctx) -> Match:
    for key, value in space.items():
        if key not in _MODELLED and value not in (None, [], {}, False, ""):
            return Unsupported(f"header field {key} = {value!r}"[:160])
    fields: dict[str, Any] = {}
    for key, attr in (
        ("dstIps", "dst"),
        ("notDstIps", "not_dst"),
        ("srcIps", "src"),
        ("notSrcIps", "not_src"),
        ("srcOrDstIps", "src_or_dst"),
    ):
        if space.get(key) is not None:
            fields[attr] = _ip_space(space[key], ctx)
    for key, attr in (("ipProtocols", "protocols"), ("notIpProtocols", "not_protocols")):
        values = space.get(key) or []
        if not isinstance(values, list):
            raise ctx.error(f"header field {key!r} should be a list, found {values!r}")
        if values:
            numbers = [_protocol(v) for v in values]
            unknown = [v for v, n in zip(values, numbers, strict=True) if n is None]
            if unknown:
                return Unsupported(f"IP protocol {unknown[0]!r}")
            fields[attr] = tuple(sorted({n for n in numbers if n is not None}))
    for key, attr in (
        ("dstPorts", "dst_ports"),
        ("notDstPorts", "not_dst_ports"),
        ("srcPorts", "src_ports"),
        ("notSrcPorts", "not_src_ports"),
        ("srcOrDstPorts", "src_or_dst_ports"),
    ):
        values = space.get(key) or []
        if not isinstance(values, list):
            raise ctx.error(f"header field {key!r} should be a list of ranges, found {values!r}")
        if values:
            fields[attr] = tuple(_sub_range(v, key, ctx) for v in values)
    negate = space.get("negate", False)
    if not isinstance(negate, bool):
        raise ctx.error(f"header field 'negate' should be true or false, found {negate!r}")
    return HeaderMatch(negate=negate, **fields)


def _protocol(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 255:
        return value
    if isinstance(value, str):
        text = value.strip().upper()
        if text.isdigit() and 0 <= int(text) <= 255:
            return int(text)
        return IP_PROTOCOLS.get(text)
    return None


def _sub_range(value: Any, key: str, ctx: _Ctx) -> tuple[int, int]:
    """Batfish's ``SubRange``: ``"lo-hi"`` or a number."""
    if isinstance(value, int) and not isinstance(value, bool):
        lo = hi = value
    elif isinstance(value, str) and value.count("-") == 1:
        a, b = value.split("-")
        try:
            lo, hi = int(a), int(b)
        except ValueError:
            raise ctx.error(f"header field {key!r}: {value!r} is not a range lo-hi") from None
    elif isinstance(value, dict) and "start" in value and "end" in value:
        lo, hi = value["start"], value["end"]
    else:
        raise ctx.error(f"header field {key!r}: {value!r} is not a range lo-hi")
    if not (isinstance(lo, int) and isinstance(hi, int) and 0 <= lo <= hi <= 65535):
        raise ctx.error(f"header field {key!r}: {value!r} is not a port range inside 0-65535")
    return (lo, hi)


def _integer_space(value: Any, ctx: _Ctx) -> tuple[tuple[int, int], ...] | None:
    """Batfish's ``IntegerSpace`` as text (``"22"``, ``"1-5,8"``); None when not understood."""
    if not isinstance(value, str) or not value.strip() or "!" in value:
        return None
    out = []
    for part in value.split(","):
        part = part.strip()
        try:
            lo, _, hi = part.partition("-")
            out.append((int(lo), int(hi or lo)))
        except ValueError:
            return None
    if not all(0 <= lo <= hi <= 65535 for lo, hi in out):
        return None
    return tuple(out)


def _wildcard(text: Any, ctx: _Ctx) -> Wildcard:
    if not isinstance(text, str):
        raise ctx.error(f"an IP wildcard should be a string, found {text!r}")
    try:
        return Wildcard.parse(text)
    except ValueError:
        raise ctx.error(
            f"{text!r} is not an IPv4 wildcard (a.b.c.d, a.b.c.d/len or a.b.c.d:mask)"
        ) from None


def _ip_space(value: Any, ctx: _Ctx) -> IpSpace:
    if not isinstance(value, dict):
        raise ctx.error(f"an IP space should be an object, found {value!r}")
    kind = _short_class(value.get("class"))
    if kind == "IpWildcardIpSpace":
        return WildcardSpace((_wildcard(value.get("ipWildcard"), ctx),))
    if kind == "PrefixIpSpace":
        return WildcardSpace((_wildcard(value.get("prefix"), ctx),))
    if kind == "IpIpSpace":
        return WildcardSpace((_wildcard(value.get("ip"), ctx),))
    if kind == "UniverseIpSpace":
        return WildcardSpace((Wildcard(0, 0xFFFFFFFF),))
    if kind == "EmptyIpSpace":
        return WildcardSpace(())
    if kind == "IpWildcardSetIpSpace":
        include = value.get("whitelist") or []
        exclude = value.get("blacklist") or []
        if not isinstance(include, list) or not isinstance(exclude, list):
            raise ctx.error("IpWildcardSetIpSpace: 'whitelist'/'blacklist' should be lists")
        return WildcardSpace(
            tuple(_wildcard(w, ctx) for w in include), tuple(_wildcard(w, ctx) for w in exclude)
        )
    if kind == "AclIpSpace":
        lines = value.get("lines")
        if not isinstance(lines, list):
            raise ctx.error("AclIpSpace without a 'lines' list")
        out: list[tuple[bool, IpSpace]] = []
        for line in lines:
            if not isinstance(line, dict) or str(line.get("action", "")).upper() not in (
                "PERMIT",
                "DENY",
            ):
                raise ctx.error(f"AclIpSpace line should have an action PERMIT or DENY: {line!r}")
            out.append(
                (str(line["action"]).upper() == "PERMIT", _ip_space(line.get("ipSpace"), ctx))
            )
        return AclSpace(tuple(out))
    return UnsupportedSpace(f"IP space {kind or '(no class)'}")
