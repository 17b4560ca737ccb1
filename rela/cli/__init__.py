"""The ``rela`` command line: a thin layer over the library (one module per command).

Each command module registers its command on :data:`app` when it is imported.
Importing this package registers every command, except under the console
script (:mod:`rela.entry`), which registers only the command it runs: that
saves importing and introspecting the others on every start.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from rela.cli.app import app

__all__ = ["app", "main", "load", "COMMANDS"]

#: The commands, each defined in the module of the same name.
COMMANDS = ("parse", "check", "lint", "diff", "show", "change", "suggest")


def load(argv: Sequence[str] | None = None) -> None:
    """Register the command ``argv`` names, or every command (none named: ``rela
    --help``, ``rela --version``, a misspelt command).

    >>> load(["check", "s.rela"])
    >>> "check" in [c.name or c.callback.__name__ for c in app.registered_commands]
    True
    """
    named = next((a for a in argv or () if not a.startswith("-")), None)
    for module in [named] if named in COMMANDS else COMMANDS:
        importlib.import_module(f"rela.cli.{module}")


def main() -> None:
    """The ``rela`` command (the console script is :func:`rela.entry.main`, which also
    ends an interrupted run cleanly)."""
    from rela.entry import main as entry_main

    entry_main()


# The console script sets ``rela.entry.ARGV`` before it imports this package.
load(getattr(sys.modules.get("rela.entry"), "ARGV", None))
