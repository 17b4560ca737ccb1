"""The diff summary when many FECs share graphs, against brute force.

The summary adds an FEC's flows once per graph pair, multiplied by the FECs
that have it (:class:`rela.diff.summary.Tally`); here FECs are drawn from a
small pool of graph pairs, so most share them, and every count and every
example FEC (the first FEC in input order a row applies to) is recomputed
from explicit paths, whatever the batch size of the run.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rela.diff.run as run
from rela.diff import diff_change
from rela.network.model import Fec, Graph, TrafficKey
from tests.diff.test_summary_oracle import _brute, _flows, _places, _rows, dags


def _examples(fecs: list[Fec]) -> dict[str, dict[str, int]]:
    """Per category, the first FEC (index) in which each device or link lost/gained traffic."""
    first: dict[str, dict[str, int]] = {k: {} for k in ("dl", "dg", "ll", "lg")}
    for fec in fecs:
        before, after = _flows(fec.before), _flows(fec.after)
        for flow in set(before) | set(after):
            b, a = before.get(flow, set()), after.get(flow, set())
            (db, lb), (da, la) = _places(b), _places(a)
            (dr, lr), (dd, ld) = _places(b - a), _places(a - b)
            for key, got in (("dl", dr - da), ("dg", dd - db), ("ll", lr - la), ("lg", ld - lb)):
                for x in got:
                    name = x if isinstance(x, str) else f"{x[0]} -> {x[1]}"
                    first[key].setdefault(name, fec.index)
    return first


def _row_examples(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {r["where"]: r["example"]["index"] for r in rows}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(dags(), dags()), min_size=1, max_size=3),
    st.lists(st.integers(0, 2), min_size=1, max_size=12),
    st.sampled_from([1, 3, 256]),
)
def test_shared_graphs_summary_matches_brute_force(
    pool: list[tuple[Graph, Graph]], picks: list[int], batch: int
) -> None:
    fecs = [
        Fec(i, f"k{i}", (TrafficKey(dst=f"10.0.0.{i}"),), *pool[p % len(pool)])
        for i, p in enumerate(picks)
    ]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(run, "SERIAL_BATCH", batch)
        summary = diff_change(fecs).to_dict()["summary"]
    want = _brute(fecs)
    for k in ("unchanged", "changed", "only_before", "only_after"):
        assert summary[k] == want["status"][k], k
    assert summary["flows_changed"] == want["flows_changed"]
    assert summary["flows"] == sum(len(set(_flows(f.before)) | set(_flows(f.after))) for f in fecs)
    places, first = want["places"], _examples(fecs)
    for key, rows in (
        ("dl", summary["devices"]["lost"]),
        ("dg", summary["devices"]["gained"]),
        ("ll", summary["links"]["lost"]),
        ("lg", summary["links"]["gained"]),
    ):
        assert _rows(rows) == places[key], key
        assert _row_examples(rows) == first[key], key
    # dispositions: every FEC counted once before and once after
    for side in ("before", "after"):
        assert sum(d["fecs"][side] for d in summary["dispositions"]) == len(fecs)
