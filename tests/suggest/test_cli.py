"""``rela suggest`` on the command line: the suggestion holds for ``rela check``, exit codes, outputs.

The acceptance run: on the shipped Batfish example, ``rela suggest`` writes a
spec and ``rela check`` on the same input exits 0 on it (base -> change1 and
base -> change2).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from rela.cli import app
from rela.cli.suggest import check_command
from rela.network.model import Granularity

REPO = Path(__file__).resolve().parents[2]
BATFISH = REPO / "snapshots" / "batfish"
INPUT = ["--start", "border1[Ethernet0]", "--start", "border2[Ethernet0]", "--dst", "10.100.0.0/16"]
COSTOUT = "[^core1]* : preserve then core1 : replace(core1, core2) then [^core1]* : preserve"
runner = CliRunner()


def batfish(after: str) -> list[str]:
    return ["--before", str(BATFISH / "base"), "--after", str(BATFISH / after), *INPUT]


def rela(*args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("after", ["change1", "change2"])
def test_the_suggestion_passes_rela_check(tmp_path: Path, after: str) -> None:
    spec = tmp_path / "suggested.rela"
    result = rela("suggest", *batfish(after), "-o", spec)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # the spec went to the file
    assert result.stderr.startswith("OK: ")
    text = spec.read_text()
    assert COSTOUT in text and text.rstrip().endswith("else .* : preserve\n}")
    check = rela("check", spec, *batfish(after))
    assert check.exit_code == 0, check.output
    assert "PASS" in check.stdout


def test_change1_has_the_drop_at_core2_as_its_own_clause() -> None:
    result = rela("suggest", *batfish("change1"))
    assert result.exit_code == 0, result.output
    assert (
        "(if dst in 10.100.1.10/32 {\n    [^core1]* : preserve then core1 : replace(core1, core2) then .+ : drop\n  })"
        in result.stdout
    )
    assert "# 1 FEC, 2 changed flows: dropped at core2" in result.stdout
    assert [ln[:7] for ln in result.stdout.splitlines() if "else" in ln and "#" not in ln] == [
        "  else ",
        "  else ",
    ]


def test_change2_is_the_cost_out_only() -> None:
    result = rela("suggest", *batfish("change2"))
    assert result.exit_code == 0, result.output
    body = [
        ln.strip()
        for ln in result.stdout.splitlines()
        if ln.strip() and not ln.strip().startswith("#")
    ]
    assert body == ["spec suggested {", COSTOUT, "else .* : preserve", "}"]


def test_json_output_matches_its_schema() -> None:
    result = rela("suggest", *batfish("change1"), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    schema = json.loads(
        resources.files("rela").joinpath("schemas", "suggest.schema.json").read_text()
    )
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["holds"] and not doc["fallback"]
    assert [c["kind"] for c in doc["clauses"]] == ["drop", "replace", "preserve"]
    assert doc["clauses"][0]["guard"] == {"dst": ["10.100.1.10/32"]}
    assert doc["clauses"][0]["coverage"]["fecs"] == 1
    assert doc["clauses"][1]["coverage"]["fecs"] == doc["summary"]["changed"] - 1
    assert doc["spec"].startswith("# Suggested by `rela suggest`")


def test_the_spec_file_names_the_check_command(tmp_path: Path) -> None:
    spec = tmp_path / "s.rela"
    assert rela("suggest", *batfish("change2"), "-o", spec).exit_code == 0
    comment = " ".join(ln[1:].strip() for ln in spec.read_text().splitlines() if ln.startswith("#"))
    assert f"Check: rela check {spec} --before {BATFISH / 'base'} --after" in comment


def test_fallback_exits_1_and_still_holds(tmp_path: Path) -> None:
    spec = tmp_path / "s.rela"
    result = rela("suggest", *batfish("change1"), "--max-clauses", "2", "-o", spec)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("FALLBACK: ")
    assert rela("check", spec, *batfish("change1")).exit_code == 0


def test_no_holding_spec_exits_1_without_writing_it(tmp_path: Path) -> None:
    """Two FECs to one destination behave differently: no dst guard separates them."""
    g = {
        "nodeToOutEdgesMap": {"s": {"core1": []}, "core1": {"t": []}, "t": {}},
        "sourceNodes": ["s"],
        "sinkNodes": ["t"],
    }
    h = {
        "nodeToOutEdgesMap": {"s": {"core2": []}, "core2": {"t": []}, "t": {}},
        "sourceNodes": ["s"],
        "sinkNodes": ["t"],
    }
    change = tmp_path / "c.json"
    change.write_text(
        json.dumps(
            [
                {
                    "ipTrafficKeys": [{"dstIp": "10.0.0.1", "qos": 0}],
                    "graphBefore": g,
                    "graphAfter": h,
                },
                {
                    "ipTrafficKeys": [{"dstIp": "10.0.0.1", "qos": 4}],
                    "graphBefore": g,
                    "graphAfter": g,
                },
            ]
        )
    )
    out = tmp_path / "s.rela"
    result = rela("suggest", "--change", change, "-o", out)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("FAIL: ") and "told apart" in result.stderr
    assert not out.exists()
    as_json = rela("suggest", "--change", change, "-f", "json")
    assert as_json.exit_code == 1 and json.loads(as_json.stdout)["holds"] is False


def test_quiet_and_verbose() -> None:
    quiet = rela("suggest", *batfish("change2"), "-q")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    verbose = rela("suggest", *batfish("change2"), "-v")
    assert "distinct (before, after) graph pairs" in verbose.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--change", "/nonexistent/change.json"], "no such file"),
        ([], "no input"),
        (
            ["--change", str(REPO / "snapshots" / "graphs" / "reroute.json"), "--max-clauses", "0"],
            "--max-clauses",
        ),
        (
            ["--change", str(REPO / "snapshots" / "graphs" / "reroute.json"), "--dst", "nonsense"],
            "not an IP prefix",
        ),
        (
            ["--change", str(REPO / "snapshots" / "graphs" / "reroute.json"), "-g", "group"],
            "--groups",
        ),
    ],
)
def test_bad_input_exits_2(args: list[str], message: str) -> None:
    result = rela("suggest", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_refuses_to_overwrite_an_input(tmp_path: Path) -> None:
    change = tmp_path / "c.json"
    change.write_text((REPO / "snapshots" / "graphs" / "reroute.json").read_text())
    before = change.read_text()
    result = rela("suggest", "--change", change, "-o", change)
    assert result.exit_code == 2 and "refusing" in result.output
    assert change.read_text() == before


def test_malformed_fec_exits_2(tmp_path: Path) -> None:
    change = tmp_path / "c.json"
    change.write_text(json.dumps([{"ipTrafficKeys": [], "graphBefore": 3, "graphAfter": {}}]))
    result = rela("suggest", "--change", change)
    assert result.exit_code == 2, result.output
    assert "FEC #0" in result.output and "malformed" in result.output


def test_check_command_quotes_what_needs_it() -> None:
    cmd = check_command(
        None,
        None,
        Path("b"),
        Path("a"),
        Granularity.GROUP,
        Path("g.json"),
        ["border1[Ethernet0]"],
        ["10.0.0.0/8"],
    )
    assert cmd == (
        "rela check SPEC.rela --before b --after a --granularity group --groups g.json "
        "--start 'border1[Ethernet0]' --dst 10.0.0.0/8"
    )


def test_the_summary_line_counts_in_words() -> None:
    """ "holds on all 6 FECs", but "holds on the 1 FEC" (never "all 1 FEC")."""
    one = rela("suggest", "--change", REPO / "snapshots" / "graphs" / "loop.json")
    assert one.exit_code == 0, one.output
    assert one.stderr.strip() == "OK: 2 clauses, holds on the 1 FEC (1 changed)"
    six = rela("suggest", *batfish("change2"))
    assert six.stderr.strip() == "OK: 2 clauses, holds on all 6 FECs (5 changed)"
    acl = BATFISH / "acl"
    fail = rela(
        "suggest", "--before", acl / "base", "--after", acl / "change3",
        "--start", "border1[Ethernet0]",
    )  # fmt: skip
    assert fail.exit_code == 1, fail.output
    assert fail.stderr.startswith("FAIL: no suggested spec holds on every FEC (1 clause; 12 FECs")
