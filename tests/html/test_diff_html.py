"""``rela diff --format html``: the page's structure, read back with an HTML parser."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from rela.cli import app
from rela.diff import DiffReport, DiffSummary
from rela.report.diff_common import verdict
from rela.report.html_diff import render_diff_html
from tests.html.pages import SNAPSHOTS, assert_self_contained, parse, path_text, summary_rows, text

runner = CliRunner()
REROUTE = SNAPSHOTS / "graphs" / "reroute.json"
LOOP = SNAPSHOTS / "graphs" / "loop.json"


def diff_page(*args: str | Path) -> tuple[Any, dict[str, Any]]:
    """The parsed HTML page and the JSON document of the same ``rela diff`` run."""
    html = runner.invoke(app, ["diff", *map(str, args), "--format", "html"])
    doc = runner.invoke(app, ["diff", *map(str, args), "--format", "json"])
    assert html.exit_code == doc.exit_code, html.output
    soup = parse(html.stdout)
    assert_self_contained(html.stdout, soup)
    return soup, json.loads(doc.stdout)


def test_reroute_page_matches_the_json() -> None:
    soup, doc = diff_page("--change", REROUTE)
    s = doc["summary"]
    assert text(soup.h1) == "CHANGED: 2 of 3 FECs changed paths (2 flows)"
    assert dict(summary_rows(soup)[:7]) == {
        "FECs compared": str(s["fecs"]),
        "unchanged": str(s["unchanged"]),
        "changed": str(s["changed"]),
        "only before (no paths after)": str(s["only_before"]),
        "only after (no paths before)": str(s["only_after"]),
        "errors": str(s["errors"]),
        "flows changed": str(s["flows_changed"]),
    }
    sections = soup.select("section.fec")
    assert [sec["id"] for sec in sections] == [f"fec-{f['fec']['index']}" for f in doc["fecs"]]
    for sec, fd in zip(sections, doc["fecs"]):
        flows = sec.select("section.flow")
        assert len(flows) == len(fd["flows"])
        for flow, f in zip(flows, fd["flows"]):
            assert text(flow.h4) == f"flow from {f['flow']} · {f['status']}"
            cells = [text(td) for td in flow.select("table.paths td")]
            for p in f["removed"]["paths"]:
                assert path_text(tuple(p)) in cells[1::4]
            for p in f["added"]["paths"]:
                assert path_text(tuple(p)) in cells[3::4]
        (svg,) = sec.select("figure.drawing svg.graph")
        assert sec.select_one("figure.drawing ul.legend") is not None
    fec2 = soup.select_one("section#fec-2 svg.graph")
    edges = {(g["data-from"], g["data-to"]): g["class"][1] for g in fec2.select("g.edge")}
    assert edges == {
        ("r1", "r2"): "unchanged",
        ("r2", "r4"): "unchanged",
        ("r1", "r3"): "unchanged",
        ("r3", "r4"): "removed",
        ("r3", "drop"): "added",
    }
    assert [n["data-name"] for n in fec2.select("g.node.drop")] == ["drop"]


def test_loops_are_said_and_drawn() -> None:
    soup, doc = diff_page("--change", LOOP)
    (sec,) = soup.select("section.fec")
    assert "Forwarding loop after the change." in text(sec)
    loop_edges = {(g["data-from"], g["data-to"]) for g in sec.select("svg.graph g.edge.loop")}
    assert loop_edges == {("r2", "r3"), ("r3", "r2")}
    (flow,) = sec.select("section.flow")
    assert "infinitely many (loop) added" in text(flow)
    # the unrollings of the loop are one folded pattern, as in the check report
    (row,) = flow.select("table.paths tbody tr")
    assert text(row.find_all("td")[3]) == "r1 → (r2 → r3)+ → r4 loop"
    assert "… more added paths not listed (raise --max-paths)." in text(flow)


def test_flow_filter_restricts_the_drawing() -> None:
    costout = SNAPSHOTS / "paths" / "core-costout"
    args = ["--before", costout / "before.json", "--after", costout / "after.json"]
    soup, doc = diff_page(*args)
    everyone = {n["data-name"] for n in soup.select("svg.graph g.node.source")}
    first = doc["fecs"][0]["flows"][0]["flow"]
    soup, doc = diff_page(*args, "--flow", first)
    sources = {n["data-name"] for n in soup.select("svg.graph g.node.source")}
    assert sources == {first} and len(everyone) > 1


def test_malformed_fec_is_an_error_section(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            [
                {
                    "ipTrafficKeys": [{"dstIp": "10.0.0.1"}],
                    "graphBefore": {
                        "nodeToOutEdgesMap": {"a": {"X": []}},
                        "sourceNodes": ["a"],
                        "sinkNodes": [],
                    },
                    "graphAfter": {
                        "nodeToOutEdgesMap": {"a": {}},
                        "sourceNodes": ["a"],
                        "sinkNodes": ["a"],
                    },
                }
            ]
        )
    )
    soup, doc = diff_page("--change", bad)
    assert "error" in soup.header["class"]
    (sec,) = soup.select("section.fec")
    assert doc["fecs"][0]["problem"] in text(sec) and not sec.select("svg")


def test_bounds_and_no_change() -> None:
    from rela.diff import diff_change
    from rela.network import load_change

    change = load_change(change=REROUTE)
    report = diff_change(change)
    soup = parse(render_diff_html(report, change, max_fecs=1, max_drawings=1))
    assert len(soup.select("section.fec")) == 1 and len(soup.select("svg.graph")) == 1
    assert "Showing the first 1 of 2 FECs; --format json lists all of them." in text(soup)
    soup = parse(render_diff_html(report))
    assert not soup.select("svg") and "No drawings" in text(soup)


@given(st.builds(DiffSummary, *[st.integers(0, 3000)] * 9))
def test_banner_matches_the_text_verdict(summary: DiffSummary) -> None:
    report = DiffReport(summary)
    soup = parse(render_diff_html(report))
    assert text(soup.title) == f"Rela diff: {verdict(report)}"
