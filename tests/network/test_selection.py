"""Input filters never hide anything silently (issue 11 §1).

``--dst`` keeps FECs whose traffic overlaps a prefix; ``--start``/``--flow``
keep flows entering at a location; what they leave out is counted in every
report; a value that selects nothing, or filters that leave no FEC, are exit 2
with a message naming the option, the value and the closest names — for every
input kind, in ``check``, ``diff`` and ``show``, in one process and with
workers reading chunk files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from rela.cli import app
from rela.errors import UsageError
from rela.lang import parse_spec
from rela.network import load_change
from rela.network.model import Fec, Graph, TrafficKey
from rela.network.selection import SelectionError, Selector, Tally, overlaps, summarize_tally
from rela.verify import verify

from .conftest import SNAPSHOTS, raw_graph, rela_fec, write

runner = CliRunner()
COSTOUT = SNAPSHOTS / "paths" / "core-costout"
SNAP = ["--before", str(COSTOUT / "before.json"), "--after", str(COSTOUT / "after.json")]
REROUTE = ["--change", str(SNAPSHOTS / "graphs" / "reroute.json")]
BATFISH = [
    "--before",
    str(SNAPSHOTS / "batfish" / "base"),
    "--after",
    str(SNAPSHOTS / "batfish" / "change2"),
]
PRESERVE = "spec same { .* : preserve }\n"


def rela(*args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def spec_file(tmp_path: Path, text: str = PRESERVE) -> Path:
    return write(tmp_path / "s.rela", text)


def assert_input_error(result: Any, *needles: str) -> None:
    """Exit 2, each needle in stderr, and no traceback anywhere."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    for needle in needles:
        assert needle in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# ---------------------------------------------------------------------- the library


A, B = Graph.from_paths([["border1", "core1", "leaf1"]]), Graph.from_paths([["border2", "leaf1"]])


def _fec(index: int, *keys: TrafficKey, before: Graph = A, after: Graph = A) -> Fec:
    return Fec(index, f"k{index}", keys, before, after)


def test_dst_keeps_overlapping_traffic_and_fecs_without_destinations() -> None:
    fecs = [
        _fec(0, TrafficKey(dst="10.1.2.3")),
        _fec(1, TrafficKey(dst="10.0.0.0/8")),  # wider than the prefix: overlaps
        _fec(2, TrafficKey(src="192.0.2.1")),  # no destination: every destination
        _fec(3),  # no key at all: every packet
        _fec(4, TrafficKey(dst="11.0.0.1")),
        _fec(5, TrafficKey(dst="2001:db8::1")),
        Fec(6, None, (), Graph.empty(), Graph.empty(), problem="bad"),  # never hidden
    ]
    tally = Tally()
    kept = list(Selector(dst=("10.1.0.0/16",)).select(fecs, tally))
    assert [f.index for f in kept] == [0, 1, 2, 3, 6]
    assert (tally.fecs_input, tally.kept, tally.left_out) == (7, 5, {"--dst": 2})
    summary = summarize_tally(tally)
    assert summary.fecs_input == 7
    (note,) = summary.filters
    assert (note.option, note.value, note.left_out) == ("--dst", "10.1.0.0/16", 2)
    assert [w.code for w in summary.warnings] == ["filtered"]
    every = Tally()
    assert len(list(Selector(dst=("0.0.0.0/0",)).select(fecs, every))) == 6
    assert every.left_out == {"--dst": 1}  # only the IPv6 key lies outside 0.0.0.0/0


def test_start_restricts_flows_and_leaves_out_fecs_without_one() -> None:
    both = Graph.from_paths([["border1", "core1"], ["border2", "core1"]])
    fecs = [_fec(0, before=both, after=both), _fec(1, before=B, after=B)]
    tally = Tally()
    (kept,) = Selector(start=("border1",)).select(fecs, tally)
    assert kept.flows() == ["border1"] and tally.left_out == {"--start": 1}
    assert tally.matched == {("--start", "border1"): 1}


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        (Selector(start=("bordr1",)), "start='bordr1' matches no location where a flow enters"),
        (Selector(flow=("border1", "leaf9")), "flow='leaf9' matches no location"),
        (Selector(dst=("10.0.0.0/8", "12.0.0.0/8")), "dst=12.0.0.0/8 overlaps the traffic of no"),
    ],
)
def test_a_value_that_selects_nothing_is_an_error(selector: Selector, message: str) -> None:
    fecs = [_fec(0, TrafficKey(dst="10.0.0.1")), _fec(1, TrafficKey(dst="11.0.0.7"), before=B)]
    tally = Tally()
    list(selector.select(fecs, tally))
    with pytest.raises(SelectionError) as info:
        summarize_tally(tally)
    assert message in info.value.message
    assert isinstance(info.value, UsageError)


def test_the_message_names_the_closest_names() -> None:
    tally = Tally()
    list(Selector(start=("bordr1",), dst=("11.0.0.0/24",)).select([_fec(0)], tally))
    with pytest.raises(SelectionError, match=r"closest: border1"):
        summarize_tally(tally)
    tally = Tally()
    fecs = [_fec(i, TrafficKey(dst=f"11.0.{i}.1")) for i in range(2, 9)]
    list(Selector(dst=("11.0.0.0/24",)).select(fecs, tally))
    with pytest.raises(SelectionError, match=r"closest destinations: 11\.0\.2\.1, 11\.0\.3\.1, 11"):
        summarize_tally(tally)


def test_filters_that_leave_nothing_are_an_error() -> None:
    fecs = [
        _fec(0, TrafficKey(dst="10.0.0.1"), before=B, after=B),
        _fec(1, TrafficKey(dst="11.0.0.1")),
    ]
    tally = Tally()
    assert list(Selector(dst=("10.0.0.0/8",), start=("border1",)).select(fecs, tally)) == []
    with pytest.raises(SelectionError, match="the filters left no FEC to check"):
        summarize_tally(tally)


def test_an_unfinished_pass_never_claims_a_value_selects_nothing() -> None:
    tally = Tally()
    stream = Selector(start=("border2",)).select([_fec(0), _fec(1, before=B)], tally)
    next(iter(stream), None)  # stopped early (e.g. rela show --fec 0)
    assert not tally.complete
    summarize_tally(tally)  # no error: the value may match later


def test_overlaps_rejects_a_non_prefix() -> None:
    with pytest.raises(ValueError):
        overlaps([], "ten")


_dsts = st.sampled_from(["10.0.0.1", "10.1.0.0/16", "11.0.0.0/8", "2001:db8::/32", None])
_graphs = st.sampled_from([A, B, Graph.empty()])
_fecs = st.lists(
    st.tuples(st.lists(_dsts, max_size=2), _graphs, _graphs, st.booleans()), max_size=12
)


@settings(max_examples=150, deadline=None)
@given(
    _fecs,
    st.lists(st.sampled_from(["10.0.0.0/8", "11.0.0.0/16", "::/0"]), max_size=2),
    st.lists(st.sampled_from(["border1", "border2", "core1"]), max_size=2),
    st.integers(0, 12),
)
def test_tallies_of_parts_add_up_to_the_tally_of_the_whole(
    specs: list[tuple[list[str | None], Graph, Graph, bool]],
    dst: list[str],
    start: list[str],
    cut: int,
) -> None:
    """What workers send back (one tally per chunk file) merges into the single-pass tally."""
    fecs = [
        Fec(
            i,
            None,
            tuple(TrafficKey(dst=d) for d in dsts),
            before,
            after,
            problem="bad" if bad else None,
        )
        for i, (dsts, before, after, bad) in enumerate(specs)
    ]
    selector = Selector(tuple(dict.fromkeys(dst)), tuple(dict.fromkeys(start)))
    whole, first, second = Tally(), Tally(), Tally()
    kept = list(selector.select(fecs, whole))
    kept_parts = list(selector.select(fecs[:cut], first)) + list(
        selector.select(fecs[cut:], second)
    )
    merged = first.merge(second)
    assert kept_parts == kept
    assert (merged.fecs_input, merged.kept, merged.left_out, merged.matched, merged.complete) == (
        whole.fecs_input,
        whole.kept,
        whole.left_out,
        whole.matched,
        True,
    )
    assert whole.kept + sum(whole.left_out.values()) == whole.fecs_input == len(fecs)


# ---------------------------------------------------------------------- the commands


def test_issue_case_dst_everything_keeps_fecs_without_destinations(tmp_path: Path) -> None:
    """Issue 11: FECs with no traffic keys, or only srcIp, vanished under --dst 0.0.0.0/0
    and the run passed; they are checked (and violated) now."""
    moved = raw_graph({"a": {"c": ["i9"]}}, ["a"], ["c"])
    fecs = [rela_fec(dst="10.0.0.1"), rela_fec(after=moved), rela_fec(after=moved)]
    fecs[1]["ipTrafficKeys"] = []
    fecs[2]["ipTrafficKeys"] = [{"srcIp": "192.0.2.1"}]
    change = write(tmp_path / "c.json", fecs)
    result = rela(
        "check", spec_file(tmp_path), "--change", change, "--dst", "0.0.0.0/0", "-f", "json"
    )
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["fecs_read"] == 3 and report["fecs_input"] == 3
    assert report["specs"][0]["fecs"]["violated"] == 2
    assert report["filters"] == [
        {
            "option": "--dst",
            "value": "0.0.0.0/0",
            "left_out": 0,
            "reason": "their traffic overlaps no --dst prefix",
        }
    ]


@pytest.mark.parametrize("command", ["check", "diff", "show"])
@pytest.mark.parametrize(
    ("inputs", "option", "good", "bad", "closest"),
    [
        (SNAP, "--start", "border1", "bordr1", "closest: border1"),
        (SNAP, "--dst", "10.1.0.0/16", "172.16.0.0/12", "closest destinations: 10."),
        (REROUTE, "--start", "r1", "r9", "flows start at e.g. r1"),
        (REROUTE, "--dst", "10.0.1.0/24", "10.9.0.0/16", "closest destinations: 10.0.3.1"),
    ],
)
def test_a_typo_among_good_values_is_exit_2_everywhere(
    tmp_path: Path,
    command: str,
    inputs: list[str],
    option: str,
    good: str,
    bad: str,
    closest: str,
) -> None:
    pre = [command, str(spec_file(tmp_path))] if command == "check" else [command]
    ok = rela(*pre, *inputs, option, good)
    assert ok.exit_code in (0, 1), ok.output
    result = rela(*pre, *inputs, option, good, option, bad)
    value = repr(bad) if option == "--start" else bad
    assert_input_error(result, f"{option} {value}", closest)


@pytest.mark.parametrize("command", ["diff", "show"])
@pytest.mark.parametrize("inputs", [SNAP, REROUTE, BATFISH], ids=["snapshots", "rela", "batfish"])
def test_flow_that_selects_nothing_is_exit_2(command: str, inputs: list[str]) -> None:
    assert_input_error(rela(command, *inputs, "--flow", "nowhere"), "--flow 'nowhere' matches no")


@pytest.mark.parametrize("command", ["check", "diff", "show"])
def test_batfish_start_typo_is_exit_2(tmp_path: Path, command: str) -> None:
    pre = [command, str(spec_file(tmp_path))] if command == "check" else [command]
    result = rela(*pre, *BATFISH, "--start", "bordr1")
    assert_input_error(result, "start location 'bordr1'", "border1")


def test_filters_leaving_no_fec_are_exit_2(tmp_path: Path) -> None:
    # each value selects FECs, but no FEC passes both filters
    spec = spec_file(tmp_path)
    both = [*SNAP, "--dst", "10.3.0.0/24", "--start", "border2"]
    for command in (["check", spec], ["diff"], ["show"]):
        assert_input_error(rela(*command, *both), "the filters left no FEC to check")


def test_show_fec_index_that_selects_nothing(tmp_path: Path) -> None:
    assert_input_error(rela("show", *SNAP, "--fec", "99"), "--fec 99 selects nothing")
    assert rela("show", *SNAP, "--fec", "1").exit_code == 0


def test_filters_are_in_the_reports(tmp_path: Path) -> None:
    spec = spec_file(tmp_path)
    check = rela("check", spec, *SNAP, "--dst", "10.1.0.0/16", "-f", "json")
    report = json.loads(check.stdout)
    assert report["fecs_input"] == 4 and report["fecs_read"] == 1
    assert report["filters"][0]["left_out"] == 3
    assert any(w["code"] == "filtered" for w in report["warnings"])
    diff = json.loads(rela("diff", *SNAP, "--dst", "10.1.0.0/16", "-f", "json").stdout)
    assert diff["fecs_input"] == 4 and diff["filters"][0]["left_out"] == 3
    show = rela("show", *SNAP, "--dst", "10.1.0.0/16", "-f", "json")
    doc = json.loads(show.stdout)
    assert len(doc["fecs"]) == 1 and doc["fecs_input"] == 4
    assert (
        "1 FEC shown; --dst left out 3 (of 4 in the input)"
        in rela("show", *SNAP, "--dst", "10.1.0.0/16").stdout
    )


def _chunks(tmp_path: Path) -> Path:
    moved = raw_graph({"a": {"c": ["i9"]}}, ["a"], ["c"])
    other = raw_graph({"x": {"c": ["i1"]}}, ["x"], ["c"])
    write(
        tmp_path / "d" / "c_1.json",
        [rela_fec(dst="10.0.0.1"), rela_fec(dst="11.0.0.1", after=moved)],
    )
    write(tmp_path / "d" / "c_2.json", [rela_fec(dst="10.0.0.2", before=other, after=other)])
    write(tmp_path / "d" / "c_3.json", [rela_fec(dst="10.0.0.3", after=moved)])
    write(tmp_path / "d" / "notes.txt", "not a chunk")
    return tmp_path / "d"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_workers_send_their_tallies_back(tmp_path: Path, jobs: str) -> None:
    """Chunk files read by worker processes: the same counts and errors as one process."""
    spec, chunks = spec_file(tmp_path), _chunks(tmp_path)
    args = ["check", spec, "--change", chunks, "--jobs", jobs, "-f", "json"]
    report = json.loads(rela(*args, "--dst", "10.0.0.0/8", "--start", "a").stdout)
    assert (report["fecs_input"], report["fecs_read"]) == (4, 2)
    assert [(f["option"], f["left_out"]) for f in report["filters"]] == [
        ("--dst", 1),
        ("--start", 1),
    ]
    assert [w["code"] for w in report["warnings"]] == ["skipped-file", "filtered", "filtered"]
    assert report["specs"][0]["fecs"] == {"total": 2, "holds": 1, "violated": 1, "errors": 0}
    assert_input_error(rela(*args, "--start", "a", "--start", "xx"), "--start 'xx'", "closest: x")


def test_library_verify_counts_and_refuses(tmp_path: Path) -> None:
    chunks = _chunks(tmp_path)
    spec = parse_spec(PRESERVE)
    report = verify(spec, load_change(change=chunks, dst=["11.0.0.0/8"]), jobs=2)
    assert report.fecs_input == 4 and report.fecs_read == 1
    assert report.filters[0].left_out == 3
    with pytest.raises(UsageError, match="dst=12.0.0.0/8"):
        verify(spec, load_change(change=chunks, dst=["12.0.0.0/8"]), jobs=2)
    with pytest.raises(UsageError, match="no FEC to check"):
        verify(spec, [])


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.ip_addresses(v=4).map(str),
        st.tuples(st.ip_addresses(v=4), st.integers(0, 40)).map(lambda t: f"{t[0]}/{t[1]}"),
        st.tuples(st.ip_addresses(v=6), st.integers(0, 130)).map(lambda t: f"{t[0]}/{t[1]}"),
        st.text(alphabet="0123456789./:abx", max_size=20),
    )
)
def test_address_ranges_agree_with_ipaddress(text: str) -> None:
    """The fast IPv4 path of --dst matching against the standard library (the oracle)."""
    import ipaddress

    from rela.network.selection import _range

    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        assert _range(text) is None
    else:
        assert _range(text) == (net.version, int(net.network_address), int(net.broadcast_address))
