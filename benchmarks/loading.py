#!/usr/bin/env python3
"""Load cost per FEC: reading, validating and building both graphs of Rela graph JSON.

Run alone (``python benchmarks/loading.py``) or as part of ``benchmarks/run.py``
(its "Loading" section).  Inputs: the real sample ``rela-dataset/chunk_22_112.json``
(when ``../shared/data`` is there) and a synthetic chunk from ``rela.synth``.  For
each input and granularity, three variants are timed:

* ``decode`` — ``orjson.loads`` of the whole file: the floor (no validation, no graphs);
* ``load`` — ``rela.load_change(...)`` iterated to the end (what ``rela check`` pays);
* ``exact`` — the same with the segment reader switched off, so every FEC goes
  through the exact streaming reader (skipped when this checkout has no segment
  reader, e.g. an older commit).

Each round runs every (input, granularity, variant) once, in turn, so a busy machine
slows them alike; the figure is CPU time (``time.process_time``) per FEC, median and
minimum over the rounds.  ``--root /other/checkout`` measures another commit with
the same script (e.g. a ``git worktree`` of the previous release), so two commits
can be compared in alternating runs.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
SAMPLE = "rela-dataset/chunk_22_112.json"
GROUPS = "rela-dataset/dg_mapping_anonymized.json"
VARIANTS = ("decode", "load", "exact")

LOAD_COLUMNS = [
    ("input", "input"),
    ("fecs", "FECs"),
    ("granularity", "granularity"),
    ("variant", "variant"),
    ("median_us", "median µs/FEC"),
    ("min_us", "min µs/FEC"),
    ("rounds", "rounds"),
]


@contextmanager
def _exact_only() -> Iterator[bool]:
    """Switch the segment reader off (yields False when this checkout has none)."""
    try:
        from rela.network.formats import fastjson, rela_json
    except ImportError:
        yield False
        return
    original = rela_json._fast_fecs

    def unsure(*args: Any) -> Iterator[Any]:
        raise fastjson.Unsure("benchmark: exact reader only")
        yield

    rela_json._fast_fecs = unsure
    try:
        yield True
    finally:
        rela_json._fast_fecs = original


def synthetic_chunk(workdir: Path, fecs: int) -> Path:
    """One chunk file of a synthetic Clos drain change (small FECs, many shared graphs)."""
    from rela.synth import generate

    out = workdir / f"synth-{fecs}"
    if not (out / "change").is_dir():
        generate(out, topology="clos", fecs=fecs, change="drain", bug="blackhole", seed=1)
    chunks = sorted((out / "change").glob("chunk_*.json"))
    return chunks[0]


def _cpu_per_fec(run: Callable[[], int]) -> float:
    gc.collect()
    t = time.process_time()
    n = run()
    return (time.process_time() - t) / max(1, n)


def bench_load(
    data: Path, rounds: int, granularities: Sequence[str], synthetic_fecs: int = 2000
) -> dict[str, Any]:
    """Load µs per FEC for the real sample and a synthetic chunk, interleaved rounds."""
    import orjson

    import rela

    inputs: list[tuple[str, Path, Path | None]] = []
    sample = data / SAMPLE
    if sample.is_file():
        groups = data / GROUPS
        inputs.append(("real sample", sample, groups if groups.is_file() else None))
    else:
        print(f"loading: real sample skipped ({sample} not found)", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="rela-load-") as tmp:
        inputs.append(("synthetic (clos drain)", synthetic_chunk(Path(tmp), synthetic_fecs), None))
        cases = []
        for name, path, groups in inputs:
            fecs = len(orjson.loads(path.read_bytes()))
            for gran in granularities:
                if gran == "group" and groups is None:
                    continue
                for variant in VARIANTS:
                    cases.append((name, path, groups, fecs, gran, variant))
        times: dict[int, list[float]] = {i: [] for i in range(len(cases))}
        skipped: set[int] = set()
        for _ in range(rounds):
            for i, (_, path, groups, fecs, gran, variant) in enumerate(cases):
                if i in skipped:
                    continue
                if variant == "decode":
                    times[i].append(
                        _cpu_per_fec(lambda p=path, n=fecs: len(orjson.loads(p.read_bytes())) and n)
                    )
                    continue

                def load(p: Path = path, g: str = gran, m: Path | None = groups) -> int:
                    return sum(1 for _ in rela.load_change(change=p, granularity=g, groups=m))

                if variant == "exact":
                    with _exact_only() as available:
                        if not available:
                            skipped.add(i)
                            continue
                        times[i].append(_cpu_per_fec(load))
                else:
                    times[i].append(_cpu_per_fec(load))
    rows = []
    for i, (name, _, _, fecs, gran, variant) in enumerate(cases):
        if not times[i]:
            continue
        rows.append(
            {
                "input": name,
                "fecs": fecs,
                "granularity": gran,
                "variant": variant,
                "median_us": 1e6 * statistics.median(times[i]),
                "min_us": 1e6 * min(times[i]),
                "rounds": len(times[i]),
            }
        )
    return {"results": rows, "rounds": rounds, "metric": "CPU seconds per FEC (process_time)"}


def _table(rows: Sequence[dict[str, Any]]) -> str:
    def cell(v: Any) -> str:
        return f"{v:,.1f}" if isinstance(v, float) else str(v)

    grid = [[h for _, h in LOAD_COLUMNS]] + [
        [cell(r.get(k)) for k, _ in LOAD_COLUMNS] for r in rows
    ]
    widths = [max(len(row[c]) for row in grid) for c in range(len(LOAD_COLUMNS))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in grid)


def use_checkout(root: Path) -> None:
    """Import ``rela`` from ``root`` instead of the installed (editable) package."""
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
    sys.path.insert(0, str(root.resolve()))
    for name in [m for m in sys.modules if m == "rela" or m.startswith("rela.")]:
        del sys.modules[name]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--rounds", type=int, default=9)
    p.add_argument("--granularity", action="append", choices=("device", "group", "interface"))
    p.add_argument("--synthetic-fecs", type=int, default=2000)
    p.add_argument("--json", metavar="FILE")
    p.add_argument("--root", type=Path, help="measure the rela checkout at ROOT")
    args = p.parse_args(argv)
    if args.root:
        use_checkout(args.root)
    grans = args.granularity or ["device", "group", "interface"]
    result = bench_load(args.data, args.rounds, grans, args.synthetic_fecs)
    print(_table(result["results"]))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
