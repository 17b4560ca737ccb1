"""Exact, checked serialisation of what a cached FEC gives the report.

A cache entry holds one spec's :class:`~rela.check.Outcome` on one FEC (the
verdict, every violated flow with its path lists, traffic part and
explanation) and the FEC's clause-coverage counts for that spec, as compact
JSON.  :func:`decode` rebuilds equal values or raises :class:`BadEntry`: it
checks the type and shape of every field, so a damaged or foreign entry is
never half-trusted.  Location names stay plain strings; the special hops of
counterexamples (:class:`~rela.results.SpecialHop`) are encoded apart, so a
location literally named ``⟨any other location⟩`` stays a location.

>>> from rela.check import HOLDS
>>> decode(encode(HOLDS, ())) == (HOLDS, ())
True
>>> decode(b'{"v": "holds"')
Traceback (most recent call last):
...
rela.verify.cache_codec.BadEntry: not JSON: unexpected end of data: line 1 column 14 (char 13)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from rela.check import HOLDS, VIOLATED, FlowDiff, Outcome
from rela.results import ClauseRef, Explanation, SpecialHop
from rela.traffic import Cube

__all__ = ["BadEntry", "CoverageDelta", "encode", "decode"]

#: Coverage counts one FEC adds to a spec's tally: (field, clause or branch index, count).
CoverageDelta = tuple[tuple[int, int, int], ...]


class BadEntry(ValueError):
    """A cache entry that is not exactly what :func:`encode` writes."""


# ---------------------------------------------------------------------- encoding


def _hop(h: str) -> Any:
    if isinstance(h, SpecialHop):
        return [h.kind, h.marker, h.paths]
    return str(h)


def _path(p: Sequence[str]) -> list[Any]:
    return [_hop(h) for h in p]


def _paths(ps: Sequence[Sequence[str]]) -> list[list[Any]]:
    return [_path(p) for p in ps]


def _ref(c: ClauseRef | None) -> Any:
    return None if c is None else [c.text, c.line, c.column, c.file, c.kind]


def _explanation(e: Explanation | None) -> Any:
    if e is None:
        return None
    return [
        e.kind,
        None if e.at is None else _hop(e.at),
        _ref(e.clause),
        [_ref(c) for c in e.missing_clauses],
        [_ref(c) for c in e.unexpected_clauses],
        _paths(e.outside),
        None if e.loop is None else _path(e.loop),
        list(e.unexpected_outside),
    ]


def _cube(c: Cube) -> list[Any]:
    return [c.family, c.dst, c.src, c.qos, c.protocol, c.dst_ports, c.src_ports]


def _flow(f: FlowDiff) -> list[Any]:
    return [
        _hop(f.flow),
        _paths(f.before),
        _paths(f.after),
        _paths(f.expected),
        _paths(f.actual),
        _paths(f.missing),
        _paths(f.unexpected),
        f.truncated,
        None if f.part is None else [_cube(c) for c in f.part],
        _explanation(f.explanation),
    ]


def encode(outcome: Outcome, coverage: CoverageDelta) -> bytes:
    """One entry: ``outcome`` (holds or violated) and its coverage counts, as JSON bytes.

    >>> encode(Outcome("violated"), ((0, 2, 1),))
    b'{"v":"violated","f":[],"m":"","c":[[0,2,1]]}'
    """
    if outcome.verdict not in ("holds", "violated"):
        raise ValueError(f"only holds and violated outcomes are cached, not {outcome.verdict!r}")
    return orjson.dumps(
        {
            "v": outcome.verdict,
            "f": [_flow(f) for f in outcome.flows],
            "m": outcome.message,
            "c": [list(t) for t in coverage],
        }
    )


# ---------------------------------------------------------------------- decoding (checked)


def _need(ok: bool, what: str) -> None:
    if not ok:
        raise BadEntry(what)


def _str(x: Any, what: str) -> str:
    _need(type(x) is str, f"{what}: not a string")
    return str(x)


def _opt_str(x: Any, what: str) -> str | None:
    return None if x is None else _str(x, what)


def _int(x: Any, what: str) -> int:
    _need(type(x) is int, f"{what}: not an integer")
    return int(x)


def _opt_int(x: Any, what: str) -> int | None:
    return None if x is None else _int(x, what)


def _list(x: Any, what: str, n: int | None = None) -> list[Any]:
    _need(type(x) is list, f"{what}: not a list")
    _need(n is None or len(x) == n, f"{what}: expected {n} items")
    return list(x)


def _dhop(x: Any) -> str:
    if type(x) is str:
        return x
    kind, marker, paths = _list(x, "special hop", 3)
    _need(kind in ("other", "any"), "special hop: unknown kind")
    return SpecialHop(kind, _opt_int(marker, "hop marker"), _opt_str(paths, "hop paths"))


def _dpath(x: Any) -> tuple[str, ...]:
    return tuple(_dhop(h) for h in _list(x, "path"))


def _dpaths(x: Any) -> tuple[tuple[str, ...], ...]:
    return tuple(_dpath(p) for p in _list(x, "path list"))


def _dref(x: Any) -> ClauseRef | None:
    if x is None:
        return None
    text, line, column, file, kind = _list(x, "clause", 5)
    return ClauseRef(
        _str(text, "clause text"),
        _opt_int(line, "clause line"),
        _opt_int(column, "clause column"),
        _opt_str(file, "clause file"),
        _str(kind, "clause kind"),
    )


def _dexplanation(x: Any) -> Explanation | None:
    if x is None:
        return None
    kind, at, clause, missing, unexpected, outside, loop, unexpected_outside = _list(
        x, "explanation", 8
    )
    return Explanation(
        _str(kind, "explanation kind"),
        None if at is None else _dhop(at),
        _dref(clause),
        tuple(_dref(c) for c in _list(missing, "missing clauses")),
        tuple(_dref(c) for c in _list(unexpected, "unexpected clauses")),
        _dpaths(outside),
        None if loop is None else _dpath(loop),
        tuple(_opt_str(s, "outside text") for s in _list(unexpected_outside, "outside")),
    )


def _dranges(x: Any) -> tuple[tuple[int, int], ...]:
    out = []
    for r in _list(x, "ranges"):
        lo, hi = _list(r, "range", 2)
        out.append((_int(lo, "range"), _int(hi, "range")))
    return tuple(out)


def _dcube(x: Any) -> Cube:
    family, *fields = _list(x, "cube", 7)
    return Cube(_int(family, "family"), *(_dranges(f) for f in fields))


def _dflow(x: Any) -> FlowDiff:
    flow, before, after, expected, actual, missing, unexpected, truncated, part, expl = _list(
        x, "flow", 10
    )
    _need(type(truncated) is bool, "truncated: not a boolean")
    return FlowDiff(
        _dhop(flow),
        _dpaths(before),
        _dpaths(after),
        _dpaths(expected),
        _dpaths(actual),
        _dpaths(missing),
        _dpaths(unexpected),
        bool(truncated),
        None if part is None else tuple(_dcube(c) for c in _list(part, "part")),
        _dexplanation(expl),
    )


def decode(data: bytes) -> tuple[Outcome, CoverageDelta]:
    """The outcome and coverage counts of an entry written by :func:`encode`.

    Raises :class:`BadEntry` for anything else (never a partly trusted value).

    >>> decode(b'{"v":"maybe","f":[],"m":"","c":[]}')
    Traceback (most recent call last):
    ...
    rela.verify.cache_codec.BadEntry: unknown verdict
    """
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise BadEntry(f"not JSON: {exc}") from None
    _need(type(doc) is dict and set(doc) == {"v", "f", "m", "c"}, "not an entry object")
    verdict = doc["v"]
    _need(verdict in ("holds", "violated"), "unknown verdict")
    flows = tuple(_dflow(f) for f in _list(doc["f"], "flows"))
    message = _str(doc["m"], "message")
    coverage = []
    for t in _list(doc["c"], "coverage"):
        a, b, c = _list(t, "coverage count", 3)
        coverage.append((_int(a, "coverage"), _int(b, "coverage"), _int(c, "coverage")))
    _need(verdict == "violated" or not flows, "a holding outcome with flows")
    if verdict == "holds" and not message:
        outcome = HOLDS  # the executors and the aggregate tell holds apart by identity
    elif verdict == "violated" and not flows and not message:
        outcome = VIOLATED
    else:
        outcome = Outcome(verdict, flows, message)
    return outcome, tuple(coverage)
