"""Path snapshots: pairing by key, order, granularities, the JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from rela.network import Graph, TrafficKey, load_change
from rela.network.formats.snapshot import snapshot_schema

from .conftest import LINE, SNAPSHOTS, write

EXAMPLE = SNAPSHOTS / "paths" / "core-costout"
GROUPS = SNAPSHOTS / "paths" / "groups.json"


def snap(*fecs: dict[str, Any]) -> dict[str, Any]:
    return {"format": "rela-snapshot/1", "fecs": list(fecs)}


def fec(key: str, *paths: list[str], dst: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"key": key, "paths": [list(p) for p in paths]}
    if dst:
        out["traffic"] = [{"dstIp": dst}]
    return out


def test_pairing_and_order(tmp_path: Path) -> None:
    before = write(
        tmp_path / "b.json", snap(fec("k1", ["a", "b"]), fec("k2", ["a", "c"]), fec("k3", ["a"]))
    )
    after = write(
        tmp_path / "a.json",
        snap(fec("k4", ["x"]), fec("k2", ["a", "d"]), fec("k5", ["y"]), fec("k1", ["a", "b"])),
    )
    fecs = list(load_change(before=before, after=after))
    assert [(f.index, f.key) for f in fecs] == [
        (0, "k1"),
        (1, "k2"),
        (2, "k3"),
        (3, "k4"),
        (4, "k5"),
    ]
    k1, k2, k3, k4, _ = fecs
    assert k1.before == k1.after
    assert list(k2.before.paths()) == [("a", "c")] and list(k2.after.paths()) == [("a", "d")]
    # a key on one side only: the other side has no paths (reported, not dropped)
    assert k3.after == Graph.empty() and list(k3.before.paths()) == [("a",)]
    assert k4.before == Graph.empty() and list(k4.after.paths()) == [("x",)]
    assert all(f.problem is None for f in fecs)


def test_traffic_keys_union(tmp_path: Path) -> None:
    before = write(tmp_path / "b.json", snap(fec("k", ["a"], dst="10.0.0.0/24")))
    after = write(tmp_path / "a.json", snap(fec("k", ["a"], dst="10.0.1.0/24")))
    (f,) = load_change(before=before, after=after)
    assert f.traffic == (TrafficKey(dst="10.0.0.0/24"), TrafficKey(dst="10.0.1.0/24"))


def test_example_at_three_granularities() -> None:
    b, a = EXAMPLE / "before.json", EXAMPLE / "after.json"
    fecs = {f.key: f for f in load_change(before=b, after=a, granularity="interface")}
    assert set(fecs) == {"10.1.0.0/24", "10.2.0.0/24", "10.9.0.0/24", "10.3.0.0/24"}
    assert ("border1|default", "core1|default|et1", "leaf1|default|et1") in set(
        fecs["10.1.0.0/24"].before.paths()
    )
    assert list(fecs["10.3.0.0/24"].after.paths()) == [
        ("border1|default", "core2|default|et1", "drop")
    ]

    fecs = {f.key: f for f in load_change(before=b, after=a)}
    assert sorted(fecs["10.1.0.0/24"].after.paths()) == [
        ("border1|default", "core2|default", "leaf1|default"),
        ("border2|default", "core2|default", "leaf1|default"),
    ]
    assert list(fecs["10.3.0.0/24"].after.paths()) == [("border1|default", "core2|default", "drop")]

    fecs = {f.key: f for f in load_change(before=b, after=a, granularity="group", groups=GROUPS)}
    one = fecs["10.1.0.0/24"]
    assert (
        set(one.before.paths())
        == set(one.after.paths())
        == {("BORDER|default", "CORE|default", "LEAF|default")}
    )


def test_graph_form(tmp_path: Path) -> None:
    before = write(tmp_path / "b.json", snap({"key": "k", "graph": LINE}))
    after = write(tmp_path / "a.json", snap(fec("k", ["a", "b||i1", "c||i2"])))
    (f,) = load_change(before=before, after=after, granularity="interface")
    assert list(f.before.paths()) == list(f.after.paths()) == [("a", "b||i1", "c||i2")]


def test_minimal_snapshot_without_format(tmp_path: Path) -> None:
    before = write(tmp_path / "b.json", '{"fecs": [{"key": "k", "paths": [["a"]]}], "note": "x"}')
    after = write(tmp_path / "a.json", '{"fecs": []}')
    (f,) = load_change(before=before, after=after)
    assert f.key == "k" and f.after == Graph.empty()


def test_fecs_field_after_other_fields_and_gzip(tmp_path: Path) -> None:
    text = json.dumps({"fecs": [fec("k", ["a"])], "format": "rela-snapshot/1"})
    before = write(tmp_path / "b.json.gz", text, gz=True)
    after = write(tmp_path / "a.json", text)
    (f,) = load_change(before=before, after=after)
    assert f.before == f.after


def test_schema_is_shipped_and_accepts_the_examples() -> None:
    schema = snapshot_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in (EXAMPLE / "before.json", EXAMPLE / "after.json"):
        jsonschema.validate(json.loads(path.read_text()), schema)


@pytest.mark.parametrize(
    "document",
    [
        {"fecs": [{"key": "k"}]},
        {"fecs": [{"key": "k", "paths": [], "graph": LINE}]},
        {"fecs": [{"key": "", "paths": []}]},
        {"fecs": [{"key": "k", "paths": [[]]}]},
        {"fecs": [{"key": "k", "paths": [["a|b|c|d"]]}]},
        {"fecs": [{"key": "k", "paths": [], "extra": 1}]},
        {"fecs": [{"key": "k", "traffic": [{"qos": -1}], "paths": []}]},
        {"format": "rela-snapshot/2", "fecs": []},
        {
            "fecs": [
                {
                    "key": "k",
                    "graph": {"nodeToOutEdgesMap": {}, "sourceNodes": [1], "sinkNodes": []},
                }
            ]
        },
    ],
)
def test_schema_and_loader_agree_on_invalid_documents(
    tmp_path: Path, document: dict[str, Any]
) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, snapshot_schema())
    path = write(tmp_path / "s.json", document)
    try:
        fecs = list(load_change(before=path, after=path))
    except Exception as exc:  # a whole-file error is fine too
        assert type(exc).__name__ == "NetworkInputError"
    else:
        assert fecs and all(f.problem for f in fecs)
