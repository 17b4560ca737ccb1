"""``diff_change``: a whole change diffed, in this process or in worker processes.

The change is streamed: each FEC is compared (:class:`~rela.diff.compare.Differ`),
added to a :class:`~rela.diff.summary.Tally` (counters and the ``max_fecs``
most telling FECs), and forgotten.  With ``jobs`` > 1 the chunk files of a
change are diffed by worker processes that load their own input (or batches
of FECs are sent to them), each with its own tally; tallies merge exactly, so
the report is the same whatever ``jobs`` is.  A part whose worker failed is
diffed again in this process: no FEC is ever lost.
"""

from __future__ import annotations

import itertools
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from rela.defaults import DEFAULT_MAX_STATES
from rela.diff.compare import Differ, as_tuple
from rela.diff.results import ERROR, DiffReport, FecDiff
from rela.diff.summary import Tally
from rela.diff.view import View, notes, nothing_selected
from rela.errors import RelaError, UsageError
from rela.interrupt import kill_pool, result_of, signals_held, worker_setup
from rela.network.load import select
from rela.network.model import Fec
from rela.network.selection import Tally as SelectionTally
from rela.network.selection import summarize
from rela.signals import raise_pending

__all__ = ["diff_change", "BATCH_SIZE", "SERIAL_BATCH"]

#: FECs sent to a worker at a time when the change has no parts (chunk files).
BATCH_SIZE = 512
#: FECs diffed at a time in this process (progress is reported after each batch).
SERIAL_BATCH = 256

_WORKER: dict[str, Any] = {}

#: What diffing a part gives: FECs of the input read, the tally, the view filters'
#: counts, the input filters' counts (of a filtered part read by a worker).
_Result = tuple[int, Tally, View, SelectionTally | None]


class _Job:
    """What every FEC of a run is diffed with: the differ, the view filters, the limits."""

    def __init__(self, differ: Differ, view: View, max_fecs: int | None) -> None:
        self.differ = differ
        self.view = view
        self.max_fecs = max_fecs
        self.deltas: dict[int, Any] = {}  # the tallies' breakdowns by graph pair

    def run(
        self,
        fecs: Iterable[Fec],
        on_fec: Callable[[Fec, FecDiff], None] | None = None,
        finish: bool = True,
    ) -> _Result:
        """Diff ``fecs`` into a fresh tally; returns (FECs of the input read, tally, view
        counts, what the input filters counted when ``fecs`` is a filtered part).

        With ``finish`` false the paths of the FECs kept are not listed yet: the
        tally is merged in this process, and only the FECs kept to the end are listed.
        """
        differ = self.differ
        view = View(self.view.through, self.view.kinds, self.view.fecs)
        tally = Tally(self.max_fecs, differ.include_unchanged, differ.completer, self.deltas)
        labels = differ.bits.labels
        read = 0
        for fec in fecs:
            read += 1
            found = differ.examine(fec)
            if found is None:
                continue
            d, shifts = found
            tally.count(d)
            if on_fec is not None:
                on_fec(fec, d)
            if d.status == ERROR:
                tally.offer(d)
                continue
            tally.add(d, view.select(d, shifts, labels), counted=True, view=view.active)
        if finish:  # the tally leaves this process: list the paths of the FECs it keeps
            tally.finish()
        selected: SelectionTally | None = getattr(fecs, "tally", None)
        if selected is not None:  # a filtered part: its FECs are indexed among all of them
            read = selected.fecs_input
        return read, tally, view, selected


def _worker_init(parent: int, job: _Job) -> None:
    worker_setup(parent)
    _WORKER["job"] = job


def _worker_run(fecs: Iterable[Fec]) -> _Result:
    job: _Job = _WORKER["job"]
    return job.run(fecs)


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _batches(fecs: Iterable[Fec], size: int) -> Iterator[list[Fec]]:
    it = iter(fecs)
    while batch := list(itertools.islice(it, size)):
        yield batch


def _pooled(job: _Job, pieces: Iterable[Iterable[Fec]], jobs: int) -> Iterator[_Result]:
    """Each piece diffed by a worker, results in input order; a failed piece is diffed here."""
    pending: deque[tuple[Iterable[Fec], Future[_Result]]] = deque()

    def collect(item: tuple[Iterable[Fec], Future[_Result]]) -> _Result:
        piece, future = item
        try:
            return result_of(future)
        except RelaError:
            raise
        except Exception:  # noqa: BLE001 - a worker died or failed: diff the piece here
            return job.run(piece)

    pool = ProcessPoolExecutor(jobs, initializer=_worker_init, initargs=(os.getpid(), job))
    try:
        for piece in pieces:
            with signals_held():  # a submit may fork the workers (rela.interrupt)
                future = pool.submit(_worker_run, piece)
            pending.append((piece, future))
            while len(pending) > 2 * jobs:
                yield collect(pending.popleft())
        while pending:
            yield collect(pending.popleft())
    except BaseException:  # an interrupt, SIGTERM, an error: never wait for the workers
        kill_pool(pool)
        raise
    pool.shutdown(wait=True)


def diff_change(
    change: Iterable[Fec],
    *,
    flow: str | Sequence[str] | None = None,
    dst: str | Sequence[str] | None = None,
    max_paths: int = 20,
    include_unchanged: bool = False,
    max_states: int = DEFAULT_MAX_STATES,
    on_fec: Callable[[Fec, FecDiff], None] | None = None,
    max_fecs: int | None = None,
    through: str | Sequence[str] | None = None,
    kind: str | Sequence[str] | None = None,
    fec: str | Sequence[str] | None = None,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> DiffReport:
    """Compare the before and after paths of every FEC of ``change``.

    Input filters (FECs and flows left out are not compared at all):

    * ``flow``: only flows whose start location matches (component prefix, as
      spec names: ``core1`` matches ``core1|default``); FECs with no such
      flow are left out;
    * ``dst``: only FECs whose traffic overlaps one of these prefixes (an FEC
      without traffic keys is every packet).

    What the input filters leave out is counted (``fecs_input``, ``filters``
    and ``filtered`` warnings, :mod:`rela.network.selection`), and a filter
    value that selects nothing raises a ``UsageError``.

    What is listed (the summary's status counts always cover every FEC compared):

    * ``through``, ``kind``, ``fec``: view filters (:mod:`rela.diff.view`);
      they also narrow the summary's breakdown; a value that selects nothing
      raises :class:`~rela.errors.UsageError`;
    * ``max_fecs``: FECs listed, most telling first (``None``: all);
    * ``max_paths``: removed/added paths listed per flow (counts are exact);
    * ``include_unchanged``: list unchanged FECs (and unchanged flows) too.

    ``jobs``: worker processes (1: this process; 0: every core when the
    change has several chunk files); ``on_fec(fec, diff)`` is called for every
    FEC compared (e.g. to draw it) and keeps the run in this process;
    ``progress(n)`` as FECs are done.  Malformed FECs are reported with
    status ``error`` and always listed.

    >>> from rela.network.model import Fec, Graph
    >>> g = Graph.from_paths([["a", "b"]])
    >>> diff_change([Fec(0, None, (), g, g)]).summary.unchanged
    1
    """
    t0 = time.perf_counter()
    if max_fecs is not None and max_fecs < 0:
        raise UsageError(f"max_fecs must be >= 0, got {max_fecs}")
    differ = Differ(
        flow=as_tuple(flow),
        dst=as_tuple(dst),
        max_paths=max_paths,
        include_unchanged=include_unchanged,
        max_states=max_states,
    )
    view = View(as_tuple(through), as_tuple(kind), as_tuple(fec))
    change = select(change, flow=differ.flow, dst=differ.dst)
    job = _Job(differ, view, max_fecs)
    shifted = False
    if on_fec is not None or jobs == 1:
        results = _serial(job, change, on_fec)
    else:
        # --fec #N names a global index, which a worker reading one chunk file cannot know
        by_index = any(v.lstrip("#").isdigit() for v in view.fecs)
        results, shifted = _parallel(job, change, jobs, parts=not by_index)
    tally = Tally(max_fecs, include_unchanged)
    offset = 0
    selections: list[SelectionTally] = []  # input-filter tallies of parts read by workers
    for read, part, counts, selected in results:
        raise_pending()  # a signal whose exception Python swallowed (rela.signals)
        if shifted:  # workers index each chunk file's FECs from 0
            part.shift(offset)
            if selected is not None:
                selections.append(selected)
        offset += read
        tally.merge(part)
        view.merge(counts)
        if progress is not None:
            progress(read)
    inputs = summarize(change, selections if shifted else None)
    missing = view.unmatched()
    if missing is not None:
        raise nothing_selected(*missing, change, view.kinds_seen)
    granularity = getattr(change, "granularity", "device")
    return DiffReport(
        summary=tally.summary(),
        fecs=tally.listed(),
        granularity=str(getattr(granularity, "value", granularity)),
        description=str(getattr(change, "description", "")),
        max_paths=max_paths,
        flow=differ.flow,
        dst=differ.dst,
        include_unchanged=include_unchanged,
        max_fecs=max_fecs,
        fecs_listable=tally.listable,
        through=view.through,
        kind=view.kinds,
        fec=view.fecs,
        view=notes(view),
        fecs_input=inputs.fecs_input,
        filters=inputs.filters,
        warnings=inputs.warnings,
        seconds=time.perf_counter() - t0,
    )


def _serial(
    job: _Job, change: Iterable[Fec], on_fec: Callable[[Fec, FecDiff], None] | None
) -> Iterator[_Result]:
    """The whole change in this process, a few hundred FECs at a time (for progress)."""
    for batch in _batches(change, SERIAL_BATCH):
        yield job.run(batch, on_fec, finish=False)


def _parallel(
    job: _Job, change: Iterable[Fec], jobs: int, parts: bool
) -> tuple[Iterator[_Result], bool]:
    """Chunk files (or batches) through ``jobs`` workers (0: every core, if worth it);
    and whether the results index their FECs from 0 (chunk files read by workers)."""
    get_parts = getattr(change, "parts", None) if parts else None
    files = list(get_parts()) if get_parts is not None else []
    if len(files) > 1:
        return _pooled(job, files, jobs or default_jobs()), True
    stream: Iterable[Fec] = change
    if jobs == 0:  # a pool only for a change worth it
        it = iter(change)
        head = list(itertools.islice(it, BATCH_SIZE))
        stream = itertools.chain(head, it)
        jobs = default_jobs() if len(head) == BATCH_SIZE else 1
    if jobs == 1:
        return _serial(job, stream, None), False
    return _pooled(job, _batches(stream, BATCH_SIZE), jobs), False
