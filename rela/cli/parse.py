"""``rela parse``: check a spec file's syntax and show it normalised, as IR or as JSON."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from rela.cli.app import app, handle_errors
from rela.compile import CompiledCheck, compile_module
from rela.errors import SpecError
from rela.lang import (
    ast,
    format_check,
    format_module,
    load_spec,
    module_to_json,
    node_to_json,
    parse_spec,
)
from rela.lang.lexical import quote_name

__all__ = ["parse_command", "format_ir", "ir_to_json"]


class ParseFormat(str, Enum):
    text = "text"
    json = "json"


def format_ir(checks: tuple[CompiledCheck, ...]) -> str:
    """Compiled checks as ``assert NAME { ... }`` blocks (valid spec text)."""
    blocks = []
    for c in checks:
        body = "\n".join(
            "  " + line if line else line for line in format_check(c.check).split("\n")
        )
        blocks.append(f"assert {quote_name(c.name)} {{\n{body}\n}}\n")
    return "\n".join(blocks)


def ir_to_json(checks: tuple[CompiledCheck, ...]) -> dict[str, object]:
    """``{"checks": [{"name", "kind", "check"}]}`` with the IR check as AST JSON."""
    return {
        "checks": [{"name": c.name, "kind": c.kind, "check": node_to_json(c.check)} for c in checks]
    }


def _read(path: str) -> ast.Module:
    if path == "-":
        try:
            text = sys.stdin.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise SpecError(f"cannot read standard input: {exc}", filename="<stdin>") from None
        return parse_spec(text, filename="<stdin>")
    return load_spec(Path(path))


@app.command("parse")
def parse_command(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="Spec file to parse (`-` for stdin).")
    ],
    ir: Annotated[
        bool, typer.Option("--ir", help="Print the compiled relational IR instead.")
    ] = False,
    output_format: Annotated[
        ParseFormat,
        typer.Option("--format", "-f", help="text: spec syntax; json: the AST (or IR) as JSON."),
    ] = ParseFormat.text,
) -> None:
    """Parse a spec file and print it normalised (exit 2 on syntax or semantic errors)."""
    with handle_errors():
        module = _read(file)
        if ir:
            checks = compile_module(module)
            if output_format is ParseFormat.json:
                out = json.dumps(ir_to_json(checks), indent=2, ensure_ascii=False) + "\n"
            else:
                out = format_ir(checks)
        elif output_format is ParseFormat.json:
            out = json.dumps(module_to_json(module), indent=2, ensure_ascii=False) + "\n"
        else:
            out = format_module(module)
    typer.echo(out, nl=False)
