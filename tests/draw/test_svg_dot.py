"""The SVG drawing and the Graphviz legend: marks, escaping, bounds."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from rela.diff import fec_dot
from rela.draw import legend_html, pair_svg, too_large, union_pair
from rela.draw.markup import visible
from rela.draw.style import EDGE_STYLES, LOOP_LEGEND, NODE_LEGEND
from rela.network.model import Fec, Graph
from tests.diff.graphs import graph

HOSTILE = ["<script>alert(1)</script>", "a&b\"c'd", "tab\there", "nul\x00bell\x07", "é|ü|∅"]


def soup(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "html.parser")


def test_svg_marks_every_hop_and_location() -> None:
    before = Graph.from_paths([["s", "m", "t"], ["s", "x", "t"]])
    after = Graph.from_paths([["s", "m", "drop"], ["s", "x", "t"]])
    svg = soup(pair_svg(union_pair(before, after), label="FEC #1"))
    (root,) = svg.select("svg.graph")
    assert root.get("aria-label") == "FEC #1"
    edges = {(g["data-from"], g["data-to"]): g["class"] for g in svg.select("g.edge")}
    assert edges == {
        ("s", "m"): ["edge", "unchanged"],
        ("s", "x"): ["edge", "unchanged"],
        ("x", "t"): ["edge", "unchanged"],
        ("m", "t"): ["edge", "removed"],
        ("m", "drop"): ["edge", "added"],
    }
    nodes = {g["data-name"]: set(g["class"]) for g in svg.select("g.node")}
    assert nodes["s"] == {"node", "source"}
    assert nodes["drop"] == {"node", "sink", "drop", "after"}
    assert nodes["t"] == {"node", "sink"}
    # every mark has its tooltip, every edge a line and an arrowhead
    for g in svg.select("g.edge"):
        assert g.title.string and g.select("path.line") and g.select("path.head")
    assert "removed hop" in svg.select_one("g.edge.removed").title.string


def test_svg_marks_loops_and_self_loops() -> None:
    loop = graph(["s", "a", "b", "t"], [(0, 1), (1, 2), (2, 1), (2, 3), (3, 3)], [0], [3])
    svg = soup(pair_svg(union_pair(Graph.from_paths([["s", "t"]]), loop)))
    looped = {(g["data-from"], g["data-to"]) for g in svg.select("g.edge.loop")}
    assert looped == {("a", "b"), ("b", "a"), ("t", "t")}
    for g in svg.select("g.edge.loop"):
        assert g.select("path.halo") and LOOP_LEGEND in g.title.string


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(HOSTILE) | st.text(min_size=1, max_size=8), min_size=1, max_size=4))
def test_svg_escapes_any_name(names: list[str]) -> None:
    g = Graph.from_paths([names])
    markup = pair_svg(union_pair(g, Graph.empty()), label=names[0])
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]", markup)
    parsed = soup(markup)
    assert not parsed.find("script")
    shown = {g["data-name"] for g in parsed.select("g.node")}
    assert shown == {visible(n) for n in names}
    for g in parsed.select("g.node"):
        assert g.title.string.startswith(g["data-name"])


def test_legend_lists_every_mark_or_only_those_used() -> None:
    full = soup(legend_html())
    texts = [li.span.string for li in full.select("ul.legend li")]
    assert texts == [
        *(EDGE_STYLES[s].legend for s in ("both", "before", "after")),
        LOOP_LEGEND,
        *(text for _, text in NODE_LEGEND),
    ]
    pair = union_pair(Graph.from_paths([["s", "t"]]), Graph.from_paths([["s", "drop"]]))
    used = [li.span.string for li in soup(legend_html(pair)).select("ul.legend li")]
    assert used == [
        "removed hop (before only)",
        "added hop (after only)",
        "entry: flows start here",
        "exit: paths end here",
        "drop: traffic discarded",
        "location before only",
        "location after only",
    ]


def test_too_large() -> None:
    chain = Graph.from_paths([[f"n{i}" for i in range(151)]])
    assert too_large(union_pair(chain, chain))
    assert not too_large(union_pair(Graph.from_paths([["a", "b"]]), Graph.empty()))


def test_dot_has_a_legend_and_a_marked_drop() -> None:
    before = Graph.from_paths([["s", "m", "t"]])
    after = Graph.from_paths([["s", "m", "drop"]])
    text = fec_dot(Fec(7, "10.0.0.0/24 <&>", (), before, after))
    label = re.search(r"^  label=<(.*?)>;$", text, flags=re.S | re.M)
    assert label, text
    table = soup(label.group(1))
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in table.find_all("tr")]
    assert rows[0] == ["FEC #7 (10.0.0.0/24 <&>)"]  # escaped in DOT, read back as text
    assert ["───▶", "unchanged hop"] in rows
    assert ["╌╌╌▶", "removed hop (before only)"] in rows
    assert ["━━━▶", "added hop (after only)"] in rows
    assert ["red octagon", "drop: traffic discarded"] in rows
    colours = {tr.td.font["color"] for tr in table.find_all("tr") if tr.td.font}
    assert colours == {"black", "red", "green"}  # the colours the edges use
    assert (
        '"drop" [shape="octagon", style="filled", fillcolor="#f4cccc", color="red", peripheries="2"];'
        in text
    )
    assert '"m" -> "drop" [color="green", penwidth="2"];' in text


def test_legend_does_not_confuse_edge_and_node_sides() -> None:
    # an added hop between locations present on both sides: no "location after only"
    before = Graph.from_paths([["s", "a", "t"], ["s", "b", "t"]])
    after = Graph.from_paths([["s", "a", "b", "t"], ["s", "b", "t"]])
    used = [li.span.string for li in soup(legend_html(union_pair(before, after))).select("li")]
    assert used == [
        "unchanged hop",
        "removed hop (before only)",
        "added hop (after only)",
        "entry: flows start here",
        "exit: paths end here",
    ]


def test_focus_rings_the_named_locations_and_joins_the_legend() -> None:
    pair = union_pair(Graph.from_paths([["s", "m", "t"]]), Graph.from_paths([["s", "m", "drop"]]))
    svg = soup(pair_svg(pair.focused(["m", "not-there"])))
    (ring,) = svg.select("g.node.focus")
    assert ring["data-name"] == "m" and ring.select("rect.ring")
    assert "where behaviour diverges" in ring.title.string
    assert "where behaviour diverges" not in legend_html(pair)
    assert "where behaviour diverges" in legend_html(pair.focused(["m"]))
