"""``rela lint``: the traps of a spec file, each a warning with a one-line fix.

:func:`lint_module` checks a parsed spec file on its own (``rela check`` adds
the same warnings to its report); :func:`lint_change` adds what only a change
can tell (how many FECs have paths outside a spec's domain, names that match no
location, unquoted unions that spell an existing location).  The rules and
their codes are in :mod:`rela.lint.rules` and ``docs/lint.md``.

>>> from rela.lang import parse_spec
>>> [w.code for w in lint_module(parse_spec("spec s { a : replace(b, c) else .* : preserve }"))]
['replace-no-match']
"""

from __future__ import annotations

from rela.lint.change import LintResult, lint_change
from rela.lint.static import lint_module

__all__ = ["lint_module", "lint_change", "LintResult"]
