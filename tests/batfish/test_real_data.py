"""The Batfish tutorial network (``../shared/data/batfish-fcv``): the data plane Rela computes.

Skipped when the data folder is absent (a user's clone does not have it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rela.network.dataplane import DROP
from rela.network.formats.batfish import BatfishChange, load_batfish_change
from rela.network.model import Fec, TrafficKey

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "batfish-fcv"
START = ("border1[GigabitEthernet0/0]", "border2[GigabitEthernet0/0]")
HOSTS = "2.128.0.0/16"

pytestmark = pytest.mark.skipif(
    not (DATA / "base-node.json").exists(), reason="no batfish-fcv data"
)


def change(after: str, **kw: object) -> BatfishChange:
    options: dict = {"start": START, "dst": (HOSTS,), **kw}
    return load_batfish_change(DATA / "base", DATA / after, **options)


def covers(fec: Fec, address: str) -> bool:
    return any(TrafficKey(dst=address).matches_prefix("dst", t.dst or "") for t in fec.traffic)


def to_hosts(fec: Fec) -> bool:
    """Whether the FEC's traffic reaches a host or the hosts' subnets in base."""
    return any(path[-1] != DROP for path in fec.before.paths())


def test_base_traffic_to_the_hosts_crosses_core1() -> None:
    fecs = list(change("change2"))
    assert len(fecs) == 5
    hosts = [f for f in fecs if to_hosts(f)]
    assert len(hosts) == 3
    for fec in hosts:
        for path in fec.before.paths():
            assert path[1] == "core1", path
            assert path[0] in ("border1", "border2")
    www = next(f for f in fecs if covers(f, "2.128.1.1"))
    assert sorted(www.before.paths()) == [
        ("border1", "core1", "spine2", "leaf1", "host-www"),
        ("border2", "core1", "spine2", "leaf1", "host-www"),
    ]
    # the network and broadcast addresses of the hosts' /30s (full: both host
    # addresses are owned) reach leaf1 and die there (Batfish: neighbour unreachable)
    edges = next(f for f in fecs if covers(f, "2.128.0.3"))
    assert [t.dst for t in edges.traffic] == [
        "2.128.0.0/32", "2.128.0.3/32", "2.128.1.0/32", "2.128.1.3/32",
    ]  # fmt: skip
    assert {p[-2:] for p in edges.before.paths()} == {("leaf1", DROP)}
    # the rest of 2.128.0.0/16 is null-routed by the borders' aggregate
    (rest,) = [f for f in fecs if not to_hosts(f) and f is not edges]
    assert sorted(rest.before.paths()) == [("border1", DROP), ("border2", DROP)]


def test_base_to_change2_moves_every_flow_from_core1_to_core2() -> None:
    for fec in change("change2"):
        before = sorted(fec.before.paths())
        after = sorted(fec.after.paths())
        expected = sorted(tuple("core2" if hop == "core1" else hop for hop in p) for p in before)
        assert after == expected, fec.key
        assert all("core1" not in p for p in after)


def test_base_to_change1_drops_host_www_after_core2() -> None:
    fecs = list(change("change1"))
    www = [f for f in fecs if covers(f, "2.128.1.1")]
    assert [f.key for f in www] == ["2.128.1.1/32"]
    assert sorted(www[0].after.paths()) == [("border1", "core2", DROP), ("border2", "core2", DROP)]
    # every other FEC moves to core2 intact
    for fec in fecs:
        if fec in www:
            continue
        before = sorted(fec.before.paths())
        assert sorted(fec.after.paths()) == sorted(
            tuple("core2" if hop == "core1" else hop for hop in p) for p in before
        )


def test_interface_granularity_names_inbound_interfaces() -> None:
    fecs = list(change("change1", granularity="interface"))
    www = next(f for f in fecs if covers(f, "2.128.1.1"))
    assert sorted(www.after.paths()) == [
        ("border1", "core2||GigabitEthernet1/0", DROP),
        ("border2", "core2||GigabitEthernet0/0", DROP),
    ]


def test_whole_network_change() -> None:
    # every device as a start, every destination: the cost-out moves a lot of traffic
    base2 = load_batfish_change(DATA / "base", DATA / "change2")
    assert len(base2) == len(list(base2)) > 30
    changed = [f for f in base2.fecs if f.before != f.after]
    assert changed and len(changed) < len(base2)
    # change3/change4 only change ACLs: the routes are those of base, so nothing moves
    base3 = load_batfish_change(DATA / "base", DATA / "change3")
    assert all(f.before == f.after for f in base3.fecs)
