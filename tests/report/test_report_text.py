"""The text report: content, layout at narrow widths, colour only when forced."""

from __future__ import annotations

import dataclasses

import pytest
from report_fixtures import violating_report

from rela.report import FORMATS, render, render_text
from rela.report._common import format_path
from rela.report.text import _wrap_hops
from rela.results import FecRef, Report, SpecResult, Violation

ANSI = "\x1b["


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("color", [None, False])
def test_no_ansi_unless_forced(fmt: str, color: bool | None, report: Report) -> None:
    assert ANSI not in render(report, fmt, color=color, width=80)
    assert ANSI not in render(report, fmt, color=color, verbose=True)
    assert ANSI not in render(report, fmt, color=color, quiet=True)


def test_no_ansi_even_when_the_environment_forces_colour(
    monkeypatch: pytest.MonkeyPatch, report: Report
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    assert ANSI not in render_text(report, width=80)


def test_colour_when_forced_dims_the_common_prefix(report: Report) -> None:
    text = render_text(report, color=True, width=120)
    assert ANSI in text
    # Device262 -> Device2106 is shared by the missing and the unexpected path:
    # dim (2), then the changed hop bold red / bold green.
    assert "\x1b[2mDevice262\x1b[0m" in text
    assert "\x1b[1;31mDevice84\x1b[0m" in text
    assert "\x1b[1;32mdrop\x1b[0m" in text


@pytest.mark.parametrize("width", [60, 80, 100])
def test_every_line_fits_the_width(width: int, report: Report) -> None:
    for verbose in (False, True):
        text = render_text(report, width=width, verbose=verbose)
        too_long = [line for line in text.splitlines() if len(line) > width]
        assert not too_long, too_long


def test_even_a_single_huge_location_fits() -> None:
    huge = "Device1|" + "x" * 150
    v = Violation(
        FecRef(0, "k" * 120, tuple({"dstIp": f"10.0.0.{i}"} for i in range(20))),
        huge,
        (),
        (),
        expected=((huge, "b"),),
        actual=((huge, "c"),),
        missing=((huge, "b"),),
        unexpected=((huge, "c"),),
    )
    spec = SpecResult("s" * 100, 1, 0, 1, 0, violations=(v,))
    text = render_text(Report(specs=(spec,), fecs_read=1), width=80, verbose=True)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "(+17 more)" in text  # traffic keys are capped


def test_counterexample_content(report: Report) -> None:
    text = render_text(report, width=300)
    for v in report:
        assert f"flow from {v.flow}" in text
        for p in v.missing:
            assert f"- {format_path(p)}" in text
        for p in v.unexpected:
            assert f"+ {format_path(p)}" in text
    assert "FEC #17 (67.34.140.0/24)" in text
    assert "dst 74.196.200.208" in text
    assert "… more paths not shown, raise --max-paths" in text
    assert "error: reroute: FEC #90 (9.9.9.0/24): graphAfter: edge to unknown node 'X'" in text
    assert "warning: reroute: name 'core9' matches no location" in text
    assert text.rstrip().splitlines()[-1].startswith("FAIL: 1 of 2 specs failed")


def test_side_by_side_when_wide_stacked_when_narrow(report: Report) -> None:
    wide = render_text(report, width=120)
    assert "- Device713 -> Device1666 -> Device305   + Device713 -> Device262 -> Device2106" in wide
    narrow = render_text(report, width=80)
    lines = narrow.splitlines()
    i = lines.index("  - Device713 -> Device1666 -> Device305")
    assert lines[i + 1] == "  + Device713 -> Device262 -> Device2106"
    # the path expected and present comes after the changed rows, collapsed
    assert lines[i + 2] == "  = 1 unchanged path (expected and present):"
    assert lines[i + 3] == "    Device713 -> Device1666 -> Device84"


def test_violations_in_fec_order(report: Report) -> None:
    text = render_text(report, width=100)
    violations = text[text.index("- missing (expected") :]  # after the causes
    positions = [violations.index(label) for label in ("FEC #3 ", "FEC #17 ", "FEC #60 ")]
    assert positions == sorted(positions)


def test_quiet_is_one_line(report: Report, ok_report: Report) -> None:
    assert render_text(report, quiet=True) == (
        "FAIL: 1 of 2 specs failed (3 of 112 FECs violated, 1 FEC error)\n"
    )
    assert render_text(ok_report, quiet=True, width=20) == "PASS: 1 spec holds on 112 FECs\n"


def test_quiet_without_errors() -> None:
    report = violating_report()
    spec = dataclasses.replace(report.specs[0], errors=0, fec_errors=())
    report = dataclasses.replace(report, specs=(spec, report.specs[1]))
    assert render_text(report, quiet=True) == "FAIL: 1 of 2 specs violated (3 of 112 FECs)\n"


def test_verbose_adds_timing_and_paths(report: Report) -> None:
    plain = render_text(report, width=120)
    verbose = render_text(report, width=120, verbose=True)
    assert "time" not in plain.splitlines()[0]
    assert "time" in verbose.splitlines()[0]
    assert "1.46 s" in verbose and "0.50 s" in verbose
    assert "total" in verbose
    assert "before" in verbose and "after" in verbose
    assert "4 violating flows listed" in verbose


def test_max_examples_per_spec(report: Report) -> None:
    text = render_text(report, width=100, max_examples=1)
    assert text.count("violation 1 of 4") == 1
    assert "violation 2 of 4" not in text
    assert "… 3 more violated flows of reroute not listed (--max-violations N, --all)" in text
    assert "violation 4 of 4" in render_text(report, width=100, max_examples=-1)


def test_violations_left_out_of_the_list_are_counted_with_separators(report: Report) -> None:
    spec = dataclasses.replace(report.specs[0], omitted=12_345)
    text = render_text(dataclasses.replace(report, specs=(spec,)), width=100)
    assert "violation 1 of 4 listed (12,349 in all)" in text


def test_wrap_breaks_shared_prefixes_alike() -> None:
    a = tuple(f"n{i:03d}" for i in range(30))
    b = (*a[:20], "changed", *a[21:])
    assert _wrap_hops(a, 40)[:2] == _wrap_hops(b, 40)[:2]
    # every line of a wrapped path fits
    text = render_text(
        Report(specs=(SpecResult("s", 1, 0, 1, 0, violations=(_violation(a, b),)),)), width=44
    )
    assert max(len(line) for line in text.splitlines()) <= 44


def _violation(a: tuple[str, ...], b: tuple[str, ...]) -> Violation:
    return Violation(FecRef(0, None), a[0], (a,), (b,), (a,), (b,), (a,), (b,))


def test_holding_report(ok_report: Report) -> None:
    text = render_text(ok_report, width=80)
    assert "violation" not in text
    assert text.endswith("PASS: 1 spec holds on 112 FECs\n")


def test_empty_report() -> None:
    assert render_text(Report(specs=()), quiet=True) == "PASS: 0 specs hold on 0 FECs\n"
    assert "PASS" in render_text(Report(specs=()), width=80)


def test_unknown_format(report: Report) -> None:
    with pytest.raises(ValueError, match="unknown report format 'yaml'"):
        render(report, "yaml")


@pytest.mark.parametrize(("fecs_input", "lines"), [(None, 1), (200, 2)])
def test_the_fec_count_is_said_once_unless_the_input_had_more_to_say(
    fecs_input: int | None, lines: int
) -> None:
    """Without a count of the input's FECs (Batfish snapshots), the line under the table
    would repeat the footer's "Checked N FECs in T s"; with one, it says what was read."""
    report = dataclasses.replace(violating_report(), fecs_input=fecs_input)
    text = render_text(report, width=100)
    checked = [line for line in text.splitlines() if line.startswith("Checked ")]
    assert len(checked) == lines, checked
    assert checked[-1].startswith(f"Checked {report.fecs_read} FEC")
