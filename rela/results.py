"""Verification results as plain immutable data (rendered by ``rela.report``).

The JSON form (:meth:`Report.to_dict`) is the stable report schema of
``docs/verification.md``; field names are never renamed, only added.

>>> r = Report(specs=(SpecResult("s", total=2, holds=2, violated=0, errors=0),))
>>> r.holds, r.to_dict()["specs"][0]["fecs"]
(True, {'total': 2, 'holds': 2, 'violated': 0, 'errors': 0})
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import field
from typing import Any

from rela.values import frozen

__all__ = [
    "ANY_OTHER",
    "ACL_CHANGE_UNCHECKED",
    "KINDS",
    "KIND_WORDS",
    "Path",
    "SpecialHop",
    "hop_to_json",
    "ClauseRef",
    "Explanation",
    "FecRef",
    "Violation",
    "FecError",
    "Cause",
    "ClauseCoverage",
    "SpecResult",
    "Report",
    "Warning_",
    "FilterNote",
    "CacheNote",
]

#: A path: its hops in order.  A hop is a location name (``str``) or a
#: :class:`SpecialHop` (a ``str`` subclass that never equals a location name).
Path = tuple[str, ...]


class SpecialHop(str):
    """A hop of a counterexample path that is not a location.

    ``kind`` is ``"other"`` (one location outside the FEC that no name of the
    spec matches: the open alphabet's "any other location") or ``"any"`` (the
    marker standing for "at least one path, and only paths, in ``p``" of an
    ``any(p)`` clause numbered ``marker``; ``paths`` is ``p`` as spec text once
    known).  It is a ``str`` so paths stay tuples of strings, but it compares
    unequal to every plain string: a location literally named like its text is
    a different hop.  Its text uses the brackets ``⟨⟩``, which the text
    renderers always escape in location names (:func:`rela.report.escape.visible`).

    >>> ANY_OTHER == "⟨any other location⟩", ANY_OTHER == SpecialHop("other")
    (False, True)
    >>> str(SpecialHop("any", 1, ".* core2 .*"))
    '⟨any(.* core2 .*)⟩'
    """

    kind: str
    marker: int | None
    paths: str | None

    def __new__(cls, kind: str, marker: int | None = None, paths: str | None = None) -> SpecialHop:
        if kind == "other":
            text = "⟨any other location⟩"
        elif kind == "any":
            text = f"⟨any({paths})⟩" if paths is not None else f"⟨any #{marker}⟩"
        else:
            raise ValueError(f"unknown special hop {kind!r}")
        hop = super().__new__(cls, text)
        hop.kind, hop.marker, hop.paths = kind, marker, paths
        return hop

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, SpecialHop)
            and self.kind == other.kind
            and self.marker == other.marker
        )

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(("rela-special-hop", self.kind, self.marker))

    def __repr__(self) -> str:
        return f"SpecialHop({self.kind!r}, {self.marker!r}, {self.paths!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (SpecialHop, (self.kind, self.marker, self.paths))

    def to_dict(self) -> dict[str, Any]:
        if self.kind == "other":
            return {"special": "other"}
        return {"special": "any", "marker": self.marker, "paths": self.paths}


#: The one letter standing for every location outside the FEC that no spec name matches.
ANY_OTHER = SpecialHop("other")


def hop_to_json(hop: str) -> str | dict[str, Any]:
    """A hop in the JSON report: the location name, or an object for a :class:`SpecialHop`.

    >>> hop_to_json("core1"), hop_to_json(ANY_OTHER)
    ('core1', {'special': 'other'})
    """
    return hop.to_dict() if isinstance(hop, SpecialHop) else str(hop)


def _path_json(path: Path) -> list[Any]:
    return [hop_to_json(h) for h in path]


def _paths_json(paths: tuple[Path, ...]) -> list[list[Any]]:
    return [_path_json(p) for p in paths]


#: What happened to a violated flow, most telling first (a flow gets the first that applies).
KINDS = ("new-loop", "new-drop", "lost-delivery", "paths-moved", "paths-removed", "paths-added")
#: The kinds in words, as reports print them.
KIND_WORDS = {
    "new-loop": "new loop",
    "new-drop": "new drop",
    "lost-delivery": "lost delivery",
    "paths-moved": "paths moved",
    "paths-removed": "paths removed",
    "paths-added": "paths added",
}


@frozen
class ClauseRef:
    """A place in a spec: an atomic clause, a guard branch, or an assert block.

    ``text`` is the clause as spec text (normalised by the printer), ``line``
    and ``column`` where it starts (1-based), ``file`` the spec file.

    >>> c = ClauseRef("core1 : replace(core1, core2)", 3, 5, "costout.rela")
    >>> c.where(), c.describe()
    ('costout.rela:3:5', '`core1 : replace(core1, core2)` at costout.rela:3:5')
    """

    text: str
    line: int | None = None
    column: int | None = None
    file: str | None = None
    #: ``clause`` (atomic ``zone : modifier``), ``branch`` (a guard branch) or ``assert``.
    kind: str = "clause"

    def where(self) -> str:
        """``file:line:col`` (parts that are unknown are left out)."""
        pos = f"{self.line}:{self.column}" if self.line is not None else ""
        if self.file:
            return f"{self.file}:{pos}" if pos else self.file
        return pos

    def describe(self) -> str:
        where = self.where()
        return f"`{self.text}` at {where}" if where else f"`{self.text}`"

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "kind": self.kind,
            "file": self.file,
            "line": self.line,
            "column": self.column,
        }


@frozen
class Explanation:
    """Why a flow is violated, in the engineer's terms (see docs/reports.md, "Causes").

    ``kind`` is one of :data:`KINDS`; ``at`` where it happened: for
    ``new-drop`` the location that drops the traffic, for the other kinds
    where behaviour diverges, the last hop the expected and the actual paths
    share before they differ (``None`` when they share none).  ``clause`` is the spec clause the
    violation is about; ``missing_clauses[i]`` the atomic clause that produced
    the i-th missing path (``None``: not determined), ``unexpected_clauses[i]``
    the clause whose domain the i-th unexpected path falls in.  ``outside``
    lists after paths of the flow that fall in no clause's domain (the spec
    does not compare them).  ``loop`` is the forwarding loop (a cycle of
    locations) of the after graph when ``kind`` is ``new-loop``.
    ``unexpected_outside[i]`` is ``p`` when the i-th unexpected path is an
    after path outside ``p`` of an ``any(p)`` clause (else None).
    """

    kind: str
    at: str | None = None
    clause: ClauseRef | None = None
    missing_clauses: tuple[ClauseRef | None, ...] = ()
    unexpected_clauses: tuple[ClauseRef | None, ...] = ()
    outside: tuple[Path, ...] = ()
    loop: Path | None = None
    #: Per unexpected path: the ``p`` of the ``any(p)`` clause it falls outside of, else None.
    unexpected_outside: tuple[str | None, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        def ref(c: ClauseRef | None) -> dict[str, Any] | None:
            return c.to_dict() if c is not None else None

        return {
            "kind": self.kind,
            "at": hop_to_json(self.at) if self.at is not None else None,
            "clause": ref(self.clause),
            "missing_clauses": [ref(c) for c in self.missing_clauses],
            "unexpected_clauses": [ref(c) for c in self.unexpected_clauses],
            "unexpected_outside": list(self.unexpected_outside),
            "outside": _paths_json(self.outside),
            "loop": _path_json(self.loop) if self.loop is not None else None,
        }


@frozen
class FecRef:
    """Which FEC a result is about: input position, key and traffic keys (as JSON)."""

    index: int
    key: str | None
    traffic: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "key": self.key, "traffic": [dict(t) for t in self.traffic]}


def common_prefix_len(a: Sequence[object], b: Sequence[object]) -> int:
    """Number of leading hops two paths share.

    >>> common_prefix_len(("a", "b", "c"), ("a", "b", "d"))
    2
    """
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@frozen
class Violation:
    """One flow of one FEC where the spec does not hold, with its counterexample.

    Path lists are enumerated shortest first and cut at ``--max-paths``;
    ``truncated`` says some list was cut.  ``spec`` names the spec (or assert)
    violated, so a flat ``for v in report`` loop knows which one it is.
    ``part`` says which part of the FEC's traffic the counterexample is about
    when a traffic guard split the FEC (e.g. ``dst 10.0.0.0/8, tcp``); ``None``
    when it is about all of it.
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
    part: str | None = None
    #: Kind, place (``at``) and clauses (``None`` when not explained, e.g. hand-built).
    explanation: Explanation | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "fec": self.fec.to_dict(),
            "flow": self.flow,
            "before": _paths_json(self.before),
            "after": _paths_json(self.after),
            "expected": _paths_json(self.expected),
            "actual": _paths_json(self.actual),
            "missing": _paths_json(self.missing),
            "unexpected": _paths_json(self.unexpected),
            "truncated": self.truncated,
            "explanation": self.explanation.to_dict() if self.explanation else None,
        }
        if self.part is not None:
            out["part"] = self.part
        return out


@frozen
class FecError:
    """An FEC that could not be verified (malformed input, resource limit, lost worker)."""

    fec: FecRef
    message: str
    input_error: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"fec": self.fec.to_dict(), "message": self.message}


#: The warning code of an ACL change no traffic of the run can see (a verdict line
#: counts them: rela.report.left_out).
ACL_CHANGE_UNCHECKED = "acl-change-unchecked"


@frozen
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


@frozen
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


@frozen
class CacheNote:
    """What the verdict cache (``--cache DIR``) did in a run.

    ``fecs_cached`` FECs took every outcome from the cache, ``fecs_decided``
    were decided for at least one spec (so the two add up to ``fecs_read``);
    ``stored`` entries were written; ``ignored`` entries were found but not
    trusted (damaged, written by another version) and decided again.

    >>> CacheNote("ci-cache", 1998, 2, 2, 0).to_dict()["fecs_cached"]
    1998
    """

    directory: str
    fecs_cached: int
    fecs_decided: int
    stored: int
    ignored: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "directory": self.directory,
            "fecs_cached": self.fecs_cached,
            "fecs_decided": self.fecs_decided,
            "stored": self.stored,
            "ignored": self.ignored,
        }


@frozen
class Cause:
    """Violated flows grouped by what happened and where: one thing to fix.

    ``kind`` and ``at`` as in :class:`Explanation`; ``fecs``/``flows`` count
    the violated FECs and flows of the group, ``fec_refs`` lists the FECs
    (index and key), ``traffic`` is their traffic as few packet cubes as
    possible (destination prefixes aggregated exactly, never covering a packet
    outside the FECs), ``clause`` the spec clause most of its flows are about,
    ``example`` one of its violations.  ``destinations`` are the destination
    prefixes of that traffic, collapsed into the fewest covering prefixes (the
    traffic's projection on destinations: exact as a set of destination
    addresses; ``traffic`` also keeps the other fields).
    """

    kind: str
    at: str | None
    fecs: int
    flows: int
    traffic: tuple[dict[str, Any], ...]
    clause: ClauseRef | None
    example: Violation
    fec_refs: tuple[FecRef, ...] = ()
    destinations: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "at": hop_to_json(self.at) if self.at is not None else None,
            "fecs": self.fecs,
            "flows": self.flows,
            "traffic": [dict(t) for t in self.traffic],
            "destinations": list(self.destinations),
            "clause": self.clause.to_dict() if self.clause else None,
            "example": self.example.to_dict(),
            "fec_list": [{"index": f.index, "key": f.key} for f in self.fec_refs],
        }


@frozen
class ClauseCoverage:
    """How often a clause (or guard branch) applied: its domain met a before or after path.

    A clause with ``fecs == 0`` applied to nothing (a ``vacuous-clause`` warning).
    """

    clause: ClauseRef
    fecs: int
    flows: int

    def to_dict(self) -> dict[str, Any]:
        return {"clause": self.clause.to_dict(), "fecs": self.fecs, "flows": self.flows}


@frozen
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
    #: Violated flows grouped by (kind, place), most FECs first.
    causes: tuple[Cause, ...] = ()
    #: Per atomic clause and guard branch: FECs and flows where it applied.
    coverage: tuple[ClauseCoverage, ...] = ()
    #: Violated flows found but not listed in ``violations`` (view filters, --max-violations).
    omitted: int = 0

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
            "causes": [c.to_dict() for c in self.causes],
            "coverage": [c.to_dict() for c in self.coverage],
            "violations_omitted": self.omitted,
        }


@frozen
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
    #: Report filters that chose which violations are listed (--through, --kind, --fec):
    #: ``left_out`` counts violated flows not listed.  Verdicts and counts are unaffected.
    view: tuple[FilterNote, ...] = ()
    #: What the verdict cache did (``None``: the run used no cache).  Never changes a verdict.
    cache: CacheNote | None = field(default=None, compare=False)

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
            "view": [f.to_dict() for f in self.view],
            **({"cache": self.cache.to_dict()} if self.cache is not None else {}),
        }
