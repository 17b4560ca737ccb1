"""Inline SVG of an FEC's before/after graph, and its legend.

:func:`pair_svg` lays out a :class:`~rela.draw.pair.GraphPair` with
:func:`~rela.draw.layout.layered_layout` and draws it: one ``<g class="node
…">`` per location and one ``<g class="edge …">`` per hop, each with a
``<title>`` (the tooltip: full name, what changed).  Presentation is in CSS
classes (:data:`SVG_CSS`, included once by the page), so the markup stays
small; arrowheads are drawn as triangles, so no ``id`` is shared between
drawings on one page.  Every name is escaped (:func:`rela.draw.markup.esc`).

>>> from rela.network.model import Graph
>>> from rela.draw.pair import union_pair
>>> pair = union_pair(Graph.from_paths([["a", "b"]]), Graph.from_paths([["a", "drop"]]))
>>> svg = pair_svg(pair)
>>> svg.count('class="edge removed"'), svg.count('class="edge added"'), svg.count('class="node sink drop after"')
(1, 1, 1)
"""

from __future__ import annotations

from rela.draw.layout import Box, Route, layered_layout
from rela.draw.markup import esc, visible
from rela.draw.pair import BOTH, GraphPair, PairEdge, PairNode
from rela.draw.style import EDGE_STYLES, LOOP_LEGEND, NODE_LEGEND

__all__ = ["SVG_CSS", "MAX_NODES", "MAX_EDGES", "too_large", "pair_svg", "legend_html"]

#: Drawings larger than this are not drawn (a browser could not show them usefully).
MAX_NODES = 150
MAX_EDGES = 400
#: Labels longer than this are shortened in the middle (the tooltip has the full name).
MAX_LABEL = 34
_CHAR = 7.3  # width of one character of the 12px monospace font
_PAD = 16.0
_ARROW = 7.0
_BACK_BULGE = 16.0

SVG_CSS = """
svg.graph { font: 12px ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
svg .node rect { fill: #fff; stroke: #555; stroke-width: 1.2; }
svg .node text { fill: #222; text-anchor: middle; dominant-baseline: central; }
svg .node.source rect.box { fill: #e8f0fe; stroke: #1a56c4; stroke-width: 2.2; }
svg .node.sink rect.inner { fill: none; stroke: #555; stroke-width: 1; }
svg .node.before rect.box { fill: #fdecea; stroke: #c62828; stroke-dasharray: 4 3; }
svg .node.after rect.box { fill: #e6f4ea; stroke: #1e7d32; }
svg .node.drop rect.box { fill: #c62828; stroke: #7f0000; stroke-width: 2; }
svg .node.drop rect.inner { stroke: #fff; }
svg .node.drop text { fill: #fff; font-weight: bold; }
svg .node rect.ring { fill: none; stroke: #7b1fa2; stroke-width: 2.5; stroke-dasharray: 3 2; }
svg .edge path { fill: none; stroke: #8a8a8a; stroke-width: 1.3; }
svg .edge path.head { fill: #8a8a8a; stroke: none; }
svg .edge.removed path { stroke: #c62828; stroke-dasharray: 6 4; stroke-width: 1.8; }
svg .edge.removed path.head { fill: #c62828; stroke: none; }
svg .edge.added path { stroke: #1e7d32; stroke-width: 3; }
svg .edge.added path.head { fill: #1e7d32; stroke: none; }
svg .edge path.halo { stroke: #f57c00; stroke-width: 9; stroke-opacity: 0.35; stroke-dasharray: none; }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 0; margin: 6px 0 0; font-size: 12px; color: #333; }
ul.legend li { display: flex; align-items: center; gap: 6px; }
"""


def too_large(pair: GraphPair) -> bool:
    """Whether ``pair`` is over :data:`MAX_NODES` or :data:`MAX_EDGES`."""
    return len(pair.nodes) > MAX_NODES or len(pair.edges) > MAX_EDGES


def _label(name: str) -> str:
    """The name as shown in its box: visible, shortened in the middle when long.

    >>> _label("x" * 40)
    'xxxxxxxxxxxxxxxx…xxxxxxxxxxxxxxxxx'
    """
    text = visible(name)
    if len(text) <= MAX_LABEL:
        return text
    head = (MAX_LABEL - 1) // 2
    return text[:head] + "…" + text[len(text) - (MAX_LABEL - 1 - head) :]


def _width(name: str) -> float:
    return len(_label(name)) * _CHAR + _PAD


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _node_classes(node: PairNode) -> str:
    classes = ["node"]
    if node.source:
        classes.append("source")
    if node.sink:
        classes.append("sink")
    if node.drop:
        classes.append("drop")
    if node.side != BOTH:
        classes.append(node.side)
    if node.focus:
        classes.append("focus")
    return " ".join(classes)


def _node_title(node: PairNode) -> str:
    notes = [text for css, text in NODE_LEGEND if css in _node_classes(node).split()[1:]]
    return visible(node.name) + (f" ({'; '.join(notes)})" if notes else "")


def _node(node: PairNode, box: Box) -> str:
    x, y = box.x - box.width / 2, box.y - box.height / 2
    parts = [
        f'<g class="{_node_classes(node)}" data-name="{esc(node.name)}">',
        f"<title>{esc(_node_title(node))}</title>",
        f'<rect class="box" x="{_f(x)}" y="{_f(y)}" width="{_f(box.width)}" '
        f'height="{_f(box.height)}" rx="4"/>',
    ]
    if node.focus:
        parts.append(
            f'<rect class="ring" x="{_f(x - 4)}" y="{_f(y - 4)}" width="{_f(box.width + 8)}" '
            f'height="{_f(box.height + 8)}" rx="7"/>'
        )
    if node.sink:
        parts.append(
            f'<rect class="inner" x="{_f(x + 3)}" y="{_f(y + 3)}" width="{_f(box.width - 6)}" '
            f'height="{_f(box.height - 6)}" rx="2"/>'
        )
    parts.append(f'<text x="{_f(box.x)}" y="{_f(box.y)}">{esc(_label(node.name))}</text></g>')
    return "".join(parts)


def _curve(
    points: tuple[tuple[float, float], ...], bulge: float = 0.0
) -> tuple[str, tuple[float, float]]:
    """A smooth path through ``points`` (horizontal tangents), and the direction at its end.

    ``bulge`` moves the control points down: an edge drawn right to left (it
    closes a loop) arcs below its forward partner instead of lying on it.
    """
    (x0, y0), rest = points[0], points[1:]
    d = [f"M{_f(x0)},{_f(y0)}"]
    direction = (1.0, 0.0)
    for x1, y1 in rest:
        dx = (x1 - x0) / 2
        d.append(
            f"C{_f(x0 + dx)},{_f(y0 + bulge)} {_f(x1 - dx)},{_f(y1 + bulge)} {_f(x1)},{_f(y1)}"
        )
        direction = (1.0 if dx >= 0 else -1.0, 0.0)
        x0, y0 = x1, y1
    return " ".join(d), direction


def _head(tip: tuple[float, float], direction: tuple[float, float]) -> str:
    """A triangular arrowhead whose tip is at ``tip``, pointing along ``direction``."""
    (x, y), (dx, dy) = tip, direction
    bx, by = x - dx * _ARROW, y - dy * _ARROW
    half = _ARROW * 0.5
    return (
        f"M{_f(x)},{_f(y)} L{_f(bx - dy * half)},{_f(by + dx * half)} "
        f"L{_f(bx + dy * half)},{_f(by - dx * half)} Z"
    )


def _self_loop(box: Box) -> tuple[str, tuple[float, float], tuple[float, float]]:
    top = box.y - box.height / 2
    x1, x2 = box.x + min(18.0, box.width / 3), box.x - min(18.0, box.width / 3)
    d = f"M{_f(x1)},{_f(top)} C{_f(x1)},{_f(top - 26)} {_f(x2)},{_f(top - 26)} {_f(x2)},{_f(top)}"
    return d, (x2, top), (0.0, 1.0)


def _edge(edge: PairEdge, route: Route | None, boxes: dict[str, Box]) -> str:
    style = EDGE_STYLES[edge.side]
    if route is None:
        d, tip, direction = _self_loop(boxes[edge.source])
    else:
        d, direction = _curve(route.points, _BACK_BULGE if route.reversed else 0.0)
        tip = route.points[-1]
    note = style.legend + (f"; {LOOP_LEGEND}" if edge.loop else "")
    title = f"{visible(edge.source)} → {visible(edge.target)}: {note}"
    classes = f"edge {style.css}" + (" loop" if edge.loop else "")
    parts = [
        f'<g class="{classes}" data-from="{esc(edge.source)}" data-to="{esc(edge.target)}">',
        f"<title>{esc(title)}</title>",
    ]
    if edge.loop:
        parts.append(f'<path class="halo" d="{d}"/>')
    parts.append(f'<path class="line" d="{d}"/><path class="head" d="{_head(tip, direction)}"/>')
    parts.append("</g>")
    return "".join(parts)


def pair_svg(pair: GraphPair, *, label: str = "") -> str:
    """The ``<svg class="graph">`` drawing of ``pair`` (``label``: its accessible name).

    Edges are drawn first so boxes sit on top of them; removed edges last
    among edges, so a dashed red hop is not hidden under an unchanged one.
    Draws whatever it is given: check :func:`too_large` first.
    """
    names = [n.name for n in sorted(pair.nodes, key=lambda n: not n.source)]
    lay = layered_layout(names, [(e.source, e.target) for e in pair.edges], _width)
    top = 30.0 if any(e.source == e.target for e in pair.edges) else 0.0  # room for self-loops
    bottom = _BACK_BULGE if any(r.reversed for r in lay.routes.values()) else 0.0  # arcs below
    width, height = max(lay.width, 40.0), lay.height + top + bottom
    body = [
        f'<svg class="graph" width="{_f(width)}" height="{_f(height)}" '
        f'viewBox="0 {_f(-top)} {_f(width)} {_f(height)}" role="img" aria-label="{esc(label)}">'
    ]
    if label:
        body.append(f"<title>{esc(label)}</title>")
    order = {"both": 0, "after": 1, "before": 2}
    for edge in sorted(pair.edges, key=lambda e: order[e.side]):
        body.append(_edge(edge, lay.routes.get((edge.source, edge.target)), lay.boxes))
    for node in pair.nodes:
        body.append(_node(node, lay.boxes[node.name]))
    body.append("</svg>")
    return "\n".join(body)


def _marks(pair: GraphPair) -> set[str]:
    """The edge sides and node/edge classes a drawing of ``pair`` uses."""
    used = {f"edge:{e.side}" for e in pair.edges}
    if any(e.loop for e in pair.edges):
        used.add("edge:loop")
    for node in pair.nodes:
        used.update(f"node:{c}" for c in _node_classes(node).split()[1:])
    return used


def _swatch(inner: str, width: int = 40) -> str:
    return (
        f'<svg class="swatch" width="{width}" height="20" viewBox="0 0 {width} 20" '
        f'aria-hidden="true">{inner}</svg>'
    )


def legend_html(pair: GraphPair | None = None) -> str:
    """The key to :func:`pair_svg`'s marks, an ``<ul class="legend">`` of swatches that wraps;
    with ``pair``, only the marks that drawing uses.

    >>> legend_html().count("<li")
    10
    >>> from rela.network.model import Graph
    >>> from rela.draw.pair import union_pair
    >>> legend_html(union_pair(Graph.from_paths([["a", "b"]]), Graph.empty())).count("<li")
    4
    """
    used = _marks(pair) if pair is not None else None
    items: list[tuple[str, str]] = []
    for side in ("both", "before", "after"):
        if used is not None and f"edge:{side}" not in used:
            continue
        style = EDGE_STYLES[side]
        glyph = (
            f'<g class="edge {style.css}"><path class="line" d="M2,10 H30"/>'
            f'<path class="head" d="{_head((37.0, 10.0), (1.0, 0.0))}"/></g>'
        )
        items.append((_swatch(glyph), style.legend))
    halo = '<g class="edge unchanged loop"><path class="halo" d="M2,10 H38"/><path class="line" d="M2,10 H38"/></g>'
    if used is None or "edge:loop" in used:
        items.append((_swatch(halo), LOOP_LEGEND))
    for css, text in NODE_LEGEND:
        if used is not None and f"node:{css}" not in used:
            continue
        inner = (
            '<rect class="inner" x="4" y="4" width="22" height="12" rx="2"/>'
            if css == "sink"
            else ""
        )
        if css == "focus":
            box = (
                '<g class="node focus"><rect class="box" x="4" y="4" width="22" height="12" rx="3"/>'
                '<rect class="ring" x="1" y="1" width="28" height="18" rx="5"/></g>'
            )
        else:
            box = f'<g class="node {css}"><rect class="box" x="1" y="1" width="28" height="18" rx="4"/>{inner}</g>'
        items.append((_swatch(box, 30), text))
    lis = "".join(f"<li>{swatch}<span>{esc(text)}</span></li>" for swatch, text in items)
    return f'<ul class="legend" aria-label="legend">{lis}</ul>'
