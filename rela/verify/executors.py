"""Where FECs are checked: in this process or in a pool of processes (Dask: :mod:`.cluster`).

Every executor yields its results in input order, one entry per batch (a list
of FECs) or per part (a chunk file loaded by the worker itself), and accounts
for every FEC: a batch lost with its worker becomes error verdicts, never
silence.  Worker-side state (one :class:`~rela.verify.verifier.Verifier` per
process) lives in ``_WORKER``.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import BrokenExecutor
from typing import TYPE_CHECKING, Any

from rela.check import HOLDS, Outcome
from rela.errors import RelaError
from rela.interrupt import kill_pool, result_of, signals_held, worker_setup
from rela.network.model import Fec
from rela.verify.aggregate import Batch, BatchResult, PartResult, fec_ref
from rela.verify.verifier import Named, Options, Verifier

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

__all__ = ["BATCH_SIZE", "batches", "run_serial", "run_pool", "run_parts"]

#: FECs sent to a worker at a time.
BATCH_SIZE = 256

_WORKER: dict[str, Any] = {}


def _worker_init(parent: int, checks: Sequence[Named], options: Options) -> None:
    worker_setup(parent)
    _WORKER["verifier"] = Verifier(checks, options)
    _WORKER["reported"] = set()


def _new_names(verifier: Verifier) -> list[str]:
    """Location names this worker met and has not sent back yet."""
    seen = verifier.seen_names()
    new = sorted(seen - _WORKER["reported"])
    _WORKER["reported"] |= seen
    return new


def _worker_batch(batch: list[Fec]) -> BatchResult:
    verifier: Verifier = _WORKER["verifier"]
    before = list(verifier.seconds)
    outcomes = [verifier.run_fec(fec) for fec in batch]
    spent = [a - b for a, b in zip(verifier.seconds, before)]
    return outcomes, spent, _new_names(verifier), verifier.explainer.take(), verifier.take_cache()


def check_part(
    verifier: Verifier, part: Iterable[Fec], new_names: Callable[[Verifier], list[str]]
) -> PartResult:
    """Load one part (a chunk file) and check it; only non-holding FECs are sent back,
    with the names ``new_names`` says were not reported yet and the part's filter tally."""
    before = list(verifier.seconds)
    found: list[tuple[int, Any, list[Outcome]]] = []
    n = 0
    for fec in part:
        outcomes = verifier.run_fec(fec)
        if any(o is not HOLDS for o in outcomes):
            found.append((fec.index, fec_ref(fec), outcomes))
        n += 1
    spent = [a - b for a, b in zip(verifier.seconds, before)]
    tally = getattr(part, "tally", None)
    cover = verifier.explainer.take()
    return n, found, spent, new_names(verifier), tally, cover, verifier.take_cache()


def _worker_part(part: Iterable[Fec]) -> PartResult:
    return check_part(_WORKER["verifier"], part, _new_names)


def batches(fecs: Iterable[Fec], size: int) -> Iterator[list[Fec]]:
    """``fecs`` in lists of ``size`` (the last one shorter)."""
    batch: list[Fec] = []
    for fec in fecs:
        batch.append(fec)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _lost(batch: list[Fec], n_specs: int, why: str) -> BatchResult:
    outcome = Outcome("error", message=why)
    return [[outcome] * n_specs for _ in batch], [0.0] * n_specs, [], [], None


def _failure(exc: BaseException) -> str:
    if isinstance(exc, BrokenExecutor):
        return "worker process died while checking this FEC"
    return f"worker failed: {type(exc).__name__}: {exc}"


# ---------------------------------------------------------------------- in this process


def run_serial(verifier: Verifier, fecs: Iterable[Fec]) -> Iterator[Batch]:
    """Each FEC checked here, as a batch of one."""
    for fec in fecs:
        before = list(verifier.seconds)
        outcomes = verifier.run_fec(fec)
        yield [fec], ([outcomes], [a - b for a, b in zip(verifier.seconds, before)], [], [], None)


# ---------------------------------------------------------------------- process pool
# (concurrent.futures.process, and multiprocessing with it, is imported only when a
# pool is used: a run in one process does not pay for it; a broken pool raises
# BrokenProcessPool, a BrokenExecutor)


class _Pool:
    """The current process pool of a run (replaced when it breaks).

    On the way out it waits for its workers after a normal end, and kills them
    at once after anything else (an interrupt, SIGTERM, an error): a worker in
    the middle of a long FEC is never waited for.
    """

    def __init__(self, jobs: int, checks: Sequence[Named], options: Options) -> None:
        self.jobs, self.checks, self.options = jobs, checks, options
        self.pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(
            self.jobs, initializer=_worker_init, initargs=(os.getpid(), self.checks, self.options)
        )

    def submit(self, fn: Callable[[Any], Any], arg: Any) -> Future[Any]:
        """Submit a task, on a fresh pool if the current one broke (a submit may fork
        the workers: SIGINT and SIGTERM are held back meanwhile, see ``signals_held``)."""
        with signals_held():
            try:
                return self.pool.submit(fn, arg)
            except BrokenExecutor:
                self.pool.shutdown(wait=False, cancel_futures=True)
                self.pool = self._new()
                return self.pool.submit(fn, arg)

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if kind is None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        else:
            kill_pool(self.pool)


def _alone(fn: Callable[[Any], Any], arg: Any, checks: Sequence[Named], options: Options) -> Any:
    """Run one task in a fresh one-worker pool (after a pool broke: find the culprit)."""
    with _Pool(1, checks, options) as pool:
        return result_of(pool.submit(fn, arg))


def _collect(
    item: tuple[list[Fec], Future[BatchResult]],
    checks: Sequence[Named],
    options: Options,
) -> Batch:
    """A batch's result; a batch lost with a broken pool is checked again on its own,
    and only a batch that kills its worker again becomes error verdicts."""
    batch, future = item
    n_specs = len(checks)
    try:
        return batch, result_of(future)
    except BrokenExecutor:
        try:
            return batch, _alone(_worker_batch, batch, checks, options)
        except Exception as exc:  # noqa: BLE001
            return batch, _lost(batch, n_specs, _failure(exc))
    except Exception as exc:  # noqa: BLE001
        return batch, _lost(batch, n_specs, _failure(exc))


def run_pool(
    checks: Sequence[Named], options: Options, fecs: Iterable[Fec], jobs: int
) -> Iterator[Batch]:
    """Batches through a process pool, results in input order; a dead worker costs its batch."""
    with _Pool(jobs, checks, options) as pool:
        pending: deque[tuple[list[Fec], Future[BatchResult]]] = deque()
        for batch in batches(fecs, BATCH_SIZE):
            pending.append((batch, pool.submit(_worker_batch, batch)))
            while len(pending) > 2 * jobs:
                yield _collect(pending.popleft(), checks, options)
        while pending:
            yield _collect(pending.popleft(), checks, options)


def run_parts(
    checks: Sequence[Named], options: Options, parts: Sequence[Iterable[Fec]], jobs: int
) -> Iterator[tuple[Iterable[Fec], PartResult]]:
    """Parts (chunk files) through a process pool: workers load and check their own input.

    Results come back in input order.  A part whose worker died is checked
    again on its own; if that fails too, it is counted in this process and
    every one of its FECs becomes an error verdict.
    """
    n_specs = len(checks)

    def lost_part(part: Iterable[Fec], exc: Exception) -> PartResult:
        """Every FEC of the part (counted here) as an error verdict."""
        lost = Outcome("error", message=_failure(exc))
        found = [(fec.index, fec_ref(fec), [lost] * n_specs) for fec in part]
        return len(found), found, [0.0] * n_specs, [], getattr(part, "tally", None), [], None

    def collect(item: tuple[Iterable[Fec], Future[PartResult]]) -> tuple[Iterable[Fec], PartResult]:
        part, future = item
        try:
            return part, result_of(future)
        except RelaError:
            raise
        except BrokenExecutor:  # some worker died: check this part again on its own
            try:
                return part, _alone(_worker_part, part, checks, options)
            except RelaError:
                raise
            except Exception as exc:  # noqa: BLE001
                return part, lost_part(part, exc)
        except Exception as exc:  # noqa: BLE001 - a failed worker: account for every FEC
            return part, lost_part(part, exc)

    with _Pool(jobs, checks, options) as pool:
        pending: deque[tuple[Iterable[Fec], Future[PartResult]]] = deque()
        for part in parts:
            pending.append((part, pool.submit(_worker_part, part)))
            while len(pending) > 2 * jobs:
                yield collect(pending.popleft())
        while pending:
            yield collect(pending.popleft())
