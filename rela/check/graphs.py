"""Automata of forwarding graphs, and their images through spec transducers.

>>> from rela.check.letters import Letters
>>> from rela.network.model import Graph
>>> letters = Letters()
>>> a = graph_nfa(Graph.from_paths([["a", "b"], ["a", "c"]]), letters)
>>> from rela.automata.nfa import accepts
>>> accepts(a, [letters.id("a"), letters.id("c")]), accepts(a, [letters.id("b")])
(True, False)
"""

from __future__ import annotations

from rela.automata import transducer as T
from rela.automata.decide import Budget
from rela.automata.nfa import Nfa, trim
from rela.automata.transducer import Transducer
from rela.check.letters import FecContext, Letters
from rela.network.model import Graph

__all__ = ["graph_nfa", "image_by_class", "GraphAutomata"]


def graph_nfa(graph: Graph, letters: Letters, flow: int | None = None) -> Nfa:
    """The automaton of a forwarding graph's paths; with ``flow``, only paths starting there.

    State 0 enters the graph; a node's state is entered by reading its label.
    Nodes with the same successors and the same sink status accept the same
    continuations, so they share one state: at interface granularity all the
    inbound-interface nodes of a device collapse into one state per device.
    """
    ids = [letters.id(label) for label in graph.labels]
    sinks = graph.sinks
    state_of_key: dict[tuple[tuple[int, ...], bool], int] = {}
    node_state: list[int] = []
    members: list[int] = []  # one node per state (state k+1 -> members[k])
    for i, nexts in enumerate(graph.succ):
        key = (nexts, i in sinks)
        st = state_of_key.get(key)
        if st is None:
            st = state_of_key[key] = len(members) + 1
            members.append(i)
        node_state.append(st)
    starts = sorted(
        {(ids[s], node_state[s]) for s in graph.sources if flow is None or ids[s] == flow}
    )
    arcs: list[list[tuple[int, int]]] = [starts]
    finals = []
    for k, node in enumerate(members):
        arcs.append(sorted({(ids[v], node_state[v]) for v in graph.succ[node]}))
        if node in sinks:
            finals.append(k + 1)
    return trim(Nfa(len(arcs), [0], finals, arcs))


def image_by_class(a: Nfa, t: Transducer, ctx: FecContext, budget: Budget) -> Nfa:
    """``a >> t`` for ``a`` over the FEC's letters and a spec transducer ``t`` over signatures.

    An identity arc copies the very letter read; an output signature stands for
    every letter of the FEC's universe with that signature.
    """

    def write(sig: int) -> tuple[int, ...]:
        return ctx.class_letters().get(sig, ())

    return T.image(a, t, budget=budget, read=ctx.sig_of.__getitem__, write=write)


class GraphAutomata:
    """Graph automata by (graph, flow), shared by the FECs of a run (bounded cache)."""

    def __init__(self, letters: Letters, cache_size: int = 50_000) -> None:
        self.letters = letters
        self.cache_size = cache_size
        self._cache: dict[tuple[Graph, int | None], Nfa] = {}

    def get(self, graph: Graph, flow: int | None = None) -> Nfa:
        key = (graph, flow)
        got = self._cache.get(key)
        if got is None:
            got = graph_nfa(graph, self.letters, flow)
            if len(self._cache) > self.cache_size:
                self._cache.clear()
            self._cache[key] = got
        return got
