"""The text output of ``rela diff``: the summary first, then the FECs listed, as a stream of lines.

The first screen says what an engineer under time pressure needs: the
verdict, the status counts, what happened to the changed flows (new loops,
new drops, lost delivery, moved paths), where traffic is newly dropped or
looping, dispositions before and after, and the devices and links that lost
or gained traffic (each row with its FEC and flow counts and an example
FEC).  Then one tree per FEC listed (FEC → flow → removed ``-`` and added
``+`` paths), most telling first, and the verdict again, last, where a
terminal leaves it.  :func:`text_lines` yields the lines one by one, so a
long listing (``--all``) is written as it is rendered.

>>> from rela.diff import DiffReport, DiffSummary
>>> print(render_text(DiffReport(DiffSummary(fecs=2, unchanged=2), description="x")))
rela diff: x (granularity device)
UNCHANGED: 2 FECs compared, no path changed
2 FECs compared: 2 unchanged
<BLANKLINE>
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rela.diff import ERROR, UNCHANGED, DiffReport, FecDiff, FlowDiff, PathList, Place
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

__all__ = ["render_text", "text_lines"]

ARROW = " -> "
_ANSI = {"bold": "1", "red": "31", "green": "32", "yellow": "33", "cyan": "36", "dim": "2"}
# Tree guides take 4 columns per level and path leaves sit two levels down.
_PATH_INDENT = 8


class _Style:
    """ANSI styling when colour is on, plain text otherwise."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, *styles: str) -> str:
        if not self.color or not styles or not text:
            return text
        codes = ";".join(_ANSI[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"


def render_text(
    report: DiffReport, *, color: bool = False, width: int | None = 80, show_all: bool = False
) -> str:
    """The whole text output as one string (see :func:`text_lines`)."""
    return "".join(
        line + "\n" for line in text_lines(report, color=color, width=width, show_all=show_all)
    )


def text_lines(
    report: DiffReport, *, color: bool = False, width: int | None = 80, show_all: bool = False
) -> Iterator[str]:
    """The text output, line by line; ``show_all`` lists every row of the summary's tables."""
    style = _Style(color)
    width = width or 80
    title = "rela diff" + (f": {visible(report.description)}" if report.description else "")
    for line in _wrap(f"{title} (granularity {report.granularity})", "", "", width):
        yield style(line, "bold")
    yield _verdict(report, style)
    yield from _summary(report, style, MAX_PLACES if not show_all else None, width)
    if report.fecs_listable:
        yield ""
        yield style(listing_line(report), "bold")
        if any(fd.flows for fd in report.fecs):
            yield (
                style("- removed", "red")
                + " (before, not after)   "
                + style("+ added", "green")
                + " (after, not before)"
            )
        for fd in report.fecs:
            yield ""
            yield from _fec_tree(fd, style, width)
    if report.fecs_listable or report.summary.fecs_changed:
        yield ""
        yield _verdict(report, style)


def _verdict(report: DiffReport, style: _Style) -> str:
    line = verdict(report)
    head, _, rest = line.partition(":")
    tone = "yellow" if report.errors else ("red" if report.changed else "green")
    return style(head, "bold", tone) + ":" + rest


# ---------------------------------------------------------------------- summary


def _summary(report: DiffReport, style: _Style, limit: int | None, width: int) -> Iterator[str]:
    s = report.summary
    line = status_line(report)
    if s.loops_before or s.loops_after:
        line += (
            f"; a forwarding loop in {plural(s.loops_before, 'FEC')} before, "
            f"{plural(s.loops_after, 'FEC')} after"
        )
    yield from _wrap(line, "", "", width)
    for note in report.view:
        text = (
            f"{note.option} {visible(note.value)}: the breakdown and the list below leave out "
            f"{plural(note.left_out, 'FEC')} ({visible(note.reason)})"
        )
        yield from (style(part, "dim") for part in _wrap(text, "", "", width))
    if report.warnings:
        yield ""
    for w in report.warnings:
        first, *rest = _wrap(f"warning: {visible(w.message)} [{w.code}]", "", "", width)
        yield style("warning", "yellow") + first[len("warning") :]
        yield from rest
        if w.hint:
            yield from (
                style(part, "dim")
                for part in _wrap(f"hint: {visible(w.hint)}", "  ", "  ", width - 2)
            )
    if not s.flows:
        return
    if s.kinds:
        yield ""
        rows = [
            (kind_text(k.kind), f"{k.fecs:,}", f"{k.flows:,}", example_text(k.example))
            for k in s.kinds
        ]
        yield from _table(("What happened to changed flows", "FECs", "flows", "e.g."), rows, style)
    yield ""
    yield from _places("New drops (where traffic is now dropped)", s.drops_new, style, limit)
    yield from _places("Drops gone (traffic no longer dropped)", s.drops_gone, style, limit, True)
    yield from _places("New forwarding loops (through)", s.loops_new, style, limit)
    yield from _places("Loops gone (through)", s.loops_gone, style, limit, True)
    yield ""
    yield from _dispositions(report, style)
    yield from _places("Devices that lost traffic", s.devices_lost, style, limit, True, True)
    yield from _places("Devices that gained traffic", s.devices_gained, style, limit, True, True)
    yield from _places("Links that lost traffic", s.links_lost, style, limit, True, True)
    yield from _places("Links that gained traffic", s.links_gained, style, limit, True, True)


def _table(
    head: Sequence[str], rows: Sequence[Sequence[str]], style: _Style, indent: str = "  "
) -> Iterator[str]:
    """A plain table: the first column left-aligned (rows indented), numbers right-aligned."""
    cells = [list(head)] + [[indent + visible(r[0]), *r[1:]] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    for n, row in enumerate(cells):
        parts = [row[0].ljust(widths[0])]
        parts += [c.rjust(w) for c, w in zip(row[1:-1], widths[1:-1], strict=True)]
        parts.append(row[-1].ljust(widths[-1]))
        line = "  ".join(parts).rstrip()
        yield style(line, "bold") if n == 0 else line


def _places(
    title: str,
    places: tuple[Place, ...],
    style: _Style,
    limit: int | None,
    skip_empty: bool = False,
    spaced: bool = False,
) -> Iterator[str]:
    if not places:
        if not skip_empty:
            yield style(f"{title}: none", "bold")
        return
    if spaced:
        yield ""
    shown = places if limit is None else places[:limit]
    rows = [(p.where, f"{p.fecs:,}", f"{p.flows:,}", example_text(p.example)) for p in shown]
    yield from _table((title, "FECs", "flows", "e.g."), rows, style)
    if len(shown) < len(places):
        yield style(f"  … {len(places) - len(shown):,} more (--all lists them)", "dim")


def _dispositions(report: DiffReport, style: _Style) -> Iterator[str]:
    s = report.summary
    rows = [
        (
            disposition_text(d.disposition),
            f"{d.fecs_before:,}",
            f"{d.fecs_after:,}",
            f"{d.flows_before:,}",
            f"{d.flows_after:,}",
            "",
        )
        for d in s.dispositions
    ]
    head = ("Dispositions", "FECs before", "after", "flows before", "after", "")
    yield from _table(head, rows, style)
    if s.transitions:
        yield ""
        trans = [
            (
                f"{disposition_text(t.before)} -> {disposition_text(t.after)}",
                f"{t.fecs:,}",
                f"{t.flows:,}",
                example_text(t.example),
            )
            for t in s.transitions
        ]
        yield from _table(
            ("Flows whose disposition changed", "FECs", "flows", "e.g."), trans, style
        )


# ---------------------------------------------------------------------- FECs


def _fec_tree(fd: FecDiff, style: _Style, width: int) -> Iterator[str]:
    loops = [side for side, on in (("before", fd.loop_before), ("after", fd.loop_after)) if on]
    head = (
        style(fec_head(fd.fec), "bold")
        + "  "
        + style(fec_kind(fd), "bold", "yellow" if fd.status == ERROR else "red")
    )
    if loops:
        head += "  " + style(f"forwarding loop {' and '.join(loops)}", "bold", "yellow")
    yield head
    if fd.fec.traffic:
        text = f"traffic: {visible(traffic_text(fd.fec.traffic))}"
        yield from (style(part, "dim") for part in _wrap(text, "", "", width))
    if fd.status == ERROR:
        yield "└── " + style("error", "bold", "yellow") + f": {visible(fd.problem or '')}"
        return
    items: list[tuple[str, FlowDiff | None]] = [("", f) for f in fd.flows]
    hidden = fd.flows_total - len(fd.flows)
    if hidden:
        what = "other flow" + ("s" if hidden != 1 else "")
        items.append((f"{hidden:,} {what} not listed (unchanged, or left out by a filter)", None))
    elif not fd.flows_total:
        items.append(("(no flows)", None))
    for i, (text, f) in enumerate(items):
        last = i == len(items) - 1
        branch, cont = ("└── ", "    ") if last else ("├── ", "│   ")
        if f is None:
            yield style(branch, "dim") + style(text, "dim")
            continue
        yield from _wrap(_flow_label(f), style(branch, "dim"), style(cont, "dim"), width - 4)
        yield from _flow_paths(f, style(cont, "dim"), style, width)


def _flow_label(f: FlowDiff) -> str:
    label = f"flow {visible(f.flow)}  "
    if f.status == UNCHANGED:
        return label + f"unchanged: {paths_word(f.before)}"
    label += f"{kind_text(f.kind) or f.status}: {paths_word(f.before)} before, "
    label += f"{count_text(f.after)} after; -{count_text(f.removed.count)} removed, "
    label += f"+{count_text(f.added.count)} added"
    if f.disposition is not None and f.disposition[0] != f.disposition[1]:
        label += f"; {disposition_text(f.disposition[0])} -> {disposition_text(f.disposition[1])}"
    return label


def _wrap(text: str, first: str, rest: str, avail: int) -> Iterator[str]:
    """``text`` after the tree guides, wrapped at spaces to ``avail`` columns after
    ``first``; continuation lines are indented 4 more columns after ``rest``; a word
    longer than a line is cut.

    >>> list(_wrap("ab cd efghij", "", "", 9))
    ['ab cd', '    efghi', '    j']
    """
    line = ""
    prefix, room = first, avail
    for word in text.split(" "):
        while True:
            if not line or len(line) + 1 + len(word) <= room:
                if not line and len(word) > room and room > 0:
                    line, word = word[:room], word[room:]
                    yield prefix + line
                    prefix, room, line = rest + "    ", max(1, avail - 4), ""
                    continue
                line = f"{line} {word}" if line else word
                break
            yield prefix + line
            prefix, room, line = rest + "    ", max(1, avail - 4), ""
    yield prefix + line


def _flow_paths(f: FlowDiff, cont: str, style: _Style, width: int) -> Iterator[str]:
    entries: list[tuple[str, str]] = []
    for mark, tone, paths in (("-", "red", f.removed), ("+", "green", f.added)):
        entries += [(_path_text(p, mark, width - _PATH_INDENT), tone) for p in paths.paths]
        if paths.truncated:
            entries.append((_more(paths, mark), "dim"))
    for i, (text, tone) in enumerate(entries):
        last = i == len(entries) - 1
        branch, under = ("└── ", "    ") if last else ("├── ", "│   ")
        lines = text.split("\n")
        yield cont + style(branch, "dim") + style(lines[0], tone)
        for more in lines[1:]:
            yield cont + style(under, "dim") + style(more, tone)


def _more(paths: PathList, mark: str) -> str:
    more = "more" if paths.count is None else f"{paths.count - len(paths.paths):,} more"
    word = "removed" if mark == "-" else "added"
    return f"{mark} … {more} {word} paths (raise --max-paths)"


def _path_text(path: tuple[str, ...], mark: str, avail: int) -> str:
    """``- a -> b -> c`` wrapped between hops to ``avail`` columns, continuations indented.

    >>> print(_path_text(("aaaa", "bbbb", "cccc"), "-", 17))
    - aaaa -> bbbb ->
      cccc
    """
    avail = max(20, avail) if avail >= 20 else avail
    parts = [mark, " "]
    used = len(mark) + 1
    for i, raw in enumerate(path):
        hop = visible(raw)
        trailing = len(ARROW.rstrip()) if i < len(path) - 1 else 0
        if i:
            if used + len(ARROW) + len(hop) + trailing > avail:
                parts.append(ARROW.rstrip() + "\n  ")
                used = 2
            else:
                parts.append(ARROW)
                used += len(ARROW)
        parts.append(hop)
        used += len(hop)
    if not path:
        parts.append("()")
    return "".join(parts)
