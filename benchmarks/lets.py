"""Many ``let`` definitions (issue 11 §2): ``rela parse`` and ``rela check`` times by count.

    python benchmarks/lets.py                      # 10^4, 3x10^4, 10^5 lets, 3 rounds
    python benchmarks/lets.py --sizes 1e4 --rounds 5 --compare ../main

Each file has N lets (each uses an earlier one and the drop location) and one
spec using the last.  Per size and round, in separate processes, it
times ``rela parse FILE`` (parse and print) and ``rela check FILE`` on the
shipped example change (parse, compile, lint, verify).  ``--compare DIR`` runs
the same commands with the ``rela`` package of another checkout, interleaved
round by round so that load on a shared machine hits both alike.  Medians of
CPU time (user + system of the ``rela`` process) are printed; the figures are
in docs/robustness.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "snapshots" / "paths" / "core-costout"


def spec_text(n: int) -> str:
    lines = ["let l0 = core1"]
    lines += [f'let l{i} = a{i} l{i // 2} | "drop"' for i in range(1, n)]
    lines.append(f"spec s {{ .* (l{n - 1}) .* : drop else .* : preserve }}")
    return "\n".join(lines) + "\n"


def run(package_root: Path, args: list[str]) -> float:
    """CPU seconds (user + system) of one ``rela`` process: steadier than wall time when
    other jobs share the machine."""
    env = dict(os.environ, PYTHONPATH=str(package_root))
    code = "import sys; from rela.cli import main; sys.argv[0] = 'rela'; main()"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(  # cwd: not a checkout, so that PYTHONPATH picks the package
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, cwd="/"
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1e4,3e4,1e5")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", type=Path, help="another checkout to time alongside")
    opts = parser.parse_args()
    sizes = [int(float(s)) for s in opts.sizes.split(",")]
    roots = {"this": ROOT}
    if opts.compare:
        roots["compare"] = opts.compare.resolve()
    change = ["--before", str(SNAPSHOT / "before.json"), "--after", str(SNAPSHOT / "after.json")]
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'lets':>8} {'tree':>8} {'parse CPU s':>12} {'check CPU s':>12}")
        for n in sizes:
            spec = Path(tmp) / f"lets{n}.rela"
            spec.write_text(spec_text(n), encoding="utf-8")
            times: dict[str, dict[str, list[float]]] = {
                r: {"parse": [], "check": []} for r in roots
            }
            for _ in range(opts.rounds):
                for name, root in roots.items():
                    times[name]["parse"].append(run(root, ["parse", str(spec)]))
                    check = ["check", str(spec), *change, "-j", "1", "--no-progress", "-q"]
                    times[name]["check"].append(run(root, check))
            for name in roots:
                parse = statistics.median(times[name]["parse"])
                check = statistics.median(times[name]["check"])
                print(f"{n:>8} {name:>8} {parse:>12.1f} {check:>12.1f}", flush=True)


if __name__ == "__main__":
    main()
