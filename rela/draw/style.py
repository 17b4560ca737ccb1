"""How a drawing marks what changed: one vocabulary for the SVG and the Graphviz drawings.

Every edge has a side (``both``, ``before``, ``after``); each side has a CSS
class for SVG, a colour and style for DOT, and a legend text, so the HTML
report and ``rela diff --dot`` say the same thing the same way.

>>> EDGE_STYLES["before"].legend
'removed hop (before only)'
"""

from __future__ import annotations

from rela.draw.pair import AFTER, BEFORE, BOTH
from rela.values import frozen

__all__ = ["EdgeStyle", "EDGE_STYLES", "NODE_LEGEND", "LOOP_LEGEND"]


@frozen
class EdgeStyle:
    """The look of one edge side: SVG class, Graphviz attributes, legend text, text glyph."""

    css: str
    dot: tuple[tuple[str, str], ...]
    legend: str
    glyph: str


EDGE_STYLES = {
    BOTH: EdgeStyle("unchanged", (("color", "black"),), "unchanged hop", "───▶"),
    BEFORE: EdgeStyle(
        "removed",
        (("color", "red"), ("style", "dashed")),
        "removed hop (before only)",
        "╌╌╌▶",
    ),
    AFTER: EdgeStyle(
        "added",
        (("color", "green"), ("penwidth", "2")),
        "added hop (after only)",
        "━━━▶",
    ),
}

#: Legend of an edge on a forwarding loop.
LOOP_LEGEND = "hop on a forwarding loop"

#: (CSS class, legend text) of the node marks, in legend order.
NODE_LEGEND = (
    ("source", "entry: flows start here"),
    ("sink", "exit: paths end here"),
    ("drop", "drop: traffic discarded"),
    ("before", "location before only"),
    ("after", "location after only"),
    ("focus", "where behaviour diverges"),
)
