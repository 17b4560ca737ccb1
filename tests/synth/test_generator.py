"""The synthetic change generator: valid Rela graph JSON, chunking, determinism, exact bugs."""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rela.synth import generate, graph_paths, same_paths
from rela.synth.__main__ import main as synth_main
from tests.synth.conftest import make, read_fecs

TOPOLOGIES = ("clos", "wan")
CHANGES = ("drain", "add-link", "reroute")

Path_ = tuple[str, ...]


def check_graph(g: dict[str, Any], where: str) -> None:
    assert set(g) == {"nodeToOutEdgesMap", "sourceNodes", "sinkNodes"}, where
    edges = g["nodeToOutEdgesMap"]
    sinks = set(g["sinkNodes"])
    assert g["sourceNodes"], f"{where}: no source"
    assert sinks, f"{where}: no sink"
    for s in g["sourceNodes"]:
        assert s in edges, f"{where}: source {s} is not a node"
    for s in sinks:
        assert s in edges or s == "drop", f"{where}: sink {s} is not a node"
    for u, outs in edges.items():
        assert isinstance(outs, dict), where
        for v, ifaces in outs.items():
            assert v in edges or v in sinks, f"{where}: edge {u}->{v} leaves the graph"
            assert isinstance(ifaces, list) and all(isinstance(i, str) for i in ifaces)
            assert (ifaces == []) == (v == "drop"), f"{where}: interfaces of {u}->{v}"


@pytest.mark.parametrize("topology", TOPOLOGIES)
@pytest.mark.parametrize("bug", ["blackhole", "loop"])
def test_valid_rela_graph_json(synth_root: Path, topology: str, bug: str) -> None:
    g = make(synth_root, topology, "drain", bug, fecs=600)
    fecs = read_fecs(g)
    assert len(fecs) == 600
    for i, fec in enumerate(fecs):
        assert set(fec) == {"ipTrafficKeys", "graphBefore", "graphAfter"}
        assert 1 <= len(fec["ipTrafficKeys"]) <= 2
        for key in fec["ipTrafficKeys"]:
            assert set(key) == {"srcIp", "dstIp", "qos"}
            ipaddress.ip_address(key["srcIp"])
            ipaddress.ip_address(key["dstIp"])
            assert isinstance(key["qos"], int)
        check_graph(fec["graphBefore"], f"FEC {i} before")
        check_graph(fec["graphAfter"], f"FEC {i} after")
    groups = json.loads((g.out / "groups.json").read_text())
    devices = {n for f in fecs for n in f["graphBefore"]["nodeToOutEdgesMap"]}
    assert devices <= set(groups)
    spec = g.spec_path.read_text()
    assert f"spec {g.expected['spec']} {{" in spec


def test_chunking_and_stale_chunks(tmp_path: Path) -> None:
    g = generate(tmp_path, topology="wan", fecs=2500, chunk_size=1000, regions=6, pops=2)
    names = sorted(p.name for p in g.change_dir.iterdir())
    assert names == ["chunk_00000.json", "chunk_00001.json", "chunk_00002.json"]
    sizes = [len(json.loads((g.change_dir / n).read_bytes())) for n in names]
    assert sizes == [1000, 1000, 500]
    assert g.chunks == 3 and g.expected["scenario"]["chunks"] == 3
    assert g.bytes == sum((g.change_dir / n).stat().st_size for n in names)
    # Re-generating a smaller change in the same place leaves no stale chunk behind.
    g2 = generate(tmp_path, topology="wan", fecs=700, chunk_size=300, regions=6, pops=2)
    assert sorted(p.name for p in g2.change_dir.iterdir()) == [
        "chunk_00000.json",
        "chunk_00001.json",
        "chunk_00002.json",
    ]
    assert len(read_fecs(g2)) == 700


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_deterministic_by_seed(tmp_path: Path) -> None:
    a = make(tmp_path / "a", "clos", "add-link", "loop", seed=5, fecs=1200)
    b = make(tmp_path / "b", "clos", "add-link", "loop", seed=5, fecs=1200)
    c = make(tmp_path / "c", "clos", "add-link", "loop", seed=6, fecs=1200)
    assert _tree(a.out) == _tree(b.out)
    assert _tree(a.out) != _tree(c.out)


def test_deterministic_across_hash_seeds(tmp_path: Path) -> None:
    """No set-iteration order leaks into the output (string hashing is randomised)."""
    trees = []
    for hs in ("1", "2"):
        out = tmp_path / hs
        cmd = [sys.executable, "-m", "rela.synth", "--topology", "wan", "--regions", "5",
               "--pops", "2", "--fecs", "300", "--change", "reroute", "--bug", "blackhole",
               "--seed", "9", "--out", str(out), "-q"]  # fmt: skip
        env = {**os.environ, "PYTHONHASHSEED": hs}
        subprocess.run(cmd, check=True, env=env, timeout=60)
        trees.append(_tree(out))
    assert trees[0] == trees[1]


def _fec_paths(g: dict[str, Any], max_len: int = 16) -> set[Path_]:
    return set(graph_paths(g, max_len))


@pytest.mark.parametrize("topology", TOPOLOGIES)
@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("bug", ["blackhole", "loop"])
def test_bug_changes_exactly_the_expected_fecs(
    synth_root: Path, topology: str, change: str, bug: str
) -> None:
    """Graph level: the buggy after graph differs from the intended one exactly at the indices."""
    buggy = make(synth_root, topology, change, bug, fecs=1500)
    clean = make(synth_root, topology, change, "none", fecs=1500)
    violating = set(buggy.expected["violating_indices"])
    assert violating, "the bug must hit at least one FEC"
    assert 0 in violating  # the bug is placed on the first FEC's paths
    assert clean.expected["violating_indices"] == []
    bf, cf = read_fecs(buggy), read_fecs(clean)
    assert len(bf) == len(cf) == 1500
    bug_net = ipaddress.ip_network(buggy.expected["scenario"]["bug"]["prefix"])
    for i, (b, c) in enumerate(zip(bf, cf)):
        assert b["ipTrafficKeys"] == c["ipTrafficKeys"]
        assert b["graphBefore"] == c["graphBefore"]
        if i in violating:
            assert b["graphAfter"] != c["graphAfter"], i
            assert any(ipaddress.ip_address(k["dstIp"]) in bug_net for k in b["ipTrafficKeys"])
            # ... and the path sets really differ (bounded enumeration: loops are infinite).
            assert _fec_paths(b["graphAfter"]) != _fec_paths(c["graphAfter"]), i
            assert not same_paths(b["graphAfter"], c["graphAfter"])
        else:
            assert b["graphAfter"] == c["graphAfter"], i


# --- The intended change satisfies its spec: an explicit path-level oracle -----------------


def _drain_image(paths: set[Path_], x: str, y: str) -> set[Path_]:
    """``[^X]* : preserve then X : replace(X, Y) then [^X]* : preserve else .* : preserve``."""
    out = set()
    for p in paths:
        out.add(tuple(y if h == x else h for h in p) if p.count(x) == 1 else p)
    return out


def _add_link_image(paths: set[Path_], a: str, b: str) -> set[Path_]:
    """``[^A B]* : preserve then A [^A B]* B : add(A B) then [^A B]* : preserve`` (both ways)."""
    out = set()
    for p in paths:
        out.add(p)
        if p.count(a) == 1 and p.count(b) == 1:
            i, j = sorted((p.index(a), p.index(b)))
            out.add(p[: i + 1] + p[j:])
    return out


def _in_guard(fec: dict[str, Any], prefixes: list[str]) -> bool:
    nets = [ipaddress.ip_network(p) for p in prefixes]
    return any(ipaddress.ip_address(k["dstIp"]) in n for k in fec["ipTrafficKeys"] for n in nets)


@pytest.mark.parametrize("topology", TOPOLOGIES)
@pytest.mark.parametrize("change", CHANGES)
def test_intended_change_satisfies_its_spec(synth_root: Path, topology: str, change: str) -> None:
    g = make(synth_root, topology, change, "none", fecs=1500)
    info = g.expected["scenario"]["change"]
    changed = 0
    seen: set[tuple[str, str, bool]] = set()
    for fec in read_fecs(g):
        guard = change != "reroute" or _in_guard(fec, info["prefixes"])
        key = (json.dumps(fec["graphBefore"]), json.dumps(fec["graphAfter"]), guard)
        if key in seen:
            continue
        seen.add(key)
        before, after = _fec_paths(fec["graphBefore"]), _fec_paths(fec["graphAfter"])
        if change == "add-link":
            image = _add_link_image(before, info["a"], info["b"])
        elif guard:
            image = _drain_image(before, info["device"], info["peer"])
        else:
            image = before
        assert image == after
        changed += before != after
    assert changed > 0, "the change must move some traffic"
    assert g.expected["scenario"]["fecs_changed"] > 0


def test_spec_text_quotes_and_names(synth_root: Path) -> None:
    g = make(synth_root, "clos", "reroute", "none", fecs=10)
    info = g.expected["scenario"]["change"]
    text = g.spec_path.read_text()
    assert f"replace({info['device']}, {info['peer']})" in text
    assert "if dst in " + ", ".join(info["prefixes"]) in text
    assert text.rstrip().endswith("}")


def test_spec_parses_when_the_parser_exists(synth_root: Path) -> None:
    lang = pytest.importorskip("rela.lang.parser")
    for change in CHANGES:
        g = make(synth_root, "wan", change, "none", fecs=10)
        module = lang.parse_spec(g.spec_path.read_text(), filename=str(g.spec_path))
        assert module is not None


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = synth_main(["--topology", "clos", "--pods", "2", "--tors", "2", "--fecs", "1e2",
                     "--change", "drain", "--bug", "loop", "--seed", "3", "--out", str(tmp_path)])  # fmt: skip
    assert rc == 0
    err = capsys.readouterr().err
    assert "wrote 100 FECs" in err and "rela check" in err
    expected = json.loads((tmp_path / "expected.json").read_text())
    assert expected["fecs"] == 100 and expected["spec"] == "drain"
    assert expected["scenario"]["bug"]["kind"] == "loop"
    with pytest.raises(SystemExit):
        synth_main(["--topology", "wan", "--pods", "2", "--out", str(tmp_path)])
    with pytest.raises(SystemExit):
        synth_main(["--fecs", "0", "--out", str(tmp_path)])
