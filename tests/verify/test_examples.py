"""Hand-checked verdicts and counterexamples (issue 3), through the public API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import rela
from rela.network.model import Fec, Graph, TrafficKey

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "rela-dataset"
CHUNK = DATA / "chunk_22_112.json"


def fec(
    pre: list[str], post: list[str], index: int = 0, traffic: tuple[TrafficKey, ...] = ()
) -> Fec:
    def graph(paths: list[str]) -> Graph:
        return Graph.from_paths([p.split() for p in paths]) if paths else Graph.empty()

    return Fec(index, f"fec{index}", traffic, graph(pre), graph(post))


def verdict(spec: str, pre: list[str], post: list[str]) -> bool:
    return rela.verify(rela.parse_spec(spec), [fec(pre, post)]).holds


REPLACE_B = "spec s { b : replace(b, c) else .* : preserve }"
REROUTE = "spec s { [^r2]* : preserve then r2 : replace(r2, r4) then [^r2]* : preserve }"
ADD = "spec s { a : add(b) then .* : preserve then c : add(d) }"


def test_replace_single_hop_holds() -> None:
    assert verdict(REPLACE_B, ["a", "b"], ["a", "c"])


@pytest.mark.parametrize("post", [["a", "d"], ["a", "b", "c"]])
def test_replace_single_hop_violated(post: list[str]) -> None:
    assert not verdict(REPLACE_B, ["a", "b"], post)


def test_reroute_through_new_router_holds() -> None:
    assert verdict(REROUTE, ["r1 r2 r3"], ["r1 r4 r3"])


def test_reroute_elsewhere_is_violated_with_counterexample() -> None:
    report = rela.verify(rela.parse_spec(REROUTE), [fec(["r1 r2 r3"], ["r1 r5 r3"])])
    assert not report.holds
    (v,) = list(report)
    assert v.flow == "r1"
    # r1 r5 r3 is outside the spec's domain (no r2/r4 hop): only the expected path is missing.
    assert v.missing == (("r1", "r4", "r3"),)
    assert v.expected == (("r1", "r4", "r3"),)
    assert v.before == (("r1", "r2", "r3"),)
    assert v.after == (("r1", "r5", "r3"),)


def test_add_then_add_holds() -> None:
    assert verdict(ADD, ["a c"], ["a c", "a d", "b c", "b d"])


def test_add_then_add_violated_when_a_path_is_missing() -> None:
    report = rela.verify(rela.parse_spec(ADD), [fec(["a c"], ["a c", "a d", "b c"])])
    assert not report.holds
    missing = {p for v in report for p in v.missing}
    unexpected = {p for v in report for p in v.unexpected}
    assert missing == {("b", "d")}
    assert unexpected == set()


def test_preserve_counterexample_lists_changed_paths() -> None:
    spec = rela.parse_spec("spec same { .* : preserve }")
    report = rela.verify(spec, [fec(["s x t", "s y t"], ["s x t", "s z t"])])
    (v,) = list(report)
    assert (v.flow, v.missing, v.unexpected) == ("s", (("s", "y", "t"),), (("s", "z", "t"),))
    assert v.expected == (("s", "x", "t"), ("s", "y", "t"))
    assert v.actual == (("s", "x", "t"), ("s", "z", "t"))
    assert not v.truncated


def test_infinite_image_is_truncated() -> None:
    spec = rela.parse_spec("spec grow { .* : add(.*) }")
    report = rela.verify(spec, [fec(["a"], ["a"])], max_paths=5)
    (v,) = list(report)  # every path is now expected, all from flow a's path
    assert v.flow == "a"
    assert v.truncated
    assert len(v.missing) == 5
    assert [len(p) for p in v.missing] == sorted(len(p) for p in v.missing)


def test_guard_selects_branch_per_fec() -> None:
    spec = rela.parse_spec("spec g { if dst in 10.0.0.0/8 { .* : preserve } else { .* : add(z) } }")
    inside = fec(["a"], ["a"], 0, (TrafficKey(dst="10.1.2.3"),))
    outside = fec(["a"], ["a"], 1, (TrafficKey(dst="192.168.1.1"),))
    report = rela.verify(spec, [inside, outside])
    s = report.specs[0]
    assert (s.holds, s.violated) == (1, 1)
    assert [v.fec.index for v in report] == [1]


def test_loop_in_graph_is_verified_not_crashed() -> None:
    loop = Graph(("a", "b", "c"), ((1,), (0, 2), ()), (0,), frozenset({2}))
    straight = Graph.from_paths([["a", "b", "c"]])
    spec = rela.parse_spec("spec same { .* : preserve }")
    report = rela.verify(spec, [Fec(0, None, (), straight, loop)])
    (v,) = list(report)
    assert v.missing == ()
    assert v.unexpected[0] == ("a", "b", "a", "b", "c")
    assert v.truncated  # infinitely many looping paths


def test_malformed_fec_is_an_error_verdict() -> None:
    bad = Fec(3, "k", (), Graph.empty(), Graph.empty(), problem="graphBefore: bad edge")
    report = rela.verify(rela.parse_spec("spec s { .* : preserve }"), [bad])
    s = report.specs[0]
    assert (s.total, s.errors) == (1, 1)
    assert s.fec_errors[0].message == "graphBefore: bad edge"
    assert report.input_errors == 1
    assert not report.holds


def test_unknown_name_warns_with_closest_location() -> None:
    spec = rela.parse_spec("spec s { [^cor1]* : preserve }")
    report = rela.verify(spec, [fec(["core1 b"], ["core1 b"])])
    assert report.holds
    # (the static lint warnings of the spec come first: no catch-all here)
    (w,) = [w for w in report.warnings if w.code not in ("no-catch-all",)]
    assert "'cor1'" in w.message and "core1" in w.message


def test_assert_block_with_images() -> None:
    text = "assert reach { pre >> ((.* x ()) I(.)) == post >> ((.* x ()) I(.)) }"
    spec = rela.parse_spec(text)
    assert rela.verify(spec, [fec(["a b c"], ["a d c"])]).holds
    report = rela.verify(spec, [fec(["a b c"], ["a b drop"])])
    (v,) = list(report)
    assert v.missing == (("c",),) and v.unexpected == (("drop",),)


def test_report_json_shape() -> None:
    report = rela.verify(rela.parse_spec(REPLACE_B), [fec(["a", "b"], ["a", "d"])])
    data = json.loads(json.dumps(report.to_dict()))
    spec = data["specs"][0]
    assert data["holds"] is False
    assert spec["fecs"] == {"total": 1, "holds": 0, "violated": 1, "errors": 0}
    assert set(spec["violations"][0]) == {
        "fec",
        "flow",
        "before",
        "after",
        "expected",
        "actual",
        "missing",
        "unexpected",
        "truncated",
        "explanation",
    }


# ---------------------------------------------------------------------- real data

needs_data = pytest.mark.skipif(not CHUNK.exists(), reason="../shared/data is absent")


@needs_data
@pytest.mark.parametrize("granularity", ["device", "interface"])
def test_real_sample_preserve(granularity: str) -> None:
    spec = rela.parse_spec("spec same { .* : preserve }")
    report = rela.verify(spec, rela.load_change(change=CHUNK, granularity=granularity))
    s = report.specs[0]
    assert (s.total, s.holds, s.violated, s.errors) == (112, 108, 4, 0)
    violated = sorted({v.fec.index for v in report})
    assert len(violated) == 4
    # Every counterexample shows a real change of paths of its flow.
    for v in report:
        assert v.missing or v.unexpected
        assert all(p[0] == v.flow for p in v.missing + v.unexpected)
        assert set(v.missing) <= set(v.before) or v.truncated
        assert set(v.unexpected) <= set(v.after) or v.truncated


@needs_data
def test_real_sample_group_granularity_merges_devices() -> None:
    mapping = DATA / "dg_mapping_anonymized.json"
    spec = rela.parse_spec("spec same { .* : preserve }")
    change = rela.load_change(change=CHUNK, granularity="group", groups=mapping)
    report = rela.verify(spec, change)
    s = report.specs[0]
    assert s.total == 112 and s.errors == 0
    assert s.violated <= 4  # merging devices can only hide differences
