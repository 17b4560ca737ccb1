"""The loader's shortcuts against the plain construction.

* :class:`GraphBuilder` remembers graphs by their JSON text: a remembered
  graph must equal what building the raw graph afresh gives, whatever came
  before it (valid or not), at every granularity;
* the fast JSON path pauses the cyclic collector only while a decoded segment
  is held, and always turns it back on (also when the reader is abandoned).
"""

from __future__ import annotations

import gc
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rela.network.formats.common import FecProblem
from rela.network.formats.fastjson import array_segments
from rela.network.formats.rela_json import RelaJsonChange
from rela.network.granularity import GraphBuilder

NODES = ("a", "b", "c|v", "drop", "")  # "" is a malformed name


@st.composite
def raw_graphs(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(NODES), min_size=1, max_size=4, unique=True))
    edges = {
        u: {
            v: draw(st.lists(st.sampled_from(("i1", "i2", "x|y")), max_size=2, unique=True))
            for v in draw(st.lists(st.sampled_from(NODES), max_size=3, unique=True))
        }
        for u in names
    }
    return {
        "nodeToOutEdgesMap": edges,
        "sourceNodes": draw(st.lists(st.sampled_from(NODES), max_size=2)),
        "sinkNodes": draw(st.lists(st.sampled_from(NODES), max_size=2)),
    }


def _fresh(granularity: str, raw: dict[str, Any]) -> Any:
    """What a builder that has seen nothing gives: the graph, or the problem's text."""
    try:
        return GraphBuilder(granularity, {"a": "G", "b": "G"}).build(raw)
    except FecProblem as exc:
        return ("problem", exc.field, exc.message)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(("device", "interface", "group")), st.lists(raw_graphs(), max_size=8))
def test_remembered_graphs_equal_fresh_builds(granularity: str, raws: list[dict[str, Any]]) -> None:
    builder = GraphBuilder(granularity, {"a": "G", "b": "G"})
    for raw in raws * 2:  # every raw graph seen again
        try:
            got: Any = builder.build(json.loads(json.dumps(raw)))
        except FecProblem as exc:
            got = ("problem", exc.field, exc.message)
        assert got == _fresh(granularity, raw)


def test_a_remembered_graph_is_shared_and_a_bad_one_is_never_remembered() -> None:
    builder = GraphBuilder("device")
    good = {"nodeToOutEdgesMap": {"a": {"b": []}}, "sourceNodes": ["a"], "sinkNodes": ["b"]}
    bad = {"nodeToOutEdgesMap": {"a": {"zz": []}}, "sourceNodes": ["a"], "sinkNodes": ["b"]}
    assert builder.build(good) is builder.build(json.loads(json.dumps(good)))
    for _ in range(2):
        with pytest.raises(FecProblem, match="neither a key"):
            builder.build(bad)


def test_collector_paused_only_while_a_segment_is_held() -> None:
    assert gc.isenabled()
    text = b"[" + b",".join(b'{"key": "%d"}' % i for i in range(50)) + b"]"
    segments = array_segments(io.BytesIO(text), (b'"key"',), len, block=64)
    first = next(segments)
    assert first and not gc.isenabled()  # held by the caller
    first.clear()
    rest = list(segments)
    assert rest and gc.isenabled()
    abandoned = array_segments(io.BytesIO(text), (b'"key"',), len, block=64)
    next(abandoned)
    abandoned.close()  # a reader that stops early
    assert gc.isenabled()


def test_collector_left_off_when_it_was_off(tmp_path: Path) -> None:
    fec = {
        "ipTrafficKeys": [],
        "graphBefore": {"nodeToOutEdgesMap": {"a": {}}, "sourceNodes": ["a"], "sinkNodes": ["a"]},
        "graphAfter": {"nodeToOutEdgesMap": {"a": {}}, "sourceNodes": ["a"], "sinkNodes": ["a"]},
    }
    path = tmp_path / "change.json"
    path.write_text(json.dumps([fec] * 3))
    gc.disable()
    try:
        fecs = list(RelaJsonChange(path))
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert len(fecs) == 3 and fecs[0].before is fecs[2].after


def test_remembered_texts_stay_within_their_byte_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    from rela.network import granularity

    monkeypatch.setattr(granularity, "_GRAPH_CACHE_BYTES", 800)  # texts of at most 100 bytes
    builder = GraphBuilder("device")
    for i in range(50):
        raw = {
            "nodeToOutEdgesMap": {f"n{i}": {"b": []}},
            "sourceNodes": [f"n{i}"],
            "sinkNodes": ["b"],
        }
        assert builder.build(raw) == GraphBuilder("device").build(raw)
        assert builder.build(raw) is builder.build(json.loads(json.dumps(raw)))
        assert sum(map(len, builder._built)) <= 800
