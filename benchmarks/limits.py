#!/usr/bin/env python3
"""Pathological inputs against the per-FEC limits (issue 11 §2): time, memory, verdict.

Usage (from the repository root, after ``pip install -e .``)::

    python benchmarks/limits.py                 # every case, as in docs/robustness.md
    python benchmarks/limits.py --case names    # one case (repeatable)
    python benchmarks/limits.py --json out.json

Each case writes its spec and change into a temporary directory and runs
``rela check SPEC ... --format json --jobs 1`` in a child process with the
case's limit; it reports the wall time, the child's peak resident memory
(``wait4`` rusage), the exit code and the verdicts (holds / violated / errors
and the first error message).  A limit holds when the run ends within
max(1 s, 20%) of the time limit (plus start-up) with an answer or an error
verdict naming the limit.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "rela-dataset"
SAMPLE = DATA / "chunk_22_112.json"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _graph(edges: dict[str, list[str]], sources: list[str], sinks: list[str]) -> dict[str, Any]:
    nodes: dict[str, dict[str, list[str]]] = {}
    for a, outs in edges.items():
        nodes.setdefault(a, {})
        for b in outs:
            nodes[a][b] = []
            nodes.setdefault(b, {})
    return {"nodeToOutEdgesMap": nodes, "sourceNodes": sources, "sinkNodes": sinks}


def _fec(before: dict[str, Any], after: dict[str, Any], dst: str = "10.0.0.1") -> dict[str, Any]:
    return {"ipTrafficKeys": [{"dstIp": dst}], "graphBefore": before, "graphAfter": after}


def _real_fecs(n: int, changed: bool = False) -> list[Any]:
    """The first ``n`` FECs of the real sample (``changed``: only FECs whose graphs change)."""
    if not SAMPLE.is_file():
        raise SystemExit(f"{SAMPLE} not found: this case needs the Rela dataset sample")
    fecs = list(json.loads(SAMPLE.read_bytes()))
    if changed:
        fecs = [f for f in fecs if f["graphBefore"] != f["graphAfter"]]
    return fecs[:n]


# ----------------------------------------------------------------------------- the cases
# Each returns (spec text, change arguments, extra options, what it shows).

Case = tuple[str, list[str], list[str], str]


def case_names(d: Path, scale: int) -> Case:
    names = " | ".join(f"n{i}" for i in range(10_000 // scale))
    spec = f"spec s {{ {names} : preserve else .* : preserve }}\n"
    (d / "c.json").write_text(json.dumps(_real_fecs(1, changed=True)))
    return spec, ["--change", str(d / "c.json")], ["--fec-timeout", "5"], "zone of 10^4 names"


def case_then60(d: Path, scale: int) -> Case:
    spec = "spec s { " + " then ".join([".* : preserve"] * (60 // scale)) + " }\n"
    (d / "c.json").write_text(json.dumps(_real_fecs(1, changed=True)))
    return (
        spec,
        ["--change", str(d / "c.json")],
        ["--fec-timeout", "5"],
        "60 x `.* : preserve` by then",
    )


def case_then40(d: Path, scale: int) -> Case:
    spec = "spec s { " + " then ".join([".* : preserve"] * (40 // scale)) + " }\n"
    (d / "c.json").write_text(json.dumps(_real_fecs(1, changed=True)))
    return spec, ["--change", str(d / "c.json")], ["--max-states", "1000"], "40 then parts"


def case_guard(d: Path, scale: int) -> Case:
    n = 60_000 // scale
    prefixes = ", ".join(f"{1 + i // 65536}.{(i // 256) % 256}.{i % 256}.0/24" for i in range(n))
    spec = f"spec s {{ if dst in {prefixes} {{ .* : preserve }} else {{ .* : preserve }} }}\n"
    (d / "c.json").write_text(json.dumps(_real_fecs(112)))
    return spec, ["--change", str(d / "c.json")], ["--fec-timeout", "1"], "guard of 6x10^4 prefixes"


def case_long_path(d: Path, scale: int) -> Case:
    n = 100_000 // scale
    hops = [f"r{i}" for i in range(n)]
    for name, tail in (("before", "t"), ("after", "u")):
        snap = {"format": "rela-snapshot/1", "fecs": [{"key": "k", "paths": [hops + [tail]]}]}
        (d / f"{name}.json").write_text(json.dumps(snap))
    args = ["--before", str(d / "before.json"), "--after", str(d / "after.json")]
    return "spec s { .* : preserve }\n", args, ["--fec-timeout", "30"], "one 10^5-hop path"


def case_sources(d: Path, scale: int) -> Case:
    n = 10_000 // scale
    sources = [f"s{i}" for i in range(n)]
    edges: dict[str, list[str]] = {s: ["hub"] for s in sources}
    before = _graph({**edges, "hub": ["dst"]}, sources, ["dst"])
    after = _graph({**edges, "hub": ["dst", "drop"]}, sources, ["dst", "drop"])
    (d / "c.json").write_text(json.dumps([_fec(before, after)]))
    return "spec s { .* : preserve }\n", ["--change", str(d / "c.json")], [], "10^4 sources -> hub"


def _loops(max_paths: int) -> Callable[[Path, int], Case]:
    def case(d: Path, scale: int) -> Case:
        before = _graph({"a": ["b"], "b": ["a", "c"]}, ["a"], ["c"])
        after = _graph({"a": ["b"], "b": ["a", "d"]}, ["a"], ["d"])
        (d / "c.json").write_text(json.dumps([_fec(before, after) for _ in range(3)]))
        opts = ["--max-paths", str(max(1, max_paths // scale))]
        return "spec s { .* : preserve }\n", ["--change", str(d / "c.json")], opts, "looping FECs"

    return case


CASES: dict[str, Callable[[Path, int], Case]] = {
    "names": case_names,
    "then60": case_then60,
    "then40": case_then40,
    "guard": case_guard,
    "long-path": case_long_path,
    "sources": case_sources,
    "loops-1000": _loops(1000),
    "loops-100000": _loops(100_000),
}

# Runs the command and reports its wall time and max RSS (as benchmarks/run.py does).
_WRAPPER = """
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
out, err = p.communicate()
wall = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall_s": wall, "rss_mb": rss / 1024, "code": p.returncode,
                  "stdout": out.decode(errors="replace"), "stderr": err.decode(errors="replace")}))
"""


def rela_command() -> list[str]:
    script = Path(sys.executable).with_name("rela")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "rela.cli"]


def run_case(name: str, scale: int, timeout: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="rela-limits-") as tmp:
        d = Path(tmp)
        spec, inputs, options, what = CASES[name](d, scale)
        (d / "spec.rela").write_text(spec)
        cmd = [*rela_command(), "check", str(d / "spec.rela"), *inputs, *options,
               "--format", "json", "--jobs", "1", "--no-progress"]  # fmt: skip
        try:
            done = subprocess.run(
                [sys.executable, "-c", _WRAPPER, *cmd],
                capture_output=True,
                text=True,
                timeout=timeout,
            )
            m = json.loads(done.stdout)
        except subprocess.TimeoutExpired:
            return {"case": name, "what": what, "options": " ".join(options), "wall_s": None,
                    "verdict": f"no answer after {timeout:g} s"}  # fmt: skip
    row: dict[str, Any] = {
        "case": name,
        "what": what,
        "options": " ".join(options),
        "wall_s": m["wall_s"],
        "rss_mb": m["rss_mb"],
        "code": m["code"],
    }
    try:
        report = json.loads(m["stdout"])
        (s,) = report["specs"]
        row["verdict"] = "holds {holds}, violated {violated}, errors {errors}".format(**s["fecs"])
        row["check_s"] = s["seconds"]  # time checking the FECs (no start-up, parsing, loading)
        row["message"] = s["errors"][0]["message"] if s["errors"] else ""
    except (ValueError, KeyError):
        row["verdict"] = "no report"
        row["message"] = m["stderr"].strip().splitlines()[-1:] or ""
    return row


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--case", action="append", choices=sorted(CASES), help="run only these")
    p.add_argument("--scale", type=int, default=1, help="divide every size by this")
    p.add_argument("--timeout", type=float, default=300, help="give up on a case after S s")
    p.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = p.parse_args(argv)
    rows = []
    for name in args.case or list(CASES):
        log(f"{name} ...")
        t0 = time.perf_counter()
        row = run_case(name, args.scale, args.timeout)
        rows.append(row)
        log(f"  {json.dumps(row)} ({time.perf_counter() - t0:.1f} s)")
    print("| case | input | limit | wall s | checking s | peak RSS MB | exit | verdict | message |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        wall = f"{r['wall_s']:.2f}" if r.get("wall_s") is not None else "-"
        check = f"{r['check_s']:.2f}" if r.get("check_s") is not None else "-"
        rss = f"{r['rss_mb']:.0f}" if r.get("rss_mb") is not None else "-"
        print(f"| {r['case']} | {r['what']} | `{r['options']}` | {wall} | {check} | {rss} | "
              f"{r.get('code', '-')} | {r['verdict']} | {r.get('message', '')} |")  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
