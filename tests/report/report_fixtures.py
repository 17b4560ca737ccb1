"""Hand-built reports shaped like real ones (device names as in the Rela dataset sample).

Imported by the report tests (a uniquely named module, not ``conftest``, so it
cannot clash with other test directories).
"""

from __future__ import annotations

from rela.results import FecError, FecRef, Report, SpecResult, Violation, Warning_

A, B, C, D = "Device713", "Device1666", "Device84", "Device305"
E, F = "Device262", "Device2106"


def _fec(index: int, key: str | None, *dst: str) -> FecRef:
    return FecRef(index, key, tuple({"srcIp": "0.0.0.0", "dstIp": d, "qos": 4} for d in dst))


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
    reroute = SpecResult(
        "reroute",
        total=112,
        holds=108,
        violated=3,
        errors=1,
        # deliberately not in FEC order: renderers must order them
        violations=(v4, v2, v1, v3),
        fec_errors=(
            FecError(_fec(90, "9.9.9.0/24", "9.9.9.9"), "graphAfter: edge to unknown node 'X'"),
        ),
        seconds=1.4567,
    )
    keep = SpecResult("preserve-rest", total=112, holds=112, violated=0, errors=0, seconds=0.5)
    warnings = (
        Warning_("reroute", "name 'core9' matches no location; did you mean 'Device905'?"),
        Warning_(None, "3 FECs have no paths before or after"),
    )
    return Report(specs=(reroute, keep), warnings=warnings, fecs_read=112, seconds=2.25)


def passing_report() -> Report:
    spec = SpecResult("preserve", total=112, holds=112, violated=0, errors=0, seconds=0.75)
    return Report(specs=(spec,), fecs_read=112, seconds=0.8)
