"""The data plane computed from route tables: LPM, recursion, ECMP, dispositions, VRFs."""

from __future__ import annotations

import pytest

from rela.errors import NetworkInputError, UsageError
from rela.network.dataplane import DELIVERED_TO_SUBNET, DROP, EXITS_NETWORK, DataPlane, Interval
from rela.network.fecs import atomic_intervals, compute_fecs, resolve_starts
from rela.network.granularity import GraphBuilder

from .netbuild import bgp, conn, discard, graph, link, next_vrf, paths, plane, via

# r1 --e1/e1-- r2 --e2/e1-- r3 ; r1 --e2/e2-- r4 ; r4 --e1/e3-- r3 (a square r1 r2 r3 r4)
SQUARE_LINKS = (
    link("r1", "e1", "10.12.0.1", "r2", "e1", "10.12.0.2")
    + link("r2", "e2", "10.23.0.2", "r3", "e1", "10.23.0.3")
    + link("r1", "e2", "10.14.0.1", "r4", "e2", "10.14.0.4")
    + link("r4", "e1", "10.34.0.4", "r3", "e3", "10.34.0.3")
)
SQUARE_CONNECTED = [
    conn("r1", "10.12.0.1/24", "e1"),
    conn("r1", "10.14.0.1/24", "e2"),
    conn("r2", "10.12.0.2/24", "e1"),
    conn("r2", "10.23.0.2/24", "e2"),
    conn("r3", "10.23.0.3/24", "e1"),
    conn("r3", "10.34.0.3/24", "e3"),
    conn("r4", "10.14.0.4/24", "e2"),
    conn("r4", "10.34.0.4/24", "e1"),
    conn("r3", "192.168.0.3/32", "lo0"),
    conn("r3", "10.9.0.1/16", "e9"),
]


def square(*routes: object) -> DataPlane:
    return plane([*SQUARE_CONNECTED, *routes], list(SQUARE_LINKS))


def test_longest_prefix_match_picks_the_most_specific_route() -> None:
    dp = square(
        via("r1", "10.9.0.0/16", "e1", "10.12.0.2"),
        via("r1", "10.9.128.0/17", "e2", "10.14.0.4"),
        via("r2", "10.9.0.0/16", "e2", "10.23.0.3"),
        via("r4", "10.9.0.0/16", "e1", "10.34.0.3"),
    )
    assert paths(graph(dp, "10.9.1.0/24", "r1")) == {("r1", "r2", "r3", DELIVERED_TO_SUBNET)}
    assert paths(graph(dp, "10.9.200.0/24", "r1")) == {("r1", "r4", "r3", DELIVERED_TO_SUBNET)}


def test_edges_are_labelled_with_the_inbound_interface_of_the_next_device() -> None:
    dp = square(
        via("r1", "10.9.0.0/16", "e2", "10.14.0.4"), via("r4", "10.9.0.0/16", "e1", "10.34.0.3")
    )
    g = graph(dp, "10.9.1.0/24", "r1").to_json()
    assert g["nodeToOutEdgesMap"]["r1"] == {"r4": ["e2"]}
    assert g["nodeToOutEdgesMap"]["r4"] == {"r3": ["e3"]}
    assert g["nodeToOutEdgesMap"]["r3"] == {DELIVERED_TO_SUBNET: []}
    assert g["sourceNodes"] == ["r1"] and g["sinkNodes"] == [DELIVERED_TO_SUBNET]


def test_recursive_next_hop_resolves_through_the_igp() -> None:
    # a BGP route whose next hop (r3's loopback) is reached through OSPF routes
    dp = square(
        bgp("r1", "10.9.0.0/16", "192.168.0.3"),
        via("r1", "192.168.0.3/32", "e1", "10.12.0.2"),
        bgp("r2", "10.9.0.0/16", "192.168.0.3"),
        via("r2", "192.168.0.3/32", "e2", "10.23.0.3"),
    )
    assert paths(graph(dp, "10.9.1.0/24", "r1")) == {("r1", "r2", "r3", DELIVERED_TO_SUBNET)}


def test_next_hop_on_a_connected_subnet_is_arped_for_itself() -> None:
    dp = square(bgp("r1", "10.9.0.0/16", "10.12.0.2"), bgp("r2", "10.9.0.0/16", "10.23.0.3"))
    assert paths(graph(dp, "10.9.1.0/24", "r1")) == {("r1", "r2", "r3", DELIVERED_TO_SUBNET)}


def test_multi_level_recursion() -> None:
    dp = square(
        bgp("r1", "10.9.0.0/16", "172.16.0.1"),
        bgp("r1", "172.16.0.0/24", "192.168.0.3"),
        via("r1", "192.168.0.3/32", "e2", "10.14.0.4"),
        via("r4", "10.9.0.0/16", "e1", "10.34.0.3"),
    )
    assert paths(graph(dp, "10.9.1.0/24", "r1")) == {("r1", "r4", "r3", DELIVERED_TO_SUBNET)}


def test_equal_best_routes_are_ecmp() -> None:
    dp = square(
        via("r1", "10.9.0.0/16", "e1", "10.12.0.2"),
        via("r1", "10.9.0.0/16", "e2", "10.14.0.4"),
        via("r2", "10.9.0.0/16", "e2", "10.23.0.3"),
        via("r4", "10.9.0.0/16", "e1", "10.34.0.3"),
    )
    assert paths(graph(dp, "10.9.0.7/32", "r1")) == {
        ("r1", "r2", "r3", DELIVERED_TO_SUBNET),
        ("r1", "r4", "r3", DELIVERED_TO_SUBNET),
    }


def test_ecmp_over_parallel_links_to_one_neighbour() -> None:
    dp = plane(
        [
            conn("a", "10.0.1.1/24", "x1"),
            conn("a", "10.0.2.1/24", "x2"),
            conn("b", "10.0.1.2/24", "y1"),
            conn("b", "10.0.2.2/24", "y2"),
            via("a", "10.9.0.0/16", "x1", "10.0.1.2"),
            via("a", "10.9.0.0/16", "x2", "10.0.2.2"),
        ],
        link("a", "x1", "10.0.1.1", "b", "y1", "10.0.1.2")
        + link("a", "x2", "10.0.2.1", "b", "y2", "10.0.2.2"),
    )
    g = graph(dp, "10.9.0.0/16", "a")
    assert g.to_json()["nodeToOutEdgesMap"]["a"] == {"b": ["y1", "y2"]}
    built = GraphBuilder("interface").build(g.to_json())
    assert sorted(built.paths()) == [("a", "b||y1", DROP), ("a", "b||y2", DROP)]


def test_discard_and_null_interface_routes_drop() -> None:
    dp = square(
        discard("r1", "10.9.0.0/16"),
        via("r1", "10.10.0.0/16", "Null0", None, protocol="static"),
    )
    assert paths(graph(dp, "10.9.0.0/16", "r1")) == {("r1", DROP)}
    assert paths(graph(dp, "10.10.0.0/16", "r1")) == {("r1", DROP)}


def test_no_route_drops() -> None:
    dp = square(via("r1", "10.9.0.0/16", "e1", "10.12.0.2"))
    assert paths(graph(dp, "172.16.0.0/12", "r1")) == {("r1", DROP)}
    # r2 has no route for 10.9/16: the path ends in drop after r2
    assert paths(graph(dp, "10.9.0.0/17", "r1")) == {("r1", "r2", DROP)}


def test_unresolvable_and_self_resolving_next_hops_drop() -> None:
    dp = square(
        bgp("r1", "10.9.0.0/16", "172.31.0.1"),  # no route to the next hop
        bgp("r1", "10.50.0.0/16", "10.50.0.1"),  # resolves only through itself
    )
    assert paths(graph(dp, "10.9.0.0/16", "r1")) == {("r1", DROP)}
    assert paths(graph(dp, "10.50.0.0/17", "r1")) == {("r1", DROP)}


def test_forwarding_loops_stay_loops() -> None:
    dp = square(
        via("r1", "10.60.0.0/16", "e1", "10.12.0.2"), via("r2", "10.60.0.0/16", "e1", "10.12.0.1")
    )
    g = graph(dp, "10.60.0.0/16", "r1")
    assert g.to_json()["nodeToOutEdgesMap"] == {"r1": {"r2": ["e1"]}, "r2": {"r1": ["e1"]}}
    assert g.sinks == ()
    built = GraphBuilder("device").build(g.to_json())
    assert built.has_cycle()
    assert list(built.paths()) == []  # no path reaches a sink


def test_accepted_at_the_device_owning_the_destination() -> None:
    dp = square(
        via("r1", "10.23.0.0/24", "e1", "10.12.0.2"),
        via("r1", "192.168.0.3/32", "e2", "10.14.0.4"),
        via("r4", "192.168.0.3/32", "e1", "10.34.0.3"),
    )
    # r3's interface address, through r2's connected subnet
    assert paths(graph(dp, "10.23.0.3/32", "r1")) == {("r1", "r2", "r3")}
    g = graph(dp, "10.23.0.3/32", "r1")
    assert g.sinks == ("r3",)
    # r3's loopback (a /32 with only a connected route)
    assert paths(graph(dp, "192.168.0.3/32", "r1")) == {("r1", "r4", "r3")}
    # a start device owning the destination is its own sink
    assert paths(graph(dp, "10.12.0.1/32", "r1")) == {("r1",)}


def test_exits_network_and_delivered_to_subnet() -> None:
    dp = square(
        conn("r1", "203.0.113.1/30", "e0"),
        via("r1", "0.0.0.0/0", "e0", "203.0.113.2", protocol="static"),
    )
    assert paths(graph(dp, "8.8.8.8/32", "r1")) == {("r1", EXITS_NETWORK)}
    assert paths(graph(dp, "203.0.113.2/32", "r1")) == {("r1", DELIVERED_TO_SUBNET)}
    # an address of r2's link subnet that nobody owns
    assert paths(graph(dp, "10.12.0.9/32", "r1")) == {("r1", DELIVERED_TO_SUBNET)}


def test_network_and_broadcast_addresses_are_not_delivered_to_the_subnet() -> None:
    # Batfish: only host addresses of a connected subnet are delivered there; the
    # network and broadcast addresses exit the network, unless every host address
    # of the interface's subnets is owned (then: neighbour unreachable, a drop)
    dp = square()  # r1-r2 on 10.12.0.0/24: hosts .1 and .2 only
    assert paths(graph(dp, "10.12.0.0/32", "r1")) == {("r1", EXITS_NETWORK)}
    assert paths(graph(dp, "10.12.0.255/32", "r1")) == {("r1", EXITS_NETWORK)}
    full = plane(
        [conn("a", "10.0.0.1/30", "x"), conn("b", "10.0.0.2/30", "y")],
        link("a", "x", "10.0.0.1", "b", "y", "10.0.0.2"),
    )
    assert paths(graph(full, "10.0.0.0/32", "a")) == {("a", DROP)}
    assert paths(graph(full, "10.0.0.3/32", "a")) == {("a", DROP)}
    # a /31 has no network or broadcast address
    p2p = plane(
        [
            conn("a", "10.0.0.0/31", "x"),
            conn("b", "10.0.0.1/31", "y"),
            conn("a", "10.1.0.1/31", "z"),
        ],
        link("a", "x", "10.0.0.0", "b", "y", "10.0.0.1"),
    )
    assert paths(graph(p2p, "10.1.0.0/32", "a")) == {("a", DELIVERED_TO_SUBNET)}
    assert [r for r in atomic_intervals([Interval.of(n) for n in full.boundaries()], [4])
            if r.single and r.lo == int(Interval.of("10.0.0.3/32").lo)]  # fmt: skip


def test_next_hop_owned_by_a_device_not_across_the_link_is_unreachable() -> None:
    dp = square(via("r1", "10.9.0.0/16", "e1", "10.34.0.4"))  # r4's address, but e1 leads to r2
    assert paths(graph(dp, "10.9.0.0/17", "r1")) == {("r1", DROP)}


def test_vrfs_are_separate_tables_and_nodes() -> None:
    dp = plane(
        [
            conn("a", "10.0.1.1/24", "x1", vrf="blue"),
            conn("b", "10.0.1.2/24", "y1", vrf="blue"),
            conn("b", "10.8.0.1/16", "y9", vrf="blue"),
            via("a", "10.8.0.0/16", "x1", "10.0.1.2", vrf="blue"),
            conn("a", "10.0.0.1/24", "x0"),
        ],
        link("a", "x1", "10.0.1.1", "b", "y1", "10.0.1.2"),
    )
    assert paths(graph(dp, "10.8.0.0/17", "a|blue")) == {("a|blue", "b|blue", DELIVERED_TO_SUBNET)}
    assert paths(graph(dp, "10.8.0.0/17", "a")) == {("a", DROP)}  # nothing in the default VRF
    assert paths(graph(dp, "10.8.0.1/32", "a|blue")) == {("a|blue", "b|blue")}  # owned in blue
    assert dp.vrf_of("b", "y1") == "blue"


def test_next_vrf_route_continues_in_the_other_vrf() -> None:
    dp = plane(
        [
            conn("a", "10.0.1.1/24", "x1", vrf="blue"),
            conn("b", "10.0.1.2/24", "y1", vrf="blue"),
            via("a", "10.8.0.0/16", "x1", "10.0.1.2", vrf="blue"),
            next_vrf("a", "10.8.0.0/16", "blue"),
        ],
        link("a", "x1", "10.0.1.1", "b", "y1", "10.0.1.2"),
    )
    g = graph(dp, "10.8.0.0/16", "a").to_json()
    assert g["nodeToOutEdgesMap"]["a"] == {"a|blue": []}
    assert paths(graph(dp, "10.8.0.0/16", "a")) == {("a", "a|blue", "b|blue", DROP)}


def test_rows_of_one_prefix_with_different_admin_distance_keep_the_best() -> None:
    dp = square(
        via("r1", "10.9.0.0/16", "e1", "10.12.0.2", admin=110),
        {**via("r1", "10.9.0.0/16", "e2", "10.14.0.4"), "Admin_Distance": 200},
    )
    assert paths(graph(dp, "10.9.0.0/16", "r1")) == {("r1", "r2", DROP)}


# ----------------------------------------------------------------------------- FECs


def test_atomic_intervals_cover_the_space_without_overlap() -> None:
    cuts = [Interval.of("10.0.0.0/8"), Interval.of("10.1.0.0/16"), Interval.of("10.1.0.5/32")]
    ranges = atomic_intervals(cuts, [4])
    assert ranges[0].lo == 0 and ranges[-1].hi == 2**32 - 1
    assert all(a.hi + 1 == b.lo for a, b in zip(ranges, ranges[1:], strict=False))
    assert Interval.of("10.1.0.5/32") in ranges


def _two_snapshots() -> tuple[DataPlane, DataPlane]:
    before = square(
        via("r1", "10.9.0.0/16", "e1", "10.12.0.2"),
        via("r2", "10.9.0.0/16", "e2", "10.23.0.3"),
    )
    after = square(
        via("r1", "10.9.0.0/16", "e2", "10.14.0.4"),
        via("r4", "10.9.0.0/16", "e1", "10.34.0.3"),
        discard("r4", "10.9.5.0/24"),
    )
    return before, after


def test_fecs_are_uniform_in_both_snapshots_and_merged_by_graphs() -> None:
    before, after = _two_snapshots()
    fecs = compute_fecs(before, after, starts=["r1"], dst=["10.9.0.0/16"])
    by_key = {f.key: f for f in fecs}
    # the discard route only exists after: 10.9.5.0/24 is its own FEC
    assert by_key["10.9.5.0/24"].prefixes == ("10.9.5.0/24",)
    assert paths(by_key["10.9.5.0/24"].after) == {("r1", "r4", DROP)}
    assert paths(by_key["10.9.5.0/24"].before) == {("r1", "r2", "r3", DELIVERED_TO_SUBNET)}
    # r3's own address 10.9.0.1 is accepted, so it is separate from the rest of the subnet
    assert paths(by_key["10.9.0.1/32"].before) == {("r1", "r2", "r3")}
    rest = by_key["10.9.0.2/31"]
    assert "10.9.128.0/18" in rest.prefixes
    assert paths(rest.after) == {("r1", "r4", "r3", DELIVERED_TO_SUBNET)}
    # the subnet's network and broadcast addresses are no host's (Batfish: exits network)
    assert by_key["10.9.0.0/32"].prefixes == ("10.9.0.0/32", "10.9.255.255/32")
    assert paths(by_key["10.9.0.0/32"].after) == {("r1", "r4", "r3", EXITS_NETWORK)}
    # together the FECs cover exactly the asked destinations
    covered = sum(Interval.of(p).hi - Interval.of(p).lo + 1 for f in fecs for p in f.prefixes)
    assert covered == 2**16


def test_no_merge_keeps_atomic_ranges_apart() -> None:
    before, after = _two_snapshots()
    merged = compute_fecs(before, after, starts=["r1"], dst=["10.9.0.0/16"])
    atomic = compute_fecs(before, after, starts=["r1"], dst=["10.9.0.0/16"], merge=False)
    assert len(atomic) > len(merged)
    assert len({(f.before, f.after) for f in merged}) == len(merged)


def test_default_destinations_cover_the_whole_address_space() -> None:
    before, after = _two_snapshots()
    fecs = compute_fecs(before, after, starts=["r1"])
    covered = sum(Interval.of(p).hi - Interval.of(p).lo + 1 for f in fecs for p in f.prefixes)
    assert covered == 2**32


def test_ipv6_routes() -> None:
    dp = plane(
        [
            conn("a", "2001:db8:1::1/64", "x1"),
            conn("b", "2001:db8:1::2/64", "y1"),
            via("a", "2001:db8:9::/48", "x1", "2001:db8:1::2"),
        ],
        link("a", "x1", "2001:db8:1::1", "b", "y1", "2001:db8:1::2"),
    )
    fecs = compute_fecs(dp, dp, starts=["a"], dst=["2001:db8:9::/48"])
    assert [f.prefixes for f in fecs] == [("2001:db8:9::/48",)]
    assert paths(fecs[0].before) == {("a", "b", DROP)}


def test_start_locations() -> None:
    dp = plane(
        [
            conn("a", "10.0.1.1/24", "x1", vrf="blue"),
            conn("a", "10.0.0.1/24", "x0"),
            conn("b", "10.0.2.1/24", "y"),
        ]
    )
    assert resolve_starts(["a[x1]"], dp, dp) == [("a", "blue")]
    assert resolve_starts(["@enter(a[x0])"], dp, dp) == [("a", "default")]
    assert resolve_starts(["a|blue", "b"], dp, dp) == [("a", "blue"), ("b", "default")]
    assert resolve_starts(["a"], dp, dp) == [("a", "default"), ("a", "blue")]
    assert resolve_starts([], dp, dp) == [("a", "default"), ("a", "blue"), ("b", "default")]


def test_bad_start_locations_and_destinations() -> None:
    dp = plane([conn("a", "10.0.0.1/24", "x0")])
    with pytest.raises(NetworkInputError, match="no device 'zz'"):
        resolve_starts(["zz"], dp, dp)
    two = plane([conn("leaf1", "10.0.0.1/24", "eth0"), conn("spine1", "10.0.1.1/24", "eth0")])
    with pytest.raises(NetworkInputError) as typo:  # a typo gets the names closest to it
        resolve_starts(["lef1"], two, two)
    assert typo.value.hint == "closest: leaf1 (devices: leaf1, spine1)"
    with pytest.raises(NetworkInputError) as typo:
        resolve_starts(["leaf1[eth9]"], two, two)
    assert typo.value.hint == "closest: eth0 (interfaces: eth0)"
    with pytest.raises(NetworkInputError, match="has no interface 'nope'"):
        resolve_starts(["a[nope]"], dp, dp)
    with pytest.raises(UsageError, match="not 'device'"):
        resolve_starts(["a[x0"], dp, dp)
    with pytest.raises(UsageError, match="not an IP prefix"):
        compute_fecs(dp, dp, dst=["10.0.0.0/33"])


def test_a_device_named_like_an_outcome_is_refused() -> None:
    dp = plane([conn("drop", "10.0.0.1/24", "x0")])
    with pytest.raises(NetworkInputError, match="reserves"):
        compute_fecs(dp, dp)


def test_interface_route_without_next_hop_reaches_the_neighbour_by_proxy_arp() -> None:
    # a static route out of a point-to-point interface, destination outside its subnet
    dp = square(via("r1", "10.70.0.0/16", "e1", None, protocol="static"))
    assert paths(graph(dp, "10.70.0.0/16", "r1")) == {("r1", "r2", DROP)}
    # on an interface without layer-3 neighbours the traffic leaves the network
    dp = square(conn("r1", "203.0.113.1/30", "e0"), via("r1", "10.70.0.0/16", "e0", None))
    assert paths(graph(dp, "10.70.0.0/16", "r1")) == {("r1", EXITS_NETWORK)}


def test_link_local_next_hop_is_the_neighbour_across_the_link() -> None:
    dp = plane(
        [
            conn("a", "2001:db8:1::1/64", "x1"),
            conn("b", "2001:db8:1::2/64", "y1"),
            via("a", "2001:db8:9::/48", "x1", "fe80::2"),
        ],
        link("a", "x1", "2001:db8:1::1", "b", "y1", "2001:db8:1::2"),
    )
    assert paths(graph(dp, "2001:db8:9::/48", "a")) == {("a", "b", DROP)}
