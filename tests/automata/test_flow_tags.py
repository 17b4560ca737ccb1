"""Flow tags (rela.check.graphs): a tagged automaton reads each path's first letter
twice; ``retag`` puts any of a set of tags in front of the untagged paths."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rela.automata.nfa import Nfa, concat, union
from rela.check.graphs import retag, strip_tag, tag_flows
from tests.automata.test_oracle import ALPHABET, lang, nfas

N = 5  # words up to this length


def union_all(parts: list[Nfa]) -> Nfa:
    out = parts[0]
    for p in parts[1:]:
        out = union(out, p)
    return out


@given(nfas(), st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=3, unique=True))
def test_retag_puts_any_tag_in_front_of_the_untagged_paths(a: Nfa, tags: list[int]) -> None:
    tagged = tag_flows(a)
    assert lang(tagged, N) == {(w[0], *w) for w in lang(a, N - 1) if w}
    untagged = lang(strip_tag(tagged), N)
    expected = {(t, *w) for w in untagged for t in tags if len(w) < N}
    got = retag(tagged, tags)
    assert lang(got, N) == expected
    assert not any(got.eps[got.n - 1])  # no epsilon move of its own


def test_retag_grows_with_the_tags_not_with_tags_times_flows() -> None:
    """An FEC with thousands of flows: every tag leads to one hub (tags x flows arcs made a
    3,000-flow FEC take 13 s instead of 2)."""
    n = 200
    flows = union_all([concat(Nfa.letter(x), Nfa.letter(n)) for x in range(n)])
    tagged = tag_flows(flows)
    got = retag(tagged, list(range(n)))
    assert sum(map(len, got.arcs)) <= 2 * sum(map(len, tagged.arcs)) + n
    assert got.n == tagged.n + 2
