"""Helpers shared by the report renderers: wording, ordering and path pairing.

Everything here is pure and works on :mod:`rela.results` data only, so the text,
JUnit and Markdown renderers word the same facts the same way.

>>> format_path(("a", "b", "c"))
'a -> b -> c'
>>> common_prefix_len(("a", "b", "c"), ("a", "b", "d"))
2
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rela.results import FecError, FecRef, Path, Report, SpecResult, Violation

__all__ = [
    "ARROW",
    "TRUNCATED_NOTE",
    "DiffRow",
    "common_prefix_len",
    "diff_rows",
    "fec_label",
    "format_path",
    "format_traffic",
    "group_by_fec",
    "ordered_errors",
    "ordered_violations",
    "plural",
    "spec_status",
    "summary_line",
    "total_fecs",
]

ARROW = " -> "
TRUNCATED_NOTE = "… more paths not shown, raise --max-paths"
_MAX_TRAFFIC_KEYS = 3


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` followed by ``word`` in the right number.

    >>> plural(1, "FEC"), plural(3, "spec"), plural(2, "spec holds", "specs hold")
    ('1 FEC', '3 specs', '2 specs hold')
    """
    return f"{n} {word if n == 1 else (many or word + 's')}"


def format_path(path: Path) -> str:
    """One path as ``a -> b -> c``; the empty path is ``()``."""
    return ARROW.join(path) if path else "()"


def common_prefix_len(a: Path, b: Path) -> int:
    """Number of leading hops two paths share."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def format_traffic(traffic: Sequence[dict[str, Any]], limit: int = _MAX_TRAFFIC_KEYS) -> str:
    """Traffic keys as ``dstIp=10.0.0.1 qos=4; …``, at most ``limit`` of them.

    >>> format_traffic([{"dstIp": "10.0.0.1", "qos": 4}, {"dstIp": "10.0.0.2"}], limit=1)
    'dstIp=10.0.0.1 qos=4; (+1 more)'
    """
    shown = [" ".join(f"{k}={v}" for k, v in t.items()) for t in traffic]
    text = "; ".join(shown[:limit])
    if len(shown) > limit:
        text += f"; (+{len(shown) - limit} more)"
    return text


def fec_label(fec: FecRef) -> str:
    """``FEC #3 (10.0.0.0/24)`` or ``FEC #3`` when the FEC has no key."""
    return f"FEC #{fec.index} ({fec.key})" if fec.key else f"FEC #{fec.index}"


def _fec_sort_key(fec: FecRef) -> tuple[int, str]:
    return (fec.index, fec.key or "")


def ordered_violations(spec: SpecResult) -> list[Violation]:
    """The spec's violations in a deterministic order: FEC index, key, then flow."""
    return sorted(spec.violations, key=lambda v: (*_fec_sort_key(v.fec), v.flow))


def ordered_errors(spec: SpecResult) -> list[FecError]:
    """The spec's FEC errors ordered by FEC index, key, then message."""
    return sorted(spec.fec_errors, key=lambda e: (*_fec_sort_key(e.fec), e.message))


def group_by_fec(violations: Iterable[Violation]) -> list[tuple[FecRef, list[Violation]]]:
    """Group (already ordered) violations by FEC, keeping the order of first appearance."""
    groups: dict[tuple[int, str | None], tuple[FecRef, list[Violation]]] = {}
    for v in violations:
        groups.setdefault((v.fec.index, v.fec.key), (v.fec, []))[1].append(v)
    return list(groups.values())


def spec_status(spec: SpecResult) -> str:
    """``holds``, ``violated``, ``error`` or ``violated, error``."""
    if spec.ok:
        return "holds"
    parts = (["violated"] if spec.violated else []) + (["error"] if spec.errors else [])
    return ", ".join(parts)


def total_fecs(report: Report) -> int:
    """How many FECs the change had (``fecs_read``, else the largest spec total)."""
    return report.fecs_read or max((s.total for s in report.specs), default=0)


def _failed_fecs(report: Report, kind: str) -> int:
    """FECs that failed in at least one spec: exact for one spec, a lower bound otherwise."""
    if kind == "violated":
        listed = {(v.fec.index, v.fec.key) for v in report}
        counts = [s.violated for s in report.specs]
    else:
        listed = {(e.fec.index, e.fec.key) for s in report.specs for e in s.fec_errors}
        counts = [s.errors for s in report.specs]
    return max(len(listed), max(counts, default=0))


def summary_line(report: Report) -> str:
    """The one-line verdict printed by ``--quiet`` and used as headings.

    >>> ok = SpecResult("s", total=112, holds=112, violated=0, errors=0)
    >>> bad = SpecResult("t", total=112, holds=108, violated=4, errors=0)
    >>> summary_line(Report(specs=(ok,), fecs_read=112))
    'PASS: 1 spec holds on 112 FECs'
    >>> summary_line(Report(specs=(ok, bad), fecs_read=112))
    'FAIL: 1 of 2 specs violated (4 of 112 FECs)'
    """
    n_specs = len(report.specs)
    fecs = total_fecs(report)
    if report.holds:
        return f"PASS: {plural(n_specs, 'spec holds', 'specs hold')} on {plural(fecs, 'FEC')}"
    failing = sum(not s.ok for s in report.specs)
    violated = _failed_fecs(report, "violated")
    errors = _failed_fecs(report, "errors")
    if not errors:
        return f"FAIL: {failing} of {plural(n_specs, 'spec')} violated ({violated} of {plural(fecs, 'FEC')})"
    return (
        f"FAIL: {failing} of {plural(n_specs, 'spec')} failed "
        f"({violated} of {plural(fecs, 'FEC')} violated, {plural(errors, 'FEC error')})"
    )


@dataclass(frozen=True)
class DiffRow:
    """One row of an expected-versus-actual view.

    ``left`` is an expected path (``None``: nothing on that side), ``right`` an
    actual one; a mark is ``"-"`` (missing), ``"+"`` (unexpected) or ``" "``.
    ``prefix`` is how many leading hops to de-emphasise on both sides: the
    longest common prefix of a missing path and the unexpected path it was
    paired with, so the changed hop stands out.
    """

    left: Path | None
    left_mark: str
    right: Path | None
    right_mark: str
    prefix: int = 0


def diff_rows(v: Violation) -> list[DiffRow]:
    """Align a violation's expected and actual paths for display.

    Paths in both lists come first, as context on both sides; then every missing
    path is paired with the not yet paired unexpected path sharing its longest
    prefix (ties keep input order); leftovers get a row of their own. Missing
    or unexpected paths absent from the (possibly truncated) expected/actual
    lists are shown too.

    >>> v = Violation(FecRef(0, None), "a", (), (), expected=(("a", "b"), ("a", "c")),
    ...     actual=(("a", "b"), ("a", "d")), missing=(("a", "c"),), unexpected=(("a", "d"),))
    >>> [(r.left, r.left_mark, r.right, r.right_mark, r.prefix) for r in diff_rows(v)]
    [(('a', 'b'), ' ', ('a', 'b'), ' ', 0), (('a', 'c'), '-', ('a', 'd'), '+', 1)]
    """
    missing, unexpected = set(v.missing), set(v.unexpected)
    actual = set(v.actual)
    rows = [DiffRow(p, " ", p, " ") for p in v.expected if p in actual and p not in missing]
    shown = {r.left for r in rows}
    left = [p for p in v.expected if p not in shown]
    left += [p for p in v.missing if p not in set(left)]
    right = [p for p in v.actual if p not in shown]
    right += [p for p in v.unexpected if p not in set(right)]
    for lp in left:
        lmark = "-" if lp in missing else " "
        best, best_len = None, -1
        for i, rp in enumerate(right):
            n = common_prefix_len(lp, rp)
            if n > best_len:
                best, best_len = i, n
        if best is None:
            rows.append(DiffRow(lp, lmark, None, " "))
            continue
        rp = right.pop(best)
        rmark = "+" if rp in unexpected else " "
        rows.append(DiffRow(lp, lmark, rp, rmark, best_len))
    rows.extend(DiffRow(None, " ", rp, "+" if rp in unexpected else " ") for rp in right)
    return rows
