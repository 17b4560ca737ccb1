"""The examples of docs/reports.md are real output (regenerate them by hand after a change)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rela.cli import app

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "reports.md"
runner = CliRunner()
TIME = re.compile(r"in \d+\.\d\d s\.")


def examples() -> list[tuple[str, str]]:
    """(command, output) of each ``$ rela check`` console block that prints its report
    (a command writing a file, ``-o``, is run by the HTML tests, not in the checkout)."""
    out = []
    for block in re.findall(
        r"(`{3,4})console\n(.*?)\1", DOC.read_text(encoding="utf-8"), flags=re.S
    ):
        lines = block[1].splitlines()
        command = lines[0][2:]
        i = 1
        while command.endswith("\\"):
            command = command[:-1] + " " + lines[i].strip()
            i += 1
        if " -o " not in f" {command} ":
            out.append((command, "\n".join(lines[i:]) + "\n"))
    return out


def run(command: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(REPO)
    result = runner.invoke(app, shlex.split(command)[1:], env={"COLUMNS": "80"})
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def test_examples_found() -> None:
    assert len(examples()) >= 2


@pytest.mark.parametrize(("command", "expected"), examples(), ids=lambda x: x[-40:])
def test_doc_example_is_real_output(
    command: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    got = run(command, monkeypatch)
    assert TIME.sub("in #.## s.", got) == TIME.sub("in #.## s.", expected)


def test_doc_json_cause_is_real_output(monkeypatch: pytest.MonkeyPatch) -> None:
    text = DOC.read_text(encoding="utf-8")
    shown = json.loads(re.search(r"```json\n(.*?)```", text, flags=re.S).group(1))  # type: ignore[union-attr]
    command, _ = examples()[0]
    command = command.replace("--max-violations 1", "-s costout -f json")
    cause = json.loads(run(command, monkeypatch))["specs"][0]["causes"][0]
    assert cause["example"]["flow"] == "border1"
    cause["example"] = shown["example"]
    assert cause == shown


def test_doc_junit_excerpt_is_real_output(monkeypatch: pytest.MonkeyPatch) -> None:
    text = DOC.read_text(encoding="utf-8")
    excerpt = re.search(r"```xml\n(.*?)\n…", text, flags=re.S).group(1)  # type: ignore[union-attr]
    command, _ = examples()[0]
    got = run(command.replace("--max-violations 1", "-f junit"), monkeypatch)
    lines = [line.strip() for line in excerpt.splitlines()]
    real = [line.strip() for line in got.splitlines()]
    start = real.index(lines[0])
    assert real[start : start + len(lines)] == lines
