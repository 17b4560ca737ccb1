"""What ``rela diff`` lists: view filters, the listing limit, and exact counts regardless."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from rela.cli import app

REROUTE = str(Path(__file__).resolve().parents[2] / "snapshots" / "graphs" / "reroute.json")
runner = CliRunner()


def _diff(*args: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["diff", "--change", REROUTE, "-f", "json", *args])
    doc = json.loads(result.stdout) if result.stdout.startswith("{") else {}
    return result.exit_code, doc, result.stderr


def test_max_fecs_cuts_the_listing_not_the_counts() -> None:
    code, doc, _ = _diff("--max-fecs", "1")
    assert code == 1
    assert doc["summary"]["changed"] == 2 and doc["fecs_listable"] == 2
    assert len(doc["fecs"]) == 1 and doc["fecs_omitted"] == 1
    assert doc["fecs"][0]["fec"]["index"] == 2  # the new drop first: the most telling


def test_kind_filter_lists_only_that_kind_and_says_what_it_left_out() -> None:
    code, doc, _ = _diff("--kind", "new-drop")
    assert code == 1  # the verdict is about the whole change, not the view
    assert [f["fec"]["index"] for f in doc["fecs"]] == [2]
    (note,) = doc["view"]
    assert (note["option"], note["value"], note["left_out"]) == ("--kind", "new-drop", 2)


def test_a_view_filter_that_selects_nothing_is_exit_2() -> None:
    code, _, stderr = _diff("--through", "nosuch")
    assert code == 2
    assert "--through 'nosuch' selects nothing" in stderr and "r1" in stderr


def test_quiet_verdict_says_what_the_input_filters_left_out() -> None:
    """A one-line verdict on 1 FEC must not read as if the whole change was compared."""
    result = runner.invoke(app, ["diff", "--change", REROUTE, "--dst", "10.0.1.0/24", "-q"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "UNCHANGED: 1 FEC compared, no path changed; 2 of 3 FECs left out by --dst"
    )
    unfiltered = runner.invoke(app, ["diff", "--change", REROUTE, "-q"])
    assert "left out" not in unfiltered.stdout
