"""Fixtures: small generated changes, written once per session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rela.synth import Generated, generate

#: Small topologies keep every test fast (a few hundred ms per generated change).
SMALL = {
    "clos": {"pods": 3, "tors": 3, "leaves": 2, "spines": 3},
    "wan": {"regions": 6, "pops": 2},
}


_made: dict[tuple[Any, ...], Generated] = {}


def make(root: Path, topology: str, change: str, bug: str, seed: int = 1, **kw: Any) -> Generated:
    """Generate (once per session and arguments) a small change under ``root``."""
    key = (root, topology, change, bug, seed, tuple(sorted(kw.items())))
    if key not in _made:
        tag = "-".join(f"{k}{v}" for k, v in sorted(kw.items()))
        out = root / f"{topology}-{change}-{bug}-{seed}-{tag}"
        params = {**SMALL[topology], **kw}
        _made[key] = generate(out, topology=topology, change=change, bug=bug, seed=seed, **params)
    return _made[key]


def read_fecs(g: Generated) -> list[dict[str, Any]]:
    fecs: list[dict[str, Any]] = []
    for chunk in sorted(g.change_dir.glob("chunk_*.json")):
        fecs.extend(json.loads(chunk.read_bytes()))
    return fecs


@pytest.fixture(scope="session")
def synth_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("synth")
