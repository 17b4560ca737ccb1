"""SIGTERM as an exception, so that a run ends the way Ctrl-C ends it.

Python's default on SIGTERM is to die on the spot, leaving worker processes
blocked forever and temporary files behind.  Within :func:`raise_on_sigterm`,
SIGTERM raises :class:`Terminated` in the main thread instead; like
``KeyboardInterrupt`` (SIGINT) it derives from ``BaseException``, so no
``except Exception`` on the way swallows it, and every ``finally`` and context
manager on the way out runs (executors kill their workers, atomic outputs
remove their temporary files).

This module is imported before anything else by the console script
(:mod:`rela.entry`): keep it free of imports from the rest of Rela.

>>> with raise_on_sigterm():
...     pass
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

__all__ = ["Terminated", "raise_on_sigterm"]


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
