"""The JSON report and its published JSON Schema."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from report_fixtures import explained_report

from rela.report import render_json, report_schema
from rela.results import FecError, FecRef, Report, SpecResult, Violation, Warning_

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema_in_docs_is_the_shipped_one() -> None:
    shipped = ROOT / "rela" / "schemas" / "report.schema.json"
    docs = ROOT / "docs" / "report.schema.json"
    assert docs.read_bytes() == shipped.read_bytes()
    assert json.loads(shipped.read_text(encoding="utf-8")) == report_schema()


def test_render_json_is_to_dict(report: Report) -> None:
    text = render_json(report)
    assert text.endswith("}\n")
    assert json.loads(text) == report.to_dict()
    assert text == json.dumps(report.to_dict(), indent=2) + "\n"


def test_reports_validate(validator: Any, report: Report, ok_report: Report) -> None:
    for r in (report, ok_report, Report(specs=()), explained_report()):
        validator.validate(json.loads(render_json(r)))


def test_real_reports_with_explanations_validate(validator: Any) -> None:
    import rela

    batfish = ROOT / "snapshots" / "batfish"
    change = rela.load_change(
        before=batfish / "base",
        after=batfish / "change1",
        start=("border1[Ethernet0]", "border2[Ethernet0]"),
        dst=("10.100.0.0/16",),
    )
    doc = json.loads(render_json(rela.verify(rela.load_spec(batfish / "costout.rela"), change)))
    validator.validate(doc)
    assert doc["specs"][0]["causes"][0]["at"] == "core2"
    # hops that are not locations are objects; a location is never an object
    spec = rela.parse_spec("let d = core2 leaf1\nspec s { .* core1 leaf1 .* : any(.* d .*) }")
    from rela.network.model import Fec, Graph

    fec = Fec(0, "k", (), Graph.from_paths([["b", "core1", "leaf1"]]), Graph.from_paths([["b"]]))
    doc = json.loads(render_json(rela.verify(spec, [fec])))
    validator.validate(doc)
    assert doc["specs"][0]["violations"][0]["missing"] == [
        [{"special": "any", "marker": 1, "paths": ".* d .*"}]
    ]


def test_schema_rejects_a_string_for_a_special_hop_object(validator: Any) -> None:
    doc = json.loads(render_json(explained_report()))
    hop = doc["specs"][0]["violations"][0]["expected"][0][1]
    assert hop == {"special": "any", "marker": 1, "paths": ".* core2 leaf1 .*"}
    doc["specs"][0]["violations"][0]["expected"][0][1] = {"special": "elsewhere"}
    assert not validator.is_valid(doc)


def test_field_names_of_the_verification_issue(report: Report) -> None:
    doc = json.loads(render_json(report))
    assert set(doc) >= {"holds", "specs"}
    spec = doc["specs"][0]
    assert set(spec) >= {"name", "holds", "fecs", "violations", "errors"}
    assert set(spec["fecs"]) == {"total", "holds", "violated", "errors"}
    v = spec["violations"][0]
    assert set(v) == {
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
    assert set(v["fec"]) == {"index", "key", "traffic"}
    assert set(spec["causes"][0]) >= {"kind", "at", "fecs", "flows", "traffic", "clause", "example"}
    assert set(spec["errors"][0]) >= {"fec", "message"}


def test_unusual_but_valid_values_validate(validator: Any) -> None:
    fec = FecRef(0, None, ({"dstIp": "10.0.0.0/8", "qos": None},))
    v = Violation(fec, "a", (), ((),), (("a",),), (), (("a",),), (), truncated=True)
    spec = SpecResult(
        "ü-spec", 1, 0, 1, 0, violations=(v,), fec_errors=(FecError(fec, "boom", True),)
    )
    doc = json.loads(render_json(Report(specs=(spec,), warnings=(Warning_(None, "w"),))))
    validator.validate(doc)


def _mutations(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []

    def mutate(label: str, fn: Any) -> None:
        d = copy.deepcopy(doc)
        fn(d)
        out.append((label, d))

    mutate("missing holds", lambda d: d.pop("holds"))
    mutate("holds not bool", lambda d: d.update(holds="yes"))
    mutate("extra field", lambda d: d.update(extra=1))
    mutate("path is a string", lambda d: d["specs"][0]["violations"][0].update(missing=["a b"]))
    mutate("hop not a string", lambda d: d["specs"][0]["violations"][0].update(actual=[[1]]))
    mutate("negative index", lambda d: d["specs"][0]["violations"][0]["fec"].update(index=-1))
    mutate("key a number", lambda d: d["specs"][0]["violations"][0]["fec"].update(key=3))
    mutate("no truncated", lambda d: d["specs"][0]["violations"][0].pop("truncated"))
    mutate("counts missing", lambda d: d["specs"][0]["fecs"].pop("violated"))
    mutate("error no message", lambda d: d["specs"][0]["errors"][0].pop("message"))
    mutate("warning no spec", lambda d: d["warnings"][0].pop("spec"))
    return out


def test_schema_rejects_malformed_reports(validator: Any, report: Report) -> None:
    doc = json.loads(render_json(report))
    validator.validate(doc)
    for label, bad in _mutations(doc):
        assert not validator.is_valid(bad), label
