"""Whatever ``rela suggest`` proposes holds — by the brute-force semantics, not only the checker.

Random small changes (random DAGs over few labels, several FECs sharing or not
sharing graphs, distinct destinations, some FECs without paths before or after):
the suggestion must say it holds, and ``tests/reference.py`` (DESIGN §3 evaluated
literally on explicit path sets) must agree on every FEC.  The graphs are
acyclic with at most :data:`NODES` nodes, so every path set is finite and the
reference, cut one hop past the longest path, is exact for the relations a
suggestion uses (they lengthen a path by at most one hop).
"""

from __future__ import annotations

import ipaddress

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rela
from rela.lang import ast
from rela.network.model import Fec, Graph, TrafficKey
from tests import reference as ref
from tests.diff.graphs import graph, walks

NODES = 4
LABELS = ("a", "b", "c", "drop")


@st.composite
def dags(draw: st.DrawFn) -> Graph:
    n = draw(st.integers(0, NODES))
    if n == 0:
        return Graph.empty()
    labels = draw(st.lists(st.sampled_from(LABELS), min_size=n, max_size=n))
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    edges = draw(st.lists(st.sampled_from(pairs), max_size=2 * n)) if pairs else []
    sources = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=2, unique=True))
    sinks = draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=2))
    return graph(labels, edges, sources, sinks)


@st.composite
def changes(draw: st.DrawFn) -> list[Fec]:
    """1-5 FECs over 1-3 (before, after) pairs; destinations distinct, some neighbours."""
    pairs = draw(st.lists(st.tuples(dags(), dags()), min_size=1, max_size=3))
    fecs = []
    for i in range(draw(st.integers(1, 5))):
        before, after = pairs[draw(st.integers(0, len(pairs) - 1))]
        if draw(st.booleans()):  # often an FEC changes like another, or not at all
            after = before
        dst = f"10.0.{draw(st.integers(0, 2))}.{i}"
        fecs.append(Fec(i, f"k{i}", (TrafficKey(dst=dst),), before, after))
    return fecs


def reference_holds(body: ast.SpecExpr, fec: Fec) -> bool:
    cap = NODES + 1
    pre, post = walks(fec.before, cap), walks(fec.after, cap)
    k = max((len(p) for p in pre | post), default=0) + 1
    # guards split FECs: the spec holds when it holds on every part of the traffic
    return all(part.holds for part in ref.spec_parts(body, pre, post, fec.traffic, k))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes())
def test_every_suggestion_holds_by_the_reference_semantics(fecs: list[Fec]) -> None:
    s = rela.suggest(fecs)
    assert s.holds, s.text
    (decl,) = s.module.decls
    assert isinstance(decl, ast.SpecDecl)
    for fec in fecs:
        assert reference_holds(decl.body, fec), (fec.index, s.text)
    # and the text is the module
    assert rela.parse_spec(s.text) == s.module
    # a concise suggestion has no explicit clause and fits the bound
    if not s.fallback:
        assert not any(c.explicit for c in s.clauses) and len(s.clauses) <= s.max_clauses
    _loose_clauses_say_only_what_they_explain(s, fecs)


def _loose_clauses_say_only_what_they_explain(s: rela.Suggestion, fecs: list[Fec]) -> None:
    """A guarded loose (``any``) clause takes in no unchanged FEC (the catch-all says
    what those do); ``X avoided`` explains only FECs that passed X before and avoid it
    after."""
    by_index = {f.index: f for f in fecs}
    for c in s.clauses:
        if " any(" in c.text and c.guard:
            nets = [ipaddress.ip_network(p) for p in c.guard]
            inside = {
                f.index
                for f in fecs
                if any(ipaddress.ip_network(k.dst).subnet_of(n) for k in f.traffic for n in nets)
            }
            unchanged = {i for i in inside if by_index[i].before == by_index[i].after}
            assert not unchanged, (c.text, sorted(unchanged), s.text)
        if c.kind == "avoid":
            (x,) = c.names
            for i in c.indices:
                assert x in by_index[i].before.locations(), (c.says, i, s.text)
                assert x not in by_index[i].after.locations(), (c.says, i, s.text)
