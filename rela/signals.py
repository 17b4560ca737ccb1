"""SIGTERM as an exception, so that a run ends the way Ctrl-C ends it.

Python's default on SIGTERM is to die on the spot, leaving worker processes
blocked forever and temporary files behind.  Within :func:`raise_on_sigterm`,
SIGTERM raises :class:`Terminated` in the main thread instead; like
``KeyboardInterrupt`` (SIGINT) it derives from ``BaseException``, so no
``except Exception`` on the way swallows it, and every ``finally`` and context
manager on the way out runs (executors kill their workers, atomic outputs
remove their temporary files).

Python may swallow the exception a signal handler raises: raised inside a
weakref callback of the import machinery (every import runs one), a
``__del__`` or an at-fork hook, it is printed as "Exception ignored" and the
program goes on; raised inside a ``__set_name__`` while a class is created, it
becomes a ``RuntimeError``.  So the handlers installed by
:func:`raise_on_sigterm` (for SIGTERM, and for SIGINT unless it is ignored)
also record the signal: :func:`raise_pending` raises its exception again
wherever a run waits or loops, and :func:`received` lets the console script
end with the signal's status whatever became of the exception.

This module is imported before anything else by the console script
(:mod:`rela.entry`): keep it free of imports from the rest of Rela.

>>> with raise_on_sigterm():
...     pass
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

__all__ = ["Terminated", "raise_on_sigterm", "raise_pending", "received"]

#: SIGINT/SIGTERM received within the outermost :func:`raise_on_sigterm` block.
_RECEIVED: list[int] = []
_DEPTH: list[int] = [0]


class Terminated(BaseException):
    """The process received SIGTERM (exit status 143 by convention)."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    _RECEIVED.append(signum)
    raise Terminated()


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    _RECEIVED.append(signum)
    raise KeyboardInterrupt()


def _quiet_unraisable(args: Any) -> None:
    """``sys.unraisablehook`` within the block: a swallowed SIGINT/SIGTERM exception is not
    printed (it is recorded, and raised again); anything else is, as usual."""
    if args.exc_type is not None and issubclass(args.exc_type, (KeyboardInterrupt, Terminated)):
        return
    sys.__unraisablehook__(args)


def received() -> int | None:
    """The last SIGINT or SIGTERM received in the current :func:`raise_on_sigterm` block."""
    return _RECEIVED[-1] if _RECEIVED else None


def raise_pending() -> None:
    """Raise the exception of a signal received in this block again (Python may have
    swallowed it; see the module docstring); nothing when no signal came.

    >>> raise_pending()
    """
    sig = received()
    if sig == signal.SIGTERM:
        raise Terminated()
    if sig == signal.SIGINT:
        raise KeyboardInterrupt()


@contextlib.contextmanager
def raise_on_sigterm() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` in the main thread (and SIGINT
    ``KeyboardInterrupt``, as by default); both are recorded for :func:`raise_pending`."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    previous_int = signal.getsignal(signal.SIGINT)
    if previous_int is signal.default_int_handler:
        signal.signal(signal.SIGINT, _raise_interrupted)
    _DEPTH[0] += 1
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _quiet_unraisable
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook
        _DEPTH[0] -= 1
        if not _DEPTH[0]:
            _RECEIVED.clear()
        signal.signal(signal.SIGTERM, previous)
        if previous_int is signal.default_int_handler:
            signal.signal(signal.SIGINT, previous_int)
