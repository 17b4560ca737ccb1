"""The distribution as a user gets it: ``python -m build`` makes an sdist and, from it, a
wheel; the wheel installed into a fresh virtualenv has the grammar, the schemas and
``py.typed`` inside, its ``rela`` command checks a shipped example, and a client typed
against it passes ``mypy --strict`` with no ``Any`` leaking from the library.

Kept fast for CI: the build runs without isolation (``build`` and ``hatchling`` are in the
test extra), and the fresh virtualenv gets the wheel alone (``--no-deps``) while its
dependencies (lark, typer, ...) are found through a ``.pth`` file pointing at the test
environment's site-packages, *after* the virtualenv's own — so ``rela`` itself can only come
from the wheel, which the tests assert.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

import rela

REPO = Path(__file__).resolve().parents[2]
DIST = "rela-verify"
WHEEL_PREFIX = DIST.replace("-", "_")


@dataclass(frozen=True)
class Installed:
    dist: Path  # where the sdist and the wheel are
    wheel: Path
    sdist: Path
    venv: Path
    python: Path
    rela: Path  # the console script
    site: Path  # the virtualenv's own site-packages
    work: Path  # an empty working directory outside the checkout


def _run(*args: str | Path, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    pytest.importorskip("build")
    pytest.importorskip("hatchling")
    root = tmp_path_factory.mktemp("package")
    dist = root / "dist"
    # sdist first, then the wheel built from the unpacked sdist (so the sdist is complete)
    built = _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, REPO, cwd=root)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = dist.glob(f"{WHEEL_PREFIX}-{rela.__version__}-py3-none-any.whl")
    (sdist,) = dist.glob(f"{WHEEL_PREFIX}-{rela.__version__}.tar.gz")

    venv = root / "venv"
    made = _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=root)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    paths = _run(
        python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=root
    )
    venv_site = Path(paths.stdout.strip())
    install = _run(
        sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
        "--disable-pip-version-check", wheel, cwd=root,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout + install.stderr
    # the dependencies, from this environment, after the virtualenv's own site-packages
    ours = [*site.getsitepackages(), sysconfig.get_paths()["purelib"]]
    (venv_site / "zz_test_dependencies.pth").write_text("\n".join(dict.fromkeys(ours)) + "\n")
    work = root / "work"
    work.mkdir()
    return Installed(dist, wheel, sdist, venv, python, venv / "bin" / "rela", venv_site, work)


def test_wheel_contents(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as whl:
        names = set(whl.namelist())
        meta = whl.read(f"{WHEEL_PREFIX}-{rela.__version__}.dist-info/METADATA").decode()
        entry = whl.read(f"{WHEEL_PREFIX}-{rela.__version__}.dist-info/entry_points.txt").decode()
    for needed in (
        "rela/__init__.py",
        "rela/__main__.py",
        "rela/py.typed",
        "rela/grammar/rela.lark",
        "rela/schemas/report.schema.json",
        "rela/schemas/diff.schema.json",
        "rela/schemas/snapshot.schema.json",
        "rela/cli/output.py",
    ):
        assert needed in names, needed
    assert not [n for n in names if n.startswith(("tests/", "snapshots/", "benchmarks/"))]
    assert f"Name: {DIST}\n" in meta and f"Version: {rela.__version__}\n" in meta
    assert "Typing :: Typed" in meta
    assert "rela = rela.entry:main" in entry


def test_sdist_contents(installed: Installed) -> None:
    with tarfile.open(installed.sdist) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    for needed in (
        "pyproject.toml",
        "README.md",
        "grammar/rela.lark",
        "rela/py.typed",
        "docs/ci.md",
    ):
        assert needed in names, needed


def test_the_wheel_alone_provides_rela(installed: Installed) -> None:
    probe = _run(
        installed.python,
        "-c",
        "import rela, rela.lang.parser as p, importlib.resources as r;"
        "print(rela.__file__);"
        "print(r.files('rela').joinpath('grammar', 'rela.lark').is_file());"
        "print(r.files('rela').joinpath('py.typed').is_file());"
        "print(len(p.grammar_text()))",
        cwd=installed.work,
    )
    assert probe.returncode == 0, probe.stderr
    where, grammar, typed, size = probe.stdout.split()
    assert Path(where).is_relative_to(installed.site), where  # not the checkout
    assert grammar == typed == "True" and int(size) > 1000


def test_rela_command_from_the_wheel(installed: Installed) -> None:
    version = _run(installed.rela, "--version", cwd=installed.work)
    assert version.returncode == 0 and version.stdout.startswith(f"rela {rela.__version__} (")
    module = _run(installed.python, "-m", "rela", "--version", cwd=installed.work)
    assert module.stdout == version.stdout
    batfish = REPO / "snapshots" / "batfish"
    args = [
        batfish / "costout.rela", "--before", batfish / "base", "--after", batfish / "change2",
        "--start", "border1[Ethernet0]", "--start", "border2[Ethernet0]", "--dst", "10.100.0.0/16",
    ]  # fmt: skip
    check = _run(
        installed.rela, "check", *args, "-f", "json", "-o", "report.json", cwd=installed.work
    )
    assert check.returncode == 0, check.stdout + check.stderr
    report = json.loads((installed.work / "report.json").read_text())
    assert report["holds"] is True and report["fecs_read"] > 0
    # the schema packaged in the wheel describes the report
    validate = _run(
        installed.python,
        "-c",
        "import json, jsonschema, sys; from rela.report import report_schema;"
        "jsonschema.validate(json.load(open('report.json')), report_schema())",
        cwd=installed.work,
    )
    assert validate.returncode == 0, validate.stderr
    broken = _run(installed.rela, "check", *args[:1], "--before", batfish / "base", "--after",
                  batfish / "change1", "--start", "border1[Ethernet0]", cwd=installed.work)  # fmt: skip
    assert broken.returncode == 1 and "violated" in broken.stdout


def test_a_typed_client_passes_mypy_strict_against_the_wheel(installed: Installed) -> None:
    """``py.typed`` in the wheel: without it every ``rela`` type would be ``Any`` and
    ``--disallow-any-expr`` would fail on every line that touches the library."""
    pytest.importorskip("mypy")
    client = installed.work / "typed_client.py"
    shutil.copy(Path(__file__).with_name("typed_client.py"), client)
    result = _run(
        sys.executable, "-m", "mypy", "--strict", "--disallow-any-expr",
        "--python-executable", installed.python, "--cache-dir", installed.work / ".mypy",
        "--no-error-summary", client.name, cwd=installed.work,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    costout = REPO / "snapshots" / "paths" / "core-costout"
    run = _run(
        installed.python, client.name, REPO / "snapshots" / "specs" / "costout.rela",
        costout / "before.json", costout / "after.json", cwd=installed.work,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    assert "costout: 2 violated flow(s)" in run.stdout
