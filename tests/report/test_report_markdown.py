"""Markdown for pull-request comments: deterministic, bounded, well-formed."""

from __future__ import annotations

import dataclasses
import itertools

from report_fixtures import violating_report

from rela.report import render_markdown
from rela.results import FecRef, Report, SpecResult, Violation


def test_heading_and_table(report: Report, ok_report: Report) -> None:
    lines = render_markdown(report).splitlines()
    assert lines[0] == "## ❌ Rela FAIL: 1 of 2 specs failed (3 of 112 FECs violated, 1 FEC error)"
    assert "| `reroute` | ❌ violated, error | 112 | 108 | 3 | 1 |" in lines
    assert render_markdown(ok_report).splitlines()[0].startswith("## ✅ Rela PASS")


def test_order_does_not_depend_on_input_order() -> None:
    report = violating_report()
    spec = report.specs[0]
    outputs = set()
    for perm in itertools.permutations(spec.violations):
        shuffled = dataclasses.replace(spec, violations=tuple(perm))
        outputs.add(render_markdown(dataclasses.replace(report, specs=(shuffled,))))
    assert len(outputs) == 1
    text = outputs.pop()
    heads = [line for line in text.splitlines() if line.startswith("**`reroute`**")]
    assert [h.split(" · ")[1] for h in heads] == [
        "FEC #3",
        "FEC #17 (`67.34.140.0/24`)",
        "FEC #17 (`67.34.140.0/24`)",
        "FEC #60 (`2.128.1.1/32`)",
    ]
    assert "flow from `Device262`" in heads[1]
    assert "flow from `Device713`" in heads[2]


def test_max_examples_and_note(report: Report) -> None:
    text = render_markdown(report, max_examples=1)
    assert text.count("```diff") == 1
    assert "_3 more violated flows not shown;" in text
    assert render_markdown(report, max_examples=0).count("```diff") == 0
    assert render_markdown(report, max_examples=-1).count("```diff") == 4
    assert "more violated flow" not in render_markdown(report, max_examples=4)


def test_examples_span_specs_in_spec_order() -> None:
    v = next(iter(violating_report()))
    a = SpecResult("zeta", 1, 0, 1, 0, violations=(dataclasses.replace(v, fec=FecRef(9, None)),))
    b = SpecResult("alpha", 1, 0, 1, 0, violations=(dataclasses.replace(v, fec=FecRef(1, None)),))
    text = render_markdown(Report(specs=(a, b)))
    assert text.index("**`zeta`**") < text.index("**`alpha`**")


def test_diff_block(report: Report) -> None:
    text = render_markdown(report)
    head = next(line for line in text.splitlines() if "flow from `Device713`" in line)
    assert "paths moved at `Device713`" in head
    assert "clause `Device1666 : replace(Device1666, Device262)` at reroute.rela:2:3" in head
    block = text.split(head + "\n\n", 1)[1].split("\n\n", 1)[0]
    assert block.splitlines() == [
        "```diff",
        "- Device713 -> Device1666 -> Device305",
        "+ Device713 -> Device262 -> Device2106",
        "  Device713 -> Device1666 -> Device84",
        "```",
    ]


def test_awkward_names_do_not_break_markdown() -> None:
    v = Violation(
        FecRef(0, "k"), "a`b", (), (), (("x```y",),), (), (("x```y",),), (), truncated=False
    )
    spec = SpecResult("my|spec", 1, 0, 1, 0, violations=(v,))
    text = render_markdown(Report(specs=(spec,)))
    assert "| ``my\\|spec`` |" in text or "| `my\\|spec` |" in text
    assert "````diff" in text  # fence longer than the backticks inside
    assert "flow from ``a`b``" in text
