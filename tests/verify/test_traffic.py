"""Traffic cubes and guard conditions (rela/traffic.py), and guards that split FECs.

``partition`` is checked against explicit packets: one representative packet
per combination of elementary segments of every range the keys and the
condition use (tests/reference.py, written without rela.traffic), which is
exact for membership in keys and conditions however large the fields are.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

import rela
import rela.traffic
from rela.lang import ast
from rela.network.model import Fec, Graph, TrafficKey
from rela.traffic import Cube, contains, cubes_of, describe_part, normalise, partition
from tests import reference as ref
from tests.automata.test_differential import conds, traffic_keys

# ---------------------------------------------------------------------- the oracle


@settings(max_examples=400, deadline=None)
@given(traffic_keys, conds())
def test_partition_matches_explicit_packets(keys: tuple[TrafficKey, ...], cond: object) -> None:
    inside, outside = partition(keys, cond)  # type: ignore[arg-type]
    for packet in ref.packets(keys, [cond]):
        in_fec = ref.packet_in_traffic(packet, keys)
        want = ref.satisfies(packet, cond)
        assert contains(inside, packet) == (in_fec and want), (packet, inside)
        assert contains(outside, packet) == (in_fec and not want), (packet, outside)


@settings(max_examples=200, deadline=None)
@given(traffic_keys)
def test_cubes_of_keys_match_explicit_packets(keys: tuple[TrafficKey, ...]) -> None:
    cubes = cubes_of(keys)
    assert all(all(c.field(f) for f in rela.traffic.FIELDS) for c in cubes)  # never empty
    for packet in ref.packets(keys, []):
        assert contains(cubes, packet) == ref.packet_in_traffic(packet, keys)


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=8))
def test_normalise_keeps_the_same_integers(ranges: list[tuple[int, int]]) -> None:
    got = normalise(ranges)
    assert {v for lo, hi in got for v in range(lo, hi + 1)} == {
        v for lo, hi in ranges for v in range(lo, hi + 1)
    }
    assert all(a[1] + 1 < b[0] for a, b in zip(got, got[1:]))  # disjoint, not adjacent


# ---------------------------------------------------------------------- descriptions


def _describe(keys: list[TrafficKey], cond: ast.Condition) -> tuple[str, str]:
    inside, outside = partition(keys, cond)
    return describe_part(inside), describe_part(outside)


def test_descriptions_read_like_traffic_keys() -> None:
    tcp = ast.ProtoCond((6,))
    assert _describe([TrafficKey(dst="10.0.0.0/24")], tcp) == (
        "dst 10.0.0.0/24, tcp",
        "dst 10.0.0.0/24, proto not tcp",
    )
    web = ast.PortCond("dport", ((80, 80), (443, 443)))
    assert _describe([TrafficKey(dst="10.0.0.1", protocol=6)], web) == (
        "dst 10.0.0.1/32, tcp, dport 80 or 443",
        "dst 10.0.0.1/32, tcp, dport not 80 nor 443",
    )
    assert _describe([], ast.PrefixCond("dst", ("10.0.0.0/8",))) == (
        "dst 10.0.0.0/8",
        "dst not in 10.0.0.0/8; IPv6",
    )
    assert _describe([], ast.QosCond(4)) == ("qos 4", "qos not 4")
    assert describe_part([]) == "no packet"
    assert Cube.full(6).describe() == "IPv6"


def test_a_key_with_addresses_of_two_families_has_no_packet() -> None:
    assert cubes_of([TrafficKey(dst="10.0.0.1", src="2001:db8::1")]) == ()


# ---------------------------------------------------------------------- guards split FECs


def _body(text: str) -> ast.SpecExpr:
    (decl,) = rela.parse_spec(f"spec s {{ {text} }}").decls
    assert isinstance(decl, ast.SpecDecl)
    return decl.body


def guarded(cond: ast.Condition, then: str, otherwise: str | None) -> ast.Module:
    """``spec s { if COND { THEN } else { OTHERWISE } }``, the guard built as AST (the
    surface syntax of proto/port conditions comes with the language)."""
    other = _body(otherwise) if otherwise is not None else None
    return ast.Module((ast.SpecDecl("s", ast.Guard(cond, _body(then), other)),))


WEB = ast.CondAnd((ast.ProtoCond((6,)), ast.PortCond("dport", ((80, 80),))))
#: Web traffic keeps its paths; any other traffic moves from `a` to `b`.
GUARDED = guarded(WEB, ".* : preserve", ".* : replace(s a t, s b t)")


def _fec(traffic: tuple[TrafficKey, ...], before: list[str], after: list[str]) -> Fec:
    return Fec(
        0, "k", traffic, Graph.from_paths([before.split()]), Graph.from_paths([after.split()])
    )


def test_an_fec_inside_one_branch_is_not_split() -> None:
    web = (TrafficKey(dst="10.0.0.1", protocol=6, dst_ports=(80, 80)),)
    report = rela.verify(GUARDED, [_fec(web, "s a t", "s a t")])
    assert report.holds
    other = (TrafficKey(dst="10.0.0.1", protocol=17),)
    assert rela.verify(GUARDED, [_fec(other, "s a t", "s b t")]).holds
    (v,) = rela.verify(GUARDED, [_fec(other, "s a t", "s a t")])
    assert v.part is None and v.missing == (("s", "b", "t"),)


def test_an_fec_straddling_a_guard_holds_only_if_every_part_holds() -> None:
    """The FEC's TCP traffic is web and non-web: web keeps `a`, the rest moves to `b`."""
    tcp = (TrafficKey(dst="10.0.0.1", protocol=6),)
    unchanged = rela.verify(GUARDED, [_fec(tcp, "s a t", "s a t")])
    moved = rela.verify(GUARDED, [_fec(tcp, "s a t", "s b t")])
    assert not unchanged.holds and not moved.holds
    (v,) = unchanged
    assert v.part == "dst 10.0.0.1/32, tcp, dport not 80"
    assert (v.missing, v.unexpected) == ((("s", "b", "t"),), (("s", "a", "t"),))
    (w,) = moved
    assert w.part == "dst 10.0.0.1/32, tcp, dport 80"
    assert (w.missing, w.unexpected) == ((("s", "a", "t"),), (("s", "b", "t"),))
    assert json.loads(json.dumps(w.to_dict()))["part"] == w.part


def test_an_fec_without_traffic_keys_reaches_every_branch() -> None:
    """No keys = every packet: a guard on dst splits it, both parts are checked."""
    spec = guarded(ast.PrefixCond("dst", ("10.0.0.0/8",)), ".* : preserve", None)
    # Outside 10/8 the guard has no else: nothing is compared, so a change holds there.
    report = rela.verify(spec, [_fec((), "s a", "s b")])
    (v,) = report
    assert v.part == "dst 10.0.0.0/8"
    inside = rela.verify(spec, [_fec((TrafficKey(dst="11.0.0.1"),), "s a", "s b")])
    assert inside.holds


def test_malformed_traffic_key_is_an_input_error_for_its_fec() -> None:
    bad = (TrafficKey(dst="not-an-address"),)
    report = rela.verify(GUARDED, [_fec(bad, "a", "a")])
    (error,) = report.specs[0].fec_errors
    assert error.input_error and "'not-an-address' is not an IP address" in error.message
    assert report.input_errors == 1


def test_guard_prefixes_are_compiled_once_per_run(monkeypatch: object) -> None:
    calls = []
    real = rela.traffic.compile_condition

    def counting(cond: ast.Condition) -> object:
        calls.append(cond)
        return real(cond)

    monkeypatch.setattr(rela.check.guards, "compile_condition", counting)  # type: ignore[attr-defined]
    prefixes = tuple(f"10.{i // 256}.{i % 256}.0/24" for i in range(2_000))
    spec = guarded(ast.PrefixCond("dst", prefixes), ".* : preserve", None)
    fecs = [_fec((TrafficKey(dst=f"10.0.{i}.1"),), "s a", "s a") for i in range(50)]
    for i, f in enumerate(fecs):
        object.__setattr__(f, "index", i)
    report = rela.verify(spec, fecs)
    assert report.holds and report.specs[0].total == 50
    assert len(calls) == 1


def _described_in_full(cubes: list[Cube], limit: int) -> str:
    """describe_part's definition: every merged cube described, the first ``limit`` shown."""
    merged: list[tuple[Cube, bool]] = []
    pending = list(cubes)
    while pending:
        c = pending.pop(0)
        twin = next((d for d in pending if rela.traffic._twins(c, d)), None)
        if twin is not None:
            pending.remove(twin)
        merged.append((c, twin is None))
    shown = [rela.traffic._describe_cube(c, show) for c, show in merged]
    if not shown:
        return "no packet"
    more = f"; (+{len(shown) - limit} more)" if len(shown) > limit else ""
    return "; ".join(shown[:limit]) + more


@settings(max_examples=80)
@given(traffic_keys, conds(), st.integers(1, 4))
def test_a_part_is_described_as_its_first_cubes_and_a_count(
    keys: tuple[TrafficKey, ...], cond: ast.Condition, limit: int
) -> None:
    """Only the cubes shown are described (it was a third of a guarded run), same text."""
    for part in partition(keys, cond):
        assert describe_part(part, limit) == _described_in_full(list(part), limit)
