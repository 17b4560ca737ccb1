"""Checking one compiled spec on FEC after FEC: verdicts and counterexamples.

* :mod:`rela.check.letters` — letters of a run, the universe of one FEC;
* :mod:`rela.check.spec` — a spec's automata over signatures;
* :mod:`rela.check.graphs` — automata of forwarding graphs and their images;
* :mod:`rela.check.guards` — which guard-free leaf an FEC's traffic selects;
* :mod:`rela.check.leaf` — guard-free checks and the sides of their comparisons;
* :mod:`rela.check.decision` and :mod:`rela.check.fastpaths` — how a verdict is decided;
* :mod:`rela.check.explain` — how a violation is explained (counterexamples);
* :mod:`rela.check.checker` — :class:`SpecChecker`, the per-FEC entry point and its caches.
"""

from __future__ import annotations

from rela.check.checker import SpecChecker
from rela.check.graphs import graph_nfa, image_by_class
from rela.check.letters import Letters
from rela.check.outcome import HOLDS, VIOLATED, FlowDiff, Outcome

__all__ = [
    "SpecChecker",
    "Letters",
    "Outcome",
    "FlowDiff",
    "HOLDS",
    "VIOLATED",
    "graph_nfa",
    "image_by_class",
]
