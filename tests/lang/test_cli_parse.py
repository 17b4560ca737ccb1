"""``rela parse``: normalised text, IR, JSON; errors on stderr with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import rela.cli.parse  # noqa: F401 - registers the command
from rela.cli.app import app
from rela.lang import ast, module_from_json, parse_spec

runner = CliRunner()

COSTOUT = """\
# cost out core1
spec costout {
  [^core1]* : preserve then core1 : replace(core1, core2) then [^core1]* : preserve
  else .* : preserve
}
"""


def invoke(*args: str, input: str | None = None):  # noqa: A002
    # with a single registered command typer runs it without its name
    group = isinstance(typer.main.get_command(app), typer.core.TyperGroup)
    argv = ["parse", *args] if group else list(args)
    return runner.invoke(app, argv, input=input)


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "a.rela"
    path.write_text(COSTOUT, encoding="utf-8")
    return path


def test_prints_normalised_spec(spec_file: Path) -> None:
    result = invoke(str(spec_file))
    assert result.exit_code == 0, result.output
    assert result.stdout == COSTOUT.split("\n", 1)[1]  # comments are not kept


def test_ir_output_reparses(spec_file: Path) -> None:
    result = invoke("--ir", str(spec_file))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("assert costout {\n  pre >> I([^core1]*) ")
    [decl] = parse_spec(result.stdout).decls
    assert isinstance(decl, ast.AssertDecl) and isinstance(decl.body, ast.Compare)


def test_json_output(spec_file: Path) -> None:
    result = invoke("--format", "json", str(spec_file))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["node"] == "Module" and data["filename"] == str(spec_file)
    decl = data["decls"][0]
    assert decl["node"] == "SpecDecl" and decl["body"]["node"] == "Else"
    assert decl["span"] == {"line": 2, "column": 1, "end_line": 5, "end_column": 2}
    assert module_from_json(data) == parse_spec(COSTOUT)


def test_header_guards_in_json_and_back(tmp_path: Path) -> None:
    text = (
        "spec http {\n  if dst in 2.128.1.0/24 and proto = tcp and not dport in 80, 8000-8999 {\n"
        "    .* : preserve\n  } else {\n    .* drop : drop\n  }\n}\n"
    )
    path = tmp_path / "g.rela"
    path.write_text(text, encoding="utf-8")
    data = json.loads(invoke("-f", "json", str(path)).stdout)
    cond = data["decls"][0]["body"]["cond"]
    assert cond["node"] == "CondAnd"
    assert [p["node"] for p in cond["parts"]] == ["PrefixCond", "ProtoCond", "CondNot"]
    assert cond["parts"][1]["protocols"] == [6]
    assert cond["parts"][2]["operand"] == {
        "node": "PortCond",
        "field": "dport",
        "ranges": [[80, 80], [8000, 8999]],
        "span": {"line": 2, "column": 50, "end_line": 2, "end_column": 72},
    }
    assert module_from_json(data) == parse_spec(text)
    printed = invoke(str(path)).stdout
    assert "if dst in 2.128.1.0/24 and proto = tcp and not dport in 80, 8000-8999 {" in printed
    assert "    .* drop : drop" in printed
    assert parse_spec(printed) == parse_spec(text)


def test_ir_json_output(spec_file: Path) -> None:
    result = invoke("--ir", "-f", "json", str(spec_file))
    assert result.exit_code == 0, result.output
    [check] = json.loads(result.stdout)["checks"]
    assert (check["name"], check["kind"]) == ("costout", "spec")
    assert check["check"]["node"] == "Compare" and check["check"]["op"] == "=="


def test_stdin() -> None:
    result = invoke("-", input="spec s {a : drop}")
    assert result.exit_code == 0, result.output
    assert result.stdout == "spec s {\n  a : drop\n}\n"


def test_syntax_error_exit_2_with_caret(tmp_path: Path) -> None:
    bad = tmp_path / "a.rela"
    bad.write_text("let z = a\n\nspec s { z : replce(a, b) }\n", encoding="utf-8")
    result = invoke(str(bad))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == f"{bad}:3:14: error: unknown modifier `replce`"
    assert lines[1] == "  spec s { z : replce(a, b) }"
    assert lines[2] == "               ^"
    assert lines[3].startswith("hint: did you mean `replace`?")
    assert "Traceback" not in result.output


def test_semantic_error_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "b.rela"
    bad.write_text("spec s {\n  if dst in 10.0.0.1/8 { a : drop }\n}\n", encoding="utf-8")
    result = invoke("--ir", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:2:13: error: invalid prefix `10.0.0.1/8`: host bits are set" in result.stderr


def test_missing_file_exit_2(tmp_path: Path) -> None:
    result = invoke(str(tmp_path / "nope.rela"))
    assert result.exit_code == 2
    assert "nope.rela" in result.stderr and "cannot read spec file" in result.stderr


def test_deep_nesting_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "deep.rela"
    bad.write_text("let p = " + "(!" * 5000 + "a" + ")" * 5000 + "\n", encoding="utf-8")
    result = invoke(str(bad))
    assert result.exit_code == 2
    assert "nesting too deep" in result.stderr
    assert "Traceback" not in result.output
