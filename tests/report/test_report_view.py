"""What ``rela check`` lists: --max-violations, --all, --through, --kind, --fec, --strict;
counts of FECs and warnings in every format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from report_fixtures import explained_report
from typer.testing import CliRunner

from rela.cli import app
from rela.report import render

DATA = Path(__file__).parent / "data"
SPEC, CHANGE = DATA / "change.rela", DATA / "change.json"
runner = CliRunner()


def check(*args: str | Path, fmt: str = "text") -> tuple[int, str, str]:
    argv = ["check", str(SPEC), "--change", str(CHANGE), "-g", "device", "-f", fmt, *map(str, args)]
    result = runner.invoke(app, argv, env={"COLUMNS": "120"})
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def test_max_violations_and_all() -> None:
    code, out, _ = check("--max-violations", "1")
    assert code == 1
    assert out.count("keep_all: violation ") == 1
    assert "… 1 more violated flow of keep_all not listed (--max-violations N, --all)" in out
    code, out, _ = check("--all", "--max-violations", "1")
    assert out.count("keep_all: violation ") == 2
    code, out, _ = check("--max-violations", "1", fmt="json")
    spec = json.loads(out)["specs"][0]
    assert len(spec["violations"]) == 1 and spec["violations_omitted"] == 1
    assert spec["fecs"]["violated"] == 2  # counts are about everything checked
    assert sum(c["flows"] for c in spec["causes"]) == 2
    code, out, _ = check(fmt="json")
    assert len(json.loads(out)["specs"][0]["violations"]) == 2  # machine formats: all


def test_through_lists_only_matching_violations_and_says_so() -> None:
    code, out, _ = check("--through", "core3")
    assert code == 1  # the verdict is the run's
    assert "Listing only violations matching --through core3: 1 violated flow not listed" in out
    assert "+ border1 -> core3 -> leaf2" in out
    assert "drop" not in out.split("- missing (expected", 1)[1]
    code, out, _ = check("--through", "core3", fmt="json")
    doc = json.loads(out)
    assert doc["view"] == [
        {
            "option": "--through",
            "value": "core3",
            "left_out": 1,
            "reason": "violations not through core3",
        }
    ]
    assert doc["specs"][0]["violations_omitted"] == 1


def test_kind_and_fec() -> None:
    code, out, _ = check("--kind", "new-drop", fmt="json")
    (v,) = json.loads(out)["specs"][0]["violations"]
    assert v["explanation"]["kind"] == "new-drop" and v["fec"]["index"] == 2
    code, out, _ = check("--fec", "#1", fmt="json")
    (v,) = json.loads(out)["specs"][0]["violations"]
    assert v["fec"]["index"] == 1
    code, out, err = check("--kind", "sideways")
    assert code == 2 and "sideways" in err


@pytest.mark.parametrize(
    ("option", "value", "closest"),
    [
        ("--through", "core9", "core3"),
        ("--kind", "new-loop", "new-drop"),
        ("--fec", "#7", "#1"),
    ],
)
def test_a_filter_that_selects_nothing_is_a_usage_error(
    option: str, value: str, closest: str
) -> None:
    code, out, err = check(option, value)
    assert code == 2
    assert f"{option} {value!r} selects no violation of this run" in err
    assert closest in err
    assert out == ""


def test_strict_fails_a_passing_run_with_a_warning(tmp_path: Path) -> None:
    spec = tmp_path / "s.rela"
    spec.write_text("spec s {\n  .* core9 .* : drop\n  else .* : preserve\n}\n", encoding="utf-8")
    ok = DATA / "change-ok.json"
    base = ["check", str(spec), "--change", str(ok)]
    plain = runner.invoke(app, base)
    assert plain.exit_code == 0, plain.output
    assert "applied to no FEC" in plain.stdout and "core9" in plain.stdout
    strict = runner.invoke(app, [*base, "--strict"])
    assert strict.exit_code == 1
    assert "--strict: 2 warnings (unknown-name, vacuous-clause)" in strict.stderr
    quiet = runner.invoke(app, [*base, "--strict", "-q"])
    assert quiet.exit_code == 1


def test_vacuous_clause_in_every_format(tmp_path: Path) -> None:
    spec = tmp_path / "s.rela"
    spec.write_text("spec s {\n  leaf9 : replace(leaf9, leaf8)\n  else .* : preserve\n}\n")
    args = ["check", str(spec), "--change", str(DATA / "change-ok.json")]
    message = "clause `leaf9 : replace(leaf9, leaf8)` at 2:3 applied to no FEC"
    for fmt in ("text", "markdown", "junit", "json"):
        out = runner.invoke(app, [*args, "-f", fmt], env={"COLUMNS": "200"}).stdout
        if fmt == "json":
            warnings = json.loads(out)["warnings"]
            assert any(w["code"] == "vacuous-clause" and w["message"] == message for w in warnings)
            coverage = json.loads(out)["specs"][0]["coverage"]
            assert [(c["fecs"], c["flows"]) for c in coverage] == [(0, 0), (2, 2)]
        else:
            assert message in out, fmt


def test_warnings_come_before_the_violations(tmp_path: Path) -> None:
    spec = tmp_path / "s.rela"
    spec.write_text("spec s {\n  cor1 : preserve\n  else .* : preserve\n}\n")
    out = runner.invoke(app, ["check", str(spec), "--change", str(CHANGE)]).stdout
    assert out.index("warning: s: name 'cor1' matches no location") < out.index("violation 1 of")
    assert out.index("warning:") < out.index("Causes")


def test_every_format_says_how_many_fecs_the_input_had_and_how_many_were_checked() -> None:
    report = explained_report()
    text = render(report, "text", width=200)
    assert "Checked 8 of 12 FECs of the input: 4 left out by --dst 10.0.0.0/8" in text
    md = render(report, "markdown")
    assert "Checked 8 of 12 FECs of the input: 4 left out by --dst 10.0.0.0/8" in md
    doc = json.loads(render(report, "json"))
    assert (doc["fecs_input"], doc["fecs_read"], doc["filters"][0]["left_out"]) == (12, 8, 4)
    root = ET.fromstring(render(report, "junit").split("\n", 1)[1])
    for suite in root.iter("testsuite"):
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert (props["fecs.input"], props["fecs.checked"]) == ("12", "8")
        assert "Checked 8 of 12 FECs" in (suite.findtext("system-out") or "")


def test_quiet_verdict_says_what_the_input_filters_left_out(tmp_path: Path) -> None:
    """``-q`` prints one line: a PASS on a few FECs must say that the rest was left out."""
    spec = tmp_path / "keep.rela"
    spec.write_text("spec keep { .* : preserve }\n")
    reroute = Path(__file__).resolve().parents[2] / "snapshots" / "graphs" / "reroute.json"
    base = ["check", str(spec), "--change", str(reroute), "-q"]
    one = runner.invoke(app, [*base, "--dst", "10.0.1.0/24"])
    assert one.exit_code == 0, one.output
    assert one.stdout.strip() == "PASS: 1 spec holds on 1 FEC; 2 of 3 FECs left out by --dst"
    everything = runner.invoke(app, base)
    assert everything.exit_code == 1
    assert everything.stdout.strip() == "FAIL: 1 of 1 spec violated (2 of 3 FECs)"


def test_quiet_check_decides_verdicts_without_counterexamples(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``-q`` lists nothing, so it computes no counterexamples; the same verdict line and
    exit code as a full run, and a full run (or -q with a view filter) still lists them."""
    import rela

    asked: list[bool] = []
    real = rela.verify

    def spy(*args: object, **kwargs: object) -> object:
        asked.append(bool(kwargs.get("counterexamples", True)))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rela, "verify", spy)
    quiet = runner.invoke(app, ["check", str(SPEC), "--change", str(CHANGE), "-q"])
    full = runner.invoke(app, ["check", str(SPEC), "--change", str(CHANGE), "-f", "json"])
    assert asked == [False, True]
    doc = json.loads(full.stdout)
    assert quiet.exit_code == full.exit_code == 1
    violated = sum(s["fecs"]["violated"] for s in doc["specs"])
    assert violated > 0 and f"violated ({violated} of" in quiet.stdout
    assert all(s["violations"] for s in doc["specs"] if s["fecs"]["violated"])
    filtered = runner.invoke(
        app, ["check", str(SPEC), "--change", str(CHANGE), "-q", "--kind", "new-drop"]
    )
    assert asked[-1] is True and filtered.exit_code == 1
