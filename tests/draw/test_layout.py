"""The layered layout against independent checks: geometry, acyclicity, crossings."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from rela.draw.layout import (
    NODE_HEIGHT,
    PAIR_SHIFT,
    ROW_GAP,
    Layout,
    count_crossings,
    layered_layout,
)


def width_of(name: str) -> float:
    return 10.0 + 7 * len(name)


@st.composite
def digraphs(draw: st.DrawFn, max_nodes: int = 9) -> tuple[list[str], list[tuple[str, str]]]:
    """Small directed graphs with cycles, self-loops and opposite edges."""
    n = draw(st.integers(1, max_nodes))
    names = [f"n{i}" for i in range(n)]
    pairs = st.tuples(st.sampled_from(names), st.sampled_from(names))
    edges = draw(st.lists(pairs, max_size=3 * n, unique=True))
    return names, edges


@st.composite
def forests(draw: st.DrawFn) -> tuple[list[str], list[tuple[str, str]]]:
    """Out-trees: every node but the roots has exactly one parent that comes before it."""
    n = draw(st.integers(1, 14))
    names = [f"t{i}" for i in range(n)]
    edges = []
    for i in range(1, n):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1)))
        if parent is not None:
            edges.append((names[parent], names[i]))
    return names, edges


def geometric_crossings(lay: Layout) -> int:
    """Crossings of route segments between the same two columns, from coordinates alone.

    Two opposite edges between the same nodes share one route, drawn twice a
    few pixels apart: they count once, at the route's own height.
    """
    segments: dict[tuple[float, float], list[tuple[float, float]]] = {}
    for (u, v), route in lay.routes.items():
        shift = 0.0
        if (v, u) in lay.routes:
            if route.reversed:
                continue
            shift = PAIR_SHIFT
        pts = [(x, y + shift) for x, y in route.points]
        # ends sit on box borders: move them to the column centre, so segments of a column pair match
        pts[0], pts[-1] = (lay.boxes[u].x, pts[0][1]), (lay.boxes[v].x, pts[-1][1])
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            left, right = ((x0, y0), (x1, y1)) if x0 < x1 else ((x1, y1), (x0, y0))
            segments.setdefault((round(left[0]), round(right[0])), []).append((left[1], right[1]))
    total = 0
    for segs in segments.values():
        segs = sorted(set(segs))
        for i, (a, b) in enumerate(segs):
            for c, d in segs[i + 1 :]:
                if (a - c) * (b - d) < 0:
                    total += 1
    return total


@settings(max_examples=150, deadline=None)
@given(digraphs())
def test_layout_geometry(graph: tuple[list[str], list[tuple[str, str]]]) -> None:
    names, edges = graph
    lay = layered_layout(names, edges, width_of)
    assert set(lay.boxes) == set(names)
    # boxes of a column never overlap, and fit in the drawing
    by_layer: dict[int, list[float]] = {}
    for name, box in lay.boxes.items():
        by_layer.setdefault(box.layer, []).append(box.y)
        assert box.width == width_of(name) and box.height == NODE_HEIGHT
        assert box.x - box.width / 2 >= 0 and box.x + box.width / 2 <= lay.width
        assert box.y - box.height / 2 >= 0 and box.y + box.height / 2 <= lay.height
    for ys in by_layer.values():
        ys.sort()
        assert all(b - a >= NODE_HEIGHT + ROW_GAP - 1e-6 for a, b in zip(ys, ys[1:]))
    # every edge but self-loops has a route from its source's border to its target's
    assert set(lay.routes) == {(u, v) for u, v in edges if u != v}
    for (u, v), route in lay.routes.items():
        a, b = lay.boxes[u], lay.boxes[v]
        assert a.layer != b.layer
        assert route.reversed == (a.layer > b.layer)
        side_a = a.x - a.width / 2 if route.reversed else a.x + a.width / 2
        side_b = b.x + b.width / 2 if route.reversed else b.x - b.width / 2
        assert abs(route.points[0][0] - side_a) < 1e-6
        assert abs(route.points[-1][0] - side_b) < 1e-6
        assert len(route.points) == abs(b.layer - a.layer) + 1  # one bend per crossed column
    # turning the reversed edges around leaves an acyclic graph
    g = nx.DiGraph()
    g.add_nodes_from(names)
    g.add_edges_from((v, u) if r.reversed else (u, v) for (u, v), r in lay.routes.items())
    assert nx.is_directed_acyclic_graph(g)
    # the crossing count is what the coordinates show
    assert lay.crossings == geometric_crossings(lay)
    assert layered_layout(names, edges, width_of) == lay  # deterministic


@settings(max_examples=100, deadline=None)
@given(forests())
def test_trees_are_drawn_without_crossings(tree: tuple[list[str], list[tuple[str, str]]]) -> None:
    names, edges = tree
    lay = layered_layout(names, edges, width_of)
    assert lay.crossings == 0 == geometric_crossings(lay)
    assert not any(r.reversed for r in lay.routes.values())


def test_longest_path_layers_and_back_edges() -> None:
    lay = layered_layout(
        ["s", "a", "b", "t"], [("s", "a"), ("a", "b"), ("b", "a"), ("b", "t"), ("s", "t")], width_of
    )
    assert [lay.boxes[n].layer for n in "sabt"] == [0, 1, 2, 3]
    assert lay.routes[("b", "a")].reversed and not lay.routes[("a", "b")].reversed
    # opposite edges between the same boxes are drawn apart
    assert lay.routes[("b", "a")].points[0][1] != lay.routes[("a", "b")].points[-1][1]


def test_sweeps_remove_an_avoidable_crossing() -> None:
    # discovery order puts x1 above x2, but y1 (x2's successor) comes first in layer 2
    names = ["r", "x1", "x2", "y1", "y2"]
    edges = [("r", "x2"), ("r", "x1"), ("x2", "y1"), ("x1", "y2"), ("r", "y1")]
    lay = layered_layout(names, edges, width_of)
    assert lay.crossings == 0 == geometric_crossings(lay)


def test_count_crossings_brute_force() -> None:
    order = [[0, 1, 2], [3, 4, 5]]
    down = [[5], [4], [3], [], [], []]
    assert count_crossings(order, down) == 3
    assert count_crossings([[0, 1], [2, 3]], [[2, 3], [2, 3], [], []]) == 1
