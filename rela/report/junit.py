"""The CI report (``--format junit``): JUnit XML for test dashboards.

A change can have 10^6 FECs, far too many test cases for any CI dashboard, so
each spec is one ``<testsuite>`` holding:

* one failing ``<testcase>`` per violated FEC (its flows' counterexamples in the
  ``<failure>`` text),
* one erroring ``<testcase>`` per FEC that could not be verified,
* one aggregate passing ``<testcase>`` named ``N FECs hold`` (present when some
  FEC holds, or when the spec had no FEC at all, so no suite is empty).

If the verifier reported more violated or errored FECs than it listed, one more
failing case says how many are not listed, so ``failures``/``errors`` always
count test cases and a spec that failed always has a failing case. The exact FEC
counts are in each suite's ``<properties>``.

>>> from rela.results import Report, SpecResult
>>> xml = render_junit(Report(specs=(SpecResult("s", 3, 3, 0, 0),)))
>>> '<testcase name="3 FECs hold"' in xml
True
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from rela.report._common import (
    TRUNCATED_NOTE,
    fec_label,
    format_path,
    format_traffic,
    group_by_fec,
    ordered_errors,
    ordered_violations,
    plural,
    summary_line,
)
from rela.results import FecRef, Path, Report, SpecResult, Violation

__all__ = ["render_junit", "failure_text"]

# Characters XML 1.0 cannot carry at all (ElementTree would write them verbatim).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _XML_INVALID.sub("\ufffd", text)


def _time(seconds: float) -> str:
    return f"{max(seconds, 0.0):.3f}"


def render_junit(report: Report) -> str:
    """The report as a JUnit XML document (one ``<testsuite>`` per spec), ending with a newline."""
    root = ET.Element("testsuites", name="rela")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for spec in report.specs:
        suite = _suite(spec, report)
        for k in totals:
            totals[k] += int(suite.get(k, "0"))
        root.append(suite)
    for k, n in totals.items():
        root.set(k, str(n))
    root.set("time", _time(report.seconds))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _suite(spec: SpecResult, report: Report) -> ET.Element:
    suite = ET.Element("testsuite", name=_clean(spec.name))
    classname = _clean(f"rela.{spec.name}")
    props = ET.SubElement(suite, "properties")
    for name, value in (
        ("fecs.total", spec.total),
        ("fecs.holds", spec.holds),
        ("fecs.violated", spec.violated),
        ("fecs.errors", spec.errors),
    ):
        ET.SubElement(props, "property", name=name, value=str(value))
    cases: list[ET.Element] = []
    failures = errors = 0
    if spec.holds or spec.total == 0:
        cases.append(
            _case(f"{plural(spec.holds, 'FEC holds', 'FECs hold')}", classname, spec.seconds)
        )
    groups = group_by_fec(ordered_violations(spec))
    for fec, flows in groups:
        case = _case(_fec_case_name(fec), classname, 0.0)
        failure = ET.SubElement(
            case,
            "failure",
            message=_clean(_failure_message(flows)),
            type="violation",
        )
        failure.text = _clean(failure_text(spec.name, flows))
        cases.append(case)
        failures += 1
    unlisted = spec.violated - len(groups)
    if unlisted > 0:
        case = _case(f"{plural(unlisted, 'more violated FEC')} (not listed)", classname, 0.0)
        ET.SubElement(
            case,
            "failure",
            message=f"{plural(unlisted, 'violated FEC')} without a listed counterexample",
            type="violation",
        )
        cases.append(case)
        failures += 1
    fec_errors = ordered_errors(spec)
    for e in fec_errors:
        case = _case(_fec_case_name(e.fec), classname, 0.0)
        error = ET.SubElement(case, "error", message=_clean(e.message), type="fec-error")
        error.text = _clean(f"spec: {spec.name}\n{_fec_line(e.fec)}\nerror: {e.message}\n")
        cases.append(case)
        errors += 1
    unlisted = spec.errors - len(fec_errors)
    if unlisted > 0:
        case = _case(f"{plural(unlisted, 'more FEC error')} (not listed)", classname, 0.0)
        ET.SubElement(case, "error", message=f"{plural(unlisted, 'FEC')} could not be verified")
        cases.append(case)
        errors += 1
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    suite.set("time", _time(spec.seconds))
    suite.extend(cases)
    notes = [w.message for w in report.warnings if w.spec in (None, spec.name)]
    if notes:
        err = ET.SubElement(suite, "system-err")
        err.text = _clean("".join(f"warning: {m}\n" for m in notes))
    out = ET.SubElement(suite, "system-out")
    out.text = _clean(summary_line(report) + "\n")
    return suite


def _case(name: str, classname: str, seconds: float) -> ET.Element:
    return ET.Element("testcase", name=_clean(name), classname=classname, time=_time(seconds))


def _fec_case_name(fec: FecRef) -> str:
    """``10.0.0.0/24 (FEC #3)``: the key first, as it is stable from one run to the next."""
    return f"{fec.key} (FEC #{fec.index})" if fec.key else f"FEC #{fec.index}"


def _fec_line(fec: FecRef) -> str:
    traffic = format_traffic(fec.traffic)
    return fec_label(fec) + (f"  traffic: {traffic}" if traffic else "")


def _failure_message(flows: list[Violation]) -> str:
    missing = sum(len(v.missing) for v in flows)
    unexpected = sum(len(v.unexpected) for v in flows)
    return (
        f"{plural(len(flows), 'flow')} violated: {plural(missing, 'missing path')}, "
        f"{plural(unexpected, 'unexpected path')}"
    )


def failure_text(spec: str, flows: list[Violation]) -> str:
    """The plain-text counterexample of one FEC (all its violated flows) for a ``<failure>``."""
    lines = [f"spec: {spec}", _fec_line(flows[0].fec)]
    for v in flows:
        lines.append("")
        lines.append(f"flow: {v.flow}")
        lines += _paths("missing (expected, not present)", v.missing, "- ")
        lines += _paths("unexpected (present, not expected)", v.unexpected, "+ ")
        lines += _paths("expected", v.expected, "  ")
        lines += _paths("actual", v.actual, "  ")
        lines += _paths("before", v.before, "  ")
        lines += _paths("after", v.after, "  ")
        if v.truncated:
            lines.append(TRUNCATED_NOTE)
    return "\n".join(lines) + "\n"


def _paths(label: str, paths: tuple[Path, ...], mark: str) -> list[str]:
    if not paths:
        return [f"{label}: none"]
    return [f"{label}:"] + [f"  {mark}{format_path(p)}" for p in paths]
