"""``rela check``: verify a change against a spec file."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from rela.cli.app import EXIT_INPUT, EXIT_OK, EXIT_VIOLATED, app, err_console, handle_errors
from rela.cli.inputs import (
    AfterOption,
    BeforeOption,
    ChangeOption,
    DstOption,
    GranularityOption,
    GroupsOption,
    StartOption,
    change_from_options,
)
from rela.cli.options import (
    DEFAULT_FEC_TIMEOUT,
    DEFAULT_MAX_PATHS,
    DEFAULT_MAX_STATES,
    ColorOption,
    FecTimeoutOption,
    JobsOption,
    MaxPathsOption,
    MaxStatesOption,
    NoProgressOption,
    OutputOption,
    QuietOption,
    StrictOption,
    VerboseOption,
    format_option,
)
from rela.cli.output import emit, refuse_clobber
from rela.network.model import Granularity
from rela.results import KINDS, Report

__all__ = ["check", "DEFAULT_MAX_VIOLATIONS", "strict_problems"]

#: Violated flows listed per spec by the text and Markdown reports unless told otherwise.
DEFAULT_MAX_VIOLATIONS = 5

Kind = Enum("Kind", {k.replace("-", "_"): k for k in KINDS}, type=str)  # type: ignore[misc]


class Format(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"
    markdown = "markdown"
    html = "html"


class Executor(str, Enum):
    local = "local"
    dask = "dask"


@app.command()
def check(
    spec_file: Annotated[Path, typer.Argument(help="The spec file (*.rela).", show_default=False)],
    change: ChangeOption = None,
    before: BeforeOption = None,
    after: AfterOption = None,
    granularity: GranularityOption = Granularity.DEVICE,
    groups: GroupsOption = None,
    start: StartOption = None,
    dst: DstOption = None,
    spec: Annotated[
        list[str] | None,
        typer.Option(
            "--spec",
            "-s",
            metavar="NAME",
            help="Check only this spec/assert (repeatable).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[Format, format_option("Report format.")] = Format.text,
    output: OutputOption = None,
    max_paths: MaxPathsOption = DEFAULT_MAX_PATHS,
    jobs: JobsOption = None,
    executor: Annotated[Executor, typer.Option(help="Where FECs are checked.")] = Executor.local,
    scheduler: Annotated[
        str | None,
        typer.Option(
            metavar="ADDR",
            help="Dask scheduler address (default: a local cluster).",
            show_default=False,
        ),
    ] = None,
    max_states: MaxStatesOption = DEFAULT_MAX_STATES,
    fec_timeout: FecTimeoutOption = DEFAULT_FEC_TIMEOUT,
    color: ColorOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    no_progress: NoProgressOption = False,
    strict: StrictOption = False,
    max_violations: Annotated[
        int | None,
        typer.Option(
            "--max-violations",
            min=0,
            metavar="N",
            help=f"Violated flows listed per spec (default: {DEFAULT_MAX_VIOLATIONS} in text "
            "and Markdown, all in JSON and JUnit). Counts and causes always cover all of them.",
            show_default=False,
        ),
    ] = None,
    all_violations: Annotated[
        bool,
        typer.Option("--all", help="List every violated flow and every cause.", show_default=False),
    ] = False,
    through: Annotated[
        list[str] | None,
        typer.Option(
            "--through",
            metavar="LOC",
            help="List only violations with a path through LOC (name matching; repeatable).",
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        list[Kind] | None,
        typer.Option(
            "--kind",
            metavar="KIND",
            help="List only violations of this kind (repeatable): " + ", ".join(KINDS) + ".",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    fec: Annotated[
        list[str] | None,
        typer.Option(
            "--fec",
            metavar="KEY",
            help="List only violations of the FEC with this key or index (#N; repeatable).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check that the change does what SPEC_FILE says, for every FEC.

    The report lists the causes first (violated flows grouped by what happened
    and where), then the violations; --through, --kind and --fec choose which
    violations are listed, never the verdict.

    Exit status: 0 every spec holds, 1 a spec is violated or an FEC could not be
    checked (or, with --strict, there is a warning), 2 bad input or usage.
    """
    import rela
    from rela.report import render
    from rela.report.progress import progress_bar
    from rela.report.view import select

    with handle_errors():
        refuse_clobber(output, [spec_file, change, before, after, groups])
        module = rela.load_spec(spec_file)
        fecs = change_from_options(
            change, before, after, granularity, groups, start or [], dst or []
        )
        n_jobs = jobs if jobs is not None else 0  # 0: all cores, serial for small changes
        show_progress = not no_progress and sys.stderr.isatty()
        with progress_bar(None, enabled=show_progress) as advance:
            report = rela.verify(
                module,
                fecs,
                specs=spec,
                max_paths=max_paths,
                max_states=max_states,
                fec_timeout=fec_timeout,
                jobs=n_jobs,
                executor=executor.value,
                scheduler=scheduler,
                progress=advance,
            )
        human = fmt in (Format.text, Format.markdown, Format.html)
        limit = None if all_violations else max_violations
        shown = select(
            report,
            through=list(through or []),
            kinds=[k.value for k in kind or []],
            fecs=list(fec or []),
            limit=None if human else limit,
        )
        examples = -1 if all_violations else (DEFAULT_MAX_VIOLATIONS if limit is None else limit)
        to_terminal = output is None and sys.stdout.isatty()
        use_color = color if color is not None else (to_terminal and fmt is Format.text)
        if fmt is Format.html:
            from rela.report.html import MAX_VIOLATIONS, render_html

            most = MAX_VIOLATIONS if max_violations is None else max_violations
            text = render_html(shown, fecs, max_violations=-1 if all_violations else most)
        else:
            text = render(
                shown,
                fmt.value,
                color=use_color,
                quiet=quiet,
                verbose=verbose,
                max_examples=examples,
            )
        emit(text if text.endswith("\n") else text + "\n", output)
        if output is not None and (fmt is not Format.text or not quiet):
            summary = render(report, "text", color=False, quiet=True)
            err_console.print(summary.rstrip(), markup=False, highlight=False)
    if report.input_errors:
        err_console.print(
            f"error: {report.input_errors} FEC(s) of the input are malformed (see the report)",
            markup=False,
        )
        raise typer.Exit(EXIT_INPUT)
    if strict and report.holds:
        problems = strict_problems(report)
        if problems:
            err_console.print(f"error: --strict: {'; '.join(problems)}", markup=False)
            raise typer.Exit(EXIT_VIOLATED)
    raise typer.Exit(EXIT_OK if report.holds else EXIT_VIOLATED)


def strict_problems(report: Report) -> list[str]:
    """Why ``--strict`` fails a run that holds: its warnings and the FECs filters left out.

    >>> from rela.results import FilterNote, Warning_
    >>> strict_problems(Report(specs=(), warnings=(Warning_("s", "m", "vacuous-clause"),),
    ...     filters=(FilterNote("--dst", "10.0.0.0/8", 3, "outside"),)))
    ['1 warning (vacuous-clause)', '--dst 10.0.0.0/8 left out 3 FECs']
    """
    out = []
    if report.warnings:
        codes = sorted({w.code for w in report.warnings})
        n = len(report.warnings)
        out.append(f"{n} warning{'s' if n != 1 else ''} ({', '.join(codes)})")
    for f in report.filters:
        if f.left_out:
            out.append(
                f"{f.option} {f.value} left out {f.left_out} FEC{'s' if f.left_out != 1 else ''}"
            )
    return out
