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

__all__ = ["SpecAutomata", "identity_domain"]

_EVERY_PATH = ast.Star(ast.AnyLoc())


def identity_domain(relation: ast.Relation) -> ast.PathExpr | None:
    """``P`` when ``relation`` is the identity on the paths of ``P`` (built of identities
    only), else None.

    ``I(A) | I(B)`` and ``I(A) // I(B)`` are ``I(A | B)``, ``I(A) I(B)`` is
    ``I(A B)``, ``I(A) ; I(B)`` is ``I(A & B)`` and ``I(A)*`` is ``I(A*)``.

    >>> from rela.lang import format_path
    >>> a, b = ast.Identity(ast.Name("a")), ast.Identity(ast.Name("b"))
    >>> format_path(identity_domain(ast.RelUnion((a, ast.RelConcat((a, b))))))
    'a | a b'
    >>> identity_domain(ast.Product(ast.Name("a"), ast.Name("b"))) is None
    True
    """
    if isinstance(relation, ast.Identity):
        return relation.prop
    if isinstance(relation, ast.RelStar):
        inner = identity_domain(relation.operand)
        return None if inner is None else ast.Star(inner)
    if isinstance(relation, (ast.RelUnion, ast.RelConcat)):
        parts = [identity_domain(p) for p in relation.parts]
    elif isinstance(relation, (ast.PriorityUnion, ast.Compose)):
        parts = [identity_domain(relation.left), identity_domain(relation.right)]
    else:
        return None
    if any(p is None for p in parts):
        return None
    props = tuple(p for p in parts if p is not None)
    if isinstance(relation, ast.RelConcat):
        return ast.Concat(props)
    if isinstance(relation, ast.Compose):
        return ast.Inter(props)
    return ast.Alt(props)


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
            domain = identity_domain(relation)
            if domain is None:
                every = False
            elif domain == _EVERY_PATH:
                every = True
            else:  # the transducer's own domain: ``domain`` may join names the spec never
                # wrote as one class (``I(a) | I(b)`` is ``I(a | b)``), which have no atom
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
