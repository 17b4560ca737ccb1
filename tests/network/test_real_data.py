"""The published Rela dataset sample (skipped when ../shared/data is absent)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path
from typing import Any

import pytest

from rela.network import Graph, load_change, load_groups

from .conftest import CHUNK, MAPPING

# FECs whose paths change (the prototype: 108 hold and 4 violate `.* : preserve`)
CHANGED = [1, 12, 51, 60]


def path_signature(graph: Graph) -> tuple[frozenset[Any], ...]:
    """Determines the path set of a graph whose labels are unique per node.

    The paths are the walks from a source to a sink; with unique labels they are
    fixed by the sources that reach a sink, the edges on some such walk and the
    sinks reached from a source.
    """
    assert len(set(graph.labels)) == len(graph.labels)
    forward = set(graph.sources)
    stack = list(forward)
    while stack:
        for m in graph.succ[stack.pop()]:
            if m not in forward:
                forward.add(m)
                stack.append(m)
    back = set(graph.sinks)
    preds: dict[int, list[int]] = {}
    for n, nexts in enumerate(graph.succ):
        for m in nexts:
            preds.setdefault(m, []).append(n)
    stack = list(back)
    while stack:
        for p in preds.get(stack.pop(), ()):
            if p not in back:
                back.add(p)
                stack.append(p)
    live = forward & back
    lab = graph.labels
    return (
        frozenset(lab[s] for s in graph.sources if s in live),
        frozenset((lab[n], lab[m]) for n in live for m in graph.succ[n] if m in live),
        frozenset(lab[s] for s in graph.sinks if s in live),
    )


@pytest.mark.parametrize("granularity", ["device", "interface"])
def test_chunk_loads_and_four_fecs_change(dataset: Path, granularity: str) -> None:
    fecs = list(load_change(change=CHUNK, granularity=granularity))
    assert [f.index for f in fecs] == list(range(112))
    assert all(f.problem is None and f.key is None for f in fecs)
    assert all(f.traffic and f.traffic[0].qos is not None for f in fecs)
    changed = [f.index for f in fecs if path_signature(f.before) != path_signature(f.after)]
    assert changed == CHANGED


def test_device_paths_of_a_changed_fec(dataset: Path) -> None:
    fec = list(load_change(change=CHUNK))[1]
    before, after = set(fec.before.paths()), set(fec.after.paths())
    assert before != after
    assert all(p[0] != "drop" and "|" not in loc for p in before | after for loc in p)


def test_interface_location_names(dataset: Path) -> None:
    fec = next(iter(load_change(change=CHUNK, granularity="interface")))
    labels = set(fec.before.labels)
    # raw names have no vrf: interface hops are device||interface, entry hops the device
    assert "Device262||Interface17232" in labels
    assert {fec.before.labels[s] for s in fec.before.sources} <= {
        name for name in labels if "|" not in name
    }
    assert "drop" not in labels or all(
        "|" not in fec.before.labels[n] for n, lab in enumerate(fec.before.labels) if lab == "drop"
    )


def test_group_granularity_merges_devices(dataset: Path) -> None:
    groups = load_groups(MAPPING)
    assert len(groups) == 2460 and len(set(groups.values())) == 456

    def locations(change: Any) -> set[str]:
        return {loc for f in change for g in (f.before, f.after) for loc in g.labels}

    device = locations(load_change(change=CHUNK))
    group = locations(load_change(change=CHUNK, granularity="group", groups=MAPPING))
    assert len(group) < len(device) / 2
    assert group <= set(groups.values()) | {"drop"} | {d for d in device if d not in groups}
    # names without a |vrf suffix are mapped (the prototype left them alone)
    assert not (group & set(groups))


def test_chunks_directory_and_gzip(dataset: Path, tmp_path: Path) -> None:
    folder = tmp_path / "chunks"
    folder.mkdir()
    shutil.copy(CHUNK, folder / "chunk_1.json")
    with CHUNK.open("rb") as src, gzip.open(folder / "chunk_2.json.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    fecs = list(load_change(change=folder))
    assert [f.index for f in fecs] == list(range(224))
    assert all(fecs[i].before == fecs[i + 112].before for i in range(112))


def test_show_on_the_chunk(dataset: Path, show: Any) -> None:
    result = show("--change", CHUNK, "--fec", "1", "--stats")
    assert result.exit_code == 0
    assert "FEC 1" in result.stdout and "1 FEC shown" in result.stdout
    result = show("--change", CHUNK, "--fec", "0", "-g", "interface", "--max-paths", "2")
    assert result.exit_code == 0 and "Device262||Interface" not in result.stdout.split("flow")[0]
    assert "more paths" in result.stdout
