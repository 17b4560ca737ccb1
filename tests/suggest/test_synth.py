"""``rela suggest`` on synthetic changes: the intended change is recognised, the bug is its own clause.

``rela.synth`` writes a change (drain a device onto its twin, add a link,
reroute prefixes), optionally with a bug (a black hole or a loop on one
device for the first /24 of one destination), and says which FECs the bug
breaks.  For each scenario the suggestion must hold, have at most 10 clauses,
describe the intended change with the generator's devices, and explain the
broken FECs by a clause of their own that names the bug's device.
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

import pytest

import rela
from rela.suggest import SuggestedClause, Suggestion
from rela.synth import generate

SMALL = {"pods": 2, "tors": 2, "leaves": 2, "spines": 2}
CASES = [
    (change, bug, seed)
    for change in ("drain", "add-link", "reroute")
    for bug, seed in (("none", 1), ("blackhole", 1), ("loop", 1), ("blackhole", 2), ("loop", 3))
]


def run(
    tmp_path: Path, change: str, bug: str, seed: int, **topo: Any
) -> tuple[Suggestion, dict[str, Any]]:
    g = generate(tmp_path, fecs=300, change=change, bug=bug, seed=seed, **(topo or SMALL))
    expected = json.loads((tmp_path / "expected.json").read_text())
    return rela.suggest(rela.load_change(change=g.change_dir)), expected


def bugged(s: Suggestion, prefix: str, change_dir: Path) -> set[int]:
    """FECs with a key in the bug's /24 (their after graph carries the bug)."""
    net = ipaddress.ip_network(prefix)
    return {
        f.index
        for f in rela.load_change(change=change_dir)
        if any(t.dst and ipaddress.ip_address(t.dst) in net for t in f.traffic)
    }


def check_intended(s: Suggestion, sc: dict[str, Any]) -> list[SuggestedClause]:
    """The clauses that describe the intended change (asserted to be there)."""
    info = sc["change"]
    if info["kind"] in ("drain", "reroute"):
        main = [
            c
            for c in s.clauses
            if c.kind == "replace" and c.names == (info["device"], info["peer"])
        ]
        assert main, s.text
        if info["kind"] == "drain":
            assert main[0].guard is None
        else:  # guarded inside the rerouted prefixes
            assert main[0].guard is not None
            nets = [ipaddress.ip_network(p) for p in info["prefixes"]]
            for p in main[0].guard:
                assert any(ipaddress.ip_network(p).subnet_of(n) for n in nets), p  # type: ignore[arg-type]
        return main
    links = [c for c in s.clauses if c.kind == "add-link"]
    assert links and all(set(c.names) == {info["a"], info["b"]} for c in links), s.text
    return links


@pytest.mark.parametrize(("change", "bug", "seed"), CASES)
def test_synthetic_change(tmp_path: Path, change: str, bug: str, seed: int) -> None:
    s, expected = run(tmp_path, change, bug, seed)
    sc = expected["scenario"]
    assert s.holds and not s.fallback, s.text
    assert len(s.clauses) <= 10
    main = check_intended(s, sc)
    violating = set(expected["violating_indices"])
    if bug == "none":
        assert not violating
        return
    device = sc["bug"]["device"]
    own = [c for c in s.clauses[:-1] if device in c.names and c not in main]
    assert own, s.text
    explained = {i for c in own for i in c.indices}
    assert violating <= explained, s.text
    holed = bugged(s, sc["bug"]["prefix"], tmp_path / "change")
    for c in own:  # a clause of its own: it explains bugged FECs only
        assert set(c.indices) <= holed and c.guard is not None, c.text


def test_wan_drain_with_a_black_hole(tmp_path: Path) -> None:
    s, expected = run(tmp_path, "drain", "blackhole", 4, topology="wan", regions=4, pops=3)
    assert s.holds and not s.fallback and len(s.clauses) <= 10, s.text
    check_intended(s, expected["scenario"])
    device = expected["scenario"]["bug"]["device"]
    assert any(device in c.names for c in s.clauses[:-1])
