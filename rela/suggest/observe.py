"""Observing a change: FECs grouped into *situations* (same before and after graphs).

A change of a million FECs usually has a few hundred distinct (before, after)
graph pairs; every guard-free clause behaves the same on all FECs of a pair,
so the search decides clauses per situation and only guards look at the FECs'
traffic.  The per-FEC difference (status, changed flows, example paths) comes
from :mod:`rela.diff`.

>>> from rela.network.model import Fec, Graph
>>> g1, g2 = Graph.from_paths([["a", "b"]]), Graph.from_paths([["a", "c"]])
>>> obs = observe([Fec(0, None, (), g1, g2), Fec(1, None, (), g1, g2), Fec(2, None, (), g1, g1)])
>>> [(len(s.fecs), s.changed) for s in obs.situations]
[(2, True), (1, False)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from rela.diff import CHANGED, ERROR, ONLY_AFTER, ONLY_BEFORE, UNCHANGED, Differ, FecDiff
from rela.errors import NetworkInputError
from rela.network.model import Fec, Granularity, Graph, TrafficKey
from rela.results import FecRef
from rela.suggest.guards import Block, blocks_of
from rela.values import frozen

__all__ = ["FecInfo", "Situation", "Observation", "observe", "MAX_PROBLEMS_SHOWN"]

#: Malformed FECs named in the error message (the count is always given).
MAX_PROBLEMS_SHOWN = 5


@frozen
class FecInfo:
    """What the suggestion keeps of one FEC: where it is, its traffic, its address blocks."""

    index: int
    key: str | None
    traffic: tuple[TrafficKey, ...]
    dst: tuple[Block, ...]

    def label(self) -> str:
        """``FEC #3 (10.100.1.10/32)`` or ``FEC #3``."""
        return f"FEC #{self.index}" + (f" ({self.key})" if self.key else "")


@dataclass(eq=False)
class Situation:
    """FECs that share their before and after graphs (so every guard-free clause agrees)."""

    id: int
    before: Graph
    after: Graph
    diff: FecDiff
    fecs: list[FecInfo] = field(default_factory=list)
    _locations: frozenset[str] | None = field(default=None, repr=False)

    @property
    def changed(self) -> bool:
        """Whether the paths changed (or could not be compared)."""
        return self.diff.status != UNCHANGED

    @property
    def flows_changed(self) -> int:
        return self.diff.flows_changed

    @property
    def locations(self) -> frozenset[str]:
        """Every location in the two graphs."""
        if self._locations is None:
            self._locations = frozenset(self.before.labels) | frozenset(self.after.labels)
        return self._locations

    def representative(self) -> Fec:
        """An FEC with this situation's graphs (no traffic: clause bodies are guard-free)."""
        first = self.fecs[0]
        return Fec(first.index, first.key, (), self.before, self.after)


@frozen
class Observation:
    """A change, observed: its situations in input order of their first FEC.

    It is itself a change (:class:`~rela.network.model.Change`): iterating
    gives every FEC read, in input order, with its traffic and graphs.
    """

    situations: tuple[Situation, ...]
    fecs: int
    granularity: Granularity
    description: str
    groups: Mapping[str, str] | None = None

    def __iter__(self) -> Iterator[Fec]:
        fecs = [
            Fec(info.index, info.key, info.traffic, sit.before, sit.after)
            for sit in self.situations
            for info in sit.fecs
        ]
        fecs.sort(key=lambda f: f.index)
        return iter(fecs)

    @property
    def changed_fecs(self) -> int:
        return sum(len(s.fecs) for s in self.situations if s.changed)

    @property
    def status_counts(self) -> dict[str, int]:
        """FECs per diff status (unchanged, changed, only-before, only-after, error)."""
        out = {UNCHANGED: 0, CHANGED: 0, ONLY_BEFORE: 0, ONLY_AFTER: 0, ERROR: 0}
        for s in self.situations:
            out[s.diff.status] += len(s.fecs)
        return out


def _ref(fec: Fec) -> FecRef:
    return FecRef(fec.index, fec.key, tuple(t.to_dict() for t in fec.traffic))


def observe(
    change: Iterable[Fec],
    *,
    max_states: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Observation:
    """Read the change once and group its FECs into situations.

    Malformed FECs are a :class:`~rela.errors.NetworkInputError` naming them
    (a suggestion cannot describe what could not be read); a change without
    FECs is one too.
    """
    differ = (
        Differ(max_paths=3) if max_states is None else Differ(max_paths=3, max_states=max_states)
    )
    by_pair: dict[tuple[Graph, Graph], Situation] = {}
    problems: list[str] = []
    n = 0
    for fec in change:
        n += 1
        if progress is not None:
            progress(1)
        if fec.problem is not None:
            problems.append(f"FEC #{fec.index}: {fec.problem}")
            continue
        info = FecInfo(fec.index, fec.key, fec.traffic, blocks_of(t.dst for t in fec.traffic))
        pair = (fec.before, fec.after)
        sit = by_pair.get(pair)
        if sit is None:
            if fec.before == fec.after:  # the same graph: nothing to compare
                d: FecDiff | None = FecDiff(_ref(fec), UNCHANGED)
            else:
                d = differ.diff(fec)
            assert d is not None  # no filter: every FEC is compared
            sit = by_pair[pair] = Situation(len(by_pair), fec.before, fec.after, d)
        sit.fecs.append(info)
    source = getattr(change, "path", None) or getattr(change, "description", None)
    if problems:
        shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN])
        more = len(problems) - MAX_PROBLEMS_SHOWN
        raise NetworkInputError(
            f"{len(problems)} FEC(s) of the input are malformed: {shown}"
            + (f"; and {more} more" if more > 0 else ""),
            hint="a suggestion describes every FEC; fix or remove the malformed ones",
        )
    if n == 0:
        raise NetworkInputError(
            "the change contains no FECs" + (f" ({source})" if source else ""),
            hint="check the input files and the --dst/--start filters",
        )
    return Observation(
        tuple(by_pair.values()),
        n,
        Granularity(getattr(change, "granularity", Granularity.DEVICE)),
        str(getattr(change, "description", "")),
        getattr(change, "groups", None),
    )
