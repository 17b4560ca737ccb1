"""Packet sets as BDDs and their cubes: exact round trips, disjointness, readable keys."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rela.network.headerspace import BACKENDS, Packet, PacketSpace, default_backend
from rela.network.model import TrafficKey

SPACE = PacketSpace(versions=(4, 6))

PREFIXES = ["0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32", "192.0.2.0/25"]
PREFIXES6 = ["::/0", "2001:db8::/32", "2001:db8:1::/48"]
PORTS = [(0, 65535), (80, 80), (1024, 65535), (22, 25), (0, 1023), (8000, 8080)]


@st.composite
def cube(draw: st.DrawFn) -> object:
    """A random packet cube (a traffic key) as a BDD."""
    v6 = draw(st.booleans())
    pool = PREFIXES6 if v6 else PREFIXES
    u = SPACE.dst(draw(st.sampled_from(pool)))
    if draw(st.booleans()):
        u &= SPACE.src(draw(st.sampled_from(pool)))
    if draw(st.booleans()):
        u &= SPACE.protocol(draw(st.sampled_from([1, 6, 17, 47])))
    if draw(st.booleans()):
        u &= SPACE.ports("dport", *draw(st.sampled_from(PORTS)))
    if draw(st.booleans()):
        u &= SPACE.ports("sport", *draw(st.sampled_from(PORTS)))
    return u


@st.composite
def packet_set(draw: st.DrawFn) -> object:
    """Unions, intersections and complements of a few cubes."""
    u = draw(cube())
    for _ in range(draw(st.integers(0, 3))):
        other = draw(cube())
        op = draw(st.sampled_from(["or", "and", "minus"]))
        u = u | other if op == "or" else (u & other if op == "and" else u & ~other)
    return u


@settings(max_examples=150, deadline=None)
@given(packet_set())
def test_cubes_are_disjoint_and_their_union_is_the_set(u: object) -> None:
    keys = SPACE.cubes(u)
    parts = [SPACE.key(k) for k in keys]
    union = SPACE.false
    for i, p in enumerate(parts):
        assert p != SPACE.false
        assert union & p == SPACE.false, f"key {keys[i]} overlaps an earlier one"
        union |= p
    assert union == u & SPACE.universe
    # every key is a well-formed cube: a destination prefix, one protocol, port ranges
    for k in keys:
        assert k.dst is not None and ipaddress.ip_network(k.dst)
        assert k.protocol is None or 0 <= k.protocol <= 255
    # in header order: version, destination, source, protocol, ports; a free field first
    assert keys == sorted(keys, key=header_order)


def header_order(key: TrafficKey) -> tuple[object, ...]:
    """The documented order of keys, read off the keys themselves: a prefix by its
    first address (the wider first), a free field before any value."""

    def net(text: str | None) -> tuple[int, ...]:
        if text is None:
            return (-1,)
        n = ipaddress.ip_network(text)
        return (int(n.network_address), n.prefixlen)

    assert key.dst is not None
    version = ipaddress.ip_network(key.dst).version
    return (
        version,
        net(key.dst),
        net(key.src),
        (-1,) if key.protocol is None else (key.protocol,),
        key.dst_ports or (-1,),
        key.src_ports or (-1,),
    )


def test_a_prefix_and_ports_read_as_one_key() -> None:
    u = SPACE.dst("2.128.0.0/23") & SPACE.protocol(6) & SPACE.ports("dport", 80, 80)
    u &= ~SPACE.dst("2.128.1.0/24")
    assert [k.describe() for k in SPACE.cubes(u)] == ["dst 2.128.0.0/24, tcp, dport 80"]
    assert SPACE.cubes(SPACE.dst("10.0.0.0/8") & SPACE.ports("dport", 1000, 2000)) == [
        TrafficKey(dst="10.0.0.0/8", dst_ports=(1000, 2000))
    ]


def test_every_protocol_but_one_does_not_repeat_the_other_fields() -> None:
    # not tcp, to 10/8 or to 192.0.2.0/25: 255 protocols x 2 prefixes would be 510 keys
    u = (SPACE.dst("10.0.0.0/8") | SPACE.dst("192.0.2.0/25")) & ~SPACE.protocol(6)
    keys = SPACE.cubes(u)
    assert len(keys) == 2 * 255
    # a set whose protocol does not matter has no protocol in its keys
    v = SPACE.dst("10.0.0.0/8") | (SPACE.dst("11.0.0.0/8") & SPACE.protocol(6))
    assert [k.describe() for k in SPACE.cubes(v)] == ["dst 10.0.0.0/8", "dst 11.0.0.0/8, tcp"]


def test_a_wildcard_that_is_not_a_prefix_is_expanded_into_prefixes() -> None:
    # 10.x.0.5 for every x: 256 host prefixes
    u = SPACE.wildcard("dst", 4, int(ipaddress.ip_address("10.0.0.5")), 0xFF00FFFF)
    keys = SPACE.cubes(u)
    assert len(keys) == 256
    assert keys[0].dst == "10.0.0.5/32" and keys[-1].dst == "10.255.0.5/32"


def test_port_ranges_are_exact_at_their_bounds() -> None:
    u = SPACE.ports("dport", 1024, 2047)
    for port, inside in [(1023, False), (1024, True), (2047, True), (2048, False)]:
        assert SPACE.contains(u, Packet.of("10.0.0.1", "10.0.0.2", 6, port)) is inside
    assert [k.dst_ports for k in SPACE.cubes(SPACE.ports("dport", 3, 9) & SPACE.version(4))] == [
        (3, 9)
    ]


def test_contains_and_pick_agree() -> None:
    p = Packet.of("2001:db8::7", "2001:db8::8", 17, 53, 5353)
    u = SPACE.packet(p)
    assert SPACE.contains(u, p)
    assert SPACE.pick(u) == p
    assert not SPACE.contains(u, Packet.of("2001:db8::7", "2001:db8::8", 17, 54, 5353))
    assert SPACE.pick(SPACE.false) is None


def test_universe_is_the_versions_in_play() -> None:
    v4 = PacketSpace()
    assert [k.describe() for k in v4.cubes(v4.universe)] == ["dst 0.0.0.0/0"]
    assert [k.describe() for k in SPACE.cubes(SPACE.universe)] == ["dst 0.0.0.0/0", "dst ::/0"]
    with pytest.raises(ValueError):
        PacketSpace(versions=(5,))
    with pytest.raises(ValueError):
        v4.ports("dport", 10, 5)


@pytest.mark.skipif(default_backend() != "cudd", reason="dd was installed without its CUDD backend")
def test_both_backends_give_the_same_cubes() -> None:
    assert BACKENDS == ("cudd", "autoref")
    sets = []
    for backend in BACKENDS:
        s = PacketSpace(backend=backend)
        u = (s.dst("10.0.0.0/8") & ~s.protocol(17)) | (
            s.src("10.1.0.0/16") & s.ports("sport", 5, 9)
        )
        sets.append(s.cubes(u))
    assert sets[0] == sets[1]


@pytest.mark.skipif(default_backend() != "cudd", reason="dd was installed without its CUDD backend")
def test_a_space_dying_in_a_reference_cycle_with_its_bdds_is_freed_quietly() -> None:
    """dd.cudd refuses to free a manager while a node is referenced ("Still N nodes
    referenced upon shutdown", printed as an unraisable exception, and the manager
    leaks); the cycle collector may free the manager first when a space and its BDDs
    die in one cycle, as they do when a traceback holds the frame of a run."""
    import gc
    import sys

    seen: list[object] = []
    hook, sys.unraisablehook = sys.unraisablehook, lambda u: seen.append(u.exc_value)
    try:
        for _ in range(3):
            space = PacketSpace()
            holder: dict[str, object] = {"space": space, "sets": [space.dst("10.0.0.0/8")]}
            holder["self"] = holder  # a cycle holding the space and its BDDs
            del space, holder
            gc.collect()
        PacketSpace()  # a new space frees the managers whose BDDs are all gone
        gc.collect()
    finally:
        sys.unraisablehook = hook
    assert seen == []


def test_the_bdd_library_loads_without_importing_networkx_which_stays_importable() -> None:
    """dd imports networkx (0.3 s) for features Rela does not use: hidden while dd loads."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from rela.network.headerspace import PacketSpace\n"
        "s = PacketSpace()\n"
        "assert s.cubes(s.dst('10.0.0.0/8'))[0].dst == '10.0.0.0/8'\n"
        "print('networkx' in sys.modules)\n"
        "import networkx\n"
        "print(networkx.DiGraph().number_of_nodes())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "0"]
