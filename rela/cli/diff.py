"""``rela diff``: which FECs and flows a change changes, without a spec.

The command calls :func:`rela.diff.diff_change` and renders its report
(``rela.report.diff_text``, ``diff_markdown``, ``diff_json``,
``html_diff``): the summary first, then the most telling FECs.  ``--dot DIR``
draws every changed FEC.  Exit status as ``diff(1)``: 0 nothing changed, 1
something changed (or an FEC hit a resource limit), 2 bad input (a malformed
FEC) or usage.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

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
    AllOption,
    ColorOption,
    FecOption,
    JobsOption,
    KindOption,
    MaxPathsOption,
    MaxStatesOption,
    NoProgressOption,
    OutputOption,
    QuietOption,
    ThroughOption,
    format_option,
)
from rela.cli.output import Sink, check_output, is_stdout, open_output, refuse_clobber
from rela.errors import RelaError
from rela.network.model import Fec, Granularity
from rela.report.progress import progress_bar

if TYPE_CHECKING:  # the diff engine is imported when the command runs, not by every command
    from rela.diff import DiffReport, FecDiff

__all__ = ["diff", "DEFAULT_MAX_FECS"]

#: FECs listed by the text and Markdown outputs unless told otherwise.
DEFAULT_MAX_FECS = 10
#: FECs listed (and drawn, up to its own limit) by the HTML page unless told otherwise.
DEFAULT_MAX_FECS_HTML = 100
MaxFecsOption = Annotated[
    int | None,
    typer.Option(
        "--max-fecs",
        min=0,
        metavar="N",
        help=f"FECs listed, most telling first (default: {DEFAULT_MAX_FECS} in text and "
        f"Markdown, {DEFAULT_MAX_FECS_HTML} in HTML, all in JSON; --all: all); "
        "counts stay exact.",
        show_default=False,
    ),
]
#: Lines written to the output at a time.
_BLOCK = 256


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


def _dot_writer(directory: Path, flows: list[str]) -> Callable[[Fec, FecDiff], None]:
    from rela.diff import fec_dot

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


def _write_lines(sink: Sink, lines: Iterable[str]) -> None:
    """Write lines as they come, a block at a time (a long listing is never held whole)."""
    block: list[str] = []
    for line in lines:
        block.append(line)
        if len(block) >= _BLOCK:
            sink.write(("\n".join(block) + "\n").encode("utf-8"))
            block = []
    if block:
        sink.write(("\n".join(block) + "\n").encode("utf-8"))


def _max_fecs(fmt: Format, max_fecs: int | None, show_all: bool) -> int | None:
    if show_all:
        return None
    if max_fecs is not None:
        return max_fecs
    return {Format.json: None, Format.html: DEFAULT_MAX_FECS_HTML}.get(fmt, DEFAULT_MAX_FECS)


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
    through: ThroughOption = None,
    kind: KindOption = None,
    fec: FecOption = None,
    max_fecs: MaxFecsOption = None,
    show_all: AllOption = False,
    max_paths: MaxPathsOption = DEFAULT_MAX_PATHS,
    fmt: Annotated[Format, format_option()] = Format.text,
    output: OutputOption = None,
    dot: Annotated[
        Path | None,
        typer.Option(
            "--dot",
            metavar="DIR",
            help="Write a Graphviz drawing of each changed FEC to DIR/fec-INDEX.dot "
            "(the diff then runs in one process).",
            show_default=False,
        ),
    ] = None,
    jobs: JobsOption = None,
    max_states: MaxStatesOption = DEFAULT_MAX_STATES,
    color: ColorOption = None,
    quiet: QuietOption = False,
    no_progress: NoProgressOption = False,
) -> None:
    """Show what a change does to paths: a summary of what changed where, then the FECs.

    The summary counts every FEC (new drops and loops, dispositions before and
    after, devices and links that lost or gained traffic); the FECs follow, most
    telling first, with removed (-) and added (+) paths and exact counts.
    --through, --kind and --fec choose what is listed and summed up, never the
    exit status.

    Exit status (as diff(1)): 0 nothing changed; 1 some FEC changed, or an FEC
    hit a resource limit; 2 bad input or usage (a malformed snapshot or FEC, a
    selector that selects nothing, an unwritable output).
    """
    from rela.diff import ERROR, diff_change
    from rela.report.diff_common import plural, verdict

    flows = list(flow or [])
    inputs = [change, before, after, groups]
    with handle_errors():
        check_output(output, inputs)
        if dot is not None:
            refuse_clobber(dot, inputs, option="--dot")
        loaded = change_from_options(change, before, after, granularity, groups, start, dst, flow)
        draw = _dot_writer(dot, flows) if dot is not None else None
        with progress_bar(None, enabled=not no_progress and sys.stderr.isatty()) as advance:
            report = diff_change(
                loaded,
                flow=flows,
                dst=list(dst or []),
                max_paths=max_paths,
                include_unchanged=show_all,
                max_states=max_states,
                on_fec=None if draw is None else (lambda f, d: draw(f, d)),
                max_fecs=_max_fecs(fmt, max_fecs, show_all),
                through=list(through or []),
                kind=[k.value for k in kind or []],
                fec=list(fec or []),
                jobs=jobs if jobs is not None else 0,
                progress=advance,
            )
        if quiet and fmt is Format.text:  # the verdict line alone: warnings go to stderr
            err_console.warn_quiet(report.warnings)
        _render(report, loaded, fmt, output, color=color, quiet=quiet, show_all=show_all)
        if not is_stdout(output) and not (quiet and fmt is Format.text):
            err_console.print(verdict(report), markup=False)
    malformed = sum(1 for fd in report.fecs if fd.status == ERROR and fd.input_error)
    if malformed:
        err_console.print(
            f"error: {plural(malformed, 'FEC')} of the input "
            f"{'is' if malformed == 1 else 'are'} malformed (see the output)",
            markup=False,
        )
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_VIOLATED if report.changed or report.errors else EXIT_OK)


def _render(
    report: DiffReport,
    loaded: Iterable[Fec],
    fmt: Format,
    output: Path | None,
    *,
    color: bool | None,
    quiet: bool,
    show_all: bool,
) -> None:
    """Write the report in ``fmt`` to ``output`` (text is streamed, line by line)."""
    from rela.report.diff_common import verdict

    with open_output(output) as sink:
        if fmt is Format.json:  # written as it is made: at scale it is hundreds of MB
            from rela.report.diff_json import json_chunks

            for chunk in json_chunks(report):
                sink.write(chunk.encode("utf-8"))
        elif quiet:
            sink.write((verdict(report) + "\n").encode("utf-8"))
        elif fmt is Format.markdown:
            from rela.report.diff_markdown import render_markdown

            sink.write(render_markdown(report, show_all=show_all).encode("utf-8"))
        elif fmt is Format.html:
            from rela.report.html_diff import render_diff_html

            page = render_diff_html(report, loaded, max_fecs=-1)
            sink.write((page if page.endswith("\n") else page + "\n").encode("utf-8"))
        else:
            to_terminal = is_stdout(output) and sys.stdout.isatty()
            use_color = color if color is not None else to_terminal
            width = None if to_terminal else 80
            if width is None:
                import shutil

                width = shutil.get_terminal_size((80, 24)).columns
            from rela.report.diff_text import text_lines

            lines = text_lines(report, color=bool(use_color), width=width, show_all=show_all)
            _write_lines(sink, lines)
