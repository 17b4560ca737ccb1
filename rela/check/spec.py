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
from rela.automata.decide import equivalent
from rela.automata.evaluate import Evaluator
from rela.automata.transducer import Transducer
from rela.lang import ast

__all__ = ["SpecAutomata", "identities_only"]

_EVERY_PATH = ast.Star(ast.AnyLoc())
_IDENTITY_EVERYWHERE = ast.Identity(_EVERY_PATH)


def identities_only(relation: ast.Relation) -> bool:
    """Whether ``relation`` is built of identities alone (so it relates each path to
    itself only): ``I(A)``, and their unions, priority unions, concatenations,
    compositions and stars.

    >>> a, b = ast.Identity(ast.Name("a")), ast.Identity(ast.Name("b"))
    >>> identities_only(ast.RelUnion((a, ast.RelConcat((a, b)))))
    True
    >>> identities_only(ast.RelUnion((a, ast.Product(ast.Name("a"), ast.Name("b")))))
    False
    """
    if isinstance(relation, ast.Identity):
        return True
    if isinstance(relation, ast.RelStar):
        return identities_only(relation.operand)
    if isinstance(relation, (ast.RelUnion, ast.RelConcat)):
        return all(identities_only(p) for p in relation.parts)
    if isinstance(relation, (ast.PriorityUnion, ast.Compose)):
        return identities_only(relation.left) and identities_only(relation.right)
    return False


class SpecAutomata:
    """The atoms of one compiled check and its transducers per set of signatures."""

    def __init__(self, atoms: Atoms) -> None:
        self.atoms = atoms
        self._evaluators: dict[frozenset[int], Evaluator] = {}
        self._tagged: dict[tuple[frozenset[int], int], tuple[ast.Relation, Transducer]] = {}
        self._identities: dict[tuple[frozenset[int], int], tuple[ast.Relation, bool]] = {}

    def relation(self, sigs: frozenset[int], relation: ast.Relation, budget: Budget) -> Transducer:
        """The transducer of a spec-only relation over the signatures ``sigs``.

        The FEC that first needs it pays for building it under its own ``budget``;
        later FECs with the same signatures reuse it.
        """
        return self._evaluator(sigs).rel(relation, budget)

    def _evaluator(self, sigs: frozenset[int]) -> Evaluator:
        ev = self._evaluators.get(sigs)
        if ev is None:
            ev = self._evaluators[sigs] = Evaluator(SigAlphabet(self.atoms, sigs))
        return ev

    def identity_everywhere(
        self, sigs: frozenset[int], relation: ast.Relation, budget: Budget
    ) -> bool:
        """Whether ``relation`` relates every path over ``sigs`` to itself and to nothing
        else (``.* : preserve``, or the post side of ``... else .* : preserve``): its image
        of a graph over these signatures is the graph."""
        key = (sigs, id(relation))
        got = self._identities.get(key)
        if got is None or got[0] is not relation:
            if not identities_only(relation):
                every = False
            elif relation == _IDENTITY_EVERYWHERE:
                every = True
            else:  # identities whose domain covers every path: decided on the transducer
                paths = T.domain(self.relation(sigs, relation, budget))
                every = equivalent(paths, self._evaluator(sigs).prop(_EVERY_PATH), budget) is None
            got = self._identities[key] = (relation, every)
        return got[1]

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
