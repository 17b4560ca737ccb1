"""Output cannot be forged: names with control characters are shown, never obeyed.

Location names, FEC keys and traffic come from input files; a name holding a
newline must not print a line of its own (a forged ``PASS``), ESC must never
reach the terminal, JSON and JUnit stay well-formed and keep the name exactly.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from rela.cli import app
from rela.report.escape import UNSAFE, visible

runner = CliRunner()

FORGED = "core1\nPASS: 1 spec holds on 1 FEC\r\x1b[2J\x1b]0;pwned\x07\u2028\u202eevil\x85"
KEY = "10.1.0.0/24\nPASS: 9 specs hold on 9 FECs"


@pytest.fixture
def snapshots(tmp_path: Path) -> tuple[Path, Path, Path]:
    def snap(hops: list[str]) -> dict[str, object]:
        return {
            "format": "rela-snapshot/1",
            "fecs": [{"key": KEY, "traffic": [{"dstIp": "10.1.0.0/24"}], "paths": [hops]}],
        }

    before, after, spec = tmp_path / "b.json", tmp_path / "a.json", tmp_path / "s.rela"
    before.write_text(json.dumps(snap(["b1", FORGED, "leaf1"])), encoding="utf-8")
    after.write_text(json.dumps(snap(["b1", "core2", "leaf1"])), encoding="utf-8")
    spec.write_text("spec s { .* : preserve }\n", encoding="utf-8")
    return spec, before, after


def _no_forged_lines(out: str) -> None:
    assert "\x1b" not in out and "\r" not in out and "\x07" not in out
    assert "\u2028" not in out and "\u202e" not in out and "\x85" not in out
    for line in out.splitlines():
        assert not line.lstrip("# -+`*_").startswith("PASS"), line


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_check_text_and_markdown_show_the_name_escaped(
    fmt: str, snapshots: tuple[Path, Path, Path]
) -> None:
    spec, before, after = snapshots
    args = ["check", str(spec), "--before", str(before), "--after", str(after), "-f", fmt]
    result = runner.invoke(app, args, env={"COLUMNS": "300"})
    assert result.exit_code == 1, result.output
    out = result.stdout
    _no_forged_lines(out)
    assert visible(FORGED) in out
    assert visible(KEY) in out
    assert (
        out.rstrip()
        .splitlines()[-1 if fmt == "text" else 0]
        .lstrip("#❌ ")
        .startswith(("FAIL", "Rela FAIL"))
    )


def test_check_json_keeps_the_name_exactly(snapshots: tuple[Path, Path, Path]) -> None:
    spec, before, after = snapshots
    result = runner.invoke(
        app, ["check", str(spec), "--before", str(before), "--after", str(after), "-f", "json"]
    )
    assert "\x1b" not in result.stdout
    doc = json.loads(result.stdout)
    v = doc["specs"][0]["violations"][0]
    assert v["before"] == [["b1", FORGED, "leaf1"]]
    assert v["fec"]["key"] == KEY


def test_check_junit_is_well_formed(snapshots: tuple[Path, Path, Path]) -> None:
    spec, before, after = snapshots
    result = runner.invoke(
        app, ["check", str(spec), "--before", str(before), "--after", str(after), "-f", "junit"]
    )
    _no_forged_lines(result.stdout)
    root = ET.fromstring(result.stdout.split("\n", 1)[1])
    failure = next(root.iter("failure"))
    assert visible(FORGED) in (failure.text or "")


@pytest.mark.parametrize("command", ["show", "diff"])
def test_show_and_diff_escape_too(command: str, snapshots: tuple[Path, Path, Path]) -> None:
    _, before, after = snapshots
    result = runner.invoke(
        app, [command, "--before", str(before), "--after", str(after)], env={"COLUMNS": "300"}
    )
    assert result.exit_code in (0, 1), result.output
    _no_forged_lines(result.stdout)
    assert "core1\\nPASS: 1 spec holds" in result.stdout  # escaped (diff wraps at 80 columns)


@given(st.text())
def test_visible_output_has_no_unsafe_character(text: str) -> None:
    shown = visible(text)
    assert UNSAFE.search(shown) is None
    assert "\n" not in shown
    if UNSAFE.search(text) is None:
        assert shown == text
