"""Compile change specs to the relational IR (DESIGN §3, docs/language.md "Semantics").

Each atomic spec ``d : modifier`` becomes a triple ``(R, Q, D)``: ``R`` is applied
to the pre-change paths, ``Q`` to the post-change paths, ``D`` is the domain.  A
spec holds on an FEC iff ``pre >> R == post >> Q``.  ``then`` and ``else``
combine triples; traffic guards are lifted to the top of the check as
:class:`~rela.lang.ast.CheckIf` trees whose leaves are guard-free.

>>> from rela.lang import parse_spec, format_check
>>> [c] = compile_module(parse_spec("spec s { a : preserve }"))
>>> format_check(c.check)
'pre >> I(a) == post >> I(a)'
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import field
from typing import Any, TypeVar, cast

from rela.cases import MAX_GUARD_CASES, VACUOUS, guard_cases, lift_guards
from rela.errors import SpecSemanticError
from rela.lang import ast
from rela.lang.jsonast import node_to_json
from rela.lang.lexical import quote_name
from rela.lang.printer import format_check
from rela.values import frozen

__all__ = [
    "CompiledCheck",
    "compile_module",
    "compile_spec",
    "compile_assert",
    "inline_refs",
    "used_lets",
    "format_ir",
    "ir_to_json",
    "guard_cases",
    "lift_guards",
    "domain",
    "DROP",
    "VACUOUS",
    "MAX_GUARD_CASES",
]

#: The location where discarded traffic ends.
DROP = ast.Name("drop")

T = TypeVar("T")


@frozen
class CompiledCheck:
    """One ``spec`` or ``assert`` block compiled to an IR check."""

    name: str
    kind: str  # "spec" | "assert"
    check: ast.Check
    span: ast.Span | None = field(default=None, compare=False, repr=False)


def compile_module(module: ast.Module) -> tuple[CompiledCheck, ...]:
    """Every spec and assert block of ``module``, in file order, with lets inlined.

    Only the lets the blocks use are inlined (a file of 10^5 lets compiles in
    time linear in what its blocks use).

    >>> from rela.lang import parse_spec
    >>> [c.name for c in compile_module(parse_spec("let z = a b  spec s { z : drop }"))]
    ['s']
    """
    out: list[CompiledCheck] = []
    try:
        lets = used_lets(module)
        for decl in module.decls:
            if isinstance(decl, ast.SpecDecl):
                check = compile_spec(decl.body, lets)
                out.append(CompiledCheck(decl.name, "spec", check, span=decl.span))
            elif isinstance(decl, ast.AssertDecl):
                check = compile_assert(decl.body, lets)
                out.append(CompiledCheck(decl.name, "assert", check, span=decl.span))
    except RecursionError:
        raise SpecSemanticError("spec nested too deeply to compile") from None
    return tuple(out)


# ------------------------------------------------------------------ let inlining


def _refs(node: object) -> Iterator[str]:
    """The let names ``node`` refers to (iteratively)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Ref):
            yield n.name
        elif isinstance(n, tuple):
            stack.extend(n)
        else:
            stack.extend(getattr(n, f) for f in _fields(type(n)))


def used_lets(module: ast.Module, names: Iterable[str] | None = None) -> dict[str, ast.PathExpr]:
    """The lets that the spec/assert blocks (those in ``names``, default all) use, inlined.

    >>> from rela.lang import parse_spec
    >>> used_lets(parse_spec("let a = x  let b = a y  let c = z  spec s { b : drop }"))
    {'a': Name(text='x'), 'b': Concat(parts=(Name(text='x'), Name(text='y')))}
    """
    wanted = None if names is None else set(names)
    raw = module.lets()
    needed: set[str] = set()
    todo = [
        name
        for d in module.checks()
        if wanted is None or d.name in wanted
        for name in _refs(d.body)
    ]
    while todo:
        name = todo.pop()
        if name not in needed and name in raw:
            needed.add(name)
            todo.extend(_refs(raw[name]))
    lets: dict[str, ast.PathExpr] = {}
    for name, expr in raw.items():  # definition order: a let uses earlier lets only
        if name in needed:
            lets[name] = inline_refs(expr, lets)
    return lets


_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    """The AST fields of a node class (no span); () for anything that is not a node."""
    got = _FIELDS.get(cls)
    if got is None:
        if dataclasses.is_dataclass(cls):
            got = tuple(f.name for f in dataclasses.fields(cls) if f.name != "span")
        else:
            got = ()
        _FIELDS[cls] = got
    return got


def inline_refs(node: T, lets: Mapping[str, ast.PathExpr]) -> T:
    """``node`` with every :class:`~rela.lang.ast.Ref` replaced by its definition.

    ``lets`` must already be inlined (later lets may use earlier ones).  Parts
    without references are returned as they are (shared, not copied).
    """
    if isinstance(node, ast.Ref):
        try:
            return lets[node.name]  # type: ignore[return-value]
        except KeyError:
            line = node.span.line if node.span else None
            column = node.span.column if node.span else None
            raise SpecSemanticError(
                f"undefined let `{node.name}`", line=line, column=column
            ) from None
    if isinstance(node, tuple):
        items = tuple(inline_refs(item, lets) for item in node)
        same = all(a is b for a, b in zip(items, node))
        return node if same else items  # type: ignore[return-value]
    names = _fields(type(node))
    if not names:
        return node
    changes: dict[str, Any] = {}
    for name in names:
        value = getattr(node, name)
        new = inline_refs(value, lets)
        if new is not value:
            changes[name] = new
    return dataclasses.replace(node, **changes) if changes else node  # type: ignore[type-var]


def compile_assert(check: ast.Check, lets: Mapping[str, ast.PathExpr] | None = None) -> ast.Check:
    """An assert block's check, with lets inlined (the IR is already the target)."""
    return inline_refs(check, lets or {})


# ------------------------------------------------------------------ small builders
# They flatten nested n-ary nodes of the same kind (associativity), nothing more.


def _flat(kind: type, parts: tuple[Any, ...]) -> tuple[Any, ...]:
    out: list[Any] = []
    for part in parts:
        out.extend(cast(Any, part).parts if isinstance(part, kind) else (part,))
    return tuple(out)


def _alt(*parts: ast.PathExpr) -> ast.Alt:
    return ast.Alt(_flat(ast.Alt, parts))


def _inter(*parts: ast.PathExpr) -> ast.Inter:
    return ast.Inter(_flat(ast.Inter, parts))


def _concat(*parts: ast.PathExpr) -> ast.Concat:
    return ast.Concat(_flat(ast.Concat, parts))


def _rel_union(*parts: ast.Relation) -> ast.RelUnion:
    return ast.RelUnion(_flat(ast.RelUnion, parts))


def _rel_concat(*parts: ast.Relation) -> ast.RelConcat:
    return ast.RelConcat(_flat(ast.RelConcat, parts))


def _not(p: ast.PathExpr) -> ast.Complement:
    return ast.Complement(p)


I = ast.Identity  # noqa: E741 - reads like the table


# ------------------------------------------------------------------ the table

Triple = tuple[ast.Relation, ast.Relation, ast.PathExpr]


def _atomic(d: ast.PathExpr, mod: ast.Modifier, markers: Iterator[int]) -> Triple:
    if isinstance(mod, ast.Preserve):
        return I(d), I(d), d
    if isinstance(mod, ast.Add):
        dp = _alt(d, mod.paths)
        return _rel_union(I(dp), ast.Product(d, mod.paths)), I(dp), dp
    if isinstance(mod, ast.Remove):
        return I(_inter(d, _not(mod.paths))), I(d), d
    if isinstance(mod, ast.Replace):
        dp2 = _alt(d, mod.new)
        r = _rel_union(I(_inter(dp2, _not(mod.old))), ast.Product(_inter(d, mod.old), mod.new))
        return r, I(dp2), dp2
    if isinstance(mod, ast.Drop):
        dd = _alt(d, DROP)
        return ast.Product(dd, DROP), I(dd), dd
    if isinstance(mod, ast.AnyPaths):
        k = ast.Marker(next(markers))
        dp = _alt(d, mod.paths)
        q = _rel_union(ast.Product(mod.paths, k), I(_inter(d, _not(mod.paths))))
        return ast.Product(dp, k), q, dp
    raise TypeError(f"not a modifier: {mod!r}")


def _triple(spec: ast.SpecExpr, markers: Iterator[int]) -> Triple:
    if isinstance(spec, ast.Atomic):
        return _atomic(spec.zone, spec.modifier, markers)
    if isinstance(spec, ast.Then):
        r1, q1, d1 = _triple(spec.left, markers)
        r2, q2, d2 = _triple(spec.right, markers)
        return _rel_concat(r1, r2), _rel_concat(q1, q2), _concat(d1, d2)
    if isinstance(spec, ast.Else):
        r1, q1, d1 = _triple(spec.left, markers)
        r2, q2, d2 = _triple(spec.right, markers)
        outside = I(_not(d1))
        return (
            _rel_union(r1, ast.Compose(outside, r2)),
            _rel_union(q1, ast.Compose(outside, q2)),
            _alt(d1, d2),
        )
    if isinstance(spec, ast.Guard):  # pragma: no cover - guards are lifted first
        raise TypeError("guards must be lifted before building triples")
    raise TypeError(f"not a spec: {spec!r}")


def _compare(spec: ast.SpecExpr) -> ast.Compare:
    r, q, _ = _triple(spec, itertools.count(1))
    return ast.Compare("==", ast.Image(ast.Pre(), r), ast.Image(ast.Post(), q), span=spec.span)


def domain(spec: ast.SpecExpr) -> ast.PathExpr:
    """The domain ``D`` of a guard-free spec (DESIGN §3): the paths it compares.

    >>> from rela.lang import parse_spec, format_path
    >>> format_path(domain(parse_spec("spec s { a : drop else b : add(c) }").checks()[0].body))
    'a | drop | b | c'
    """
    return _triple(spec, itertools.count(1))[2]


def compile_spec(spec: ast.SpecExpr, lets: Mapping[str, ast.PathExpr] | None = None) -> ast.Check:
    """The IR check of a change spec: ``pre >> R == post >> Q``, under lifted guards.

    Markers ``#1, #2, ...`` number the ``any`` modifiers of each guard-free case.

    >>> from rela.lang import ast, format_check
    >>> format_check(compile_spec(ast.Atomic(ast.Name("a"), ast.Drop())))
    'pre >> (a | drop) x drop == post >> I(a | drop)'
    """
    try:
        inlined = inline_refs(spec, lets or {})
    except RecursionError:
        raise SpecSemanticError("spec nested too deeply to compile") from None
    return lift_guards(inlined, _compare)


# ------------------------------------------------------------------ output


def format_ir(checks: tuple[CompiledCheck, ...]) -> str:
    """Compiled checks as ``assert NAME { ... }`` blocks: valid spec text (``rela parse --ir``).

    >>> from rela.lang import parse_spec
    >>> print(format_ir(compile_module(parse_spec("spec s { a : preserve }"))), end="")
    assert s {
      pre >> I(a) == post >> I(a)
    }
    """
    blocks = []
    for c in checks:
        body = "\n".join("  " + ln if ln else ln for ln in format_check(c.check).split("\n"))
        blocks.append(f"assert {quote_name(c.name)} {{\n{body}\n}}\n")
    return "\n".join(blocks)


def ir_to_json(checks: tuple[CompiledCheck, ...]) -> dict[str, Any]:
    """``{"checks": [{"name", "kind", "check"}]}``, the check as AST JSON."""
    return {
        "checks": [{"name": c.name, "kind": c.kind, "check": node_to_json(c.check)} for c in checks]
    }
