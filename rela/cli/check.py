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
        typer.Option("--spec", "-s", help="Check only this spec/assert (repeatable)."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")
    ] = None,
    max_paths: Annotated[
        int, typer.Option(min=1, help="Paths listed per counterexample list.")
    ] = 20,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Worker processes (default: all cores; small changes run in one process).",
        ),
    ] = None,
    executor: Annotated[Executor, typer.Option(help="Where FECs are checked.")] = Executor.local,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address (default: a local cluster).")
    ] = None,
    max_states: Annotated[
        int | None, typer.Option(min=1, help="Per-FEC automaton state limit [default: 200000].")
    ] = None,
    fec_timeout: Annotated[
        float | None,
        typer.Option(min=0, help="Per-FEC time limit in seconds, 0: none [default: 60]."),
    ] = None,
    color: Annotated[
        bool | None, typer.Option("--color/--no-color", help="Force colour on or off.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary line.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Per-spec timing.")] = False,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress bar.")] = False,
) -> None:
    """Check that the change does what SPEC_FILE says, for every FEC.

    Exit status: 0 every spec holds, 1 a spec is violated or an FEC could not be
    checked, 2 bad input or usage.
    """
    import rela
    from rela.report import render
    from rela.report.progress import progress_bar
    from rela.verify import DEFAULT_FEC_TIMEOUT, DEFAULT_MAX_STATES

    with handle_errors():
        module = rela.load_spec(spec_file)
        fecs = change_from_options(
            change, before, after, granularity, groups, start or [], dst or []
        )
        n_jobs = jobs if jobs is not None else 0  # 0: all cores, serial for small changes
        show_progress = not no_progress and sys.stderr.isatty() and fmt is not None
        with progress_bar(None, enabled=show_progress) as advance:
            report = rela.verify(
                module,
                fecs,
                specs=spec,
                max_paths=max_paths,
                max_states=max_states or DEFAULT_MAX_STATES,
                fec_timeout=DEFAULT_FEC_TIMEOUT if fec_timeout is None else fec_timeout,
                jobs=n_jobs,
                executor=executor.value,
                scheduler=scheduler,
                progress=advance,
            )
        to_terminal = output is None and sys.stdout.isatty()
        use_color = color if color is not None else (to_terminal and fmt is Format.text)
        text = render(report, fmt.value, color=use_color, quiet=quiet, verbose=verbose)
        if output is not None:
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise rela.RelaError(
                    f"cannot write the report: {exc.strerror}", filename=str(output)
                ) from None
            if fmt is not Format.text or not quiet:
                summary = render(report, "text", color=False, quiet=True)
                err_console.print(summary.rstrip(), markup=False, highlight=False)
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if report.input_errors:
        err_console.print(
            f"error: {report.input_errors} FEC(s) of the input are malformed (see the report)",
            markup=False,
        )
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_OK if report.holds else EXIT_VIOLATED)
