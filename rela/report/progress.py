"""A progress bar for long checks, drawn on stderr only (stdout carries the report).

The CLI turns it on when stderr is a terminal, more than a few hundred FECs
are expected (or the count is unknown) and ``--no-progress`` is not given; the
library itself never draws anything.

>>> with progress_bar(1000, enabled=False) as advance:
...     advance(10)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

__all__ = ["progress_bar", "Advance", "MIN_FECS"]

Advance = Callable[..., None]
"""``advance(n: int = 1)``: n more FECs are done."""

MIN_FECS = 300
"""Below this many expected FECs a check is too quick for a progress bar to help."""

# Updating rich on every FEC would cost more than checking a trivial FEC.
_FLUSH_SECONDS = 0.1


class _CountColumn(ProgressColumn):
    """``1,234/5,000 FECs`` or ``1,234 FECs`` when the total is unknown."""

    def render(self, task: Task) -> Text:
        done = f"{int(task.completed):,}"
        if task.total is None:
            return Text(f"{done} FECs", style="progress.download")
        return Text(f"{done}/{int(task.total):,} FECs", style="progress.download")


class _SpeedColumn(ProgressColumn):
    """``850 FECs/s`` (blank until rich has a speed estimate)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f} FECs/s", style="progress.data.speed")


@contextmanager
def progress_bar(
    total: int | None, *, enabled: bool, console: Console | None = None
) -> Iterator[Advance]:
    """Yield ``advance(n=1)`` that moves a progress bar of ``total`` FECs on stderr.

    With ``enabled=False`` nothing is drawn and ``advance`` does nothing, so
    callers need no branches. ``total=None`` shows a pulsing bar and no ETA.
    The bar is removed when the block ends, leaving the terminal to the report.
    ``console`` (default: a stderr console) is for tests.
    """
    if not enabled:
        yield _ignore
        return
    console = console or Console(stderr=True)
    columns: list[ProgressColumn] = [
        SpinnerColumn(),
        TextColumn("checking"),
        BarColumn(),
        _CountColumn(),
        _SpeedColumn(),
    ]
    columns += [TimeRemainingColumn()] if total is not None else [TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("FECs", total=total)
        pending = 0
        last = time.monotonic()

        def advance(n: int = 1) -> None:
            nonlocal pending, last
            pending += n
            now = time.monotonic()
            if now - last >= _FLUSH_SECONDS:
                bar.advance(task, pending)
                pending, last = 0, now

        try:
            yield advance
        finally:
            if pending:
                bar.advance(task, pending)


def _ignore(n: int = 1) -> None:
    return None
