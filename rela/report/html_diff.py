"""The HTML report of ``rela diff`` (``--format html``): one self-contained page.

The verdict banner, the summary counts, then one section per FEC shown (its
status, traffic and forwarding loops, the drawing of its before/after graph,
and per changed flow the removed paths against the added ones, side by side,
each removed path next to the added path it shares the longest prefix with),
bounded to ``max_fecs`` sections and ``max_drawings`` drawings.

>>> from rela.diff import DiffReport, DiffSummary
>>> page = render_diff_html(DiffReport(DiffSummary(fecs=3, unchanged=3)))
>>> "UNCHANGED: 3 FECs compared, no path changed" in page
True
"""

from __future__ import annotations

from collections.abc import Iterable

from rela.diff import ERROR, UNCHANGED, DiffReport, FecDiff, FlowDiff, PathList
from rela.draw import fec_graphs
from rela.draw.markup import esc
from rela.network.model import Fec, Graph
from rela.report._common import fec_label, format_traffic, plural
from rela.report.diff_common import verdict
from rela.report.html_page import figure, note, page, table, view_html, warnings_section
from rela.report.rows import flow_view
from rela.results import Violation

__all__ = ["render_diff_html"]

#: FEC sections shown by default (the JSON output has all of them).
MAX_FECS = 100
#: FECs drawn by default.
MAX_DRAWINGS = 20


def _count(n: int | None) -> str:
    return "infinitely many (loop)" if n is None else f"{n:,}"


def _paths(n: int | None) -> str:
    """``1 path``, ``3 paths``, ``infinitely many (loop) paths``."""
    return f"{_count(n)} path{'' if n == 1 else 's'}"


def render_diff_html(
    report: DiffReport,
    change: Iterable[Fec] | None = None,
    *,
    max_fecs: int = MAX_FECS,
    max_drawings: int = MAX_DRAWINGS,
) -> str:
    """The HTML page of ``report``; ``change`` (re-iterable, as compared) gives the drawings."""
    shown = list(report.fecs if max_fecs < 0 else report.fecs[:max_fecs])
    drawable = [fd.fec.index for fd in shown if fd.status != ERROR]
    draw = drawable if max_drawings < 0 else drawable[:max_drawings]
    graphs = fec_graphs(change, draw) if change is not None else {}
    kind = "error" if report.errors else ("fail" if report.changed else "pass")
    headline = verdict(report)
    subtitle = f"rela diff · granularity {report.granularity}"
    if report.description:
        subtitle += f" · {report.description}"
    nav = [("summary", "Summary")]
    if shown:
        nav.append(("fecs", f"FECs ({len(report.fecs)})"))
    body = [_summary(report)]
    if report.warnings:
        nav.append(("warnings", f"Warnings ({len(report.warnings)})"))
        body.append(warnings_section(report.warnings))
    if shown:
        body.append(_fecs(report, shown, draw, graphs, change is not None))
    return page(f"Rela diff: {headline}", headline, kind, subtitle, nav, body)


def _summary(report: DiffReport) -> str:
    s = report.summary
    rows = [
        ("FECs compared", f"{s.fecs:,}", ""),
        ("unchanged", f"{s.unchanged:,}", "status-unchanged" if s.unchanged else ""),
        ("changed", f"{s.changed:,}", "status-changed" if s.changed else ""),
        (
            "only before (no paths after)",
            f"{s.only_before:,}",
            "status-changed" if s.only_before else "",
        ),
        (
            "only after (no paths before)",
            f"{s.only_after:,}",
            "status-changed" if s.only_after else "",
        ),
        ("errors", f"{s.errors:,}", "status-error" if s.errors else ""),
        ("flows changed", f"{s.flows_changed:,}", "status-changed" if s.flows_changed else ""),
        ("FECs with a loop (before / after)", f"{s.loops_before:,} / {s.loops_after:,}", ""),
    ]
    cells = [[(esc(what), ""), (esc(n), cls)] for what, n, cls in rows]
    return f'<section id="summary"><h2>Summary</h2>{table(["", "FECs"], cells, (1,))}</section>'


def _fecs(
    report: DiffReport,
    shown: list[FecDiff],
    draw: list[int],
    graphs: dict[int, tuple[Graph, Graph]],
    have_change: bool,
) -> str:
    parts = [
        '<section id="fecs"><h2>FECs</h2>',
        note(
            "Per changed flow: removed paths (before, not after; -) against added paths "
            "(after, not before; +); counts are exact, the first hop where a pair differs is in bold."
        ),
    ]
    if len(shown) < len(report.fecs):
        parts.append(
            note(
                f"Showing the first {len(shown)} of {len(report.fecs):,} FECs; "
                "--format json lists all of them.",
                "note warn",
            )
        )
    drawn = set(draw)
    for fd in shown:
        parts.append(_fec(fd, report, fd.fec.index in drawn, graphs, have_change, len(draw)))
    if not have_change:
        parts.append(note("No drawings: the report was rendered without the change."))
    parts.append("</section>")
    return "\n".join(parts)


def _fec(
    fd: FecDiff,
    report: DiffReport,
    drawn: bool,
    graphs: dict[int, tuple[Graph, Graph]],
    have_change: bool,
    n_drawn: int,
) -> str:
    label = fec_label(fd.fec)
    status = f'<span class="status-{esc(fd.status)}">{esc(fd.status)}</span>'
    parts = [f'<section class="fec" id="fec-{fd.fec.index}"><h3>{esc(label)} · {status}</h3>']
    if fd.fec.traffic:
        parts.append(f'<p class="traffic">traffic: {esc(format_traffic(fd.fec.traffic))}</p>')
    loops = [side for side, on in (("before", fd.loop_before), ("after", fd.loop_after)) if on]
    if loops:
        parts.append(note(f"Forwarding loop {' and '.join(loops)} the change.", "note warn"))
    if fd.status == ERROR:
        parts.append(note(f"error: {fd.problem}", "note warn"))
        parts.append("</section>")
        return "\n".join(parts)
    if drawn and have_change:
        parts.append(figure(graphs.get(fd.fec.index), label, report.flow))
    elif have_change:
        parts.append(note(f"Not drawn: only the first {n_drawn} FECs shown are drawn."))
    for f in fd.flows:
        parts.append(_flow(fd, f))
    hidden = fd.flows_total - len(fd.flows)
    if hidden:
        parts.append(note(f"{plural(hidden, 'other flow')} unchanged (--all lists them)."))
    parts.append("</section>")
    return "\n".join(parts)


def _flow(fd: FecDiff, f: FlowDiff) -> str:
    head = (
        f'<h4>flow from <code>{esc(f.flow)}</code> · <span class="status-{esc(f.status)}">'
        f"{esc(f.status)}</span></h4>"
    )
    if f.status == UNCHANGED:
        return f'<section class="flow">{head}{note(f"{_paths(f.before)}, unchanged.")}</section>'
    counts = note(
        f"{_paths(f.before)} before, {_count(f.after)} after: "
        f"{_count(f.removed.count)} removed, {_count(f.added.count)} added."
    )
    # the check report's view: each removed path beside the added path closest to it,
    # the unrollings of a loop folded into one pattern
    pairing = Violation(
        fd.fec, f.flow, (), (), f.removed.paths, f.added.paths, f.removed.paths, f.added.paths
    )
    parts = [f'<section class="flow">{head}{counts}']
    parts.append(view_html(flow_view(pairing), "removed", "added", "in both"))
    for paths, word in ((f.removed, "removed"), (f.added, "added")):
        if paths.truncated:
            parts.append(note(_more(paths, word), "note warn"))
    parts.append("</section>")
    return "\n".join(parts)


def _more(paths: PathList, word: str) -> str:
    more = "more" if paths.count is None else f"{paths.count - len(paths.paths):,} more"
    return f"… {more} {word} paths not listed (raise --max-paths)."
