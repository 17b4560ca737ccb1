"""Rela: a relational network-change verifier.

The library API (the CLI is a thin layer over it)::

    import rela
    spec = rela.load_spec("change.rela")
    change = rela.load_change(change="change.json", granularity="device")
    report = rela.verify(spec, change)
    if not report.holds:
        for violation in report:
            print(violation.flow, violation.missing, violation.unexpected)
"""

from __future__ import annotations

from rela.errors import (
    NetworkInputError,
    RelaError,
    SpecError,
    SpecSemanticError,
    SpecSyntaxError,
)

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "RelaError",
    "SpecError",
    "SpecSyntaxError",
    "SpecSemanticError",
    "NetworkInputError",
]
