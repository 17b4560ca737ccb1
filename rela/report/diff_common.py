"""Wording shared by the ``rela diff`` renderers (text, Markdown, HTML): one fact, one phrase.

>>> from rela.diff import DiffSummary
>>> verdict(DiffReport(DiffSummary(fecs=3, unchanged=3)))
'UNCHANGED: 3 FECs compared, no path changed'
>>> count_text(1 << 30), count_text(None)
('1,073,741,824', 'infinite (loop)')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rela.diff import DISPOSITION_WORDS, KIND_WORDS, DiffReport, FecDiff
from rela.network.model import TrafficKey, describe_traffic
from rela.protocols import PROTOCOL_NUMBERS
from rela.report.escape import visible
from rela.report.left_out import not_checked_note
from rela.results import FecRef

__all__ = [
    "MAX_PLACES",
    "count_text",
    "disposition_text",
    "example_text",
    "fec_head",
    "fec_kind",
    "kind_text",
    "listing_line",
    "paths_word",
    "plural",
    "status_line",
    "traffic_text",
    "verdict",
    "visible",
]

#: Rows of each place table (drops, loops, devices, links) on the first screen.
MAX_PLACES = 5


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1,024 FECs``, ``1 FEC``.

    >>> plural(1, "FEC"), plural(1024, "flow")
    ('1 FEC', '1,024 flows')
    """
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def count_text(n: int | None) -> str:
    """A path count for people: ``1,024``, or ``infinite (loop)`` for ``None``."""
    return "infinite (loop)" if n is None else f"{n:,}"


def paths_word(n: int | None) -> str:
    """``1 path``, ``3 paths``, ``infinite (loop) paths``."""
    return f"{count_text(n)} path{'' if n == 1 else 's'}"


def kind_text(kind: str | None) -> str:
    """A kind in words: ``new drop``."""
    return KIND_WORDS.get(kind or "", kind or "")


def disposition_text(disposition: str) -> str:
    """A disposition in words: ``partly dropped``."""
    return DISPOSITION_WORDS.get(disposition, disposition)


def verdict(report: DiffReport) -> str:
    """The one-line outcome (first and last line of the text output)."""
    s = report.summary
    parts = []
    if s.fecs_changed:
        parts.append(
            f"CHANGED: {s.fecs_changed:,} of {plural(s.fecs, 'FEC')} changed paths "
            f"({plural(s.flows_changed, 'flow')})"
        )
    if s.errors:
        parts.append(f"ERROR: {plural(s.errors, 'FEC')} could not be compared")
    note = not_checked_note(report.filters, report.fecs_input, report.warnings)
    if not parts:
        return f"UNCHANGED: {plural(s.fecs, 'FEC')} compared, no path changed{note}"
    return "; ".join(parts) + note


def status_line(report: DiffReport) -> str:
    """The status counts of every FEC compared, in one line.

    >>> from rela.diff import DiffSummary
    >>> status_line(DiffReport(DiffSummary(fecs=3, unchanged=2, changed=1)))
    '3 FECs compared: 2 unchanged, 1 changed'
    """
    s = report.summary
    parts = [
        (s.unchanged, "unchanged"),
        (s.changed, "changed"),
        (s.only_before, "only before (no paths after)"),
        (s.only_after, "only after (no paths before)"),
        (s.errors, "could not be compared"),
    ]
    shown = [f"{n:,} {what}" for n, what in parts if n or what == "unchanged"]
    return f"{plural(s.fecs, 'FEC')} compared: " + ", ".join(shown)


def _ports(value: Any) -> tuple[int, int] | None:
    if value is None:
        return None
    lo, _, hi = str(value).partition("-")
    return (int(lo), int(hi or lo))


def traffic_text(traffic: Sequence[dict[str, Any]], limit: int = 3) -> str:
    """An FEC's traffic keys (JSON form) in the words of every report.

    >>> traffic_text([{"dstIp": "10.0.0.1", "protocol": 6, "dstPort": "80-81"}])
    'dst 10.0.0.1, tcp, dport 80-81'
    """
    keys = []
    for t in traffic:
        proto = t.get("protocol")
        keys.append(
            TrafficKey(
                dst=t.get("dstIp"),
                src=t.get("srcIp"),
                qos=t.get("qos"),
                protocol=PROTOCOL_NUMBERS.get(proto) if isinstance(proto, str) else proto,
                dst_ports=_ports(t.get("dstPort")),
                src_ports=_ports(t.get("srcPort")),
            )
        )
    return describe_traffic(keys, limit)


def fec_head(fec: FecRef) -> str:
    """``FEC #3 (10.0.0.0/24)``, or ``FEC #3`` when the FEC has no key."""
    return f"FEC #{fec.index} ({visible(fec.key)})" if fec.key else f"FEC #{fec.index}"


def example_text(fec: FecRef | None) -> str:
    """``FEC #3`` (the example a summary row points at; ``--fec '#3'`` lists it)."""
    return "" if fec is None else f"FEC #{fec.index}"


def listing_line(report: DiffReport) -> str:
    """What the details list, and how to see more.

    >>> from rela.diff import DiffSummary
    >>> listing_line(DiffReport(DiffSummary(fecs=9, changed=9), fecs_listable=9, max_fecs=0))
    'The 0 most telling of 9 changed FECs (--max-fecs N or --all for more; --kind, --through, --fec to choose)'
    """
    n, total = len(report.fecs), report.fecs_listable
    what = "FECs" if report.include_unchanged else "changed FECs"
    if total == 1:
        what = what[:-1]
    if n == total:
        return f"{'All ' if n > 1 else ''}{total:,} {what}, most telling first"
    return (
        f"The {n:,} most telling of {total:,} {what} "
        "(--max-fecs N or --all for more; --kind, --through, --fec to choose)"
    )


def fec_kind(fd: FecDiff) -> str:
    """An FEC's status and most telling kind: ``changed, new drop``."""
    if fd.kind is None or fd.status == "error":
        return fd.status
    return f"{fd.status}, {kind_text(fd.kind)}"
