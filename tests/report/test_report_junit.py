"""JUnit XML: one suite per spec, failing cases per violated FEC, one aggregate passing case."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

from rela.report import render_junit
from rela.report._common import format_path
from rela.results import FecRef, Report, SpecResult


def _parse(report: Report) -> ET.Element:
    text = render_junit(report)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.split("\n", 1)[1])


def _counts(el: ET.Element) -> tuple[int, int, int]:
    return int(el.get("tests", -1)), int(el.get("failures", -1)), int(el.get("errors", -1))


def test_suites_and_counts(report: Report) -> None:
    root = _parse(report)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["reroute", "preserve-rest"]
    for suite in suites:
        cases = suite.findall("testcase")
        failures = sum(len(c.findall("failure")) for c in cases)
        errors = sum(len(c.findall("error")) for c in cases)
        assert _counts(suite) == (len(cases), failures, errors)
        float(suite.get("time", "x"))
    reroute, keep = suites
    # 1 aggregate passing case + 3 violated FECs + 1 errored FEC
    assert _counts(reroute) == (5, 3, 1)
    assert _counts(keep) == (1, 0, 0)
    assert _counts(root) == (6, 3, 1)
    names = [c.get("name") for c in reroute.findall("testcase")]
    assert names == [
        "108 FECs hold",
        "FEC #3",
        "67.34.140.0/24 (FEC #17)",
        "2.128.1.1/32 (FEC #60)",
        "9.9.9.0/24 (FEC #90)",
    ]
    assert keep.find("testcase").get("name") == "112 FECs hold"  # type: ignore[union-attr]
    props = {p.get("name"): p.get("value") for p in reroute.iter("property")}
    assert props == {
        "fecs.total": "112",
        "fecs.holds": "108",
        "fecs.violated": "3",
        "fecs.errors": "1",
    }


def test_failure_carries_the_counterexample(report: Report) -> None:
    root = _parse(report)
    case = next(c for c in root.iter("testcase") if c.get("name") == "67.34.140.0/24 (FEC #17)")
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == "2 flows violated: 2 missing paths, 2 unexpected paths"
    text = failure.text or ""
    for v in report:
        if v.fec.index != 17:
            continue
        assert f"flow: {v.flow}" in text
        for p in v.missing:
            assert f"- {format_path(p)}" in text
        for p in v.unexpected:
            assert f"+ {format_path(p)}" in text
    assert "expected:" in text and "actual:" in text
    error = next(c for c in root.iter("testcase") if c.find("error") is not None).find("error")
    assert error is not None and error.get("message") == "graphAfter: edge to unknown node 'X'"


def test_warnings_go_to_system_err(report: Report) -> None:
    root = _parse(report)
    reroute, keep = root.findall("testsuite")
    assert "core9" in (reroute.findtext("system-err") or "")
    assert "core9" not in (keep.findtext("system-err") or "")
    assert "no paths before or after" in (keep.findtext("system-err") or "")


def test_unlisted_violations_and_errors_still_fail() -> None:
    spec = SpecResult("s", total=10, holds=0, violated=7, errors=3)
    suite = _parse(Report(specs=(spec,))).find("testsuite")
    assert suite is not None
    assert _counts(suite) == (2, 1, 1)
    names = [c.get("name") for c in suite.findall("testcase")]
    assert names == ["7 more violated FECs (not listed)", "3 more FEC errors (not listed)"]


def test_empty_spec_has_a_passing_case() -> None:
    suite = _parse(Report(specs=(SpecResult("s", 0, 0, 0, 0),))).find("testsuite")
    assert suite is not None and _counts(suite) == (1, 0, 0)


def test_xml_invalid_characters_are_replaced(report: Report) -> None:
    v = next(iter(report))
    bad = dataclasses.replace(v, flow="a\x00b\x1b[31m", fec=FecRef(1, "k\x07"))
    spec = SpecResult("s\x01", 5, 4, 1, 0, violations=(bad,))
    root = _parse(Report(specs=(spec,)))  # parses: no raw control characters
    assert "\x1b" not in render_junit(Report(specs=(spec,)))
    assert root.find("testsuite") is not None
