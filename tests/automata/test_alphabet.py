"""Location signatures: the one-lookup shortcut for specs whose names have no ``|``
gives what matching every name prefix (DESIGN §3) gives."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rela.automata.alphabet import Atoms
from rela.lang import ast

DEVICES = ("core1", "core2", "leaf1", "c")

names = st.sampled_from(DEVICES).map(ast.Name)
unions = st.lists(names, min_size=1, max_size=3).map(
    lambda ns: ns[0] if len(ns) == 1 else ast.Alt(tuple(ns))
)
labels = st.one_of(
    st.sampled_from((*DEVICES, "core3", "cor", "drop")),
    st.tuples(st.sampled_from((*DEVICES, "core3")), st.sampled_from(("eth0", "core1", "x|y"))).map(
        "|".join
    ),
)


@given(st.lists(unions, min_size=1, max_size=4), st.lists(labels, min_size=1, max_size=8))
def test_device_names_take_one_lookup_and_agree_with_prefix_matching(
    exprs: list[ast.PathExpr], locations: list[str]
) -> None:
    atoms = Atoms.collect(exprs)
    assert atoms._components == 1  # the shortcut applies
    # the general path: prefixes of up to two components (none of the names has two)
    general = Atoms(atoms.names, atoms.sets, atoms.attrs, atoms.markers)
    general._number()
    general._components = 2
    for loc in locations:
        expected = 0
        for n in general.matched_names(loc):
            expected |= general.name_bits[n]
        assert atoms.signature(loc) == general.signature(loc) == expected
