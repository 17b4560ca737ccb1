"""Ending a run cleanly on SIGINT and SIGTERM, worker processes included.

* :func:`raise_on_sigterm` turns SIGTERM into a :class:`Terminated` exception in
  the main thread (Python's default is to die on the spot, leaving worker
  processes blocked forever); SIGINT already raises ``KeyboardInterrupt``.
  Both derive from ``BaseException``, so no ``except Exception`` on the way
  swallows them, and every executor kills its workers on the way out.
* :func:`worker_setup` runs first in every worker process: the worker ignores
  SIGINT (a terminal's Ctrl-C reaches the whole process group; the main
  process decides, and a worker must not print a ``KeyboardInterrupt``
  traceback), dies quietly on SIGTERM, and dies with its parent even if the
  parent is killed outright (Linux ``PR_SET_PDEATHSIG``).
* :func:`kill_pool` ends a pool's workers at once instead of waiting for the
  FECs they are checking.

>>> with raise_on_sigterm():
...     pass
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from types import FrameType

__all__ = ["Terminated", "raise_on_sigterm", "worker_setup", "kill_pool"]


class Terminated(BaseException):
    """The process received SIGTERM (exit status 143 by convention)."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


@contextlib.contextmanager
def raise_on_sigterm() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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


def worker_setup(parent: int) -> None:
    """Signal dispositions of a worker process whose parent is ``parent``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _parent_death_signal(parent)


def kill_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: cancel what is queued and kill its worker processes."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for p in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            p.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError, AssertionError):
            p.join(timeout=1)
