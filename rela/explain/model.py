"""A spec as the explanations see it: numbered atomic clauses, guard branches, markers.

:class:`SpecModel` is built once per run from a ``spec`` block (lets inlined)
and sent to the workers with the compiled check.  Its tree mirrors the
surface spec: :class:`Clause` leaves (an atomic ``zone : modifier`` with the
:class:`~rela.results.ClauseRef` naming it), :class:`ThenNode`,
:class:`ElseNode` and :class:`GuardNode` (a traffic guard, whose two branches
are numbered too).  :meth:`SpecModel.resolutions` gives the guard-free trees an
FEC's traffic can select, with the marker numbers the compiler gives each
``any(p)`` clause in them (so a ``#k`` hop of a counterexample names its clause).

>>> from rela.lang import parse_spec
>>> m = SpecModel.of_module(parse_spec("spec s {\\n  a : drop\\n  else .* : preserve\\n}"))[0]
>>> [c.ref.describe() for c in m.clauses]
['`a : drop` at 2:3', '`.* : preserve` at 3:8']
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import field
from typing import Any, Union

from rela.compile import inline_refs
from rela.lang import ast
from rela.lang.printer import format_condition, format_path, format_spec
from rela.results import ClauseRef
from rela.values import frozen

__all__ = [
    "Clause",
    "ThenNode",
    "ElseNode",
    "GuardNode",
    "Node",
    "Resolved",
    "SpecModel",
    "reachable_branches",
]


@frozen
class Clause:
    """An atomic clause: ``atomic`` with lets inlined, ``ref`` as written in the file."""

    id: int
    atomic: ast.Atomic
    ref: ClauseRef
    #: For ``any(p)``: ``p`` as written (how a counterexample names its marker).
    any_paths: str | None = None
    #: Clauses that are the atomic parts of one ``then`` sequence share this number.
    chain: int = 0


@frozen
class ThenNode:
    """``left then right``; after guard resolution a side may be ``None`` (the empty spec)."""

    left: Node | None
    right: Node | None


@frozen
class ElseNode:
    """``left else right``; after guard resolution a side may be ``None`` (the empty spec)."""

    left: Node | None
    right: Node | None


@frozen
class GuardNode:
    """``if cond { then } else { otherwise }``; ``otherwise`` None: the empty spec."""

    cond: ast.Condition
    then: Node
    otherwise: Node | None
    then_ref: ClauseRef
    else_ref: ClauseRef


Node = Union[Clause, ThenNode, ElseNode, GuardNode]


@frozen
class Resolved:
    """A guard-free tree (``None``: the empty spec) and the ``any`` markers in it.

    ``markers`` maps a marker number to its clause, numbered as the compiler
    numbers them in the same guard-free case; ``branches`` are the guard
    branches taken (their refs).
    """

    tree: Node | None
    markers: Mapping[int, Clause]
    branches: tuple[ClauseRef, ...]


@frozen
class SpecModel:
    """One spec block: its clause tree, clauses in source order, guard branches."""

    name: str
    tree: Node
    clauses: tuple[Clause, ...]
    branches: tuple[ClauseRef, ...]
    file: str | None = None
    _resolutions: dict[Any, tuple[Resolved, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @staticmethod
    def of_module(module: ast.Module) -> list[SpecModel]:
        """A model per ``spec`` block of ``module`` (assert blocks have no clauses)."""
        lets: dict[str, ast.PathExpr] = {}
        names: list[str] = []
        out = []
        for decl in module.decls:
            if isinstance(decl, ast.Let):
                lets[decl.name] = inline_refs(decl.expr, lets)
                names.append(decl.name)
            elif isinstance(decl, ast.SpecDecl):
                out.append(SpecModel.build(decl, lets, names, module.filename))
        return out

    @staticmethod
    def build(
        decl: ast.SpecDecl,
        lets: Mapping[str, ast.PathExpr],
        let_names: Sequence[str] = (),
        file: str | None = None,
    ) -> SpecModel:
        builder = _Builder(lets, tuple(let_names), file)
        tree = builder.node(decl.body)
        return SpecModel(decl.name, tree, tuple(builder.clauses), tuple(builder.branches), file)

    def resolutions(self, reach: Mapping[ast.Condition, tuple[bool, bool]]) -> tuple[Resolved, ...]:
        """The guard-free trees selected when each condition may be true/false as ``reach`` says.

        ``reach[cond] = (then_possible, else_possible)``; a condition missing
        from ``reach`` may go either way.
        """
        key = tuple(sorted(reach.items(), key=repr))
        got = self._resolutions.get(key)
        if got is None:
            got = tuple(_resolve_all(self.tree, reach))
            self._resolutions[key] = got
        return got

    def conditions(self) -> list[ast.Condition]:
        """The distinct guard conditions, in source order."""
        out: list[ast.Condition] = []
        for n in _walk(self.tree):
            if isinstance(n, GuardNode) and n.cond not in out:
                out.append(n.cond)
        return out


def _walk(node: Node | None) -> Iterator[Node]:
    stack = [node]
    while stack:
        n = stack.pop()
        if n is None:
            continue
        yield n
        if isinstance(n, (ThenNode, ElseNode)):
            stack.extend((n.right, n.left))
        elif isinstance(n, GuardNode):
            stack.extend((n.otherwise, n.then))


class _Builder:
    def __init__(self, lets: Mapping[str, ast.PathExpr], names: tuple[str, ...], file: str | None):
        self.lets = lets
        self.names = names
        self.file = file
        self.clauses: list[Clause] = []
        self.branches: list[ClauseRef] = []
        self.chains = itertools.count()

    def ref(self, text: str, span: ast.Span | None, kind: str) -> ClauseRef:
        line, column = (span.line, span.column) if span is not None else (None, None)
        return ClauseRef(text, line, column, self.file, kind)

    def node(self, spec: ast.SpecExpr, chain: int | None = None) -> Node:
        if isinstance(spec, ast.Atomic):
            ref = self.ref(format_spec(spec, self.names), spec.span, "clause")
            mod = spec.modifier
            paths = format_path(mod.paths, self.names) if isinstance(mod, ast.AnyPaths) else None
            number = next(self.chains) if chain is None else chain
            clause = Clause(len(self.clauses), inline_refs(spec, self.lets), ref, paths, number)
            self.clauses.append(clause)
            return clause
        if isinstance(spec, ast.Then):
            chain = next(self.chains) if chain is None else chain
            return ThenNode(self.node(spec.left, chain), self.node(spec.right, chain))
        if isinstance(spec, ast.Else):
            return ElseNode(self.node(spec.left), self.node(spec.right))
        if isinstance(spec, ast.Guard):
            cond = inline_refs(spec.cond, self.lets)
            text = format_condition(spec.cond)
            then_ref = self.ref(f"if {text} {{ … }}", spec.span, "branch")
            else_span = spec.otherwise.span if spec.otherwise is not None else spec.span
            else_ref = self.ref(f"else branch of if {text}", else_span, "branch")
            self.branches.append(then_ref)
            then = self.node(spec.then)
            self.branches.append(else_ref)
            otherwise = self.node(spec.otherwise) if spec.otherwise is not None else None
            return GuardNode(cond, then, otherwise, then_ref, else_ref)
        raise TypeError(f"not a spec: {spec!r}")


def _resolve_all(
    tree: Node, reach: Mapping[ast.Condition, tuple[bool, bool]]
) -> Iterator[Resolved]:
    """Every guard-free tree ``reach`` allows, in a fixed order (then branches first).

    A condition takes one value per resolution, wherever it occurs (as the
    compiler decides it), so the trees are enumerated per assignment.
    """
    conds: list[ast.Condition] = []
    for n in _walk(tree):
        if isinstance(n, GuardNode) and n.cond not in conds:
            conds.append(n.cond)
    options = []
    for c in conds:
        then_ok, else_ok = reach.get(c, (True, True))
        options.append([v for v, ok in ((True, then_ok), (False, else_ok)) if ok])
    for values in itertools.product(*options):
        assignment = dict(zip(conds, values))
        branches: list[ClauseRef] = []
        resolved = _resolve(tree, assignment, branches)
        yield Resolved(resolved, _markers(resolved), tuple(branches))


def _resolve(
    node: Node | None, values: Mapping[ast.Condition, bool], branches: list[ClauseRef]
) -> Node | None:
    if node is None or isinstance(node, Clause):
        return node
    if isinstance(node, GuardNode):
        if values[node.cond]:
            branches.append(node.then_ref)
            return _resolve(node.then, values, branches)
        branches.append(node.else_ref)
        return _resolve(node.otherwise, values, branches)
    # The empty spec (a guard without else, not taken) stays in place as None, so
    # markers are numbered exactly as the compiler numbers them.
    left = _resolve(node.left, values, branches)
    right = _resolve(node.right, values, branches)
    return ThenNode(left, right) if isinstance(node, ThenNode) else ElseNode(left, right)


def _markers(tree: Node | None) -> dict[int, Clause]:
    """``any`` clauses numbered 1, 2, ... left to right, as :func:`rela.compile` numbers them."""
    out: dict[int, Clause] = {}
    counter = itertools.count(1)

    def visit(n: Node | None) -> None:
        if n is None:
            return
        if isinstance(n, Clause):
            if isinstance(n.atomic.modifier, ast.AnyPaths):
                out[next(counter)] = n
            return
        if isinstance(n, (ThenNode, ElseNode)):
            visit(n.left)
            visit(n.right)

    visit(tree)
    return out


def reachable_branches(
    conds: Sequence[ast.Condition], traffic: Sequence[Any]
) -> dict[ast.Condition, tuple[bool, bool]]:
    """For each condition, whether some packet of the FEC may satisfy it / may not.

    ``traffic`` holds :class:`~rela.network.model.TrafficKey` cubes (none: every
    packet).  Exact for the fields a key pins down; a field a key leaves open
    makes both branches possible (the FEC straddles the guard).
    """
    from rela.explain.guards import may_be

    out = {}
    for c in conds:
        if not traffic:
            out[c] = (True, True)
            continue
        values = {may_be(c, key) for key in traffic}
        out[c] = (True in values or None in values, False in values or None in values)
    return out
