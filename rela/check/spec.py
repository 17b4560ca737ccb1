"""A spec's automata over signatures, built once per set of signatures met in a run.

A spec cannot tell apart two letters with the same signature, so its
relations are built over signatures (:class:`~rela.automata.alphabet.SigAlphabet`)
and depend on an FEC only through the set of signatures of its universe —
in practice one or two sets per run.

>>> from rela.automata.alphabet import Atoms
>>> from rela.automata.budget import Budget
>>> from rela.lang import ast
>>> spec = SpecAutomata(Atoms.collect([ast.Name("a")]))
>>> t = spec.relation(frozenset({0, 1}), ast.Identity(ast.Name("a")), Budget())
>>> t is spec.relation(frozenset({0, 1}), ast.Identity(ast.Name("a")), Budget())
True
"""

from __future__ import annotations

from rela.automata import transducer as T
from rela.automata.alphabet import Atoms, SigAlphabet
from rela.automata.budget import Budget
from rela.automata.evaluate import Evaluator
from rela.automata.transducer import Transducer
from rela.lang import ast

__all__ = ["SpecAutomata"]


class SpecAutomata:
    """The atoms of one compiled check and its transducers per set of signatures."""

    def __init__(self, atoms: Atoms) -> None:
        self.atoms = atoms
        self._evaluators: dict[frozenset[int], Evaluator] = {}
        self._tagged: dict[tuple[frozenset[int], int], tuple[ast.Relation, Transducer]] = {}

    def relation(self, sigs: frozenset[int], relation: ast.Relation, budget: Budget) -> Transducer:
        """The transducer of a spec-only relation over the signatures ``sigs``.

        The FEC that first needs it pays for building it under its own ``budget``;
        later FECs with the same signatures reuse it.
        """
        ev = self._evaluators.get(sigs)
        if ev is None:
            ev = self._evaluators[sigs] = Evaluator(SigAlphabet(self.atoms, sigs))
        return ev.rel(relation, budget)

    def tagged_relation(
        self, sigs: frozenset[int], relation: ast.Relation, budget: Budget
    ) -> Transducer:
        """:meth:`relation` preceded by a copy of the first letter (a flow tag, see
        :func:`rela.check.graphs.tag_flows`)."""
        key = (sigs, id(relation))
        got = self._tagged.get(key)
        if got is None or got[0] is not relation:
            t = T.copy_first(self.relation(sigs, relation, budget), sorted(sigs))
            got = self._tagged[key] = (relation, t)
        return got[1]
