"""Changes on a synthetic topology: the intended change, its spec, and an injected bug.

A :class:`Scenario` fixes, for every destination, the forwarding table
*before* the change and the *intended* table after it, the spec that the
intended change satisfies (``spec.rela``), and optionally a bug: an override
of one device's entry for the prefixes of one destination's first /24.

Why the expected violations are exact: every generated spec ends in
``else .* : preserve`` (inside each guard branch too), so its post relation
Q is the identity on all paths, and by construction the image of the before
paths under R is exactly the *intended* after paths (see each ``_change_*``).
Hence an FEC violates the spec iff its actual after paths differ from its
intended after paths at device granularity, which :func:`same_paths` decides
exactly (also for loops).

>>> from rela.synth.topology import clos
>>> s = Scenario.build(clos(pods=2, tors=2, leaves=2, spines=2), "drain", "none", seed=1)
>>> s.change_info["kind"], s.spec_name
('drain', 'drain')
"""

from __future__ import annotations

import heapq
import ipaddress
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rela.synth.forwarding import DROP, Fib, RawGraph, fec_graph, next_hops, same_paths
from rela.synth.topology import Topology
from rela.values import frozen

__all__ = ["CHANGES", "BUGS", "Template", "Scenario", "quote_name", "templates_of"]

CHANGES = ("drain", "add-link", "reroute")
BUGS = ("blackhole", "loop", "none")

_PLAIN_NAME = re.compile(r"[A-Za-z0-9_\-./:]+")


def quote_name(name: str) -> str:
    """A location name as written in a spec: bare when it can be, else double-quoted.

    >>> quote_name("pod1-leaf2"), quote_name("BORDER-1|vrf")
    ('pod1-leaf2', '"BORDER-1|vrf"')
    """
    if _PLAIN_NAME.fullmatch(name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


@frozen
class Template:
    """A forwarding situation shared by many FECs: one destination, one ingress group.

    ``group`` is None for traffic entering at every ingress device.
    """

    dest: str
    group: str | None
    sources: tuple[str, ...]


def templates_of(topo: Topology) -> list[Template]:
    """Every (destination, ingress group) pair, plus (destination, all ingress)."""
    out = []
    everyone = sorted({d for ds in topo.ingress.values() for d in ds})
    for dest in topo.destinations:
        for group, members in topo.ingress.items():
            srcs = tuple(m for m in members if m != dest)
            if srcs:
                out.append(Template(dest, group, srcs))
        out.append(Template(dest, None, tuple(m for m in everyone if m != dest)))
    return out


@dataclass
class Scenario:
    """The intended change (tables before/after, spec) and the bug, on one topology."""

    before_topo: Topology
    after_topo: Topology
    change_info: dict[str, Any]
    spec_name: str
    spec_text: str
    #: dest -> devices drained for that destination in the intended after state
    drained: Callable[[str], tuple[str, ...]]
    bug_info: dict[str, Any] = field(default_factory=dict)
    bug_dest: str | None = None
    bug_overrides: dict[str, tuple[str, ...]] = field(default_factory=dict)
    bug_net: ipaddress.IPv4Network | None = None
    _fib: dict[tuple[str, bool], dict[str, tuple[str, ...]]] = field(default_factory=dict)

    @staticmethod
    def build(topo: Topology, change: str, bug: str, seed: int) -> Scenario:
        """The change scenario (the bug is placed later by :meth:`inject`)."""
        rng = random.Random(f"change:{seed}:{change}")
        makers = {"drain": _change_drain, "add-link": _change_add_link, "reroute": _change_reroute}
        if change not in makers:
            raise ValueError(f"unknown change {change!r} (choose one of {', '.join(CHANGES)})")
        if bug not in BUGS:
            raise ValueError(f"unknown bug {bug!r} (choose one of {', '.join(BUGS)})")
        return makers[change](topo, rng, seed)

    def fib(self, dest: str, after: bool) -> Fib:
        """The table towards ``dest`` before, or intended after, the change (cached)."""
        key = (dest, after)
        if key not in self._fib:
            if after:
                self._fib[key] = next_hops(self.after_topo, dest, self.drained(dest))
            else:
                self._fib[key] = next_hops(self.before_topo, dest)
        return self._fib[key]

    def graphs(self, t: Template) -> tuple[RawGraph, RawGraph]:
        """Before and intended-after graphs of a template."""
        before = fec_graph(self.before_topo, self.fib(t.dest, False), t.sources, t.dest)
        after = fec_graph(self.after_topo, self.fib(t.dest, True), t.sources, t.dest)
        return before, after

    def buggy_graph(self, t: Template) -> RawGraph | None:
        """The after graph with the bug, for templates towards the bug's destination."""
        if t.dest != self.bug_dest:
            return None
        fib = self.fib(t.dest, True)
        return fec_graph(self.after_topo, fib, t.sources, t.dest, self.bug_overrides)

    def inject(self, bug: str, first: Template, seed: int) -> None:
        """Place the bug on a device inside ``first``'s intended after graph.

        The bug is a route for the first /24 of the destination's block on a
        device V strictly inside the graph: ``blackhole`` sends it to ``drop``,
        ``loop`` back to an upstream neighbour U (U → V → U).  V is chosen so
        that ``first``'s path set really changes (checked with
        :func:`same_paths`), so the FEC drawn first is always violating.
        """
        if bug == "none":
            return
        rng = random.Random(f"bug:{seed}:{bug}")
        _, after = self.graphs(first)
        edges = after["nodeToOutEdgesMap"]
        inner = sorted(n for n in edges if n not in first.sources and n != first.dest)
        rng.shuffle(inner)
        for v in inner:
            if bug == "blackhole":
                overrides: dict[str, tuple[str, ...]] = {v: (DROP,)}
                info: dict[str, Any] = {"kind": "blackhole", "device": v}
            else:
                preds = sorted(u for u in edges if v in edges[u])
                upstream = [u for u in preds if u not in first.sources] or preds
                if not upstream:
                    continue
                u = rng.choice(upstream)
                overrides = {v: (u,)}
                info = {"kind": "loop", "device": v, "next_hop": u}
            self.bug_dest, self.bug_overrides = first.dest, overrides
            buggy = self.buggy_graph(first)
            assert buggy is not None
            if not same_paths(buggy, after):
                block = self.after_topo.block(first.dest)
                self.bug_net = ipaddress.IPv4Network((int(block.network_address), 24))
                info["prefix"] = str(self.bug_net)
                info["destination"] = first.dest
                self.bug_info = info
                return
        raise RuntimeError(f"no device on the paths of {first} can carry a {bug} bug")


def _header(topo: Topology, seed: int, what: str) -> str:
    return (
        f"# Generated by `python -m rela.synth` (seed {seed}): {topo.kind} topology.\n"
        f"# Intended change: {what}\n"
    )


def _replace_spec(x: str, y: str) -> str:
    qx, qy = quote_name(x), quote_name(y)
    return (
        f"[^{qx}]* : preserve\n"
        f"    then {qx} : replace({qx}, {qy})\n"
        f"    then [^{qx}]* : preserve\n"
        f"  else .* : preserve"
    )


def _pick_twin_pair(topo: Topology, rng: random.Random, among: list[str]) -> tuple[str, str]:
    cands = [d for d in among if topo.twins(d)]
    if not cands:
        raise RuntimeError("no transit device with a twin to drain onto")
    x = rng.choice(cands)
    return x, rng.choice(topo.twins(x))


def _change_drain(topo: Topology, rng: random.Random, seed: int) -> Scenario:
    """Drain X onto its twin Y: the paths through X become the same paths through Y.

    R maps a before path ``p X q`` to ``p Y q`` and keeps every other path;
    draining a twin keeps all distances, so the after table is the before
    table minus X, whose paths are exactly that image.
    """
    x, y = _pick_twin_pair(topo, rng, list(topo.transit))
    text = _header(topo, seed, f"drain {x}; its traffic moves to its peer {y}.")
    text += f"spec drain {{\n  {_replace_spec(x, y)}\n}}\n"
    info = {"kind": "drain", "device": x, "peer": y}
    return Scenario(topo, topo, info, "drain", text, lambda _d: (x,))


def _change_add_link(topo: Topology, rng: random.Random, seed: int) -> Scenario:
    """Add a link A–B whose metric equals the current A–B distance.

    No distance changes, so the after paths are the before paths plus, for
    each before path ``p A m B q``, the shortcut ``p A B q`` (and the same
    with B before A) — exactly the image of ``A [^A B]* B : add(A B)``.
    """
    candidates = _link_candidates(topo)
    rng.shuffle(candidates)
    for a, b in candidates:
        dist = _distance(topo, a, b)
        if dist is None:
            continue
        after = topo.with_link(a, b, dist, topo.params.get("parallel", 1))
        # Only the ends' next hops can change (no distance does): keep the
        # candidate if some destination gains a path through the new link.
        if any(_ends_change(topo, after, d, a, b) for d in topo.destinations):
            qa, qb = quote_name(a), quote_name(b)
            nab = f"[^{qa} {qb}]*"
            text = _header(topo, seed, f"add link {a} -- {b} (metric {dist}, equal cost).")
            text += (
                "# Traffic that crossed from one end to the other may also take the new\n"
                "# link; every other path stays the same.\n"
                "spec add_link {\n"
                f"  {nab} : preserve then {qa} [^{qa} {qb}]* {qb} : add({qa} {qb}) "
                f"then {nab} : preserve\n"
                f"  else {nab} : preserve then {qb} [^{qa} {qb}]* {qa} : add({qb} {qa}) "
                f"then {nab} : preserve\n"
                "  else .* : preserve\n"
                "}\n"
            )
            info = {"kind": "add-link", "a": a, "b": b, "metric": dist}
            return Scenario(topo, after, info, "add_link", text, lambda _d: ())
    raise RuntimeError("no pair of devices where a new link would carry traffic")


def _ends_change(before: Topology, after: Topology, dest: str, a: str, b: str) -> bool:
    f0, f1 = next_hops(before, dest), next_hops(after, dest)
    return f0.get(a) != f1.get(a) or f0.get(b) != f1.get(b)


def _link_candidates(topo: Topology) -> list[tuple[str, str]]:
    """Non-adjacent transit pairs where a shortcut is plausible (different pod/region)."""

    def site(d: str) -> str:
        return d.split("-", 1)[0] if "-" in d else ""

    out = []
    for i, a in enumerate(topo.transit):
        for b in topo.transit[i + 1 :]:
            if b in topo.adjacency[a] or not site(a) or not site(b) or site(a) == site(b):
                continue
            out.append((a, b))
    return out


def _distance(topo: Topology, a: str, b: str) -> int | None:
    dist = {a: 0}
    heap = [(0, a)]
    while heap:
        d, u = heapq.heappop(heap)
        if u == b:
            return d
        if d > dist[u]:
            continue
        for v, w in topo.adjacency[u].items():
            if d + w < dist.get(v, d + w + 1):
                dist[v] = d + w
                heapq.heappush(heap, (d + w, v))
    return None


def _change_reroute(topo: Topology, rng: random.Random, seed: int) -> Scenario:
    """Move the prefixes of one or two destinations off X onto its twin Y.

    Inside the guard the spec is the drain spec (same argument); outside it,
    ``.* : preserve``, and the other destinations' tables do not change.
    """
    dests = list(topo.destinations)
    d0 = rng.choice(dests)
    fib0 = next_hops(topo, d0)
    on_path = [d for d in topo.transit if fib0.get(d)]
    x, y = _pick_twin_pair(topo, rng, on_path)
    others = [d for d in dests if d != d0 and next_hops(topo, d).get(x)]
    chosen = [d0] + ([rng.choice(others)] if others and rng.random() < 0.5 else [])
    nets = sorted(topo.block(d) for d in chosen)
    prefixes = [str(n) for n in ipaddress.collapse_addresses(nets)]
    guarded = frozenset(chosen)
    text = _header(
        topo, seed, f"move the prefixes {', '.join(prefixes)} off {x} onto its peer {y}."
    )
    text += (
        "spec reroute {\n"
        f"  if dst in {', '.join(prefixes)} {{\n"
        f"    {_replace_spec(x, y).replace(chr(10), chr(10) + '  ')}\n"
        "  } else {\n"
        "    .* : preserve\n"
        "  }\n"
        "}\n"
    )
    info = {"kind": "reroute", "device": x, "peer": y, "prefixes": prefixes,
            "destinations": sorted(chosen)}  # fmt: skip
    return Scenario(topo, topo, info, "reroute", text, lambda d: (x,) if d in guarded else ())


def group_weights(templates: list[Template], topo: Topology, rng: random.Random) -> list[float]:
    """Sampling weights: destinations Zipf-like (a few carry many prefixes), ingress uniform.

    Traffic from every ingress device is 10% of a destination's FECs.
    """
    order = list(topo.destinations)
    rng.shuffle(order)
    dest_w = {d: 1.0 / (rank + 1) ** 0.7 for rank, d in enumerate(order)}
    per_dest: dict[str, int] = {}
    for t in templates:
        if t.group is not None:
            per_dest[t.dest] = per_dest.get(t.dest, 0) + 1
    out = []
    for t in templates:
        share = 0.1 if t.group is None else 0.9 / per_dest[t.dest]
        out.append(dest_w[t.dest] * share)
    return out
