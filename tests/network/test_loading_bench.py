"""Smoke test of the loading benchmark (benchmarks/loading.py): every variant measured."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from .conftest import REPO


def test_loading_benchmark_reports_every_variant(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "rela_bench_loading", REPO / "benchmarks" / "loading.py"
    )
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.bench_load(tmp_path / "no-data", 1, ["device"], synthetic_fecs=40)
    rows = result["results"]
    assert [(r["input"], r["variant"]) for r in rows] == [
        ("synthetic (clos drain)", "decode"),
        ("synthetic (clos drain)", "load"),
        ("synthetic (clos drain)", "exact"),
    ]
    assert all(r["fecs"] == 40 and r["median_us"] > 0 and r["rounds"] == 1 for r in rows)
