"""The verifier's hook: explanations and clause coverage, FEC by FEC, then per spec.

The verifier (one per process) owns a :class:`RunExplainer`.  For every FEC
and spec, :meth:`RunExplainer.after` counts clause coverage and, when the
outcome is a violation, explains each violated flow with the FEC's graphs at
hand (kind, divergence point, clauses; see :mod:`rela.explain.flows`).
Workers send their coverage counts back with their batches
(:meth:`RunExplainer.take`); at the end :func:`finish` groups each spec's
violations into causes, attaches the coverage and turns clauses that applied
to nothing into ``vacuous-clause`` warnings.

>>> import rela
>>> from rela.network.model import Fec, Graph
>>> spec = rela.parse_spec("spec s { .* core9 .* : drop else .* : preserve }")
>>> fec = Fec(0, "k", (), Graph.from_paths([["a", "b"]]), Graph.from_paths([["a", "drop"]]))
>>> report = rela.verify(spec, [fec])
>>> c = report.specs[0].causes[0]
>>> (c.kind, c.at, c.fecs), [w.code for w in report.warnings]
(('new-drop', 'a', 1), ['unknown-name', 'vacuous-clause'])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from rela.check.outcome import FlowDiff, Outcome
from rela.explain.causes import find_causes
from rela.explain.classify import reads_walks
from rela.explain.coverage import CoverageCounter, Tally, coverage_results, vacuity_warnings
from rela.explain.flows import FlowExplainer
from rela.explain.model import SpecModel
from rela.explain.walks import GraphWalker, graph_facts
from rela.lang import ast
from rela.network.model import Fec, Graph
from rela.results import ClauseRef, FecRef, Report, SpecResult, Violation, Warning_

__all__ = ["RunExplainer", "explained", "finish", "merge", "models_of"]

#: Explained outcomes kept per spec (outcomes are shared by FECs with the same graphs).
_CACHE = 10_000
#: Graph walkers kept: the FEC's two graphs, for each spec (a few more for FECs that
#: share graphs with the ones just before them).
_WALKERS = 8


def models_of(module: ast.Module) -> dict[str, SpecModel | ClauseRef]:
    """Per spec/assert name: its :class:`SpecModel`, or the assert block's :class:`ClauseRef`."""
    out: dict[str, SpecModel | ClauseRef] = {m.name: m for m in SpecModel.of_module(module)}
    for decl in module.decls:
        if isinstance(decl, ast.AssertDecl):
            span = decl.span
            out[decl.name] = ClauseRef(
                f"assert {decl.name}",
                span.line if span else None,
                span.column if span else None,
                module.filename,
                "assert",
            )
    return out


class RunExplainer:
    """Per process: one explainer and one coverage counter per spec (in check order)."""

    def __init__(
        self,
        models: Sequence[SpecModel | ClauseRef | None],
        *,
        groups: Mapping[str, str] | None = None,
        group_level: bool = False,
        max_states: int = 0,
        fec_timeout: float = 0.0,
    ) -> None:
        self.explainers: list[FlowExplainer | None] = []
        self.counters: list[CoverageCounter | None] = []
        for m in models:
            if isinstance(m, SpecModel):
                self.explainers.append(FlowExplainer(m, groups=groups, group_level=group_level))
                self.counters.append(
                    CoverageCounter(m, groups, group_level, max_states, fec_timeout)
                )
            else:
                assert_ref = m if isinstance(m, ClauseRef) else None
                self.explainers.append(FlowExplainer(None, assert_ref=assert_ref))
                self.counters.append(None)
        self._done: list[dict[int, tuple[Outcome, Any, Outcome]]] = [{} for _ in models]
        self._walkers: dict[int, GraphWalker] = {}

    def after(self, i: int, fec: Fec, outcome: Outcome) -> Outcome:
        """Count spec ``i``'s coverage on ``fec``; explain ``outcome`` when it is a violation."""
        counter = self.counters[i]
        if counter is not None:
            try:
                counter.add(fec)
            except Exception:  # noqa: BLE001 - a coverage bug must not cost a verdict
                # nor call a clause vacuous: this FEC's coverage is unknown for every clause
                counter.tally.unknown[:] = [n + 1 for n in counter.tally.unknown]
        explainer = self.explainers[i]
        if outcome.verdict != "violated" or not outcome.flows or explainer is None:
            return outcome
        cache = self._done[i]
        key = (fec.traffic, fec.before, fec.after)
        got = cache.get(id(outcome))
        if got is not None and got[0] is outcome and got[1] == key:
            return got[2]
        before = self._walker(fec.before)
        same = fec.after is fec.before or fec.after == fec.before
        after = before if same else self._walker(fec.after)
        flows = tuple(_explained(explainer, fec, f, before, after) for f in outcome.flows)
        explained = dataclasses.replace(outcome, flows=flows)
        if len(cache) > _CACHE:
            cache.clear()
        cache[id(outcome)] = (outcome, key, explained)
        return explained

    def _walker(self, graph: Graph) -> GraphWalker:
        """The walker of ``graph``: shared by the flows and specs of an FEC, and by FECs
        that share a graph (by identity: a walker is only ever asked about its own)."""
        got = self._walkers.get(id(graph))
        if got is None or got.graph is not graph:
            if len(self._walkers) >= _WALKERS:
                self._walkers.clear()
            got = self._walkers[id(graph)] = GraphWalker(graph)
        return got

    def take(self) -> list[Tally | None]:
        """Coverage counted since the last call, per spec (workers send these back)."""
        return [c.take() if c is not None else None for c in self.counters]


def explained(run: RunExplainer, i: int, fec: Fec, outcome: Outcome) -> Outcome:
    """:meth:`RunExplainer.after`, never failing the FEC: a bug here keeps the bare outcome."""
    try:
        return run.after(i, fec, outcome)
    except RecursionError:
        return outcome
    except Exception:  # noqa: BLE001 - an explanation must never cost a verdict
        return outcome


def _explained(
    explainer: FlowExplainer, fec: Fec, f: FlowDiff, before: GraphWalker, after: GraphWalker
) -> FlowDiff:
    # The paths alone are explained: no description of the traffic part (a guard's
    # split), which the report's own violation gets (and which costs more than the rest).
    v = Violation(
        FecRef(fec.index, fec.key),
        f.flow,
        f.before,
        f.after,
        f.expected,
        f.actual,
        f.missing,
        f.unexpected,
        f.truncated,
    )
    facts = None
    if f.flow != "*":
        listed_before = set(f.before) if f.missing else ()
        listed_after = set(f.after) if f.unexpected else ()
        walks = reads_walks(f.missing, f.unexpected, f.after, f.actual)
        facts = graph_facts(
            before, after, f.flow, f.missing, f.unexpected, listed_before, listed_after, walks
        )
    named, explanation = explainer.explanation(v, fec.traffic, facts)
    return dataclasses.replace(
        f,
        expected=named.expected,
        actual=named.actual,
        missing=named.missing,
        unexpected=named.unexpected,
        explanation=explanation,
    )


def merge(into: list[Tally | None], more: Sequence[Tally | None]) -> None:
    """Add one batch's coverage counts to the run's."""
    for i, t in enumerate(more):
        if t is None:
            continue
        mine = into[i]
        if mine is None:
            into[i] = t
        else:
            mine.merge(t)


def finish(
    report: Report,
    models: Sequence[SpecModel | ClauseRef | None],
    tallies: Sequence[Tally | None],
) -> Report:
    """``report`` with causes and coverage per spec, and the vacuous-clause warnings."""
    specs: list[SpecResult] = []
    warnings: list[Warning_] = list(report.warnings)
    for spec, model, tally in zip(report.specs, models, tallies):
        coverage: tuple[Any, ...] = ()
        if isinstance(model, SpecModel) and tally is not None:
            coverage = coverage_results(model, tally)
            if spec.total:
                warnings.extend(vacuity_warnings(model, tally))
        specs.append(
            dataclasses.replace(spec, causes=find_causes(spec.violations), coverage=coverage)
        )
    return dataclasses.replace(report, specs=tuple(specs), warnings=tuple(warnings))
