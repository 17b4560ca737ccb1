"""Shared JSON reading and validation helpers for the network loaders.

:class:`JsonStream` reads one JSON document incrementally: the loaders walk the
top-level structure with it and take one FEC at a time from an array, so a
change of 10^6 FECs is never held in memory.  Each FEC is decoded by the C
scanner of the standard :mod:`json` module (``raw_decode`` on a sliding text
buffer), which measured 2-3x faster than ijson's yajl2_c ``items()`` and
close to orjson on the Rela dataset.  Every failure becomes a
:class:`~rela.errors.NetworkInputError` with the file name and a line:column.

>>> import io
>>> s = JsonStream(io.BytesIO(b'[{"a": 1}, [2]]'), "x.json")
>>> list(s.array_items("the change"))
[{'a': 1}, [2]]
>>> s.end()
"""

from __future__ import annotations

import codecs
import gc
import json
import re
import reprlib
import zlib
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, NoReturn

from rela.errors import NetworkInputError
from rela.network.formats.files import display_path, open_binary, os_error

__all__ = [
    "BLOCK_CHARS",
    "FecProblem",
    "JsonStream",
    "display_path",
    "kind",
    "natural_key",
    "open_binary",
    "problem_text",
    "short",
]

#: Characters read from a file at a time (the buffer grows only for larger FECs).
BLOCK_CHARS = 1 << 20

_WS = re.compile(r"[ \t\n\r]*")
# How close to the end of the buffer a decode error must be to mean "need more input".
_TRUNCATION_MARGIN = 64
# A \uD800-\uDFFF escape: half of a surrogate pair, or a lone surrogate (invalid Unicode).
_SURROGATE_ESCAPE = re.compile(r"(\\+)u[dD]([89a-fA-F])[0-9a-fA-F]{2}")


def _has_surrogate(value: Any) -> bool:
    """Whether a decoded JSON value holds a string with a lone surrogate (iteratively)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if not v.isascii() and any("\ud800" <= c <= "\udfff" for c in v):
                return True
        elif isinstance(v, dict):
            stack.extend(v)
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


def _lone_surrogate_at(text: str, start: int, end: int) -> int:
    """The position of the first lone surrogate escape in ``text[start:end]`` (else ``start``)."""
    pending = -1  # position of an unpaired high surrogate escape
    for m in _SURROGATE_ESCAPE.finditer(text, start, end):
        if len(m.group(1)) % 2 == 0:  # an escaped backslash followed by "ud8.."
            continue
        pos = m.start() + len(m.group(1)) - 1
        high = m.group(2) in "89abAB"
        if pending >= 0:
            if not high and pos == pending + 6:
                pending = -1
                continue
            return pending
        if high:
            pending = pos
        else:
            return pos
    return pending if pending >= 0 else start


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _scanner(pairs_hook: Callable[[list[tuple[str, Any]]], dict[str, Any]]) -> Any:
    """A C ``scan_once(text, pos)`` rejecting NaN/Infinity, building objects with ``pairs_hook``."""
    decoder = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=pairs_hook)
    return decoder.scan_once  # type: ignore[attr-defined]


def _pairs_hook(duplicates: list[str]) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """An ``object_pairs_hook`` building dicts and noting a repeated name in ``duplicates``.

    A repeated name would silently drop data (the last one wins in a dict), so
    the caller reports the value as ambiguous instead.  (A closure over the list,
    not a method, so the stream and its scanner form no reference cycle.)
    """

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            for name, _ in pairs:
                if name in seen:
                    duplicates.append(name)
                    break
                seen.add(name)
        return obj

    return hook


def _scan(scan: Any, text: str, pos: int) -> tuple[Any, int]:
    """Decode the JSON value at ``text[pos:]``; return it and its end."""
    # Decoded JSON holds no reference cycles: running the cyclic garbage
    # collector while the scanner allocates thousands of containers only
    # wastes time (measured: ~40% of the decoding time on the Rela dataset).
    if not gc.isenabled():
        return scan(text, pos)
    gc.disable()
    try:
        return scan(text, pos)
    finally:
        gc.enable()


class FecProblem(NetworkInputError):
    """A malformed part of one FEC (internal: becomes ``Fec.problem``).

    ``field`` is where inside the FEC, e.g. ``graphBefore.sourceNodes[2]``.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, where=field)
        self.field = field


def problem_text(filename: str, index: int, key: str | None, field: str, message: str) -> str:
    """The text of ``Fec.problem``: file, FEC index (and key), field, message.

    >>> problem_text("c.json", 3, None, "graphBefore.sourceNodes", "expected a list")
    'c.json: FEC 3: graphBefore.sourceNodes: expected a list'
    """
    fec = f"FEC {index}" if key is None else f"FEC {index} (key {short(key)})"
    where = f": {field}" if field else ""
    return f"{filename}: {fec}{where}: {message}"


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 80
_REPR.maxlevel = 3
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = 6


def short(value: Any) -> str:
    """``repr(value)`` for messages: bounded in length and depth (input values can be
    megabytes long or nested thousands deep).

    >>> short("a" * 1000)[:12], len(short("a" * 1000)) <= 80, short([[[[[1]]]]])
    ("'aaaaaaaaaaa", True, '[[[[...]]]]')
    """
    return _REPR.repr(value)


def kind(value: Any) -> str:
    """The JSON type name of a decoded value, for messages.

    >>> kind([1]), kind(None), kind(True), kind(2.5)
    ('a list', 'null', 'a boolean', 'a number')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def natural_key(name: str) -> tuple[tuple[Any, ...], str]:
    """Sort key putting ``chunk_2`` before ``chunk_10`` (digit runs compare as numbers).

    >>> sorted(["c_10.json", "c_2.json", "c_1.json"], key=natural_key)
    ['c_1.json', 'c_2.json', 'c_10.json']
    """
    parts = re.split(r"(\d+)", name)
    return tuple(int(p) if i % 2 else p.lower() for i, p in enumerate(parts)), name


class JsonStream:
    """An incremental reader of one JSON document from a binary file.

    The document is decoded as UTF-8 (a BOM is allowed) block by block; values
    are decoded one at a time with the C scanner of :mod:`json`, so only the
    current value and one block of text are in memory.  ``NaN``/``Infinity``,
    integers longer than Python accepts, and nesting deeper than the recursion
    limit are errors, like malformed JSON.
    """

    def __init__(self, fp: BinaryIO, filename: str, block: int | None = None) -> None:
        self._fp = fp
        self.filename = filename
        self._block = block or BLOCK_CHARS
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
        self._bytes_read = 0
        self.buf = ""
        self.pos = 0
        self.eof = False
        self._line = 0  # newlines before buf[0]
        self._col0 = 0  # characters between the last such newline and buf[0]
        #: Names that occurred twice in one JSON object of the last value read.
        self.duplicates: list[str] = []
        self._scan_once = _scanner(_pairs_hook(self.duplicates))

    # -- reading ---------------------------------------------------------------

    def _refill(self) -> None:
        """Drop the consumed text and append the next block (at least doubling big items)."""
        buf, pos = self.buf, self.pos
        newlines = buf.count("\n", 0, pos)
        if newlines:
            self._line += newlines
            self._col0 = pos - buf.rfind("\n", 0, pos) - 1
        else:
            self._col0 += pos
        keep = buf[pos:]
        want = max(self._block, len(keep))
        try:
            data = self._fp.read(want)
        except (OSError, EOFError, zlib.error) as exc:
            raise os_error(self.filename, exc) from None
        try:
            text = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            offset = self._bytes_read + max(0, exc.start)
            raise NetworkInputError(
                f"not valid UTF-8 text (byte offset {offset}: {exc.reason})",
                filename=self.filename,
            ) from None
        self._bytes_read += len(data)
        if not data:
            self.eof = True
        self.buf = keep + text
        self.pos = 0

    def skip_ws(self) -> str:
        """Skip whitespace; return the next character ('' at the end of the file)."""
        while True:
            match = _WS.match(self.buf, self.pos)
            assert match is not None
            self.pos = match.end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if self.eof:
                return ""
            self._refill()

    def value(self) -> Any:
        """Decode the next JSON value."""
        self.skip_ws()
        while True:
            self.duplicates.clear()
            try:
                obj, end = _scan(self._scan_once, self.buf, self.pos)
            except StopIteration as exc:
                pos, msg = exc.value, "Expecting value"
            except json.JSONDecodeError as exc:
                pos, msg = exc.pos, exc.msg
            except RecursionError:
                self.fail("JSON nested too deeply", self.pos)
            except (ValueError, OverflowError) as exc:
                self.fail(f"invalid JSON value ({exc})", self.pos)
            else:
                if end < len(self.buf) or self.eof:
                    buf, start = self.buf, self.pos
                    if (
                        buf.find("\\ud", start, end) >= 0 or buf.find("\\uD", start, end) >= 0
                    ) and _has_surrogate(obj):
                        self.fail(
                            "invalid JSON: a \\u escape makes a lone surrogate (not valid Unicode)",
                            _lone_surrogate_at(buf, start, end),
                        )
                    self.pos = end
                    return obj
                self._refill()  # the value touches the end of the buffer: it may go on
                continue
            if not self.eof and (
                pos >= len(self.buf) - _TRUNCATION_MARGIN or msg.startswith("Unterminated string")
            ):
                self._refill()
                continue
            if pos >= len(self.buf) or msg.startswith("Unterminated string"):
                self.fail(f"invalid JSON: unexpected end of file ({msg})", pos)
            self.fail(f"invalid JSON: {msg}", pos)

    def expect(self, char: str, what: str) -> None:
        """Consume ``char`` (after whitespace) or fail saying ``what`` was expected."""
        got = self.skip_ws()
        if got != char:
            self.fail(f"expected {what}, found {self._describe(got)}", self.pos)
        self.pos += 1

    def array_items(self, what: str) -> Iterator[Any]:
        """Decode the elements of the JSON array that comes next, one by one."""
        if self.skip_ws() != "[":
            self.fail(f"{what} must be a JSON list, found {self._describe(self.skip_ws())}")
        self.pos += 1
        if self.skip_ws() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            got = self.skip_ws()
            self.pos += 1
            if got == "]":
                return
            if got != ",":
                self.pos -= 1
                self.fail(
                    f"invalid JSON: expected ',' or ']' in {what}, found {self._describe(got)}"
                )

    def end(self) -> None:
        """Check that only whitespace is left."""
        got = self.skip_ws()
        if got:
            self.fail(
                f"invalid JSON: extra data after the end of the document: {self._describe(got)}"
            )

    # -- errors ------------------------------------------------------------------

    def line_col(self, pos: int | None = None) -> tuple[int, int]:
        """1-based line and column of buffer position ``pos`` (default: the current one)."""
        pos = self.pos if pos is None else pos
        newlines = self.buf.count("\n", 0, pos)
        if newlines:
            return self._line + newlines + 1, pos - self.buf.rfind("\n", 0, pos)
        return self._line + 1, self._col0 + pos + 1

    def _describe(self, char: str) -> str:
        if not char:
            return "the end of the file"
        snippet = self.buf[self.pos : self.pos + 24]
        return repr(snippet) if len(snippet) > 1 else repr(char)

    def fail(self, message: str, pos: int | None = None) -> NoReturn:
        """Raise a :class:`NetworkInputError` at ``pos`` (a text position in the buffer)."""
        line, col = self.line_col(pos)
        raise NetworkInputError(message, filename=self.filename, line=line, column=col)
