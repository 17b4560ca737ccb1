"""Reading ACLs from Batfish answers: namedStructures() definitions, interface filters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rela.errors import NetworkInputError
from rela.network.acl import (
    AclRef,
    AclSpace,
    AndMatch,
    HeaderMatch,
    NotMatch,
    OrMatch,
    TrueMatch,
    Unsupported,
    UnsupportedSpace,
    Wildcard,
    WildcardSpace,
)
from rela.network.formats.batfish import find_export
from rela.network.formats.batfish_acl import parse_named_structures, read_named_structures
from rela.network.formats.batfish_readers import parse_interfaces

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "batfish-fcv"
OURS = Path(__file__).resolve().parents[2] / "snapshots" / "batfish" / "acl"
DM = "org.batfish.datamodel."


def row(lines: list[Any], name: str = "A", node: str = "r1") -> dict[str, Any]:
    return {
        "Node": node,
        "Structure_Type": "IP_Access_List",
        "Structure_Name": name,
        "Structure_Definition": {"name": name, "lines": lines},
    }


def line(match: dict[str, Any], action: str = "PERMIT", name: str = "l") -> dict[str, Any]:
    return {"class": DM + "ExprAclLine", "action": action, "matchCondition": match, "name": name}


def hs(**space: Any) -> dict[str, Any]:
    return {"class": DM + "acl.MatchHeaderSpace", "headerSpace": space}


def wc(text: str) -> dict[str, str]:
    return {"class": DM + "IpWildcardIpSpace", "ipWildcard": text}


def one_match(match: dict[str, Any]) -> Any:
    return parse_named_structures([row([line(match)])])[0].lines[0].match


def test_header_space_fields() -> None:
    m = one_match(
        hs(
            dstIps=wc("2.128.0.0/23"),
            srcIps=wc("10.0.0.0:0.255.0.255"),
            ipProtocols=["TCP", "17"],
            dstPorts=["80-80", "8000-8080"],
            srcPorts=["1024-65535"],
            notDstPorts=["8001-8001"],
            notIpProtocols=["GRE"],
            negate=True,
        )  # fmt: skip
    )
    assert m == HeaderMatch(
        dst=WildcardSpace((Wildcard.parse("2.128.0.0/23"),)),
        src=WildcardSpace((Wildcard.parse("10.0.0.0:0.255.0.255"),)),
        protocols=(6, 17),
        not_protocols=(47,),
        dst_ports=((80, 80), (8000, 8080)),
        not_dst_ports=((8001, 8001),),
        src_ports=((1024, 65535),),
        negate=True,
    )
    # empty lists leave a field unconstrained, as in Batfish
    assert one_match(hs(ipProtocols=[], dstPorts=[], negate=False)) == HeaderMatch()


def test_ip_space_classes() -> None:
    prefix = {"class": DM + "PrefixIpSpace", "prefix": "10.0.0.0/8"}
    ip = {"class": DM + "IpIpSpace", "ip": "10.0.0.1"}
    universe = {"class": DM + "UniverseIpSpace"}
    empty = {"class": DM + "EmptyIpSpace"}
    wset = {
        "class": DM + "IpWildcardSetIpSpace",
        "whitelist": ["10.0.0.0/8"],
        "blacklist": ["10.1.0.0/16"],
    }
    acl_space = {"class": DM + "AclIpSpace", "lines": [{"action": "DENY", "ipSpace": ip},
                                                      {"action": "PERMIT", "ipSpace": prefix}]}  # fmt: skip
    ref = {"class": DM + "IpSpaceReference", "name": "SERVERS"}
    got = [one_match(hs(dstIps=s)).dst for s in (prefix, ip, universe, empty, wset, acl_space, ref)]
    W = Wildcard.parse
    assert got == [
        WildcardSpace((W("10.0.0.0/8"),)),
        WildcardSpace((W("10.0.0.1"),)),
        WildcardSpace((Wildcard(0, 0xFFFFFFFF),)),
        WildcardSpace(()),
        WildcardSpace((W("10.0.0.0/8"),), (W("10.1.0.0/16"),)),
        AclSpace(
            ((False, WildcardSpace((W("10.0.0.1"),))), (True, WildcardSpace((W("10.0.0.0/8"),))))
        ),
        UnsupportedSpace("IP space IpSpaceReference"),
    ]


def test_match_expressions_and_line_kinds() -> None:
    tcp = {"class": DM + "acl.MatchIpProtocol", "protocol": "TCP"}
    port = {"class": DM + "acl.MatchDestinationPort", "ports": "22,80-81"}
    dst = {"class": DM + "acl.MatchDestinationIp", "ips": wc("10.0.0.0/8")}
    both = {"class": DM + "acl.AndMatchExpr", "conjuncts": [tcp, port]}
    either = {"class": DM + "acl.OrMatchExpr", "disjuncts": [dst, {"class": DM + "acl.TrueExpr"}]}
    neg = {"class": DM + "acl.NotMatchExpr", "operand": tcp}
    ref = {"class": DM + "acl.PermittedByAcl", "aclName": "OTHER"}
    src_if = {"class": DM + "acl.MatchSrcInterface", "srcInterfaces": ["Gi0/0"]}
    acl_line = {"class": DM + "AclAclLine", "aclName": "OTHER", "name": "include OTHER"}
    odd_line = {"class": DM + "SomeFutureLine", "name": "?"}
    lines = [line(m) for m in (both, either, neg, ref, src_if)] + [acl_line, odd_line]
    parsed = parse_named_structures([row(lines)])[0].lines
    assert parsed[0].match == AndMatch(
        (HeaderMatch(protocols=(6,)), HeaderMatch(dst_ports=((22, 22), (80, 81))))
    )
    assert parsed[1].match == OrMatch(
        (HeaderMatch(dst=WildcardSpace((Wildcard.parse("10.0.0.0/8"),))), TrueMatch())
    )
    assert parsed[2].match == NotMatch(HeaderMatch(protocols=(6,)))
    assert parsed[3].match == AclRef("OTHER")
    assert parsed[4].match == Unsupported("match condition acl.MatchSrcInterface")
    assert (parsed[5].acl, parsed[5].action) == ("OTHER", None)
    assert parsed[6].match == Unsupported("line class SomeFutureLine")


def test_header_fields_rela_does_not_model_are_unsupported_never_ignored() -> None:
    m = one_match(hs(ipProtocols=["ICMP"], icmpTypes=["8-8"]))
    assert isinstance(m, Unsupported) and "icmpTypes" in m.what
    assert isinstance(one_match(hs(tcpFlags=[{"useSyn": True}])), Unsupported)
    assert isinstance(one_match(hs(ipProtocols=["NOT_A_PROTOCOL"])), Unsupported)
    # empty values of those fields are harmless
    assert one_match(hs(icmpTypes=[], dscps=[])) == HeaderMatch()


def test_other_structure_types_are_skipped_and_definitions_may_be_strings() -> None:
    import json

    rows = [
        {
            "Node": "r1",
            "Structure_Type": "Routing_Policy",
            "Structure_Name": "RP",
            "Structure_Definition": {},
        },
        {**row([line(hs())]), "Structure_Definition": json.dumps({"lines": [line(hs())]})},
    ]
    acls = parse_named_structures({"answerElements": [{"rows": rows}]})
    assert [(a.node, a.name, len(a.lines)) for a in acls] == [("r1", "A", 1)]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([line(hs(), action="ALLOW")], "action should be PERMIT or DENY"),
        (["permit ip any any"], "an ACL line should be an object"),
        ([line(hs(dstIps=wc("10.0.0.300")))], "is not an IPv4 wildcard"),
        ([line(hs(dstPorts=["80"]))], "is not a range lo-hi"),
        ([line(hs(dstPorts=["90-80"]))], "not a port range inside 0-65535"),
        ([{"class": DM + "ExprAclLine", "action": "PERMIT"}], "without a 'matchCondition'"),
        ([line(hs(negate="yes"))], "'negate' should be true or false"),
    ],
)
def test_malformed_definitions_name_file_row_acl_and_line(lines: list[Any], message: str) -> None:
    with pytest.raises(NetworkInputError) as info:
        parse_named_structures(
            [row(lines, name="EDGE_IN", node="border1")], "base-named-structure.json"
        )
    text = str(info.value)
    assert message in text
    assert (
        "base-named-structure.json" in text
        and "border1" in text
        and "EDGE_IN" in text
        and "line 0" in text
    )


def test_interface_filters() -> None:
    rows = [
        {"Interface": {"hostname": "b1", "interface": "Gi0/0"}, "VRF": "default",
         "Incoming_Filter_Name": "IN", "Outgoing_Filter_Name": None},
        {"Interface": "b1[Gi0/1]", "VRF": "default", "Outgoing_Filter_Name": "OUT"},
    ]  # fmt: skip
    infos = parse_interfaces(rows)
    assert [(i.interface, i.in_filter, i.out_filter) for i in infos] == [
        ("Gi0/0", "IN", None),
        ("Gi0/1", None, "OUT"),
    ]
    with pytest.raises(NetworkInputError, match="Incoming_Filter_Name"):
        parse_interfaces([{"Interface": "b1[Gi0/0]", "Incoming_Filter_Name": 7}], "ifaces.json")


def test_find_export_picks_the_named_structures_by_file_name() -> None:
    export = find_export(OURS / "base")
    assert export.acls is not None and export.acls.name == "named-structure.json"
    snapshot = export.load()
    assert snapshot.has_interfaces and snapshot.acls is not None
    assert {a.name for a in snapshot.acls} == {
        "OUTSIDE_TO_INSIDE", "RESTRICT_HOST_TRAFFIC_OUT", "RESTRICT_HOST_TRAFFIC_IN",
        "RESTRICT_NETWORK_TRAFFIC_IN",
    }  # fmt: skip


@pytest.mark.skipif(not (DATA / "base-named-structure.json").exists(), reason="no batfish-fcv data")
def test_the_tutorial_exports() -> None:
    acls = read_named_structures(DATA / "base-named-structure.json")
    assert len(acls) == 17
    outside = next(a for a in acls if a.node == "border1" and a.name == "OUTSIDE_TO_INSIDE")
    assert [(ln.index, ln.action, ln.name) for ln in outside.lines] == [
        (0, "permit", "permit tcp any 2.128.0.0 0.0.1.255 eq ssh"),
        (1, "permit", "permit udp any 2.0.0.0 0.255.255.255"),
        (2, "deny", "deny ip any any"),
    ]
    assert outside.lines[0].match == HeaderMatch(
        dst=WildcardSpace((Wildcard.parse("2.128.0.0/23"),)),
        src=WildcardSpace((Wildcard.parse("0.0.0.0/0"),)),
        protocols=(6,),
        dst_ports=((22, 22),),
    )
    # base-node/-edge/-interface/-named-structure: one prefix, four answers
    export = find_export(DATA / "base")
    assert export.acls == DATA / "base-named-structure.json"
    assert export.interfaces == DATA / "base-interface.json"
    filters = {(i.node, i.interface): (i.in_filter, i.out_filter) for i in export.load().interfaces}
    assert filters[("leaf1", "GigabitEthernet2/0")] == (
        "RESTRICT_HOST_TRAFFIC_IN",
        "RESTRICT_HOST_TRAFFIC_OUT",
    )
