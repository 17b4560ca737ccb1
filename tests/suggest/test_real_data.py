"""``rela suggest`` on the real sample of the Rela dataset (skipped when ../shared/data is absent).

The sample (112 FECs of a production backbone, 4 changed) gets a suggestion
that holds at device and group granularity, with few clauses; docs/suggest.md
reports its clause count and run time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rela

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "rela-dataset"
CHUNK = DATA / "chunk_22_112.json"
MAPPING = DATA / "dg_mapping_anonymized.json"

pytestmark = pytest.mark.skipif(not CHUNK.exists(), reason="../shared/data is absent")


def test_device_granularity() -> None:
    s = rela.suggest(rela.load_change(change=CHUNK))
    assert s.holds and not s.fallback, s.text
    assert (s.fecs, s.changed) == (112, 4)
    assert len(s.clauses) <= 5
    # every changed FEC is explained by some clause, every unchanged one by the final preserve
    explained = {i for c in s.clauses[:-1] for i in c.indices}
    assert explained == {1, 12, 51, 60}
    assert len(s.clauses[-1].indices) == 108
    # Device1009 is where the change happens
    assert any("Device1009" in c.names for c in s.clauses[:-1])
    # and `rela check` agrees when it reads the change again
    assert rela.verify(rela.parse_spec(s.text), rela.load_change(change=CHUNK)).holds


def test_group_granularity() -> None:
    change = rela.load_change(change=CHUNK, granularity="group", groups=MAPPING)
    s = rela.suggest(change)
    assert s.holds and not s.fallback, s.text
    assert len(s.clauses) <= 3
