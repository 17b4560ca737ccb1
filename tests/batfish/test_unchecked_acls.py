"""A changed ACL that no traffic of the run reaches is named (``acl-change-unchecked``).

Without ``--start``, traffic starts at every device: it is what the devices
originate, and it enters no device through an interface that faces outside
the network, so a change to such an interface's ingress ACL is invisible to
the run.  The oracle: for a change of one filter, either some FEC's graphs
differ between the snapshots or the filter is named in a warning, never both.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import rela.cli  # noqa: F401  (registers the commands)
from rela.cli.app import app
from rela.network.formats.batfish import BuiltChange, build_change, find_export
from rela.network.routing import Snapshot

ACL = Path(__file__).resolve().parents[2] / "snapshots" / "batfish" / "acl"
#: Starts that keep the computation small: the outside faces of the borders are not among them.
STARTS = ("border2[Ethernet0]", "spine1")
CODE = "acl-change-unchecked"


@pytest.fixture(scope="module")
def base() -> Snapshot:
    return find_export(ACL / "base").load()


def with_filter(snap: Snapshot, device: str, iface: str, way: str, acl: str | None) -> Snapshot:
    """``snap`` with ``acl`` (None: no ACL) filtering ``device[iface]`` in direction ``way``."""
    field = "in_filter" if way == "in" else "out_filter"
    rows = tuple(
        replace(i, **{field: acl}) if (i.node, i.interface) == (device, iface) else i
        for i in snap.interfaces
    )
    assert rows != snap.interfaces or getattr(_row(snap, device, iface), field) == acl
    return replace(snap, interfaces=rows)


def _row(snap: Snapshot, device: str, iface: str) -> Any:
    return next(i for i in snap.interfaces if (i.node, i.interface) == (device, iface))


def unchecked(built: BuiltChange) -> list[str]:
    return [w.message for w in built.warnings if w.code == CODE]


def visible(built: BuiltChange) -> bool:
    """Whether the run sees any difference between the snapshots."""
    return any(f.problem or f.before != f.after for f in built.fecs)


def _points() -> list[tuple[str, str, str]]:
    snap = find_export(ACL / "base").load()
    return [
        (i.node, i.interface, way)
        for i in snap.interfaces
        if i.node in ("border1", "border2", "leaf1", "core2")
        for way in ("in", "out")
    ]


def test_the_base_run_sees_no_difference(base: Snapshot) -> None:
    built = build_change(base, base, start=STARTS)
    assert not visible(built) and built.warnings == ()


@pytest.mark.parametrize("point", _points(), ids=lambda p: f"{p[0]}[{p[1]}]-{p[2]}")
def test_a_changed_filter_is_either_seen_or_named(
    base: Snapshot, point: tuple[str, str, str]
) -> None:
    # an ACL that is not defined decides no packet: a change of every packet it filters
    after = with_filter(base, *point, "NO_SUCH_ACL")
    built = build_change(base, after, start=STARTS)
    named = unchecked(built)
    device, iface, way = point
    assert visible(built) != bool(named), (visible(built), named)
    if named:
        (message,) = named
        assert message.startswith(f"{device}[{iface}] {way}: ACL ")


def test_an_identical_acl_under_another_name_changes_nothing(base: Snapshot) -> None:
    assert base.acls is not None
    original = next(a for a in base.acls if (a.node, a.name) == ("border1", "OUTSIDE_TO_INSIDE"))
    acls = (*base.acls, replace(original, name="COPY_OF_OUTSIDE"))
    after = with_filter(replace(base, acls=acls), "border1", "Ethernet0", "in", "COPY_OF_OUTSIDE")
    built = build_change(base, after, start=STARTS)
    assert not visible(built) and unchecked(built) == []


def test_a_removed_ingress_acl_is_named_until_a_start_enters_there(base: Snapshot) -> None:
    after = with_filter(base, "border1", "Ethernet0", "in", None)
    built = build_change(base, after, start=STARTS)
    assert not visible(built)
    assert unchecked(built) == [
        "border1[Ethernet0] in: ACL OUTSIDE_TO_INSIDE was removed, but no traffic of this "
        "run that it decides differently enters through that interface, so this change "
        "is not checked"
    ]
    (warning,) = [w for w in built.warnings if w.code == CODE]
    assert warning.hint is not None and "--start 'border1[Ethernet0]'" in warning.hint
    entering = build_change(base, after, start=(*STARTS, "border1[Ethernet0]"))
    assert visible(entering) and unchecked(entering) == []


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


EXPORTS = ["--before", str(ACL / "base"), "--after", str(ACL / "change3"), "--start", "spine1"]


def test_check_names_the_unchecked_acls_and_strict_fails(tmp_path: Path) -> None:
    spec = tmp_path / "keep.rela"
    spec.write_text("spec keep { .* : preserve }\n")
    text = run("check", str(spec), *EXPORTS)
    assert text.exit_code == 0, text.stderr
    for border in ("border1", "border2"):
        assert f"{border}[Ethernet0] in: ACL OUTSIDE_TO_INSIDE changed" in text.stdout
    # the one-line verdict (-q, what CI logs show) says so too
    quiet = run("check", str(spec), *EXPORTS, "-q")
    assert quiet.exit_code == 0
    assert quiet.stdout.strip() == (
        "PASS: 1 spec holds on 23 FECs; 2 ACL changes not checked (acl-change-unchecked)"
    )
    strict = run("check", str(spec), *EXPORTS, "--strict", "--format", "json")
    assert strict.exit_code == 1
    codes = [w["code"] for w in json.loads(strict.stdout)["warnings"]]
    assert codes == [CODE, CODE]


def test_diff_shows_the_warning_in_every_format() -> None:
    text = run("diff", *EXPORTS)
    assert text.exit_code == 0, text.stderr
    assert (
        "UNCHANGED: 23 FECs compared, no path changed; 2 ACL changes not checked "
        "(acl-change-unchecked)"
    ) in text.stdout
    assert "warning: border1[Ethernet0] in: ACL OUTSIDE_TO_INSIDE changed" in text.stdout
    assert f"[{CODE}]" in text.stdout and "hint: check the traffic entering there" in text.stdout
    js = json.loads(run("diff", *EXPORTS, "--format", "json").stdout)
    assert [w["code"] for w in js["warnings"]] == [CODE, CODE]
    md = run("diff", *EXPORTS, "--format", "markdown").stdout
    assert "### Warnings" in md and f"**{CODE}**" in md
    html = run("diff", *EXPORTS, "--format", "html").stdout
    assert '<section id="warnings">' in html and f"<code>{CODE}</code>" in html


def test_show_names_the_unchecked_acls_on_stderr_and_in_json() -> None:
    text = run("show", *EXPORTS, "--dst", "10.100.2.10")
    assert text.exit_code == 0, text.stderr
    assert "border1[Ethernet0] in: ACL OUTSIDE_TO_INSIDE changed" in text.stderr
    assert f"[{CODE}]" in text.stderr and CODE not in text.stdout
    js = run("show", *EXPORTS, "--dst", "10.100.2.10", "--format", "json")
    assert [w["code"] for w in json.loads(js.stdout)["warnings"]] == [CODE, CODE]
