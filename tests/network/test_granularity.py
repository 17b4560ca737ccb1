"""Raw graphs at the three granularities: labels, paths, determinism."""

from __future__ import annotations

import random

import pytest

from rela.errors import UsageError
from rela.network.granularity import (
    GraphBuilder,
    device_level,
    group_label,
    locate,
    location_mapper,
)
from rela.network.model import Graph

from .conftest import raw_graph

# a -(i1,i2)-> b -(i3)-> c ; b -> drop (no interface); c has an out-edge and is a sink
RAW = raw_graph(
    {"a": {"b": ["i1", "i2"]}, "b": {"c": ["i3"], "drop": []}, "c": {"d": ["i4"]}},
    ["a"],
    ["c", "d", "drop"],
)
GROUPS = {"a": "GA", "b": "GB", "c": "GB", "d": "GD"}


def paths(graph: Graph) -> list[tuple[str, ...]]:
    return sorted(graph.paths(limit=1000))


def test_device_granularity() -> None:
    g = GraphBuilder("device").build(RAW)
    assert paths(g) == [("a", "b", "c"), ("a", "b", "c", "d"), ("a", "b", "drop")]
    assert sorted(g.labels) == ["a", "b", "c", "d", "drop"]


def test_interface_granularity() -> None:
    g = GraphBuilder("interface").build(RAW)
    assert paths(g) == [
        ("a", "b||i1", "c||i3"),
        ("a", "b||i1", "c||i3", "d||i4"),
        ("a", "b||i1", "drop"),
        ("a", "b||i2", "c||i3"),
        ("a", "b||i2", "c||i3", "d||i4"),
        ("a", "b||i2", "drop"),
    ]
    # one node per (node, inbound interface), plus the entry hop and drop
    assert sorted(g.labels) == sorted(["a", "b||i1", "b||i2", "c||i3", "d||i4", "drop"])


def test_interface_granularity_with_vrf() -> None:
    raw = raw_graph({"r1|blue": {"r2|blue": ["Gi0/1"]}}, ["r1|blue"], ["r2|blue"])
    g = GraphBuilder("interface").build(raw)
    assert paths(g) == [("r1|blue", "r2|blue|Gi0/1")]


def test_interface_nodes_of_a_source_reached_again() -> None:
    # a is a source and also reached through interface j: paths through a||j
    # continue like paths from a.
    raw = raw_graph({"a": {"b": ["i"]}, "b": {"a": ["j"], "c": []}}, ["a"], ["c"])
    g = GraphBuilder("interface").build(raw)
    assert g.has_cycle()
    assert list(g.paths(limit=2)) == [("a", "b||i", "c"), ("a", "b||i", "a||j", "b||i", "c")]


def test_group_granularity_keeps_nodes_apart() -> None:
    g = GraphBuilder("group", GROUPS).build(RAW)
    assert paths(g) == [("GA", "GB", "GB"), ("GA", "GB", "GB", "GD"), ("GA", "GB", "drop")]
    assert len(g.labels) == 5  # b and c are both GB but stay two nodes
    assert not g.has_cycle()  # contracting b and c would have made a fake loop


def test_group_mapping_with_and_without_vrf() -> None:
    raw = raw_graph({"a|v1": {"b": []}}, ["a|v1"], ["b"])
    g = GraphBuilder("group", {"a": "G1", "b": "G2"}).build(raw)
    assert paths(g) == [("G1|v1", "G2")]
    assert group_label("x|v", {"y": "Y"}) == "x|v"
    assert group_label("drop", {"drop": "Z"}) == "drop"


def test_group_needs_a_mapping() -> None:
    with pytest.raises(UsageError):
        GraphBuilder("group")


def test_equal_raw_graphs_give_equal_graphs() -> None:
    edges = {"r1": {"r2": ["x", "y"], "r3": ["z"]}, "r2": {"r4": ["w"]}, "r3": {"r4": ["v", "u"]}}
    for gran in ("device", "interface", "group"):
        builder = GraphBuilder(gran, {"r2": "G", "r3": "G"})
        first = builder.build(raw_graph(edges, ["r1"], ["r4"]))
        for seed in range(5):
            rng = random.Random(seed)
            shuffled = {}
            for u in rng.sample(list(edges), len(edges)):
                outs = list(edges[u].items())
                rng.shuffle(outs)
                shuffled[u] = {v: rng.sample(i, len(i)) for v, i in outs}
            other = builder.build(raw_graph(shuffled, ["r1"], ["r4"]))
            assert other == first and other.key == first.key and hash(other) == hash(first)


def test_parallel_edges_are_deduplicated_ecmp_kept() -> None:
    raw = raw_graph(
        {"a": {"b": ["i", "i"], "c": ["j"]}, "b": {"d": []}, "c": {"d": []}}, ["a", "a"], ["d"]
    )
    for gran in ("device", "interface"):
        g = GraphBuilder(gran).build(raw)
        assert len(g.sources) == 1
        assert all(len(set(s)) == len(s) for s in g.succ)
        assert len(g.succ[g.sources[0]]) == 2  # ECMP: two successors


def test_source_that_is_a_sink() -> None:
    raw = raw_graph({"a": {"b": []}}, ["a"], ["a", "b"])
    for gran in ("device", "interface"):
        assert paths(GraphBuilder(gran).build(raw)) == [("a",), ("a", "b")]


def test_empty_graph_is_valid() -> None:
    g = GraphBuilder("device").build({"nodeToOutEdgesMap": {}, "sourceNodes": [], "sinkNodes": []})
    assert paths(g) == []


def test_location_mapper_for_paths() -> None:
    assert location_mapper("interface")("r1|v|e1") == "r1|v|e1"
    assert location_mapper("device")("r1|v|e1") == "r1|v"
    assert location_mapper("device")("r1||e1") == "r1"
    assert location_mapper("group", {"r1": "G"})("r1|v|e1") == "G|v"
    assert device_level("drop") == "drop"


def test_locate_gives_group_attribute() -> None:
    assert locate("r1|v|e", "interface", {"r1": "G"}).group == "G"
    assert locate("r1", "device", {"r1": "G"}).group == "G"
    assert locate("r9", "device", {"r1": "G"}).group is None
    assert locate("G|v", "group", {"r1": "G"}).group == "G"
    assert locate("r9", "group", {"r1": "G"}).group is None
    assert locate("r1", "device").group is None
