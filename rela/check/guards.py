"""Traffic guards: which guard-free leaf each part of an FEC's traffic reaches.

A guard splits an FEC (docs/verification.md): the packets inside the
condition use the ``then`` branch, the others the ``else`` branch.  A
:class:`GuardTree` splits the FEC's traffic (:mod:`rela.traffic`) one
condition at a time, in source order, only where a condition still matters,
and returns the *regions*: each guard-free leaf reached, with the part of the
traffic that reaches it.  The FEC holds iff every region's leaf holds.

The decision structure (which condition to split on after which outcomes,
which leaf is left) is built lazily, once per run, and conditions are
compiled once (their prefixes parsed and merged): an FEC costs only the
range arithmetic of its own traffic keys.

>>> from rela.lang import ast
>>> from rela.network.model import TrafficKey
>>> from rela.traffic import describe_part
>>> same, sub = ast.Compare("==", ast.Pre(), ast.Post()), ast.Compare("<=", ast.Pre(), ast.Post())
>>> tree = GuardTree(ast.CheckIf(ast.PrefixCond("dst", ("10.0.0.0/8",)), same, sub))
>>> [r.leaf.check.op for r in tree.regions([TrafficKey(dst="10.1.2.3")])]
['==']
>>> [(r.leaf.check.op, describe_part(r.part)) for r in tree.regions([TrafficKey(qos=4)])]
[('==', 'dst 10.0.0.0/8, qos 4'), ('<=', 'dst not in 10.0.0.0/8, qos 4; IPv6, qos 4')]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rela.check.leaf import Leaf
from rela.errors import SpecSemanticError
from rela.lang import ast
from rela.network.model import TrafficKey
from rela.traffic import (
    CompiledCondition,
    Cube,
    TrafficError,
    compile_condition,
    cubes_of,
    split,
)
from rela.values import frozen

__all__ = ["GuardTree", "Region", "conditions"]

Decisions = tuple[tuple[int, bool], ...]


@frozen
class Region:
    """A guard-free leaf and the part of the FEC's traffic that reaches it.

    ``part`` is ``None`` when the whole traffic reaches this one leaf.
    """

    leaf: Leaf
    part: tuple[Cube, ...] | None


def conditions(check: ast.Check) -> list[ast.Condition]:
    """The distinct traffic guards of a check, in first-use order."""
    out: list[ast.Condition] = []
    for node in _guards(check):
        if node.cond not in out:
            out.append(node.cond)
    return out


def _guards(check: ast.Check) -> list[ast.CheckIf]:
    """Every guard node of a check, in source order (then before else)."""
    out: list[ast.CheckIf] = []
    stack: list[ast.Check] = [check]
    while stack:
        c = stack.pop()
        if isinstance(c, ast.CheckIf):
            out.append(c)
            stack.extend((c.otherwise, c.then))
        elif isinstance(c, (ast.CheckAnd, ast.CheckOr)):
            stack.extend(reversed(c.parts))
        elif isinstance(c, ast.CheckNot):
            stack.append(c.operand)
    return out


def _compiled(cond: ast.Condition) -> CompiledCondition:
    try:
        return compile_condition(cond)
    except TrafficError as exc:
        span = cond.span
        raise SpecSemanticError(
            f"traffic guard: {exc}",
            line=span.line if span else None,
            column=span.column if span else None,
        ) from None


class GuardTree:
    """Splits FECs' traffic by the guards of one check (built lazily, shared by a run)."""

    def __init__(self, check: ast.Check) -> None:
        self.check = check
        self.conds = conditions(check)
        # Condition objects by identity -> their index: equal conditions written
        # twice share one index, and no FEC ever hashes a (large) condition.
        self._index: dict[int, int] = {}
        for node in _guards(check):
            self._index[id(node.cond)] = self.conds.index(node.cond)
        # Compiled now, once per run (not inside an FEC's time limit).
        self._compiled = [_compiled(c) for c in self.conds]
        self._next: dict[Decisions, int | Leaf] = {}
        self._leaves: dict[ast.Check, Leaf] = {}

    def regions(self, keys: Sequence[TrafficKey]) -> list[Region]:
        """The leaves the traffic of ``keys`` reaches (no keys: every packet), in source
        order, each with its part of the traffic; raises :class:`rela.traffic.TrafficError`
        for a traffic key that is not one."""
        if not self.conds:
            leaf = self._step(())
            assert isinstance(leaf, Leaf)
            return [Region(leaf, None)]
        parts: dict[Leaf, list[Cube]] = {}
        stack: list[tuple[Decisions, list[Cube]]] = [((), list(cubes_of(keys)))]
        while stack:
            decided, cubes = stack.pop()
            step = self._step(decided)
            if isinstance(step, Leaf):
                parts.setdefault(step, []).extend(cubes)
                continue
            inside, outside = split(cubes, self._compiled[step])
            if outside:
                stack.append(((*decided, (step, False)), outside))
            if inside:
                stack.append(((*decided, (step, True)), inside))
        if len(parts) == 1:
            return [Region(leaf, None) for leaf in parts]
        return [Region(leaf, tuple(cubes)) for leaf, cubes in parts.items()]

    def _step(self, decided: Decisions) -> int | Leaf:
        """After the outcomes ``decided``: the next condition to split on, or the leaf."""
        got = self._next.get(decided)
        if got is None:
            values = dict(decided)
            resolved = self._resolve(self.check, values)
            pending = _guards(resolved)
            if pending:
                got = self._index[id(pending[0].cond)]
            else:
                got = self._leaves.get(resolved)
                if got is None:
                    got = self._leaves[resolved] = Leaf.of(resolved)
            self._next[decided] = got
        return got

    def _resolve(self, check: ast.Check, values: Mapping[int, bool]) -> ast.Check:
        """``check`` with every guard whose condition has a value replaced by its branch."""
        if isinstance(check, ast.CheckIf):
            value = values.get(self._index[id(check.cond)])
            if value is None:
                return check
            return self._resolve(check.then if value else check.otherwise, values)
        if isinstance(check, ast.CheckAnd):
            return ast.CheckAnd(tuple(self._resolve(p, values) for p in check.parts))
        if isinstance(check, ast.CheckOr):
            return ast.CheckOr(tuple(self._resolve(p, values) for p in check.parts))
        if isinstance(check, ast.CheckNot):
            return ast.CheckNot(self._resolve(check.operand, values))
        return check
