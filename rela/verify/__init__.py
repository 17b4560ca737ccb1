"""Verify a change against compiled specs: the run's entry point.

``verify(spec, change)`` streams the change's FECs through one
:class:`~rela.check.SpecChecker` per spec (specs compiled once per run), in this
process (``jobs=1``), in a pool of processes, or on a Dask cluster
(:mod:`rela.verify.executors`), and folds the per-FEC outcomes into a
:class:`~rela.results.Report` in input order (:mod:`rela.verify.aggregate`).
Every FEC read gets exactly one verdict per spec: holds, violated or error.

>>> import rela
>>> from rela.network.model import Fec, Graph
>>> spec = rela.parse_spec("spec same { .* : preserve }")
>>> fec = Fec(0, "k", (), Graph.from_paths([["a", "b"]]), Graph.from_paths([["a", "c"]]))
>>> report = verify(spec, [fec])
>>> report.holds, [v.missing for v in report]
(False, [(('a', 'b'),)])
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import os
import time
from collections.abc import Callable, Generator, Iterable, Sequence
from typing import Any

from rela.errors import NetworkInputError, UsageError
from rela.explain.hook import finish, merge, models_of
from rela.lang import ast
from rela.lint.static import lint_module
from rela.network.model import Fec, Granularity
from rela.network.selection import summarize
from rela.results import CacheNote, Report, Warning_
from rela.signals import raise_pending
from rela.verify.aggregate import (
    MAX_NAME_WARNINGS,
    Aggregate,
    SpecTally,
    name_warnings,
    shifted,
    special,
)
from rela.verify.cache_stats import CacheStats
from rela.verify.executors import BATCH_SIZE, run_parts, run_pool, run_serial
from rela.verify.verifier import (
    DEFAULT_FEC_TIMEOUT,
    DEFAULT_MAX_STATES,
    Named,
    Options,
    Verifier,
)

__all__ = [
    "Options",
    "Verifier",
    "verify",
    "default_jobs",
    "DEFAULT_MAX_STATES",
    "DEFAULT_FEC_TIMEOUT",
    "BATCH_SIZE",
    "MAX_NAME_WARNINGS",
]


def _select(spec: ast.Module, names: Sequence[str] | None) -> list[Named]:
    from rela.compile import compile_module

    models = models_of(spec)
    compiled = [Named(c.name, c.check, models.get(c.name)) for c in compile_module(spec)]
    if not names:
        if not compiled:
            raise UsageError("the spec file has no spec or assert block to check")
        return compiled
    by_name = {c.name: c for c in compiled}
    out = []
    for n in names:
        if n not in by_name:
            close = difflib.get_close_matches(n, list(by_name), n=3)
            hint = f"did you mean {', '.join(close)}?" if close else f"specs: {', '.join(by_name)}"
            raise UsageError(f"no spec or assert named {n!r}", hint=hint)
        out.append(by_name[n])
    return out


def _check_arguments(spec: object, change: object, specs: object) -> None:
    """A ``TypeError`` that says what to pass, instead of an ``AttributeError`` deep inside."""
    if not isinstance(spec, ast.Module):
        raise TypeError(
            f"verify() takes a parsed spec, not a {type(spec).__name__}: pass "
            "rela.load_spec(path) for a spec file, or rela.parse_spec(text) for spec text"
        )
    if isinstance(change, (str, bytes, os.PathLike)):
        raise TypeError(
            f"verify() takes the FECs of a change, not a {type(change).__name__}: pass "
            "rela.load_change(change=PATH) or rela.load_change(before=PATH, after=PATH)"
        )
    if isinstance(specs, str):
        raise TypeError(f"specs= takes a list of spec names: specs=[{specs!r}]")


def _parts_of(change: Any) -> list[Any] | None:
    """The change's parts (chunk files) when workers can load them on their own."""
    get_parts = getattr(change, "parts", None)
    if get_parts is None:
        return None
    parts = list(get_parts())
    return parts if len(parts) > 1 else None


def verify(
    spec: ast.Module,
    change: Iterable[Fec],
    *,
    specs: Sequence[str] | None = None,
    max_paths: int = 20,
    max_states: int = DEFAULT_MAX_STATES,
    fec_timeout: float = DEFAULT_FEC_TIMEOUT,
    jobs: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    cache: str | os.PathLike[str] | None = None,
    counterexamples: bool = True,
) -> Report:
    """Check every FEC of ``change`` against the specs of ``spec`` (a parsed module).

    ``specs`` selects spec/assert blocks by name (default: all, in file order).
    ``jobs`` > 1 uses that many worker processes (0: every core, but small
    changes are checked in this process); ``executor="dask"`` checks on a
    Dask cluster (``scheduler`` address, or a local cluster of ``jobs``
    workers).  A change made of chunk files is read by the workers themselves
    (a pool with ``jobs`` != 1, or Dask): this process only lists the files.
    ``progress(n)`` is called as FECs are done.  Reports are
    identical whatever the executor.  ``cache`` names a verdict cache
    directory (:mod:`rela.verify.cache`, made if missing): FECs whose spec,
    graphs and traffic are unchanged since a run with the same options take
    their outcomes from it; ``report.cache`` says how many.  The cache never
    changes a report, only how fast it comes.  ``counterexamples=False`` decides
    the verdicts alone: violated FECs are counted but get no violated flows,
    paths or explanations (for a one-line verdict; much faster when many FECs
    are violated).
    """
    t0 = time.perf_counter()
    _check_arguments(spec, change, specs)
    checks = _select(spec, specs)
    granularity = getattr(change, "granularity", Granularity.DEVICE)
    options = Options(
        max_paths=max_paths,
        max_states=max_states,
        fec_timeout=fec_timeout,
        granularity=getattr(granularity, "value", str(granularity)),
        groups=getattr(change, "groups", None),
        counterexamples=counterexamples,
    )
    cache_problems: list[str] = []
    if cache is not None:
        from rela.verify.cache import prepare as prepare_cache

        usable, cache_problems = prepare_cache(cache)
        if usable:
            options = dataclasses.replace(options, cache=os.path.abspath(cache))
    cache_stats = CacheStats()
    tallies = [SpecTally(c.name) for c in checks]
    coverage: list[Any] = [None] * len(checks)
    seen: set[str] = set()
    fecs_read = 0
    local: Verifier | None = None
    part_tallies: list[Any] = []  # input-filter tallies of parts read by workers
    if jobs == 0 and executor == "dask":
        jobs = default_jobs()
    # chunk files go to the workers, which read them (local pool: only with jobs != 1)
    parts = _parts_of(change) if executor == "dask" or jobs != 1 else None
    if parts is not None and jobs == 0:
        jobs = default_jobs()
    stream: Generator[Aggregate, None, None]
    if executor == "dask":
        from rela.verify.cluster import run_dask, run_dask_parts

        if parts is not None:
            stream = shifted(run_dask_parts(checks, options, parts, jobs, scheduler), part_tallies)
        else:
            stream = special(run_dask(checks, options, change, jobs, scheduler))
    elif executor != "local":
        raise UsageError(f"unknown executor {executor!r} (use local or dask)")
    elif parts is not None:
        stream = shifted(run_parts(checks, options, parts, jobs), part_tallies)
    elif jobs > 1 or jobs == 0:
        fecs: Iterable[Fec] = change
        if jobs == 0:  # auto: every core, but a small change is not worth a pool
            it = iter(change)
            head = list(itertools.islice(it, BATCH_SIZE))
            fecs = itertools.chain(head, it)
            jobs = default_jobs() if len(head) == BATCH_SIZE else 1
        if jobs > 1:
            stream = special(run_pool(checks, options, fecs, jobs))
        else:
            local = Verifier(checks, options)
            stream = special(run_serial(local, fecs))
    else:
        local = Verifier(checks, options)
        stream = special(run_serial(local, change))
    try:
        for n, found, spent, names, cover, cached in stream:
            raise_pending()  # a signal whose exception Python swallowed (rela.signals)
            merge(coverage, cover)
            cache_stats.merge(cached)
            for i, tally in enumerate(tallies):
                tally.add_many(n, [(ref, outcomes[i]) for ref, outcomes in found])
                tally.seconds += spent[i]
            seen.update(names)
            fecs_read += n
            if progress is not None:
                progress(n)
    finally:
        stream.close()  # an interrupt here: the executor stops its workers now
    # what the input filters left out; a filter that selected nothing is an error
    inputs = summarize(change, part_tallies if parts is not None else None)
    if parts is not None and fecs_read == 0:
        raise NetworkInputError(
            "the change contains no FECs", filename=str(getattr(change, "path", "")) or None
        )
    if fecs_read == 0:
        raise UsageError("no FEC to check: the input has none")
    if local is not None:
        seen |= local.seen_names()
        merge(coverage, local.explainer.take())
        cache_stats.merge(local.take_cache())
    if cache is not None and cache_stats.broken:
        from rela.verify.cache import reset as reset_cache

        cache_problems.append(reset_cache(cache))
    elif options.cache is not None:
        from rela.verify.cache import prune_after_run

        cache_problems.extend(prune_after_run(options.cache))
    # the static lint of the checked specs (as `rela lint`), then names absent from the input
    warnings = [
        *lint_module(spec, [c.name for c in checks]),
        *name_warnings(checks, seen, options.groups),
        *cache_warnings(cache_problems, cache_stats),
    ]
    report = Report(
        specs=tuple(t.result() for t in tallies),
        warnings=inputs.warnings + tuple(warnings),
        fecs_input=inputs.fecs_input,
        filters=inputs.filters,
        fecs_read=fecs_read,
        seconds=time.perf_counter() - t0,
        meta={"granularity": options.granularity, "jobs": jobs, "executor": executor},
        cache=None
        if cache is None
        else CacheNote(
            str(cache),
            cache_stats.fecs_cached,
            fecs_read - cache_stats.fecs_cached,
            cache_stats.stored,
            cache_stats.ignored,
        ),
    )
    return finish(report, [c.model for c in checks], coverage)


def cache_warnings(problems: Sequence[str], stats: CacheStats) -> list[Warning_]:
    """``cache-ignored`` warnings: the cache's problems (never a changed verdict).

    >>> s = CacheStats(ignored=2, reasons=["an entry was not trusted: checksum mismatch"])
    >>> [w.message for w in cache_warnings([], s)]
    ['verdict cache: 2 entries were not trusted and decided again (an entry was not trusted: checksum mismatch)']
    """
    hint = "the verdicts are unaffected; delete the cache directory to start afresh"
    out = [Warning_(None, f"verdict cache: {p}", code="cache-ignored", hint=hint) for p in problems]
    if stats.reasons:
        n = stats.ignored
        were = "y was" if n == 1 else "ies were"
        head = f"{n} entr{were} not trusted and decided again" if n else "not used"
        out.append(
            Warning_(
                None,
                f"verdict cache: {head} ({'; '.join(stats.reasons)})",
                code="cache-ignored",
                hint=hint,
            )
        )
    return out


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
