"""JUnit XML: one suite per spec, failing cases per violated FEC, one aggregate passing case."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

from rela.report import render_junit
from rela.report._common import format_path
from rela.results import KIND_WORDS, FecRef, Report, SpecResult


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
    # 1 aggregate passing case + one failing case per cause + 1 errored FEC
    causes = report.specs[0].causes
    assert _counts(reroute) == (2 + len(causes), len(causes), 1)
    assert _counts(keep) == (1, 0, 0)
    names = [c.get("name") for c in reroute.findall("testcase")]
    assert names == [
        "108 FECs hold",
        *(f"{KIND_WORDS[c.kind]} at {c.at}" for c in causes),
        "9.9.9.0/24 (FEC #90)",
    ]
    assert keep.find("testcase").get("name") == "112 FECs hold"  # type: ignore[union-attr]
    props = {p.get("name"): p.get("value") for p in reroute.iter("property")}
    assert props == {
        "fecs.total": "112",
        "fecs.holds": "108",
        "fecs.violated": "3",
        "fecs.errors": "1",
        "fecs.input": "112",
        "fecs.checked": "112",
    }


def test_one_failing_case_per_cause_with_its_fecs(report: Report) -> None:
    root = _parse(report)
    cases = {c.get("name"): c for c in root.iter("testcase")}
    for cause in report.specs[0].causes:
        case = cases[f"{KIND_WORDS[cause.kind]} at {cause.at}"]
        failure = case.find("failure")
        assert failure is not None
        assert failure.get("message", "").endswith(
            f"{cause.fecs} FEC{'s' if cause.fecs > 1 else ''}, "
            f"{cause.flows} violated flow{'s' if cause.flows > 1 else ''}"
        )
        text = failure.text or ""
        listed = text.split(f"FECs ({cause.fecs}):\n", 1)[1].split("\n\n", 1)[0].splitlines()
        assert listed == [
            f"  {f.key} (FEC #{f.index})" if f.key else f"  FEC #{f.index}" for f in cause.fec_refs
        ]
        for v in report:
            if (v.explanation.kind, v.explanation.at) != (cause.kind, cause.at):  # type: ignore[union-attr]
                continue
            assert f"flow: {v.flow}" in text
            for p in v.missing:
                assert f"- {format_path(p)}" in text
            for p in v.unexpected:
                assert f"+ {format_path(p)}" in text
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
