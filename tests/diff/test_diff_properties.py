"""Properties of ``rela.diff`` on random small graphs (cycles and shared labels included).

* ``diff`` says an FEC is unchanged iff the spec ``.* : preserve`` holds on it;
* counts, statuses and removed/added paths agree with a brute-force enumeration.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

import rela
from rela.diff import CHANGED, ONLY_AFTER, ONLY_BEFORE, UNCHANGED, diff_change
from rela.network.model import Graph
from tests.diff.graphs import fec, flows, graph_pairs, infinite, walks

PRESERVE = rela.parse_spec("spec same { .* : preserve }")
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _status(before: set, after: set) -> str:
    if before == after:
        return UNCHANGED
    if not after:
        return ONLY_BEFORE
    if not before:
        return ONLY_AFTER
    return CHANGED


@SETTINGS
@given(graph_pairs())
def test_unchanged_iff_preserve_holds(pair: tuple[Graph, Graph]) -> None:
    before, after = pair
    report = diff_change([fec(before, after)])
    verdict = rela.verify(PRESERVE, [fec(before, after)])
    assert verdict.specs[0].errors == 0 and report.errors == 0
    assert (report.summary.unchanged == 1) == verdict.holds
    # and the flows that changed are the flows of the counterexamples
    changed_flows = {f.flow for d in report.fecs for f in d.flows}
    assert changed_flows == {v.flow for v in verdict}


@SETTINGS
@given(graph_pairs(acyclic=True))
def test_exact_on_dags_against_brute_force(pair: tuple[Graph, Graph]) -> None:
    before, after = pair
    bound = max(len(before.labels), len(after.labels)) + 1
    report = diff_change([fec(before, after)], max_paths=1000, include_unchanged=True)
    (d,) = report.fecs
    b_all, a_all = walks(before, bound), walks(after, bound)
    assert d.status == _status(b_all, a_all)
    assert d.flows_total == len(flows(before, after))
    assert [f.flow for f in d.flows] == flows(before, after)
    for f in d.flows:
        b, a = walks(before, bound, f.flow), walks(after, bound, f.flow)
        assert (f.before, f.after) == (len(b), len(a))
        assert f.status == _status(b, a)
        assert set(f.removed.paths) == b - a and f.removed.count == len(b - a)
        assert set(f.added.paths) == a - b and f.added.count == len(a - b)
        assert not f.removed.truncated and not f.added.truncated


@SETTINGS
@given(graph_pairs())
def test_counts_and_listing_with_loops(pair: tuple[Graph, Graph]) -> None:
    before, after = pair
    limit = 3
    (d,) = diff_change([fec(before, after)], max_paths=limit, include_unchanged=True).fecs
    assert (d.loop_before, d.loop_after) == (before.has_cycle(), after.has_cycle())
    bound = 2 * max(len(before.labels), len(after.labels)) + 2
    for f in d.flows:
        for graph, count in ((before, f.before), (after, f.after)):
            if infinite(graph, f.flow):
                assert count is None
            else:  # finite: every path is a simple walk
                assert count == len(walks(graph, bound, f.flow))
        b, a = walks(before, bound, f.flow), walks(after, bound, f.flow)
        for listed, truth in ((f.removed, b - a), (f.added, a - b)):
            paths = list(listed.paths)
            assert paths == sorted(paths, key=lambda p: (len(p), p))
            assert len(paths) <= limit and len(set(paths)) == len(paths)
            assert {p for p in paths if len(p) <= bound} <= truth
            if listed.truncated:
                assert listed.count is None or listed.count > len(paths)
                longest = len(paths[-1]) if paths else 0
                assert {p for p in truth if len(p) < longest} <= set(paths)
            else:
                assert listed.count == len(paths)
                assert truth <= set(paths)
