"""Attribute classes on groups use the mapping exactly as location matching does (issue 11 §7).

A device missing from the mapping has no group, and neither does ``drop``, at
every granularity: ``[group="r6"]`` never matches the unmapped device ``r6``,
``[group="drop"]`` never matches ``drop``.  Checked end to end through
``rela check`` and the library, on Rela graph JSON with a group mapping.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import rela
from rela.cli import app

runner = CliRunner()
GROUPS = {"r1": "A", "r2": "A"}


def _graph(*paths: str) -> dict[str, Any]:
    edges: dict[str, dict[str, list[str]]] = {}
    sources, sinks = set(), set()
    for path in paths:
        hops = path.split()
        sources.add(hops[0])
        sinks.add(hops[-1])
        for a, b in zip(hops, hops[1:]):
            edges.setdefault(a, {})[b] = []
        for hop in hops:
            edges.setdefault(hop, {})
    return {"nodeToOutEdgesMap": edges, "sourceNodes": sorted(sources), "sinkNodes": sorted(sinks)}


def _files(tmp_path: Path, spec: str, before: str, after: str) -> tuple[Path, Path, Path]:
    spec_file = tmp_path / "spec.rela"
    spec_file.write_text(f"spec s {{ {spec} }}\n", encoding="utf-8")
    change = tmp_path / "change.json"
    fec = {"ipTrafficKeys": [{"dstIp": "10.0.0.1"}], "graphBefore": _graph(before)}
    fec["graphAfter"] = _graph(after)
    change.write_text(json.dumps([fec]), encoding="utf-8")
    groups = tmp_path / "groups.json"
    groups.write_text(json.dumps(GROUPS), encoding="utf-8")
    return spec_file, change, groups


def _check(tmp_path: Path, spec: str, before: str, after: str, granularity: str) -> int:
    spec_file, change, groups = _files(tmp_path, spec, before, after)
    result = runner.invoke(
        app,
        ["check", str(spec_file), "--change", str(change), "--groups", str(groups),
         "--granularity", granularity, "--no-progress", "-f", "json"],
    )  # fmt: skip
    assert "Traceback" not in result.output
    report = json.loads(result.stdout)
    assert report["fecs_read"] == 1
    return result.exit_code


@pytest.mark.parametrize("granularity", ["group", "device", "interface"])
@pytest.mark.parametrize(
    ("spec", "before", "after"),
    [
        # The cases: the zones are empty, so the specs hold.
        ('[group="r6"] : drop', "r6", "r6"),
        ('. [group="drop"] : drop', "r1 drop", "r1 drop"),
        # Unmapped devices have no group: a negated class matches them.
        ('[^group="A"]* : preserve then [group="A"] : drop', "r6 r1", "r6 r1"),
    ],
    ids=["unmapped-device", "drop", "negated"],
)
def test_unmapped_devices_and_drop_have_no_group(
    spec: str, before: str, after: str, granularity: str, tmp_path: Path
) -> None:
    """Same verdicts at every granularity: `r6` and `drop` are in no group."""
    expected = 1 if spec.startswith("[^") else 0  # r6 r1 -> must become drop: violated
    assert _check(tmp_path, spec, before, after, granularity) == expected


@pytest.mark.parametrize("granularity", ["group", "device", "interface"])
def test_mapped_devices_are_in_their_group(granularity: str, tmp_path: Path) -> None:
    """`[group="A"]` is r1 and r2 at every granularity (at group granularity, location A)."""
    assert _check(tmp_path, '.* [group="A"] .* : drop', "r6 r1 t", "drop", granularity) == 0
    assert _check(tmp_path, '.* [group="A"] .* : drop', "r6 r1 t", "r6 r1 t", granularity) == 1
    assert _check(tmp_path, '[group="A"] .* : preserve', "r2 r6", "r2 r6", granularity) == 0


def test_group_attribute_in_the_library(tmp_path: Path) -> None:
    spec_file, change, groups = _files(tmp_path, '[group="r6"] : drop', "r6", "r6")
    loaded = rela.load_change(change=change, granularity="group", groups=groups)
    assert rela.verify(rela.load_spec(spec_file), loaded).holds
