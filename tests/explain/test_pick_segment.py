"""Which clause of a derivation a violation is about (``pick_segment``), against its
definition read literally: four passes over the segments."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from rela.explain.derive import Segment, pick_segment
from rela.explain.model import SpecModel
from rela.lang import ast, parse_spec

MODEL = SpecModel.of_module(
    parse_spec("spec s { a : preserve then b : drop then c : preserve then d : replace(d, e) }")
)[0]
CLAUSES = MODEL.clauses


def literal(der: tuple[Segment, ...], hop: int | None, on: str) -> Segment:
    def holds(s: Segment) -> bool:
        lo, hi = s.y if on == "y" else s.x
        return hop is not None and lo <= hop < hi

    def active(s: Segment) -> bool:
        return not isinstance(s.clause.atomic.modifier, ast.Preserve)

    for test in (lambda s: holds(s) and active(s), active, holds):
        for s in der:
            if test(s):
                return s
    return der[0]


spans = st.tuples(st.integers(0, 5), st.integers(0, 5)).map(lambda t: (min(t), max(t)))
segments = st.builds(Segment, st.sampled_from(CLAUSES), spans, spans)


@given(st.lists(segments, min_size=1, max_size=5).map(tuple), st.none() | st.integers(0, 5),
       st.sampled_from(["x", "y"]))  # fmt: skip
# a preserving segment holds the hop, an active one does not: the active one is meant
@example((Segment(CLAUSES[0], (0, 2), (0, 2)), Segment(CLAUSES[1], (3, 4), (3, 4))), 1, "y")
def test_pick_segment_is_its_definition(der: Any, hop: int | None, on: str) -> None:
    assert pick_segment(der, hop, on) is literal(der, hop, on)
