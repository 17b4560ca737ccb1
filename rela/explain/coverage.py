"""Clause coverage: for every atomic clause and guard branch, where it applied.

A clause *applies* to a path when the path falls in the spec's domain through
that clause: in ``s1 then s2`` a clause of ``s1`` applies to ``x1 x2`` when it
applies to ``x1`` and ``x2`` is in the domain of ``s2``; in ``s1 else s2`` a
clause of ``s2`` applies only to paths outside the domain of ``s1``.  Written
as a path expression, the *effective domain* of clause ``c`` is built from the
root down (:func:`effective_domains`):

* root: ``E``;  ``then`` left: ``ctx(E D_right)``, right: ``ctx(D_left E)``;
* ``else`` left: ``ctx(E)``, right: ``ctx(E & !D_left)``;  clause: ``ctx(D_c)``.

A clause applied to an FEC when its effective domain meets a before or after
path of the FEC (per flow for the flow counts); a guard branch applied when
the FEC's traffic reaches it and one of its clauses applied.  A clause that
applied to no FEC of the whole run makes the spec pass for the wrong reason
more often than not: it is reported as a ``vacuous-clause`` warning.

Per FEC the work is cached by graph (FECs share graphs), each clause's
effective domain is determinised once per set of signatures, and a graph is
checked against it by one backward pass over its distinct successor tuples
(:mod:`rela.explain.accept`).

>>> from rela.lang import parse_spec
>>> from rela.explain.model import SpecModel
>>> model = SpecModel.of_module(parse_spec("spec s { a : drop else .* : preserve }"))[0]
>>> (r,) = model.resolutions({})
>>> from rela.lang import format_path
>>> [format_path(e) for e in effective_domains(r).values()]
['a | drop', '.* & !(a | drop)']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rela.automata.alphabet import Atoms, SigAlphabet
from rela.automata.decide import Budget
from rela.automata.evaluate import Evaluator
from rela.automata.products import determinize
from rela.errors import RelaError
from rela.explain.accept import Domain, GraphIndex, flows_accepted
from rela.explain.derive import domain_of
from rela.explain.match import DROP_NAME
from rela.explain.model import (
    Clause,
    ElseNode,
    GuardNode,
    Node,
    Resolved,
    SpecModel,
    ThenNode,
    reachable_branches,
)
from rela.lang import ast
from rela.network.model import Fec, Graph
from rela.results import ClauseCoverage, ClauseRef, Warning_

__all__ = ["effective_domains", "CoverageCounter", "Tally", "coverage_results", "vacuity_warnings"]

Wrap = Callable[[ast.PathExpr], ast.PathExpr]
_MISSING = object()


def _alt(parts: list[ast.PathExpr]) -> ast.PathExpr:
    return parts[0] if len(parts) == 1 else ast.Alt(tuple(parts))


def _domain(node: Node | None) -> ast.PathExpr:
    """The domain ``D`` of a (guard-free) subtree as a path expression."""
    if node is None:
        return ast.EmptySet()
    if isinstance(node, Clause):
        return _alt(domain_of(node.atomic.modifier, node.atomic.zone))
    if isinstance(node, ThenNode):
        return ast.Concat((_domain(node.left), _domain(node.right)))
    if not isinstance(node, ElseNode):  # pragma: no cover - resolved trees have no guards
        raise TypeError("guards must be resolved first")
    return ast.Alt((_domain(node.left), _domain(node.right)))


def effective_domains(resolved: Resolved) -> dict[int, ast.PathExpr]:
    """Clause id -> the whole paths it applies to, in one guard-free tree."""
    out: dict[int, ast.PathExpr] = {}

    def visit(node: Node | None, ctx: Wrap) -> None:
        if node is None:
            return
        if isinstance(node, Clause):
            out[node.id] = ctx(_domain(node))
            return
        if isinstance(node, GuardNode):  # pragma: no cover - resolved trees have no guards
            raise TypeError("guards must be resolved first")
        left_d, right_d = _domain(node.left), _domain(node.right)
        if isinstance(node, ThenNode):
            visit(node.left, lambda e: ctx(ast.Concat((e, right_d))))
            visit(node.right, lambda e: ctx(ast.Concat((left_d, e))))
        else:
            visit(node.left, ctx)
            visit(node.right, lambda e: ctx(ast.Inter((e, ast.Complement(left_d)))))

    visit(resolved.tree, lambda e: e)
    return out


@dataclass
class Tally:
    """Mergeable counts for one spec: per clause and per branch, FECs and flows applied.

    ``unknown[i]`` counts FECs where clause ``i`` could not be decided within
    the state limit (such a clause is never called vacuous).
    """

    clause_fecs: list[int]
    clause_flows: list[int]
    unknown: list[int]
    branch_fecs: list[int]
    branch_flows: list[int]

    @staticmethod
    def zero(model: SpecModel) -> Tally:
        c, b = len(model.clauses), len(model.branches)
        return Tally([0] * c, [0] * c, [0] * c, [0] * b, [0] * b)

    def merge(self, other: Tally) -> None:
        for mine, theirs in (
            (self.clause_fecs, other.clause_fecs),
            (self.clause_flows, other.clause_flows),
            (self.unknown, other.unknown),
            (self.branch_fecs, other.branch_fecs),
            (self.branch_flows, other.branch_flows),
        ):
            for i, n in enumerate(theirs):
                mine[i] += n


@dataclass
class CoverageCounter:
    """Counts coverage FEC after FEC for one spec (see the module docstring)."""

    model: SpecModel
    groups: Mapping[str, str] | None = None
    group_level: bool = False
    max_states: int = 0
    #: Seconds per FEC (0: none), as ``--fec-timeout``: over it (or over ``max_states``)
    #: the FEC's coverage is unknown, never a reason to call a clause vacuous.
    timeout: float = 0.0
    tally: Tally = field(init=False)
    _atoms: Atoms = field(init=False)
    _budget: Budget = field(init=False, default_factory=Budget)
    _evals: dict[frozenset[int], Evaluator] = field(default_factory=dict, init=False)
    _dfas: dict[tuple[int, int, frozenset[int]], Domain] = field(default_factory=dict, init=False)
    _graphs: dict[tuple[Graph, int], dict[int, frozenset[str]] | None] = field(
        default_factory=dict, init=False
    )
    _domains: dict[int, dict[int, ast.PathExpr]] = field(default_factory=dict, init=False)
    #: Per resolution, its distinct effective domains and the clauses of each.
    _shared: dict[int, list[tuple[ast.PathExpr, list[int]]]] = field(
        default_factory=dict, init=False
    )
    _branch_ids: dict[tuple[int | None, int | None, str | None], int] = field(
        default_factory=dict, init=False
    )

    def __post_init__(self) -> None:
        self.tally = Tally.zero(self.model)
        nodes = [c.atomic for c in self.model.clauses] + [DROP_NAME]
        self._atoms = Atoms.collect(nodes, groups=self.groups, group_level=self.group_level)
        for i, b in enumerate(self.model.branches):
            self._branch_ids[(b.line, b.column, b.text)] = i
        self._conds = self.model.conditions()

    def take(self) -> Tally:
        """The counts so far, and start again from zero (for workers sending deltas)."""
        out, self.tally = self.tally, Tally.zero(self.model)
        return out

    def add(self, fec: Fec) -> None:
        """Count one FEC (within its own allowance of states and time)."""
        if fec.problem is not None:
            return
        self._budget = Budget(self.max_states, self.timeout)
        if not self._conds:  # no guard: one tree, the common case, kept short
            (r,) = self.model.resolutions({})
            ri = self._resolution_id(r)
            before = self._graph(fec.before, ri, r)
            same = fec.after is fec.before or fec.after == fec.before
            after = before if same else self._graph(fec.after, ri, r)
            if before is not None and after is not None:
                t = self.tally
                for cid, flows in before.items():
                    n = len(flows if same else flows | after[cid])
                    if n:
                        t.clause_fecs[cid] += 1
                        t.clause_flows[cid] += n
                return
        resolutions = self.model.resolutions(reachable_branches(self._conds, fec.traffic))
        applied: dict[int, set[str]] = {}
        unknown: set[int] = set()
        branches: dict[int, set[str]] = {}
        for r in resolutions:
            ri = self._resolution_id(r)
            used: dict[int, set[str]] = {}
            for graph in (fec.before, fec.after):
                got = self._graph(graph, ri, r)
                if got is None:
                    unknown.update(self._domains[ri])
                    continue
                for cid, labels in got.items():
                    used.setdefault(cid, set()).update(labels)
            for cid, names in used.items():
                applied.setdefault(cid, set()).update(names)
            reached: set[str] = set().union(*used.values()) if used else set()
            for b in r.branches:
                if reached:
                    branches.setdefault(self._branch_ids[(b.line, b.column, b.text)], set()).update(
                        reached
                    )
        t = self.tally
        for cid, applied_flows in applied.items():
            if applied_flows:
                t.clause_fecs[cid] += 1
                t.clause_flows[cid] += len(applied_flows)
        for cid in unknown - set(applied):
            t.unknown[cid] += 1
        for bid, reached_flows in branches.items():
            t.branch_fecs[bid] += 1
            t.branch_flows[bid] += len(reached_flows)

    # ------------------------------------------------------------------ internals
    def _resolution_id(self, r: Resolved) -> int:
        key = id(r)  # resolutions are cached by the model, so identity is stable
        if key not in self._domains:
            domains = self._domains[key] = effective_domains(r)
            shared: dict[ast.PathExpr, list[int]] = {}
            for cid, expr in domains.items():
                shared.setdefault(expr, []).append(cid)
            self._shared[key] = list(shared.items())
            atoms = self._atoms.extended(domains.values())
            if atoms is not self._atoms:  # unions of names the spec never wrote as one
                self._atoms = atoms
                self._evals.clear()
                self._dfas.clear()
                self._graphs.clear()
        return key

    def _graph(self, graph: Graph, ri: int, r: Resolved) -> dict[int, frozenset[str]] | None:
        key = (graph, ri)
        found = self._graphs.get(key, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        sigs = list(map(self._atoms.signature, graph.labels))
        letters = frozenset(sigs)
        index = GraphIndex(graph, sigs)
        applied: dict[int, frozenset[str]] = {}
        out: dict[int, frozenset[str]] | None = applied
        try:
            for k, (expr, cids) in enumerate(self._shared[ri]):  # a `then` chain shares one
                got = flows_accepted(index, self._dfa(ri, k, expr, letters))
                applied.update(dict.fromkeys(cids, got))
        except RelaError:  # over the state limit: unknown, never a false "vacuous"
            out = None
        if len(self._graphs) > 50_000:
            self._graphs.clear()
        self._graphs[key] = out
        return out

    def _dfa(self, ri: int, k: int, expr: ast.PathExpr, letters: frozenset[int]) -> Domain:
        """Distinct domain ``k`` of a resolution over the graph's letters (and 0, the
        letter of unnamed hops)."""
        key = (ri, k, letters)
        got = self._dfas.get(key)
        if got is None:
            sigs = letters | {0}
            ev = self._evals.get(sigs)
            if ev is None:
                ev = self._evals[sigs] = Evaluator(SigAlphabet(self._atoms, sigs))
            budget = self._budget
            got = Domain(determinize(ev.prop(expr, budget), budget=budget), letters)
            self._dfas[key] = got
        return got


def coverage_results(model: SpecModel, tally: Tally) -> tuple[ClauseCoverage, ...]:
    """Per clause (source order), then per guard branch: FECs and flows applied."""
    out = [
        ClauseCoverage(c.ref, tally.clause_fecs[i], tally.clause_flows[i])
        for i, c in enumerate(model.clauses)
    ]
    out += [
        ClauseCoverage(b, tally.branch_fecs[i], tally.branch_flows[i])
        for i, b in enumerate(model.branches)
    ]
    return tuple(out)


def vacuity_warnings(model: SpecModel, tally: Tally) -> list[Warning_]:
    """A ``vacuous-clause`` warning per clause or guard branch that applied to no FEC.

    The parts of one ``then`` sequence apply together: when all of them applied
    to nothing, one warning names the part that does more than preserve.
    """
    chains: dict[int, list[int]] = {}
    for c in model.clauses:
        chains.setdefault(c.chain, []).append(c.id)
    refs: list[ClauseRef] = []
    for members in chains.values():
        vacuous = [i for i in members if not tally.clause_fecs[i] and not tally.unknown[i]]
        if len(members) > 1 and len(vacuous) == len(members):
            active = [i for i in members if not _preserves(model.clauses[i])]
            refs.append(model.clauses[(active or members)[0]].ref)
        else:
            refs.extend(model.clauses[i].ref for i in vacuous)
    refs.sort(key=lambda r: (r.line or 0, r.column or 0))
    refs += [b for i, b in enumerate(model.branches) if not tally.branch_fecs[i]]
    return [_vacuous(model.name, ref) for ref in refs]


def _preserves(clause: Clause) -> bool:
    return isinstance(clause.atomic.modifier, ast.Preserve)


def _vacuous(spec: str, ref: ClauseRef) -> Warning_:
    what = "clause" if ref.kind == "clause" else "guard branch"
    where = f" at {ref.line}:{ref.column}" if ref.line is not None else ""
    return Warning_(
        spec,
        f"{what} `{ref.text}`{where} applied to no FEC",
        code="vacuous-clause",
        hint="no before or after path falls in its domain: check its names, or whether "
        "an earlier clause (else priority) already takes these paths",
        line=ref.line,
        column=ref.column,
    )
