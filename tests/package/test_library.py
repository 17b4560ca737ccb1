"""The library as a change-management tool uses it (issue 17 §2): violations say their spec,
wrong arguments say what to pass, errors name parameters, ``dir(rela)`` is the API."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import rela
from rela.cli.app import cli_wording

REPO = Path(__file__).resolve().parents[2]
COSTOUT = REPO / "snapshots" / "paths" / "core-costout"
GROUPS = REPO / "snapshots" / "paths" / "groups.json"
TWO_SPECS = """
spec same { .* : preserve }
spec costout {
  [^core1]* : preserve then core1 : replace(core1, core2) then [^core1]* : preserve
  else .* : preserve
}
"""


def _change(**kwargs: object) -> rela.Report:
    change = rela.load_change(
        before=COSTOUT / "before.json", after=COSTOUT / "after.json", **kwargs
    )  # type: ignore[arg-type]
    return rela.verify(rela.parse_spec(TWO_SPECS), change)


def test_iterating_a_report_yields_violations_that_name_their_spec() -> None:
    report = _change()
    flat = list(report)
    assert flat and all(isinstance(v, rela.Violation) for v in flat)
    by_spec = {s.name: list(s.violations) for s in report.specs}
    assert {v.spec for v in flat} == {name for name, vs in by_spec.items() if vs}
    for name, violations in by_spec.items():
        assert all(v.spec == name for v in violations)
    # the flat walk is the specs' violations in report order
    assert flat == [v for s in report.specs for v in s.violations]


@pytest.mark.parametrize(
    ("spec", "change", "needle"),
    [
        ("costout.rela", [], "pass rela.load_spec(path) for a spec file, or rela.parse_spec(text)"),
        (Path("costout.rela"), [], "not a PosixPath: pass rela.load_spec(path)"),
        ("spec s { .* : preserve }", [], "rela.parse_spec(text) for spec text"),
        (None, [], "takes a parsed spec, not a NoneType"),
        ("MODULE", "change.json", "pass rela.load_change(change=PATH)"),
        ("MODULE", COSTOUT, "not a PosixPath: pass rela.load_change(change=PATH)"),
    ],
)
def test_verify_with_the_wrong_arguments_says_what_to_pass(
    spec: object, change: object, needle: str
) -> None:
    module = rela.parse_spec("spec s { .* : preserve }")
    with pytest.raises(TypeError) as err:
        rela.verify(module if spec == "MODULE" else spec, change)  # type: ignore[arg-type]
    assert needle in str(err.value)


def test_specs_given_as_one_string_is_a_type_error() -> None:
    module = rela.parse_spec("spec s { .* : preserve }")
    with pytest.raises(TypeError, match=re.escape("specs=['s']")):
        rela.verify(module, [], specs="s")


@pytest.mark.parametrize(
    ("kwargs", "library", "cli"),
    [
        ({}, "give change=PATH, or before=PATH and after=PATH",
         "give --change PATH, or --before PATH and --after PATH"),
        ({"change": "c.json", "before": "b.json"}, "give either change= or before=/after=",
         "give either --change or --before/--after"),
        ({"before": "b.json"}, "before= and after= go together", "--before and --after go together"),
        ({"change": "c.json", "granularity": "group"}, "granularity='group' needs groups=MAP.json",
         "--granularity 'group' needs --groups MAP.json"),
        ({"change": "c.json", "dst": ["10.0.0.0/33"]}, "dst='10.0.0.0/33' is not an IP prefix",
         "--dst '10.0.0.0/33' is not an IP prefix"),
    ],
)  # fmt: skip
def test_library_errors_name_parameters_and_the_cli_names_flags(
    kwargs: dict[str, object], library: str, cli: str
) -> None:
    with pytest.raises(rela.UsageError) as err:
        rela.load_change(**kwargs)  # type: ignore[arg-type]
    assert library in err.value.message
    assert "--" not in err.value.render()
    assert cli in cli_wording(err.value.message)


def test_the_cli_says_flags_for_the_same_errors() -> None:
    from typer.testing import CliRunner

    from rela.cli import app

    result = CliRunner().invoke(app, ["show", "--change", "c.json", "-g", "group"])
    assert result.exit_code == 2
    assert "--granularity 'group' needs --groups MAP.json" in result.stderr


def test_groups_accepts_a_mapping_or_a_path() -> None:
    by_path = _change(granularity="group", groups=GROUPS)
    by_str = _change(granularity="group", groups=str(GROUPS))
    by_mapping = _change(granularity="group", groups=json.loads(GROUPS.read_text()))

    def outcome(r: rela.Report) -> list[tuple[str, int, int, int]]:
        return [(s.name, s.total, s.holds, s.violated) for s in r.specs]

    assert outcome(by_path) == outcome(by_str) == outcome(by_mapping)
    assert list(by_path) == list(by_str) == list(by_mapping)
    assert any("CORE|default" in v.flow or "BORDER" in v.flow for v in by_mapping)
    assert by_mapping.meta["granularity"] == "group"


def test_dir_shows_only_the_public_api() -> None:
    assert dir(rela) == sorted(rela.__all__)
    for name in rela.__all__:
        assert hasattr(rela, name), name
    assert {"verify", "load_change", "load_spec", "parse_spec", "Report", "Violation"} <= set(
        dir(rela)
    )
    assert not {"annotations", "TYPE_CHECKING", "Sequence", "os", "errors", "results"} & set(
        dir(rela)
    )


def test_version_is_the_distribution_version() -> None:
    from importlib.metadata import version

    assert version("rela-verify") == rela.__version__
