"""The guard of a clause: the fewest prefixes holding the inside FECs, overlapping no outside FEC.

Checked against a brute force on small address spaces: every prefix set of the
space is a candidate, the cover must be valid and no valid set may be smaller.
"""

from __future__ import annotations

import ipaddress
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rela.network.model import TrafficKey
from rela.suggest.guards import UNIVERSAL, Block, Member, blocks_of, cover, inside

BASE = int(ipaddress.IPv4Address("10.0.0.0"))
BITS = 3  # an address space of 8 addresses: 10.0.0.0/29 (15 prefixes)


def block(lo: int, length: int) -> Block:
    size = 1 << (32 - length)
    return Block(4, BASE + lo, BASE + lo + size - 1)


def all_prefixes() -> list[Block]:
    return [block(lo, 32 - k) for k in range(BITS + 1) for lo in range(0, 1 << BITS, 1 << k)]


def overlaps(a: Block, b: Block) -> bool:
    return a.version == b.version and a.lo <= b.hi and b.lo <= a.hi


def contains(outer: Block, inner: Block) -> bool:
    return outer.version == inner.version and outer.lo <= inner.lo and inner.hi <= outer.hi


def valid(prefixes: list[Block], ins: list[Member], outs: list[Member]) -> bool:
    return all(any(contains(p, b) for p in prefixes) for m in ins for b in m.blocks) and not any(
        overlaps(p, b) for p in prefixes for m in outs for b in m.blocks
    )


@st.composite
def members(draw: st.DrawFn) -> tuple[list[Member], list[Member]]:
    """Disjoint single-address FECs (a few with a second address), split in and out."""
    addrs = draw(st.lists(st.integers(0, (1 << BITS) - 1), min_size=1, max_size=8, unique=True))
    out_in: list[Member] = []
    out_out: list[Member] = []
    for i, a in enumerate(addrs):
        m = Member(i, (block(a, 32),))
        (out_in if draw(st.booleans()) else out_out).append(m)
    return out_in, out_out


@settings(max_examples=300, deadline=None)
@given(members())
def test_cover_is_valid_and_minimal(split: tuple[list[Member], list[Member]]) -> None:
    ins, outs = split
    result = cover(ins, outs)
    assert not result.conflicts  # single addresses never conflict
    assert valid(list(result.blocks), ins, outs)
    best = next(
        n
        for n in range(len(all_prefixes()) + 1)
        if any(valid(list(c), ins, outs) for c in itertools.combinations(all_prefixes(), n))
    )
    assert len(result.prefixes) == best


@settings(max_examples=200, deadline=None)
@given(members(), st.lists(st.integers(0, (1 << BITS) - 1), max_size=3))
def test_free_members_never_straddle(
    split: tuple[list[Member], list[Member]], free: list[int]
) -> None:
    ins, outs = split
    taken = {b.lo for m in ins + outs for b in m.blocks}
    spare = [a for a in free if BASE + a not in taken and BASE + a + 1 not in taken and a % 2 == 0]
    frees = [Member(100 + i, (block(a, 32), block(a + 1, 32))) for i, a in enumerate(spare)]
    result = cover(ins, outs, frees)
    assert valid(list(result.blocks), ins, outs)
    for m in frees:
        states = {any(contains(p, b) for p in result.blocks) for b in m.blocks}
        touching = {any(overlaps(p, b) for p in result.blocks) for b in m.blocks}
        assert len(states) == 1 and states == touching  # all in, or all out


def test_an_inside_fec_that_overlaps_an_outside_one_is_a_conflict() -> None:
    wide = Member(0, blocks_of(["10.0.0.0/24"]))
    host = Member(1, blocks_of(["10.0.0.7"]))
    other = Member(2, blocks_of(["10.0.1.1"]))
    result = cover([wide, other], [host])
    assert result.conflicts == {0}
    assert result.prefixes == ("10.0.1.1/32",)


def test_prefixes_are_narrowed_to_the_inside_addresses() -> None:
    ins = [Member(0, blocks_of(["10.1.0.1"])), Member(1, blocks_of(["10.1.3.200"]))]
    outs = [Member(2, blocks_of(["10.2.0.1"]))]
    assert cover(ins, outs).prefixes == ("10.1.0.0/22",)


def test_ipv4_and_ipv6_together() -> None:
    ins = [Member(0, blocks_of(["2001:db8::1"])), Member(1, blocks_of(["10.0.0.1"]))]
    outs = [Member(2, blocks_of(["2001:db8::2", "10.0.0.2"]))]
    assert cover(ins, outs).prefixes == ("10.0.0.1/32", "2001:db8::1/128")


def test_traffic_without_a_destination_is_every_address() -> None:
    assert blocks_of([None]) == UNIVERSAL and blocks_of([]) == UNIVERSAL
    anywhere = Member(0, blocks_of([None]))
    result = cover([Member(1, blocks_of(["10.0.0.1"]))], [anywhere])
    assert result.conflicts == {1} and result.prefixes == ()
    # and such a key is never *inside* a dst guard, as the checker reads it
    assert not inside(UNIVERSAL, blocks_of(["0.0.0.0/0"]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.0.0.7", "10.0.0.7/32"),
        ("10.0.0.7/24", "10.0.0.0/24"),
        ("0.0.0.0/0", "0.0.0.0/0"),
        ("2001:DB8::/32", "2001:db8::/32"),
    ],
)
def test_blocks_of_addresses_and_prefixes(text: str, expected: str) -> None:
    (b,) = blocks_of([text])
    assert b.text() == expected


def test_membership_matches_the_checker() -> None:
    """``inside`` reads a guard as the checker does: some key inside one prefix."""
    guard = cover([Member(0, blocks_of(["10.0.0.0/25"]))], [Member(1, blocks_of(["10.0.0.200"]))])
    for dst in ["10.0.0.1", "10.0.0.0/26", "10.0.0.200", "10.0.0.0/24", "11.0.0.1"]:
        key = TrafficKey(dst=dst)
        expected = any(key.matches_prefix("dst", p) for p in guard.prefixes)
        assert inside(blocks_of([dst]), guard.blocks) == expected, dst
