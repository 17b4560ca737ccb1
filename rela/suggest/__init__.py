"""``rela suggest``: from an observed change to a short spec that describes it, and holds.

1. **Observe** (:mod:`~rela.suggest.observe`): read the change once, group FECs
   by their (before, after) graphs, diff each group (:mod:`rela.diff`).
2. **Recognise** (:mod:`~rela.suggest.patterns`): per changed group, the
   clauses that could explain it — a device replaced (drain / cost-out),
   removed or avoided, paths added (ECMP member, new link), traffic newly
   dropped (and where), no longer dropped, a new loop, no path at all.
3. **Synthesise** (:mod:`~rela.suggest.search`): a greedy choice of clauses,
   each guarded by the fewest ``dst`` prefixes (:mod:`~rela.suggest.guards`)
   when it applies to some FECs only, every step decided by the real checker
   (:mod:`~rela.suggest.oracle`); explicit per-FEC clauses for what no
   pattern explains (the *fallback*).
4. **Verify**: the spec is checked on the whole change with
   :func:`rela.verify.verify` before it is returned; ``holds`` says the result.

>>> from rela.network.model import Fec, Graph
>>> b = Graph.from_paths([["border1", "core1", "leaf1"], ["border2", "core1", "leaf1"]])
>>> a = Graph.from_paths([["border1", "core2", "leaf1"], ["border2", "core2", "leaf1"]])
>>> s = suggest([Fec(0, "10.0.0.0/24", (), b, a)])
>>> s.holds, s.fallback, [c.kind for c in s.clauses]
(True, False, ['replace', 'preserve'])
>>> print(s.clauses[0].text)
[^core1]* : preserve then core1 : replace(core1, core2) then [^core1]* : preserve
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from rela.defaults import (
    DEFAULT_FEC_TIMEOUT,
    DEFAULT_MAX_CLAUSES,
    DEFAULT_MAX_STATES,
    SUGGESTED_NAME,
)
from rela.errors import UsageError
from rela.network.model import Fec
from rela.suggest.result import Example, SuggestedClause, Suggestion

if TYPE_CHECKING:
    from rela.suggest.search import Search

__all__ = ["suggest", "Suggestion", "SuggestedClause", "Example", "DEFAULT_MAX_CLAUSES", "NAME"]

#: The name of the suggested spec.
NAME = SUGGESTED_NAME
#: Rounds of repair when the final verification disagrees with the search.
_REPAIRS = 2


def suggest(
    change: Iterable[Fec],
    *,
    max_clauses: int = DEFAULT_MAX_CLAUSES,
    name: str = NAME,
    jobs: int = 1,
    max_states: int = DEFAULT_MAX_STATES,
    fec_timeout: float = DEFAULT_FEC_TIMEOUT,
    progress: Callable[[int], None] | None = None,
    header: Sequence[str] = (),
) -> Suggestion:
    """A spec that describes ``change`` (a re-iterable stream of FECs) and holds on it.

    ``max_clauses`` bounds the concise spec (the final ``else .* : preserve``
    counts); FECs it cannot explain get explicit clauses beyond it and the
    result says ``fallback``.  The change is read twice: once to observe it,
    once to verify the suggestion (``jobs`` worker processes, as
    :func:`rela.verify.verify`).  ``progress(n)`` is called as FECs are read.
    """
    if max_clauses < 1:
        raise UsageError(f"max_clauses must be at least 1, got {max_clauses}")
    # imported here: ``import rela`` stays light
    from rela.suggest.build import build
    from rela.suggest.observe import observe
    from rela.suggest.oracle import Oracle
    from rela.suggest.search import Search
    from rela.verify import verify

    t0 = time.perf_counter()
    obs = observe(change, max_states=max_states, progress=progress)
    oracle = Oracle(
        granularity=obs.granularity.value,
        groups=obs.groups,
        max_states=max_states,
        fec_timeout=fec_timeout,
    )
    search = Search(obs, oracle)
    search.run(max_clauses - 1)
    search.prune()
    search.reorder()
    if search.fallback():
        search.prune()
    for attempt in range(_REPAIRS + 1):
        module, _, _ = build(search, name)
        report = verify(
            module,
            obs,
            max_paths=5,
            max_states=max_states,
            fec_timeout=fec_timeout,
            jobs=jobs,
            progress=progress,
        )
        failing = {v.fec.index for v in report} | {
            e.fec.index for s in report.specs for e in s.fec_errors
        }
        if not failing or attempt == _REPAIRS or not search.pin(failing):
            break
    fallback = search.fallback_used(max_clauses)
    notes = list(search.notes)
    if not report.holds:
        shown = ", ".join(f"FEC #{i}" for i in sorted(failing)[:5])
        notes.append(
            f"no spec found that holds on every FEC ({shown}"
            + (f" and {len(failing) - 5} more" if len(failing) > 5 else "")
            + "): they cannot be told apart by destination from FECs that behave differently"
        )
    header = [*_header(search, report.holds, fallback, max_clauses), *header]
    module, text, clauses = build(search, name, header)
    return Suggestion(
        name=name,
        module=module,
        text=text,
        clauses=clauses,
        holds=report.holds,
        fallback=fallback,
        report=report,
        fecs=obs.fecs,
        changed=obs.changed_fecs,
        situations=len(obs.situations),
        granularity=obs.granularity.value,
        description=obs.description,
        max_clauses=max_clauses,
        notes=tuple(notes),
        seconds=time.perf_counter() - t0,
        checks=oracle.checks,
    )


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _header(search: Search, holds: bool, fallback: bool, max_clauses: int) -> list[str]:
    obs = search.obs
    source = obs.description or "the change"
    clauses = len(search.placed) + 1
    lines = [
        f"Suggested by `rela suggest` for {source} (granularity {obs.granularity.value}): "
        f"{_plural(obs.fecs, 'FEC')}, {obs.changed_fecs:,} changed; {clauses} clauses.",
    ]
    if holds:
        lines.append("Verified: this spec holds on every FEC of the change.")
    else:
        lines.append("NOT VERIFIED: this spec does not hold on every FEC of the change.")
    if fallback:
        explicit = sum(p.explicit for p in search.placed)
        parts = []
        if explicit:
            parts.append(f"{_plural(explicit, 'explicit clause')} for FECs no pattern explains")
        if search.skipped:
            parts.append(f"{_plural(len(search.skipped), 'FEC')} exempted (no path before)")
        if clauses > max_clauses:
            parts.append(f"more than --max-clauses {max_clauses}")
        lines.append("Fallback: " + "; ".join(parts or ["not every FEC is explained"]) + ".")
    return lines
