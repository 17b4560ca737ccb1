"""The output writer: an input is never overwritten, a report is never half-written,
a closed or full stdout is exit 2 with one line, not a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rela.cli.output import OutputError, emit, refuse_clobber
from rela.errors import UsageError


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


# The commands' behaviour (an input named by -o, a full or closed stdout) is tested per
# command in test_outputs_per_command.py.


def test_a_short_write_is_finished_not_dropped(tmp_path: Path) -> None:
    """Pipes accept part of a large write at a time: every byte must still arrive."""
    read_end, write_end = os.pipe()
    received = bytearray()
    data = bytes(range(256)) * 4096  # 1 MiB through a 64 KiB pipe
    pid = os.fork()
    if pid == 0:  # the reader
        os.close(write_end)
        with open(tmp_path / "got", "wb") as fp:
            while chunk := os.read(read_end, 1 << 16):
                fp.write(chunk)
        os._exit(0)
    os.close(read_end)
    from rela.cli.output import _write_all

    _write_all(write_end, data)
    os.close(write_end)
    os.waitpid(pid, 0)
    received += (tmp_path / "got").read_bytes()
    assert bytes(received) == data


def test_writing_to_a_full_device_is_an_output_error() -> None:
    with pytest.raises(OutputError, match="no space left on the device"):
        emit("x" * 100_000, Path("/dev/full"))


def test_a_symlinked_output_is_written_through_the_link(tmp_path: Path) -> None:
    real = tmp_path / "reports" / "latest.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "report.json"
    link.symlink_to(real)
    emit("new", link)
    assert link.is_symlink() and real.read_text() == "new"
