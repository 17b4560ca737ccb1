"""What the verdict cache did in a run (counts sent back by every worker).

Apart from :mod:`rela.verify.cache` so that a run without ``--cache`` does not
import the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CacheStats"]

#: Reasons kept per run for the ``cache-ignored`` warning.
_MAX_REASONS = 3


@dataclass
class CacheStats:
    """What the cache did in one process since the last :meth:`VerdictCache.take`."""

    #: FECs whose every outcome came from the cache.
    fecs_cached: int = 0
    #: FECs decided by the checker for at least one spec.
    fecs_decided: int = 0
    #: Entries written.
    stored: int = 0
    #: Entries found but not trusted (damaged, foreign version), decided again.
    ignored: int = 0
    #: Why entries or the database were not used (a few, for the warning).
    reasons: list[str] = field(default_factory=list)
    #: The database itself turned out damaged (it is replaced after the run).
    broken: bool = False

    def note(self, reason: str) -> None:
        if reason not in self.reasons and len(self.reasons) < _MAX_REASONS:
            self.reasons.append(reason)

    def merge(self, other: CacheStats | None) -> None:
        if other is None:
            return
        self.fecs_cached += other.fecs_cached
        self.fecs_decided += other.fecs_decided
        self.stored += other.stored
        self.ignored += other.ignored
        self.broken = self.broken or other.broken
        for r in other.reasons:
            self.note(r)
