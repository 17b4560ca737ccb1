"""``rela.diff``: statuses, exact counts, loops, filters, errors, streaming."""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Iterator

import pytest

from rela.diff import (
    CHANGED,
    ERROR,
    ONLY_AFTER,
    ONLY_BEFORE,
    UNCHANGED,
    Differ,
    DiffReport,
    FecDiff,
    diff_change,
    union_graph,
)
from rela.errors import UsageError
from rela.network.model import Fec, Graph
from tests.diff.graphs import diamonds, fec, graph

AB = Graph.from_paths([["a", "b"]])
AC = Graph.from_paths([["a", "c"]])


def only(report: DiffReport) -> FecDiff:
    (d,) = report.fecs
    return d


def test_statuses_partition_the_fecs() -> None:
    change = [
        fec(AB, AB, 0),
        fec(AB, AC, 1),
        fec(AB, Graph.empty(), 2),
        fec(Graph.empty(), AC, 3),
        fec(Graph.empty(), Graph.empty(), 4),
    ]
    report = diff_change(change)
    # most telling first: lost delivery, then moved paths, then added paths
    assert [(d.fec.index, d.status, d.kind) for d in report.fecs] == [
        (2, ONLY_BEFORE, "lost-delivery"),
        (1, CHANGED, "paths-moved"),
        (3, ONLY_AFTER, "paths-added"),
    ]
    s = report.summary
    assert (s.fecs, s.unchanged, s.changed, s.only_before, s.only_after, s.errors) == (
        5,
        2,
        1,
        1,
        1,
        0,
    )
    assert s.flows_changed == 3
    assert report.changed


def test_a_graph_without_paths_counts_as_empty() -> None:
    black_hole = graph(["a", "b"], [(0, 1), (1, 0)], [0], [])  # a loop, no sink
    d = only(diff_change([fec(AB, black_hole)]))
    assert d.status == ONLY_BEFORE and d.loop_after and not d.loop_before
    (f,) = d.flows
    assert (f.status, f.before, f.after, f.removed.count, f.added.count) == (
        ONLY_BEFORE,
        1,
        0,
        1,
        0,
    )


def test_equal_paths_from_different_graphs_are_unchanged() -> None:
    # a -> {b1, b2} -> c with both middles labelled b: the same single path as a -> b -> c
    ecmp = graph(["a", "b", "b", "c"], [(0, 1), (0, 2), (1, 3), (2, 3)], [0], [3])
    report = diff_change([fec(Graph.from_paths([["a", "b", "c"]]), ecmp)])
    assert report.summary.unchanged == 1 and not report.fecs and not report.changed


def test_flows_listed_with_removed_and_added_paths() -> None:
    before = Graph.from_paths([["a", "x", "z"], ["a", "y", "z"], ["b", "x", "z"], ["c", "z"]])
    after = Graph.from_paths([["a", "x", "z"], ["a", "w", "z"], ["b", "x", "z"], ["d", "z"]])
    d = only(diff_change([fec(before, after)]))
    assert d.flows_total == 4 and d.flows_changed == 3
    got = {f.flow: (f.status, f.removed.paths, f.added.paths) for f in d.flows}
    assert got == {
        "a": (CHANGED, (("a", "y", "z"),), (("a", "w", "z"),)),
        "c": (ONLY_BEFORE, (("c", "z"),), ()),
        "d": (ONLY_AFTER, (), (("d", "z"),)),
    }
    full = only(diff_change([fec(before, after)], include_unchanged=True))
    assert [(f.flow, f.status, f.before) for f in full.flows][1] == ("b", UNCHANGED, 1)


def test_paths_listed_shortest_first_and_truncated_with_exact_counts() -> None:
    before = Graph.from_paths([["a", "z"]])
    after = Graph.from_paths([["a", "z"], ["a", "m", "n", "z"], ["a", "k", "z"], ["a", "b", "z"]])
    f = only(diff_change([fec(before, after)], max_paths=2)).flows[0]
    assert f.added.paths == (("a", "b", "z"), ("a", "k", "z"))
    assert f.added.truncated and f.added.count == 3 and f.after == 4
    assert not f.removed.truncated and f.removed.count == 0
    f0 = only(diff_change([fec(before, after)], max_paths=0)).flows[0]
    assert f0.added.paths == () and f0.added.truncated and f0.added.count == 3


def test_two_to_the_thirty_paths_counted_exactly_and_fast() -> None:
    before, after = diamonds(30), diamonds(30, cut=7)
    t0 = time.perf_counter()
    report = diff_change([fec(before, after)], max_paths=3)
    elapsed = time.perf_counter() - t0
    (f,) = only(report).flows
    assert (f.before, f.after) == (2**30, 2**29)
    assert (f.removed.count, f.added.count) == (2**29, 0)
    assert len(f.removed.paths) == 3 and f.removed.truncated
    assert all(p[15] == "u7" for p in f.removed.paths)  # the removed branch: s t0 j0 ... u7
    assert elapsed < 5, elapsed


def test_ecmp_branches_with_one_label_are_one_path() -> None:
    (f,) = only(diff_change([fec(diamonds(30, shared=True), diamonds(30))])).flows
    assert (f.before, f.after, f.removed.count, f.added.count) == (1, 2**30, 0, 2**30 - 1)


def test_a_loop_is_flagged_and_counted_infinite() -> None:
    line = graph(["r1", "r2", "r3", "r4"], [(0, 1), (1, 2), (2, 3)], [0], [3])
    loop = graph(["r1", "r2", "r3", "r4"], [(0, 1), (1, 2), (2, 3), (2, 1)], [0], [3])
    report = diff_change([fec(line, loop)], max_paths=2)
    d = only(report)
    assert (d.status, d.loop_before, d.loop_after) == (CHANGED, False, True)
    (f,) = d.flows
    assert (f.before, f.after, f.removed.count, f.added.count) == (1, None, 0, None)
    assert f.added.paths[0] == ("r1", "r2", "r3", "r2", "r3", "r4") and f.added.truncated
    assert (report.summary.loops_before, report.summary.loops_after) == (0, 1)
    # a loop on both sides, same paths: unchanged, still counted in the summary
    same = diff_change([fec(loop, loop)])
    assert same.summary.unchanged == 1 and same.summary.loops_before == 1
    # infinite minus infinite can be finite
    other = graph(
        ["r1", "r2", "r3", "r4", "r5"], [(0, 1), (1, 2), (2, 3), (2, 1), (0, 4)], [0], [3, 4]
    )
    (g,) = only(diff_change([fec(loop, other)])).flows
    assert (g.before, g.after, g.removed.count, g.added.count) == (None, None, 0, 1)


def test_flow_filter_matches_component_prefixes() -> None:
    before = Graph.from_paths([["core1|default", "x"], ["core2|default", "x"], ["core10", "x"]])
    after = Graph.from_paths([["core1|default", "y"], ["core2|default", "y"], ["core10", "y"]])
    report = diff_change([fec(before, after)], flow="core1")
    assert [f.flow for f in only(report).flows] == ["core1|default"]
    assert only(report).flows_total == 1
    both = diff_change([fec(before, after)], flow=["core1|default", "core10"])
    assert [f.flow for f in only(both).flows] == ["core10", "core1|default"]
    with pytest.raises(UsageError, match="flow='core1|blue' matches no location"):
        diff_change([fec(before, after)], flow="core1|blue")  # selects nothing: an error
    # a change outside the selected flows is not a change
    assert not diff_change(
        [fec(before, Graph.from_paths([["core1|default", "x"]]))], flow="core1"
    ).changed


def test_dst_filter_uses_traffic_keys() -> None:
    change = [
        fec(AB, AC, 0, dst="10.1.2.3"),
        fec(AB, AC, 1, dst="10.2.0.0/24"),
        fec(AB, AC, 2),
        Fec(3, None, (), Graph.empty(), Graph.empty(), problem="bad"),
    ]
    report = diff_change(change, dst="10.1.0.0/16")
    # malformed FECs are never hidden, and listed first; an FEC without traffic keys is
    # every packet
    assert [d.fec.index for d in report.fecs] == [3, 0, 2]
    assert report.summary.fecs == 3 and report.summary.errors == 1
    assert report.fecs_input == 4 and report.filters[0].left_out == 1
    assert [d.fec.index for d in diff_change(change, dst=["10.0.0.0/8"]).fecs] == [3, 0, 1, 2]


@pytest.mark.parametrize("kwargs", [{"dst": "nonsense"}, {"flow": ""}, {"flow": "a|b|c|d"}])
def test_bad_filters_are_usage_errors(kwargs: dict) -> None:
    with pytest.raises(UsageError):
        diff_change([], **kwargs)


def test_errors_malformed_and_resource_limit() -> None:
    bad = Fec(0, "k", (), Graph.empty(), Graph.empty(), problem="edge to nowhere")
    report = diff_change([bad, fec(diamonds(6), diamonds(6, cut=2), 1)], max_states=3)
    assert [(d.status, d.input_error) for d in report.fecs] == [(ERROR, True), (ERROR, False)]
    assert report.fecs[0].problem == "edge to nowhere"
    assert "states" in (report.fecs[1].problem or "")
    assert report.errors == 2 and not report.changed


def test_on_fec_sees_every_fec_and_shared_graphs_give_equal_results() -> None:
    seen: list[tuple[int, str]] = []
    change = [fec(AB, AC, i) for i in range(3)] + [fec(AB, AB, 3)]
    report = diff_change(change, on_fec=lambda f, d: seen.append((f.index, d.status)))
    assert seen == [(0, CHANGED), (1, CHANGED), (2, CHANGED), (3, UNCHANGED)]
    assert len({(d.status, d.flows) for d in report.fecs}) == 1


def test_to_dict_and_report_fields() -> None:
    report = diff_change([fec(AB, AC, 0, dst="10.0.0.1")], include_unchanged=True)
    doc = report.to_dict()
    assert doc["format"] == "rela-diff/1" and doc["changed"] is True
    assert doc["summary"]["changed"] == 1
    (f,) = doc["fecs"]
    assert f["fec"] == {"index": 0, "key": "k0", "traffic": [{"dstIp": "10.0.0.1"}]}
    assert f["flows"][0]["removed"] == {"count": 1, "paths": [["a", "b"]], "truncated": False}


def test_union_graph_colours_edges_by_side() -> None:
    g = union_graph(
        Graph.from_paths([["a", "b", "d"], ["a", "c"]]),
        Graph.from_paths([["a", "b", "e"], ["a", "c"]]),
    )
    assert sorted(g.edges(data="side")) == [
        ("a", "b", "both"),
        ("a", "c", "both"),
        ("b", "d", "before"),
        ("b", "e", "after"),
    ]
    assert g.nodes["a"]["source"] and g.nodes["d"]["sink"] and not g.nodes["b"]["sink"]


def test_differ_streams_without_holding_the_change() -> None:
    """Peak memory does not grow with the number of FECs (unchanged ones are not kept)."""

    def change(n: int) -> Iterator[Fec]:
        for i in range(n):
            g = diamonds(4 + i % 3)
            yield fec(g, g if i % 2 else diamonds(4 + i % 3, shared=True), i)

    def run(n: int) -> tuple[int, int]:
        gc.collect()
        tracemalloc.start()
        differ = Differ()
        for f in change(n):
            differ.diff(f)
        gc.collect()  # also empties the interpreter's free lists
        retained, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return retained, peak

    small, large = run(1_000), run(6_000)
    assert large[0] < small[0] + 100_000, (small, large)
    # holding 6,000 FECs would take several MB
    assert large[1] < 3_000_000, large
