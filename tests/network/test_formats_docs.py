"""The console examples of docs/formats.md are real output (stdout, then stderr)."""

from __future__ import annotations

import re
import shlex

import pytest
from typer.testing import CliRunner

from rela.cli import app

from .conftest import REPO

DOC = REPO / "docs" / "formats.md"
runner = CliRunner()


def examples() -> list[tuple[str, str]]:
    """(command, output) of each ``$ rela ...`` line of the console blocks."""
    out = []
    for block in re.findall(r"```console\n(.*?)```", DOC.read_text(), flags=re.S):
        lines = block.splitlines()
        i = 0
        while i < len(lines):
            assert lines[i].startswith("$ "), lines[i]
            command = lines[i][2:]
            i += 1
            while command.endswith("\\"):
                command = command[:-1] + lines[i].strip()
                i += 1
            output = []
            while i < len(lines) and not lines[i].startswith("$ "):
                output.append(lines[i])
                i += 1
            out.append((command, "\n".join(output) + "\n"))
    return out


def test_examples_found() -> None:
    assert len(examples()) >= 5


@pytest.mark.parametrize(("command", "expected"), examples(), ids=lambda x: x[:70])
def test_doc_example_is_real_output(
    command: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    args = shlex.split(command)
    assert args[0] == "rela"
    result = runner.invoke(app, args[1:])
    assert result.exit_code in (0, 1, 2), result.output
    assert result.stdout + result.stderr == expected
