"""Helpers for the network input tests: writing inputs, running ``rela show``."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / ".." / "shared" / "data"
DATASET = DATA / "rela-dataset"
CHUNK = DATASET / "chunk_22_112.json"
MAPPING = DATASET / "dg_mapping_anonymized.json"
SNAPSHOTS = REPO / "snapshots"


def raw_graph(
    edges: dict[str, dict[str, list[str]]], sources: list[str], sinks: list[str]
) -> dict[str, Any]:
    """A raw graph ``G``; every edge source and sink gets a key in the map."""
    out = {u: dict(v) for u, v in edges.items()}
    for s in sinks:
        out.setdefault(s, {})
    return {"nodeToOutEdgesMap": out, "sourceNodes": sources, "sinkNodes": sinks}


LINE = raw_graph({"a": {"b": ["i1"]}, "b": {"c": ["i2"]}}, ["a"], ["c"])


def rela_fec(before: Any = LINE, after: Any = LINE, dst: str = "10.0.0.1", **extra: Any) -> dict:
    fec = {"ipTrafficKeys": [{"srcIp": "0.0.0.0", "dstIp": dst, "qos": 4}]}
    fec["graphBefore"] = before
    fec["graphAfter"] = after
    fec.update(extra)
    return fec


def write(path: Path, data: Any, *, gz: bool = False) -> Path:
    """Write ``data`` as JSON (or ``str``/``bytes`` verbatim) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        raw = data
    elif isinstance(data, str):
        raw = data.encode()
    else:
        raw = json.dumps(data, indent=1).encode()
    path.write_bytes(gzip.compress(raw) if gz else raw)
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def show(runner: CliRunner) -> Callable[..., Any]:
    """Run ``rela show ARGS`` and return the click result (stdout, stderr, exit code)."""
    from rela.cli import app

    def run(*args: str | Path) -> Any:
        return runner.invoke(app, ["show", *map(str, args)])

    return run


@pytest.fixture
def dataset() -> Path:
    if not CHUNK.exists():
        pytest.skip("the Rela dataset sample is not in ../shared/data")
    return DATASET
