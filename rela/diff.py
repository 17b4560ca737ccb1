"""What a change does to forwarding paths, without a spec: the data behind ``rela diff``.

For every FEC the before and after path sets are compared as automata (the
same test as the spec ``.* : preserve``), and for every flow (start location)
the paths removed (before, not after) and added (after, not before) are listed
shortest first, with *exact* counts computed on the determinised automata, so
a graph with 2^30 ECMP paths is counted, not enumerated.  A count of ``None``
means infinitely many paths (a forwarding loop on the way to a sink).

FECs are streamed: only the results of the FECs shown are kept, never the
change itself.  The library never prints; ``rela.cli.diff`` renders.

>>> from rela.network.model import Fec, Graph
>>> before = Graph.from_paths([["a", "b", "d"], ["a", "c", "d"]])
>>> after = Graph.from_paths([["a", "b", "d"], ["a", "e", "d"]])
>>> report = diff_change([Fec(0, "k", (), before, after)])
>>> report.summary.changed, report.changed
(1, True)
>>> flow = report.fecs[0].flows[0]
>>> flow.flow, flow.removed.paths, flow.added.paths, flow.before, flow.after
('a', (('a', 'c', 'd'),), (('a', 'e', 'd'),), 2, 2)
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from rela.automata.decide import Budget, enumerate_words, equivalent
from rela.automata.nfa import Nfa, determinize, trim
from rela.check import Letters, graph_nfa
from rela.defaults import DEFAULT_MAX_STATES
from rela.draw.dot import DROP_DOT, dot_label
from rela.errors import RelaError, UsageError
from rela.network.model import DROP, Fec, Graph
from rela.results import FecRef, Path

__all__ = [
    "UNCHANGED",
    "CHANGED",
    "ONLY_BEFORE",
    "ONLY_AFTER",
    "ERROR",
    "PathList",
    "FlowDiff",
    "FecDiff",
    "DiffSummary",
    "DiffReport",
    "Differ",
    "diff_change",
    "union_graph",
    "dot_text",
    "fec_dot",
]

UNCHANGED = "unchanged"
CHANGED = "changed"
#: Paths before the change, none after (the after graph is empty or reaches no sink).
ONLY_BEFORE = "only-before"
#: No paths before the change, some after.
ONLY_AFTER = "only-after"
#: The FEC is malformed or could not be compared (resource limit): see ``problem``.
ERROR = "error"

#: Default limit on automaton states per operation (as ``rela check``).
#: (before, after) graph pairs whose outcome is remembered; many FECs share graphs.
_CACHE_SIZE = 10_000


# ---------------------------------------------------------------------- results


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class FlowDiff:
    """One flow of an FEC: path counts before/after, and the paths removed and added."""

    flow: str
    status: str
    before: int | None
    after: int | None
    removed: PathList = PathList()
    added: PathList = PathList()

    def to_dict(self) -> dict[str, Any]:
        return {
            "flow": self.flow,
            "status": self.status,
            "before": self.before,
            "after": self.after,
            "removed": self.removed.to_dict(),
            "added": self.added.to_dict(),
        }


@dataclass(frozen=True)
class FecDiff:
    """One FEC: its status, loop flags and flows.

    ``flows`` holds the changed flows (every flow with ``include_unchanged``);
    ``flows_total``/``flows_changed`` count all of them.  ``problem`` explains
    an ``error`` status; ``input_error`` says the input FEC itself is malformed.
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

    @property
    def changed(self) -> bool:
        """Whether the FEC's paths changed (``changed``, ``only-before`` or ``only-after``)."""
        return self.status in (CHANGED, ONLY_BEFORE, ONLY_AFTER)

    def to_dict(self) -> dict[str, Any]:
        return {
            "fec": self.fec.to_dict(),
            "status": self.status,
            "loop": {"before": self.loop_before, "after": self.loop_after},
            "flows_total": self.flows_total,
            "flows_changed": self.flows_changed,
            "flows": [f.to_dict() for f in self.flows],
            "problem": self.problem,
        }


@dataclass(frozen=True)
class DiffSummary:
    """Counts over every FEC compared (after the filters).

    The statuses partition the FECs: ``fecs == unchanged + changed +
    only_before + only_after + errors``.  ``loops_before``/``loops_after``
    count FECs whose before/after graph has a forwarding loop.
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

    def add(self, d: FecDiff) -> DiffSummary:
        """This summary with one more FEC counted."""
        status_field = {
            UNCHANGED: "unchanged",
            CHANGED: "changed",
            ONLY_BEFORE: "only_before",
            ONLY_AFTER: "only_after",
            ERROR: "errors",
        }[d.status]
        counts = self.to_dict()
        counts["fecs"] += 1
        counts[status_field] += 1
        counts["flows_changed"] += d.flows_changed
        counts["loops_before"] += d.loop_before
        counts["loops_after"] += d.loop_after
        return DiffSummary(**counts)

    def to_dict(self) -> dict[str, int]:
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
        }


@dataclass(frozen=True)
class DiffReport:
    """The diff of a change: summary counts and the FECs shown (input order)."""

    summary: DiffSummary
    fecs: tuple[FecDiff, ...] = ()
    granularity: str = "device"
    description: str = ""
    max_paths: int = 20
    flow: tuple[str, ...] = ()
    dst: tuple[str, ...] = ()
    include_unchanged: bool = False

    @property
    def changed(self) -> bool:
        """Whether some FEC's paths changed."""
        s = self.summary
        return bool(s.changed or s.only_before or s.only_after)

    @property
    def errors(self) -> int:
        """FECs that are malformed or could not be compared."""
        return self.summary.errors

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
            },
            "summary": self.summary.to_dict(),
            "fecs": [f.to_dict() for f in self.fecs],
        }


# ---------------------------------------------------------------------- computing


def _matches(name: str, label: str) -> bool:
    """DESIGN §3 name matching: ``name``'s components are a prefix of ``label``'s."""
    want = name.split("|")
    return label.split("|")[: len(want)] == want


def _as_tuple(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _check_filters(flow: Sequence[str], dst: Sequence[str]) -> None:
    for name in flow:
        if not isinstance(name, str) or not name or name.count("|") > 2:
            raise UsageError(f"flow={name!r} is not a location name")
    for prefix in dst:
        try:
            ipaddress.ip_network(prefix, strict=False)
        except (ValueError, TypeError):
            raise UsageError(f"dst={prefix!r} is not an IP prefix (e.g. 10.0.0.0/8)") from None


class _Names(Letters):
    """Location names interned to the ints automata read, shared by a whole run."""

    def automaton(self, graph: Graph) -> Nfa:
        """The trimmed automaton of a graph's paths."""
        return graph_nfa(graph, self)


@dataclass(frozen=True)
class _Outcome:
    """What depends only on the (before, after) graphs: reused across FECs that share them."""

    status: str
    loop_before: bool
    loop_after: bool
    flows: tuple[FlowDiff, ...]
    flows_total: int
    flows_changed: int
    problem: str | None = None


@dataclass
class Differ:
    """Compares FEC after FEC; :meth:`diff` is the per-FEC step of :func:`diff_change`.

    Use it directly to stream diffs without keeping them::

        differ = Differ(max_paths=5)
        for fec in change:
            d = differ.diff(fec)   # None when a filter leaves the FEC out
    """

    flow: tuple[str, ...] = ()
    dst: tuple[str, ...] = ()
    max_paths: int = 20
    include_unchanged: bool = False
    max_states: int = DEFAULT_MAX_STATES
    names: _Names = field(default_factory=_Names, repr=False)
    _cache: dict[tuple[Graph, Graph], _Outcome] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.flow = _as_tuple(self.flow)
        self.dst = _as_tuple(self.dst)
        _check_filters(self.flow, self.dst)
        if self.max_paths < 0:
            raise UsageError(f"max_paths must be >= 0, got {self.max_paths}")

    def selects(self, fec: Fec) -> bool:
        """Whether the ``dst`` filter keeps the FEC (malformed FECs are always kept)."""
        if fec.problem is not None or not self.dst:
            return True
        return any(t.matches_prefix("dst", p) for t in fec.traffic for p in self.dst)

    def restrict(self, graph: Graph) -> Graph:
        """The graph with only the sources the ``flow`` filter selects."""
        if not self.flow:
            return graph
        sources = tuple(
            s for s in graph.sources if any(_matches(n, graph.labels[s]) for n in self.flow)
        )
        if sources == graph.sources:
            return graph
        return Graph(graph.labels, graph.succ, sources, graph.sinks)

    def diff(self, fec: Fec) -> FecDiff | None:
        """The diff of one FEC, or ``None`` when the filters leave it out."""
        ref = FecRef(fec.index, fec.key, tuple(t.to_dict() for t in fec.traffic))
        if fec.problem is not None:
            return FecDiff(ref, ERROR, problem=fec.problem, input_error=True)
        if not self.selects(fec):
            return None
        before, after = self.restrict(fec.before), self.restrict(fec.after)
        if self.flow and not before.sources and not after.sources:
            return None
        key = (before, after)
        outcome = self._cache.get(key)
        if outcome is None:
            outcome = self._outcome(before, after)
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            self._cache[key] = outcome
        return FecDiff(
            ref,
            outcome.status,
            outcome.loop_before,
            outcome.loop_after,
            outcome.flows,
            outcome.flows_total,
            outcome.flows_changed,
            outcome.problem,
        )

    def _outcome(self, before: Graph, after: Graph) -> _Outcome:
        loops = (before.has_cycle(), after.has_cycle())
        try:
            return self._compare(before, after, *loops)
        except RelaError as exc:  # a resource limit
            return _Outcome(ERROR, *loops, (), 0, 0, exc.message)
        except RecursionError:
            return _Outcome(ERROR, *loops, (), 0, 0, "graph nested too deeply to compare")
        except MemoryError:
            return _Outcome(ERROR, *loops, (), 0, 0, "out of memory while comparing this FEC")

    def _compare(
        self, before: Graph, after: Graph, loop_before: bool, loop_after: bool
    ) -> _Outcome:
        budget = Budget(self.max_states)
        starts = sorted(
            {before.labels[s] for s in before.sources} | {after.labels[s] for s in after.sources}
        )
        a = b = self.names.automaton(before)
        if before == after:
            status = UNCHANGED
        else:
            b = self.names.automaton(after)
            status = _status(a, b, equivalent(a, b, budget) is None)
        if status == UNCHANGED and not self.include_unchanged:
            return _Outcome(status, loop_before, loop_after, (), len(starts), 0)
        da = _dfa(a, budget)
        db = da if b is a else _dfa(b, budget)
        counts_a = state_counts(da)
        counts_b = counts_a if db is da else state_counts(db)
        flows: list[FlowDiff] = []
        changed = 0
        for start in starts:
            x = self.names.id(start)
            n_before, n_after = _flow_count(da, counts_a, x), _flow_count(db, counts_b, x)
            if status == UNCHANGED:
                flows.append(FlowDiff(start, UNCHANGED, n_before, n_after))
                continue
            removed = dfa_minus(da, db, budget, first=x)
            added = dfa_minus(db, da, budget, first=x)
            if not removed.finals and not added.finals:
                if self.include_unchanged:
                    flows.append(FlowDiff(start, UNCHANGED, n_before, n_after))
                continue
            changed += 1
            if n_after == 0:
                flow_status = ONLY_BEFORE
            elif n_before == 0:
                flow_status = ONLY_AFTER
            else:
                flow_status = CHANGED
            flows.append(
                FlowDiff(
                    start,
                    flow_status,
                    n_before,
                    n_after,
                    self._paths(removed, budget),
                    self._paths(added, budget),
                )
            )
        return _Outcome(status, loop_before, loop_after, tuple(flows), len(starts), changed)

    def _paths(self, d: Nfa, budget: Budget) -> PathList:
        words, more = enumerate_words(d, self.max_paths, budget)
        paths = sorted((tuple(self.names.values[x] for x in w) for w in words), key=_by_length)
        return PathList(state_counts(d)[_start(d)], tuple(paths), more)


def _by_length(path: Path) -> tuple[int, Path]:
    return (len(path), path)


def _status(a: Nfa, b: Nfa, equal: bool) -> str:
    """Status of two path sets (trimmed automata: no final state means no path)."""
    if equal:
        return UNCHANGED
    if not b.finals:
        return ONLY_BEFORE
    if not a.finals:
        return ONLY_AFTER
    return CHANGED


# Counting and differences work on (small, partial) DFAs of whole graphs: a
# flow is what follows the start state's arc for its first location, the
# product of two DFAs is a DFA, so removed/added sets are counted directly,
# never enumerated, and no complete complement over every location is built.


def _dfa(a: Nfa, budget: Budget) -> Nfa:
    """A trimmed DFA for ``a`` (one start state, partial: a missing arc is dead)."""
    return trim(determinize(a, None, budget.max_states))


def _start(d: Nfa) -> int:
    return next(iter(d.starts))


def _flow_count(d: Nfa, counts: list[int | None], first: int) -> int | None:
    """Paths of DFA ``d`` that start with ``first``."""
    target = d.index()[_start(d)].get(first)
    return counts[target[0]] if target else 0


def dfa_minus(a: Nfa, b: Nfa, budget: Budget | None = None, first: int | None = None) -> Nfa:
    """The trimmed DFA of the paths of DFA ``a`` that are not paths of DFA ``b``.

    Both must be trimmed DFAs with one start state (as :func:`_dfa` makes
    them).  With ``first``, only paths whose first letter is ``first``.

    >>> a, b = _dfa(Nfa.letter(1, 2), Budget()), _dfa(Nfa.letter(2, 3), Budget())
    >>> state_counts(dfa_minus(a, b))[0], state_counts(dfa_minus(a, b, first=2))[0]
    (1, 0)
    """
    ia, ib = a.index(), b.index()
    dead = -1
    ids: dict[tuple[int, int], int] = {}
    todo: list[tuple[int, int]] = []
    arcs: list[list[tuple[int, int]]] = []
    finals: list[int] = []

    def get(pair: tuple[int, int]) -> int:
        k = ids.get(pair)
        if k is None:
            k = ids[pair] = len(arcs)
            arcs.append([])
            todo.append(pair)
            if budget is not None and k & 255 == 0:
                budget.check(k)
        return k

    def step(q: int, x: int) -> int:
        t = ib[q].get(x) if q != dead else None
        return t[0] if t else dead

    p0, q0 = _start(a), _start(b)
    if first is None:
        get((p0, q0))
    else:  # a fresh start state with the one arc ``first``
        arcs.append([])
        if first in ia[p0]:
            arcs[0].append((first, get((ia[p0][first][0], step(q0, first)))))
    while todo:
        pair = todo.pop()
        p, q = pair
        src = ids[pair]
        if p in a.finals and (q == dead or q not in b.finals):
            finals.append(src)
        for x, (p2,) in ia[p].items():
            arcs[src].append((x, get((p2, step(q, x)))))
    return trim(Nfa(len(arcs), [0], finals, arcs))


def state_counts(d: Nfa) -> list[int | None]:
    """Per state of a trimmed DFA, the number of paths from it (``None``: infinite).

    In a trimmed automaton every state reaches a final state, so a state has
    infinitely many paths exactly when it is on, or reaches, a cycle.

    >>> d = _dfa(Nfa.letter(1, 2), Budget())
    >>> state_counts(d)[0], state_counts(_dfa(Nfa.universal([1]), Budget()))[0]
    (2, None)
    """
    counts: list[int | None] = [0] * d.n
    state = [0] * d.n  # 0 new, 1 on the DFS stack, 2 done
    cyclic = [False] * d.n
    for root in range(d.n):
        if state[root]:
            continue
        stack: list[tuple[int, Iterator[tuple[int, int]]]] = [(root, iter(d.arcs[root]))]
        state[root] = 1
        while stack:
            q, it = stack[-1]
            for _, t in it:
                if state[t] == 1:  # a back arc: q is on a cycle
                    cyclic[q] = True
                elif state[t] == 0:
                    state[t] = 1
                    stack.append((t, iter(d.arcs[t])))
                    break
            else:  # every successor is done, or q is marked cyclic
                state[q] = 2
                stack.pop()
                counts[q] = None if cyclic[q] else _sum_counts(q in d.finals, d.arcs[q], counts)
    return counts


def _sum_counts(
    final: bool, arcs: Iterable[tuple[int, int]], counts: list[int | None]
) -> int | None:
    total = int(final)
    for _, t in arcs:
        c = counts[t]
        if c is None:
            return None
        total += c
    return total


def diff_change(
    change: Iterable[Fec],
    *,
    flow: str | Sequence[str] | None = None,
    dst: str | Sequence[str] | None = None,
    max_paths: int = 20,
    include_unchanged: bool = False,
    max_states: int = DEFAULT_MAX_STATES,
    on_fec: Callable[[Fec, FecDiff], None] | None = None,
) -> DiffReport:
    """Compare the before and after paths of every FEC of ``change``.

    * ``flow``: only flows whose start location matches (component prefix, as
      spec names: ``core1`` matches ``core1|default``); FECs with no such
      flow are left out;
    * ``dst``: only FECs with a traffic key whose destination lies in one of
      these prefixes;
    * ``max_paths``: removed/added paths listed per flow (counts are exact);
    * ``include_unchanged``: keep unchanged FECs (and unchanged flows) in
      :attr:`DiffReport.fecs`; the summary always counts every FEC;
    * ``on_fec(fec, diff)``: called for every FEC compared (e.g. to draw it).

    The change is streamed; only the FECs shown are kept.  Malformed FECs are
    reported with status ``error`` (and kept whatever the filters).

    >>> from rela.network.model import Fec, Graph
    >>> g = Graph.from_paths([["a", "b"]])
    >>> diff_change([Fec(0, None, (), g, g)]).summary.unchanged
    1
    """
    differ = Differ(
        flow=_as_tuple(flow),
        dst=_as_tuple(dst),
        max_paths=max_paths,
        include_unchanged=include_unchanged,
        max_states=max_states,
    )
    summary = DiffSummary()
    shown: list[FecDiff] = []
    for fec in change:
        d = differ.diff(fec)
        if d is None:
            continue
        summary = summary.add(d)
        if on_fec is not None:
            on_fec(fec, d)
        if include_unchanged or d.status != UNCHANGED:
            shown.append(d)
    granularity = getattr(change, "granularity", "device")
    return DiffReport(
        summary=summary,
        fecs=tuple(shown),
        granularity=str(getattr(granularity, "value", granularity)),
        description=str(getattr(change, "description", "")),
        max_paths=max_paths,
        flow=differ.flow,
        dst=differ.dst,
        include_unchanged=include_unchanged,
    )


# ---------------------------------------------------------------------- drawing


def _reachable(graph: Graph) -> set[int]:
    seen = set(graph.sources)
    stack = list(seen)
    while stack:
        for m in graph.succ[stack.pop()]:
            if m not in seen:
                seen.add(m)
                stack.append(m)
    return seen


def union_graph(before: Graph, after: Graph) -> nx.DiGraph:
    """The before/after union over locations (nodes reachable from a source).

    Edge attribute ``side`` is ``both``, ``before`` (removed) or ``after``
    (added); node attributes ``source``/``sink`` say whether some node with
    that location starts/ends paths.

    >>> g = union_graph(Graph.from_paths([["a", "b"]]), Graph.from_paths([["a", "c"]]))
    >>> sorted(g.edges(data="side"))
    [('a', 'b', 'before'), ('a', 'c', 'after')]
    """
    out: nx.DiGraph = nx.DiGraph()
    sides: dict[tuple[str, str], set[str]] = {}
    for side, graph in (("before", before), ("after", after)):
        keep = _reachable(graph)
        for i in sorted(keep):
            label = graph.labels[i]
            if not out.has_node(label):
                out.add_node(label, source=False, sink=False)
            attrs = out.nodes[label]
            attrs["source"] = attrs["source"] or i in graph.sources
            attrs["sink"] = attrs["sink"] or i in graph.sinks
            for j in graph.succ[i]:
                sides.setdefault((label, graph.labels[j]), set()).add(side)
    for (u, v), seen in sides.items():
        out.add_edge(u, v, side="both" if len(seen) == 2 else next(iter(seen)))
    return out


_EDGE_STYLE = {
    "both": {"color": "black"},
    "before": {"color": "red", "style": "dashed"},
    "after": {"color": "green", "penwidth": "2"},
}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attrs(attrs: dict[str, str]) -> str:
    return "[" + ", ".join(f"{k}={_quote(v)}" for k, v in attrs.items()) + "]"


def dot_text(graph: nx.DiGraph, title: str = "") -> str:
    """Graphviz DOT text for a :func:`union_graph` (removed edges red, added green).

    Sources are boxes, sinks double circles, ``drop`` a red octagon; the graph
    label holds ``title`` and the legend (:func:`rela.draw.dot.dot_label`).

    >>> print(dot_text(union_graph(Graph.from_paths([["a"]]), Graph.empty())))  # doctest: +ELLIPSIS
    digraph diff {
      label=<<table border="0" cellborder="0" cellspacing="1">
    ...
      labelloc="t";
      node [shape="ellipse"];
      "a" [shape="box", peripheries="2"];
    }
    <BLANKLINE>
    """
    lines = ["digraph diff {", f"  label={dot_label(title)};", '  labelloc="t";']
    lines.append('  node [shape="ellipse"];')
    for node, data in sorted(graph.nodes(data=True)):
        attrs: dict[str, str] = dict(DROP_DOT) if node == DROP else {}
        if data.get("source"):
            attrs["shape"] = "box"
        if data.get("sink"):
            attrs["peripheries"] = "2"
        lines.append(f"  {_quote(node)}" + (f" {_attrs(attrs)}" if attrs else "") + ";")
    for u, v, side in sorted(graph.edges(data="side")):
        lines.append(f"  {_quote(u)} -> {_quote(v)} {_attrs(_EDGE_STYLE[side])};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def fec_dot(fec: Fec, flow: str | Sequence[str] | None = None) -> str:
    """The DOT drawing of one FEC's before/after union graph (``rela diff --dot``)."""
    differ = Differ(flow=_as_tuple(flow))
    title = f"FEC #{fec.index}" + (f" ({fec.key})" if fec.key else "")
    return dot_text(union_graph(differ.restrict(fec.before), differ.restrict(fec.after)), title)
