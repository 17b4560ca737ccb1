"""What ``rela suggest`` produces: the spec (AST and text), its clauses with their coverage.

Plain frozen data; :meth:`Suggestion.to_dict` is the JSON document of
``rela suggest --format json`` (schema: ``rela/schemas/suggest.schema.json``).
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from rela.lang import ast, format_spec
from rela.results import Report
from rela.values import frozen

__all__ = ["Example", "SuggestedClause", "Suggestion", "FORMAT"]

#: The ``format`` field of the JSON document.
FORMAT = "rela-suggest/1"


@frozen
class Example:
    """One FEC a clause explains, and one of its path changes (before -> after)."""

    index: int
    key: str | None
    traffic: str
    flow: str | None = None
    before: tuple[str, ...] | None = None
    after: tuple[str, ...] | None = None

    def label(self) -> str:
        return f"FEC #{self.index}" + (f" ({self.key})" if self.key else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "key": self.key,
            "traffic": self.traffic,
            "flow": self.flow,
            "before": list(self.before) if self.before is not None else None,
            "after": list(self.after) if self.after is not None else None,
        }


@frozen
class SuggestedClause:
    """One top-level clause of the suggested spec, in spec order.

    ``kind`` is the pattern (``replace``, ``remove``, ``add``, ``add-link``,
    ``drop``, ``undrop``, ``loop``, ``no-path``, ``avoid``, ``combined``,
    ``explicit``, ``preserve``); ``spec`` the clause as an AST (with its guard,
    if any); ``fecs``/``flows`` how many FECs and changed flows it explains;
    ``names`` the locations it is about; ``indices`` the input indices of the
    FECs it explains.
    """

    kind: str
    says: str
    spec: ast.SpecExpr
    guard: tuple[str, ...] | None
    fecs: int
    flows: int
    example: Example | None = None
    names: tuple[str, ...] = ()
    explicit: bool = False
    #: Input indices of the FECs it explains (not in the JSON document: it can be long).
    indices: tuple[int, ...] = field(default=(), repr=False)

    @property
    def text(self) -> str:
        """The clause as spec text (a guard printed without the parentheses the chain adds)."""
        return format_spec(self.spec)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "says": self.says,
            "text": self.text,
            "guard": {"dst": list(self.guard)} if self.guard is not None else None,
            "names": list(self.names),
            "explicit": self.explicit,
            "coverage": {
                "fecs": self.fecs,
                "flows": self.flows,
                "example": self.example.to_dict() if self.example else None,
            },
        }


@frozen
class Suggestion:
    """A spec that describes an observed change, checked on it.

    * ``module``/``text``: the spec file (one ``spec`` block); ``text`` has a
      comment before each clause (coverage and an example FEC);
    * ``clauses``: the top-level clauses in spec order, the last one is
      ``.* : preserve``;
    * ``holds``: the spec was verified on the whole change and holds
      (``report`` is that verification);
    * ``fallback``: some FECs are explained only by explicit clauses (or
      exempted): no concise spec was found for them (``notes`` says why).
    """

    name: str
    module: ast.Module
    text: str
    clauses: tuple[SuggestedClause, ...]
    holds: bool
    fallback: bool
    report: Report
    fecs: int
    changed: int
    situations: int
    granularity: str
    description: str
    max_clauses: int
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    checks: int = 0

    @property
    def concise(self) -> bool:
        """It holds without explicit clauses and within ``max_clauses``."""
        return self.holds and not self.fallback

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``rela suggest --format json``."""
        return {
            "format": FORMAT,
            "description": self.description,
            "granularity": self.granularity,
            "name": self.name,
            "holds": self.holds,
            "fallback": self.fallback,
            "max_clauses": self.max_clauses,
            "summary": {
                "fecs": self.fecs,
                "changed": self.changed,
                "situations": self.situations,
                "clauses": len(self.clauses),
                "explicit": sum(c.explicit for c in self.clauses),
            },
            "clauses": [c.to_dict() for c in self.clauses],
            "notes": list(self.notes),
            "spec": self.text,
            "verification": {
                "holds": self.report.holds,
                "fecs": self.report.fecs_read,
                "violated": sum(s.violated for s in self.report.specs),
                "errors": sum(s.errors for s in self.report.specs),
            },
            "seconds": round(self.seconds, 6),
        }
