"""The suggested spec as a file: the printer's text with a comment before each clause.

Clauses are printed by :mod:`rela.lang.printer` (names quoted as needed); this
module only adds ``#`` comment lines and the ``spec NAME { ... }`` frame, then
parses the text back and checks that it is the same AST, so the comments can
never change what the spec means.

>>> from rela.lang import ast
>>> from rela.suggest.clauses import PRESERVE_ALL, drop_after
>>> module, text = spec_file("s", [(drop_after("r1"), ["r1 drops"]), (PRESERVE_ALL, ["rest"])])
>>> print(text, end="")
spec s {
  # r1 drops
  [^r1]* r1 : preserve then .+ : drop
  # rest
  else .* : preserve
}
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from rela.lang import ast, format_condition, format_spec, parse_spec
from rela.lang.lexical import quote_name
from rela.suggest.clauses import combine

__all__ = ["spec_file", "comment_lines", "WIDTH"]

#: Comment lines are wrapped at this width (before indentation).
WIDTH = 96
_INDENT = "  "


def _clean(text: str) -> str:
    """Comment text on one line: control characters (a newline in a name) become ``?``."""
    return "".join("?" if ord(ch) < 32 or ord(ch) == 127 else ch for ch in text)


def comment_lines(paragraphs: Sequence[str]) -> list[str]:
    """``# ...`` lines, each paragraph wrapped (its leading spaces kept, continuations
    indented two more).

    >>> comment_lines(["a b", "  c"])
    ['# a b', '#   c']
    """
    out: list[str] = []
    for para in paragraphs:
        text = _clean(para)
        lead = " " * (len(text) - len(text.lstrip(" ")))
        wrapped = textwrap.wrap(
            text.lstrip(" "),
            WIDTH,
            initial_indent=lead,
            subsequent_indent=lead + "  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        out.extend(("# " + line).rstrip() for line in wrapped or [""])
    return out


def _item_text(item: ast.SpecExpr, first: bool, last: bool) -> str:
    """One clause of the chain as printed, with ``else`` before it and the parentheses
    a guard (or a combined clause) needs in the middle of a chain."""
    text = format_spec(item)
    if not last and isinstance(item, (ast.Guard, ast.Else)):
        text = f"({text})"
    return text if first else f"else {text}"


def _indent(text: str, depth: int) -> list[str]:
    return [(_INDENT * depth + line) if line else line for line in text.split("\n")]


def spec_file(
    name: str,
    items: Sequence[tuple[ast.SpecExpr, Sequence[str]]],
    header: Sequence[str] = (),
    exempt: tuple[ast.Condition, Sequence[str]] | None = None,
) -> tuple[ast.Module, str]:
    """The module and its text: ``items`` are (clause, comment paragraphs), in chain order.

    ``exempt`` wraps the chain in ``if COND { none : preserve } else { ... }``.
    """
    chain = combine([item for item, _ in items])
    body: ast.SpecExpr = chain
    if exempt is not None:
        body = ast.Guard(exempt[0], ast.Atomic(ast.EmptySet(), ast.Preserve()), chain)
    module = ast.Module((ast.SpecDecl(name, body),))
    depth = 2 if exempt is not None else 1
    lines = comment_lines(header)
    lines.append(f"spec {quote_name(name)} {{")
    if exempt is not None:
        lines.extend(_indent("\n".join(comment_lines(exempt[1])), 1))
        lines.append(f"{_INDENT}if {format_condition(exempt[0])} {{")
        lines.append(f"{_INDENT * 2}none : preserve")
        lines.append(f"{_INDENT}}} else {{")
    for k, (item, comments) in enumerate(items):
        text = _item_text(item, k == 0, k == len(items) - 1)
        if comments:
            lines.extend(_indent("\n".join(comment_lines(comments)), depth))
        lines.extend(_indent(text, depth))
    if exempt is not None:
        lines.append(f"{_INDENT}}}")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    if parse_spec(text) != module:  # pragma: no cover - a printer/parser disagreement
        raise AssertionError("the suggested spec does not read back as built")
    return module, text
