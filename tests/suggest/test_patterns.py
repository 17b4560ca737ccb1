"""Pattern recognition: each change shape is recognised, and the clause proposed for it holds.

Every example is a small (before, after) pair; the expected clause must be
among the candidates, and ``clause else .* : preserve`` must hold on the pair
both for the checker and for the brute-force semantics of ``tests/reference.py``.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rela
from rela.lang import ast, format_spec
from rela.network.model import Fec, Graph
from rela.suggest import clauses as cl
from rela.suggest.observe import observe
from rela.suggest.oracle import Oracle
from rela.suggest.patterns import candidates, combinations, sample_paths
from tests import reference as ref
from tests.diff.graphs import LABELS, graph, graph_pairs, walks

P = Graph.from_paths


#: The brute-force reference enumerates every path of up to this many hops (+1).
REFERENCE_HOPS = 3


def holds_everywhere(body: ast.SpecExpr, before: Graph, after: Graph) -> bool:
    """``body else .* : preserve`` on the pair: the checker's verdict, confirmed by the
    reference when the graphs are acyclic with short paths (where it is exact)."""
    (sit,) = observe([Fec(0, None, (), before, after)]).situations
    verdict = Oracle().holds((body,), sit)
    if not before.has_cycle() and not after.has_cycle():
        cap = max(len(before.labels), len(after.labels)) + 1
        pre, post = walks(before, cap), walks(after, cap)
        longest = max((len(p) for p in pre | post), default=0)
        if longest <= REFERENCE_HOPS:
            spec = cl.combine([body, cl.PRESERVE_ALL])
            parts = ref.spec_parts(spec, pre, post, [], longest + 1)
            expected = all(part.holds for part in parts)
            assert verdict == expected, format_spec(body)
    return verdict


CASES = [
    (  # drain onto a twin that already carried traffic (ECMP)
        P([["s", "x", "t"], ["s", "y", "t"]]),
        P([["s", "y", "t"]]),
        cl.replace_device("x", "y"),
    ),
    (  # cost-out: the paths move to the other device
        P([["s", "x", "t"]]),
        P([["s", "y", "t"]]),
        cl.replace_device("x", "y"),
    ),
    (  # cost-out of transit traffic: x's own flow keeps x
        P([["s", "x", "t"], ["x", "t"]]),
        P([["s", "y", "t"], ["x", "t"]]),
        cl.replace_transit("x", "y"),
    ),
    (P([["s", "x", "t"], ["s", "y", "t"]]), P([["s", "y", "t"]]), cl.remove_through("x")),
    (  # a hop removed while both ends stay
        P([["s", "a", "t"], ["s", "t"], ["q", "a"]]),
        P([["s", "t"], ["q", "a"]]),
        cl.remove_edge("s", "a"),
    ),
    (P([["s", "x", "t"]]), P([["s", "x", "t"], ["s", "y", "t"]]), cl.add_member("x", "y")),
    (  # a shortcut u -> v
        P([["s", "u", "m", "v", "t"]]),
        P([["s", "u", "m", "v", "t"], ["s", "u", "v", "t"]]),
        cl.add_link("u", "v"),
    ),
    (P([["s", "a", "t"]]), P([["s", "a", "drop"]]), cl.drop_after("a")),
    (P([["s", "x", "t"]]), P([["s", "y", "drop"]]), cl.replace_then_drop("x", "y")),
    (
        P([["s", "x", "t"], ["q", "z"]]),
        P([["s", "y", "drop"], ["q", "y", "drop"]]),
        cl.drop_all_at("y"),
    ),
    (  # only the paths through v drop
        P([["s", "v", "t"], ["s", "w", "t"]]),
        P([["s", "v", "drop"], ["s", "w", "t"]]),
        cl.drop_through("v"),
    ),
    (P([["s", "v"]]), P([["s", "v", "drop"]]), cl.extend_with_drop("v", keep=False)),
    (P([["s", "v"]]), P([["s", "v"], ["s", "v", "drop"]]), cl.extend_with_drop("v", keep=True)),
    (P([["s", "v", "drop"]]), P([["s", "v", "t"]]), cl.no_longer_dropped("v")),
    (P([["s", "v", "drop"]]), P([["s", "x", "t"]]), cl.no_longer_dropped_via("v", "x")),
    (  # v now sends everything back to u, which also reaches t directly
        graph(["s", "u", "v", "t"], [(0, 1), (1, 2), (1, 3), (2, 3)], [0], [3]),
        graph(["s", "u", "v", "t"], [(0, 1), (1, 2), (1, 3), (2, 1)], [0], [3]),
        cl.loop_at("v", "u"),
    ),
    (  # a loop added beside the way out
        graph(["r1", "r2", "r3", "r4"], [(0, 1), (1, 2), (2, 3)], [0], [3]),
        graph(["r1", "r2", "r3", "r4"], [(0, 1), (1, 2), (2, 1), (2, 3)], [0], [3]),
        cl.loop_added("r3", ("r2", "r3")),
    ),
    (P([["s", "x", "t"]]), Graph.empty(), cl.no_path()),
    (P([["s", "x", "t"]]), P([["s", "w", "z", "t"]]), cl.avoid("x")),
]


@pytest.mark.parametrize(("before", "after", "expected"), CASES, ids=lambda x: None)
def test_pattern_is_recognised_and_holds(
    before: Graph, after: Graph, expected: ast.SpecExpr
) -> None:
    found = [c.body for c in candidates(before, after)]
    assert expected in found, [format_spec(b) for b in found]
    assert holds_everywhere(expected, before, after)


def test_names_are_recorded_and_said() -> None:
    c, transit = [
        c
        for c in candidates(P([["s", "core1", "t"]]), P([["s", "core2", "t"]]))
        if c.kind == "replace"
    ]
    assert c.names == ("core1", "core2") and "core1 replaced by core2" in c.says
    assert transit.names == c.names and "its own traffic keeps its paths" in transit.says


def test_the_plain_cost_out_is_preferred_where_both_hold() -> None:
    """Where no flow starts at the drained device both replacements hold; the suggestion
    is the plain one (the transit variant only where the device's own flows stay)."""
    plain = rela.suggest([Fec(0, None, (), P([["s", "x", "t"]]), P([["s", "y", "t"]]))])
    own = rela.suggest(
        [Fec(0, None, (), P([["s", "x", "t"], ["x", "t"]]), P([["s", "y", "t"], ["x", "t"]]))]
    )
    assert [c.text for c in plain.clauses[:1]] == [format_spec(cl.replace_device("x", "y"))]
    assert [c.text for c in own.clauses[:1]] == [format_spec(cl.replace_transit("x", "y"))]
    assert plain.holds and own.holds and not plain.fallback and not own.fallback


def test_exact_clauses_come_before_broad_ones() -> None:
    tiers = [c.tier for c in candidates(P([["s", "x", "t"]]), P([["s", "w", "z", "t"]]))]
    assert tiers == sorted(tiers, key=lambda t: t == cl.BROAD)


def test_combinations_of_two_edits_explain_what_neither_does() -> None:
    """Paths ending at d1 vanish and paths ending at d2 now drop there (as on the real sample)."""
    before = P([["s", "m", "d1"], ["s", "m", "d2"], ["s", "n", "t"]])
    after = P([["s", "m", "d2", "drop"], ["s", "n", "t"]])
    found = candidates(before, after)
    assert not any(holds_everywhere(c.body, before, after) for c in found if c.tier != cl.BROAD)
    combos = [c for c in combinations(found) if holds_everywhere(c.body, before, after)]
    assert combos and combos[0].kind == "combined"


def test_renamed_to_short_names() -> None:
    short = cl.short_names(["s|v", "a|v", "b|v", "t|v"])
    c, _transit = [
        c
        for c in candidates(P([["s|v", "a|v", "t|v"]]), P([["s|v", "b|v", "t|v"]]), short)
        if c.kind == "replace"
    ]
    assert format_spec(c.body) == "[^a]* : preserve then a : replace(a, b) then [^a]* : preserve"
    assert c.says.startswith("a replaced by b")


def test_sampling_stops_on_loops() -> None:
    loop = graph(["a", "b"], [(0, 1), (1, 0)], [0], [1])
    assert sorted(sample_paths(loop, 3), key=len) == [
        ("a", "b"),
        ("a", "b", "a", "b"),
        ("a", "b", "a", "b", "a", "b"),
    ]
    assert len(sample_paths(loop)) <= 3  # no longer than 2 * nodes + 2 hops


# ---------------------------------------------------------------------- relevance


SHAPES = {
    "replace": lambda a, b: cl.replace_device(a, b),
    "remove": lambda a, b: cl.remove_through(a),
    "remove-edge": lambda a, b: cl.remove_edge(a, b),
    "add": lambda a, b: cl.add_member(a, b),
    "add-link": lambda a, b: cl.add_link(a, b),
    "drop-after": lambda a, b: cl.drop_after(a),
    "replace-drop": lambda a, b: cl.replace_then_drop(a, b),
    "drop-through": lambda a, b: cl.drop_through(a),
    "extend": lambda a, b: cl.extend_with_drop(a, True),
    "undrop": lambda a, b: cl.no_longer_dropped(a),
    "undrop-via": lambda a, b: cl.no_longer_dropped_via(a, b),
    "loop": lambda a, b: cl.loop_at(a, b),
    "loop-added": lambda a, b: cl.loop_added(a, (b, a)),
    "avoid": lambda a, b: cl.avoid(a),
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    graph_pairs(),
    st.sampled_from(sorted(SHAPES)),
    st.sampled_from([*LABELS, "e", "f"]),
    st.sampled_from([*LABELS, "e", "f"]),
)
def test_a_clause_without_its_trigger_names_changes_nothing(pair, shape, a, b) -> None:  # type: ignore[no-untyped-def]
    """The search skips clauses whose trigger names the FEC lacks: that must be exact."""
    before, after = pair
    body = SHAPES[shape](a, b)
    names = cl.trigger_names(body)
    if names is None:  # the domain may hold any path (e.g. `any([^a]*)`): always relevant
        return
    locations = set(before.labels) | set(after.labels)
    if any(loc == n or loc.startswith(n + "|") for n in names for loc in locations):
        return
    (sit,) = observe([Fec(0, None, (), before, after)]).situations
    oracle = Oracle()
    assert oracle.holds((body,), sit) == oracle.holds((), sit) or (
        not sit.changed and oracle.holds((body,), sit)
    )


def test_avoided_is_never_a_black_hole_trap() -> None:
    """`X avoided` admits no path ending in drop (the trap `rela lint` warns about), and is
    not proposed where the traffic is now dropped: the drop patterns say that."""
    kept = candidates(P([["s", "x", "t"]]), P([["s", "w", "z", "t"]]))
    (avoided,) = [c for c in kept if c.kind == "avoid"]
    assert format_spec(avoided.body) == ".* x .* : any([^x drop]*)"
    assert "none dropped" in avoided.says
    dropped = candidates(P([["s", "x", "t"]]), P([["s", "w", "drop"]]))
    assert not [c for c in dropped if c.kind == "avoid"], [format_spec(c.body) for c in dropped]
    assert not holds_everywhere(avoided.body, P([["s", "x", "t"]]), P([["s", "w", "drop"]]))
