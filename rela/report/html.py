"""The HTML report of ``rela check`` (``--format html``): one self-contained page.

Layout, most useful first: the verdict banner; the summary table (per spec:
FECs, hold, violated, errors) with what input filters left out; warnings;
then the violated FECs, each with the drawing of its before/after graph and
one section per violated flow (expected against actual paths side by side,
the changed hop in bold, the before/after paths folded away); FEC errors last.

A report holds paths, not graphs: the drawings come from the change itself,
read again for the few FECs shown (:func:`rela.draw.fec_graphs`), so the
verifier keeps nothing extra.  Large runs are bounded: at most
``max_violations`` violated flows and ``max_drawings`` drawings, and the page
says how many more there are.

>>> from rela.results import Report, SpecResult
>>> page = render_html(Report(specs=(SpecResult("s", 3, 3, 0, 0),), fecs_read=3))
>>> "PASS: 1 spec holds on 3 FECs" in page and page.endswith("</html>\\n")
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rela.draw import fec_graphs
from rela.draw.markup import esc
from rela.network.model import Fec, Graph
from rela.report._common import (
    TRUNCATED_NOTE,
    diff_rows,
    fec_label,
    format_traffic,
    ordered_errors,
    ordered_violations,
    plural,
    spec_status,
    summary_line,
    total_fecs,
)
from rela.report.html_page import figure, lines, note, page, path_list, paths_table, table
from rela.results import FecRef, Report, Violation

__all__ = ["render_html", "shown_violations", "drawn_fecs"]

#: Violated flows shown by default (the JSON report has all of them).
MAX_VIOLATIONS = 100
#: FECs drawn by default.
MAX_DRAWINGS = 20
#: Violated flows shown per FEC and spec by default.
MAX_FLOWS_PER_FEC = 5


def shown_violations(
    report: Report, max_violations: int = MAX_VIOLATIONS, per_fec: int = MAX_FLOWS_PER_FEC
) -> list[tuple[str, Violation]]:
    """(spec name, violation) pairs the page shows: spec order, then FEC and flow; at most
    ``per_fec`` flows of one FEC per spec and ``max_violations`` in all (negative: no limit).

    The per-FEC limit spreads the page over more FECs: a black hole at a spine
    violates every flow of an FEC, and the first 100 flows would otherwise be
    a few FECs' worth of the same story.
    """
    out: list[tuple[str, Violation]] = []
    seen: Counter[tuple[str, int, str | None]] = Counter()
    for s in report.specs:
        for v in ordered_violations(s):
            key = (s.name, v.fec.index, v.fec.key)
            seen[key] += 1
            if 0 <= per_fec < seen[key]:
                continue
            if 0 <= max_violations <= len(out):
                return out
            out.append((s.name, v))
    return out


def _by_fec(shown: list[tuple[str, Violation]]) -> list[tuple[FecRef, list[tuple[str, Violation]]]]:
    groups: dict[tuple[int, str | None], tuple[FecRef, list[tuple[str, Violation]]]] = {}
    for name, v in shown:
        groups.setdefault((v.fec.index, v.fec.key), (v.fec, []))[1].append((name, v))
    return list(groups.values())


def drawn_fecs(
    report: Report,
    max_violations: int = MAX_VIOLATIONS,
    max_drawings: int = MAX_DRAWINGS,
    per_fec: int = MAX_FLOWS_PER_FEC,
) -> list[int]:
    """Input indices of the FECs the page draws: the first ``max_drawings`` FECs shown."""
    fecs = [fec.index for fec, _ in _by_fec(shown_violations(report, max_violations, per_fec))]
    return fecs if max_drawings < 0 else fecs[:max_drawings]


def render_html(
    report: Report,
    change: Iterable[Fec] | None = None,
    *,
    max_violations: int = MAX_VIOLATIONS,
    max_drawings: int = MAX_DRAWINGS,
    max_flows_per_fec: int = MAX_FLOWS_PER_FEC,
) -> str:
    """The HTML page of ``report``; ``change`` (re-iterable, as checked) gives the drawings.

    Without ``change`` the page has no drawings and says so.  The limits are
    described at :func:`shown_violations` and :func:`drawn_fecs`.
    """
    shown = shown_violations(report, max_violations, max_flows_per_fec)
    draw = drawn_fecs(report, max_violations, max_drawings, max_flows_per_fec)
    graphs = fec_graphs(change, draw) if change is not None else {}
    kind = (
        "pass" if report.holds else ("fail" if any(s.violated for s in report.specs) else "error")
    )
    total = sum(len(s.violations) for s in report.specs)
    errors = sum(len(s.fec_errors) for s in report.specs)
    nav = [("summary", "Summary")]
    if report.warnings:
        nav.append(("warnings", f"Warnings ({len(report.warnings)})"))
    if total:
        nav.append(("violations", f"Violations ({total})"))
    if errors:
        nav.append(("errors", f"FEC errors ({errors})"))
    body = [_summary(report)]
    if report.warnings:
        body.append(_warnings(report))
    if total:
        body.append(
            _violations(report, shown, total, draw, graphs, change is not None, max_flows_per_fec)
        )
    if errors:
        body.append(_errors(report))
    subtitle = f"rela check · {plural(total_fecs(report), 'FEC')} checked in {report.seconds:.2f} s"
    granularity = report.meta.get("granularity")
    if granularity:
        subtitle += f" · granularity {granularity}"
    return page(
        f"Rela check: {summary_line(report)}", summary_line(report), kind, subtitle, nav, body
    )


def _summary(report: Report) -> str:
    rows = []
    for s in report.specs:
        status = spec_status(s)
        rows.append(
            [
                (f"<code>{esc(s.name)}</code>", ""),
                (esc(status), f"status-{status.split(',')[0]}"),
                (f"{s.total:,}", ""),
                (f"{s.holds:,}", ""),
                (f"{s.violated:,}", ""),
                (f"{s.errors:,}", ""),
                (f"{s.seconds:.2f} s", ""),
            ]
        )
    parts = [
        '<section id="summary"><h2>Summary</h2>',
        table(
            ["spec", "result", "FECs", "hold", "violated", "errors", "time"], rows, (2, 3, 4, 5, 6)
        ),
    ]
    if report.fecs_input is not None and report.fecs_input != report.fecs_read:
        parts.append(
            note(f"{report.fecs_input:,} FECs in the input, {report.fecs_read:,} checked.")
        )
    for f in report.filters:
        parts.append(
            note(f"{f.option} {f.value} left out {plural(f.left_out, 'FEC')}: {f.reason}.")
        )
    parts.append("</section>")
    return "\n".join(parts)


def _warnings(report: Report) -> str:
    items = []
    for w in report.warnings:
        where = f"{w.spec}: " if w.spec else ""
        if w.line is not None:
            where += f"{w.line}:{w.column or 1}: "
        hint = f' <span class="sub">({esc(w.hint)})</span>' if w.hint else ""
        items.append(f"<li><code>{esc(w.code)}</code> {esc(where + w.message)}{hint}</li>")
    return (
        f'<section id="warnings"><h2>Warnings</h2><ul class="plain">{lines(items)}</ul></section>'
    )


def _violations(
    report: Report,
    shown: list[tuple[str, Violation]],
    total: int,
    draw: list[int],
    graphs: dict[int, tuple[Graph, Graph]],
    have_change: bool,
    per_fec: int,
) -> str:
    parts = [
        '<section id="violations"><h2>Violations</h2>',
        note(
            "Per violated flow: the paths the spec expects after the change against the actual "
            "ones; - marks a missing path, + an unexpected one, and the first hop where they "
            "differ is in bold."
        ),
    ]
    if len(shown) < total:
        parts.append(
            note(
                f"Showing {len(shown)} of {total} violated flows (spec order, then FEC; at most "
                f"{per_fec} per FEC and spec); the JSON and JUnit reports list all of them.",
                "note warn",
            )
        )
    counted = max((s.violated for s in report.specs), default=0)
    listed = len({(v.fec.index, v.fec.key) for v in report})
    if counted > listed:
        parts.append(
            note(f"{counted - listed} more violated FECs are counted but not listed.", "note warn")
        )
    numbers = {id(v): n for s in report.specs for n, v in enumerate(ordered_violations(s), 1)}
    counts = {s.name: len(s.violations) for s in report.specs}
    per_key = Counter((s.name, v.fec.index, v.fec.key) for s in report.specs for v in s.violations)
    drawn = set(draw)
    for fec, items in _by_fec(shown):
        parts.append(f'<section class="fec" id="fec-{fec.index}"><h3>{esc(fec_label(fec))}</h3>')
        if fec.traffic:
            parts.append(f'<p class="traffic">traffic: {esc(format_traffic(fec.traffic))}</p>')
        if fec.index in drawn and have_change:
            parts.append(figure(graphs.get(fec.index), fec_label(fec)))
        elif have_change:
            parts.append(note(f"Not drawn: only the first {len(draw)} FECs shown are drawn."))
        for name, v in items:
            parts.append(_violation(name, v, numbers[id(v)], counts[name]))
        for name, n in Counter(name for name, _ in items).items():
            hidden = per_key[(name, fec.index, fec.key)] - n
            if hidden:
                parts.append(
                    note(f"{plural(hidden, 'more violated flow')} of {name} in this FEC not shown.")
                )
        parts.append("</section>")
    if not have_change:
        parts.append(note("No drawings: the report was rendered without the change."))
    parts.append("</section>")
    return "\n".join(parts)


def _violation(spec: str, v: Violation, n: int, of: int) -> str:
    parts = [
        f'<section class="violation" data-spec="{esc(spec)}" data-flow="{esc(v.flow)}">',
        f"<h4><code>{esc(spec)}</code>: violation {n} of {of} · flow from "
        f"<code>{esc(v.flow)}</code></h4>",
        paths_table(diff_rows(v), "expected", "actual"),
    ]
    if v.truncated:
        parts.append(note(TRUNCATED_NOTE, "note warn"))
    parts.append(
        "<details><summary>before and after paths</summary>"
        + path_list("before:", v.before)
        + path_list("after:", v.after)
        + "</details></section>"
    )
    return "\n".join(parts)


def _errors(report: Report) -> str:
    items = [
        f"<li><code>{esc(s.name)}</code>: {esc(fec_label(e.fec))}: {esc(e.message)}</li>"
        for s in report.specs
        for e in ordered_errors(s)
    ]
    return (
        '<section id="errors"><h2>FECs that could not be verified</h2>'
        f'<ul class="plain">{lines(items)}</ul></section>'
    )
