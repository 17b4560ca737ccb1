"""The diff summary against brute force on explicit path sets.

Random acyclic FECs (distinct device names, ``drop`` only as a sink): the
status counts, the changed flows, and the devices and links that lost or
gained traffic are recomputed from the paths of each flow (the first location
of a path is its flow) and compared with ``diff_change(...).summary``.
Definitions (docs/diff.md): a device or link *lost* traffic in a flow when it
lies on a removed path and on none of the flow's after paths; *gained* when it
lies on an added path and on none of its before paths; ``drop`` is no device.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rela.diff import diff_change
from rela.network.model import Fec, Graph, TrafficKey

NAMES = ("a", "b", "c", "d", "e")


@st.composite
def dags(draw: st.DrawFn) -> Graph:
    n = draw(st.integers(1, len(NAMES)))
    labels = list(NAMES[:n])
    succ: list[tuple[int, ...]] = []
    for i in range(n):
        later = list(range(i + 1, n))
        succ.append(
            tuple(sorted(draw(st.sets(st.sampled_from(later), max_size=2)))) if later else ()
        )
    if draw(st.booleans()):  # a drop after some node
        labels.append("drop")
        k = draw(st.integers(0, n - 1))
        succ[k] = (*succ[k], n)
        succ.append(())
    sources = tuple(sorted(draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=2))))
    sinks = frozenset(i for i, s in enumerate(succ) if not s)
    return Graph(tuple(labels), tuple(succ), sources, sinks)


def _flows(g: Graph) -> dict[str, set[tuple[str, ...]]]:
    out: dict[str, set[tuple[str, ...]]] = {}
    for p in g.paths():
        out.setdefault(p[0], set()).add(p)
    return out


def _places(paths: set[tuple[str, ...]]) -> tuple[set[str], set[tuple[str, str]]]:
    devices = {x for p in paths for x in p if x != "drop"}
    links = {(a, b) for p in paths for a, b in zip(p, p[1:]) if "drop" not in (a, b)}
    return devices, links


def _brute(fecs: list[Fec]) -> dict[str, Any]:
    status: Counter[str] = Counter()
    flows_changed = 0
    places: dict[str, Counter[str]] = {k: Counter() for k in ("dl", "dg", "ll", "lg")}
    for fec in fecs:
        before, after = _flows(fec.before), _flows(fec.after)
        pb = set().union(*before.values()) if before else set()
        pa = set().union(*after.values()) if after else set()
        if pb == pa:
            status["unchanged"] += 1
        elif not pa:
            status["only_before"] += 1
        elif not pb:
            status["only_after"] += 1
        else:
            status["changed"] += 1
        seen: dict[str, set[str]] = {k: set() for k in places}
        for flow in sorted(set(before) | set(after)):
            b, a = before.get(flow, set()), after.get(flow, set())
            if a == b:
                continue
            flows_changed += 1
            (db, lb), (da, la) = _places(b), _places(a)
            (dr, lr), (dd, ld) = _places(b - a), _places(a - b)
            for key, got in (("dl", dr - da), ("dg", dd - db), ("ll", lr - la), ("lg", ld - lb)):
                for x in got:
                    name = x if isinstance(x, str) else f"{x[0]} -> {x[1]}"
                    places[key][name] += 1  # flows
                    seen[key].add(name)
        for key, names in seen.items():
            for name in names:
                places[key]["#fecs " + name] += 1
    return {"status": status, "flows_changed": flows_changed, "places": places}


def _rows(rows: list[dict[str, Any]]) -> Counter[str]:
    out: Counter[str] = Counter()
    for r in rows:
        out[r["where"]] += r["flows"]
        out["#fecs " + r["where"]] += r["fecs"]
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(dags(), dags()), min_size=1, max_size=4))
def test_summary_counts_match_brute_force(pairs: list[tuple[Graph, Graph]]) -> None:
    fecs = [
        Fec(i, f"k{i}", (TrafficKey(dst=f"10.0.0.{i}"),), b, a) for i, (b, a) in enumerate(pairs)
    ]
    summary = diff_change(fecs).to_dict()["summary"]
    want = _brute(fecs)
    for k in ("unchanged", "changed", "only_before", "only_after"):
        assert summary[k] == want["status"][k], k
    assert summary["fecs"] == len(fecs) and summary["errors"] == 0
    assert summary["flows_changed"] == want["flows_changed"]
    assert sum(r["flows"] for r in summary["kinds"]) == want["flows_changed"]
    places = want["places"]
    assert _rows(summary["devices"]["lost"]) == places["dl"]
    assert _rows(summary["devices"]["gained"]) == places["dg"]
    assert _rows(summary["links"]["lost"]) == places["ll"]
    assert _rows(summary["links"]["gained"]) == places["lg"]
