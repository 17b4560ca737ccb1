"""Regex attribute predicates cannot hang Rela: RE2 matching, invalid patterns refused at parse time.

``[device~"..."]`` is matched with google-re2 (linear time, no backtracking).
The classic catastrophic patterns run through the whole pipeline (spec file,
path snapshot with a 100,000-character location name, ``rela check``) in well
under a second per pattern; a backtracking matcher would not finish.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rela.cli import app
from rela.errors import SpecSemanticError, SpecSyntaxError
from rela.lang import parse_spec
from rela.network.model import Fec, Graph
from rela.verify import verify

from .helpers import assert_located

runner = CliRunner()
LONG = "a" * 100_000

CATASTROPHIC = [
    "(a+)+$",
    "(a|aa)+b",
    "(a|a)*c",
    "^(a*)*$x",
    "(.*a){20}",
    "(.*){1000}(.*){1000}z",
]


def _snapshot(path: Path, name: str, tail: str) -> None:
    fecs = [{"key": "k", "traffic": [], "paths": [[name, tail], [f"{name}|vrf|{name}", tail]]}]
    path.write_text(json.dumps({"format": "rela-snapshot/1", "fecs": fecs}), encoding="utf-8")


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_patterns_on_a_100k_name_through_rela_check(
    pattern: str, tmp_path: Path
) -> None:
    spec = tmp_path / "spec.rela"
    spec.write_text(
        f'spec s {{ [device~"{pattern}"] . : preserve else .* : preserve }}\n'
        f'spec t {{ [interface~"{pattern}"] : drop else .* : preserve }}\n',
        encoding="utf-8",
    )
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    _snapshot(before, LONG + "b", "z")  # "...ab": the worst case for (a+)+$ and friends
    _snapshot(after, LONG + "b", "y")
    t0 = time.perf_counter()
    result = runner.invoke(
        app,
        ["check", str(spec), "--before", str(before), "--after", str(after)]
        + ["-g", "interface", "-j", "1", "-f", "json", "--no-progress", "--fec-timeout", "30"],
    )
    elapsed = time.perf_counter() - t0
    assert result.exit_code == 1, result.output  # the paths changed: violated, not hung
    report = json.loads(result.stdout)
    assert report["fecs_read"] == 1
    assert [s["fecs"]["violated"] for s in report["specs"]] == [1, 1]
    assert elapsed < 10, f"{pattern!r} took {elapsed:.1f} s"


def test_catastrophic_pattern_matches_correctly_on_long_names() -> None:
    """RE2 gives the right answer quickly, both ways."""
    module = parse_spec(
        'spec s { .* : remove([device~"^(a+)+$"] .*) }\n'
        'spec t { .* : remove([device~"(a|aa)+b$"] .*) }'
    )
    before = Graph.from_paths([[LONG], [LONG + "b"]])
    after = Graph.from_paths([[LONG + "b"]])
    t0 = time.perf_counter()
    report = verify(module, [Fec(0, "k", (), before, after)])
    assert time.perf_counter() - t0 < 10
    s, t = report.specs
    # s removes the all-a name (matches ^(a+)+$), t removes the one ending in b
    assert (s.holds, t.violated) == (1, 1)
    assert {v.flow for v in t.violations} == {LONG, LONG + "b"}


def test_unencodable_label_does_not_break_regex_matching() -> None:
    """Lone surrogates (only in hand-built graphs: loaders refuse them) match as '?'."""
    module = parse_spec('spec s { .* : remove([device~"^x.y$"]) }')
    report = verify(module, [Fec(0, "k", (), Graph.from_paths([["x\ud800y"]]), Graph.empty())])
    assert report.specs[0].holds == 1


INVALID = [
    ("(", "missing )"),
    ("a)", "unexpected )"),
    ("(?=a)", "(?="),
    ("(?!a)", "(?!"),
    ("(?<=a)b", "(?<="),
    ("(?<!a)b", "(?<!"),
    ("(a)\\1", "\\1"),
    ("(?P<n>a)(?P=n)", "(?P"),
    ("a{100000}", "repetition"),
    ("((a{1000}){1000}){1000}", "repetition"),
    ("[z-a]", "range"),
    ("\\Z", "escape"),
    ("*a", "no argument"),
]


@pytest.mark.parametrize(("pattern", "detail"), INVALID)
@pytest.mark.parametrize("attr", ["device", "vrf", "interface", "group"])
def test_invalid_patterns_are_located_parse_errors(pattern: str, detail: str, attr: str) -> None:
    text = f'# a comment line\nspec s {{\n  a . [^{attr}~"{pattern}"]* : preserve\n}}\n'
    with pytest.raises(SpecSemanticError) as info:
        parse_spec(text, "re.rela")
    rendered = assert_located(info.value, "re.rela", position=True)
    assert (info.value.line, info.value.column) == (3, text.splitlines()[2].index('"') + 1)
    assert detail.lower() in rendered.lower()
    assert "RE2" in rendered


def test_invalid_pattern_makes_rela_check_exit_2(tmp_path: Path) -> None:
    spec = tmp_path / "bad.rela"
    spec.write_text('spec s { [device~"(?<=core)1"] : preserve }\n', encoding="utf-8")
    snap = Path(__file__).resolve().parents[2] / "snapshots" / "paths" / "core-costout"
    result = runner.invoke(
        app,
        ["check", str(spec), "--before", str(snap / "before.json")]
        + ["--after", str(snap / "after.json"), "--no-progress"],
    )
    assert result.exit_code == 2
    assert f"{spec}:1:18" in result.stderr
    assert "Traceback" not in result.output


def test_unterminated_pattern_string_is_a_syntax_error() -> None:
    with pytest.raises(SpecSyntaxError) as info:
        parse_spec('spec s { [device~"\\"] : preserve }', "re.rela")
    assert_located(info.value, "re.rela", position=True)
