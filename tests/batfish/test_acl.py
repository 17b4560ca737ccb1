"""ACL matching against hand-computed expectations: the reference semantics
(``rela.network.acl.evaluate``) and the BDD translation (``AclCompiler``) must both
give them.

Each case is an ACL, a packet and the decision written by hand (action and the
deciding line: None is the implicit deny).
"""

from __future__ import annotations

import pytest

from rela.network.acl import (
    Acl,
    AclLine,
    AclRef,
    AclSpace,
    AndMatch,
    FalseMatch,
    HeaderMatch,
    NotMatch,
    OrMatch,
    Packet,
    TrueMatch,
    Unsupported,
    UnsupportedSpace,
    Wildcard,
    WildcardSpace,
    evaluate,
    unsupported_lines,
)
from rela.network.acl_bdd import AclCompiler
from rela.network.headerspace import BACKENDS, PacketSpace, default_backend


def space_of(*texts: str) -> WildcardSpace:
    return WildcardSpace(tuple(Wildcard.parse(t) for t in texts))


def acl(*lines: tuple[str, object], name: str = "A", node: str = "r1") -> Acl:
    return Acl(
        node,
        name,
        tuple(AclLine(i, f"line {i}", action, match) for i, (action, match) in enumerate(lines)),  # type: ignore[arg-type]
    )


def P(
    dst: str, proto: int = 6, dport: int = 80, src: str = "192.0.2.1", sport: int = 40000
) -> Packet:
    return Packet.of(dst, src, proto, dport, sport)


TCP_WEB = HeaderMatch(protocols=(6,), dst_ports=((80, 80),))
TEN = HeaderMatch(dst=space_of("10.0.0.0/8"))

# (name, ACL, packet, expected action, expected line)
CASES = [
    # first match wins: the deny of line 0 shadows the permit of line 1
    ("first-match", acl(("deny", TEN), ("permit", TCP_WEB)), P("10.1.2.3"), "deny", 0),
    (
        "first-match-falls-through",
        acl(("deny", TEN), ("permit", TCP_WEB)),
        P("11.0.0.1"),
        "permit",
        1,
    ),
    # implicit deny when no line matches
    ("implicit-deny", acl(("permit", HeaderMatch(protocols=(17,)))), P("10.0.0.1"), "deny", None),
    ("empty-acl", acl(), P("10.0.0.1"), "deny", None),
    # negate: the line matches what the header space does not
    (
        "negate-match",
        acl(("permit", HeaderMatch(protocols=(6,), negate=True))),
        P("1.1.1.1", 17, 53),
        "permit",
        0,
    ),
    (
        "negate-miss",
        acl(("permit", HeaderMatch(protocols=(6,), negate=True))),
        P("1.1.1.1", 6),
        "deny",
        None,
    ),
    (
        "negate-conjunction",
        acl(
            ("deny", HeaderMatch(protocols=(6,), dst_ports=((22, 22),), negate=True)),
            ("permit", TrueMatch()),
        ),
        P("1.1.1.1", 6, 22),
        "permit",
        1,
    ),
    (
        "negate-conjunction-2",
        acl(
            ("deny", HeaderMatch(protocols=(6,), dst_ports=((22, 22),), negate=True)),
            ("permit", TrueMatch()),
        ),
        P("1.1.1.1", 6, 23),
        "deny",
        0,
    ),
    # port ranges: inclusive bounds, several ranges, source ports, excluded ranges
    (
        "port-low",
        acl(("permit", HeaderMatch(dst_ports=((1024, 2047),)))),
        P("1.1.1.1", 6, 1024),
        "permit",
        0,
    ),
    (
        "port-high",
        acl(("permit", HeaderMatch(dst_ports=((1024, 2047),)))),
        P("1.1.1.1", 6, 2047),
        "permit",
        0,
    ),
    (
        "port-below",
        acl(("permit", HeaderMatch(dst_ports=((1024, 2047),)))),
        P("1.1.1.1", 6, 1023),
        "deny",
        None,
    ),
    (
        "port-above",
        acl(("permit", HeaderMatch(dst_ports=((1024, 2047),)))),
        P("1.1.1.1", 6, 2048),
        "deny",
        None,
    ),
    (
        "port-ranges",
        acl(("permit", HeaderMatch(dst_ports=((22, 22), (8000, 8080))))),
        P("1.1.1.1", 6, 8080),
        "permit",
        0,
    ),
    (
        "sport",
        acl(("permit", HeaderMatch(src_ports=((0, 1023),)))),
        P("1.1.1.1", 17, 53, sport=1023),
        "permit",
        0,
    ),
    (
        "sport-miss",
        acl(("permit", HeaderMatch(src_ports=((0, 1023),)))),
        P("1.1.1.1", 17, 53, sport=1024),
        "deny",
        None,
    ),
    (
        "not-dport",
        acl(("permit", HeaderMatch(not_dst_ports=((80, 80),)))),
        P("1.1.1.1", 6, 80),
        "deny",
        None,
    ),
    (
        "not-dport-2",
        acl(("permit", HeaderMatch(not_dst_ports=((80, 80),)))),
        P("1.1.1.1", 6, 81),
        "permit",
        0,
    ),
    (
        "src-or-dst-port",
        acl(("permit", HeaderMatch(src_or_dst_ports=((179, 179),)))),
        P("1.1.1.1", 6, 5000, sport=179),
        "permit",
        0,
    ),
    # protocol numbers: tcp 6, udp 17, icmp 1, GRE 47 (no ports), several, excluded
    ("proto-gre", acl(("permit", HeaderMatch(protocols=(47,)))), P("1.1.1.1", 47, 0), "permit", 0),
    (
        "proto-gre-not-tcp",
        acl(("permit", HeaderMatch(protocols=(47,)))),
        P("1.1.1.1", 6),
        "deny",
        None,
    ),
    (
        "proto-several",
        acl(("permit", HeaderMatch(protocols=(1, 17)))),
        P("1.1.1.1", 1, 0),
        "permit",
        0,
    ),
    (
        "not-proto",
        acl(("deny", HeaderMatch(not_protocols=(6, 17))), ("permit", TrueMatch())),
        P("1.1.1.1", 1, 0),
        "deny",
        0,
    ),
    (
        "not-proto-2",
        acl(("deny", HeaderMatch(not_protocols=(6, 17))), ("permit", TrueMatch())),
        P("1.1.1.1", 17),
        "permit",
        1,
    ),
    # wildcard IP spaces: Cisco wildcards that are not prefixes, hosts, prefixes, sets
    (
        "wildcard-gap",
        acl(("permit", HeaderMatch(dst=space_of("10.0.0.5:0.255.0.0")))),
        P("10.77.0.5"),
        "permit",
        0,
    ),
    (
        "wildcard-gap-miss",
        acl(("permit", HeaderMatch(dst=space_of("10.0.0.5:0.255.0.0")))),
        P("10.77.1.5"),
        "deny",
        None,
    ),
    (
        "wildcard-host",
        acl(("permit", HeaderMatch(dst=space_of("2.128.0.1")))),
        P("2.128.0.1"),
        "permit",
        0,
    ),
    (
        "wildcard-host-miss",
        acl(("permit", HeaderMatch(dst=space_of("2.128.0.1")))),
        P("2.128.0.2"),
        "deny",
        None,
    ),
    (
        "wildcard-prefix",
        acl(("permit", HeaderMatch(dst=space_of("2.128.0.0/23")))),
        P("2.128.1.255"),
        "permit",
        0,
    ),
    (
        "wildcard-prefix-miss",
        acl(("permit", HeaderMatch(dst=space_of("2.128.0.0/23")))),
        P("2.128.2.0"),
        "deny",
        None,
    ),
    (
        "wildcard-set",
        acl(
            (
                "permit",
                HeaderMatch(
                    dst=WildcardSpace(
                        (Wildcard.parse("10.0.0.0/8"),), (Wildcard.parse("10.1.0.0/16"),)
                    )
                ),
            )
        ),
        P("10.2.0.1"),
        "permit",
        0,
    ),
    (
        "wildcard-set-excluded",
        acl(
            (
                "permit",
                HeaderMatch(
                    dst=WildcardSpace(
                        (Wildcard.parse("10.0.0.0/8"),), (Wildcard.parse("10.1.0.0/16"),)
                    )
                ),
            )
        ),
        P("10.1.0.1"),
        "deny",
        None,
    ),
    (
        "src-wildcard",
        acl(("permit", HeaderMatch(src=space_of("192.0.2.0:0.0.0.254")))),
        P("1.1.1.1", src="192.0.2.9"),
        "deny",
        None,
    ),
    (
        "src-wildcard-even",
        acl(("permit", HeaderMatch(src=space_of("192.0.2.0:0.0.0.254")))),
        P("1.1.1.1", src="192.0.2.8"),
        "permit",
        0,
    ),
    (
        "not-dst",
        acl(("permit", HeaderMatch(not_dst=space_of("10.0.0.0/8")))),
        P("10.0.0.1"),
        "deny",
        None,
    ),
    (
        "src-or-dst",
        acl(("permit", HeaderMatch(src_or_dst=space_of("10.0.0.0/8")))),
        P("1.1.1.1", src="10.9.9.9"),
        "permit",
        0,
    ),
    (
        "acl-space",
        acl(
            (
                "permit",
                HeaderMatch(
                    dst=AclSpace(((False, space_of("10.1.0.0/16")), (True, space_of("10.0.0.0/8"))))
                ),
            )
        ),
        P("10.1.0.1"),
        "deny",
        None,
    ),
    (
        "acl-space-2",
        acl(
            (
                "permit",
                HeaderMatch(
                    dst=AclSpace(((False, space_of("10.1.0.0/16")), (True, space_of("10.0.0.0/8"))))
                ),
            )
        ),
        P("10.2.0.1"),
        "permit",
        0,
    ),
    # boolean match expressions
    (
        "and",
        acl(("permit", AndMatch((TEN, HeaderMatch(protocols=(17,)))))),
        P("10.0.0.1", 17),
        "permit",
        0,
    ),
    (
        "and-miss",
        acl(("permit", AndMatch((TEN, HeaderMatch(protocols=(17,)))))),
        P("10.0.0.1", 6),
        "deny",
        None,
    ),
    (
        "or",
        acl(("permit", OrMatch((TEN, HeaderMatch(protocols=(17,)))))),
        P("11.0.0.1", 17),
        "permit",
        0,
    ),
    ("not", acl(("permit", NotMatch(TEN))), P("11.0.0.1"), "permit", 0),
    ("false", acl(("permit", FalseMatch())), P("11.0.0.1"), "deny", None),
]


@pytest.mark.parametrize(
    ("name", "the_acl", "packet", "action", "line"), CASES, ids=[c[0] for c in CASES]
)
def test_reference_semantics(
    name: str, the_acl: Acl, packet: Packet, action: str, line: int | None
) -> None:
    decision = evaluate(the_acl, packet, {})
    assert (decision.action, decision.line) == (action, line)


@pytest.mark.parametrize(
    "backend", [b for b in BACKENDS if b == "autoref" or default_backend() == "cudd"]
)
def test_bdd_translation_agrees(backend: str) -> None:
    space = PacketSpace(backend=backend)
    for name, the_acl, packet, action, line in CASES:
        compiler = AclCompiler(space, [the_acl])
        verdict = compiler.compile(the_acl.node, the_acl.name)
        part = {"permit": verdict.permit, "deny": verdict.deny, "unknown": verdict.unknown}
        inside = [k for k, u in part.items() if space.contains(u, packet)]
        assert inside == [action], name
        # the line that decides the packet, as ``rela show`` lists it
        hits = compiler.hits(the_acl.node, the_acl.name, space.packet(packet))
        assert [(h.line.index if h.line else None, h.action) for h in hits] == [(line, action)], (
            name
        )


def test_verdict_parts_are_disjoint_and_cover_every_packet() -> None:
    space = PacketSpace(versions=(4, 6))
    for _, the_acl, _, _, _ in CASES:
        v = AclCompiler(space, [the_acl]).compile(the_acl.node, the_acl.name)
        assert v.permit & v.deny == space.false
        assert v.permit & v.unknown == space.false
        assert v.deny & v.unknown == space.false
        assert v.permit | v.deny | v.unknown == space.universe


def test_an_ipv4_acl_lets_ipv6_packets_pass() -> None:
    space = PacketSpace(versions=(4, 6))
    deny_all = acl(("deny", TrueMatch()))
    v = AclCompiler(space, [deny_all]).compile("r1", "A")
    assert space.contains(v.permit, Packet.of("2001:db8::1", "2001:db8::2", 6, 80))
    assert space.contains(v.deny, P("10.0.0.1"))


def test_references_to_other_acls() -> None:
    web = acl(("permit", TCP_WEB), name="WEB")
    lookup = {("r1", "WEB"): web}
    by_ref = acl(("permit", AclRef("WEB")), ("deny", TrueMatch()), name="OUTER")
    denied_ref = acl(("permit", AclRef("WEB", permitted=False)), name="OUTER2")
    assert evaluate(by_ref, P("1.1.1.1"), lookup).action == "permit"
    assert evaluate(by_ref, P("1.1.1.1", 6, 22), lookup).line == 1
    assert evaluate(denied_ref, P("1.1.1.1", 6, 22), lookup).action == "permit"  # WEB denies it
    # an AclAclLine takes the referenced ACL's lines in place; no match falls through
    inline = Acl(
        "r1",
        "INLINE",
        (
            AclLine(0, "web", None, TrueMatch(), acl="WEB"),
            AclLine(1, "deny udp", "deny", HeaderMatch(protocols=(17,))),
        ),
    )
    assert evaluate(inline, P("1.1.1.1"), lookup).action == "permit"
    assert evaluate(inline, P("1.1.1.1", 17, 53), lookup).line == 1
    assert evaluate(inline, P("1.1.1.1", 6, 22), lookup).action == "deny"
    space = PacketSpace()
    compiler = AclCompiler(space, [web, by_ref, denied_ref, inline])
    for the_acl, packet in [
        (by_ref, P("1.1.1.1")),
        (by_ref, P("1.1.1.1", 6, 22)),
        (denied_ref, P("1.1.1.1", 6, 22)),
        (inline, P("1.1.1.1", 17, 53)),
        (inline, P("1.1.1.1", 6, 22)),
    ]:
        v = compiler.compile("r1", the_acl.name)
        expected = evaluate(the_acl, packet, lookup).action
        assert space.contains(v.permit if expected == "permit" else v.deny, packet)


def test_unmodelled_lines_leave_what_reaches_them_undecided() -> None:
    echo = Unsupported("header field icmpTypes = [8]")
    the_acl = acl(("permit", TCP_WEB), ("permit", echo), ("deny", TrueMatch()))
    # decided before the unmodelled line
    assert evaluate(the_acl, P("1.1.1.1"), {}).action == "permit"
    # reaching it: unknown, never guessed as permit or deny
    assert evaluate(the_acl, P("1.1.1.1", 1, 0), {}).action == "unknown"
    assert evaluate(the_acl, P("1.1.1.1", 17, 53), {}).action == "unknown"
    # a condition that cannot be decided does not matter when the rest of a conjunction fails
    partly = acl(("permit", AndMatch((HeaderMatch(protocols=(17,)), echo))))
    assert evaluate(partly, P("1.1.1.1", 6), {}).action == "deny"
    assert evaluate(partly, P("1.1.1.1", 17), {}).action == "unknown"
    odd_space = acl(("permit", HeaderMatch(dst=UnsupportedSpace("IP space IpSpaceReference"))))
    assert evaluate(odd_space, P("1.1.1.1"), {}).action == "unknown"
    space = PacketSpace()
    for a, packet, action in [
        (the_acl, P("1.1.1.1"), "permit"),
        (the_acl, P("1.1.1.1", 1, 0), "unknown"),
        (partly, P("1.1.1.1", 6), "deny"),
        (partly, P("1.1.1.1", 17), "unknown"),
        (odd_space, P("1.1.1.1"), "unknown"),
    ]:
        v = AclCompiler(space, [a]).compile(a.node, a.name)
        assert space.contains(getattr(v, action), packet)
    assert [(line.index, why) for line, why in unsupported_lines(the_acl, {})] == [
        (1, "header field icmpTypes = [8]")
    ]
    missing = acl(("permit", AclRef("NOPE")))
    assert "not defined" in unsupported_lines(missing, {})[0][1]
    assert evaluate(missing, P("1.1.1.1"), {}).action == "unknown"


def test_wildcard_parsing_and_text() -> None:
    assert str(Wildcard.parse("2.128.0.0/23")) == "2.128.0.0/23"
    assert str(Wildcard.parse("10.0.0.5:0.255.0.0")) == "10.0.0.5:0.255.0.0"
    assert str(Wildcard.parse("1.2.3.4")) == "1.2.3.4/32"
    # host bits under the mask are ignored, as in Batfish
    assert Wildcard.parse("10.1.2.3:0.0.0.255") == Wildcard.parse("10.1.2.0/24")
    with pytest.raises(ValueError):
        Wildcard.parse("10.0.0.300")
