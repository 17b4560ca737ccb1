"""What ``rela diff`` finds, as plain immutable data (rendered by ``rela.report.diff_*``).

Per FEC a :class:`FecDiff` (status, flows, removed and added paths with exact
counts); over the run a :class:`DiffSummary` (status counts, and what changed
where: kinds, dispositions before and after, new drops and loops, the devices
and links that gained or lost traffic); and the :class:`DiffReport` that holds
both.  The JSON form (:meth:`DiffReport.to_dict`) is described by
``rela/schemas/diff.schema.json``; fields are only ever added.

>>> s = DiffSummary(fecs=3, unchanged=2, changed=1, flows_changed=1)
>>> DiffReport(s).changed, DiffReport(s).to_dict()["summary"]["changed"]
(True, 1)
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from rela.results import KIND_WORDS, KINDS, FecRef, FilterNote, Path, Warning_
from rela.values import frozen

__all__ = [
    "UNCHANGED",
    "CHANGED",
    "ONLY_BEFORE",
    "ONLY_AFTER",
    "ERROR",
    "KINDS",
    "KIND_WORDS",
    "DISPOSITIONS",
    "DISPOSITION_WORDS",
    "PathList",
    "FlowDiff",
    "FecDiff",
    "Place",
    "Disposition",
    "Transition",
    "KindCount",
    "DiffSummary",
    "DiffReport",
]

UNCHANGED = "unchanged"
CHANGED = "changed"
#: Paths before the change, none after (the after graph is empty or reaches no sink).
ONLY_BEFORE = "only-before"
#: No paths before the change, some after.
ONLY_AFTER = "only-after"
#: The FEC is malformed or could not be compared (resource limit): see ``problem``.
ERROR = "error"

# What happened to a changed flow, most telling first (a flow gets the first that
# applies): KINDS and KIND_WORDS are those of ``rela check --kind`` (rela.results), with
# the before paths as the expected ones and the after paths as the actual ones.

#: Where a flow's traffic ends up on one side of the change (docs/diff.md).
DISPOSITIONS = (
    "delivered",
    "exits-network",
    "delivered-to-subnet",
    "partial",
    "dropped",
    "looping",
    "no-path",
)
DISPOSITION_WORDS = {
    "delivered": "delivered",
    "exits-network": "exits the network",
    "delivered-to-subnet": "delivered to a subnet",
    "partial": "partly dropped",
    "dropped": "dropped",
    "looping": "forwarding loop",
    "no-path": "no path",
}


@frozen
class PathList:
    """Paths on one side of a difference: the exact count and the shortest few.

    ``count`` is ``None`` when there are infinitely many (a loop);
    ``truncated`` says ``paths`` lists only the first ones (``max_paths``).
    """

    count: int | None = 0
    paths: tuple[Path, ...] = ()
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "paths": [list(p) for p in self.paths],
            "truncated": self.truncated,
        }


@frozen
class FlowDiff:
    """One flow of an FEC: path counts before/after, and the paths removed and added.

    ``kind`` (one of :data:`KINDS`) says what happened to a changed flow
    (``None`` when unchanged); ``disposition`` is the flow's (before, after)
    disposition (:data:`DISPOSITIONS`).
    """

    flow: str
    status: str
    before: int | None
    after: int | None
    removed: PathList = PathList()
    added: PathList = PathList()
    kind: str | None = None
    disposition: tuple[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "flow": self.flow,
            "status": self.status,
            "kind": self.kind,
            "before": self.before,
            "after": self.after,
            "removed": self.removed.to_dict(),
            "added": self.added.to_dict(),
        }
        if self.disposition is not None:
            out["disposition"] = {"before": self.disposition[0], "after": self.disposition[1]}
        return out


@frozen
class FecDiff:
    """One FEC: its status, loop flags and flows.

    ``flows`` holds the changed flows (every flow with ``include_unchanged``);
    ``flows_total``/``flows_changed`` count all of them.  ``problem`` explains
    an ``error`` status; ``input_error`` says the input FEC itself is malformed.
    ``kind`` is the most telling kind of its changed flows.
    """

    fec: FecRef
    status: str
    loop_before: bool = False
    loop_after: bool = False
    flows: tuple[FlowDiff, ...] = ()
    flows_total: int = 0
    flows_changed: int = 0
    problem: str | None = None
    input_error: bool = False
    kind: str | None = None

    @property
    def changed(self) -> bool:
        """Whether the FEC's paths changed (``changed``, ``only-before`` or ``only-after``)."""
        return self.status in (CHANGED, ONLY_BEFORE, ONLY_AFTER)

    def to_dict(self) -> dict[str, Any]:
        return {
            "fec": self.fec.to_dict(),
            "status": self.status,
            "kind": self.kind,
            "loop": {"before": self.loop_before, "after": self.loop_after},
            "flows_total": self.flows_total,
            "flows_changed": self.flows_changed,
            "flows": [f.to_dict() for f in self.flows],
            "problem": self.problem,
        }


@frozen
class Place:
    """Somewhere traffic changed (a device, a link, a drop site, a loop), how often.

    ``fecs``/``flows`` count the FECs and flows concerned; ``example`` is the
    first of those FECs in input order.

    >>> Place("core2", 3, 12, FecRef(7, "10.0.0.0/24")).to_dict()["example"]
    {'index': 7, 'key': '10.0.0.0/24'}
    """

    where: str
    fecs: int
    flows: int
    example: FecRef | None = None

    def to_dict(self) -> dict[str, Any]:
        example = None
        if self.example is not None:
            example = {"index": self.example.index, "key": self.example.key}
        return {"where": self.where, "fecs": self.fecs, "flows": self.flows, "example": example}


@frozen
class Disposition:
    """How many FECs and flows had one disposition before, and after, the change."""

    disposition: str
    fecs_before: int = 0
    fecs_after: int = 0
    flows_before: int = 0
    flows_after: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "disposition": self.disposition,
            "fecs": {"before": self.fecs_before, "after": self.fecs_after},
            "flows": {"before": self.flows_before, "after": self.flows_after},
        }


@frozen
class Transition:
    """Flows whose disposition went from ``before`` to ``after`` (Batfish's differential view)."""

    before: str
    after: str
    fecs: int
    flows: int
    example: FecRef | None = None

    def to_dict(self) -> dict[str, Any]:
        out = Place(f"{self.before} -> {self.after}", self.fecs, self.flows, self.example)
        d = out.to_dict()
        del d["where"]
        return {"before": self.before, "after": self.after, **d}


@frozen
class KindCount:
    """Changed flows of one kind (:data:`KINDS`), and the FECs they belong to."""

    kind: str
    fecs: int
    flows: int
    example: FecRef | None = None

    def to_dict(self) -> dict[str, Any]:
        d = Place(self.kind, self.fecs, self.flows, self.example).to_dict()
        del d["where"]
        return {"kind": self.kind, **d}


def _places(items: tuple[Place, ...]) -> list[dict[str, Any]]:
    return [p.to_dict() for p in items]


@frozen
class DiffSummary:
    """Counts over the FECs compared (after the input filters), exact whatever is listed.

    The statuses partition the FECs: ``fecs == unchanged + changed +
    only_before + only_after + errors``.  ``loops_before``/``loops_after``
    count FECs whose before/after graph has a forwarding loop.  The rest says
    what changed where, over the flows the view filters select (all by
    default): ``kinds``, ``dispositions`` (every disposition met, before and
    after, by FEC and by flow), ``transitions`` (flows whose disposition
    changed), ``drops_new``/``drops_gone`` (``device (drop location)`` where
    traffic is now / no longer dropped), ``loops_new``/``loops_gone`` (the
    locations of a forwarding loop), and the devices and links that
    ``gained``/``lost`` traffic; places are sorted by FECs, then flows, then name.
    """

    fecs: int = 0
    unchanged: int = 0
    changed: int = 0
    only_before: int = 0
    only_after: int = 0
    errors: int = 0
    flows_changed: int = 0
    loops_before: int = 0
    loops_after: int = 0
    flows: int = 0
    kinds: tuple[KindCount, ...] = ()
    dispositions: tuple[Disposition, ...] = ()
    transitions: tuple[Transition, ...] = ()
    drops_new: tuple[Place, ...] = ()
    drops_gone: tuple[Place, ...] = ()
    loops_new: tuple[Place, ...] = ()
    loops_gone: tuple[Place, ...] = ()
    devices_gained: tuple[Place, ...] = ()
    devices_lost: tuple[Place, ...] = ()
    links_gained: tuple[Place, ...] = ()
    links_lost: tuple[Place, ...] = ()

    @property
    def fecs_changed(self) -> int:
        """FECs whose paths changed (``changed``, ``only-before`` or ``only-after``)."""
        return self.changed + self.only_before + self.only_after

    def to_dict(self) -> dict[str, Any]:
        return {
            "fecs": self.fecs,
            "unchanged": self.unchanged,
            "changed": self.changed,
            "only_before": self.only_before,
            "only_after": self.only_after,
            "errors": self.errors,
            "flows_changed": self.flows_changed,
            "loops_before": self.loops_before,
            "loops_after": self.loops_after,
            "flows": self.flows,
            "kinds": [k.to_dict() for k in self.kinds],
            "dispositions": [d.to_dict() for d in self.dispositions],
            "transitions": [t.to_dict() for t in self.transitions],
            "drops": {"new": _places(self.drops_new), "gone": _places(self.drops_gone)},
            "loops": {"new": _places(self.loops_new), "gone": _places(self.loops_gone)},
            "devices": {
                "gained": _places(self.devices_gained),
                "lost": _places(self.devices_lost),
            },
            "links": {"gained": _places(self.links_gained), "lost": _places(self.links_lost)},
        }


@frozen
class DiffReport:
    """The diff of a change: the summary and the FECs listed, most telling first.

    ``fecs`` are ordered by their most telling kind (errors first, then
    :data:`KINDS` in order, unchanged FECs last), then input order; at most
    ``max_fecs`` of them (``None``: all), ``fecs_listable`` says how many
    could have been listed.  ``view`` says what the view filters (``--through``,
    ``--kind``, ``--fec``) left out of the listing and the summary's breakdown.
    """

    summary: DiffSummary
    fecs: tuple[FecDiff, ...] = ()
    granularity: str = "device"
    description: str = ""
    max_paths: int = 20
    flow: tuple[str, ...] = ()
    dst: tuple[str, ...] = ()
    include_unchanged: bool = False
    max_fecs: int | None = None
    fecs_listable: int = 0
    through: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    fec: tuple[str, ...] = ()
    view: tuple[FilterNote, ...] = field(default=())
    #: FECs in the input before the input filters (None: no filter, same as ``summary.fecs``).
    fecs_input: int | None = None
    #: What each input filter (``--dst``, ``--start``, ``--flow``) left out.
    filters: tuple[FilterNote, ...] = ()
    #: Input warnings (``skipped-file``, ``filtered``...).
    warnings: tuple[Warning_, ...] = ()
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """Whether some FEC's paths changed."""
        return bool(self.summary.fecs_changed)

    @property
    def errors(self) -> int:
        """FECs that are malformed or could not be compared."""
        return self.summary.errors

    @property
    def fecs_omitted(self) -> int:
        """FECs that would be listed without ``max_fecs``."""
        return self.fecs_listable - len(self.fecs)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``rela diff --format json`` (``rela/schemas/diff.schema.json``)."""
        return {
            "format": "rela-diff/1",
            "description": self.description,
            "granularity": self.granularity,
            "changed": self.changed,
            "options": {
                "flow": list(self.flow),
                "dst": list(self.dst),
                "max_paths": self.max_paths,
                "all": self.include_unchanged,
                "max_fecs": self.max_fecs,
                "through": list(self.through),
                "kind": list(self.kind),
                "fec": list(self.fec),
            },
            "summary": self.summary.to_dict(),
            "fecs_input": self.summary.fecs if self.fecs_input is None else self.fecs_input,
            "filters": [f.to_dict() for f in self.filters],
            "warnings": [w.to_dict() for w in self.warnings],
            "view": [n.to_dict() for n in self.view],
            "fecs_listable": self.fecs_listable,
            "fecs_omitted": self.fecs_omitted,
            "fecs": [f.to_dict() for f in self.fecs],
        }
