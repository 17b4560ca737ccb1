"""``rela diff`` on the command line: output, JSON schema, DOT files, filters, exit codes."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from rela.cli import app
from tests.diff.graphs import CHUNK, SNAPSHOTS

runner = CliRunner()
ANSI = "\x1b["
REROUTE = SNAPSHOTS / "graphs" / "reroute.json"
LOOP = SNAPSHOTS / "graphs" / "loop.json"
COSTOUT = SNAPSHOTS / "paths" / "core-costout"
COSTOUT_ARGS = ["--before", str(COSTOUT / "before.json"), "--after", str(COSTOUT / "after.json")]


def rela_diff(*args: str | Path) -> Any:
    return runner.invoke(app, ["diff", *map(str, args)])


def schema() -> dict[str, Any]:
    text = (
        resources.files("rela").joinpath("schemas").joinpath("diff.schema.json").read_text("utf-8")
    )
    return json.loads(text)


def as_json(*args: str | Path) -> dict[str, Any]:
    result = rela_diff(*args, "--format", "json")
    assert result.exit_code in (0, 1, 2), result.output
    doc = json.loads(result.stdout)
    jsonschema.Draft202012Validator(schema()).validate(doc)
    return doc


def write_change(tmp_path: Path, fecs: list[dict[str, Any]]) -> Path:
    path = tmp_path / "change.json"
    path.write_text(json.dumps(fecs))
    return path


def g(edges: dict[str, list[str]], sources: list[str], sinks: list[str]) -> dict[str, Any]:
    nodes: dict[str, dict[str, list[str]]] = {u: {v: [] for v in vs} for u, vs in edges.items()}
    for s in sinks:
        nodes.setdefault(s, {})
    return {"nodeToOutEdgesMap": nodes, "sourceNodes": sources, "sinkNodes": sinks}


# ---------------------------------------------------------------------- exit codes


def test_exit_0_when_nothing_changed() -> None:
    result = rela_diff("--change", REROUTE, "--dst", "10.0.1.0/24")
    assert result.exit_code == 0, result.output
    assert "UNCHANGED: 1 FEC compared, no path changed" in result.stdout


def test_exit_1_when_something_changed() -> None:
    result = rela_diff("--change", REROUTE)
    assert result.exit_code == 1, result.output
    assert "CHANGED: 2 of 3 FECs changed paths (2 flows)" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--change", "/nonexistent/change.json"], "no such file"),
        (["--change", str(REROUTE), "-g", "group"], "--groups"),
        (["--change", str(REROUTE), "--dst", "nonsense"], "not an IP prefix"),
        (["--change", str(REROUTE), "--flow", "a|b|c|d"], "not a location name"),
        (["--change", str(REROUTE), *COSTOUT_ARGS], "not both"),
        ([], "no input"),
    ],
)
def test_exit_2_on_bad_input(args: list[str], message: str) -> None:
    result = rela_diff(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_exit_2_on_a_malformed_fec_which_is_still_shown(tmp_path: Path) -> None:
    bad = {"nodeToOutEdgesMap": {"a": {"zz": ["i"]}}, "sourceNodes": ["a"], "sinkNodes": ["b"]}
    ok = g({"a": ["b"]}, ["a"], ["b"])
    change = write_change(
        tmp_path,
        [
            {"ipTrafficKeys": [{"dstIp": "10.0.0.1"}], "graphBefore": bad, "graphAfter": ok},
            {"ipTrafficKeys": [{"dstIp": "10.0.0.2"}], "graphBefore": ok, "graphAfter": ok},
        ],
    )
    result = rela_diff("--change", change)
    assert result.exit_code == 2
    assert "FEC #0  error" in result.stdout and "neither a key" in result.stdout
    assert "1 FEC of the input is malformed" in result.stderr
    doc = as_json("--change", change)
    assert doc["summary"]["errors"] == 1 and doc["fecs"][0]["status"] == "error"
    # a resource limit is an error verdict, not bad input: exit 1, as rela check
    limited = rela_diff("--change", REROUTE, "--max-states", "1")
    assert limited.exit_code == 1, limited.output
    assert "could not be compared" in limited.stdout


# ---------------------------------------------------------------------- text


def test_text_output_on_the_costout_example() -> None:
    result = rela_diff(*COSTOUT_ARGS)
    assert result.exit_code == 1
    out = result.stdout
    assert ANSI not in out  # not a terminal
    assert all(len(line) <= 80 for line in out.splitlines())
    for expected in [
        "4 FECs compared: 0 unchanged, 2 changed, 1 only before (no paths after), 1 only",
        "  new drop                         1      1  FEC #3",
        "  core2 (drop)                               1      1  FEC #3",
        "  delivered -> no path              1      1  FEC #2",
        "  core1 -> leaf1            3      4  FEC #0",
        "FEC #0 (10.1.0.0/24)  changed, paths moved",
        "├── flow border1|default  paths moved: 1 path before, 1 after; -1 removed, +1",
        "│   ├── - border1|default -> core1|default -> leaf1|default",
        "│   └── + border1|default -> core2|default -> leaf1|default",
        "FEC #2 (10.9.0.0/24)  only-before, lost delivery",
        "FEC #3 (10.3.0.0/24)  only-after, new drop",
        "+ border1|default -> core2|default -> drop",
        "CHANGED: 4 of 4 FECs changed paths (5 flows)",
    ]:
        assert expected in out, expected
    # the verdict first and last, then the summary, then the FECs most telling first
    assert out.index("CHANGED:") < out.index("4 FECs compared") < out.index("FEC #3 (")
    assert out.index("FEC #3 (") < out.index("FEC #2 (") < out.index("FEC #0 (")
    assert out.index("FEC #0 (") < out.index("FEC #1 (") < out.rindex("CHANGED:")


def test_color_only_when_asked() -> None:
    result = rela_diff("--change", REROUTE, "--color")
    assert ANSI in result.stdout
    assert "\x1b[31m- r1 -> r2 -> r4" in result.stdout  # removed in red
    assert "\x1b[32m+ r1 -> r3 -> r4" in result.stdout  # added in green
    assert ANSI not in rela_diff("--change", REROUTE, "--no-color").stdout


def test_loop_flagged_and_counted_infinite() -> None:
    result = rela_diff("--change", LOOP, "--max-paths", "2")
    assert result.exit_code == 1
    assert "forwarding loop after" in result.stdout
    assert "infinite (loop) added" in result.stdout
    assert "… more added paths (raise --max-paths)" in result.stdout
    assert "a forwarding loop in 0 FECs before, 1" in result.stdout
    assert "New forwarding loops (through)  FECs  flows  e.g." in result.stdout
    assert "  r2, r3                           1      1  FEC #0" in result.stdout
    doc = as_json("--change", LOOP)
    (fec,) = doc["fecs"]
    assert fec["loop"] == {"before": False, "after": True}
    assert fec["flows"][0]["after"] is None and fec["flows"][0]["added"]["count"] is None


def test_wide_real_data_fits_80_columns() -> None:
    if not CHUNK.exists():
        pytest.skip("the Rela dataset sample is absent")
    result = rela_diff("--change", CHUNK, "-g", "interface", "--max-paths", "3")
    assert result.exit_code == 1
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    assert "1,533 more removed paths" in result.stdout  # 1,536 removed, 3 listed


def test_all_lists_unchanged_fecs_and_flows() -> None:
    default = rela_diff("--change", REROUTE).stdout
    full = rela_diff("--change", REROUTE, "--all").stdout
    assert "FEC #0  unchanged" not in default
    assert "FEC #0  unchanged" in full and "flow r1  unchanged: 1 path" in full
    doc = as_json("--change", REROUTE, "--all")
    # most telling first: the new drop, the moved paths, then the unchanged FEC
    assert [(f["fec"]["index"], f["status"]) for f in doc["fecs"]] == [
        (2, "changed"),
        (1, "changed"),
        (0, "unchanged"),
    ]


# ---------------------------------------------------------------------- filters


def test_flow_filter() -> None:
    doc = as_json(*COSTOUT_ARGS, "--flow", "border2")
    assert doc["summary"]["fecs"] == 1
    (fec,) = doc["fecs"]
    assert fec["fec"]["key"] == "10.1.0.0/24"
    assert [f["flow"] for f in fec["flows"]] == ["border2|default"]
    assert doc["options"]["flow"] == ["border2"]


def test_dst_filter() -> None:
    doc = as_json(*COSTOUT_ARGS, "--dst", "10.2.0.0/16")
    assert [f["fec"]["key"] for f in doc["fecs"]] == ["10.2.0.0/24"]
    assert doc["summary"]["fecs"] == 1 and doc["options"]["dst"] == ["10.2.0.0/16"]
    nothing = rela_diff(*COSTOUT_ARGS, "--dst", "192.168.0.0/16")
    assert nothing.exit_code == 2  # a filter that selects nothing is an input error
    assert "--dst 192.168.0.0/16 overlaps the traffic of no FEC" in nothing.stderr
    assert doc["fecs_input"] == 4 and doc["filters"][0]["left_out"] == 3


def test_max_paths() -> None:
    doc = as_json("--change", LOOP, "--max-paths", "1")
    added = doc["fecs"][0]["flows"][0]["added"]
    assert len(added["paths"]) == 1 and added["truncated"] is True


# ---------------------------------------------------------------------- JSON and files


@pytest.mark.parametrize(
    "args",
    [
        ["--change", str(REROUTE)],
        ["--change", str(REROUTE), "--all"],
        ["--change", str(LOOP)],
        COSTOUT_ARGS,
        [*COSTOUT_ARGS, "-g", "interface"],
        [*COSTOUT_ARGS, "-g", "group", "--groups", str(SNAPSHOTS / "paths" / "groups.json")],
    ],
)
def test_json_matches_the_schema(args: list[str]) -> None:
    doc = as_json(*args)
    s = doc["summary"]
    total = s["unchanged"] + s["changed"] + s["only_before"] + s["only_after"] + s["errors"]
    assert total == s["fecs"]


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "diff.json"
    result = rela_diff("--change", REROUTE, "-f", "json", "-o", target)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "CHANGED: 2 of 3 FECs" in result.stderr
    jsonschema.validate(json.loads(target.read_text()), schema())
    text = tmp_path / "diff.txt"
    rela_diff("--change", REROUTE, "-o", text)
    assert "FEC #1  changed" in text.read_text() and ANSI not in text.read_text()
    bad = rela_diff("--change", REROUTE, "-o", tmp_path / "missing" / "x.txt")
    assert bad.exit_code == 2 and "cannot write" in bad.stderr


_EDGE = re.compile(r'^\s*"([^"]+)" -> "([^"]+)" \[(.*)\];$')


def dot_edges(text: str) -> dict[tuple[str, str], str]:
    """Edges of a DOT file and their colour (the structure, without a DOT library)."""
    assert text.startswith("digraph ") and text.rstrip().endswith("}")
    edges = {}
    for line in text.splitlines():
        m = _EDGE.match(line)
        if m:
            colour = re.search(r'color="(\w+)"', m.group(3))
            assert colour, line
            edges[(m.group(1), m.group(2))] = colour.group(1)
    return edges


def test_dot_files_for_changed_fecs(tmp_path: Path) -> None:
    out = tmp_path / "dots"
    result = rela_diff("--change", REROUTE, "--dot", out)
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["fec-1.dot", "fec-2.dot"]
    assert dot_edges((out / "fec-1.dot").read_text()) == {
        ("r1", "r2"): "red",
        ("r2", "r4"): "red",
        ("r1", "r3"): "green",
        ("r3", "r4"): "green",
    }
    assert dot_edges((out / "fec-2.dot").read_text()) == {
        ("r1", "r2"): "black",
        ("r2", "r4"): "black",
        ("r1", "r3"): "black",
        ("r3", "r4"): "red",
        ("r3", "drop"): "green",
    }


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pydot's use of pyparsing
def test_dot_parses_with_pydot(tmp_path: Path) -> None:
    pydot = pytest.importorskip("pydot")
    rela_diff(*COSTOUT_ARGS, "-g", "interface", "--dot", tmp_path)
    files = sorted(tmp_path.glob("fec-*.dot"))
    assert [p.name for p in files] == ["fec-0.dot", "fec-1.dot", "fec-2.dot", "fec-3.dot"]
    for path in files:
        (graph,) = pydot.graph_from_dot_file(str(path))
        colours = {e.get("color").strip('"') for e in graph.get_edges()}
        assert colours <= {"black", "red", "green"} and colours
        names = {n.get_name().strip('"') for n in graph.get_nodes()} - {"node"}
        for e in graph.get_edges():
            assert e.get_source().strip('"') in names and e.get_destination().strip('"') in names
    (fec3,) = pydot.graph_from_dot_file(str(tmp_path / "fec-3.dot"))
    assert {e.get("color").strip('"') for e in fec3.get_edges()} == {"green"}  # only-after


def test_dot_directory_errors(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = rela_diff("--change", REROUTE, "--dot", blocker)
    assert result.exit_code == 2 and "--dot" in result.stderr


def test_json_rendering_round_trips_odd_names() -> None:
    from rela.diff import diff_change
    from rela.network.model import Graph
    from rela.report.diff_json import render_json
    from tests.diff.graphs import fec

    odd = ['a,"[x]', "b\n{c}", "], ["]
    report = diff_change([fec(Graph.from_paths([odd]), Graph.from_paths([odd[:2]]))])
    assert json.loads(render_json(report)) == report.to_dict()
