"""ACL decisions applied to a :class:`~rela.network.routing.Skeleton`: the graph of one packet class.

For a class of packets that every ACL on the way treats alike, the forwarding
graph is the skeleton's walk where

* entering a device through an interface applies its **ingress** ACL (a start
  location ``device[interface]`` is such an entry): a denied packet's path ends
  at that device, in :data:`DENIED_IN` (``drop|denied-in``);
* leaving through an interface applies its **egress** ACL (also before the
  packet is delivered to a subnet or exits the network): denied, the path ends
  in :data:`DENIED_OUT` (``drop|denied-out``) after the device;
* an ACL that cannot decide the class (an unmodelled line) makes the class an
  error, named in the result's ``problem``.

A raw graph has one node per device, so a device that admits the class on one
entry and denies it on another cannot be drawn: that is a ``problem`` too,
marked ``split`` (never a graph that would mix the two).  When the entries
belong to different start locations, ``rela.network.hsfecs`` draws one graph
per start location instead.

>>> from rela.network.routing import Skeleton
>>> sk = Skeleton((("a", "e0"),), {"a": (("b", ("b", "default"), "e1", "e9"),), "b": ()},
...               frozenset({"b"}))
>>> deny_in = lambda dev, iface, way: ("deny", "ACL") if way == "in" else ("permit", "")
>>> filtered_graph(sk, deny_in).graph.paths()
[('a', 'drop|denied-in')]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from rela.network.routing import DENIED_IN, DENIED_OUT, RawGraph, Skeleton
from rela.values import frozen

__all__ = ["Decide", "FilterUse", "Filtered", "filtered_graph", "PERMIT", "DENY", "UNKNOWN"]

PERMIT, DENY, UNKNOWN = "permit", "deny", "unknown"

#: ``(device, interface, "in"|"out") -> (decision, ACL name)``; ``("permit", "")``
#: where no ACL is applied.
Decide = Callable[[str, str, str], tuple[str, str]]


@dataclass(frozen=True, order=True)
class FilterUse:
    """One ACL a class meets on its way: where, which, and what it decided."""

    device: str
    interface: str
    direction: str
    acl: str
    decision: str

    def describe(self) -> str:
        """``border1[Gi0/0] in OUTSIDE_TO_INSIDE: deny``."""
        return f"{self.device}[{self.interface}] {self.direction} {self.acl}: {self.decision}"


@frozen
class Filtered:
    """The graph of one class (None with a ``problem``) and the ACLs it met.

    ``split`` says the problem is a device admitting the class on one entry and
    refusing it on another (the graph of each start location alone may exist).
    """

    graph: RawGraph | None
    problem: str | None
    uses: tuple[FilterUse, ...]
    split: bool = False


def _device(name: str) -> str:
    return name.split("|", 1)[0]


def filtered_graph(skeleton: Skeleton, decide: Decide) -> Filtered:
    """The forwarding graph of a packet class through ``skeleton`` under ``decide``."""
    uses: set[FilterUse] = set()
    problem: list[str] = []

    def check(name: str, iface: str | None, direction: str) -> str:
        if iface is None:
            return PERMIT
        decision, acl = decide(_device(name), iface, direction)
        if acl:
            use = FilterUse(_device(name), iface, direction, acl, decision)
            uses.add(use)
            if decision == UNKNOWN and not problem:
                problem.append(use.describe().rsplit(":", 1)[0])
        return decision

    admitted: dict[str, set[str]] = {}  # node -> interfaces it was entered through, admitted
    refused: dict[str, set[str]] = {}  # node -> interfaces whose ingress ACL denied
    edges: dict[str, dict[str, set[str]]] = {}
    sinks: set[str] = set()
    todo: deque[str] = deque()

    def enter(name: str, iface: str | None) -> None:
        decision = check(name, iface, "in")
        label = iface or ""
        if decision == PERMIT:
            first = name not in admitted
            admitted.setdefault(name, set()).add(label)
            if first:
                todo.append(name)
        elif decision == DENY:
            refused.setdefault(name, set()).add(label)

    for name, entry in skeleton.sources:
        enter(name, entry)
    while todo:
        here = todo.popleft()
        nexts = edges.setdefault(here, {})
        if here in skeleton.accepted:
            sinks.add(here)
        for name, target, inbound, egress in skeleton.out.get(here, ()):
            if check(here, egress, "out") == DENY:
                nexts.setdefault(DENIED_OUT, set())
                sinks.add(DENIED_OUT)
                continue
            labels = nexts.setdefault(name, set())
            if inbound is not None:
                labels.add(inbound)
            if target is None:
                sinks.add(name)
            else:
                enter(name, inbound)
    if problem:
        return Filtered(None, f"{problem[0]} cannot be decided for this traffic", _sorted(uses))
    for name, ifaces in refused.items():
        if name in admitted:
            problem_text = _split_problem(name, admitted[name], ifaces)
            return Filtered(None, problem_text, _sorted(uses), split=True)
        edges[name] = {DENIED_IN: set()}
        sinks.add(DENIED_IN)
    for sink in sinks:
        edges.setdefault(sink, {})
    sources = list(dict.fromkeys(name for name, _ in skeleton.sources))
    return Filtered(RawGraph.build(edges, sources, sinks), None, _sorted(uses))


def _sorted(uses: set[FilterUse]) -> tuple[FilterUse, ...]:
    return tuple(sorted(uses))


def _split_problem(name: str, admitted: set[str], refused: set[str]) -> str:
    ok = ", ".join(sorted(i or "(origin)" for i in admitted))
    denied = ", ".join(sorted(i or "(origin)" for i in refused))
    return (
        f"{name} admits this traffic on {ok} but its ingress ACL denies it on {denied}; "
        "a forwarding graph has one node per device, so Rela cannot draw both"
    )
