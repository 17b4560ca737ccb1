"""Writing what a command produces: never over an input, never half-written, never a traceback.

* :func:`check_output` runs before any work: it rejects an ``--output`` that is
  one of the command's inputs (:func:`refuse_clobber`: the same file by device
  and inode, so links and ``./x`` spellings are caught; a path inside an input
  directory such as a change directory or a Batfish export; one of the files of
  a Batfish export named by a file prefix), and an output that cannot be
  written at all (a directory, a missing parent directory), so a long run never
  ends in "cannot write".
* :func:`open_output` is where the output goes, as a binary stream: a regular
  file is written through a temporary file in the same directory and renamed
  over the target when the command succeeds (an interrupted or failed run
  leaves the previous file or nothing, never a truncated report); a device or
  FIFO is written directly; stdout is flushed after each write, and a closed
  pipe (``| head -1``) or a full device (``> /dev/full``) becomes an
  :class:`OutputError`, which the commands turn into one line and exit 2.
* :func:`emit` writes a whole text at once through :func:`open_output`.

``-`` (or no ``--output``) is stdout.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> (d / "change.json").write_text("[]")
2
>>> try:
...     refuse_clobber(d / "change.json", [d / "change.json"])
... except UsageError as exc:
...     print(exc.message.split(";")[1])
 refusing to overwrite it
>>> with open_output(d / "report.txt") as out:
...     _ = out.write(b"PASS\\n")
>>> (d / "report.txt").read_text()
'PASS\\n'
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
from typing import Protocol

from rela.errors import RelaError, UsageError

__all__ = [
    "OutputError",
    "Sink",
    "check_output",
    "emit",
    "input_files",
    "is_stdout",
    "open_output",
    "refuse_clobber",
    "write_stdout",
]


class OutputError(RelaError):
    """The output could not be written (exit 2)."""


class Sink(Protocol):
    """Where a command writes its output (see :func:`open_output`)."""

    def write(self, data: bytes, /) -> int: ...


def is_stdout(output: Path | str | None) -> bool:
    """``None`` and ``-`` mean standard output.

    >>> is_stdout(None), is_stdout("-"), is_stdout(Path("r.json"))
    (True, True, False)
    """
    return output is None or str(output) == "-"


def input_files(paths: Iterable[Path | str | None]) -> list[Path]:
    """The paths a command reads: each given path, plus the files of a Batfish export
    named by a file prefix (``exports/base`` for ``exports/base-node.json`` ...)."""
    out: list[Path] = []
    for raw in paths:
        if is_stdout(raw):
            continue
        assert raw is not None
        p = Path(raw)
        out.append(p)
        try:
            if not p.exists() and p.parent.is_dir():
                out.extend(sorted(p.parent.glob(glob_escape(p.name) + "*")))
        except OSError:  # a name too long, a loop of links: not an input we can harm
            continue
    return out


def _identity(p: Path) -> tuple[int, int] | None:
    try:
        st = p.stat()
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino)


def _is_dir(p: Path) -> bool:
    try:
        return p.is_dir()
    except (OSError, ValueError):
        return False


def refuse_clobber(
    output: Path | None, inputs: Iterable[Path | str | None], option: str = "--output"
) -> None:
    """Raise :class:`UsageError` when writing ``output`` would harm one of ``inputs``."""
    if is_stdout(output):
        return
    assert output is not None
    paths = input_files(inputs)
    target = _identity(output)
    # the directories that would contain the output (it may not exist yet)
    parent = output.parent if str(output.parent) else Path(".")
    try:
        chain = (parent, *parent.resolve().parents)
    except (OSError, RuntimeError):
        chain = (parent,)
    ancestors = {_identity(a) for a in chain} - {None}
    for p in paths:
        ident = _identity(p)
        if ident is None:
            continue
        if target is not None and ident == target:
            raise UsageError(
                f"{option} {output} is an input of this command ({p}); refusing to overwrite it",
                hint="write the report somewhere else",
            )
        if _is_dir(p) and ident in ancestors:
            raise UsageError(
                f"{option} {output} is inside the input directory {p}; "
                "refusing to write into an input",
                hint="write the report outside the change or export directory",
            )


def check_output(
    output: Path | None, inputs: Iterable[Path | str | None], option: str = "--output"
) -> None:
    """Refuse, before any work, an ``output`` that is an input or that cannot be written.

    >>> check_output(Path("/nonexistent-dir/report.json"), [])
    Traceback (most recent call last):
    ...
    rela.cli.output.OutputError: /nonexistent-dir/report.json: error: cannot write --output: \
the directory /nonexistent-dir does not exist
    """
    if is_stdout(output):
        return
    assert output is not None
    refuse_clobber(output, inputs, option)
    name = str(output)
    if _is_dir(output):
        raise OutputError(f"cannot write {option}: it is a directory", filename=name)
    parent = output.parent if str(output.parent) else Path(".")
    if not _is_dir(parent):
        why = "is not a directory" if parent.exists() else "does not exist"
        raise OutputError(f"cannot write {option}: the directory {parent} {why}", filename=name)
    try:
        st = output.stat()
    except FileNotFoundError:
        st = None
    except (OSError, ValueError) as exc:
        raise OutputError(f"cannot write {option}: {_why(exc)}", filename=name) from None
    if st is not None and stat.S_ISREG(st.st_mode) and not os.access(output, os.W_OK):
        raise OutputError(f"cannot write {option}: permission denied", filename=name)
    if (st is None or stat.S_ISREG(st.st_mode)) and not os.access(parent, os.W_OK | os.X_OK):
        # the report is written to a temporary file in the same directory, then renamed
        raise OutputError(
            f"cannot write {option}: the directory {parent} is not writable", filename=name
        )


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "no space left on the device"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[0].lower() + exc.strerror[1:]
    return str(exc)


def emit(text: str | bytes, output: Path | None) -> None:
    """Write ``text`` to ``output`` (atomically for a regular file) or to stdout."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    with open_output(output) as out:
        out.write(data)


@contextlib.contextmanager
def open_output(output: Path | None) -> Iterator[Sink]:
    """A binary stream to ``output``, committed when the ``with`` block ends normally.

    Regular files are replaced atomically (a temporary file renamed over the
    target, keeping its permissions); if the block raises, the target is left as
    it was.  Write errors (a full disk, a closed stdout) raise :class:`OutputError`.
    """
    if is_stdout(output):
        yield _Stdout()
        return
    assert output is not None
    name = str(output)
    try:
        target = Path(os.path.realpath(output))  # write through a symlink, not over it
        st = target.stat()
    except FileNotFoundError:
        st = None
    except (OSError, ValueError) as exc:
        raise OutputError(f"cannot write the output: {_why(exc)}", filename=name) from None
    if st is not None and not stat.S_ISREG(st.st_mode):  # /dev/null, a FIFO, a tty
        try:
            fd = os.open(target, os.O_WRONLY)
        except OSError as exc:
            raise OutputError(f"cannot write the output: {_why(exc)}", filename=name) from None
        try:
            with _file_errors(name):
                sink = _FdSink(fd)
                yield sink
                sink.flush()
        finally:
            with contextlib.suppress(OSError):
                os.close(fd)
        return
    with (
        _file_errors(name),
        _atomic(target, None if st is None else stat.S_IMODE(st.st_mode)) as tmp,
    ):
        yield tmp


@contextlib.contextmanager
def _file_errors(name: str) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise OutputError(f"cannot write the output: {_why(exc)}", filename=name) from None


def _write_all(fd: int, data: bytes | bytearray) -> None:
    """``os.write`` until every byte is written (a short write is not an error, a lost
    byte would be); errors such as ENOSPC or EPIPE raise ``OSError``."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class _FdSink:
    """A descriptor as a :class:`Sink`, buffered in blocks of 64 KiB."""

    BLOCK = 1 << 16

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.pending = bytearray()

    def write(self, data: bytes, /) -> int:
        self.pending += data
        if len(self.pending) >= self.BLOCK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        _write_all(self.fd, self.pending)
        self.pending.clear()


@contextlib.contextmanager
def _atomic(output: Path, mode: int | None) -> Iterator[_FdSink]:
    directory = output.parent if str(output.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{output.name}.", suffix=".tmp")
    try:
        try:
            sink = _FdSink(fd)
            yield sink
            sink.flush()
            os.fsync(fd)
        finally:
            os.close(fd)
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


class _Stdout:
    """Standard output as a :class:`Sink`: each write is flushed, errors become OutputError."""

    def write(self, data: bytes, /) -> int:
        write_stdout(data)
        return len(data)


def write_stdout(data: bytes) -> None:
    """Write to stdout and flush; a closed or full stdout is an :class:`OutputError`.

    On a real descriptor the bytes go through ``os.write`` until all are
    written: a buffered writer may report a short write to a pipe whose reader
    went away as a success and drop the rest silently.
    """
    with _stdout_errors():
        stream = sys.stdout
        stream.flush()
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            buffer.flush()
        try:
            fd: int | None = stream.fileno()
        except (AttributeError, OSError, ValueError):  # captured by a test runner
            fd = None
        if fd is not None:
            _write_all(fd, data)
        elif buffer is not None:
            buffer.write(data)
            buffer.flush()
        else:
            stream.write(data.decode("utf-8"))
            stream.flush()


@contextlib.contextmanager
def _stdout_errors() -> Iterator[None]:
    try:
        yield
    except BrokenPipeError:
        _silence_stdout()
        raise OutputError("standard output was closed before the output was written") from None
    except (OSError, ValueError) as exc:  # ValueError: a closed file object
        _silence_stdout()
        raise OutputError(f"cannot write to standard output: {_why(exc)}") from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
