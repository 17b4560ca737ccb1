"""Parse Rela spec text into the AST of :mod:`rela.lang.ast`.

>>> module = parse_spec("spec s { core1 : preserve }")
>>> module.decls[0].body
Atomic(zone=Name(text='core1'), modifier=Preserve())

The grammar is ``grammar/rela.lark`` (shipped in the wheel as
``rela/grammar/rela.lark``); the Lark parser is built once per process.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput, VisitError
from lark.lark import PostLex
from lark.lexer import PatternStr

from rela.errors import RelaError, SpecError, SpecSyntaxError
from rela.lang import ast
from rela.lang.diagnostics import syntax_error
from rela.lang.lexical import KEYWORDS
from rela.lang.transform import AstBuilder

__all__ = ["parse_spec", "load_spec", "grammar_text", "MAX_NESTING"]

#: Deepest nesting of operators (and of the nodes built from them) a spec may use.
#: Real specs stay far below; the limit keeps every tree walk away from Python's
#: recursion limit.
MAX_NESTING = 100


def grammar_text() -> str:
    """The grammar, from the installed package or from a source checkout."""
    try:
        packaged = resources.files("rela") / "grammar" / "rela.lark"
        if packaged.is_file():
            return packaged.read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError, NotADirectoryError):
        pass
    return (Path(__file__).resolve().parents[2] / "grammar" / "rela.lark").read_text(
        encoding="utf-8"
    )


class _ReserveKeywords(PostLex):
    """Make keywords reserved everywhere.

    The contextual lexer only recognises a keyword where the parser can accept
    it; elsewhere ``then`` would lex as a NAME.  Turning every NAME spelled like
    a keyword into the keyword gives one simple rule and clear errors.
    """

    always_accept = ()

    def __init__(self) -> None:
        self.types: dict[str, str] = {}

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        types = self.types
        for tok in stream:
            if tok.type == "NAME" and tok.value in types:
                yield Token.new_borrow_pos(types[tok.value], tok.value, tok)
            else:
                yield tok


@functools.cache
def _parser() -> Lark:
    postlex = _ReserveKeywords()
    lark = Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
        postlex=postlex,
    )
    for term in lark.terminals:
        if isinstance(term.pattern, PatternStr) and term.pattern.value in KEYWORDS:
            postlex.types[term.pattern.value] = term.name
    return lark


def _check_nesting(tree: Tree[Token], text: str, filename: str | None) -> None:
    """Reject trees deeper than :data:`MAX_NESTING` (iteratively: no recursion)."""
    stack: list[tuple[Tree[Token], int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            meta = node.meta
            raise SpecSyntaxError(
                f"nesting too deep (limit {MAX_NESTING})",
                filename=filename,
                line=getattr(meta, "line", None),
                column=getattr(meta, "column", None),
                source=text,
                hint="split the expression with `let` definitions",
            )
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, Tree))


def parse_spec(text: str, filename: str | None = None) -> ast.Module:
    """Parse a whole spec file.

    Raises :class:`~rela.errors.SpecSyntaxError` when the text does not parse
    and :class:`~rela.errors.SpecSemanticError` when it parses but is invalid
    (duplicate names, bad prefixes or regexes, paths mixed with relations...).

    >>> parse_spec("let c = core1 core2").lets()
    {'c': Concat(parts=(Name(text='core1'), Name(text='core2')))}
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    parser = _parser()
    try:
        tree = parser.parse(text)
    except UnexpectedInput as exc:
        terminals = {t.name: t for t in parser.terminals}
        raise syntax_error(exc, text, filename, terminals) from None
    except RecursionError:  # pragma: no cover - LALR parsing is iterative
        raise SpecSyntaxError("nesting too deep", filename=filename) from None
    _check_nesting(tree, text, filename)
    try:
        module = AstBuilder(text, filename).transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, RelaError):
            raise exc.orig_exc from None
        raise
    return module


def load_spec(path: str | Path) -> ast.Module:
    """Read and parse a spec file; an unreadable file is a :class:`~rela.errors.SpecError`."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise SpecError(f"cannot read spec file: {reason}", filename=name) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SpecError(
            f"spec file is not UTF-8 text (byte {exc.start})", filename=name, line=line
        ) from None
    return parse_spec(text, filename=name)
