"""Synthetic changes for benchmarks and correctness tests at scale (dev tooling).

Builds a Clos fabric or a WAN backbone, computes per-destination ECMP
forwarding graphs, applies a known change (drain a device, add a link,
reroute prefixes), optionally injects a bug (black hole or forwarding loop),
and writes Rela graph JSON chunks, the spec the intended change satisfies
and the exact indices of the FECs the bug must violate::

    python -m rela.synth --topology clos --fecs 1e5 --change drain --bug blackhole \\
        --seed 1 --out /tmp/synth
    rela check /tmp/synth/spec.rela --change /tmp/synth/change

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     g = generate(d, topology="clos", fecs=10, change="reroute", bug="none", pods=2)
...     g.violating
()
"""

from __future__ import annotations

from rela.synth.change import BUGS, CHANGES, Scenario, Template, quote_name, templates_of
from rela.synth.forwarding import fec_graph, graph_paths, next_hops, same_paths
from rela.synth.generate import CHANGE_DIR, Generated, generate, make_topology
from rela.synth.topology import Topology, clos, wan

__all__ = [
    "BUGS",
    "CHANGES",
    "CHANGE_DIR",
    "Generated",
    "Scenario",
    "Template",
    "Topology",
    "clos",
    "fec_graph",
    "generate",
    "graph_paths",
    "make_topology",
    "next_hops",
    "quote_name",
    "same_paths",
    "templates_of",
    "wan",
]
