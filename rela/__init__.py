"""Rela: a relational network-change verifier.

The library API (the CLI is a thin layer over it)::

    import rela
    spec = rela.load_spec("change.rela")
    change = rela.load_change(change="change.json", granularity="device")
    report = rela.verify(spec, change)
    if not report.holds:
        for violation in report:
            print(violation.flow, violation.missing, violation.unexpected)
    report.to_dict()   # the JSON report (docs/verification.md)

    suggestion = rela.suggest(change)   # a spec that describes the change (docs/suggest.md)
    print(suggestion.text)
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rela.errors import (
        NetworkInputError,
        RelaError,
        ResourceLimitError,
        SpecError,
        SpecSemanticError,
        SpecSyntaxError,
        UsageError,
    )
    from rela.lang.ast import Module
    from rela.network.model import Change
    from rela.results import FecError, FecRef, Report, SpecResult, Violation
    from rela.suggest import Suggestion, suggest
    from rela.verify import verify

#: The version of the distribution (``pip install rela-verify``); pyproject.toml reads it here.
__version__ = "0.1.0"

__all__ = [
    "__version__",
    "parse_spec",
    "load_spec",
    "load_change",
    "verify",
    "suggest",
    "Suggestion",
    "Report",
    "SpecResult",
    "Violation",
    "FecError",
    "FecRef",
    "RelaError",
    "SpecError",
    "SpecSyntaxError",
    "SpecSemanticError",
    "NetworkInputError",
    "UsageError",
    "ResourceLimitError",
]


def parse_spec(text: str, filename: str | None = None) -> Module:
    """Parse spec text into a module (raises SpecSyntaxError/SpecSemanticError).

    >>> m = parse_spec("spec s { .* : preserve }")
    >>> [c.name for c in m.checks()]
    ['s']
    """
    from rela.lang import parse_spec as _parse

    return _parse(text, filename)


def load_spec(path: str | os.PathLike[str]) -> Module:
    """Read and parse a spec file; an unreadable file is a RelaError naming it.

    >>> [c.name for c in load_spec("snapshots/specs/costout.rela").checks()]  # doctest: +SKIP
    ['costout']
    """
    from rela.lang import load_spec as _load

    return _load(os.fspath(path))


def load_change(
    *,
    change: str | os.PathLike[str] | None = None,
    before: str | os.PathLike[str] | None = None,
    after: str | os.PathLike[str] | None = None,
    granularity: str = "device",
    groups: str | os.PathLike[str] | Mapping[str, str] | None = None,
    start: Sequence[str] = (),
    dst: Sequence[str] = (),
) -> Change:
    """Open a change: Rela graph JSON (``change``), or ``before``/``after`` path
    snapshots or Batfish exports.  FECs are streamed, not loaded at once.

    ``granularity`` is ``"device"``, ``"interface"`` or ``"group"`` (which needs
    ``groups``: a device -> group mapping file, or the mapping itself); ``dst``
    keeps FECs whose traffic overlaps one of the prefixes, ``start`` the flows
    entering at these locations.  Bad files raise :class:`NetworkInputError`,
    impossible combinations :class:`UsageError` (naming these parameters).

    >>> change = load_change(change="snapshots/graphs/reroute.json")  # doctest: +SKIP
    >>> [fec.index for fec in change]  # doctest: +SKIP
    [0, 1, 2]
    """
    from rela.network import load_change as _load

    return _load(
        change=change,
        before=before,
        after=after,
        granularity=granularity,
        groups=groups,
        start=start,
        dst=dst,
    )


#: Names of the API and the module defining each: imported on first use, so that nothing
#: but the standard library runs before the console script is ready for Ctrl-C.
_LAZY = {
    **dict.fromkeys(
        (
            "NetworkInputError",
            "RelaError",
            "ResourceLimitError",
            "SpecError",
            "SpecSemanticError",
            "SpecSyntaxError",
            "UsageError",
        ),
        "rela.errors",
    ),
    **dict.fromkeys(("FecError", "FecRef", "Report", "SpecResult", "Violation"), "rela.results"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """Only the public API (``dir(rela)``, completion in a REPL)."""
    return sorted(__all__)


class _Lazy:
    """A function of the API imported on first use, whose name is also a subpackage's.

    Importing the subpackage ``rela.verify`` binds the name ``verify`` on this
    package; the binding of the module is ignored, so ``rela.verify`` stays the
    function whatever was imported before.  Anything else assigned (a test's
    monkeypatch) is kept.
    """

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __get__(self, owner: Any, kind: Any = None) -> Any:
        if owner is None:
            return self
        assigned = owner.__dict__.get("_assigned_" + self.name)
        if assigned is not None:
            return assigned
        return getattr(importlib.import_module(self.module), self.name)

    def __set__(self, owner: Any, value: Any) -> None:
        if not isinstance(value, types.ModuleType):
            owner.__dict__["_assigned_" + self.name] = value


class _Rela(types.ModuleType):
    """The ``rela`` module: ``verify``, ``suggest`` and ``Suggestion`` are imported on first
    use, so that ``import rela`` (and the start of every command) stays cheap."""

    verify = _Lazy("rela.verify", "verify")
    suggest = _Lazy("rela.suggest", "suggest")
    Suggestion = _Lazy("rela.suggest", "Suggestion")


sys.modules[__name__].__class__ = _Rela
