"""A :class:`~rela.verify.verifier.Verifier` run through the verdict cache.

For each FEC and spec: the cache entry when there is a sound one (its
outcome, and its coverage counts added to the spec's tally), else the
checker's decision, stored when it is a holds or violated verdict reached
without failure.  The location names of a cached FEC are still recorded for
the ``unknown-name`` warnings, so a report from the cache is the report of
deciding every FEC again (``tests/verify/test_cache.py``).

Runs with and without counterexamples (``rela check -q``) share entries: a
run without them takes a violated entry's verdict and leaves its lists; a run
with them takes a violated entry only when it has them (else the FEC is
decided again, and the entry replaced by the fuller one).

>>> import dataclasses, rela, tempfile
>>> from rela.network.model import Fec, Graph
>>> spec = rela.parse_spec("spec s { .* : preserve }")
>>> fec = Fec(0, "k", (), Graph.from_paths([["a", "b"]]), Graph.from_paths([["a", "c"]]))
>>> d = tempfile.mkdtemp()
>>> cold, warm = rela.verify(spec, [fec], cache=d), rela.verify(spec, [fec], cache=d)
>>> untimed = lambda r: [dataclasses.replace(s, seconds=0) for s in r.specs]
>>> cold.cache.fecs_cached, warm.cache.fecs_cached, untimed(warm) == untimed(cold)
(0, 1, True)
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import orjson

from rela import __version__
from rela.check import VIOLATED, Outcome
from rela.explain.coverage import Tally
from rela.network.model import Fec
from rela.verify.cache import (
    FORMAT,
    MEANING,
    CacheStats,
    FecKeys,
    VerdictCache,
    canonical,
    digest,
)
from rela.verify.cache_codec import CoverageDelta

if TYPE_CHECKING:
    from rela.verify.verifier import Named, Options, Verifier

__all__ = ["CachedRun", "spec_digests"]

_TALLY_FIELDS = ("clause_fecs", "clause_flows", "unknown", "branch_fecs", "branch_flows")


def spec_digests(checks: Sequence[Named], options: Options) -> list[bytes | None]:
    """Per spec, the part of its cache keys that is not the FEC (``None``: it cannot be keyed).

    >>> from rela.verify.verifier import Named, Options
    >>> from rela.lang import ast
    >>> a = Named("s", ast.Identity(ast.Star(ast.AnyLoc())))
    >>> d1, = spec_digests([a], Options())
    >>> d2, = spec_digests([a], Options(max_paths=3))
    >>> d1 == spec_digests([a], Options(cache="/elsewhere"))[0], d1 == d2
    (True, False)
    """
    shared = dataclasses.replace(options, cache=None, counterexamples=True)  # see _fit
    run = orjson.dumps([FORMAT, MEANING, __version__, canonical(shared)])
    out: list[bytes | None] = []
    for c in checks:
        try:
            spec = orjson.dumps([c.name, canonical(c.check), canonical(c.model)])
        except TypeError:
            out.append(None)
        else:
            out.append(digest(run, spec))
    return out


def _tally_copy(t: Tally) -> list[list[int]]:
    return [list(getattr(t, f)) for f in _TALLY_FIELDS]


def _tally_delta(before: list[list[int]], t: Tally) -> CoverageDelta:
    out = []
    for k, (old, name) in enumerate(zip(before, _TALLY_FIELDS)):
        for j, (a, b) in enumerate(zip(old, getattr(t, name))):
            if a != b:
                out.append((k, j, b - a))
    return tuple(out)


def _tally_add(t: Tally | None, delta: CoverageDelta) -> bool:
    """Add ``delta`` to ``t``; False (nothing added) when it does not fit ``t``."""
    if t is None:
        return not delta
    rows = [getattr(t, f) for f in _TALLY_FIELDS]
    if not all(0 <= k < len(rows) and 0 <= j < len(rows[k]) and n > 0 for k, j, n in delta):
        return False
    for k, j, n in delta:
        rows[k][j] += n
    return True


class CachedRun:
    """The cache side of one process's verifier: keys, the store and the counts."""

    def __init__(
        self, store: VerdictCache, digests: list[bytes | None], counterexamples: bool = True
    ) -> None:
        self.store = store
        self.counterexamples = counterexamples
        self.keys = FecKeys([d or b"" for d in digests])
        self.keyed = [d is not None for d in digests]
        if not all(self.keyed):
            store.stats.note("a spec could not be keyed; it was decided on every FEC")

    @staticmethod
    def open(checks: Sequence[Named], options: Options) -> CachedRun:
        assert options.cache is not None
        return CachedRun(
            VerdictCache.open(options.cache),
            spec_digests(checks, options),
            options.counterexamples,
        )

    def _fit(
        self, got: tuple[Outcome, CoverageDelta] | None
    ) -> tuple[Outcome, CoverageDelta] | None:
        """A cached entry as this run reports it (module docstring); None: decide again."""
        if got is None or got[0].verdict != "violated":
            return got
        if not self.counterexamples:
            return (VIOLATED, got[1])
        return got if got[0].flows else None

    def run_fec(self, verifier: Verifier, fec: Fec) -> list[Outcome]:
        """As :meth:`Verifier.run_fec`, through the cache."""
        store = self.store
        keys = self.keys.of(fec) if store.usable else [None] * len(self.keyed)
        out: list[Outcome] = []
        hits = 0
        for i, checker in enumerate(verifier.checkers):
            t0 = time.perf_counter()
            key = keys[i] if self.keyed[i] else None
            counter = verifier.explainer.counters[i]
            got = self._fit(store.get(key)) if key is not None else None
            if got is not None and _tally_add(counter.tally if counter else None, got[1]):
                outcome = got[0]
                checker.seen |= checker.signatures.present(fec)  # for the name warnings
                hits += 1
            else:
                if got is not None:
                    store.stats.ignored += 1
                    store.stats.note("an entry was not trusted: coverage counts of another spec")
                before = _tally_copy(counter.tally) if counter is not None else None
                outcome, sound = verifier.decide(i, fec)
                if key is not None and sound and outcome.verdict in ("holds", "violated"):
                    delta = (
                        _tally_delta(before, counter.tally)
                        if before is not None and counter
                        else ()
                    )
                    store.put(key, outcome, delta)
            verifier.seconds[i] += time.perf_counter() - t0
            out.append(outcome)
        if hits == len(out):
            store.stats.fecs_cached += 1
        else:
            store.stats.fecs_decided += 1
        return out

    def take(self) -> CacheStats:
        return self.store.take()
