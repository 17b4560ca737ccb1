"""``rela lint`` from the command line, and the same warnings in every ``rela check`` format."""

from __future__ import annotations

import json
from pathlib import Path

from rela.cli import app
from rela.lang import parse_spec
from rela.lint import lint_module
from tests.lint.helpers import SHIPPED, SPECS, codes, lint, runner

TRAPS = """\
let core = core1|default
spec s {
  .* core1 .* : replace(core1, core2)
}
"""


def test_clean_file_exits_0(tmp_path: Path) -> None:
    code, out = lint(tmp_path, (SPECS / "costout.rela").read_text(encoding="utf-8"))
    assert code == 0
    assert out.startswith("clean: 1 spec of ") and out.rstrip().endswith("no warnings")


def test_warnings_exit_1_with_location_code_and_hint(tmp_path: Path) -> None:
    code, out = lint(tmp_path, TRAPS)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].endswith(
        "spec.rela:1:12: warning[union-looks-like-name]: `core1|default` is not the location "
        "`core1|default`: `|` is the union operator, so this reads `core1 | default`, a union "
        "of `core1` and `default`"
    )
    assert lines[1] == '  hint: quote the location: "core1|default"; or write the union with spaces'
    assert codes(out) == ["union-looks-like-name", "no-catch-all", "replace-whole-path"]
    assert lines[-1].startswith("3 warnings in 1 spec of ")


def test_every_warning_has_a_one_line_hint(tmp_path: Path) -> None:
    code, out = lint(tmp_path, TRAPS, "--format", "json")
    data = json.loads(out)
    assert data["warnings"] and all(w["hint"] and "\n" not in w["hint"] for w in data["warnings"])


def test_json_format(tmp_path: Path) -> None:
    code, out = lint(tmp_path, TRAPS, "-f", "json", *SHIPPED)
    assert code == 1
    data = json.loads(out)
    assert data["file"].endswith("spec.rela")
    assert data["specs"] == ["s"]
    assert data["fecs"] == 4
    assert data["outside_domain"] == {"s": 3}
    assert data["summary"]["by_code"] == {
        "no-catch-all": 1,
        "replace-whole-path": 1,
        "union-looks-like-name": 1,
    }
    first = data["warnings"][0]
    assert set(first) == {"spec", "code", "message", "hint", "line", "column"}
    assert (first["spec"], first["line"], first["column"]) == (None, 1, 12)
    assert "the input has the location `core1|default`" in first["message"]


def test_syntax_error_exits_2(tmp_path: Path) -> None:
    code, out = lint(tmp_path, "spec s { a : preserv }")
    assert code == 2
    assert "spec.rela:1:14: error: unknown modifier `preserv`" in out
    assert "Traceback" not in out


def test_unknown_spec_selected_exits_2(tmp_path: Path) -> None:
    code, out = lint(tmp_path, TRAPS, "--spec", "t")
    assert code == 2
    assert "--spec t: no spec or assert of that name" in out


def test_spec_selection(tmp_path: Path) -> None:
    text = TRAPS + "spec clean { .* : preserve }\n"
    code, out = lint(tmp_path, text, "--spec", "clean", "-f", "json")
    data = json.loads(out)
    assert data["specs"] == ["clean"]
    # the let's own warning stays: it is about the file, not a spec
    assert [w["code"] for w in data["warnings"]] == ["union-looks-like-name"]


def test_bad_change_exits_2(tmp_path: Path) -> None:
    code, out = lint(tmp_path, TRAPS, "--change", str(tmp_path / "missing.json"))
    assert code == 2
    assert "missing.json" in out


def test_output_file_and_refusing_to_overwrite_the_spec(tmp_path: Path) -> None:
    spec = tmp_path / "spec.rela"
    spec.write_text(TRAPS, encoding="utf-8")
    report = tmp_path / "lint.json"
    result = runner.invoke(app, ["lint", str(spec), "-f", "json", "-o", str(report)])
    assert result.exit_code == 1
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["warnings"] == 3
    result = runner.invoke(app, ["lint", str(spec), "-o", str(spec)])
    assert result.exit_code == 2
    assert spec.read_text(encoding="utf-8") == TRAPS


# ------------------------------------------------------------------ rela check


def _check(tmp_path: Path, fmt: str) -> tuple[int, str]:
    spec = tmp_path / "spec.rela"
    spec.write_text(TRAPS, encoding="utf-8")
    result = runner.invoke(app, ["check", str(spec), *SHIPPED, "-j", "1", "-f", fmt])
    return result.exit_code, result.output


def test_check_reports_the_lint_warnings_in_json(tmp_path: Path) -> None:
    code, out = _check(tmp_path, "json")
    data = json.loads(out)
    expected = [w.to_dict() for w in lint_module(parse_spec(TRAPS))]
    got = [w for w in data["warnings"] if w["code"] != "unknown-name" and w["code"] != "warning"]
    assert got == expected
    assert {w["code"] for w in got} == {
        "union-looks-like-name",
        "no-catch-all",
        "replace-whole-path",
    }


def test_check_reports_the_lint_warnings_in_every_format(tmp_path: Path) -> None:
    for fmt in ("text", "markdown", "junit"):
        code, out = _check(tmp_path, fmt)
        assert code == 1, fmt
        flat = " ".join(out.split())
        for fragment in ("replaces whole paths", "has no final catch-all", "is the union operator"):
            assert fragment in flat, (fmt, fragment)
