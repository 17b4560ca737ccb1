"""Contextual keywords: every keyword is a name wherever no keyword can stand; where a
keyword and a name could both follow, the word is the keyword and the error says to
quote it; the printer quotes exactly the names that need it (docs/language.md §1)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings

from rela.errors import SpecError
from rela.lang import ast, format_module, parse_spec
from rela.lang.lexical import KEYWORDS
from tests.lang import strategies as S

WORDS = sorted(KEYWORDS)

#: Places where a name stands and no keyword can: the word is a name, bare or quoted.
NAME_PLACES = {
    "zone middle": "spec s {{ a {w} b : preserve }}",
    "zone end": "spec s {{ .* {w} : preserve }}",
    "zone after |": "spec s {{ a | {w} : preserve }}",
    "zone after !": "spec s {{ !{w} : preserve }}",
    "modifier argument": "spec s {{ a : any({w} b {w}) }}",
    "replace arguments": "spec s {{ a : replace({w}, b {w}) }}",
    "let body, first word": "let p = {w} a",
    "let body, in parentheses": "let p = (a {w})",
    "name class": "spec s {{ [a {w}] : drop }}",
    "attribute value": "spec s {{ [group={w}] : drop }}",
    "IR, inside I()": "assert s {{ pre >> I(a | {w}) == post }}",
}
#: (place, words that are keywords there) -- every other word is a name there too.
KEYWORD_PLACES = {
    "spec term start": ("spec s {{ {w} a : preserve }}", {"if"}),
    "let body, after an operand": (
        "let p = a {w}\nspec t {{ a : drop }}",
        {"spec", "let", "assert"},
    ),
    "check start": ("assert s {{ {w} a == pre }}", {"if", "not", "pre", "post", "I"}),
    "IR, after an operand": ("assert s {{ pre >> I(a {w}) == post }}", {"x", "pre", "post", "I"}),
    "IR, after a comparison": (
        "assert s {{ pre == a {w} }}",
        {"and", "or", "x", "pre", "post", "I"},
    ),
}


def _quoted(template: str, word: str) -> ast.Module:
    return parse_spec(template.format(w=f'"{word}"'))


@pytest.mark.parametrize("place", sorted(NAME_PLACES))
def test_every_keyword_is_a_name_where_no_keyword_can_stand(place: str) -> None:
    template = NAME_PLACES[place]
    for word in WORDS:
        if word == "none" and "class" not in place and "value" not in place:
            continue  # `none` is the empty set wherever a path may start: below
        if place.startswith("IR") and word in ("pre", "post", "I"):
            continue  # the IR's own atoms: keywords wherever a path may start in an assert
        module = parse_spec(template.format(w=word))
        assert module == _quoted(template, word), (place, word)
        assert parse_spec(format_module(module)) == module, (place, word)


@pytest.mark.parametrize("place", sorted(KEYWORD_PLACES))
def test_where_a_keyword_can_stand_the_word_is_the_keyword(place: str) -> None:
    template, keywords = KEYWORD_PLACES[place]
    for word in WORDS:
        if word == "none":
            continue
        bare = template.format(w=word)
        if word not in keywords:
            assert parse_spec(bare) == _quoted(template, word), (place, word)
            continue
        try:
            differs = parse_spec(bare) != _quoted(template, word)
        except SpecError as exc:
            # the error right after the keyword says how to write the name
            assert exc.hint and f'quote it: "{word}"' in exc.hint, (place, word, exc.render())
        else:
            assert differs, (place, word)


def test_none_is_always_the_empty_set_in_a_path() -> None:
    assert parse_spec("let p = none").lets()["p"] == ast.EmptySet()
    assert parse_spec('let p = "none"').lets()["p"] == ast.Name("none")
    with pytest.raises(SpecError, match="a let cannot be called `none`"):
        parse_spec("let none = a")


def test_keywords_as_spec_and_let_names() -> None:
    for word in WORDS:
        module = parse_spec(f"spec {word} {{ a : drop }}")
        assert module.checks()[0].name == word
        assert parse_spec(format_module(module)) == module
        if word != "none":
            assert parse_spec(f"let {word} = a").lets() == {word: ast.Name("a")}


def test_drop_in_a_path_is_the_drop_location() -> None:
    assert parse_spec(".* drop : preserve".join(["spec s { ", " }"])) == parse_spec(
        'spec s { .* "drop" : preserve }'
    )
    body = parse_spec("spec s { .* drop : drop }").checks()[0].body
    assert body == ast.Atomic(ast.Concat((ast.Star(ast.AnyLoc()), ast.Name("drop"))), ast.Drop())
    # the examples of the issue
    assert parse_spec("spec s { .* x .* : preserve }").checks()[0].body == ast.Atomic(
        ast.Concat((ast.Star(ast.AnyLoc()), ast.Name("x"), ast.Star(ast.AnyLoc()))),
        ast.Preserve(),
    )
    assert parse_spec("spec preserve { a : preserve }").checks()[0].name == "preserve"
    assert parse_spec("let drop = a b").lets() == {
        "drop": ast.Concat((ast.Name("a"), ast.Name("b")))
    }


def test_a_let_named_like_a_keyword_is_a_reference_after_its_definition() -> None:
    module = parse_spec(
        'spec s1 { .* drop : drop }\nlet drop = a\nspec s2 { .* drop "drop" : drop }'
    )
    first, second = (c.body for c in module.checks())
    assert first.zone.parts[1] == ast.Name("drop")  # type: ignore[union-attr]
    assert second.zone.parts[1:] == (ast.Ref("drop"), ast.Name("drop"))  # type: ignore[union-attr]
    # the printer writes the location quoted now that a let shadows it
    assert '.* drop "drop" : drop' in format_module(module)


# ------------------------------------------------------------------ hints


def _error(text: str) -> SpecError:
    with pytest.raises(SpecError) as info:
        parse_spec(text, "t.rela")
    return info.value


def test_glued_colon_before_else_is_an_error_with_the_spaces_hint() -> None:
    err = _error("spec s { a:preserve else .* : preserve }")
    assert (err.line, err.column) == (1, 10)
    assert err.hint and "write `a : preserve`" in err.hint
    assert "reserved" not in err.render()
    # quoted, it is a location
    assert parse_spec('spec s { "a:preserve" : drop }')


def test_glued_colon_hint_when_the_brace_is_on_the_next_line() -> None:
    err = _error("spec s {\n  core1:preserve\n}\n")
    assert (err.line, err.column) == (3, 1)
    assert err.hint and "`core1:preserve` is one name; write `core1 : preserve`" in err.hint


def test_let_holding_a_spec_fragment() -> None:
    for text in ("let p = a : preserve", "let p = .* : drop else .* : preserve"):
        err = _error(text)
        assert err.hint and "`let` names a path expression only" in err.hint


def test_missing_colon_points_at_the_modifier_word() -> None:
    err = _error("spec s {\n  a b preserve\n}")
    assert (err.line, err.column) == (2, 7)
    assert "unexpected keyword `preserve`; expected `:`" in err.message
    assert err.hint and "write `zone : preserve`" in err.hint and 'quote it: "preserve"' in err.hint


# ------------------------------------------------------------------ the printer


_QUOTED_WORD = re.compile(r'"(' + "|".join(re.escape(w) for w in WORDS) + r')"')


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(S.modules())
def test_printer_quotes_a_keyword_name_only_where_needed(module: ast.Module) -> None:
    """Every quoted keyword-spelled name in the output is needed: unquoted, it reads differently."""
    text = format_module(module)
    assert parse_spec(text) == module
    for m in _QUOTED_WORD.finditer(text):
        bare = text[: m.start()] + m[1] + text[m.end() :]
        try:
            again = parse_spec(bare)
        except SpecError:
            continue
        assert again != module, f"needless quotes at {m.start()}: {text}"
