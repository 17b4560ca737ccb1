"""One error hierarchy for everything a user can get wrong.

Every error a user can cause is a :class:`RelaError`; the CLI renders it with
:meth:`RelaError.render` and exits with code 2.  Errors carry where they happened
(file, line/column or FEC and field) so the message can point at the culprit.

>>> err = SpecSyntaxError("unexpected ')'", filename="a.rela", line=1, column=5,
...                       source="x : (a)) preserve")
>>> print(err.render())
a.rela:1:5: error: unexpected ')'
  x : (a)) preserve
      ^
"""

from __future__ import annotations

__all__ = [
    "RelaError",
    "SpecError",
    "SpecSyntaxError",
    "SpecSemanticError",
    "NetworkInputError",
    "UsageError",
    "ResourceLimitError",
]


class RelaError(Exception):
    """Root of every error caused by user input (exit code 2 in the CLI)."""

    def __init__(
        self,
        message: str,
        *,
        filename: str | None = None,
        line: int | None = None,
        column: int | None = None,
        source: str | None = None,
        hint: str | None = None,
        where: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.filename = filename
        self.line = line
        self.column = column
        self.source = source
        self.hint = hint
        self.where = where

    def location(self) -> str:
        """``file:line:col`` (or as much of it as is known), plus ``where`` (FEC, field)."""
        if self.filename is None and self.line is None:
            return self.where or ""
        parts = [self.filename or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        loc = ":".join(parts)
        if self.where:
            loc = f"{loc}: {self.where}"
        return loc

    def render(self) -> str:
        """The full message: location, text, the source line with a caret, the hint."""
        loc = self.location()
        lines = [f"{loc}: error: {self.message}" if loc else f"error: {self.message}"]
        context = self._context()
        if context:
            lines.extend(context)
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return "\n".join(lines)

    def _context(self) -> list[str]:
        if self.source is None or self.line is None:
            return []
        src_lines = self.source.splitlines()
        if not 1 <= self.line <= len(src_lines):
            return []
        text = src_lines[self.line - 1].replace("\t", " ")
        col = max(1, self.column or 1)
        return [f"  {text}", "  " + " " * (col - 1) + "^"]

    def __str__(self) -> str:
        return self.render()


class SpecError(RelaError):
    """Something wrong in a spec file."""


class SpecSyntaxError(SpecError):
    """The spec text does not parse."""


class SpecSemanticError(SpecError):
    """The spec parses but means nothing (duplicate names, bad prefixes, bad regexes...)."""


class NetworkInputError(RelaError):
    """A snapshot, change or mapping file is unreadable or malformed."""


class UsageError(RelaError):
    """The command line asks for something impossible (conflicting options...)."""


class ResourceLimitError(RelaError):
    """A per-FEC resource limit (states, time) was exceeded; the FEC gets an error verdict."""
