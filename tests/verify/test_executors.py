"""Every executor gives the same report: serial, process pool, Dask (issue 7)."""

from __future__ import annotations

import json
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


def test_malformed_fec_in_a_later_chunk_is_named_alike(tmp_path: Path) -> None:
    """Workers reading chunk files number FECs from 0; the report uses the run's index."""
    raw = {"nodeToOutEdgesMap": {"a": {"b": []}, "b": {}}, "sourceNodes": ["a"], "sinkNodes": ["b"]}
    good = {"ipTrafficKeys": [{"dstIp": "10.0.0.0/24"}], "graphBefore": raw, "graphAfter": raw}
    bad = {"key": "k", "ipTrafficKeys": [{"dstIp": "10.0.1.0/24"}], "graphBefore": raw}
    folder = tmp_path / "chunks"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps([good] * 3), encoding="utf-8")
    (folder / "b.json").write_text(json.dumps([good, bad]), encoding="utf-8")
    spec = rela.parse_spec("spec same { .* : preserve }")
    serial, pool, dask = run_all(spec, rela.load_change(change=folder))
    assert serial == pool == dask
    [error] = serial["specs"][0]["errors"]
    assert error["fec"]["index"] == 4
    assert "b.json: FEC 4 (key 'k'): graphAfter" in error["message"]


def test_filtered_chunks_keep_input_indices(tmp_path: Path) -> None:
    """With --dst, a FEC is named by its index in the input, whichever process read it."""
    raw = {"nodeToOutEdgesMap": {"a": {"b": []}, "b": {}}, "sourceNodes": ["a"], "sinkNodes": ["b"]}
    other = {
        "nodeToOutEdgesMap": {"a": {"c": []}, "c": {}},
        "sourceNodes": ["a"],
        "sinkNodes": ["c"],
    }

    def fec(dst: str, after: dict[str, Any]) -> dict[str, Any]:
        return {"ipTrafficKeys": [{"dstIp": dst}], "graphBefore": raw, "graphAfter": after}

    folder = tmp_path / "chunks"
    folder.mkdir()
    first = [fec("10.0.0.0/24", raw), fec("192.168.0.0/24", raw), fec("10.0.1.0/24", raw)]
    second = [fec("192.168.1.0/24", other), fec("10.0.2.0/24", other)]
    (folder / "a.json").write_text(json.dumps(first), encoding="utf-8")
    (folder / "b.json").write_text(json.dumps(second), encoding="utf-8")
    spec = rela.parse_spec("spec same { .* : preserve }")
    change = rela.load_change(change=folder, dst=["10.0.0.0/8"])
    serial, pool, dask = run_all(spec, change)
    assert serial == pool == dask
    assert [v["fec"]["index"] for v in serial["specs"][0]["violations"]] == [4]
    assert serial["fecs_input"] == 5 and serial["fecs_read"] == 3


def test_a_worker_elsewhere_reads_relative_paths_from_the_run_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Dask worker started in another directory finds ``--change chunks`` where
    ``rela check`` ran; in the same directory the part is untouched."""
    from rela.network.formats.rela_json import FilePart
    from rela.network.load import SelectedPart
    from rela.network.model import Granularity
    from rela.network.selection import Selector
    from rela.verify.cluster import _file_of, _rooted

    part = SelectedPart(
        FilePart(Path("chunks/a.json"), Granularity.DEVICE, None),
        Selector(("10.0.0.0/8",), (), ()),
    )
    monkeypatch.chdir(tmp_path)
    assert _rooted(part, str(tmp_path)) is part
    moved = _rooted(part, "/data/run")
    assert _file_of(moved) == Path("/data/run/chunks/a.json")
    assert moved.selector is part.selector and _file_of(part) == Path("chunks/a.json")
