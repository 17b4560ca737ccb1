"""Evaluate IR expressions (path sets and relations) to automata over an alphabet.

The same evaluator builds spec automata over signatures (once per set of
signatures) and FEC automata over letters (``pre``/``post`` bound to the FEC's
graphs).  Results are memoised per AST node, so shared sub-expressions are built
once.

>>> from rela.lang import ast
>>> from rela.automata.alphabet import Atoms, SigAlphabet
>>> atoms = Atoms.collect([ast.Name("a")])
>>> ev = Evaluator(SigAlphabet(atoms, [0, 1]))
>>> nfa = ev.prop(ast.Concat((ast.Name("a"), ast.Star(ast.AnyLoc()))))
>>> from rela.automata.nfa import accepts
>>> accepts(nfa, [1, 0, 1]), accepts(nfa, [0])
(True, False)
"""

from __future__ import annotations

from typing import Any

from rela.automata import nfa as N
from rela.automata import products as P
from rela.automata import transducer as T
from rela.automata.alphabet import is_letter_set
from rela.automata.budget import Budget
from rela.automata.nfa import Nfa
from rela.automata.transducer import Transducer
from rela.lang import ast

__all__ = ["Evaluator", "is_spec_only", "simplify_transducer"]


def is_spec_only(node: Any) -> bool:
    """Whether ``node`` mentions neither ``pre`` nor ``post`` (so it can be built once)."""
    from rela.automata.alphabet import _walk_paths

    return not any(isinstance(n, (ast.Pre, ast.Post)) for n in _walk_paths(node))


def simplify_transducer(t: Transducer, budget: Budget | None = None) -> Transducer:
    """Remove ``(EPS, EPS)`` moves, useless and bisimilar states (same relation, fewer arcs).

    ``budget`` is charged the epsilon closures and the arcs built.
    """
    eps_only = [[d for i, o, d in arcs if i == T.EPS and o == T.EPS] for arcs in t.arcs]
    if not any(eps_only):
        return T.merge_bisimilar(_fuse(_trim_transducer(t)), budget)
    arcs: list[list[tuple[int, int, int]]] = []
    finals = set()
    for q in range(t.n):
        seen = {q}
        stack = [q]
        while stack:
            p = stack.pop()
            for d in eps_only[p]:
                if d not in seen:
                    seen.add(d)
                    stack.append(d)
        row: list[tuple[int, int, int]] = []
        seen_arcs: set[tuple[int, int, int]] = set()
        for p in seen:
            if p in t.finals:
                finals.add(q)
            for arc in t.arcs[p]:
                if arc[0] == T.EPS and arc[1] == T.EPS:
                    continue
                if arc not in seen_arcs:
                    seen_arcs.add(arc)
                    row.append(arc)
        arcs.append(row)
        if budget is not None:
            budget.charge(1, len(seen) + len(row))
    return T.merge_bisimilar(
        _fuse(_trim_transducer(Transducer(t.n, t.starts, finals, arcs))), budget
    )


def _fuse(t: Transducer) -> Transducer:
    """Fuse "read x, write nothing" followed by "read nothing, write y" into one ``(x, y)`` arc.

    A product ``x × y`` of one-letter sets is built as two such half arcs
    through a middle state; when that state is only passed through (not a
    start, not final, every arc into it writes nothing and every arc out of it
    reads nothing, and one side has a single arc) the pair becomes one arc.
    Images then need no epsilon moves and stay deterministic more often.

    Fusing a middle state changes only arcs out of its predecessors (which
    read, so they are no middle states) and into its successors (which are
    entered by writing, so neither): one pass finds every middle state.
    """
    arcs = [list(a) for a in t.arcs]
    incoming: list[list[tuple[int, tuple[int, int, int]]]] = [[] for _ in arcs]
    for q, row in enumerate(arcs):
        for arc in row:
            incoming[arc[2]].append((q, arc))
    changed = False
    for s_ in range(len(arcs)):
        ins = incoming[s_]
        outs = arcs[s_]
        if s_ in t.starts or s_ in t.finals or not outs or not ins:
            continue
        if any(o != T.EPS or i == T.EPS for _, (i, o, _) in ins):
            continue
        if any(i != T.EPS or o in (T.EPS, T.COPY) for i, o, _ in outs):
            continue
        if any(q == s_ for q, _ in ins) or (len(ins) > 1 and len(outs) > 1):
            continue
        by_source: dict[int, list[tuple[int, int, int]]] = {}
        for q, (i, _, _) in ins:
            by_source.setdefault(q, []).extend((i, o, d) for _, o, d in outs)
        for q, extra in by_source.items():
            arcs[q] = [a for a in arcs[q] if a[2] != s_] + extra
        arcs[s_] = []
        changed = True
    if not changed:
        return t
    return _trim_transducer(Transducer(t.n, t.starts, t.finals, arcs))


def _trim_transducer(t: Transducer) -> Transducer:
    live = N.useful_states(t.starts, t.finals, [[d for _, _, d in row] for row in t.arcs])
    if not live:
        return Transducer.empty()
    order = sorted(live)
    new = {q: i for i, q in enumerate(order)}
    arcs = [[(i, o, new[d]) for i, o, d in t.arcs[q] if d in new] for q in order]
    return Transducer(
        len(order),
        [new[s] for s in t.starts if s in new],
        [new[f] for f in t.finals if f in new],
        arcs,
    )


class Evaluator:
    """Builds automata for IR nodes over ``alphabet`` (a Sig- or LetterAlphabet).

    Results are memoised per node and shared by every later call; ``budget``
    (per call, else the one given at construction) is charged by the
    constructions a call performs, so whoever first needs an automaton pays
    for it under its own limits.
    """

    def __init__(
        self,
        alphabet: Any,
        pre: Nfa | None = None,
        post: Nfa | None = None,
        budget: Budget | None = None,
    ) -> None:
        self.alphabet = alphabet
        self.pre = pre
        self.post = post
        self.budget = budget or Budget()
        self._props: dict[Any, Nfa] = {}
        self._rels: dict[Any, Transducer] = {}
        # By identity first: hashing a node hashes its whole subtree (a spec with
        # thousands of names), and the same node objects come back FEC after FEC.
        self._by_id: dict[int, tuple[Any, Any]] = {}

    # ------------------------------------------------------------------ path sets
    def prop(self, e: ast.PathExpr, budget: Budget | None = None) -> Nfa:
        seen = self._by_id.get(id(e))
        if seen is not None and seen[0] is e:
            return seen[1]
        got = self._props.get(e)
        if got is None:
            got = self._prop(e, budget or self.budget)
            self._props[e] = got
        self._by_id[id(e)] = (e, got)
        return got

    def _prop(self, e: ast.PathExpr, budget: Budget) -> Nfa:
        prop = self.prop
        if is_letter_set(e):  # one predicate: a name, a class, a union of names
            return Nfa.letter(*self.alphabet.matching(e))
        if isinstance(e, ast.Epsilon):
            return Nfa.epsilon()
        if isinstance(e, ast.EmptySet):
            return Nfa.empty()
        if isinstance(e, ast.Concat):
            return N.concat(*(prop(p, budget) for p in e.parts))
        if isinstance(e, ast.Alt):
            return N.union(*(prop(p, budget) for p in e.parts))
        if isinstance(e, ast.Inter):
            acc = prop(e.parts[0], budget)
            for p in e.parts[1:]:
                acc = N.trim(P.intersect(acc, prop(p, budget), budget=budget))
            return acc
        if isinstance(e, ast.Complement):
            inner = prop(e.operand, budget)
            return N.trim(P.complement(inner, self.alphabet.locations, budget=budget))
        if isinstance(e, ast.Star):
            return N.star(prop(e.operand, budget))
        if isinstance(e, ast.Plus):
            inner = prop(e.operand, budget)
            return N.concat(inner, N.star(inner))
        if isinstance(e, ast.Optional):
            return N.union(prop(e.operand, budget), Nfa.epsilon())
        if isinstance(e, ast.Pre):
            if self.pre is None:
                raise ValueError("`pre` used where no FEC is bound")
            return self.pre
        if isinstance(e, ast.Post):
            if self.post is None:
                raise ValueError("`post` used where no FEC is bound")
            return self.post
        if isinstance(e, ast.Image):
            image = T.image(prop(e.prop, budget), self.rel(e.relation, budget), budget=budget)
            return N.trim(image)
        if isinstance(e, ast.Preimage):
            return T.preimage(self.rel(e.relation, budget), prop(e.prop, budget), budget=budget)
        if isinstance(e, ast.Ref):
            raise ValueError(f"unresolved reference {e.name!r} (compile the module first)")
        raise TypeError(f"not a path expression: {e!r}")

    # ------------------------------------------------------------------ relations
    def rel(self, r: ast.Relation, budget: Budget | None = None) -> Transducer:
        seen = self._by_id.get(id(r))
        if seen is not None and seen[0] is r:
            return seen[1]
        got = self._rels.get(r)
        if got is None:
            b = budget or self.budget
            got = simplify_transducer(self._rel(r, b), b)
            self._rels[r] = got
        self._by_id[id(r)] = (r, got)
        return got

    def _rel(self, r: ast.Relation, budget: Budget) -> Transducer:
        prop, rel = self.prop, self.rel
        if isinstance(r, ast.Identity):
            return T.identity(N.remove_epsilon(prop(r.prop, budget), budget))
        if isinstance(r, ast.Product):
            return T.product(prop(r.left, budget), prop(r.right, budget))
        if isinstance(r, ast.RelConcat):
            return T.rconcat(*(rel(p, budget) for p in r.parts))
        if isinstance(r, ast.RelUnion):
            return T.runion(*(rel(p, budget) for p in r.parts))
        if isinstance(r, ast.PriorityUnion):
            return T.priority_union(
                rel(r.left, budget), rel(r.right, budget), self.alphabet.locations, budget=budget
            )
        if isinstance(r, ast.Compose):
            return T.compose(rel(r.left, budget), rel(r.right, budget), budget=budget)
        if isinstance(r, ast.RelStar):
            return T.rstar(rel(r.operand, budget))
        raise TypeError(f"not a relation: {r!r}")
