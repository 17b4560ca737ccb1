"""``rela change build``: Batfish exports -> Rela graph JSON, and its errors (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rela.cli  # noqa: F401  (registers every command on the app)
from rela.cli.app import app
from rela.network.formats.batfish import load_batfish_change

ROOT = Path(__file__).resolve().parents[2]
OURS = ROOT / "snapshots" / "batfish"
DATA = ROOT / ".." / "shared" / "data" / "batfish-fcv"
START = ["--start", "border1[Ethernet0]", "--start", "border2[Ethernet0]"]

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["change", "build", *args])
    return result.exit_code, result.stdout, result.stderr


def test_build_from_export_directories(tmp_path: Path) -> None:
    out = tmp_path / "change.json"
    code, _, err = run(
        "--before", str(OURS / "base"), "--after", str(OURS / "change1"),
        *START, "--dst", "10.100.0.0/16", "-o", str(out),
    )  # fmt: skip
    assert code == 0, err
    assert "wrote 6 FECs (5 with changed forwarding)" in err
    data = json.loads(out.read_text())
    assert [fec["key"] for fec in data] == [
        "10.100.0.0/24", "10.100.1.0/32", "10.100.1.1/32", "10.100.1.2/31", "10.100.1.10/32",
        "10.100.2.10/32",
    ]  # fmt: skip
    # the network and broadcast addresses of the host subnets are no host's: they exit
    assert data[1]["ipTrafficKeys"] == [
        {"dstIp": p}
        for p in ("10.100.1.0/32", "10.100.1.255/32", "10.100.2.0/32", "10.100.2.255/32")
    ]
    victim = data[4]
    assert victim["ipTrafficKeys"] == [{"dstIp": "10.100.1.10/32"}]
    assert victim["graphAfter"] == {
        "nodeToOutEdgesMap": {
            "border1": {"core2": ["Ethernet1"]},
            "border2": {"core2": ["Ethernet2"]},
            "core2": {"drop": []},
            "drop": {},
        },
        "sourceNodes": ["border1", "border2"],
        "sinkNodes": ["drop"],
    }


def test_the_written_change_loads_like_the_direct_one(tmp_path: Path) -> None:
    rela_json = pytest.importorskip("rela.network.formats.rela_json")
    del rela_json
    from rela.network import load

    out = tmp_path / "change.json"
    code, _, err = run(
        "--before", str(OURS / "base"), "--after", str(OURS / "change2"), "-o", str(out)
    )
    assert code == 0, err
    for granularity in ("device", "interface"):
        from_file = list(load.load_change(change=out, granularity=granularity))
        direct = list(load_batfish_change(OURS / "base", OURS / "change2", granularity=granularity))
        assert len(from_file) == len(direct) > 20
        for a, b in zip(from_file, direct, strict=True):
            assert a.key == b.key and a.traffic == b.traffic
            assert sorted(a.before.paths()) == sorted(b.before.paths())
            assert sorted(a.after.paths()) == sorted(b.after.paths())


def test_build_from_answer_files_to_stdout() -> None:
    if not (DATA / "base-node.json").exists():
        pytest.skip("no batfish-fcv data")
    code, out, err = run(
        "--before-routes", str(DATA / "base-node.json"), "--before-edges", str(DATA / "base-edge.json"),
        "--before-interfaces", str(DATA / "base-interface.json"),
        "--after-routes", str(DATA / "change1-node.json"), "--after-edges", str(DATA / "change1-edge.json"),
        "--start", "border1[GigabitEthernet0/0]", "--dst", "2.128.1.1", "--no-merge", "-o", "-",
    )  # fmt: skip
    assert code == 0, err
    (fec,) = json.loads(out)
    assert fec["key"] == "2.128.1.1/32"
    assert fec["graphAfter"]["nodeToOutEdgesMap"]["core2"] == {"drop": []}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--after", str(OURS / "change1")], "the before snapshot needs --before DIR"),
        (
            [
                "--before",
                str(OURS / "base"),
                "--before-routes",
                str(OURS / "base" / "routes.json"),
                "--after",
                str(OURS / "change1"),
            ],
            "give either --before or --before-routes",
        ),
        (["--before", str(OURS / "base"), "--after", str(OURS / "nope")], "no such directory"),
        (
            [
                "--before",
                str(OURS / "base"),
                "--after",
                str(OURS / "change1"),
                "--start",
                "border9",
            ],
            "no device 'border9'",
        ),
        (
            [
                "--before",
                str(OURS / "base"),
                "--after",
                str(OURS / "change1"),
                "--dst",
                "10.0.0.0/40",
            ],
            "not an IP prefix",
        ),
        (
            [
                "--before",
                str(OURS / "base"),
                "--after",
                str(OURS / "change1"),
                "--start",
                "border1[Ethernet9]",
            ],
            "has no interface 'Ethernet9'",
        ),
    ],
)
def test_errors_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    code, _, err = run(*args, "-o", str(tmp_path / "c.json"))
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "c.json").exists()


def test_malformed_export_names_the_file_and_row(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    snap.mkdir()
    rows = json.loads((OURS / "base" / "routes.json").read_text())
    rows[3]["Next_Hop"] = {"type": "teleport"}
    (snap / "routes.json").write_text(json.dumps(rows))
    (snap / "edges.json").write_text((OURS / "base" / "edges.json").read_text())
    code, _, err = run(
        "--before", str(snap), "--after", str(OURS / "change1"), "-o", str(tmp_path / "c.json")
    )
    assert code == 2
    assert (
        "routes.json: row 3 (node 'border1'): error: field 'Next_Hop': unsupported next hop type 'teleport'"
        in err
    )
