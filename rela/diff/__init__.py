"""What a change does to forwarding paths, without a spec: the data behind ``rela diff``.

For every FEC the before and after path sets are compared as automata (the
same test as the spec ``.* : preserve``), and for every flow (start location)
the paths removed (before, not after) and added (after, not before) are listed
shortest first, with *exact* counts computed on the determinised automata, so
a graph with 2^30 ECMP paths is counted, not enumerated.  A count of ``None``
means infinitely many paths (a forwarding loop on the way to a sink).

The run is summed up as an engineer reads a change: what happened to the
flows (new loops, new drops, lost delivery, moved paths), where traffic ends
up before and after (dispositions), where it is newly dropped or looping,
and which devices and links gained or lost traffic — every count exact,
whatever is listed.  FECs are streamed: only counters and the FECs listed are
kept, never the change itself.  The library never prints; ``rela.cli.diff``
renders.

The package: :mod:`~rela.diff.results` (the data), :mod:`~rela.diff.counting`
(exact counts and differences on DFAs), :mod:`~rela.diff.facts` (where each
flow's traffic goes), :mod:`~rela.diff.compare` (one FEC),
:mod:`~rela.diff.summary` (adding up), :mod:`~rela.diff.view` (``--through``,
``--kind``, ``--fec``), :mod:`~rela.diff.run` (a whole change, in worker
processes too) and :mod:`~rela.diff.dot` (drawings).

>>> from rela.network.model import Fec, Graph
>>> before = Graph.from_paths([["a", "b", "d"], ["a", "c", "d"]])
>>> after = Graph.from_paths([["a", "b", "d"], ["a", "e", "d"]])
>>> report = diff_change([Fec(0, "k", (), before, after)])
>>> report.summary.changed, report.changed
(1, True)
>>> flow = report.fecs[0].flows[0]
>>> flow.flow, flow.removed.paths, flow.added.paths, flow.before, flow.after
('a', (('a', 'c', 'd'),), (('a', 'e', 'd'),), 2, 2)
>>> [(p.where, p.fecs) for p in report.summary.devices_gained]
[('e', 1)]
"""

from __future__ import annotations

from rela.diff.compare import Differ, FlowShift
from rela.diff.counting import dfa_minus, state_counts
from rela.diff.dot import dot_text, fec_dot, union_graph
from rela.diff.results import (
    CHANGED,
    DISPOSITION_WORDS,
    DISPOSITIONS,
    ERROR,
    KIND_WORDS,
    KINDS,
    ONLY_AFTER,
    ONLY_BEFORE,
    UNCHANGED,
    DiffReport,
    DiffSummary,
    Disposition,
    FecDiff,
    FlowDiff,
    KindCount,
    PathList,
    Place,
    Transition,
)
from rela.diff.run import diff_change

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
    "FlowShift",
    "Place",
    "Disposition",
    "Transition",
    "KindCount",
    "DiffSummary",
    "DiffReport",
    "Differ",
    "diff_change",
    "dfa_minus",
    "state_counts",
    "union_graph",
    "dot_text",
    "fec_dot",
]
