"""``rela check`` imports what its output needs: a quiet or JSON run does not load rich.

Rich's console is 30-50 ms of every start (docs/performance.md, start-up); the
text report needs it, the one-line verdict and the JSON report do not.  The
probe reports, at exit, whether any ``rich`` module was imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('RICH' if any(m.split('.')[0] == 'rich' for m in sys.modules)"
    " else 'NO-RICH', file=sys.stderr))\n"
    "sys.argv = ['rela', *sys.argv[1:]]\n"
    "from rela.entry import main\n"
    "main()\n"
)


def run(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    fecs = json.loads((ROOT / "snapshots" / "graphs" / "reroute.json").read_text())
    change = tmp_path / "one.json"
    change.write_text(json.dumps(fecs[:1]))
    spec = tmp_path / "keep.rela"
    spec.write_text("spec keep { .* : preserve }\n")
    cmd = [sys.executable, "-c", PROBE, "check", str(spec), "--change", str(change), *options]
    return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)


@pytest.mark.parametrize("options", [("-q",), ("-f", "json")], ids=["quiet", "json"])
def test_a_quiet_or_json_check_does_not_import_rich(tmp_path: Path, options: tuple[str]) -> None:
    done = run(tmp_path, *options)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "NO-RICH"
    if options == ("-q",):
        assert done.stdout == "PASS: 1 spec holds on 1 FEC\n"
    else:
        assert json.loads(done.stdout)["specs"][0]["holds"] == 1


def test_the_text_report_does_and_an_error_message_does(tmp_path: Path) -> None:
    # the probe sees rich when it is used: the text report, and Rela's messages on stderr
    assert run(tmp_path).stderr.strip().splitlines()[-1] == "RICH"
    failed = run(tmp_path, "-q", "--dst", "not-a-prefix")
    assert failed.returncode == 2
    assert "not-a-prefix" in failed.stderr
    assert failed.stderr.strip().splitlines()[-1] == "RICH"
