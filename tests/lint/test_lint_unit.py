"""The lint rules' edges: what they must not flag, where they point, their limits."""

from __future__ import annotations

import rela
from rela.lang import parse_spec
from rela.lint import lint_module
from rela.network.model import Fec, Graph


def _codes(text: str) -> list[str]:
    return [w.code for w in lint_module(parse_spec(text))]


def test_warnings_point_at_the_spec_text() -> None:
    text = "spec s {\n  a : preserve\n  else .* : preserve\n  else b : add(c .)\n}\n"
    found = {w.code: (w.line, w.column) for w in lint_module(parse_spec(text))}
    # the vacuous `else b : add(c .)` at 4:8, its `add` (admits `c drop`) at 4:12, the `.` at 4:18
    assert found == {
        "vacuous-clause": (4, 8),
        "drop-admitted": (4, 12),
        "open-attribute-class": (4, 18),
    }


def test_no_catch_all_only_when_some_path_is_left_out() -> None:
    assert _codes("spec s { .* : preserve }") == []
    assert _codes("spec s { .* : drop }") == []
    assert _codes("spec s { a .* : drop else .* : preserve }") == []
    assert _codes("spec s { a .* : drop }") == ["no-catch-all"]
    # a guard without else leaves its false case uncompared
    assert _codes("spec s { if qos = 1 { .* : preserve } }") == ["no-catch-all"]
    assert _codes("spec s { if qos = 1 { .* : preserve } else { .* : drop } }") == []


def test_drop_admitted() -> None:
    assert _codes("spec s { a .* : any(a .*) else .* : preserve }") == ["drop-admitted"]
    # dropped traffic that must stay dropped: admitting drops is the point
    assert _codes('spec s { .* "drop" : any(.* "drop") else .* : preserve }') == []
    assert _codes("spec s { a .* drop : any(a .*) else .* : preserve }") == []
    assert _codes("spec s { a .* : any(a .* b) else .* : preserve }") == []
    assert _codes("spec s { a .* : any(a [^drop]*) else .* : preserve }") == []
    assert _codes("spec s { a b : add(a .* drop) else .* : preserve }") == [
        "drop-admitted",
        "open-attribute-class",
    ]


def test_vacuous_else_sees_every_guard_case() -> None:
    # when qos = 1 the first clause covers `a` only, so the last clause still applies to `b`
    text = "spec s { (if qos = 1 { a : drop } else { b : drop }) else a | b : preserve else .* : preserve }"
    assert "vacuous-clause" not in _codes(text)
    text = "spec s { (if qos = 1 { a | b : drop } else { a | b : drop }) else a : preserve else .* : preserve }"
    assert _codes(text) == ["vacuous-clause"]


def test_guards_in_sequence_do_not_shadow_each_other() -> None:
    text = "spec s { (if qos = 1 { a : drop }) then (if qos = 2 { b : drop }) else .* : preserve }"
    assert "shadowed-guard" not in _codes(text)
    # an else branch keeps what the outer guard did not take
    text = (
        "spec s { if dst in 10.1.0.0/16 { .* : drop } else { if dst in 10.0.0.0/8"
        " { .* : drop } else { .* : preserve } } }"
    )
    assert _codes(text) == []
    text = (
        "spec s { if dst in 10.0.0.0/8 and proto = tcp { .* : drop } else {"
        " if dst in 10.1.0.0/16 and dport = 80 and proto = 6 { .* : drop } else { .* : preserve } } }"
    )
    assert _codes(text) == ["shadowed-guard"]


def test_quotes_and_spaces_silence_the_syntax_rules() -> None:
    assert _codes('spec s { .* "core1|default" .* : drop else .* : preserve }') == []
    assert _codes("spec s { .* core1 | default .* : drop else .* : preserve }") == []
    assert _codes("spec s { .* (core1)|default .* : drop else .* : preserve }") == []
    warned = lint_module(parse_spec("spec s { .* a|b|c .* : drop else .* : preserve }"))
    assert [w.message.split("`")[1] for w in warned] == ["a|b|c"]
    assert _codes('spec s { .* "preserve" .* : drop else .* : preserve }') == []
    assert _codes("spec s { .* [preserve then] .* : drop else .* : preserve }") == []
    assert _codes("spec s { .* preserve .* : drop else .* : preserve }") == ["keyword-as-name"]
    assert _codes("spec s { .* drop : preserve else .* : preserve }") == []  # the idiom


def test_a_spec_too_large_to_analyse_gets_one_lint_limit_warning() -> None:
    module = parse_spec("spec s { .* a .* b .* c .* : preserve else .* : preserve }")
    warned = lint_module(module, max_states=3)
    assert [w.code for w in warned] == ["lint-limit"]
    assert "more than 3 automaton states" in warned[0].message


def test_verify_reports_static_warnings_first() -> None:
    module = parse_spec("spec s { a .* : any(a .*) }")
    fec = Fec(0, "k", (), Graph.from_paths([["a", "b"]]), Graph.from_paths([["a", "b"]]))
    report = rela.verify(module, [fec])
    assert [w.code for w in report.warnings][:2] == ["no-catch-all", "drop-admitted"]
    assert report.holds


def test_unions_the_rules_build_tell_their_names_apart() -> None:
    # the domain of `replace(core1, core2)` is the union core1 | core2, which the
    # spec never writes: the questions about it are still answered, not stopped
    costout = "spec s { [^core1]* : preserve then core1 : replace(core1, core2) then [^core1]* : preserve else .* : preserve }"  # noqa: E501
    assert _codes(costout) == []
    # the domains of the first two clauses make the union a | b, which covers the third
    assert _codes(
        "spec s { a : drop else b : add(c) else a | b : preserve else .* : preserve }"
    ) == ["vacuous-clause"]


def test_a_zone_of_ten_thousand_names_is_analysed() -> None:
    zone = " | ".join(f"n{i}" for i in range(10_000))
    assert _codes(f"spec s {{ ({zone}) : preserve }}") == ["no-catch-all"]
    assert _codes(f"spec s {{ ({zone}) : preserve else .* : preserve }}") == []
