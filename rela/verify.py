"""Verify a change against compiled specs: per-FEC checking, executors, the report.

``verify(spec, change)`` streams the change's FECs through one
:class:`~rela.check.SpecChecker` per spec (specs compiled once per run), in this
process (``jobs=1``), in a pool of processes, or on a Dask cluster, and folds
the per-FEC outcomes into a :class:`~rela.results.Report` in input order.  Every
FEC read gets exactly one verdict per spec: holds, violated or error.

>>> import rela
>>> from rela.network.model import Fec, Graph
>>> spec = rela.parse_spec("spec same { .* : preserve }")
>>> fec = Fec(0, "k", (), Graph.from_paths([["a", "b"]]), Graph.from_paths([["a", "c"]]))
>>> report = verify(spec, [fec])
>>> report.holds, [v.missing for v in report]
(False, [(('a', 'b'),)])
"""

from __future__ import annotations

import difflib
import itertools
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from rela.check import HOLDS, Letters, Outcome, SpecChecker
from rela.defaults import DEFAULT_FEC_TIMEOUT, DEFAULT_MAX_STATES
from rela.errors import NetworkInputError, RelaError, UsageError
from rela.network.model import Fec, Granularity
from rela.results import FecError, FecRef, Report, SpecResult, Violation, Warning_

__all__ = ["Options", "Verifier", "verify", "DEFAULT_MAX_STATES", "DEFAULT_FEC_TIMEOUT"]

#: Spec names warned about one by one (with the closest locations) per spec.
MAX_NAME_WARNINGS = 20
#: FECs sent to a worker at a time.
BATCH_SIZE = 256


@dataclass(frozen=True)
class Options:
    """Verification options shared by every executor."""

    max_paths: int = 20
    max_states: int = DEFAULT_MAX_STATES
    fec_timeout: float = DEFAULT_FEC_TIMEOUT
    granularity: str = Granularity.DEVICE.value
    groups: Mapping[str, str] | None = None
    #: False: verdicts only, violated FECs get no counterexamples (for timing decisions).
    counterexamples: bool = True


@dataclass(frozen=True)
class _Named:
    name: str
    check: Any


class Verifier:
    """One checker per spec; ``run_fec`` gives one outcome per spec for an FEC."""

    def __init__(self, checks: Sequence[_Named], options: Options) -> None:
        self.names = [c.name for c in checks]
        self.letters = Letters()
        group_level = options.granularity == Granularity.GROUP.value
        self.checkers = [
            SpecChecker(
                c.check,
                self.letters,
                groups=options.groups,
                group_level=group_level,
                max_paths=options.max_paths,
                max_states=options.max_states,
                fec_timeout=options.fec_timeout,
                counterexamples=options.counterexamples,
            )
            for c in checks
        ]
        self.seconds = [0.0] * len(checks)

    def run_fec(self, fec: Fec) -> list[Outcome]:
        out = []
        for i, checker in enumerate(self.checkers):
            t0 = time.perf_counter()
            try:
                outcome = checker.check(fec)
            except RelaError as exc:  # a resource limit
                outcome = Outcome("error", message=exc.message)
            except RecursionError:
                outcome = Outcome("error", message="expression nested too deeply to evaluate")
            except MemoryError:
                outcome = Outcome("error", message="out of memory while checking this FEC")
            except Exception as exc:  # noqa: BLE001 - never lose an FEC to a bug
                outcome = Outcome("error", message=f"internal error: {type(exc).__name__}: {exc}")
            self.seconds[i] += time.perf_counter() - t0
            out.append(outcome)
        return out

    def seen_names(self) -> set[str]:
        ids: set[int] = set()
        for c in self.checkers:
            ids |= c.seen
        return {self.letters.values[i] for i in ids if isinstance(self.letters.values[i], str)}


# ---------------------------------------------------------------------- aggregation


@dataclass
class _SpecAcc:
    name: str
    total: int = 0
    holds: int = 0
    violated: int = 0
    errors: int = 0
    violations: list[Violation] = field(default_factory=list)
    fec_errors: list[FecError] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, ref: FecRef, outcome: Outcome) -> None:
        self.total += 1
        if outcome.verdict == "holds":
            self.holds += 1
        elif outcome.verdict == "violated":
            self.violated += 1
            for f in outcome.flows:
                self.violations.append(
                    Violation(
                        ref,
                        f.flow,
                        f.before,
                        f.after,
                        f.expected,
                        f.actual,
                        f.missing,
                        f.unexpected,
                        f.truncated,
                    )
                )
        else:
            self.errors += 1
            self.fec_errors.append(FecError(ref, outcome.message, outcome.input_error))

    def add_many(self, n: int, special: list[tuple[FecRef, Outcome]]) -> None:
        """``n`` FECs, of which only ``special`` may have a verdict other than holds."""
        self.total += n - len(special)
        self.holds += n - len(special)
        for ref, outcome in special:
            self.add(ref, outcome)

    def result(self) -> SpecResult:
        return SpecResult(
            self.name,
            self.total,
            self.holds,
            self.violated,
            self.errors,
            tuple(self.violations),
            tuple(self.fec_errors),
            self.seconds,
        )


def _ref(fec: Fec) -> FecRef:
    return FecRef(fec.index, fec.key, tuple(t.to_dict() for t in fec.traffic))


# ---------------------------------------------------------------------- executors

_WORKER: dict[str, Any] = {}


def _worker_init(checks: Sequence[_Named], options: Options) -> None:
    _WORKER["verifier"] = Verifier(checks, options)
    _WORKER["reported"] = set()


def _worker_batch(batch: list[Fec]) -> tuple[list[list[Outcome]], list[float], list[str]]:
    verifier: Verifier = _WORKER["verifier"]
    before = list(verifier.seconds)
    outcomes = [verifier.run_fec(fec) for fec in batch]
    spent = [a - b for a, b in zip(verifier.seconds, before)]
    seen = verifier.seen_names()
    new = sorted(seen - _WORKER["reported"])
    _WORKER["reported"] |= seen
    return outcomes, spent, new


PartResult = tuple[int, list[tuple[int, FecRef, list[Outcome]]], list[float], list[str]]


def _worker_part(part: Iterable[Fec]) -> PartResult:
    """Load one part (a chunk file) and check it; only non-holding FECs are sent back."""
    verifier: Verifier = _WORKER["verifier"]
    before = list(verifier.seconds)
    special: list[tuple[int, FecRef, list[Outcome]]] = []
    n = 0
    for fec in part:
        outcomes = verifier.run_fec(fec)
        if any(o is not HOLDS for o in outcomes):
            special.append((fec.index, _ref(fec), outcomes))
        n += 1
    spent = [a - b for a, b in zip(verifier.seconds, before)]
    seen = verifier.seen_names()
    new = sorted(seen - _WORKER["reported"])
    _WORKER["reported"] |= seen
    return n, special, spent, new


def _dask_batch(
    checks: Sequence[_Named], options: Options, batch: list[Fec]
) -> tuple[list[list[Outcome]], list[float], list[str]]:
    key = repr((checks, options))
    if _WORKER.get("dask_key") != key:
        _worker_init(checks, options)
        _WORKER["dask_key"] = key
    return _worker_batch(batch)


def _batches(fecs: Iterable[Fec], size: int) -> Iterator[list[Fec]]:
    batch: list[Fec] = []
    for fec in fecs:
        batch.append(fec)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


BatchResult = tuple[list[list[Outcome]], list[float], list[str]]


def _lost(batch: list[Fec], n_specs: int, why: str) -> BatchResult:
    outcome = Outcome("error", message=why)
    return [[outcome] * n_specs for _ in batch], [0.0] * n_specs, []


def _run_pool(
    checks: Sequence[_Named], options: Options, fecs: Iterable[Fec], jobs: int
) -> Iterator[tuple[list[Fec], BatchResult]]:
    """Batches through a process pool, results in input order; a dead worker costs its batch."""

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(jobs, initializer=_worker_init, initargs=(checks, options))

    pool = new_pool()
    pending: deque[tuple[list[Fec], Future[BatchResult]]] = deque()
    try:
        for batch in _batches(fecs, BATCH_SIZE):
            try:
                pending.append((batch, pool.submit(_worker_batch, batch)))
            except BrokenProcessPool:
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
                pending.append((batch, pool.submit(_worker_batch, batch)))
            while len(pending) > 2 * jobs:
                yield _collect(pending.popleft(), checks, options)
        while pending:
            yield _collect(pending.popleft(), checks, options)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_parts(
    checks: Sequence[_Named], options: Options, parts: Sequence[Iterable[Fec]], jobs: int
) -> Iterator[tuple[Iterable[Fec], PartResult]]:
    """Parts (chunk files) through a process pool: workers load and check their own input.

    Results come back in input order.  A part whose worker died is counted in
    this process and every one of its FECs becomes an error verdict.
    """
    n_specs = len(checks)

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(jobs, initializer=_worker_init, initargs=(checks, options))

    pool = new_pool()
    pending: deque[tuple[Iterable[Fec], Future[PartResult]]] = deque()

    def collect(item: tuple[Iterable[Fec], Future[PartResult]]) -> tuple[Iterable[Fec], PartResult]:
        part, future = item
        try:
            return part, future.result()
        except RelaError:
            raise
        except BrokenProcessPool:  # some worker died: check this part again on its own
            try:
                return part, _alone(_worker_part, part, checks, options)
            except RelaError:
                raise
            except Exception as exc:  # noqa: BLE001
                return part, lost_part(part, exc)
        except Exception as exc:  # noqa: BLE001 - a failed worker: account for every FEC
            return part, lost_part(part, exc)

    def lost_part(part: Iterable[Fec], exc: Exception) -> PartResult:
        """Every FEC of the part (counted here) as an error verdict."""
        why = (
            "worker process died while checking this FEC"
            if isinstance(exc, BrokenProcessPool)
            else f"worker failed: {type(exc).__name__}: {exc}"
        )
        lost = Outcome("error", message=why)
        special = [(fec.index, _ref(fec), [lost] * n_specs) for fec in part]
        return len(special), special, [0.0] * n_specs, []

    try:
        for part in parts:
            try:
                future = pool.submit(_worker_part, part)
            except BrokenProcessPool:
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
                future = pool.submit(_worker_part, part)
            pending.append((part, future))
            while len(pending) > 2 * jobs:
                yield collect(pending.popleft())
        while pending:
            yield collect(pending.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _alone(fn: Callable[[Any], Any], arg: Any, checks: Sequence[_Named], options: Options) -> Any:
    """Run one task in a fresh one-worker pool (after a pool broke: find the culprit)."""
    with ProcessPoolExecutor(1, initializer=_worker_init, initargs=(checks, options)) as pool:
        return pool.submit(fn, arg).result()


def _collect(
    item: tuple[list[Fec], Future[BatchResult]],
    checks: Sequence[_Named],
    options: Options,
) -> tuple[list[Fec], BatchResult]:
    """A batch's result; a batch lost with a broken pool is checked again on its own,
    and only a batch that kills its worker again becomes error verdicts."""
    batch, future = item
    n_specs = len(checks)
    try:
        return batch, future.result()
    except BrokenProcessPool:
        try:
            return batch, _alone(_worker_batch, batch, checks, options)
        except BrokenProcessPool:
            return batch, _lost(batch, n_specs, "worker process died while checking this FEC")
        except Exception as exc:  # noqa: BLE001
            return batch, _lost(batch, n_specs, f"worker failed: {type(exc).__name__}: {exc}")
    except Exception as exc:  # noqa: BLE001
        return batch, _lost(batch, n_specs, f"worker failed: {type(exc).__name__}: {exc}")


def _run_dask(
    checks: Sequence[_Named],
    options: Options,
    fecs: Iterable[Fec],
    jobs: int,
    scheduler: str | None,
) -> Iterator[tuple[list[Fec], BatchResult]]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise UsageError("--executor dask needs the dask extra: pip install 'rela[dask]'") from exc
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    n_specs = len(checks)
    try:
        remote_checks = client.scatter(list(checks), broadcast=True)
        pending: deque[tuple[list[Fec], Any]] = deque()

        def collect(item: tuple[list[Fec], Any]) -> tuple[list[Fec], BatchResult]:
            batch, future = item
            try:
                return batch, future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker or task
                return batch, _lost(
                    batch, n_specs, f"dask task failed: {type(exc).__name__}: {exc}"
                )

        for batch in _batches(fecs, BATCH_SIZE):
            pending.append(
                (batch, client.submit(_dask_batch, remote_checks, options, batch, pure=False))
            )
            while len(pending) > 4 * max(jobs, 1):
                yield collect(pending.popleft())
        while pending:
            yield collect(pending.popleft())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _run_serial(verifier: Verifier, fecs: Iterable[Fec]) -> Iterator[tuple[list[Fec], BatchResult]]:
    for fec in fecs:
        before = list(verifier.seconds)
        outcomes = verifier.run_fec(fec)
        yield [fec], ([outcomes], [a - b for a, b in zip(verifier.seconds, before)], [])


Aggregate = tuple[int, list[tuple[FecRef, list[Outcome]]], list[float], list[str]]


def _special(stream: Iterator[tuple[list[Fec], BatchResult]]) -> Iterator[Aggregate]:
    """Batches as (count, FECs with a non-holding outcome, time, names)."""
    for batch, (outcomes, spent, names) in stream:
        special = [
            (_ref(fec), per_spec)
            for fec, per_spec in zip(batch, outcomes)
            if any(o is not HOLDS for o in per_spec)
        ]
        yield len(batch), special, spent, names


def _shifted(stream: Iterator[tuple[Iterable[Fec], PartResult]]) -> Iterator[Aggregate]:
    """Part results with FEC indices made global (each part's FECs are indexed from 0)."""
    offset = 0
    for _, (n, special, spent, names) in stream:
        yield (
            n,
            [
                (FecRef(offset + local, ref.key, ref.traffic), outcomes)
                for local, ref, outcomes in special
            ],
            spent,
            names,
        )
        offset += n


def _parts_of(change: Any) -> list[Any] | None:
    """The change's parts (chunk files) when workers can load them on their own."""
    get_parts = getattr(change, "parts", None)
    if get_parts is None:
        return None
    parts = list(get_parts())
    return parts if len(parts) > 1 else None


# ---------------------------------------------------------------------- entry point


def _select(spec: Any, names: Sequence[str] | None) -> list[_Named]:
    from rela.compile import compile_module

    compiled = [_Named(c.name, c.check) for c in compile_module(spec)]
    if not names:
        if not compiled:
            raise UsageError("the spec file has no spec or assert block to check")
        return compiled
    by_name = {c.name: c for c in compiled}
    out = []
    for n in names:
        if n not in by_name:
            close = difflib.get_close_matches(n, list(by_name), n=3)
            hint = f"did you mean {', '.join(close)}?" if close else f"specs: {', '.join(by_name)}"
            raise UsageError(f"no spec or assert named {n!r}", hint=hint)
        out.append(by_name[n])
    return out


def verify(
    spec: Any,
    change: Iterable[Fec],
    *,
    specs: Sequence[str] | None = None,
    max_paths: int = 20,
    max_states: int = DEFAULT_MAX_STATES,
    fec_timeout: float = DEFAULT_FEC_TIMEOUT,
    jobs: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Check every FEC of ``change`` against the specs of ``spec`` (a parsed module).

    ``specs`` selects spec/assert blocks by name (default: all, in file order).
    ``jobs`` > 1 uses that many worker processes (0: every core, but small
    changes are checked in this process); ``executor="dask"`` runs the
    batches on a Dask cluster (``scheduler`` address, or an in-process local
    cluster).  ``progress(n)`` is called as FECs are done.  Reports are
    identical whatever the executor.
    """
    t0 = time.perf_counter()
    checks = _select(spec, specs)
    granularity = getattr(change, "granularity", Granularity.DEVICE)
    options = Options(
        max_paths=max_paths,
        max_states=max_states,
        fec_timeout=fec_timeout,
        granularity=getattr(granularity, "value", str(granularity)),
        groups=getattr(change, "groups", None),
    )
    accs = [_SpecAcc(c.name) for c in checks]
    seen: set[str] = set()
    fecs_read = 0
    local: Verifier | None = None
    if jobs == 0 and executor == "dask":
        jobs = default_jobs()
    parts = _parts_of(change) if executor == "local" and jobs != 1 else None
    if parts is not None and jobs == 0:
        jobs = default_jobs()
    if executor == "dask":
        stream = _special(_run_dask(checks, options, change, jobs, scheduler))
    elif executor != "local":
        raise UsageError(f"unknown executor {executor!r} (use local or dask)")
    elif parts is not None:
        stream = _shifted(_run_parts(checks, options, parts, jobs))
    elif jobs > 1 or jobs == 0:
        fecs: Iterable[Fec] = change
        if jobs == 0:  # auto: every core, but a small change is not worth a pool
            it = iter(change)
            head = list(itertools.islice(it, BATCH_SIZE))
            fecs = itertools.chain(head, it)
            jobs = default_jobs() if len(head) == BATCH_SIZE else 1
        if jobs > 1:
            stream = _special(_run_pool(checks, options, fecs, jobs))
        else:
            local = Verifier(checks, options)
            stream = _special(_run_serial(local, fecs))
    else:
        local = Verifier(checks, options)
        stream = _special(_run_serial(local, change))
    for n, special, spent, names in stream:
        for i, acc in enumerate(accs):
            acc.add_many(n, [(ref, outcomes[i]) for ref, outcomes in special])
            acc.seconds += spent[i]
        seen.update(names)
        fecs_read += n
        if progress is not None:
            progress(n)
    if parts is not None and fecs_read == 0:
        raise NetworkInputError(
            "the change contains no FECs", filename=str(getattr(change, "path", "")) or None
        )
    if local is not None:
        seen |= local.seen_names()
    warnings = _name_warnings(checks, seen, options)
    return Report(
        specs=tuple(a.result() for a in accs),
        warnings=tuple(warnings),
        fecs_read=fecs_read,
        seconds=time.perf_counter() - t0,
        meta={"granularity": options.granularity, "jobs": jobs, "executor": executor},
    )


def _name_warnings(checks: Sequence[_Named], seen: set[str], options: Options) -> list[Warning_]:
    """A spec name that matches no location of the input is almost always a typo."""
    from rela.automata.alphabet import Atoms

    out: list[Warning_] = []
    if not seen:
        return out
    devices = sorted({n.split("|")[0] for n in seen} | seen)
    for c in checks:
        atoms = Atoms.collect([c.check], groups=options.groups)
        absent = [n for n in atoms.absent_names(seen) if n != "drop"]
        for name in absent[:MAX_NAME_WARNINGS]:
            close = difflib.get_close_matches(name, devices, n=3, cutoff=0.6)
            msg = f"name {name!r} matches no location of the input"
            if close:
                msg += f"; closest: {', '.join(close)}"
            out.append(Warning_(c.name, msg))
        if len(absent) > MAX_NAME_WARNINGS:
            rest = absent[MAX_NAME_WARNINGS:]
            shown = ", ".join(repr(n) for n in rest[:5])
            more = f" and {len(rest) - 5} more" if len(rest) > 5 else ""
            out.append(Warning_(c.name, f"{len(rest)} more names match no location: {shown}{more}"))
    return out


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
