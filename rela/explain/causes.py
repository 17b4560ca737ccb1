"""Root causes: violated flows grouped across FECs by what happened and where.

Each explained violation has a kind and a divergence point (``at``); flows
with the same pair are one :class:`~rela.results.Cause` — usually one thing
to fix (a black hole on one device shows up in hundreds of FECs as one cause).
A cause counts its FECs and flows, aggregates their traffic exactly
(:func:`rela.explain.traffic.aggregate`), names the spec clause most of its
flows are about, and keeps its first violation as the worked example.
Causes are ordered by FECs, then flows, most first (then kind, location).

>>> from rela.results import Explanation, FecRef, Violation
>>> def v(i, flow, kind, at):
...     fec = FecRef(i, f"10.0.0.{i}/32", ({"dstIp": f"10.0.0.{i}/32"},))
...     return Violation(fec, flow, (), (), (), (), (), (), explanation=Explanation(kind, at))
>>> causes = find_causes([v(0, "a", "new-drop", "c2"), v(1, "a", "new-drop", "c2"),
...                       v(1, "b", "new-drop", "c2"), v(2, "a", "paths-moved", "a")])
>>> [(c.kind, c.at, c.fecs, c.flows, c.traffic) for c in causes]
[('new-drop', 'c2', 2, 3, ({'dstIp': '10.0.0.0/31'},)), ('paths-moved', 'a', 1, 1, ({'dstIp': '10.0.0.2/32'},))]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rela.explain.classify import classify
from rela.explain.traffic import aggregate, destinations
from rela.results import KINDS, Cause, ClauseRef, FecRef, Violation

__all__ = ["cause_key", "find_causes", "UNEXPLAINED"]

#: The kind of a violation whose paths differ in no way (possible under ``not``).
UNEXPLAINED = "paths-moved"


def cause_key(v: Violation) -> tuple[str, str | None]:
    """The (kind, at) pair that puts a violation in its cause."""
    e = v.explanation
    if e is None:  # built by hand: classify from its paths alone
        d = classify(v)
        return d.kind, d.at
    return e.kind, e.at


def find_causes(violations: Iterable[Violation]) -> tuple[Cause, ...]:
    """The causes of a spec's violations (see the module docstring)."""
    groups: dict[tuple[str, str | None], list[Violation]] = {}
    for v in sorted(violations, key=lambda v: (v.fec.index, v.fec.key or "", v.flow)):
        groups.setdefault(cause_key(v), []).append(v)
    causes = [_cause(kind, at, vs) for (kind, at), vs in groups.items()]
    rank = {k: i for i, k in enumerate(KINDS)}
    causes.sort(key=lambda c: (-c.fecs, -c.flows, rank.get(c.kind, 99), c.at or ""))
    return tuple(causes)


def _cause(kind: str, at: str | None, vs: list[Violation]) -> Cause:
    fecs: dict[tuple[int, str | None], FecRef] = {}
    for v in vs:
        fecs.setdefault((v.fec.index, v.fec.key), v.fec)
    traffic = aggregate(_flatten(_traffic_of(f) for f in fecs.values()))
    clauses: Counter[ClauseRef] = Counter(
        v.explanation.clause for v in vs if v.explanation and v.explanation.clause
    )
    clause = max(clauses, key=lambda c: clauses[c]) if clauses else None  # first of the most common
    refs = tuple(FecRef(f.index, f.key) for f in fecs.values())
    dsts = destinations(_flatten(_traffic_of(f) for f in fecs.values()))
    return Cause(kind, at, len(fecs), len(vs), traffic, clause, vs[0], refs, dsts)


def _traffic_of(fec: FecRef) -> Iterable[dict[str, object]]:
    """An FEC's keys; no key at all is every packet (the empty cube)."""
    return fec.traffic if fec.traffic else ({},)


def _flatten(nested: Iterable[Iterable[dict[str, object]]]) -> list[dict[str, object]]:
    return [k for keys in nested for k in keys]
