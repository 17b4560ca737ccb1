"""Start-up of ``rela check``: the whole command on a 1-FEC change, and its imports alone.

Usage (from the repository root, after ``pip install -e .``)::

    python benchmarks/startup.py [--rounds 20]

Also part of ``benchmarks/run.py`` (``--no-startup`` skips it).  Each figure
is the median wall time of ``--rounds`` runs of a fresh process, after one
unmeasured run (which fills the parser cache, as any earlier run on the
machine would have).  *check* runs the console script on a 1-FEC change
(``snapshots/graphs/reroute.json``, first FEC; spec ``.* : preserve``) with
the text report written to a pipe; *import* imports what the command imports
before it reads its input (``rela.entry`` and the ``check`` command's module);
*libraries* imports only the libraries the command line stands on (typer,
rich's console, Lark); *python* starts a bare interpreter, the floor under all.
Issue 15's target: *check* under 0.15 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 0.15
COLUMNS = [("what", "what"), ("median_s", "median s"), ("min_s", "min s"),
           ("rounds", "rounds"), ("target_s", "target s")]  # fmt: skip


def _time(cmd: list[str], rounds: int) -> list[float]:
    subprocess.run(cmd, check=False, capture_output=True)  # warm: disk cache, parser cache
    took = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        done = subprocess.run(cmd, check=False, capture_output=True)
        took.append(time.perf_counter() - t0)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"{cmd} exited {done.returncode}: {done.stderr[-500:]!r}")
    return took


def bench_startup(rounds: int) -> list[dict[str, Any]]:
    """Median and minimum wall times of the four commands, interleaved over rounds."""
    with tempfile.TemporaryDirectory(prefix="rela-startup-") as tmp:
        return _bench(Path(tmp), rounds)


def _bench(work: Path, rounds: int) -> list[dict[str, Any]]:
    fecs = json.loads((ROOT / "snapshots" / "graphs" / "reroute.json").read_text())
    (work / "one.json").write_text(json.dumps(fecs[:1]))
    (work / "spec.rela").write_text("spec s { .* : preserve }\n")
    script = Path(sys.executable).with_name("rela")
    rela = [str(script)] if script.is_file() else [sys.executable, "-m", "rela"]
    cmds = {
        "python": [sys.executable, "-c", "pass"],
        "libraries": [sys.executable, "-c", "import typer, rich.console, lark"],
        "import": [
            sys.executable,
            "-c",
            'import rela.entry; rela.entry.ARGV = ["check"]; import rela.cli',
        ],
        "check": [*rela, "check", str(work / "spec.rela"), "--change", str(work / "one.json")],
    }
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(rounds):
        for name, cmd in cmds.items():
            times[name] += _time(cmd, 1)
    return [
        {
            "what": name,
            "median_s": round(statistics.median(t), 4),
            "min_s": round(min(t), 4),
            "rounds": len(t),
            "target_s": TARGET_S if name == "check" else None,
        }
        for name, t in times.items()
    ]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=20)
    args = p.parse_args(argv)
    for row in bench_startup(args.rounds):
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
