"""Options shared by the commands, declared once so they read and behave the same everywhere.

Every command that writes a report uses :data:`OutputOption`, :data:`QuietOption`,
:data:`VerboseOption`, :data:`ColorOption` and :data:`NoProgressOption`; every
command that checks FECs uses :data:`JobsOption`, :data:`MaxPathsOption`,
:data:`MaxStatesOption` and :data:`FecTimeoutOption`; the input options live in
:mod:`rela.cli.inputs`.  Each command keeps its own ``--format`` choices (an
``Enum``) but declares it with :func:`format_option`::

    fmt: Annotated[Format, format_option()] = Format.text

    @app.command()
    def diff(output: OutputOption = None, quiet: QuietOption = False, ...): ...
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from rela.defaults import DEFAULT_FEC_TIMEOUT, DEFAULT_MAX_PATHS, DEFAULT_MAX_STATES

__all__ = [
    "ColorOption",
    "FecTimeoutOption",
    "JobsOption",
    "MaxPathsOption",
    "MaxStatesOption",
    "NoProgressOption",
    "OutputOption",
    "QuietOption",
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
        help="Write the output to FILE instead of stdout (written atomically; "
        "an input file is never overwritten).",
        show_default=False,
    ),
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="Only the one-line verdict.", show_default=False)
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
    typer.Option("--no-progress", help="No progress bar on stderr.", show_default=False),
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
        min=1,
        metavar="N",
        help="Paths listed per path list (counts stay exact).",
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
FecTimeoutOption = Annotated[
    float,
    typer.Option(
        "--fec-timeout",
        min=0,
        metavar="SECONDS",
        help="Per-FEC time limit (0: none); an FEC over it gets an error verdict.",
    ),
]


def format_option(what: str = "Output format.") -> Any:
    """The ``--format/-f`` option; the command's parameter type (an ``Enum``) gives the choices.

    >>> format_option("Report format.").help
    'Report format.'
    """
    return typer.Option("--format", "-f", help=what, case_sensitive=False)
