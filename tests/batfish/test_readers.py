"""Readers of Batfish answers: JSON layouts, legacy columns, validation, export discovery."""

from __future__ import annotations

from pathlib import Path

import pytest

from rela.errors import NetworkInputError
from rela.network.dataplane import NextHop
from rela.network.formats.batfish import (
    find_export,
    parse_edges,
    parse_interfaces,
    parse_routes,
    read_routes,
)

ROW = {
    "Node": "r1",
    "VRF": "default",
    "Network": "10.0.0.0/24",
    "Next_Hop": {"type": "interface", "interface": "e0", "ip": "10.0.0.2"},
    "Next_Hop_IP": "10.0.0.2",
    "Next_Hop_Interface": "e0",
    "Protocol": "ospf",
    "Metric": 2,
    "Admin_Distance": 110,
    "Tag": None,
}
ROW2 = {**ROW, "Node": "r2", "Network": "10.1.0.0/16", "Next_Hop": {"type": "discard"}}

EDGE = {
    "Interface": {"hostname": "r1", "interface": "e0"},
    "IPs": ["10.0.0.1"],
    "Remote_Interface": {"hostname": "r2", "interface": "e0"},
    "Remote_IPs": ["10.0.0.2"],
}


def _summary(routes: tuple) -> list[tuple[str, str, str]]:
    return [(r.node, str(r.network), r.next_hop.kind) for r in routes]


EXPECTED = [("r1", "10.0.0.0/24", "interface"), ("r2", "10.1.0.0/16", "discard")]


@pytest.mark.parametrize(
    "layout",
    [
        [ROW, ROW2],  # orient="records"
        {"r1": [{k: v for k, v in ROW.items() if k != "Node"}], "r2": [ROW2]},  # grouped by node
        {"0": ROW, "1": ROW2},  # orient="index"
        {col: {"0": ROW[col], "1": ROW2[col]} for col in ROW},  # orient="columns"
        {"columns": list(ROW), "index": [0, 1], "data": [list(ROW.values()), list(ROW2.values())]},
        {"answerElements": [{"rows": [{**ROW, "Node": {"name": "r1", "id": "node-r1"}}, ROW2]}]},
    ],
    ids=["records", "grouped", "index", "columns", "split", "answer"],
)
def test_route_layouts(layout: object) -> None:
    assert _summary(parse_routes(layout)) == EXPECTED


def test_route_fields() -> None:
    (route,) = parse_routes([ROW])
    assert route.vrf == "default" and route.protocol == "ospf"
    assert route.admin == 110 and route.metric == 2
    assert route.next_hop.interface == "e0" and str(route.next_hop.ip) == "10.0.0.2"


@pytest.mark.parametrize(
    ("next_hop", "expected"),
    [
        ({"type": "ip", "ip": "10.9.9.9"}, ("ip", None, "10.9.9.9", None)),
        ({"type": "interface", "interface": "e1", "ip": None}, ("interface", "e1", None, None)),
        ({"type": "interface", "interface": "null_interface"}, ("discard", None, None, None)),
        ({"type": "discard"}, ("discard", None, None, None)),
        ({"type": "vrf", "vrf": "blue"}, ("vrf", None, None, "blue")),
    ],
)
def test_next_hop_kinds(next_hop: dict, expected: tuple) -> None:
    (route,) = parse_routes([{**ROW, "Next_Hop": next_hop}])
    nh: NextHop = route.next_hop
    assert (nh.kind, nh.interface, str(nh.ip) if nh.ip else None, nh.vrf) == expected


@pytest.mark.parametrize(
    ("ip", "iface", "expected"),
    [
        ("10.0.0.2", "e0", ("interface", "e0", "10.0.0.2")),
        ("AUTO/NONE(-1l)", "e0", ("interface", "e0", None)),
        ("10.9.9.9", "dynamic", ("ip", None, "10.9.9.9")),
        ("AUTO/NONE(-1l)", "null_interface", ("discard", None, None)),
    ],
)
def test_legacy_next_hop_columns(ip: str, iface: str, expected: tuple) -> None:
    row = {k: v for k, v in ROW.items() if k != "Next_Hop"}
    row.update(Next_Hop_IP=ip, Next_Hop_Interface=iface)
    (route,) = parse_routes([row])
    nh = route.next_hop
    assert (nh.kind, nh.interface, str(nh.ip) if nh.ip else None) == expected


def test_missing_vrf_means_default_and_non_best_rows_are_skipped() -> None:
    row = {k: v for k, v in ROW.items() if k != "VRF"}
    routes = parse_routes([row, {**ROW, "Status": ["BACKUP"]}, {**ROW2, "Status": ["BEST"]}])
    assert [(r.node, r.vrf) for r in routes] == [("r1", "default"), ("r2", "default")]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({k: v for k, v in ROW.items() if k != "Network"}, "missing field 'Network'"),
        ({**ROW, "Network": "10.0.0.1/24"}, "is not a prefix"),
        ({**ROW, "Network": "banana"}, "is not a prefix"),
        ({**ROW, "Next_Hop": {"type": "vtep", "vni": 5}}, "unsupported next hop type 'vtep'"),
        ({**ROW, "Next_Hop": {"type": "ip", "ip": "10.0.0.300"}}, "is not an IP address"),
        ({**ROW, "Next_Hop": {"type": "interface"}}, "without an interface"),
        ({**ROW, "Next_Hop": 7}, "should be an object"),
        (
            {k: v for k, v in ROW.items() if not k.startswith("Next_Hop")},
            "missing field 'Next_Hop'",
        ),
        ({**ROW, "Node": "a|b"}, "contains '|'"),
        ({**ROW, "Node": None}, "should be a node name"),
        ({**ROW, "Metric": "low"}, "'Metric' should be a number"),
        ({**ROW, "Protocol": 3}, "'Protocol' should be a string"),
    ],
)
def test_route_validation_errors(row: dict, message: str) -> None:
    with pytest.raises(NetworkInputError, match=message) as err:
        parse_routes([ROW2, row], "routes.json")
    rendered = err.value.render()
    assert rendered.startswith("routes.json: row 1")
    if row.get("Node") == "r1":
        assert "node 'r1'" in rendered


def test_grouped_routes_errors_name_the_node() -> None:
    with pytest.raises(NetworkInputError) as err:
        parse_routes({"core1": [ROW, {**ROW, "Network": "x"}]}, "base-node.json")
    assert "base-node.json: node 'core1', route 1" in err.value.render()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("just text", "expected a JSON list or object"),
        ([1, 2], "expected an object, found int"),
        ({"a": [ROW], "b": {"x": 1}}, "mixed values"),
    ],
)
def test_bad_layouts(data: object, message: str) -> None:
    with pytest.raises(NetworkInputError, match=message):
        parse_routes(data, "r.json")


def test_unreadable_and_invalid_json_files(tmp_path: Path) -> None:
    with pytest.raises(NetworkInputError, match="no such file or directory"):
        read_routes(tmp_path / "missing.json")
    bad = tmp_path / "routes.json"
    bad.write_text("[{]")
    with pytest.raises(NetworkInputError, match="not valid JSON") as err:
        read_routes(bad)
    assert str(bad) in err.value.render()


@pytest.mark.parametrize(
    "layout",
    [
        [EDGE],
        {"0": EDGE},
        {
            "0": {
                **EDGE,
                "Interface": "r1[e0]",
                "Remote_Interface": "r2[e0]",
                "IPs": ["10.0.0.1/24"],
            }
        },
    ],
    ids=["records", "index", "strings"],
)
def test_edge_layouts(layout: object) -> None:
    (edge,) = parse_edges(layout)
    assert (edge.node, edge.interface, edge.remote_node, edge.remote_interface) == (
        "r1",
        "e0",
        "r2",
        "e0",
    )
    assert [str(ip) for ip in edge.ips] == ["10.0.0.1"]
    assert [str(ip) for ip in edge.remote_ips] == ["10.0.0.2"]


@pytest.mark.parametrize(
    ("edge", "message"),
    [
        (
            {k: v for k, v in EDGE.items() if k != "Remote_Interface"},
            "missing field 'Remote_Interface'",
        ),
        ({**EDGE, "Interface": {"hostname": "r1"}}, "incomplete interface"),
        ({**EDGE, "Interface": 5}, "should be an interface"),
        ({**EDGE, "Remote_IPs": "nope"}, "is not an IP address"),
        ({**EDGE, "IPs": 3}, "should be a list of IP addresses"),
    ],
)
def test_edge_validation_errors(edge: dict, message: str) -> None:
    with pytest.raises(NetworkInputError, match=message) as err:
        parse_edges({"7": edge}, "edges.json")
    assert err.value.render().startswith("edges.json: row 7")


def test_grouped_layout_is_refused_for_edges() -> None:
    with pytest.raises(NetworkInputError, match="found lists keyed by 'r1'"):
        parse_edges({"r1": [EDGE]}, "edges.json")


def test_interfaces() -> None:
    rows = [
        {
            "Interface": {"hostname": "r1", "interface": "e0"},
            "VRF": "blue",
            "All_Prefixes": ["10.0.0.1/24"],
            "Active": True,
        },
        {
            "Interface": {"hostname": "r1", "interface": "e1"},
            "VRF": "default",
            "All_Prefixes": [],
            "Active": False,
        },
    ]
    a, b = parse_interfaces(rows)
    assert (a.vrf, [str(p) for p in a.prefixes], a.active) == ("blue", ["10.0.0.1/24"], True)
    assert b.active is False
    with pytest.raises(NetworkInputError, match="is not address/length"):
        parse_interfaces([{**rows[0], "All_Prefixes": ["x"]}], "i.json")


# ----------------------------------------------------------------------------- discovery


def _write(path: Path) -> Path:
    path.write_text("[]")
    return path


def test_find_export_in_a_directory(tmp_path: Path) -> None:
    routes = _write(tmp_path / "routes.json")
    edges = _write(tmp_path / "layer3-edges.json")
    iface = _write(tmp_path / "interfaceProperties.json")
    _write(tmp_path / "notes.txt")
    export = find_export(tmp_path)
    assert (export.routes, export.edges, export.interfaces) == (routes, edges, iface)


def test_find_export_by_file_prefix(tmp_path: Path) -> None:
    for snap in ("base", "change1"):
        for kind in ("node", "edge", "interface", "named-structure"):
            _write(tmp_path / f"{snap}-{kind}.json")
    export = find_export(tmp_path / "base")
    assert export.routes.name == "base-node.json" and export.edges.name == "base-edge.json"
    assert export.interfaces is not None and export.interfaces.name == "base-interface.json"


def test_find_export_errors(tmp_path: Path) -> None:
    _write(tmp_path / "a-routes.json")
    _write(tmp_path / "b-routes.json")
    with pytest.raises(NetworkInputError, match="several files could be the routes answer"):
        find_export(tmp_path)
    only = tmp_path / "only"
    only.mkdir()
    _write(only / "routes.json")
    with pytest.raises(NetworkInputError, match="no edges answer found") as err:
        find_export(only)
    assert "'*edge*.json'" in err.value.render()
    with pytest.raises(NetworkInputError, match="no JSON files start with this name"):
        find_export(tmp_path / "zzz")
    with pytest.raises(NetworkInputError, match="no such directory"):
        find_export(tmp_path / "nope" / "x")
