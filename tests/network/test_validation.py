"""Every bad-input case: the message names the file, the FEC and the field; the CLI exits 2."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rela.cli.app import cli_wording
from rela.errors import NetworkInputError, RelaError, UsageError
from rela.network import load_change, load_groups

from .conftest import LINE, raw_graph, rela_fec, write

# -- per-FEC problems in Rela graph JSON ------------------------------------------------


def _set(path: list[Any], value: Any) -> Callable[[dict], None]:
    def mutate(fec: dict) -> None:
        target = fec
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return mutate


def _delete(path: list[Any]) -> Callable[[dict], None]:
    def mutate(fec: dict) -> None:
        target = fec
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return mutate


GB = "graphBefore"
GA = "graphAfter"
EDGES = "nodeToOutEdgesMap"

# (id, mutation of a valid FEC, substrings the problem must contain)
FEC_CASES: list[tuple[str, Callable[[dict], None], list[str]]] = [
    ("missing-traffic", _delete(["ipTrafficKeys"]), ["ipTrafficKeys", "missing field"]),
    ("missing-before", _delete([GB]), ["graphBefore", "missing field"]),
    ("missing-after", _delete([GA]), ["graphAfter", "missing field"]),
    (
        "traffic-not-list",
        _set(["ipTrafficKeys"], {"dstIp": "1.2.3.4"}),
        ["ipTrafficKeys", "expected a list", "an object"],
    ),
    (
        "traffic-key-not-object",
        _set(["ipTrafficKeys", 0], "10.0.0.1"),
        ["ipTrafficKeys[0]", "a string"],
    ),
    (
        "dst-not-string",
        _set(["ipTrafficKeys", 0, "dstIp"], 167772161),
        ["ipTrafficKeys[0].dstIp", "a number"],
    ),
    (
        "dst-not-address",
        _set(["ipTrafficKeys", 0, "dstIp"], "10.0.0.300"),
        ["ipTrafficKeys[0].dstIp", "not an IP address"],
    ),
    (
        "qos-string",
        _set(["ipTrafficKeys", 0, "qos"], "4"),
        ["ipTrafficKeys[0].qos", "expected an integer 0-255, got a string '4'"],
    ),
    (
        "qos-beyond-the-model",
        _set(["ipTrafficKeys", 0, "qos"], 99999999999999999999),
        ["ipTrafficKeys[0].qos", "99999999999999999999 is out of range: an integer 0-255"],
    ),
    ("qos-256", _set(["ipTrafficKeys", 0, "qos"], 256), ["ipTrafficKeys[0].qos", "out of range"]),
    (
        "protocol-unknown-name",
        _set(["ipTrafficKeys", 0, "protocol"], "tpc"),
        ["ipTrafficKeys[0].protocol", "unknown protocol 'tpc'", "tcp"],
    ),
    (
        "protocol-too-big",
        _set(["ipTrafficKeys", 0, "protocol"], 256),
        ["ipTrafficKeys[0].protocol", "256 is out of range"],
    ),
    (
        "protocol-float",
        _set(["ipTrafficKeys", 0, "protocol"], 6.0),
        ["ipTrafficKeys[0].protocol", "a number 6.0"],
    ),
    (
        "port-too-big",
        _set(["ipTrafficKeys", 0, "dstPort"], 65536),
        ["ipTrafficKeys[0].dstPort", "65536 is out of range"],
    ),
    (
        "port-range-reversed",
        _set(["ipTrafficKeys", 0, "srcPort"], "90-80"),
        ["ipTrafficKeys[0].srcPort", "'90-80' is not a port range"],
    ),
    (
        "port-range-beyond",
        _set(["ipTrafficKeys", 0, "srcPort"], "1-99999"),
        ["ipTrafficKeys[0].srcPort", "not a port range"],
    ),
    (
        "port-text",
        _set(["ipTrafficKeys", 0, "dstPort"], "http"),
        ["ipTrafficKeys[0].dstPort", 'expected a port 0-65535 or a range "lo-hi"'],
    ),
    (
        "port-negative",
        _set(["ipTrafficKeys", 0, "dstPort"], -1),
        ["ipTrafficKeys[0].dstPort", "-1 is out of range"],
    ),
    ("qos-bool", _set(["ipTrafficKeys", 0, "qos"], True), ["ipTrafficKeys[0].qos"]),
    ("qos-negative", _set(["ipTrafficKeys", 0, "qos"], -1), ["ipTrafficKeys[0].qos"]),
    ("qos-infinite-float", _set(["ipTrafficKeys", 0, "qos"], 1e308), ["ipTrafficKeys[0].qos"]),
    ("graph-null", _set([GB], None), ["graphBefore", "expected a forwarding graph object", "null"]),
    ("graph-list", _set([GA], []), ["graphAfter", "a list"]),
    ("missing-map", _delete([GB, EDGES]), ["graphBefore.nodeToOutEdgesMap", "missing field"]),
    ("missing-sources", _delete([GB, "sourceNodes"]), ["graphBefore.sourceNodes", "missing field"]),
    ("missing-sinks", _delete([GA, "sinkNodes"]), ["graphAfter.sinkNodes", "missing field"]),
    (
        "map-not-object",
        _set([GB, EDGES], [["a", "b"]]),
        ["graphBefore.nodeToOutEdgesMap", "expected an object"],
    ),
    ("sources-not-list", _set([GB, "sourceNodes"], "a"), ["graphBefore.sourceNodes", "a string"]),
    ("sinks-not-list", _set([GA, "sinkNodes"], {"c": 1}), ["graphAfter.sinkNodes", "an object"]),
    (
        "outs-not-object",
        _set([GB, EDGES, "a"], ["b"]),
        ["graphBefore.nodeToOutEdgesMap['a']", "expected an object"],
    ),
    (
        "ifaces-not-list",
        _set([GB, EDGES, "a", "b"], "i1"),
        ["graphBefore.nodeToOutEdgesMap['a']['b']", "list of inbound interface names"],
    ),
    (
        "iface-not-string",
        _set([GB, EDGES, "a", "b"], ["i1", 7]),
        ["graphBefore.nodeToOutEdgesMap['a']['b'][1]", "a number 7"],
    ),
    (
        "iface-empty",
        _set([GB, EDGES, "a", "b"], [""]),
        ["nodeToOutEdgesMap['a']['b'][0]", "non-empty"],
    ),
    (
        "iface-pipe",
        _set([GB, EDGES, "a", "b"], ["x|y"]),
        ["nodeToOutEdgesMap['a']['b'][0]", "'x|y'"],
    ),
    (
        "edge-to-unknown",
        _set([GB, EDGES, "a", "zz"], ["i9"]),
        [
            "graphBefore.nodeToOutEdgesMap['a']['zz']",
            "'a' -> 'zz'",
            "neither a key of nodeToOutEdgesMap nor a sink",
        ],
    ),
    (
        "source-absent",
        _set([GA, "sourceNodes"], ["a", "ghost"]),
        ["graphAfter.sourceNodes[1]", "'ghost'", "not a node"],
    ),
    (
        "source-not-string",
        _set([GA, "sourceNodes"], [1]),
        ["graphAfter.sourceNodes[0]", "must be strings", "a number"],
    ),
    (
        "sink-not-string",
        _set([GA, "sinkNodes"], ["c", None]),
        ["graphAfter.sinkNodes[1]", "must be strings", "null"],
    ),
    (
        "name-three-components",
        _set([GB, "sinkNodes"], ["c", "x|y|z"]),
        ["graphBefore.sinkNodes[1]", "more than two"],
    ),
    ("name-empty", _set([GB, "sinkNodes"], [""]), ["graphBefore.sinkNodes[0]", "empty node name"]),
    ("key-not-string", _set(["key"], 5), ["FEC 1:", "key", "expected a string"]),
]


@pytest.mark.parametrize(
    ("mutate", "needles"), [c[1:] for c in FEC_CASES], ids=[c[0] for c in FEC_CASES]
)
def test_malformed_fec_is_reported_not_skipped(
    tmp_path: Path, show: Any, mutate: Callable[[dict], None], needles: list[str]
) -> None:
    bad = rela_fec(before=copy.deepcopy(LINE), after=copy.deepcopy(LINE))
    mutate(bad)
    path = write(tmp_path / "change.json", [rela_fec(), bad, rela_fec(dst="10.0.0.3")])
    fecs = list(load_change(change=path))
    assert [f.index for f in fecs] == [0, 1, 2]
    assert fecs[0].problem is None and fecs[2].problem is None
    problem = fecs[1].problem
    assert problem is not None
    assert problem.startswith(f"{path}: FEC 1")
    for needle in needles:
        assert needle in problem
    assert fecs[1].before.paths is not None and not list(fecs[1].before.paths())

    result = show("--change", path)
    assert result.exit_code == 2
    assert "FEC 1" in result.stdout and needles[0] in result.stdout
    assert "1 malformed FEC" in result.stderr


def test_fec_that_is_not_an_object(tmp_path: Path, show: Any) -> None:
    path = write(tmp_path / "c.json", [rela_fec(), [1, 2]])
    fec = list(load_change(change=path))[1]
    assert fec.problem == f"{path}: FEC 1: expected an FEC object, got a list"
    assert show("--change", path).exit_code == 2


def test_malformed_fec_keeps_its_traffic_and_key(tmp_path: Path) -> None:
    bad = rela_fec(before={"nodeToOutEdgesMap": {}}, key="k1")
    fec = list(load_change(change=write(tmp_path / "c.json", [bad])))[0]
    assert fec.key == "k1" and fec.traffic[0].dst == "10.0.0.1"
    assert "FEC 0 (key 'k1'): graphBefore.sourceNodes: missing field" in (fec.problem or "")


def test_a_forwarding_loop_is_valid_input(tmp_path: Path, show: Any) -> None:
    loop = raw_graph({"a": {"b": ["i1"]}, "b": {"a": ["i2"], "c": ["i3"]}}, ["a"], ["c"])
    path = write(tmp_path / "c.json", [rela_fec(after=loop)])
    fec = list(load_change(change=path))[0]
    assert fec.problem is None and fec.after.has_cycle()
    result = show("--change", path, "--stats")
    assert result.exit_code == 0 and "loop: yes" in result.stdout


# -- per-FEC problems in path snapshots ---------------------------------------------------

SNAP_CASES: list[tuple[str, Any, list[str]]] = [
    ("missing-key", {"traffic": [], "paths": [["a"]]}, ["FEC 1: key: missing field"]),
    ("key-number", {"key": 7, "paths": [["a"]]}, ["FEC 1: key", "non-empty string"]),
    ("key-empty", {"key": "", "paths": [["a"]]}, ["FEC 1: key", "non-empty string"]),
    ("unknown-field", {"key": "k", "path": [["a"]]}, ["FEC 1 (key 'k'): path: unknown field"]),
    ("no-paths", {"key": "k"}, ["(key 'k'): paths: missing field"]),
    ("paths-and-graph", {"key": "k", "paths": [], "graph": LINE}, ["either 'paths' or 'graph'"]),
    (
        "paths-not-list",
        {"key": "k", "paths": "a b"},
        ["(key 'k'): paths: expected a list of paths"],
    ),
    ("path-not-list", {"key": "k", "paths": ["a"]}, ["paths[0]: expected a path"]),
    ("path-empty", {"key": "k", "paths": [["a"], []]}, ["paths[1]: empty path"]),
    (
        "location-number",
        {"key": "k", "paths": [["a", 3]]},
        ["paths[0][1]: locations must be strings"],
    ),
    (
        "location-four-parts",
        {"key": "k", "paths": [["a|b|c|d"]]},
        ["paths[0][0]", "not a location name"],
    ),
    (
        "traffic-unknown-field",
        {"key": "k", "traffic": [{"dst": "1.2.3.4"}], "paths": [["a"]]},
        ["traffic[0]: unknown field 'dst'"],
    ),
    (
        "graph-bad-edge",
        {"key": "k", "graph": raw_graph({"a": {"q": []}}, ["a"], [])},
        ["graph.nodeToOutEdgesMap['a']['q']", "neither a key"],
    ),
    ("fec-string", "k", ["FEC 1: expected an FEC object, got a string"]),
]


def _snapshot(fecs: list[Any]) -> dict[str, Any]:
    return {"format": "rela-snapshot/1", "fecs": fecs}


@pytest.mark.parametrize(
    ("item", "needles"), [c[1:] for c in SNAP_CASES], ids=[c[0] for c in SNAP_CASES]
)
def test_malformed_snapshot_fec(tmp_path: Path, show: Any, item: Any, needles: list[str]) -> None:
    good = {"key": "ok", "paths": [["a", "b"]]}
    before = write(tmp_path / "before.json", _snapshot([good, item]))
    after = write(tmp_path / "after.json", _snapshot([good]))
    fecs = list(load_change(before=before, after=after))
    assert fecs[0].problem is None
    problem = fecs[1].problem
    assert problem is not None and problem.startswith(f"{before}: FEC 1")
    for needle in needles:
        assert needle in problem
    result = show("--before", before, "--after", after)
    assert result.exit_code == 2 and needles[0] in result.stdout


def test_malformed_after_fec_is_paired_and_reported(tmp_path: Path) -> None:
    before = write(tmp_path / "b.json", _snapshot([{"key": "k", "paths": [["a"]]}]))
    after = write(tmp_path / "a.json", _snapshot([{"key": "k", "paths": [[]]}]))
    (fec,) = list(load_change(before=before, after=after))
    assert (
        fec.key == "k"
        and fec.problem
        == f"{after}: FEC 0 (key 'k'): paths[0]: empty path: a path has at least one location"
    )


def test_duplicate_keys_in_path_snapshots(tmp_path: Path, show: Any) -> None:
    good = _snapshot([{"key": "k", "paths": [["a"]]}])
    dup = _snapshot(
        [
            {"key": "k", "paths": [["a"]]},
            {"key": "j", "paths": [["a"]]},
            {"key": "k", "paths": [["b"]]},
        ]
    )
    for side in ("before", "after"):
        files = {"before": good, "after": good, side: dup}
        b = write(tmp_path / side / "before.json", files["before"])
        a = write(tmp_path / side / "after.json", files["after"])
        with pytest.raises(NetworkInputError) as err:
            list(load_change(before=b, after=a))
        text = err.value.render()
        assert str(tmp_path / side / f"{side}.json") in text
        assert "duplicate FEC key 'k' (FECs 0 and 2)" in text and "fecs[2].key" in text
        result = show("--before", b, "--after", a)
        assert result.exit_code == 2 and "duplicate FEC key 'k'" in result.stderr


# -- whole-file problems ----------------------------------------------------------------------


def _file_error(show: Any, args: list[Any], needles: list[str]) -> NetworkInputError | RelaError:
    """The error of loading ``args`` (library and CLI), checking the message both ways."""
    kwargs = dict(zip(args[::2], args[1::2]))
    kwargs = {k.lstrip("-"): v for k, v in kwargs.items()}
    with pytest.raises(RelaError) as err:
        list(load_change(**kwargs))
    text = err.value.render()
    for needle in needles:
        assert needle in text, text
    result = show(*args)
    assert result.exit_code == 2
    for needle in needles:
        assert cli_wording(needle) in result.stderr, result.stderr  # change= -> --change
    assert "Traceback" not in result.output
    return err.value


def test_invalid_json_has_line_and_column(tmp_path: Path, show: Any) -> None:
    text = json.dumps([rela_fec(), rela_fec()], indent=1)
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines) if '"graphAfter"' in line and i > 20)
    lines[row] = lines[row].replace('"graphAfter"', '"graphAfter" "oops"')
    path = write(tmp_path / "bad.json", "\n".join(lines))
    err = _file_error(
        show, ["--change", path], [f"{path}:{row + 1}:", "invalid JSON", "Expecting ':' delimiter"]
    )
    assert err.line == row + 1 and err.column == lines[row].index('"oops"') + 1


def test_invalid_json_deep_in_a_big_file_is_located(tmp_path: Path) -> None:
    from rela.network.formats import common

    fecs = [rela_fec(dst=f"10.0.{i // 250}.{i % 250}") for i in range(3000)]
    text = json.dumps(fecs, indent=1)
    cut = text.rindex('"qos"')
    path = write(tmp_path / "big.json", text[:cut] + "qos" + text[cut + 5 :])
    old = common.BLOCK_CHARS
    try:
        common.BLOCK_CHARS = 4096  # many refills before the error
        with pytest.raises(NetworkInputError) as err:
            for _ in load_change(change=path):
                pass
    finally:
        common.BLOCK_CHARS = old
    assert err.value.line == text[:cut].count("\n") + 1
    assert err.value.column == cut - text.rindex("\n", 0, cut)


def test_truncated_file(tmp_path: Path, show: Any) -> None:
    text = json.dumps([rela_fec(), rela_fec()])
    path = write(tmp_path / "cut.json", text[: len(text) // 2 + 7])
    _file_error(show, ["--change", path], [str(path), "unexpected end of file"])


def test_trailing_data(tmp_path: Path, show: Any) -> None:
    path = write(tmp_path / "t.json", json.dumps([rela_fec()]) + "\n]")
    _file_error(show, ["--change", path], [f"{path}:2:1", "extra data after the end"])


def test_missing_comma_between_fecs(tmp_path: Path, show: Any) -> None:
    path = write(
        tmp_path / "t.json", "[" + json.dumps(rela_fec()) + "\n" + json.dumps(rela_fec()) + "]"
    )
    _file_error(show, ["--change", path], [f"{path}:2:1", "expected ',' or ']'"])


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        ('{"fecs": []}', ["does not start with '['", "path snapshot"]),
        ("42", ["does not start with '['"]),
        ("", ["empty file"]),
        ("   \n", ["empty file"]),
        ("[]", ["contains no FECs"]),
        (" [ \n ] ", ["contains no FECs"]),
        ("[NaN]", ["NaN is not valid JSON"]),
        ("[1" + "0" * 5000 + "]", ["invalid JSON value"]),
        ("[" * 100_000, ["nested too deeply"]),
        (
            '[{"ipTrafficKeys": [], "graphBefore": ' + "[" * 5000 + "]" * 5000 + "}]",
            ["nested too deeply"],
        ),
    ],
    ids=[
        "object",
        "number",
        "empty",
        "blank",
        "empty-list",
        "empty-list-ws",
        "nan",
        "huge-int",
        "deep",
        "deep-in-fec",
    ],
)
def test_bad_change_files(tmp_path: Path, show: Any, content: str, needles: list[str]) -> None:
    path = write(tmp_path / "c.json", content)
    _file_error(show, ["--change", path], [str(path), *needles])


def test_huge_numbers_load_or_fail_cleanly(tmp_path: Path) -> None:
    fec = rela_fec()
    text = json.dumps([fec]).replace('"qos": 4', '"qos": 1e999999')
    (loaded,) = list(load_change(change=write(tmp_path / "c.json", text)))
    assert "qos" in (loaded.problem or "")


def test_unicode_names_load(tmp_path: Path) -> None:
    g = raw_graph({"路由器1": {"rôuter|vrf✓": ["Gi0/0·1"]}}, ["路由器1"], ["rôuter|vrf✓"])
    (fec,) = list(
        load_change(
            change=write(tmp_path / "c.json", [rela_fec(before=g)]), granularity="interface"
        )
    )
    assert fec.problem is None
    assert list(fec.before.paths()) == [("路由器1", "rôuter|vrf✓|Gi0/0·1")]


def test_invalid_utf8(tmp_path: Path, show: Any) -> None:
    data = json.dumps([rela_fec()]).encode().replace(b'"a"', b'"\xff"', 1)
    path = write(tmp_path / "c.json", data)
    _file_error(show, ["--change", path], [str(path), "not valid UTF-8", "byte offset"])


def test_bad_gzip(tmp_path: Path, show: Any) -> None:
    path = write(tmp_path / "c.json.gz", b"this is not gzip data")
    _file_error(show, ["--change", path], [str(path), "gzip"])


def test_truncated_gzip(tmp_path: Path, show: Any) -> None:
    full = write(tmp_path / "full.json.gz", [rela_fec()] * 50, gz=True).read_bytes()
    path = write(tmp_path / "c.json.gz", full[: len(full) // 2])
    _file_error(show, ["--change", path], [str(path), "gzip"])


def test_missing_file(tmp_path: Path, show: Any) -> None:
    _file_error(show, ["--change", tmp_path / "nope.json"], ["nope.json", "no such file"])
    good = write(tmp_path / "b.json", _snapshot([{"key": "k", "paths": [["a"]]}]))
    _file_error(
        show, ["--before", good, "--after", tmp_path / "x.json"], ["x.json", "no such file"]
    )


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file_and_directory(tmp_path: Path, show: Any) -> None:
    path = write(tmp_path / "c.json", [rela_fec()])
    path.chmod(0)
    try:
        _file_error(show, ["--change", path], [str(path), "permission denied"])
    finally:
        path.chmod(0o644)
    folder = tmp_path / "chunks"
    write(folder / "a.json", [rela_fec()])
    folder.chmod(0)
    try:
        _file_error(show, ["--change", folder], [str(folder), "permission denied"])
    finally:
        folder.chmod(0o755)


def test_empty_directory(tmp_path: Path, show: Any) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    write(folder / "notes.txt", "not a chunk")
    _file_error(show, ["--change", folder], [str(folder), "no *.json or *.json.gz files"])


def test_directory_of_empty_chunks(tmp_path: Path, show: Any) -> None:
    write(tmp_path / "d" / "a.json", [])
    write(tmp_path / "d" / "b.json", [])
    _file_error(show, ["--change", tmp_path / "d"], ["contains no FECs"])


def test_bad_chunk_in_a_directory_names_the_chunk(tmp_path: Path, show: Any) -> None:
    write(tmp_path / "d" / "c1.json", [rela_fec()])
    write(tmp_path / "d" / "c2.json", "[{]")
    _file_error(
        show,
        ["--change", tmp_path / "d"],
        [str(tmp_path / "d" / "c2.json") + ":1:3", "invalid JSON"],
    )


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        ("[]", ["does not start with '{'", "use change="]),
        ("", ["empty file"]),
        ('{"format": "rela-snapshot/2", "fecs": []}', ["unsupported format 'rela-snapshot/2'"]),
        ('{"format": "rela-snapshot/1"}', ["missing field 'fecs'"]),
        ('{"fecs": {"k": []}}', ["field 'fecs' must be a JSON list"]),
        ('{"fecs": [], "fecs": []}', ["duplicate top-level field 'fecs'"]),
        ('{"fecs": [] "x": 1}', ["expected ',' or '}'"]),
        ("{fecs: []}", ["expected a field name"]),
    ],
    ids=["list", "empty", "format", "no-fecs", "fecs-object", "fecs-twice", "comma", "unquoted"],
)
def test_bad_snapshot_files(tmp_path: Path, show: Any, content: str, needles: list[str]) -> None:
    before = write(tmp_path / "before.json", content)
    after = write(tmp_path / "after.json", _snapshot([{"key": "k", "paths": [["a"]]}]))
    _file_error(show, ["--before", before, "--after", after], [str(before), *needles])


def test_snapshots_without_fecs(tmp_path: Path, show: Any) -> None:
    before = write(tmp_path / "before.json", _snapshot([]))
    after = write(tmp_path / "after.json", _snapshot([]))
    _file_error(show, ["--before", before, "--after", after], ["no FECs"])


# -- group mapping files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        ('["a", "b"]', ["must be a JSON object", "a list"]),
        ('{"a": 1}', ["group of 'a' must be a string", "a number"]),
        ('{"a": null}', ["group of 'a' must be a string", "null"]),
        ('{"a": ""}', ["group of 'a'", "non-empty"]),
        ('{"a": "G|x"}', ["group of 'a'", "without '|'"]),
        ('{"a|v": "G"}', ["is not a device name"]),
        ("{}", ["mapping is empty"]),
        ("", ["empty file"]),
        ('{"a": "G",}', ["invalid JSON"]),
    ],
    ids=[
        "list",
        "number",
        "null",
        "empty-group",
        "pipe-group",
        "pipe-device",
        "empty",
        "empty-file",
        "json",
    ],
)
def test_bad_mapping_files(tmp_path: Path, show: Any, content: str, needles: list[str]) -> None:
    mapping = write(tmp_path / "groups.json", content)
    with pytest.raises(NetworkInputError) as err:
        load_groups(mapping)
    for needle in [str(mapping), *needles]:
        assert needle in err.value.render()
    change = write(tmp_path / "c.json", [rela_fec()])
    result = show("--change", change, "-g", "group", "--groups", mapping)
    assert result.exit_code == 2 and needles[0] in result.stderr


def test_missing_mapping_file(tmp_path: Path, show: Any) -> None:
    change = write(tmp_path / "c.json", [rela_fec()])
    result = show("--change", change, "-g", "group", "--groups", tmp_path / "none.json")
    assert (
        result.exit_code == 2 and "none.json" in result.stderr and "no such file" in result.stderr
    )


# -- usage errors ---------------------------------------------------------------------------------


def test_usage_errors(tmp_path: Path, show: Any) -> None:
    change = write(tmp_path / "c.json", [rela_fec()])
    snap = write(tmp_path / "s.json", _snapshot([{"key": "k", "paths": [["a"]]}]))
    cases: list[tuple[dict[str, Any], list[str], str]] = [
        ({}, [], "no input"),
        ({"change": change, "before": snap}, ["--change", change, "--before", snap], "not both"),
        ({"before": snap}, ["--before", snap], "go together"),
        ({"after": snap}, ["--after", snap], "go together"),
        (
            {"change": change, "granularity": "group"},
            ["--change", change, "-g", "group"],
            "needs groups=",
        ),
        ({"change": change, "granularity": "port"}, [], "unknown granularity 'port'"),
        (
            {"before": snap, "after": tmp_path},
            ["--before", snap, "--after", tmp_path],
            "both be files",
        ),
        (
            {"change": change, "dst": ["10.0.0.0/33"]},
            ["--change", change, "--dst", "10.0.0.0/33"],
            "not an IP prefix",
        ),
        ({"change": change, "dst": "10.0.0.0/8"}, [], "not a single string"),
    ]
    for kwargs, args, needle in cases:
        with pytest.raises(UsageError) as err:
            load_change(**kwargs)
        assert needle in err.value.message
        assert "--" not in err.value.message  # the library names parameters, not flags
        if args or not kwargs:
            result = show(*args)
            flagged = cli_wording(needle)  # the CLI names flags: needs --groups
            assert result.exit_code == 2 and flagged in result.stderr, (args, result.output)
    result = show("--change", change, "-g", "port")
    assert result.exit_code == 2


def test_permission_denied_even_as_root(tmp_path: Path, show: Any, monkeypatch: Any) -> None:
    """The messages for unreadable files and directories (simulated: root reads everything)."""
    from rela.network.formats import files

    def denied(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    path = write(tmp_path / "c.json", [rela_fec()])
    monkeypatch.setattr(files, "_os_open", denied)
    _file_error(show, ["--change", path], [str(path), "permission denied"])
    monkeypatch.undo()
    write(tmp_path / "d" / "a.json", [rela_fec()])
    monkeypatch.setattr(Path, "iterdir", denied)
    _file_error(show, ["--change", tmp_path / "d"], [str(tmp_path / "d"), "permission denied"])


# -- repeated names in one JSON object --------------------------------------------------------


def test_repeated_node_name_makes_the_fec_ambiguous(tmp_path: Path, show: Any) -> None:
    text = json.dumps([rela_fec(), rela_fec(key="k2")])
    # the second FEC's graphAfter lists node "a" twice: the last would silently win
    head, sep, tail = text.rpartition('"nodeToOutEdgesMap": {')
    path = write(tmp_path / "c.json", head + sep + '"a": {"c": ["i9"]}, ' + tail)
    fecs = list(load_change(change=path))
    assert fecs[0].problem is None
    assert fecs[1].problem == (
        f"{path}: FEC 1 (key 'k2'): a JSON object in this FEC has the name 'a' twice "
        "(ambiguous: which one?)"
    )
    result = show("--change", path)
    assert result.exit_code == 2 and "has the name 'a' twice" in result.stdout


def test_repeated_name_in_a_snapshot_fec(tmp_path: Path) -> None:
    before = write(
        tmp_path / "b.json", '{"fecs": [{"key": "k", "paths": [["a"]], "paths": [["b"]]}]}'
    )
    (fec,) = load_change(before=before, after=before)
    assert "FEC 0 (key 'k'): a JSON object in this FEC has the name 'paths' twice" in (
        fec.problem or ""
    )


def test_repeated_device_in_mapping(tmp_path: Path) -> None:
    mapping = write(tmp_path / "g.json", '{"a": "G1", "b": "G2", "a": "G3"}')
    with pytest.raises(NetworkInputError, match="device 'a' appears twice"):
        load_groups(mapping)


def test_a_before_or_after_that_does_not_exist_is_named(tmp_path: Path) -> None:
    """A typo'd directory next to a real one is "no such file", naming it (it read as a
    breach of the files-or-directories rule)."""
    real = tmp_path / "base"
    real.mkdir()
    snap = write(tmp_path / "s.json", _snapshot([{"key": "k", "paths": [["a"]]}]))
    for before, after in ((real, tmp_path / "chnage"), (tmp_path / "bsae", real),
                          (snap, tmp_path / "aftr.json")):  # fmt: skip
        with pytest.raises(NetworkInputError) as err:
            load_change(before=before, after=after)
        missing = before if not Path(before).exists() else after
        assert err.value.filename == str(missing)
        assert "no such file or directory" in str(err.value)
