"""The explanation hook never costs a verdict, and never turns its own failure into a warning
that a clause is vacuous; the guard sides it follows are exact."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

import rela
from rela.explain.coverage import CoverageCounter
from rela.explain.guards import may_be
from rela.lang import parse_spec
from rela.network.model import Fec, Graph, TrafficKey
from tests import reference as ref
from tests.automata.test_differential import conds, traffic_keys

SPEC = "spec s { a b : preserve else c .* : preserve else .* : preserve }"


def _change() -> list[Fec]:
    ab = Graph.from_paths([("a", "b")])
    return [Fec(0, "k", (TrafficKey(dst="10.0.0.0/24"),), ab, ab)]


def _codes(report: rela.Report) -> list[str]:
    return [w.code for w in report.warnings]


def test_a_clause_that_applies_to_no_fec_is_reported() -> None:
    report = rela.verify(parse_spec(SPEC), _change())
    assert report.holds and "vacuous-clause" in _codes(report)  # `c .*` met no path


def test_a_failing_coverage_count_is_unknown_not_vacuous(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: CoverageCounter, fec: Fec) -> None:
        raise RuntimeError("a bug in the coverage count")

    monkeypatch.setattr(CoverageCounter, "add", broken)
    report = rela.verify(parse_spec(SPEC), _change())
    assert report.holds  # the verdict is the checker's
    assert "vacuous-clause" not in _codes(report)


@settings(max_examples=300, deadline=None)
@given(traffic_keys, conds())
def test_guard_sides_match_explicit_packets(keys: tuple[TrafficKey, ...], cond: object) -> None:
    """``may_be``: True when every packet of the key satisfies the condition, False when
    none does, None when it straddles (explicit packets of tests/reference.py)."""
    for key in keys:
        packets = [p for p in ref.packets((key,), [cond]) if ref.packet_in_traffic(p, (key,))]
        truths = {ref.satisfies(p, cond) for p in packets}
        got = may_be(cond, key)  # type: ignore[arg-type]
        if truths == {True}:
            assert got is True
        elif truths == {False}:
            assert got is False
        else:
            assert got is None
