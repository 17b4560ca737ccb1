"""The CI report (``--format junit``): JUnit XML for test dashboards.

A change can have 10^6 FECs and hundreds of violated ones, far too many test
cases for a CI dashboard, and most of them share one root cause.  So each spec
is one ``<testsuite>`` holding:

* one failing ``<testcase>`` per **cause** (violated flows grouped by kind and
  place), named ``new drop at core2`` (stable from one run to the
  next), whose ``<failure>`` lists the cause's FECs, clause, traffic and the
  counterexamples of its listed flows;
* one erroring ``<testcase>`` per FEC that could not be verified;
* one aggregate passing ``<testcase>`` named ``N FECs hold`` (present when some
  FEC holds, or when the spec had no FEC at all, so no suite is empty).

If the verifier reported violated or errored FECs that no case lists, one more
failing case says how many, so a spec that failed always has a failing case.
The exact FEC counts (and how many FECs the input had) are in each suite's
``<properties>``; warnings are in ``<system-err>``.

>>> from rela.results import Report, SpecResult
>>> xml = render_junit(Report(specs=(SpecResult("s", 3, 3, 0, 0),)))
>>> '<testcase name="3 FECs hold"' in xml
True
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from rela.explain.causes import cause_key
from rela.report._common import (
    TRUNCATED_NOTE,
    cause_destinations,
    cause_title,
    causes_of,
    clause_text,
    counts_line,
    fec_label,
    format_path,
    format_traffic,
    group_by_fec,
    name,
    ordered_errors,
    ordered_violations,
    plural,
    summary_line,
    view_lines,
)
from rela.report.rows import ARROW, Item, flow_view
from rela.results import Cause, FecRef, Path, Report, SpecResult, Violation

__all__ = ["render_junit", "failure_text", "cause_text"]

# Characters XML 1.0 cannot carry at all (ElementTree would write them verbatim).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: FECs named in a cause's failure text (the rest are counted).
MAX_FEC_LIST = 1000


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
    suite = ET.Element("testsuite", name=_clean(name(spec.name)))
    classname = _clean(f"rela.{name(spec.name)}")
    props = ET.SubElement(suite, "properties")
    fecs_input = report.fecs_input if report.fecs_input is not None else report.fecs_read
    for prop, value in (
        ("fecs.total", spec.total),
        ("fecs.holds", spec.holds),
        ("fecs.violated", spec.violated),
        ("fecs.errors", spec.errors),
        ("fecs.input", fecs_input),
        ("fecs.checked", report.fecs_read),
    ):
        ET.SubElement(props, "property", name=prop, value=str(value))
    cases: list[ET.Element] = []
    failures = errors = 0
    if spec.holds or spec.total == 0:
        cases.append(
            _case(f"{plural(spec.holds, 'FEC holds', 'FECs hold')}", classname, spec.seconds)
        )
    listed: set[tuple[int, str | None]] = set()
    by_cause: dict[tuple[str, str | None], list[Violation]] = {}
    for v in ordered_violations(spec):
        by_cause.setdefault(cause_key(v), []).append(v)
    for cause in causes_of(spec):
        flows = by_cause.get((cause.kind, cause.at), [])
        case = _case(cause_title(cause), classname, 0.0)
        failure = ET.SubElement(
            case, "failure", message=_clean(_cause_message(cause)), type="violation"
        )
        failure.text = _clean(cause_text(spec.name, cause, flows))
        cases.append(case)
        failures += 1
        listed.update((f.index, f.key) for f in cause.fec_refs)
    unlisted = spec.violated - len(listed)
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
        error = ET.SubElement(case, "error", message=_clean(name(e.message)), type="fec-error")
        error.text = _clean(
            f"spec: {name(spec.name)}\n{_fec_line(e.fec)}\nerror: {name(e.message)}\n"
        )
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
    notes = [w for w in report.warnings if w.spec in (None, spec.name)]
    if notes:
        err = ET.SubElement(suite, "system-err")
        err.text = _clean("".join(f"warning ({w.code}): {name(w.message)}\n" for w in notes))
    out = ET.SubElement(suite, "system-out")
    lines = [summary_line(report), counts_line(report), *view_lines(report)]
    out.text = _clean("\n".join(lines) + "\n")
    return suite


def _case(case_name: str, classname: str, seconds: float) -> ET.Element:
    return ET.Element("testcase", name=_clean(case_name), classname=classname, time=_time(seconds))


def _fec_case_name(fec: FecRef) -> str:
    """``10.0.0.0/24 (FEC #3)``: the key first, as it is stable from one run to the next."""
    return f"{name(fec.key)} (FEC #{fec.index})" if fec.key else f"FEC #{fec.index}"


def _fec_line(fec: FecRef) -> str:
    traffic = format_traffic(fec.traffic)
    return fec_label(fec) + (f"  traffic: {traffic}" if traffic else "")


def _cause_message(c: Cause) -> str:
    return f"{cause_title(c)}: {plural(c.fecs, 'FEC')}, {plural(c.flows, 'violated flow')}"


def cause_text(spec: str, cause: Cause, flows: list[Violation]) -> str:
    """The plain-text body of one cause's failing case: summary, FEC list, counterexamples."""
    lines = [f"spec: {name(spec)}", f"cause: {_cause_message(cause)}"]
    dsts = ", ".join(cause_destinations(cause))
    lines.append(f"traffic: {dsts}")
    if cause.clause is not None:
        lines.append(clause_text(cause.clause))
    lines.append("")
    lines.append(f"FECs ({cause.fecs}):")
    for f in cause.fec_refs[:MAX_FEC_LIST]:
        lines.append(f"  {_fec_case_name(f)}")
    if len(cause.fec_refs) > MAX_FEC_LIST:
        lines.append(f"  … {plural(len(cause.fec_refs) - MAX_FEC_LIST, 'more FEC')}")
    shown = flows or [cause.example]
    for fec, group in group_by_fec(shown):
        lines.append("")
        lines.append(_fec_line(fec))
        for v in group:
            lines += _flow_lines(v)
    hidden = cause.flows - len(shown)
    if hidden > 0:
        lines.append("")
        lines.append(f"… {plural(hidden, 'more violated flow')} of this cause not listed")
    return "\n".join(lines) + "\n"


def failure_text(spec: str, flows: list[Violation]) -> str:
    """The plain-text counterexample of one FEC (all its violated flows)."""
    lines = [f"spec: {name(spec)}", _fec_line(flows[0].fec)]
    for v in flows:
        lines += _flow_lines(v)
    return "\n".join(lines) + "\n"


def _flow_lines(v: Violation) -> list[str]:
    lines = ["", f"flow: {name(v.flow)}"]
    e = v.explanation
    if e is not None and e.clause is not None:
        lines.append(clause_text(e.clause))
    view = flow_view(v)
    changed = [r for r in view.rows]
    lines.append("changed (- missing: expected, not present; + unexpected: present, not expected):")
    for r in changed:
        if r.left is not None:
            lines.append(f"  {r.left_mark} {_item(r.left)}")
        if r.right is not None:
            lines.append(f"  {r.right_mark} {_item(r.right)}")
    if view.unchanged:
        lines.append(f"unchanged ({len(view.unchanged)}):")
        lines += [f"    {_item(i)}" for i in view.unchanged]
    lines += [f"note: {n}" for n in view.notes]
    lines += _paths("before", v.before)
    lines += _paths("after", v.after)
    if v.truncated:
        lines.append(TRUNCATED_NOTE)
    return lines


def _item(item: Item) -> str:
    text = ARROW.join(item.tokens)
    if item.loop:
        text += f"  (forwarding loop; {plural(len(item.paths), 'listed path')})"
    if item.note:
        text += f"  ({item.note})"
    return text


def _paths(label: str, paths: tuple[Path, ...]) -> list[str]:
    if not paths:
        return [f"{label}: none"]
    return [f"{label}:"] + [f"    {format_path(p)}" for p in paths]
