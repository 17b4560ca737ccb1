"""The CLI reads the same everywhere (docs/cli.md): every registered command is walked, so a
new command that spells a shared option differently, or reuses a flag for something else,
fails here.  Also: ``--help`` of every command shows every default and no type metavars,
``rela --version`` and ``python -m rela`` work, ``python -m rela.synth --help`` shows defaults."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, get_args

import pytest
import typer
from typer.testing import CliRunner

import rela
from rela.cli import app
from rela.cli.inputs import SHARED_INPUTS
from rela.cli.options import SHARED_OPTIONS
from rela.defaults import DEFAULT_FEC_TIMEOUT, DEFAULT_MAX_PATHS, DEFAULT_MAX_STATES
from rela.network.model import Granularity
from tests.typer_compat import choices

runner = CliRunner()

#: The default of every shared option, wherever it appears.
SHARED_DEFAULTS: dict[str, Any] = {
    "output": None,
    "quiet": False,
    "verbose": False,
    "color": None,
    "no_progress": False,
    "strict": False,
    "jobs": None,
    "max_paths": DEFAULT_MAX_PATHS,
    "max_states": DEFAULT_MAX_STATES,
    "fec_timeout": DEFAULT_FEC_TIMEOUT,
    "change": None,
    "before": None,
    "after": None,
    "granularity": Granularity.DEVICE,
    "groups": None,
    "start": None,
    "dst": None,
    "flow": None,
    "cache": None,
    "spec": None,
}
#: Every command must have these (as its own kind of output allows).
REQUIRED: dict[str, set[str]] = {
    "check": {"output", "format", "quiet", "verbose", "color", "no_progress", "strict", "jobs",
              "max_paths", "max_states", "fec_timeout", "change", "before", "after",
              "granularity", "groups", "start", "dst"},
    "diff": {"output", "format", "quiet", "color", "no_progress", "max_paths", "max_states",
             "change", "before", "after", "granularity", "groups", "start", "dst", "flow"},
    "show": {"output", "format", "quiet", "color", "max_paths", "change", "before", "after",
             "granularity", "groups", "start", "dst", "flow"},
    "change build": {"output", "before", "after", "start", "dst"},
    "parse": {"output", "format"},
    "lint": {"output", "format", "quiet", "color", "max_states", "fec_timeout", "change",
             "before", "after", "granularity", "groups", "start", "dst", "spec"},
    "suggest": {"output", "format", "quiet", "verbose", "no_progress", "jobs", "max_states",
                "fec_timeout", "change", "before", "after", "granularity", "groups", "start",
                "dst"},
}  # fmt: skip


# Typer's command and parameter classes (typer vendors its own click): duck-typed here.
Command = Any
Option = Any


def commands() -> Iterator[tuple[str, Command]]:
    """Every command the ``rela`` app registers, sub-commands included."""
    root = typer.main.get_command(app)
    stack: list[tuple[str, Command]] = [("", root)]
    while stack:
        name, cmd = stack.pop()
        subcommands = getattr(cmd, "commands", None)
        if subcommands:
            for sub, child in subcommands.items():
                stack.append(((f"{name} {sub}").strip(), child))
        else:
            yield name, cmd


COMMANDS = dict(commands())


def options(cmd: Command) -> list[Option]:
    return [p for p in cmd.params if p.param_type_name == "option" and p.name != "help"]


def declared(alias: Any) -> tuple[set[str], str | None, str | None]:
    """The flags, help and metavar of a shared ``Annotated[..., typer.Option(...)]``."""
    info = get_args(alias)[1]
    flags: set[str] = set()
    # typer.Option("--x", "-x", ...): the first declaration arrives as ``default``
    for decl in (info.default, *info.param_decls):
        flags.update(decl.split("/"))
    return flags, info.help, info.metavar


def test_every_command_is_walked() -> None:
    assert set(REQUIRED) <= set(COMMANDS), sorted(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_shared_options_are_spelled_and_meant_the_same(name: str) -> None:
    shared = {**SHARED_OPTIONS, **SHARED_INPUTS}
    for opt in options(COMMANDS[name]):
        flags = set(opt.opts) | set(opt.secondary_opts)
        if opt.name in shared:
            want_flags, want_help, want_metavar = declared(shared[opt.name])
            where = f"rela {name} {opt.opts[0]}"
            assert flags == want_flags, (
                f"{where}: spelled {sorted(flags)}, not {sorted(want_flags)}"
            )
            assert opt.help == want_help, f"{where}: declare it with the shared option"
            assert opt.metavar == want_metavar, where
            default = opt.default
            assert default == SHARED_DEFAULTS[opt.name], f"{where}: default {default!r}"
        elif "--format" in flags or "-f" in flags:
            assert flags == {"--format", "-f"}, name
            assert choices(opt), f"rela {name} --format: not a fixed set of choices"
        else:
            for spec_name, alias in shared.items():
                clash = flags & declared(alias)[0]
                assert not clash, (
                    f"rela {name}: {sorted(clash)} belongs to the shared {spec_name!r}"
                )


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_commands_have_the_shared_options_they_need(name: str) -> None:
    have = {"format" if "--format" in opt.opts else opt.name for opt in options(COMMANDS[name])}
    assert REQUIRED[name] <= have, f"rela {name} lacks {sorted(REQUIRED[name] - have)}"


def test_a_flag_means_one_thing_across_commands() -> None:
    """A flag used by two commands is one shared declaration (or --format, whose choices vary)."""
    meanings: dict[str, set[tuple[str | None, str | None]]] = defaultdict(set)
    for cmd in COMMANDS.values():
        for opt in options(cmd):
            if "--format" in opt.opts:
                continue
            for flag in (*opt.opts, *opt.secondary_opts):
                meanings[flag].add((opt.name, opt.help))
    differing = {flag: m for flag, m in meanings.items() if len(m) > 1}
    assert not differing, differing


# ---------------------------------------------------------------------- help text


def _help(*args: str) -> str:
    result = runner.invoke(app, [*args, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.stdout


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_shows_every_option_default_and_no_type_metavars(name: str) -> None:
    text = _help(*name.split())
    flat = _flat(text)
    assert "<bool>" not in text and "list[" not in text
    opts = text[text.index("Options:") :]
    assert "<path>" not in opts and "<int" not in opts and "<float" not in opts, opts
    assert "<text>" not in opts and "<file>" not in opts, opts
    for opt in options(COMMANDS[name]):
        assert opt.help and _flat(opt.help) in flat, f"help of {opt.opts} missing or mangled"
        default = opt.default
        if opt.is_flag and not opt.secondary_opts:
            assert "[default: False]" not in flat
            continue
        if default is None or not opt.show_default:
            continue
        shown = getattr(default, "value", default)
        if opt.is_flag:  # --merge/--no-merge
            shown = opt.opts[0].lstrip("-") if default else opt.secondary_opts[0].lstrip("-")
        pattern = rf"{re.escape(opt.opts[-1] if len(opt.opts) > 1 else opt.opts[0])}\b.*?\[default: {re.escape(str(shown))}[;\]]"
        assert re.search(pattern, flat), f"rela {name}: no [default: {shown}] for {opt.opts}"


def test_limits_show_their_real_defaults() -> None:
    flat = _flat(_help("check"))
    assert f"[default: {DEFAULT_MAX_STATES};" in flat
    assert f"[default: {DEFAULT_FEC_TIMEOUT};" in flat
    assert "Per-FEC limit on automaton states; an FEC over it gets an error verdict." in flat


def test_help_is_right_without_rich_too() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rela", "check", "--help"],
        capture_output=True,
        text=True,
        env={"TYPER_USE_RICH": "0", "PATH": "/usr/bin:/bin", "COLUMNS": "100"},
        timeout=120,
    )
    assert result.returncode == 0
    assert f"[default: {DEFAULT_MAX_STATES};" in _flat(result.stdout)
    assert "\\[" not in result.stdout


# ---------------------------------------------------------------------- entry points


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert (
        result.stdout == f"rela {rela.__version__} (rela-verify, Python {sys.version.split()[0]})\n"
    )


def test_python_dash_m_rela_is_the_rela_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rela", "--version"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0
    assert result.stdout.startswith(f"rela {rela.__version__} ")
    usage = subprocess.run(
        [sys.executable, "-m", "rela", "check"], capture_output=True, text=True, timeout=120
    )
    assert usage.returncode == 2 and "Missing argument 'SPEC'" in usage.stderr


def test_unknown_options_and_commands_are_usage_errors() -> None:
    for args in (["check", "--no-such-option"], ["frobnicate"], ["diff", "--max-paths", "x"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert "Traceback" not in result.output


def test_synth_help_shows_its_defaults() -> None:
    from rela.synth.__main__ import parser

    text = _flat(parser().format_help())
    for action in parser()._actions:
        if action.default in (None, False) or not action.option_strings or action.help is None:
            continue
        if action.default == "==SUPPRESS==":
            continue
        assert f"(default: {action.default})" in text, action.option_strings
