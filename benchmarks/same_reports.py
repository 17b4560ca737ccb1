#!/usr/bin/env python3
"""Whether two checkouts write the same reports: the guard of a performance change.

A speed-up of the engine must not change one listed path.  This script runs
``rela check`` and ``rela diff`` (``-f json --all --jobs 1``) from this checkout
and from another one (``--against``: a folder, e.g. a ``git worktree`` of the
commit before the change) on the same inputs, and compares the JSON reports
with their timing fields removed, and the exit codes.  The inputs:

* the real sample ``rela-dataset/chunk_22_112.json`` (when ``../shared/data`` is
  there): the five scenario specs of ``benchmarks/run.py`` at device and
  interface granularity with ``--max-paths`` 20 and 3, and at group granularity;
  ``rela diff`` at device and interface granularity;
* synthetic changes of ``rela.synth`` (Clos and WAN; drain, reroute, add-link;
  black hole, loop, none), each checked against its own spec at device and
  interface granularity, and diffed;
* the Batfish example of ``snapshots/batfish`` (with and without ``--start``).

Both checkouts run with this interpreter (``PYTHONPATH`` set to the checkout), so
they share the installed libraries.  Exit 0 when every report is the same, 1 when
one differs (both reports are kept, in ``--workdir`` or a temporary folder, and
named), 2 on bad usage::

    git worktree add /tmp/rela-before HEAD~3
    python benchmarks/same_reports.py --against /tmp/rela-before
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (scenario specs, devices and data folder of the benchmark)

REPO = Path(__file__).resolve().parents[1]
#: Fields that hold times, not results.
TIMING = frozenset({"seconds"})
#: Synthetic changes: topology, change, bug, seed.
SYNTHETIC = (
    ("clos", "drain", "blackhole", 1),
    ("clos", "drain", "loop", 2),
    ("wan", "add-link", "none", 3),
    ("wan", "reroute", "loop", 4),
    ("clos", "reroute", "blackhole", 5),
)


def without_timing(report: Any) -> Any:
    """``report`` with every timing field removed, at any depth."""
    if isinstance(report, dict):
        return {k: without_timing(v) for k, v in report.items() if k not in TIMING}
    if isinstance(report, list):
        return [without_timing(v) for v in report]
    return report


def real_cases(data: Path, work: Path) -> Iterator[tuple[str, list[str]]]:
    sample, groups = data / bench.SAMPLE, data / bench.GROUPS
    if not sample.is_file():
        print(f"real sample skipped: {sample} not found", file=sys.stderr)
        return
    raw = json.loads(sample.read_bytes())
    x, y = bench.pick_devices(raw)
    for name, text in bench.scenario_specs(x, y, bench.pick_prefixes(raw)).items():
        spec = work / f"{name}.rela"
        body = text.strip()
        if not body.startswith(("spec", "assert", "let", "#")):
            body = f"spec {name} {{\n{body}\n}}"
        spec.write_text(body + "\n")
        for gran in ("device", "interface"):
            for paths in ("20", "3"):
                yield f"real {name} {gran} --max-paths {paths}", [
                    "check", str(spec), "--change", str(sample), "-g", gran, "--max-paths", paths
                ]  # fmt: skip
        if groups.is_file():
            yield f"real {name} group", [
                "check", str(spec), "--change", str(sample), "-g", "group", "--groups", str(groups)
            ]  # fmt: skip
    for gran in ("device", "interface"):
        yield f"real diff {gran}", ["diff", "--change", str(sample), "-g", gran]


def synthetic_cases(work: Path, fecs: int) -> Iterator[tuple[str, list[str]]]:
    for topology, change, bug, seed in SYNTHETIC:
        out = work / f"{topology}-{change}-{bug}"
        subprocess.run(
            [sys.executable, "-m", "rela.synth", "--topology", topology, "--change", change,
             "--bug", bug, "--seed", str(seed), "--fecs", str(fecs), "--out", str(out)],
            check=True, capture_output=True, cwd=REPO,
        )  # fmt: skip
        spec, chunks = str(out / "spec.rela"), str(out / "change")
        name = out.name
        yield f"{name} check", ["check", spec, "--change", chunks]
        yield f"{name} check interface", ["check", spec, "--change", chunks, "-g", "interface"]
        yield f"{name} diff", ["diff", "--change", chunks]


def batfish_cases() -> Iterator[tuple[str, list[str]]]:
    snaps = REPO / "snapshots" / "batfish"
    spec = str(snaps / "costout.rela")
    for after in sorted(p for p in snaps.glob("change*") if p.is_dir()):
        pair = ["--before", str(snaps / "base"), "--after", str(after)]
        yield f"batfish {after.name}", ["check", spec, *pair, "--start", "border1[Ethernet0]",
                                        "--start", "border2[Ethernet0]", "--dst", "10.100.0.0/16"]  # fmt: skip
        yield f"batfish {after.name} every start", ["check", spec, *pair]


def _env(checkout: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(checkout)}


def imported_from(checkout: Path, work: Path) -> Path:
    """Where ``rela`` is imported from as :func:`report_of` runs it (``python -m`` puts
    the working folder first on the path: it is ``work``, which holds no ``rela``)."""
    code = "import rela; print(rela.__file__)"
    done = subprocess.run([sys.executable, "-c", code], env=_env(checkout), cwd=work,
                          capture_output=True, text=True, check=True)  # fmt: skip
    return Path(done.stdout.strip()).resolve().parent.parent


def report_of(checkout: Path, args: list[str], out: Path) -> tuple[int, Any]:
    """Exit code and JSON report of ``rela ARGS`` run from ``checkout`` (in ``out``'s folder)."""
    cmd = [sys.executable, "-m", "rela", *args, "-f", "json", "-o", str(out), "--all", "-j", "1"]
    done = subprocess.run(cmd, env=_env(checkout), cwd=out.parent, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        return done.returncode, done.stderr.strip()
    return done.returncode, without_timing(json.loads(out.read_text()))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--against", type=Path, required=True, help="the other checkout (a folder)")
    p.add_argument("--data", type=Path, default=bench.DEFAULT_DATA, help="the shared data folder")
    p.add_argument("--fecs", type=int, default=1500, help="FECs per synthetic change (1500)")
    p.add_argument("--workdir", type=Path, help="keep inputs and differing reports here")
    args = p.parse_args(argv)
    if not (args.against / "rela" / "__init__.py").is_file():
        print(
            f"--against {args.against}: not a Rela checkout (no rela/__init__.py)", file=sys.stderr
        )
        return 2
    work = (args.workdir or Path(tempfile.mkdtemp(prefix="rela-same-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    args.data = args.data.resolve()
    for checkout in (REPO, args.against.resolve()):
        got = imported_from(checkout, work)
        if got != checkout:
            print(f"{checkout}: Python imports rela from {got} instead", file=sys.stderr)
            return 2
    cases = [*real_cases(args.data, work), *synthetic_cases(work, args.fecs), *batfish_cases()]
    differing = 0
    for n, (label, cmd) in enumerate(cases):
        ours = report_of(REPO, cmd, work / f"{n}-this.json")
        theirs = report_of(args.against, cmd, work / f"{n}-other.json")
        same = ours == theirs
        differing += not same
        kept = "" if same else f"  (reports: {work}/{n}-this.json, {n}-other.json)"
        print(f"{'same' if same else 'DIFFERENT':9} exit {ours[0]}  {label}{kept}", flush=True)
    print(f"{len(cases)} reports compared, {differing} different")
    if not differing and args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
