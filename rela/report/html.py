"""The HTML report of ``rela check`` (``--format html``): one self-contained page.

Layout, most telling first: the verdict banner; the summary table (per spec:
FECs, hold, violated, errors) with what the filters left out; the **causes**
(what happened, where, for how much traffic, which clause, an example); the
warnings; the violated FECs, each with the drawing of its before/after graph
(where each shown flow is dropped or diverges ringed) and one section per violated
flow (what happened, the clause, expected against actual paths side by side
with the changed hop in bold, unchanged paths folded, loops folded); clause
coverage; FEC errors last.

A report holds paths, not graphs: the drawings come from the change itself,
read again for the few FECs shown (:func:`rela.draw.fec_graphs`), so the
verifier keeps nothing extra.  Large runs are bounded (``max_violations``,
``max_flows_per_fec``, ``max_drawings``), and the page says what it left out.

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
    all_causes,
    clause_text,
    counts_line,
    fec_label,
    format_traffic,
    kind_at,
    omitted_line,
    ordered_errors,
    ordered_violations,
    plural,
    spec_status,
    summary_line,
    total_fecs,
    view_lines,
)
from rela.report.html_page import (
    figure,
    lines,
    note,
    page,
    path_list,
    safe,
    table,
    view_html,
    warnings_section,
)
from rela.report.rows import flow_view
from rela.results import Cause, FecRef, Report, SpecialHop, SpecResult, Violation

__all__ = ["render_html", "shown_violations", "drawn_fecs", "MAX_VIOLATIONS"]

#: Violated flows shown by default (the JSON report has all of them).
MAX_VIOLATIONS = 100
#: FECs drawn by default.
MAX_DRAWINGS = 20
#: Violated flows shown per FEC and spec by default.
MAX_FLOWS_PER_FEC = 5
#: Causes listed (the JSON report has all of them).
MAX_CAUSES = 50
_MAX_DESTINATIONS = 4

Shown = list[tuple[str, Violation]]


def shown_violations(
    report: Report, max_violations: int = MAX_VIOLATIONS, per_fec: int = MAX_FLOWS_PER_FEC
) -> Shown:
    """(spec name, violation) pairs the page shows: spec order, then FEC and flow; at most
    ``per_fec`` flows of one FEC per spec and ``max_violations`` in all (negative: no limit).

    The per-FEC limit spreads the page over more FECs: a black hole at a spine
    violates every flow of an FEC, and the first 100 flows would otherwise be
    a few FECs' worth of the same story.
    """
    out: Shown = []
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


def _by_fec(shown: Shown) -> list[tuple[FecRef, Shown]]:
    groups: dict[tuple[int, str | None], tuple[FecRef, Shown]] = {}
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
    causes = all_causes(report)
    ids, first = _anchors(report)
    nav = [("summary", "Summary")]
    body = [_summary(report)]
    if causes:
        nav.append(("causes", f"Causes ({len(causes)})"))
        links = {k: a for k, a in first.items() if k in {_key(n, v) for n, v in shown}}
        body.append(_causes(causes, len(report.specs) > 1, links))
    if report.warnings:
        nav.append(("warnings", f"Warnings ({len(report.warnings)})"))
        body.append(warnings_section(report.warnings))
    if total:
        nav.append(("violations", f"Violations ({total})"))
        body.append(
            _violations(report, shown, draw, graphs, change is not None, max_flows_per_fec, ids)
        )
    if any(s.coverage for s in report.specs):
        nav.append(("coverage", "Clause coverage"))
        body.append(_coverage(report))
    if errors:
        nav.append(("errors", f"FEC errors ({errors})"))
        body.append(_errors(report))
    subtitle = f"rela check · {plural(total_fecs(report), 'FEC')} checked in {report.seconds:.2f} s"
    granularity = report.meta.get("granularity")
    if granularity:
        subtitle += f" · granularity {granularity}"
    verdict = summary_line(report)
    return page(f"Rela check: {verdict}", verdict, kind, subtitle, nav, body)


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
    headers = ["spec", "result", "FECs", "hold", "violated", "errors", "time"]
    parts = [
        '<section id="summary"><h2>Summary</h2>',
        table(headers, rows, (2, 3, 4, 5, 6)),
        note(counts_line(report)),
        *(note(line, "note warn") for line in view_lines(report)),
        "</section>",
    ]
    return "\n".join(parts)


ViolationKey = tuple[str, int, "str | None", str]


def _key(spec: str, v: Violation) -> ViolationKey:
    return (spec, v.fec.index, v.fec.key, v.flow)


def _anchors(report: Report) -> tuple[dict[int, str], dict[ViolationKey, str]]:
    """Section ids of the violations (``v<spec>-<n>``, by object) and the first id per
    (spec, FEC, flow), which a cause's example links to (it may be an equal copy)."""
    ids: dict[int, str] = {}
    first: dict[ViolationKey, str] = {}
    for si, s in enumerate(report.specs):
        for n, v in enumerate(ordered_violations(s), 1):
            ids[id(v)] = f"v{si}-{n}"
            first.setdefault(_key(s.name, v), ids[id(v)])
    return ids, first


def _destinations(c: Cause) -> str:
    dsts = [esc(d) for d in c.destinations] or [safe(format_traffic(c.traffic))]
    text = ", ".join(f"<code>{d}</code>" for d in dsts[:_MAX_DESTINATIONS])
    if len(dsts) > _MAX_DESTINATIONS:
        text += f" (+{len(dsts) - _MAX_DESTINATIONS} more)"
    return text


def _causes(
    found: list[tuple[SpecResult, Cause]], many_specs: bool, links: dict[ViolationKey, str]
) -> str:
    headers = ["#", *(["spec"] if many_specs else []), "what happened", "FECs", "flows"]
    headers += ["traffic", "clause", "example"]
    rows = []
    for n, (spec, c) in enumerate(found[:MAX_CAUSES], 1):
        ex = c.example
        example = f"FEC #{ex.fec.index}, flow from {esc(ex.flow)}"
        anchor = links.get(_key(spec.name, ex))
        if anchor is not None:
            example = f'<a href="#{anchor}">{example}</a>'
        row = [(str(n), "")]
        if many_specs:
            row.append((f"<code>{esc(spec.name)}</code>", ""))
        row += [
            (f"<b>{safe(kind_at(c.kind, c.at))}</b>", "what"),
            (f"{c.fecs:,}", ""),
            (f"{c.flows:,}", ""),
            (_destinations(c), ""),
            (safe(clause_text(c.clause)) if c.clause else "—", ""),
            (example, ""),
        ]
        rows.append(row)
    numeric = (3, 4) if many_specs else (2, 3)
    parts = [
        '<section id="causes"><h2>Causes</h2>',
        note(
            "Violated flows grouped by what happened and where: where the traffic is dropped, "
            "or else where behaviour diverges (the last hop the expected and actual paths "
            "share), most FECs first."
        ),
        table(headers, rows, numeric),
    ]
    if len(found) > MAX_CAUSES:
        parts.append(note(f"{plural(len(found) - MAX_CAUSES, 'more cause')} in the JSON report."))
    parts.append("</section>")
    return "\n".join(parts)


def _focus(items: Shown) -> list[str]:
    """Where the FEC's shown flows are dropped or diverge (locations only)."""
    found = []
    for _, v in items:
        e = v.explanation
        if e is not None and e.at is not None and not isinstance(e.at, SpecialHop):
            found.append(e.at)
    return list(dict.fromkeys(found))


def _violations(
    report: Report,
    shown: Shown,
    draw: list[int],
    graphs: dict[int, tuple[Graph, Graph]],
    have_change: bool,
    per_fec: int,
    ids: dict[int, str],
) -> str:
    total = sum(len(s.violations) for s in report.specs)
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
                f"Showing {len(shown)} of {total} listed violated flows (spec order, then FEC; at "
                f"most {per_fec} per FEC and spec); the JSON and JUnit reports list all of them.",
                "note warn",
            )
        )
    for s in report.specs:
        line = omitted_line(s, len(s.violations))
        if line:
            parts.append(note(line, "note warn"))
    numbers = {id(v): n for s in report.specs for n, v in enumerate(ordered_violations(s), 1)}
    counts = {s.name: len(s.violations) for s in report.specs}
    per_key = Counter((s.name, v.fec.index, v.fec.key) for s in report.specs for v in s.violations)
    drawn = set(draw)
    for fec, items in _by_fec(shown):
        parts.append(f'<section class="fec" id="fec-{fec.index}"><h3>{safe(fec_label(fec))}</h3>')
        if fec.traffic:
            parts.append(f'<p class="traffic">traffic: {safe(format_traffic(fec.traffic))}</p>')
        if fec.index in drawn and have_change:
            parts.append(figure(graphs.get(fec.index), fec_label(fec), focus=_focus(items)))
        elif have_change:
            parts.append(note(f"Not drawn: only the first {len(draw)} FECs shown are drawn."))
        for name, v in items:
            parts.append(_violation(name, v, numbers[id(v)], counts[name], ids[id(v)]))
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


def _violation(spec: str, v: Violation, n: int, of: int, anchor: str) -> str:
    parts = [
        f'<section class="violation" id="{anchor}" data-spec="{esc(spec)}" '
        f'data-flow="{esc(v.flow)}">',
        f"<h4><code>{esc(spec)}</code>: violation {n} of {of} · flow from "
        f"<code>{esc(v.flow)}</code></h4>",
    ]
    e = v.explanation
    if e is not None:
        why = f"<b>{safe(kind_at(e.kind, e.at))}</b>"
        if e.clause is not None:
            why += f" · {safe(clause_text(e.clause))}"
        parts.append(f'<p class="why">{why}</p>')
    parts.append(view_html(flow_view(v), "expected", "actual", "both expected and actual"))
    if v.truncated:
        parts.append(note(TRUNCATED_NOTE, "note warn"))
    parts.append(
        "<details><summary>before and after paths</summary>"
        + path_list("before:", v.before)
        + path_list("after:", v.after)
        + "</details></section>"
    )
    return "\n".join(parts)


def _coverage(report: Report) -> str:
    parts = [
        '<section id="coverage"><h2>Clause coverage</h2>',
        note(
            "FECs and flows where each clause and guard branch applied (its domain met a before "
            "or after path). A clause that applied to nothing is a sign of a spec that passes for "
            "the wrong reason."
        ),
    ]
    for s in report.specs:
        if not s.coverage:
            continue
        rows = []
        for c in s.coverage:
            cls = "vacuous" if c.fecs == 0 else ""
            rows.append(
                [(safe(clause_text(c.clause)), cls), (f"{c.fecs:,}", cls), (f"{c.flows:,}", cls)]
            )
        parts.append(f"<h4><code>{esc(s.name)}</code></h4>")
        parts.append(table(["clause", "FECs", "flows"], rows, (1, 2)))
    parts.append("</section>")
    return "\n".join(parts)


def _errors(report: Report) -> str:
    items = [
        f"<li><code>{esc(s.name)}</code>: {safe(fec_label(e.fec))}: {esc(e.message)}</li>"
        for s in report.specs
        for e in ordered_errors(s)
    ]
    return (
        '<section id="errors"><h2>FECs that could not be verified</h2>'
        f'<ul class="plain">{lines(items)}</ul></section>'
    )
