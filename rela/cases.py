"""Traffic guards lifted to the top of a check, one guard-free case per leaf.

A spec's guards (``if cond { ... } else { ... }``) are decided before its
clauses: :func:`lift_guards` turns them into a :class:`~rela.lang.ast.CheckIf`
tree whose leaves are the guard-free cases, and :func:`guard_cases` lists
those cases with the decisions that select them.  A case no packet reaches is
not built (:class:`_Cases`), and at most :data:`MAX_GUARD_CASES` are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from rela.errors import SpecSemanticError
from rela.lang import ast

if TYPE_CHECKING:
    from rela.traffic import Cube

    #: The packets reaching a guard case, or None once they are no longer tracked.
    Packets = tuple[Cube, ...] | None

__all__ = ["lift_guards", "guard_cases", "Decision", "VACUOUS", "MAX_GUARD_CASES"]

#: The spec a guard without ``else`` stands for when its condition is false.
VACUOUS: ast.SpecExpr = ast.Atomic(ast.EmptySet(), ast.Preserve())

#: Lifting guards duplicates the spec per combination of conditions; past this
#: many guard-free cases the spec is rejected instead of compiled.
MAX_GUARD_CASES = 1024


def _first_condition(spec: ast.SpecExpr) -> ast.Condition | None:
    """The condition of the first guard in source order, if any."""
    if isinstance(spec, ast.Guard):
        return spec.cond
    if isinstance(spec, (ast.Then, ast.Else)):
        return _first_condition(spec.left) or _first_condition(spec.right)
    return None


def _decide(spec: ast.SpecExpr, cond: ast.Condition, value: bool) -> ast.SpecExpr:
    """``spec`` with every guard on ``cond`` replaced by the branch ``value`` selects."""
    if isinstance(spec, ast.Guard):
        if spec.cond == cond:
            branch = spec.then if value else (spec.otherwise or VACUOUS)
            return _decide(branch, cond, value)
        otherwise = spec.otherwise and _decide(spec.otherwise, cond, value)
        return dataclasses.replace(spec, then=_decide(spec.then, cond, value), otherwise=otherwise)
    if isinstance(spec, (ast.Then, ast.Else)):
        return dataclasses.replace(
            spec, left=_decide(spec.left, cond, value), right=_decide(spec.right, cond, value)
        )
    return spec


#: Cubes tracked per case before giving up pruning below it (a chain of `and`
#: conditions can multiply them); past it every combination is kept, as before.
MAX_TRACKED_CUBES = 4096


def _too_many_cases(spec: ast.SpecExpr | None = None) -> SpecSemanticError:
    return SpecSemanticError(
        f"traffic guards expand into more than {MAX_GUARD_CASES} cases",
        line=spec.span.line if spec is not None and spec.span else None,
        hint="guards in sequence multiply; nest them or split the spec",
    )


class _Cases:
    """Guard lifting for one spec: the case budget, and each condition compiled once.

    A guard case no packet reaches is not built: the packets reaching each case
    are tracked exactly (:mod:`rela.traffic`), and a condition that all or none
    of them satisfy is decided there without a branch — so an `else` chain of
    guards on disjoint prefixes makes one case per guard, not one per combination.
    """

    def __init__(self, leaf: Callable[[ast.SpecExpr], ast.Check] | None = None) -> None:
        self.leaf = leaf  # None: cases are listed (guard_cases), not lifted
        self.left = MAX_GUARD_CASES
        self._compiled: dict[ast.Condition, Any] = {}

    def all_packets(self) -> Packets:
        from rela.traffic import cubes_of  # the spec parser does not need it

        return cubes_of([])

    def count(self, spec: ast.SpecExpr | None = None) -> None:
        self.left -= 1
        if self.left < 0:
            raise _too_many_cases(spec)

    def narrow(self, packets: Packets, cond: ast.Condition) -> tuple[Packets, Packets]:
        """The packets of ``packets`` inside ``cond`` and outside it (None: not tracked)."""
        if packets is None:
            return None, None
        from rela.traffic import TrafficError, compile_condition, split

        compiled = self._compiled.get(cond)
        if compiled is None:
            try:  # the parser checks values; an AST built by hand may still hold bad ones
                compiled = self._compiled[cond] = compile_condition(cond)
            except TrafficError as exc:
                line = cond.span.line if cond.span else None
                raise SpecSemanticError(f"guard condition: {exc}", line=line) from None
        inside, outside = split(packets, compiled)
        if len(inside) + len(outside) > MAX_TRACKED_CUBES:
            return None, None
        return tuple(inside), tuple(outside)

    def sides(
        self, spec: ast.SpecExpr, packets: Packets
    ) -> tuple[ast.Condition | None, list[tuple[bool, ast.SpecExpr, Packets]]]:
        """The first guard condition of ``spec`` (None: a guard-free case) and the sides
        some packet reaches: ``(value, spec with the condition decided, its packets)``,
        true first.  One side: the guards around it already decide the condition."""
        cond = _first_condition(spec)
        if cond is None:
            return None, []
        inside, outside = self.narrow(packets, cond)
        both = ((True, inside), (False, outside))
        return cond, [(value, _decide(spec, cond, value), p) for value, p in both if p != ()]

    def lift(self, spec: ast.SpecExpr, packets: Packets) -> ast.Check:
        cond, sides = self.sides(spec, packets)
        if cond is None:
            assert self.leaf is not None, "lifting needs a leaf"
            self.count(spec)
            return self.leaf(spec)
        if len(sides) == 1:
            return self.lift(sides[0][1], sides[0][2])
        (_, then, inside), (_, otherwise, outside) = sides
        return ast.CheckIf(
            cond, self.lift(then, inside), self.lift(otherwise, outside), span=cond.span
        )


def lift_guards(spec: ast.SpecExpr, leaf: Callable[[ast.SpecExpr], ast.Check]) -> ast.Check:
    """The check tree of ``spec``'s guards with ``leaf(case)`` at each guard-free case.

    :func:`compile_spec` is ``lift_guards`` with the spec's comparison as the leaf;
    other checks about the same cases (the lint's "paths outside the domain")
    reuse the guard structure and its limits.

    >>> from rela.compile import domain
    >>> from rela.lang import parse_spec, format_check
    >>> spec = parse_spec("spec s { if qos = 1 { a : drop } }").checks()[0].body
    >>> print(format_check(lift_guards(spec, lambda c: ast.Compare("<=", domain(c), ast.Pre()))))
    if qos = 1 {
      a | drop <= pre
    } else {
      none <= pre
    }
    """
    cases = _Cases(leaf)
    try:
        return cases.lift(spec, cases.all_packets())
    except RecursionError:
        raise SpecSemanticError("spec nested too deeply to compile") from None


Decision = tuple[ast.Condition, bool]


def guard_cases(spec: ast.SpecExpr) -> Iterator[tuple[tuple[Decision, ...], ast.SpecExpr]]:
    """The guard-free cases of ``spec``, each with the guard decisions that select it.

    The cases are those of the lifted check (same order, same condition
    identity: guards on equal conditions are decided together; a case no packet
    reaches is left out, and a condition the guards around it decide is not a
    decision); at most :data:`MAX_GUARD_CASES` of them.

    >>> from rela.lang import parse_spec, format_spec, format_condition
    >>> spec = parse_spec("spec s { if qos = 1 { a : drop } }").checks()[0].body
    >>> [(tuple((format_condition(c), v) for c, v in d), format_spec(s))
    ...  for d, s in guard_cases(spec)]
    [((('qos = 1', True),), 'a : drop'), ((('qos = 1', False),), 'none : preserve')]
    """
    cases = _Cases()
    stack: list[tuple[tuple[Decision, ...], ast.SpecExpr, Packets]] = [
        ((), spec, cases.all_packets())
    ]
    while stack:
        decisions, case, packets = stack.pop()
        cond, sides = cases.sides(case, packets)
        if cond is None:
            cases.count()
            yield decisions, case
            continue
        if len(sides) == 1:  # decided by the guards around it, as in lift
            stack.append((decisions, sides[0][1], sides[0][2]))
            continue
        for value, decided, reached in reversed(sides):  # the true side comes out first
            stack.append(((*decisions, (cond, value)), decided, reached))
