"""How a verdict is decided: a guard-free check on one FEC's graph automata.

A :class:`Task` holds what one decision needs (the leaf, the spec's automata,
the FEC's universe, the FEC's budget); :func:`holds` evaluates the check,
taking the on-the-fly shortcut for ``==`` when both images stay deterministic.

>>> from rela.automata.alphabet import Atoms
>>> from rela.automata.budget import Budget
>>> from rela.automata.nfa import Nfa
>>> from rela.check.letters import FecContext
>>> from rela.check.leaf import Leaf
>>> from rela.check.spec import SpecAutomata
>>> from rela.lang import ast
>>> check = ast.Compare("==", ast.Pre(), ast.Post())
>>> task = Task(Leaf.of(check), SpecAutomata(Atoms.collect([])), FecContext([1], {1: 0}), Budget())
>>> holds(task, check, Nfa.letter(1), Nfa.letter(1)), holds(task, check, Nfa.letter(1), Nfa.empty())
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass

from rela.automata.alphabet import LetterAlphabet
from rela.automata.budget import Budget
from rela.automata.decide import equivalent, included
from rela.automata.evaluate import Evaluator
from rela.automata.nfa import Nfa
from rela.check.fastpaths import LazyImage, NotDeterministic, lazy_equal
from rela.check.graphs import image_by_class
from rela.check.leaf import Leaf
from rela.check.letters import FecContext
from rela.check.spec import SpecAutomata
from rela.lang import ast

__all__ = ["Task", "holds", "sides"]


@dataclass(frozen=True)
class Task:
    """Deciding (or explaining) one guard-free leaf on one FEC."""

    leaf: Leaf
    spec: SpecAutomata
    ctx: FecContext
    budget: Budget


def sides(task: Task, cmp: ast.Compare, pre: Nfa, post: Nfa) -> tuple[Nfa, Nfa]:
    """The two path sets a comparison compares, for graph automata ``pre``/``post``."""
    left, right = task.leaf.side_of(cmp)
    ctx, budget = task.ctx, task.budget
    if left is not None and right is not None:
        out = []
        for which, relation in (left, right):
            graph = pre if which == "pre" else post
            if relation is None:
                out.append(graph)
            else:
                t = task.spec.relation(ctx.sigs, relation, budget)
                out.append(image_by_class(graph, t, ctx, budget))
        return out[0], out[1]
    alphabet = LetterAlphabet(task.spec.atoms, ctx.universe, ctx.sig_of)
    ev = Evaluator(alphabet, pre, post, budget)
    return ev.prop(cmp.left), ev.prop(cmp.right)


def equal_on_the_fly(task: Task, cmp: ast.Compare, pre: Nfa, post: Nfa) -> bool | None:
    """Decide ``pre >> R == post >> Q`` without building the images, when both stay
    deterministic; ``None`` when they do not (the caller builds them)."""
    left, right = task.leaf.side_of(cmp)
    if left is None or right is None:
        return None
    lazy = []
    for which, relation in (left, right):
        graph = pre if which == "pre" else post
        t = (
            task.spec.relation(task.ctx.sigs, relation, task.budget)
            if relation is not None
            else None
        )
        image = LazyImage.of(graph, t, task.ctx, task.budget)
        if image is None:
            return None
        lazy.append(image)
    try:
        return lazy_equal(lazy[0], lazy[1], task.budget)
    except NotDeterministic:
        return None


def holds(task: Task, check: ast.Check, pre: Nfa, post: Nfa) -> bool:
    """Whether the guard-free ``check`` (a part of ``task.leaf``) holds on ``pre``/``post``."""
    if isinstance(check, ast.Compare):
        if check.op == "==":
            quick = equal_on_the_fly(task, check, pre, post)
            if quick is not None:
                return quick
        left, right = sides(task, check, pre, post)
        if check.op == "==":
            return equivalent(left, right, task.budget) is None
        return included(left, right, task.budget) is None
    if isinstance(check, ast.CheckAnd):
        return all(holds(task, p, pre, post) for p in check.parts)
    if isinstance(check, ast.CheckOr):
        return any(holds(task, p, pre, post) for p in check.parts)
    if isinstance(check, ast.CheckNot):
        return not holds(task, check.operand, pre, post)
    raise TypeError(f"not a guard-free check: {check!r}")
