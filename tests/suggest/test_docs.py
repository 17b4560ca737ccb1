"""The examples of docs/suggest.md are real output (each ``$ rela suggest`` block is re-run).

Blocks that start with ``python -m rela.synth`` run in a temporary directory
(the generator writes there first); the others run at the repository root.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rela
from rela.cli import app
from rela.synth.__main__ import main as synth_main

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "suggest.md"
runner = CliRunner()


def examples() -> list[tuple[list[str], str]]:
    """(commands, output of the last one) of each ``console`` block."""
    out = []
    for block in re.findall(r"```console\n(.*?)```", DOC.read_text(), flags=re.S):
        lines = block.splitlines()
        commands = [ln[2:] for ln in lines if ln.startswith("$ ")]
        output = [ln for ln in lines if not ln.startswith("$ ")]
        out.append((commands, "\n".join(output) + "\n"))
    return out


def test_examples_found() -> None:
    assert len(examples()) >= 5


@pytest.mark.parametrize(("commands", "expected"), examples(), ids=lambda x: str(x)[:60])
def test_doc_example_is_real_output(
    commands: list[str], expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synth = [c for c in commands if c.startswith("python -m rela.synth")]
    monkeypatch.chdir(tmp_path if synth else REPO)
    for c in synth:
        assert synth_main(shlex.split(c)[3:]) == 0
    (command,) = [c for c in commands if c.startswith("rela ")]
    result = runner.invoke(app, shlex.split(command)[1:])
    assert result.exit_code == 0, result.output
    assert result.stdout == expected


def test_the_synthetic_bug_is_the_first_clause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the doc says of its synthetic example: the broken FECs are the first clause's."""
    ((commands, _),) = [(c, o) for c, o in examples() if any("rela.synth" in x for x in c)]
    monkeypatch.chdir(tmp_path)
    assert synth_main(shlex.split(commands[0])[3:]) == 0
    s = rela.suggest(rela.load_change(change="synth/change"))
    violating = json.loads(Path("synth/expected.json").read_text())["violating_indices"]
    assert list(s.clauses[0].indices) == violating and "pod1-leaf2" in s.clauses[0].names
