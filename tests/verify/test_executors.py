"""Every executor gives the same report: serial, process pool, Dask (issue 7)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import rela
from rela.synth import generate

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "rela-dataset"
CHUNK = DATA / "chunk_22_112.json"


def normalised(report: rela.Report) -> dict[str, Any]:
    """The JSON report without timings."""
    data = report.to_dict()
    data.pop("seconds")
    for spec in data["specs"]:
        spec.pop("seconds")
    return data


def run_all(spec: Any, change: Any) -> list[dict[str, Any]]:
    serial = normalised(rela.verify(spec, change, jobs=1))
    pool = normalised(rela.verify(spec, change, jobs=2))
    dask = normalised(rela.verify(spec, change, jobs=2, executor="dask"))
    return [serial, pool, dask]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("synth")
    return generate(
        out, topology="clos", fecs=600, change="drain", bug="blackhole", seed=7, chunk_size=250
    )


def test_generated_change_identical_reports_and_exact_bug(generated) -> None:  # type: ignore[no-untyped-def]
    spec = rela.load_spec(generated.out / "spec.rela")
    change = rela.load_change(change=generated.change_dir)
    serial, pool, dask = run_all(spec, change)
    assert serial == pool == dask
    assert serial["fecs_read"] == 600
    violated = sorted({v["fec"]["index"] for s in serial["specs"] for v in s["violations"]})
    assert violated == sorted(generated.violating)
    assert violated, "the injected bug must violate some FEC"


@pytest.mark.skipif(not CHUNK.exists(), reason="../shared/data is absent")
def test_real_sample_identical_reports() -> None:
    spec = rela.parse_spec(
        "spec same { .* : preserve }\n"
        "spec drain { [^Device1986]* : preserve then Device1986 : replace(Device1986, Device70)"
        " then [^Device1986]* : preserve else .* : preserve }"
    )
    change = rela.load_change(change=CHUNK, granularity="device")
    serial, pool, dask = run_all(spec, change)
    assert serial == pool == dask
    assert serial["specs"][0]["fecs"] == {"total": 112, "holds": 108, "violated": 4, "errors": 0}
