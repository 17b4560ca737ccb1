"""The HTML and DOT examples of docs/reports.md and docs/diff.md are real."""

from __future__ import annotations

import re
import shlex
import struct
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rela.cli import app
from tests.html.pages import REPO, parse

runner = CliRunner()
REPORTS = REPO / "docs" / "reports.md"
DIFF = REPO / "docs" / "diff.md"


def console_block(doc: Path, starting: str, containing: str = "") -> str:
    for block in re.findall(r"```console\n(.*?)```", doc.read_text(encoding="utf-8"), flags=re.S):
        if block.startswith(starting) and containing in block:
            return block
    raise AssertionError(f"no console block starting with {starting!r} in {doc}")


def test_html_example_command_writes_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    block = console_block(REPORTS, "$ rela check snapshots/batfish/costout.rela", "html")
    command = shlex.split(block.replace("\\\n", " ").splitlines()[0][2:])
    assert command[-2:] == ["-o", "report.html"] and "html" in command
    monkeypatch.chdir(REPO)
    out = tmp_path / "report.html"
    result = runner.invoke(app, [*command[1:-1], str(out)])
    assert result.exit_code == 1, result.output
    soup = parse(out.read_text(encoding="utf-8"))
    assert soup.select("svg.graph g.node.drop")


def test_screenshot_is_shown_and_reasonable() -> None:
    (image,) = re.findall(r"!\[[^\]]+\]\(([^)]+\.png)\)", REPORTS.read_text(encoding="utf-8"))
    data = (REPORTS.parent / image).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert 600 <= width <= 1600 and 400 <= height <= 2000
    assert len(data) < 400_000


def test_dot_example_is_real_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    block = console_block(DIFF, "$ rela diff --change snapshots/graphs/reroute.json --dot dots/")
    shown = block.split("\n", 1)[1]
    monkeypatch.chdir(REPO)
    result = runner.invoke(
        app, ["diff", "--change", "snapshots/graphs/reroute.json", "--dot", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert (tmp_path / "fec-1.dot").read_text(encoding="utf-8") == shown
