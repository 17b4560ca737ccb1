"""``rela check --format html``: the page's structure, read back with an HTML parser."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rela
from rela.cli import app
from rela.report._common import diff_rows, ordered_violations, spec_status, summary_line
from rela.report.html import drawn_fecs, render_html
from rela.results import Report
from tests.html.pages import (
    BATFISH,
    BATFISH_ARGS,
    HOSTILE,
    assert_self_contained,
    parse,
    path_text,
    summary_rows,
    text,
    write_change,
)

runner = CliRunner()


def batfish_report() -> tuple[Report, rela.network.Change]:
    change = rela.load_change(
        before=BATFISH / "base",
        after=BATFISH / "change1",
        start=("border1[Ethernet0]", "border2[Ethernet0]"),
        dst=("10.100.0.0/16",),
    )
    return rela.verify(rela.load_spec(BATFISH / "costout.rela"), change), change


def test_batfish_example_page(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["check", *BATFISH_ARGS, "--format", "html", "-o", str(out)])
    assert result.exit_code == 1, result.output
    page = out.read_text(encoding="utf-8")
    soup = parse(page)
    assert_self_contained(page, soup)
    report, _ = batfish_report()
    # the verdict and the summary numbers
    assert text(soup.h1) == summary_line(report) == "FAIL: 2 of 2 specs violated (1 of 5 FECs)"
    assert "fail" in soup.header["class"]
    assert [row[:6] for row in summary_rows(soup)] == [
        [s.name, spec_status(s), str(s.total), str(s.holds), str(s.violated), str(s.errors)]
        for s in report.specs
    ]
    # one section per violated flow, in spec then FEC then flow order
    sections = soup.select("section.violation")
    expected = [(s.name, v) for s in report.specs for v in ordered_violations(s)]
    assert [(s["data-spec"], s["data-flow"]) for s in sections] == [
        (n, v.flow) for n, v in expected
    ]
    assert len(sections) == 4
    for section, (_, v) in zip(sections, expected):
        rows = section.select("table.paths tbody tr")
        want = diff_rows(v)
        assert len(rows) == len(want)
        for tr, row in zip(rows, want):
            tds = tr.find_all("td")
            assert [text(td) for td in tds] == [
                row.left_mark.strip() if row.left is not None else "",
                path_text(row.left) if row.left is not None else "",
                row.right_mark.strip() if row.right is not None else "",
                path_text(row.right) if row.right is not None else "",
            ]
    # the paired missing/unexpected paths point at the changed hop
    first = sections[0].select("table.paths tbody tr")[0]
    assert [text(s) for s in first.select(".hop.first")] == ["spine1", "drop"]
    # FEC #3 is drawn once, with the black hole highlighted, and its legend
    fecs = soup.select("section.fec")
    assert [f["id"] for f in fecs] == ["fec-3"]
    (svg,) = soup.select("section#fec-3 figure.drawing svg.graph")
    edges = {(g["data-from"], g["data-to"]): g["class"][1] for g in svg.select("g.edge")}
    assert edges[("core2", "drop")] == "added"
    assert edges[("border1", "core1")] == "removed"
    assert {n["data-name"] for n in svg.select("g.node.drop")} == {"drop"}
    assert {n["data-name"] for n in svg.select("g.node.source")} == {"border1", "border2"}
    legend = soup.select_one("section#fec-3 figure.drawing figcaption ul.legend")
    assert legend is not None and "drop: traffic discarded" in text(legend)


def test_names_from_the_input_are_escaped(tmp_path: Path) -> None:
    change = write_change(
        tmp_path / "change.json",
        [([["r1", HOSTILE[0], "r9"]], [["r1", HOSTILE[1], HOSTILE[2], HOSTILE[3], "r9"]])],
    )
    spec = tmp_path / "s.rela"
    spec.write_text("spec keep {\n  .* : preserve\n}\n")
    out = tmp_path / "r.html"
    result = runner.invoke(
        app, ["check", str(spec), "--change", str(change), "-f", "html", "-o", str(out)]
    )
    assert result.exit_code == 1, result.output
    page = out.read_text(encoding="utf-8")
    soup = parse(page)
    assert_self_contained(page, soup)  # no <script>, no <img>: the names stayed text
    shown = {n["data-name"] for n in soup.select("svg.graph g.node")}
    assert shown == {"r1", "r9", HOSTILE[0], HOSTILE[1], "bell\\x07x", HOSTILE[3]}
    (section,) = soup.select("section.violation")
    assert text(section.select("table.paths tbody tr")[0].find_all("td")[1]) == path_text(
        ("r1", HOSTILE[0], "r9")
    )
    assert "bell\\x07x" in text(section)


def many_violations(tmp_path: Path, n: int) -> tuple[Report, rela.network.Change]:
    change_file = write_change(
        tmp_path / "many.json",
        [([["a", f"b{i}", "c"]], [["a", f"d{i}", "c"]]) for i in range(n)],
    )
    change = rela.load_change(change=change_file)
    module = rela.parse_spec("spec keep {\n  .* : preserve\n}\n")
    return rela.verify(module, change), change


def test_large_reports_are_bounded(tmp_path: Path) -> None:
    report, change = many_violations(tmp_path, 130)
    assert report.specs[0].violated == 130
    page = render_html(report, change, max_violations=50, max_drawings=7)
    soup = parse(page)
    assert len(soup.select("section.violation")) == 50
    assert len(soup.select("svg.graph")) == 7
    assert [f["id"] for f in soup.select("section.fec")][:3] == ["fec-0", "fec-1", "fec-2"]
    notes = [text(p) for p in soup.select("p.note")]
    assert (
        "Showing 50 of 130 violated flows (spec order, then FEC; at most 5 per FEC and spec); "
        "the JSON and JUnit reports list all of them." in notes
    )
    assert notes.count("Not drawn: only the first 7 FECs shown are drawn.") == 43
    assert drawn_fecs(report, 50, 7) == list(range(7))
    # the defaults keep a big run's page small enough for any browser
    default = render_html(report, change)
    assert len(parse(default).select("svg.graph")) == 20
    assert len(default) < 1_000_000


def test_passing_report_and_no_change() -> None:
    report, change = batfish_report()
    ok = Report(specs=(replace(report.specs[0], holds=5, violated=0, violations=()),), fecs_read=5)
    soup = parse(render_html(ok, change))
    assert text(soup.h1) == "PASS: 1 spec holds on 5 FECs" and "pass" in soup.header["class"]
    assert not soup.select("section#violations") and not soup.select("svg")
    # without the change, the page says why it has no drawing
    soup = parse(render_html(report))
    assert not soup.select("svg.graph")
    assert "No drawings: the report was rendered without the change." in text(soup)


def test_warnings_filters_and_errors_are_listed(tmp_path: Path) -> None:
    from rela.results import FecError, FecRef, FilterNote, Warning_

    report, _ = batfish_report()
    spec = replace(
        report.specs[0],
        errors=1,
        fec_errors=(FecError(FecRef(9, "9.9.9.0/24"), "graphAfter: edge to unknown node '<X>'"),),
    )
    report = replace(
        report,
        specs=(spec,),
        warnings=(
            Warning_(
                "costout",
                "name 'core9' matches no location",
                "unknown-name",
                "did you mean 'core1'?",
                3,
                5,
            ),
        ),
        fecs_input=9,
        filters=(FilterNote("--dst", "10.100.0.0/16", 4, "traffic outside the prefixes"),),
    )
    soup = parse(render_html(report))
    assert text(soup.select_one("section#warnings li")) == (
        "unknown-name costout: 3:5: name 'core9' matches no location (did you mean 'core1'?)"
    )
    assert text(soup.select_one("section#errors li")) == (
        "costout: FEC #9 (9.9.9.0/24): graphAfter: edge to unknown node '<X>'"
    )
    summary = text(soup.select_one("section#summary"))
    assert "9 FECs in the input, 5 checked." in summary
    assert "--dst 10.100.0.0/16 left out 4 FECs: traffic outside the prefixes." in summary
    assert [a["href"] for a in soup.select("nav a")] == [
        "#summary",
        "#warnings",
        "#violations",
        "#errors",
    ]


@pytest.mark.parametrize("fmt", ["html", "HTML"])
def test_format_choice(fmt: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", *BATFISH_ARGS, "--format", fmt])
    assert result.exit_code == 1
    assert result.stdout.startswith("<!DOCTYPE html>")


def test_unchanged_paths_are_folded_below_the_difference() -> None:
    from rela.results import FecRef, SpecResult, Violation

    same = tuple(("s", f"m{i}", "t") for i in range(5))
    v = Violation(
        FecRef(0, None),
        "s",
        before=(*same, ("s", "x", "t")),
        after=(*same, ("s", "x", "drop")),
        expected=(*same, ("s", "x", "t")),
        actual=(*same, ("s", "x", "drop")),
        missing=(("s", "x", "t"),),
        unexpected=(("s", "x", "drop"),),
    )
    report = Report(specs=(SpecResult("keep", 1, 0, 1, 0, violations=(v,)),), fecs_read=1)
    (section,) = parse(render_html(report)).select("section.violation")
    first, folded = section.select("table.paths")
    assert [[text(td) for td in tr.find_all("td")] for tr in first.select("tbody tr")] == [
        ["-", "s → x → t", "+", "s → x → drop"]
    ]
    assert (
        text(section.select_one("details.same summary"))
        == "5 more paths are both expected and actual"
    )
    assert [text(tr.find_all("td")[1]) for tr in folded.select("tbody tr")] == [
        path_text(p) for p in same
    ]
    # three or fewer stay inline, above the difference, as context
    few = replace(v, expected=v.expected[3:], actual=v.actual[3:], before=(), after=())
    report = Report(specs=(SpecResult("keep", 1, 0, 1, 0, violations=(few,)),), fecs_read=1)
    (section,) = parse(render_html(report)).select("section.violation")
    assert len(section.select("table.paths")) == 1 and not section.select("details.same")
    assert len(section.select("table.paths tbody tr")) == 3


def test_flows_per_fec_are_bounded_to_show_more_fecs(tmp_path: Path) -> None:
    change_file = write_change(
        tmp_path / "wide.json",
        [
            (
                [[f"s{j}", f"b{i}", "c"] for j in range(8)],
                [[f"s{j}", f"d{i}", "c"] for j in range(8)],
            )
            for i in range(3)
        ],
    )
    change = rela.load_change(change=change_file)
    report = rela.verify(rela.parse_spec("spec keep {\n  .* : preserve\n}\n"), change)
    assert len(report.specs[0].violations) == 24
    soup = parse(render_html(report, change, max_violations=12))
    sections = soup.select("section.fec")
    assert [sec["id"] for sec in sections] == ["fec-0", "fec-1", "fec-2"]
    assert [len(sec.select("section.violation")) for sec in sections] == [5, 5, 2]
    assert [text(sec.select("p.note")[-1]) for sec in sections] == [
        "3 more violated flows of keep in this FEC not shown.",
        "3 more violated flows of keep in this FEC not shown.",
        "6 more violated flows of keep in this FEC not shown.",
    ]
    everything = parse(render_html(report, change, max_violations=-1, max_flows_per_fec=-1))
    assert len(everything.select("section.violation")) == 24
