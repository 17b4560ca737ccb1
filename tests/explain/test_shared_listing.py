"""Sides that are the same automaton are listed once per flow (rela.check.explain._Lists),
and the image of ``.* : preserve`` is the graph itself: the reports are those of building
every image and listing every side on its own, whatever the hop allowance."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rela
from rela.automata import budget
from rela.check import explain
from rela.check.outcome import FlowDiff, PathList
from rela.network.model import Fec, Graph

NAMES = ["a", "b", "c", "d", "drop"]


def _listed_one_by_one(self: Any, name: str, tag: int, max_paths: int, task: Any) -> FlowDiff:
    """The listing before sharing: every side with its own enumerator."""
    lists: list[PathList] = [(), (), (), (), (), ()]
    truncated = False
    for n, k in enumerate(explain._LIST_ORDER):
        starts = self.firsts[k].get(tag)
        if not starts:
            continue
        order = self.letters.names.__getitem__
        enum = explain.Enumerator(self.six[k], order, task.budget)
        share = explain._share(task, len(explain._LIST_ORDER) - n)
        words, more = enum.words(starts, max_paths, task.budget, share)
        truncated = truncated or more
        lists[k] = explain._paths(words, self.letters)
    return explain._flow_diff(name, lists, truncated)


paths = st.lists(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5), min_size=1, max_size=6)


def _graph(ps: list[list[str]], loop: bool) -> Graph:
    g = Graph.from_paths(ps)
    if not loop or len(g.labels) < 2:
        return g
    succ = list(g.succ)
    succ[1] = tuple(sorted({*succ[1], 0}))  # a back edge: infinitely many paths
    return Graph(g.labels, tuple(succ), g.sources, g.sinks)


SPECS = [
    "spec keep { .* : preserve }",
    "spec mixed { .* b .* : drop else .* : preserve }",
    "spec moved { .* b .* : replace(b, c) else .* : preserve }",
    "spec drain { [^b]* : preserve then b : replace(b, c) then [^b]* : preserve"
    " else .* : preserve }",
    "spec partial { [^b]* : preserve then b : replace(b, c) then [^b]* : preserve }",
    "spec most { .* b .* : drop else [^d]* : preserve }",
]


@settings(max_examples=60)
@given(
    before=paths,
    after=paths,
    loops=st.tuples(st.booleans(), st.booleans()),
    spec=st.sampled_from(SPECS),
    max_paths=st.integers(1, 6),
    hops=st.sampled_from([8, 20, 60, 200_000]),
)
def test_shared_listing_gives_the_reports_of_listing_each_side(
    before: list[list[str]],
    after: list[list[str]],
    loops: tuple[bool, bool],
    spec: str,
    max_paths: int,
    hops: int,
) -> None:
    fecs = [Fec(0, "k", (), _graph(before, loops[0]), _graph(after, loops[1]))]
    module = rela.parse_spec(spec)

    def run() -> Any:
        # the FEC's allowance of listed hops is `hops` (it is --max-states hops by default):
        # small allowances cut the lists, and no state limit is ever near
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(budget, "HOPS_PER_STATE", hops / 200_000)
            report = rela.verify(module, fecs, max_paths=max_paths, max_states=200_000)
        data = report.to_dict()
        data.pop("seconds")
        for s in data["specs"]:
            s.pop("seconds")
        return data

    shared = run()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(explain._Lists, "flow", _listed_one_by_one)
        alone = run()
        # and the image of `.* : preserve` built rather than taken to be the graph
        mp.setattr(explain, "_identity_everywhere", lambda _task, _relation: False)
        built = run()
    assert shared == alone == built


def test_a_preserve_side_is_listed_once() -> None:
    """The point of it: `.* : preserve` lists before = expected and after = actual once."""
    g1 = Graph.from_paths([["a", "b", "d"], ["a", "c", "d"]])
    g2 = Graph.from_paths([["a", "b", "drop"], ["a", "c", "d"]])
    calls = []
    real = explain.Enumerator.words

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(self)
        return real(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(explain.Enumerator, "words", counted)
        report = rela.verify(rela.parse_spec(SPECS[0]), [Fec(0, "k", (), g1, g2)])
    (v,) = report.specs[0].violations
    assert v.before == v.expected and v.after == v.actual
    assert len(calls) == 4  # missing, unexpected, expected (= before), actual (= after)


@pytest.mark.parametrize(
    "spec,images",
    [
        (SPECS[0], 0),  # both sides are the graphs
        (SPECS[1], 1),  # the post side of `... else .* : preserve` is the graph
        (SPECS[3], 1),
        (SPECS[4], 2),  # a partial identity: its image is built
        (SPECS[5], 2),
    ],
)
def test_which_sides_are_taken_to_be_the_graph(spec: str, images: int) -> None:
    g1 = Graph.from_paths([["a", "b", "d"], ["a", "c", "d"]])
    g2 = Graph.from_paths([["a", "b", "drop"], ["a", "d"]])
    built = []
    real = explain.trimmed_image_by_class

    def counted(*args: Any, **kwargs: Any) -> Any:
        built.append(1)
        return real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(explain, "trimmed_image_by_class", counted)
        report = rela.verify(rela.parse_spec(spec), [Fec(0, "k", (), g1, g2)])
    assert report.specs[0].violated == 1
    assert len(built) == images
