"""Guard-condition satisfiability against brute force over every packet of a small space.

Conditions are drawn over small value ranges (addresses in 10.0.0.0/30, ports and
protocols below 4, qos below 4); every value outside those ranges behaves like
one representative (nothing the conditions mention reaches it), so enumerating
the small ranges plus one outsider per field visits every kind of packet.
"""

from __future__ import annotations

import ipaddress
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rela.errors import ResourceLimitError
from rela.lang import ast
from rela.lint.conditions import satisfiable

SMALL = 4
PREFIXES = [f"10.0.0.{i * 2**k}/{32 - k}" for k in range(3) for i in range(4 // 2**k)]


def _prefix() -> st.SearchStrategy[ast.Condition]:
    return st.builds(
        ast.PrefixCond,
        st.sampled_from(["dst", "src"]),
        st.lists(st.sampled_from(PREFIXES), min_size=1, max_size=3).map(tuple),
    )


_ranges = st.lists(
    st.tuples(st.integers(0, SMALL - 1), st.integers(0, SMALL - 1)).map(lambda r: tuple(sorted(r))),
    min_size=1,
    max_size=2,
).map(tuple)

atoms = st.one_of(
    _prefix(),
    st.builds(ast.QosCond, st.integers(0, 3)),
    st.builds(
        ast.ProtoCond, st.lists(st.integers(0, SMALL - 1), min_size=1, max_size=2).map(tuple)
    ),
    st.builds(ast.PortCond, st.sampled_from(["dport", "sport"]), _ranges),
)
conditions = st.recursive(
    atoms,
    lambda inner: st.one_of(
        st.builds(ast.CondAnd, st.lists(inner, min_size=2, max_size=3).map(tuple)),
        st.builds(ast.CondOr, st.lists(inner, min_size=2, max_size=3).map(tuple)),
        st.builds(ast.CondNot, inner),
    ),
    max_leaves=6,
)

ADDRESSES = [f"10.0.0.{i}" for i in range(4)] + ["192.0.2.1", "2001:db8::1"]
PACKETS = list(
    itertools.product(
        ADDRESSES, ADDRESSES, range(5), range(SMALL + 1), range(SMALL + 1), range(SMALL + 1)
    )
)


def _holds(cond: ast.Condition, packet: tuple) -> bool:
    dst, src, qos, proto, dport, sport = packet
    if isinstance(cond, ast.CondAnd):
        return all(_holds(p, packet) for p in cond.parts)
    if isinstance(cond, ast.CondOr):
        return any(_holds(p, packet) for p in cond.parts)
    if isinstance(cond, ast.CondNot):
        return not _holds(cond.operand, packet)
    if isinstance(cond, ast.PrefixCond):
        address = ipaddress.ip_address(dst if cond.field == "dst" else src)
        return any(
            address.version == 4 and address in ipaddress.ip_network(p) for p in cond.prefixes
        )
    if isinstance(cond, ast.QosCond):
        return qos == cond.value
    if isinstance(cond, ast.ProtoCond):
        return proto in cond.protocols
    assert isinstance(cond, ast.PortCond)
    port = dport if cond.field == "dport" else sport
    return any(lo <= port <= hi for lo, hi in cond.ranges)


@settings(max_examples=150, deadline=None)
@given(st.lists(conditions, min_size=1, max_size=2))
def test_satisfiable_agrees_with_brute_force(conds: list[ast.Condition]) -> None:
    expected = any(all(_holds(c, p) for c in conds) for p in PACKETS)
    assert satisfiable(conds) == expected


def test_families_never_overlap() -> None:
    v4, v6 = ast.PrefixCond("dst", ("0.0.0.0/0",)), ast.PrefixCond("dst", ("::/0",))
    assert satisfiable([v4]) and satisfiable([v6])
    assert not satisfiable([v4, v6])
    assert satisfiable([ast.CondNot(v4), ast.CondNot(v6)]) is False  # every address is one


def test_large_prefix_lists_are_cheap_and_exact() -> None:
    many = ast.PrefixCond("dst", tuple(f"10.{i // 256}.{i % 256}.0/24" for i in range(20_000)))
    inside = ast.PrefixCond("dst", ("10.3.7.0/24",))
    assert not satisfiable([ast.CondNot(many), inside])
    assert satisfiable([many, ast.CondNot(inside)])


def test_too_many_regions_is_a_resource_limit() -> None:
    ports = ast.PortCond("dport", tuple((2 * i, 2 * i) for i in range(1000)))
    sports = ast.PortCond("sport", tuple((2 * i, 2 * i) for i in range(1000)))
    with pytest.raises(ResourceLimitError):
        satisfiable([ports, sports], limit=10_000)
