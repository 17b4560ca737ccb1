"""Parser unit tests: AST shapes, precedence, scoping, quoting, errors, limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from lark import Lark
from lark.common import ParserConf
from lark.parsers.lalr_analysis import LALR_Analyzer

from rela.errors import RelaError, SpecError, SpecSemanticError, SpecSyntaxError
from rela.lang import MAX_NESTING, ast, load_spec, parse_spec
from rela.lang.lexical import MARKER_PATTERN
from rela.lang.parser import _parser, grammar_text

A, B, C = ast.Name("a"), ast.Name("b"), ast.Name("c")


def path(text: str) -> ast.PathExpr:
    """Parse a surface path expression (as a let body)."""
    decl = parse_spec(f"let p = {text}").decls[0]
    assert isinstance(decl, ast.Let)
    return decl.expr


def spec(text: str) -> ast.SpecExpr:
    decl = parse_spec(f"spec s {{ {text} }}").decls[0]
    assert isinstance(decl, ast.SpecDecl)
    return decl.body


def check(text: str) -> ast.Check:
    decl = parse_spec(f"assert s {{ {text}\n}}").decls[0]
    assert isinstance(decl, ast.AssertDecl)
    return decl.body


def ir(text: str) -> ast.PathExpr:
    """Parse an IR prop/relation ``text`` via ``text == pre``."""
    body = check(f"{text} == pre")
    assert isinstance(body, ast.Compare)
    return body.left


def error(text: str) -> SpecError:
    with pytest.raises(SpecError) as info:
        parse_spec(text, "t.rela")
    return info.value


# ------------------------------------------------------------------ grammar


def test_grammar_has_no_lalr_conflicts() -> None:
    lark = Lark(grammar_text(), parser="lalr", lexer="basic")
    analyzer = LALR_Analyzer(ParserConf(lark.rules, None, ["start"]), strict=True)
    analyzer.compute_lalr()  # raises GrammarError on any shift/reduce or reduce/reduce conflict


def test_grammar_file_matches_checkout() -> None:
    checkout = Path(__file__).parents[2] / "grammar" / "rela.lark"
    assert grammar_text() == checkout.read_text(encoding="utf-8")


def test_parser_is_built_once() -> None:
    assert _parser() is _parser()


# ------------------------------------------------------------------ path expressions


def test_atoms() -> None:
    assert path("core1") == ast.Name("core1")
    assert path('"core1|blue"') == ast.Name("core1|blue")
    assert path(".") == ast.AnyLoc()
    assert path("()") == ast.Epsilon()
    assert path("none") == path("∅") == ast.EmptySet()
    assert path("[a b]") == ast.NameClass((A, B))
    assert path('[^a "b|c"]') == ast.NameClass((A, ast.Name("b|c")), negated=True)
    assert path("[group=CORE]") == ast.AttrClass("group", "=", "CORE")
    assert path('[^device~"^core"]') == ast.AttrClass("device", "~", "^core", negated=True)


def test_unquoted_name_characters() -> None:
    assert path("BORDER-1.DC1") == ast.Name("BORDER-1.DC1")
    assert path("Gi0/0/1") == ast.Name("Gi0/0/1")
    assert path("r_1:x") == ast.Name("r_1:x")
    # names do not end with `.` or `:`, so `a.*` is `a` then `.*`
    assert path("a.*") == ast.Concat((A, ast.Star(ast.AnyLoc())))


def test_precedence_of_path_operators() -> None:
    # | < & < juxtaposition < ! < postfix
    assert path("a | b c") == ast.Alt((A, ast.Concat((B, C))))
    assert path("a & b | c") == ast.Alt((ast.Inter((A, B)), C))
    assert path("a b & c") == ast.Inter((ast.Concat((A, B)), C))
    assert path("!a b") == ast.Concat((ast.Complement(A), B))
    assert path("!a*") == ast.Complement(ast.Star(A))
    assert path("(!a)*") == ast.Star(ast.Complement(A))
    assert path("a*+?") == ast.Optional(ast.Plus(ast.Star(A)))


def test_nary_operators_flatten_chains_but_not_parentheses() -> None:
    assert path("a | b | c") == ast.Alt((A, B, C))
    assert path("a b c") == ast.Concat((A, B, C))
    assert path("a & b & c") == ast.Inter((A, B, C))
    assert path("a | (b | c)") == ast.Alt((A, ast.Alt((B, C))))


def test_spans() -> None:
    p = path("a  [b]*")
    assert isinstance(p, ast.Concat)
    assert p.span == ast.Span(1, 9, 1, 16)
    assert p.parts[0].span == ast.Span(1, 9, 1, 10)
    assert p.parts[1].span == ast.Span(1, 12, 1, 16)
    s = parse_spec("spec s {\n  a : drop\n}").decls[0]
    assert isinstance(s, ast.SpecDecl)
    assert s.body.span == ast.Span(2, 3, 2, 11)


# ------------------------------------------------------------------ lets and names


def test_let_scoping() -> None:
    module = parse_spec(
        'spec s1 { z : drop }\nlet z = a\nspec s2 { z : drop }\nspec s3 { "z" : drop }'
    )
    bodies = [d.body for d in module.checks()]
    assert bodies[0] == ast.Atomic(ast.Name("z"), ast.Drop())
    assert bodies[1] == ast.Atomic(ast.Ref("z"), ast.Drop())
    assert bodies[2] == ast.Atomic(ast.Name("z"), ast.Drop())


def test_let_body_cannot_refer_to_itself() -> None:
    assert parse_spec("let z = z a").lets()["z"] == ast.Concat((ast.Name("z"), A))


def test_class_items_are_never_let_references() -> None:
    assert path("[p]") == ast.NameClass((ast.Name("p"),))
    module = parse_spec("let q = a\nlet r = [q]")
    assert module.lets()["r"] == ast.NameClass((ast.Name("q"),))


def test_quoted_keywords_are_names() -> None:
    # keywords are contextual (tests/lang/test_keywords.py); quoted, a word is always a name
    assert spec('"drop" : preserve') == ast.Atomic(ast.Name("drop"), ast.Preserve())
    assert path('["then" "x"]') == ast.NameClass((ast.Name("then"), ast.Name("x")))


def test_quoted_escapes() -> None:
    assert path(r'"q\"uote"') == ast.Name('q"uote')
    assert path(r'"back\\slash"') == ast.Name("back\\slash")
    assert path(r'[device~"\d+"]') == ast.AttrClass("device", "~", r"\d+")


def test_quoted_spec_names() -> None:
    module = parse_spec('spec "cost out core1" { a : drop }')
    assert module.checks()[0].name == "cost out core1"


# ------------------------------------------------------------------ specs


def test_modifiers() -> None:
    assert spec("a : preserve").modifier == ast.Preserve()  # type: ignore[union-attr]
    assert spec("a : drop").modifier == ast.Drop()  # type: ignore[union-attr]
    assert spec("a : add(b)").modifier == ast.Add(B)  # type: ignore[union-attr]
    assert spec("a : remove(b)").modifier == ast.Remove(B)  # type: ignore[union-attr]
    assert spec("a : replace(b, c)").modifier == ast.Replace(B, C)  # type: ignore[union-attr]
    assert spec("a : any(b | c)").modifier == ast.AnyPaths(ast.Alt((B, C)))  # type: ignore[union-attr]


def test_then_binds_tighter_than_else_and_both_are_left_associative() -> None:
    sa, sb, sc = (ast.Atomic(n, ast.Preserve()) for n in (A, B, C))
    assert spec("a : preserve then b : preserve else c : preserve") == ast.Else(
        ast.Then(sa, sb), sc
    )
    assert spec("a : preserve else b : preserve then c : preserve") == ast.Else(
        sa, ast.Then(sb, sc)
    )
    assert spec("a : preserve then b : preserve then c : preserve") == ast.Then(
        ast.Then(sa, sb), sc
    )
    assert spec("a : preserve else b : preserve else c : preserve") == ast.Else(
        ast.Else(sa, sb), sc
    )
    assert spec("a : preserve then (b : preserve else c : preserve)") == ast.Then(
        sa, ast.Else(sb, sc)
    )


def test_guards() -> None:
    sa, sb = ast.Atomic(A, ast.Drop()), ast.Atomic(B, ast.Drop())
    dst = ast.PrefixCond("dst", ("10.0.0.0/8", "2.128.0.0/16"))
    assert spec("if dst in 10.0.0.0/8, 2.128.0.0/16 { a : drop } else { b : drop }") == ast.Guard(
        dst, sa, sb
    )
    assert spec("if src in 10.0.0.1 { a : drop }") == ast.Guard(
        ast.PrefixCond("src", ("10.0.0.1/32",)), sa
    )
    assert spec('if dst in 2001:DB8::/32, "::/0" { a : drop }') == ast.Guard(
        ast.PrefixCond("dst", ("2001:db8::/32", "::/0")), sa
    )
    assert spec("if qos = 7 { a : drop }") == ast.Guard(ast.QosCond(7), sa)
    # a guard is a spec term: it can sit inside then-chains
    assert spec("a : drop then if qos = 1 { b : drop }") == ast.Then(
        sa, ast.Guard(ast.QosCond(1), sb)
    )
    # `else` right after a guard's block belongs to the guard
    assert spec("(if qos = 1 { a : drop }) else b : drop") == ast.Else(
        ast.Guard(ast.QosCond(1), sa), sb
    )


# ------------------------------------------------------------------ IR


def test_ir_atoms_and_sorting_of_props_and_relations() -> None:
    assert ir("pre") == ast.Pre()
    assert ir("post") == ast.Post()
    assert ir("#3") == ast.Marker(3)
    assert ir("pre >> I(a)") == ast.Image(ast.Pre(), ast.Identity(A))
    assert ir("I(a) << post") == ast.Preimage(ast.Identity(A), ast.Post())
    assert ir("a | b") == ast.Alt((A, B))
    assert ir("pre >> (I(a) | I(b))") == ast.Image(
        ast.Pre(), ast.RelUnion((ast.Identity(A), ast.Identity(B)))
    )
    assert ir("pre >> I(a) I(b)") == ast.Image(
        ast.Pre(), ast.RelConcat((ast.Identity(A), ast.Identity(B)))
    )
    assert ir("pre >> I(a)*") == ast.Image(ast.Pre(), ast.RelStar(ast.Identity(A)))


def test_ir_precedence() -> None:
    ia, ib, ic = (ast.Identity(n) for n in (A, B, C))
    # >> < << < // < ; < | < & < juxtaposition < x
    assert ir("pre >> I(a) // I(b) ; I(c)") == ast.Image(
        ast.Pre(), ast.PriorityUnion(ia, ast.Compose(ib, ic))
    )
    assert ir("pre >> I(a) ; I(b) | I(c)") == ast.Image(
        ast.Pre(), ast.Compose(ia, ast.RelUnion((ib, ic)))
    )
    assert ir("pre >> a x b c x a") == ast.Image(
        ast.Pre(), ast.RelConcat((ast.Product(A, B), ast.Product(C, A)))
    )
    assert ir("pre >> I(a) // I(b) // I(c)") == ast.Image(
        ast.Pre(), ast.PriorityUnion(ast.PriorityUnion(ia, ib), ic)
    )
    assert ir("pre >> I(a) >> I(b)") == ast.Image(ast.Image(ast.Pre(), ia), ib)
    assert ir("I(a) << I(b) << post") == ast.Preimage(ia, ast.Preimage(ib, ast.Post()))
    assert ir("I(a) << post >> I(b)") == ast.Image(ast.Preimage(ia, ast.Post()), ib)


def test_checks() -> None:
    eq = ast.Compare("==", ast.Pre(), ast.Post())
    le = ast.Compare("<=", ast.Pre(), ast.Post())
    assert check("pre == post") == eq
    assert check("pre == post and pre <= post or not pre == post") == ast.CheckOr(
        (ast.CheckAnd((eq, le)), ast.CheckNot(eq))
    )
    assert check("pre == post and (pre <= post or pre == post)") == ast.CheckAnd(
        (eq, ast.CheckOr((le, eq)))
    )
    assert check("(pre) == post") == eq
    assert check("if qos = 1 { pre == post } else { pre <= post }") == ast.CheckIf(
        ast.QosCond(1), eq, le
    )


def test_markers_and_comments() -> None:
    assert check("pre >> a x #1 == post") == ast.Compare(
        "==", ast.Image(ast.Pre(), ast.Product(A, ast.Marker(1))), ast.Post()
    )
    assert check("pre >> (a x #1) I(b) == #2 # comment\n") == ast.Compare(
        "==",
        ast.Image(ast.Pre(), ast.RelConcat((ast.Product(A, ast.Marker(1)), ast.Identity(B)))),
        ast.Marker(2),
    )
    assert ir("#1 #2") == ast.Concat((ast.Marker(1), ast.Marker(2)))  # line end after #2
    # `#12` followed by anything else (a name, a word) starts a comment
    assert check("pre == post #1 comment") == ast.Compare("==", ast.Pre(), ast.Post())
    assert check("pre == # 1\n post") == ast.Compare("==", ast.Pre(), ast.Post())
    assert check("pre == #1st\n post") == ast.Compare("==", ast.Pre(), ast.Post())
    # ... but at a line end it is a marker (write comments as `# text`)
    assert check("pre == post #1\n") == ast.Compare(
        "==", ast.Pre(), ast.Concat((ast.Post(), ast.Marker(1)))
    )


def test_marker_pattern_is_the_grammars() -> None:
    assert f"MARKER.2: /{MARKER_PATTERN}/" in grammar_text()


def test_crlf_bom_and_tabs() -> None:
    text = "\ufeff# c\r\nspec s {\r\n\ta : drop\r\n}\r\n"
    assert parse_spec(text).checks()[0].body == ast.Atomic(A, ast.Drop())
    assert parse_spec("") == ast.Module(())


# ------------------------------------------------------------------ errors


def test_syntax_error_fields() -> None:
    err = error("spec s {\n  a : replce(b, c)\n}")
    assert isinstance(err, SpecSyntaxError)
    assert (err.filename, err.line, err.column) == ("t.rela", 2, 7)
    assert err.hint and "did you mean `replace`?" in err.hint
    assert err.render().splitlines()[1:3] == ["    a : replce(b, c)", "        ^"]


def test_semantic_error_fields() -> None:
    err = error('spec s {\n  [device~"(a"] : drop\n}')
    assert isinstance(err, SpecSemanticError)
    assert (err.line, err.column) == (2, 11)
    assert "invalid regular expression" in err.message


def test_misspelt_modifier_without_close_match_lists_modifiers() -> None:
    err = error("spec s { a : zzz }")
    assert err.hint and "preserve, add, remove, replace, drop, any" in err.hint


def test_deep_parentheses_are_fine() -> None:
    assert path("(" * 3000 + "a" + ")" * 3000) == A


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    for text in ("!" * 5000 + "a", "(!" * 5000 + "a" + ")" * 5000, "(" * 5000 + "a"):
        with pytest.raises(SpecSyntaxError) as info:
            parse_spec(f"let p = {text}")
        assert info.value.line == 1
    with pytest.raises(SpecSyntaxError, match="nesting too deep"):
        parse_spec("let p = " + "!" * (MAX_NESTING + 5) + "a")
    ok = "let p = " + "!" * (MAX_NESTING - 5) + "a"
    assert parse_spec(ok)
    long_chain = "spec s { " + " then ".join(["a : drop"] * 5000) + " }"
    with pytest.raises(SpecSyntaxError, match="nesting too deep"):
        parse_spec(long_chain)


def test_long_flat_expressions_are_fine() -> None:
    p = path(" | ".join(f"n{i}" for i in range(5000)))
    assert isinstance(p, ast.Alt) and len(p.parts) == 5000


def test_load_spec_errors(tmp_path: Path) -> None:
    with pytest.raises(RelaError, match="cannot read spec file") as info:
        load_spec(tmp_path / "missing.rela")
    assert "missing.rela" in info.value.render()
    with pytest.raises(RelaError, match="cannot read spec file"):
        load_spec(tmp_path)
    bad = tmp_path / "latin1.rela"
    bad.write_bytes(b"spec s { caf\xe9 : drop }")
    with pytest.raises(RelaError, match="not UTF-8"):
        load_spec(bad)
    good = tmp_path / "ok.rela"
    good.write_text("spec s { a : drop }", encoding="utf-8")
    assert load_spec(good).filename == str(good)
