"""Golden HTML pages of the shipped examples (layout changes show up as a reviewable diff).

Regenerate after an intended change, then review the diff::

    RELA_UPDATE_GOLDEN=1 .venv/bin/pytest tests/html/test_html_golden.py
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

import rela
from rela.diff import diff_change
from rela.report.html import render_html
from rela.report.html_diff import render_diff_html
from tests.html.pages import REPO
from tests.html.test_check_html import batfish_report

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("RELA_UPDATE_GOLDEN") == "1"


def check_golden(name: str, page: str) -> None:
    path = GOLDEN / name
    page = page.replace(str(REPO), "$ROOT")  # spec file names in reports are absolute
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(page, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"golden file {path} is missing; run with RELA_UPDATE_GOLDEN=1")
    assert page == path.read_text(encoding="utf-8"), f"differs from {path}"


def test_check_page_of_the_batfish_example() -> None:
    report, change = batfish_report()
    report = replace(
        report, seconds=0.0, specs=tuple(replace(s, seconds=0.0) for s in report.specs)
    )
    check_golden("check-batfish-change1.html", render_html(report, change))


def test_diff_page_of_the_reroute_example(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    change = rela.load_change(change="snapshots/graphs/reroute.json")
    check_golden("diff-reroute.html", render_diff_html(diff_change(change), change))
