"""The typer application object and the error handling shared by every command."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, get_args

import typer

from rela.errors import RelaError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from rela.results import Warning_

__all__ = [
    "DISTRIBUTION",
    "EXIT_INPUT",
    "EXIT_OK",
    "EXIT_VIOLATED",
    "app",
    "cli_wording",
    "err_console",
    "handle_errors",
    "version_text",
]

EXIT_OK = 0
EXIT_VIOLATED = 1
EXIT_INPUT = 2

#: The distribution name on the package index (``pip install rela-verify``); the import
#: package and the command are ``rela``.
DISTRIBUTION = "rela-verify"

# Help is plain text (``rich_markup_mode=None``): what a help string says is what
# ``--help`` prints, in every terminal and in CI logs; Rich markup would swallow
# ``[default: ...]``-like brackets and print ``<bool>`` metavars (docs/cli.md).
app = typer.Typer(
    name="rela",
    help="Relational network-change verifier: check what a change does to forwarding paths.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def version_text() -> str:
    """What ``rela --version`` prints.

    >>> version_text().startswith("rela ")
    True
    """
    from rela import __version__

    return f"rela {__version__} ({DISTRIBUTION}, Python {sys.version.split()[0]})"


def _print_version(value: bool) -> None:
    if value:
        typer.echo(version_text())
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Relational network-change verifier: check what a change does to forwarding paths.

    Exit status of every command: 0 success, 1 violated or changed, 2 bad input
    or usage (docs/cli.md).
    """


class _ErrConsole:
    """The stderr console, made on first use: rich's console costs a start of a
    command (30-50 ms) that writes nothing to stderr."""

    def __init__(self) -> None:
        self._made: Console | None = None

    def print(self, *objects: Any, **kwargs: Any) -> None:
        if self._made is None:
            from rich.console import Console

            self._made = Console(stderr=True, highlight=False, soft_wrap=True)
        self._made.print(*objects, **kwargs)

    def warn(self, warning: Warning_) -> None:
        """A warning as one line, ``warning: [spec: ]message [code]``, and its hint indented
        below (plain text, names made visible: writing it costs no rich)."""
        from rela.report.escape import visible

        where = f"{visible(warning.spec)}: " if warning.spec else ""
        text = f"warning: {where}{visible(warning.message)} [{warning.code}]\n"
        if warning.hint:
            text += f"  hint: {visible(warning.hint)}\n"
        sys.stderr.write(text)
        sys.stderr.flush()

    def warn_quiet(self, warnings: Iterable[Warning_]) -> None:
        """Under ``-q`` (the verdict line alone), the warnings a full report would show,
        except ``filtered``, which the verdict line already tells: a quiet run must not
        hide that its spec names nothing."""
        for warning in warnings:
            if warning.code != "filtered":
                self.warn(warning)


err_console = _ErrConsole()


#: Library parameters the shared declarations do not cover, and their flags.
_MORE_FLAGS = {"executor": "--executor", "scheduler": "--scheduler", "specs": "--spec"}


@cache
def _param_flags() -> tuple[re.Pattern[str], dict[str, str]]:
    from rela.cli.inputs import SHARED_INPUTS
    from rela.cli.options import SHARED_OPTIONS

    flags = dict(_MORE_FLAGS)
    for name, alias in {**SHARED_OPTIONS, **SHARED_INPUTS}.items():
        flags[name] = get_args(alias)[1].default  # typer.Option("--flag", ...)
    names = "|".join(sorted(flags, key=len, reverse=True))
    return re.compile(rf"(?<![\w.\-'\"])({names})=(.?)"), flags


def cli_wording(text: str) -> str:
    """A library message as the CLI says it: ``change=PATH`` becomes ``--change PATH``.

    The library names its parameters (``rela.load_change(change=...)``); a command
    names the flags that set them.

    >>> cli_wording("no input: give change=PATH, or before=PATH and after=PATH")
    'no input: give --change PATH, or --before PATH and --after PATH'
    >>> cli_wording("give either change= or before=/after=, not both")
    'give either --change or --before/--after, not both'
    >>> cli_wording("dst='10.0.0.0/33' is not an IP prefix")
    "--dst '10.0.0.0/33' is not an IP prefix"
    """
    pattern, flags = _param_flags()

    def flag(m: re.Match[str]) -> str:
        after = m.group(2)
        glue = "" if after in ("", " ", "/", ",", ")", ";", ":") else " "
        return flags[m.group(1)] + glue + after

    return pattern.sub(flag, text)


def _as_cli(exc: RelaError) -> RelaError:
    """Usage errors name the command's flags; other errors keep their text (it may quote
    input data) and only their hint is reworded."""
    if isinstance(exc, UsageError):
        exc.message = cli_wording(exc.message)
    if exc.hint:
        exc.hint = cli_wording(exc.hint)
    return exc


@contextmanager
def handle_errors() -> Iterator[None]:
    """Turn a :class:`RelaError` into its rendered message on stderr and exit code 2."""
    try:
        yield
    except RelaError as exc:
        err_console.print(_as_cli(exc).render(), markup=False)
        raise typer.Exit(EXIT_INPUT) from None
    except RecursionError:
        err_console.print("error: input nested too deeply", markup=False)
        raise typer.Exit(EXIT_INPUT) from None
    except MemoryError:
        err_console.print(
            "error: out of memory (lower --max-states or --jobs, or split the input)",
            markup=False,
        )
        raise typer.Exit(EXIT_INPUT) from None
    except KeyboardInterrupt:  # the console script (rela.entry) says "interrupted"
        raise typer.Exit(130) from None
