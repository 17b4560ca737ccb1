"""Drawing one FEC's change: the before/after union graph (networkx) and its Graphviz DOT text.

>>> from rela.network.model import Graph
>>> g = union_graph(Graph.from_paths([["a", "b"]]), Graph.from_paths([["a", "c"]]))
>>> sorted(g.edges(data="side"))
[('a', 'b', 'before'), ('a', 'c', 'after')]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rela.diff.compare import Differ, as_tuple
from rela.draw.dot import DROP_DOT, dot_label
from rela.network.model import DROP, Fec, Graph

if TYPE_CHECKING:  # networkx is imported when a drawing is made (start-up of the CLI)
    import networkx as nx

__all__ = ["union_graph", "dot_text", "fec_dot"]


def _reachable(graph: Graph) -> set[int]:
    seen = set(graph.sources)
    stack = list(seen)
    while stack:
        for m in graph.succ[stack.pop()]:
            if m not in seen:
                seen.add(m)
                stack.append(m)
    return seen


def union_graph(before: Graph, after: Graph) -> nx.DiGraph:
    """The before/after union over locations (nodes reachable from a source).

    Edge attribute ``side`` is ``both``, ``before`` (removed) or ``after``
    (added); node attributes ``source``/``sink`` say whether some node with
    that location starts/ends paths.

    >>> g = union_graph(Graph.from_paths([["a", "b"]]), Graph.from_paths([["a", "c"]]))
    >>> sorted(g.edges(data="side"))
    [('a', 'b', 'before'), ('a', 'c', 'after')]
    """
    import networkx as nx

    out: nx.DiGraph = nx.DiGraph()
    sides: dict[tuple[str, str], set[str]] = {}
    for side, graph in (("before", before), ("after", after)):
        keep = _reachable(graph)
        for i in sorted(keep):
            label = graph.labels[i]
            if not out.has_node(label):
                out.add_node(label, source=False, sink=False)
            attrs = out.nodes[label]
            attrs["source"] = attrs["source"] or i in graph.sources
            attrs["sink"] = attrs["sink"] or i in graph.sinks
            for j in graph.succ[i]:
                sides.setdefault((label, graph.labels[j]), set()).add(side)
    for (u, v), seen in sides.items():
        out.add_edge(u, v, side="both" if len(seen) == 2 else next(iter(seen)))
    return out


_EDGE_STYLE = {
    "both": {"color": "black"},
    "before": {"color": "red", "style": "dashed"},
    "after": {"color": "green", "penwidth": "2"},
}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attrs(attrs: dict[str, str]) -> str:
    return "[" + ", ".join(f"{k}={_quote(v)}" for k, v in attrs.items()) + "]"


def dot_text(graph: nx.DiGraph, title: str = "") -> str:
    """Graphviz DOT text for a :func:`union_graph` (removed edges red, added green).

    Sources are boxes, sinks double circles, ``drop`` a red octagon; the graph
    label holds ``title`` and the legend (:func:`rela.draw.dot.dot_label`).

    >>> print(dot_text(union_graph(Graph.from_paths([["a"]]), Graph.empty())))  # doctest: +ELLIPSIS
    digraph diff {
      label=<<table border="0" cellborder="0" cellspacing="1">
    ...
      labelloc="t";
      node [shape="ellipse"];
      "a" [shape="box", peripheries="2"];
    }
    <BLANKLINE>
    """
    lines = ["digraph diff {", f"  label={dot_label(title)};", '  labelloc="t";']
    lines.append('  node [shape="ellipse"];')
    for node, data in sorted(graph.nodes(data=True)):
        attrs: dict[str, str] = dict(DROP_DOT) if node == DROP else {}
        if data.get("source"):
            attrs["shape"] = "box"
        if data.get("sink"):
            attrs["peripheries"] = "2"
        lines.append(f"  {_quote(node)}" + (f" {_attrs(attrs)}" if attrs else "") + ";")
    for u, v, side in sorted(graph.edges(data="side")):
        lines.append(f"  {_quote(u)} -> {_quote(v)} {_attrs(_EDGE_STYLE[side])};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def fec_dot(fec: Fec, flow: str | Sequence[str] | None = None) -> str:
    """The DOT drawing of one FEC's before/after union graph (``rela diff --dot``)."""
    differ = Differ(flow=as_tuple(flow))
    title = f"FEC #{fec.index}" + (f" ({fec.key})" if fec.key else "")
    return dot_text(union_graph(differ.restrict(fec.before), differ.restrict(fec.after)), title)
