"""Which packets a combination of guard conditions selects: is it empty?

A condition constrains packet header fields (destination and source address,
QoS, IP protocol, destination and source port) with atoms combined by
``and``/``or``/``not``.  Each atom constrains one field to a set of integer
intervals (an address prefix is an interval of addresses; IPv6 addresses are
numbered after the IPv4 ones, so the two families never overlap).  The truth of
a formula only changes where some atom's interval starts or ends, so cutting
each field at those points into *regions* and trying one packet per
combination of regions decides satisfiability exactly.  Only the fields the
formula mentions are combined, and a budget bounds the combinations tried.

>>> from rela.lang import ast
>>> wide, narrow = ast.PrefixCond("dst", ("10.0.0.0/8",)), ast.PrefixCond("dst", ("10.1.0.0/16",))
>>> satisfiable([ast.CondNot(wide), narrow])
False
>>> satisfiable([wide, ast.CondNot(narrow), ast.ProtoCond((6,))])
True
"""

from __future__ import annotations

import bisect
import ipaddress
import itertools
from collections.abc import Iterable, Iterator, Sequence

from rela.errors import ResourceLimitError
from rela.lang import ast

__all__ = ["satisfiable", "MAX_COMBINATIONS"]

#: Combinations of regions tried before giving up (a resource limit).
MAX_COMBINATIONS = 200_000

_V6_BASE = 1 << 32
_FIELD_TOP = {
    "dst": _V6_BASE + (1 << 128) - 1,
    "src": _V6_BASE + (1 << 128) - 1,
    "qos": (1 << 64) - 1,
    "proto": 255,
    "dport": 65535,
    "sport": 65535,
}

Interval = tuple[int, int]  # inclusive


def _prefix_interval(text: str) -> Interval:
    net = ipaddress.ip_network(text, strict=False)
    base = 0 if net.version == 4 else _V6_BASE
    return base + int(net.network_address), base + int(net.broadcast_address)


def _atom(cond: ast.Condition) -> tuple[str, tuple[Interval, ...]]:
    """The field an atomic condition constrains and the intervals it allows."""
    if isinstance(cond, ast.PrefixCond):
        return cond.field, tuple(_prefix_interval(p) for p in cond.prefixes)
    if isinstance(cond, ast.QosCond):
        return "qos", ((cond.value, cond.value),)
    if isinstance(cond, ast.ProtoCond):
        return "proto", tuple((p, p) for p in cond.protocols)
    if isinstance(cond, ast.PortCond):
        return cond.field, tuple(cond.ranges)
    raise TypeError(f"not an atomic condition: {cond!r}")


def _atoms(cond: ast.Condition) -> Iterator[ast.Condition]:
    stack = [cond]
    while stack:
        c = stack.pop()
        if isinstance(c, (ast.CondAnd, ast.CondOr)):
            stack.extend(c.parts)
        elif isinstance(c, ast.CondNot):
            stack.append(c.operand)
        else:
            yield c


def _holds(cond: ast.Condition, regions: dict[str, int], table: dict[int, tuple]) -> bool:
    if isinstance(cond, ast.CondAnd):
        return all(_holds(p, regions, table) for p in cond.parts)
    if isinstance(cond, ast.CondOr):
        return any(_holds(p, regions, table) for p in cond.parts)
    if isinstance(cond, ast.CondNot):
        return not _holds(cond.operand, regions, table)
    field, inside = table[id(cond)]
    return bool(inside[regions[field]])


def _inside(intervals: Iterable[Interval], starts: list[int]) -> bytearray:
    """For each region (by its start), whether the intervals cover it."""
    marks = [0] * (len(starts) + 1)
    for lo, hi in intervals:
        marks[bisect.bisect_left(starts, lo)] += 1
        marks[bisect.bisect_right(starts, hi)] -= 1
    return bytearray(v > 0 for v in itertools.accumulate(marks[:-1]))


def satisfiable(conds: Sequence[ast.Condition], limit: int = MAX_COMBINATIONS) -> bool:
    """Whether some packet satisfies every condition of ``conds``.

    Raises :class:`~rela.errors.ResourceLimitError` past ``limit`` combinations.
    """
    atoms: dict[int, tuple[str, tuple[Interval, ...]]] = {}
    cuts: dict[str, set[int]] = {}
    for cond in conds:
        for atom in _atoms(cond):
            field, intervals = atoms.setdefault(id(atom), _atom(atom))
            points = cuts.setdefault(field, {0})
            for lo, hi in intervals:
                points.add(lo)
                if hi < _FIELD_TOP[field]:
                    points.add(hi + 1)
    fields = sorted(cuts)
    starts = {f: sorted(cuts[f]) for f in fields}
    total = 1
    for f in fields:
        total *= len(starts[f])
    if total > limit:
        raise ResourceLimitError(
            f"guard conditions have more than {limit} header-space regions to compare"
        )
    table = {
        key: (field, _inside(intervals, starts[field])) for key, (field, intervals) in atoms.items()
    }
    for combo in itertools.product(*(range(len(starts[f])) for f in fields)):
        regions = dict(zip(fields, combo))
        if all(_holds(c, regions, table) for c in conds):
            return True
    return False
