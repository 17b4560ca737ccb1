"""Verification results as plain immutable data (rendered by ``rela.report``).

The JSON form (:meth:`Report.to_dict`) is the stable report schema of
``docs/verification.md``; field names are never renamed, only added.

>>> r = Report(specs=(SpecResult("s", total=2, holds=2, violated=0, errors=0),))
>>> r.holds, r.to_dict()["specs"][0]["fecs"]
(True, {'total': 2, 'holds': 2, 'violated': 0, 'errors': 0})
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Path",
    "FecRef",
    "Violation",
    "FecError",
    "SpecResult",
    "Report",
    "Warning_",
    "FilterNote",
]

Path = tuple[str, ...]


@dataclass(frozen=True)
class FecRef:
    """Which FEC a result is about: input position, key and traffic keys (as JSON)."""

    index: int
    key: str | None
    traffic: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "key": self.key, "traffic": [dict(t) for t in self.traffic]}


@dataclass(frozen=True)
class Violation:
    """One flow of one FEC where the spec does not hold, with its counterexample.

    Path lists are enumerated shortest first and cut at ``--max-paths``;
    ``truncated`` says some list was cut.  ``spec`` names the spec (or assert)
    violated, so a flat ``for v in report`` loop knows which one it is.
    """

    fec: FecRef
    flow: str
    before: tuple[Path, ...]
    after: tuple[Path, ...]
    expected: tuple[Path, ...]
    actual: tuple[Path, ...]
    missing: tuple[Path, ...]
    unexpected: tuple[Path, ...]
    truncated: bool = False
    spec: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "fec": self.fec.to_dict(),
            "flow": self.flow,
            "before": [list(p) for p in self.before],
            "after": [list(p) for p in self.after],
            "expected": [list(p) for p in self.expected],
            "actual": [list(p) for p in self.actual],
            "missing": [list(p) for p in self.missing],
            "unexpected": [list(p) for p in self.unexpected],
            "truncated": self.truncated,
        }


@dataclass(frozen=True)
class FecError:
    """An FEC that could not be verified (malformed input, resource limit, lost worker)."""

    fec: FecRef
    message: str
    input_error: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"fec": self.fec.to_dict(), "message": self.message}


@dataclass(frozen=True)
class Warning_:
    """Something suspicious that does not change a verdict (e.g. a name matching no location).

    ``code`` names the kind of warning (``unknown-name``, ``vacuous-clause``,
    ``no-catch-all``, ``filtered``, ...; docs/reports.md lists them), ``hint`` is
    a one-line fix, ``line``/``column`` point into the spec file when the
    warning is about a place in it.  ``--strict`` turns any warning into a failure.
    """

    spec: str | None
    message: str
    code: str = "warning"
    hint: str | None = None
    line: int | None = None
    column: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "spec": self.spec,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
            "line": self.line,
            "column": self.column,
        }


@dataclass(frozen=True)
class FilterNote:
    """FECs an input filter left out of the run: which option, its value, how many, why.

    >>> FilterNote("--dst", "10.0.0.0/8", 3, "traffic outside the prefixes").to_dict()["left_out"]
    3
    """

    option: str
    value: str
    left_out: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "option": self.option,
            "value": self.value,
            "left_out": self.left_out,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class SpecResult:
    """The outcome of one spec (or assert) over every FEC of the change."""

    name: str
    total: int
    holds: int
    violated: int
    errors: int
    violations: tuple[Violation, ...] = ()
    fec_errors: tuple[FecError, ...] = ()
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.violated == 0 and self.errors == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "holds": self.ok,
            "fecs": {
                "total": self.total,
                "holds": self.holds,
                "violated": self.violated,
                "errors": self.errors,
            },
            "violations": [v.to_dict() for v in self.violations],
            "errors": [e.to_dict() for e in self.fec_errors],
            "seconds": round(self.seconds, 6),
        }


@dataclass(frozen=True)
class Report:
    """The outcome of checking a change against the selected specs."""

    specs: tuple[SpecResult, ...]
    warnings: tuple[Warning_, ...] = ()
    #: FECs checked (after input filters).
    fecs_read: int = 0
    seconds: float = 0.0
    #: FECs in the input before filters (``None``: no filter was applied, same as fecs_read).
    fecs_input: int | None = None
    #: What each input filter left out.
    filters: tuple[FilterNote, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def holds(self) -> bool:
        """True when every spec holds on every FEC (no violation, no error)."""
        return all(s.ok for s in self.specs)

    @property
    def input_errors(self) -> int:
        """FECs whose input was malformed (the CLI exits 2 when there are any)."""
        return max((sum(e.input_error for e in s.fec_errors) for s in self.specs), default=0)

    def __iter__(self) -> Iterator[Violation]:
        """Every violation of every spec, in report order."""
        for spec in self.specs:
            yield from spec.violations

    def spec(self, name: str) -> SpecResult:
        for s in self.specs:
            if s.name == name:
                return s
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "holds": self.holds,
            "specs": [s.to_dict() for s in self.specs],
            "warnings": [w.to_dict() for w in self.warnings],
            "fecs_read": self.fecs_read,
            "fecs_input": self.fecs_read if self.fecs_input is None else self.fecs_input,
            "filters": [f.to_dict() for f in self.filters],
            "seconds": round(self.seconds, 6),
        }
