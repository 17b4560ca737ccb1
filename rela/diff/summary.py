"""Adding up a diff: status counts, what changed where, and the FECs to list.

A :class:`Tally` sees every FEC compared (:meth:`Tally.add`) and keeps only
counters and the ``max_fecs`` most telling FECs (a bounded heap), so memory
does not grow with the change; tallies of parts of a change (worker
processes) merge exactly (:meth:`Tally.merge`).  :meth:`Tally.summary`
gives the frozen :class:`~rela.diff.results.DiffSummary`.

>>> from rela.diff.compare import Differ
>>> from rela.network.model import Fec, Graph
>>> t = Tally(max_fecs=None)
>>> d, shifts = Differ().examine(Fec(0, "k", (), Graph.from_paths([["a", "b"]]),
...                                  Graph.from_paths([["a", "drop"]])))
>>> t.add(d, shifts)
>>> s = t.summary()
>>> s.changed, [(p.where, p.fecs) for p in s.drops_new], [(k.kind, k.flows) for k in s.kinds]
(1, [('a (drop)', 1)], [('new-drop', 1)])
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rela.diff.compare import FlowShift
from rela.diff.results import (
    CHANGED,
    DISPOSITIONS,
    ERROR,
    KINDS,
    ONLY_AFTER,
    ONLY_BEFORE,
    UNCHANGED,
    DiffSummary,
    Disposition,
    FecDiff,
    KindCount,
    Place,
    Transition,
)
from rela.results import FecRef

__all__ = ["Tally", "fec_disposition", "rank"]

#: The place categories of the summary (attributes of FlowShift and DiffSummary).
PLACES = (
    "drops_new",
    "drops_gone",
    "loops_new",
    "loops_gone",
    "devices_gained",
    "devices_lost",
    "links_gained",
    "links_lost",
)
_STATUS_FIELD = {
    UNCHANGED: "unchanged",
    CHANGED: "changed",
    ONLY_BEFORE: "only_before",
    ONLY_AFTER: "only_after",
    ERROR: "errors",
}
_RANK = {ERROR: 0, **{k: i + 1 for i, k in enumerate(KINDS)}}


def rank(d: FecDiff) -> int:
    """Listing order: errors, then :data:`KINDS` in order, unchanged FECs last.

    >>> from rela.results import FecRef
    >>> rank(FecDiff(FecRef(0, None), ERROR)) < rank(FecDiff(FecRef(1, None), CHANGED, kind="new-drop"))
    True
    """
    if d.status == ERROR:
        return 0
    return _RANK.get(d.kind or "", len(KINDS) + 1)


def fec_disposition(flows: Sequence[str]) -> str:
    """An FEC's disposition from its flows' (:data:`~rela.diff.results.DISPOSITIONS`).

    A loop anywhere wins; flows that agree give theirs; flows that deliver
    nothing between them are ``dropped``; a mix where something is not
    delivered is ``partial``; a mix of delivered outcomes is ``delivered``.

    >>> fec_disposition(["delivered", "dropped"]), fec_disposition(["dropped", "no-path"])
    ('partial', 'dropped')
    """
    present = set(flows)
    if not present:
        return "no-path"
    if "looping" in present:
        return "looping"
    if len(present) == 1:
        return next(iter(present))
    if present <= {"dropped", "no-path"}:
        return "dropped"
    if present & {"dropped", "partial", "no-path"}:
        return "partial"
    return "delivered"


class _Counter:
    """FECs, flows and the first FEC (input order) of one row of the summary."""

    __slots__ = ("fecs", "flows", "example")

    def __init__(self) -> None:
        self.fecs = 0
        self.flows = 0
        self.example: FecRef | None = None

    def add(self, flows: int, ref: FecRef, fecs: int = 1) -> None:
        """Count ``fecs`` FECs with ``flows`` flows between them, ``ref`` the first."""
        self.fecs += fecs
        self.flows += flows
        if self.example is None or ref.index < self.example.index:
            self.example = ref

    def merge(self, other: _Counter) -> None:
        self.fecs += other.fecs
        self.flows += other.flows
        if other.example is not None and (
            self.example is None or other.example.index < self.example.index
        ):
            self.example = other.example


def _sorted_places(rows: dict[str, _Counter]) -> tuple[Place, ...]:
    ordered = sorted(rows.items(), key=lambda kv: (-kv[1].fecs, -kv[1].flows, kv[0]))
    return tuple(Place(name, c.fecs, c.flows, c.example) for name, c in ordered)


#: A kept FEC: sort key, the FEC, what lists its paths, the flows chosen by view filters.
_Item = tuple[int, int, int, FecDiff, Callable[[], FecDiff] | None, set[str] | None]

#: FECs' breakdowns remembered (by graph pair, through the shared ``shifts`` tuple).
_DELTAS = 10_000


class _Delta:
    """What one FEC's flows add to the breakdown, computed once per graph pair."""

    __slots__ = ("shifts", "dispositions", "kinds", "transitions", "places")

    def __init__(self, shifts: Sequence[FlowShift]) -> None:
        self.shifts = shifts  # kept: the cache is keyed by its identity
        by_kind: dict[str, int] = {}
        moved: dict[tuple[str, str], int] = {}
        dispositions: dict[str, list[int]] = {}
        for s in shifts:
            if s.kind is not None:
                by_kind[s.kind] = by_kind.get(s.kind, 0) + 1
            if s.disposition[0] != s.disposition[1]:
                moved[s.disposition] = moved.get(s.disposition, 0) + 1
            for side, disp in enumerate(s.disposition):
                dispositions.setdefault(disp, [0, 0, 0, 0])[2 + side] += 1
        for side in (0, 1):
            disp = fec_disposition([s.disposition[side] for s in shifts])
            dispositions.setdefault(disp, [0, 0, 0, 0])[side] += 1
        places: list[tuple[str, str, int]] = []
        for category in PLACES:
            per: dict[str, int] = {}
            for s in shifts:
                for name in getattr(s, category):
                    per[name] = per.get(name, 0) + 1
            places.extend((category, name, n) for name, n in per.items())
        self.dispositions = dispositions
        self.kinds = list(by_kind.items())
        self.transitions = list(moved.items())
        self.places = places


class Tally:
    """Everything a diff adds up, for one process; merge tallies of parts with :meth:`merge`."""

    def __init__(
        self,
        max_fecs: int | None = None,
        include_unchanged: bool = False,
        complete: Callable[[FecDiff], Callable[[], FecDiff]] | None = None,
        deltas: dict[int, _Delta] | None = None,
    ) -> None:
        self.max_fecs = max_fecs
        #: For an FEC kept, a function that lists its paths (``Differ.completer``), called
        #: by :meth:`finish` for the FECs still kept at the end.
        self.complete = complete
        self.include_unchanged = include_unchanged
        self.statuses = dict.fromkeys(_STATUS_FIELD.values(), 0)
        self.fecs = 0
        self.flows = 0
        self.flows_changed = 0
        self.loops_before = 0
        self.loops_after = 0
        self.kinds: dict[str, _Counter] = {}
        self.dispositions: dict[str, list[int]] = {}
        self.transitions: dict[tuple[str, str], _Counter] = {}
        self.places: dict[str, dict[str, _Counter]] = {p: {} for p in PLACES}
        self.listable = 0
        # (-rank, -index, -sequence, FEC, lists its paths, flows chosen): heap[0] is the
        # least telling FEC kept
        self._heap: list[_Item] = []
        self._seq = 0
        #: Breakdowns by graph pair; share one dict between the tallies of a run.
        self._deltas: dict[int, _Delta] = {} if deltas is None else deltas
        #: Breakdowns added but not yet in the rows, by identity: [breakdown, FECs, first FEC].
        #: FECs with the same graphs add the same breakdown: it is added to the rows once,
        #: multiplied, so the cost per FEC does not grow with the places it touches.
        self._pending: dict[int, list[Any]] = {}

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (a worker's tally sent back) as counts only: the breakdowns it
        remembers stay behind, the pending ones are added to the rows first."""
        self._flush()
        return {**self.__dict__, "_deltas": {}, "complete": None}

    # ------------------------------------------------------------------ adding

    def count(self, d: FecDiff) -> None:
        """Count one FEC compared in the status counts (whatever the view filters)."""
        self.fecs += 1
        self.statuses[_STATUS_FIELD[d.status]] += 1
        self.flows_changed += d.flows_changed
        self.loops_before += d.loop_before
        self.loops_after += d.loop_after

    def add(
        self, d: FecDiff, shifts: Sequence[FlowShift], *, counted: bool = False, view: bool = False
    ) -> None:
        """Add one FEC: counted (unless ``counted``), ``shifts`` (its flows, or those a view
        filter selected when ``view``) in the breakdown, and listed if it has a flow to show."""
        if not counted:
            self.count(d)
        if d.status == ERROR:
            self.offer(d)
            return
        self._breakdown(d.fec, shifts, cacheable=not view)
        self.offer(d, {s.flow for s in shifts} if view else None)

    def offer(self, d: FecDiff, chosen: set[str] | None = None) -> None:
        """List ``d`` if it has a flow to show (among ``chosen``); errors are always listed."""
        if d.status != ERROR:
            flows = d.flows
            if chosen is not None:
                if not chosen:
                    return
                flows = tuple(f for f in d.flows if f.flow in chosen)
            if not self.include_unchanged and not any(f.status != UNCHANGED for f in flows):
                return
        self.listable += 1
        self._seq += 1
        key = (-rank(d), -d.fec.index, -self._seq)
        if not self._wanted(key):
            return
        later = self.complete(d) if self.complete is not None else None
        self._push((*key, d, later, chosen))

    def _wanted(self, key: tuple[int, int, int]) -> bool:
        """Whether an FEC with this sort key is among the ``max_fecs`` most telling so far."""
        if self.max_fecs is None or len(self._heap) < self.max_fecs:
            return True
        return bool(self.max_fecs) and key > self._heap[0][:3]

    def _push(self, item: _Item) -> None:
        """Keep ``item`` if it is among the ``max_fecs`` most telling (a bounded heap)."""
        if not self._wanted(item[:3]):
            return
        if self.max_fecs is None:
            self._heap.append(item)
        elif len(self._heap) < self.max_fecs:
            heapq.heappush(self._heap, item)
        else:
            heapq.heapreplace(self._heap, item)

    def _breakdown(self, ref: FecRef, shifts: Sequence[FlowShift], cacheable: bool) -> None:
        """Add the flows ``shifts`` of one FEC to the kinds, dispositions and places."""
        if not shifts:
            return
        delta = self._deltas.get(id(shifts)) if cacheable else None
        if delta is None or delta.shifts is not shifts:
            delta = _Delta(shifts)
            if cacheable:  # an FEC's shifts are shared by every FEC with the same graphs
                if len(self._deltas) >= _DELTAS:
                    self._deltas.clear()
                self._deltas[id(shifts)] = delta
        self._pend(delta, 1, ref)

    def _pend(self, delta: _Delta, fecs: int, ref: FecRef) -> None:
        """Count ``fecs`` more FECs with breakdown ``delta`` (``ref`` the first of them)."""
        pending = self._pending.get(id(delta))  # the entry holds ``delta``: ids are not reused
        if pending is None:
            if len(self._pending) >= _DELTAS:
                self._flush()
            self._pending[id(delta)] = [delta, fecs, ref]
            return
        pending[1] += fecs
        if ref.index < pending[2].index:
            pending[2] = ref

    def _flush(self) -> None:
        """Add the pending breakdowns to the rows (each times its FECs)."""
        for delta, fecs, ref in self._pending.values():
            self._apply(delta, fecs, ref)
        self._pending.clear()

    def _apply(self, delta: _Delta, fecs: int, ref: FecRef) -> None:
        """Add ``fecs`` FECs whose flows give ``delta``, ``ref`` the first, to the rows."""
        self.flows += len(delta.shifts) * fecs
        for name, counts in delta.dispositions.items():
            row = self._disposition(name)
            for i, n in enumerate(counts):
                row[i] += n * fecs
        for kind, n in delta.kinds:
            self.kinds.setdefault(kind, _Counter()).add(n * fecs, ref, fecs)
        for pair, n in delta.transitions:
            self.transitions.setdefault(pair, _Counter()).add(n * fecs, ref, fecs)
        for category, name, n in delta.places:
            rows = self.places[category]
            place = rows.get(name)
            if place is None:
                place = rows[name] = _Counter()
            place.add(n * fecs, ref, fecs)

    def _disposition(self, name: str) -> list[int]:
        row = self.dispositions.get(name)
        if row is None:
            row = self.dispositions[name] = [0, 0, 0, 0]
        return row

    # ------------------------------------------------------------------ merging

    def merge(self, other: Tally) -> None:
        """Add another tally (of other FECs) to this one.

        FECs ``other`` keeps whose paths are not listed yet (a tally of this
        process, not :meth:`finish`-ed) are listed only if still kept at the end;
        its pending breakdowns stay pending here.
        """
        for delta, fecs, ref in other._pending.values():
            self._pend(delta, fecs, ref)
        other._pending.clear()
        for k, n in other.statuses.items():
            self.statuses[k] += n
        self.fecs += other.fecs
        self.flows += other.flows
        self.flows_changed += other.flows_changed
        self.loops_before += other.loops_before
        self.loops_after += other.loops_after
        _merge_rows(self.kinds, other.kinds)
        _merge_rows(self.transitions, other.transitions)
        for category, rows in other.places.items():
            _merge_rows(self.places[category], rows)
        for name, counts in other.dispositions.items():
            mine = self._disposition(name)
            for i, n in enumerate(counts):
                mine[i] += n
        self.listable += other.listable
        for item in sorted(other._heap, key=lambda i: i[:3], reverse=True):
            self._seq += 1
            self._push((item[0], item[1], -self._seq, *item[3:]))

    def shift(self, offset: int) -> None:
        """Add ``offset`` to every FEC index (a part's FECs are indexed from 0)."""
        if not offset:
            return

        def moved(ref: FecRef) -> FecRef:
            return FecRef(ref.index + offset, ref.key, ref.traffic)

        self.finish()
        self._flush()
        self._heap = [
            (r, i - offset, q, dataclasses.replace(d, fec=moved(d.fec)), None, None)
            for r, i, q, d, _, _ in self._heap
        ]
        rows: list[_Counter] = [*self.kinds.values(), *self.transitions.values()]
        for category in self.places.values():
            rows.extend(category.values())
        for row in rows:
            if row.example is not None:
                row.example = moved(row.example)

    # ------------------------------------------------------------------ results

    def finish(self) -> None:
        """List the paths of the FECs kept, and keep only their chosen flows."""
        done: list[_Item] = []
        for r, i, q, d, later, chosen in self._heap:
            if later is not None:
                d = later()
            if chosen is not None and d.status != ERROR:
                d = dataclasses.replace(d, flows=tuple(f for f in d.flows if f.flow in chosen))
            done.append((r, i, q, d, None, None))
        self._heap = done  # same keys, same order: still a heap

    def listed(self) -> tuple[FecDiff, ...]:
        """The FECs to list, most telling first (then input order)."""
        self.finish()
        return tuple(item[3] for item in sorted(self._heap, key=lambda i: i[:3], reverse=True))

    def summary(self) -> DiffSummary:
        """The frozen summary of everything added."""
        self._flush()
        places = {category: _sorted_places(rows) for category, rows in self.places.items()}
        counts = self.statuses
        return DiffSummary(
            fecs=self.fecs,
            unchanged=counts["unchanged"],
            changed=counts["changed"],
            only_before=counts["only_before"],
            only_after=counts["only_after"],
            errors=counts["errors"],
            flows_changed=self.flows_changed,
            loops_before=self.loops_before,
            loops_after=self.loops_after,
            flows=self.flows,
            kinds=tuple(
                KindCount(k, c.fecs, c.flows, c.example)
                for k in KINDS
                if (c := self.kinds.get(k)) is not None
            ),
            dispositions=tuple(
                Disposition(name, *self.dispositions[name])
                for name in DISPOSITIONS
                if name in self.dispositions
            ),
            transitions=tuple(
                Transition(b, a, c.fecs, c.flows, c.example)
                for (b, a), c in sorted(
                    self.transitions.items(), key=lambda kv: (-kv[1].flows, kv[0])
                )
            ),
            drops_new=places["drops_new"],
            drops_gone=places["drops_gone"],
            loops_new=places["loops_new"],
            loops_gone=places["loops_gone"],
            devices_gained=places["devices_gained"],
            devices_lost=places["devices_lost"],
            links_gained=places["links_gained"],
            links_lost=places["links_lost"],
        )


def _merge_rows(mine: dict[Any, _Counter], other: dict[Any, _Counter]) -> None:
    for name, counter in other.items():
        row = mine.get(name)
        if row is None:
            row = mine[name] = _Counter()
        row.merge(counter)


def merged(tallies: Iterable[Tally], max_fecs: int | None, include_unchanged: bool) -> Tally:
    """One tally of several."""
    out = Tally(max_fecs, include_unchanged)
    for t in tallies:
        out.merge(t)
    return out
