"""The example network under ``snapshots/batfish`` is what ``generate.py`` writes."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from rela.errors import UsageError
from rela.network.dataplane import DROP
from rela.network.formats.batfish import load_batfish_change

HERE = Path(__file__).resolve().parents[2] / "snapshots" / "batfish"
START = ("border1[Ethernet0]", "border2[Ethernet0]")


def test_committed_exports_match_the_generator() -> None:
    pytest.importorskip("networkx")
    name = "rela_batfish_example_generate"
    spec = importlib.util.spec_from_file_location(name, HERE / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    sys.modules[name] = generate  # dataclasses look their module up
    try:
        spec.loader.exec_module(generate)
    finally:
        del sys.modules[name]
    expected = generate.all_snapshots()
    assert {"base", "change1", "change2", "acl/base", "acl/change3", "acl/change4"} <= set(expected)
    for name, answers in expected.items():
        for answer, rows in answers.items():
            on_disk = json.loads((HERE / name / f"{answer}.json").read_text())
            assert on_disk == rows, (
                f"{name}/{answer}.json is stale: run snapshots/batfish/generate.py"
            )


def test_example_paths() -> None:
    fecs = {
        f.key: f
        for f in load_batfish_change(
            HERE / "base", HERE / "change1", start=START, dst=("10.100.0.0/16",)
        )
    }
    web = fecs["10.100.1.10/32"]
    assert sorted(web.before.paths()) == [
        ("border1", "core1", "spine1", "leaf1", "host-web"),
        ("border1", "core1", "spine2", "leaf1", "host-web"),
        ("border2", "core1", "spine1", "leaf1", "host-web"),
        ("border2", "core1", "spine2", "leaf1", "host-web"),
    ]
    assert sorted(web.after.paths()) == [("border1", "core2", DROP), ("border2", "core2", DROP)]
    assert sorted(fecs["10.100.0.0/24"].before.paths()) == [("border1", DROP), ("border2", DROP)]


def test_example_exits_network_through_the_borders() -> None:
    fecs = list(
        load_batfish_change(HERE / "base", HERE / "change2", start=("leaf1",), dst=("8.8.8.8/32",))
    )
    (fec,) = fecs
    # leaf1's default route (ECMP over both spines) reaches the borders' default towards the ISP
    assert {p[-1] for p in fec.before.paths()} == {"exits-network"}
    assert {p[-2] for p in fec.before.paths()} == {"border1", "border2"}
    assert all("core1" in p for p in fec.before.paths())
    assert all("core1" not in p for p in fec.after.paths())


def test_group_granularity() -> None:
    groups = {"core1": "CORE", "core2": "CORE", "spine1": "SPINE", "spine2": "SPINE"}
    change = load_batfish_change(
        HERE / "base",
        HERE / "change2",
        start=START,
        dst=("10.100.1.10",),
        granularity="group",
        groups=groups,
    )
    (fec,) = list(change)
    assert sorted(set(fec.before.paths())) == sorted(set(fec.after.paths()))
    assert ("border1", "CORE", "SPINE", "leaf1", "host-web") in set(fec.after.paths())
    with pytest.raises(UsageError, match="group granularity needs"):
        load_batfish_change(HERE / "base", HERE / "change2", granularity="group")
