"""``rela lint``: the traps of a spec file, each with a one-line fix (docs/lint.md)."""

from __future__ import annotations

import difflib
import sys
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
    ColorOption,
    FecTimeoutOption,
    MaxStatesOption,
    OutputOption,
    QuietOption,
    SpecOption,
    format_option,
)
from rela.cli.output import check_output, emit
from rela.errors import UsageError
from rela.network.model import Granularity

if TYPE_CHECKING:
    from rela.lang import ast

__all__ = ["lint_command"]


class LintFormat(str, Enum):
    text = "text"
    json = "json"


@app.command("lint")
def lint_command(
    spec_file: Annotated[Path, typer.Argument(help="The spec file (*.rela).", show_default=False)],
    change: ChangeOption = None,
    before: BeforeOption = None,
    after: AfterOption = None,
    granularity: GranularityOption = Granularity.DEVICE,
    groups: GroupsOption = None,
    start: StartOption = None,
    dst: DstOption = None,
    spec: SpecOption = None,
    fmt: Annotated[LintFormat, format_option("Output format.")] = LintFormat.text,
    output: OutputOption = None,
    max_states: MaxStatesOption = DEFAULT_MAX_STATES,
    fec_timeout: FecTimeoutOption = DEFAULT_FEC_TIMEOUT,
    color: ColorOption = None,
    quiet: QuietOption = False,
) -> None:
    """Flag the traps of SPEC_FILE: a missing catch-all, `any(p)` that a black hole
    satisfies, replace() that matches nothing, unquoted `a|b`, and more (docs/lint.md).

    With a change (--change, or --before/--after), also count the FECs whose paths
    fall outside each spec's domain and name spec names that match no location.

    Exit status: 0 no warning, 1 warnings, 2 bad input or usage.
    """
    import rela
    from rela.lint import lint_change
    from rela.lint.render import render_json, render_text, summary_line

    with handle_errors():
        check_output(output, [spec_file, change, before, after, groups])
        module = rela.load_spec(spec_file)
        _check_selection(module, spec)
        fecs = None
        if change is not None or before is not None or after is not None:
            fecs = change_from_options(
                change, before, after, granularity, groups, start or [], dst or []
            )
        result = lint_change(
            module, fecs, spec or None, max_states=max_states, fec_timeout=fec_timeout
        )
        filename = str(spec_file)
        if fmt is LintFormat.json:
            text = render_json(result, filename)
        else:
            to_terminal = output is None and sys.stdout.isatty()
            use_color = color if color is not None else to_terminal
            text = render_text(result, filename, color=use_color, quiet=quiet)
        emit(text, output)
        if output is not None and not quiet:
            err_console.print(summary_line(result, filename), markup=False, highlight=False)
    raise typer.Exit(EXIT_OK if result.clean else EXIT_VIOLATED)


def _check_selection(module: ast.Module, names: list[str] | None) -> None:
    """``--spec NAME`` naming no spec of the file is a usage error (exit 2)."""
    available = [d.name for d in module.checks()]
    for name in names or []:
        if name not in available:
            close = difflib.get_close_matches(name, available, n=3)
            hint = (
                f"did you mean {', '.join(close)}?" if close else f"specs: {', '.join(available)}"
            )
            raise UsageError(f"--spec {name}: no spec or assert of that name", hint=hint)
