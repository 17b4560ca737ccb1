"""Flow tags (rela.check.graphs): a tagged automaton reads each path's first letter
twice; ``retag`` puts any of a set of tags in front of the untagged paths."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rela.automata.nfa import Nfa
from rela.check.graphs import retag, strip_tag, tag_flows
from tests.automata.test_oracle import ALPHABET, lang, nfas

N = 5  # words up to this length


@given(nfas(), st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=3, unique=True))
def test_retag_puts_any_tag_in_front_of_the_untagged_paths(a: Nfa, tags: list[int]) -> None:
    tagged = tag_flows(a)
    assert lang(tagged, N) == {(w[0], *w) for w in lang(a, N - 1) if w}
    untagged = lang(strip_tag(tagged), N)
    expected = {(t, *w) for w in untagged for t in tags if len(w) < N}
    got = retag(tagged, tags)
    assert lang(got, N) == expected
    assert not any(got.eps[got.n - 1])  # no epsilon move of its own
