"""Rela graph JSON changes: files, gzip, directories, indices, streaming."""

from __future__ import annotations

import gc
import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rela.network import Granularity, TrafficKey, load_change
from rela.network.formats import common, fastjson, rela_json
from rela.network.formats.common import JsonStream

from .conftest import SNAPSHOTS, raw_graph, rela_fec, write


def test_single_file(tmp_path: Path) -> None:
    path = write(tmp_path / "c.json", [rela_fec(dst="10.0.0.1"), rela_fec(dst="10.0.0.2")])
    change = load_change(change=path)
    assert change.granularity is Granularity.DEVICE
    assert str(path) in change.description
    fecs = list(change)
    assert [f.index for f in fecs] == [0, 1]
    assert [f.key for f in fecs] == [None, None]
    assert fecs[1].traffic == (TrafficKey(dst="10.0.0.2", src="0.0.0.0", qos=4),)
    assert list(fecs[0].before.paths()) == [("a", "b", "c")]


def test_reiterable_and_equal_passes(tmp_path: Path) -> None:
    change = load_change(change=write(tmp_path / "c.json", [rela_fec(), rela_fec(dst="10.1.1.1")]))
    assert list(change) == list(change)


def test_key_field_is_used(tmp_path: Path) -> None:
    (fec,) = load_change(change=write(tmp_path / "c.json", [rela_fec(key="fec-7")]))
    assert fec.key == "fec-7"


def test_unknown_fields_are_ignored(tmp_path: Path) -> None:
    fec = rela_fec(extra={"x": 1})
    fec["ipTrafficKeys"][0]["protocol"] = "tcp"
    (loaded,) = load_change(change=write(tmp_path / "c.json", [fec]))
    assert loaded.problem is None


def test_gzip_file(tmp_path: Path) -> None:
    plain = write(tmp_path / "c.json", [rela_fec(), rela_fec(dst="10.9.9.9")])
    packed = write(tmp_path / "c.json.gz", [rela_fec(), rela_fec(dst="10.9.9.9")], gz=True)
    assert list(load_change(change=packed)) == list(load_change(change=plain))


def test_directory_natural_order_and_indices(tmp_path: Path) -> None:
    folder = tmp_path / "chunks"
    write(folder / "chunk_10.json", [rela_fec(dst="10.0.0.10")])
    write(folder / "chunk_2.json.gz", [rela_fec(dst="10.0.0.2"), rela_fec(dst="10.0.0.3")], gz=True)
    write(folder / "chunk_1.json", [rela_fec(dst="10.0.0.1")])
    write(folder / "chunk_3.json", [])  # an empty chunk is fine when others have FECs
    write(folder / ".hidden.json", "garbage")
    write(folder / "README.md", "not a chunk")
    (folder / "sub.json").mkdir()
    change = load_change(change=folder)
    assert "4 files" in change.description
    fecs = list(change)
    assert [f.index for f in fecs] == [0, 1, 2, 3]
    assert [f.traffic[0].dst for f in fecs] == ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.10"]


def test_problem_in_second_chunk_names_that_chunk(tmp_path: Path) -> None:
    folder = tmp_path / "chunks"
    write(folder / "a.json", [rela_fec()])
    write(folder / "b.json", [rela_fec(before={})])
    fecs = list(load_change(change=folder))
    assert fecs[1].index == 1
    assert (fecs[1].problem or "").startswith(f"{folder / 'b.json'}: FEC 1: graphBefore")


def test_example_inputs_load_at_every_granularity() -> None:
    groups = SNAPSHOTS / "paths" / "groups.json"
    for gran in ("device", "interface", "group"):
        fecs = list(load_change(change=SNAPSHOTS / "graphs", granularity=gran, groups=groups))
        assert len(fecs) == 4 and all(f.problem is None for f in fecs)


def test_filters(tmp_path: Path) -> None:
    g = raw_graph({"a": {"c": ["i"]}, "b": {"c": ["j"]}}, ["a", "b"], ["c"])
    path = write(
        tmp_path / "c.json",
        [
            rela_fec(g, g, dst="10.0.0.1"),
            rela_fec(g, g, dst="11.0.0.1"),
            rela_fec({}, g, dst="12.0.0.1"),
        ],
    )
    fecs = list(load_change(change=path, dst=["10.0.0.0/8"]))
    # the malformed FEC is kept: a filter never hides an error
    assert [f.index for f in fecs] == [0, 2] and fecs[1].problem
    fecs = list(load_change(change=path, start=["b"], dst=["10.0.0.0/8", "11.0.0.0/8"]))
    assert [f.index for f in fecs] == [0, 1, 2]
    assert list(fecs[0].before.paths()) == [("b", "c")]
    change = load_change(change=path, start=["b"])
    assert "start at b" in change.description


def _small_fecs(path: Path, count: int) -> Path:
    with path.open("w") as f:
        f.write("[\n")
        for i in range(count):
            g = {
                "nodeToOutEdgesMap": {
                    "r1": {f"r{2 + i % 3}": ["e1", "e2"]},
                    "r2": {},
                    "r3": {},
                    "r4": {},
                },
                "sourceNodes": ["r1"],
                "sinkNodes": ["r2", "r3", "r4"],
            }
            fec = {
                "ipTrafficKeys": [{"dstIp": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"}],
                "graphBefore": g,
                "graphAfter": g,
            }
            f.write(("," if i else "") + json.dumps(fec) + "\n")
        f.write("]\n")
    return path


def _unsure(*args: Any) -> Iterator[Any]:
    """A fast path that gives up at once: the exact reader reads everything."""
    raise fastjson.Unsure("forced")
    yield


def _peak(path: Path) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        count = 0
        for fec in load_change(change=path):
            count += fec.problem is None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize("path", ["fast", "exact"])
def test_streaming_memory_does_not_grow_with_the_change(
    tmp_path: Path, monkeypatch: Any, path: str
) -> None:
    small = _small_fecs(tmp_path / "small.json", 300)
    big = _small_fecs(tmp_path / "big.json", 3_000)
    monkeypatch.setattr(common, "BLOCK_CHARS", 1 << 14)  # both files span many blocks
    monkeypatch.setattr(fastjson, "SEGMENT_BYTES", 1 << 12)
    if path == "exact":
        monkeypatch.setattr(rela_json, "_fast_fecs", _unsure)
    _peak(small)  # warm up: one-time allocations (caches, compiled patterns)
    peak_small, peak_big = _peak(small), _peak(big)
    assert peak_big < peak_small * 1.2 + 50_000, (peak_small, peak_big)
    # the fast path holds one decoded segment (~15 times its text: Python objects)
    assert peak_big < big.stat().st_size / (4 if path == "fast" else 10), (peak_big, path)


def test_stream_handles_values_across_block_boundaries() -> None:
    import io

    text = json.dumps(
        [{"k": "x" * 50, "n": 1234567890123, "u": "é\u2603\U0001f600"} for _ in range(40)]
    )
    for block in (1, 2, 3, 7, 64):
        stream = JsonStream(io.BytesIO(text.encode()), "t.json", block=block)
        assert list(stream.array_items("t")) == json.loads(text)
        stream.end()


def test_stream_accepts_a_bom() -> None:
    import io

    stream = JsonStream(io.BytesIO(b"\xef\xbb\xbf [1, 2]"), "t.json")
    assert list(stream.array_items("t")) == [1, 2]


@pytest.mark.parametrize("gran", ["device", "interface"])
def test_gc_stays_enabled(tmp_path: Path, gran: str) -> None:
    assert gc.isenabled()
    list(load_change(change=write(tmp_path / "c.json", [rela_fec()]), granularity=gran))
    assert gc.isenabled()


def test_changes_can_be_pickled(tmp_path: Path) -> None:
    import pickle

    from .conftest import SNAPSHOTS as snaps

    groups = snaps / "paths" / "groups.json"
    b, a = (
        snaps / "paths" / "core-costout" / "before.json",
        snaps / "paths" / "core-costout" / "after.json",
    )
    for change in (
        load_change(
            change=write(tmp_path / "c.json", [rela_fec()]), granularity="group", groups={"a": "G"}
        ),
        load_change(before=b, after=a, granularity="group", groups=groups, dst=["10.0.0.0/8"]),
        load_change(before=b, after=a, granularity="interface"),
    ):
        assert list(pickle.loads(pickle.dumps(change))) == list(change)


def test_the_fast_path_reads_well_formed_changes(monkeypatch: Any, tmp_path: Path) -> None:
    """The shipped examples and dataset-shaped chunks never need the exact reader."""

    def exact(*args: Any) -> Iterator[Any]:
        raise AssertionError("the exact reader was used")
        yield

    monkeypatch.setattr(rela_json, "_exact_fecs", exact)
    monkeypatch.setattr(fastjson, "SEGMENT_BYTES", 1 << 10)  # many segments
    for path in sorted((SNAPSHOTS / "graphs").glob("*.json")):
        assert list(load_change(change=path))
    compact = write(
        tmp_path / "c.json", json.dumps([rela_fec(dst=f"10.0.0.{i}") for i in range(50)])
    )
    assert len(list(load_change(change=compact))) == 50
    ipv6 = rela_fec(dst="2001:db8::1", key="a:b")  # colons inside strings
    assert len(list(load_change(change=write(tmp_path / "v6.json", [ipv6] * 40)))) == 40


def test_a_repeated_name_is_found_whichever_reader(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(fastjson, "SEGMENT_BYTES", 1 << 10)
    text = json.dumps([rela_fec(key=f"k{i}") for i in range(30)])
    head, sep, tail = text.rpartition('"nodeToOutEdgesMap": {')
    path = write(tmp_path / "c.json", head + sep + '"a": {"c": ["i9"]}, ' + tail)
    fecs = list(load_change(change=path))
    assert [f.index for f in fecs if f.problem] == [29]
    assert "has the name 'a' twice (ambiguous" in (fecs[29].problem or "")
