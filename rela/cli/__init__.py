"""The ``rela`` command line: a thin layer over the library (one module per command)."""

from __future__ import annotations

import importlib

from rela.cli.app import app

__all__ = ["app", "main"]

# Each module registers its commands on ``app`` when imported.
for _module in ("parse", "check", "lint", "diff", "show", "change", "suggest"):
    try:
        importlib.import_module(f"rela.cli.{_module}")
    except ModuleNotFoundError as exc:  # a command not written yet
        if exc.name != f"rela.cli.{_module}":
            raise


def main() -> None:
    """The ``rela`` command (the console script is :func:`rela.entry.main`, which also
    ends an interrupted run cleanly)."""
    from rela.entry import main as entry_main

    entry_main()
