"""A graph's path set as a path expression: exactly the graph's paths (loops included).

Checked two ways: by the checker (the IR assert ``post == R`` on random graphs,
cycles and shared labels included) and, on DAGs, against the brute-force
language of ``tests/reference.py``.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

import rela
from rela.lang import ast, format_path, parse_spec
from rela.network.model import Fec, Graph
from rela.suggest.regex import alt, cat, exact_letter, graph_regex
from tests import reference as ref
from tests.diff.graphs import graph, graphs, walks

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_equal(g: Graph, expr: ast.PathExpr) -> None:
    spec = parse_spec(f"assert same {{ post == {format_path(expr)} }}")
    report = rela.verify(spec, [Fec(0, None, (), Graph.empty(), g)])
    assert report.holds, format_path(expr)


@SETTINGS
@given(graphs())
def test_the_regex_denotes_the_graph_paths(g: Graph) -> None:
    _assert_equal(g, graph_regex(g))


@SETTINGS
@given(graphs(acyclic=True, max_nodes=5))
def test_against_the_brute_force_language(g: Graph) -> None:
    expr = graph_regex(g)
    bound = len(g.labels) + 1
    u = ref.Universe.of({x for x in g.labels}, ref.spec_names(expr), (), bound)
    assert ref.lang(expr, u) == walks(g, bound)


def test_ecmp_fans_are_factored() -> None:
    g = Graph.from_paths(
        [["b1", "c1", "s1", "l"], ["b1", "c1", "s2", "l"], ["b2", "c1", "s1", "l"]]
    )
    assert format_path(graph_regex(g)) == "(b1 c1 (s1 | s2) | b2 c1 s1) l"
    _assert_equal(g, graph_regex(g))


def test_loops_become_stars() -> None:
    g = graph(["r1", "r2", "r3", "r4"], [(0, 1), (1, 2), (2, 1), (2, 3)], [0], [3])
    assert format_path(graph_regex(g)) == "r1 r2 (r3 r2)* r3 r4"


def test_a_location_that_a_longer_one_extends_is_written_exactly() -> None:
    """``a`` would also match ``a|x``: the regex excludes it."""
    g = graph(["a", "a|x"], [], [0], [0])
    expr = graph_regex(g)
    assert format_path(expr) == 'a & [^"a|x"]'
    _assert_equal(g, expr)
    assert format_path(exact_letter("b", ["a|x"])) == "b"


def test_empty_and_helpers() -> None:
    assert isinstance(graph_regex(Graph.empty()), ast.EmptySet)
    a, b = ast.Name("a"), ast.Name("b")
    assert cat(a, None) is None and alt(None, None) is None
    assert format_path(alt(a, ast.Epsilon())) == "a?"  # type: ignore[arg-type]
    assert format_path(alt(cat(a, b), a)) == "a b?"  # type: ignore[arg-type]
