"""``rela suggest``: propose a spec that describes an observed change (and holds on it).

The command calls :func:`rela.suggest` and writes the spec file (text, with a
comment before each clause) or the JSON document of
``rela/schemas/suggest.schema.json``; a one-line summary goes to stderr.
Exit status: 0 a concise suggestion that holds; 1 a suggestion that holds only
with explicit per-FEC clauses (the *fallback*), or none that holds at all (no
spec is written as text then); 2 bad input or usage.
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rela.cli.app import EXIT_OK, EXIT_VIOLATED, app, err_console, handle_errors
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
    DEFAULT_MAX_STATES,
    FecTimeoutOption,
    JobsOption,
    MaxStatesOption,
    NoProgressOption,
    OutputOption,
    QuietOption,
    VerboseOption,
    format_option,
)
from rela.cli.output import check_output, emit
from rela.defaults import DEFAULT_MAX_CLAUSES
from rela.defaults import SUGGESTED_NAME as NAME
from rela.network.model import Granularity

if TYPE_CHECKING:
    from rela.suggest import Suggestion

__all__ = ["suggest", "summary", "check_command"]


class Format(str, Enum):
    text = "text"
    json = "json"


def check_command(
    output: Path | None,
    change: Path | None,
    before: Path | None,
    after: Path | None,
    granularity: Granularity,
    groups: Path | None,
    start: Sequence[str],
    dst: Sequence[str],
) -> str:
    """The ``rela check`` command line that checks the suggestion on the same input.

    >>> check_command(Path("s.rela"), Path("c.json"), None, None, Granularity.DEVICE, None, [], [])
    'rela check s.rela --change c.json'
    """
    words = ["rela", "check", str(output) if output is not None else "SPEC.rela"]
    if change is not None:
        words += ["--change", str(change)]
    if before is not None and after is not None:
        words += ["--before", str(before), "--after", str(after)]
    if granularity is not Granularity.DEVICE:
        words += ["--granularity", granularity.value]
    if groups is not None:
        words += ["--groups", str(groups)]
    for s in start:
        words += ["--start", s]
    for d in dst:
        words += ["--dst", d]
    return shlex.join(words)


def summary(s: Suggestion) -> str:
    """The one-line outcome written to stderr.

    ``OK``: a concise spec that holds; ``FALLBACK``: it holds, with explicit
    clauses for what no pattern explains; ``FAIL``: no spec found that holds.
    """
    explicit = sum(c.explicit for c in s.clauses)
    n = len(s.clauses)
    counts = f"{n} clause{'' if n == 1 else 's'}" + (f" ({explicit} explicit)" if explicit else "")
    scope = f"{s.fecs:,} FEC{'' if s.fecs == 1 else 's'} ({s.changed:,} changed)"
    if not s.holds:
        return f"FAIL: no suggested spec holds on every FEC ({counts}; {scope})"
    every = "the" if s.fecs == 1 else "all"  # not "all 1 FEC"
    if s.fallback:
        return (
            f"FALLBACK: {counts}, holds on {every} {scope}; not every FEC is explained by a pattern"
        )
    return f"OK: {counts}, holds on {every} {scope}"


@app.command()
def suggest(
    change: ChangeOption = None,
    before: BeforeOption = None,
    after: AfterOption = None,
    granularity: GranularityOption = Granularity.DEVICE,
    groups: GroupsOption = None,
    start: StartOption = None,
    dst: DstOption = None,
    max_clauses: Annotated[
        int,
        typer.Option(
            "--max-clauses",
            min=1,
            metavar="N",
            help="At most N clauses in the concise spec (the final `else .* : preserve` "
            "counts); FECs they cannot explain get explicit clauses (exit 1).",
        ),
    ] = DEFAULT_MAX_CLAUSES,
    name: Annotated[
        str, typer.Option("--name", metavar="NAME", help="Name of the suggested spec.")
    ] = NAME,
    fmt: Annotated[Format, format_option("Output format: the spec file, or JSON.")] = Format.text,
    output: OutputOption = None,
    jobs: JobsOption = None,
    max_states: MaxStatesOption = DEFAULT_MAX_STATES,
    fec_timeout: FecTimeoutOption = DEFAULT_FEC_TIMEOUT,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    no_progress: NoProgressOption = False,
) -> None:
    """Propose a spec that describes the change, verified to hold on it.

    Prints a spec file with one spec whose clauses (drain / cost-out, removed,
    added or newly dropped paths, loops, each guarded by destination prefixes
    when it applies to some traffic only) end in `else .* : preserve`; a comment
    before each clause says how many FECs and flows it covers, with an example.

    Exit status: 0 a concise suggestion that holds, 1 one that needs explicit
    per-FEC clauses (or none holds), 2 bad input or usage.
    """
    import rela
    from rela.report.progress import progress_bar

    with handle_errors():
        check_output(output, [change, before, after, groups])
        fecs = change_from_options(
            change, before, after, granularity, groups, start or [], dst or []
        )
        hint = check_command(
            output, change, before, after, granularity, groups, start or [], dst or []
        )
        n_jobs = jobs if jobs is not None else 0
        with progress_bar(None, enabled=not no_progress and sys.stderr.isatty()) as advance:
            result = rela.suggest(
                fecs,
                max_clauses=max_clauses,
                name=name,
                jobs=n_jobs,
                max_states=max_states,
                fec_timeout=fec_timeout,
                progress=advance,
                header=(f"Check: {hint}",),
            )
        if fmt is Format.json:
            emit(json.dumps(result.to_dict(), indent=2) + "\n", output)
        elif result.holds:
            emit(result.text, output)
        if not quiet or not result.holds:
            err_console.print(summary(result), markup=False, highlight=False)
            for note in result.notes:
                err_console.print(f"note: {note}", markup=False, highlight=False)
            if verbose:
                err_console.print(
                    f"{result.situations:,} distinct (before, after) graph pairs, "
                    f"{result.checks:,} clause checks, {result.seconds:.2f} s",
                    markup=False,
                    highlight=False,
                )
    raise typer.Exit(EXIT_OK if result.concise else EXIT_VIOLATED)
