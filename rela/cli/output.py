"""Writing what a command produces: never over an input, never half-written, never a traceback.

* :func:`refuse_clobber` rejects an ``--output`` that is one of the command's
  inputs (the same file by device and inode, so links and ``./x`` spellings are
  caught), lies inside an input directory (a change directory or a Batfish
  export), or is one of the files of a Batfish export named by a file prefix.
* :func:`emit` writes the output: to a regular file through a temporary file in
  the same directory renamed over the target (an interrupted or failed run
  leaves the previous file or nothing, never a truncated report); to a device
  or FIFO directly; to stdout with a flush, where a closed pipe (``| head -1``)
  or a full device (``> /dev/full``) becomes a one-line message and exit 2.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> (d / "change.json").write_text("[]")
2
>>> try:
...     refuse_clobber(d / "change.json", [d / "change.json"])
... except UsageError as exc:
...     print(exc.message.split(";")[1])
 refusing to overwrite it
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from glob import escape as glob_escape
from pathlib import Path

from rela.errors import RelaError, UsageError

__all__ = ["OutputError", "emit", "input_files", "refuse_clobber", "write_stdout"]


class OutputError(RelaError):
    """The output could not be written (exit 2)."""


def input_files(paths: Iterable[Path | str | None]) -> list[Path]:
    """The paths a command reads: each given path, plus the files of a Batfish export
    named by a file prefix (``exports/base`` for ``exports/base-node.json`` ...)."""
    out: list[Path] = []
    for raw in paths:
        if raw is None or str(raw) == "-":
            continue
        p = Path(raw)
        out.append(p)
        if not p.exists() and p.parent.is_dir():
            out.extend(sorted(p.parent.glob(glob_escape(p.name) + "*")))
    return out


def _identity(p: Path) -> tuple[int, int] | None:
    try:
        st = p.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def refuse_clobber(
    output: Path | None, inputs: Iterable[Path | str | None], option: str = "--output"
) -> None:
    """Raise :class:`UsageError` when writing ``output`` would harm one of ``inputs``."""
    if output is None or str(output) == "-":
        return
    paths = input_files(inputs)
    target = _identity(output)
    # the directories that would contain the output (it may not exist yet)
    parent = output.parent if str(output.parent) else Path(".")
    ancestors = {_identity(a) for a in (parent, *parent.resolve().parents)} - {None}
    for p in paths:
        ident = _identity(p)
        if ident is None:
            continue
        if target is not None and ident == target:
            raise UsageError(
                f"{option} {output} is an input of this command ({p}); refusing to overwrite it",
                hint="write the report somewhere else",
            )
        if p.is_dir() and ident in ancestors:
            raise UsageError(
                f"{option} {output} is inside the input directory {p}; "
                "refusing to write into an input",
                hint="write the report outside the change or export directory",
            )


def emit(text: str | bytes, output: Path | None) -> None:
    """Write ``text`` to ``output`` (atomically for a regular file) or to stdout."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if output is None or str(output) == "-":
        write_stdout(data)
        return
    try:
        st = output.stat()
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(
            f"cannot write the output: {exc.strerror}", filename=str(output)
        ) from None
    try:
        if st is not None and not stat.S_ISREG(st.st_mode):  # /dev/null, a FIFO, a tty
            with open(output, "wb") as fp:
                fp.write(data)
            return
        _write_atomically(output, data, None if st is None else stat.S_IMODE(st.st_mode))
    except OSError as exc:
        raise OutputError(
            f"cannot write the output: {exc.strerror or exc}", filename=str(output)
        ) from None


def _write_atomically(output: Path, data: bytes, mode: int | None) -> None:
    directory = output.parent if str(output.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fp:
            fp.write(data)
            fp.flush()
            os.fsync(fp.fileno())
        if mode is None:  # a new file: the usual permissions, not mkstemp's 0600
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, output)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_stdout(data: bytes) -> None:
    """Write to stdout and flush; a closed or full stdout is an :class:`OutputError`."""
    with _stdout_errors():
        out = getattr(sys.stdout, "buffer", None)
        if out is None:  # a text-only stream (some test runners capture stdout this way)
            sys.stdout.write(data.decode("utf-8"))
            sys.stdout.flush()
        else:
            sys.stdout.flush()
            out.write(data)
            out.flush()


@contextlib.contextmanager
def _stdout_errors() -> Iterator[None]:
    try:
        yield
    except BrokenPipeError:
        _silence_stdout()
        raise OutputError("standard output was closed before the output was written") from None
    except OSError as exc:
        _silence_stdout()
        why = "no space left on the device" if exc.errno == errno.ENOSPC else exc.strerror
        raise OutputError(f"cannot write to standard output: {why}") from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
