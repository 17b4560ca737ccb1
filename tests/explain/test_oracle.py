"""Clause attribution and coverage against brute force on explicit path sets.

The explanations follow a spec's relations clause by clause on concrete paths
(:mod:`rela.explain.derive`) and count coverage with automata over the open
alphabet (:mod:`rela.explain.coverage`).  Here both are checked on random small
specs (every modifier, ``then``, ``else``) and random paths against an
independent brute force built on ``tests/reference.py``: every atomic clause's
relations and domain as explicit sets, ``then`` by trying every split of both
paths, ``else`` by handing a path to the right side only when it is outside the
left side's domain.  A derivation found must be one of the brute-force
derivations, and none may be found exactly when there is none.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rela.explain.coverage import CoverageCounter
from rela.explain.derive import Deriver, pick_segment
from rela.explain.flows import _segment, _sources, _unexpected_segments
from rela.explain.match import Matcher
from rela.explain.model import Clause, SpecModel
from rela.lang import ast
from rela.network.model import Fec, Graph
from rela.results import FecRef, SpecialHop, Violation
from tests import reference as ref
from tests.automata.test_differential import graphs, modifiers, zones

K = 3
LOCATIONS = ("a", "b", "c", "a|x", "drop")


def guard_free_specs() -> st.SearchStrategy[Any]:
    atomic = st.builds(ast.Atomic, zones(), modifiers(False))
    return st.recursive(
        atomic,
        lambda inner: st.one_of(
            st.builds(ast.Then, inner, inner), st.builds(ast.Else, inner, inner)
        ),
        max_leaves=3,
    )


def atomics(spec: Any) -> Iterator[ast.Atomic]:
    """Atomic clauses left to right: the order of clause ids and of ``any`` markers."""
    if isinstance(spec, ast.Atomic):
        yield spec
    else:
        yield from atomics(spec.left)
        yield from atomics(spec.right)


class Brute:
    """Every derivation of a guard-free spec on explicit sets (tests/reference semantics)."""

    def __init__(self, spec: Any, present: set[str]) -> None:
        self.spec = spec
        self.u = ref.Universe.of(present | set(LOCATIONS), ref.spec_names(spec), (), K)
        surface = ref.Surface(self.u)
        # one Surface, atomics in order: markers numbered as the compiler numbers them
        self.sem = {id(a): surface.sem(a) for a in atomics(spec)}
        self.ids = {id(a): i for i, a in enumerate(atomics(spec))}

    def domain(self, node: Any) -> set[tuple[str, ...]]:
        if isinstance(node, ast.Atomic):
            return self.sem[id(node)][2]
        left, right = self.domain(node.left), self.domain(node.right)
        return ref.cat(left, right, K) if isinstance(node, ast.Then) else left | right

    def rel(self, node: Any, side: int, x: tuple, y: tuple) -> set[tuple]:
        """Derivations of ``(x, y)``: tuples of (clause id, x segment, y segment)."""
        if isinstance(node, ast.Atomic):
            r = self.sem[id(node)][side]
            return {((self.ids[id(node)], x, y),)} if y in r(x) else set()
        if isinstance(node, ast.Then):
            out = set()
            for i in range(len(x) + 1):
                for j in range(len(y) + 1):
                    for d1 in self.rel(node.left, side, x[:i], y[:j]):
                        for d2 in self.rel(node.right, side, x[i:], y[j:]):
                            out.add(d1 + d2)
            return out
        out = self.rel(node.left, side, x, y)
        if x not in self.domain(node.left):
            out |= self.rel(node.right, side, x, y)
        return out

    def dom(self, node: Any, x: tuple) -> set[tuple]:
        """Domain derivations of ``x`` (else-priority respected)."""
        if isinstance(node, ast.Atomic):
            return {((self.ids[id(node)], x, x),)} if x in self.sem[id(node)][2] else set()
        if isinstance(node, ast.Then):
            return {
                d1 + d2
                for i in range(len(x) + 1)
                for d1 in self.dom(node.left, x[:i])
                for d2 in self.dom(node.right, x[i:])
            }
        out = self.dom(node.left, x)
        if x not in self.domain(node.left):
            out |= self.dom(node.right, x)
        return out


def to_hops(path: tuple[str, ...]) -> tuple[str, ...]:
    """Reference marker names (``#any3``) as the verifier's hops."""
    return tuple(SpecialHop("any", int(h[4:])) if h.startswith("#any") else h for h in path)


def model_of(spec: Any) -> tuple[SpecModel, Deriver]:
    model = SpecModel.build(ast.SpecDecl("s", spec), {})
    (resolved,) = model.resolutions({})
    matcher = Matcher.for_nodes([c.atomic for c in model.clauses])
    return model, Deriver(matcher, resolved)


def mine(der: Any, x: tuple, y: tuple) -> tuple:
    return tuple((s.clause.id, x[s.x[0] : s.x[1]], y[s.y[0] : s.y[1]]) for s in der)


paths_k = st.lists(st.sampled_from(LOCATIONS + ref.OTHERS), max_size=K).map(tuple)

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@SETTINGS
@given(guard_free_specs(), paths_k, paths_k, st.data())
def test_derivations_are_brute_force_derivations(spec: Any, x: tuple, y0: tuple, data: Any) -> None:
    brute = Brute(spec, set(x) | set(y0))
    _, deriver = model_of(spec)
    for side, name in ((0, "R"), (1, "Q")):
        image = sorted(ref.image({x}, ref.Surface(brute.u).sem(spec)[side]) | {y0})
        # an output of x (when there is one) and an arbitrary path
        y = data.draw(st.sampled_from([p for p in image if len(p) <= K] or [y0]))
        expected = brute.rel(spec, side, x, y)
        got = deriver.derive(name, to_hops(x), to_hops(y))
        if not expected:
            assert got is None, (name, x, y)
            continue
        assert got is not None, (name, x, y, expected)
        assert mine(got, x, y) in expected


def literal_pair_key(m: Matcher, x: tuple, y: tuple) -> tuple:
    """The key of a derivation as defined: where ``x`` ends, both shapes, and every hop
    numbered by its first position in ``x`` then ``y``."""
    seen: dict[Any, int] = {}
    first = seen.setdefault
    return (
        len(x),
        m.shape(x) + m.shape(y),
        tuple(map(first, x, itertools.count())) + tuple(map(first, y, itertools.count(len(x)))),
    )


@SETTINGS
@given(guard_free_specs(), st.lists(st.tuples(paths_k, paths_k), min_size=2, max_size=4), st.data())
def test_one_deriver_shares_searches_by_pair_key_and_is_right_for_every_pair(
    spec: Any, pairs: list[tuple[tuple, tuple]], data: Any
) -> None:
    """Pairs that share a key share one search: the key must hold everything the
    search reads (as an explanation tries one missing path against many sources)."""
    brute = Brute(spec, {h for x, y in pairs for h in x + y})
    sem = ref.Surface(brute.u).sem(spec)
    _, deriver = model_of(spec)
    for x, y0 in pairs:
        for side, name in ((0, "R"), (1, "Q")):
            image = sorted(ref.image({x}, sem[side]) | {y0})
            y = data.draw(st.sampled_from([p for p in image if len(p) <= K] or [y0]))
            hx, hy = to_hops(x), to_hops(y)
            assert deriver._pair_key(hx, hy) == literal_pair_key(deriver.m, hx, hy)
            expected = brute.rel(spec, side, x, y)
            got = deriver.derive(name, hx, hy)
            assert (got is None) == (not expected), (name, x, y)
            if got is not None:
                assert mine(got, x, y) in expected


@SETTINGS
@given(guard_free_specs(), paths_k)
def test_domain_derivations(spec: Any, x: tuple) -> None:
    brute = Brute(spec, set(x))
    _, deriver = model_of(spec)
    expected = brute.dom(spec, x)
    got = deriver.domain(to_hops(x))
    assert (got is None) == (not expected), (x, expected)
    if got is not None:
        assert mine(got, x, x) in expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    guard_free_specs(),
    st.lists(st.tuples(graphs(acyclic=True), graphs(acyclic=True)), min_size=1, max_size=3),
)
def test_coverage_counts_the_clauses_some_domain_derivation_uses(
    spec: Any, changes: list[tuple[Any, Any]]
) -> None:
    """FEC after FEC through one counter, so that what it keeps between FECs is used."""
    model, _ = model_of(spec)
    counter = CoverageCounter(model)
    for (_, p1), (_, p2) in changes:
        pre = sorted(p for p in p1 if len(p) <= K)
        post = sorted(p for p in p2 if len(p) <= K)
        counter.add(Fec(0, "k", (), Graph.from_paths(pre), Graph.from_paths(post)))
        tally = counter.take()
        brute = Brute(spec, {h for p in pre + post for h in p})
        applied: dict[int, set[str]] = {}
        for x in pre + post:
            for der in brute.dom(spec, x):
                for cid, _, _ in der:
                    applied.setdefault(cid, set()).add(x[0])
        clause: Clause
        for clause in model.clauses:
            flows = applied.get(clause.id, set())
            assert tally.clause_fecs[clause.id] == (1 if flows else 0), clause.ref.text
            assert tally.clause_flows[clause.id] == len(flows), clause.ref.text


@st.composite
def path_pairs(draw: st.DrawFn) -> list[tuple[tuple, tuple]]:
    """Pairs over a few paths (so that shapes recur), some of them ``(x, x)``."""
    pool = draw(st.lists(paths_k, min_size=1, max_size=4))
    pick = st.sampled_from(pool)
    return draw(st.lists(st.tuples(pick, pick), min_size=2, max_size=10))


@SETTINGS
@given(guard_free_specs(), path_pairs())
def test_derivations_shared_by_shape_are_brute_force_derivations(
    spec: Any, pairs: list[tuple[tuple, tuple]]
) -> None:
    """One deriver for many pairs, as a run uses it: derivations and domains are shared by
    paths of one shape (``a`` and ``a|x`` when the spec names ``a``, two unnamed locations),
    and each must still be a derivation of its own pair (or none exactly when none is)."""
    brute = Brute(spec, {h for x, y in pairs for h in x + y})
    _, deriver = model_of(spec)
    for x, y in pairs:
        got_dom = deriver.domain(to_hops(x))
        expected_dom = brute.dom(spec, x)
        assert (got_dom is None) == (not expected_dom), x
        if got_dom is not None:
            assert mine(got_dom, x, x) in expected_dom
        for side, name in ((0, "R"), (1, "Q")):
            expected = brute.rel(spec, side, x, y)
            got = deriver.derive(name, to_hops(x), to_hops(y))
            assert (got is None) == (not expected), (name, x, y)
            if got is not None:
                assert mine(got, x, y) in expected
            if got:  # the memoised pick is the plain one, for every hop
                for hop in (None, *range(-1, len(y) + 1)):
                    assert deriver.pick(got, hop) is pick_segment(got, hop)
            # the search itself, on this pair alone (no sharing, no shortcut for Q)
            fresh = model_of(spec)[1].search(name, to_hops(x), to_hops(y))
            # the same derivation as a deriver that shares nothing
            assert (fresh is None) == (got is None), (name, x, y)
            assert got is None or mine(got, x, y) == mine(fresh, x, y), (name, x, y)


def test_pairs_of_one_shape_on_one_side_only_are_told_apart() -> None:
    """``(a, drop)`` and ``(a, b)`` share the before path and the hop equalities; only the
    after path's letter class tells that ``a : drop`` relates the first and not the second."""
    _, deriver = model_of(ast.Atomic(ast.Name("a"), ast.Drop()))
    assert deriver.derive("R", ("a",), ("drop",)) is not None
    assert deriver.derive("R", ("a",), ("b",)) is None
    assert deriver.derive("R", ("a|x",), ("drop",)) is not None


@SETTINGS
@given(guard_free_specs(), st.lists(paths_k, max_size=4), st.lists(paths_k, max_size=4), st.data())
def test_unexpected_clauses_without_a_search_are_the_searched_ones(
    spec: Any, after: list[tuple], unexpected: list[tuple], data: Any
) -> None:
    """Without ``any`` clauses an unexpected path's clause comes from its own domain
    derivation (when it is its own source): as searching ``Q`` from every source finds."""
    _, deriver = model_of(spec)
    plain = Deriver(deriver.m, deriver.resolved)
    plain.q_identity = False  # every pair searched, no shortcut
    listed = tuple(to_hops(p) for p in after)
    unexp = tuple(to_hops(p) for p in unexpected)
    # own: listed, or (as the graph may say of a path cut from the lists) drawn at random
    own = data.draw(
        st.sampled_from([(), tuple(u in listed or data.draw(st.booleans()) for u in unexp)])
    )
    near = [data.draw(st.integers(0, len(u))) for u in unexp]
    v = Violation(FecRef(0, None), "a", (), listed, (), listed, (), unexp)
    got = _unexpected_segments(deriver, v, own, near)
    want = [
        _segment(plain, "Q", _sources(listed, u, own, i), u, near[i] - 1)
        for i, u in enumerate(unexp)
    ]
    assert [s and (s.clause.id, s.x, s.y) for s in got] == [
        s and (s.clause.id, s.x, s.y) for s in want
    ]
