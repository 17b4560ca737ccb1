"""The progress bar draws on stderr only, and not at all when disabled."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from rela.report.progress import progress_bar


def test_disabled_draws_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with progress_bar(1000, enabled=False) as advance:
        for _ in range(1000):
            advance()
        advance(5)
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("total", [500, None])
def test_enabled_never_writes_stdout(total: int | None, capsys: pytest.CaptureFixture[str]) -> None:
    with progress_bar(total, enabled=True) as advance:
        for _ in range(500):
            advance()
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(("total", "shown"), [(500, "500/500 FECs"), (None, "500 FECs")])
def test_final_frame_counts_every_fec(total: int | None, shown: str) -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100, color_system=None)
    with progress_bar(total, enabled=True, console=console) as advance:
        for _ in range(250):
            advance()
        advance(250)
    assert shown in out.getvalue()
