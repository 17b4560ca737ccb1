"""The automata core against pyformlang (an independent implementation) and brute force.

Random small NFAs over a concrete alphabet; every operation's language is
compared with pyformlang's, and equality/inclusion verdicts with pyformlang's
``is_equivalent_to`` and with explicit word sets.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from pyformlang.finite_automaton import Epsilon, EpsilonNFA, State, Symbol

from rela.automata import nfa as N
from rela.automata import products as P
from rela.automata import transducer as T
from rela.automata.decide import count_words, difference, enumerate_words, equivalent, included
from rela.automata.nfa import Nfa, accepts

ALPHABET = (0, 1, 2)


@st.composite
def nfas(draw: st.DrawFn, max_states: int = 4) -> Nfa:
    n = draw(st.integers(1, max_states))
    state = st.integers(0, n - 1)
    arcs = [
        draw(st.lists(st.tuples(st.sampled_from(ALPHABET), state), max_size=3)) for _ in range(n)
    ]
    eps = [draw(st.lists(state, max_size=1)) for _ in range(n)]
    starts = draw(st.sets(state, min_size=1, max_size=2))
    finals = draw(st.sets(state, max_size=2))
    return Nfa(n, starts, finals, arcs, eps)


def to_pyformlang(a: Nfa) -> EpsilonNFA:
    out = EpsilonNFA()
    for q in range(a.n):
        for x, t in a.arcs[q]:
            out.add_transition(State(f"q{q}"), Symbol(f"s{x}"), State(f"q{t}"))
        for t in a.eps[q]:
            out.add_transition(State(f"q{q}"), Epsilon(), State(f"q{t}"))
    # Same alphabet on both sides (pyformlang compares alphabets too).
    for x in ALPHABET:
        out.add_transition(State("dead"), Symbol(f"s{x}"), State("dead"))
    # One fresh start state: pyformlang's equivalence mishandles several.
    out.add_start_state(State("start"))
    for s in a.starts:
        out.add_transition(State("start"), Epsilon(), State(f"q{s}"))
    for f in a.finals:
        out.add_final_state(State(f"q{f}"))
    return out


def words(max_len: int = 4) -> list[tuple[int, ...]]:
    return [w for n in range(max_len + 1) for w in itertools.product(ALPHABET, repeat=n)]


def lang(a: Nfa, max_len: int = 4) -> set[tuple[int, ...]]:
    return {w for w in words(max_len) if accepts(a, w)}


def pf_accepts(a: EpsilonNFA, w: tuple[int, ...]) -> bool:
    return a.accepts([Symbol(f"s{x}") for x in w])


def same_as_pyformlang(ours: Nfa, theirs: EpsilonNFA) -> None:
    for w in words(4):
        assert accepts(ours, w) == pf_accepts(theirs, w), w


@settings(max_examples=150, deadline=None)
@given(nfas(), nfas())
def test_equivalence_matches_pyformlang(a: Nfa, b: Nfa) -> None:
    # pyformlang compares minimal DFAs structurally: give it trimmed automata so
    # no dead state makes equal languages look different.
    theirs = to_pyformlang(N.trim(a)).is_equivalent_to(to_pyformlang(N.trim(b)))
    witness = equivalent(a, b)
    assert (witness is None) == theirs
    if witness is not None:  # the witness is a path of exactly one side
        assert accepts(a, witness) != accepts(b, witness)


@settings(max_examples=100, deadline=None)
@given(nfas(), nfas())
def test_inclusion_matches_explicit_sets(a: Nfa, b: Nfa) -> None:
    # Inclusion is equivalence of a|b with b (pyformlang as the oracle).
    pf_union = to_pyformlang(N.trim(N.union(a, b)))
    expected = pf_union.is_equivalent_to(to_pyformlang(N.trim(b)))
    witness = included(a, b)
    assert (witness is None) == expected
    if witness is not None:
        assert accepts(a, witness) and not accepts(b, witness)


@settings(max_examples=100, deadline=None)
@given(nfas(), nfas())
def test_boolean_operations_match_pyformlang(a: Nfa, b: Nfa) -> None:
    pa, pb = to_pyformlang(a), to_pyformlang(b)
    same_as_pyformlang(N.union(a, b), pa.union(pb))
    same_as_pyformlang(P.intersect(a, b), pa.get_intersection(pb))
    same_as_pyformlang(N.concat(a, b), pa.concatenate(pb))
    same_as_pyformlang(N.star(a), pa.kleene_star())
    comp = P.complement(a, ALPHABET)
    for w in words(4):
        assert accepts(comp, w) == (not pf_accepts(pa, w))


@settings(max_examples=100, deadline=None)
@given(nfas())
def test_structural_operations_keep_the_language(a: Nfa) -> None:
    base = lang(a)
    assert lang(N.remove_epsilon(a)) == base
    assert lang(N.trim(a)) == base
    assert lang(P.determinize(a)) == base
    assert N.is_empty(a) == (to_pyformlang(a).is_empty())


@settings(max_examples=100, deadline=None)
@given(nfas(), st.integers(1, 6))
def test_enumeration_is_shortest_first_and_complete(a: Nfa, limit: int) -> None:
    got, truncated = enumerate_words(a, limit)
    assert len(got) == len(set(got)) <= limit
    assert all(accepts(a, w) for w in got)
    assert [len(w) for w in got] == sorted(len(w) for w in got)
    if got:  # nothing shorter than the last word listed was skipped
        longest = len(got[-1])
        shorter = {w for w in lang(a, longest - 1)} if longest else set()
        assert shorter <= set(got)
    count = count_words(a)
    if count is not None:
        assert truncated == (count > len(got))
        assert len(got) == min(limit, count)
    else:
        assert truncated


@settings(max_examples=100, deadline=None)
@given(nfas(), nfas())
def test_difference(a: Nfa, b: Nfa) -> None:
    d = difference(a, b)
    for w in words(4):
        assert accepts(d, w) == (accepts(a, w) and not accepts(b, w))


@settings(max_examples=100, deadline=None)
@given(nfas(3), nfas(3), nfas(3))
def test_transducer_image_and_composition(a: Nfa, p: Nfa, q: Nfa) -> None:
    """image(a, I(p) | p x q) and its composition with I(q) against explicit pairs."""
    k = 3
    lp, lq, la = lang(p, k), lang(q, k), lang(a, k)
    relation = T.runion(T.identity(p), T.product(p, q))
    pairs = {(x, x) for x in lp} | {(x, y) for x in lp for y in lq}
    img = T.image(a, relation)
    for w in words(k):
        assert accepts(img, w) == any(x in la and y == w for x, y in pairs), w
    composed = T.compose(relation, T.identity(q))
    img2 = T.image(a, composed)
    for w in words(k):
        assert accepts(img2, w) == (w in lq and any(x in la and y == w for x, y in pairs)), w
    pre = T.preimage(relation, q)
    for w in words(k):
        assert accepts(pre, w) == any(x == w and y in lq for x, y in pairs), w


@settings(max_examples=150, deadline=None)
@given(nfas(), nfas())
def test_equivalence_of_deterministic_automata(a: Nfa, b: Nfa) -> None:
    """The integer-state Hopcroft-Karp used when both sides are deterministic."""
    da, db = P.determinize(a), P.determinize(b)
    theirs = to_pyformlang(N.trim(a)).is_equivalent_to(to_pyformlang(N.trim(b)))
    witness = equivalent(da, db)
    assert (witness is None) == theirs
    if witness is not None:
        assert accepts(a, witness) != accepts(b, witness)


def test_one_letter_products_become_single_arcs() -> None:
    """x : replace(x, y) needs no epsilon moves after simplification."""
    from rela.automata.evaluate import simplify_transducer

    t = simplify_transducer(T.product(Nfa.letter(1), Nfa.letter(2)))
    assert [a for row in t.arcs for a in row] == [(1, 2, a) for row in t.arcs for (_, _, a) in row]
    assert accepts(T.image(Nfa.letter(1), t), [2])
    assert not T.image(Nfa.letter(1), t).has_epsilon()
