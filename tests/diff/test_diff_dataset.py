"""``rela diff`` on the published dataset sample: the FECs it reports as changed are
exactly those where ``.* : preserve`` is violated, at every granularity."""

from __future__ import annotations

import pytest

import rela
from rela.diff import diff_change
from rela.network.model import Change
from tests.diff.graphs import CHUNK, MAPPING, walks

pytestmark = pytest.mark.skipif(not CHUNK.exists(), reason="the Rela dataset sample is absent")

PRESERVE = rela.parse_spec("spec same { .* : preserve }")


def _load(granularity: str) -> Change:
    groups = MAPPING if granularity == "group" else None
    return rela.load_change(change=CHUNK, granularity=granularity, groups=groups)


@pytest.mark.parametrize("granularity", ["device", "interface", "group"])
def test_changed_fecs_are_the_preserve_violations(granularity: str) -> None:
    if granularity == "group" and not MAPPING.exists():
        pytest.skip("the group mapping is absent")
    change = _load(granularity)
    report = diff_change(change)
    verdict = rela.verify(PRESERVE, change)
    assert report.errors == 0 and verdict.specs[0].errors == 0
    changed = {d.fec.index for d in report.fecs}
    violated = {v.fec.index for v in verdict}
    assert changed == violated
    assert changed  # the sample does change some FECs
    s = report.summary
    assert s.fecs == verdict.fecs_read == 112
    assert s.changed + s.only_before + s.only_after == len(changed)
    assert s.unchanged == verdict.specs[0].holds
    # per flow too
    assert {(d.fec.index, f.flow) for d in report.fecs for f in d.flows} == {
        (v.fec.index, v.flow) for v in verdict
    }
    assert s.flows_changed == len(list(verdict))


def test_device_counts_match_brute_force() -> None:
    change = _load("device")
    by_index = {fec.index: fec for fec in change}
    report = diff_change(change, max_paths=10_000)
    for d in report.fecs:
        fec = by_index[d.fec.index]
        assert not fec.before.has_cycle() and not fec.after.has_cycle()
        bound = max(len(fec.before.labels), len(fec.after.labels)) + 1
        for f in d.flows:
            b, a = walks(fec.before, bound, f.flow), walks(fec.after, bound, f.flow)
            assert (f.before, f.after) == (len(b), len(a))
            assert set(f.removed.paths) == b - a and f.removed.count == len(b - a)
            assert set(f.added.paths) == a - b and f.added.count == len(a - b)


def test_interface_counts_are_exact_beyond_the_listing() -> None:
    report = diff_change(_load("interface"), max_paths=2)
    flows = [f for d in report.fecs for f in d.flows]
    counts = [(f.removed.count or 0, f.added.count or 0) for f in flows]
    assert all(f.removed.count is not None and f.added.count is not None for f in flows)
    assert any(removed > 100 for removed, _ in counts)
    for f, (removed, added) in zip(flows, counts):
        assert len(f.removed.paths) <= 2 and len(f.added.paths) <= 2
        assert f.removed.truncated == (removed > 2)
        assert f.added.truncated == (added > 2)
