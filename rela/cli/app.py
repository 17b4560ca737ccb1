"""The typer application object and the error handling shared by every command."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from rela.errors import RelaError

__all__ = ["app", "err_console", "handle_errors", "EXIT_OK", "EXIT_VIOLATED", "EXIT_INPUT"]

EXIT_OK = 0
EXIT_VIOLATED = 1
EXIT_INPUT = 2

app = typer.Typer(
    name="rela",
    help="Relational network-change verifier: check what a change does to forwarding paths.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err_console = Console(stderr=True, highlight=False, soft_wrap=True)


@contextmanager
def handle_errors() -> Iterator[None]:
    """Turn a :class:`RelaError` into its rendered message on stderr and exit code 2."""
    try:
        yield
    except RelaError as exc:
        err_console.print(exc.render(), markup=False)
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
    except KeyboardInterrupt:
        err_console.print("interrupted", markup=False)
        sys.exit(130)
