"""Fuzzing every input loader: mutated valid files load, or fail with a located RelaError.

Each example writes mutated copies of the shipped examples (``snapshots/``) to
temporary files and loads them *fully* (every FEC is iterated).  Property:
either the change loads, and every malformed FEC carries a ``problem`` naming
the file and the FEC; or loading raises a :class:`~rela.errors.RelaError`
naming the file (and a line:column for JSON syntax errors); never another
exception, never a hang.  Loaded changes are also verified against a simple
spec: no FEC may end in an internal error.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from rela.cli import app
from rela.errors import NetworkInputError, RelaError
from rela.lang import parse_spec
from rela.network import load_change
from rela.network.formats import fastjson, rela_json
from rela.network.load import load_groups
from rela.verify import verify

from .conftest import fuzz_settings
from .helpers import (
    DEPTHS,
    SNAPSHOTS,
    assert_located,
    assert_problem_located,
    deep,
    dumps,
    event,
    mutated_json,
    mutated_text,
)

GRAPHS = [json.loads(p.read_text()) for p in sorted((SNAPSHOTS / "graphs").glob("*.json"))]
COSTOUT = SNAPSHOTS / "paths" / "core-costout"
SNAP_BEFORE = json.loads((COSTOUT / "before.json").read_text())
SNAP_AFTER = json.loads((COSTOUT / "after.json").read_text())
GROUPS_FILE = SNAPSHOTS / "paths" / "groups.json"
GROUPS = json.loads(GROUPS_FILE.read_text())
BATFISH = SNAPSHOTS / "batfish"
BATFISH_FILES = ("routes.json", "edges.json", "interfaces.json")


def _small_batfish(name: str) -> Any:
    """A slice of the shipped Batfish export (every device, fewer routes: faster examples)."""
    data = json.loads((BATFISH / "base" / name).read_text())
    if name == "routes.json":
        return data[::3]
    return data


BATFISH_BASE = {name: _small_batfish(name) for name in BATFISH_FILES}

RELA_JSON_FIELDS = [
    "ipTrafficKeys",
    "graphBefore",
    "graphAfter",
    "nodeToOutEdgesMap",
    "sourceNodes",
    "sinkNodes",
    "dstIp",
    "srcIp",
    "qos",
    "protocol",
    "dstPort",
    "srcPort",
    "key",
]
SNAPSHOT_FIELDS = [
    "format",
    "fecs",
    "key",
    "traffic",
    "paths",
    "graph",
    "dstIp",
    "qos",
    "protocol",
    "dstPort",
    "srcPort",
]
BATFISH_FIELDS = [
    "Node",
    "VRF",
    "Network",
    "Next_Hop",
    "Next_Hop_IP",
    "Next_Hop_Interface",
    "Protocol",
    "Admin_Distance",
    "Metric",
    "Interface",
    "Remote_Interface",
    "IPs",
    "Remote_IPs",
    "hostname",
    "interface",
    "type",
    "ip",
    "Active",
    "All_Prefixes",
    "Primary_Address",
]

SPEC = parse_spec('spec s { .* : preserve }\nspec t { [device~"^c"] : drop else .* : preserve }')
GRANULARITIES = st.sampled_from(["device", "interface", "group"])


@contextmanager
def _tmpdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="rela-fuzz-") as tmp:
        yield Path(tmp)


def load_fully(filenames: list[str], **inputs: Any) -> None:
    """The property: load, iterate every FEC, verify; or a RelaError naming one of the files."""
    try:
        change = load_change(**inputs)
        fecs = list(change)
    except RelaError as exc:
        event(f"load error: {type(exc).__name__}")
        text = exc.render()
        assert any(name in text for name in filenames), text
        if exc.message.startswith("invalid JSON"):
            assert exc.line is not None and exc.column is not None, text
        return
    assert fecs, "a change that loads has FECs"
    event("loaded, with malformed FECs" if any(f.problem for f in fecs) else "loaded")
    for i, fec in enumerate(fecs):
        assert fec.index == i
        if fec.problem is not None:
            assert_problem_located(fec.problem, filenames)
    report = verify(SPEC, fecs, max_states=5_000, fec_timeout=2.0)
    assert report.fecs_read == len(fecs)
    for spec in report.specs:
        assert spec.holds + spec.violated + spec.errors == spec.total == len(fecs)
        for err in spec.fec_errors:
            assert not err.message.startswith("internal error"), err.message


# ------------------------------------------------------------------ Rela graph JSON


@fuzz_settings(350)
@given(st.sampled_from(GRAPHS).flatmap(lambda g: mutated_json(g, RELA_JSON_FIELDS)), GRANULARITIES)
def test_fuzz_rela_graph_json(doc: Any, granularity: str) -> None:
    with _tmpdir() as tmp:
        path = tmp / "change.json"
        path.write_text(dumps(doc), encoding="utf-8")
        load_fully([str(path)], change=path, granularity=granularity, groups=GROUPS)


@fuzz_settings(200)
@given(mutated_text([json.dumps(g, indent=1) for g in GRAPHS], list('[]{}",:0123456789.e-')))
def test_fuzz_rela_graph_json_text(text: str) -> None:
    with _tmpdir() as tmp:
        path = tmp / "change.json"
        path.write_text(text, encoding="utf-8")
        load_fully([str(path)], change=path)


@fuzz_settings(100)
@given(st.binary(max_size=200))
def test_fuzz_rela_graph_json_bytes(data: bytes) -> None:
    with _tmpdir() as tmp:
        path = tmp / "change.json"
        path.write_bytes(b"[" + data)
        load_fully([str(path)], change=path)


# ------------------------------------------------- the fast reader against the exact one


def _outcome(path: Path, fast: bool, block: int, granularity: str) -> Any:
    """Every FEC loaded (or the error), through the fast path or the exact reader only."""

    def unsure(*args: Any) -> Iterator[Any]:
        raise fastjson.Unsure("forced")
        yield

    with ExitStack() as stack:
        stack.enter_context(patch.object(fastjson, "SEGMENT_BYTES", block))
        if not fast:
            stack.enter_context(patch.object(rela_json, "_fast_fecs", unsure))
        try:
            change = load_change(change=path, granularity=granularity, groups=GROUPS)
            fecs = [(f.index, f.key, f.traffic, f.before, f.after, f.problem) for f in change]
        except RelaError as exc:
            return "error", exc.render()
    return "loaded", fecs


def _same_when_fast_or_exact(text: str, block: int, granularity: str = "device") -> None:
    with _tmpdir() as tmp:
        path = tmp / "change.json"
        path.write_text(text, encoding="utf-8")
        fast = _outcome(path, True, block, granularity)
        event(f"{fast[0]} (block {block})")
        assert fast == _outcome(path, False, block, granularity)


BLOCKS = st.sampled_from([64, 1024, 1 << 20])


@fuzz_settings(200)
@given(
    st.lists(
        st.sampled_from(GRAPHS).flatmap(lambda g: mutated_json(g, RELA_JSON_FIELDS)),
        min_size=1,
        max_size=3,
    ),
    BLOCKS,
    GRANULARITIES,
)
def test_fuzz_fast_reader_agrees_with_the_exact_reader(
    docs: list[Any], block: int, gran: str
) -> None:
    """Differential: the orjson segment reader gives exactly the FECs, problems and errors of
    the exact streaming reader (duplicate names, huge numbers, deep nesting, bad cuts)."""
    text = "[" + ",\n".join(dumps(d)[1:-1] for d in docs if isinstance(d, list) and d) + "]"
    _same_when_fast_or_exact(text, block, gran)


@fuzz_settings(120)
@given(
    mutated_text([json.dumps(g * 3, indent=1) for g in GRAPHS], list('[]{}",:0123456789.e-\\')),
    BLOCKS,
)
def test_fuzz_fast_reader_agrees_on_mutated_text(text: str, block: int) -> None:
    _same_when_fast_or_exact(text, block)


# ------------------------------------------------------------------ filter options


FILTER_VALUES = st.one_of(
    st.sampled_from(["r1", "r2", "r1|default", "r9", "core1", "0.0.0.0/0", "10.0.1.0/24", "::/0"]),
    st.text(max_size=12),
)


@fuzz_settings(60)
@given(
    st.lists(st.tuples(st.sampled_from(["--dst", "--start", "--flow"]), FILTER_VALUES), max_size=3),
    st.sampled_from(["check", "diff", "show"]),
    st.sampled_from(["rela", "snapshots"]),
)
def test_fuzz_filter_options(options: list[tuple[str, str]], command: str, inputs: str) -> None:
    """Any filter value: a run (exit 0/1), or exit 2 with a one-line message; never a traceback."""
    if command == "check":
        options = [(o, v) for o, v in options if o != "--flow"]
    args = [command] + (["snapshots/specs/costout.rela"] if command == "check" else [])
    if inputs == "rela":
        args += ["--change", str(SNAPSHOTS / "graphs" / "reroute.json")]
    else:
        args += ["--before", str(COSTOUT / "before.json"), "--after", str(COSTOUT / "after.json")]
    for option, value in options:
        args += [option, value]
    result = CliRunner().invoke(app, args)
    event(f"exit {result.exit_code}")
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code == 2:
        assert "error" in result.stderr and "Traceback" not in result.stderr, result.stderr


# ------------------------------------------------------------------ path snapshots


@fuzz_settings(300)
@given(
    st.booleans(),
    st.sampled_from([SNAP_BEFORE, SNAP_AFTER]).flatmap(lambda s: mutated_json(s, SNAPSHOT_FIELDS)),
    GRANULARITIES,
)
def test_fuzz_path_snapshots(mutate_before: bool, doc: Any, granularity: str) -> None:
    with _tmpdir() as tmp:
        before, after = tmp / "before.json", tmp / "after.json"
        before.write_text(dumps(doc if mutate_before else SNAP_BEFORE), encoding="utf-8")
        after.write_text(dumps(SNAP_AFTER if mutate_before else doc), encoding="utf-8")
        load_fully(
            [str(before), str(after)],
            before=before,
            after=after,
            granularity=granularity,
            groups=GROUPS,
        )


@fuzz_settings(150)
@given(mutated_text([json.dumps(SNAP_BEFORE, indent=1)], list('[]{}",:0123456789.e-|')))
def test_fuzz_path_snapshot_text(text: str) -> None:
    with _tmpdir() as tmp:
        before, after = tmp / "before.json", tmp / "after.json"
        before.write_text(text, encoding="utf-8")
        shutil.copy(COSTOUT / "after.json", after)
        load_fully([str(before), str(after)], before=before, after=after)


# ------------------------------------------------------------------ group mappings


@fuzz_settings(200)
@given(mutated_json(GROUPS, ["core1", "border1", ""]))
def test_fuzz_group_mapping(doc: Any) -> None:
    with _tmpdir() as tmp:
        path = tmp / "groups.json"
        path.write_text(dumps(doc), encoding="utf-8")
        try:
            mapping = load_groups(path)
        except RelaError as exc:
            assert_located(exc, str(path))
            return
        assert all(type(k) is str and type(v) is str for k, v in mapping.items())
        load_fully(
            [str(path), str(COSTOUT)],
            before=COSTOUT / "before.json",
            after=COSTOUT / "after.json",
            granularity="group",
            groups=path,
        )


# ------------------------------------------------------------------ Batfish exports


@fuzz_settings(100)
@given(
    st.sampled_from(BATFISH_FILES).flatmap(
        lambda name: st.tuples(st.just(name), mutated_json(BATFISH_BASE[name], BATFISH_FIELDS))
    )
)
def test_fuzz_batfish_exports(mutation: tuple[str, Any]) -> None:
    name, doc = mutation
    with _tmpdir() as tmp:
        before, after = tmp / "before", tmp / "after"
        for d in (before, after):
            d.mkdir()
            for f in BATFISH_FILES:
                (d / f).write_text(json.dumps(BATFISH_BASE[f]), encoding="utf-8")
        (after / name).write_text(dumps(doc), encoding="utf-8")
        # problems found when the answers are combined (a device named like an
        # outcome, say) name the snapshot by its routes file: any file of `after`
        load_fully([str(after / f) for f in BATFISH_FILES], before=before, after=after)


# ------------------------------------------------------------------ deep nesting, explicitly


def _rela_with(value: Any) -> Any:
    fec = json.loads(json.dumps(GRAPHS[0][0]))
    return [fec, {"ipTrafficKeys": [], "graphBefore": value, "graphAfter": value}]


DEEP_DOCS = {
    "top-level list": lambda d: deep(d),
    "as an FEC": lambda d: [GRAPHS[0][0], deep(d)],
    "as a graph": lambda d: _rela_with(deep(d, "object")),
    "as a node name list": lambda d: _rela_with(
        {"nodeToOutEdgesMap": {}, "sourceNodes": deep(d), "sinkNodes": []}
    ),
}


@pytest.mark.parametrize("depth", [1_000, 5_000, 100_000])
@pytest.mark.parametrize("where", list(DEEP_DOCS))
def test_deep_json_nesting_is_a_located_error(where: str, depth: int, tmp_path: Path) -> None:
    path = tmp_path / "change.json"
    path.write_text(dumps(DEEP_DOCS[where](depth)), encoding="utf-8")
    load_fully([str(path)], change=path)
    with pytest.raises(RelaError) as info:
        list(load_change(change=path))
    assert_located(info.value, str(path), position=True)


@pytest.mark.parametrize("depth", DEPTHS)
def test_deep_nesting_everywhere_loads_or_fails_cleanly(depth: int, tmp_path: Path) -> None:
    """Nesting right around the JSON decoder's recursion limit, in every format."""
    value = deep(depth)
    rela = tmp_path / "change.json"
    rela.write_text(dumps(_rela_with(value)), encoding="utf-8")
    load_fully([str(rela)], change=rela)
    snap = tmp_path / "before.json"
    snap.write_text(
        dumps({"format": "rela-snapshot/1", "fecs": [{"key": "k", "paths": value}]}),
        encoding="utf-8",
    )
    load_fully([str(snap)], before=snap, after=COSTOUT / "after.json")
    groups = tmp_path / "groups.json"
    groups.write_text(dumps({"core1": value}), encoding="utf-8")
    with pytest.raises(NetworkInputError) as info:
        load_groups(groups)
    assert_located(info.value, str(groups))
    bf = tmp_path / "bf"
    shutil.copytree(BATFISH / "base", bf)
    (bf / "edges.json").write_text(dumps([value]), encoding="utf-8")
    load_fully([str(bf / "edges.json")], before=BATFISH / "base", after=bf)


@pytest.mark.parametrize("number", ["1e400", "-1e400", "1" + "0" * 400, "9" * 5000, "1e-400"])
def test_huge_numbers_everywhere(number: str, tmp_path: Path) -> None:
    rela = tmp_path / "change.json"
    text = json.dumps(GRAPHS[0]).replace('"dstIp": "10.0.0.1"', f'"qos": {number}', 1)
    text = text.replace('"ipTrafficKeys": [{', f'"ipTrafficKeys": [{{"qos": {number}, ', 1)
    rela.write_text(text, encoding="utf-8")
    load_fully([str(rela)], change=rela)
    snap = tmp_path / "before.json"
    snap.write_text(
        json.dumps(SNAP_BEFORE).replace('"qos": 0', f'"qos": {number}'), encoding="utf-8"
    )
    load_fully([str(snap)], before=snap, after=COSTOUT / "after.json")
    bf = tmp_path / "bf"
    shutil.copytree(BATFISH / "base", bf)
    routes = (bf / "routes.json").read_text().replace('"Metric": 0', f'"Metric": {number}')
    (bf / "routes.json").write_text(
        routes.replace('"Admin_Distance": 1,', f'"Admin_Distance": {number},'), encoding="utf-8"
    )
    load_fully([str(bf / "routes.json")], before=BATFISH / "base", after=bf)


# ------------------------------------------------------------------ regressions found by fuzzing


@pytest.mark.parametrize(
    ("escape", "ok"),
    [
        ("\\ud800", False),
        ("\\uDC00x", False),
        ("a\\ud83d", False),
        ("\\ud83d\\ude00", True),  # a pair: U+1F600
        ("\\\\ud800", True),  # an escaped backslash, then the text "ud800"
    ],
)
def test_lone_surrogates_are_invalid_json(escape: str, ok: bool, tmp_path: Path) -> None:
    """A lone surrogate cannot be written out as UTF-8 (reports, RE2): refuse it at load time."""
    doc = json.dumps(GRAPHS[0]).replace('"r1"', f'"r1{escape}"')
    path = tmp_path / "change.json"
    path.write_text(doc, encoding="utf-8")
    if ok:
        assert [f.problem for f in load_change(change=path)] == [None]
        return
    with pytest.raises(NetworkInputError) as info:
        list(load_change(change=path))
    text = assert_located(info.value, str(path), position=True)
    assert "surrogate" in text
    line = doc.splitlines()[info.value.line - 1]
    assert line[info.value.column - 1 :].startswith("\\u") or line[info.value.column - 1] == "\\"


def test_lone_surrogate_in_a_group_mapping(tmp_path: Path) -> None:
    path = tmp_path / "groups.json"
    path.write_text('{"core1": "C\\udfff"}', encoding="utf-8")
    with pytest.raises(NetworkInputError) as info:
        load_groups(path)
    assert (info.value.line, info.value.column) == (1, 13)


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("interfaces.json", '"VRF": "default"', '"VRF": "a|b"'),
        ("routes.json", '"VRF": "default"', '"VRF": "|"'),
        ("edges.json", '"interface": "Ethernet1"', '"interface": "Eth|1"'),
    ],
)
def test_batfish_names_with_the_separator_are_located_errors(
    name: str, old: str, new: str, tmp_path: Path
) -> None:
    after = tmp_path / "after"
    shutil.copytree(BATFISH / "base", after)
    text = (after / name).read_text()
    assert old in text
    (after / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(NetworkInputError) as info:
        list(load_change(before=BATFISH / "base", after=after, granularity="interface"))
    text = assert_located(info.value, str(after / name))
    assert "row" in text and "'|'" in text
