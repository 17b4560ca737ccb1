"""The human report (``--format text``), rendered with rich into a string.

Layout: a summary table, one section per shown violation (FEC, flow, expected
versus actual paths side by side when the width allows, as a unified diff
otherwise), FEC errors, warnings, and the verdict line last so it is what a
terminal shows after a long report. Colour only when asked for; every line fits
the width (long paths wrap at hop boundaries under their mark).

>>> from rela.results import Report, SpecResult
>>> print(render_text(Report(specs=(SpecResult("s", 3, 3, 0, 0),), fecs_read=3), quiet=True))
PASS: 1 spec holds on 3 FECs
<BLANKLINE>
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from rela.report._common import (
    ARROW,
    TRUNCATED_NOTE,
    DiffRow,
    diff_rows,
    fec_label,
    format_path,
    format_traffic,
    ordered_errors,
    ordered_violations,
    plural,
    spec_status,
    summary_line,
    total_fecs,
)
from rela.results import Path, Report, SpecResult, Violation

__all__ = ["render_text", "make_console"]

_MARK_STYLE = {"-": "red", "+": "green", " ": ""}
_STATUS_STYLE = {"holds": "green", "violated": "bold red", "error": "bold yellow"}
_INDENT = 2


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
    totals and the before/after paths of each violation. ``max_examples``
    bounds the violations shown per spec (negative: all).
    """
    out = io.StringIO()
    console = make_console(out, color=color, width=width)
    verdict = _verdict(report)
    if quiet:
        console.print(verdict, soft_wrap=True)
        return _tidy(out.getvalue())
    console.print(_summary_table(report, verbose=verbose))
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
    if report.warnings:
        console.print()
        console.print(_warnings(report))
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
    for name, col in numbers:
        total = sum(col)
        table.add_column(name, justify="right", footer=str(total))
    if verbose:
        table.add_column("time", justify="right", footer=_seconds(sum(s.seconds for s in specs)))
    for i, spec in enumerate(specs):
        status = spec_status(spec)
        style = _STATUS_STYLE.get(status, "bold red")
        row: list[RenderableType] = [Text(spec.name), Text(status, style=style)]
        row += [str(col[i]) for _, col in numbers]
        if verbose:
            row.append(_seconds(spec.seconds))
        table.add_row(*row)
    return table


def _seconds(s: float) -> str:
    return f"{s:.2f} s"


def _spec_violations(
    spec: SpecResult, width: int, verbose: bool, max_examples: int, *, first: bool
) -> list[RenderableType]:
    violations = ordered_violations(spec)
    if not violations:
        return []
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
    for n, v in enumerate(violations[:limit], 1):
        title = f"{spec.name}: violation {n} of {len(violations)}"
        parts.append(Text())
        parts.append(Rule(Text(title, style="bold"), align="left", style="dim"))
        parts.append(_violation(v, width, verbose))
    hidden = len(violations) - limit
    if hidden:
        parts.append(
            Text(f"… {plural(hidden, 'more violation')} of {spec.name} not shown", style="dim")
        )
    return parts


def _violation(v: Violation, width: int, verbose: bool) -> RenderableType:
    head = Text.assemble((fec_label(v.fec), "bold"))
    if v.fec.traffic:
        head.append(f"  traffic: {format_traffic(v.fec.traffic)}")
    flow = Text.assemble("flow from ", (v.flow, "bold cyan"))
    rows = diff_rows(v)
    parts: list[RenderableType] = [head, flow, _paths_view(rows, width)]
    if v.truncated:
        parts.append(Text(TRUNCATED_NOTE, style="yellow"))
    if verbose:
        parts.append(_plain_paths("before:", v.before, width - _INDENT - 2))
        parts.append(_plain_paths("after:", v.after, width - _INDENT - 2))
    return Group(*parts)


def _wrap_hops(path: Path, avail: int) -> list[int]:
    """Indices of the hops that start a new line when ``path`` is wrapped to ``avail`` columns.

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


def _path_text(path: Path, mark: str, prefix: int, avail: int | None = None) -> Text:
    """A path with its shared prefix dimmed and the first changed hop in bold."""
    style = _MARK_STYLE[mark]
    text = Text()
    if not path:
        text.append("()", style=style)
        return text
    breaks = set(_wrap_hops(path, avail)) if avail else set()
    for i, hop in enumerate(path):
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


def _mark(mark: str) -> Text:
    return Text(mark, style=_MARK_STYLE[mark])


def _paths_view(rows: list[DiffRow], width: int) -> Table:
    def widest(paths: list[Path | None]) -> int:
        return max((len(format_path(p)) for p in paths if p is not None), default=0)

    # indent, mark, gap, mark and the paddings between the six grid columns take 9
    if widest([r.left for r in rows]) + widest([r.right for r in rows]) + 9 <= width:
        return _side_by_side(rows)
    return _stacked(rows, width - _INDENT - 2)


def _side_by_side(rows: list[DiffRow]) -> Table:
    table = _grid("", "", "expected", "", "", "actual")
    for r in rows:
        left = _path_text(r.left, r.left_mark, r.prefix) if r.left is not None else ""
        right = _path_text(r.right, r.right_mark, r.prefix) if r.right is not None else ""
        lmark = _mark(r.left_mark) if r.left is not None else ""
        rmark = _mark(r.right_mark) if r.right is not None else ""
        table.add_row("", lmark, left, "", rmark, right)
    return table


def _stacked(rows: list[DiffRow], avail: int) -> Table:
    """Unified-diff style: context paths once, each missing path above its paired unexpected one."""
    table = _grid("", "", "expected vs actual")
    for r in rows:
        if r.left is not None and r.left == r.right and r.left_mark == r.right_mark == " ":
            table.add_row("", _mark(" "), _path_text(r.left, " ", 0, avail))
            continue
        if r.left is not None:
            table.add_row("", _mark(r.left_mark), _path_text(r.left, r.left_mark, r.prefix, avail))
        if r.right is not None:
            table.add_row(
                "", _mark(r.right_mark), _path_text(r.right, r.right_mark, r.prefix, avail)
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
        table.add_row("", "", _path_text(p, " ", 0, avail))
    if not paths:
        table.add_row("", "", Text("(no paths)", style="dim"))
    return table


def _errors(report: Report) -> RenderableType | None:
    lines: list[RenderableType] = []
    for spec in report.specs:
        for e in ordered_errors(spec):
            lines.append(
                Text.assemble(
                    ("error", "bold yellow"), f": {spec.name}: {fec_label(e.fec)}: {e.message}"
                )
            )
    if not lines:
        return None
    title = Text("FECs that could not be verified", style="bold")
    return Group(Rule(title, align="left", style="dim"), *lines)


def _warnings(report: Report) -> RenderableType:
    lines: list[RenderableType] = []
    for w in report.warnings:
        where = f"{w.spec}: " if w.spec else ""
        lines.append(Text.assemble(("warning", "yellow"), f": {where}{w.message}"))
    return Group(*lines)


def _footer(report: Report, verbose: bool) -> Text:
    text = Text(f"Checked {plural(total_fecs(report), 'FEC')} in {_seconds(report.seconds)}.")
    if verbose:
        shown = sum(len(s.violations) for s in report.specs)
        text.append(
            f" {plural(len(report.specs), 'spec')}, {plural(shown, 'violating flow')} listed,"
            f" {plural(len(report.warnings), 'warning')}."
        )
    return text
