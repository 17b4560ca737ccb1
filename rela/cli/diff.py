"""``rela diff``: which FECs and flows a change changes, without a spec.

The command calls :func:`rela.diff.diff_change` and renders its report: a
summary table, then a tree per FEC shown (FEC → flow → removed paths in red,
prefixed ``-``, added paths in green, prefixed ``+``), then a verdict line; or
the JSON document of ``rela/schemas/diff.schema.json``.  ``--dot DIR`` draws
every changed FEC.  Exit status as ``diff(1)``: 0 nothing changed, 1 something
changed (or an FEC hit a resource limit), 2 bad input (a malformed FEC) or usage.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from rela.cli.app import EXIT_INPUT, EXIT_OK, EXIT_VIOLATED, app, err_console, handle_errors
from rela.cli.inputs import (
    AfterOption,
    BeforeOption,
    ChangeOption,
    DstOption,
    FlowOption,
    GranularityOption,
    GroupsOption,
    StartOption,
    change_from_options,
)
from rela.cli.options import (
    DEFAULT_MAX_PATHS,
    DEFAULT_MAX_STATES,
    ColorOption,
    MaxPathsOption,
    MaxStatesOption,
    NoProgressOption,
    OutputOption,
    QuietOption,
    format_option,
)
from rela.cli.output import check_output, emit, is_stdout, refuse_clobber
from rela.diff import (
    ERROR,
    UNCHANGED,
    DiffReport,
    FecDiff,
    FlowDiff,
    PathList,
    diff_change,
    fec_dot,
)
from rela.errors import RelaError
from rela.network.model import Fec, Granularity
from rela.report.progress import progress_bar
from rela.report.text import make_console

__all__ = ["diff", "render_text", "render_json", "verdict"]

ARROW = " -> "
_STATUS_STYLE = {
    UNCHANGED: "green",
    "changed": "bold red",
    "only-before": "bold red",
    "only-after": "bold red",
    ERROR: "bold yellow",
}
# Tree guides take 4 columns per level and path leaves sit two levels down.
_PATH_INDENT = 8


class Format(str, Enum):
    text = "text"
    json = "json"
    html = "html"


# ---------------------------------------------------------------------- wording


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def count_text(n: int | None) -> str:
    """A path count for people: ``1,024``, or ``infinite (loop)`` for ``None``.

    >>> count_text(1 << 30), count_text(None)
    ('1,073,741,824', 'infinite (loop)')
    """
    return "infinite (loop)" if n is None else f"{n:,}"


def _paths_word(n: int | None) -> str:
    """``1 path``, ``3 paths``, ``infinite (loop) paths``."""
    return f"{count_text(n)} path{'' if n == 1 else 's'}"


def verdict(report: DiffReport) -> str:
    """The one-line outcome (the last line of the text output).

    >>> from rela.diff import DiffSummary
    >>> verdict(DiffReport(DiffSummary(fecs=3, unchanged=3)))
    'UNCHANGED: 3 FECs compared, no path changed'
    """
    s = report.summary
    changed = s.changed + s.only_before + s.only_after
    parts = []
    if changed:
        parts.append(
            f"CHANGED: {changed:,} of {_plural(s.fecs, 'FEC')} changed paths "
            f"({_plural(s.flows_changed, 'flow')})"
        )
    if s.errors:
        parts.append(f"ERROR: {_plural(s.errors, 'FEC')} could not be compared")
    if not parts:
        return f"UNCHANGED: {_plural(s.fecs, 'FEC')} compared, no path changed"
    return "; ".join(parts)


def _traffic(fd: FecDiff, limit: int = 3) -> str:
    keys = [" ".join(f"{k}={v}" for k, v in t.items()) or "(any)" for t in fd.fec.traffic]
    text = "; ".join(keys[:limit])
    if len(keys) > limit:
        text += f"; (+{len(keys) - limit} more)"
    return text


# ---------------------------------------------------------------------- text


def _summary_table(report: DiffReport) -> Table:
    s = report.summary
    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    rows: list[tuple[str, str, str]] = [
        ("FECs compared", f"{s.fecs:,}", "bold"),
        ("unchanged", f"{s.unchanged:,}", "green" if s.unchanged else ""),
        ("changed", f"{s.changed:,}", "red" if s.changed else ""),
        ("only before (no paths after)", f"{s.only_before:,}", "red" if s.only_before else ""),
        ("only after (no paths before)", f"{s.only_after:,}", "red" if s.only_after else ""),
        ("errors", f"{s.errors:,}", "bold yellow" if s.errors else ""),
        ("flows changed", f"{s.flows_changed:,}", "red" if s.flows_changed else ""),
        (
            "FECs with a loop (before / after)",
            f"{s.loops_before:,} / {s.loops_after:,}",
            "bold yellow" if s.loops_before or s.loops_after else "",
        ),
    ]
    for what, count, style in rows:
        table.add_row(Text(what), Text(count, style=style))
    return table


def _path_text(path: tuple[str, ...], mark: str, style: str, avail: int) -> Text:
    """``- a -> b -> c`` wrapped between hops to ``avail`` columns, continuations indented.

    >>> print(_path_text(("aaaa", "bbbb", "cccc"), "-", "", 17).plain)
    - aaaa -> bbbb ->
      cccc
    """
    parts = [mark, " "]
    used = len(mark) + 1
    for i, hop in enumerate(path):
        # keep room for the " ->" that ends the line if the next hop breaks
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
    return Text("".join(parts), style=style)


def _add_paths(node: Tree, paths: PathList, mark: str, style: str, avail: int) -> None:
    for p in paths.paths:
        node.add(_path_text(p, mark, style, avail))
    if paths.truncated:
        more = "more" if paths.count is None else f"{paths.count - len(paths.paths):,} more"
        word = "removed" if mark == "-" else "added"
        node.add(Text(f"{mark} … {more} {word} paths (raise --max-paths)", style="dim"))


def _flow_label(f: FlowDiff) -> Text:
    label = Text.assemble("flow ", (f.flow, "bold cyan"))
    if f.status == UNCHANGED:
        label.append(f"  unchanged: {_paths_word(f.before)}", style="dim")
        return label
    label.append(f"  {f.status}", style=_STATUS_STYLE.get(f.status, "bold red"))
    label.append(f": {_paths_word(f.before)} before, {count_text(f.after)} after; ")
    label.append(f"-{count_text(f.removed.count)} removed", style="red")
    label.append(", ")
    label.append(f"+{count_text(f.added.count)} added", style="green")
    return label


def _fec_label(fd: FecDiff) -> Text:
    head = f"FEC #{fd.fec.index}" + (f" ({fd.fec.key})" if fd.fec.key else "")
    label = Text(head, style="bold")
    label.append("  ")
    label.append(fd.status, style=_STATUS_STYLE.get(fd.status, "bold red"))
    loops = [side for side, on in (("before", fd.loop_before), ("after", fd.loop_after)) if on]
    if loops:
        label.append(f"  forwarding loop {' and '.join(loops)}", style="bold yellow")
    if fd.fec.traffic:
        label.append(f"\ntraffic: {_traffic(fd)}", style="dim")
    return label


def _fec_tree(fd: FecDiff, width: int) -> Tree:
    tree = Tree(_fec_label(fd), guide_style="dim")
    if fd.status == ERROR:
        tree.add(Text.assemble(("error", "bold yellow"), f": {fd.problem}"))
        return tree
    avail = max(20, width - _PATH_INDENT)
    for f in fd.flows:
        node = tree.add(_flow_label(f))
        _add_paths(node, f.removed, "-", "red", avail)
        _add_paths(node, f.added, "+", "green", avail)
    hidden = fd.flows_total - len(fd.flows)
    if hidden:
        tree.add(Text(f"{_plural(hidden, 'other flow')} unchanged (--all lists them)", style="dim"))
    elif not fd.flows_total:
        tree.add(Text("(no flows)", style="dim"))
    return tree


def render_text(report: DiffReport, *, color: bool = False, width: int | None = 80) -> str:
    """The text output: a summary table, a tree per FEC shown, the verdict line."""
    out = io.StringIO()
    console = make_console(out, color=color, width=width)
    title = Text("rela diff", style="bold")
    if report.description:
        title.append(f": {report.description}")
    title.append(f" (granularity {report.granularity})", style="dim")
    console.print(title)
    console.print(_summary_table(report))
    parts: list[RenderableType] = []
    if report.fecs and any(fd.flows for fd in report.fecs):
        parts.append(
            Text.assemble(
                ("- removed", "red"),
                " (before, not after)   ",
                ("+ added", "green"),
                " (after, not before)",
            )
        )
    for fd in report.fecs:
        parts.append(Text())
        parts.append(_fec_tree(fd, console.width))
    if parts:
        console.print(Group(*parts))
        console.print()
    style = "bold yellow" if report.errors else ("bold red" if report.changed else "bold green")
    line = verdict(report)
    head, _, rest = line.partition(":")
    console.print(Text.assemble((head, style), ":" + rest))
    return "\n".join(line.rstrip(" ") for line in out.getvalue().split("\n"))


# An indented array or object of scalars (no nested brackets or braces, even in strings).
_FLAT = re.compile(r"([\[{])\n\s+([^\[\]{}]*?)\n\s*([\]}])")
_FLAT_OBJECT_WIDTH = 72


def _one_line(m: re.Match[str]) -> str:
    # JSON strings hold no raw newline, so joining the lines is safe
    line = m.group(1) + ", ".join(x.strip() for x in m.group(2).split(",\n")) + m.group(3)
    return line if m.group(1) == "[" or len(line) <= _FLAT_OBJECT_WIDTH else m.group(0)


def render_json(report: DiffReport) -> str:
    """The JSON output (``rela/schemas/diff.schema.json``), indented, one path per line.

    >>> from rela.diff import DiffSummary
    >>> json.loads(render_json(DiffReport(DiffSummary()))) == DiffReport(DiffSummary()).to_dict()
    True
    """
    text = _FLAT.sub(_one_line, json.dumps(report.to_dict(), indent=2))
    return text + "\n"


# ---------------------------------------------------------------------- command


def _dot_writer(directory: Path, flows: list[str]) -> Callable[[Fec, FecDiff], None]:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RelaError(
            f"cannot create the --dot directory: {exc.strerror}", filename=str(directory)
        ) from None

    def write(fec: Fec, d: FecDiff) -> None:
        if not d.changed:
            return
        target = directory / f"fec-{fec.index}.dot"
        try:
            target.write_text(fec_dot(fec, flows), encoding="utf-8")
        except OSError as exc:
            raise RelaError(f"cannot write: {exc.strerror}", filename=str(target)) from None

    return write


@app.command()
def diff(
    change: ChangeOption = None,
    before: BeforeOption = None,
    after: AfterOption = None,
    granularity: GranularityOption = Granularity.DEVICE,
    groups: GroupsOption = None,
    start: StartOption = None,
    dst: DstOption = None,
    flow: FlowOption = None,
    all_fecs: Annotated[
        bool,
        typer.Option("--all", "-a", help="Show unchanged FECs and flows too.", show_default=False),
    ] = False,
    max_paths: MaxPathsOption = DEFAULT_MAX_PATHS,
    fmt: Annotated[Format, format_option()] = Format.text,
    output: OutputOption = None,
    dot: Annotated[
        Path | None,
        typer.Option(
            "--dot",
            metavar="DIR",
            help="Write a Graphviz drawing of each changed FEC to DIR/fec-INDEX.dot.",
            show_default=False,
        ),
    ] = None,
    max_states: MaxStatesOption = DEFAULT_MAX_STATES,
    color: ColorOption = None,
    quiet: QuietOption = False,
    no_progress: NoProgressOption = False,
) -> None:
    """Show which FECs and flows change paths: removed (-) and added (+) paths, exact counts.

    Exit status (as diff(1)): 0 nothing changed; 1 some FEC changed, or an FEC
    hit a resource limit; 2 bad input or usage (a malformed snapshot or FEC, a
    selector that selects nothing, an unwritable output).
    """
    flows = list(flow or [])
    inputs = [change, before, after, groups]
    with handle_errors():
        check_output(output, inputs)
        if dot is not None:
            refuse_clobber(dot, inputs, option="--dot")
        loaded = change_from_options(change, before, after, granularity, groups, start, dst)
        draw = _dot_writer(dot, flows) if dot is not None else None
        with progress_bar(None, enabled=not no_progress and sys.stderr.isatty()) as advance:

            def on_fec(fec: Fec, d: FecDiff) -> None:
                advance(1)
                if draw is not None:
                    draw(fec, d)

            report = diff_change(
                loaded,
                flow=flows,
                dst=list(dst or []),
                max_paths=max_paths,
                include_unchanged=all_fecs,
                max_states=max_states,
                on_fec=on_fec,
            )
        to_terminal = is_stdout(output) and sys.stdout.isatty()
        if fmt is Format.json:
            text = render_json(report)
        elif quiet:
            text = verdict(report) + "\n"
        elif fmt is Format.html:
            from rela.report.html_diff import render_diff_html

            text = render_diff_html(report, loaded)
        else:
            use_color = color if color is not None else to_terminal
            text = render_text(report, color=use_color, width=None if to_terminal else 80)
        emit(text if text.endswith("\n") else text + "\n", output)
        if not is_stdout(output) and not (quiet and fmt is Format.text):
            err_console.print(verdict(report), markup=False)
    malformed = sum(1 for fd in report.fecs if fd.status == ERROR and fd.input_error)
    if malformed:
        err_console.print(
            f"error: {_plural(malformed, 'FEC')} of the input "
            f"{'is' if malformed == 1 else 'are'} malformed (see the output)",
            markup=False,
        )
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_VIOLATED if report.changed or report.errors else EXIT_OK)
