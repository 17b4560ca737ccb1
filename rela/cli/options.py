"""Options shared by the commands, declared once so they read and behave the same everywhere.

The rules (docs/cli.md): a command that has one of these options declares it
with the alias below, under the parameter name used here, so the spelling, the
short form, the metavar, the default and the help are the same in every
command; ``tests/cli/test_consistency.py`` walks every registered command and
fails when a command spells a shared option differently, or declares a flag of
another command under another meaning.  The input options (``--change``,
``--before``, ``--after``, ``-g``, ``--groups``, ``--start``, ``--dst``,
``--flow``) live in :mod:`rela.cli.inputs` and follow the same rules.

Each command keeps its own ``--format`` choices (an ``Enum``) but declares it
with :func:`format_option`::

    @app.command()
    def diff(
        fmt: Annotated[Format, format_option()] = Format.text,
        output: OutputOption = None,
        quiet: QuietOption = False,
    ) -> None: ...
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from rela.defaults import DEFAULT_FEC_TIMEOUT, DEFAULT_MAX_PATHS, DEFAULT_MAX_STATES
from rela.results import KINDS

__all__ = [
    "CacheOption",
    "ColorOption",
    "FecTimeoutOption",
    "JobsOption",
    "MaxPathsOption",
    "MaxStatesOption",
    "NoProgressOption",
    "OutputOption",
    "QuietOption",
    "SHARED_OPTIONS",
    "AllOption",
    "FecOption",
    "Kind",
    "KindOption",
    "ThroughOption",
    "StrictOption",
    "VerboseOption",
    "format_option",
    "DEFAULT_FEC_TIMEOUT",
    "DEFAULT_MAX_PATHS",
    "DEFAULT_MAX_STATES",
]

OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the output to FILE instead of stdout ('-': stdout). Written "
        "atomically; an input is never overwritten.",
        show_default=False,
    ),
]
QuietOption = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Only the one-line verdict or summary.", show_default=False),
]
VerboseOption = Annotated[
    bool,
    typer.Option(
        "--verbose", "-v", help="More detail: timings and full path lists.", show_default=False
    ),
]
ColorOption = Annotated[
    bool | None,
    typer.Option(
        "--color/--no-color",
        help="Force colour on or off (default: on when writing text to a terminal).",
        show_default=False,
    ),
]
NoProgressOption = Annotated[
    bool,
    typer.Option(
        "--no-progress",
        help="No progress bar on stderr (it is drawn only when stderr is a terminal).",
        show_default=False,
    ),
]
StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Fail (exit 1) on any warning too: unknown names, clauses that applied to "
        "nothing, filters that left FECs out.",
        show_default=False,
    ),
]
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        metavar="N",
        help="Worker processes (default: all cores; small inputs run in one process).",
        show_default=False,
    ),
]
MaxPathsOption = Annotated[
    int,
    typer.Option(
        "--max-paths",
        min=0,
        metavar="N",
        help="Paths listed per path list (0: none; counts stay exact).",
    ),
]
MaxStatesOption = Annotated[
    int,
    typer.Option(
        "--max-states",
        min=1,
        metavar="N",
        help="Per-FEC limit on automaton states; an FEC over it gets an error verdict.",
    ),
]
SpecOption = Annotated[
    list[str] | None,
    typer.Option(
        "--spec",
        "-s",
        metavar="NAME",
        help="Only this spec/assert of the spec file (repeatable).",
        show_default=False,
    ),
]
FecTimeoutOption = Annotated[
    float,
    typer.Option(
        "--fec-timeout",
        min=0,
        metavar="SECONDS",
        help="Per-FEC time limit (0: none); an FEC over it gets an error verdict.",
    ),
]

CacheOption = Annotated[
    Path | None,
    typer.Option(
        "--cache",
        metavar="DIR",
        help="Keep verdicts in DIR (made if missing) and take those of unchanged FECs from it: "
        "a re-run decides only the FECs whose graphs, traffic, spec or options changed. "
        "Never changes a verdict; a damaged cache is ignored with a warning.",
        show_default=False,
    ),
]


def format_option(what: str = "Output format.") -> Any:
    """The ``--format/-f`` option; the command's parameter type (an ``Enum``) gives the choices.

    >>> format_option("Report format.").help
    'Report format.'
    """
    return typer.Option("--format", "-f", help=what, case_sensitive=False)


#: Parameter name -> declaration, for every shared option but ``--format`` (whose
#: choices are the command's) and the input options of :mod:`rela.cli.inputs`.
AllOption = Annotated[
    bool,
    typer.Option(
        "--all",
        "-a",
        help="List everything, uncut: every violated flow and cause (check), every FEC and "
        "flow including unchanged ones (diff).",
        show_default=False,
    ),
]
FecOption = Annotated[
    list[str] | None,
    typer.Option(
        "--fec",
        metavar="KEY",
        help="Only the FEC with this key, or at this index (N or #N); repeatable.",
        show_default=False,
    ),
]
#: What happened to a flow (``--kind``): the names of :data:`rela.results.KINDS`.
Kind = Enum("Kind", {k.replace("-", "_"): k for k in KINDS}, type=str)  # type: ignore[misc]
ThroughOption = Annotated[
    list[str] | None,
    typer.Option(
        "--through",
        metavar="LOC",
        help="List only violated (check) or changed (diff) flows with a path through LOC, "
        "before or after the change (name matching; repeatable).",
        show_default=False,
    ),
]
KindOption = Annotated[
    list[Kind] | None,
    typer.Option(
        "--kind",
        metavar="KIND",
        help="List only violated (check) or changed (diff) flows of this kind (repeatable): "
        + ", ".join(KINDS)
        + ".",
        case_sensitive=False,
        show_default=False,
    ),
]

SHARED_OPTIONS: dict[str, Any] = {
    "output": OutputOption,
    "quiet": QuietOption,
    "verbose": VerboseOption,
    "color": ColorOption,
    "no_progress": NoProgressOption,
    "strict": StrictOption,
    "jobs": JobsOption,
    "max_paths": MaxPathsOption,
    "max_states": MaxStatesOption,
    "fec_timeout": FecTimeoutOption,
    "cache": CacheOption,
    "spec": SpecOption,
}
