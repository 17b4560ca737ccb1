"""Acceptance: the cost-out specs checked on Batfish exports (the tutorial network and ours).

* ``costout`` is violated for base -> change1 exactly on the FEC of 2.128.1.1
  (10.100.1.10 in our example), whose actual paths end in ``drop`` after core2,
  and holds for base -> change2;
* ``reach`` (end-to-end reachability unchanged) is violated for change1 and
  holds for change2.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rela.lang import load_spec
from rela.network.dataplane import DROP
from rela.network.formats.batfish import load_batfish_change
from rela.results import Report

verify_module = pytest.importorskip("rela.verify")

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "snapshots" / "batfish" / "costout.rela"
OURS = ROOT / "snapshots" / "batfish"
DATA = ROOT / ".." / "shared" / "data" / "batfish-fcv"

CASES = {
    "tutorial": (
        DATA / "base",
        DATA,
        ("border1[GigabitEthernet0/0]", "border2[GigabitEthernet0/0]"),
        "2.128.0.0/16",
        "2.128.1.1/32",
        "host-www",
    ),
    "example": (
        OURS / "base",
        OURS,
        ("border1[Ethernet0]", "border2[Ethernet0]"),
        "10.100.0.0/16",
        "10.100.1.10/32",
        "host-web",
    ),
}


def _check(case: str, after: str) -> Report:
    base, root, start, dst, _, _ = CASES[case]
    if not (root / "change1").exists() and not (root / "change1-node.json").exists():
        pytest.skip(f"no {case} data")
    after_path = root / after
    change = load_batfish_change(base, after_path, start=start, dst=(dst,))
    return verify_module.verify(load_spec(SPEC), change)


@pytest.mark.parametrize("case", sorted(CASES))
def test_costout_is_violated_by_the_stray_discard_route(case: str) -> None:
    _, _, _, _, victim, host = CASES[case]
    report = _check(case, "change1")
    costout = report.spec("costout")
    assert costout.violated == 1 and costout.errors == 0
    assert {v.fec.key for v in costout.violations} == {victim}
    assert {v.flow for v in costout.violations} == {"border1", "border2"}
    for v in costout.violations:
        assert v.actual == ((v.flow, "core2", DROP),)
        assert all(p[-1] == host and p[1] == "core2" for p in v.expected)
        assert all(p[1] == "core1" for p in v.before)
    reach = report.spec("reach")
    assert reach.violated == 1
    assert {v.fec.key for v in reach.violations} == {victim}
    assert not report.holds


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_fixed_costout_holds(case: str) -> None:
    report = _check(case, "change2")
    assert report.holds, [(s.name, s.violated, s.errors) for s in report.specs]
    # the tutorial's host subnets are full /30s; ours are /24s whose network and
    # broadcast addresses exit the network (one more FEC)
    fecs = {"tutorial": 5, "example": 6}[case]
    assert report.spec("costout").holds == report.spec("costout").total == fecs


@pytest.mark.parametrize(("after", "code"), [("change1", 1), ("change2", 0)])
def test_rela_check_on_batfish_export_directories(after: str, code: int) -> None:
    pytest.importorskip("rela.cli.check")
    from typer.testing import CliRunner

    import rela.cli  # noqa: F401  (registers the commands)
    from rela.cli.app import app

    args = ["check", str(SPEC), "--before", str(OURS / "base"), "--after", str(OURS / after)]
    args += [
        "--start",
        "border1[Ethernet0]",
        "--start",
        "border2[Ethernet0]",
        "--dst",
        "10.100.0.0/16",
    ]
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == code, result.stderr


def test_rela_diff_shows_every_host_flow_moving_from_core1_to_core2(tmp_path: Path) -> None:
    pytest.importorskip("rela.cli.diff")
    if not (DATA / "base-node.json").exists():
        pytest.skip("no batfish-fcv data")
    import json
    import shutil

    from typer.testing import CliRunner

    import rela.cli  # noqa: F401  (registers the commands)
    from rela.cli.app import app

    for snap in ("base", "change2"):  # one snapshot per directory, copied to a temporary place
        (tmp_path / snap).mkdir()
        for kind in ("node", "edge"):
            shutil.copy(DATA / f"{snap}-{kind}.json", tmp_path / snap)
    args = ["diff", "--before", str(tmp_path / "base"), "--after", str(tmp_path / "change2")]
    args += ["--start", "border1[GigabitEthernet0/0]", "--start", "border2[GigabitEthernet0/0]"]
    result = CliRunner().invoke(app, [*args, "--dst", "2.128.0.0/16", "--format", "json"])
    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    changed = [f for f in report["fecs"] if f["status"] == "changed"]
    assert len(changed) == 4  # all but the null-routed rest of 2.128.0.0/16
    for fec in changed:
        assert {flow["flow"] for flow in fec["flows"]} == {"border1", "border2"}
        for flow in fec["flows"]:
            removed, added = flow["removed"]["paths"], flow["added"]["paths"]
            assert all(p[1] == "core1" for p in removed)
            assert sorted(["core2" if h == "core1" else h for h in p] for p in removed) == sorted(
                added
            )
