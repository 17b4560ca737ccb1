"""The one printer of Rela ASTs: normalised spec text that parses back to the same AST.

Parentheses come from one precedence table (:data:`LEVELS`): an operand is
parenthesised exactly when its own level is looser than its position needs.
Names are quoted exactly when the parser would not read them back as the same
name: ``|`` and other characters, names of earlier ``let``\\ s, and a name
spelled like a keyword at a place where the parser reads that keyword (``if``
starting a zone, ``none``...): such names are printed with a mark that
:func:`rela.lang.keywords.requote` resolves on the finished text.

>>> from rela.lang import ast
>>> format_path(ast.Concat((ast.Alt((ast.Name("a"), ast.Name("b"))), ast.Star(ast.AnyLoc()))))
'(a | b) .*'
>>> format_path(ast.Name("core1|blue"))
'"core1|blue"'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from rela.errors import SpecSemanticError
from rela.lang import ast
from rela.lang.lexical import (
    KEYWORDS,
    REF_SENTINEL,
    SENTINEL,
    ends_with_marker,
    is_bare_name,
    quote_name,
    quote_string,
)
from rela.protocols import PROTOCOL_NAMES

__all__ = [
    "LEVELS",
    "format_module",
    "format_path",
    "format_relation",
    "format_check",
    "format_spec",
    "format_condition",
]

# Expression levels, loosest first (see docs/language.md, "Precedence").
IMAGE, PREIMAGE, PRIORITY, COMPOSE, UNION, INTER, JUXT, PRODUCT, PREFIX, POSTFIX, ATOM = range(
    1, 12
)

#: node type -> its precedence level (higher binds tighter).
LEVELS: dict[type, int] = {
    ast.Image: IMAGE,
    ast.Preimage: PREIMAGE,
    ast.PriorityUnion: PRIORITY,
    ast.Compose: COMPOSE,
    ast.Alt: UNION,
    ast.RelUnion: UNION,
    ast.Inter: INTER,
    ast.Concat: JUXT,
    ast.RelConcat: JUXT,
    ast.Product: PRODUCT,
    ast.Complement: PREFIX,
    ast.Star: POSTFIX,
    ast.Plus: POSTFIX,
    ast.Optional: POSTFIX,
    ast.RelStar: POSTFIX,
}

# Spec and check levels, loosest first.
S_ELSE, S_THEN, S_ATOM = 1, 2, 3
C_OR, C_AND, C_NOT, C_ATOM = 1, 2, 3, 4

_INDENT = "  "

F = TypeVar("F", bound=Callable[..., Any])


def _guarded(func: F) -> F:
    """Report absurdly deep hand-built trees as a RelaError, not a RecursionError."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RecursionError:
            raise SpecSemanticError("expression nested too deeply to print") from None

    return wrapper  # type: ignore[return-value]


def _indent(text: str) -> str:
    return "\n".join(_INDENT + line if line else line for line in text.split("\n"))


def _paren(text: str, level: int, need: int) -> str:
    return f"({text})" if level < need else text


def _contested(word: str) -> bool:
    """Whether the parser may read ``word`` as a keyword where a name can stand (only
    keywords can be; the parser's tables are asked only about those)."""
    if word not in KEYWORDS:
        return False
    from rela.lang.keywords import keywords_of
    from rela.lang.parser import _parser

    return word in keywords_of(_parser()).contested


class _Printer:
    def __init__(self, lets: Iterable[str] | set[str] = ()) -> None:
        # bare names that would read back as a reference to one of these lets
        # (a set is used as it is, not copied: format_module grows it let by let)
        self.lets = lets if isinstance(lets, (set, frozenset)) else frozenset(lets)

    # -------------------------------------------------------------- expressions

    def expr(self, node: Any, need: int = IMAGE) -> str:
        text, level = self._expr(node)
        return _paren(text, level, need)

    def _expr(self, node: Any) -> tuple[str, int]:
        level = LEVELS.get(type(node), ATOM)
        e = self.expr
        if isinstance(node, (ast.Alt, ast.RelUnion)):
            return " | ".join(e(p, UNION + 1) for p in node.parts), level
        if isinstance(node, ast.Inter):
            return " & ".join(e(p, INTER + 1) for p in node.parts), level
        if isinstance(node, (ast.Concat, ast.RelConcat)):
            parts = [e(p, JUXT + 1) for p in node.parts]
            # `#1 a` would read as a comment: a marker needs an operator after it
            parts = [f"({t})" if ends_with_marker(t) else t for t in parts[:-1]] + parts[-1:]
            return " ".join(parts), level
        if isinstance(node, ast.Complement):
            return "!" + e(node.operand, PREFIX), level
        if isinstance(node, (ast.Star, ast.RelStar)):
            return e(node.operand, POSTFIX) + "*", level
        if isinstance(node, ast.Plus):
            return e(node.operand, POSTFIX) + "+", level
        if isinstance(node, ast.Optional):
            return e(node.operand, POSTFIX) + "?", level
        if isinstance(node, ast.Product):
            return f"{e(node.left, PREFIX)} x {e(node.right, PREFIX)}", level
        if isinstance(node, ast.Image):
            return f"{e(node.prop, IMAGE)} >> {e(node.relation, PRIORITY)}", level
        if isinstance(node, ast.Preimage):
            return f"{e(node.relation, PRIORITY)} << {e(node.prop, PREIMAGE)}", level
        if isinstance(node, ast.PriorityUnion):
            return f"{e(node.left, PRIORITY)} // {e(node.right, COMPOSE)}", level
        if isinstance(node, ast.Compose):
            return f"{e(node.left, COMPOSE)} ; {e(node.right, UNION)}", level
        if isinstance(node, ast.Identity):
            return f"I({e(node.prop)})", level
        return self._atom(node), ATOM

    def _atom(self, node: Any) -> str:
        if isinstance(node, ast.Name):
            if node.text in self.lets or not is_bare_name(node.text):
                return quote_string(node.text)
            if _contested(node.text):
                return f'{SENTINEL}{node.text}"'  # bare or quoted: decided by requote()
            return node.text
        if isinstance(node, ast.Ref):
            if _contested(node.name):
                return f'{REF_SENTINEL}{node.name}"'  # bare or parenthesised: see requote()
            return node.name
        if isinstance(node, ast.AnyLoc):
            return "."
        if isinstance(node, ast.Epsilon):
            return "()"
        if isinstance(node, ast.EmptySet):
            return "none"
        if isinstance(node, ast.Pre):
            return "pre"
        if isinstance(node, ast.Post):
            return "post"
        if isinstance(node, ast.Marker):
            return f"#{node.index}"
        if isinstance(node, ast.NameClass):
            neg = "^" if node.negated else ""
            return "[" + neg + " ".join(quote_name(n.text) for n in node.names) + "]"
        if isinstance(node, ast.AttrClass):
            neg = "^" if node.negated else ""
            return f"[{neg}{node.attr}{node.op}{quote_name(node.value)}]"
        raise TypeError(f"not a path expression or relation: {node!r}")

    # -------------------------------------------------------------- specs

    def spec(self, node: Any, block: bool = True) -> str:
        return self._spec(node, block)[0]

    def _spec(self, node: Any, block: bool) -> tuple[str, int, bool]:
        """(text, level, ends with a guard that has no else-branch)."""
        if isinstance(node, ast.Else):
            left, llevel, lopen = self._spec(node.left, block)
            if lopen or llevel < S_ELSE:
                left, lopen = f"({left})", False
            right, ropen = self._operand(node.right, S_THEN)
            sep = "\nelse " if block else " else "
            return f"{left}{sep}{right}", S_ELSE, ropen
        if isinstance(node, ast.Then):
            left, lopen = self._operand(node.left, S_THEN)
            right, ropen = self._operand(node.right, S_ATOM)
            return f"{left} then {right}", S_THEN, ropen
        if isinstance(node, ast.Atomic):
            return f"{self.expr(node.zone)} : {self.modifier(node.modifier)}", S_ATOM, False
        if isinstance(node, ast.Guard):
            head = f"if {format_condition(node.cond)} {{\n{_indent(self.spec(node.then))}\n}}"
            if node.otherwise is None:
                return head, S_ATOM, True
            return f"{head} else {{\n{_indent(self.spec(node.otherwise))}\n}}", S_ATOM, False
        raise TypeError(f"not a spec: {node!r}")

    def _operand(self, node: Any, need: int) -> tuple[str, bool]:
        text, level, is_open = self._spec(node, block=False)
        if level < need:
            return f"({text})", False
        return text, is_open

    def modifier(self, node: Any) -> str:
        if isinstance(node, ast.Preserve):
            return "preserve"
        if isinstance(node, ast.Drop):
            return "drop"
        if isinstance(node, ast.Add):
            return f"add({self.expr(node.paths)})"
        if isinstance(node, ast.Remove):
            return f"remove({self.expr(node.paths)})"
        if isinstance(node, ast.Replace):
            return f"replace({self.expr(node.old)}, {self.expr(node.new)})"
        if isinstance(node, ast.AnyPaths):
            return f"any({self.expr(node.paths)})"
        raise TypeError(f"not a modifier: {node!r}")

    # -------------------------------------------------------------- checks

    def check(self, node: Any, need: int = C_OR) -> str:
        text, level = self._check(node)
        return _paren(text, level, need)

    def _check(self, node: Any) -> tuple[str, int]:
        if isinstance(node, ast.CheckOr):
            return " or ".join(self.check(p, C_AND) for p in node.parts), C_OR
        if isinstance(node, ast.CheckAnd):
            return " and ".join(self.check(p, C_NOT) for p in node.parts), C_AND
        if isinstance(node, ast.CheckNot):
            return "not " + self.check(node.operand, C_NOT), C_NOT
        if isinstance(node, ast.Compare):
            return f"{self.expr(node.left)} {node.op} {self.expr(node.right)}", C_ATOM
        if isinstance(node, ast.CheckIf):
            return (
                f"if {format_condition(node.cond)} {{\n{_indent(self.check(node.then))}\n}}"
                f" else {{\n{_indent(self.check(node.otherwise))}\n}}"
            ), C_ATOM
        raise TypeError(f"not a check: {node!r}")


def format_condition(cond: ast.Condition) -> str:
    """``dst in 10.0.0.0/8, 10.1.0.0/16``, ``qos = 5``, ``proto = tcp and dport = 80``.

    ``or`` binds loosest, then ``and``, then ``not``; an operand is
    parenthesised when its operator binds looser than its place needs, or
    when it is the same n-ary operator (``a and (b and c)`` keeps its shape).

    >>> from rela.lang import ast
    >>> format_condition(ast.CondNot(ast.CondOr((ast.ProtoCond((6, 17)),
    ...                                          ast.PortCond("dport", ((80, 80), (1024, 65535)))))))
    'not (proto in tcp, udp or dport in 80, 1024-65535)'
    """
    return _cond(cond, C_OR)


def _cond(cond: ast.Condition, need: int) -> str:
    if isinstance(cond, ast.CondOr):
        text, level = " or ".join(_cond(p, C_AND) for p in cond.parts), C_OR
    elif isinstance(cond, ast.CondAnd):
        text, level = " and ".join(_cond(p, C_NOT) for p in cond.parts), C_AND
    elif isinstance(cond, ast.CondNot):
        text, level = "not " + _cond(cond.operand, C_NOT), C_NOT
    else:
        return _cond_atom(cond)
    # a nested operator of the same kind is parenthesised (the parser keeps that shape)
    return f"({text})" if level < need else text


def _cond_atom(cond: ast.Condition) -> str:
    if isinstance(cond, ast.QosCond):
        return f"qos = {cond.value}"
    if isinstance(cond, ast.PrefixCond):
        return f"{cond.field} in " + ", ".join(quote_name(p) for p in cond.prefixes)
    if isinstance(cond, ast.ProtoCond):
        names = [PROTOCOL_NAMES.get(p, str(p)) for p in cond.protocols]
        return f"proto = {names[0]}" if len(names) == 1 else "proto in " + ", ".join(names)
    if isinstance(cond, ast.PortCond):
        ranges = [str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in cond.ranges]
        if len(ranges) == 1 and "-" not in ranges[0]:
            return f"{cond.field} = {ranges[0]}"
        return f"{cond.field} in " + ", ".join(ranges)
    raise TypeError(f"not a condition: {cond!r}")


_IR_NODES = (ast.Pre, ast.Post, ast.Image, ast.Preimage, ast.Marker)


def _is_ir(expr: object) -> bool:
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, _IR_NODES):
            return True
        if isinstance(node, tuple):
            stack.extend(node)
        elif hasattr(node, "__dataclass_fields__"):
            stack.extend(getattr(node, f) for f in node.__dataclass_fields__ if f != "span")
    return False


def _resolve_marks(text: str, before: str = "", after: str = "") -> str:
    """Resolve the keyword marks of ``text`` as if it stood between ``before`` and ``after``."""
    if SENTINEL not in text and REF_SENTINEL not in text:
        return text
    from rela.lang.keywords import requote
    from rela.lang.parser import _parser

    whole = before + text + after
    try:
        done = requote(_parser(), whole)
    except Exception:  # noqa: BLE001 - a hand-built tree that does not parse: quote every mark
        return _SENTINEL_RE.sub(lambda m: f'"{m[2]}"' if m[1] == "k" else f"({m[2]})", text)
    return done[len(before) : len(done) - len(after)]


_SENTINEL_RE = re.compile(r'"\\([kr])([^"\\\n]*)"')


@_guarded
def format_path(expr: ast.PathExpr, lets: Iterable[str] = ()) -> str:
    """A path expression (or IR prop); names in ``lets`` are quoted.

    Names spelled like keywords are quoted as they would be in a zone (or, for
    an IR prop, on the left of ``==``).

    >>> from rela.lang import ast
    >>> format_path(ast.Complement(ast.Star(ast.Name("a"))))
    '!a*'
    >>> format_path(ast.Concat((ast.Name("if"), ast.Name("drop"))))
    '"if" drop'
    """
    text = _Printer(lets).expr(expr)
    if _is_ir(expr):
        return _resolve_marks(text, "assert a {\n", " == ()\n}\n")
    return _resolve_marks(text, "spec s {\n", " : preserve\n}\n")


@_guarded
def format_relation(rel: ast.Relation, lets: Iterable[str] = ()) -> str:
    """An IR relation, e.g. ``I(a) | a x b``."""
    return _resolve_marks(_Printer(lets).expr(rel), "assert a {\n() >> (", ") == ()\n}\n")


@_guarded
def format_check(check: ast.Check, lets: Iterable[str] = ()) -> str:
    """An IR check, e.g. ``pre >> I(a) == post >> I(a)``."""
    return _resolve_marks(_Printer(lets).check(check), "assert a {\n", "\n}\n")


@_guarded
def format_spec(spec: ast.SpecExpr, lets: Iterable[str] = ()) -> str:
    """A change spec; top-level ``else`` branches go on their own lines.

    >>> from rela.lang import ast
    >>> print(format_spec(ast.Else(ast.Atomic(ast.Name("a"), ast.Drop()),
    ...                            ast.Atomic(ast.Star(ast.AnyLoc()), ast.Preserve()))))
    a : drop
    else .* : preserve
    """
    return _resolve_marks(_Printer(lets).spec(spec), "spec s {\n", "\n}\n")


def _block(keyword: str, name: str, body: str) -> str:
    return f"{keyword} {quote_name(name)} {{\n{_indent(body)}\n}}"


@_guarded
def format_module(module: ast.Module) -> str:
    """The whole file, normalised: it parses back to an equal :class:`~rela.lang.ast.Module`.

    >>> from rela.lang import parse_spec
    >>> print(format_module(parse_spec('spec x { .* "drop" : preserve else "if" : drop }')), end="")
    spec x {
      .* drop : preserve
      else "if" : drop
    }
    """
    chunks: list[str] = []
    lets: set[str] = set()  # grows let by let: printing stays linear in the number of lets
    printer = _Printer(lets)
    previous: object = None
    for decl in module.decls:
        if isinstance(decl, ast.Let):
            text = f"let {quote_name(decl.name)} = {printer.expr(decl.expr)}"
            lets.add(decl.name)
        elif isinstance(decl, ast.SpecDecl):
            text = _block("spec", decl.name, printer.spec(decl.body))
        elif isinstance(decl, ast.AssertDecl):
            text = _block("assert", decl.name, printer.check(decl.body))
        else:
            raise TypeError(f"not a declaration: {decl!r}")
        if previous is not None and not (isinstance(decl, ast.Let) and previous is ast.Let):
            chunks.append("")
        # each declaration parses on its own, so its marks are resolved on its own text
        chunks.append(_resolve_marks(text))
        previous = type(decl)
    return "\n".join(chunks) + "\n" if chunks else ""
