"""Explaining one violated flow: kind, divergence point, and the clause of each path.

:class:`FlowExplainer` holds one spec's model and letter matcher; its
:meth:`~FlowExplainer.explain` takes a violation (as the verifier produced
it), the FEC's traffic keys and, when the graphs are at hand, their
:class:`~rela.explain.walks.GraphFacts`, and returns the violation with an
:class:`~rela.results.Explanation` and its ``any`` markers named by their
clause (``⟨any(.* core2 .*)⟩`` rather than ``#1``).

* A missing path is attributed to the atomic clause that produced it from one
  of the flow's before paths (relation ``R``), an unexpected path to the one
  whose domain its after path falls in (relation ``Q``); in a ``then``
  sequence, the clause that does more than preserve (see
  :func:`rela.explain.derive.pick_clause`).
* After paths in no clause's domain are listed in ``outside``: the spec does
  not compare them (usually a missing ``else .* : preserve``).

>>> from rela.lang import parse_spec
>>> from rela.results import FecRef, Violation
>>> model = SpecModel.of_module(parse_spec("spec s {\\n  a b : preserve\\n}"))[0]
>>> v = Violation(FecRef(0, None), "a", (("a", "b"),), (("a", "c"),), (("a", "b"),), (),
...               (("a", "b"),), ())
>>> e = FlowExplainer(model).explain(v, ()).explanation
>>> e.kind, e.at, e.missing_clauses[0].text, e.outside
('paths-removed', 'a', 'a b : preserve', (('a', 'c'),))
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from rela.explain.classify import Divergence, classify, closest, prefixes, shared
from rela.explain.derive import Derivation, Deriver, Segment
from rela.explain.match import Matcher
from rela.explain.model import Resolved, SpecModel, reachable_branches
from rela.explain.walks import GraphFacts
from rela.lang import ast
from rela.results import ClauseRef, Explanation, Path, SpecialHop, Violation

__all__ = ["FlowExplainer"]


class FlowExplainer:
    """Explanations of one spec's violated flows (or of an assert block's: ``model`` None)."""

    def __init__(
        self,
        model: SpecModel | None,
        *,
        groups: Mapping[str, str] | None = None,
        group_level: bool = False,
        assert_ref: ClauseRef | None = None,
    ) -> None:
        self.model = model
        self.assert_ref = assert_ref
        nodes = [c.atomic for c in model.clauses] if model is not None else []
        self.matcher = Matcher.for_nodes(nodes, groups=groups, group_level=group_level)
        self._conds = model.conditions() if model is not None else []
        # one deriver per guard-free tree, kept for the run: paths recur across FECs
        self._derivers: dict[int, tuple[Resolved, Deriver]] = {}
        self._traffic: Sequence[Any] | None = None
        self._resolved: tuple[Resolved, ...] = ()

    def _deriver(self, r: Resolved) -> Deriver:
        got = self._derivers.get(id(r))
        if got is None or got[0] is not r:
            got = self._derivers[id(r)] = (r, Deriver(self.matcher, r))
        return got[1]

    def explain(
        self, v: Violation, traffic: Sequence[Any], facts: GraphFacts | None = None
    ) -> Violation:
        """``v`` with its explanation (and its markers named)."""
        named, expl = self.explanation(v, traffic, facts)
        return dataclasses.replace(named, explanation=expl)

    def explanation(
        self, v: Violation, traffic: Sequence[Any], facts: GraphFacts | None = None
    ) -> tuple[Violation, Explanation]:
        """``v`` with its markers named, and its explanation (:meth:`explain`, the two apart:
        the verifier puts them in its own flow record)."""
        if self.model is None:
            div = classify(v, facts)
            return v, Explanation(div.kind, div.at, self.assert_ref, loop=_loop(div, facts))
        if traffic is not self._traffic:  # the flows of one FEC share its traffic
            self._traffic = traffic
            self._resolved = self.model.resolutions(reachable_branches(self._conds, traffic))
        resolutions = self._resolved
        if len(resolutions) == 1:  # the common case: nothing to choose between
            named = _name_markers(v, resolutions[0])
            return named, self._attribute(named, resolutions[0], facts)
        best: tuple[int, Violation, Explanation] | None = None
        for r in resolutions:
            named = _name_markers(v, r)
            found = self._attribute(named, r, facts)
            score = sum(c is not None for c in found.missing_clauses)
            score += sum(c is not None for c in found.unexpected_clauses)
            if best is None or score > best[0]:
                best = (score, named, found)
        if best is None:  # no resolution at all: the spec is empty for this traffic
            div = classify(v, facts)
            return v, Explanation(div.kind, div.at)
        return best[1], best[2]

    def _attribute(self, v: Violation, r: Resolved, facts: GraphFacts | None) -> Explanation:
        d = self._deriver(r)
        near = closest(v)  # shared by the kind's place and each unexpected path's clause
        div = classify(v, facts, near)
        own_before = facts.missing_own if facts is not None else ()
        own_after = facts.unexpected_own if facts is not None else ()
        missing: tuple[ClauseRef | None, ...] = ()
        if v.missing:
            actual = prefixes(v.actual or v.after)
            missing = tuple(
                _clause(d, "R", _sources(v.before, m, own_before, i), m, shared(m, actual) - 1)
                for i, m in enumerate(v.missing)
            )
        found = _unexpected_segments(d, v, own_after, near)
        unexpected = tuple(s.clause.ref if s is not None else None for s in found)
        beyond: tuple[str | None, ...] = ()
        if not d.q_identity:  # else the tree has no any(p) clause for a path to be beyond
            beyond = tuple(_outside_any(s, u) for s, u in zip(found, v.unexpected))
        outside = tuple(y for y in v.after if d.domain(y) is None)
        clause = _main_clause(div, missing, unexpected)
        return Explanation(
            div.kind,
            div.at,
            clause,
            missing,
            unexpected,
            outside,
            _loop(div, facts),
            beyond if any(beyond) else (),
        )


def _sources(listed: Sequence[Path], path: Path, own: Sequence[bool], i: int) -> Iterator[Path]:
    """Where to look for the path a clause turned into ``path`` (the ``i``-th of its list):
    the path itself first when it is a listed path or the graph has it (lists may be cut
    at --max-paths; most clauses keep most paths); else the ``i``-th listed path first,
    then the others.  Lists are sorted alike (length, then names), and a clause that
    changes one part of every path keeps their order: the ``i``-th missing path most
    often comes from the ``i``-th source, which spares trying the ones before it.
    Lazily: the first source tried is most often the one."""
    if _own(listed, path, own, i):
        yield path
        yield from (p for p in listed if p != path)
    elif 0 < i < len(listed):
        yield listed[i]
        yield from listed[:i]
        yield from listed[i + 1 :]
    else:
        yield from listed


def _own(listed: Sequence[Path], path: Path, own: Sequence[bool], i: int) -> bool:
    """Whether ``path`` (the ``i``-th of its list) is its own source: ``own[i]`` when known
    (listed or the graph's, :class:`~rela.explain.walks.GraphFacts`), else whether it is
    listed."""
    return own[i] if i < len(own) else path in listed


def _unexpected_segments(
    d: Deriver, v: Violation, own: Sequence[bool], near: Sequence[int]
) -> list[Segment | None]:
    """The segment (clause) of each unexpected path: :func:`_segment` in relation ``Q``
    from the after paths, the hop being the last one shared with an expected path.

    Without ``any`` clauses ``Q`` relates a path to itself alone
    (:meth:`~rela.explain.derive.Deriver.derive`): no source but the path itself can
    have a derivation, so the search is its domain derivation when it is its own source
    (and none otherwise)."""
    if not d.q_identity:
        return [
            _segment(d, "Q", _sources(v.after, u, own, i), u, near[i] - 1)
            for i, u in enumerate(v.unexpected)
        ]
    out: list[Segment | None] = []
    for i, u in enumerate(v.unexpected):
        der = d.domain(u) if _own(v.after, u, own, i) else None
        out.append(d.pick(der, near[i] - 1) if der else None)
    return out


def _loop(div: Divergence, facts: GraphFacts | None) -> Path | None:
    if div.kind == "new-loop" and facts is not None:
        return facts.loop_after
    return None


def _segment(
    d: Deriver, side: str, sources: Iterable[Path], path: Path, hop: int | None
) -> Segment | None:
    """The derivation segment (clause) relating some source path to ``path``, or None."""
    for x in sources:
        der: Derivation | None = d.derive(side, x, path)
        if der:
            return d.pick(der, hop)
    return None


def _clause(
    d: Deriver, side: str, sources: Iterable[Path], path: Path, hop: int | None
) -> ClauseRef | None:
    """The clause relating some source path to ``path``, or None if none of them does."""
    seg = _segment(d, side, sources, path, hop)
    return seg.clause.ref if seg is not None else None


def _outside_any(seg: Segment | None, path: Path) -> str | None:
    """``p`` when ``path`` came through the ``I(d & !p)`` part of an ``any(p)`` clause."""
    if seg is None or not isinstance(seg.clause.atomic.modifier, ast.AnyPaths):
        return None
    lo, hi = seg.y
    if any(isinstance(h, SpecialHop) and h.kind == "any" for h in path[lo:hi]):
        return None
    return seg.clause.any_paths


def _main_clause(
    div: Divergence,
    missing: tuple[ClauseRef | None, ...],
    unexpected: tuple[ClauseRef | None, ...],
) -> ClauseRef | None:
    if div.missing is not None and missing[div.missing] is not None:
        return missing[div.missing]
    if div.unexpected is not None and unexpected[div.unexpected] is not None:
        return unexpected[div.unexpected]
    return next((c for c in (*missing, *unexpected) if c is not None), None)


def _name_markers(v: Violation, r: Resolved) -> Violation:
    """``v`` with each ``any`` marker hop carrying its clause's paths as text."""
    if not r.markers:
        return v

    def hop(h: str) -> str:
        if isinstance(h, SpecialHop) and h.kind == "any" and h.marker is not None:
            clause = r.markers.get(h.marker)
            if clause is not None:
                return SpecialHop("any", h.marker, clause.any_paths)
        return h

    def paths(ps: tuple[Path, ...]) -> tuple[Path, ...]:
        return tuple(tuple(hop(h) for h in p) for p in ps)

    return dataclasses.replace(
        v,
        expected=paths(v.expected),
        actual=paths(v.actual),
        missing=paths(v.missing),
        unexpected=paths(v.unexpected),
    )
