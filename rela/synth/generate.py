"""Write a synthetic change: chunk files of Rela graph JSON, the spec, the expected violations.

Output layout (``out`` is created if needed)::

    out/change/chunk_00000.json ...   FECs in Rela graph JSON, ``chunk_size`` per file
    out/spec.rela                     the spec the intended change satisfies
    out/expected.json                 {"violating_indices", "fecs", "spec", "scenario", ...}
    out/groups.json                   device -> group mapping
    out/topology.json                 devices, links (metrics, interfaces), address blocks

FECs are streamed: each one is a (destination, ingress group) *template*
whose graphs are serialised once, plus its own traffic keys, so memory does
not grow with the number of FECs.  Everything is a function of the arguments
and ``seed`` (string-seeded :class:`random.Random`, sorted iteration).

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     g = generate(d, topology="wan", fecs=50, change="drain", bug="loop", seed=3)
...     g.fecs, g.chunks, 0 in g.violating
(50, 1, True)
"""

from __future__ import annotations

import itertools
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from rela.synth.change import Scenario, Template, group_weights, templates_of
from rela.synth.forwarding import same_paths
from rela.synth.topology import Topology, clos, wan
from rela.values import frozen

__all__ = ["Generated", "generate", "make_topology", "CHANGE_DIR"]

#: Sub-directory of the output holding the chunk files (the ``--change`` argument).
CHANGE_DIR = "change"

_QOS = (0, 4)


@frozen
class Generated:
    """What :func:`generate` wrote (``expected`` is the content of ``expected.json``)."""

    out: Path
    fecs: int
    chunks: int
    violating: tuple[int, ...]
    bytes: int
    seconds: float
    expected: dict[str, Any]

    @property
    def change_dir(self) -> Path:
        return self.out / CHANGE_DIR

    @property
    def spec_path(self) -> Path:
        return self.out / "spec.rela"


def make_topology(kind: str, seed: int = 0, **params: int) -> Topology:
    """``clos`` or ``wan`` with the given size parameters (see :mod:`rela.synth.topology`)."""
    if kind == "clos":
        return clos(**params)
    if kind == "wan":
        return wan(seed=seed, **params)
    raise ValueError(f"unknown topology {kind!r} (choose clos or wan)")


@dataclass
class _Entry:
    """One template, serialised: before/after graphs and, if the bug can hit it, the buggy after."""

    before: bytes
    after: bytes
    buggy: bytes | None
    bug_violates: bool
    changed: bool


def _entry(scenario: Scenario, t: Template) -> _Entry:
    before, after = scenario.graphs(t)
    buggy = scenario.buggy_graph(t)
    return _Entry(
        before=orjson.dumps(before),
        after=orjson.dumps(after),
        buggy=None if buggy is None else orjson.dumps(buggy),
        bug_violates=buggy is not None and not same_paths(buggy, after),
        changed=not same_paths(before, after),
    )


def _chunk_rng(seed: int, chunk: int) -> random.Random:
    return random.Random(f"fecs:{seed}:{chunk}")


def generate(
    out: str | Path,
    *,
    topology: str | Topology = "clos",
    fecs: int = 1000,
    change: str = "drain",
    bug: str = "blackhole",
    seed: int = 0,
    chunk_size: int = 1000,
    **topo_params: int,
) -> Generated:
    """Generate a change of ``fecs`` FECs into ``out`` and return a summary.

    ``topology`` is ``"clos"``/``"wan"`` (sized by ``topo_params``, e.g.
    ``pods=4``) or a ready :class:`Topology`.
    """
    if fecs < 1 or chunk_size < 1:
        raise ValueError("fecs and chunk_size must be positive")
    start = time.perf_counter()
    topo = (
        topology if isinstance(topology, Topology) else make_topology(topology, seed, **topo_params)
    )
    scenario = Scenario.build(topo, change, bug, seed)
    templates = templates_of(topo)
    weights = group_weights(templates, topo, random.Random(f"weights:{seed}"))
    cum = list(itertools.accumulate(weights))
    population = range(len(templates))
    first = _chunk_rng(seed, 0).choices(population, cum_weights=cum, k=1)[0]
    scenario.inject(bug, templates[first], seed)

    out = Path(out)
    chunk_dir = out / CHANGE_DIR
    chunk_dir.mkdir(parents=True, exist_ok=True)
    for stale in chunk_dir.glob("chunk_*.json"):
        stale.unlink()

    dest_index = {d: i for i, d in enumerate(topo.destinations)}
    group_index = {g: i for i, g in enumerate(topo.ingress)}
    t_dest = [dest_index[t.dest] for t in templates]
    t_src = [
        "0.0.0.0" if t.group is None else _src_address(group_index[t.group]) for t in templates
    ]
    dst_prefix = [_dst_prefix(topo, d) for d in topo.destinations]
    bug_dest = -1 if scenario.bug_dest is None else dest_index[scenario.bug_dest]
    counters = [0] * len(topo.destinations)
    cache: list[_Entry | None] = [None] * len(templates)

    violating: list[int] = []
    fecs_changed = fecs_bugged = total_bytes = 0
    chunks = (fecs + chunk_size - 1) // chunk_size
    for c in range(chunks):
        rng = _chunk_rng(seed, c)
        n = min(chunk_size, fecs - c * chunk_size)
        picks = rng.choices(population, cum_weights=cum, k=n)
        rand = rng.random
        with open(chunk_dir / f"chunk_{c:05d}.json", "wb") as f:
            f.write(b"[\n")
            for k, t in enumerate(picks):
                entry = cache[t]
                if entry is None:
                    entry = cache[t] = _entry(scenario, templates[t])
                d = t_dest[t]
                nkeys = 2 if rand() < 0.2 else 1
                base = counters[d]
                counters[d] = base + nkeys
                # 65,534 hosts per /16; past them the QoS value keeps the keys distinct.
                qos = _QOS[rand() < 0.3] + 8 * (base // 65534 % 8)
                hosts = [1 + (base + i) % 65534 for i in range(nkeys)]
                pfx, src = dst_prefix[d], t_src[t]
                keys = ",".join(
                    f'{{"srcIp":"{src}","dstIp":"{pfx}{h >> 8}.{h & 255}","qos":{qos}}}'
                    for h in hosts
                )
                after = entry.after
                if d == bug_dest and min(hosts) < 256:  # a key in the bug's /24
                    assert entry.buggy is not None
                    after = entry.buggy
                    fecs_bugged += 1
                    if entry.bug_violates:
                        violating.append(c * chunk_size + k)
                fecs_changed += entry.changed
                f.write(
                    b"".join(
                        (
                            b',\n{"ipTrafficKeys":[' if k else b'{"ipTrafficKeys":[',
                            keys.encode(),
                            b'],"graphBefore":',
                            entry.before,
                            b',"graphAfter":',
                            after,
                            b"}",
                        )
                    )
                )
            f.write(b"\n]\n")
            total_bytes += f.tell()

    used = sum(e is not None for e in cache)
    expected: dict[str, Any] = {
        "violating_indices": violating,
        "fecs": fecs,
        "spec": scenario.spec_name,
        "spec_file": "spec.rela",
        "change_dir": CHANGE_DIR,
        "groups_file": "groups.json",
        "granularity": "device",
        "scenario": {
            "generator": "rela.synth",
            "seed": seed,
            "topology": {
                "kind": topo.kind,
                "params": dict(topo.params),
                "devices": len(topo.devices),
                "links": len(topo.links()),
            },
            "change": scenario.change_info,
            "bug": scenario.bug_info or {"kind": "none"},
            "templates": len(templates),
            "templates_used": used,
            "fecs_changed": fecs_changed,
            "fecs_bugged": fecs_bugged,
            "chunk_size": chunk_size,
            "chunks": chunks,
        },
    }
    (out / "spec.rela").write_text(scenario.spec_text, encoding="utf-8")
    (out / "groups.json").write_text(json.dumps(dict(topo.groups), indent=1) + "\n")
    (out / "topology.json").write_text(json.dumps(_topology_json(scenario), indent=1) + "\n")
    (out / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    return Generated(
        out=out,
        fecs=fecs,
        chunks=chunks,
        violating=tuple(violating),
        bytes=total_bytes,
        seconds=time.perf_counter() - start,
        expected=expected,
    )


def _src_address(group: int) -> str:
    return f"172.{16 + group // 256}.{group % 256}.1"


def _dst_prefix(topo: Topology, dest: str) -> str:
    a, b, _, _ = str(topo.block(dest).network_address).split(".")
    return f"{a}.{b}."


def _topology_json(scenario: Scenario) -> dict[str, Any]:
    topo = scenario.after_topo
    return {
        "kind": topo.kind,
        "params": dict(topo.params),
        "devices": list(topo.devices),
        "links": [
            {
                "a": a,
                "b": b,
                "metric": topo.weight(a, b),
                "interfaces_a": list(topo.interfaces(b, a)),
                "interfaces_b": list(topo.interfaces(a, b)),
                "added": b not in scenario.before_topo.adjacency[a],
            }
            for a, b in topo.links()
        ],
        "destinations": {d: str(topo.block(d)) for d in topo.destinations},
        "ingress": {g: list(ds) for g, ds in topo.ingress.items()},
        "transit": list(topo.transit),
    }
