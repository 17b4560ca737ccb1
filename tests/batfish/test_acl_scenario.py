"""Acceptance: the tutorial's ACL change end to end (our example network and the tutorial's exports).

``change3`` opens HTTP at the borders meaning to reach the web host, but leaf1's
egress ACL also lets HTTP through to the database host; ``change4`` fixes leaf1.
Routes are identical to ``base``: only a header-space data plane sees the change.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import rela.cli  # noqa: F401  (registers the commands)
from rela.cli.app import app
from rela.lang import parse_spec
from rela.network.dataplane import DENIED_IN, DENIED_OUT, DROP
from rela.network.formats.batfish import BatfishChange, load_batfish_change
from rela.verify import verify

ROOT = Path(__file__).resolve().parents[2]
OURS = ROOT / "snapshots" / "batfish"
DATA = ROOT / ".." / "shared" / "data" / "batfish-fcv"
HAVE_DATA = (DATA / "base-named-structure.json").exists()

# (exports root, start locations, web host, its address, db host, its address)
CASES = {
    "example": (OURS / "acl", ("border1[Ethernet0]", "border2[Ethernet0]"),
                "host-web", "10.100.1.10", "host-db", "10.100.2.10"),
    "tutorial": (DATA, ("border1[GigabitEthernet0/0]", "border2[GigabitEthernet0/0]"),
                 "host-www", "2.128.1.1", "host-db", "2.128.0.1"),
}  # fmt: skip

#: "Nothing else changes", without guards: dropped traffic stays dropped (wherever
#: it is dropped: a deny or a null route), the rest keeps its paths.
NOTHING_ELSE = """
spec nothing_else {
  .* "drop" : any(.* "drop")
  else .* : preserve
}
"""


def http_spec(web_host: str, web_ip: str) -> str:
    """The intent with header guards (as snapshots/batfish/http.rela)."""
    return f"""
spec http {{
  if dst in {web_ip}/32 and proto = tcp and dport = 80 {{
    .* : any(.* {web_host})
  }} else {{
    .* "drop" : any(.* "drop")
    else .* : preserve
  }}
}}
"""


def change(case: str, after: str, **kw: Any) -> BatfishChange:
    root, start, *_ = CASES[case]
    if case == "tutorial" and not HAVE_DATA:
        pytest.skip("no batfish-fcv data")
    before, after_path = (root / "base", root / after)
    return load_batfish_change(before, after_path, start=start, **kw)


def holding(fecs: Any, dst: str, proto: int = 6, dport: int = 80) -> Any:
    """The FEC whose traffic keys hold packets to ``dst`` with this protocol and port."""
    import ipaddress

    found = [
        f
        for f in fecs
        if any(
            t.dst is not None
            and ipaddress.ip_address(dst) in ipaddress.ip_network(t.dst)
            and t.protocol in (None, proto)
            and (t.dst_ports is None or t.dst_ports[0] <= dport <= t.dst_ports[1])
            for t in f.traffic
        )
    ]
    assert len(found) == 1, [f.key for f in found]
    return found[0]


def violated_keys(case: str, after: str, spec: str) -> set[str]:
    report = verify(parse_spec(spec), change(case, after))
    (result,) = report.specs
    assert result.errors == 0
    return {v.fec.key or "" for v in result.violations}


@pytest.mark.parametrize("case", sorted(CASES))
def test_change3_opens_http_to_both_hosts_and_change4_to_the_web_host_only(case: str) -> None:
    _, _, web, web_ip, db, db_ip = CASES[case]
    c3 = change(case, "change3")
    assert c3.models_acls and c3.warnings == ()
    by_key = {f.key: f for f in c3}
    http_db = by_key[f"dst {db_ip}/32, tcp, dport 80"]
    flows = {p[0] for p in http_db.before.paths()}
    assert {p[-1] for p in http_db.before.paths()} == {DENIED_IN}  # the borders' ingress ACL
    assert {p[-1] for p in http_db.after.paths()} == {db}
    assert {p[0] for p in http_db.after.paths()} == flows == {"border1", "border2"}
    http_web = by_key[f"dst {web_ip}/32, tcp, dport 80"]
    assert {p[-1] for p in http_web.after.paths()} == {web}
    c4 = list(change(case, "change4"))
    fixed = holding(c4, db_ip)
    assert {p[-2:] for p in fixed.after.paths()} == {("leaf1", DENIED_OUT)}  # leaf1's egress ACL
    assert {p[-1] for p in holding(c4, web_ip).after.paths()} == {web}
    # SSH to both hosts is as before
    for ip, host in ((web_ip, web), (db_ip, db)):
        ssh = holding(c4, ip, 6, 22)
        assert ssh.before == ssh.after and {p[-1] for p in ssh.after.paths()} == {host}


@pytest.mark.parametrize("case", sorted(CASES))
def test_nothing_else_changes_except_http_to_the_hosts(case: str) -> None:
    _, _, _, web_ip, _, db_ip = CASES[case]
    web, db = f"dst {web_ip}/32, tcp, dport 80", f"dst {db_ip}/32, tcp, dport 80"
    assert violated_keys(case, "change3", NOTHING_ELSE) == {web, db}
    assert violated_keys(case, "change4", NOTHING_ELSE) == {web}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_intent_with_header_guards(case: str) -> None:
    _, _, web, web_ip, _, db_ip = CASES[case]
    spec = http_spec(web, web_ip)
    # change3 is violated exactly for HTTP to the database host: its after paths reach it
    report = verify(parse_spec(spec), change(case, "change3"))
    (result,) = report.specs
    assert result.errors == 0 and result.violated == 1
    assert {v.fec.key for v in result.violations} == {f"dst {db_ip}/32, tcp, dport 80"}
    for v in result.violations:
        assert v.actual and all(p[-1] == "host-db" for p in v.actual)
    # change4 holds
    assert verify(parse_spec(spec), change(case, "change4")).holds
    if case == "example":
        assert parse_spec((OURS / "http.rela").read_text()) == parse_spec(spec)


@pytest.mark.parametrize("case", sorted(CASES))
def test_route_only_changes_keep_their_verdicts_and_say_acls_are_not_modelled(case: str) -> None:
    root, start, *_ = CASES[case]
    if case == "tutorial" and not HAVE_DATA:
        pytest.skip("no batfish-fcv data")
    costout = parse_spec((OURS / "costout.rela").read_text())
    # ACL exports on one side only (the tutorial's change1/change2 have none)
    before = root / "base"
    afters = {
        "example": (OURS / "change1", OURS / "change2"),
        "tutorial": (DATA / "change1", DATA / "change2"),
    }
    dst = "10.100.0.0/16" if case == "example" else "2.128.0.0/16"
    c1 = load_batfish_change(before, afters[case][0], start=start, dst=[dst])
    assert not c1.models_acls
    assert [w.code for w in c1.warnings] == ["acl-not-modelled"]
    assert "no namedStructures() answer" in c1.warnings[0].message
    assert not verify(costout, c1).holds
    c2 = load_batfish_change(before, afters[case][1], start=start, dst=[dst])
    assert verify(costout, c2).holds


def test_without_acl_exports_fecs_are_destination_prefixes_as_before() -> None:
    c = load_batfish_change(OURS / "base", OURS / "change2", start=["border1[Ethernet0]"])
    assert not c.models_acls and c.warnings == ()
    for fec in c:
        assert all(set(t.to_dict()) == {"dstIp"} for t in fec.traffic)


def _with_icmp_echo_line(tmp_path: Path) -> Path:
    """acl/change4 with an ICMP-type line (not modelled) inserted in leaf1's egress ACL."""
    copy = tmp_path / "change4"
    shutil.copytree(OURS / "acl" / "change4", copy)
    rows = json.loads((copy / "named-structure.json").read_text())
    for row in rows:
        if row["Node"] == "leaf1" and row["Structure_Name"] == "RESTRICT_HOST_TRAFFIC_OUT":
            echo = json.loads(json.dumps(row["Structure_Definition"]["lines"][-1]))
            echo["action"] = "PERMIT"
            echo["name"] = "permit icmp any any echo"
            echo["matchCondition"]["headerSpace"].update(ipProtocols=["ICMP"], icmpTypes=["8-8"])
            row["Structure_Definition"]["lines"].insert(1, echo)
    (copy / "named-structure.json").write_text(json.dumps(rows))
    return copy


def test_an_unmodelled_acl_line_is_a_warning_and_the_traffic_reaching_it_an_error(
    tmp_path: Path,
) -> None:
    after = _with_icmp_echo_line(tmp_path)
    c = load_batfish_change(
        OURS / "acl" / "base", after, start=["border1[Ethernet0]"], dst=["10.100.0.0/16"]
    )
    warning, unchecked = c.warnings
    assert warning.code == "acl-unsupported"
    # change4 also opens HTTP at border2's outside face, where no start enters
    assert unchecked.code == "acl-change-unchecked"
    assert unchecked.message.startswith("border2[Ethernet0] in: ACL OUTSIDE_TO_INSIDE changed")
    assert "leaf1" in warning.message and "RESTRICT_HOST_TRAFFIC_OUT" in warning.message
    assert (
        "line 1 ('permit icmp any any echo')" in warning.message and "icmpTypes" in warning.message
    )
    fecs = list(c)
    errors = [f for f in fecs if f.problem is not None]
    # what reaches line 1 of leaf1's egress ACL after the change: traffic to the
    # hosts' subnets the borders let through, that line 0 (HTTP to host-web) does not take
    assert errors and all("RESTRICT_HOST_TRAFFIC_OUT" in f.problem for f in errors)
    assert all(t.protocol in (6, 17) for f in errors for t in f.traffic)
    # the rest is decided, e.g. HTTP to host-web (line 0) and anything the borders deny
    decided = {f.key for f in fecs if f.problem is None}
    assert "dst 10.100.1.10/32, tcp, dport 80" in decided
    assert all(f.undecided for f in errors)  # the input is fine: not a malformed FEC
    report = verify(parse_spec(NOTHING_ELSE), c)
    assert report.specs[0].errors == len(errors) and not report.holds
    assert report.input_errors == 0


def test_cli_check_an_unmodelled_acl_line_is_exit_1_not_bad_input(tmp_path: Path) -> None:
    after = _with_icmp_echo_line(tmp_path)
    spec = tmp_path / "same.rela"
    spec.write_text(NOTHING_ELSE)
    args = ["check", str(spec), "--before", str(OURS / "acl" / "base"), "--after", str(after)]
    result = CliRunner().invoke(app, [*args, *START, "-f", "json"])
    assert result.exit_code == 1, result.output  # an error verdict, like a resource limit
    doc = json.loads(result.stdout)
    messages = [e["message"] for s in doc["specs"] for e in s["errors"]]
    assert messages and all("cannot be decided" in m for m in messages)
    assert "malformed" not in result.stderr


# ------------------------------------------------------------------ the CLI


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


ACL = OURS / "acl"
START = ["--start", "border1[Ethernet0]", "--start", "border2[Ethernet0]"]


def test_cli_change_build_then_check(tmp_path: Path) -> None:
    out = tmp_path / "c3.json"
    result = run(
        "change",
        "build",
        "--before",
        str(ACL / "base"),
        "--after",
        str(ACL / "change3"),
        *START,
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(out.read_text())
    db = next(f for f in data if f["key"] == "dst 10.100.2.10/32, tcp, dport 80")
    assert db["ipTrafficKeys"] == [{"dstIp": "10.100.2.10/32", "protocol": 6, "dstPort": 80}]
    assert db["graphBefore"]["nodeToOutEdgesMap"]["border1"] == {DENIED_IN: []}
    assert "host-db" in db["graphAfter"]["sinkNodes"]
    spec = tmp_path / "nothing.rela"
    spec.write_text(NOTHING_ELSE)
    checked = run("check", str(spec), "--change", str(out), "--format", "json")
    assert checked.exit_code == 1, checked.stderr
    report = json.loads(checked.stdout)
    keys = {v["fec"]["key"] for s in report["specs"] for v in s["violations"]}
    assert keys == {"dst 10.100.1.10/32, tcp, dport 80", "dst 10.100.2.10/32, tcp, dport 80"}


def test_cli_change_build_refuses_fecs_it_cannot_decide(tmp_path: Path) -> None:
    after = _with_icmp_echo_line(tmp_path)
    result = run(
        "change",
        "build",
        "--before",
        str(ACL / "base"),
        "--after",
        str(after),
        *START,
        "-o",
        str(tmp_path / "x.json"),
    )
    assert result.exit_code == 2
    assert "acl-unsupported" in result.stderr and "cannot be decided" in result.stderr
    assert not (tmp_path / "x.json").exists()


def test_cli_diff_on_exports() -> None:
    diff = run(
        "diff",
        "--before",
        str(ACL / "base"),
        "--after",
        str(ACL / "change4"),
        *START,
        "--format",
        "json",
    )
    assert diff.exit_code == 1, diff.stderr
    changed = [f for f in json.loads(diff.stdout)["fecs"] if f["status"] == "changed"]
    # only HTTP changes: to host-web it now gets through; elsewhere in the hosts' /16 it
    # passes the borders and is dropped later (a null route, or leaf1's ACLs)
    assert changed and all(t.get("protocol") == 6 and t.get("dstPort") == 80
                           for f in changed for t in f["fec"]["traffic"])  # fmt: skip
    reached = [f["fec"]["key"] for f in changed
               if any(p[-1].startswith("host") for fl in f["flows"] for p in fl["added"]["paths"])]  # fmt: skip
    assert reached == ["dst 10.100.1.10/32, tcp, dport 80"]


def test_cli_show_lists_the_acls_that_shape_an_fec() -> None:
    args = [
        "show",
        "--before",
        str(ACL / "base"),
        "--after",
        str(ACL / "change3"),
        *START,
        "--dst",
        "10.100.2.10",
    ]
    text = run(*args)
    assert text.exit_code == 0, text.stderr
    assert (
        "before: border1[Ethernet0] in OUTSIDE_TO_INSIDE: deny (line 2 'deny ip any any')"
        in text.stdout
    )
    assert (
        "after: leaf1[Ethernet4] out RESTRICT_HOST_TRAFFIC_OUT: permit "
        "(line 1 'permit tcp any host 10.100.2.10 eq www')"
    ) in text.stdout
    js = run(*args, "--format", "json")
    fec = next(
        f for f in json.loads(js.stdout)["fecs"] if f["key"] == "dst 10.100.2.10/32, tcp, dport 80"
    )
    leaf = [
        a
        for a in fec["acls"]
        if a["device"] == "leaf1" and a["side"] == "after" and a["direction"] == "out"
    ]
    assert leaf == [{
        "side": "after", "device": "leaf1", "interface": "Ethernet4", "direction": "out",
        "acl": "RESTRICT_HOST_TRAFFIC_OUT", "decision": "permit",
        "lines": [{"index": 1, "text": "permit tcp any host 10.100.2.10 eq www", "action": "permit"}],
    }]  # fmt: skip


def test_every_drop_location_is_a_drop_for_specs() -> None:
    # drop|denied-in and drop|denied-out are locations named drop (component prefix)
    spec = parse_spec('spec s { .* "drop" : any(.* "drop") }')
    assert spec is not None
    assert DROP == "drop" and DENIED_IN.split("|")[0] == DENIED_OUT.split("|")[0] == DROP
