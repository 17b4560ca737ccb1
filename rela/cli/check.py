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
from rela.cli.output import check_output, emit, is_stdout
from rela.errors import UsageError
from rela.network.model import Granularity

__all__ = ["check"]


class Format(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"
    markdown = "markdown"
    html = "html"


class Executor(str, Enum):
    local = "local"
    dask = "dask"


def _extra_reports(
    values: list[str], output: Path | None, inputs: list[Path | None]
) -> list[tuple[Format, Path]]:
    """``--report FORMAT:FILE`` values, checked like ``--output`` before any work."""
    out: list[tuple[Format, Path]] = []
    seen = set() if is_stdout(output) else {Path(str(output)).resolve()}
    for value in values:
        name, sep, file = value.partition(":")
        try:
            fmt = Format(name.lower())
        except ValueError:
            fmt = None
        if not sep or not file or fmt is None:
            raise UsageError(
                f"--report {value!r}: expected FORMAT:FILE, FORMAT one of "
                + ", ".join(f.value for f in Format),
                hint="e.g. --report junit:rela.xml",
            )
        target = Path(file)
        if file == "-" or target.resolve() in seen:
            raise UsageError(f"--report {value!r}: FILE is already written by this command")
        check_output(target, inputs, option="--report")
        seen.add(target.resolve())
        out.append((fmt, target))
    return out


@app.command()
def check(
    spec_file: Annotated[
        Path, typer.Argument(metavar="SPEC", help="The spec file (*.rela).", show_default=False)
    ],
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
    executor: Annotated[
        Executor,
        typer.Option(
            "--executor", help="Where FECs are checked: local processes, or a Dask cluster."
        ),
    ] = Executor.local,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
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
    reports: Annotated[
        list[str] | None,
        typer.Option(
            "--report",
            metavar="FORMAT:FILE",
            help="Also write the report in FORMAT to FILE, from the same run (repeatable), "
            "e.g. --report junit:rela.xml --report markdown:rela.md.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check that the change does what SPEC says, for every FEC.

    Exit status: 0 every spec holds; 1 a spec is violated, an FEC hit a
    resource limit, or (--strict) a warning; 2 bad input or usage (a malformed
    spec, snapshot or FEC, a selector that selects nothing, an unwritable
    output).
    """
    import rela
    from rela.report import render
    from rela.report.progress import progress_bar

    with handle_errors():
        inputs = [spec_file, change, before, after, groups]
        check_output(output, inputs)
        extra = _extra_reports(reports or [], output, inputs)
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
        to_terminal = is_stdout(output) and sys.stdout.isatty()
        use_color = color if color is not None else (to_terminal and fmt is Format.text)
        if fmt is Format.html:
            from rela.report.html import render_html

            text = render_html(report, fecs)
        else:
            text = render(report, fmt.value, color=use_color, quiet=quiet, verbose=verbose)
        emit(text if text.endswith("\n") else text + "\n", output)
        for extra_fmt, target in extra:
            more = render(report, extra_fmt.value, color=False, verbose=verbose)
            emit(more if more.endswith("\n") else more + "\n", target)
        if not is_stdout(output) and (fmt is not Format.text or not quiet):
            summary = render(report, "text", color=False, quiet=True)
            err_console.print(summary.rstrip(), markup=False, highlight=False)
    if report.input_errors:
        err_console.print(
            f"error: {report.input_errors} FEC(s) of the input are malformed (see the report)",
            markup=False,
        )
        raise typer.Exit(EXIT_INPUT)
    if not report.holds:
        raise typer.Exit(EXIT_VIOLATED)
    if strict and report.warnings:
        err_console.print(
            f"error: --strict: {len(report.warnings)} warning(s) (see the report)", markup=False
        )
        raise typer.Exit(EXIT_VIOLATED)
    raise typer.Exit(EXIT_OK)
