"""Guard-free checks (leaves of a check's guard tree) and what is known about their sides.

A surface spec compiles to ``pre >> R == post >> Q``: each side of a
comparison is ``pre`` or ``post``, possibly through a relation that mentions
neither (a *spec-only* relation, built once per run).  Knowing that lets the
checker build images directly and take shortcuts (:attr:`Leaf.same_sides`).

>>> from rela.lang import ast
>>> r = ast.Identity(ast.Star(ast.AnyLoc()))
>>> leaf = Leaf.of(ast.Compare("==", ast.Image(ast.Pre(), r), ast.Image(ast.Post(), r)))
>>> leaf.same_sides, leaf.side_of(leaf.check)[0]
(True, ('pre', Identity(prop=Star(operand=AnyLoc()))))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rela.automata.evaluate import is_spec_only
from rela.lang import ast

__all__ = ["Side", "Leaf", "failing_compares", "first_compare"]

#: ``("pre" | "post", relation or None)``: a side that is a graph or its image
#: through a spec-only relation; ``None`` for any other path expression.
Side = tuple[str, "ast.Relation | None"] | None


def side(expr: ast.PathExpr) -> Side:
    """``(pre|post, relation-or-None)`` when ``expr`` is pre, post or an image of them."""
    if isinstance(expr, ast.Pre):
        return ("pre", None)
    if isinstance(expr, ast.Post):
        return ("post", None)
    if (
        isinstance(expr, ast.Image)
        and isinstance(expr.prop, (ast.Pre, ast.Post))
        and is_spec_only(expr.relation)
    ):
        return ("pre" if isinstance(expr.prop, ast.Pre) else "post", expr.relation)
    return None


def same_sides(left: Side, right: Side) -> bool:
    """``pre >> R op post >> R`` (or ``pre op post``): equal graphs make it hold."""
    return (
        left is not None
        and right is not None
        and {left[0], right[0]} == {"pre", "post"}
        and left[1] == right[1]
    )


@dataclass(frozen=True, eq=False)
class Leaf:
    """A guard-free check, with the sides of each of its comparisons (by node identity)."""

    check: ast.Check
    sides: dict[int, tuple[Side, Side]]
    same_sides: bool

    @staticmethod
    def of(check: ast.Check) -> Leaf:
        sides: dict[int, tuple[Side, Side]] = {}
        stack: list[ast.Check] = [check]
        while stack:
            c = stack.pop()
            if isinstance(c, ast.Compare):
                sides[id(c)] = (side(c.left), side(c.right))
            elif isinstance(c, (ast.CheckAnd, ast.CheckOr)):
                stack.extend(c.parts)
            elif isinstance(c, ast.CheckNot):
                stack.append(c.operand)
        same = isinstance(check, ast.Compare) and same_sides(*sides[id(check)])
        return Leaf(check, sides, same)

    def side_of(self, cmp: ast.Compare) -> tuple[Side, Side]:
        return self.sides[id(cmp)]


def failing_compares(check: ast.Check, holds: Callable[[ast.Check], bool]) -> list[ast.Compare]:
    """The comparisons that explain why ``check`` fails (``holds(c)`` decides a part).

    A conjunction is explained by its failing parts; under ``or``/``not`` the
    first comparison is shown.
    """
    if isinstance(check, ast.Compare):
        return [check]
    if isinstance(check, ast.CheckAnd):
        out: list[ast.Compare] = []
        for p in check.parts:
            if not holds(p):
                out.extend(failing_compares(p, holds))
        return out
    first = first_compare(check)
    return [first] if first is not None else []


def first_compare(check: ast.Check) -> ast.Compare | None:
    """The first comparison of a check, in source order."""
    if isinstance(check, ast.Compare):
        return check
    if isinstance(check, (ast.CheckAnd, ast.CheckOr)):
        for p in check.parts:
            got = first_compare(p)
            if got is not None:
                return got
        return None
    if isinstance(check, ast.CheckNot):
        return first_compare(check.operand)
    return None
