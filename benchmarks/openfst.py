#!/usr/bin/env python3
"""End to end on many distinct FECs: ``rela check`` against a C++ OpenFst (pynini) script.

The baseline of issue 15: a script that only loads the JSON, builds the
before and after acceptors of each FEC with OpenFst (through pynini) and
decides their equality — the least any tool must do to answer ``.* :
preserve``.  ``rela check`` answers the same question at device granularity
with ``--jobs 1`` (one process, like the script): with ``-q`` (the verdict
line, verdicts alone) and with its default text report (counterexamples and
explanations of the violated FECs included).

Input: the real sample ``rela-dataset/chunk_22_112.json`` copied ``--copies``
times (default 20: 2,240 FECs) with every device renamed per copy
(``Device1986`` -> ``Device1986c7``), so that no two FECs share a graph and
no cache of either side helps.  Both run as fresh processes (interpreter
start, imports, reading, deciding) in ``--rounds`` interleaved rounds; the
figure is wall time, min and median.  The two must agree on how many FECs
change their paths; the script exits 1 if not.

    pip install -e '.[baseline]'    # pynini (OpenFst); the script says so when it is missing
    python benchmarks/openfst.py --copies 20 --rounds 5
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
SAMPLE = "rela-dataset/chunk_22_112.json"

#: The baseline, run as ``python -c BASELINE FILE``: prints how many FECs differ.
BASELINE = r"""
import sys
import orjson
import pynini

symbols = {}
one = pynini.Weight.one("tropical")


def label(name):
    got = symbols.get(name)
    if got is None:
        got = symbols[name] = len(symbols) + 1
    return got


def acceptor(graph):
    fst = pynini.Fst()
    start = fst.add_state()
    fst.set_start(start)
    states = {}

    def state(node):
        got = states.get(node)
        if got is None:
            got = states[node] = fst.add_state()
        return got

    for node in graph["sourceNodes"]:
        fst.add_arc(start, pynini.Arc(label(node), label(node), one, state(node)))
    for node, outs in graph["nodeToOutEdgesMap"].items():
        for nxt in outs:
            fst.add_arc(state(node), pynini.Arc(label(nxt), label(nxt), one, state(nxt)))
    for node in graph["sinkNodes"]:
        fst.set_final(state(node))
    return pynini.determinize(fst).minimize()


with open(sys.argv[1], "rb") as f:
    fecs = orjson.loads(f.read())
print(sum(not pynini.equivalent(acceptor(x["graphBefore"]), acceptor(x["graphAfter"])) for x in fecs))
"""


def distinct_copies(sample: Path, copies: int, out: Path) -> int:
    """Write ``copies`` renamed copies of the sample's FECs to ``out``; how many FECs."""
    text = sample.read_text(encoding="utf-8")
    fecs: list[object] = []
    for k in range(copies):
        renamed = re.sub(r'"(Device\d+)"', lambda m, k=k: f'"{m.group(1)}c{k}"', text)
        fecs.extend(json.loads(renamed))
    out.write_text(json.dumps(fecs), encoding="utf-8")
    return len(fecs)


def _changed(out: str) -> int:
    """How many FECs changed: the baseline's number, or Rela's verdict line."""
    found = re.search(r"\(([\d,]+) of [\d,]+ FECs", out)
    return int((found.group(1) if found else out.strip()).replace(",", ""))


def timed(cmd: list[str]) -> tuple[float, str]:
    t = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    took = time.perf_counter() - t
    if done.returncode not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return took, done.stdout


def bench_openfst(data: Path, copies: int, rounds: int) -> dict[str, Any]:
    """Both sides on ``copies`` renamed copies of the sample, ``rounds`` interleaved rounds:
    ``{"fecs", "rows": [{"what", "min_s", "median_s", "ms_per_fec", "changed",
    "x_openfst"}], "agree"}``, or ``{"skipped": why}``."""
    try:
        import pynini  # noqa: F401
    except ImportError:
        return {"skipped": "OpenFst baseline skipped: pynini is not installed "
                "(pip install -e '.[baseline]')"}  # fmt: skip
    sample = data / SAMPLE
    if not sample.is_file():
        return {"skipped": f"OpenFst baseline skipped: {sample} not found"}
    with tempfile.TemporaryDirectory() as tmp:
        change = Path(tmp) / "distinct.json"
        n = distinct_copies(sample, copies, change)
        spec = Path(tmp) / "preserve.rela"
        spec.write_text("spec preserve_all { .* : preserve }\n", encoding="utf-8")
        rela = [sys.executable, "-m", "rela", "check", str(spec), "--change", str(change)]
        rela += ["-g", "device", "--jobs", "1", "--no-progress"]
        commands = {
            "openfst": [sys.executable, "-c", BASELINE, str(change)],
            "rela -q": [*rela, "-q"],  # the verdict line: what the baseline answers
            "rela": rela,  # the text report, counterexamples and explanations included
        }
        runs: dict[str, list[float]] = {name: [] for name in commands}
        answers: dict[str, set[int]] = {name: set() for name in commands}
        for _ in range(rounds):
            for name, cmd in commands.items():
                took, out = timed(cmd)
                runs[name].append(took)
                answers[name].add(_changed(out))
    rows = [
        {
            "what": name,
            "min_s": round(min(xs), 3),
            "median_s": round(statistics.median(xs), 3),
            "ms_per_fec": round(1e3 * min(xs) / n, 3),
            "changed": sorted(answers[name]),
            "x_openfst": round(min(xs) / min(runs["openfst"]), 2),
        }
        for name, xs in runs.items()
    ]
    return {
        "fecs": n,
        "copies": copies,
        "rows": rows,
        "agree": len(set().union(*answers.values())) == 1,
    }


COLUMNS = [
    ("what", "command"),
    ("min_s", "wall min s"),
    ("median_s", "wall median s"),
    ("ms_per_fec", "ms/FEC (min)"),
    ("changed", "FECs changed"),
    ("x_openfst", "x OpenFst (min)"),
]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--copies", type=int, default=20)
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args(argv)
    result = bench_openfst(args.data, args.copies, args.rounds)
    if "skipped" in result:
        print(result["skipped"])
        return 0
    print(f"{result['fecs']:,} distinct FECs ({args.copies} renamed copies of {SAMPLE}),"
          " `.* : preserve`, device, --jobs 1")  # fmt: skip
    for row in result["rows"]:
        print("  " + ", ".join(f"{label}: {row[key]}" for key, label in COLUMNS))
    if not result["agree"]:
        print("  the two DISAGREE on which FECs changed")
    return 0 if result["agree"] else 1


if __name__ == "__main__":
    sys.exit(main())
