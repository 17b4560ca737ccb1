"""Mutated inputs load or fail with a RelaError: never another exception (issue 8 runs more)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rela.errors import RelaError
from rela.network import load_change

from .conftest import LINE, raw_graph, rela_fec

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)

BASE = [
    rela_fec(),
    rela_fec(
        raw_graph(
            {"a|v": {"b": ["x", "y"], "drop": []}, "b": {"a|v": ["z"]}}, ["a|v"], ["b", "drop"]
        ),
        LINE,
        key="k",
    ),
]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    doc = json.loads(json.dumps(BASE))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    return doc


def _load_all(text: str | bytes, **kwargs: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.json"
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        try:
            for fec in load_change(change=path, **kwargs):
                assert fec.problem is None or fec.problem.startswith(str(path))
        except RelaError as exc:
            assert exc.render()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.sampled_from(["device", "interface", "group"]))
def test_mutated_structure(doc: Any, granularity: str) -> None:
    _load_all(json.dumps(doc), granularity=granularity, groups={"a": "G", "b": "G"})


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_mutated_bytes(data: st.DataObject) -> None:
    raw = bytearray(json.dumps(BASE).encode())
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        op = data.draw(st.sampled_from(["set", "delete", "insert"]))
        byte = data.draw(st.integers(0, 255))
        if op == "set":
            raw[pos] = byte
        elif op == "delete":
            del raw[pos]
        else:
            raw.insert(pos, byte)
    _load_all(bytes(raw), granularity=data.draw(st.sampled_from(["device", "interface"])))


SNAPSHOT = {
    "format": "rela-snapshot/1",
    "fecs": [
        {
            "key": "k1",
            "traffic": [{"dstIp": "10.0.0.0/24", "qos": 1}],
            "paths": [["a|v|e1", "b"], ["a|v"]],
        },
        {"key": "k2", "graph": raw_graph({"a": {"b": ["i"]}}, ["a"], ["b"])},
    ],
}


@st.composite
def mutated_snapshot(draw: st.DrawFn) -> Any:
    doc = json.loads(json.dumps(SNAPSHOT))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    return doc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_snapshot(), st.sampled_from(["device", "interface", "group"]))
def test_mutated_snapshots(doc: Any, granularity: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "b.json"
        after = Path(tmp) / "a.json"
        before.write_text(json.dumps(doc))
        after.write_text(json.dumps(SNAPSHOT))
        try:
            fecs = list(
                load_change(before=before, after=after, granularity=granularity, groups={"a": "G"})
            )
        except RelaError as exc:
            assert exc.render()
        else:
            assert [f.index for f in fecs] == list(range(len(fecs)))
