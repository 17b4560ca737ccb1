"""Root causes end to end: the shipped Batfish example, generated changes, the real sample."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import rela
from rela.cli import app
from rela.explain.traffic import aggregate, destinations
from rela.results import KINDS, Report
from rela.synth import generate

ROOT = Path(__file__).resolve().parents[2]
BATFISH = ROOT / "snapshots" / "batfish"
CHUNK = ROOT.parent / "shared" / "data" / "rela-dataset" / "chunk_22_112.json"
runner = CliRunner()

BATFISH_ARGS = [
    str(BATFISH / "costout.rela"),
    "--before",
    str(BATFISH / "base"),
    "--after",
    str(BATFISH / "change1"),
    "--start",
    "border1[Ethernet0]",
    "--start",
    "border2[Ethernet0]",
    "--dst",
    "10.100.0.0/16",
]


def batfish_report() -> Report:
    change = rela.load_change(
        before=BATFISH / "base",
        after=BATFISH / "change1",
        start=("border1[Ethernet0]", "border2[Ethernet0]"),
        dst=("10.100.0.0/16",),
    )
    return rela.verify(rela.load_spec(BATFISH / "costout.rela"), change)


def test_batfish_change1_first_cause_is_the_black_hole_at_core2() -> None:
    report = batfish_report()
    first = report.spec("costout").causes[0]
    assert (first.kind, first.at, first.fecs, first.flows) == ("new-drop", "core2", 1, 2)
    assert first.destinations == ("10.100.1.10/32",)
    assert first.traffic == ({"dstIp": "10.100.1.10/32"},)
    assert first.clause is not None
    assert first.clause.text == "core1 : replace(core1, core2)"
    assert (first.clause.line, first.clause.column) == (14, 29)
    assert first.clause.file is not None and first.clause.file.endswith("costout.rela")
    assert first.example.fec.key == "10.100.1.10/32"


@pytest.mark.parametrize("fmt", ["text", "markdown", "junit", "json"])
def test_batfish_change1_cause_first_in_every_format(fmt: str) -> None:
    result = runner.invoke(app, ["check", *BATFISH_ARGS, "-f", fmt], env={"COLUMNS": "100"})
    assert result.exit_code == 1, result.output
    out = result.stdout
    if fmt == "json":
        doc = json.loads(out)
        cause = doc["specs"][0]["causes"][0]
        assert (cause["kind"], cause["at"]) == ("new-drop", "core2")
        assert cause["traffic"] == [{"dstIp": "10.100.1.10/32"}]
        return
    if fmt == "junit":
        first_case = out.index('<testcase name="new drop at core2"')
        assert first_case < out.index("<testcase", out.index("FECs hold") + 1) + 1
        assert "10.100.1.10/32 (FEC #" in out
        return
    first = "new drop at core2" if fmt == "text" else "new drop at `core2`"
    assert out.index(first) < out.index("10.100.1.10/32")  # before any violation detail
    assert out.index(first) < min(
        out.index(m) for m in ("- border1", "violation 1 of", "```diff") if m in out
    )


# ---------------------------------------------------------------------- generated changes

SMALL = {"pods": 3, "tors": 2, "leaves": 2, "spines": 2}


@pytest.mark.parametrize("bug", ["blackhole", "loop"])
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6, 7, 8])
def test_top_cause_is_the_injected_bug(tmp_path: Path, bug: str, seed: int) -> None:
    g = generate(tmp_path, topology="clos", fecs=200, change="drain", bug=bug, seed=seed, **SMALL)
    info = g.expected["scenario"]["bug"]
    report = rela.verify(rela.load_spec(g.out / "spec.rela"), rela.load_change(change=g.change_dir))
    (spec,) = report.specs
    top = spec.causes[0]
    assert top.at == info["device"], [(c.kind, c.at, c.fecs) for c in spec.causes]
    assert top.kind == ("new-drop" if bug == "blackhole" else "new-loop")
    # every flow of the bug's FECs that goes through the bug device is in that cause
    listed = {(f.index, f.key) for f in top.fec_refs}
    assert listed <= {(v.fec.index, v.fec.key) for v in spec.violations}
    bug_net = ipaddress.ip_network(info["prefix"])
    for d in top.destinations:
        assert ipaddress.ip_network(d).subnet_of(bug_net)


def test_causes_on_a_wan_with_parallel_links(tmp_path: Path) -> None:
    g = generate(
        tmp_path,
        topology="wan",
        fecs=150,
        change="reroute",
        bug="blackhole",
        seed=2,
        regions=5,
        pops=2,
    )
    report = rela.verify(rela.load_spec(g.out / "spec.rela"), rela.load_change(change=g.change_dir))
    top = report.specs[0].causes[0]
    assert (top.kind, top.at) == ("new-drop", g.expected["scenario"]["bug"]["device"])


# ---------------------------------------------------------------------- the real sample


@pytest.mark.skipif(not CHUNK.exists(), reason="Rela dataset sample not available")
def test_real_sample_every_violation_explained(tmp_path: Path) -> None:
    spec = tmp_path / "s.rela"
    spec.write_text("spec preserve_all {\n  .* : preserve\n}\n", encoding="utf-8")
    report = rela.verify(rela.load_spec(spec), rela.load_change(change=CHUNK))
    (result,) = report.specs
    assert result.violated == 4
    for v in result.violations:
        e = v.explanation
        assert e is not None and e.kind in KINDS
        assert e.clause is not None and e.clause.text == ".* : preserve"
        assert len(e.missing_clauses) == len(v.missing)
        assert all(c is not None for c in e.missing_clauses + e.unexpected_clauses)
        on_paths = {h for p in v.expected + v.actual for h in p}
        assert e.at is None or e.at in on_paths
    assert sum(c.flows for c in result.causes) == len(result.violations)
    assert {(f.index, f.key) for c in result.causes for f in c.fec_refs} == {
        (v.fec.index, v.fec.key) for v in result.violations
    }
    counts = [(c.fecs, c.flows) for c in result.causes]
    assert counts == sorted(counts, key=lambda x: (-x[0], -x[1]))


# ---------------------------------------------------------------------- traffic


def _addresses(nets: list[str]) -> set[int]:
    out: set[int] = set()
    for n in nets:
        net = ipaddress.ip_network(n, strict=False)
        out.update(range(int(net.network_address), int(net.broadcast_address) + 1))
    return out


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 255), st.integers(24, 32), st.sampled_from([None, 4])),
        min_size=1,
        max_size=30,
    )
)
def test_aggregation_is_exact_and_minimal(keys: list[tuple[int, int, int | None]]) -> None:
    cubes = [
        {"dstIp": f"10.0.0.{last}/{length}", **({"qos": q} if q is not None else {})}
        for last, length, q in keys
    ]
    got = aggregate(cubes)
    for qos in (None, 4):
        want = [c["dstIp"] for c in cubes if c.get("qos") == qos]
        have = [c["dstIp"] for c in got if c.get("qos") == qos]
        assert _addresses(have) == _addresses(want)  # never a packet more or less
        # fewest prefixes: the standard library's collapse of the same set
        nets = [ipaddress.ip_network(w, strict=False) for w in want]
        assert len(have) == len(list(ipaddress.collapse_addresses(nets)))
    assert _addresses(list(destinations(cubes))) == _addresses([c["dstIp"] for c in cubes])


def test_two_hundred_adjacent_hosts_are_one_prefix_only_when_complete() -> None:
    hosts = [{"dstIp": f"10.1.1.{i}/32"} for i in range(256)]
    assert destinations(hosts) == ("10.1.1.0/24",)
    assert destinations(hosts[:200]) == (
        "10.1.1.0/25",
        "10.1.1.128/26",
        "10.1.1.192/29",
    )
