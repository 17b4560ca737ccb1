"""Inputs for the CLI tests: private copies of the shipped examples, so no test can harm them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = REPO / "snapshots"


@dataclass(frozen=True)
class Inputs:
    """Every kind of input a command reads, in a temporary directory."""

    root: Path
    spec: Path  # snapshots/specs/costout.rela
    before: Path  # a path snapshot
    after: Path
    groups: Path  # a device -> group map
    chunks: Path  # a directory of Rela graph JSON chunk files
    graphs: Path  # one Rela graph JSON file
    export_before: Path  # a Batfish export directory
    export_after: Path
    batfish_spec: Path

    def snapshot_args(self) -> list[str]:
        return ["--before", str(self.before), "--after", str(self.after)]

    def export_args(self) -> list[str]:
        return ["--before", str(self.export_before), "--after", str(self.export_after)]


def make_inputs(root: Path) -> Inputs:
    root.mkdir(parents=True, exist_ok=True)
    costout = SNAPSHOTS / "paths" / "core-costout"
    chunks = root / "chunks"
    chunks.mkdir()
    for p in sorted((SNAPSHOTS / "graphs").glob("*.json")):
        shutil.copy(p, chunks / p.name)
    for name in ("base", "change2"):
        shutil.copytree(SNAPSHOTS / "batfish" / name, root / name)
    spec = root / "costout.rela"
    shutil.copy(SNAPSHOTS / "specs" / "costout.rela", spec)
    shutil.copy(SNAPSHOTS / "batfish" / "costout.rela", root / "batfish.rela")
    shutil.copy(costout / "before.json", root / "before.json")
    shutil.copy(costout / "after.json", root / "after.json")
    shutil.copy(SNAPSHOTS / "paths" / "groups.json", root / "groups.json")
    shutil.copy(SNAPSHOTS / "graphs" / "reroute.json", root / "reroute.json")
    return Inputs(
        root=root,
        spec=spec,
        before=root / "before.json",
        after=root / "after.json",
        groups=root / "groups.json",
        chunks=chunks,
        graphs=root / "reroute.json",
        export_before=root / "base",
        export_after=root / "change2",
        batfish_spec=root / "batfish.rela",
    )


@pytest.fixture
def inputs(tmp_path: Path) -> Inputs:
    return make_inputs(tmp_path / "in")


def snapshot_of_all_files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes (to assert that nothing was harmed)."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def big_snapshots(root: Path, fecs: int = 300) -> tuple[Path, Path]:
    """A path snapshot pair whose every FEC changes (outputs of tens of kilobytes)."""
    before, after = [], []
    for i in range(fecs):
        key = f"10.{i // 256}.{i % 256}.0/24"
        traffic = [{"dstIp": key}]
        before.append({"key": key, "traffic": traffic, "paths": [["b1", "core1", f"leaf{i}"]]})
        after.append({"key": key, "traffic": traffic, "paths": [["b1", "core3", f"leaf{i}"]]})
    paths = []
    for name, doc in (("big-before.json", before), ("big-after.json", after)):
        p = root / name
        p.write_text(json.dumps({"format": "rela-snapshot/1", "fecs": doc}))
        paths.append(p)
    return paths[0], paths[1]


def run_rela(
    *args: str | Path, stdout: int | None = None, cwd: Path = REPO, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m rela ARGS`` in a subprocess (real stdout and stderr descriptors)."""
    return subprocess.run(
        [sys.executable, "-m", "rela", *map(str, args)],
        stdout=subprocess.PIPE if stdout is None else stdout,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )
