"""Fuzzing the command line (issue 11): random option combinations, values and output targets.

Each example builds one ``rela`` command line from the options the command really
registers (read from the typer app, so a new option is fuzzed as soon as it exists):
valid and invalid values of every type, repeated options, odd paths, and an ``--output``
that is a new file, an existing report, one of the inputs, a file inside an input
directory, a directory, a missing directory, ``/dev/null``, ``/dev/full`` or stdout.
It runs in this process (``CliRunner``). Properties:

* no traceback: the command ends with ``SystemExit`` and nothing else;
* the exit code is one of the documented ones (docs/cli.md): 0, 1 or 2, and a 2
  comes with a message on stderr;
* no input is ever changed, and an ``--output`` naming an input is exit 2;
* a report written to a file is complete (JSON parses, JUnit is XML).

Not fuzzed, because each run would start processes or a cluster: ``--jobs`` above 1
and ``--executor dask`` (tests/robustness/test_accounting.py covers them).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from rela.cli import app
from tests.cli.conftest import Inputs, make_inputs
from tests.typer_compat import choices, is_path

from .conftest import fuzz_settings
from .helpers import event

runner = CliRunner()
#: A whole command (loading, checking, rendering) per example: seconds on a busy machine,
#: so the deadline only catches hangs.
CLI_DEADLINE_MS = 60_000


def _registered() -> dict[str, Any]:
    root = typer.main.get_command(app)
    out: dict[str, Any] = {}
    stack: list[tuple[str, Any]] = [("", root)]
    while stack:
        name, cmd = stack.pop()
        subs = getattr(cmd, "commands", None)
        if subs:
            stack.extend(((f"{name} {k}").strip(), v) for k, v in subs.items())
        else:
            out[name] = cmd
    return out


REGISTERED = _registered()
COMMANDS = sorted(REGISTERED)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Inputs, Path, dict[str, bytes]]:
    root = tmp_path_factory.mktemp("cli-fuzz")
    inputs = make_inputs(root / "in")
    (inputs.root / "empty.json").write_text("")
    (inputs.root / "not-json.json").write_text("{nope")
    (inputs.root / "bad.rela").write_text("spec s { .* : presrve }\n")
    out = root / "out"
    out.mkdir()
    digest = _digest(inputs.root)
    return inputs, out, digest


def _digest(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).digest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# ---------------------------------------------------------------------- values

# (valid, invalid) values per kind of option: mostly valid, so the runs reach rendering
NAMES = (
    ["border1", "border1|default", "core1", "core2|default|et1", "leaf1"],
    ["nosuch", "", "a|b|c|d", "border1[Ethernet0]", "drop", "é", "x" * 300],
)
PREFIXES = (
    ["10.0.0.0/8", "10.1.0.0/24", "0.0.0.0/0", "10.100.0.0/16", "10.0.0.1"],
    ["::/0", "300.1.1.1/8", "x", "", "1.2.3.4/40"],
)
INTS = (["0", "1", "2", "5", "20"], ["-1", "x", "1e3", "", "99999999999999999999", " 3"])
FLOATS = (["0", "0.5", "5", "60"], ["-1", "nan", "inf", "1e309", "x", ""])
SPECS = (["costout", "reach"], ["nosuch", "", "same"])
OUTPUTS = (
    ["OUT", "OUT-EXISTING", "/dev/null", "-"],
    ["INPUT", "IN-DIR", "DIR", "MISSING", "/dev/full"],
)
PATHS = (["GROUPS"], ["INPUT", "MISSING-FILE", "ROOT", "EMPTY"])  # fmt: skip


def _pick(draw: st.DrawFn, values: tuple[list[str], list[str]]) -> list[str]:
    valid, invalid = values
    return [draw(st.sampled_from(valid if draw(st.integers(0, 3)) else invalid))]


def _value(opt: Any, i: Inputs, draw: st.DrawFn) -> list[str]:
    """A value (or none, for a flag) for one option, valid or not."""
    name = opt.name
    if opt.is_flag:
        return []
    values = choices(opt)
    if name in ("output", "dot"):
        return _pick(draw, OUTPUTS)
    if name == "jobs":
        return _pick(draw, (["1"], ["0", "-3", "x"]))
    if name == "executor":
        return _pick(draw, (["local", "LOCAL"], ["nope", ""]))
    if values:
        return _pick(draw, ([*values, *(c.upper() for c in values)], ["nope", ""]))
    if name in ("start", "flow"):
        return _pick(draw, NAMES)
    if name == "dst":
        return _pick(draw, PREFIXES)
    if name == "spec":
        return _pick(draw, SPECS)
    if name == "report":
        fmt = draw(st.sampled_from(["junit", "markdown", "json", "text", "html", ""]))
        return [fmt + ":" + _pick(draw, OUTPUTS)[0]]
    if name == "scheduler":
        return ["tcp://127.0.0.1:1"]
    if name == "fec_timeout":
        return _pick(draw, FLOATS)
    if name in ("max_paths", "max_states", "fec"):
        return _pick(draw, INTS)
    if is_path(opt) or name.endswith(("routes", "edges", "interfaces")) or name == "groups":
        return _pick(draw, PATHS)
    return [draw(st.text(ARGV_CHARACTERS, max_size=5))]


#: What a command line can carry: no NUL (argv strings end there) and no surrogate
#: but those Python decodes undecodable bytes to (a command line is bytes).
ARGV_CHARACTERS = st.characters(
    blacklist_characters="\x00", blacklist_categories=["Cs"]
) | st.sampled_from("\udc80\udcff")


def _inputs(command: str, i: Inputs, draw: st.DrawFn) -> list[str]:
    """The input part of the command line: a valid kind of input, or a broken one.

    Derived from what the command registers, so a new command (``lint``, ``suggest``)
    is fuzzed without changes here: a positional argument gets a spec file; the
    ``--change``/``--before``/``--after`` options get one of the kinds below.
    """
    cmd = REGISTERED[command]
    names = {p.name for p in cmd.params}
    positional = [p for p in cmd.params if p.param_type_name == "argument"]
    spec = draw(
        st.sampled_from([i.spec, i.batfish_spec, i.root / "bad.rela", i.root / "nosuch.rela"])
    )
    kinds = {
        "snapshots": i.snapshot_args(),
        "change": ["--change", str(i.graphs)],
        "chunks": ["--change", str(i.chunks)],
        "exports": i.export_args(),
        "empty": ["--change", str(i.root / "empty.json")],
        "broken": ["--before", str(i.root / "not-json.json"), "--after", str(i.after)],
        "half": ["--before", str(i.before)],
        "none": [],
        "both": ["--change", str(i.graphs), *i.snapshot_args()],
    }
    usable = {
        k: v for k, v in kinds.items() if {a.lstrip("-") for a in v if a.startswith("--")} <= names
    }
    args: list[str] = []
    if len(usable) > 1:
        valid = [k for k in ("snapshots", "change", "chunks", "exports") if k in usable]
        if "change" not in names and "before" in names:  # change build: Batfish exports
            valid = ["exports"]
        invalid = [k for k in ("empty", "broken", "half", "none", "both") if k in usable]
        kind = draw(st.sampled_from(valid if draw(st.integers(0, 3)) or not invalid else invalid))
        event(f"{command}: {kind}")
        args = usable[kind]
    return [str(spec)] * len(positional) + list(args)


@st.composite
def command_lines(draw: st.DrawFn, i: Inputs) -> tuple[str, list[str]]:
    command = draw(st.sampled_from(COMMANDS))
    cmd = REGISTERED[command]
    argv = [*command.split(), *_inputs(command, i, draw)]
    options = [p for p in cmd.params if p.param_type_name == "option" and p.name != "help"]
    options = [o for o in options if o.name not in ("change", "before", "after")]
    chosen = draw(st.lists(st.sampled_from(options), max_size=6)) if options else []
    for opt in chosen:
        flags = [*opt.opts, *opt.secondary_opts]
        argv += [draw(st.sampled_from(flags)), *_value(opt, i, draw)]
    return command, argv


def _resolve(argv: list[str], i: Inputs, out: Path, n: int) -> tuple[list[str], bool]:
    """Placeholders to paths; whether an output option names an input."""
    names_input = False
    resolved = []
    for k, arg in enumerate(argv):
        prev = argv[k - 1] if k else ""
        is_out = prev in ("-o", "--output", "--dot", "--report")
        if prev == "--report" and ":" in arg:
            fmt, _, target = arg.partition(":")
            sub, named = _resolve([prev, target], i, out, n)
            names_input |= named
            resolved.append(fmt + ":" + sub[1])
            continue
        if arg == "OUT":
            arg = str(out / f"new-{n}.out")
        elif arg == "OUT-EXISTING":
            target = out / "existing.out"
            target.write_text("previous\n")
            arg = str(target)
        elif arg == "INPUT" and is_out:
            arg = "INPUT-OUT"  # named after the other arguments are resolved
            names_input = True
        elif arg == "INPUT":
            arg = str(i.groups)
        elif arg == "IN-DIR":
            arg = str(i.chunks / f"report-{n}.json")
        elif arg == "DIR":
            arg = str(out)
        elif arg == "MISSING":
            arg = str(out / "no" / "such" / "dir" / "r.txt")
        elif arg == "GROUPS":
            arg = str(i.groups)
        elif arg == "MISSING-FILE":
            arg = str(i.root / "missing.json")
        elif arg == "ROOT":
            arg = str(i.root)
        elif arg == "EMPTY":
            arg = str(i.root / "empty.json")
        resolved.append(arg)
    if "INPUT-OUT" in resolved:
        victim = _an_input_of(resolved, i)
        resolved = [victim if a == "INPUT-OUT" else a for a in resolved]
    return resolved, names_input


def _an_input_of(argv: list[str], i: Inputs) -> str:
    """A file this command line reads: a file argument, else a file inside a directory
    argument, else the spec (for commands that read no file at all)."""
    paths = [Path(a) for a in argv if a.startswith(str(i.root)) and Path(a).exists()]
    for p in paths:
        if p.is_file():
            return str(p)
    for p in paths:
        if p.is_dir():
            inside = sorted(q for q in p.iterdir() if q.is_file())
            if inside:
                return str(inside[0])
    return str(i.spec)


_counter = [0]


def _run(world: tuple[Inputs, Path, dict[str, bytes]], line: tuple[str, list[str]]) -> None:
    i, out, digest = world
    command, argv = line
    _counter[0] += 1
    argv, names_input = _resolve(argv, i, out, _counter[0])
    read = {Path(a).resolve() for a in argv if a.startswith(str(i.root)) and Path(a).exists()}
    with contextlib.chdir(out):  # a relative output ("-" as a --dot directory) lands here
        result = runner.invoke(app, argv)
    where = f"rela {' '.join(argv)}\n{result.output[-2000:]}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback from: {where}") from result.exception
    assert result.exit_code in (0, 1, 2), where
    assert "Traceback" not in result.output, where
    event(f"{command}: exit {result.exit_code}")
    if result.exit_code == 2:
        assert result.stderr.strip(), where
    if names_input and "--output" in result.stderr:
        assert result.exit_code == 2, where
    _no_input_harmed(i, read, digest, where)
    outputs = [argv[k + 1] for k, a in enumerate(argv[:-1]) if a in ("-o", "--output")]
    if outputs and result.exit_code in (0, 1):
        _complete(Path(outputs[-1]), argv, where)


def _no_input_harmed(i: Inputs, read: set[Path], digest: dict[str, bytes], where: str) -> None:
    """Every file of the world is as it was; nothing was written into a directory the
    command read.  Files the command legitimately created elsewhere are removed."""
    now = _digest(i.root)
    for name, before in digest.items():
        assert now.get(name) == before, f"{name} changed or vanished: {where}"
    for name in sorted(set(now) - set(digest)):
        new = (i.root / name).resolve()
        assert not any(d.is_dir() and new.is_relative_to(d) for d in read), (
            f"{name} written into an input directory: {where}"
        )
    for name in sorted(set(now) - set(digest), reverse=True):
        (i.root / name).unlink()
    for d in sorted(i.root.rglob("*"), reverse=True):
        if d.is_dir() and not any(d.iterdir()) and str(d.relative_to(i.root)) not in _DIRS:
            d.rmdir()


_DIRS = {"chunks", "base", "change2"}


def _complete(target: Path, argv: list[str], where: str) -> None:
    if not target.is_file() or str(target).startswith("/dev/"):
        return
    text = target.read_text()
    fmt = ""
    for k, arg in enumerate(argv[:-1]):  # the last one wins, as on any command line
        if arg in ("-f", "--format"):
            fmt = argv[k + 1].lower()
    if fmt == "json" or argv[0] == "change":
        json.loads(text)
    elif fmt == "junit":
        ET.fromstring(text)
    assert text.endswith("\n"), where


@settings(fuzz_settings(ci_examples=80), deadline=CLI_DEADLINE_MS)
@given(data=st.data())
def test_fuzz_cli_never_a_traceback(
    world: tuple[Inputs, Path, dict[str, bytes]], data: st.DataObject
) -> None:
    line = data.draw(command_lines(world[0]))
    _run(world, line)


def test_every_command_is_fuzzed() -> None:
    assert {"check", "diff", "show", "parse", "change build"} <= set(COMMANDS)


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "SPEC", "--before", "B", "--after", "A", "--fec-timeout", "nan"],
        ["check", "SPEC", "--before", "B", "--after", "A", "--fec-timeout", "inf"],
        ["check", "SPEC", "--before", "B", "--after", "A", "--max-paths", "0", "-v"],
        ["diff", "--before", "B", "--after", "A", "--dot", "/dev/full"],
        ["show", "--before", "B", "--after", "A", "-o", "/dev/full"],
        ["check", "SPEC", "--change", "CHUNKS", "--spec", ""],
        ["show", "--change", "CHUNKS", "--fec", "99999999999999999999"],
    ],
)
def test_cli_corner_cases(world: tuple[Inputs, Path, dict[str, bytes]], argv: list[str]) -> None:
    i = world[0]
    subst = {"SPEC": str(i.spec), "B": str(i.before), "A": str(i.after), "CHUNKS": str(i.chunks)}
    _run(world, (argv[0], [subst.get(a, a) for a in argv]))
    shutil.rmtree(world[1] / "dot", ignore_errors=True)
