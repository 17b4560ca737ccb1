"""``rela diff --format markdown``: a summary table and the first changes, for a PR comment.

One heading with the verdict, the status counts, then tables of what
happened to the changed flows, new drops and loops, dispositions before and
after and the devices and links that lost or gained traffic (at most
:data:`~rela.report.diff_common.MAX_PLACES` rows each unless ``show_all``),
then the FECs listed as ``diff`` blocks (``-`` removed, ``+`` added paths).
Deterministic for a given report; every name from the input is escaped.

>>> from rela.diff import DiffReport, DiffSummary
>>> render_markdown(DiffReport(DiffSummary(fecs=2, unchanged=2))).splitlines()[0]
'## ✅ Rela diff: UNCHANGED: 2 FECs compared, no path changed'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rela.diff import ERROR, UNCHANGED, DiffReport, FecDiff, FlowDiff, Place
from rela.report.diff_common import (
    MAX_PLACES,
    count_text,
    disposition_text,
    example_text,
    fec_head,
    fec_kind,
    kind_text,
    listing_line,
    paths_word,
    plural,
    status_line,
    traffic_text,
    verdict,
    visible,
)

__all__ = ["render_markdown"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def _escape(text: str) -> str:
    """Escape Markdown syntax in free text and table cells."""
    return _MD_SPECIAL.sub(r"\\\1", visible(text))


def _fence(body: str) -> str:
    """A backtick fence longer than any backtick run in ``body``."""
    longest = max((len(m) for m in re.findall("`+", body)), default=0)
    return "`" * max(3, longest + 1)


def render_markdown(report: DiffReport, *, show_all: bool = False) -> str:
    """The Markdown comment, ending with a newline."""
    s = report.summary
    icon = "⚠️" if report.errors else ("❌" if report.changed else "✅")
    out = [f"## {icon} Rela diff: {verdict(report)}", "", _escape(status_line(report))]
    if s.loops_before or s.loops_after:
        out[-1] += (
            f"; a forwarding loop in {plural(s.loops_before, 'FEC')} before, "
            f"{plural(s.loops_after, 'FEC')} after"
        )
    for note in report.view:
        out += ["", f"_{_escape(note.option)} {_escape(note.value)}: the tables and the list "
                f"leave out {plural(note.left_out, 'FEC')}._"]  # fmt: skip
    if report.warnings:
        out += ["", "### Warnings", ""]
        for w in report.warnings:
            hint = f" — _{_escape(w.hint)}_" if w.hint else ""
            out.append(f"- **{_escape(w.code)}**: {_escape(w.message)}{hint}")
    limit = None if show_all else MAX_PLACES
    if s.flows:
        if s.kinds:
            rows = [(kind_text(k.kind), k.fecs, k.flows, example_text(k.example)) for k in s.kinds]
            out += ["", *_table("what happened to changed flows", rows)]
        for title, places in (
            ("new drops", s.drops_new),
            ("drops gone", s.drops_gone),
            ("new forwarding loops (through)", s.loops_new),
            ("loops gone (through)", s.loops_gone),
        ):
            if places or title in ("new drops", "new forwarding loops (through)"):
                out += ["", *_places(title, places, limit)]
        out += ["", *_dispositions(report)]
        for title, places in (
            ("devices that lost traffic", s.devices_lost),
            ("devices that gained traffic", s.devices_gained),
            ("links that lost traffic", s.links_lost),
            ("links that gained traffic", s.links_gained),
        ):
            if places:
                out += ["", *_places(title, places, limit)]
    if report.fecs_listable:
        out += ["", "### Changes", "", f"_{_escape(listing_line(report))}._"]
        for fd in report.fecs:
            out += ["", *_fec(fd)]
    return "\n".join(out) + "\n"


def _table(title: str, rows: Sequence[tuple[str, int, int, str]]) -> list[str]:
    lines = [f"| {_escape(title)} | FECs | flows | e.g. |", "| --- | ---: | ---: | --- |"]
    lines += [f"| {_escape(w)} | {f:,} | {n:,} | {e} |" for w, f, n, e in rows]
    return lines


def _places(title: str, places: tuple[Place, ...], limit: int | None) -> list[str]:
    if not places:
        return [f"**{_escape(title)}:** none"]
    shown = places if limit is None else places[:limit]
    lines = _table(title, [(p.where, p.fecs, p.flows, example_text(p.example)) for p in shown])
    if len(shown) < len(places):
        lines.append(f"| _… {len(places) - len(shown):,} more_ | | | |")
    return lines


def _dispositions(report: DiffReport) -> list[str]:
    s = report.summary
    lines = [
        "| disposition | FECs before | FECs after | flows before | flows after |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for d in s.dispositions:
        lines.append(
            f"| {disposition_text(d.disposition)} | {d.fecs_before:,} | {d.fecs_after:,} "
            f"| {d.flows_before:,} | {d.flows_after:,} |"
        )
    if s.transitions:
        rows = [
            (
                f"{disposition_text(t.before)} -> {disposition_text(t.after)}",
                t.fecs,
                t.flows,
                example_text(t.example),
            )
            for t in s.transitions
        ]
        lines += ["", *_table("flows whose disposition changed", rows)]
    return lines


def _fec(fd: FecDiff) -> list[str]:
    head = f"**{_escape(fec_head(fd.fec))}** · {_escape(fec_kind(fd))}"
    loops = [side for side, on in (("before", fd.loop_before), ("after", fd.loop_after)) if on]
    if loops:
        head += f" · forwarding loop {' and '.join(loops)}"
    if fd.fec.traffic:
        head += f" · traffic {_escape(traffic_text(fd.fec.traffic))}"
    if fd.status == ERROR:
        return [head, "", f"error: {_escape(fd.problem or '')}"]
    body: list[str] = []
    for f in fd.flows:
        body += _flow(f)
    hidden = fd.flows_total - len(fd.flows)
    if hidden:
        body.append(f"# {plural(hidden, 'other flow')} not listed")
    fence = _fence("\n".join(body))
    return [head, "", f"{fence}diff", *body, fence]


def _flow(f: FlowDiff) -> list[str]:
    if f.status == UNCHANGED:
        return [f"# flow {visible(f.flow)}: unchanged, {paths_word(f.before)}"]
    label = (
        f"# flow {visible(f.flow)}: {kind_text(f.kind)}, {paths_word(f.before)} before, "
        f"{count_text(f.after)} after"
    )
    if f.disposition is not None and f.disposition[0] != f.disposition[1]:
        label += f"; {disposition_text(f.disposition[0])} -> {disposition_text(f.disposition[1])}"
    lines = [label]
    for mark, paths in (("-", f.removed), ("+", f.added)):
        lines += [f"{mark} " + " -> ".join(visible(h) for h in p) for p in paths.paths]
        if paths.truncated:
            more = "more" if paths.count is None else f"{paths.count - len(paths.paths):,} more"
            lines.append(f"# … {more} {'removed' if mark == '-' else 'added'} paths")
    return lines
