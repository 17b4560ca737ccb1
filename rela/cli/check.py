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
    VerboseOption,
    format_option,
)
from rela.cli.output import emit, refuse_clobber
from rela.network.model import Granularity

__all__ = ["check"]


class Format(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"
    markdown = "markdown"


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
) -> None:
    """Check that the change does what SPEC_FILE says, for every FEC.

    Exit status: 0 every spec holds, 1 a spec is violated or an FEC could not be
    checked, 2 bad input or usage.
    """
    import rela
    from rela.report import render
    from rela.report.progress import progress_bar

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
        to_terminal = output is None and sys.stdout.isatty()
        use_color = color if color is not None else (to_terminal and fmt is Format.text)
        text = render(report, fmt.value, color=use_color, quiet=quiet, verbose=verbose)
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
    raise typer.Exit(EXIT_OK if report.holds else EXIT_VIOLATED)
