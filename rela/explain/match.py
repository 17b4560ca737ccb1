"""Membership of one concrete path in a path expression (the explanations' matcher).

Counterexample paths are short and concrete, so matching them needs no
automaton: :class:`PathMatch` computes, for an expression and a start
position, the set of end positions it can match up to (memoised per
expression and position), as a backtracking regex engine would but without
exponential blow-up.  Letters are tested with the spec's own
:class:`~rela.automata.alphabet.Atoms` (component-prefix names, attribute
classes with the run's groups), so a location matches here exactly when the
verifier says it does.  Hops that are not locations: ``⟨any other location⟩``
matches ``.`` and negated classes only; a marker ``#k`` matches only itself.

>>> from rela.lang import parse_spec
>>> from rela.lang import ast
>>> m = Matcher.for_nodes([ast.Name("core1")])
>>> expr = ast.Concat((ast.Star(ast.AnyLoc()), ast.Name("core1"), ast.Star(ast.AnyLoc())))
>>> m.matches(expr, ("a", "core1|default", "b")), m.matches(expr, ("a", "core2"))
(True, False)
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

from rela.automata.alphabet import OTHER, Atoms
from rela.lang import ast
from rela.results import Path, SpecialHop

__all__ = ["Matcher", "PathMatch", "DROP_NAME"]

#: The drop location as a spec name (``d : drop`` mentions it).
DROP_NAME = ast.Name("drop")

_ONE_LETTER = (ast.Name, ast.AnyLoc, ast.NameClass, ast.AttrClass, ast.Marker)


class Matcher:
    """Letter tests for one spec (its atoms, the run's groups and granularity)."""

    def __init__(self, atoms: Atoms) -> None:
        self.atoms = atoms
        self._letter: dict[tuple[int, str], bool] = {}
        self._known: dict[int, Any] = {}  # expressions whose predicates the atoms hold
        # Letter classes are signatures under atoms holding every spec name as a predicate
        # of its own (as ``for_nodes`` builds them): the unions of names added later
        # (``_test``) then split no class, and a class answers every letter test alike.
        self._class_atoms = atoms.extended([ast.Concat(tuple(ast.Name(n) for n in atoms.names))])
        self._classes: dict[str, Hashable] = {}

    @staticmethod
    def for_nodes(
        nodes: Iterable[Any], groups: Mapping[str, str] | None = None, group_level: bool = False
    ) -> Matcher:
        """A matcher for the names and classes under ``nodes`` (plus ``drop``); every name
        is also a predicate of its own (paths are matched part by part of a union)."""
        atoms = Atoms.collect([*nodes, DROP_NAME], groups=groups, group_level=group_level)
        return Matcher(atoms.extended([ast.Concat(tuple(ast.Name(n) for n in atoms.names))]))

    def letter(self, expr: Any, hop: str) -> bool:
        """Whether one hop satisfies a one-letter expression."""
        key = (id(expr), hop)
        got = self._letter.get(key)
        if got is None:
            got = self._letter[key] = self._test(expr, hop)
        return got

    def _test(self, expr: Any, hop: str) -> bool:
        if isinstance(hop, SpecialHop) and hop.kind == "any":
            return isinstance(expr, ast.Marker) and expr.index == hop.marker
        if isinstance(expr, ast.Marker):
            return False
        letter: Any = OTHER if isinstance(hop, SpecialHop) else str(hop)
        if id(expr) not in self._known:  # a union of names the spec never wrote as one
            self.atoms = self.atoms.extended([expr])
            self._known[id(expr)] = expr
        return self.atoms.test(expr, self.atoms.signature(letter))

    def letter_class(self, hop: str) -> Hashable:
        """A value shared exactly by the hops that every one-letter expression of the spec
        tests alike: the signature of a location, the marker of an ``any`` hop.

        >>> m = Matcher.for_nodes([ast.Name("core1")])
        >>> m.letter_class("core1") == m.letter_class("core1|Gi0"), m.letter_class("x") == 0
        (True, True)
        """
        got = self._classes.get(hop)
        if got is None:
            if isinstance(hop, SpecialHop) and hop.kind == "any":
                got = ("any", hop.marker)
            else:
                letter: Any = OTHER if isinstance(hop, SpecialHop) else str(hop)
                got = self._class_atoms.signature(letter)
            if len(self._classes) > 100_000:
                self._classes.clear()
            self._classes[hop] = got
        return got

    def shape(self, path: Path) -> tuple[Hashable, ...]:
        """The letter classes of ``path``: paths of one shape match every expression
        alike (at every position), so whatever is derived from matching alone is
        shared by them."""
        try:
            return tuple(map(self._classes.__getitem__, path))
        except KeyError:
            return tuple(map(self.letter_class, path))

    def matches(self, expr: ast.PathExpr, path: Path) -> bool:
        """Whether the whole ``path`` is in ``expr``."""
        return PathMatch(self, path).full(expr)


class PathMatch:
    """One path against any number of expressions, memoised."""

    def __init__(self, matcher: Matcher, path: Path) -> None:
        self.m = matcher
        self.path = path
        self.n = len(path)
        self._memo: dict[tuple[int, int], frozenset[int]] = {}
        self._keep: list[Any] = []  # expressions memoised by id stay alive
        #: Domain derivations of this path, by (spec node id, start): see rela.explain.derive.
        self.domains: dict[tuple[int, int], Any] = {}

    def full(self, expr: ast.PathExpr) -> bool:
        return self.n in self.ends(expr, 0)

    def ends(self, expr: Any, i: int) -> frozenset[int]:
        """Every ``j`` such that ``path[i:j]`` is in ``expr``."""
        key = (id(expr), i)
        got = self._memo.get(key)
        if got is None:
            self._keep.append(expr)
            got = self._memo[key] = self._ends(expr, i)
        return got

    def _ends(self, e: Any, i: int) -> frozenset[int]:
        if isinstance(e, _ONE_LETTER):
            ok = i < self.n and self.m.letter(e, self.path[i])
            return frozenset((i + 1,)) if ok else frozenset()
        if isinstance(e, ast.Epsilon):
            return frozenset((i,))
        if isinstance(e, ast.EmptySet):
            return frozenset()
        if isinstance(e, ast.Concat):
            current = frozenset((i,))
            for part in e.parts:
                if not current:
                    break
                current = frozenset(j for k in current for j in self.ends(part, k))
            return current
        if isinstance(e, ast.Alt):
            return frozenset(j for p in e.parts for j in self.ends(p, i))
        if isinstance(e, ast.Inter):
            out = self.ends(e.parts[0], i)
            for p in e.parts[1:]:
                out &= self.ends(p, i)
            return out
        if isinstance(e, ast.Complement):
            return frozenset(range(i, self.n + 1)) - self.ends(e.operand, i)
        if isinstance(e, ast.Star):
            return self._closure(e.operand, frozenset((i,)))
        if isinstance(e, ast.Plus):
            return self._closure(e.operand, self.ends(e.operand, i))
        if isinstance(e, ast.Optional):
            return self.ends(e.operand, i) | {i}
        raise TypeError(f"not a path expression over locations: {type(e).__name__}")

    def _closure(self, e: Any, start: frozenset[int]) -> frozenset[int]:
        seen = set(start)
        frontier = list(start)
        while frontier:
            k = frontier.pop()
            for j in self.ends(e, k):
                if j not in seen:
                    seen.add(j)
                    frontier.append(j)
        return frozenset(seen)
