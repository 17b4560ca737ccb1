"""Traffic guards of a suggestion: the fewest prefixes that take in some FECs and leave out others.

A clause that holds on some FECs only is guarded by ``if dst in P1, P2, ...``.
Each FEC's traffic is a set of address *blocks* (its keys' destinations; a key
without a destination, or an FEC without keys, is every address).  Given the
FECs the guard must take in (``inside``), the FECs it must leave out
(``outside``) and the FECs for which either is fine, :func:`cover` finds the
fewest prefixes such that

* every block of every inside FEC lies inside one of the prefixes, and
* no block of an outside FEC overlaps any of them,

which is exact for both readings of a guard (the FEC takes the branch when a
key is inside it, or the FEC is split by it): no FEC that matters straddles
the guard.  Each prefix is then narrowed to the longest prefix that still
holds the inside blocks under it, so a guard reads as specific as the data
allows.  An inside FEC whose blocks overlap an outside FEC's cannot be told
apart by this field; it is reported in :attr:`Cover.conflicts` (and left out).

>>> a = Member(0, blocks_of(["10.0.0.1"]))
>>> b = Member(1, blocks_of(["10.0.0.2"]))
>>> c = Member(2, blocks_of(["10.0.1.9"]))
>>> cover([a, c], [b]).prefixes
('10.0.0.1/32', '10.0.1.9/32')
>>> cover([a, b], [c]).prefixes
('10.0.0.0/30',)
"""

from __future__ import annotations

import bisect
import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rela.values import frozen

__all__ = ["Block", "Member", "Cover", "blocks_of", "cover", "inside", "UNIVERSAL"]

_BITS = {4: 32, 6: 128}


@dataclass(frozen=True, order=True)
class Block:
    """An aligned address block: IP ``version``, first and last address (inclusive)."""

    version: int
    lo: int
    hi: int

    @property
    def length(self) -> int:
        """Its prefix length."""
        return _BITS[self.version] - (self.hi - self.lo + 1).bit_length() + 1

    def text(self) -> str:
        return str(
            ipaddress.ip_network((self.lo, self.length))
            if self.version == 4
            else ipaddress.IPv6Network((self.lo, self.length))
        )


#: Every address: the traffic of a key without a destination.
UNIVERSAL = (Block(4, 0, (1 << 32) - 1), Block(6, 0, (1 << 128) - 1))


def _ipv4(text: str) -> Block | None:
    """A dotted-quad address or prefix without the ipaddress module (the common case, fast)."""
    addr, _, length = text.partition("/")
    parts = addr.split(".")
    if len(parts) != 4 or not all(p.isdigit() and len(p) <= 3 for p in parts):
        return None
    value = 0
    for p in parts:
        octet = int(p)
        if octet > 255:
            return None
        value = value * 256 + octet
    if not length:
        return Block(4, value, value)
    if not length.isdigit() or int(length) > 32:
        return None
    size = 1 << (32 - int(length))
    lo = value - value % size
    return Block(4, lo, lo + size - 1)


def _block(text: str) -> Block:
    fast = _ipv4(text)
    if fast is not None:
        return fast
    net = ipaddress.ip_network(text, strict=False)
    lo = int(net.network_address)
    return Block(net.version, lo, lo + net.num_addresses - 1)


def blocks_of(addresses: Iterable[str | None]) -> tuple[Block, ...]:
    """The blocks of some keys' addresses (``None``: any address).

    >>> [b.text() for b in blocks_of(["10.0.0.0/24", "10.0.0.7"])]
    ['10.0.0.0/24', '10.0.0.7/32']
    >>> len(blocks_of([None])), len(blocks_of([]))
    (2, 2)
    """
    out: list[Block] = []
    values = list(addresses)
    if not values:
        return UNIVERSAL
    for value in values:
        if value is None:
            return UNIVERSAL
        try:
            out.append(_block(value))
        except ValueError:  # an unparsable address: treat as any address (never hide it)
            return UNIVERSAL
    return tuple(out)


@frozen
class Member:
    """An FEC (or a group of FECs) as a guard sees it: an id and its address blocks."""

    id: int
    blocks: tuple[Block, ...]


@frozen
class Cover:
    """The prefixes of a guard, and the inside members it could not take in."""

    prefixes: tuple[str, ...]
    blocks: tuple[Block, ...]
    conflicts: frozenset[int] = frozenset()


def _lcp(lo: int, hi: int, bits: int) -> tuple[int, int]:
    """The smallest aligned block holding ``lo..hi``."""
    length = bits - (lo ^ hi).bit_length()
    size = 1 << (bits - length)
    start = lo - (lo % size)
    return start, start + size - 1


# An item is (lo, hi, is_inside, owner).
_Item = tuple[int, int, bool, int]


def _solve(
    lo: int, hi: int, items: list[_Item], bits: int, out: list[tuple[int, int]], bad: set[int]
) -> None:
    """Cover the inside items overlapping the aligned block ``lo..hi`` (appending to ``out``)."""
    while True:
        ins = [it for it in items if it[2] and it[3] not in bad]
        if not ins:
            return
        outs = [it for it in items if not it[2]]
        if not outs:
            first = max(lo, min(it[0] for it in ins))
            last = min(hi, max(it[1] for it in ins))
            out.append(_lcp(first, last, bits))
            return
        if any(it[0] <= lo and it[1] >= hi for it in outs):  # the whole block is outside
            bad.update(it[3] for it in ins)
            return
        whole = [it for it in ins if it[0] <= lo and it[1] >= hi]
        if not whole:
            break
        bad.update(it[3] for it in whole)  # an inside block that holds an outside one
    mid = lo + (hi - lo + 1) // 2
    left = [it for it in items if it[0] < mid]
    right = [it for it in items if it[1] >= mid]
    _solve(lo, mid - 1, left, bits, out, bad)
    _solve(mid, hi, right, bits, out, bad)


def cover(
    inside: Sequence[Member], outside: Sequence[Member], free: Sequence[Member] = ()
) -> Cover:
    """The fewest prefixes holding every block of ``inside`` and overlapping none of ``outside``.

    ``free`` members may end up inside or outside but never straddle the
    guard: one that would is moved to ``outside`` and the cover recomputed.
    Inside members that overlap an outside member are returned as conflicts.

    >>> a, b = Member(0, blocks_of(["10.0.0.0/24"])), Member(1, blocks_of(["10.0.0.5"]))
    >>> cover([a], [b]).conflicts
    frozenset({0})
    """
    outs = list(outside)
    free_left = list(free)
    bad: set[int] = set()
    while True:
        result = _cover_once(inside, outs, bad)
        straddle = [m for m in free_left if _relation(m.blocks, result.blocks) == "straddles"]
        if not straddle:
            return result
        outs.extend(straddle)
        ids = {m.id for m in straddle}
        free_left = [m for m in free_left if m.id not in ids]


def _cover_once(inside: Sequence[Member], outside: Sequence[Member], bad: set[int]) -> Cover:
    while True:
        found: list[Block] = []
        before = len(bad)
        for version, bits in _BITS.items():
            items: list[_Item] = []
            for m in inside:
                if m.id not in bad:
                    items.extend((b.lo, b.hi, True, m.id) for b in m.blocks if b.version == version)
            if not any(it[2] for it in items):
                continue
            for m in outside:
                items.extend((b.lo, b.hi, False, m.id) for b in m.blocks if b.version == version)
            spans: list[tuple[int, int]] = []
            _solve(0, (1 << bits) - 1, items, bits, spans, bad)
            found.extend(Block(version, lo, hi) for lo, hi in spans)
        if len(bad) == before:
            break
        # a member dropped for a conflict in one version must leave the other too
    blocks = tuple(sorted(set(found)))
    return Cover(tuple(b.text() for b in blocks), blocks, frozenset(bad))


def _relation(blocks: Sequence[Block], guard: Sequence[Block]) -> str:
    """``inside`` (every block in the guard), ``outside`` (none overlaps it) or ``straddles``."""
    ins = outs = 0
    for b in blocks:
        state = _block_state(b, guard)
        if state == "inside":
            ins += 1
        elif state == "outside":
            outs += 1
        else:
            return "straddles"
    if ins and outs:
        return "straddles"
    return "inside" if ins else "outside"


def _block_state(b: Block, guard: Sequence[Block]) -> str:
    # guard blocks are sorted and disjoint: look at the ones that could overlap b
    i = bisect.bisect_right(guard, Block(b.version, b.hi, 1 << 130)) - 1
    overlap = False
    while i >= 0 and guard[i].version == b.version and guard[i].hi >= b.lo:
        g = guard[i]
        if g.lo <= b.lo and b.hi <= g.hi:
            return "inside"
        overlap = True
        i -= 1
    return "partial" if overlap else "outside"


def inside(blocks: Sequence[Block], guard: Sequence[Block]) -> bool:
    """Whether some block lies inside the guard (how the checker reads ``dst in``).

    >>> g = cover([Member(0, blocks_of(["10.0.0.0/24"]))], []).blocks
    >>> inside(blocks_of(["10.0.0.9"]), g), inside(blocks_of(["10.0.1.9"]), g)
    (True, False)
    """
    if blocks is UNIVERSAL:
        return False
    return any(_block_state(b, guard) == "inside" for b in blocks)
