"""Shared inputs of the lint tests: the shipped example change and the real sample."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rela.cli import app

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "snapshots" / "specs"
SNAPSHOT = ROOT / "snapshots" / "paths" / "core-costout"
SHIPPED = ("--before", str(SNAPSHOT / "before.json"), "--after", str(SNAPSHOT / "after.json"))
CHUNK = ROOT.parent / "shared" / "data" / "rela-dataset" / "chunk_22_112.json"
REAL = ("--change", str(CHUNK))

needs_data = pytest.mark.skipif(not CHUNK.exists(), reason="../shared/data is absent")

runner = CliRunner()


def lint(tmp_path: Path, text: str, *args: str) -> tuple[int, str]:
    """Run ``rela lint`` on ``text`` (as a file) with ``args``; (exit code, output)."""
    spec = tmp_path / "spec.rela"
    spec.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["lint", str(spec), *args])
    return result.exit_code, result.output


def codes(output: str) -> list[str]:
    """The warning codes of a text lint output, in order."""
    return [
        line.split("warning[", 1)[1].split("]", 1)[0]
        for line in output.splitlines()
        if "warning[" in line
    ]
