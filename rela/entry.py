"""The ``rela`` console script: the command line, ended cleanly by Ctrl-C or SIGTERM.

A terminal's Ctrl-C can come at any moment, including while the command's
modules are still being imported, and SIGTERM from a CI runner likewise.
Either ends the run with one line on stderr (``interrupted`` or
``terminated``) and exit status 130 or 143, never a traceback.  Commands
clean up on the way out (workers stopped, a temporary report removed) and
exit with that status; the line is written here, once, whichever layer
turned the signal into the status (typer itself turns a ``KeyboardInterrupt``
outside a command's own handling into a silent exit 130).  After an
interrupt the process leaves with ``os._exit`` once stdout and stderr are
flushed: the ``atexit`` handlers of a killed process pool (or of a Dask
client) would otherwise wait on threads that can only fail, and print their
failures.

A normal exit collects the run's garbage once and then freezes what is left
(:func:`gc.freeze`) before the interpreter shuts down: the shutdown collects
several times while it tears the modules down, about 0.1 s for the 40,000
objects a command holds — a quarter of a short command's wall time.  The
``atexit`` handlers and the module teardown still run; only objects that
become cyclic garbage during the teardown are left to the operating system.

One extension module cannot be interrupted while it loads: orjson's
initialisation imports standard modules and dereferences what they return
unchecked, so a ``KeyboardInterrupt`` raised inside one of those imports
crashes the process (a segmentation fault, status -11, no message; seen about
once in a hundred runs interrupted 0.2 s after the start on a loaded machine).
The console script therefore loads orjson first, with SIGINT and SIGTERM held
back (:func:`_load_uninterruptible`); a signal that comes meanwhile is
delivered the moment the import is done.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys

from rela.signals import Terminated, raise_on_sigterm, received

__all__ = ["main", "EXIT_INTERRUPTED", "EXIT_TERMINATED"]

#: Exit status after SIGINT (128 + 2) and SIGTERM (128 + 15), as shells report them.
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
#: The command line being run, read by :mod:`rela.cli` when it is imported: it then
#: registers only the command named there (None: every command).
ARGV: list[str] | None = None


def _run() -> int | str | None:
    """The command's exit status (the argument of its ``SystemExit``); 130 or 143 when
    SIGINT or SIGTERM came, whatever became of its exception (:mod:`rela.signals`)."""
    try:
        with raise_on_sigterm():
            code = _command()
            sig = received()
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Terminated:
        return EXIT_TERMINATED
    if sig is not None:
        return EXIT_TERMINATED if sig == signal.SIGTERM else EXIT_INTERRUPTED
    return code


#: Extension modules whose initialisation crashes when a signal's exception is raised
#: inside it (module docstring); every command needs them anyway.
_UNINTERRUPTIBLE = ("orjson",)


def _load_uninterruptible() -> None:
    """Import :data:`_UNINTERRUPTIBLE` with SIGINT and SIGTERM held back; a signal that
    came meanwhile is delivered after the imports."""
    from rela.interrupt import signals_held

    with signals_held():
        for name in _UNINTERRUPTIBLE:
            __import__(name)


def _command() -> int | str | None:
    global ARGV
    try:
        ARGV = sys.argv[1:]  # rela.cli registers only the command named here
        _load_uninterruptible()
        from rela.cli import app

        app()
    except SystemExit as exc:
        return exc.code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Terminated:
        return EXIT_TERMINATED
    except Exception:
        if received() is None:
            raise
        return None  # a signal's exception Python turned into another one: see _run
    return 0


def _say(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(message + "\n")


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()


def _leave_on_signal(code: int) -> None:
    """Once the command is done: SIGINT or SIGTERM during the interpreter's teardown
    ends the process at once with the command's own status.  The work is done and its
    output flushed; left to Python, the signal's exception is raised inside the teardown
    and printed as "Exception ignored in ... threading._shutdown"."""
    _flush()

    def leave(signum: int, frame: object) -> None:
        os._exit(code)

    for sig in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, leave)


def main() -> None:
    """Entry point of the ``rela`` console script (and of ``python -m rela``)."""
    code = _run()
    if code in (EXIT_INTERRUPTED, EXIT_TERMINATED):
        _say("interrupted" if code == EXIT_INTERRUPTED else "terminated")
        _flush()
        os._exit(int(code))
    if code is None or isinstance(code, int):
        _leave_on_signal(code or 0)
    gc.collect()  # the run's own cyclic garbage, finalised now
    gc.freeze()  # and not traversed again and again by the shutdown (module docstring)
    sys.exit(code)
