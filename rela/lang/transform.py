"""Lark parse tree -> :mod:`rela.lang.ast`, with the semantic checks of the language.

Inside ``assert`` blocks one expression grammar covers both props (path sets)
and relations; this module sorts them out: ``p | q`` of two path sets is an
:class:`~rela.lang.ast.Alt`, of two relations a :class:`~rela.lang.ast.RelUnion`,
and mixing the two is a located :class:`~rela.errors.SpecSemanticError`.

The transformer is stateful: it walks the declarations in file order, so a bare
name refers to a ``let`` only when that ``let`` came *earlier* in the file.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, NoReturn, TypeVar

from lark import Token, Transformer, v_args
from lark.tree import Meta

from rela.errors import SpecSemanticError
from rela.lang import ast
from rela.lang import values as values_
from rela.lang.lexical import compile_regex, is_glued, unquote

__all__ = ["AstBuilder", "MAX_COMPONENTS"]

#: A location name has at most ``device|vrf|interface``.
MAX_COMPONENTS = 3

_RELATIONS = (
    ast.Identity,
    ast.Product,
    ast.RelConcat,
    ast.RelUnion,
    ast.PriorityUnion,
    ast.Compose,
    ast.RelStar,
)

_KIND_WORD = {False: "a path set", True: "a relation"}

T = TypeVar("T")


class _Value(NamedTuple):
    """A name-like token (bare or quoted) before it is given a meaning."""

    text: str
    quoted: bool
    span: ast.Span


def _token_span(tok: Token) -> ast.Span:
    return ast.Span(tok.line or 1, tok.column or 1, tok.end_line or 1, tok.end_column or 1)


def _meta_span(meta: Meta) -> ast.Span | None:
    if getattr(meta, "empty", True):
        return None
    return ast.Span(meta.line, meta.column, meta.end_line, meta.end_column)


def _is_rel(node: object) -> bool:
    return isinstance(node, _RELATIONS)


@v_args(meta=True)
class AstBuilder(Transformer[Token, ast.Module]):
    """Builds a :class:`~rela.lang.ast.Module`; raises :class:`SpecSemanticError`."""

    def __init__(self, source: str, filename: str | None) -> None:
        super().__init__(visit_tokens=False)
        self.source = source
        self.filename = filename
        self.lets: dict[str, ast.Span | None] = {}
        self.checks: dict[str, ast.Span | None] = {}

    # ------------------------------------------------------------ errors

    def fail(self, message: str, span: ast.Span | None, hint: str | None = None) -> NoReturn:
        raise SpecSemanticError(
            message,
            filename=self.filename,
            line=span.line if span else None,
            column=span.column if span else None,
            source=self.source,
            hint=hint,
        )

    def _expect_kind(self, node: Any, rel: bool, what: str, hint: str | None = None) -> None:
        if _is_rel(node) != rel:
            self.fail(
                f"{what} needs {_KIND_WORD[rel]}, but this is {_KIND_WORD[not rel]}",
                getattr(node, "span", None),
                hint,
            )

    # ------------------------------------------------------------ declarations

    def start(self, meta: Meta, children: list[ast.Decl]) -> ast.Module:
        return ast.Module(tuple(children), filename=self.filename)

    def let_decl(self, meta: Meta, children: list[Any]) -> ast.Let:
        tok, expr = children
        span = _token_span(tok)
        name = str(tok)
        if name == "none":
            self.fail(
                "a let cannot be called `none`",
                span,
                hint="`none` in a path is always the empty set; choose another name",
            )
        if name in self.lets:
            self._duplicate("let", name, span, self.lets[name])
        self.lets[name] = span
        return ast.Let(name, expr, span=_meta_span(meta))

    def spec_decl(self, meta: Meta, children: list[Any]) -> ast.SpecDecl:
        name, body = children
        self._register_check(name)
        return ast.SpecDecl(name.text, body, span=_meta_span(meta))

    def assert_decl(self, meta: Meta, children: list[Any]) -> ast.AssertDecl:
        name, body = children
        self._register_check(name)
        return ast.AssertDecl(name.text, body, span=_meta_span(meta))

    def _register_check(self, name: _Value) -> None:
        if not name.text:
            self.fail("empty spec name", name.span)
        if name.text in self.checks:
            self._duplicate("spec or assert", name.text, name.span, self.checks[name.text])
        self.checks[name.text] = name.span

    def _duplicate(self, kind: str, name: str, span: ast.Span, first: ast.Span | None) -> NoReturn:
        where = f" at line {first.line}, column {first.column}" if first else ""
        self.fail(
            f"duplicate {kind} name `{name}`",
            span,
            hint=f"`{name}` is already defined{where}; choose another name",
        )

    def bare_decl_name(self, meta: Meta, children: list[Token]) -> _Value:
        return _Value(str(children[0]), False, _token_span(children[0]))

    def quoted_decl_name(self, meta: Meta, children: list[Token]) -> _Value:
        return _Value(unquote(children[0]), True, _token_span(children[0]))

    bare_value = bare_decl_name
    quoted_value = quoted_decl_name

    # ------------------------------------------------------------ specs

    def atomic(self, meta: Meta, children: list[Any]) -> ast.Atomic:
        zone, modifier = children
        return ast.Atomic(zone, modifier, span=_meta_span(meta))

    def then_spec(self, meta: Meta, children: list[Any]) -> ast.Then:
        return ast.Then(children[0], children[1], span=_meta_span(meta))

    def else_spec(self, meta: Meta, children: list[Any]) -> ast.Else:
        return ast.Else(children[0], children[1], span=_meta_span(meta))

    def guard(self, meta: Meta, children: list[Any]) -> ast.Guard:
        cond, then, *rest = children
        return ast.Guard(cond, then, rest[0] if rest else None, span=_meta_span(meta))

    def preserve(self, meta: Meta, children: list[Any]) -> ast.Preserve:
        return ast.Preserve(span=_meta_span(meta))

    def drop(self, meta: Meta, children: list[Any]) -> ast.Drop:
        return ast.Drop(span=_meta_span(meta))

    def add(self, meta: Meta, children: list[Any]) -> ast.Add:
        return ast.Add(children[0], span=_meta_span(meta))

    def remove(self, meta: Meta, children: list[Any]) -> ast.Remove:
        return ast.Remove(children[0], span=_meta_span(meta))

    def replace(self, meta: Meta, children: list[Any]) -> ast.Replace:
        return ast.Replace(children[0], children[1], span=_meta_span(meta))

    def any_paths(self, meta: Meta, children: list[Any]) -> ast.AnyPaths:
        return ast.AnyPaths(children[0], span=_meta_span(meta))

    # ------------------------------------------------------------ traffic guards

    def dst_cond(self, meta: Meta, children: list[_Value]) -> ast.PrefixCond:
        return self._prefix_cond("dst", meta, children)

    def src_cond(self, meta: Meta, children: list[_Value]) -> ast.PrefixCond:
        return self._prefix_cond("src", meta, children)

    def _prefix_cond(self, field: str, meta: Meta, values: list[_Value]) -> ast.PrefixCond:
        prefixes = tuple(self._value(values_.prefix, v) for v in values)
        return ast.PrefixCond(field, prefixes, span=_meta_span(meta))

    def qos_cond(self, meta: Meta, children: list[_Value]) -> ast.QosCond:
        return ast.QosCond(self._value(values_.qos, children[0]), span=_meta_span(meta))

    def proto_cond(self, meta: Meta, children: list[_Value]) -> ast.ProtoCond:
        protocols = tuple(self._value(values_.protocol, v) for v in children)
        return ast.ProtoCond(protocols, span=_meta_span(meta))

    def dport_cond(self, meta: Meta, children: list[_Value]) -> ast.PortCond:
        return self._port_cond("dport", meta, children)

    def sport_cond(self, meta: Meta, children: list[_Value]) -> ast.PortCond:
        return self._port_cond("sport", meta, children)

    def _port_cond(self, field: str, meta: Meta, children: list[_Value]) -> ast.PortCond:
        ranges = tuple(self._value(values_.ports, v) for v in children)
        return ast.PortCond(field, ranges, span=_meta_span(meta))

    def _value(self, read: Callable[[str], T], value: _Value) -> T:
        """``read(value.text)``, its :class:`~rela.lang.values.BadValue` located at the value."""
        try:
            return read(value.text)
        except values_.BadValue as exc:
            self.fail(exc.message, value.span, hint=exc.hint)

    def cond_and(self, meta: Meta, children: list[ast.Condition]) -> ast.CondAnd:
        return ast.CondAnd(tuple(children), span=_meta_span(meta))

    def cond_or(self, meta: Meta, children: list[ast.Condition]) -> ast.CondOr:
        return ast.CondOr(tuple(children), span=_meta_span(meta))

    def cond_not(self, meta: Meta, children: list[ast.Condition]) -> ast.CondNot:
        return ast.CondNot(children[0], span=_meta_span(meta))

    # ------------------------------------------------------------ path atoms

    def bare_name(self, meta: Meta, children: list[Token]) -> ast.Name | ast.Ref:
        text = str(children[0])
        span = _token_span(children[0])
        if text in self.lets:
            return ast.Ref(text, span=span)
        if is_glued(text):
            zone, _, modifier = text.rpartition(":")
            self.fail(
                f"`{text}` reads as one location name (names may contain `:`)",
                span,
                hint=f'write `{zone} : {modifier}`; quote it ("{text}") if it is a location',
            )
        return self._name(text, span)

    def quoted_name(self, meta: Meta, children: list[Token]) -> ast.Name:
        return self._name(unquote(children[0]), _token_span(children[0]))

    def _name(self, text: str, span: ast.Span) -> ast.Name:
        if not text:
            self.fail("empty location name", span, hint="use `()` for the empty path")
        parts = text.split("|")
        if any(not p for p in parts):
            self.fail(
                f"location name `{text}` has an empty component",
                span,
                hint="components are separated by single `|`: device|vrf|interface",
            )
        if len(parts) > MAX_COMPONENTS:
            self.fail(
                f"location name `{text}` has {len(parts)} components; "
                f"at most {MAX_COMPONENTS} (device|vrf|interface)",
                span,
            )
        return ast.Name(text, span=span)

    def any_loc(self, meta: Meta, children: list[Any]) -> ast.AnyLoc:
        return ast.AnyLoc(span=_meta_span(meta))

    def epsilon(self, meta: Meta, children: list[Any]) -> ast.Epsilon:
        return ast.Epsilon(span=_meta_span(meta))

    def empty_set(self, meta: Meta, children: list[Any]) -> ast.EmptySet:
        return ast.EmptySet(span=_meta_span(meta))

    def pre(self, meta: Meta, children: list[Any]) -> ast.Pre:
        return ast.Pre(span=_meta_span(meta))

    def post(self, meta: Meta, children: list[Any]) -> ast.Post:
        return ast.Post(span=_meta_span(meta))

    def marker(self, meta: Meta, children: list[Token]) -> ast.Marker:
        return ast.Marker(int(children[0][1:]), span=_meta_span(meta))

    def name_class(self, meta: Meta, children: list[Any]) -> ast.NameClass:
        negated, items = self._negation(children)
        span = _meta_span(meta)
        if not items:
            if negated:
                self.fail("empty class `[^]`", span, hint="use `.` for any one location")
            self.fail("empty class `[]` matches no location", span, hint="use `none` for no path")
        names = tuple(self._name(v.text, v.span) for v in items)
        return ast.NameClass(names, negated, span=span)

    def attr_eq(self, meta: Meta, children: list[Any]) -> ast.AttrClass:
        return self._attr_class("=", meta, children)

    def attr_match(self, meta: Meta, children: list[Any]) -> ast.AttrClass:
        return self._attr_class("~", meta, children)

    def _attr_class(self, op: str, meta: Meta, children: list[Any]) -> ast.AttrClass:
        negated, rest = self._negation(children)
        attr_tok, value = rest
        attr = str(attr_tok)
        if attr not in ast.ATTRIBUTES:
            close = difflib.get_close_matches(attr, ast.ATTRIBUTES, n=1)
            guess = f"did you mean `{close[0]}`? " if close else ""
            self.fail(
                f"unknown attribute `{attr}`",
                _token_span(attr_tok),
                hint=f"{guess}attributes are {', '.join(ast.ATTRIBUTES)}",
            )
        if op == "~":
            try:
                compile_regex(value.text)
            except ValueError as exc:
                self.fail(
                    f"invalid regular expression {value.text!r}: {exc}",
                    value.span,
                    hint="attribute regexes use RE2 syntax (no backreferences or lookaround)",
                )
        return ast.AttrClass(attr, op, value.text, negated, span=_meta_span(meta))

    @staticmethod
    def _negation(children: list[Any]) -> tuple[bool, list[Any]]:
        if children and isinstance(children[0], Token) and children[0].type == "NEGATE":
            return True, children[1:]
        return False, children

    # ------------------------------------------------------------ operators (props and relations)

    def union(self, meta: Meta, children: list[Any]) -> ast.Alt | ast.RelUnion:
        rel = self._same_kind(children, "`|`")
        span = _meta_span(meta)
        return (
            ast.RelUnion(tuple(children), span=span) if rel else ast.Alt(tuple(children), span=span)
        )

    def juxt(self, meta: Meta, children: list[Any]) -> ast.Concat | ast.RelConcat:
        rel = self._same_kind(children, "concatenation")
        span = _meta_span(meta)
        if rel:
            return ast.RelConcat(tuple(children), span=span)
        return ast.Concat(tuple(children), span=span)

    def _same_kind(self, parts: Sequence[Any], what: str) -> bool:
        rel = _is_rel(parts[0])
        for before, part in zip(parts, parts[1:]):
            if isinstance(before, ast.Product) and part == ast.Name("x"):
                self.fail(
                    "the product `x` does not chain",
                    getattr(part, "span", None),
                    hint="use parentheses, e.g. `(a x b) (c x d)`",
                )
            if _is_rel(part) != rel:
                self.fail(
                    f"{what} mixes path sets and relations: this is {_KIND_WORD[not rel]}, "
                    f"the first operand is {_KIND_WORD[rel]}",
                    getattr(part, "span", None),
                    hint="use I(p) to turn a path set p into a relation",
                )
        return rel

    def inter(self, meta: Meta, children: list[Any]) -> ast.Inter:
        for part in children:
            self._expect_kind(part, False, "`&`")
        return ast.Inter(tuple(children), span=_meta_span(meta))

    def complement(self, meta: Meta, children: list[Any]) -> ast.Complement:
        self._expect_kind(children[0], False, "`!`")
        return ast.Complement(children[0], span=_meta_span(meta))

    def star(self, meta: Meta, children: list[Any]) -> ast.Star | ast.RelStar:
        operand = children[0]
        if _is_rel(operand):
            return ast.RelStar(operand, span=_meta_span(meta))
        return ast.Star(operand, span=_meta_span(meta))

    def plus(self, meta: Meta, children: list[Any]) -> ast.Plus:
        self._expect_kind(children[0], False, "`+`", hint="for a relation R write `R R*`")
        return ast.Plus(children[0], span=_meta_span(meta))

    def optional(self, meta: Meta, children: list[Any]) -> ast.Optional:
        self._expect_kind(children[0], False, "`?`", hint="for a relation R write `R | I(())`")
        return ast.Optional(children[0], span=_meta_span(meta))

    def product(self, meta: Meta, children: list[Any]) -> ast.Product:
        left, right = children
        self._expect_kind(left, False, "`x`")
        self._expect_kind(right, False, "`x`")
        return ast.Product(left, right, span=_meta_span(meta))

    def identity(self, meta: Meta, children: list[Any]) -> ast.Identity:
        self._expect_kind(children[0], False, "`I(...)`")
        return ast.Identity(children[0], span=_meta_span(meta))

    def image(self, meta: Meta, children: list[Any]) -> ast.Image:
        prop, rel = children
        self._expect_kind(prop, False, "the left side of `>>`")
        self._expect_kind(rel, True, "the right side of `>>`", hint="write `P >> I(Q)`")
        return ast.Image(prop, rel, span=_meta_span(meta))

    def preimage(self, meta: Meta, children: list[Any]) -> ast.Preimage:
        rel, prop = children
        self._expect_kind(rel, True, "the left side of `<<`", hint="write `I(Q) << P`")
        self._expect_kind(prop, False, "the right side of `<<`")
        return ast.Preimage(rel, prop, span=_meta_span(meta))

    def priority(self, meta: Meta, children: list[Any]) -> ast.PriorityUnion:
        left, right = children
        self._expect_kind(left, True, "`//`")
        self._expect_kind(right, True, "`//`")
        return ast.PriorityUnion(left, right, span=_meta_span(meta))

    def compose(self, meta: Meta, children: list[Any]) -> ast.Compose:
        left, right = children
        self._expect_kind(left, True, "`;`")
        self._expect_kind(right, True, "`;`")
        return ast.Compose(left, right, span=_meta_span(meta))

    # ------------------------------------------------------------ checks

    def check_eq(self, meta: Meta, children: list[Any]) -> ast.Compare:
        return self._compare("==", meta, children)

    def check_le(self, meta: Meta, children: list[Any]) -> ast.Compare:
        return self._compare("<=", meta, children)

    def _compare(self, op: str, meta: Meta, children: list[Any]) -> ast.Compare:
        left, right = children
        hint = "compare path sets, e.g. the image `pre >> R`"
        self._expect_kind(left, False, f"`{op}`", hint)
        self._expect_kind(right, False, f"`{op}`", hint)
        return ast.Compare(op, left, right, span=_meta_span(meta))

    def check_and(self, meta: Meta, children: list[Any]) -> ast.CheckAnd:
        return ast.CheckAnd(tuple(children), span=_meta_span(meta))

    def check_or(self, meta: Meta, children: list[Any]) -> ast.CheckOr:
        return ast.CheckOr(tuple(children), span=_meta_span(meta))

    def check_not(self, meta: Meta, children: list[Any]) -> ast.CheckNot:
        return ast.CheckNot(children[0], span=_meta_span(meta))

    def check_if(self, meta: Meta, children: list[Any]) -> ast.CheckIf:
        cond, then, otherwise = children
        return ast.CheckIf(cond, then, otherwise, span=_meta_span(meta))
