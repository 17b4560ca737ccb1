"""Checking one compiled check on FEC after FEC: the per-FEC hot path.

:class:`SpecChecker` holds what is per spec and per run — the spec's atoms and
automata, signatures of the letters seen, graph automata, verdicts of
(leaf, before, after) triples already decided — and :meth:`SpecChecker.check`
decides one FEC with them: verdict first (:mod:`rela.check.decision`), then,
for a violated FEC, counterexamples (:mod:`rela.check.explain`).

Semantics (``docs/verification.md``): for the FEC's universe of letters (its
locations, the spec's names that match none of them, the spec's markers and
one letter for every other location), the check is evaluated exactly; a
comparison ``P == Q`` fails when some path is in one side only.

>>> from rela.compile import compile_spec
>>> from rela.lang import ast
>>> from rela.network.model import Fec, Graph
>>> checker = SpecChecker(compile_spec(ast.Atomic(ast.Star(ast.AnyLoc()), ast.Preserve())),
...                       Letters())
>>> fec = Fec(0, None, (), Graph.from_paths([["a", "b"]]), Graph.from_paths([["a", "c"]]))
>>> outcome = checker.check(fec)
>>> outcome.verdict, outcome.flows[0].missing
('violated', (('a', 'b'),))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from rela.automata.alphabet import Atoms
from rela.automata.budget import Budget
from rela.check.decision import Task, decide
from rela.check.explain import counterexamples
from rela.check.fastpaths import relations_agree
from rela.check.graphs import GraphAutomata
from rela.check.guards import GuardTree
from rela.check.leaf import Leaf
from rela.check.letters import FecContext, Letters, Signatures
from rela.check.outcome import HOLDS, VIOLATED, Outcome
from rela.check.spec import SpecAutomata
from rela.lang import ast
from rela.network.model import Fec
from rela.traffic import TrafficError

__all__ = ["SpecChecker"]


class SpecChecker:
    """Decides one compiled check on FEC after FEC (compile once, reuse everywhere)."""

    def __init__(
        self,
        check: ast.Check,
        letters: Letters,
        *,
        groups: Mapping[str, str] | None = None,
        group_level: bool = False,
        max_paths: int = 20,
        max_states: int = 0,
        fec_timeout: float = 0.0,
        cache_size: int = 50_000,
        counterexamples: bool = True,
    ) -> None:
        self.check_ast = check
        self.letters = letters
        self.atoms = Atoms.collect([check], groups=groups, group_level=group_level)
        self.max_paths = max_paths
        self.max_states = max_states
        self.fec_timeout = fec_timeout
        self.counterexamples = counterexamples
        self.spec = SpecAutomata(self.atoms)
        self.signatures = Signatures(self.atoms, letters)
        self.graphs = GraphAutomata(letters, cache_size)
        self.guards = GuardTree(check)
        self._verdicts: dict[tuple[Any, ...], Outcome] = {}
        self._agree: dict[tuple[Any, ...], bool] = {}
        self._cache_size = cache_size
        #: Letter ids of every location met in the run (for the name warnings).
        self.seen: set[int] = set()

    def check(self, fec: Fec) -> Outcome:
        """The verdict of this check on ``fec`` (counterexamples when violated).

        A guard that splits the FEC's traffic makes one decision per leaf
        reached; the FEC holds iff each of them holds, and the counterexamples
        of each violated leaf say which part of the traffic they are about.
        """
        if fec.problem is not None:
            return Outcome("error", message=fec.problem, input_error=not fec.undecided)
        budget = Budget(self.max_states, self.fec_timeout)  # everything below counts
        try:
            regions = self.guards.regions(fec.traffic)
        except TrafficError as exc:
            return Outcome("error", message=f"traffic key: {exc}", input_error=True)
        if not regions:
            return Outcome(
                "error", message="the FEC's traffic keys describe no packet", input_error=True
            )
        present = self.signatures.present(fec)
        self.seen |= present
        outcomes = [self._leaf_outcome(fec, r.leaf, present, budget) for r in regions]
        if len(regions) == 1:
            return outcomes[0]
        if all(o is HOLDS for o in outcomes):
            return HOLDS
        if not self.counterexamples:
            return VIOLATED
        flows = tuple(
            replace(f, part=r.part)
            for r, o in zip(regions, outcomes)
            if o.verdict == "violated"
            for f in o.flows
        )
        return Outcome("violated", flows=flows)

    def _leaf_outcome(self, fec: Fec, leaf: Leaf, present: set[int], budget: Budget) -> Outcome:
        """One leaf on the FEC's graphs (decided once per (leaf, before, after))."""
        key = (leaf, fec.before, fec.after)
        got = self._verdicts.get(key)
        if got is not None:
            return got
        outcome = self._decide(fec, leaf, present, budget)
        if len(self._verdicts) > self._cache_size:
            self._verdicts.clear()
        self._verdicts[key] = outcome
        return outcome

    def _decide(self, fec: Fec, leaf: Leaf, present: set[int], budget: Budget) -> Outcome:
        before, after = fec.before, fec.after
        unchanged = before == after
        if unchanged:  # equal graphs: one view serves both sides
            after = before
        # Same relation on both sides of the same graph: nothing to compute.
        if leaf.same_sides and unchanged:
            return HOLDS
        task = Task(leaf, self.spec, self.signatures.context(fec, present), budget)
        if unchanged and self._agree_on_graph(task, fec):
            return HOLDS
        if decide(task, leaf.check, self.graphs, before, after):
            return HOLDS
        if not self.counterexamples:
            return VIOLATED
        flows = counterexamples(task, fec, self.graphs, self.letters, self.max_paths)
        return Outcome("violated", flows=flows)

    def _agree_on_graph(self, task: Task, fec: Fec) -> bool:
        """``pre >> R == post >> Q`` on one unchanged graph, when R and Q agree on its
        letters (decided once per leaf and set of signatures)."""
        check = task.leaf.check
        if not isinstance(check, ast.Compare) or check.op != "==":
            return False
        left, right = task.leaf.side_of(check)
        if left is None or right is None or left[1] is None or right[1] is None:
            return False
        ctx: FecContext = task.ctx
        sig_of = ctx.sig_of
        present = frozenset([sig_of[x] for x in self.letters.of_graph(fec.before)])
        key = (id(task.leaf), ctx.sigs, present)
        got = self._agree.get(key)
        if got is None:
            r = self.spec.relation(ctx.sigs, left[1], task.budget)
            q = self.spec.relation(ctx.sigs, right[1], task.budget)
            got = self._agree[key] = relations_agree(r, q, present, task.budget)
        return got
