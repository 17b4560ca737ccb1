"""``rela parse``: check a spec file's syntax and show it normalised, as IR or as JSON."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rela.cli.app import app, handle_errors
from rela.cli.options import OutputOption, format_option
from rela.cli.output import check_output, emit
from rela.errors import SpecError

if TYPE_CHECKING:
    from rela.lang import ast

__all__ = ["parse_command"]


class ParseFormat(str, Enum):
    text = "text"
    json = "json"


def _read(path: str) -> ast.Module:
    from rela.lang import load_spec, parse_spec

    if path == "-":
        try:
            text = sys.stdin.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise SpecError(f"cannot read standard input: {exc}", filename="<stdin>") from None
        return parse_spec(text, filename="<stdin>")
    return load_spec(Path(path))


@app.command("parse")
def parse_command(
    file: Annotated[str, typer.Argument(metavar="SPEC", help="Spec file to parse ('-': stdin).")],
    ir: Annotated[
        bool,
        typer.Option("--ir", help="Print the compiled relational IR instead.", show_default=False),
    ] = False,
    output_format: Annotated[
        ParseFormat, format_option("text: spec syntax; json: the AST (or IR) as JSON.")
    ] = ParseFormat.text,
    output: OutputOption = None,
) -> None:
    """Parse a spec file and print it normalised.

    Exit status: 0 parsed; 2 a syntax or semantic error, or bad usage.
    """
    from rela.compile import compile_module, format_ir, ir_to_json
    from rela.lang import format_module, module_to_json

    with handle_errors():
        check_output(output, [file])
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
        emit(out, output)
