"""Smoke tests of benchmarks/run.py: helpers, spec texts, a tiny end-to-end run."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rela_bench_run", REPO / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _graph(edges: dict[str, list[str]], src: list[str], sink: list[str]) -> dict[str, object]:
    return {
        "nodeToOutEdgesMap": {u: {v: ["i"] for v in vs} for u, vs in edges.items()},
        "sourceNodes": src,
        "sinkNodes": sink,
    }


def test_picks_from_data(bench: ModuleType) -> None:
    g = _graph({"s": ["a", "b"], "a": ["t"], "b": ["t"], "t": []}, ["s"], ["t"])
    g2 = _graph({"s": ["a", "c"], "a": ["t"], "c": ["t"], "t": []}, ["s"], ["t"])
    keys = [{"srcIp": "0.0.0.0", "dstIp": "44.1.2.3", "qos": 0}]
    fecs = [
        {"ipTrafficKeys": keys, "graphBefore": g, "graphAfter": g},
        {"ipTrafficKeys": keys, "graphBefore": g2, "graphAfter": g2},
    ]
    assert bench.pick_devices(fecs) == ("a", "b")
    assert bench.pick_prefixes(fecs) == ["44.0.0.0/8"]


def test_scenario_specs_parse(bench: ModuleType) -> None:
    rela = pytest.importorskip("rela")
    specs = bench.scenario_specs("Device1", "Device2", ["44.0.0.0/8", "12.0.0.0/8"])
    assert set(specs) == set(bench.SCENARIOS)
    for text in specs.values():
        rela.parse_spec(text)


def test_table(bench: ModuleType) -> None:
    text = bench.table([{"a": "x", "b": 1234567, "c": 0.5}], [("a", "A"), ("b", "B"), ("c", "C")])
    assert text.splitlines()[2].split() == ["x", "1,234,567", "0.5"]


def test_missing_data_is_skipped(bench: ModuleType, tmp_path: Path) -> None:
    assert "skipped" in bench.bench_real(tmp_path, 1, ["device"])


def test_tiny_end_to_end_run(bench: ModuleType, tmp_path: Path) -> None:
    pytest.importorskip("rela.verify")
    out = tmp_path / "bench.json"
    rc = bench.main(
        [
            "--no-real",
            "--no-load",
            "--no-startup",
            "--sizes",
            "200",
            "--topology",
            "wan",
            "--json",
            str(out),
        ]  # fmt: skip
    )
    assert rc == 0
    (row,) = json.loads(out.read_text())["end_to_end"]
    assert row["fecs"] == 200 and row["correct"] is True and row["exit_code"] == 1
    assert row["wall_s"] > 0 and row["max_process_rss_mb"] > 0


def test_startup_part_times_a_real_check_run() -> None:
    """The start-up figures come from runs that really checked the 1-FEC change (a
    command that fails makes the benchmark fail, not report a fast time)."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "startup.py"
    spec = importlib.util.spec_from_file_location("rela_bench_startup", path)
    assert spec and spec.loader
    startup = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(startup)
    rows = {r["what"]: r for r in startup.bench_startup(1)}
    assert set(rows) == {"python", "libraries", "import", "check"}
    assert rows["check"]["target_s"] == startup.TARGET_S
    assert rows["python"]["min_s"] > 0 and rows["check"]["min_s"] > 0
    with pytest.raises(RuntimeError, match="exited 2"):
        startup._time([sys.executable, "-m", "rela", "check", "/nonexistent.rela"], 1)


def _openfst() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "openfst.py"
    spec = importlib.util.spec_from_file_location("rela_bench_openfst", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_openfst_copies_are_distinct_and_verdict_lines_are_read(tmp_path: Path) -> None:
    openfst = _openfst()
    assert openfst._changed("FAIL: 1 of 1 spec violated (1,080 of 2,240 FECs)\n") == 1080
    assert openfst._changed("80\n") == 80
    sample = DATA / "rela-dataset" / "chunk_22_112.json"
    if not sample.is_file():
        pytest.skip("../shared/data is absent")
    out = tmp_path / "copies.json"
    assert openfst.distinct_copies(sample, 3, out) == 336
    fecs = json.loads(out.read_text())
    graphs = [json.dumps(f["graphBefore"], sort_keys=True) for f in fecs]
    assert len(set(graphs)) == len(set(graphs[:112])) * 3  # no graph shared across copies


def test_openfst_baseline_agrees_with_rela(tmp_path: Path) -> None:
    """One copy, one round: the baseline and rela count the same changed FECs."""
    pytest.importorskip("pynini")
    if not (DATA / "rela-dataset" / "chunk_22_112.json").is_file():
        pytest.skip("../shared/data is absent")
    result = _openfst().bench_openfst(DATA, 1, 1)
    assert result["agree"] and [r["changed"] for r in result["rows"]] == [[4]] * 3
