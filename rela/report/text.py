"""The human report (``--format text``), rendered with rich into a string.

Layout, most telling first, so the first screen says what broke, where, for
how much traffic: the summary table; how many FECs were checked (and what input
filters left out); warnings; the **causes** (violated flows grouped by kind and
place, with their FECs, flows, traffic, clause and one example);
then one section per listed violation (FEC, flow, kind and clause, then
expected versus actual: side by side when the width allows, as a unified diff
otherwise, changed rows first, unchanged paths collapsed, loops folded); FEC
errors; the verdict line last so it is what a terminal shows after a long
report.  Colour only when asked for; every line fits the width (long paths
wrap at hop boundaries under their mark).  Every name from the input is made
visible (:mod:`rela.report.escape`): a name cannot print a line of its own.

>>> from rela.results import Report, SpecResult
>>> print(render_text(Report(specs=(SpecResult("s", 3, 3, 0, 0),), fecs_read=3), quiet=True))
PASS: 1 spec holds on 3 FECs
<BLANKLINE>
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from rela.report._common import (
    TRUNCATED_NOTE,
    all_causes,
    cause_destinations,
    cause_title,
    clause_text,
    counts_line,
    fec_label,
    format_traffic,
    kind_at,
    name,
    omitted_line,
    ordered_errors,
    ordered_violations,
    plural,
    spec_status,
    summary_line,
    total_fecs,
    view_lines,
)
from rela.report.rows import ARROW, FlowView, Item, Row, flow_view, tokens
from rela.results import Cause, Path, Report, SpecResult, Violation

__all__ = ["render_text", "make_console", "MAX_CAUSES", "MAX_UNCHANGED"]

_MARK_STYLE = {"-": "red", "+": "green", " ": ""}
_STATUS_STYLE = {"holds": "green", "violated": "bold red", "error": "bold yellow"}
_INDENT = 2
#: Causes listed before the violations (all of them with ``max_examples < 0``).
MAX_CAUSES = 10
#: Unchanged paths shown per flow (the rest are counted; all with ``verbose``).
MAX_UNCHANGED = 2


def make_console(file: io.StringIO, *, color: bool | None, width: int | None) -> Console:
    """A rich console writing to ``file``: ANSI colour only when ``color`` is true."""
    return Console(
        file=file,
        width=width,
        force_terminal=bool(color),
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
        soft_wrap=False,
    )


def render_text(
    report: Report,
    *,
    color: bool | None = None,
    width: int | None = None,
    quiet: bool = False,
    verbose: bool = False,
    max_examples: int = 5,
) -> str:
    """The text report as a string ending with a newline.

    ``color=None`` or ``False`` gives plain text (the caller decides, e.g. from
    ``isatty``); ``width=None`` lets rich pick (``COLUMNS`` or the terminal).
    ``quiet`` keeps only the verdict line; ``verbose`` adds per-spec times,
    totals, every unchanged path and the before/after paths of each violation.
    ``max_examples`` bounds the violations shown per spec and the causes
    (negative: all).
    """
    out = io.StringIO()
    console = make_console(out, color=color, width=width)
    verdict = _verdict(report)
    if quiet:
        console.print(verdict, soft_wrap=True)
        return _tidy(out.getvalue())
    console.print(_summary_table(report, verbose=verbose))
    if report.fecs_input is not None:  # else it would repeat the footer's count
        console.print(Text(counts_line(report)))
    for line in view_lines(report):
        console.print(Text(line, style="yellow"))
    if report.warnings:
        console.print()
        console.print(_warnings(report))
    causes = _causes(report, console.width, max_examples)
    if causes is not None:
        console.print()
        console.print(causes)
    shown_any = False
    for spec in report.specs:
        parts = _spec_violations(spec, console.width, verbose, max_examples, first=not shown_any)
        for part in parts:
            console.print(part)
        shown_any = shown_any or bool(parts)
    errors = _errors(report)
    if errors is not None:
        console.print()
        console.print(errors)
    console.print()
    console.print(_footer(report, verbose))
    console.print(verdict)
    return _tidy(out.getvalue())


def _tidy(text: str) -> str:
    """Drop the trailing spaces rich pads table cells with (they clutter logs and diffs)."""
    return "\n".join(line.rstrip(" ") for line in text.split("\n"))


def _verdict(report: Report) -> Text:
    line = summary_line(report)
    head, _, rest = line.partition(":")
    text = Text(head, style="bold green" if report.holds else "bold red")
    text.append(":" + rest)
    return text


def _summary_table(report: Report, *, verbose: bool) -> Table:
    table = Table(
        box=box.SIMPLE,
        show_edge=False,
        show_footer=verbose and len(report.specs) > 1,
        pad_edge=False,
    )
    table.add_column("spec", overflow="fold", footer="total")
    table.add_column("result")
    specs = report.specs
    numbers = [
        ("FECs", [s.total for s in specs]),
        ("hold", [s.holds for s in specs]),
        ("violated", [s.violated for s in specs]),
        ("errors", [s.errors for s in specs]),
    ]
    for label, col in numbers:
        table.add_column(label, justify="right", footer=f"{sum(col):,}")
    if verbose:
        table.add_column("time", justify="right", footer=_seconds(sum(s.seconds for s in specs)))
    for i, spec in enumerate(specs):
        status = spec_status(spec)
        style = _STATUS_STYLE.get(status, "bold red")
        row: list[RenderableType] = [Text(name(spec.name)), Text(status, style=style)]
        row += [f"{col[i]:,}" for _, col in numbers]
        if verbose:
            row.append(_seconds(spec.seconds))
        table.add_row(*row)
    return table


def _seconds(s: float) -> str:
    return f"{s:.2f} s"


# ---------------------------------------------------------------------- causes


def _causes(report: Report, width: int, max_examples: int) -> RenderableType | None:
    found = all_causes(report)
    if not found:
        return None
    limit = len(found) if max_examples < 0 else MAX_CAUSES
    parts: list[RenderableType] = [Rule(Text("Causes", style="bold"), align="left", style="dim")]
    many_specs = len(report.specs) > 1
    for n, (spec, c) in enumerate(found[:limit], 1):
        parts.append(_cause(n, spec, c, width, many_specs))
    if len(found) > limit:
        parts.append(Text(f"… {plural(len(found) - limit, 'more cause')} (--all)", style="dim"))
    return Group(*parts)


def _cause(n: int, spec: SpecResult, c: Cause, width: int, many_specs: bool) -> RenderableType:
    head = Text(f"{n}. ")
    head.append(cause_title(c), style="bold")
    counts = f"{plural(c.fecs, 'FEC')}, {plural(c.flows, 'flow')}"
    head.append(f" — {name(spec.name)}: {counts}" if many_specs else f" — {counts}")
    body = Table.grid(padding=(0, 0), pad_edge=False)
    body.add_column("", width=3)
    body.add_column("", overflow="fold")
    body.add_row("", Text("traffic: " + _destinations(c)))
    if c.clause is not None:
        body.add_row("", Text(clause_text(c.clause)))
    ex = c.example
    body.add_row("", Text(f"e.g. {fec_label(ex.fec)}, flow from {name(ex.flow)}:"))
    body.add_row("", _example_rows(flow_view(ex), width - 3))
    return Group(head, body)


def _destinations(c: Cause, limit: int = 4) -> str:
    dsts = cause_destinations(c)
    text = ", ".join(dsts[:limit])
    if len(dsts) > limit:
        text += f" (+{len(dsts) - limit} more prefixes)"
    other = sorted({k for t in c.traffic for k in t if k != "dstIp"})
    if other:
        text += f" (restricted by {', '.join(_FIELD_WORDS.get(k, k) for k in other)})"
    return text


_FIELD_WORDS = {"srcIp": "src", "dstPort": "dport", "srcPort": "sport", "protocol": "proto"}


def _example_rows(view: FlowView, width: int) -> Table:
    """The first changed row of a flow, as one or two diff lines."""
    table = Table.grid(padding=(0, 1), pad_edge=False)
    table.add_column("", width=1)
    table.add_column("", width=1)
    table.add_column("", overflow="fold")
    avail = width - 4
    for r in view.rows:
        if r.left is not None and r.left_mark == "-":
            table.add_row("", _mark("-"), _tokens_text(r.left.tokens, "-", r.prefix, avail))
        if r.right is not None and r.right_mark == "+":
            table.add_row("", _mark("+"), _tokens_text(r.right.tokens, "+", r.prefix, avail))
        if table.row_count:
            break
    return table


# ---------------------------------------------------------------------- violations


def _spec_violations(
    spec: SpecResult, width: int, verbose: bool, max_examples: int, *, first: bool
) -> list[RenderableType]:
    violations = ordered_violations(spec)
    if not violations:
        more = omitted_line(spec, 0)
        return [Text(more, style="dim")] if more else []
    limit = len(violations) if max_examples < 0 else min(max_examples, len(violations))
    parts: list[RenderableType] = []
    if first:
        parts.append(Text())
        parts.append(
            Text.assemble(
                ("- missing", "red"),
                " (expected, not present)   ",
                ("+ unexpected", "green"),
                " (present, not expected)",
            )
        )
    total = len(violations) + spec.omitted
    for n, v in enumerate(violations[:limit], 1):
        title = f"{name(spec.name)}: violation {n:,} of {len(violations):,}"
        if spec.omitted:
            title += f" listed ({total:,} in all)"
        parts.append(Text())
        parts.append(Rule(Text(title, style="bold"), align="left", style="dim"))
        parts.append(_violation(v, width, verbose))
    more = omitted_line(spec, limit)
    if more:
        parts.append(Text(more, style="dim"))
    return parts


def _violation(v: Violation, width: int, verbose: bool) -> RenderableType:
    head = Text.assemble((fec_label(v.fec), "bold"))
    if v.fec.traffic:
        head.append(f"  traffic: {format_traffic(v.fec.traffic)}")
    flow = Text.assemble("flow from ", (name(v.flow), "bold cyan"))
    e = v.explanation
    if e is not None:
        flow.append(": " + kind_at(e.kind, e.at))
    parts: list[RenderableType] = [head, flow]
    if e is not None and e.clause is not None:
        parts.append(Text(clause_text(e.clause)))
    view = flow_view(v)
    parts.append(_paths_view(view, width, verbose))
    for note in view.notes:
        parts.append(Text("note: " + note, style="yellow"))
    if v.truncated:
        parts.append(Text(TRUNCATED_NOTE, style="yellow"))
    if verbose:
        parts.append(_plain_paths("before:", v.before, width - _INDENT - 2))
        parts.append(_plain_paths("after:", v.after, width - _INDENT - 2))
    return Group(*parts)


def _wrap_hops(path: tuple[str, ...], avail: int) -> list[int]:
    """Indices of the tokens that start a new line when ``path`` is wrapped to ``avail`` columns.

    Lines break only between hops, after the arrow, greedily: two paths sharing
    a prefix break identically along it, so their first difference is easy to
    find even without colour.
    """
    breaks: list[int] = []
    used = 0
    for i, hop in enumerate(path):
        token = len(hop) + (len(ARROW) - 1 if i < len(path) - 1 else 0)
        if i and used + 1 + token > avail:
            breaks.append(i)
            used = token
        else:
            used += token + (1 if i else 0)
    return breaks


def _tokens_text(toks: tuple[str, ...], mark: str, prefix: int, avail: int | None = None) -> Text:
    """Display tokens with the shared prefix dimmed and the first changed one in bold."""
    style = _MARK_STYLE[mark]
    text = Text()
    if not toks:
        text.append("()", style=style)
        return text
    breaks = set(_wrap_hops(toks, avail)) if avail else set()
    for i, hop in enumerate(toks):
        if i:
            sep = ARROW.rstrip() + "\n" if i in breaks else ARROW
            text.append(sep, style="dim" if i <= prefix else style)
        if mark != " " and i < prefix:
            text.append(hop, style="dim")
        elif mark != " " and i == prefix:
            text.append(hop, style=f"bold {style}")
        else:
            text.append(hop, style=style)
    return text


def _item_text(item: Item, mark: str, prefix: int, avail: int | None = None) -> Text:
    text = _tokens_text(item.tokens, mark, prefix, avail)
    extra = []
    if item.loop:
        extra.append(f"forwarding loop; {plural(len(item.paths), 'listed path')}")
    if item.note:
        extra.append(item.note)
    if extra:
        text.append(f"  ({'; '.join(extra)})", style="yellow")
    return text


def _mark(mark: str) -> Text:
    return Text(mark, style=_MARK_STYLE[mark])


def _width(item: Item | None) -> int:
    if item is None:
        return 0
    return len(_item_text(item, " ", 0).plain)


def _paths_view(view: FlowView, width: int, verbose: bool) -> RenderableType:
    rows = list(view.rows)
    unchanged = list(view.unchanged)
    shown = unchanged if verbose else unchanged[:MAX_UNCHANGED]
    hidden = len(unchanged) - len(shown)
    # indent, mark, gap, mark and the paddings between the six grid columns take 9
    left = max((_width(r.left) for r in rows), default=0)
    right = max((_width(r.right) for r in rows), default=0)
    if left + right + 9 <= width and all(_width(i) <= left + right for i in shown):
        table = _side_by_side(rows)
    else:
        table = _stacked(rows, width - _INDENT - 2)
    if not unchanged:
        return table
    parts: list[RenderableType] = [table]
    label = f"{plural(len(unchanged), 'unchanged path')} (expected and present)"
    parts.append(Text(f"  = {label}" + (":" if shown else ""), style="dim"))
    grid = Table.grid(padding=(0, 1), pad_edge=False)
    grid.add_column("", width=_INDENT + 1)
    grid.add_column("", overflow="fold")
    for item in shown:
        grid.add_row("", _item_text(item, " ", 0, width - _INDENT - 4))
    if shown:
        parts.append(grid)
    if hidden:
        parts.append(Text(f"    … {hidden} more (--verbose lists them)", style="dim"))
    return Group(*parts)


def _side_by_side(rows: list[Row]) -> Table:
    table = _grid("", "", "expected", "", "", "actual")
    for r in rows:
        left = _item_text(r.left, r.left_mark, r.prefix) if r.left is not None else ""
        right = _item_text(r.right, r.right_mark, r.prefix) if r.right is not None else ""
        lmark = _mark(r.left_mark) if r.left is not None else ""
        rmark = _mark(r.right_mark) if r.right is not None else ""
        table.add_row("", lmark, left, "", rmark, right)
    return table


def _stacked(rows: list[Row], avail: int) -> Table:
    """Unified-diff style: each missing path above its paired unexpected one."""
    table = _grid("", "", "expected vs actual")
    for r in rows:
        if r.left is not None:
            table.add_row("", _mark(r.left_mark), _item_text(r.left, r.left_mark, r.prefix, avail))
        if r.right is not None:
            table.add_row(
                "", _mark(r.right_mark), _item_text(r.right, r.right_mark, r.prefix, avail)
            )
    return table


def _grid(*headers: str) -> Table:
    """A borderless table: an indent column, then ``headers`` (narrow columns for marks)."""
    table = Table.grid(padding=(0, 1), pad_edge=False)
    table.show_header = True
    table.header_style = "bold"
    table.add_column("", width=_INDENT - 1)
    for h in headers[1:]:
        if h:
            table.add_column(h, overflow="fold")
        else:
            table.add_column("", width=1)
    return table


def _plain_paths(label: str, paths: tuple[Path, ...], avail: int) -> Table:
    table = _grid("", "", label)
    for p in paths:
        table.add_row("", "", _tokens_text(tokens(p), " ", 0, avail))
    if not paths:
        table.add_row("", "", Text("(no paths)", style="dim"))
    return table


# ---------------------------------------------------------------------- the rest


def _errors(report: Report) -> RenderableType | None:
    lines: list[RenderableType] = []
    for spec in report.specs:
        for e in ordered_errors(spec):
            lines.append(
                Text.assemble(
                    ("error", "bold yellow"),
                    f": {name(spec.name)}: {fec_label(e.fec)}: {name(e.message)}",
                )
            )
    if not lines:
        return None
    title = Text("FECs that could not be verified", style="bold")
    return Group(Rule(title, align="left", style="dim"), *lines)


def _warnings(report: Report) -> RenderableType:
    lines: list[RenderableType] = []
    for w in report.warnings:
        where = f"{name(w.spec)}: " if w.spec else ""
        lines.append(Text.assemble(("warning", "yellow"), f": {where}{name(w.message)}"))
        if w.hint:  # indented as a whole, wrapped lines included
            lines.append(Padding(Text(f"hint: {name(w.hint)}", style="dim"), (0, 0, 0, 2)))
    return Group(*lines)


def _footer(report: Report, verbose: bool) -> Text:
    text = Text(f"Checked {plural(total_fecs(report), 'FEC')} in {_seconds(report.seconds)}")
    cache = report.cache
    text.append(f" ({cache.fecs_cached:,} from the cache)." if cache is not None else ".")
    if verbose:
        shown = sum(len(s.violations) for s in report.specs)
        text.append(
            f" {plural(len(report.specs), 'spec')}, {plural(shown, 'violating flow')} listed,"
            f" {plural(len(report.warnings), 'warning')}."
        )
    return text
