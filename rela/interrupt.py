"""Ending a run cleanly on SIGINT and SIGTERM, worker processes included.

Used by every process pool: ``rela check``'s executors (:mod:`rela.verify.executors`)
and ``rela diff``'s (:mod:`rela.diff.run`).

* :func:`raise_on_sigterm` (from :mod:`rela.signals`) turns SIGTERM into a
  :class:`Terminated` exception in the main thread; SIGINT already raises
  ``KeyboardInterrupt``.  Both derive from ``BaseException``, so no ``except
  Exception`` on the way swallows them, and every executor kills its workers
  on the way out.
* :func:`worker_setup` runs first in every worker process: the worker ignores
  SIGINT (a terminal's Ctrl-C reaches the whole process group; the main
  process decides, and a worker must not print a ``KeyboardInterrupt``
  traceback), dies quietly on SIGTERM, and dies with its parent even if the
  parent is killed outright (Linux ``PR_SET_PDEATHSIG``).
* :func:`signals_held` holds SIGINT and SIGTERM back while a pool forks its
  workers: Python runs its at-fork hooks (``logging``'s, for one) as Python
  code, and a ``KeyboardInterrupt`` raised inside one is printed as "Exception
  ignored" and lost — the run would go on as if Ctrl-C had never been pressed.
  Held back, the signal arrives the moment the fork is done.
* :func:`kill_pool` ends a pool's workers at once instead of waiting for the
  FECs they are checking.
* :func:`result_of` waits for a worker's result while looking for a signal
  whose exception Python swallowed (:mod:`rela.signals`): raised inside the
  import machinery's weakref callbacks, a Ctrl-C during a lazy import used to
  leave the main process waiting for its workers to finish.

>>> with raise_on_sigterm():
...     pass
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from rela.signals import Terminated, raise_on_sigterm, raise_pending

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

__all__ = [
    "Terminated",
    "raise_on_sigterm",
    "result_of",
    "signals_held",
    "worker_setup",
    "kill_pool",
]

#: The signals that end a run.
_ENDING = {signal.SIGINT, signal.SIGTERM}


def _parent_death_signal(parent: int) -> None:
    """Ask Linux to SIGKILL this process when its parent dies (no-op elsewhere)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent:  # the parent died before prctl: follow it now
        os._exit(1)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM wait (in the main thread); on leaving it a
    signal that came meanwhile is delivered.  Threads started in the block (a pool's
    manager and feeder threads) keep them blocked for good, so the signal always
    reaches the main thread's handler, never a hook that would swallow it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _ENDING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def worker_setup(parent: int) -> None:
    """Signal dispositions of a worker process whose parent is ``parent``.

    The worker was forked with SIGINT and SIGTERM held (:func:`signals_held`):
    its dispositions are set first, then the signals are let through.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _ENDING)
    _parent_death_signal(parent)


def kill_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: kill its worker processes, then cancel what is queued.

    The workers are reaped *before* the pool is told to shut down: a pool
    that still sees live workers sends each a stop sentinel through its call
    queue, and a sentinel written while the queue is being torn down makes
    the queue's feeder thread print an ``OSError`` traceback.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for p in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            p.kill()
    for p in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError, AssertionError):
            p.join(timeout=1)
    pool.shutdown(wait=False, cancel_futures=True)


def result_of(future: Any, poll: float = 0.2) -> Any:
    """``future.result()``, looking every ``poll`` seconds for a signal whose exception
    Python swallowed (:func:`rela.signals.raise_pending`): the main process must not go
    on waiting for a worker after Ctrl-C or SIGTERM.  Works for ``concurrent.futures``
    and Dask futures alike (both have ``done()``)."""
    while not future.done():
        raise_pending()
        with contextlib.suppress(Exception):  # a timeout, or the task's own error (below)
            future.result(timeout=poll)
    raise_pending()
    return future.result()
