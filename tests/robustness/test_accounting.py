"""No silent loss: every FEC read gets exactly one verdict per spec, whatever the executor.

For every spec of a report, ``holds + violated + errors == total == fecs_read``
and each FEC index appears at most once among the violated and errored FECs:
in this process (``jobs=1``), in a process pool (``jobs=2``, batches of FECs
or chunk files loaded by the workers), on a Dask cluster, and when a worker
process is killed in the middle of the run (its FECs become *error* verdicts
and ``rela check`` exits 1).
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import rela.check.checker
from rela.cli import app
from rela.lang import parse_spec
from rela.network import load_change
from rela.network.model import Fec, Graph, TrafficKey
from rela.results import Report
from rela.verify import BATCH_SIZE, verify

runner = CliRunner()
N = 2 * BATCH_SIZE + 88  # three batches
X = " ".join(f"x{i}" for i in range(12))
SPEC = parse_spec(
    f"""
    spec same {{ .* : preserve }}
    spec nth {{ .* [{X}] . . . . . . . . . . : preserve }}
    spec guarded {{ if dst in 10.0.0.0/16 {{ a : drop else .* : preserve }} else {{ .* : preserve }} }}
    """
)


def _diamonds(tail: str) -> Graph:
    labels: list[str] = []
    succ: list[list[int]] = []

    def node(label: str) -> int:
        labels.append(label)
        succ.append([])
        return len(labels) - 1

    s = first = node("s0")
    for i in range(12):
        x, y, t = node(f"x{i}"), node(f"y{i}"), node(f"s{i + 1}")
        succ[s] += [x, y]
        succ[x].append(t)
        succ[y].append(t)
        s = t
    end = node(tail)
    succ[s].append(end)
    return Graph(tuple(labels), tuple(tuple(v) for v in succ), (first,), frozenset([end]))


def make_fec(i: int) -> Fec:
    """FEC ``i``: unchanged, rerouted, dropped, malformed or exploding, in a fixed pattern."""
    traffic = (TrafficKey(dst=f"10.{i // 256}.{i % 256}.0/24"),)
    line = Graph.from_paths([["a", f"r{i % 7}", "z"]])
    kind = i % 10
    if kind == 3:
        after = Graph.from_paths([["a", f"q{i % 5}", "z"]])
    elif kind == 6:
        after = Graph.from_paths([["a", "drop"]])
    elif kind == 8 and i % 100 == 8:
        return Fec(i, f"k{i}", traffic, Graph.empty(), Graph.empty(), problem=f"bad FEC {i}")
    elif kind == 9 and i % 200 == 9:
        return Fec(i, f"k{i}", traffic, _diamonds("end"), _diamonds("end2"))
    else:
        after = line
    return Fec(i, f"k{i}", traffic, line, after)


FECS = [make_fec(i) for i in range(N)]
OPTIONS: dict[str, Any] = {"max_states": 600, "fec_timeout": 20.0}


def assert_accounts(report: Report, n: int) -> dict[str, dict[int, str]]:
    """Exactly one verdict per FEC per spec; returns spec -> {index: verdict} for non-holds."""
    assert report.fecs_read == n
    verdicts: dict[str, dict[int, str]] = {}
    for spec in report.specs:
        assert spec.total == n, spec.name
        assert spec.holds + spec.violated + spec.errors == n, spec.name
        violated = {v.fec.index for v in spec.violations}
        errored = [e.fec.index for e in spec.fec_errors]
        assert len(violated) == spec.violated, spec.name
        assert len(errored) == len(set(errored)) == spec.errors, spec.name
        assert not violated & set(errored), spec.name
        assert all(0 <= i < n for i in violated | set(errored)), spec.name
        verdicts[spec.name] = {i: "violated" for i in violated} | {i: "error" for i in errored}
    return verdicts


@pytest.fixture(scope="module")
def serial() -> dict[str, dict[int, str]]:
    report = verify(SPEC, FECS, jobs=1, **OPTIONS)
    got = assert_accounts(report, N)
    # the pattern above gives every kind of verdict
    assert {"violated", "error"} <= set(got["same"].values())
    assert "error" in set(got["nth"].values())
    return got


def test_serial_accounts_for_every_fec(serial: dict[str, dict[int, str]]) -> None:
    assert serial["same"][8] == "error" and serial["same"][3] == "violated"
    assert serial["nth"][9] == "error"  # the state limit


def test_process_pool_accounts_for_every_fec(serial: dict[str, dict[int, str]]) -> None:
    report = verify(SPEC, FECS, jobs=2, **OPTIONS)
    assert assert_accounts(report, N) == serial


def test_process_pool_over_chunk_files(tmp_path: Path) -> None:
    """Workers load their own chunk files (a directory change): same accounting."""
    raw = {"nodeToOutEdgesMap": {"a": {"b": []}, "b": {}}, "sourceNodes": ["a"], "sinkNodes": ["b"]}
    moved = {
        "nodeToOutEdgesMap": {"a": {"c": []}, "c": {}},
        "sourceNodes": ["a"],
        "sinkNodes": ["c"],
    }
    sizes = [300, 1, 250]
    for n, size in enumerate(sizes):
        chunk = [
            {
                "ipTrafficKeys": [{"dstIp": f"10.{n}.{i % 256}.0/24"}],
                "graphBefore": raw,
                "graphAfter": moved if i % 4 == 0 else raw,
            }
            if i % 50 != 7
            else {"ipTrafficKeys": [], "graphBefore": raw}  # malformed: an error verdict
            for i in range(size)
        ]
        (tmp_path / f"chunk_{n}.json").write_text(json.dumps(chunk), encoding="utf-8")
    change = load_change(change=tmp_path)
    serial = assert_accounts(verify(SPEC, change, jobs=1, **OPTIONS), sum(sizes))
    pooled = assert_accounts(verify(SPEC, change, jobs=2, **OPTIONS), sum(sizes))
    assert pooled == serial
    assert "error" in serial["same"].values() and "violated" in serial["same"].values()


def test_dask_accounts_for_every_fec() -> None:
    pytest.importorskip("distributed")
    fecs = FECS[: BATCH_SIZE + 40]  # two batches, a small cluster: keep it fast
    expected = assert_accounts(verify(SPEC, fecs, jobs=1, **OPTIONS), len(fecs))
    report = verify(SPEC, fecs, jobs=2, executor="dask", **OPTIONS)
    assert assert_accounts(report, len(fecs)) == expected


# ------------------------------------------------------------------ a worker dies mid-run


#: The test process; any other process that meets a KillerKey dies (pool and Dask workers).
_PARENT_ENV = "RELA_TEST_PARENT_PID"
os.environ.setdefault(_PARENT_ENV, str(os.getpid()))  # workers importing this keep it


class KillerKey(TrafficKey):
    """A traffic key that SIGKILLs the worker process reading its destination (to test it
    against a guard).

    Pickled by reference to this module, so forked pool workers and spawned Dask
    workers alike get it; the test process itself (and a scheduler that
    unpickles tasks) is never killed.
    """

    def __getattribute__(self, name: str) -> Any:
        if name == "dst" and os.environ.get(_PARENT_ENV) != str(os.getpid()):
            os.kill(os.getpid(), signal.SIGKILL)
        return super().__getattribute__(name)


def poisoned(fecs: list[Fec], victim: int) -> list[Fec]:
    """``fecs`` where checking FEC ``victim`` (its guard) kills the worker."""
    out = list(fecs)
    fec = out[victim]
    key = KillerKey(dst=fec.traffic[0].dst)
    out[victim] = Fec(fec.index, fec.key, (key,), fec.before, fec.after, fec.problem)
    return out


def lost_indices(report: Report, marker: str) -> dict[str, set[int]]:
    return {
        s.name: {e.fec.index for e in s.fec_errors if marker in e.message} for s in report.specs
    }


def test_killed_worker_loses_no_fec() -> None:
    victim = BATCH_SIZE + 10  # in the second batch: the first may already be done
    report = verify(SPEC, poisoned(FECS, victim), jobs=2, **OPTIONS)
    verdicts = assert_accounts(report, N)
    for name, lost in lost_indices(report, "worker process died").items():
        assert victim in lost, name
        assert verdicts[name][victim] == "error"
    assert not report.holds


def test_killed_dask_worker_loses_no_fec() -> None:
    """The task whose worker died is retried, then its FECs become error verdicts."""
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    fecs = FECS[: BATCH_SIZE + 40]
    victim = BATCH_SIZE + 10
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):  # no retry: fast
        report = verify(SPEC, poisoned(fecs, victim), jobs=2, executor="dask", **OPTIONS)
    assert_accounts(report, len(fecs))
    for name, lost in lost_indices(report, "dask task failed").items():
        assert victim in lost, name
        assert lost <= set(range(BATCH_SIZE, len(fecs))), name  # only the victim's batch


def test_killed_worker_costs_only_its_batch(serial: dict[str, dict[int, str]]) -> None:
    """Batches that were in flight on the broken pool are checked again, not given up."""
    victim = BATCH_SIZE + 10
    report = verify(SPEC, poisoned(FECS, victim), jobs=2, **OPTIONS)
    verdicts = assert_accounts(report, N)
    victims = range(BATCH_SIZE, 2 * BATCH_SIZE)
    for name, got in verdicts.items():
        outside = {i: v for i, v in got.items() if i not in victims}
        expected = {i: v for i, v in serial[name].items() if i not in victims}
        assert outside == expected, name


def _killing_check(self: Any, fec: Fec) -> Any:
    if fec.key == "k300" and os.environ.get(_PARENT_ENV) != str(os.getpid()):
        os.kill(os.getpid(), signal.SIGKILL)
    return _REAL_CHECK(self, fec)


_REAL_CHECK = rela.check.checker.SpecChecker.check


@pytest.mark.parametrize("layout", ["file", "chunks"])
def test_rela_check_exits_1_when_a_worker_dies(
    layout: str, tmp_path: Path, monkeypatch: Any
) -> None:
    """Through the CLI: workers (forked from this process) die on FEC ``k300``."""
    monkeypatch.setattr(rela.check.checker.SpecChecker, "check", _killing_check)
    raw = {"nodeToOutEdgesMap": {"a": {"b": []}, "b": {}}, "sourceNodes": ["a"], "sinkNodes": ["b"]}
    fecs = [
        {
            "key": f"k{i}",
            "ipTrafficKeys": [{"dstIp": "10.0.0.1"}],
            "graphBefore": raw,
            "graphAfter": raw,
        }
        for i in range(N)
    ]
    if layout == "file":
        change = tmp_path / "change.json"
        change.write_text(json.dumps(fecs), encoding="utf-8")
    else:
        change = tmp_path / "chunks"
        change.mkdir()
        for n, start in enumerate(range(0, N, 200)):
            (change / f"chunk_{n}.json").write_text(
                json.dumps(fecs[start : start + 200]), encoding="utf-8"
            )
    spec = tmp_path / "spec.rela"
    spec.write_text("spec same { .* : preserve }\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["check", str(spec), "--change", str(change), "-j", "2", "-f", "json", "--no-progress"],
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["fecs_read"] == N
    (same,) = report["specs"]
    counts = same["fecs"]
    assert counts["total"] == N == counts["holds"] + counts["violated"] + counts["errors"]
    lost = {e["fec"]["index"] for e in same["errors"] if "worker process died" in e["message"]}
    assert 300 in lost
    assert counts["errors"] == len(same["errors"]) == len(lost)
