"""Lint and type checks run with the test suite (ruff and mypy, configured in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)


def _ruff() -> str:
    """The ruff beside this interpreter (a virtual environment's), else the one on PATH."""
    local = Path(sys.executable).parent / "ruff"
    return str(local) if local.exists() else "ruff"


_NEEDS_RUFF = pytest.mark.skipif(shutil.which(_ruff()) is None, reason="ruff not installed")


@_NEEDS_RUFF
def test_ruff_is_clean() -> None:
    result = _run(_ruff(), "check", "rela", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


@_NEEDS_RUFF
def test_code_is_formatted() -> None:
    """``ruff format`` (the version pyproject.toml pins) would change no file."""
    result = _run(_ruff(), "format", "--check", "rela", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    pytest.importorskip("mypy")
    result = _run(sys.executable, "-m", "mypy", "rela")
    assert result.returncode == 0, result.stdout + result.stderr
