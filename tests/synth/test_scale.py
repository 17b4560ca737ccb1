"""Correctness at scale: `rela check` reports exactly the FECs the generator says the bug breaks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.synth.conftest import make

pytest.importorskip("rela.verify")
typer_testing = pytest.importorskip("typer.testing")


def run_check(spec: Path, change: Path, report: Path, *extra: str) -> int:
    from rela.cli import app

    args = ["check", str(spec), "--change", str(change), "--format", "json",
            "--output", str(report), "--no-progress", *extra]  # fmt: skip
    result = typer_testing.CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code


@pytest.mark.parametrize(
    ("topology", "change", "bug", "jobs"),
    [
        ("clos", "drain", "blackhole", "1"),
        ("wan", "add-link", "loop", "1"),
        ("clos", "reroute", "loop", "2"),
        ("wan", "drain", "none", "1"),
    ],
)
def test_check_reports_exactly_the_generated_violations(
    tmp_path: Path, topology: str, change: str, bug: str, jobs: str
) -> None:
    g = make(tmp_path, topology, change, bug, seed=11, fecs=2500, chunk_size=700)
    report = tmp_path / "report.json"
    code = run_check(g.spec_path, g.change_dir, report, "--jobs", jobs)
    data = json.loads(report.read_text())
    (spec,) = data["specs"]
    assert spec["name"] == g.expected["spec"]
    assert spec["fecs"]["total"] == g.fecs == data["fecs_read"]
    assert spec["fecs"]["errors"] == 0
    violated = sorted({v["fec"]["index"] for v in spec["violations"]})
    assert violated == g.expected["violating_indices"]
    assert spec["fecs"]["violated"] == len(violated)
    assert code == (1 if violated else 0)
