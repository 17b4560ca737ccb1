"""How a verdict is decided: a guard-free check on one FEC's graph automata.

A :class:`Task` holds what one decision needs (the leaf, the spec's automata,
the FEC's universe, the FEC's budget); :func:`decide` gives the verdict,
deciding comparisons of graph images on the fly over lazy subset
constructions (:mod:`rela.automata.bitsets`); :func:`holds` evaluates the
check on built graph automata (what counterexamples start from).

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

from rela.automata import bitsets
from rela.automata.alphabet import LetterAlphabet
from rela.automata.budget import Budget
from rela.automata.decide import equivalent, included
from rela.automata.evaluate import Evaluator
from rela.automata.nfa import Nfa
from rela.check.fastpaths import LazyImage, NotDeterministic, lazy_equal
from rela.check.graphs import GraphAutomata, image_by_class
from rela.check.images import GraphImage
from rela.check.leaf import Leaf
from rela.check.letters import FecContext
from rela.check.spec import SpecAutomata
from rela.lang import ast
from rela.network.model import Graph
from rela.values import frozen

__all__ = ["Task", "holds", "sides", "decide"]


@frozen
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


def decide(
    task: Task, check: ast.Check, graphs: GraphAutomata, before: Graph, after: Graph
) -> bool:
    """Whether the guard-free ``check`` holds on the graphs ``before``/``after`` (the
    verdict alone: :func:`holds` on the graphs' automata, faster).

    A comparison of two sides that are graphs or their images through spec-only
    relations is decided on the fly (:mod:`rela.automata.bitsets`) over lazy
    images (:class:`~rela.check.images.GraphImage`): no image, graph automaton
    or determinised automaton is built beyond what the decision visits.  Any
    other comparison is evaluated as :func:`holds` does.
    """
    if isinstance(check, ast.Compare):
        left, right = task.leaf.side_of(check)
        if left is None or right is None:
            budget = task.budget
            pre, post = graphs.get(before, None, budget), graphs.get(after, None, budget)
            return holds(task, check, pre, post)
        a, b = (_image(task, graphs, before if w == "pre" else after, r) for w, r in (left, right))
        if check.op == "==":
            return bitsets.equal(a, b, task.ctx.sig_of)
        return bitsets.included(a, b)
    if isinstance(check, ast.CheckAnd):
        return all(decide(task, p, graphs, before, after) for p in check.parts)
    if isinstance(check, ast.CheckOr):
        return any(decide(task, p, graphs, before, after) for p in check.parts)
    if isinstance(check, ast.CheckNot):
        return not decide(task, check.operand, graphs, before, after)
    raise TypeError(f"not a guard-free check: {check!r}")


def _image(
    task: Task, graphs: GraphAutomata, graph: Graph, relation: ast.Relation | None
) -> GraphImage:
    budget = task.budget
    t = task.spec.relation(task.ctx.sigs, relation, budget) if relation is not None else None
    return GraphImage(graphs.view(graph, budget), t, task.ctx, budget)
