"""``rela show``: paths, stats, filters, JSON output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rela.cli.show import shortest_paths
from rela.network import Graph
from rela.network.granularity import GraphBuilder

from .conftest import SNAPSHOTS, raw_graph, rela_fec, write

EXAMPLE = SNAPSHOTS / "paths" / "core-costout"
SNAP_ARGS = ["--before", EXAMPLE / "before.json", "--after", EXAMPLE / "after.json"]


def test_show_paths_text(show: Any) -> None:
    result = show(*SNAP_ARGS)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "FEC 0  key 10.1.0.0/24" in out
    assert "traffic: dstIp=10.1.0.0/24" in out
    assert "flow border1|default" in out
    assert "before: border1|default -> core1|default -> leaf1|default" in out
    assert "after:  (no paths)" in out  # 10.9.0.0/24 only before
    assert "4 FECs shown" in out
    assert "\x1b[" not in out  # no colour when not a terminal


def test_show_json(show: Any) -> None:
    result = show(*SNAP_ARGS, "-g", "interface", "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["granularity"] == "interface"
    first = doc["fecs"][0]
    assert first["index"] == 0 and first["key"] == "10.1.0.0/24" and first["problem"] is None
    assert first["traffic"] == [{"dstIp": "10.1.0.0/24"}]
    flows = {f["flow"]: f for f in first["flows"]}
    assert flows["border2|default"]["after"] == {
        "paths": [["border2|default", "core2|default|et2", "leaf1|default|et2"]],
        "truncated": False,
    }


def test_show_filters(show: Any) -> None:
    result = show(*SNAP_ARGS, "--dst", "10.2.0.0/16", "--format", "json")
    assert [f["key"] for f in json.loads(result.stdout)["fecs"]] == ["10.2.0.0/24"]
    result = show(*SNAP_ARGS, "--fec", "1", "--fec", "3", "--format", "json")
    assert [f["index"] for f in json.loads(result.stdout)["fecs"]] == [1, 3]
    result = show(*SNAP_ARGS, "--flow", "border2", "--format", "json")
    fecs = json.loads(result.stdout)["fecs"]
    assert [f["key"] for f in fecs] == ["10.1.0.0/24"]
    assert [f["flow"] for f in fecs[0]["flows"]] == ["border2|default"]


def test_show_max_paths_says_truncated(tmp_path: Path, show: Any) -> None:
    ecmp = raw_graph({"a": {"b": ["1", "2", "3"]}, "b": {"c": ["4", "5"]}}, ["a"], ["c"])
    path = write(tmp_path / "c.json", [rela_fec(ecmp, ecmp)])
    result = show("--change", path, "-g", "interface", "--max-paths", "4")
    assert result.exit_code == 0
    assert "more paths (showing the 4 shortest; --max-paths)" in result.stdout
    doc = json.loads(
        show("--change", path, "-g", "interface", "--max-paths", "4", "-f", "json").stdout
    )
    side = doc["fecs"][0]["flows"][0]["before"]
    assert len(side["paths"]) == 4 and side["truncated"] is True


def test_show_stats(show: Any) -> None:
    result = show("--change", SNAPSHOTS / "graphs", "--stats", "--format", "json")
    assert result.exit_code == 0
    fecs = json.loads(result.stdout)["fecs"]
    assert fecs[0]["after"]["loop"] is True and fecs[0]["before"]["loop"] is False
    assert fecs[0]["before"] == {
        "nodes": 4,
        "edges": 3,
        "sources": 1,
        "sinks": 1,
        "locations": 4,
        "loop": False,
    }
    text = show("--change", SNAPSHOTS / "graphs", "--stats").stdout
    assert "loop: yes" in text and "4 nodes, 3 edges, 1 sources, 1 sinks" in text


def test_show_group_granularity(show: Any) -> None:
    result = show(*SNAP_ARGS, "-g", "group", "--groups", SNAPSHOTS / "paths" / "groups.json")
    assert (
        result.exit_code == 0 and "BORDER|default -> CORE|default -> LEAF|default" in result.stdout
    )


def test_shortest_paths_with_loops_and_shared_labels() -> None:
    loop = raw_graph({"a": {"b": []}, "b": {"a": [], "c": []}}, ["a"], ["c"])
    g = GraphBuilder("device").build(loop)
    paths, more = shortest_paths(g, None, 3)
    assert paths == [
        ("a", "b", "c"),
        ("a", "b", "a", "b", "c"),
        ("a", "b", "a", "b", "a", "b", "c"),
    ]
    assert more
    # many walks, few distinct label sequences: group granularity merges b1..b8
    fan = {"a": {f"b{i}": [] for i in range(8)}} | {f"b{i}": {"c": []} for i in range(8)}
    g = GraphBuilder("group", {f"b{i}": "B" for i in range(8)}).build(raw_graph(fan, ["a"], ["c"]))
    assert shortest_paths(g, "a", 5) == ([("a", "B", "c")], False)
    assert shortest_paths(Graph.empty(), None, 5) == ([], False)


def test_shortest_paths_on_wide_ecmp_is_fast() -> None:
    # 12 stages of 8-way ECMP: 8**12 walks; the first 20 come out at once
    edges: dict[str, dict[str, list[str]]] = {}
    for stage in range(12):
        edges[f"s{stage}"] = {f"s{stage + 1}": [f"e{k}" for k in range(8)]}
    g = GraphBuilder("interface").build(raw_graph(edges, ["s0"], ["s12"]))
    paths, more = shortest_paths(g, None, 20)
    assert len(paths) == 20 and more and all(len(p) == 13 for p in paths)
