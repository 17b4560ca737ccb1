"""How a violation is explained: missing and unexpected paths, attributed to flows.

The differences are those of the whole FEC; a missing path is shown under
every flow whose pre paths are expected to produce it, an unexpected one under
every flow whose post paths produce it.
"""

from __future__ import annotations

from collections.abc import Callable

from rela.automata.decide import Budget, difference, enumerate_words
from rela.automata.nfa import Nfa, intersect, is_empty, trim
from rela.check.decision import Task, holds, sides
from rela.check.leaf import failing_compares
from rela.check.letters import Letters
from rela.check.outcome import FlowDiff
from rela.network.model import Fec

__all__ = ["counterexamples", "render"]

#: The automaton of a graph, optionally only the paths of one flow (a letter id).
GraphAutomaton = Callable[..., Nfa]


def counterexamples(
    task: Task,
    fec: Fec,
    automaton: GraphAutomaton,
    letters: Letters,
    max_paths: int,
) -> tuple[FlowDiff, ...]:
    """Per-flow counterexamples of the failing comparisons of ``task.leaf`` on ``fec``.

    ``automaton(graph, flow=None)`` gives a graph's automaton (cached by the caller).
    """
    budget = task.budget
    pre, post = automaton(fec.before), automaton(fec.after)
    failing = failing_compares(task.leaf.check, lambda c: holds(task, c, pre, post))
    flows: list[FlowDiff] = []
    for cmp in failing:
        left, right = sides(task, cmp, pre, post)
        if cmp.op == "==":
            expected, actual = left, right
            missing = difference(expected, actual, budget)
        else:  # left <= right: paths of left outside right are unexpected
            expected, actual = right, left
            missing = Nfa.empty()
        unexpected = difference(actual, expected, budget)
        found = False
        for flow in fec.flows():
            budget.check(0)  # many small flows never reach a construction's own checks
            flow_id = letters.id(flow)
            pre_f = automaton(fec.before, flow_id)
            post_f = automaton(fec.after, flow_id)
            left_f, right_f = sides(task, cmp, pre_f, post_f)
            expected_f, actual_f = (left_f, right_f) if cmp.op == "==" else (right_f, left_f)
            missing_f = trim(intersect(missing, expected_f))
            unexpected_f = trim(intersect(unexpected, actual_f))
            if is_empty(missing_f) and is_empty(unexpected_f):
                continue
            found = True
            flows.append(
                render(
                    flow,
                    (pre_f, post_f, expected_f, actual_f, missing_f, unexpected_f),
                    letters,
                    max_paths,
                    budget,
                )
            )
        if not found:  # not attributable to one flow (or equal sets under `not`)
            flows.append(
                render(
                    "*",
                    (pre, post, expected, actual, missing, unexpected),
                    letters,
                    max_paths,
                    budget,
                )
            )
    return tuple(flows)


def render(
    flow: str,
    automata: tuple[Nfa, Nfa, Nfa, Nfa, Nfa, Nfa],
    letters: Letters,
    max_paths: int,
    budget: Budget,
) -> FlowDiff:
    """The six path lists of a flow (before, after, expected, actual, missing, unexpected)."""
    lists = []
    truncated = False
    for a in automata:
        words, more = enumerate_words(a, max_paths, budget)
        truncated = truncated or more
        lists.append(tuple(letters.path(w) for w in words))
    before, after, expected, actual, missing, unexpected = lists
    return FlowDiff(flow, before, after, expected, actual, missing, unexpected, truncated)
