"""The examples of docs/language.md and docs/lint.md: every ``rela`` block parses, and every
``$ rela parse`` / ``$ rela lint`` console example is the real output."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rela.cli import app
from rela.errors import SpecError
from rela.lang import parse_spec

REPO = Path(__file__).resolve().parents[2]
DOCS = [REPO / "docs" / "language.md", REPO / "docs" / "lint.md"]
runner = CliRunner()


def _blocks(kind: str) -> list[tuple[str, str]]:
    out = []
    for doc in DOCS:
        for block in re.findall(rf"```{kind}\n(.*?)```", doc.read_text(encoding="utf-8"), re.S):
            out.append((doc.name, block))
    return out


@pytest.mark.parametrize(("doc", "block"), _blocks("rela"), ids=lambda x: x[:40])
def test_rela_blocks_parse(doc: str, block: str) -> None:
    """A block is a whole file, or (for short examples) a path expression or a spec body."""
    for text in (block, f"let p = {block}", f"spec s {{ {block} }}"):
        try:
            parse_spec(text)
            return
        except SpecError:
            continue
    parse_spec(block)  # show the error of the block itself


def _console() -> list[tuple[str, str]]:
    out = []
    for _, block in _blocks("console"):
        lines = block.splitlines()
        command = lines[0][2:]
        if re.match(r"rela (parse|lint) ", command) and not re.search(r"[;|>]", command):
            out.append((command, "\n".join(lines[1:]) + "\n"))
    return out


def test_console_examples_found() -> None:
    assert len(_console()) >= 1


@pytest.mark.parametrize(("command", "expected"), _console(), ids=lambda x: x[:60])
def test_console_example_is_real_output(
    command: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    result = runner.invoke(app, shlex.split(command)[1:])
    assert result.exit_code in (0, 1), result.output
    assert result.stdout == expected
