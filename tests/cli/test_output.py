"""The output writer: an input is never overwritten, a report is never half-written,
a closed or full stdout is exit 2 with one line, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rela.cli.output import OutputError, emit, refuse_clobber
from rela.errors import UsageError

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "snapshots" / "specs" / "costout.rela"
BEFORE = REPO / "snapshots" / "paths" / "core-costout" / "before.json"
AFTER = REPO / "snapshots" / "paths" / "core-costout" / "after.json"


def test_same_file_by_inode_is_refused(tmp_path: Path) -> None:
    change = tmp_path / "change.json"
    change.write_text("[]")
    link = tmp_path / "link.json"
    os.link(change, link)
    with pytest.raises(UsageError, match="is an input of this command"):
        refuse_clobber(link, [change])
    with pytest.raises(UsageError, match="is an input"):
        refuse_clobber(tmp_path / "." / "change.json", [change])


def test_symlink_to_an_input_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "a.rela"
    spec.write_text("spec s { .* : preserve }")
    (tmp_path / "out.txt").symlink_to(spec)
    with pytest.raises(UsageError, match="is an input"):
        refuse_clobber(tmp_path / "out.txt", [spec])


def test_output_inside_an_input_directory_is_refused(tmp_path: Path) -> None:
    chunks = tmp_path / "chunks"
    (chunks / "sub").mkdir(parents=True)
    with pytest.raises(UsageError, match="inside the input directory"):
        refuse_clobber(chunks / "report.json", [chunks])
    with pytest.raises(UsageError, match="inside the input directory"):
        refuse_clobber(chunks / "sub" / "new.json", [chunks])
    refuse_clobber(tmp_path / "report.json", [chunks])  # beside it is fine


def test_files_of_an_export_prefix_are_inputs(tmp_path: Path) -> None:
    (tmp_path / "base-node.json").write_text("{}")
    (tmp_path / "base-edge.json").write_text("{}")
    with pytest.raises(UsageError, match="base-edge.json"):
        refuse_clobber(tmp_path / "base-edge.json", [tmp_path / "base"])


def test_atomic_write_replaces_whole_and_leaves_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("old")
    out.chmod(0o640)
    emit("new report\n", out)
    assert out.read_text() == "new report\n"
    assert oct(out.stat().st_mode & 0o777) == oct(0o640)
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_unwritable_directory_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot write the output"):
        emit("x", tmp_path / "missing" / "report.json")


def test_device_outputs_are_written_in_place() -> None:
    emit("ignored\n", Path(os.devnull))  # not replaced by a regular file
    assert Path(os.devnull).is_char_device()


RELA = [sys.executable, "-c", "from rela.cli import main; main()"]


def _rela(*args: str, stdout: int | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a subprocess; with ``stdout``, write the report to that descriptor."""
    return subprocess.run(
        [*RELA, *args],
        stdout=subprocess.PIPE if stdout is None else stdout,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def test_check_refuses_to_overwrite_its_change(tmp_path: Path) -> None:
    before = tmp_path / "before.json"
    before.write_bytes(BEFORE.read_bytes())
    result = _rela(
        "check", str(SPEC), "--before", str(before), "--after", str(AFTER), "-o", str(before)
    )
    assert result.returncode == 2
    assert "is an input of this command" in result.stderr
    assert "Traceback" not in result.stderr
    assert before.read_bytes() == BEFORE.read_bytes()


def test_full_stdout_is_exit_2_with_one_line() -> None:
    with open("/dev/full", "w") as full:
        result = _rela(
            "check", str(SPEC), "--before", str(BEFORE), "--after", str(AFTER), stdout=full.fileno()
        )
    assert result.returncode == 2
    assert "no space left" in result.stderr
    assert "Traceback" not in result.stderr


def test_closed_stdout_is_exit_2_without_traceback() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from rela.cli import main; main()",
            "check",
            str(SPEC),
            "--before",
            str(BEFORE),
            "--after",
            str(AFTER),
            "--format",
            "json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # like `| head -0`: nobody reads
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    assert b"Traceback" not in err and b"Exception ignored" not in err
