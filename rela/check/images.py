"""Forwarding graphs and their images through spec transducers, as lazy subset constructions.

A :class:`GraphView` is a forwarding graph read as an automaton (state 0
enters the graph; a node's state is entered by reading its label; nodes with
the same successors and sink status share a state, as in
:func:`rela.check.graphs.graph_nfa`), without building an
:class:`~rela.automata.nfa.Nfa`.  A :class:`GraphImage` is the image of a
view through a spec transducer over signatures — or the view itself — as a
:class:`~rela.automata.bitsets.LazySubsets`: its (graph state, transducer
state) pairs are numbered only when the decision reaches them, so comparing
two images (:func:`rela.automata.bitsets.equal`) costs the pairs visited up to
the first difference, whether or not the images are deterministic.

>>> from rela.automata.bitsets import equal
>>> from rela.automata.budget import Budget
>>> from rela.check.letters import FecContext, Letters
>>> from rela.network.model import Graph
>>> letters = Letters()
>>> ab, ac = Graph.from_paths([["a", "b"]]), Graph.from_paths([["a", "c"]])
>>> ctx = FecContext([letters.id(x) for x in "abc"], {0: 0, 1: 0, 2: 0})
>>> image = lambda g: GraphImage(GraphView.of(g, letters), None, ctx, Budget())
>>> equal(image(ab), image(ab)), equal(image(ab), image(ac))
(True, False)
"""

from __future__ import annotations

from rela.automata import transducer as T
from rela.automata.bitsets import Arcs, LazySubsets
from rela.automata.budget import Budget
from rela.automata.transducer import Transducer
from rela.check.letters import FecContext, Letters
from rela.network.model import Graph

__all__ = ["GraphView", "GraphImage"]


class GraphView:
    """A forwarding graph as an automaton: per state, its ``(letter, target)`` arcs."""

    __slots__ = ("arcs", "finals")

    def __init__(self, arcs: list[tuple[tuple[int, int], ...]], finals: list[bool]) -> None:
        self.arcs = arcs
        self.finals = finals

    @staticmethod
    def of(graph: Graph, letters: Letters, budget: Budget | None = None) -> GraphView:
        """The view of ``graph`` (``budget``'s clock is looked at every 1024 nodes)."""
        ids = letters.of_graph(graph)
        sinks = graph.sinks
        succ = graph.succ
        # A node's state is its successors (and whether it is a sink): the first
        # node with a given key stands for the state.
        state_of_key: dict[object, int] = {}
        node_state: list[int] = []
        members: list[int] = []
        for i, nexts in enumerate(succ):
            key = (nexts, True) if i in sinks else nexts
            st = state_of_key.setdefault(key, len(state_of_key) + 1)
            if st > len(members):
                members.append(i)
            node_state.append(st)
        if budget is not None:
            budget.work(len(succ))
        arcs = [tuple(dict.fromkeys([(ids[s], node_state[s]) for s in graph.sources]))]
        finals = [False]
        # Many nodes share their successors' tuple: its arcs are built once.
        rows: dict[tuple[int, ...], tuple[tuple[int, int], ...]] = {}
        for node in members:
            nexts = succ[node]
            row = rows.get(nexts)
            if row is None:
                row = rows[nexts] = tuple(dict.fromkeys([(ids[v], node_state[v]) for v in nexts]))
            arcs.append(row)
            finals.append(node in sinks)
        if budget is not None:
            budget.work(len(members))
        return GraphView(arcs, finals)


class GraphImage(LazySubsets):
    """``view >> t`` (``t`` over signatures; ``None``: the view itself), explored lazily.

    An identity arc of ``t`` copies the very letter read; an output signature
    stands for every letter of the FEC's universe with that signature.
    """

    __slots__ = ("view", "ti", "tn", "t_finals", "sig_of", "ctx", "ids", "keys", "eps_states")

    def __init__(
        self, view: GraphView, t: Transducer | None, ctx: FecContext, budget: Budget
    ) -> None:
        super().__init__(budget)
        self.view = view
        self.ti = t.by_input() if t is not None else None
        self.tn = t.n if t is not None else 1
        self.t_finals = t.finals if t is not None else frozenset({0})
        self.sig_of = ctx.sig_of
        self.ctx = ctx
        self.ids: dict[int, int] = {}
        self.keys: list[int] = []
        # Transducer states with a move that writes nothing: only their pairs may
        # have epsilon moves.
        self.eps_states = t.silent_states() if t is not None else frozenset()
        self.starts = [self._id(0, q) for q in (sorted(t.starts) if t is not None else (0,))]

    def _id(self, s: int, q: int) -> int:
        key = s * self.tn + q
        i = self.ids.get(key)
        if i is None:
            i = self.ids[key] = self.add(
                self.view.finals[s] and q in self.t_finals, q not in self.eps_states
            )
            self.keys.append(key)
        return i

    def expand(self, i: int) -> tuple[Arcs, list[int]]:
        s, q = divmod(self.keys[i], self.tn)
        get = self._id
        view_arcs = self.view.arcs[s]
        if self.ti is None:  # the graph itself
            return [(x, get(s2, 0)) for x, s2 in view_arcs], []
        arcs: Arcs = []
        eps: list[int] = []
        tq = self.ti[q]
        for o, q2 in tq.get(T.EPS, ()):
            j = get(s, q2)
            if o == T.EPS:
                eps.append(j)
            else:
                arcs.extend((y, j) for y in self.ctx.class_letters().get(o, ()))
        sig_of = self.sig_of
        for x, s2 in view_arcs:
            moves = tq.get(sig_of[x])
            if not moves:
                continue
            for o, q2 in moves:
                j = get(s2, q2)
                if o == T.COPY:
                    arcs.append((x, j))
                elif o == T.EPS:
                    eps.append(j)
                else:
                    arcs.extend((y, j) for y in self.ctx.class_letters().get(o, ()))
        return arcs, eps
