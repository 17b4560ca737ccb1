"""Walks in a graph by their plain definitions, one call at a time, nothing shared: what
the tests hold :class:`rela.explain.walks.GraphWalker` to."""

from __future__ import annotations

from rela.network.model import Graph
from rela.results import Path


def _starts(graph: Graph, flow: str) -> set[int]:
    return {s for s in graph.sources if graph.labels[s] == flow}


def walk(graph: Graph, flow: str, path: Path) -> int:
    """How many leading hops of ``path`` the graph can follow from the flow's start."""
    if not path or path[0] != flow:
        return 0
    current = _starts(graph, flow)
    n = 0
    while current:
        n += 1
        if n == len(path):
            break
        hop = path[n]
        current = {j for i in current for j in graph.succ[i] if graph.labels[j] == hop}
    return n


def is_path(graph: Graph, flow: str, path: Path) -> bool:
    """Whether ``path`` is a path of the graph (from the flow's start to a sink)."""
    if not path or path[0] != flow:
        return False
    current = _starts(graph, flow)
    for hop in path[1:]:
        current = {j for i in current for j in graph.succ[i] if graph.labels[j] == hop}
        if not current:
            return False
    return any(i in graph.sinks for i in current)
