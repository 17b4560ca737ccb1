"""The compiler builds exactly the IR of the semantics table (docs/language.md)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from rela.compile import (
    DROP,
    MAX_GUARD_CASES,
    CompiledCheck,
    compile_module,
    compile_spec,
    guard_cases,
    lift_guards,
)
from rela.errors import SpecSemanticError
from rela.lang import ast, format_check, format_spec, parse_spec
from tests import reference as ref
from tests.automata.test_differential import specs

A, B, C, D = (ast.Name(n) for n in "abcd")
I = ast.Identity  # noqa: E741
PRE, POST = ast.Pre(), ast.Post()


def compiled(spec_text: str, prelude: str = "") -> ast.Check:
    [c] = compile_module(parse_spec(f"{prelude}\nspec s {{ {spec_text} }}"))
    return c.check


def ir(check_text: str) -> ast.Check:
    """The IR written by hand, parsed (so tests read like the table)."""
    decl = parse_spec(f"assert t {{ {check_text} }}").decls[0]
    assert isinstance(decl, ast.AssertDecl)
    return decl.body


def holds(r: ast.Relation, q: ast.Relation) -> ast.Compare:
    return ast.Compare("==", ast.Image(PRE, r), ast.Image(POST, q))


# ------------------------------------------------------------------ the six modifiers


def test_preserve() -> None:
    assert compiled("a : preserve") == holds(I(A), I(A))


def test_add() -> None:
    ab = ast.Alt((A, B))
    assert compiled("a : add(b)") == holds(ast.RelUnion((I(ab), ast.Product(A, B))), I(ab))


def test_remove() -> None:
    assert compiled("a : remove(b)") == holds(I(ast.Inter((A, ast.Complement(B)))), I(A))


def test_replace() -> None:
    expected = ir("pre >> I((a | c) & !b) | (a & b) x c == post >> I(a | c)")
    assert compiled("a : replace(b, c)") == expected
    assert ast.Name("drop") == DROP


def test_drop() -> None:
    ad = ast.Alt((A, DROP))
    assert compiled("a : drop") == holds(ast.Product(ad, DROP), I(ad))
    assert compiled("a : drop") == ir('pre >> (a | "drop") x "drop" == post >> I(a | "drop")')


def test_any_uses_a_fresh_marker_per_occurrence() -> None:
    one = compiled("a : any(b)")
    assert one == ir("pre >> (a | b) x #1 == post >> (b x #1 | I(a & !b))")
    two = compiled("a : any(b) then c : any(d)")
    assert two == ir(
        "pre >> ((a | b) x #1) (c | d) x #2 == post >> (b x #1 | I(a & !b)) (d x #2 | I(c & !d))"
    )


# ------------------------------------------------------------------ composition


def test_then_concatenates_relations_and_domains() -> None:
    assert compiled("a : preserve then b : drop") == ir(
        'pre >> I(a) (b | "drop") x "drop" == post >> I(a) I(b | "drop")'
    )


def test_then_chains_stay_flat() -> None:
    check = compiled("a : preserve then b : preserve then c : preserve")
    assert isinstance(check, ast.Compare) and isinstance(check.left, ast.Image)
    assert check.left.relation == ast.RelConcat((I(A), I(B), I(C)))


def test_else_gives_priority_to_the_left_domain() -> None:
    assert compiled("a : drop else .* : preserve") == ir(
        'pre >> (a | "drop") x "drop" | (I(!(a | "drop")) ; I(.*))'
        ' == post >> I(a | "drop") | (I(!(a | "drop")) ; I(.*))'
    )


def test_else_domain_is_the_union_and_chains_stay_flat() -> None:
    check = compiled("a : preserve else b : preserve else c : preserve")
    assert check == ir(
        "pre >> I(a) | (I(!a) ; I(b)) | (I(!(a | b)) ; I(c))"
        " == post >> I(a) | (I(!a) ; I(b)) | (I(!(a | b)) ; I(c))"
    )


def test_then_inside_else_uses_the_concatenated_domain() -> None:
    assert compiled("a : preserve then b : preserve else .* : preserve") == ir(
        "pre >> I(a) I(b) | (I(!(a b)) ; I(.*)) == post >> I(a) I(b) | (I(!(a b)) ; I(.*))"
    )


def test_costout_example() -> None:
    text = (
        "[^core1]* : preserve then core1 : replace(core1, core2) then [^core1]* : preserve"
        " else .* : preserve"
    )
    expected = ir(
        "pre >> I([^core1]*) (I((core1 | core2) & !core1) | (core1 & core1) x core2) I([^core1]*)"
        " | (I(!([^core1]* (core1 | core2) [^core1]*)) ; I(.*))"
        " == post >> I([^core1]*) I(core1 | core2) I([^core1]*)"
        " | (I(!([^core1]* (core1 | core2) [^core1]*)) ; I(.*))"
    )
    assert compiled(text) == expected


# ------------------------------------------------------------------ guards


def test_guard_is_lifted_to_a_check_if() -> None:
    check = compiled("if dst in 10.0.0.0/8 { a : drop } else { a : preserve }")
    assert check == ast.CheckIf(
        ast.PrefixCond("dst", ("10.0.0.0/8",)), compiled("a : drop"), compiled("a : preserve")
    )


def test_guard_without_else_is_vacuous_when_false() -> None:
    check = compiled("if qos = 3 { a : drop }")
    assert check == ast.CheckIf(ast.QosCond(3), compiled("a : drop"), compiled("none : preserve"))


def test_guard_inside_a_chain_duplicates_the_chain() -> None:
    check = compiled("a : preserve then if src in 10.0.0.0/8 { b : drop } else { b : preserve }")
    assert check == ast.CheckIf(
        ast.PrefixCond("src", ("10.0.0.0/8",)),
        compiled("a : preserve then b : drop"),
        compiled("a : preserve then b : preserve"),
    )


def test_guards_on_the_same_condition_are_decided_together() -> None:
    text = "(if qos = 1 { a : drop } else { a : preserve }) then (if qos = 1 { b : drop })"
    assert compiled(text) == ast.CheckIf(
        ast.QosCond(1),
        compiled("a : drop then b : drop"),
        compiled("a : preserve then none : preserve"),
    )


def test_different_conditions_nest() -> None:
    text = "(if qos = 1 { a : drop }) then (if proto = tcp { b : drop } else { b : preserve })"
    q1, tcp = ast.QosCond(1), ast.ProtoCond((6,))
    assert compiled(text) == ast.CheckIf(
        q1,
        ast.CheckIf(
            tcp, compiled("a : drop then b : drop"), compiled("a : drop then b : preserve")
        ),
        ast.CheckIf(
            tcp,
            compiled("none : preserve then b : drop"),
            compiled("none : preserve then b : preserve"),
        ),
    )


def test_a_case_no_packet_reaches_is_not_compiled() -> None:
    # qos 1 and qos 2 exclude each other: three cases, not four
    text = "(if qos = 1 { a : drop }) then (if qos = 2 { b : drop } else { b : preserve })"
    q1, q2 = ast.QosCond(1), ast.QosCond(2)
    assert compiled(text) == ast.CheckIf(
        q1,
        compiled("a : drop then b : preserve"),
        ast.CheckIf(
            q2,
            compiled("none : preserve then b : drop"),
            compiled("none : preserve then b : preserve"),
        ),
    )
    # inside 10.0.0.0/8, `dst in 10.0.0.0/8 or qos = 3` always holds: no guard left on it
    text = "if dst in 10.0.0.0/8 { if dst in 10.0.0.0/8 or qos = 3 { a : drop } else { b : drop } }"
    assert compiled(text) == ast.CheckIf(
        ast.PrefixCond("dst", ("10.0.0.0/8",)), compiled("a : drop"), compiled("none : preserve")
    )


def test_a_bad_condition_in_a_hand_built_spec_is_a_spec_error() -> None:
    """The parser rejects bad prefixes; an AST built in Python is told at compile time."""
    spec = ast.Guard(ast.PrefixCond("dst", ("300.1.1.1/8",)), ast.Atomic(ast.Name("a"), ast.Drop()))
    with pytest.raises(SpecSemanticError, match="300.1.1.1/8"):
        compile_spec(spec)


def test_guards_on_disjoint_prefixes_make_one_case_each() -> None:
    """An `else` chain of per-destination clauses (what `rela suggest` writes) stays linear."""
    n = 2 * MAX_GUARD_CASES.bit_length()
    text = " else ".join(f"(if dst in 10.{i}.0.0/16 {{ a{i} : drop }})" for i in range(n))
    cases = []
    stack = [compiled(text + " else .* : preserve")]
    while stack:
        c = stack.pop()
        if isinstance(c, ast.CheckIf):
            stack += [c.then, c.otherwise]
        else:
            cases.append(c)
    assert len(cases) == n + 1


def test_nested_guard_on_the_same_condition() -> None:
    text = "if qos = 1 { if qos = 1 { a : drop } else { b : drop } }"
    assert compiled(text) == ast.CheckIf(
        ast.QosCond(1), compiled("a : drop"), compiled("none : preserve")
    )


def test_markers_restart_in_each_guard_case() -> None:
    check = compiled("if qos = 1 { a : any(b) } else { c : any(d) }")
    assert isinstance(check, ast.CheckIf)
    assert check.then == compiled("a : any(b)")
    assert check.otherwise == compiled("c : any(d)")


def _port_bit(field: str, bit: int) -> str:
    """``field in ...``: the ports with bit ``bit`` set."""
    size = 1 << bit
    ranges = [f"{lo}-{lo + size - 1}" for lo in range(size, 65536, 2 * size)]
    return f"{field} in {', '.join(ranges)}"


def test_too_many_guard_cases_is_an_error() -> None:
    # eleven independent conditions (five bits of each port, tcp): 2^11 cases
    conds = [_port_bit(f, b) for f in ("dport", "sport") for b in range(11, 16)] + ["proto = tcp"]
    assert len(conds) == MAX_GUARD_CASES.bit_length()
    text = " then ".join(f"(if {c} {{ a : drop }} else {{ b : drop }})" for c in conds)
    with pytest.raises(SpecSemanticError, match="more than"):
        compiled(text)


# ------------------------------------------------------------------ lets, asserts, module


def test_lets_are_inlined_transitively() -> None:
    prelude = "let x1 = a | b\nlet x2 = x1 c"
    assert compiled("x2 : preserve", prelude) == compiled("(a | b) c : preserve")


def test_asserts_are_kept_with_lets_inlined() -> None:
    module = parse_spec("let z = a b\nassert t { pre >> I(z) == post }")
    [c] = compile_module(module)
    assert c == CompiledCheck("t", "assert", ir("pre >> I(a b) == post"))


def test_compile_module_keeps_file_order_and_kinds() -> None:
    module = parse_spec(
        "spec one { a : drop }\nlet z = b\nassert two { pre == post }\nspec three { z : drop }"
    )
    result = compile_module(module)
    assert [(c.name, c.kind) for c in result] == [
        ("one", "spec"),
        ("two", "assert"),
        ("three", "spec"),
    ]
    assert result[0].span is not None and result[0].span.line == 1


def test_compile_spec_with_explicit_lets() -> None:
    spec = ast.Atomic(ast.Ref("z"), ast.Preserve())
    assert compile_spec(spec, {"z": A}) == holds(I(A), I(A))
    with pytest.raises(SpecSemanticError, match="undefined let"):
        compile_spec(spec, {})


def test_printed_ir_is_readable() -> None:
    assert format_check(compiled("a : add(b)")) == "pre >> I(a | b) | a x b == post >> I(a | b)"


# ------------------------------------------------------------------ header guards


def test_compound_condition_lifts_as_one_guard() -> None:
    text = (
        "if dst in 10.0.0.0/8 and (proto = tcp or dport in 80, 443)"
        " { a : drop } else { a : preserve }"
    )
    cond = ast.CondAnd(
        (
            ast.PrefixCond("dst", ("10.0.0.0/8",)),
            ast.CondOr((ast.ProtoCond((6,)), ast.PortCond("dport", ((80, 80), (443, 443))))),
        )
    )
    assert compiled(text) == ast.CheckIf(cond, compiled("a : drop"), compiled("a : preserve"))


def test_equal_conditions_are_decided_together_however_written() -> None:
    # `proto = 6` is `proto = tcp`: one condition, so one decision for both guards
    text = "(if proto = tcp { a : drop } else { a : preserve }) then (if proto = 6 { b : drop })"
    assert compiled(text) == ast.CheckIf(
        ast.ProtoCond((6,)),
        compiled("a : drop then b : drop"),
        compiled("a : preserve then none : preserve"),
    )
    # a condition and its negation are different conditions, but no packet sees both
    text = "(if qos = 1 { a : drop }) then (if not qos = 1 { b : drop })"
    assert compiled(text) == ast.CheckIf(
        ast.QosCond(1),
        compiled("a : drop then none : preserve"),
        compiled("none : preserve then b : drop"),
    )


def test_ir_guards_take_compound_conditions() -> None:
    check = ir("if sport in 1024-65535 and not proto = udp { pre == post } else { pre <= post }")
    assert check == ast.CheckIf(
        ast.CondAnd((ast.PortCond("sport", ((1024, 65535),)), ast.CondNot(ast.ProtoCond((17,))))),
        ast.Compare("==", PRE, POST),
        ast.Compare("<=", PRE, POST),
    )
    assert format_check(check).startswith("if sport in 1024-65535 and not proto = udp {")


# ------------------------------------------------------------------ guard cases: oracle


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_guard_cases_are_exactly_what_packets_see(spec: ast.SpecExpr) -> None:
    """Against the reference's packets (one per region of the header space): each packet
    reaches exactly one case of the lifted check and of ``guard_cases``, the spec it sees;
    and every case is reached by some packet (no case compiled for nothing)."""
    leaves: list[ast.SpecExpr] = []

    def leaf(case: ast.SpecExpr) -> ast.Check:
        leaves.append(case)
        return ast.Compare("==", PRE, POST)

    tree = lift_guards(spec, leaf)
    listed = list(guard_cases(spec))
    assert [format_spec(c) for _, c in listed] == [format_spec(c) for c in leaves]
    reached = set()
    for packet in ref.packets((), ref.guard_conditions(spec)):
        node, path = tree, []
        while isinstance(node, ast.CheckIf):
            value = ref.satisfies(packet, node.cond)
            path.append((node.cond, value))
            node = node.then if value else node.otherwise
        sees = format_spec(ref.resolve_guards(spec, packet))
        hits = [
            i
            for i, (decisions, _) in enumerate(listed)
            if all(ref.satisfies(packet, c) == v for c, v in decisions)
        ]
        assert len(hits) == 1 and format_spec(listed[hits[0]][1]) == sees
        assert tuple(path) == listed[hits[0]][0]
        reached.add(hits[0])
    assert reached == set(range(len(listed)))
