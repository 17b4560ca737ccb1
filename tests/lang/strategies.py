"""Hypothesis strategies for well-formed Rela ASTs (specs, lets, IR asserts).

Every generated tree is one the parser could have produced: n-ary nodes have at
least two parts, names are valid location names, prefixes are normalised,
props and relations are never mixed, and ``Ref`` only names earlier lets.
"""

from __future__ import annotations

import functools

from hypothesis import strategies as st

from rela.lang import ast
from rela.lang.lexical import KEYWORDS

BARE_NAMES = ["a", "b", "core1", "BORDER-1.DC1", "Gi0/0/1", "r_2", "10.0.0.1", "x1", "ä"]
WEIRD_NAMES = [
    "core1|blue",
    "BORDER-1.DC1|vrf|Gi3/1/1",
    "drop",
    "then",
    "x",
    "I",
    "a b",
    'q"uote',
    "back\\slash",
    "a.",
    ".a",
    "a:",
    "-a",
    "∅",
    "#1",
    "l1",  # same as a let name: must be printed quoted
    "a:drop",  # reads as `a : drop` when bare: always quoted
    *sorted(KEYWORDS),  # names spelled like keywords: bare where no keyword can stand
]
#: Let names, some spelled like keywords: the printer parenthesises a reference
#: where the bare word would be the keyword (``let b = a (spec)``).  Lets called
#: ``if``, ``not``, ``pre``, ``post``, ``I``, ``none`` cannot be referenced at every
#: place, so the parser never produces such references there; they are left out.
LET_NAMES = ["l1", "drop", "spec", "x", "then", "and", "zone_3"]
PREFIXES = ["10.0.0.0/8", "2.128.0.0/16", "192.168.1.1/32", "0.0.0.0/0", "2001:db8::/32", "::/0"]
REGEXES = ["^core", "a|b", r"\d+", "x.*y", "[a-z]+"]


def _name_text() -> st.SearchStrategy[str]:
    component = st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\n|"),
        min_size=1,
        max_size=6,
    )
    generated = st.lists(component, min_size=1, max_size=3).map("|".join)
    return st.one_of(st.sampled_from(BARE_NAMES), st.sampled_from(WEIRD_NAMES), generated)


names = _name_text().map(ast.Name)

_atomic_conditions: st.SearchStrategy[ast.Condition] = st.one_of(
    st.builds(
        ast.PrefixCond,
        st.sampled_from(["dst", "src"]),
        st.lists(st.sampled_from(PREFIXES), min_size=1, max_size=3).map(tuple),
    ),
    st.builds(ast.QosCond, st.integers(0, 1000)),
    st.builds(
        ast.ProtoCond,
        st.lists(st.sampled_from([1, 6, 17, 58, 0, 255, 47]), min_size=1, max_size=3).map(tuple),
    ),
    st.builds(
        ast.PortCond,
        st.sampled_from(["dport", "sport"]),
        st.lists(
            st.tuples(st.integers(0, 65535), st.integers(0, 65535)).map(lambda r: tuple(sorted(r))),
            min_size=1,
            max_size=3,
        ).map(tuple),
    ),
)


def _compound(inner: st.SearchStrategy) -> st.SearchStrategy:
    parts = st.lists(inner, min_size=2, max_size=3).map(tuple)
    return st.one_of(
        st.builds(ast.CondAnd, parts), st.builds(ast.CondOr, parts), st.builds(ast.CondNot, inner)
    )


#: Guard conditions: atoms combined with and / or / not (nested, parenthesised shapes too).
conditions: st.SearchStrategy[ast.Condition] = st.recursive(
    _atomic_conditions, _compound, max_leaves=5
)


def _attr_class() -> st.SearchStrategy[ast.AttrClass]:
    eq = st.builds(
        ast.AttrClass,
        st.sampled_from(ast.ATTRIBUTES),
        st.just("="),
        st.one_of(
            st.sampled_from(BARE_NAMES),
            st.text(
                st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=5
            ),
        ),
        st.booleans(),
    )
    match = st.builds(
        ast.AttrClass,
        st.sampled_from(ast.ATTRIBUTES),
        st.just("~"),
        st.sampled_from(REGEXES),
        st.booleans(),
    )
    return st.one_of(eq, match)


def _path_leaves(refs: tuple[str, ...], ir: bool) -> st.SearchStrategy[ast.PathExpr]:
    leaves: list[st.SearchStrategy[ast.PathExpr]] = [
        names,
        st.just(ast.AnyLoc()),
        st.just(ast.Epsilon()),
        st.just(ast.EmptySet()),
        st.builds(ast.NameClass, st.lists(names, min_size=1, max_size=3).map(tuple), st.booleans()),
        _attr_class(),
    ]
    if refs:
        leaves.append(st.sampled_from(refs).map(ast.Ref))
    if ir:
        leaves += [
            st.just(ast.Pre()),
            st.just(ast.Post()),
            st.integers(0, 20).map(ast.Marker),
        ]
    return st.one_of(leaves)


def _parts(inner: st.SearchStrategy) -> st.SearchStrategy[tuple]:
    return st.lists(inner, min_size=2, max_size=3).map(tuple)


@functools.cache
def props(depth: int, refs: tuple[str, ...] = (), ir: bool = False) -> st.SearchStrategy:
    """Path expressions (``ir=True``: IR props, with pre/post/markers/images)."""
    leaves = _path_leaves(refs, ir)
    if depth == 0:
        return leaves
    sub = props(depth - 1, refs, ir)
    options = [
        leaves,
        st.builds(ast.Concat, _parts(sub)),
        st.builds(ast.Alt, _parts(sub)),
        st.builds(ast.Inter, _parts(sub)),
        st.builds(ast.Complement, sub),
        st.builds(ast.Star, sub),
        st.builds(ast.Plus, sub),
        st.builds(ast.Optional, sub),
    ]
    if ir:
        rel = relations(depth - 1, refs)
        options += [st.builds(ast.Image, sub, rel), st.builds(ast.Preimage, rel, sub)]
    return st.one_of(options)


@functools.cache
def relations(depth: int, refs: tuple[str, ...] = ()) -> st.SearchStrategy:
    """IR relations."""
    p = props(max(depth - 1, 0), refs, True)
    base = st.one_of(st.builds(ast.Identity, p), st.builds(ast.Product, p, p))
    if depth == 0:
        return base
    sub = relations(depth - 1, refs)
    return st.one_of(
        base,
        st.builds(ast.RelConcat, _parts(sub)),
        st.builds(ast.RelUnion, _parts(sub)),
        st.builds(ast.PriorityUnion, sub, sub),
        st.builds(ast.Compose, sub, sub),
        st.builds(ast.RelStar, sub),
    )


@functools.cache
def checks(depth: int, refs: tuple[str, ...] = ()) -> st.SearchStrategy:
    """IR checks."""
    p = props(2, refs, True)
    compare = st.builds(ast.Compare, st.sampled_from(["==", "<="]), p, p)
    if depth == 0:
        return compare
    sub = checks(depth - 1, refs)
    return st.one_of(
        compare,
        st.builds(ast.CheckAnd, _parts(sub)),
        st.builds(ast.CheckOr, _parts(sub)),
        st.builds(ast.CheckNot, sub),
        st.builds(ast.CheckIf, conditions, sub, sub),
    )


@functools.cache
def modifiers(refs: tuple[str, ...] = ()) -> st.SearchStrategy:
    p = props(2, refs)
    return st.one_of(
        st.just(ast.Preserve()),
        st.just(ast.Drop()),
        st.builds(ast.Add, p),
        st.builds(ast.Remove, p),
        st.builds(ast.Replace, p, p),
        st.builds(ast.AnyPaths, p),
    )


@functools.cache
def specs(depth: int, refs: tuple[str, ...] = ()) -> st.SearchStrategy:
    """Change specs with every modifier, then, else and guards."""
    atomic = st.builds(ast.Atomic, props(2, refs), modifiers(refs))
    if depth == 0:
        return atomic
    sub = specs(depth - 1, refs)
    return st.one_of(
        atomic,
        st.builds(ast.Then, sub, sub),
        st.builds(ast.Else, sub, sub),
        st.builds(ast.Guard, conditions, sub, st.one_of(st.none(), sub)),
    )


decl_names = st.one_of(
    st.sampled_from(["s", "cost-out", "a b", "ü", *sorted(KEYWORDS)]), _name_text()
)


@st.composite
def modules(draw: st.DrawFn) -> ast.Module:
    """Whole files: lets (using earlier lets), specs and asserts, uniquely named."""
    decls: list[ast.Decl] = []
    lets: list[str] = []
    used: set[str] = set()
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["let", "spec", "assert"]))
        refs = tuple(lets)
        if kind == "let" and len(lets) < len(LET_NAMES):
            name = draw(st.sampled_from([n for n in LET_NAMES if n not in lets]))
            decls.append(ast.Let(name, draw(props(2, refs))))
            lets.append(name)
            continue
        name = draw(decl_names.filter(lambda n: n not in used))
        used.add(name)
        if kind == "assert":
            decls.append(ast.AssertDecl(name, draw(checks(2, refs))))
        else:
            decls.append(ast.SpecDecl(name, draw(specs(3, refs))))
    return ast.Module(tuple(decls))
