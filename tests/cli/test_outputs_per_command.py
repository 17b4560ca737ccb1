"""Issue 11 §3 for every command: ``-o`` never harms an input, reports are written atomically,
and a full or closed stdout ends with one line and exit 2 (never a traceback, never exit 1)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rela.cli import app

from .conftest import REPO, Inputs, big_snapshots, run_rela, snapshot_of_all_files

runner = CliRunner()

# (command, its arguments, the -o target that names one of its inputs)
Case = tuple[str, Callable[[Inputs], list[str]], Callable[[Inputs], Path]]


def _hardlink(i: Inputs) -> Path:
    link = i.root / "link-to-after.json"
    os.link(i.after, link)
    return link


def _symlink(i: Inputs) -> Path:
    link = i.root / "report.txt"
    link.symlink_to(i.spec)
    return link


def _dotted(i: Inputs) -> Path:
    (i.root / "sub").mkdir()
    return i.root / "." / "sub" / ".." / "after.json"


def _check(i: Inputs) -> list[str]:
    return ["check", str(i.spec), *i.snapshot_args()]


def _group_args(i: Inputs) -> list[str]:
    return [*i.snapshot_args(), "-g", "group", "--groups", str(i.groups)]


CASES: list[Case] = [
    # rela check
    ("check", _check, lambda i: i.spec),
    ("check", _check, lambda i: i.before),
    ("check", _check, _hardlink),
    ("check", _check, _dotted),
    ("check", _check, _symlink),
    ("check", lambda i: ["check", str(i.spec), *_group_args(i)], lambda i: i.groups),
    ("check", lambda i: ["check", str(i.spec), "--change", str(i.chunks)], lambda i: i.chunks / "new.json"),
    ("check", lambda i: ["check", str(i.spec), "--change", str(i.graphs)], lambda i: i.graphs),
    ("check", lambda i: ["check", str(i.batfish_spec), *i.export_args()], lambda i: i.export_before / "routes.json"),
    ("check", lambda i: ["check", str(i.batfish_spec), *i.export_args()], lambda i: i.export_after / "report.md"),
    # rela diff
    ("diff", lambda i: ["diff", *i.snapshot_args()], lambda i: i.after),
    ("diff", lambda i: ["diff", *_group_args(i)], lambda i: i.groups),
    ("diff", lambda i: ["diff", "--change", str(i.chunks)], lambda i: i.chunks / "reroute.json"),
    ("diff", lambda i: ["diff", *i.export_args()], lambda i: i.export_before / "edges.json"),
    # rela show
    ("show", lambda i: ["show", *i.snapshot_args()], lambda i: i.before),
    ("show", lambda i: ["show", *_group_args(i)], lambda i: i.groups),
    ("show", lambda i: ["show", "--change", str(i.chunks)], lambda i: i.chunks / "out.json"),
    ("show", lambda i: ["show", "--change", str(i.graphs)], lambda i: i.graphs),
    ("show", lambda i: ["show", *i.export_args()], lambda i: i.export_after / "routes.json"),
    # rela change build
    ("change build", lambda i: ["change", "build", *i.export_args()], lambda i: i.export_before / "routes.json"),
    ("change build", lambda i: ["change", "build", *i.export_args()], lambda i: i.export_after / "new.json"),
    (
        "change build",
        lambda i: [
            "change", "build",
            "--before-routes", str(i.export_before / "routes.json"),
            "--before-edges", str(i.export_before / "edges.json"),
            "--after", str(i.export_after),
        ],
        lambda i: i.export_before / "edges.json",
    ),
    # rela parse
    ("parse", lambda i: ["parse", str(i.spec)], lambda i: i.spec),
]  # fmt: skip


@pytest.mark.parametrize(("command", "args", "target"), CASES)
def test_output_naming_an_input_is_refused(
    inputs: Inputs,
    command: str,
    args: Callable[[Inputs], list[str]],
    target: Callable[[Inputs], Path],
) -> None:
    out = target(inputs)
    before = snapshot_of_all_files(inputs.root)
    result = runner.invoke(app, [*args(inputs), "-o", str(out)])
    assert result.exit_code == 2, (command, result.output)
    assert "Traceback" not in result.output
    assert "refusing" in result.stderr and "--output" in result.stderr, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert snapshot_of_all_files(inputs.root) == before  # nothing changed, nothing added


def test_an_output_beside_the_inputs_is_written(inputs: Inputs) -> None:
    """The refusals above are about inputs, not about the directory they live in."""
    out = inputs.root / "report.json"
    result = runner.invoke(app, [*_check(inputs), "-f", "json", "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert out.read_text().startswith("{")


WRITERS: list[tuple[str, Callable[[Inputs], list[str]], int]] = [
    ("check", lambda i: [*_check(i), "-f", "json"], 1),
    ("diff", lambda i: ["diff", *i.snapshot_args(), "-f", "json"], 1),
    ("show", lambda i: ["show", *i.snapshot_args(), "-f", "json"], 0),
    ("change build", lambda i: ["change", "build", *i.export_args()], 0),
    ("parse", lambda i: ["parse", str(i.spec), "-f", "json"], 0),
]


@pytest.mark.parametrize(("command", "args", "code"), WRITERS)
def test_reports_replace_the_old_file_atomically(
    inputs: Inputs, tmp_path: Path, command: str, args: Callable[[Inputs], list[str]], code: int
) -> None:
    out = tmp_path / "out" / "report.json"
    out.parent.mkdir()
    out.write_text("previous report\n")
    out.chmod(0o640)
    old_inode = out.stat().st_ino
    result = runner.invoke(app, [*args(inputs), "-o", str(out)])
    assert result.exit_code == code, result.output
    assert out.read_text().lstrip().startswith(("{", "["))  # the whole new document
    assert out.stat().st_ino != old_inode  # renamed into place, not rewritten in place
    assert oct(out.stat().st_mode & 0o777) == oct(0o640)
    assert [p.name for p in out.parent.iterdir()] == ["report.json"]  # no temporary left


@pytest.mark.parametrize(("command", "args", "code"), WRITERS)
def test_a_failed_run_leaves_the_old_report(
    inputs: Inputs, tmp_path: Path, command: str, args: Callable[[Inputs], list[str]], code: int
) -> None:
    """A run that fails (here: an input that turns out truncated) never leaves half a report."""
    truncate = {
        "check": inputs.after,
        "diff": inputs.after,
        "show": inputs.after,
        "change build": inputs.export_after / "routes.json",
        "parse": inputs.spec,
    }[command]
    text = truncate.read_text()
    if command == "parse":
        truncate.write_text(text + "\nspec broken { ( : preserve }\n")
    else:
        truncate.write_text(text[: len(text) * 2 // 3])
    out = tmp_path / "report.json"
    out.write_text("previous report\n")
    result = runner.invoke(app, [*args(inputs), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert out.read_text() == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "report.json"]


def test_show_streams_into_a_temporary_file_and_keeps_the_old_one_on_failure(
    inputs: Inputs, tmp_path: Path
) -> None:
    """``show`` writes FEC by FEC: an error deep in the input (after FECs were written)
    must still leave the previous file whole."""
    before, after = big_snapshots(tmp_path, fecs=50)
    text = after.read_text()
    after.write_text(text[: len(text) - 40])  # the last FECs are cut off
    out = tmp_path / "show.json"
    out.write_text("previous\n")
    result = runner.invoke(
        app, ["show", "--before", str(before), "--after", str(after), "-f", "json", "-o", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert out.read_text() == "previous\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".show.json")]


def test_unwritable_outputs_are_refused_before_any_work(inputs: Inputs, tmp_path: Path) -> None:
    for target, why in [
        (tmp_path / "missing" / "r.json", "does not exist"),
        (tmp_path, "is a directory"),
        (inputs.spec / "r.json", "is not a directory"),
    ]:
        result = runner.invoke(app, [*_check(inputs), "-o", str(target)])
        assert result.exit_code == 2, result.output
        assert "cannot write --output" in result.stderr and why in result.stderr, result.stderr
        assert result.stdout == ""


# ---------------------------------------------------------------------- real stdout


def _commands(i: Inputs, big: tuple[Path, Path], big_spec: Path) -> dict[str, list[str]]:
    """One invocation per command whose output is tens of kilobytes (more than a pipe holds)."""
    b, a = map(str, big)
    return {
        "check": ["check", str(i.spec), "--before", b, "--after", a, "-f", "json"],
        "diff": ["diff", "--before", b, "--after", a, "-f", "json"],
        "show": ["show", "--before", b, "--after", a],
        "change build": ["change", "build", *i.export_args()],
        "parse": ["parse", str(big_spec)],
    }


@pytest.fixture
def loud(inputs: Inputs, tmp_path: Path) -> dict[str, list[str]]:
    spec = tmp_path / "big.rela"
    spec.write_text(
        "".join(f"let zone{n} = [^core{n}]* core{n} .*\n" for n in range(400))
        + "spec s { zone1 : preserve else .* : preserve }\n"
    )
    return _commands(inputs, big_snapshots(tmp_path), spec)


COMMANDS = ["check", "diff", "show", "change build", "parse"]


@pytest.mark.parametrize("command", COMMANDS)
def test_full_stdout_is_one_line_and_exit_2(loud: dict[str, list[str]], command: str) -> None:
    with open("/dev/full", "w") as full:
        result = run_rela(*loud[command], stdout=full.fileno())
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        "error: cannot write to standard output: no space left on the device"
    ]


@pytest.mark.parametrize("command", COMMANDS)
def test_closed_pipe_like_head_1_is_one_line_and_exit_2(
    loud: dict[str, list[str]], command: str
) -> None:
    """``rela ... | head -1``: the reader takes the first line and goes away."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)  # smaller than the output: no race
    proc = subprocess.Popen(
        [sys.executable, "-m", "rela", *loud[command]],
        stdout=write_end,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    os.close(write_end)
    assert proc.stderr is not None
    first = os.read(read_end, 200)
    assert first  # the command started writing
    os.close(read_end)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 2, err
    assert err.splitlines() == ["error: standard output was closed before the output was written"]


def test_check_writes_extra_reports_from_the_same_run(inputs: Inputs, tmp_path: Path) -> None:
    xml, md = tmp_path / "rela.xml", tmp_path / "rela.md"
    result = runner.invoke(
        app, [*_check(inputs), "--report", f"junit:{xml}", "--report", f"markdown:{md}", "-q"]
    )
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("FAIL")  # the main output is unchanged
    assert xml.read_text().startswith("<?xml") and "<testcase" in xml.read_text()
    assert md.read_text().startswith("## ") and "costout" in md.read_text()
    assert "2 of 4 FECs" in md.read_text()


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("TARGET-SPEC", "is an input of this command"),
        ("TARGET-CHUNK", "inside the input directory"),
        ("pdf:r.pdf", "expected FORMAT:FILE"),
        ("junit", "expected FORMAT:FILE"),
        ("junit:-", "already written"),
        ("junit:SAME", "already written"),
    ],
)
def test_bad_extra_reports_are_usage_errors(
    inputs: Inputs, tmp_path: Path, value: str, needle: str
) -> None:
    value = {
        "TARGET-SPEC": f"junit:{inputs.spec}",
        "TARGET-CHUNK": f"markdown:{inputs.chunks / 'r.md'}",
        "junit:SAME": f"junit:{tmp_path / 'same.txt'}",
    }.get(value, value)
    before = snapshot_of_all_files(inputs.root)
    result = runner.invoke(
        app,
        ["check", str(inputs.spec), "--change", str(inputs.chunks), "-o",
         str(tmp_path / "same.txt"), "--report", value],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert needle in result.stderr and "--report" in result.stderr, result.stderr
    assert snapshot_of_all_files(inputs.root) == before
    assert not (tmp_path / "same.txt").exists()  # refused before any work
