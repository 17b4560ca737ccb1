#!/usr/bin/env python3
"""Re-check time with the verdict cache (``rela check --cache DIR``) against a cold run.

The scenario is CI on a rebased change: a synthetic Clos drain (``rela.synth``)
was checked before (the cache is warm from that run) and the change now under
test differs in a few FECs (the same change with a black hole injected, so the
FECs of one destination now route differently).  Three variants, end to end
(``python -m rela check``, start-up included), in interleaved rounds so a busy
machine slows them alike:

* ``cold`` — no cache: every FEC decided;
* ``rebased`` — the cache warm from the previous change (a fresh copy each round):
  only the changed FECs are decided;
* ``unchanged`` — the cache warm from this very change: nothing decided.

    python benchmarks/cache.py --fecs 2000 --rounds 5 [--jobs 1] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

VARIANTS = ("cold", "rebased", "unchanged")


def _check(spec: Path, change: Path, jobs: int, cache: Path | None) -> tuple[float, dict[str, Any]]:
    cmd = [sys.executable, "-m", "rela", "check", str(spec), "--change", str(change)]
    cmd += ["-j", str(jobs), "-f", "json", "--no-progress"]
    if cache is not None:
        cmd += ["--cache", str(cache)]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t0
    if done.returncode not in (0, 1):
        raise SystemExit(f"rela check failed ({done.returncode}): {done.stderr}")
    return seconds, json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--fecs", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)

    from rela.synth import generate

    with tempfile.TemporaryDirectory(prefix="rela-cache-bench-") as tmp:
        root = Path(tmp)
        gen = {"topology": "clos", "fecs": args.fecs, "change": "drain", "seed": args.seed}
        previous = generate(root / "previous", bug="none", **gen)
        current = generate(root / "current", bug="blackhole", **gen)
        spec = current.out / "spec.rela"
        warm_previous, warm_current = root / "warm-previous", root / "warm-current"
        _check(spec, previous.change_dir, args.jobs, warm_previous)
        _check(spec, current.change_dir, args.jobs, warm_current)
        times: dict[str, list[float]] = {v: [] for v in VARIANTS}
        decided: dict[str, int] = {}
        reference: dict[str, Any] | None = None
        for _ in range(args.rounds):
            for variant in VARIANTS:
                cache: Path | None = None
                if variant == "rebased":
                    cache = root / "round-cache"
                    shutil.rmtree(cache, ignore_errors=True)
                    shutil.copytree(warm_previous, cache)
                elif variant == "unchanged":
                    cache = warm_current
                seconds, report = _check(spec, current.change_dir, args.jobs, cache)
                times[variant].append(seconds)
                got = report.pop("cache", None)
                decided[variant] = got["fecs_decided"] if got else report["fecs_read"]
                report.pop("seconds")
                for s in report["specs"]:
                    s.pop("seconds")
                reference = reference or report
                if report != reference:
                    raise SystemExit(f"{variant}: the report differs from the cold run's")
    rows = []
    cold = statistics.median(times["cold"])
    for v in VARIANTS:
        med = statistics.median(times[v])
        rows.append(
            {
                "variant": v,
                "fecs": args.fecs,
                "decided": decided[v],
                "median_s": round(med, 3),
                "min_s": round(min(times[v]), 3),
                "speedup": round(cold / med, 1),
            }
        )
    print(
        f"rela check --cache, {args.fecs} FECs (clos drain), --jobs {args.jobs}, "
        f"{args.rounds} interleaved rounds, wall time end to end"
    )
    print(f"{'variant':<10} {'decided':>8} {'median s':>9} {'min s':>7} {'vs cold':>8}")
    for r in rows:
        print(
            f"{r['variant']:<10} {r['decided']:>8} {r['median_s']:>9.3f} {r['min_s']:>7.3f}"
            f" {r['speedup']:>7.1f}x"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
