"""Drawings of an FEC's before/after forwarding graphs, laid out in Python.

* :mod:`rela.draw.pair`: the before/after union over locations (what to draw);
* :mod:`rela.draw.layout`: a layered left-to-right layout (where to draw it);
* :mod:`rela.draw.svg`: inline SVG and its legend; :mod:`rela.draw.dot`: Graphviz text;
* :mod:`rela.draw.style`: the marks both use; :mod:`rela.draw.markup`: escaping.

>>> from rela.network.model import Graph
>>> svg = pair_svg(union_pair(Graph.from_paths([["a", "b"]]), Graph.empty()))
>>> svg.startswith('<svg class="graph"')
True
"""

from __future__ import annotations

from rela.draw.pair import GraphPair, PairEdge, PairNode, fec_graphs, union_pair
from rela.draw.svg import legend_html, pair_svg, too_large

__all__ = [
    "GraphPair",
    "PairEdge",
    "PairNode",
    "fec_graphs",
    "legend_html",
    "pair_svg",
    "too_large",
    "union_pair",
]
