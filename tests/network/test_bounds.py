"""Loading is linear and bounded (issue 11 §4).

FIFOs and devices are refused instead of blocking; compressed inputs are
refused past an inflation limit; entries of a change directory that are not
read are listed in a ``skipped-file`` warning; numbers beyond what the model
holds are located errors; long strings load in linear time.  Each through the
CLI: exit code, message, no traceback.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rela.cli import app
from rela.errors import NetworkInputError
from rela.network import load_change
from rela.network.formats import common, fastjson, files, rela_json

from .conftest import SNAPSHOTS, raw_graph, rela_fec, write

runner = CliRunner()
COSTOUT = SNAPSHOTS / "paths" / "core-costout"
PRESERVE = "spec same { .* : preserve }\n"


def rela(*args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def rela_process(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``rela ARGS`` in a child process: a read that blocks fails the test instead of hanging it."""
    code = "from rela.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# ---------------------------------------------------------------------- non-regular files


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    path = tmp_path / "c.json"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("how", ["--change", "--before", "--groups", "in a change directory"])
def test_a_fifo_is_refused_not_read(tmp_path: Path, fifo: Path, how: str) -> None:
    spec = write(tmp_path / "s.rela", PRESERVE)
    good = COSTOUT / "after.json"
    args: list[str | Path]
    if how == "--change":
        args = ["--change", fifo]
    elif how == "--before":
        args = ["--before", fifo, "--after", good]
    elif how == "--groups":
        args = ["--before", good, "--after", good, "--groups", fifo]
    else:
        write(tmp_path / "d" / "a.json", [rela_fec()])
        os.mkfifo(tmp_path / "d" / "b.json")
        fifo = tmp_path / "d" / "b.json"
        args = ["--change", tmp_path / "d"]
    result = rela_process("check", spec, *args)
    assert result.returncode == 2, result.stderr
    assert f"{fifo}: error: not a regular file (a named pipe (FIFO)): refusing to read it" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_a_device_is_refused() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    result = rela_process("show", "--change", "/dev/zero")
    assert result.returncode == 2
    assert "/dev/zero: error: not a regular file (a character device)" in result.stderr


# ---------------------------------------------------------------------- compressed inputs


def test_a_decompression_bomb_is_refused_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "INFLATION_FLOOR", 1 << 20)
    fec = rela_fec(key="x" * (3 << 20))  # one 3 MiB string: ~3 KiB compressed
    bomb = write(tmp_path / "bomb.json.gz", [fec], gz=True)
    assert bomb.stat().st_size < 20_000
    result = rela("show", "--change", bomb)
    assert result.exit_code == 2
    assert f"{bomb}: error: decompresses to more than 1.0 MiB" in result.stderr
    assert "likely decompression bomb" in result.stderr
    assert "hint: if the file is genuine, decompress it" in result.stderr
    ok = write(tmp_path / "ok.json.gz", [rela_fec(key="x" * 1000)], gz=True)
    assert rela("show", "--change", ok).exit_code == 0


def test_the_inflation_limit_scales_with_the_compressed_size() -> None:
    assert files.inflation_limit(0) == files.INFLATION_FLOOR
    big = 10 * files.INFLATION_FLOOR
    assert files.inflation_limit(big) == files.INFLATION_RATIO * big


# ---------------------------------------------------------------------- skipped files


def test_skipped_entries_of_a_change_directory_are_a_warning(tmp_path: Path) -> None:
    d = tmp_path / "chunks"
    write(d / "c_1.json", [rela_fec()])
    write(d / "c_2.JSON", [rela_fec()])  # upper case: not read, and said so
    write(d / "notes.txt", "about this change")
    write(d / ".hidden.json", [rela_fec()])  # hidden: ignored silently
    (d / "old").mkdir()
    spec = write(tmp_path / "s.rela", PRESERVE)
    report = json.loads(rela("check", spec, "--change", d, "-f", "json").stdout)
    (warning,) = [w for w in report["warnings"] if w["code"] == "skipped-file"]
    assert warning["message"] == (
        f"3 entries of the change directory {d} were skipped: c_2.JSON, notes.txt, old/"
    )
    assert report["fecs_read"] == 1
    diff = json.loads(rela("diff", "--change", d, "-f", "json").stdout)
    assert [w["code"] for w in diff["warnings"]] == ["skipped-file"]
    strict = rela("check", spec, "--change", d, "--strict")
    if "--strict" not in rela("check", "--help").stdout:
        pytest.skip("rela check has no --strict yet")
    assert strict.exit_code == 1


def test_a_directory_with_only_skipped_files_names_them(tmp_path: Path) -> None:
    write(tmp_path / "d" / "c.JSON", [rela_fec()])
    result = rela("show", "--change", tmp_path / "d")
    assert result.exit_code == 2
    assert "the directory contains no *.json or *.json.gz files" in result.stderr
    assert "not read: c.JSON" in result.stderr


# ---------------------------------------------------------------------- numbers


def test_numbers_beyond_the_model_are_located_errors(tmp_path: Path) -> None:
    fec = rela_fec()
    fec["ipTrafficKeys"][0]["qos"] = 99999999999999999999
    change = write(tmp_path / "c.json", [rela_fec(), fec])
    spec = write(tmp_path / "s.rela", PRESERVE)
    result = rela("check", spec, "--change", change, "-f", "json")
    assert result.exit_code == 2
    (error,) = json.loads(result.stdout)["specs"][0]["errors"]
    assert error["message"] == (
        f"{change}: FEC 1: ipTrafficKeys[0].qos: 99999999999999999999 is out of range: "
        "an integer 0-255"
    )
    snapshot = {"fecs": [{"key": "k", "traffic": [{"dstPort": 10**30}], "paths": [["a"]]}]}
    path = write(tmp_path / "b.json", snapshot)
    shown = rela("show", "--before", path, "--after", path)
    assert shown.exit_code == 2
    assert (
        "FEC 0 (key 'k'): traffic[0].dstPort: 1000000000000000000000000000000 is out of range"
        in (shown.stdout)
    )


def test_a_huge_batfish_metric_is_a_located_error(tmp_path: Path) -> None:
    base = tmp_path / "base"
    shutil.copytree(SNAPSHOTS / "batfish" / "base", base)
    routes = json.loads((base / "routes.json").read_text())
    routes[3]["Metric"] = 1e30
    (base / "routes.json").write_text(json.dumps(routes))
    result = rela("show", "--before", base, "--after", SNAPSHOTS / "batfish" / "change1")
    assert result.exit_code == 2
    assert f"{base / 'routes.json'}: row 3" in result.stderr
    assert "field 'Metric' is 1e+30: not a 64-bit integer" in result.stderr


# ---------------------------------------------------------------------- long strings


def _unsure(*args: Any) -> Iterator[Any]:
    """A fast path that gives up at once: the exact reader reads everything."""
    raise fastjson.Unsure("forced")
    yield


def _one_long_string_change(path: Path, size: int) -> Path:
    g = raw_graph({"a" * size: {"b": ["i"]}}, ["a" * size], ["b"])
    return write(path, [rela_fec(), rela_fec(before=g, after=g), rela_fec()])


@pytest.mark.parametrize("reader", ["fast", "exact"])
def test_long_strings_load_in_linear_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reader: str
) -> None:
    """The work per byte does not grow with the length of one string: each reader looks at
    a long value a bounded number of times (a block at a time, the buffer doubling)."""
    block = 1 << 12
    monkeypatch.setattr(fastjson, "SEGMENT_BYTES", block)
    monkeypatch.setattr(common, "BLOCK_CHARS", block)
    if reader == "exact":
        monkeypatch.setattr(rela_json, "_fast_fecs", _unsure)
    scanned: list[int] = []
    searches = fastjson._last_boundary
    refills = common.JsonStream._refill

    def spy_search(buf: bytearray, lo: int, keys: tuple[bytes, ...]) -> Any:
        scanned.append(len(buf) - lo)
        return searches(buf, lo, keys)

    def spy_refill(self: common.JsonStream) -> None:
        scanned.append(len(self.buf) - self.pos)
        refills(self)

    monkeypatch.setattr(fastjson, "_last_boundary", spy_search)
    monkeypatch.setattr(common.JsonStream, "_refill", spy_refill)
    for size in (1 << 20, 1 << 22):
        scanned.clear()
        path = _one_long_string_change(tmp_path / f"c{size}.json", size)
        fecs = list(load_change(change=path))
        assert [f.problem for f in fecs] == [None, None, None]
        assert fecs[1].before.labels == ("a" * size, "b")
        # linear: the bytes looked at stay within a constant factor of the file
        assert sum(scanned) < 8 * path.stat().st_size, (reader, size, sum(scanned))


def test_an_element_beyond_the_segment_limit_goes_to_the_exact_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fastjson, "SEGMENT_BYTES", 1 << 10)
    monkeypatch.setattr(fastjson, "MAX_SEGMENT_BYTES", 1 << 14)
    path = _one_long_string_change(tmp_path / "c.json", 1 << 16)
    assert [f.index for f in load_change(change=path)] == [0, 1, 2]


def test_a_truncated_long_string_is_a_located_error(tmp_path: Path) -> None:
    path = _one_long_string_change(tmp_path / "c.json", 1 << 21)
    cut = tmp_path / "cut.json"
    cut.write_bytes(path.read_bytes()[: 1 << 20])
    with pytest.raises(NetworkInputError) as info:
        list(load_change(change=cut))
    assert info.value.render().startswith(f"{cut}:")
    assert "unexpected end of file" in info.value.message
    assert info.value.line is not None


def test_gzip_reads_block_by_block(tmp_path: Path) -> None:
    path = tmp_path / "c.json.gz"
    path.write_bytes(gzip.compress(json.dumps([rela_fec()] * 3).encode()))
    assert len(list(load_change(change=path))) == 3


def test_a_fifo_in_a_batfish_export_does_not_block(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    export = tmp_path / "base"
    shutil.copytree(SNAPSHOTS / "batfish" / "base", export)
    (export / "edges.json").unlink()
    os.mkfifo(export / "edges.json")
    result = rela_process("show", "--before", export, "--after", SNAPSHOTS / "batfish" / "change1")
    assert result.returncode == 2, result.stderr
    assert str(export) in result.stderr and "Traceback" not in result.stderr
