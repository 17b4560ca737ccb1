"""Options of a run and :class:`Verifier`: one checker per spec, one outcome per spec per FEC.

>>> from rela.compile import compile_module
>>> from rela.lang import parse_spec
>>> from rela.network.model import Fec, Graph
>>> checks = [Named(c.name, c.check) for c in compile_module(parse_spec("spec s { .* : preserve }"))]
>>> verifier = Verifier(checks, Options())
>>> g = Graph.from_paths([["a", "b"]])
>>> [o.verdict for o in verifier.run_fec(Fec(0, None, (), g, g))]
['holds']

The cyclic garbage collector is held off while one FEC is checked and runs
between FECs: checking an FEC allocates tens of thousands of short-lived
tuples and makes almost no reference cycles (its memory is bounded by the
FEC's budget), yet every 700 allocations would start a collection that walks
them (about 3 % of the time of a violated FEC).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rela.check import Letters, Outcome, SpecChecker
from rela.defaults import DEFAULT_FEC_TIMEOUT, DEFAULT_MAX_STATES
from rela.errors import RelaError
from rela.explain.hook import RunExplainer, explained
from rela.lang import ast
from rela.network.model import Fec, Granularity
from rela.values import frozen
from rela.verify.cache_stats import CacheStats

if TYPE_CHECKING:
    from rela.verify.cached import CachedRun

__all__ = ["Options", "Named", "Verifier", "DEFAULT_MAX_STATES", "DEFAULT_FEC_TIMEOUT"]


@frozen
class Options:
    """Verification options shared by every executor."""

    max_paths: int = 20
    max_states: int = DEFAULT_MAX_STATES
    fec_timeout: float = DEFAULT_FEC_TIMEOUT
    granularity: str = Granularity.DEVICE.value
    groups: Mapping[str, str] | None = None
    #: False: verdicts only, violated FECs get no counterexamples (for timing decisions).
    counterexamples: bool = True
    #: The verdict cache directory (:mod:`rela.verify.cache`), made ready by ``cache.prepare``.
    cache: str | None = None


@frozen
class Named:
    """A compiled check with the name of its spec/assert block.

    ``model`` is what explanations need (:func:`rela.explain.hook.models_of`):
    the spec's clause model, or the assert block's place in the file.
    """

    name: str
    check: ast.Check
    model: Any = None


class Verifier:
    """One checker per spec; ``run_fec`` gives one outcome per spec for an FEC."""

    def __init__(self, checks: Sequence[Named], options: Options) -> None:
        self.names = [c.name for c in checks]
        self.letters = Letters()
        group_level = options.granularity == Granularity.GROUP.value
        self.checkers = [
            SpecChecker(
                c.check,
                self.letters,
                groups=options.groups,
                group_level=group_level,
                max_paths=options.max_paths,
                max_states=options.max_states,
                fec_timeout=options.fec_timeout,
                counterexamples=options.counterexamples,
            )
            for c in checks
        ]
        self.seconds = [0.0] * len(checks)
        self.explainer = RunExplainer(
            [getattr(c, "model", None) for c in checks],
            groups=options.groups,
            group_level=group_level,
            max_states=options.max_states,
            fec_timeout=options.fec_timeout,
        )
        self.cached: CachedRun | None = None
        if options.cache is not None:  # the database is imported only for a cached run
            from rela.verify.cached import CachedRun

            self.cached = CachedRun.open(checks, options)

    def run_fec(self, fec: Fec) -> list[Outcome]:
        """One outcome per spec for ``fec``; never raises for a problem of this FEC."""
        collecting = gc.isenabled()
        gc.disable()  # until the FEC is done (module docstring)
        try:
            if self.cached is not None and fec.problem is None:
                return self.cached.run_fec(self, fec)
            out = []
            for i, checker in enumerate(self.checkers):
                t0 = time.perf_counter()
                outcome = explained(self.explainer, i, fec, _checked(checker, fec))
                self.seconds[i] += time.perf_counter() - t0
                out.append(outcome)
            return out
        finally:
            if collecting:
                gc.enable()

    def decide(self, i: int, fec: Fec) -> tuple[Outcome, bool]:
        """Spec ``i``'s outcome on ``fec``, explained, with its coverage counted; and whether
        all of it went as designed (no explanation failed), so it may be cached."""
        outcome = _checked(self.checkers[i], fec)
        try:
            return self.explainer.after(i, fec, outcome), True
        except Exception:  # noqa: BLE001 - as explained(): never cost a verdict
            return outcome, False

    def take_cache(self) -> CacheStats | None:
        """The verdict cache's counts since the last call (pending entries written first)."""
        return self.cached.take() if self.cached is not None else None

    def seen_names(self) -> set[str]:
        """Location names met by any checker so far."""
        ids: set[int] = set()
        for c in self.checkers:
            ids |= c.seen
        values = self.letters.values
        return {values[i] for i in ids if isinstance(values[i], str)}


def _checked(checker: SpecChecker, fec: Fec) -> Outcome:
    """``checker.check(fec)``, with every failure of this FEC turned into an error verdict."""
    try:
        return checker.check(fec)
    except RelaError as exc:  # a resource limit
        return Outcome("error", message=exc.message)
    except RecursionError:
        return Outcome("error", message="expression nested too deeply to evaluate")
    except MemoryError:
        return Outcome("error", message="out of memory while checking this FEC")
    except Exception as exc:  # noqa: BLE001 - never lose an FEC to a bug
        return Outcome("error", message=f"internal error: {type(exc).__name__}: {exc}")
