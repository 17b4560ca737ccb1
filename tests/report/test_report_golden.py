"""Golden tests: every format rendered from the fixed report of ``conftest.py``.

The expected outputs live in ``tests/report/golden/``. After an intended change
of a renderer, regenerate them and review the diff::

    RELA_UPDATE_GOLDEN=1 .venv/bin/pytest tests/report/test_report_golden.py

Time fields are normalised before comparing (the hand-built reports have fixed
times, but reports from real runs do not).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from report_fixtures import explained_report, passing_report, violating_report

from rela.report import render

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("RELA_UPDATE_GOLDEN") == "1"

_TIMES = [
    (re.compile(r'"seconds": [0-9.e+-]+'), '"seconds": 0'),
    (re.compile(r'time="[0-9.]+"'), 'time="0"'),
    (re.compile(r"\b\d+\.\d\d s\b"), "#.## s"),
]


#: The checkout the tests run from: spec file names in reports are absolute.
_ROOT = str(Path(__file__).resolve().parents[2])


def normalise(text: str) -> str:
    """Replace wall-clock times (JSON ``seconds``, JUnit ``time``, text ``1.23 s``) and the
    checkout's directory (``<root>``)."""
    for pattern, repl in _TIMES:
        text = pattern.sub(repl, text)
    return text.replace(_ROOT, "<root>")


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    text = normalise(text)
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"golden file {path} is missing; run with RELA_UPDATE_GOLDEN=1")
        path.write_text(text, encoding="utf-8")
        return
    assert text == path.read_text(encoding="utf-8"), f"differs from {path}"


CASES = {
    "text-80.txt": lambda: render(violating_report(), "text", width=80),
    "text-120-verbose.txt": lambda: render(violating_report(), "text", width=120, verbose=True),
    "text-quiet.txt": lambda: render(violating_report(), "text", quiet=True),
    "text-pass.txt": lambda: render(passing_report(), "text", width=80),
    "report.json": lambda: render(violating_report(), "json"),
    "report.xml": lambda: render(violating_report(), "junit"),
    "report.md": lambda: render(violating_report(), "markdown"),
    "report-2-examples.md": lambda: render(violating_report(), "markdown", max_examples=2),
    "pass.md": lambda: render(passing_report(), "markdown"),
    "pass.xml": lambda: render(passing_report(), "junit"),
    # causes first, any(p) in words, loops folded, unchanged paths collapsed, counts
    "explained-100.txt": lambda: render(explained_report(), "text", width=100),
    "explained-60.txt": lambda: render(explained_report(), "text", width=60),
    "explained.md": lambda: render(explained_report(), "markdown"),
    "explained.xml": lambda: render(explained_report(), "junit"),
    "explained.json": lambda: render(explained_report(), "json"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str) -> None:
    check_golden(name, CASES[name]())


def test_normalise_times() -> None:
    assert normalise('"seconds": 1.4567,') == '"seconds": 0,'
    assert normalise('time="12.500"') == 'time="0"'
    assert normalise("in 12.25 s.") == "in #.## s."


def test_json_report_is_what_the_standard_json_module_writes() -> None:
    """render_json writes with orjson for speed: the text is the one json.dumps(indent=2,
    ensure_ascii=True) writes, non-ASCII names included (escaped)."""
    import dataclasses
    import json

    from rela.report.json_report import render_json

    report = explained_report()
    reference = json.dumps(report.to_dict(), indent=2, ensure_ascii=True, default=str) + "\n"
    assert render_json(report) == reference
    spec = report.specs[0]
    renamed = dataclasses.replace(report, specs=(dataclasses.replace(spec, name="cœur→1"),))
    text = render_json(renamed)
    assert text.isascii() and "c\\u0153ur\\u21921" in text
    assert text == json.dumps(renamed.to_dict(), indent=2, ensure_ascii=True, default=str) + "\n"
