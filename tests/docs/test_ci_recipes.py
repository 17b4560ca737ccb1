"""docs/ci.md's recipes run: their YAML parses, they install the package under its
distribution name, and every ``rela`` command they run is accepted by the CLI and writes
the report it names (run here on a shipped example laid out as the recipes expect)."""

from __future__ import annotations

import re
import shlex
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rela.cli import app

yaml = pytest.importorskip("yaml")

REPO = Path(__file__).resolve().parents[2]
CI_MD = REPO / "docs" / "ci.md"
BATFISH = REPO / "snapshots" / "batfish"


def yaml_blocks() -> list[Any]:
    text = CI_MD.read_text()
    return [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def github() -> dict[Any, Any]:
    (workflow,) = [b for b in yaml_blocks() if isinstance(b, dict) and "jobs" in b]
    return workflow


def gitlab() -> dict[str, Any]:
    (doc,) = [b for b in yaml_blocks() if isinstance(b, dict) and "rela" in b]
    job: dict[str, Any] = doc["rela"]
    return job


def shell_lines(script: str) -> list[str]:
    """Logical shell lines (backslash continuations joined)."""
    return [line.strip() for line in script.replace("\\\n", " ").splitlines() if line.strip()]


def github_lines() -> list[str]:
    (job,) = github()["jobs"].values()
    return [line for step in job["steps"] if "run" in step for line in shell_lines(step["run"])]


def gitlab_lines() -> list[str]:
    job = gitlab()
    scripts = [*job["before_script"], *job["script"], *job["after_script"]]
    return [line for s in scripts for line in shell_lines(s)]


def test_the_yaml_blocks_parse_into_a_workflow_and_a_job() -> None:
    workflow = github()
    # PyYAML reads the bare key `on` as True (YAML 1.1); GitHub reads it as "on"
    trigger = workflow.get("on", workflow.get(True))
    assert "pull_request" in trigger
    (job,) = workflow["jobs"].values()
    uses = [s["uses"] for s in job["steps"] if "uses" in s]
    assert any(u.startswith("actions/checkout@") for u in uses)
    assert job["permissions"]["pull-requests"] == "write"  # for the comment
    names = [s.get("name") for s in job["steps"]]
    assert "Comment on the pull request" in names
    gl = gitlab()
    assert gl["artifacts"]["reports"]["junit"] == "rela.xml"
    assert any("merge_requests" in line and "notes" in line for line in gitlab_lines())


@pytest.mark.parametrize("lines", [github_lines, gitlab_lines], ids=["github", "gitlab"])
def test_recipes_install_the_distribution(lines: Any) -> None:
    installs = [line for line in lines() if "pip install" in line]
    assert installs
    for line in installs:
        assert re.search(r"pip install rela-verify==\d+\.\d+\.\d+\b", line), line


def test_every_install_line_in_the_docs_names_the_distribution() -> None:
    """README and docs: `pip install` of Rela is `rela-verify` (or a git checkout)."""
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        text = re.sub(r"install\s*\n\s*", "install ", path.read_text())  # wrapped prose
        for line in text.splitlines():
            for m in re.finditer(r"pip(?:x)? install ([^`|&;]*)", line):
                args = m.group(1).split("#")[0]
                if "rela" not in args:
                    continue
                ok = "rela-verify" in args or re.search(
                    r"(^|\s)-?-?e?\s*['\"]?\.(\[|['\"\s]|$)", args
                )
                assert ok, f"{path.name}: {line.strip()}"
                assert not re.search(r"(^|[\s'\"])rela(==|\[|\s|$)", args), f"{path.name}: {line}"


def rela_commands(lines: list[str]) -> list[list[str]]:
    out = []
    for line in lines:
        if line.startswith("rela "):
            line = line.split("||")[0]
            out.append(shlex.split(line))
    return out


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A repository laid out as the recipes expect: change.rela, pre/ and post/."""
    shutil.copy(BATFISH / "costout.rela", tmp_path / "change.rela")
    shutil.copytree(BATFISH / "base", tmp_path / "pre")
    shutil.copytree(BATFISH / "change2", tmp_path / "post")
    return tmp_path


@pytest.mark.parametrize("lines", [github_lines, gitlab_lines], ids=["github", "gitlab"])
def test_the_rela_commands_of_the_recipes_run(
    workspace: Path, lines: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands = rela_commands(lines())
    reports = [a.partition(":") for argv in commands for a in _values(argv, "--report")]
    reports += [
        (f, ":", o)
        for argv in commands
        for f, o in zip(_values(argv, "--format"), _values(argv, "--output"))
    ]
    assert {fmt for fmt, _, _ in reports} == {"junit", "markdown"}, commands
    for argv in commands:
        monkeypatch.chdir(workspace)  # the recipes' paths are relative to the repository
        result = CliRunner().invoke(app, argv[1:])
        assert result.exit_code in (0, 1), (argv, result.output)  # never a usage error
        assert result.exception is None or isinstance(result.exception, SystemExit)
    for fmt, _, name in reports:
        text = (workspace / name).read_text()
        if fmt == "junit":
            assert len(list(ET.fromstring(text).iter("testcase"))) >= 2, text[:200]
        else:
            assert "costout" in text and "| spec |" in text  # the summary table


def _values(argv: list[str], option: str) -> list[str]:
    return [argv[k + 1] for k, a in enumerate(argv[:-1]) if a == option]
