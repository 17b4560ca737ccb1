"""Pieces of the Graphviz drawing (``rela diff --dot``): its legend and the ``drop`` mark.

The legend is the graph's label, an HTML-like table (a title row, then one row
per edge style and node shape), so it needs no extra node whose name could
clash with a location's.  The wording and colours are those of
:mod:`rela.draw.style`, shared with the SVG of the HTML report.

>>> print(dot_label("FEC #1 (a<b)").splitlines()[1])
<tr><td colspan="2" align="left"><b>FEC #1 (a&lt;b)</b></td></tr>
"""

from __future__ import annotations

from rela.draw.markup import esc
from rela.draw.style import EDGE_STYLES

__all__ = ["DROP_DOT", "dot_label"]

#: Attributes of the ``drop`` node: a filled red octagon.
DROP_DOT = {"shape": "octagon", "style": "filled", "fillcolor": "#f4cccc", "color": "red"}

_NODE_ROWS = (
    ("box", "entry: flows start here"),
    ("double circle", "exit: paths end here"),
    ("red octagon", "drop: traffic discarded"),
)


def dot_label(title: str = "") -> str:
    """The ``label`` value (HTML-like, ``<…>``) holding ``title`` and the legend."""
    rows = []
    if title:
        for i, line in enumerate(title.split("\n")):
            text = f"<b>{esc(line)}</b>" if i == 0 else esc(line)
            rows.append(f'<tr><td colspan="2" align="left">{text}</td></tr>')
    for side in ("both", "before", "after"):
        style = EDGE_STYLES[side]
        colour = dict(style.dot)["color"]
        rows.append(
            f'<tr><td align="left"><font color="{colour}">{style.glyph}</font></td>'
            f'<td align="left">{esc(style.legend)}</td></tr>'
        )
    for shape, meaning in _NODE_ROWS:
        rows.append(f'<tr><td align="left">{shape}</td><td align="left">{meaning}</td></tr>')
    return '<<table border="0" cellborder="0" cellspacing="1">\n' + "\n".join(rows) + "\n</table>>"
