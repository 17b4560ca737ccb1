"""The on-the-fly decision (rela.automata.bitsets, rela.check.images) against oracles.

* :func:`equal` / :func:`included` over lazy subset constructions against
  pyformlang and explicit word sets, on random NFAs with epsilon moves;
* :func:`merge_bisimilar` keeps a transducer's relation (explicit pairs);
* the checker's verdict alone (``counterexamples=False``, decided by
  :func:`rela.check.decision.decide` over lazy graph images) against the
  brute-force reference of tests/reference.py, and leaf by leaf against
  :func:`rela.check.decision.holds`, which builds both images and compares
  them with :func:`rela.automata.decide.equivalent` / ``included``.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rela.automata import nfa as N
from rela.automata import products as P
from rela.automata import transducer as T
from rela.automata.bitsets import NfaSubsets, equal, included
from rela.automata.budget import Budget
from rela.automata.nfa import Nfa, accepts
from rela.check import Letters, SpecChecker
from rela.check.decision import Task, decide, holds
from rela.compile import compile_assert, compile_spec
from rela.lang import ast
from rela.network.model import Fec, Graph
from tests import reference as ref
from tests.automata.test_differential import (
    K,
    checks,
    graphs,
    specs,
    traffic_keys,
    walk_labels,
)
from tests.automata.test_oracle import ALPHABET, nfas, to_pyformlang, words

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# ---------------------------------------------------------------------- automata


@SETTINGS
@given(nfas(), nfas())
def test_equal_matches_pyformlang(a: Nfa, b: Nfa) -> None:
    # pyformlang compares minimal DFAs structurally: trimmed automata (as test_oracle).
    theirs = to_pyformlang(N.trim(a)).is_equivalent_to(to_pyformlang(N.trim(b)))
    assert equal(NfaSubsets(a), NfaSubsets(b)) == theirs
    assert equal(NfaSubsets(a), NfaSubsets(b), {x: x % 2 for x in ALPHABET}) == theirs


@SETTINGS
@given(nfas(), nfas())
def test_included_matches_pyformlang(a: Nfa, b: Nfa) -> None:
    # a <= b iff a | b == b
    expected = to_pyformlang(N.trim(N.union(a, b))).is_equivalent_to(to_pyformlang(N.trim(b)))
    assert included(NfaSubsets(a), NfaSubsets(b)) == expected


@SETTINGS
@given(nfas(), st.lists(st.sampled_from(ALPHABET), max_size=4))
def test_live_states_are_those_with_an_accepted_continuation(a: Nfa, word: list[int]) -> None:
    s = NfaSubsets(a)
    mask = s.start()
    for x in word:
        mask = s.moves(mask).get(x, 0)
    # Some accepted word starts with ``word``: a meets word . (any letter)*.
    starting = N.concat(*(Nfa.letter(x) for x in word), Nfa.universal(ALPHABET))
    assert s.live(mask) == (not N.is_empty(N.trim(P.intersect(a, starting))))


def test_the_budget_is_charged() -> None:
    budget = Budget()
    chain = Nfa(30, [0], [29], [[(0, q + 1), (1, q + 1)] for q in range(29)] + [[]])
    assert equal(NfaSubsets(chain, budget), NfaSubsets(chain, budget))
    assert budget.states >= 30


# ---------------------------------------------------------------------- transducers


def transducers() -> st.SearchStrategy[T.Transducer]:
    base = st.one_of(nfas(3).map(T.identity), st.builds(T.product, nfas(2), nfas(2)))
    return st.recursive(
        base,
        lambda inner: st.one_of(
            st.lists(inner, min_size=2, max_size=2).map(lambda ts: T.runion(*ts)),
            st.lists(inner, min_size=2, max_size=2).map(lambda ts: T.rconcat(*ts)),
            inner.map(T.rstar),
        ),
        max_leaves=3,
    )


def outputs(t: T.Transducer, word: tuple[int, ...], k: int) -> set[tuple[int, ...]]:
    path = Nfa(len(word) + 1, [0], [len(word)], [[(x, i + 1)] for i, x in enumerate(word)] + [[]])
    image = T.image(path, t)
    return {w for w in words(k) if accepts(image, w)}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transducers())
def test_merge_bisimilar_keeps_the_relation(t: T.Transducer) -> None:
    merged = T.merge_bisimilar(t)
    assert merged.n <= t.n
    for n in range(3):
        for word in itertools.product(ALPHABET, repeat=n):
            assert outputs(merged, word, 3) == outputs(t, word, 3), word


# ---------------------------------------------------------------------- verdicts


def _leaves_agree(checker: SpecChecker, fec: Fec) -> None:
    """Every region's leaf: the on-the-fly decision equals holds() on built images."""
    for region in checker.guards.regions(fec.traffic):
        ctx = checker.signatures.context(fec)
        task = Task(region.leaf, checker.spec, ctx, Budget())
        lazy = decide(task, region.leaf.check, checker.graphs, fec.before, fec.after)
        pre, post = checker.graphs.get(fec.before), checker.graphs.get(fec.after)
        assert lazy == holds(task, region.leaf.check, pre, post)


def _verdict(check: ast.Check, fec: Fec) -> str:
    checker = SpecChecker(check, Letters(), counterexamples=False)
    _leaves_agree(checker, fec)
    return checker.check(fec).verdict


def _against_reference(verdict: str, parts: list[ref.Part], exact: bool) -> None:
    if not parts:
        assert verdict == "error"
        return
    ref_holds = all(p.holds for p in parts)
    if exact or not ref_holds:  # a difference within K hops is one for the verifier too
        assert verdict == ("holds" if ref_holds else "violated"), parts
    else:  # the verifier may see a difference beyond the reference's horizon
        assert verdict in ("holds", "violated")


@SETTINGS
@given(specs(), graphs(acyclic=True), graphs(acyclic=True), traffic_keys)
def test_decisions_on_finite_path_sets(spec, before, after, traffic) -> None:  # type: ignore[no-untyped-def]
    (_, p1), (_, p2) = before, after
    pre = {p for p in p1 if len(p) <= K}
    post = {p for p in p2 if len(p) <= K}
    fec = Fec(0, "k", traffic, Graph.from_paths(sorted(pre)), Graph.from_paths(sorted(post)))
    parts = ref.spec_parts(spec, pre, post, traffic, K)
    _against_reference(_verdict(compile_spec(spec), fec), parts, exact=False)


@SETTINGS
@given(specs(), graphs(acyclic=True), traffic_keys)
def test_decisions_on_unchanged_graphs(spec, graph, traffic) -> None:  # type: ignore[no-untyped-def]
    _, p = graph
    paths_ = {q for q in p if len(q) <= K}
    g = Graph.from_paths(sorted(paths_))
    fec = Fec(0, "k", traffic, g, Graph.from_paths(sorted(paths_)))
    parts = ref.spec_parts(spec, paths_, paths_, traffic, K)
    _against_reference(_verdict(compile_spec(spec), fec), parts, exact=False)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs(length_preserving=True), graphs(acyclic=False), graphs(acyclic=False), traffic_keys)
def test_length_preserving_decisions_on_cyclic_graphs(spec, before, after, traffic) -> None:  # type: ignore[no-untyped-def]
    (g1, _), (g2, _) = before, after
    parts = ref.spec_parts(spec, walk_labels(g1, K), walk_labels(g2, K), traffic, K)
    _against_reference(_verdict(compile_spec(spec), Fec(0, "k", traffic, g1, g2)), parts, False)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(checks(), graphs(acyclic=False), graphs(acyclic=False), traffic_keys)
def test_ir_assert_decisions_match_built_images(check, before, after, traffic) -> None:  # type: ignore[no-untyped-def]
    """Any check (images, bare graphs, intersections, ``<=``, and/or/not) on cyclic graphs:
    the lazy decision equals the one on built images, leaf by leaf."""
    (g1, _), (g2, _) = before, after
    fec = Fec(0, "k", traffic, g1, g2)
    checker = SpecChecker(compile_assert(check), Letters(), counterexamples=False)
    if checker.guards.regions(fec.traffic):
        _leaves_agree(checker, fec)
