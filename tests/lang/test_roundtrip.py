"""Printing then re-parsing gives the same AST (hypothesis over generated ASTs)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from rela.compile import compile_module, format_ir
from rela.lang import ast, format_module, module_from_json, module_to_json, parse_spec
from tests.lang import strategies as S

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reparse(module: ast.Module) -> ast.Module:
    text = format_module(module)
    try:
        return parse_spec(text)
    except Exception as exc:  # show the printed text on failure
        raise AssertionError(f"printed text does not parse:\n{text}") from exc


@SETTINGS
@given(S.modules())
def test_module_round_trip(module: ast.Module) -> None:
    again = reparse(module)
    assert again == module, format_module(module)
    # the normal form is a fixed point
    assert format_module(again) == format_module(module)


@settings(max_examples=150, deadline=None)
@given(S.specs(3))
def test_spec_round_trip(spec: ast.SpecExpr) -> None:
    module = ast.Module((ast.SpecDecl("s", spec),))
    assert reparse(module) == module


@settings(max_examples=150, deadline=None)
@given(S.checks(3))
def test_assert_round_trip(check: ast.Check) -> None:
    module = ast.Module((ast.AssertDecl("a", check),))
    assert reparse(module) == module


@settings(max_examples=50, deadline=None)
@given(S.modules())
def test_json_round_trip(module: ast.Module) -> None:
    assert module_from_json(module_to_json(module)) == module


@settings(max_examples=60, deadline=None)
@given(S.modules())
def test_compiled_ir_reparses(module: ast.Module) -> None:
    compiled = compile_module(module)
    text = format_ir(compiled)
    parsed = parse_spec(text)
    assert tuple(d.body for d in parsed.decls) == tuple(c.check for c in compiled)
