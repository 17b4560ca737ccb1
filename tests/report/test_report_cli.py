"""Reports through ``rela check`` and the library, on a small shipped example and real data.

Skipped until the verifier and ``rela check --format`` exist. The example in
``tests/report/data/`` (Rela graph JSON, 4 FECs) violates ``.* : preserve`` on
two FECs: FEC #1 moves a path from core2 to core3, FEC #2 is dropped at core2.
Goldens (``golden/cli-*``) are regenerated like the others::

    RELA_UPDATE_GOLDEN=1 .venv/bin/pytest tests/report/test_report_cli.py
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from test_report_golden import check_golden

import rela  # noqa: E402

# Not importorskip("rela.verify"): importing the submodule would rebind rela.verify.
if importlib.util.find_spec("rela.verify") is None:
    pytest.skip("the verifier is not there yet", allow_module_level=True)
check_cli = pytest.importorskip("rela.cli.check")

if not callable(getattr(rela, "verify", None)) or not callable(getattr(rela, "load_spec", None)):
    pytest.skip(
        "the library API (rela.verify, rela.load_spec) is not there yet", allow_module_level=True
    )

from typer.testing import CliRunner  # noqa: E402

from rela.cli import app  # noqa: E402
from rela.report import FORMATS, render_text, report_schema  # noqa: E402
from rela.report._common import format_path  # noqa: E402

DATA = Path(__file__).parent / "data"
SPEC, CHANGE, CHANGE_OK, BAD = (
    DATA / "change.rela",
    DATA / "change.json",
    DATA / "change-ok.json",
    DATA / "bad.rela",
)
DATASET = Path(__file__).resolve().parents[3] / "shared" / "data" / "rela-dataset"
CHUNK = DATASET / "chunk_22_112.json"
ANSI = "\x1b["

runner = CliRunner()


def _check(*args: str | Path, env: dict[str, str] | None = None) -> Any:
    argv = ["check", *map(str, args)]
    return runner.invoke(app, argv, env={"COLUMNS": "100", **(env or {})})


@pytest.fixture(scope="module", autouse=True)
def _needs_formats() -> None:
    help_text = runner.invoke(app, ["check", "--help"], env={"COLUMNS": "200"}).output
    for option in ("--format", "--output"):
        if option not in help_text:
            pytest.skip(f"rela check has no {option} yet")
    if "junit" not in help_text or "markdown" not in help_text:
        pytest.skip("rela check does not offer every report format yet")


def _args(fmt: str, change: Path = CHANGE, spec: Path = SPEC) -> list[str | Path]:
    return [spec, "--change", change, "--granularity", "device", "--format", fmt]


@pytest.mark.parametrize("fmt", FORMATS)
def test_exit_codes_for_every_format(fmt: str) -> None:
    assert _check(*_args(fmt)).exit_code == 1
    assert _check(*_args(fmt, change=CHANGE_OK)).exit_code == 0
    bad = _check(*_args(fmt, spec=BAD))
    assert bad.exit_code == 2
    assert "Traceback" not in bad.output


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_ansi_when_stdout_is_redirected(fmt: str, tmp_path: Path) -> None:
    """A real process with stdout to a pipe: no escape codes in any format."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CLICOLOR_FORCE")}
    proc = subprocess.run(
        [sys.executable, "-c", "from rela.cli import main; main()", "check", *map(str, _args(fmt))],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout.strip()
    assert ANSI not in proc.stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_file(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"report.{fmt}"
    result = _check(*_args(fmt), "--output", out)
    assert result.exit_code == 1
    assert ANSI not in out.read_text(encoding="utf-8")
    assert "keep_all" in out.read_text(encoding="utf-8")


def test_json_report_validates_and_counts() -> None:
    import jsonschema

    result = _check(*_args("json"))
    doc = json.loads(result.stdout)
    jsonschema.Draft202012Validator(report_schema()).validate(doc)
    spec = doc["specs"][0]
    assert spec["fecs"] == {"total": 4, "holds": 2, "violated": 2, "errors": 0}
    v = next(v for v in spec["violations"] if v["fec"]["index"] == 1)
    assert v["flow"] == "border1"
    assert v["missing"] == [["border1", "core2", "leaf2"]]
    assert v["unexpected"] == [["border1", "core3", "leaf2"]]


def test_junit_counts() -> None:
    root = ET.fromstring(_check(*_args("junit")).stdout.split("\n", 1)[1])
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "keep_all"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "2", "0")


def test_text_shows_the_changed_hop() -> None:
    text = _check(*_args("text")).stdout
    assert "flow from border1" in text
    assert "- border1 -> core2 -> leaf2" in text
    assert "+ border1 -> core3 -> leaf2" in text
    assert "+ border2 -> core2 -> drop" in text
    assert text.rstrip().splitlines()[-1].startswith("FAIL")


@pytest.mark.parametrize("fmt", ["json", "junit", "markdown"])
def test_cli_golden(fmt: str) -> None:
    suffix = {"json": "json", "junit": "xml", "markdown": "md"}[fmt]
    check_golden(f"cli-example.{suffix}", _check(*_args(fmt)).stdout)


@pytest.mark.skipif(not CHUNK.exists(), reason="Rela dataset sample not available")
def test_real_dataset_text_report(tmp_path: Path) -> None:
    spec_file = tmp_path / "preserve.rela"
    spec_file.write_text("spec preserve_all {\n  .* : preserve\n}\n", encoding="utf-8")
    spec = rela.load_spec(spec_file)
    report = rela.verify(spec, rela.load_change(change=CHUNK, granularity="device"))
    assert (report.specs[0].holds, report.specs[0].violated) == (108, 4)
    text = render_text(report, width=4000, max_examples=-1)
    for v in report:
        assert f"flow from {v.flow}" in text
        assert v.missing or v.unexpected
        for p in v.missing:
            assert f"- {format_path(p)}" in text
        for p in v.unexpected:
            assert f"+ {format_path(p)}" in text
    narrow = render_text(report, width=80)
    assert max(len(line) for line in narrow.splitlines()) <= 80
