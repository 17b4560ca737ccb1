"""``rela check --executor dask --scheduler ADDRESS`` on a real cluster (issue 15 §4).

The test starts ``dask scheduler`` and two ``dask worker`` processes on
127.0.0.1 (random ports, via a scheduler file), runs ``rela check`` against
them on a generated change made of chunk files, and requires the JSON report
of ``--jobs 1``, input filters, malformed FECs and warnings included.  The
workers read the chunk files: the run succeeds with the FEC decoder of the
main process disabled, a run that needs it fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rela.synth import generate

pytest.importorskip("distributed")

#: ``rela check`` in a fresh interpreter; with ``--no-decoder`` the main process cannot
#: decode an FEC of a chunk file (its ``file_fecs`` raises).
RUN = """
import sys
if sys.argv[1] == "--no-decoder":
    import rela.network.formats.rela_json as rj

    def refuse(*args, **kwargs):
        raise SystemExit("the main process decoded a chunk file")

    rj.file_fecs = refuse
from rela.cli import main
sys.argv = ["rela", *sys.argv[2:]]
main()
"""


def _dask(*args: str, cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    exe = shutil.which("dask", path=str(Path(sys.executable).parent)) or "dask"
    return subprocess.Popen(
        [exe, *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
        start_new_session=True,
    )


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in reversed(procs):  # workers first, then the scheduler
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait()


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a scheduler with two single-threaded workers on 127.0.0.1.

    The workers run in a directory of their own: they must find the chunk files
    by the paths ``rela check`` gives them, not by their working directory.
    """
    home = tmp_path_factory.mktemp("cluster")
    info = home / "scheduler.json"
    procs: list[subprocess.Popen[bytes]] = []
    try:
        procs.append(
            _dask("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                  "--scheduler-file", str(info), cwd=home, log=home / "scheduler.log")
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not info.exists() or not info.read_text():
            assert procs[0].poll() is None, (home / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.1)
        time.sleep(0.2)  # the file is complete once it parses
        address = json.loads(info.read_text())["address"]
        for i in range(2):
            wdir = home / f"worker{i}"
            wdir.mkdir()
            procs.append(
                _dask("worker", address, "--nthreads", "1", "--no-dashboard",
                      "--host", "127.0.0.1", "--local-directory", str(wdir),
                      cwd=wdir, log=home / f"worker{i}.log")
            )  # fmt: skip
        _wait_workers(address, 2, procs)
        yield address
    finally:
        _stop(procs)


def _wait_workers(address: str, n: int, procs: list[subprocess.Popen[bytes]]) -> None:
    from distributed import Client

    with Client(address, timeout=30, set_as_default=False) as client:
        client.wait_for_workers(n, timeout=60)


@pytest.fixture(scope="module")
def change(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four chunk files of a generated change with a bug, and a chunk with a malformed FEC."""
    out = tmp_path_factory.mktemp("synth")
    g = generate(out, topology="clos", fecs=300, change="drain", bug="blackhole", seed=3,
                 chunk_size=75)  # fmt: skip
    assert g.violating
    raw = {"nodeToOutEdgesMap": {"a": {"b": []}, "b": {}}, "sourceNodes": ["a"], "sinkNodes": ["b"]}
    bad = [
        {"ipTrafficKeys": [{"dstIp": "10.9.0.0/24"}], "graphBefore": raw, "graphAfter": raw},
        {"ipTrafficKeys": [{"dstIp": "10.9.1.0/24"}], "graphBefore": raw},  # no graphAfter
    ]
    (g.change_dir / "zz_extra.json").write_text(json.dumps(bad), encoding="utf-8")
    return g.change_dir


def _check(change: Path, *options: str, decoder: bool = True) -> tuple[int, dict[str, Any], str]:
    spec = change.parent / "spec.rela"
    report = change.parent / f"report{time.monotonic_ns()}.json"
    cmd = [sys.executable, "-c", RUN, "--with-decoder" if decoder else "--no-decoder",
           "check", str(spec), "--change", str(change), "-f", "json", "-o", str(report),
           "--no-progress", *options]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    data = json.loads(report.read_text()) if report.exists() else {}
    return proc.returncode, data, proc.stderr


def _without_timings(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    data.pop("seconds", None)
    data["specs"] = [{k: v for k, v in s.items() if k != "seconds"} for s in data["specs"]]
    return data


@pytest.mark.parametrize("filters", [(), ("--dst", "10.0.0.0/12")], ids=["all", "dst-filter"])
def test_cluster_report_is_the_serial_report(
    scheduler: str, change: Path, filters: tuple[str, ...]
) -> None:
    code1, serial, err1 = _check(change, "--jobs", "1", *filters)
    code, dask, err = _check(
        change, "--executor", "dask", "--scheduler", scheduler, *filters, decoder=False
    )
    assert code1 == 2, err1  # a malformed FEC (and the injected bug)
    assert (code, err) == (code1, err1)
    assert _without_timings(dask) == _without_timings(serial)
    # what the comparison covers: FECs of every chunk, violations, the malformed FEC
    assert serial["fecs_read"] > 0
    errors = [e for s in serial["specs"] for e in s["errors"]]
    assert errors and all("zz_extra.json" in json.dumps(e) for e in errors)
    if not filters:
        assert any(s["violations"] for s in serial["specs"])
    else:
        assert serial["filters"] and serial["fecs_input"] > serial["fecs_read"]


def test_the_main_process_decodes_no_chunk(change: Path) -> None:
    """The decoder refusal bites: a run that reads in the main process fails."""
    code, data, err = _check(change, "--jobs", "1", decoder=False)
    assert code != 0 and not data
    assert "the main process decoded a chunk file" in err


def test_unreachable_scheduler_is_a_usage_error(change: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DASK_RELA__CONNECT_TIMEOUT": "2"}
    cmd = [sys.executable, "-c", "from rela.cli import main; main()", "check",
           str(change.parent / "spec.rela"), "--change", str(change), "--executor", "dask",
           "--scheduler", f"tcp://127.0.0.1:{port}", "--no-progress"]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 2, proc.stderr
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in proc.stderr
    assert "Traceback" not in proc.stderr
