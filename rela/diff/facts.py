"""Where each flow's traffic goes on one side of a change: the facts behind the diff summary.

For every start location of a graph, :func:`flow_facts` gives, as bit sets
over names interned per run (:class:`Bits`): the locations, devices and
links on its paths, the drop sites its paths end at (the device that drops
and the drop location), the forwarding loops it can reach, and the outcomes
of its paths (delivered, dropped, ...), from which :func:`disposition` says
where its traffic ends up.  One pass over the graph's strongly connected
components, sinks first, computes every start at once (a node's sets are its
own plus its successors'), so a graph costs O(edges) big-int operations
however many flows it has.

Paths, devices, links and drops only count what lies on a path (a node that
reaches no sink carries no path); loops count every cycle the flow can reach,
whether or not a path leaves it — a loop that traps traffic is a loop.

>>> from rela.network.model import Graph
>>> bits = FactBits()
>>> g = Graph.from_paths([["a", "b", "c"], ["a", "d", "drop"]])
>>> f = flow_facts(g, bits)["a"]
>>> disposition(f), bits.devices.decode(f.devices), bits.drops.decode(f.drops)
('partial', ['a', 'b', 'c', 'd'], ['d (drop)'])
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from rela.network.model import Graph
from rela.values import frozen

__all__ = [
    "Bits",
    "FactBits",
    "FlowFacts",
    "NO_FLOW",
    "disposition",
    "flow_facts",
    "is_special",
    "device_of",
    "link_name",
]

#: Location names that are outcomes, not devices (``drop`` and ``drop|...`` too).
_OUTCOME_NAMES = ("exits-network", "delivered-to-subnet")
# Outcome bits of a path's last location.
_DELIVERED, _DROPPED, _EXITS, _SUBNET = 1, 2, 4, 8
_OUTCOME_OF = {"exits-network": _EXITS, "delivered-to-subnet": _SUBNET}
_SINGLE = {_DELIVERED: "delivered", _DROPPED: "dropped", _EXITS: "exits-network",
           _SUBNET: "delivered-to-subnet"}  # fmt: skip


def device_of(label: str) -> str:
    """The device (or group) of a location: its first component.

    >>> device_of("core1|default|Gi0/0"), device_of("core1")
    ('core1', 'core1')
    """
    return label.split("|", 1)[0]


def is_special(label: str) -> bool:
    """Whether a location is an outcome (``drop``, ``drop|denied-in``, ``exits-network``, ...)."""
    head = device_of(label)
    return head == "drop" or head in _OUTCOME_NAMES


def link_name(u: str, v: str) -> str:
    """A link between two locations, by device; at interface granularity with the inbound interface.

    >>> link_name("a|default", "b|default"), link_name("a|v|e1", "b|v|e2")
    ('a -> b', 'a -> b[e2]')
    """
    parts = v.split("|")
    tail = f"[{parts[2]}]" if len(parts) > 2 else ""
    return f"{device_of(u)} -> {parts[0]}{tail}"


class Bits:
    """Names interned to bit positions, for one run (sets of names are ints)."""

    __slots__ = ("ids", "names")

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.names: list[str] = []

    def bit(self, name: str) -> int:
        """The one-bit set of ``name``."""
        i = self.ids.get(name)
        if i is None:
            i = self.ids[name] = len(self.names)
            self.names.append(name)
        return 1 << i

    def decode(self, mask: int) -> list[str]:
        """The names of a set, sorted.

        >>> b = Bits(); m = b.bit("y") | b.bit("x")
        >>> b.decode(m)
        ['x', 'y']
        """
        return sorted(self.names[i] for i in _positions(mask))


def _positions(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


@dataclass
class FactBits:
    """The interners of one run: locations, devices, links, drop sites and loops."""

    labels: Bits = field(default_factory=Bits)
    devices: Bits = field(default_factory=Bits)
    links: Bits = field(default_factory=Bits)
    drops: Bits = field(default_factory=Bits)
    loops: Bits = field(default_factory=Bits)
    _nodes: dict[str, tuple[int, int, bool, int]] = field(default_factory=dict, repr=False)
    _edges: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict, repr=False)

    def node(self, label: str) -> tuple[int, int, bool, int]:
        """A location's label bit, device bit (0 for an outcome), whether it is an
        outcome, and its outcome bit as the end of a path."""
        found = self._nodes.get(label)
        if found is None:
            special = is_special(label)
            device = 0 if special else self.devices.bit(device_of(label))
            found = self._nodes[label] = (self.labels.bit(label), device, special, _outcome(label))
        return found

    def edge(self, u: str, v: str) -> tuple[int, int]:
        """The link bit and drop-site bit of a hop from ``u`` to ``v`` (0 when not one)."""
        found = self._edges.get((u, v))
        if found is None:
            link = drop = 0
            if not is_special(u):
                if device_of(v) == "drop":
                    drop = self.drops.bit(f"{device_of(u)} ({v})")
                elif not is_special(v) and device_of(v) != device_of(u):
                    link = self.links.bit(link_name(u, v))
            found = self._edges[(u, v)] = (link, drop)
        return found


@frozen
class FlowFacts:
    """One flow on one side: bit sets of what its paths cross and how they end."""

    outcomes: int = 0
    loops: int = 0
    labels: int = 0
    devices: int = 0
    links: int = 0
    drops: int = 0


#: A flow that does not exist on a side (no start node there).
NO_FLOW = FlowFacts()


def disposition(f: FlowFacts) -> str:
    """Where the flow's traffic ends up (one of :data:`rela.diff.results.DISPOSITIONS`).

    A reachable loop wins; no path at all is ``no-path``; paths that all end
    alike give that outcome; some dropped and some not is ``partial``.

    >>> disposition(FlowFacts(outcomes=_DELIVERED | _DROPPED)), disposition(NO_FLOW)
    ('partial', 'no-path')
    """
    if f.loops:
        return "looping"
    if not f.outcomes:
        return "no-path"
    single = _SINGLE.get(f.outcomes)
    if single is not None:
        return single
    return "partial" if f.outcomes & _DROPPED else "delivered"


def _outcome(label: str) -> int:
    head = device_of(label)
    if head == "drop":
        return _DROPPED
    return _OUTCOME_OF.get(head, _DELIVERED)


def _components(graph: Graph) -> list[list[int]]:
    """Strongly connected components, each after every component it reaches (Tarjan)."""
    n = len(graph.labels)
    succ = graph.succ
    index = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in range(n):
        if index[root] >= 0:
            continue
        work: list[tuple[int, int]] = [(root, 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            v, i = work[-1]
            if i < len(succ[v]):
                work[-1] = (v, i + 1)
                w = succ[v][i]
                if index[w] < 0:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = True
                    work.append((w, 0))
                elif on_stack[w]:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    comp.append(w)
                    if w == v:
                        break
                out.append(comp)
    return out


def flow_facts(graph: Graph, bits: FactBits) -> dict[str, FlowFacts]:
    """The facts of every flow (start location) of ``graph``, by start location."""
    labels, succ, sinks = graph.labels, graph.succ, graph.sinks
    comps = _components(graph)
    comp_of = [0] * len(labels)
    for c, nodes in enumerate(comps):
        for v in nodes:
            comp_of[v] = c
    live = [False] * len(comps)
    # per component: outcomes, loops, labels, devices, links, drops
    sets: list[list[int]] = []
    for c, nodes in enumerate(comps):
        acc = [0, 0, 0, 0, 0, 0]
        cyclic = len(nodes) > 1 or nodes[0] in succ[nodes[0]]
        is_live = any(v in sinks for v in nodes)
        for v in nodes:
            for w in succ[v]:
                d = comp_of[w]
                if d == c:
                    continue
                is_live = is_live or live[d]
                acc[1] |= sets[d][1]
        live[c] = is_live
        if cyclic:
            acc[1] |= bits.loops.bit(", ".join(sorted({device_of(labels[v]) for v in nodes})))
        if is_live:
            _on_paths(c, nodes, graph, comp_of, live, sets, acc, bits)
        sets.append(acc)
    out: dict[str, list[int]] = {}
    for s in graph.sources:
        acc = out.setdefault(labels[s], [0, 0, 0, 0, 0, 0])
        for k, m in enumerate(sets[comp_of[s]]):
            acc[k] |= m
    return {start: FlowFacts(*acc) for start, acc in out.items()}


def _on_paths(
    c: int,
    nodes: list[int],
    graph: Graph,
    comp_of: list[int],
    live: list[bool],
    sets: list[list[int]],
    acc: list[int],
    bits: FactBits,
) -> None:
    """Add to ``acc`` what the paths from live component ``c`` cross and how they end."""
    labels, succ, sinks = graph.labels, graph.succ, graph.sinks
    node, edge = bits.node, bits.edge
    for v in nodes:
        label = labels[v]
        label_bit, device_bit, special, outcome = node(label)
        acc[2] |= label_bit
        acc[3] |= device_bit
        if v in sinks:
            acc[0] |= outcome
        for w in succ[v]:
            d = comp_of[w]
            if not live[d]:
                continue
            if d != c:
                below = sets[d]
                acc[0] |= below[0]
                acc[2] |= below[2]
                acc[3] |= below[3]
                acc[4] |= below[4]
                acc[5] |= below[5]
            if special:
                continue
            link, drop = edge(label, labels[w])
            if drop:
                if w in sinks:
                    acc[5] |= drop
            else:
                acc[4] |= link
