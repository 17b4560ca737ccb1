"""``rela diff`` gives the same output (text and JSON) whatever ``--jobs`` and chunking are.

A generated change of a few hundred FECs (``rela.synth``: a drain with an
injected bug) is diffed in this process (``-j 1``, several batch sizes) and
by two worker processes (``-j 2``), as chunk files read by the workers and as
batches sent to them; every output must be byte for byte the same.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rela.diff.run as run
from rela.cli import app
from rela.synth.__main__ import main as synth

runner = CliRunner()

#: (topology, bug, the kind of flow change the bug makes).
CASES = [("clos", "blackhole", "new-drop"), ("wan", "loop", "new-loop")]
VIEWS = [
    ["--max-fecs", "3"],
    ["--all", "--max-paths", "2", "--format", "json"],
    ["--kind", "{kind}", "--max-fecs", "4"],
    # a global index: batches, not chunk files, go to the workers
    ["--fec", "#7", "--fec", "#100", "--all", "--format", "json"],
]


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def change(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    topology, bug, kind = request.param
    out = tmp_path_factory.mktemp(f"{topology}-{bug}")
    args = ["--topology", topology, "--fecs", "120", "--change", "drain"]
    args += ["--bug", bug, "--seed", "5", "--chunk-size", "30", "--out", str(out), "-q"]
    assert synth(args) == 0
    assert len(list((out / "change").iterdir())) == 4  # chunk files: the workers' parts
    return out / "change", kind


def _diff(change: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["diff", "--change", str(change), "--no-progress", *args])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, result.stdout


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_same_output_whatever_jobs_and_chunking(
    change: tuple[Path, str], fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory, kind = change
    code, want = _diff(directory, "-j", "1", "--format", fmt)
    assert code == 1 and (kind in want or kind.replace("-", " ") in want)  # the bug shows
    for serial_batch in (7,):
        monkeypatch.setattr(run, "SERIAL_BATCH", serial_batch)
        assert _diff(directory, "-j", "1", "--format", fmt) == (code, want), serial_batch
    assert _diff(directory, "-j", "2", "--format", fmt) == (code, want), "files in 2 workers"
    monkeypatch.setattr(run, "BATCH_SIZE", 41)
    single = directory.parent / "single.json"
    if not single.exists():  # one file: batches of FECs are sent to the workers
        texts = [p.read_text().strip()[1:-1].strip() for p in sorted(directory.iterdir())]
        single.write_text("[\n" + ",\n".join(texts) + "\n]\n")
    one = _diff(single, "-j", "1", "--format", fmt)
    # the same change, another description (whose length, the temporary folder's, may
    # wrap the heading on one more line): the rest is the same
    assert _body(one[1], fmt) == _body(want, fmt)
    assert _diff(single, "-j", "2", "--format", fmt) == one, "batches in 2 workers"


def _body(output: str, fmt: str) -> str:
    """The output without what names the input: the text heading (up to the first blank
    line), the JSON ``description``."""
    if fmt == "text":
        return output.split("\n\n", 1)[1]
    doc = json.loads(output)
    doc.pop("description", None)
    return json.dumps(doc, sort_keys=True)


@pytest.mark.parametrize("view", VIEWS, ids=" ".join)
def test_same_view_whatever_jobs(change: tuple[Path, str], view: list[str]) -> None:
    directory, kind = change
    args = [a.replace("{kind}", kind) for a in view]
    one = _diff(directory, "-j", "1", *args)
    assert one[0] == 1
    if "json" in args:
        assert json.loads(one[1])["fecs"]  # something is listed
    else:
        assert "\nFEC #" in one[1]
    assert _diff(directory, "-j", "2", *args) == one
