"""The verdict cache (``--cache DIR``) never changes a report, and re-decides only what changed."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import rela
from rela.check import HOLDS, FlowDiff, Outcome
from rela.cli import app
from rela.network.model import Fec, Graph
from rela.results import ANY_OTHER, ClauseRef, Explanation, SpecialHop
from rela.synth import generate
from rela.traffic import Cube
from rela.verify import cache as cache_module
from rela.verify.cache import DB_NAME
from rela.verify.cache_codec import BadEntry, decode, encode


def guarded(spec_text: str) -> str:
    """The generated spec's body under a guard that splits every FEC's traffic (no protocol
    in the keys), with branches that differ, so violations carry their traffic part."""
    body = spec_text[spec_text.index("{") + 1 : spec_text.rindex("}")]
    tcp = body.replace("else .* : preserve", "else .* core9 .* : drop else .* : preserve")
    return f"spec guarded {{\n  if proto = tcp {{{tcp}}} else {{{body}}}\n}}\n"


def normalised(report: rela.Report) -> dict[str, Any]:
    """The JSON report without timings, cache counts and the cache's own warnings."""
    data = report.to_dict()
    data.pop("seconds")
    data.pop("cache", None)
    for spec in data["specs"]:
        spec.pop("seconds")
    data["warnings"] = [w for w in data["warnings"] if w["code"] != "cache-ignored"]
    return data


def cache_warnings(report: rela.Report) -> list[str]:
    return [w.message for w in report.warnings if w.code == "cache-ignored"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("synth")
    return generate(
        out, topology="clos", fecs=300, change="drain", bug="blackhole", seed=7, chunk_size=120
    )


@pytest.fixture(scope="module")
def spec(generated: Any) -> Any:
    text = (generated.out / "spec.rela").read_text()
    return rela.parse_spec(text + guarded(text))


@pytest.fixture(scope="module")
def fecs(generated: Any) -> list[Fec]:
    return list(rela.load_change(change=generated.change_dir))


@pytest.fixture(scope="module")
def expected(spec: Any, fecs: list[Fec]) -> dict[str, Any]:
    """The report without any cache."""
    report = normalised(rela.verify(spec, fecs))
    # the run is worth comparing: violations with traffic parts and explanations
    guarded = next(s for s in report["specs"] if s["name"] == "guarded")
    assert guarded["violations"] and all("part" in v for v in guarded["violations"])
    assert any(v["explanation"] for s in report["specs"] for v in s["violations"])
    return report


def _change(generated: Any, fecs: list[Fec], source: str) -> Any:
    """The chunk directory (workers read the chunks) or the FECs in memory (a pool of batches)."""
    return rela.load_change(change=generated.change_dir) if source == "chunks" else fecs


@pytest.mark.parametrize("jobs,source", [(1, "memory"), (2, "memory"), (2, "chunks")])
def test_cold_and_warm_cache_give_the_same_report(
    tmp_path: Path,
    generated: Any,
    spec: Any,
    fecs: list[Fec],
    expected: Any,
    jobs: int,
    source: str,
) -> None:
    cold = rela.verify(spec, _change(generated, fecs, source), jobs=jobs, cache=tmp_path)
    warm = rela.verify(spec, _change(generated, fecs, source), jobs=jobs, cache=tmp_path)
    assert normalised(cold) == normalised(warm) == expected
    assert cold.warnings == warm.warnings and not cache_warnings(warm)
    assert cold.cache is not None and warm.cache is not None
    assert (cold.cache.fecs_cached, cold.cache.fecs_decided, cold.cache.stored) == (0, 300, 600)
    assert (warm.cache.fecs_cached, warm.cache.fecs_decided, warm.cache.stored) == (300, 0, 0)
    assert warm.to_dict()["cache"]["fecs_cached"] == 300


def _damage(directory: Path, how: str) -> None:
    path = directory / DB_NAME
    if how == "garbage-file":
        path.write_bytes(b"\x00garbage\xff" * 100)
        return
    if how == "truncated-file":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
        return
    db = sqlite3.connect(path)
    if how == "garbage-entries":
        db.execute("UPDATE entries SET body = randomblob(40) WHERE substr(hex(key), 1, 1) < '6'")
    elif how == "truncated-entries":
        db.execute("UPDATE entries SET body = substr(body, 1, length(body) / 2)")
    elif how == "foreign-version":
        db.execute("UPDATE entries SET version = '0.0.1'")
    elif how == "forged-entries":  # checksums do not match a rewritten verdict
        db.execute("UPDATE entries SET body = CAST(replace(body, 'violated', 'holds') AS BLOB)")
    elif how == "foreign-format":
        db.execute("UPDATE meta SET value = 'rela-verdict-cache/99'")
    db.commit()
    db.close()


DAMAGE = [
    "garbage-file",
    "truncated-file",
    "garbage-entries",
    "truncated-entries",
    "foreign-version",
    "forged-entries",
    "foreign-format",
]


@pytest.mark.parametrize(
    "jobs,how",
    [(1, how) for how in DAMAGE]
    + [(2, how) for how in ("garbage-file", "garbage-entries", "foreign-version")],
)
def test_a_damaged_cache_is_ignored_with_a_warning(
    tmp_path: Path, spec: Any, fecs: list[Fec], expected: Any, how: str, jobs: int
) -> None:
    rela.verify(spec, fecs, jobs=jobs, cache=tmp_path)
    # WAL mode: write everything back into the database file before damaging it
    sqlite3.connect(tmp_path / DB_NAME).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    _damage(tmp_path, how)
    damaged = rela.verify(spec, fecs, jobs=jobs, cache=tmp_path)
    assert normalised(damaged) == expected
    assert cache_warnings(damaged), "a damaged cache must be reported"
    assert damaged.cache is not None
    if how in ("garbage-entries", "forged-entries"):
        assert 0 < damaged.cache.ignored < 600
    elif how in ("truncated-entries", "foreign-version"):
        assert damaged.cache.ignored == 600 and damaged.cache.fecs_cached == 0
    # the damaged entries were decided again and replaced: the next run trusts every entry
    again = rela.verify(spec, fecs, jobs=jobs, cache=tmp_path)
    assert normalised(again) == expected and not cache_warnings(again)
    assert again.cache is not None
    # a damaged database found while running is replaced after the run (an empty cache)
    assert again.cache.fecs_cached in ((0, 300) if how == "truncated-file" else (300,))


def test_only_changed_fecs_are_decided_again(tmp_path: Path, spec: Any, fecs: list[Fec]) -> None:
    rela.verify(spec, fecs, cache=tmp_path)
    changed = list(fecs)
    # a rebased change: two FECs route differently, the rest moved to other positions
    for i in (5, 200):
        f = changed[i]
        changed[i] = dataclasses.replace(f, after=Graph.from_paths([[f.before.labels[0], "drop"]]))
    changed[10] = dataclasses.replace(changed[10], traffic=changed[11].traffic)
    changed.reverse()
    changed = [dataclasses.replace(f, index=i) for i, f in enumerate(changed)]
    warm = rela.verify(spec, changed, cache=tmp_path)
    assert warm.cache is not None
    assert (warm.cache.fecs_cached, warm.cache.fecs_decided) == (297, 3)
    assert normalised(warm) == normalised(rela.verify(spec, changed))


def test_runs_with_and_without_counterexamples_share_entries(
    tmp_path: Path, spec: Any, fecs: list[Fec]
) -> None:
    """A verdict-only run (``rela check -q``) and a full run use each other's entries,
    and each still reports exactly what it would without the cache."""
    quiet, full = (normalised(rela.verify(spec, fecs, counterexamples=c)) for c in (False, True))
    violated = sum(s["fecs"]["violated"] for s in quiet["specs"])
    assert violated and quiet != full
    first = rela.verify(spec, fecs, counterexamples=False, cache=tmp_path)
    # full after quiet: holding FECs from the cache, violated ones decided again (no lists)
    second = rela.verify(spec, fecs, cache=tmp_path)
    # quiet after full: everything from the cache, the lists left out
    third = rela.verify(spec, fecs, counterexamples=False, cache=tmp_path)
    fourth = rela.verify(spec, fecs, cache=tmp_path)
    assert [normalised(r) for r in (first, second, third, fourth)] == [quiet, full, quiet, full]
    counts = [(r.cache.fecs_cached, r.cache.fecs_decided) for r in (second, third, fourth)]  # type: ignore[union-attr]
    touched = {v["fec"]["index"] for s in full["specs"] for v in s["violations"]}
    assert counts == [(300 - len(touched), len(touched)), (300, 0), (300, 0)]


@pytest.mark.parametrize(
    "other",
    [
        {"max_paths": 3},
        {"max_states": 150_000},
        {"fec_timeout": 30.0},
        {"specs": ["guarded"]},
    ],
)
def test_other_options_or_specs_miss(
    tmp_path: Path, spec: Any, fecs: list[Fec], other: dict[str, Any]
) -> None:
    rela.verify(spec, fecs[:50], specs=["drain"], cache=tmp_path)
    run = rela.verify(spec, fecs[:50], **{"specs": ["drain"], **other}, cache=tmp_path)
    assert run.cache is not None and run.cache.fecs_cached == 0
    assert normalised(run) == normalised(
        rela.verify(spec, fecs[:50], **{"specs": ["drain"], **other})
    )


def test_entries_an_older_build_explained_otherwise_miss(
    tmp_path: Path, spec: Any, fecs: list[Fec], monkeypatch: pytest.MonkeyPatch
) -> None:
    rela.verify(spec, fecs[:50], specs=["drain"], cache=tmp_path)
    warm = rela.verify(spec, fecs[:50], specs=["drain"], cache=tmp_path)
    assert warm.cache is not None and warm.cache.fecs_cached == 50  # same meaning: served
    monkeypatch.setattr(sys.modules["rela.verify.cached"], "MEANING", cache_module.MEANING + 1)
    run = rela.verify(spec, fecs[:50], specs=["drain"], cache=tmp_path)
    assert run.cache is not None and run.cache.fecs_cached == 0


def test_an_edited_spec_misses(tmp_path: Path, fecs: list[Fec]) -> None:
    a = rela.parse_spec("spec s { .* pod3-leaf4 .* : drop else .* : preserve }")
    b = rela.parse_spec("spec s { .* pod3-leaf2 .* : drop else .* : preserve }")
    rela.verify(a, fecs[:50], cache=tmp_path)
    run = rela.verify(b, fecs[:50], cache=tmp_path)
    assert run.cache is not None and run.cache.fecs_cached == 0
    assert rela.verify(a, fecs[:50], cache=tmp_path).cache.fecs_cached == 50  # type: ignore[union-attr]


def test_error_verdicts_and_malformed_fecs_are_never_cached(
    tmp_path: Path, fecs: list[Fec]
) -> None:
    spec = rela.parse_spec(
        "spec s { [^pod3-leaf4]* : preserve then pod3-leaf4 : replace(pod3-leaf4, pod3-leaf2)"
        " then [^pod3-leaf4]* : preserve else .* : preserve }"
    )
    bad = Fec(len(fecs[:20]), "bad", (), Graph.empty(), Graph.empty(), problem="no graphBefore")
    change = [*fecs[:20], bad]
    for _ in range(2):  # a state limit too small for any FEC: every verdict is an error
        tight = rela.verify(spec, change, max_states=2, cache=tmp_path)
        assert tight.specs[0].errors == 21 and tight.cache is not None
        assert (tight.cache.stored, tight.cache.fecs_cached) == (0, 0)
    fine = rela.verify(spec, change, cache=tmp_path)
    assert fine.cache is not None and fine.cache.stored == 20
    again = rela.verify(spec, change, cache=tmp_path)
    assert again.cache is not None and (again.cache.fecs_cached, again.cache.fecs_decided) == (
        20,
        1,
    )
    assert again.input_errors == 1


# ---------------------------------------------------------------------- the entry codec


def _rich_outcome() -> Outcome:
    ref = ClauseRef(".* : preserve", 3, 5, "x.rela")
    flow = FlowDiff(
        "a",
        (("a", "b"),),
        (("a", ANY_OTHER, "c"),),
        (("a", SpecialHop("any", 2, ".* b .*")),),
        (("a", "c"),),
        (("a", "b"),),
        (("a", "⟨any other location⟩"),),  # a location literally named like a special hop
        True,
        (Cube(4, ((0, 255),), ((1, 1),), ((0, 63),), ((6, 6),), ((80, 80), (443, 443)), ()),),
        Explanation(
            "paths-moved",
            ANY_OTHER,
            ref,
            (ref, None),
            (None,),
            (("a", "z"),),
            ("a", "b", "a"),
            (".* b .*", None),
        ),
    )
    return Outcome("violated", (flow, dataclasses.replace(flow, part=None, explanation=None)))


def test_entries_restore_exactly() -> None:
    outcome = _rich_outcome()
    got, coverage = decode(encode(outcome, ((0, 1, 2), (3, 0, 1))))
    assert got == outcome and coverage == ((0, 1, 2), (3, 0, 1))
    hops = [got.flows[0].after[0][1], got.flows[0].unexpected[0][1]]
    assert [type(h) for h in hops] == [SpecialHop, str]
    assert decode(encode(HOLDS, ()))[0] is HOLDS


def test_every_truncation_or_byte_flip_of_an_entry_is_refused_or_exact() -> None:
    outcome = _rich_outcome()
    body = encode(outcome, ((0, 1, 2),))
    for n in range(len(body)):
        with pytest.raises(BadEntry):
            decode(body[:n])
    # a flipped byte: refused with BadEntry (never another exception), or a well-typed value
    # (the row checksum is what catches those in the store)
    for i in range(0, len(body), 7):
        flipped = body[:i] + bytes([body[i] ^ 0x20]) + body[i + 1 :]
        with contextlib.suppress(BadEntry):
            got, _ = decode(flipped)
            assert isinstance(got, Outcome)
            assert all(isinstance(h, str) for f in got.flows for p in f.after for h in p)
    with pytest.raises(ValueError):
        encode(Outcome("error", message="over the state limit"), ())


# ---------------------------------------------------------------------- the CLI


def test_cli_cache_option(tmp_path: Path, generated: Any) -> None:
    runner = CliRunner()
    spec_file = str(generated.out / "spec.rela")
    base = ["check", spec_file, "--change", str(generated.change_dir), "-j", "1"]
    cache = tmp_path / "cache"
    first = runner.invoke(app, [*base, "--cache", str(cache), "-f", "json"])
    second = runner.invoke(app, [*base, "--cache", str(cache), "-f", "json"])
    assert first.exit_code == second.exit_code == 1
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a["cache"]["fecs_decided"] == 300 and b["cache"]["fecs_cached"] == 300
    for d in (a, b):
        d.pop("seconds"), d.pop("cache")
        for s in d["specs"]:
            s.pop("seconds")
    assert a == b
    text = runner.invoke(app, [*base, "--cache", str(cache)])
    assert "Checked 300 FECs in" in text.stdout and "(300 from the cache)" in text.stdout


@pytest.mark.parametrize("where", ["file", "input", "inside-input"])
def test_cli_refuses_a_cache_that_is_a_file_or_an_input(
    tmp_path: Path, generated: Any, where: str
) -> None:
    target = {
        "file": generated.out / "spec.rela",
        "input": generated.change_dir,
        "inside-input": generated.change_dir / "cache",
    }[where]
    args = ["check", str(generated.out / "spec.rela"), "--change", str(generated.change_dir)]
    result = CliRunner().invoke(app, [*args, "--cache", str(target)])
    assert result.exit_code == 2
    assert "--cache" in result.stderr and "Traceback" not in result.output
    assert not (generated.change_dir / "cache").exists()


def test_the_example_of_the_docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/verification.md's example: its command, run twice, ends as the docs show."""
    repo = Path(__file__).resolve().parents[2]
    doc = (repo / "docs" / "verification.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Re-checks: the verdict cache") :]
    start = section.index("```console\n") + len("```console\n")
    block = section[start : section.index("\n```", start)]
    command, _, *shown = block.splitlines()
    argv = command.removeprefix("$ rela ").split()
    monkeypatch.chdir(repo)
    argv[argv.index("--cache") + 1] = str(tmp_path / "cache")
    runs = [CliRunner().invoke(app, argv) for _ in range(2)]
    assert [r.exit_code for r in runs] == [1, 1]
    tails = [r.stdout.rstrip().splitlines()[-2:] for r in runs]
    untimed = [[re.sub(r"in [0-9.]+ s", "in T s", line) for line in t] for t in tails]
    assert untimed[1] == [re.sub(r"in [0-9.]+ s", "in T s", line) for line in shown]
    assert untimed[0][0] == untimed[1][0].replace("(32 from", "(0 from")


def _runs(directory: Path) -> dict[int, int]:
    """Data bytes of the entries by the run that last used them."""
    with contextlib.closing(sqlite3.connect(directory / DB_NAME)) as db:
        rows = db.execute(
            "SELECT used, SUM(length(key) + length(version) + length(checksum) + length(body))"
            " FROM entries GROUP BY used"
        ).fetchall()
    return dict(rows)


def test_pruning_drops_the_least_recently_used_entries_and_never_a_verdict(
    tmp_path: Path, spec: Any, fecs: list[Fec]
) -> None:
    """Runs A, B, A again (its entries are used again), C: over the limit, B's entries go
    first; the latest run's entries are kept even when they alone pass the limit."""
    a, b, c = fecs[:100], fecs[100:200], fecs[200:]
    for change in (a, b, a, c):
        rela.verify(spec, change, cache=tmp_path)
    runs = _runs(tmp_path)
    assert sorted(runs) == [2, 3, 4]  # B last used by run 2, A by run 3, C by run 4
    with contextlib.closing(sqlite3.connect(tmp_path / DB_NAME)) as db:
        live = cache_module._live_bytes(db)
    total = sum(runs.values())
    # a limit the database passes, and that A and C fit under once B is gone
    limit = int((runs[3] + runs[4]) * live / (cache_module.PRUNE_TO * total)) + 1
    assert limit < live
    assert cache_module.prune(tmp_path, limit) == 2 * len(b)  # two specs
    assert sorted(_runs(tmp_path)) == [3, 4]
    for change, cached in ((a, len(a)), (c, len(c)), (b, 0)):
        warm = rela.verify(spec, change, cache=tmp_path)
        assert warm.cache is not None and warm.cache.fecs_cached == cached
        assert normalised(warm) == normalised(rela.verify(spec, change))
    # under a limit no run fits, only the latest run's entries (B's, run 7) stay
    cache_module.prune(tmp_path, 1)
    assert sorted(_runs(tmp_path)) == [7]
    warm = rela.verify(spec, b, cache=tmp_path)
    assert warm.cache is not None and warm.cache.fecs_cached == len(b)


def test_every_run_prunes_to_the_limit(
    tmp_path: Path, spec: Any, fecs: list[Fec], monkeypatch: pytest.MonkeyPatch
) -> None:
    rela.verify(spec, fecs[:100], cache=tmp_path)
    with contextlib.closing(sqlite3.connect(tmp_path / DB_NAME)) as db:
        one_run = cache_module._live_bytes(db)
    monkeypatch.setattr(cache_module, "MAX_BYTES", int(one_run * 1.5))
    for start in (100, 200, 0):
        rela.verify(spec, fecs[start : start + 100], cache=tmp_path)
    with contextlib.closing(sqlite3.connect(tmp_path / DB_NAME)) as db:
        assert cache_module._live_bytes(db) <= 1.5 * one_run
    # room for one run and a half: the runs before the one before the last were evicted,
    # the last run (4: FECs 0..99, decided again after they were evicted) is kept whole.
    # (Whether some of run 3 is left depends on how many entries runs 3 and 4 share
    # and on how SQLite fills its pages, which changes with the keys.)
    runs = sorted(_runs(tmp_path))
    assert runs[-1] == 4 and 1 not in runs and 2 not in runs, runs
    warm = rela.verify(spec, fecs[:100], cache=tmp_path)
    assert warm.cache is not None and warm.cache.fecs_cached == 100


def test_a_database_of_the_older_format_is_removed(
    tmp_path: Path, spec: Any, fecs: list[Fec]
) -> None:
    old = tmp_path / cache_module.OLD_DB_NAMES[0]
    old.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    rela.verify(spec, fecs[:10], cache=tmp_path)
    assert not old.exists() and (tmp_path / DB_NAME).is_file()
