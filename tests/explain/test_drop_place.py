"""A new drop is named where the traffic is dropped, checked against the graphs themselves.

``at`` of a ``new-drop`` flow is the location that drops it: on random before
and after graphs, that location must hand the flow's traffic to ``drop`` in
the after graph (a node with that label, reachable from the flow's start,
with a ``drop`` successor), and must be the hop before ``drop`` on one of the
flow's unexpected paths.  The divergence point (where the paths part) is
not: a flow leaving its path at ``a`` and dropped at ``c`` is dropped at ``c``.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rela
from rela.explain.classify import is_drop
from rela.network.model import Fec, Graph
from rela.report import render
from tests.automata.test_differential import graphs


def _drops_from(graph: Graph, flow: str) -> set[str]:
    """Labels of the nodes reachable from ``flow``'s sources that forward to a drop node."""
    seen = [s for s in graph.sources if graph.labels[s] == flow]
    stack, reached = list(seen), set(seen)
    while stack:
        q = stack.pop()
        for t in graph.succ[q]:
            if t not in reached:
                reached.add(t)
                stack.append(t)
    return {
        graph.labels[q]
        for q in reached
        if any(is_drop(graph.labels[t]) and t in graph.sinks for t in graph.succ[q])
    }


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(graphs(False), graphs(False), st.sampled_from([".* : preserve", "[^b]* : preserve"]))
def test_a_new_drop_is_named_where_the_after_graph_drops(
    before: tuple[Graph, object], after: tuple[Graph, object], clause: str
) -> None:
    fec = Fec(0, "k", (), before[0], after[0])
    report = rela.verify(rela.parse_spec(f"spec s {{ {clause} }}"), [fec], max_paths=50)
    for v in report:
        e = v.explanation
        if e is None or e.kind != "new-drop":
            continue
        droppers = {u[-2] for u in v.unexpected if len(u) > 1 and is_drop(u[-1])}
        if not droppers:  # a path that is dropped where it enters: the flow's start
            assert e.at == v.flow
            continue
        assert e.at in droppers, (e.at, v.unexpected)
        assert e.at in _drops_from(after[0], v.flow)


def test_the_drop_is_named_not_where_the_paths_part() -> None:
    before = Graph.from_paths([["a", "b", "h"]])
    after = Graph.from_paths([["a", "c", "d", "drop"]])
    report = rela.verify(
        rela.parse_spec("spec s { .* : preserve }"), [Fec(0, "k", (), before, after)]
    )
    (v,) = list(report)
    assert v.explanation is not None
    assert (v.explanation.kind, v.explanation.at) == ("new-drop", "d")
    (cause,) = report.specs[0].causes
    assert (cause.kind, cause.at) == ("new-drop", "d")
    text = render(report, "text", width=100)
    assert "new drop at d" in text and "new drop at a" not in text
