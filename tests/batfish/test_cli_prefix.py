"""`rela check/diff --before PREFIX --after PREFIX` on Batfish exports named <snapshot>-*.json."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rela.cli import app

FCV = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "batfish-fcv"
SPEC = Path(__file__).resolve().parents[2] / "snapshots" / "batfish" / "costout.rela"
STARTS = ["--start", "border1[GigabitEthernet0/0]", "--start", "border2[GigabitEthernet0/0]"]

pytestmark = pytest.mark.skipif(not FCV.exists(), reason="../shared/data is absent")


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def test_check_on_file_prefixes() -> None:
    base, change1, change2 = (str(FCV / n) for n in ("base", "change1", "change2"))
    bad = run(
        "check",
        str(SPEC),
        "--before",
        base,
        "--after",
        change1,
        *STARTS,
        "--dst",
        "2.128.0.0/16",
        "--format",
        "json",
    )
    assert bad.exit_code == 1, bad.output
    assert '"2.128.1.1/32"' in bad.output
    good = run(
        "check",
        str(SPEC),
        "--before",
        base,
        "--after",
        change2,
        *STARTS,
        "--dst",
        "2.128.0.0/16",
        "-q",
    )
    assert good.exit_code == 0, good.output


def test_diff_on_file_prefixes_shows_core1_to_core2() -> None:
    result = run(
        "diff",
        "--before",
        str(FCV / "base"),
        "--after",
        str(FCV / "change2"),
        *STARTS,
        "--dst",
        "2.128.0.0/16",
        "--no-color",
    )
    assert result.exit_code == 1, result.output
    assert "- border1 -> core1 -> spine2" in result.output
    assert "+ border1 -> core2 -> spine2" in result.output
