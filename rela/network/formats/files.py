"""Opening input files safely: regular files only, compressed files bounded.

Every loader opens its files with :func:`open_binary`, so that

* a FIFO, a socket or a device (``/dev/zero``, ``/dev/stdin``...) is refused
  with a message naming it, instead of blocking forever or reading without end
  (the file is opened without blocking, checked with ``fstat``, and only then
  read: no race between the check and the read);
* a ``*.gz`` file is decompressed on the fly, and refused as soon as it
  inflates beyond :func:`inflation_limit` (a decompression bomb: a 510 KB
  file inflating to 512 MiB would otherwise exhaust memory);
* every failure is a :class:`~rela.errors.NetworkInputError` naming the file.

>>> import tempfile, os
>>> fifo = os.path.join(tempfile.mkdtemp(), "c.json"); os.mkfifo(fifo)
>>> open_binary(Path(fifo))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
rela.errors.NetworkInputError: /tmp/.../c.json: error: not a regular file (a named pipe (FIFO)): refusing to read it
hint: give a file on disk (Rela does not read pipes or devices)
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import zlib
from pathlib import Path
from typing import BinaryIO

from rela.errors import NetworkInputError

__all__ = [
    "INFLATION_FLOOR",
    "INFLATION_RATIO",
    "display_path",
    "file_kind",
    "inflation_limit",
    "open_binary",
    "os_error",
]

#: A compressed input may inflate to ``INFLATION_RATIO`` times its size ...
INFLATION_RATIO = 100
#: ... or to ``INFLATION_FLOOR`` bytes, whichever is larger.
INFLATION_FLOOR = 64 << 20

# Looked up at call time (tests simulate unreadable files by replacing it).
_os_open = os.open

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a directory"),
)


def display_path(path: Path) -> str:
    """How a file is named in messages: as given (relative paths stay relative)."""
    return os.fspath(path)


def file_kind(mode: int) -> str:
    """What a non-regular file is, for messages.

    >>> file_kind(stat.S_IFIFO), file_kind(stat.S_IFREG)
    ('a named pipe (FIFO)', 'a regular file')
    """
    for test, what in _KINDS:
        if test(mode):
            return what
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def inflation_limit(compressed_size: int) -> int:
    """How many bytes a compressed file of ``compressed_size`` bytes may inflate to.

    >>> inflation_limit(1_000) == INFLATION_FLOOR, inflation_limit(10 << 20) == 1000 << 20
    (True, True)
    """
    return max(INFLATION_FLOOR, INFLATION_RATIO * compressed_size)


def _size(n: int) -> str:
    """``1536`` -> ``'1.5 KiB'``."""
    value = float(n)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{n} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def os_error(path: Path | str, exc: BaseException) -> NetworkInputError:
    """An :class:`OSError` (or a gzip error) while opening or reading ``path``, for people."""
    if isinstance(exc, FileNotFoundError):
        msg = "no such file or directory"
    elif isinstance(exc, PermissionError):
        msg = "permission denied"
    elif isinstance(exc, IsADirectoryError):
        msg = "is a directory, expected a file"
    elif isinstance(exc, (gzip.BadGzipFile, zlib.error, EOFError)):
        msg = f"not a valid gzip file ({exc})" if str(exc) else "truncated gzip file"
    else:
        msg = f"cannot read: {getattr(exc, 'strerror', None) or exc}"
    return NetworkInputError(msg, filename=str(path))


class _Inflated(io.RawIOBase):
    """The decompressed bytes of a gzip file, refused past ``limit`` bytes."""

    def __init__(self, raw: BinaryIO, name: str, compressed: int) -> None:
        super().__init__()
        self._raw = raw
        self._gz = gzip.GzipFile(fileobj=raw, mode="rb")
        self._name = name
        self._compressed = compressed
        self._limit = inflation_limit(compressed)
        self._total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            n = self._gz.readinto(buffer)
        except (OSError, EOFError, zlib.error) as exc:
            raise os_error(self._name, exc) from None
        self._total += n
        if self._total > self._limit:
            raise NetworkInputError(
                f"decompresses to more than {_size(self._limit)} (the limit for a compressed "
                f"file of {_size(self._compressed)}: {INFLATION_RATIO} times its size, at least "
                f"{_size(INFLATION_FLOOR)}): refusing a likely decompression bomb",
                filename=self._name,
                hint="if the file is genuine, decompress it (gunzip) and give the .json file",
            )
        return n

    def close(self) -> None:
        try:
            self._gz.close()
        finally:
            self._raw.close()
            super().close()


def open_binary(path: Path) -> BinaryIO:
    """Open a regular file for reading bytes, transparently gunzipping ``*.gz`` files.

    Raises :class:`NetworkInputError` for a missing, unreadable or non-regular
    file; reading a ``*.gz`` file raises it once the file inflates beyond
    :func:`inflation_limit`.
    """
    name = display_path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = _os_open(path, flags)
    except (OSError, ValueError) as exc:
        raise os_error(name, exc) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise os_error(name, IsADirectoryError(name))
        if not stat.S_ISREG(info.st_mode):
            raise NetworkInputError(
                f"not a regular file ({file_kind(info.st_mode)}): refusing to read it",
                filename=name,
                hint="give a file on disk (Rela does not read pipes or devices)",
            )
        os.set_blocking(fd, True)
        raw = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    if path.name.endswith(".gz"):
        return io.BufferedReader(_Inflated(raw, name, info.st_size))
    return raw
