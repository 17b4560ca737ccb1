"""Hand-built reports shaped like real ones (device names as in the Rela dataset sample).

Imported by the report tests (a uniquely named module, not ``conftest``, so it
cannot clash with other test directories).
"""

from __future__ import annotations

import dataclasses

from rela.explain.causes import find_causes
from rela.explain.classify import classify
from rela.results import (
    ClauseCoverage,
    ClauseRef,
    Explanation,
    FecError,
    FecRef,
    Report,
    SpecialHop,
    SpecResult,
    Violation,
    Warning_,
)

A, B, C, D = "Device713", "Device1666", "Device84", "Device305"
E, F = "Device262", "Device2106"


def _fec(index: int, key: str | None, *dst: str) -> FecRef:
    return FecRef(index, key, tuple({"srcIp": "0.0.0.0", "dstIp": d, "qos": 4} for d in dst))


REROUTE = ClauseRef("Device1666 : replace(Device1666, Device262)", 2, 3, "reroute.rela")
REST = ClauseRef(".* : preserve", 3, 8, "reroute.rela")


def explained(v: Violation, clause: ClauseRef | None) -> Violation:
    """``v`` with the explanation the verifier would give it from its paths alone."""
    d = classify(v)
    missing = tuple(clause for _ in v.missing)
    unexpected = tuple(clause for _ in v.unexpected)
    e = Explanation(d.kind, d.at, clause, missing, unexpected)
    return dataclasses.replace(v, explanation=e)


def violating_report() -> Report:
    """Two specs over 112 FECs: ``reroute`` violated on 3 FECs (4 flows) and 1 error."""
    v1 = Violation(
        fec=_fec(17, "67.34.140.0/24", "67.34.140.209", "74.196.200.208"),
        flow=A,
        before=((A, B, C), (A, B, D)),
        after=((A, B, C), (A, E, F)),
        expected=((A, B, C), (A, B, D)),
        actual=((A, B, C), (A, E, F)),
        missing=((A, B, D),),
        unexpected=((A, E, F),),
    )
    v2 = Violation(
        fec=_fec(17, "67.34.140.0/24", "67.34.140.209", "74.196.200.208"),
        flow=E,
        before=((E, F, C),),
        after=((E, F, "drop"),),
        expected=((E, F, C),),
        actual=((E, F, "drop"),),
        missing=((E, F, C),),
        unexpected=((E, F, "drop"),),
    )
    long_path = tuple(f"Device{n}|Interface{n * 7}" for n in range(700, 709))
    changed = (*long_path[:6], "Device999|Interface1", *long_path[7:])
    v3 = Violation(
        fec=_fec(3, None, "10.1.0.7"),
        flow=long_path[0],
        before=(long_path,),
        after=(changed,),
        expected=(long_path,),
        actual=(changed,),
        missing=(long_path,),
        unexpected=(changed,),
        truncated=True,
    )
    v4 = Violation(
        fec=_fec(60, "2.128.1.1/32", "2.128.1.1"),
        flow=B,
        before=((B, C),),
        after=(),
        expected=((B, C),),
        actual=(),
        missing=((B, C),),
        unexpected=(),
    )
    v1, v2 = explained(v1, REROUTE), explained(v2, REST)
    v3, v4 = explained(v3, REST), explained(v4, REROUTE)
    # deliberately not in FEC order: renderers must order them
    violations = (v4, v2, v1, v3)
    reroute = SpecResult(
        "reroute",
        total=112,
        holds=108,
        violated=3,
        errors=1,
        violations=violations,
        causes=find_causes(violations),
        coverage=(ClauseCoverage(REROUTE, 40, 52), ClauseCoverage(REST, 112, 130)),
        fec_errors=(
            FecError(_fec(90, "9.9.9.0/24", "9.9.9.9"), "graphAfter: edge to unknown node 'X'"),
        ),
        seconds=1.4567,
    )
    keep = SpecResult("preserve-rest", total=112, holds=112, violated=0, errors=0, seconds=0.5)
    warnings = (
        Warning_(
            "reroute",
            "name 'core9' matches no location; did you mean 'Device905'?",
            code="unknown-name",
        ),
        Warning_(None, "3 FECs have no paths before or after"),
    )
    return Report(specs=(reroute, keep), warnings=warnings, fecs_read=112, seconds=2.25)


def passing_report() -> Report:
    spec = SpecResult("preserve", total=112, holds=112, violated=0, errors=0, seconds=0.75)
    return Report(specs=(spec,), fecs_read=112, seconds=0.8)


DRAIN = ClauseRef(".* core1 leaf1 .* : any(.* core2 leaf1 .*)", 4, 3, "drain.rela")
COSTOUT = ClauseRef("core1 : replace(core1, core2)", 3, 29, "costout.rela")


def explained_report() -> Report:
    """The new layouts: an ``any(p)`` violation, a folded loop, unchanged paths collapsed,
    a black hole shared by three FECs (one cause), a vacuous clause, input filters."""
    marker = SpecialHop("any", 1, ".* core2 leaf1 .*")
    drain_v = Violation(
        FecRef(0, "10.0.1.0/24", ({"dstIp": "10.0.1.0/24"},)),
        "border1",
        before=(("border1", "core1", "leaf1"),),
        after=(("border1", "core1", "leaf1"), ("border1", "core3", "leaf1")),
        expected=(("border1", marker),),
        actual=(("border1", "core1", "leaf1"), ("border1", "core3", "leaf1")),
        missing=(("border1", marker),),
        unexpected=(("border1", "core1", "leaf1"), ("border1", "core3", "leaf1")),
        explanation=Explanation(
            "paths-moved",
            "border1",
            DRAIN,
            (DRAIN,),
            (DRAIN, DRAIN),
            unexpected_outside=(".* core2 leaf1 .*", ".* core2 leaf1 .*"),
        ),
    )
    ecmp = tuple(("border1", "core2", f"spine{i}", "leaf2", "host") for i in range(1, 6))
    loop = tuple(
        ("border1",) + ("core2", "spine9") * k + ("core2", "leaf1", "host") for k in (1, 2, 3)
    )
    loop_v = Violation(
        FecRef(1, "10.0.2.0/24", ({"dstIp": "10.0.2.0/24"},)),
        "border1",
        before=(("border1", "core1", "leaf1", "host"), *((h[0], "core1", *h[2:]) for h in ecmp)),
        after=(*ecmp, *loop),
        expected=(("border1", "core2", "leaf1", "host"), *ecmp),
        actual=(*ecmp, *loop),
        missing=(("border1", "core2", "leaf1", "host"),),
        unexpected=loop,
        truncated=True,
    )
    holes = [
        Violation(
            FecRef(i, f"10.9.0.{i}/32", ({"dstIp": f"10.9.0.{i}/32"},)),
            flow,
            before=((flow, "core1", "leaf1", "host"),),
            after=((flow, "core2", "drop"),),
            expected=((flow, "core2", "leaf1", "host"),),
            actual=((flow, "core2", "drop"),),
            missing=((flow, "core2", "leaf1", "host"),),
            unexpected=((flow, "core2", "drop"),),
        )
        for i, flow in ((4, "border1"), (5, "border1"), (5, "border2"), (6, "border2"))
    ]
    cost_vs = (explained(loop_v, COSTOUT), *(explained(h, COSTOUT) for h in holes))
    drain = SpecResult(
        "drain",
        total=8,
        holds=7,
        violated=1,
        errors=0,
        violations=(drain_v,),
        causes=find_causes((drain_v,)),
        coverage=(ClauseCoverage(DRAIN, 1, 1), ClauseCoverage(REST, 8, 9)),
        seconds=0.25,
    )
    cost = SpecResult(
        "costout",
        total=8,
        holds=4,
        violated=4,
        errors=0,
        violations=cost_vs,
        causes=find_causes(cost_vs),
        coverage=(ClauseCoverage(COSTOUT, 6, 8), ClauseCoverage(REST, 2, 2)),
        seconds=0.5,
    )
    warnings = (
        Warning_(
            "drain",
            "clause `leaf9 : drop` at 5:3 applied to no FEC",
            code="vacuous-clause",
            hint="no before or after path falls in its domain",
            line=5,
            column=3,
        ),
    )
    from rela.results import FilterNote

    return Report(
        specs=(drain, cost),
        warnings=warnings,
        fecs_read=8,
        fecs_input=12,
        filters=(FilterNote("--dst", "10.0.0.0/8", 4, "traffic outside the prefixes"),),
        seconds=1.0,
    )
