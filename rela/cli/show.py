"""``rela show``: look inside a change or a pair of snapshots.

Prints each FEC (index, key, traffic keys) and, per flow, its before and after
paths shortest first (``--max-paths``), or graph statistics (``--stats``).
A malformed FEC is shown with its problem and makes the exit status 2.
"""

from __future__ import annotations

import heapq
import io
import itertools
import json
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from enum import Enum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from rela.cli.app import EXIT_INPUT, app, err_console, handle_errors
from rela.cli.inputs import (
    AfterOption,
    BeforeOption,
    ChangeOption,
    DstOption,
    FlowOption,
    GranularityOption,
    GroupsOption,
    StartOption,
    change_from_options,
)
from rela.cli.options import (
    DEFAULT_MAX_PATHS,
    ColorOption,
    FecOption,
    MaxPathsOption,
    OutputOption,
    QuietOption,
    format_option,
)
from rela.cli.output import Sink, check_output, is_stdout, open_output
from rela.errors import UsageError
from rela.network.model import Fec, Granularity, Graph, TrafficKey
from rela.network.selection import InputSummary, summarize
from rela.report.escape import visible

__all__ = ["graph_stats", "matches_location", "shortest_paths", "show"]

Path_ = tuple[str, ...]


class Format(str, Enum):
    text = "text"
    json = "json"


def matches_location(name: str, label: str) -> bool:
    """DESIGN §3 name matching: ``name``'s components are a prefix of ``label``'s.

    >>> matches_location("r1", "r1|blue|Gi0"), matches_location("r1|red", "r1|blue")
    (True, False)
    """
    want = name.split("|")
    return label.split("|")[: len(want)] == want


def _distances(graph: Graph) -> list[float]:
    """Fewest hops from each node to a sink (inf when no sink is reachable)."""
    preds: list[list[int]] = [[] for _ in graph.labels]
    for i, nexts in enumerate(graph.succ):
        for j in nexts:
            preds[j].append(i)
    dist = [float("inf")] * len(graph.labels)
    queue = deque(graph.sinks)
    for s in graph.sinks:
        dist[s] = 0
    while queue:
        node = queue.popleft()
        for p in preds[node]:
            if dist[p] == float("inf"):
                dist[p] = dist[node] + 1
                queue.append(p)
    return dist


def shortest_paths(graph: Graph, start: str | None, limit: int) -> tuple[list[Path_], bool]:
    """Up to ``limit`` distinct paths of ``graph`` (those entering at ``start`` if given).

    Returns the paths sorted shortest first and whether more exist.  A search on
    *sets* of nodes (one per label sequence, as in a subset construction) with
    distance-to-sink bounds: it yields distinct label sequences directly, even
    when many node walks share labels, and never expands walks that cannot be
    among the shortest, so ECMP fan-out and loops stay cheap.

    >>> g = Graph.from_paths([["a", "b"], ["a", "c", "d"], ["e"]])
    >>> shortest_paths(g, "a", 1)
    ([('a', 'b')], True)
    """
    dist = _distances(graph)
    sinks = graph.sinks
    first = [s for s in graph.sources if start is None or graph.labels[s] == start]
    counter = itertools.count()
    heap: list[tuple[float, int, int, int, frozenset[int] | None, Path_]] = []
    by_label: dict[str, set[int]] = {}
    for s in first:
        if dist[s] != float("inf"):
            by_label.setdefault(graph.labels[s], set()).add(s)
    for label, group in sorted(by_label.items()):
        bound = 1 + min(dist[n] for n in group)
        heap.append((bound, 1, -1, next(counter), frozenset(group), (label,)))
    heapq.heapify(heap)
    found: list[Path_] = []
    while heap and len(found) <= limit:
        _, _, _, _, nodes, path = heapq.heappop(heap)
        if nodes is None:  # a complete path
            found.append(path)
            continue
        if not sinks.isdisjoint(nodes):
            heapq.heappush(heap, (len(path), 0, 0, next(counter), None, path))
        nexts: dict[str, set[int]] = {}
        for n in nodes:
            for m in graph.succ[n]:
                if dist[m] != float("inf"):
                    nexts.setdefault(graph.labels[m], set()).add(m)
        for label, succ in nexts.items():
            bound = len(path) + 1 + min(dist[m] for m in succ)
            heapq.heappush(
                heap,
                (bound, 1, -len(path) - 1, next(counter), frozenset(succ), path + (label,)),
            )
    more = len(found) > limit
    return sorted(found[:limit], key=lambda p: (len(p), p)), more


def graph_stats(graph: Graph) -> dict[str, Any]:
    """Size of a graph: nodes, edges, sources, sinks, distinct locations, and whether it loops.

    >>> graph_stats(Graph.from_paths([["a", "b"], ["a", "c"]]))
    {'nodes': 3, 'edges': 2, 'sources': 1, 'sinks': 2, 'locations': 3, 'loop': False}
    """
    return {
        "nodes": len(graph.labels),
        "edges": sum(len(s) for s in graph.succ),
        "sources": len(graph.sources),
        "sinks": len(graph.sinks),
        "locations": len(set(graph.labels)),
        "loop": graph.has_cycle(),
    }


def _restrict(graph: Graph, flows: list[str]) -> Graph:
    if not flows:
        return graph
    sources = tuple(
        s for s in graph.sources if any(matches_location(f, graph.labels[s]) for f in flows)
    )
    return Graph(graph.labels, graph.succ, sources, graph.sinks)


def _traffic_text(keys: Iterable[TrafficKey], limit: int = 8) -> str:
    parts = []
    shown = list(keys)
    for t in shown[:limit]:
        fields = [f"{name}={value}" for name, value in t.to_dict().items()]
        parts.append(" ".join(fields) or "(any)")
    if len(shown) > limit:  # header-space classes can need hundreds of cubes
        parts.append(f"... (+{len(shown) - limit} more keys; -f json lists them all)")
    return ", ".join(parts) if parts else "(none)"


def _fec_record(fec: Fec, flows: list[str], stats: bool, max_paths: int) -> dict[str, Any]:
    record: dict[str, Any] = fec.fec_dict()
    record["problem"] = fec.problem
    if fec.problem is not None:
        return record
    before, after = _restrict(fec.before, flows), _restrict(fec.after, flows)
    if stats:
        record["before"] = graph_stats(before)
        record["after"] = graph_stats(after)
        return record
    starts = sorted(
        {before.labels[s] for s in before.sources} | {after.labels[s] for s in after.sources}
    )
    record["flows"] = []
    for start in starts:
        entry: dict[str, Any] = {"flow": start}
        for side, graph in (("before", before), ("after", after)):
            paths, more = shortest_paths(graph, start, max_paths)
            entry[side] = {"paths": [list(p) for p in paths], "truncated": more}
        record["flows"].append(entry)
    return record


def _selected(fecs: Iterable[Fec], selectors: list[str], flows: list[str]) -> Iterator[Fec]:
    """The FECs named by ``--fec`` (a key, or an index ``N``/``#N``) whose flows match ``flows``."""
    wanted = {int(x.lstrip("#")) for x in selectors if x.lstrip("#").isdigit()}
    keys = {x for x in selectors if not x.lstrip("#").isdigit()}
    last = max(wanted) if wanted and not keys else None
    for fec in fecs:
        if last is not None and fec.index > last:
            return
        if selectors and fec.index not in wanted and fec.key not in keys:
            continue
        if flows and fec.problem is None:
            starts = [g.labels[s] for g in (fec.before, fec.after) for s in g.sources]
            if not any(matches_location(f, s) for f in flows for s in starts):
                continue
        yield fec


def _print_text(console: Console, record: dict[str, Any], fec: Fec, stats: bool) -> None:
    key = f"  key [bold]{escape(visible(fec.key))}[/]" if fec.key is not None else ""
    console.print(f"[bold cyan]FEC {fec.index}[/]{key}")
    console.print(f"  traffic: {escape(visible(_traffic_text(fec.traffic)))}")
    for i, use in enumerate(record.get("acl_text", ())):
        console.print(("  acls:    " if i == 0 else "           ") + escape(visible(use)))
    if fec.problem is not None:
        console.print(f"  [bold red]error:[/] {escape(visible(fec.problem))}")
        return
    if stats:
        for side in ("before", "after"):
            s = record[side]
            console.print(
                f"  {side + ':':8}{s['nodes']} nodes, {s['edges']} edges, {s['sources']} sources, "
                f"{s['sinks']} sinks, {s['locations']} locations, loop: "
                + ("[bold yellow]yes[/]" if s["loop"] else "no")
            )
        return
    if not record["flows"]:
        console.print("  [dim](no paths before or after)[/]")
    for entry in record["flows"]:
        console.print(f"  flow [bold]{escape(visible(entry['flow']))}[/]")
        for side in ("before", "after"):
            paths = entry[side]["paths"]
            head = f"    {side + ':':8}"
            if not paths:
                console.print(head + "[dim](no paths)[/]")
            for i, path in enumerate(paths):
                text = " -> ".join(visible(h) for h in path)
                console.print((head if i == 0 else " " * len(head)) + escape(text))
            if entry[side]["truncated"]:
                console.print(
                    " " * len(head)
                    + f"[dim]... more paths (showing the {len(paths)} shortest; --max-paths)[/]"
                )


def _check_shown(selectors: list[str], indices: set[int], keys: set[str], shown: int) -> None:
    """Exit 2 when ``--fec`` names an FEC that is not shown, or nothing is shown at all."""
    missing = [
        x
        for x in selectors
        if (int(x.lstrip("#")) not in indices if x.lstrip("#").isdigit() else x not in keys)
    ]
    if missing:
        raise UsageError(
            f"--fec {missing[0]} selects nothing: no such FEC, or the other filters left it out",
            hint="FEC indices start at 0; `rela show --stats` lists every FEC",
        )
    if not shown:
        raise UsageError("nothing to show: no FEC passed the filters")


class _TextOut:
    """Rich markup rendered to text, one piece at a time, into a sink."""

    def __init__(self, sink: Sink, color: bool) -> None:
        self.sink = sink
        self.buffer = io.StringIO()
        self.console = Console(
            file=self.buffer,
            force_terminal=color,
            no_color=not color,
            color_system="standard" if color else None,
            highlight=False,
            soft_wrap=True,
            emoji=False,
        )

    def flush(self) -> None:
        self.sink.write(self.buffer.getvalue().encode("utf-8"))
        self.buffer.seek(0)
        self.buffer.truncate()


def _summary(shown: int, problems: int, inputs: InputSummary | None = None) -> str:
    """The last line of the text output (with what the input filters left out).

    >>> _summary(1, 0), _summary(3, 1)
    ('1 FEC shown', '3 FECs shown, 1 malformed')
    >>> from rela.results import FilterNote
    >>> _summary(1, 0, InputSummary(4, (FilterNote("--dst", "10.0.0.0/8", 3, "why"),)))
    '1 FEC shown; --dst left out 3 (of 4 in the input)'
    """
    text = f"{shown} FEC{'s' if shown != 1 else ''} shown"
    if problems:
        text += f", {problems} malformed"
    if inputs is not None:
        for note in inputs.filters:
            text += f"; {note.option} left out {note.left_out}"
        if inputs.fecs_input is not None:
            text += f" (of {inputs.fecs_input} in the input)"
    return text


@app.command()
def show(
    change: ChangeOption = None,
    before: BeforeOption = None,
    after: AfterOption = None,
    granularity: GranularityOption = Granularity.DEVICE,
    groups: GroupsOption = None,
    start: StartOption = None,
    dst: DstOption = None,
    flow: FlowOption = None,
    fec: FecOption = None,
    stats: Annotated[
        bool,
        typer.Option("--stats", help="Graph statistics instead of paths.", show_default=False),
    ] = False,
    max_paths: MaxPathsOption = DEFAULT_MAX_PATHS,
    fmt: Annotated[Format, format_option()] = Format.text,
    output: OutputOption = None,
    color: ColorOption = None,
    quiet: QuietOption = False,
) -> None:
    """Print the FECs, traffic keys and paths (or graph statistics) of a change.

    Exit status: 0 shown; 2 bad input or usage (an unreadable input, one of the
    FECs shown malformed, a selector that selects nothing, an unwritable output).
    """
    flows = list(flow or [])
    problems = 0
    shown = 0
    indices: set[int] = set()
    keys: set[str] = set()
    with handle_errors():
        check_output(output, [change, before, after, groups])
        from rela.network.formats.batfish import BatfishChange

        loaded = change_from_options(change, before, after, granularity, groups, start, dst, flow)
        use_color = color if color is not None else is_stdout(output) and sys.stdout.isatty()
        with open_output(output) as sink:
            text = _TextOut(sink, bool(use_color) and fmt is Format.text)
            if fmt is Format.json:
                header = {
                    "description": loaded.description,
                    "granularity": loaded.granularity.value,
                }
                sink.write((json.dumps(header)[:-1] + ', "fecs": [').encode("utf-8"))
            elif not quiet:
                text.console.print(
                    f"[bold]{escape(visible(loaded.description))}[/] "
                    f"(granularity {loaded.granularity.value})"
                )
            for item in _selected(loaded, list(fec or []), flows):
                record = _fec_record(item, flows, stats, max_paths)
                if isinstance(loaded, BatfishChange) and loaded.models_acls:
                    uses = loaded.acls(item)  # the ACLs that shape the FEC's paths
                    record["acls"] = [u.to_dict() for u in uses]
                    if fmt is not Format.json:
                        record["acl_text"] = [u.describe() for u in uses]
                problems += item.problem is not None and not item.undecided
                if fmt is Format.json:
                    sep = "\n  " if not shown else ",\n  "
                    sink.write((sep + json.dumps(record)).encode("utf-8"))
                elif not quiet:
                    _print_text(text.console, record, item, stats)
                    text.flush()
                shown += 1
                indices.add(item.index)
                if item.key is not None:
                    keys.add(item.key)
            inputs = summarize(loaded)  # a filter that selected nothing: exit 2
            _check_shown(list(fec or []), indices, keys, shown)
            for warning in inputs.warnings:  # about the inputs, e.g. acl-change-unchecked
                if warning.code != "filtered":  # the summary line says what filters left out
                    err_console.warn(warning)
            if fmt is Format.json:
                tail = {
                    "fecs_input": inputs.fecs_input,
                    "filters": [f.to_dict() for f in inputs.filters],
                    "warnings": [w.to_dict() for w in inputs.warnings],
                }
                sink.write(("\n], " + json.dumps(tail)[1:] + "\n").encode("utf-8"))
            else:
                text.console.print(escape(_summary(shown, problems, inputs)))
                text.flush()
    if problems:
        err_console.print(
            f"error: {problems} malformed FEC{'s' if problems != 1 else ''} in the input",
            markup=False,
        )
        raise typer.Exit(EXIT_INPUT)
