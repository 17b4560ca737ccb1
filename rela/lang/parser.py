"""Parse Rela spec text into the AST of :mod:`rela.lang.ast`.

>>> module = parse_spec("spec s { core1 : preserve }")
>>> module.decls[0].body
Atomic(zone=Name(text='core1'), modifier=Preserve())

The grammar is ``grammar/rela.lark`` (shipped in the wheel as
``rela/grammar/rela.lark``).  Building its LALR tables takes about 0.1 s, most
of a short command's start-up, so the built parser is kept in the user's cache
directory (:func:`parser_cache_file`) and loaded from there by later runs; a
spec file parsed before is not parsed at all (its AST is kept too,
:mod:`rela.lang.spec_cache`), and Lark is then not even imported.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from rela.errors import RelaError, SpecError, SpecSemanticError, SpecSyntaxError
from rela.lang import ast, spec_cache

if TYPE_CHECKING:  # Lark is imported when a spec is parsed, not when one is loaded from the cache
    from lark import Lark, Token, Tree

__all__ = [
    "parse_spec",
    "load_spec",
    "grammar_text",
    "parser_cache_file",
    "MAX_NESTING",
    "MAX_EXPANDED_DEPTH",
    "MAX_EXPANDED_NODES",
]

#: Deepest nesting of operators (and of the nodes built from them) a spec may use.
#: Real specs stay far below; the limit keeps every tree walk away from Python's
#: recursion limit.
MAX_NESTING = 100
#: Deepest and largest a definition or block may be once the ``let`` names it uses
#: are expanded (each ``let`` is within :data:`MAX_NESTING`, but a chain of lets
#: nests deeper, and ``let b = a | a`` repeated doubles the size at every step).
MAX_EXPANDED_DEPTH = 2 * MAX_NESTING
MAX_EXPANDED_NODES = 100_000
#: Largest spec file read (bytes): far above any real spec, and ``rela check /dev/zero``
#: must not read forever.
MAX_SPEC_BYTES = 16 << 20


def grammar_text() -> str:
    """The grammar, from the installed package or from a source checkout.

    Files on disk are read as files: ``importlib.resources`` (for a package inside
    a zip) imports ``zipfile``, a cost every start would pay."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[1] / "grammar", here.parents[2] / "grammar"):
        if (candidate / "rela.lark").is_file():  # installed package, source checkout
            return (candidate / "rela.lark").read_text(encoding="utf-8")
    from importlib import resources

    return (resources.files("rela") / "grammar" / "rela.lark").read_text(encoding="utf-8")


_PARSER_OPTIONS: dict[str, object] = {
    "parser": "lalr",
    "lexer": "contextual",
    "propagate_positions": True,
    "maybe_placeholders": False,
}


def parser_cache_file(grammar: str) -> Path | None:
    """Where the parser built from ``grammar`` is kept between runs, or None (no cache).

    The file name is a hash of everything the built tables depend on (grammar,
    options, Lark and Python versions), so a changed grammar or an upgraded Lark
    never loads stale tables.  The directory is ``$XDG_CACHE_HOME/rela`` (or
    ``~/.cache/rela``), created private to the user; a directory that another
    user could write to is not used (the file is a pickle), nor is any cache
    when ``RELA_NO_PARSER_CACHE`` is set.

    >>> parser_cache_file("start: 'a'").name.startswith("parser-")  # doctest: +SKIP
    True
    """
    import lark

    folder = spec_cache.cache_folder()
    if folder is None:
        return None
    key = "\n".join([grammar, repr(sorted(_PARSER_OPTIONS.items())), lark.__version__, sys.version])
    return folder / f"parser-{hashlib.sha256(key.encode()).hexdigest()[:32]}.lark"


def _save(parser: Lark, path: Path) -> None:
    """Write the parser to ``path`` atomically (concurrent runs never read half a file);
    a cache that cannot be written (read-only, full) is left as it is."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".parser-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            parser.save(f)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


@functools.cache
def _parser() -> Lark:
    """The spec parser: from the cache when it holds this grammar's, else built (and cached)."""
    from lark import Lark

    grammar = grammar_text()
    path = parser_cache_file(grammar)
    if path is not None:
        try:
            with path.open("rb") as f:
                return Lark.load(f)
        except FileNotFoundError:
            pass
        except Exception:  # noqa: BLE001 - damaged or foreign: build it again
            pass
    parser = Lark(grammar, **_PARSER_OPTIONS)
    if path is not None:
        _save(parser, path)
    return parser


def _check_nesting(tree: Tree[Token], text: str, filename: str | None) -> None:
    """Reject trees deeper than :data:`MAX_NESTING` (iteratively: no recursion)."""
    from lark import Tree

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


def _children(node: object) -> Iterator[object]:
    for f in dataclasses.fields(node):  # type: ignore[arg-type]
        if f.name == "span":
            continue
        value = getattr(node, f.name)
        if isinstance(value, tuple):
            yield from (v for v in value if dataclasses.is_dataclass(v))
        elif dataclasses.is_dataclass(value):
            yield value


def _expanded(root: object, lets: Mapping[str, tuple[int, int]]) -> tuple[int, int]:
    """Depth and node count of ``root`` with every ``Ref`` replaced by its let (iterative)."""
    measured: dict[int, tuple[int, int]] = {}
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if isinstance(node, ast.Ref):
            measured[id(node)] = lets.get(node.name, (1, 1))
        elif not ready:
            stack.append((node, True))
            stack.extend((c, False) for c in _children(node))
        else:
            kids = [measured[id(c)] for c in _children(node)]
            depth = 1 + max((d for d, _ in kids), default=0)
            measured[id(node)] = (depth, 1 + sum(n for _, n in kids))
    return measured[id(root)]


def _check_expansion(module: ast.Module, text: str, filename: str | None) -> None:
    """Reject lets and blocks too deep or too large once lets are expanded (as compiled)."""
    lets: dict[str, tuple[int, int]] = {}
    for decl in module.decls:
        body = decl.expr if isinstance(decl, ast.Let) else decl.body
        depth, nodes = _expanded(body, lets)
        if isinstance(decl, ast.Let):
            lets[decl.name] = (depth, nodes)
        if depth > MAX_EXPANDED_DEPTH:
            problem = f"`{decl.name}` nests too deeply once lets are expanded "
            problem += f"(depth {depth}, limit {MAX_EXPANDED_DEPTH})"
            hint = "each let that wraps the previous one nests deeper; flatten the chain"
        elif nodes > MAX_EXPANDED_NODES:
            problem = f"`{decl.name}` is too large once lets are expanded "
            problem += f"({nodes} nodes, limit {MAX_EXPANDED_NODES})"
            hint = "a let is copied at every use: a let using the previous one twice doubles"
        else:
            continue
        span = decl.span
        raise SpecSemanticError(
            problem,
            filename=filename,
            line=span.line if span else None,
            column=span.column if span else None,
            source=text,
            hint=hint,
        )


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
    return _parse_text(text, filename)


def _parse_text(text: str, filename: str | None) -> ast.Module:
    """Parse with Lark: the work :func:`load_spec` skips for a file parsed before."""
    from lark.exceptions import UnexpectedInput, VisitError

    from rela.lang.diagnostics import syntax_error
    from rela.lang.keywords import ParseNotes, parse_tree
    from rela.lang.transform import AstBuilder

    parser = _parser()
    notes = ParseNotes()
    try:
        tree = parse_tree(parser, text, notes)
    except UnexpectedInput as exc:
        terminals = {t.name: t for t in parser.terminals}
        raise syntax_error(exc, text, filename, terminals, notes) from None
    except RecursionError:  # pragma: no cover - LALR parsing is iterative
        raise SpecSyntaxError("nesting too deep", filename=filename) from None
    _check_nesting(tree, text, filename)
    try:
        module = AstBuilder(text, filename).transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, RelaError):
            raise exc.orig_exc from None
        raise
    _check_expansion(module, text, filename)
    return module


def load_spec(path: str | Path) -> ast.Module:
    """Read and parse a spec file; an unreadable file is a :class:`~rela.errors.SpecError`.

    A file whose text was parsed before (same text, file name and Rela) is loaded
    from the cache of :mod:`rela.lang.spec_cache`, without Lark.
    """
    name = str(path)
    try:
        with open(path, "rb") as fp:
            raw = fp.read(MAX_SPEC_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise SpecError(f"cannot read spec file: {reason}", filename=name) from None
    if len(raw) > MAX_SPEC_BYTES:
        raise SpecError(
            f"spec file too large (more than {MAX_SPEC_BYTES >> 20} MB)", filename=name
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SpecError(
            f"spec file is not UTF-8 text (byte {exc.start})", filename=name, line=line
        ) from None
    module = spec_cache.load_cached(text, name)
    if module is None:
        module = parse_spec(text, filename=name)
        spec_cache.store(text, name, module)
    return module
