"""The fast path of the loaders: a JSON array decoded by orjson, one segment at a time.

A change file is a JSON array of FECs.  :func:`array_segments` reads it in
blocks of :data:`SEGMENT_BYTES`, cuts each block at the last boundary between
two top-level elements (``}``, ``,``, ``{"ipTrafficKeys"``: found by a short
backward search from the end of the block) and decodes the elements before it
with one ``orjson.loads`` call.  Memory stays bounded by a block and its
decoded elements, however large the file.

The fast path never decides anything on its own about malformed input: when it
cannot vouch for a segment it raises :class:`Unsure`, and the caller reads the
file again with the exact streaming reader
(:class:`~rela.network.formats.common.JsonStream`), the reference for every
error message.  It is unsure when

* orjson refuses the text (invalid JSON or UTF-8, lone surrogates, ``NaN``, a
  bad cut inside a string, trailing data...);
* a JSON object *might* repeat a name (orjson silently keeps the last value):
  the text has as many ``:`` as name/value pairs plus colons inside strings, so
  when the pairs of the decoded objects (counted by the caller's ``pairs``,
  a lower bound) fall short of the ``:`` of the text, the segment is encoded
  again and its ``:`` compared (exact unless a string escapes a colon as
  ``\\u003a``, which is then unsure too);
* an element is larger than :data:`MAX_SEGMENT_BYTES`.

>>> import io
>>> fp = io.BytesIO(b'[{"key": "a"}, {"key": "b"},\\n {"key": "c"}]')
>>> list(array_segments(fp, (b'"key"',), len, block=32))
[[{'key': 'a'}, {'key': 'b'}], [{'key': 'c'}]]
>>> list(array_segments(io.BytesIO(b'[{"key": 1, "key": 2}]'), (b'"key"',), len))
Traceback (most recent call last):
...
rela.network.formats.fastjson.Unsure: a name may be repeated in an object
"""

from __future__ import annotations

import codecs
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

import orjson

__all__ = ["MAX_SEGMENT_BYTES", "SEGMENT_BYTES", "Unsure", "array_segments"]

#: Bytes read at a time (each block becomes one segment of whole elements).
SEGMENT_BYTES = 1 << 20
#: A buffer that grows beyond this without a boundary between elements is left
#: to the exact reader (whose memory per element is smaller).
MAX_SEGMENT_BYTES = 64 << 20

_WS = frozenset(b" \t\r\n")
_OPEN, _COMMA, _CLOSE = ord("{"), ord(","), ord("}")
# Whitespace skipped around a boundary: more than this and the cut is not found
# here (the next block is read and searched; a change never gets there).
_MAX_WS = 256


class Unsure(Exception):
    """The fast path cannot vouch for this input: read it with the exact reader."""


def _back(buf: bytearray, i: int, stop: int) -> int:
    """The index of the last non-whitespace byte before ``i`` (``-1`` if none after ``stop``)."""
    lo = max(stop, i - _MAX_WS)
    i -= 1
    while i >= lo and buf[i] in _WS:
        i -= 1
    return i if i >= lo else -1


def _last_boundary(buf: bytearray, lo: int, keys: tuple[bytes, ...]) -> tuple[int, int] | None:
    """``(end, start)`` of the last ``}`` ``,`` ``{"key"`` in ``buf[lo:]``: the end of an
    element and the start of the next, or None."""
    pos = len(buf)
    while True:
        i = buf.rfind(b"{", lo, pos)
        if i < 0:
            return None
        pos = i
        j = i + 1
        while j < len(buf) and buf[j] in _WS and j - i < _MAX_WS:
            j += 1
        if not any(buf.startswith(key, j) for key in keys):
            continue
        comma = _back(buf, i, lo)
        if comma < 0 or buf[comma] != _COMMA:
            continue
        close = _back(buf, comma, lo)
        if close >= 0 and buf[close] == _CLOSE:
            return close + 1, i


def _decode(segment: bytes | bytearray, pairs: Callable[[Any], int]) -> list[Any]:
    """The elements of ``[...]`` text, or :class:`Unsure`."""
    try:
        items = orjson.loads(segment)
    except orjson.JSONDecodeError:
        raise Unsure("orjson refuses the text") from None
    if type(items) is not list:
        raise Unsure("not a list")
    colons = segment.count(b":")
    if sum(map(pairs, items)) != colons:
        if b"\\u003a" in segment or b"\\u003A" in segment:
            raise Unsure("an escaped colon")
        try:
            again = orjson.dumps(items)
        except orjson.JSONEncodeError:  # nested deeper than orjson encodes
            raise Unsure("too deep to encode again") from None
        if again.count(b":") != colons:
            raise Unsure("a name may be repeated in an object")
    return items


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off (if it was on) for the life of a decoded segment.

    Decoded JSON has no cycles and is freed by reference counting when the
    caller clears the segment; a collection while it is alive would only walk
    its millions of objects (seconds on a large change).  Cyclic garbage made
    meanwhile is collected once the segment is released.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def array_segments(
    fp: BinaryIO,
    keys: tuple[bytes, ...],
    pairs: Callable[[Any], int],
    block: int | None = None,
) -> Iterator[list[Any]]:
    """The elements of the JSON array in ``fp``, decoded a segment (a list of elements) at a time.

    The collector is paused while the caller holds a segment (until it asks for
    the next one): clear the segment before asking, so its objects are freed
    before the collector runs again.  ``keys`` are the quoted names an element
    may start with (``b'"key"'``);
    ``pairs(element)`` counts name/value pairs of objects in an element (a
    lower bound, counting each object at most once).  Raises :class:`Unsure`
    (possibly after some segments) when the exact reader must read the file.
    """
    block = block or SEGMENT_BYTES
    buf = bytearray(fp.read(block))
    if buf.startswith(codecs.BOM_UTF8):
        del buf[:3]
    start = 0
    while start < len(buf) and buf[start] in _WS:
        start += 1
    if buf[start : start + 1] != b"[":
        raise Unsure("not an array")
    del buf[: start + 1]
    searched = 0  # buf[:searched] holds no boundary
    while True:
        more = fp.read(block)
        if not more:  # the last segment closes the array
            with _collector_paused():
                yield _decode(b"[" + buf, pairs)
            return
        buf += more
        cut = _last_boundary(buf, max(0, searched - 2 * _MAX_WS - 64), keys)
        if cut is None:
            if len(buf) > MAX_SEGMENT_BYTES:
                raise Unsure("an element larger than the segment limit")
            searched = len(buf)
            continue
        end, start = cut
        segment = b"[" + buf[:end] + b"]"
        del buf[:start]
        searched = 0
        with _collector_paused():
            yield _decode(segment, pairs)
