"""The streamed JSON layout of ``rela diff`` against the plain construction.

The reference is the document's definition: ``json.dumps(doc, indent=2)``
with every container of scalars whose text has no bracket or brace inside
joined onto one line (objects only up to 72 characters), done by a regular
expression over the whole text.  :mod:`rela.report.diff_json` lays the
document out piece by piece and shares the text of equal flows; both must
give the same bytes, for any document (odd strings, huge counts, non-ASCII)
and for reports of random changes.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rela.diff import diff_change
from rela.network.model import Fec, Graph, TrafficKey
from rela.report.diff_json import _layout, json_chunks, render_json
from tests.diff.graphs import graph_pairs

_FLAT = re.compile(r"([\[{])\n\s+([^\[\]{}]*?)\n\s*([\]}])")


def _one_line(m: re.Match[str]) -> str:
    line = m.group(1) + ", ".join(x.strip() for x in m.group(2).split(",\n")) + m.group(3)
    return line if m.group(1) == "[" or len(line) <= 72 else m.group(0)


def reference(doc: Any) -> str:
    return _FLAT.sub(_one_line, json.dumps(doc, indent=2))


ODD = st.text(alphabet=st.sampled_from('ab ,:[]{}"\\\n\té→€'), max_size=8)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**80), 2**80),
    ODD,
    st.sampled_from(["x" * n for n in (61, 62, 63, 64, 70)]),  # one-line objects near 72
)
docs = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(ODD, inner, max_size=4)),
    max_leaves=25,
)


@settings(max_examples=600, deadline=None)
@given(docs)
def test_layout_equals_the_reference(doc: Any) -> None:
    assert _layout(doc, 0) == reference(doc)


@pytest.mark.parametrize("n", [62, 63, 64])
def test_objects_join_up_to_72_characters(n: int) -> None:
    doc = {"outer": {"k": "x" * n}, "list": ["x" * 80, 1]}
    assert _layout(doc, 0) == reference(doc)
    assert ('{"k": "' in _layout(doc, 0)) == (n <= 63)  # {"k": "x..."} is 9 + n characters


NAMES = ("a", "b[1]", "c, d", "é→x", "{e}", "drop")


def _named(g: Graph, names: list[str]) -> Graph:
    return Graph(tuple(names[ord(x[0]) % len(names)] for x in g.labels), g.succ, g.sources, g.sinks)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(graph_pairs(), min_size=1, max_size=3),
    st.lists(st.integers(0, 2), min_size=1, max_size=8),
    st.permutations(NAMES),
    st.integers(0, 3),
)
def test_reports_equal_the_reference(
    pairs: list[tuple[Graph, Graph]], picks: list[int], names: list[str], max_paths: int
) -> None:
    # FECs reuse graph pairs, so FECs share the text of their flows
    fecs = [
        Fec(i, f"k{i}", (TrafficKey(dst=f"10.0.0.{i}"),), *pairs[p % len(pairs)])
        for i, p in enumerate(picks)
    ]
    fecs += [Fec(len(fecs), None, (), *(_named(g, list(names)) for g in pairs[0]))]
    report = diff_change(fecs, max_paths=max_paths, include_unchanged=max_paths == 3)
    text = render_json(report)
    assert text == reference(report.to_dict()) + "\n"
    assert "".join(json_chunks(report)) == text
