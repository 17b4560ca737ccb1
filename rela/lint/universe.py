"""Path-set questions about a spec without any FEC: emptiness, overlap, inclusion.

The lint has no graphs, so it reasons over a *static universe* built from the
spec alone (the same symbolic alphabet the checker uses, docs/verification.md):
every name the spec writes, taken as a location of exactly that name; the
location ``drop``; for each attribute class, one location that satisfies it
(and, where the class names a device, VRF or interface, the location so named);
and one location that matches nothing the spec writes.  A question answered
over this universe ("can ``p`` end in ``drop``?", "does the zone meet ``p1``?")
has the answer it has on an FEC holding those locations; the lint only warns,
it never decides a verdict.

Every automaton operation is charged to a :class:`~rela.automata.decide.Budget`;
a spec too large to analyse raises :class:`~rela.errors.ResourceLimitError`.

>>> from rela.lang import ast
>>> u = Universe([ast.Name("core1")])
>>> u.meets(ast.Star(ast.AnyLoc()), ast.Concat((ast.Name("core1"), ast.Name("drop"))))
True
>>> u.example(ast.Concat((ast.Name("core1"), ast.AnyLoc())))
'core1 core1'
"""

from __future__ import annotations

from collections.abc import Iterable

from rela.automata import nfa as N
from rela.automata import products as P
from rela.automata.alphabet import OTHER, OTHER_NAME, Atoms, SigAlphabet
from rela.automata.decide import Budget, enumerate_words
from rela.automata.evaluate import Evaluator
from rela.automata.nfa import Nfa
from rela.lang import ast

__all__ = [
    "Universe",
    "DROP",
    "ANY",
    "ANY_PATH",
    "NON_EMPTY",
    "REAL",
    "ENDS_IN_DROP",
    "LONGER",
]

DROP = ast.Name("drop")
ANY = ast.AnyLoc()
#: ``.*``, ``.+``, ``.* drop``, ``. .+`` (paths of two locations or more)
ANY_PATH = ast.Star(ANY)
NON_EMPTY = ast.Plus(ANY)
#: The paths a network can have: locations other than ``drop``, then maybe ``drop``.
REAL = ast.Concat((ast.Plus(ast.NameClass((DROP,), negated=True)), ast.Optional(DROP)))
#: Real paths that end in ``drop``.
ENDS_IN_DROP = ast.Concat((ast.Plus(ast.NameClass((DROP,), negated=True)), DROP))
LONGER = ast.Concat((ANY, NON_EMPTY))

#: Default analysis limits per spec: far above real specs, low enough that a
#: pathological one costs `rela check` at most a few seconds.
MAX_STATES = 100_000
TIMEOUT = 5.0

_WITNESS_DEVICE = "\x00"  # a device name no spec writes
_COMPONENTS = ("device", "vrf", "interface")


class Universe:
    """The static universe of some path expressions (lets already inlined)."""

    def __init__(self, exprs: Iterable[object], budget: Budget | None = None) -> None:
        self._exprs: list[object] = [*exprs, DROP]
        self.budget = budget or Budget(MAX_STATES, TIMEOUT)
        self._build(self._exprs)

    def _build(self, exprs: list[object]) -> None:
        self.atoms = Atoms.collect(exprs)
        sigs = {self.atoms.signature(OTHER)}
        self.names: dict[int, str] = {}
        for name in self.atoms.names:
            sig = self.atoms.signature(name)
            sigs.add(sig)
            self.names.setdefault(sig, name)
        for attr, op, value in self.atoms.attrs:
            sigs.add(self.atoms.bit[("attr", (attr, op, value))])
            if op == "=" and attr in _COMPONENTS:
                # the location named by the class: `[vrf=blue]` -> `<some device>|blue`
                position = _COMPONENTS.index(attr)
                sigs.add(self.atoms.signature("|".join([_WITNESS_DEVICE] * position + [value])))
        self.alphabet = SigAlphabet(self.atoms, sigs)
        self._ev = Evaluator(self.alphabet, budget=self.budget)

    def nfa(self, expr: ast.PathExpr) -> Nfa:
        """The automaton of ``expr``.  A union of names the rules built (the domain of
        several clauses) that is not yet a predicate refines the universe first, so
        each question is answered over letters that tell its names apart."""
        expr = _letters_merged(expr)
        new = [ns for ns in Atoms.collect([expr]).sets if ("set", ns) not in self.atoms.bit]
        if new:
            self._exprs += [ast.NameClass(tuple(ast.Name(n) for n in sorted(ns))) for ns in new]
            self._build(self._exprs)
        return self._ev.prop(expr)

    def empty(self, expr: ast.PathExpr) -> bool:
        """Whether ``expr`` holds no path at all."""
        return N.is_empty(self.nfa(expr))

    def meets(self, a: ast.PathExpr, b: ast.PathExpr) -> bool:
        """Whether some path is in both ``a`` and ``b``."""
        return not N.is_empty(P.intersect(self.nfa(a), self.nfa(b), budget=self.budget))

    def within(self, a: ast.PathExpr, b: ast.PathExpr) -> bool:
        """Whether every path of ``a`` is in ``b``."""
        return self.empty(ast.Inter((a, ast.Complement(b))))

    def outside(self, a: ast.PathExpr, b: ast.PathExpr) -> str | None:
        """A short path of ``a`` that is not in ``b``, printed (``None``: there is none)."""
        rest = ast.Inter((a, ast.Complement(b)))
        return None if self.empty(rest) else self.example(rest)

    def example(self, expr: ast.PathExpr, tries: int = 10) -> str | None:
        """A shortest path of ``expr`` as the spec would write it, preferring named locations.

        ``(other)`` stands for a location the spec does not name.
        """
        words, _ = enumerate_words(N.trim(self.nfa(expr)), tries, self.budget)
        if not words:
            return None
        best = min(words, key=lambda w: (len(w), sum(x not in self.names for x in w)))
        return self._path(best)

    def _path(self, word: tuple[int, ...]) -> str:
        return " ".join(self._letter(x) for x in word) or "()"

    def _letter(self, sig: int) -> str:
        name = self.names.get(sig)
        if name is not None:
            return name
        for attr, op, value in self.atoms.attrs:
            if sig == self.atoms.bit[("attr", (attr, op, value))]:
                return f"[{attr}{op}{value}]"
        return OTHER_NAME


def _letters_merged(expr: ast.PathExpr) -> ast.PathExpr:
    """``expr`` with the plain names (and name classes) of each union written as one class.

    ``a | b | c`` and ``[a b c]`` are the same set of one-location paths, but
    the class is one automaton arc per letter where the union is one branch per
    name: over a union of 10,000 names, what a subset construction explores
    shrinks from one state per name to one state.
    """
    memo: dict[int, ast.PathExpr] = {}

    def walk(node: ast.PathExpr) -> ast.PathExpr:
        got = memo.get(id(node))
        if got is not None:
            return got
        if isinstance(node, ast.Alt):
            parts = tuple(walk(p) for p in node.parts)
            plain = [p for p in parts if _plain_names(p)]
            if len(plain) > 1:
                merged = ast.NameClass(tuple(n for p in plain for n in _plain_names(p)))
                rest = tuple(p for p in parts if not _plain_names(p))
                new: ast.PathExpr = ast.Alt((merged, *rest)) if rest else merged
            else:
                new = node if _same(parts, node.parts) else ast.Alt(parts)
        elif isinstance(node, (ast.Concat, ast.Inter)):
            parts = tuple(walk(p) for p in node.parts)
            new = node if _same(parts, node.parts) else type(node)(parts)
        elif isinstance(node, (ast.Star, ast.Plus, ast.Optional, ast.Complement)):
            inner = walk(node.operand)
            new = node if inner is node.operand else type(node)(inner)
        else:
            new = node
        memo[id(node)] = new
        return new

    return walk(expr)


def _plain_names(node: ast.PathExpr) -> tuple[ast.Name, ...]:
    if isinstance(node, ast.Name):
        return (node,)
    if isinstance(node, ast.NameClass) and not node.negated:
        return node.names
    return ()


def _same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    return all(x is y for x, y in zip(a, b))
