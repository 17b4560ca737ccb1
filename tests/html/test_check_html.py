"""``rela check --format html``: the page's structure, read back with an HTML parser."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rela
from rela.cli import app
from rela.report._common import ordered_violations, spec_status, summary_line
from rela.report.html import drawn_fecs, render_html
from rela.report.rows import flow_view
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
    assert text(soup.h1) == summary_line(report)
    assert summary_line(report).startswith("FAIL: 2 of 2 specs violated (1 of ")
    # the black-holed host is the one violated FEC
    (fec_id,) = {f"fec-{v.fec.index}" for v in report}
    assert {v.fec.key for v in report} == {"10.100.1.10/32"}
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
        want = flow_view(v).rows  # the layout every human format shares
        assert len(rows) == len(want)
        for tr, row in zip(rows, want):
            tds = tr.find_all("td")
            assert [text(td) for td in tds] == [
                row.left_mark.strip() if row.left is not None else "",
                " → ".join(row.left.tokens) if row.left is not None else "",
                row.right_mark.strip() if row.right is not None else "",
                " → ".join(row.right.tokens) if row.right is not None else "",
            ]
        # what happened, and which clause, above the paths
        e = v.explanation
        assert e is not None and text(section.select_one("p.why")).startswith(f"new drop at {e.at}")
    # the paired missing/unexpected paths point at the changed hop
    first = sections[0].select("table.paths tbody tr")[0]
    assert [text(s) for s in first.select(".hop.first")] == ["spine1", "drop"]
    # FEC #3 is drawn once, with the black hole highlighted, and its legend
    fecs = soup.select("section.fec")
    assert [f["id"] for f in fecs] == [fec_id]
    (svg,) = soup.select(f"section#{fec_id} figure.drawing svg.graph")
    edges = {(g["data-from"], g["data-to"]): g["class"][1] for g in svg.select("g.edge")}
    assert edges[("core2", "drop")] == "added"
    assert edges[("border1", "core1")] == "removed"
    assert {n["data-name"] for n in svg.select("g.node.drop")} == {"drop"}
    assert {n["data-name"] for n in svg.select("g.node.source")} == {"border1", "border2"}
    legend = soup.select_one(f"section#{fec_id} figure.drawing figcaption ul.legend")
    assert legend is not None and "drop: traffic discarded" in text(legend)
    # where behaviour diverges is ringed: core2 for costout, the borders for reach
    assert {n["data-name"] for n in svg.select("g.node.focus")} == {"core2", "border1", "border2"}
    assert "where behaviour diverges" in text(legend)
    # the causes come first: the black hole at core2, for the one host, with its clause
    (causes,) = soup.select("section#causes")
    assert [a["href"] for a in soup.select("nav a")][:2] == ["#summary", "#causes"]
    first_cause = [text(td) for td in causes.select("tbody tr")[0].find_all("td")]
    assert first_cause[:6] == ["1", "costout", "new drop at core2", "1", "2", "10.100.1.10/32"]
    assert first_cause[6].startswith("clause `core1 : replace(core1, core2)` at ")
    link = causes.select("tbody tr")[0].a["href"]
    assert soup.select_one(f"section.violation{link}")["data-flow"] == "border1"
    # clause coverage: one row per clause of each spec, as in the report
    (coverage,) = soup.select("section#coverage")
    rows = [[text(td) for td in tr.find_all("td")] for tr in coverage.select("tbody tr")]
    assert len(rows) == sum(len(s.coverage) for s in report.specs)
    assert [r[1:] for r in rows] == [
        [str(c.fecs), str(c.flows)] for s in report.specs for c in s.coverage
    ]


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
        "Showing 50 of 130 listed violated flows (spec order, then FEC; at most 5 per FEC and spec); "
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
        fecs_input=report.fecs_read + 4,
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
    assert (
        f"Checked {report.fecs_read} of {report.fecs_read + 4} FECs of the input: 4 left out by "
        "--dst 10.100.0.0/16 (traffic outside the prefixes)." in summary
    )
    assert [a["href"] for a in soup.select("nav a")] == [
        "#summary",
        "#causes",
        "#warnings",
        "#violations",
        "#coverage",
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
    (first,) = section.select("table.paths")
    assert [[text(td) for td in tr.find_all("td")] for tr in first.select("tbody tr")] == [
        ["-", "s → x → t", "+", "s → x → drop"]
    ]
    folded = section.select_one("details.same")
    assert text(folded.summary) == "5 more paths both expected and actual"
    assert [text(li) for li in folded.select("li")] == [path_text(p) for p in same]


def test_loops_are_folded_and_badged() -> None:
    from rela.results import FecRef, SpecResult, Violation

    loop = tuple(("a",) + ("b", "c") * k + ("d",) for k in (1, 2, 3))
    v = Violation(
        FecRef(0, None),
        "a",
        (),
        (),
        expected=(("a", "e", "d"),),
        actual=loop,
        missing=(("a", "e", "d"),),
        unexpected=loop,
    )
    report = Report(specs=(SpecResult("keep", 1, 0, 1, 0, violations=(v,)),), fecs_read=1)
    (section,) = parse(render_html(report)).select("section.violation")
    (row,) = section.select("table.paths tbody tr")
    assert text(row.find_all("td")[3]) == "a → (b → c)+ → d loop"
    assert row.select_one(".badge")["title"] == "stands for 3 listed paths and more"


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


def test_html_as_an_extra_report(tmp_path: Path) -> None:
    page, xml = tmp_path / "r.html", tmp_path / "r.xml"
    result = runner.invoke(
        app, ["check", *BATFISH_ARGS, "-f", "junit", "-o", str(xml), "--report", f"html:{page}"]
    )
    assert result.exit_code == 1, result.output
    soup = parse(page.read_text(encoding="utf-8"))
    assert soup.select("svg.graph") and xml.read_text().startswith("<?xml")


def test_a_clause_that_applied_to_nothing_is_marked() -> None:
    from rela.results import ClauseCoverage, ClauseRef

    report, _ = batfish_report()
    idle = ClauseCoverage(ClauseRef("core9 : preserve", 3, 5, "x.rela"), 0, 0)
    spec = replace(report.specs[0], coverage=(*report.specs[0].coverage, idle))
    soup = parse(render_html(replace(report, specs=(spec, *report.specs[1:]))))
    (row,) = [tr for tr in soup.select("section#coverage tbody tr") if tr.select("td.vacuous")]
    assert [text(td) for td in row.find_all("td")] == [
        "clause `core9 : preserve` at x.rela:3:5",
        "0",
        "0",
    ]


def test_hops_that_are_not_locations_read_in_words() -> None:
    from rela.results import ANY_OTHER, Explanation, FecRef, SpecResult, Violation

    v = Violation(
        FecRef(0, "k\u27e8x\u27e9"),
        "a",
        (),
        (),
        expected=(("a", ANY_OTHER),),
        actual=(("a", "b"),),
        missing=(("a", ANY_OTHER),),
        unexpected=(("a", "b"),),
        explanation=Explanation("paths-moved", ANY_OTHER),
    )
    report = Report(specs=(SpecResult("s", 1, 0, 1, 0, violations=(v,)),), fecs_read=1)
    soup = parse(render_html(report))
    (section,) = soup.select("section.violation")
    assert text(section.select_one("p.why")) == "paths moved at ⟨any other location⟩"
    assert text(section.select("table.paths td")[1]) == "a → ⟨any other location⟩"
    # a key that only looks like one is escaped, never taken for a special hop
    assert text(soup.select_one("section.fec h3")) == "FEC #0 (k\\u27e8x\\u27e9)"
