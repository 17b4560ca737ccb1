"""Checking on a Dask cluster: batches of FECs, or chunk files that the workers read themselves.

For a change made of chunk files, the main process only lists the files and
sends each worker a *part* (a file name, the granularity and the input
filters, a few hundred bytes); the worker opens, decodes and checks the file
and sends back only what the report needs (:data:`PartResult`).  On a cluster
whose workers see the change on shared storage, loading is thus spread across
machines.  Otherwise (one file, FECs given in memory) the main process reads
the FECs and sends them in batches.

As with a process pool, every FEC is accounted for: a task that fails or whose
worker dies is submitted once more, and if that fails too its FECs become
*error* verdicts.  A bad input found by a worker (an unreadable chunk file) is
the same :class:`~rela.errors.RelaError` as in a local run (exit 2).  Workers
keep one :class:`~rela.verify.verifier.Verifier` per run, keyed by a token
that is new for every run, so two runs on one cluster never mix their state.

>>> _window({"tcp://a:1": 1, "tcp://b:1": 2}, jobs=1)
6
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import os
import socket
import threading
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import rela
from rela.check import Outcome
from rela.errors import RelaError, UsageError
from rela.interrupt import result_of
from rela.network.model import Fec
from rela.verify.aggregate import Batch, BatchResult, PartResult, fec_ref
from rela.verify.executors import check_part
from rela.verify.verifier import Named, Options, Verifier

__all__ = ["run_dask", "run_dask_parts", "CONNECT_TIMEOUT_S"]

#: How long to wait for a scheduler (and for its first worker) before giving up, in
#: seconds; Dask configuration ``rela.connect-timeout`` (``DASK_RELA__CONNECT_TIMEOUT``).
CONNECT_TIMEOUT_S = 10.0

# ---------------------------------------------------------------------- worker side

#: Per worker process: run token -> (Verifier, names already sent back); the last few runs.
_RUNS: OrderedDict[str, tuple[Verifier, set[str]]] = OrderedDict()
_KEEP_RUNS = 4
#: A Verifier is not thread-safe: tasks of a multi-threaded worker take turns.
_LOCK = threading.Lock()


def _state(run: str, checks: Sequence[Named], options: Options) -> tuple[Verifier, set[str]]:
    if run not in _RUNS:
        _RUNS[run] = (Verifier(checks, options), set())
        while len(_RUNS) > _KEEP_RUNS:
            _RUNS.popitem(last=False)
    _RUNS.move_to_end(run)
    return _RUNS[run]


def _new_names(verifier: Verifier, reported: set[str]) -> list[str]:
    seen = verifier.seen_names()
    new = sorted(seen - reported)
    reported |= seen
    return new


def _batch_task(
    run: str, checks: Sequence[Named], options: Options, batch: list[Fec]
) -> BatchResult:
    """Check a batch of FECs sent by the main process."""
    with _LOCK:
        verifier, reported = _state(run, checks, options)
        before = list(verifier.seconds)
        outcomes = [verifier.run_fec(fec) for fec in batch]
        spent = [a - b for a, b in zip(verifier.seconds, before)]
        names = _new_names(verifier, reported)
        return outcomes, spent, names, verifier.explainer.take(), verifier.take_cache()


def _part_task(
    run: str, checks: Sequence[Named], options: Options, part: Iterable[Fec], cwd: str
) -> PartResult:
    """Read one part (a chunk file) here, on the worker, and check it.

    Only the FECs that do not hold travel back, with the part's filter tally.
    """
    part = _rooted(part, cwd)
    _must_see(part)
    with _LOCK:
        verifier, reported = _state(run, checks, options)
        return check_part(verifier, part, lambda v: _new_names(v, reported))


def _file_of(part: object) -> Path | None:
    """The file a part reads (a part may wrap another one as ``inner``)."""
    path = getattr(part, "path", None)
    if isinstance(path, Path):
        return path
    inner = getattr(part, "inner", None)
    return _file_of(inner) if inner is not None else None


def _rooted(part: Any, cwd: str) -> Any:
    """``part`` reading its file relative to ``cwd`` (the main process's directory).

    A no-op where the worker runs in that directory, so that messages name the
    file exactly as a local run does.
    """
    if os.getcwd() == cwd:
        return part
    path = getattr(part, "path", None)
    if isinstance(path, Path) and dataclasses.is_dataclass(part) and not isinstance(part, type):
        return part if path.is_absolute() else dataclasses.replace(part, path=Path(cwd) / path)
    inner = getattr(part, "inner", None)
    if inner is None:
        return part
    out = copy.copy(part)
    out.inner = _rooted(inner, cwd)
    return out


def _must_see(part: object) -> None:
    path = _file_of(part)
    if path is not None and not path.exists():
        raise UsageError(
            f"the Dask worker on host {socket.gethostname()} cannot see {os.fspath(path)}",
            hint="every worker must see the change at the same path as `rela check` "
            "(shared storage mounted at the same place)",
        )


def _worker_version() -> str:
    return rela.__version__


# ---------------------------------------------------------------------- main process


def _window(nthreads: dict[str, int], jobs: int) -> int:
    """Tasks in flight: two per worker thread (at least two per job asked for)."""
    return 2 * max(sum(nthreads.values()), jobs, 1)


def _failure(exc: BaseException) -> str:
    return f"dask task failed: {type(exc).__name__}: {exc}"


@contextlib.contextmanager
def _client(scheduler: str | None, jobs: int) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler``, or of a local cluster of ``jobs`` workers.

    An unreachable scheduler, a cluster without workers or workers running
    another version of rela are usage errors (exit 2), found before any task runs.
    """
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise UsageError(
            "executor='dask' needs the dask extra: pip install 'rela-verify[dask]'"
        ) from exc
    cluster = None
    timeout = float(dask.config.get("rela.connect-timeout", CONNECT_TIMEOUT_S))
    if scheduler:
        try:
            client = Client(scheduler, timeout=timeout, set_as_default=False)
        except (OSError, ValueError, TypeError) as exc:
            raise UsageError(
                f"cannot reach the Dask scheduler at {scheduler}: {exc}",
                hint="start one with `dask scheduler` and workers with `dask worker ADDRESS`, "
                "or leave out --scheduler for a local cluster",
            ) from None
    else:
        # a task whose worker died comes back at once; it is retried once by this module
        with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
            cluster = LocalCluster(
                n_workers=max(jobs, 1),
                threads_per_worker=1,
                processes=True,
                # no dashboard, and its HTTP server on a free port: a second run on the
                # same machine must not warn that port 8787 is taken
                dashboard_address=":0",
                scheduler_kwargs={"dashboard": False},
            )
        client = Client(cluster, set_as_default=False)
    try:
        _check_workers(client, scheduler, timeout)
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _check_workers(client: Any, scheduler: str | None, timeout: float) -> None:
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (TimeoutError, OSError):
        raise UsageError(
            f"the Dask scheduler at {scheduler} has no worker",
            hint="start workers with `dask worker ADDRESS --nthreads 1` on machines that "
            "see the change",
        ) from None
    try:
        versions = client.run(_worker_version)
    except Exception as exc:  # noqa: BLE001 - a worker that cannot even import rela
        raise UsageError(
            f"a Dask worker cannot run rela: {type(exc).__name__}: {exc}",
            hint="install the same rela-verify on every worker",
        ) from None
    other = {addr: v for addr, v in versions.items() if v != rela.__version__}
    if other:
        addr, version = sorted(other.items())[0]
        raise UsageError(
            f"the Dask worker {addr} runs rela {version}, this is rela {rela.__version__}",
            hint="install the same rela-verify on every worker",
        )


def _ordered(
    client: Any,
    items: Iterable[Any],
    submit: Callable[[Any], Any],
    lost: Callable[[Any, BaseException], Any],
    window: int,
) -> Iterator[tuple[Any, Any]]:
    """``(item, result)`` in input order, at most ``window`` tasks in flight.

    A failed task is submitted once more; if it fails again, ``lost(item, exc)``
    stands for its result.  A :class:`RelaError` (bad input) is raised as is.
    On the way out (an interrupt, an error) the tasks still queued are cancelled.
    """
    pending: deque[tuple[Any, Any]] = deque()

    def collect(item: Any, future: Any) -> tuple[Any, Any]:
        for attempt in (1, 2):
            try:
                return item, result_of(future)
            except RelaError:
                raise
            except Exception as exc:  # noqa: BLE001 - a lost worker or a failed task
                if attempt == 2:
                    return item, lost(item, exc)
                future = submit(item)
        raise AssertionError("unreachable")  # pragma: no cover

    try:
        for item in items:
            pending.append((item, submit(item)))
            while len(pending) > window:
                yield collect(*pending.popleft())
        while pending:
            yield collect(*pending.popleft())
    finally:
        if pending:
            with contextlib.suppress(Exception):
                client.cancel([f for _, f in pending])


def run_dask(
    checks: Sequence[Named],
    options: Options,
    fecs: Iterable[Fec],
    jobs: int,
    scheduler: str | None,
) -> Iterator[Batch]:
    """Batches read here and checked on a Dask cluster (``scheduler``, or ``jobs`` local workers)."""
    from rela.verify.executors import BATCH_SIZE, batches

    n_specs = len(checks)
    run = uuid.uuid4().hex
    specs = list(checks)
    with _client(scheduler, jobs) as client:
        # The specs travel with every task rather than scattered once: scattered data
        # dies with the worker holding it, and with it every later task of the run.

        def submit(batch: list[Fec]) -> Any:
            return client.submit(_batch_task, run, specs, options, batch, pure=False)

        def lost(batch: list[Fec], exc: BaseException) -> BatchResult:
            outcome = Outcome("error", message=_failure(exc))
            return [[outcome] * n_specs for _ in batch], [0.0] * n_specs, [], [], None

        window = _window(client.nthreads(), jobs)
        yield from _ordered(client, batches(fecs, BATCH_SIZE), submit, lost, window)


def run_dask_parts(
    checks: Sequence[Named],
    options: Options,
    parts: Sequence[Iterable[Fec]],
    jobs: int,
    scheduler: str | None,
) -> Iterator[tuple[Iterable[Fec], PartResult]]:
    """Parts (chunk files) read and checked by Dask workers, results in input order.

    A part lost twice is read here, and each of its FECs becomes an error verdict.
    """
    n_specs = len(checks)
    run = uuid.uuid4().hex
    cwd = os.getcwd()
    specs = list(checks)
    with _client(scheduler, jobs) as client:
        # with every task, not scattered: see run_dask

        def submit(part: Iterable[Fec]) -> Any:
            return client.submit(_part_task, run, specs, options, part, cwd, pure=False)

        def lost(part: Iterable[Fec], exc: BaseException) -> PartResult:
            outcome = Outcome("error", message=_failure(exc))
            found = [(fec.index, fec_ref(fec), [outcome] * n_specs) for fec in part]
            return len(found), found, [0.0] * n_specs, [], getattr(part, "tally", None), [], None

        window = _window(client.nthreads(), jobs)
        yield from _ordered(client, parts, submit, lost, window)
