"""Helpers shared by the report renderers: wording, ordering and path pairing.

Everything here is pure and works on :mod:`rela.results` data only, so the text,
JUnit and Markdown renderers word the same facts the same way.  Every name that
comes from an input (locations, FEC keys, traffic, spec names) goes through
:func:`rela.report.escape.visible` before it is printed.

>>> format_path(("a", "b", "c"))
'a -> b -> c'
>>> common_prefix_len(("a", "b", "c"), ("a", "b", "d"))
2
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rela.explain.causes import find_causes
from rela.explain.traffic import describe_cube
from rela.report.escape import visible
from rela.report.left_out import not_checked_note
from rela.report.rows import hop_text
from rela.results import (
    KIND_WORDS,
    Cause,
    ClauseRef,
    FecError,
    FecRef,
    Path,
    Report,
    SpecResult,
    Violation,
    common_prefix_len,
)
from rela.values import frozen

__all__ = [
    "ARROW",
    "all_causes",
    "cause_destinations",
    "cause_title",
    "causes_of",
    "clause_text",
    "counts_line",
    "kind_at",
    "name",
    "omitted_line",
    "view_lines",
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

    >>> plural(1, "FEC"), plural(20000, "FEC"), plural(2, "spec holds", "specs hold")
    ('1 FEC', '20,000 FECs', '2 specs hold')
    """
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def format_path(path: Path) -> str:
    """One path as ``a -> b -> c`` (names made visible); the empty path is ``()``."""
    return ARROW.join(hop_text(h) for h in path) if path else "()"


def name(text: str) -> str:
    """A name from the input (spec, FEC key, location) made safe to print."""
    return visible(text)


def format_traffic(traffic: Sequence[dict[str, Any]], limit: int = _MAX_TRAFFIC_KEYS) -> str:
    """Traffic keys as people read them (``dst 10.0.0.1, qos 4; …``), at most ``limit``.

    >>> format_traffic([{"dstIp": "10.0.0.1", "qos": 4}, {"dstIp": "10.0.0.2"}], limit=1)
    'dst 10.0.0.1, qos 4; (+1 more)'
    """
    shown = [visible(describe_cube(t)) for t in traffic]
    text = "; ".join(shown[:limit])
    if len(shown) > limit:
        text += f"; (+{len(shown) - limit} more)"
    return text


def fec_label(fec: FecRef) -> str:
    """``FEC #3 (10.0.0.0/24)`` or ``FEC #3`` when the FEC has no key."""
    return f"FEC #{fec.index} ({visible(fec.key)})" if fec.key else f"FEC #{fec.index}"


def kind_at(kind: str, at: str | None) -> str:
    """``new drop at core2`` (``at`` None: where the paths share no hop).

    >>> kind_at("new-drop", "core2"), kind_at("paths-added", None)
    ('new drop at core2', 'paths added')
    """
    words = KIND_WORDS.get(kind, kind)
    return f"{words} at {hop_text(at)}" if at is not None else words


def cause_title(c: Cause) -> str:
    return kind_at(c.kind, c.at)


def cause_destinations(c: Cause) -> list[str]:
    """A cause's traffic as destination prefixes (visible), or in words when it is every packet."""
    if any(not t for t in c.traffic):
        return ["every packet (an FEC without traffic keys)"]
    return [visible(d) for d in c.destinations] or [format_traffic(c.traffic)]


def clause_text(ref: ClauseRef | None) -> str:
    """``clause `core1 : replace(core1, core2)` at costout.rela:14:29`` (or a guard branch)."""
    if ref is None:
        return "clause not determined"
    what = {"branch": "guard branch", "assert": "assert"}.get(ref.kind, "clause")
    if ref.kind == "assert":
        text = visible(ref.text)
        where = visible(ref.where())
        return f"{text} at {where}" if where else text
    desc = f"{what} `{visible(ref.text)}`"
    where = visible(ref.where())
    return f"{desc} at {where}" if where else desc


def causes_of(spec: SpecResult) -> tuple[Cause, ...]:
    """The spec's causes (computed from its violations when the report has none)."""
    if spec.causes or not spec.violations:
        return spec.causes
    return find_causes(spec.violations)


def all_causes(report: Report) -> list[tuple[SpecResult, Cause]]:
    """Every spec's causes, most FECs (then flows) first over all specs; ties in spec order."""
    found = [(spec, c) for spec in report.specs for c in causes_of(spec)]
    return sorted(found, key=lambda sc: (-sc[1].fecs, -sc[1].flows))


def counts_line(report: Report) -> str:
    """How many FECs the input had and how many were checked, and what filters left out.

    >>> counts_line(Report(specs=(), fecs_read=3, fecs_input=3))
    'Checked all 3 FECs of the input.'
    >>> from rela.results import FilterNote
    >>> counts_line(Report(specs=(), fecs_read=3, fecs_input=5,
    ...     filters=(FilterNote("--dst", "10.0.0.0/8", 2, "traffic outside the prefixes"),)))
    'Checked 3 of 5 FECs of the input: 2 left out by --dst 10.0.0.0/8 (traffic outside the prefixes).'
    """
    read = total_fecs(report)
    if report.fecs_input is None:
        return f"Checked {plural(read, 'FEC')}."
    if report.fecs_input == read and not any(f.left_out for f in report.filters):
        return f"Checked all {plural(read, 'FEC')} of the input."
    text = f"Checked {read:,} of {plural(report.fecs_input, 'FEC')} of the input"
    parts = [
        f"{f.left_out:,} left out by {visible(f.option)} {visible(f.value)} ({visible(f.reason)})"
        for f in report.filters
        if f.left_out
    ]
    return text + (": " + "; ".join(parts) if parts else "") + "."


def view_lines(report: Report) -> list[str]:
    """What the report filters (``--through``, ``--kind``, ``--fec``) do not list."""
    return [
        f"Listing only violations matching {visible(f.option)} {visible(f.value)}: "
        f"{plural(f.left_out, 'violated flow')} not listed (verdicts and counts are unaffected)."
        for f in report.view
    ]


def omitted_line(spec: SpecResult, shown: int) -> str | None:
    """``… 3 more violated flows of reroute not listed`` when the list is not complete."""
    hidden = spec.omitted + len(spec.violations) - shown
    if hidden <= 0:
        return None
    return (
        f"… {plural(hidden, 'more violated flow')} of {visible(spec.name)} not listed "
        "(--max-violations N, --all)"
    )


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

    When input filters left FECs out, the line says so, so that a quiet PASS
    never hides that most of the input was not checked:

    >>> from rela.results import FilterNote
    >>> few = SpecResult("s", total=4, holds=4, violated=0, errors=0)
    >>> summary_line(Report(specs=(few,), fecs_read=4, fecs_input=112,
    ...     filters=(FilterNote("--dst", "99.0.0.0/8", 108, "traffic outside the prefixes"),)))
    'PASS: 1 spec holds on 4 FECs; 108 of 112 FECs left out by --dst'

    So does a changed ACL that no traffic of the run passes (``acl-change-unchecked``).
    """
    n_specs = len(report.specs)
    fecs = total_fecs(report)
    left_out = not_checked_note(report.filters, report.fecs_input, report.warnings)
    if report.holds:
        return f"PASS: {plural(n_specs, 'spec holds', 'specs hold')} on {plural(fecs, 'FEC')}{left_out}"
    failing = sum(not s.ok for s in report.specs)
    violated = _failed_fecs(report, "violated")
    errors = _failed_fecs(report, "errors")
    if not errors:
        return (
            f"FAIL: {failing} of {plural(n_specs, 'spec')} violated "
            f"({violated:,} of {plural(fecs, 'FEC')}){left_out}"
        )
    return (
        f"FAIL: {failing} of {plural(n_specs, 'spec')} failed "
        f"({violated:,} of {plural(fecs, 'FEC')} violated, {plural(errors, 'FEC error')}){left_out}"
    )


@frozen
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
