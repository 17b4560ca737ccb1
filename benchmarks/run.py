#!/usr/bin/env python3
"""Rela benchmarks: per-FEC verification time on real data, end-to-end `rela check` at scale.

Usage (from the repository root, after ``pip install -e .``)::

    python benchmarks/run.py                      # real sample + synthetic 10^3, 10^4 FECs
    python benchmarks/run.py --full --json out.json   # ... and 10^5, 10^6 FECs
    python benchmarks/run.py --sizes 1e5 --no-real --topology wan --change add-link

Part 1 (skipped with a message when ``../shared/data`` is absent): the real
sample ``rela-dataset/chunk_22_112.json`` at device, group and interface
granularity, for the scenarios of issue 15 — *preserve*, *remove* (``.* :
remove(.* X .*)``), *change* (``[^X]* : preserve then X : replace(X, Y) then
[^X]* : preserve``), *drain* (change ``else .* : preserve``) — and a realistic
multi-line spec with ``else`` and a traffic guard.  Each FEC is timed alone
through ``rela.verify.Verifier`` (spec compiled once, outside the timing),
with counterexamples (*full*) and without (*decision*); rounds are
interleaved over all cells (the machine may be shared), each with fresh
verifiers (cold caches); a cell's figure is the median over FECs of each FEC's
median over ``--rounds`` rounds.  The prototype's figures of issue 15 are
printed beside them, with the speed-ups and whether the targets are met.

Loading (``--no-load`` skips it; ``benchmarks/loading.py``): CPU time per FEC to
read, validate and build the graphs of the real sample and of a synthetic chunk,
apart from verification.

Part 3 (``--scale``; alone with ``--no-real --no-load --no-e2e --no-startup``): ``rela check``
and ``rela diff`` (text, JSON, HTML; ``--jobs`` 1 and 2) end to end on the
20,000-FEC change of issue 12, in interleaved rounds: wall and CPU time, peak
memory, the load average when each run started, and whether ``rela diff``
printed the same whatever ``--jobs``.

OpenFst (``--openfst``; ``benchmarks/openfst.py``, needs the ``baseline`` extra):
``rela check '.* : preserve'`` end to end (``-q`` and the text report, ``--jobs
1``) against a C++ OpenFst (pynini) script that loads the JSON, builds both
acceptors and decides equality, on 2,240 distinct real FECs.

Part 2: synthetic changes from ``rela.synth`` (default: Clos fabric, drain a
device, black-hole bug), checked end to end by the CLI in a child process
(``rela check spec.rela --change DIR --format json --jobs 2``): wall time,
per-FEC time, peak resident memory of the whole process tree (psutil polling)
and of the largest single process (``wait4`` rusage), and whether the reported
violations are exactly the generated ones.

See ``docs/performance.md`` for the method and the figures.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import importlib
import ipaddress
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
SAMPLE = "rela-dataset/chunk_22_112.json"
GROUPS = "rela-dataset/dg_mapping_anonymized.json"
GRANULARITIES = ("device", "group", "interface")
SCENARIOS = ("preserve", "remove", "change", "drain", "realistic")
#: The published prototype on the same machine kind and FECs (issue 15), median ms per
#: FEC: (decision, decision + counterexamples); "> 5,000" is recorded as 5000.
PROTOTYPE = {
    ("device", "preserve"): (1.46, 1.51),
    ("device", "remove"): (2.40, 20.0),
    ("device", "change"): (3.28, 20.6),
    ("device", "drain"): (6.57, 29.4),
    ("interface", "change"): (22.5, 5000.0),
    ("interface", "drain"): (46.4, 5000.0),
}
#: Absolute targets of issue 15 (ms): (decision, full).
TARGETS = {("device", "change"): (0.15, 2.0), ("interface", "change"): (1.0, 2.5)}
SMALL_SIZES = "1e3,1e4"
FULL_SIZES = "1e3,1e4,1e5,1e6"

# ----------------------------------------------------------------------------- helpers


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def count(text: str) -> int:
    """``1e6`` -> 1000000."""
    value = float(text.replace("_", ""))
    if value < 1 or value != int(value):
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(value)


def table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    """A plain aligned text table: ``columns`` are (key, header) pairs."""

    def cell(v: Any) -> str:
        if v is None:
            return "-"
        if isinstance(v, float):
            return f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.0f}"
        if isinstance(v, int) and not isinstance(v, bool):
            return f"{v:,}"
        return str(v)

    body = [[cell(r.get(k)) for k, _ in columns] for r in rows]
    heads = [h for _, h in columns]
    widths = [max(len(x) for x in col) for col in zip(heads, *body)]
    fmt = "  ".join(f"{{:<{w}}}" if i < 2 else f"{{:>{w}}}" for i, w in enumerate(widths))
    lines = [fmt.format(*heads), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*r) for r in body]
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    try:
        import rela

        version = rela.__version__
    except ImportError:
        version = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "rela": version,
        "commit": commit or None,
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


# ----------------------------------------------------------------------------- part 1: real sample


def pick_devices(fecs: list[dict[str, Any]]) -> tuple[str, str]:
    """X: the transit device in most before graphs; Y: X's most frequent ECMP sibling."""
    freq: collections.Counter[str] = collections.Counter()
    sibling: collections.Counter[tuple[str, str]] = collections.Counter()
    for fec in fecs:
        g = fec["graphBefore"]
        ends = set(g["sourceNodes"]) | set(g["sinkNodes"])
        freq.update(n for n in g["nodeToOutEdgesMap"] if n not in ends and n != "drop")
        for outs in g["nodeToOutEdgesMap"].values():
            for a in outs:
                for b in outs:
                    if a != b and "drop" not in (a, b):
                        sibling[(a, b)] += 1
    x = min(freq, key=lambda n: (-freq[n], n))
    peers = {b: c for (a, b), c in sibling.items() if a == x}
    y = min(peers, key=lambda n: (-peers[n], n)) if peers else x
    return x, y


def pick_prefixes(fecs: list[dict[str, Any]], n: int = 2) -> list[str]:
    """The ``n`` /8 prefixes holding the most destination addresses of the sample."""
    nets: collections.Counter[str] = collections.Counter()
    for fec in fecs:
        for key in fec["ipTrafficKeys"]:
            try:
                nets[str(ipaddress.ip_network(f"{key['dstIp']}/8", strict=False))] += 1
            except (KeyError, ValueError):
                continue
    return sorted(nets, key=lambda p: (-nets[p], p))[:n]


def scenario_specs(x: str, y: str, prefixes: Sequence[str]) -> dict[str, str]:
    """Spec text of each scenario, for the location names ``x`` and ``y``."""
    realistic = f"""\
# Maintenance on {x}: the customer prefixes move to its peer {y}; other
# traffic that crossed {x} may take any path that avoids it; the rest stays.
let avoid_x = [^{x}]*
spec maintenance {{
  if dst in {", ".join(prefixes)} {{
    avoid_x : preserve then {x} : replace({x}, {y}) then avoid_x : preserve
    else .* : preserve
  }} else {{
    .* {x} .* : any(avoid_x)
    else .* : preserve
  }}
}}
"""
    change = f"[^{x}]* : preserve then {x} : replace({x}, {y}) then [^{x}]* : preserve"
    return {
        "preserve": "spec preserve_all { .* : preserve }\n",
        "remove": f"spec remove_x {{ .* : remove(.* {x} .*) }}\n",
        "change": f"spec change_x {{ {change} }}\n",
        "drain": f"spec drain_x {{ {change} else .* : preserve }}\n",
        "realistic": realistic,
    }


def make_runner(
    module: Any, granularity: str, groups: Any, counterexamples: bool = True
) -> Callable[[Any], Any] | None:
    """A fresh per-FEC checker (``Verifier.check_fec`` / ``run_fec``), or None if not available.

    ``counterexamples=False`` times the decision alone (violated FECs get no
    counterexamples), where the verifier supports it.
    """
    try:
        from rela.compile import compile_module

        vmod = importlib.import_module("rela.verify")
        verifier_cls, options_cls = vmod.Verifier, vmod.Options
    except (ImportError, AttributeError):
        return None
    try:
        options = options_cls(
            granularity=granularity, groups=groups, counterexamples=counterexamples
        )
    except TypeError:
        options = options_cls(granularity=granularity, groups=groups)
    checks: list[Any] = list(compile_module(module))
    try:  # with the explanation hook (clause coverage per FEC), as rela.verify runs it
        from rela.explain.hook import models_of
        from rela.verify.verifier import Named

        models = models_of(module)
        checks = [Named(c.name, c.check, models.get(c.name)) for c in checks]
    except ImportError:  # a version without explanations
        pass
    verifier = verifier_cls(checks, options)
    run = getattr(verifier, "check_fec", None) or verifier.run_fec
    return run


def verdicts(outcome: Any) -> str:
    """``holds``/``violated``/``error`` from whatever one FEC's check returns."""
    first = outcome[0] if isinstance(outcome, (list, tuple)) and outcome else outcome
    return str(getattr(first, "verdict", "?"))


def bench_real(
    data: Path, rounds: int, granularities: Sequence[str], budget: float = 30.0
) -> dict[str, Any]:
    """Per-FEC time of every scenario x granularity on the real sample.

    Rounds are interleaved (round 1 of every cell, then round 2, ...), so load
    from other jobs on a shared machine spreads over all cells; each round
    builds fresh verifiers (cold caches, as a run starts), and a cell's figure
    is the median over FECs of each FEC's median over rounds.  ``budget``:
    seconds after which no new round starts.
    """
    sample, groups_file = data / SAMPLE, data / GROUPS
    if not sample.is_file():
        msg = f"real-sample benchmark skipped: {sample} not found"
        log(msg)
        return {"skipped": msg}
    import rela

    raw = json.loads(sample.read_bytes())
    groups = json.loads(groups_file.read_bytes()) if groups_file.is_file() else {}
    x, y = pick_devices(raw)
    prefixes = pick_prefixes(raw)
    log(f"real sample: {len(raw)} FECs; X = {x}, Y = {y}; guard prefixes {', '.join(prefixes)}")
    cells: list[dict[str, Any]] = []
    for gran in granularities:
        if gran == "group" and not groups:
            log("group granularity skipped: no group mapping")
            continue
        t0 = time.perf_counter()
        change = rela.load_change(
            change=sample, granularity=gran, groups=groups_file if gran == "group" else None
        )
        fecs = list(change)
        load_s = time.perf_counter() - t0
        mapping = getattr(change, "groups", None)
        # At group granularity the spec names the groups of X and Y.
        nx, ny = (groups.get(x, x), groups.get(y, y)) if gran == "group" else (x, y)
        for name, text in scenario_specs(nx, ny, prefixes).items():
            cells.append(
                {
                    "granularity": gran,
                    "scenario": name,
                    "module": rela.parse_spec(text),
                    "fecs": fecs,
                    "groups": mapping,
                    "load_s": load_s,
                    "full": [[] for _ in fecs],
                    "decide": [[] for _ in fecs],
                    "tally": collections.Counter(),
                }
            )
    started = time.perf_counter()
    done = 0
    for r in range(rounds):
        if r and time.perf_counter() - started > budget:
            break  # slow cells: fewer rounds rather than a run of hours
        done += 1
        for cell in cells:
            for mode in ("full", "decide"):
                run = make_runner(
                    cell["module"], cell["granularity"], cell["groups"], mode == "full"
                )
                assert run is not None
                for i, fec in enumerate(cell["fecs"]):
                    t = time.perf_counter()
                    outcome = run(fec)
                    cell[mode][i].append(time.perf_counter() - t)
                    if r == 0 and mode == "full":
                        cell["tally"][verdicts(outcome)] += 1
        log(f"  round {done} done ({time.perf_counter() - started:.0f} s)")
    results = [_row(cell, done) for cell in cells]
    for row in results:
        log(
            f"  {row['granularity']:9} {row['scenario']:9} full {row['median_ms']:.3f} ms, "
            f"decision {row['decide_median_ms']:.3f} ms"
        )
    return {
        "file": str(sample),
        "fecs": len(raw),
        "device_x": x,
        "device_y": y,
        "group_x": groups.get(x),
        "group_y": groups.get(y),
        "guard_prefixes": prefixes,
        "rounds": done,
        "specs": scenario_specs(x, y, prefixes),
        "results": results,
    }


def _row(cell: dict[str, Any], rounds: int) -> dict[str, Any]:
    med = [statistics.median(t) for t in cell["full"]]
    dec = [statistics.median(t) for t in cell["decide"]]
    total = sum(med)
    tally = cell["tally"]
    key = (cell["granularity"], cell["scenario"])
    row: dict[str, Any] = {
        "granularity": cell["granularity"],
        "scenario": cell["scenario"],
        "fecs": len(med),
        "median_ms": 1e3 * statistics.median(med),
        "mean_ms": 1e3 * total / len(med),
        "p90_ms": 1e3 * sorted(med)[int(0.9 * (len(med) - 1))],
        "max_ms": 1e3 * max(med),
        "fecs_per_s": len(med) / total if total else None,
        "load_ms_per_fec": 1e3 * cell["load_s"] / len(med),
        "decide_median_ms": 1e3 * statistics.median(dec),
        "decide_p90_ms": 1e3 * sorted(dec)[int(0.9 * (len(dec) - 1))],
        "holds": tally.get("holds"),
        "violated": tally.get("violated"),
        "errors": tally.get("error"),
        "rounds": rounds,
        "method": "Verifier.run_fec, interleaved rounds",
    }
    proto = PROTOTYPE.get(key)
    if proto is not None:
        row["proto_decide_ms"], row["proto_full_ms"] = proto
        row["decide_speedup"] = proto[0] / row["decide_median_ms"]
        row["full_speedup"] = proto[1] / row["median_ms"]
        ok = row["decide_speedup"] >= 20 and row["full_speedup"] >= 10
        target = TARGETS.get(key)
        if target is not None:
            ok = ok and row["decide_median_ms"] <= target[0] and row["median_ms"] <= target[1]
        row["target_met"] = ok
    return row


# ----------------------------------------------------------------------------- part 2: end to end


def rela_command() -> list[str]:
    """The ``rela`` console script beside this interpreter, else the module entry point."""
    script = Path(sys.executable).with_name("rela")
    if script.is_file():
        return [str(script)]
    found = shutil.which("rela")
    if found:
        return [found]
    return [
        sys.executable,
        "-c",
        "import sys; from rela.cli import main; sys.argv[0] = 'rela'; main()",
    ]


class TreeMemory:
    """Polls the resident memory of a process and all its descendants (peak of the sum)."""

    def __init__(self, pid: int, interval: float = 0.05, skip_root: bool = False) -> None:
        self.pid, self.interval, self.skip_root = pid, interval, skip_root
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            try:
                procs = root.children(recursive=True)
                if not self.skip_root:
                    procs.append(root)
            except psutil.Error:
                return
            total = 0
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)


# Runs the command and reports its own wall time and its children's max RSS.  A
# small intermediate process is needed: on Linux a child's ru_maxrss starts at
# the RSS its parent had when it forked, and this script may be large by then.
_WRAPPER = """
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
rc = subprocess.call(sys.argv[2:])
wall = time.perf_counter() - t0
kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as f:
    json.dump({"rc": rc, "wall": wall, "maxrss_kb": kb}, f)
"""


def run_measured(cmd: list[str], workdir: Path) -> dict[str, Any]:
    """Run ``cmd``: wall time, exit code, peak RSS of its process tree and of its largest process."""
    result = workdir / "measure.json"
    with open(workdir / "stderr.txt", "wb") as err:
        wrapper = subprocess.Popen(
            [sys.executable, "-c", _WRAPPER, str(result), *cmd],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        with TreeMemory(wrapper.pid, skip_root=True) as mem:
            wrapper.wait()
    data = json.loads(result.read_text())
    return {
        "wall_s": data["wall"],
        "exit_code": data["rc"],
        "peak_tree_rss_mb": mem.peak / 2**20 if mem.peak else None,
        # ru_maxrss (KiB on Linux) covers the child and its waited-for workers: the largest one.
        "max_process_rss_mb": data["maxrss_kb"] / 1024,
    }


def ensure_change(
    workdir: Path, fecs: int, topology: str, change: str, bug: str, seed: int
) -> tuple[Any, bool]:
    """Generate (or reuse, when ``workdir`` already holds the same one) a synthetic change."""
    from rela.synth import generate

    out = workdir / f"{topology}-{change}-{bug}-s{seed}-{fecs}"
    stamp = out / "bench-params.json"
    params = {"fecs": fecs, "topology": topology, "change": change, "bug": bug, "seed": seed}
    if stamp.is_file() and json.loads(stamp.read_text()) == params:
        expected = json.loads((out / "expected.json").read_text())
        size = sum(p.stat().st_size for p in (out / "change").glob("chunk_*.json"))
        return {"out": out, "expected": expected, "bytes": size, "seconds": None}, True
    g = generate(out, topology=topology, fecs=fecs, change=change, bug=bug, seed=seed)
    stamp.write_text(json.dumps(params))
    return {"out": out, "expected": g.expected, "bytes": g.bytes, "seconds": g.seconds}, False


def bench_e2e(args: argparse.Namespace, sizes: Iterable[int]) -> list[dict[str, Any]]:
    keep = args.workdir is not None
    workdir = Path(args.workdir) if keep else Path(tempfile.mkdtemp(prefix="rela-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for n in sizes:
            log(f"end to end: {n:,} FECs ({args.topology}, {args.change}, bug {args.bug})")
            gen, reused = ensure_change(workdir, n, args.topology, args.change, args.bug, args.seed)
            out = gen["out"]
            report = out / "report.json" if args.check_results else Path(os.devnull)
            cmd = [*rela_command(), "check", str(out / "spec.rela"), "--change",
                   str(out / "change"), "--format", "json", "--output", str(report),
                   "--jobs", str(args.jobs)]  # fmt: skip
            m = run_measured(cmd, out)
            row: dict[str, Any] = {
                "fecs": n,
                "topology": args.topology,
                "change": args.change,
                "bug": args.bug,
                "jobs": args.jobs,
                "gen_s": gen["seconds"],
                "gen_fecs_per_s": n / gen["seconds"] if gen["seconds"] else None,
                "disk_mb": gen["bytes"] / 1e6,
                **m,
                "per_fec_ms": 1e3 * m["wall_s"] / n,
                "fecs_per_s": n / m["wall_s"],
                "expected_violations": len(gen["expected"]["violating_indices"]),
            }
            want = 1 if gen["expected"]["violating_indices"] else 0
            if m["exit_code"] not in (0, 1):
                tail = (out / "stderr.txt").read_text(errors="replace")[-2000:]
                log(f"  rela check failed (exit {m['exit_code']}):\n{tail}")
                row["correct"] = False
            elif args.check_results:
                data = json.loads(report.read_text())
                got = sorted({v["fec"]["index"] for s in data["specs"] for v in s["violations"]})
                row["reported_violations"] = len(got)
                row["correct"] = (
                    got == gen["expected"]["violating_indices"] and m["exit_code"] == want
                )
            else:
                row["correct"] = m["exit_code"] == want
            rows.append(row)
            log(
                f"  {m['wall_s']:.1f} s ({row['per_fec_ms']:.3f} ms/FEC), peak tree RSS "
                f"{row['peak_tree_rss_mb'] or 0:.0f} MB, correct: {row['correct']}"
                + (" (reused generated change)" if reused else "")
            )
            if not keep:
                shutil.rmtree(out, ignore_errors=True)
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return rows


# ----------------------------------------------------------------------------- part 3: scale


#: Part 3 (``--scale``): the 20,000-FEC change of issue 12 and the commands timed on it.
SCALE_CHANGE: dict[str, Any] = {
    "topology": "clos",
    "change": "drain",
    "bug": "blackhole",
    "seed": 3,
}
SCALE_COMMANDS = (
    ("check", "text", 1),
    ("check", "text", 2),
    ("diff", "text", 1),
    ("diff", "text", 2),
    ("diff", "json", 2),
    ("diff", "html", 2),
)
# Like _WRAPPER, with the CPU time of the command (its workers included) and its
# output kept in a file (outputs of one command must not depend on --jobs).
_SCALE_WRAPPER = """
import json, os, resource, subprocess, sys, time
t0 = time.perf_counter()
with open(sys.argv[2], "wb") as out:
    rc = subprocess.call(sys.argv[3:], stdout=out)
wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    json.dump({"rc": rc, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime,
               "maxrss_kb": ru.ru_maxrss, "load": os.getloadavg()[0]}, f)
"""
SCALE_COLUMNS = [
    ("command", "command"),
    ("jobs", "jobs"),
    ("wall_min_s", "wall s (min)"),
    ("wall_median_s", "wall s (median)"),
    ("cpu_median_s", "CPU s (median)"),
    ("peak_tree_rss_mb", "peak RSS MB (tree)"),
    ("max_process_rss_mb", "max RSS MB (1 proc)"),
    ("output_mb", "output MB"),
    ("load_median", "load avg"),
    ("exit_code", "exit"),
    ("same_output_any_jobs", "same -j1/-j2"),
]


def _scale_run(cmd: list[str], workdir: Path, output: Path) -> dict[str, Any]:
    """One timed run of ``cmd`` (stdout to ``output``): wall, CPU, memory, load before it."""
    result = workdir / "measure-scale.json"
    with open(workdir / "stderr.txt", "wb") as err:
        wrapper = subprocess.Popen(
            [sys.executable, "-c", _SCALE_WRAPPER, str(result), str(output), *cmd],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        with TreeMemory(wrapper.pid, skip_root=True) as mem:
            wrapper.wait()
    data = json.loads(result.read_text())
    return {**data, "tree_rss": mem.peak}


def bench_scale(args: argparse.Namespace) -> list[dict[str, Any]]:
    """``rela check`` and ``rela diff`` end to end on one large change, in interleaved rounds.

    Each round runs every command of :data:`SCALE_COMMANDS` once (so a busy
    spell of the machine hits all of them alike); per command: the smallest
    and median wall time, median CPU time (workers included), peak memory,
    the median load average seen when its runs started, and whether its
    output was the same in every round and, for ``diff``, whatever ``--jobs``.
    """
    keep = args.workdir is not None
    workdir = Path(args.workdir) if keep else Path(tempfile.mkdtemp(prefix="rela-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    n = args.scale_fecs
    c = SCALE_CHANGE
    log(f"scale: {n:,} FECs ({c['topology']}, {c['change']}, bug {c['bug']}, seed {c['seed']})")
    gen, _ = ensure_change(workdir, n, c["topology"], c["change"], c["bug"], c["seed"])
    out = gen["out"]
    runs: dict[tuple[str, str, int], list[dict[str, Any]]] = {k: [] for k in SCALE_COMMANDS}
    digests: dict[tuple[str, str, int], set[str]] = {k: set() for k in SCALE_COMMANDS}
    try:
        for r in range(args.scale_rounds):
            for key in SCALE_COMMANDS:
                command, fmt, jobs = key
                cmd = [*rela_command(), command]
                if command == "check":
                    cmd.append(str(out / "spec.rela"))
                cmd += ["--change", str(out / "change"), "--format", fmt, "--jobs", str(jobs),
                        "--no-progress"]  # fmt: skip
                output = out / f"scale-{command}-{fmt}-j{jobs}.out"
                m = _scale_run(cmd, out, output)
                m["output_bytes"] = output.stat().st_size
                digests[key].add(hashlib.sha256(output.read_bytes()).hexdigest())
                runs[key].append(m)
                log(f"  round {r + 1}: rela {command} --format {fmt} -j {jobs}: "
                    f"{m['wall']:.1f} s wall, {m['cpu']:.1f} s CPU, load {m['load']:.1f}, "
                    f"exit {m['rc']}")  # fmt: skip
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    rows = []
    for key, ms in runs.items():
        command, fmt, jobs = key
        walls = [m["wall"] for m in ms]
        rows.append({
            "command": f"rela {command} --format {fmt}",
            "jobs": jobs,
            "fecs": n,
            "rounds": len(ms),
            "wall_min_s": min(walls),
            "wall_median_s": statistics.median(walls),
            "cpu_median_s": statistics.median(m["cpu"] for m in ms),
            "peak_tree_rss_mb": max(m["tree_rss"] for m in ms) / 2**20,
            "max_process_rss_mb": max(m["maxrss_kb"] for m in ms) / 1024,
            "output_mb": ms[-1]["output_bytes"] / 1e6,
            "load_median": statistics.median(m["load"] for m in ms),
            "exit_code": sorted({m["rc"] for m in ms}),
            "same_output_every_round": len(digests[key]) == 1,
        })  # fmt: skip
    for fmt in ("text",):
        both = [digests[("diff", fmt, j)] for j in (1, 2) if ("diff", fmt, j) in digests]
        same = len(both) == 2 and len(both[0] | both[1]) == 1
        for row in rows:
            if row["command"] == f"rela diff --format {fmt}":
                row["same_output_any_jobs"] = same
    return rows


# ----------------------------------------------------------------------------- loading


def run_loading(args: argparse.Namespace) -> dict[str, Any]:
    """Load cost per FEC, apart from verification (``benchmarks/loading.py``)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from loading import LOAD_COLUMNS, bench_load

    log("loading: read + validate + build graphs, per FEC (CPU time, interleaved rounds)")
    result = bench_load(args.data, max(3, args.rounds), args.granularity or GRANULARITIES)
    print("\nLoading (µs of CPU per FEC; decode = orjson.loads alone, exact = without the "
          "segment reader):")  # fmt: skip
    print(table(result["results"], LOAD_COLUMNS))
    return result


# ----------------------------------------------------------------------------- main


REAL_COLUMNS = [
    ("granularity", "granularity"),
    ("scenario", "scenario"),
    ("fecs", "FECs"),
    ("decide_median_ms", "decision ms"),
    ("median_ms", "full ms"),
    ("p90_ms", "full p90 ms"),
    ("proto_decide_ms", "proto decision"),
    ("proto_full_ms", "proto full"),
    ("decide_speedup", "x decision"),
    ("full_speedup", "x full"),
    ("target_met", "target"),
    ("fecs_per_s", "FECs/s"),
    ("holds", "holds"),
    ("violated", "violated"),
    ("errors", "errors"),
]
E2E_COLUMNS = [
    ("fecs", "FECs"),
    ("topology", "topology"),
    ("gen_fecs_per_s", "gen FECs/s"),
    ("disk_mb", "disk MB"),
    ("wall_s", "check wall s"),
    ("per_fec_ms", "ms/FEC"),
    ("fecs_per_s", "FECs/s"),
    ("peak_tree_rss_mb", "peak RSS MB (tree)"),
    ("max_process_rss_mb", "max RSS MB (1 proc)"),
    ("expected_violations", "violations"),
    ("correct", "correct"),
]


def run_startup(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Start-up of ``rela check`` on a 1-FEC change (``benchmarks/startup.py``)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from startup import COLUMNS, bench_startup

    log("start-up: rela check on a 1-FEC change, fresh process per run")
    rows = bench_startup(max(10, 4 * args.rounds))
    print("\nStart-up (wall time of a fresh process, median over rounds):")
    print(table(rows, COLUMNS))
    return rows


def run_openfst(args: argparse.Namespace) -> dict[str, Any]:
    """``rela check`` against the C++ OpenFst baseline (``benchmarks/openfst.py``)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from openfst import COLUMNS, bench_openfst

    log("openfst: rela check against an OpenFst (pynini) script on distinct real FECs")
    result = bench_openfst(args.data, 20, max(3, args.rounds))
    if "skipped" in result:
        log(result["skipped"])
        return result
    print(f"\nAgainst OpenFst: {result['fecs']:,} distinct FECs, `.* : preserve`, device, "
          f"--jobs 1 (fresh processes; verdicts agree: {result['agree']}):")  # fmt: skip
    print(table(result["rows"], COLUMNS))
    return result


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    p.add_argument("--sizes", default=SMALL_SIZES, help=f"synthetic sizes (default {SMALL_SIZES})")
    p.add_argument("--full", action="store_true", help=f"sizes {FULL_SIZES}")
    p.add_argument("--rounds", type=int, default=5, help="timing rounds on the real sample")
    p.add_argument("--budget", type=float, default=30.0,
                   help="seconds per real-sample scenario after which no new round starts")  # fmt: skip
    p.add_argument("--granularity", action="append", choices=GRANULARITIES,
                   help="real-sample granularities (repeatable; default all)")  # fmt: skip
    p.add_argument("--data", type=Path, default=Path(os.environ.get("RELA_DATA", DEFAULT_DATA)),
                   help="the shared data folder (default ../shared/data or $RELA_DATA)")  # fmt: skip
    p.add_argument("--no-real", action="store_true", help="skip the real-sample part")
    p.add_argument("--no-e2e", action="store_true", help="skip the end-to-end part")
    p.add_argument("--no-load", action="store_true", help="skip the loading part")
    p.add_argument("--no-startup", action="store_true", help="skip the start-up part")
    p.add_argument("--openfst", action="store_true",
                   help="rela check against a C++ OpenFst (pynini) script on 2,240 distinct FECs")  # fmt: skip
    p.add_argument("--topology", choices=("clos", "wan"), default="clos")
    p.add_argument("--change", choices=("drain", "add-link", "reroute"), default="drain")
    p.add_argument("--bug", choices=("blackhole", "loop", "none"), default="blackhole")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--jobs", type=int, default=2, help="rela check --jobs (default 2)")
    p.add_argument("--workdir", help="keep generated changes here (and reuse them on reruns)")
    p.add_argument("--scale", action="store_true",
                   help="part 3: rela check and rela diff end to end on a 20,000-FEC change")  # fmt: skip
    p.add_argument("--scale-fecs", type=count, default=20_000, help="part 3: FECs (default 20000)")
    p.add_argument("--scale-rounds", type=int, default=3, help="part 3: interleaved rounds")
    p.add_argument("--no-check-results", dest="check_results", action="store_false",
                   help="send the report to /dev/null instead of comparing it with expected.json")  # fmt: skip
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    sizes = [count(s) for s in (FULL_SIZES if args.full else args.sizes).split(",") if s.strip()]
    results: dict[str, Any] = {"machine": machine()}
    try:
        import rela  # noqa: F401
    except ImportError:
        log("rela is not importable: run `pip install -e .` in the repository first")
        return 2
    if not args.no_real:
        real = bench_real(args.data, args.rounds, args.granularity or GRANULARITIES, args.budget)
        results["real_sample"] = real
        if "results" in real:
            print(f"\nReal sample ({real['fecs']} FECs, X = {real['device_x']}, "
                  f"Y = {real['device_y']}), per-FEC verification time:")  # fmt: skip
            print(table(real["results"], REAL_COLUMNS))
    if not args.no_load:
        results["loading"] = run_loading(args)
    if not args.no_startup:
        results["startup"] = run_startup(args)
    if args.openfst:
        results["openfst"] = run_openfst(args)
    if not args.no_e2e:
        rows = bench_e2e(args, sizes)
        results["end_to_end"] = rows
        print(f"\nEnd to end: rela check --jobs {args.jobs} on synthetic changes:")
        print(table(rows, E2E_COLUMNS))
    if args.scale:
        rows = bench_scale(args)
        results["scale"] = rows
        print(f"\nScale: rela check and rela diff on {args.scale_fecs:,} FECs "
              f"(interleaved rounds):")  # fmt: skip
        print(table(rows, SCALE_COLUMNS))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
        log(f"wrote {args.json}")
    failed = [r for r in results.get("end_to_end", []) if not r.get("correct")]
    failed += [results["openfst"]] if results.get("openfst", {}).get("agree") is False else []
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
