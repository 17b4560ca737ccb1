"""``rela check``: verify a change against a spec file."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator
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
    AllOption,
    CacheOption,
    ColorOption,
    FecOption,
    FecTimeoutOption,
    JobsOption,
    KindOption,
    MaxPathsOption,
    MaxStatesOption,
    NoProgressOption,
    OutputOption,
    QuietOption,
    SpecOption,
    StrictOption,
    ThroughOption,
    VerboseOption,
    format_option,
)
from rela.cli.output import check_output, emit, is_stdout, refuse_clobber
from rela.errors import UsageError
from rela.network.model import Fec, Granularity
from rela.results import Report

__all__ = ["check", "DEFAULT_MAX_VIOLATIONS", "strict_problems"]

#: Violated flows listed per spec by the text and Markdown reports unless told otherwise.
DEFAULT_MAX_VIOLATIONS = 5


@contextlib.contextmanager
def _exit_143_on_sigterm(terminated: type[BaseException]) -> Iterator[None]:
    """SIGTERM (raised as ``terminated``) ends the command with exit 143;
    the executors have stopped their workers and no report is written."""
    try:
        yield
    except terminated:  # the console script (rela.entry) says "terminated"
        raise typer.Exit(143) from None


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
    spec: SpecOption = None,
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
    cache: CacheOption = None,
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
    show_all: AllOption = False,
    through: ThroughOption = None,
    kind: KindOption = None,
    fec: FecOption = None,
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

    The report lists the causes first (violated flows grouped by what happened
    and where), then the violations; --through, --kind and --fec choose which
    violations are listed, never the verdict.

    Exit status: 0 every spec holds; 1 a spec is violated, an FEC hit a
    resource limit, or (--strict) a warning or an input filter that left FECs
    out; 2 bad input or usage (a malformed spec, snapshot or FEC, a selector or
    report filter that selects nothing, an unwritable output).
    """
    import rela
    from rela.interrupt import Terminated, raise_on_sigterm
    from rela.report import render
    from rela.report.progress import progress_bar
    from rela.report.view import select

    with raise_on_sigterm(), _exit_143_on_sigterm(Terminated), handle_errors():
        inputs = [spec_file, change, before, after, groups]
        check_output(output, inputs)
        extra = _extra_reports(reports or [], output, inputs)
        _check_cache(cache, inputs)
        module = rela.load_spec(spec_file)
        fecs = change_from_options(
            change, before, after, granularity, groups, start or [], dst or []
        )
        n_jobs = jobs if jobs is not None else 0  # 0: all cores, serial for small changes
        # the one-line verdict alone lists no violation: no counterexamples to compute
        verdict_only = quiet and fmt is Format.text and not extra and not (through or kind or fec)
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
                cache=cache,
                counterexamples=not verdict_only,
            )
        filters = {
            "through": list(through or []),
            "kinds": [k.value for k in kind or []],
            "fecs": list(fec or []),
        }
        limit = None if show_all else max_violations
        # a filter value that selects nothing: exit 2 before any output is written
        select(report, through=filters["through"], kinds=filters["kinds"], fecs=filters["fecs"])
        to_terminal = is_stdout(output) and sys.stdout.isatty()
        use_color = color if color is not None else (to_terminal and fmt is Format.text)
        if quiet and fmt is Format.text:  # the verdict line alone: warnings go to stderr
            err_console.warn_quiet(report.warnings)
        text = _render(report, fmt, filters, limit, show_all, use_color, quiet, verbose, fecs)
        emit(text, output)
        for extra_fmt, target in extra:
            more = _render(report, extra_fmt, filters, limit, show_all, False, quiet, verbose, fecs)
            emit(more, target)
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
    if strict:
        problems = strict_problems(report)
        if problems:
            err_console.print(f"error: --strict: {'; '.join(problems)}", markup=False)
            raise typer.Exit(EXIT_VIOLATED)
    raise typer.Exit(EXIT_OK)


def _check_cache(cache: Path | None, inputs: list[Path | None]) -> None:
    """Refuse, before any work, a ``--cache`` that is a file, an input or inside an input."""
    if cache is None:
        return
    if cache.exists() and not cache.is_dir():
        raise UsageError(
            f"--cache {cache}: exists and is not a directory",
            hint="name a directory for the cache (it is made if missing)",
        )
    refuse_clobber(cache, inputs, option="--cache")


def _render(
    report: Report,
    fmt: Format,
    filters: dict[str, list[str]],
    limit: int | None,
    show_all: bool,
    color: bool | None,
    quiet: bool,
    verbose: bool,
    change: Iterable[Fec] | None = None,
) -> str:
    """One format of the report: the violations the report filters choose, at most ``limit``
    per spec (text and Markdown: 5 unless told otherwise; HTML: its own default; JSON and
    JUnit: all).  HTML draws the FECs of ``change`` (read again)."""
    from rela.report import render
    from rela.report.view import select

    human = fmt in (Format.text, Format.markdown, Format.html)
    shown = select(
        report,
        through=filters["through"],
        kinds=filters["kinds"],
        fecs=filters["fecs"],
        limit=None if human else limit,
    )
    if fmt is Format.html:
        from rela.report.html import MAX_VIOLATIONS, render_html

        most = MAX_VIOLATIONS if limit is None else limit
        page = render_html(shown, change, max_violations=-1 if show_all else most)
        return page if page.endswith("\n") else page + "\n"
    examples = -1 if show_all else (DEFAULT_MAX_VIOLATIONS if limit is None else limit)
    text = render(
        shown, fmt.value, color=color, quiet=quiet, verbose=verbose, max_examples=examples
    )
    return text if text.endswith("\n") else text + "\n"


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
