"""One FEC's diff: path sets compared as automata, flows classified, traffic facts compared.

:class:`Differ` compares FEC after FEC (:meth:`Differ.diff`).  For every
flow it counts the paths before and after exactly, lists the shortest
removed and added paths, and classifies a changed flow by what happened
(:data:`~rela.diff.results.KINDS`); :meth:`Differ.examine` also returns, for
every flow, how its disposition and the places its traffic crosses changed
(:class:`FlowShift`), which :mod:`rela.diff.summary` adds up.  Everything
that depends only on the (before, after) graphs is computed once per pair
and reused: FECs share graphs.

>>> from rela.network.model import Fec, Graph
>>> before = Graph.from_paths([["a", "b", "d"]])
>>> after = Graph.from_paths([["a", "c", "drop"]])
>>> d, shifts = Differ().examine(Fec(0, "k", (), before, after))
>>> d.status, d.kind, shifts[0].disposition, shifts[0].drops_new
('changed', 'new-drop', ('delivered', 'dropped'), ('c (drop)',))
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rela.automata.decide import Budget, enumerate_words, equivalent
from rela.automata.nfa import Nfa
from rela.check import Letters, graph_nfa
from rela.defaults import DEFAULT_MAX_STATES
from rela.diff.counting import dfa, dfa_minus, ending_in, flow_count, start, state_counts
from rela.diff.facts import NO_FLOW, FactBits, FlowFacts, device_of, disposition, flow_facts
from rela.diff.results import (
    CHANGED,
    ERROR,
    KINDS,
    ONLY_AFTER,
    ONLY_BEFORE,
    UNCHANGED,
    FecDiff,
    FlowDiff,
    PathList,
)
from rela.errors import RelaError, UsageError
from rela.network.model import Fec, Graph
from rela.network.selection import overlaps
from rela.results import FecRef, Path
from rela.values import frozen

__all__ = ["Differ", "FlowShift", "as_tuple", "matches", "fec_ref"]

#: (before, after) graph pairs, and graphs, whose results are remembered.
_CACHE_SIZE = 10_000


def matches(name: str, label: str) -> bool:
    """DESIGN §3 name matching: ``name``'s components are a prefix of ``label``'s.

    >>> matches("core1", "core1|default|Gi0/0"), matches("core1|blue", "core1|red")
    (True, False)
    """
    want = name.split("|")
    return label.split("|")[: len(want)] == want


def as_tuple(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """A filter argument as a tuple: ``None`` is empty, a string is one value."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def fec_ref(fec: Fec) -> FecRef:
    """The reference of an FEC in results."""
    return FecRef(fec.index, fec.key, tuple(t.to_dict() for t in fec.traffic))


def _check_filters(flow: Sequence[str], dst: Sequence[str]) -> None:
    for name in flow:
        if not isinstance(name, str) or not name or name.count("|") > 2:
            raise UsageError(f"flow={name!r} is not a location name")
    for prefix in dst:
        try:
            ipaddress.ip_network(prefix, strict=False)
        except (ValueError, TypeError):
            raise UsageError(f"dst={prefix!r} is not an IP prefix (e.g. 10.0.0.0/8)") from None


@frozen
class FlowShift:
    """How one flow's traffic moved: dispositions, kind, and places gained or lost.

    ``labels`` is the bit set (in the run's :class:`~rela.diff.facts.FactBits`)
    of the locations on its paths, before or after; every place is a name.
    """

    flow: str
    disposition: tuple[str, str]
    kind: str | None
    labels: int = 0
    drops_new: tuple[str, ...] = ()
    drops_gone: tuple[str, ...] = ()
    loops_new: tuple[str, ...] = ()
    loops_gone: tuple[str, ...] = ()
    devices_gained: tuple[str, ...] = ()
    devices_lost: tuple[str, ...] = ()
    links_gained: tuple[str, ...] = ()
    links_lost: tuple[str, ...] = ()


@frozen
class _Outcome:
    """What depends only on the (before, after) graphs: reused across FECs that share them."""

    status: str
    loop_before: bool
    loop_after: bool
    flows: tuple[FlowDiff, ...]
    flows_total: int
    flows_changed: int
    problem: str | None = None
    shifts: tuple[FlowShift, ...] = ()
    kind: str | None = None
    #: Per flow of ``flows``: the (before, after) DFAs, whose differences are listed on demand.
    differences: tuple[tuple[Nfa, Nfa] | None, ...] = field(default=(), compare=False)
    #: ``flows`` with their paths listed (filled by :meth:`Differ.complete`).
    listed: list[tuple[FlowDiff, ...]] = field(default_factory=list, compare=False)


def _status(a: Nfa, b: Nfa, equal: bool) -> str:
    """Status of two path sets (trimmed automata: no final state means no path)."""
    if equal:
        return UNCHANGED
    if not b.finals:
        return ONLY_BEFORE
    if not a.finals:
        return ONLY_AFTER
    return CHANGED


def _count(d: Nfa) -> int | None:
    """The number of paths of a trimmed DFA (``None``: infinitely many)."""
    return state_counts(d)[start(d)]


def _kind(
    fb: FlowFacts,
    fa: FlowFacts,
    n_removed: int | None,
    n_added: int | None,
    n_after: int | None,
    added_drops: int | None,
) -> str:
    """What happened to a changed flow (the first of :data:`KINDS` that applies).

    ``added_drops`` counts its added paths that end in a drop location.

    >>> _kind(NO_FLOW, NO_FLOW, 1, 1, 1, 1), _kind(NO_FLOW, NO_FLOW, 1, 0, 0, 0)
    ('new-drop', 'lost-delivery')
    """
    if fa.loops & ~fb.loops:
        return "new-loop"
    if added_drops != 0:
        return "new-drop"
    if n_after == 0:
        return "lost-delivery"
    if n_removed != 0 and n_added != 0:
        return "paths-moved"
    return "paths-removed" if n_removed != 0 else "paths-added"


def _by_length(path: Path) -> tuple[int, Path]:
    return (len(path), path)


def most_telling(kinds: Iterable[str | None]) -> str | None:
    """The first of :data:`KINDS` among ``kinds`` (``None`` if there is none).

    >>> most_telling(["paths-added", None, "new-drop"])
    'new-drop'
    """
    present = set(kinds)
    return next((k for k in KINDS if k in present), None)


@dataclass
class Differ:
    """Compares FEC after FEC; :meth:`diff` is the per-FEC step of ``diff_change``.

    Use it directly to stream diffs without keeping them::

        differ = Differ(max_paths=5)
        for fec in change:
            d = differ.diff(fec)   # None when a filter leaves the FEC out
    """

    flow: tuple[str, ...] = ()
    dst: tuple[str, ...] = ()
    max_paths: int = 20
    include_unchanged: bool = False
    max_states: int = DEFAULT_MAX_STATES
    names: Letters = field(default_factory=Letters, repr=False)
    bits: FactBits = field(default_factory=FactBits, repr=False)
    _cache: dict[tuple[Graph, Graph], _Outcome] = field(default_factory=dict, repr=False)
    _facts: dict[Graph, dict[str, FlowFacts]] = field(default_factory=dict, repr=False)
    _by_flows: dict[int, _Outcome] = field(default_factory=dict, repr=False)
    _drop_ids: set[int] = field(default_factory=set, repr=False)
    _drops_seen: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        self.flow = as_tuple(self.flow)
        self.dst = as_tuple(self.dst)
        _check_filters(self.flow, self.dst)
        if self.max_paths < 0:
            raise UsageError(f"max_paths must be >= 0, got {self.max_paths}")

    def selects(self, fec: Fec) -> bool:
        """Whether the ``dst`` filter keeps the FEC: its traffic overlaps a prefix
        (malformed FECs are always kept)."""
        if fec.problem is not None or not self.dst:
            return True
        return any(overlaps(fec.traffic, p) for p in self.dst)

    def restrict(self, graph: Graph) -> Graph:
        """The graph with only the sources the ``flow`` filter selects."""
        if not self.flow:
            return graph
        sources = tuple(
            s for s in graph.sources if any(matches(n, graph.labels[s]) for n in self.flow)
        )
        if sources == graph.sources:
            return graph
        return Graph(graph.labels, graph.succ, sources, graph.sinks)

    def diff(self, fec: Fec) -> FecDiff | None:
        """The diff of one FEC, or ``None`` when the filters leave it out."""
        found = self.examine(fec)
        return None if found is None else self.complete(found[0])

    def examine(self, fec: Fec) -> tuple[FecDiff, tuple[FlowShift, ...]] | None:
        """The diff of one FEC and how each of its flows moved (``None``: filtered out).

        Path counts are exact, but no path is listed yet: :meth:`complete` lists
        them, for the FECs a report shows (listing is the costly part).
        """
        if fec.problem is not None:
            return FecDiff(fec_ref(fec), ERROR, problem=fec.problem, input_error=True), ()
        if not self.selects(fec):
            return None
        before, after = self.restrict(fec.before), self.restrict(fec.after)
        if self.flow and not before.sources and not after.sources:
            return None
        key = (before, after)
        outcome = self._cache.get(key)
        if outcome is None:
            outcome = self._outcome(before, after)
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
                self._by_flows.clear()
            self._cache[key] = outcome
            if outcome.flows:
                self._by_flows[id(outcome.flows)] = outcome
        d = FecDiff(
            fec_ref(fec),
            outcome.status,
            outcome.loop_before,
            outcome.loop_after,
            outcome.flows,
            outcome.flows_total,
            outcome.flows_changed,
            outcome.problem,
            kind=outcome.kind,
        )
        return d, outcome.shifts

    def complete(self, d: FecDiff) -> FecDiff:
        """``d`` (from :meth:`examine`, just now) with the removed and added paths listed."""
        return self.completer(d)()

    def completer(self, d: FecDiff) -> Callable[[], FecDiff]:
        """A function that lists the paths of ``d`` (from :meth:`examine`, just now) later."""
        outcome = self._by_flows.get(id(d.flows)) if d.flows else None
        if outcome is None or outcome.flows is not d.flows:
            return lambda: d
        return lambda: dataclasses.replace(d, flows=self._listed(outcome))

    def _listed(self, outcome: _Outcome) -> tuple[FlowDiff, ...]:
        """The outcome's flows with their removed and added paths (listed once)."""
        if not outcome.listed:
            budget = Budget(self.max_states)
            flows = []
            for f, pair in zip(outcome.flows, outcome.differences, strict=True):
                if pair is not None:
                    da, db = pair
                    x = self.names.id(f.flow)
                    removed = dfa_minus(da, db, budget, first=x)
                    added = dfa_minus(db, da, budget, first=x)
                    f = dataclasses.replace(
                        f, removed=self._paths(removed, budget), added=self._paths(added, budget)
                    )
                flows.append(f)
            outcome.listed.append(tuple(flows))
        return outcome.listed[0]

    # ------------------------------------------------------------------ per graph pair

    def _outcome(self, before: Graph, after: Graph) -> _Outcome:
        loops = (before.has_cycle(), after.has_cycle())
        try:
            return self._compare(before, after, *loops)
        except RelaError as exc:  # a resource limit
            return _Outcome(ERROR, *loops, (), 0, 0, exc.message)
        except RecursionError:
            return _Outcome(ERROR, *loops, (), 0, 0, "graph nested too deeply to compare")
        except MemoryError:
            return _Outcome(ERROR, *loops, (), 0, 0, "out of memory while comparing this FEC")

    def facts(self, graph: Graph) -> dict[str, FlowFacts]:
        """The facts of each flow of ``graph`` (cached per graph)."""
        found = self._facts.get(graph)
        if found is None:
            found = flow_facts(graph, self.bits)
            if len(self._facts) >= _CACHE_SIZE:
                self._facts.clear()
            self._facts[graph] = found
        return found

    def _compare(
        self, before: Graph, after: Graph, loop_before: bool, loop_after: bool
    ) -> _Outcome:
        budget = Budget(self.max_states)
        starts = sorted(
            {before.labels[s] for s in before.sources} | {after.labels[s] for s in after.sources}
        )
        facts_b, facts_a = self.facts(before), self.facts(after)
        a = b = graph_nfa(before, self.names)
        if before == after:
            status = UNCHANGED
        else:
            b = graph_nfa(after, self.names)
            status = _status(a, b, equivalent(a, b, budget) is None)
        if status == UNCHANGED and not self.include_unchanged:
            shifts = tuple(self._shift(s, facts_b, facts_a, None) for s in starts)
            return _Outcome(status, loop_before, loop_after, (), len(starts), 0, shifts=shifts)
        da = dfa(a, budget)
        db = da if b is a else dfa(b, budget)
        counts_a = state_counts(da)
        counts_b = counts_a if db is da else state_counts(db)
        if status != UNCHANGED:
            # one product per side for every flow: a flow is what follows its first letter
            removed, added = dfa_minus(da, db, budget), dfa_minus(db, da, budget)
            counts_r, counts_d = state_counts(removed), state_counts(added)
            drops = ending_in(added, self._drop_letters())
        flows: list[FlowDiff] = []
        differences: list[tuple[Nfa, Nfa] | None] = []
        shifts_out: list[FlowShift] = []
        changed = 0
        for first in starts:
            x = self.names.id(first)
            n_before, n_after = flow_count(da, counts_a, x), flow_count(db, counts_b, x)
            n_removed: int | None = 0
            n_added: int | None = 0
            if status != UNCHANGED:
                n_removed = flow_count(removed, counts_r, x)
                n_added = flow_count(added, counts_d, x)
            if n_removed == 0 and n_added == 0:
                shift = self._shift(first, facts_b, facts_a, None)
                shifts_out.append(shift)
                if self.include_unchanged:
                    flows.append(
                        FlowDiff(first, UNCHANGED, n_before, n_after, disposition=shift.disposition)
                    )
                    differences.append(None)
                continue
            changed += 1
            fb, fa = facts_b.get(first, NO_FLOW), facts_a.get(first, NO_FLOW)
            kind = _kind(fb, fa, n_removed, n_added, n_after, flow_count(added, drops, x))
            shift = self._shift(first, facts_b, facts_a, kind)
            shifts_out.append(shift)
            if n_after == 0:
                flow_status = ONLY_BEFORE
            elif n_before == 0:
                flow_status = ONLY_AFTER
            else:
                flow_status = CHANGED
            more = self.max_paths == 0
            flows.append(
                FlowDiff(
                    first,
                    flow_status,
                    n_before,
                    n_after,
                    PathList(n_removed, (), more and n_removed != 0),
                    PathList(n_added, (), more and n_added != 0),
                    kind,
                    shift.disposition,
                )
            )
            differences.append((da, db))
        return _Outcome(
            status,
            loop_before,
            loop_after,
            tuple(flows),
            len(starts),
            changed,
            shifts=tuple(shifts_out),
            kind=most_telling(f.kind for f in flows),
            differences=tuple(differences),
        )

    def _drop_letters(self) -> set[int]:
        """The letters of drop locations (``drop``, ``drop|denied-in``, ...) interned so far."""
        names = self.names.names
        while self._drops_seen < len(names):
            if device_of(names[self._drops_seen]) == "drop":
                self._drop_ids.add(self._drops_seen)
            self._drops_seen += 1
        return self._drop_ids

    def _shift(
        self,
        first: str,
        facts_b: dict[str, FlowFacts],
        facts_a: dict[str, FlowFacts],
        kind: str | None,
    ) -> FlowShift:
        fb, fa = facts_b.get(first, NO_FLOW), facts_a.get(first, NO_FLOW)
        bits = self.bits
        return FlowShift(
            first,
            (disposition(fb), disposition(fa)),
            kind,
            fb.labels | fa.labels,
            tuple(bits.drops.decode(fa.drops & ~fb.drops)),
            tuple(bits.drops.decode(fb.drops & ~fa.drops)),
            tuple(bits.loops.decode(fa.loops & ~fb.loops)),
            tuple(bits.loops.decode(fb.loops & ~fa.loops)),
            tuple(bits.devices.decode(fa.devices & ~fb.devices)),
            tuple(bits.devices.decode(fb.devices & ~fa.devices)),
            tuple(bits.links.decode(fa.links & ~fb.links)),
            tuple(bits.links.decode(fb.links & ~fa.links)),
        )

    def _paths(self, d: Nfa, budget: Budget) -> PathList:
        # letters in name order, not in the order this process met them: the paths listed
        # when there are more than max_paths are the same in every process (--jobs)
        words, more = enumerate_words(d, self.max_paths, budget, order=self.names.names.__getitem__)
        paths = sorted((tuple(self.names.names[x] for x in w) for w in words), key=_by_length)
        return PathList(_count(d), tuple(paths), more)
