"""How a violation is explained: missing and unexpected paths, attributed to flows.

The differences are those of the whole FEC: *missing* paths are expected and
not actual, *unexpected* ones actual and not expected.  A missing path is
shown under every flow whose pre paths are expected to produce it, an
unexpected one under every flow whose post paths produce it.

They are computed once per FEC, not once per flow: both sides are built from
flow-tagged graph automata (:func:`rela.check.graphs.tag_flows`), so each
path carries the flow that produced it in front, and one difference per side
(against the other side with any tag in front) gives every flow's missing or
unexpected paths at once.  Path lists are then listed lazily per flow, shortest
first, at most ``max_paths`` each (:class:`rela.automata.enumerate.Enumerator`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter as getter

from rela.automata.decide import difference
from rela.automata.enumerate import Enumerator
from rela.automata.nfa import Nfa, is_empty, trim
from rela.automata.products import intersect
from rela.check.decision import Task, holds, sides
from rela.check.graphs import (
    GraphAutomata,
    ImageSide,
    first_letters,
    inclusions,
    retag,
    strip_tag,
    trimmed_image_by_class,
)
from rela.check.leaf import Side, failing_compares
from rela.check.letters import Letters
from rela.check.outcome import FlowDiff, PathList
from rela.lang import ast
from rela.network.model import Fec

__all__ = ["counterexamples"]

#: The six path lists of a counterexample, in FlowDiff order.
Six = tuple[Nfa, Nfa, Nfa, Nfa, Nfa, Nfa]
#: The order lists are listed in: the differences first, so that an FEC whose
#: allowance of listed hops runs out still shows what is missing and unexpected.
_LIST_ORDER = (4, 5, 2, 3, 0, 1)


def counterexamples(
    task: Task, fec: Fec, graphs: GraphAutomata, letters: Letters, max_paths: int
) -> tuple[FlowDiff, ...]:
    """Per-flow counterexamples of the failing comparisons of ``task.leaf`` on ``fec``."""
    pre, post = graphs.get(fec.before), graphs.get(fec.after)
    failing = failing_compares(task.leaf.check, lambda c: holds(task, c, pre, post))
    out: list[FlowDiff] = []
    for cmp in failing:
        left, right = task.leaf.side_of(cmp)
        if left is not None and right is not None:
            out.extend(_tagged(task, cmp, (left, right), fec, graphs, letters, max_paths))
        else:
            out.extend(_flow_by_flow(task, cmp, fec, graphs, letters, max_paths))
    return tuple(out)


def _tagged(
    task: Task,
    cmp: ast.Compare,
    both: tuple[Side, Side],
    fec: Fec,
    graphs: GraphAutomata,
    letters: Letters,
    max_paths: int,
) -> list[FlowDiff]:
    """Counterexamples of ``pre >> R op post >> Q`` (either side may be the graph itself)."""
    budget = task.budget
    tagged = {"pre": graphs.tagged(fec.before, budget), "post": graphs.tagged(fec.after, budget)}
    built = []
    images: list[ImageSide] = []
    for side in both:
        assert side is not None
        which, relation = side
        if relation is None or _identity_everywhere(task, relation):
            built.append(tagged[which])  # the graph itself: no image to build
            images.append((tagged[which], None, None))
        else:
            t = task.spec.tagged_relation(task.ctx.sigs, relation, budget)
            image, pairs = trimmed_image_by_class(tagged[which], t, task.ctx, budget)
            built.append(image)
            images.append((tagged[which], t, pairs))
    if cmp.op != "==":
        built.reverse()
        images.reverse()
    expected, actual = built
    # Of two images of one graph, states known to accept only paths of the other's
    # need not be paired in the differences.
    known_missing, known_unexpected = inclusions(images[0], images[1], task.ctx.sigs)
    tags = sorted(set(first_letters(tagged["pre"])) | set(first_letters(tagged["post"])))
    # under `left <= right` nothing is missing: paths of left outside right are unexpected
    missing = (
        difference(expected, retag(actual, tags), budget, known_missing)
        if cmp.op == "=="
        else Nfa.empty()
    )
    unexpected = difference(actual, retag(expected, tags), budget, known_unexpected)
    name = letters.names.__getitem__
    flows = sorted(set(first_letters(missing)) | set(first_letters(unexpected)), key=name)
    if not flows:  # equal sets (a comparison that fails only under `not`)
        plain_expected, plain_actual = strip_tag(expected), strip_tag(actual)
        six = (
            strip_tag(tagged["pre"]),
            strip_tag(tagged["post"]),
            plain_expected,
            plain_actual,
            difference(plain_expected, plain_actual, budget),
            difference(plain_actual, plain_expected, budget),
        )
        return [_render("*", six, letters, max_paths, task)]
    lists = _Lists((tagged["pre"], tagged["post"], expected, actual, missing, unexpected), letters)
    out = []
    for flow in flows:
        budget.check_time()
        out.append(lists.flow(letters.names[flow], flow, max_paths, task))
    return out


def _identity_everywhere(task: Task, relation: ast.Relation) -> bool:
    """``relation`` relates every path of the FEC to itself and nothing else (``.* :
    preserve``; the post side of ``... else .* : preserve``): its image of a graph is the
    graph."""
    return task.spec.identity_everywhere(task.ctx.sigs, relation, task.budget)


class _Lists:
    """The six tagged automata of a comparison, listed flow by flow (enumerators built once).

    Sides that are the very same automaton (a side of ``preserve`` is its graph:
    expected is before, actual is after) are listed once per flow; the other
    list replays that listing against its own share of the hop allowance,
    which gives what listing it again would (the same words in the same order,
    cut at the same word).
    """

    def __init__(self, six: Six, letters: Letters) -> None:
        self.six = six
        self.letters = letters
        self.firsts = [first_letters(a) for a in six]
        self.enumerators: dict[int, Enumerator] = {}

    def _enumerator(self, k: int, task: Task) -> Enumerator:
        key = id(self.six[k])
        enum = self.enumerators.get(key)
        if enum is None:
            order = self.letters.names.__getitem__
            enum = self.enumerators[key] = Enumerator(self.six[k], order, task.budget)
        return enum

    def flow(self, name: str, tag: int, max_paths: int, task: Task) -> FlowDiff:
        lists: list[PathList] = [(), (), (), (), (), ()]
        truncated = False
        # automaton -> its words for this flow, listed in full (not cut by the allowance),
        # and their paths
        listed: dict[int, tuple[list[tuple[int, ...]], bool, PathList]] = {}
        for n, k in enumerate(_LIST_ORDER):
            starts = self.firsts[k].get(tag)
            if not starts:
                continue
            share = _share(task, len(_LIST_ORDER) - n)
            same = listed.get(id(self.six[k]))
            if same is not None:
                full, more, paths = same
                words, more = _replay(full, more, share, task)
                lists[k] = paths if len(words) == len(full) else _paths(words, self.letters)
            else:
                words, more = self._enumerator(k, task).words(starts, max_paths, task.budget, share)
                lists[k] = _paths(words, self.letters)
                if not more or len(words) == max_paths:  # not cut by the allowance
                    listed[id(self.six[k])] = (words, more, lists[k])
            truncated = truncated or more
        return _flow_diff(name, lists, truncated)


def _replay(
    words: list[tuple[int, ...]], more: bool, share: int, task: Task
) -> tuple[list[tuple[int, ...]], bool]:
    """``words`` (a full listing) as :meth:`Enumerator.words` lists them within ``share``
    hops and the FEC's allowance: cut before the first word that does not fit."""
    out: list[tuple[int, ...]] = []
    budget = task.budget
    for word in words:
        if 0 <= share < len(word) or not budget.take_hops(len(word)):
            return out, True
        if share >= 0:
            share -= len(word)
        out.append(word)
    return out, more


def _share(task: Task, lists_left: int) -> int:
    """Hops one list may take: its fair part of the FEC's allowance left (-1: no limit)."""
    left = task.budget.hops_left
    return left if left < 0 else left // lists_left


def _flow_diff(flow: str, lists: list[PathList], truncated: bool) -> FlowDiff:
    before, after, expected, actual, missing, unexpected = lists
    return FlowDiff(flow, before, after, expected, actual, missing, unexpected, truncated)


def _paths(words: Sequence[tuple[int, ...]], letters: Letters) -> PathList:
    """Words as location names, shortest first, then by name."""
    names = letters.names
    paths = [getter(*w)(names) if len(w) > 1 else tuple([names[x] for x in w]) for w in words]
    paths.sort()
    paths.sort(key=len)  # stable: by length, then by name
    return tuple(paths)


def _render(flow: str, six: Six, letters: Letters, max_paths: int, task: Task) -> FlowDiff:
    """The six path lists of untagged automata."""
    lists: list[PathList] = [(), (), (), (), (), ()]
    truncated = False
    order: Callable[[int], str] = letters.names.__getitem__
    for n, k in enumerate(_LIST_ORDER):
        enum = Enumerator(six[k], order, task.budget)
        words, more = enum.words(None, max_paths, task.budget, _share(task, len(_LIST_ORDER) - n))
        truncated = truncated or more
        lists[k] = _paths(words, letters)
    return _flow_diff(flow, lists, truncated)


def _flow_by_flow(
    task: Task,
    cmp: ast.Compare,
    fec: Fec,
    graphs: GraphAutomata,
    letters: Letters,
    max_paths: int,
) -> list[FlowDiff]:
    """Comparisons of other path expressions (IR asserts): both sides per flow."""
    budget = task.budget
    pre, post = graphs.get(fec.before), graphs.get(fec.after)
    left, right = sides(task, cmp, pre, post)
    if cmp.op == "==":
        expected, actual = left, right
        missing = difference(expected, actual, budget)
    else:
        expected, actual = right, left
        missing = Nfa.empty()
    unexpected = difference(actual, expected, budget)
    out = []
    for flow in fec.flows():
        budget.check_time()
        flow_id = letters.id(flow)
        pre_f, post_f = graphs.get(fec.before, flow_id), graphs.get(fec.after, flow_id)
        left_f, right_f = sides(task, cmp, pre_f, post_f)
        expected_f, actual_f = (left_f, right_f) if cmp.op == "==" else (right_f, left_f)
        missing_f = trim(intersect(missing, expected_f, budget=budget))
        unexpected_f = trim(intersect(unexpected, actual_f, budget=budget))
        if is_empty(missing_f) and is_empty(unexpected_f):
            continue
        six = (pre_f, post_f, expected_f, actual_f, missing_f, unexpected_f)
        out.append(_render(flow, six, letters, max_paths, task))
    if not out:  # not attributable to one flow (or equal sets under `not`)
        six = (pre, post, expected, actual, missing, unexpected)
        out.append(_render("*", six, letters, max_paths, task))
    return out
