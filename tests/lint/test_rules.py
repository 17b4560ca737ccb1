"""One test per lint rule, positive and negative, through ``rela lint``: on the shipped
example change (snapshots/paths/core-costout) and on the real Rela dataset sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from rela.lang import load_spec
from rela.lint import lint_module
from tests.lint.helpers import REAL, SHIPPED, SPECS, codes, lint, needs_data

# rule -> (spec with the trap, the same intent without it, text the warning must contain)
SHIPPED_CASES = {
    "no-catch-all": (
        "spec retire {\n  if dst in 10.9.0.0/24 {\n    . : preserve then .* : drop\n  }\n}\n",
        (SPECS / "drop-prefix.rela").read_text(encoding="utf-8"),
        "no final catch-all when `dst in 10.9.0.0/24` is false: paths outside its domain (e.g. "
        "`(other)`, where `(other)` is any location the spec does not name) are not compared, "
        "so an unintended change to them passes; 3 of 4 FECs of the change have such paths",
    ),
    "drop-admitted": (
        "spec drain {\n  .* core1 leaf1 .* : any(.* core2 leaf1 .*)\n  else .* : preserve\n}\n",
        (SPECS / "drain-link.rela").read_text(encoding="utf-8"),
        "`any(.* core2 leaf1 .*)` admits paths that end in `drop`",
    ),
    "replace-no-match": (
        "spec s {\n  .* core1 .* : replace(leaf1 core2, core1)\n  else .* : preserve\n}\n",
        (SPECS / "costout.rela").read_text(encoding="utf-8"),
        "`leaf1 core2` matches no path of the zone `.* core1 .*`",
    ),
    "replace-whole-path": (
        "spec s {\n  .* core1 .* : replace(core1, core2)\n  else .* : preserve\n}\n",
        (SPECS / "costout.rela").read_text(encoding="utf-8"),
        "[^core1]* : preserve then core1 : replace(core1, core2) then [^core1]* : preserve",
    ),
    "union-looks-like-name": (
        "spec s {\n  .* core1|default .* : drop\n  else .* : preserve\n}\n",
        'spec s {\n  .* "core1|default" .* : drop\n  else .* : preserve\n}\n',
        "the input has the location `core1|default`",
    ),
    "open-attribute-class": (
        'spec s {\n  border1 core1 leaf1 : add(border1 [device~"^core"] leaf1)\n'
        "  else .* : preserve\n}\n",
        (SPECS / "add-path.rela").read_text(encoding="utf-8"),
        '`[device~"^core"]` in `add(...)`',
    ),
    "shadowed-guard": (
        "spec retire {\n  if dst in 10.0.0.0/8 { .* : preserve }\n"
        "  else { if dst in 10.9.0.0/24 { . : preserve then .* : drop } else { .* : preserve } }\n}\n",
        (SPECS / "drop-prefix.rela").read_text(encoding="utf-8"),
        "the enclosing `if dst in 10.0.0.0/8` (line 2) leaves no packet for it",
    ),
    "vacuous-clause": (
        "spec s {\n  .* : preserve\n  else .* core1 .* : drop\n}\n",
        (SPECS / "costout.rela").read_text(encoding="utf-8"),
        "`else .* core1 .* : drop` never applies",
    ),
    "keyword-as-name": (
        "spec s {\n  .* core1 preserve then .* : drop\n  else .* : preserve\n}\n",
        'spec s {\n  .* core1 "preserve" "then" .* : drop\n  else .* : preserve\n}\n',
        "`preserve` is read as a location name in this zone",
    ),
    "unknown-name": (
        "spec s {\n  .* core9 .* : drop\n  else .* : preserve\n}\n",
        "spec s {\n  .* core2 .* : drop\n  else .* : preserve\n}\n",
        "name 'core9' matches no location of the input; closest: core2, core1",
    ),
}

REAL_CASES = {
    "no-catch-all": (
        "spec s { .* Device1986 .* : preserve }\n",
        "spec s { .* : preserve }\n",
        "of 112 FECs of the change have such paths",
    ),
    "drop-admitted": (
        "spec s { .* Device1986 .* : any(.* Device1986 .*) else .* : preserve }\n",
        "spec s { .* Device1986 .* : any(.* Device1986 [^drop]*) else .* : preserve }\n",
        "admits paths that end in `drop`",
    ),
    "replace-no-match": (
        "spec s { .* Device1986 .* : replace(Device1189, Device713) else .* : preserve }\n",
        "spec s { .* Device1986 .* : replace(.* Device1986 .*, Device713) else .* : preserve }\n",
        "`Device1189` matches no path of the zone",
    ),
    "replace-whole-path": (
        "spec s { .* Device1986 .* : replace(Device1986, Device713) else .* : preserve }\n",
        "spec s { [^Device1986]* : preserve then Device1986 : replace(Device1986, Device713)"
        " then [^Device1986]* : preserve else .* : preserve }\n",
        "replaces whole paths",
    ),
    "union-looks-like-name": (
        "spec s { .* Device1986|Device1189 .* : drop else .* : preserve }\n",
        "spec s { .* Device1986 | Device1189 .* : drop else .* : preserve }\n",
        "reads `.* Device1986 | Device1189 .*`, a union of `Device1986` and `Device1189`",
    ),
    "open-attribute-class": (
        'spec s { Device101 .* : add(Device101 [group~"Group1"] .*) else .* : preserve }\n',
        "spec s { Device101 .* : add(Device101 Device1986 Device2162) else .* : preserve }\n",
        "`[group~Group1]` in `add(...)` stands for every matching location",
    ),
    "shadowed-guard": (
        "spec s { if dst in 0.0.0.0/1 { .* : preserve } "
        "else { if dst in 10.0.0.0/8 { .* : drop } else { .* : preserve } } }\n",
        "spec s { if dst in 10.0.0.0/8 { .* : drop } "
        "else { if dst in 0.0.0.0/1 { .* : preserve } else { .* : preserve } } }\n",
        "`if dst in 10.0.0.0/8`: its block can never apply",
    ),
    "vacuous-clause": (
        "spec s { .* Device1986 .* : preserve else Device101 Device1986 .* : drop "
        "else .* : preserve }\n",
        "spec s { Device101 Device1986 .* : drop else .* Device1986 .* : preserve "
        "else .* : preserve }\n",
        "never applies",
    ),
    "keyword-as-name": (
        "spec s { .* Device1986 replace then .* : drop else .* : preserve }\n",
        "spec s { .* Device1986 : replace(Device1986, Device713) then .* : preserve"
        " else .* : preserve }\n",
        "`replace` is read as a location name",
    ),
    "unknown-name": (
        "spec s { .* Device19860 .* : drop else .* : preserve }\n",
        "spec s { .* Device1986 .* : drop else .* : preserve }\n",
        "name 'Device19860' matches no location of the input; closest: Device1986",
    ),
}


def _run(tmp_path: Path, case: tuple[str, str, str], rule: str, data: tuple[str, ...]) -> None:
    trap, fixed, expected = case
    code, out = lint(tmp_path, trap, *data)
    assert code == 1, out
    assert rule in codes(out), out
    assert expected in out, out
    code, out = lint(tmp_path, fixed, *data)
    assert rule not in codes(out), out
    assert code == (1 if codes(out) else 0), out


@pytest.mark.parametrize("rule", sorted(SHIPPED_CASES))
def test_rule_on_the_shipped_example(tmp_path: Path, rule: str) -> None:
    _run(tmp_path, SHIPPED_CASES[rule], rule, SHIPPED)


@needs_data
@pytest.mark.parametrize("rule", sorted(REAL_CASES))
def test_rule_on_the_real_sample(tmp_path: Path, rule: str) -> None:
    _run(tmp_path, REAL_CASES[rule], rule, REAL)


def test_every_rule_has_cases() -> None:
    from rela.lint import rules

    documented = {
        line.split("``")[1] for line in rules.__doc__.splitlines() if line.startswith("| ``")
    }
    assert documented | {"unknown-name"} == set(SHIPPED_CASES) == set(REAL_CASES)


@pytest.mark.parametrize("spec", sorted(SPECS.glob("*.rela")), ids=lambda p: p.stem)
def test_shipped_example_specs_are_clean(spec: Path) -> None:
    assert lint_module(load_spec(spec)) == (), spec


def test_shipped_lint_examples(tmp_path: Path) -> None:
    """snapshots/lint/traps.rela shows every rule; fixed.rela, the same intents, is clean."""
    lint_dir = SPECS.parent / "lint"
    code, out = lint(tmp_path, (lint_dir / "traps.rela").read_text(encoding="utf-8"), *SHIPPED)
    assert code == 1
    assert set(codes(out)) == set(SHIPPED_CASES)
    code, out = lint(tmp_path, (lint_dir / "fixed.rela").read_text(encoding="utf-8"), *SHIPPED)
    assert (code, codes(out)) == (0, [])
