"""The ``rela diff`` examples in docs/diff.md are real output (regenerate them by hand)."""

from __future__ import annotations

import re
import shlex

import pytest
from typer.testing import CliRunner

from rela.cli import app
from tests.diff.graphs import REPO

DOC = REPO / "docs" / "diff.md"
runner = CliRunner()


def examples() -> list[tuple[str, str]]:
    """(command, output) of each simple ``$ rela diff`` example (no pipes or redirections)."""
    out = []
    for block in re.findall(r"```console\n(.*?)```", DOC.read_text(), flags=re.S):
        lines = block.splitlines()
        command = lines[0][2:]
        i = 1
        while command.endswith("\\"):
            command = command[:-1] + lines[i].strip()
            i += 1
        if not command.startswith("rela diff ") or re.search(r"[;|>]", command):
            continue
        rest = []
        for line in lines[i:]:
            if line.startswith("$ "):
                break
            rest.append(line)
        out.append((command, "\n".join(rest) + "\n"))
    return out


def test_examples_found() -> None:
    assert len(examples()) >= 4


@pytest.mark.parametrize(("command", "expected"), examples(), ids=lambda x: x[:60])
def test_doc_example_is_real_output(
    command: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    result = runner.invoke(app, shlex.split(command)[1:])
    assert result.exit_code in (0, 1), result.output
    assert result.stdout == expected
